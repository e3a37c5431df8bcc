// SPDX-License-Identifier: Apache-2.0
// The web interface's local accounts: who may sign in at this node's pages
// and API, and as what (admin or clerk). They belong to this computer, not to
// the county network: they live in the data folder's `web-accounts` file and
// never travel with sync or bundles (a township's clerks sign in at their own
// laptop; the county office has its own).
//
// File layout (text, mode 0600, written whole under a temporary name then
// renamed into place):
//   RENDA-WEB-ACCOUNTS-v1\n
//   NAME \t ROLE \t HASH \n        one line per account, ROLE admin|clerk,
//                                  HASH crypto_pwhash_str (Argon2id) output
// The password itself is never written anywhere.
//
// Hashing cost: crypto_pwhash_*_INTERACTIVE (64 MiB, 2 passes; about 0.1 s on
// a desktop, well under a second on an old laptop). A sign-in is checked on
// renda serve's one event loop, where sync sessions are scheduled too, so
// MODERATE (256 MiB, about 0.7 s here and several seconds on a township's old
// laptop) would stall the node at each sign-in and make a flood of sign-ins a
// cheap way to stop it. Online guessing is held back by the sign-in throttle
// (app/web/login_throttle.h); offline guessing needs the file, which is 0600
// beside the node's own key files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace renda::app {

enum class AccountRole { kAdmin, kClerk };

// "admin" / "clerk", as in the file, the CLI and the API.
const char* accountRoleName(AccountRole role);
std::optional<AccountRole> accountRoleFrom(const std::string& word);

struct Account {
  std::string name;
  AccountRole role = AccountRole::kClerk;
  std::string hash;  // crypto_pwhash_str output
};

// The accounts file of a data folder, in memory. Not thread-safe; renda serve
// uses it on its event loop only.
class AccountBook {
 public:
  // The file `web-accounts` of `dataDir`; an empty book when there is none.
  // Corruption when the file is not in the layout above.
  static Result<AccountBook> load(const std::string& dataDir);
  static std::string pathIn(const std::string& dataDir);

  // Writes the book to its file (mode 0600).
  Status save() const;

  const std::vector<Account>& all() const { return accounts_; }
  // nullptr when there is no account by that name.
  const Account* find(const std::string& name) const;

  // Adds an account. Usage for a name already taken or not fit for one (1 to
  // 64 bytes of UTF-8 with no control characters, not starting or ending with
  // a space), or a password shorter than kMinPasswordBytes.
  Status add(const std::string& name, AccountRole role, const std::string& password);
  // Removes one. Refused for the last admin while other accounts remain
  // (nobody could manage them); NotFound when there is none by that name.
  Status remove(const std::string& name);
  Status setPassword(const std::string& name, const std::string& password);

  // The account when `name` and `password` match one; nullopt otherwise. An
  // unknown name costs the same hashing work as a wrong password, so timing
  // does not tell which names exist.
  std::optional<Account> check(const std::string& name, const std::string& password) const;

  static constexpr size_t kMinPasswordBytes = 8;
  static constexpr size_t kMaxPasswordBytes = 1024;

 private:
  std::string path_;
  std::vector<Account> accounts_;
};

// Checks a name for an account; Usage with the reason (English, for the CLI).
Status checkAccountName(const std::string& name);

}  // namespace renda::app
