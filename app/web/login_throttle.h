// SPDX-License-Identifier: Apache-2.0
// Holds back password guessing at the web sign-in: failures are counted per
// account name and per client address; from the kFreeFailures-th failure in a
// row on, each further attempt on that name or from that address must wait
// kFirstWaitMs, doubling with each failure, up to kMaxWaitMs. A success
// clears the count of its name and address; a count is forgotten kForgetMs
// after its last failure. Every password check (Argon2id, about 0.1 s on the
// event loop) also counts against one budget for the whole server, so that
// guesses from many addresses (loopback alone has 16M) cannot hold the loop
// that syncs and serves the pages. Not thread-safe: renda serve's event loop only.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace renda::app {

class LoginThrottle {
 public:
  static constexpr uint32_t kFreeFailures = 5;
  static constexpr uint64_t kFirstWaitMs = 30'000;
  static constexpr uint64_t kMaxWaitMs = 15 * 60'000;
  static constexpr uint64_t kForgetMs = 3600'000;
  static constexpr size_t kMaxEntries = 10'000;
  // At most this many password checks in any kBudgetWindowMs: a fifth of the loop.
  static constexpr size_t kChecksPerWindow = 20;
  static constexpr uint64_t kBudgetWindowMs = 10'000;

  // How long the attempt must wait (0: it may go ahead now).
  uint64_t waitMs(const std::string& account, const std::string& address, uint64_t nowMs) const;
  // How long until the server's budget allows another password check (0: now).
  uint64_t budgetWaitMs(uint64_t nowMs);
  // A password is being checked now.
  void checking(uint64_t nowMs);
  void failed(const std::string& account, const std::string& address, uint64_t nowMs);
  void succeeded(const std::string& account, const std::string& address);
  // An admin set `account`'s password at the command line (renda account
  // password): its count goes, and so do the addresses' (on loopback every
  // client shares 127.0.0.1, so a local guesser could otherwise keep the
  // account locked however often its password is reset).
  void forgive(const std::string& account);

 private:
  struct Count {
    uint32_t failures = 0;
    uint64_t lastMs = 0;
  };
  uint64_t waitFor(const std::map<std::string, Count>& m, const std::string& key,
                   uint64_t nowMs) const;
  void bump(std::map<std::string, Count>& m, const std::string& key, uint64_t nowMs);
  std::map<std::string, Count> accounts_, addresses_;
  std::deque<uint64_t> checks_;  // when the last password checks were, oldest first
};

}  // namespace renda::app
