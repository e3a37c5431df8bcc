// SPDX-License-Identifier: Apache-2.0
// GET /api/accounts, POST /api/accounts, DELETE /api/accounts/NAME: the
// node's web accounts (admin only; WebApp::route checks the role).
#include "app/i18n/strings.h"
#include "app/output/json.h"
#include "app/web/json_body.h"
#include "app/web/url.h"
#include "app/web/web_app.h"

namespace renda::app {

WebResponse WebApp::accountList() {
  Json j;
  j.beginObject().key("accounts").beginArray();
  for (const auto& a : accounts_->all())
    j.beginObject().field("name", a.name).field("role", accountRoleName(a.role)).endObject();
  j.endArray().endObject();
  WebResponse r;
  r.body = j.text();
  return r;
}

WebResponse WebApp::accountAdd(const WebRequest& request) {
  auto body = parseJsonObject(request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  const std::string* name = jsonValue(*body, "name");
  const std::string* role = jsonValue(*body, "role");
  const std::string* password = jsonValue(*body, "password");
  if (!name || name->empty()) return errorResponse(400, "invalid", i18n::tr("web.err.give-name"), "name");
  if (!checkAccountName(*name))
    return errorResponse(400, "invalid", i18n::tr("web.err.account-name"),
                         "name");
  auto r = role ? accountRoleFrom(*role) : std::nullopt;
  if (!r) return errorResponse(400, "invalid", i18n::tr("web.err.account-role"), "role");
  if (!password || password->size() < AccountBook::kMinPasswordBytes ||
      password->size() > AccountBook::kMaxPasswordBytes)
    return errorResponse(400, "invalid",
                         i18n::trf("web.err.password-short", {std::to_string(AccountBook::kMinPasswordBytes)}),
                         "password");
  if (accounts_->find(*name))
    return errorResponse(409, "conflict", i18n::trf("web.err.account-exists", {*name}), "name");
  AccountBook book = *accounts_;
  if (Status s = book.add(*name, *r, *password); !s) return statusResponse(s, i18n::tr("web.err.add-account"));
  if (Status s = book.save(); !s) return statusResponse(s, i18n::tr("web.err.save-accounts"));
  log_("web: account " + *name + " (" + accountRoleName(*r) + ") added by " +
       request.clientAddress);
  if (Status s = reloadAccounts(); !s) return statusResponse(s, i18n::tr("web.err.read-accounts"));
  WebResponse out;
  out.status = 201;
  Json j;
  j.beginObject().field("name", *name).field("role", accountRoleName(*r)).endObject();
  out.body = j.text();
  return out;
}

WebResponse WebApp::accountRemove(const std::string& rawName, const WebSession& by) {
  std::string name = percentDecode(rawName, false);
  std::string who = by.account;
  AccountBook book = *accounts_;
  Status s = book.remove(name);
  if (s.code() == Code::kNotFound) return errorResponse(404, "not_found", i18n::trf("web.err.no-account", {name}));
  if (s.code() == Code::kRefused)
    return errorResponse(409, "conflict", i18n::trf("web.err.last-admin", {name}));
  if (!s) return statusResponse(s, i18n::tr("web.err.remove-account"));
  if (Status saved = book.save(); !saved) return statusResponse(saved, i18n::tr("web.err.save-accounts"));
  sessions_.closeAccount(name);
  log_("web: account " + name + " removed by " + who);
  if (Status re = reloadAccounts(); !re) return statusResponse(re, i18n::tr("web.err.read-accounts"));
  WebResponse out;
  out.body = "{\"ok\":true}";
  return out;
}

}  // namespace renda::app
