// SPDX-License-Identifier: Apache-2.0
#include "app/web/login_throttle.h"

#include <algorithm>

namespace renda::app {

uint64_t LoginThrottle::waitFor(const std::map<std::string, Count>& m, const std::string& key,
                                uint64_t nowMs) const {
  auto it = m.find(key);
  if (it == m.end() || it->second.failures < kFreeFailures) return 0;
  if (nowMs - it->second.lastMs > kForgetMs) return 0;
  uint32_t over = std::min<uint32_t>(it->second.failures - kFreeFailures, 10);
  uint64_t wait = std::min<uint64_t>(kMaxWaitMs, kFirstWaitMs << over);
  uint64_t until = it->second.lastMs + wait;
  return until > nowMs ? until - nowMs : 0;
}

uint64_t LoginThrottle::waitMs(const std::string& account, const std::string& address,
                               uint64_t nowMs) const {
  return std::max(waitFor(accounts_, account, nowMs), waitFor(addresses_, address, nowMs));
}

void LoginThrottle::bump(std::map<std::string, Count>& m, const std::string& key, uint64_t nowMs) {
  if (m.size() >= kMaxEntries)
    std::erase_if(m, [&](const auto& kv) { return nowMs - kv.second.lastMs > kForgetMs; });
  if (m.size() >= kMaxEntries && !m.count(key)) m.erase(m.begin());
  Count& c = m[key];
  if (nowMs - c.lastMs > kForgetMs) c.failures = 0;
  ++c.failures;
  c.lastMs = nowMs;
}

uint64_t LoginThrottle::budgetWaitMs(uint64_t nowMs) {
  while (!checks_.empty() && nowMs - checks_.front() >= kBudgetWindowMs) checks_.pop_front();
  if (checks_.size() < kChecksPerWindow) return 0;
  return checks_.front() + kBudgetWindowMs - nowMs;
}

void LoginThrottle::checking(uint64_t nowMs) { checks_.push_back(nowMs); }

void LoginThrottle::failed(const std::string& account, const std::string& address,
                           uint64_t nowMs) {
  bump(accounts_, account, nowMs);
  bump(addresses_, address, nowMs);
}

void LoginThrottle::succeeded(const std::string& account, const std::string& address) {
  accounts_.erase(account);
  addresses_.erase(address);
}

void LoginThrottle::forgive(const std::string& account) {
  accounts_.erase(account);
  addresses_.clear();
}

}  // namespace renda::app
