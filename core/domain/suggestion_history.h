// SPDX-License-Identifier: Apache-2.0
// The order in which the suggestion fold (suggestion.cpp) takes a record's
// versions, and what each version's author had seen: its causal ancestors.
// Internal to the fold; a function of the record's versions only, so every
// node computes the same order and the same answers.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/record.h"

namespace renda::domain::detail {

// A version's place among concurrent ones: lower goes first. The action's
// priority (actions() in suggestion.h); a plain field edit goes with a
// re-handling, after every office decision that could make it refused.
int foldPriority(const std::string& action);

// Above this many versions, ancestry is walked per question instead of kept
// as bit sets (which take versions² bits).
inline constexpr size_t kMaxAncestryBitsetVersions = 2048;

class History {
 public:
  // `maxBitsetVersions` is for tests; the default bounds memory to 512 KiB.
  explicit History(const Record& record, size_t maxBitsetVersions = kMaxAncestryBitsetVersions);

  // The versions in fold order: every version after its parents; among those
  // whose parents are all placed, lower foldPriority first, then lower id.
  // Pointers into the record, which must outlive this object.
  const std::vector<const RecordVersion*>& order() const { return order_; }

  // Whether `later`'s author had seen `earlier`: `earlier` is among its causal
  // ancestors. False when either is not a version of the record, or they are
  // the same version.
  bool saw(const ChangeId& later, const ChangeId& earlier) const;

  // Neither had seen the other (and they are different versions).
  bool concurrent(const ChangeId& a, const ChangeId& b) const {
    return a != b && !saw(a, b) && !saw(b, a);
  }

 private:
  bool walk(size_t later, size_t earlier) const;

  std::vector<const RecordVersion*> order_;
  std::unordered_map<ChangeId, size_t> index_;  // version id -> position in order_
  std::vector<std::vector<size_t>> parents_;    // by position, the parents' positions
  size_t words_ = 0;                            // 0: no bit sets, walk instead
  std::vector<uint64_t> past_;                  // position * words_: ancestors' bits
};

}  // namespace renda::domain::detail
