// SPDX-License-Identifier: Apache-2.0
#include "core/domain/suggestion_history.h"

#include <queue>

#include "core/domain/suggestion.h"

namespace renda::domain::detail {

namespace {

constexpr int kPlainEditPriority = 10;  // with "rehandle": after every office decision

}  // namespace

int foldPriority(const std::string& action) {
  if (action.empty()) return kPlainEditPriority;
  const ActionInfo* a = findAction(action);
  return a ? a->priority : kPlainEditPriority;
}

History::History(const Record& r, size_t maxBitsetVersions) {
  const size_t n = r.versions.size();
  std::unordered_map<ChangeId, size_t> byId;  // id -> index in r.versions
  for (size_t i = 0; i < n; ++i) byId[r.versions[i].id] = i;
  std::vector<size_t> pending(n, 0);
  std::vector<std::vector<size_t>> children(n);
  for (size_t i = 0; i < n; ++i)
    for (const auto& p : r.versions[i].parents) {
      auto it = byId.find(p);
      if (it == byId.end()) continue;
      ++pending[i];
      children[it->second].push_back(i);
    }
  std::vector<int> priority(n);
  for (size_t i = 0; i < n; ++i) priority[i] = foldPriority(r.versions[i].action);
  auto later = [&](size_t a, size_t b) {
    if (priority[a] != priority[b]) return priority[a] > priority[b];
    return r.versions[a].id > r.versions[b].id;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t i = 0; i < n; ++i)
    if (!pending[i]) ready.push(i);
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    index_[r.versions[i].id] = order_.size();
    order_.push_back(&r.versions[i]);
    for (size_t c : children[i])
      if (--pending[c] == 0) ready.push(c);
  }
  parents_.resize(order_.size());
  for (size_t k = 0; k < order_.size(); ++k)
    for (const auto& p : order_[k]->parents)
      if (auto it = index_.find(p); it != index_.end()) parents_[k].push_back(it->second);
  if (order_.size() > maxBitsetVersions) return;
  // Parents come first in order_, so one pass fills each version's ancestors.
  words_ = (order_.size() + 63) / 64;
  past_.assign(order_.size() * words_, 0);
  for (size_t k = 0; k < order_.size(); ++k) {
    uint64_t* mine = &past_[k * words_];
    for (size_t j : parents_[k]) {
      const uint64_t* theirs = &past_[j * words_];
      for (size_t w = 0; w < words_; ++w) mine[w] |= theirs[w];
      mine[j / 64] |= uint64_t(1) << (j % 64);
    }
  }
}

bool History::saw(const ChangeId& later, const ChangeId& earlier) const {
  auto l = index_.find(later), e = index_.find(earlier);
  if (l == index_.end() || e == index_.end() || l->second <= e->second) return false;
  if (words_) return (past_[l->second * words_ + e->second / 64] >> (e->second % 64)) & 1;
  return walk(l->second, e->second);
}

// Depth-first from `later` through parents; positions below `earlier` cannot
// lead to it (parents come first), so they are not followed.
bool History::walk(size_t later, size_t earlier) const {
  std::vector<size_t> stack = {later};
  std::vector<bool> seen(order_.size(), false);
  while (!stack.empty()) {
    size_t k = stack.back();
    stack.pop_back();
    for (size_t j : parents_[k]) {
      if (j == earlier) return true;
      if (j < earlier || seen[j]) continue;
      seen[j] = true;
      stack.push_back(j);
    }
  }
  return false;
}

}  // namespace renda::domain::detail
