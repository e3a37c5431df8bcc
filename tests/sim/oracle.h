// SPDX-License-Identifier: Apache-2.0
// The adversarial simulation's oracle (adversarial_test.cpp): from a set of
// held changes alone, a naive re-computation of who is admitted and which
// changes apply, written from the rules in core/trust.h and design.md (§Forks
// and restores, §Trust) read literally, sharing no code with deriveTrust() or
// the store. It walks each author's whole tree of changes (not the region
// around its branches that the store keeps), then folds every record with the
// flags it found and judges plain edits of suggestions with the field-group
// rule (core/domain/field_groups.h, a record rule, not trust). The simulation
// compares each replica with it, besides comparing the replicas with each other.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/change.h"
#include "core/record.h"
#include "core/trust.h"

namespace renda::sim {

// A change as held: its id and decoded body.
struct HeldChange {
  ChangeId id;
  Change change;
};

// What the oracle says about one key.
struct OracleMember {
  bool admitted = false;
  std::string township;  // set only when admitted, as the store does
  Role role = Role::kTownship;
  uint32_t generation = 0;
  std::vector<std::pair<uint64_t, uint64_t>> windowsMs;
  std::optional<PublicKey> successor;
  std::optional<uint64_t> frozenFromSeq;
  std::optional<BoxPublicKey> encryptionKey;
  std::optional<BoxPublicKey> transportKey;
};

struct Oracle {
  std::map<PublicKey, OracleMember> members;
  // Every change: whether trust lets it take effect (acts: whether the act
  // does), before any record rule.
  std::map<ChangeId, bool> trustApplied;
  // Every change: the applied flag a store must show (trust, then the
  // suggestion field-group rule for plain edits of suggestions).
  std::map<ChangeId, bool> applied;
  // Plain suggestion edits that trust lets through but the field-group rule refuses.
  std::map<ChangeId, std::string> fieldRuleRefused;
  // Every record, folded from its changes with `applied`.
  std::map<RecordId, Record> records;
  // Where a record's field values differ from the merge rule read naively (a
  // value survives unless a later applied setter of the field follows it).
  std::vector<std::string> problems;
};

// REQUIRES: `held` is closed under prev, deps and parents (a store's whole
// content), and every act's signature verifies (it was ingested).
Oracle computeOracle(const std::vector<HeldChange>& held, const NetworkId& network,
                     const PublicKey& root);

// The full suggestion view of `record` (every field of the fold, as the
// suggestion tests compare folds), with members looked up in `members`.
std::string describeSuggestion(const Record& record, const std::vector<Membership>& members);
// The same, with the oracle's members.
std::string describeSuggestion(const Record& record, const Oracle& oracle);

}  // namespace renda::sim
