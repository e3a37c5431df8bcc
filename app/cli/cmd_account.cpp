// SPDX-License-Identifier: Apache-2.0
// The web interface's local accounts at the command line: `renda account
// add|list|remove|password` (app/web/accounts.h), and the first admin made
// at `renda init --admin NAME` / `renda county init --admin NAME`. A
// password comes from RENDA_PASSWORD, else is typed twice at the terminal
// without echo; it is never printed, logged or written in clear.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/web/accounts.h"

namespace renda::app {

Result<Passphrase> newAccountPassword(const std::string& name) {
  if (std::getenv("RENDA_PASSWORD")) return askSecret("", "RENDA_PASSWORD");
  Passphrase first = askSecret(i18n::trf("cli.account.ask-password", {name}), "RENDA_PASSWORD");
  if (first.empty())
    return Status::usage(i18n::tr("cli.account.give-password"));
  Passphrase again = askSecret(i18n::tr("cli.account.ask-again"), "RENDA_PASSWORD");
  if (again.text() != first.text())
    return Status::usage(i18n::tr("cli.account.passwords-differ"));
  return first;
}

Status addAccount(const std::string& dataDir, const std::string& name, AccountRole role,
                  const Passphrase& password, bool quiet) {
  auto book = AccountBook::load(dataDir);
  if (!book) return book.status();
  RENDA_TRY(book->add(name, role, password.text()));
  RENDA_TRY(book->save());
  if (!quiet)
    std::printf("%s\n", i18n::trf("cli.account.added", {name, accountRoleName(role)}).c_str());
  return Status::ok();
}

namespace {

Result<AccountRole> roleFrom(const Args& args) {
  auto word = args.get("role");
  if (!word) return Status::usage(i18n::tr("cli.account.give-role"));
  auto role = accountRoleFrom(*word);
  if (!role) return Status::usage(i18n::tr("cli.account.role"));
  return *role;
}

Status cmdAccountAdd(const Args& args) {
  auto name = args.get("name");
  if (!name) return Status::usage(i18n::tr("cli.account.give-name"));
  RENDA_TRY(checkAccountName(*name));
  auto role = roleFrom(args);
  if (!role) return role.status();
  std::string dir = dataDirFrom(args);
  auto book = AccountBook::load(dir);
  if (!book) return book.status();
  if (book->find(*name)) return Status::usage(i18n::trf("cli.account.exists", {*name}));
  auto password = newAccountPassword(*name);
  if (!password) return password.status();
  return addAccount(dir, *name, *role, *password, args.has("quiet"));
}

Status cmdAccountList(const Args& args) {
  auto book = AccountBook::load(dataDirFrom(args));
  if (!book) return book.status();
  if (book->all().empty() && !args.has("quiet"))
    std::printf("%s\n", i18n::tr("cli.account.none"));
  for (const auto& a : book->all()) std::printf("%s  %s\n", a.name.c_str(), accountRoleName(a.role));
  return Status::ok();
}

Status cmdAccountRemove(const Args& args) {
  auto name = args.get("name");
  if (!name) return Status::usage(i18n::tr("cli.account.give-name"));
  auto book = AccountBook::load(dataDirFrom(args));
  if (!book) return book.status();
  RENDA_TRY(book->remove(*name));
  RENDA_TRY(book->save());
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.account.removed", {*name}).c_str());
  return Status::ok();
}

Status cmdAccountPassword(const Args& args) {
  auto name = args.get("name");
  if (!name) return Status::usage(i18n::tr("cli.account.give-name"));
  auto book = AccountBook::load(dataDirFrom(args));
  if (!book) return book.status();
  if (!book->find(*name)) return Status::notFound(i18n::trf("cli.account.no-such", {*name}));
  auto password = newAccountPassword(*name);
  if (!password) return password.status();
  RENDA_TRY(book->setPassword(*name, password->text()));
  RENDA_TRY(book->save());
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.account.password-changed", {*name}).c_str());
  return Status::ok();
}

}  // namespace

void addAccountCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  const Option name{"name", "NAME", "the account's name (needed)"};
  out.push_back({"account add", "add a web account (password from RENDA_PASSWORD, or typed)",
                 "account add --name NAME --role admin|clerk", cmdAccountAdd,
                 {name, {"role", "admin|clerk", "admin: everything; clerk: records, not accounts"},
                  quiet}});
  out.push_back({"account list", "the web accounts of this node", "account list", cmdAccountList,
                 {quiet}});
  out.push_back({"account remove", "remove a web account", "account remove --name NAME",
                 cmdAccountRemove, {name, quiet}});
  out.push_back({"account password", "set a web account's password",
                 "account password --name NAME", cmdAccountPassword, {name, quiet}});
}

}  // namespace renda::app
