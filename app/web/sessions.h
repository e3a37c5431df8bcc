// SPDX-License-Identifier: Apache-2.0
// Signed-in sessions of the web interface, in memory only (a restart of
// renda serve signs everyone out). A session is named by a random 32-byte
// token that the browser holds in an HttpOnly, SameSite=Strict cookie; this
// table keeps only the token's BLAKE2b-256 hash, so a memory dump does not
// hand out live cookies. Each session has its own CSRF token (32 random
// bytes), which every write must carry in the X-CSRF-Token header; it is
// compared with sodium_memcmp. A session ends after kIdleMs without a
// request, at sign-out, or when its account is removed or its password or
// role changed. Not thread-safe: used on renda serve's event loop only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "app/web/accounts.h"

namespace renda::app {

struct WebSession {
  std::string account;
  AccountRole role = AccountRole::kClerk;
  std::string accountStamp;  // the account's password hash when signed in
  std::string csrfToken;     // hex
  uint64_t lastUsedMs = 0;
};

class SessionTable {
 public:
  static constexpr uint64_t kIdleMs = 8ull * 3600 * 1000;
  // At most this many sessions; opening one more ends the least recently used.
  static constexpr size_t kMaxSessions = 1000;

  struct Opened {
    std::string cookieToken;  // hex, for the Set-Cookie header; kept nowhere here
    std::string csrfToken;    // hex
  };
  Opened open(const Account& account, uint64_t nowMs);

  // The session of the cookie token, used now (its idle time starts again);
  // nullptr when there is none or it has been idle too long (then it ends).
  // The pointer lives until the next call that opens or ends sessions.
  WebSession* find(std::string_view cookieToken, uint64_t nowMs);
  void close(std::string_view cookieToken);
  // Ends every session of `account` (removed, or its password changed).
  void closeAccount(const std::string& account);
  size_t size() const { return sessions_.size(); }

  // Whether `header` is the session's CSRF token (constant time).
  static bool csrfMatches(const WebSession& s, std::string_view header);

 private:
  static std::string keyOf(std::string_view cookieToken);
  std::map<std::string, WebSession> sessions_;  // token hash (hex) -> session
};

// 32 random bytes as 64 hex digits.
std::string randomToken();

}  // namespace renda::app
