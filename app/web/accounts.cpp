// SPDX-License-Identifier: Apache-2.0
#include "app/web/accounts.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace renda::app {

namespace {

constexpr std::string_view kMagic = "RENDA-WEB-ACCOUNTS-v1";

Result<std::string> hashPassword(const std::string& password) {
  if (password.size() < AccountBook::kMinPasswordBytes)
    return Status::usage("the password is too short: give at least " +
                         std::to_string(AccountBook::kMinPasswordBytes) + " characters");
  if (password.size() > AccountBook::kMaxPasswordBytes)
    return Status::usage("the password is too long");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Status::error(Code::kResourceExhausted, "not enough memory to hash the password");
  return std::string(out);
}

// A hash of a random password, checked against for unknown names.
const std::string& decoyHash() {
  static const std::string hash = [] {
    unsigned char random[16];
    randombytes_buf(random, sizeof random);
    char hex[sizeof random * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, random, sizeof random);
    auto h = hashPassword(hex);
    return h ? *h : std::string();
  }();
  return hash;
}

bool verify(const std::string& hash, const std::string& password) {
  return !hash.empty() &&
         crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace

const char* accountRoleName(AccountRole role) {
  return role == AccountRole::kAdmin ? "admin" : "clerk";
}

std::optional<AccountRole> accountRoleFrom(const std::string& word) {
  if (word == "admin") return AccountRole::kAdmin;
  if (word == "clerk") return AccountRole::kClerk;
  return std::nullopt;
}

Status checkAccountName(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return Status::usage("an account's name has 1 to 64 bytes");
  if (name.front() == ' ' || name.back() == ' ')
    return Status::usage("an account's name does not start or end with a space");
  for (size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    size_t len = utf8SequenceLength(name, i);
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && len == 1))
      return Status::usage("an account's name is text without control characters (UTF-8)");
    i += len;
  }
  return Status::ok();
}

std::string AccountBook::pathIn(const std::string& dataDir) { return dataDir + "/web-accounts"; }

Result<AccountBook> AccountBook::load(const std::string& dataDir) {
  AccountBook book;
  book.path_ = pathIn(dataDir);
  std::ifstream in(book.path_, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return book;
    return Status::ioError("cannot read " + book.path_ + ": " + std::strerror(errno));
  }
  std::string line;
  auto damaged = [&](const std::string& why) {
    return Status::error(Code::kCorruption, book.path_ + " is damaged (" + why +
                                                "); restore it from a backup, or remove it and "
                                                "make the accounts again with renda account add");
  };
  if (!std::getline(in, line) || line != kMagic) return damaged("it does not begin as it should");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    size_t a = line.find('\t'), b = a == std::string::npos ? a : line.find('\t', a + 1);
    if (b == std::string::npos) return damaged("a line is not NAME, ROLE and HASH");
    Account acc;
    acc.name = line.substr(0, a);
    auto role = accountRoleFrom(line.substr(a + 1, b - a - 1));
    acc.hash = line.substr(b + 1);
    if (!role || !checkAccountName(acc.name) || acc.hash.empty() ||
        acc.hash.size() >= crypto_pwhash_STRBYTES || book.find(acc.name))
      return damaged("the account on a line is not valid");
    acc.role = *role;
    book.accounts_.push_back(std::move(acc));
  }
  return book;
}

Status AccountBook::save() const {
  std::string text = std::string(kMagic) + "\n";
  for (const auto& a : accounts_)
    text += a.name + "\t" + accountRoleName(a.role) + "\t" + a.hash + "\n";
  std::string tmp = path_ + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::ioError("cannot write " + tmp + ": " + std::strerror(errno));
  // An older file with a wider mode keeps it through O_TRUNC: narrow it.
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return Status::ioError("cannot write " + path_ + ": " + std::strerror(err));
  }
  return Status::ok();
}

const Account* AccountBook::find(const std::string& name) const {
  for (const auto& a : accounts_)
    if (a.name == name) return &a;
  return nullptr;
}

Status AccountBook::add(const std::string& name, AccountRole role, const std::string& password) {
  RENDA_TRY(checkAccountName(name));
  if (find(name)) return Status::usage("there is an account named " + name + " already");
  auto hash = hashPassword(password);
  if (!hash) return hash.status();
  accounts_.push_back({name, role, *hash});
  return Status::ok();
}

Status AccountBook::remove(const std::string& name) {
  auto it = std::find_if(accounts_.begin(), accounts_.end(),
                         [&](const Account& a) { return a.name == name; });
  if (it == accounts_.end()) return Status::notFound("there is no account named " + name);
  size_t admins = std::count_if(accounts_.begin(), accounts_.end(),
                                [](const Account& a) { return a.role == AccountRole::kAdmin; });
  if (it->role == AccountRole::kAdmin && admins == 1 && accounts_.size() > 1)
    return Status::refused(name + " is the last admin: add another admin first, or remove the "
                                  "other accounts");
  accounts_.erase(it);
  return Status::ok();
}

Status AccountBook::setPassword(const std::string& name, const std::string& password) {
  for (auto& a : accounts_) {
    if (a.name != name) continue;
    auto hash = hashPassword(password);
    if (!hash) return hash.status();
    a.hash = *hash;
    return Status::ok();
  }
  return Status::notFound("there is no account named " + name);
}

std::optional<Account> AccountBook::check(const std::string& name,
                                          const std::string& password) const {
  const Account* a = find(name);
  if (!a) {
    (void)verify(decoyHash(), password);
    return std::nullopt;
  }
  if (!verify(a->hash, password)) return std::nullopt;
  return *a;
}

}  // namespace renda::app
