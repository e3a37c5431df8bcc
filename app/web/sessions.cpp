// SPDX-License-Identifier: Apache-2.0
#include "app/web/sessions.h"

#include <sodium.h>

#include <algorithm>

namespace renda::app {

std::string randomToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return hex;
}

std::string SessionTable::keyOf(std::string_view cookieToken) {
  unsigned char hash[32];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(cookieToken.data()),
                     cookieToken.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

SessionTable::Opened SessionTable::open(const Account& account, uint64_t nowMs) {
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.lastUsedMs < b.second.lastUsedMs;
    });
    sessions_.erase(oldest);
  }
  Opened o{randomToken(), randomToken()};
  WebSession s;
  s.account = account.name;
  s.role = account.role;
  s.accountStamp = account.hash;
  s.csrfToken = o.csrfToken;
  s.lastUsedMs = nowMs;
  sessions_[keyOf(o.cookieToken)] = std::move(s);
  return o;
}

WebSession* SessionTable::find(std::string_view cookieToken, uint64_t nowMs) {
  // Looked up by the token's hash: the map's comparisons can tell a timing
  // observer at most how a hash begins, which does not help forge a token.
  if (cookieToken.size() != 64) return nullptr;
  auto it = sessions_.find(keyOf(cookieToken));
  if (it == sessions_.end()) return nullptr;
  if (nowMs - it->second.lastUsedMs > kIdleMs) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.lastUsedMs = nowMs;
  return &it->second;
}

void SessionTable::close(std::string_view cookieToken) { sessions_.erase(keyOf(cookieToken)); }

void SessionTable::closeAccount(const std::string& account) {
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.account == account; });
}

bool SessionTable::csrfMatches(const WebSession& s, std::string_view header) {
  if (header.size() != s.csrfToken.size() || header.empty()) return false;
  return sodium_memcmp(header.data(), s.csrfToken.data(), header.size()) == 0;
}

}  // namespace renda::app
