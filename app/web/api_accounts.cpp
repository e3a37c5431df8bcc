// SPDX-License-Identifier: Apache-2.0
// GET /api/accounts, POST /api/accounts, DELETE /api/accounts/NAME: the
// node's web accounts (admin only; WebApp::route checks the role).
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
  if (!name || name->empty()) return errorResponse(400, "invalid", "请填写用户名", "name");
  if (!checkAccountName(*name))
    return errorResponse(400, "invalid", "用户名须为 1 至 64 字节的文字，不含控制字符，首尾不能是空格",
                         "name");
  auto r = role ? accountRoleFrom(*role) : std::nullopt;
  if (!r) return errorResponse(400, "invalid", "角色须为 admin（管理员）或 clerk（文书）", "role");
  if (!password || password->size() < AccountBook::kMinPasswordBytes ||
      password->size() > AccountBook::kMaxPasswordBytes)
    return errorResponse(400, "invalid",
                         "密码至少 " + std::to_string(AccountBook::kMinPasswordBytes) + " 个字符",
                         "password");
  if (accounts_->find(*name))
    return errorResponse(409, "conflict", "已有名为 " + *name + " 的账户", "name");
  AccountBook book = *accounts_;
  if (Status s = book.add(*name, *r, *password); !s) return statusResponse(s, "无法添加账户");
  if (Status s = book.save(); !s) return statusResponse(s, "无法保存账户文件");
  log_("web: account " + *name + " (" + accountRoleName(*r) + ") added by " +
       request.clientAddress);
  if (Status s = reloadAccounts(); !s) return statusResponse(s, "无法读取账户文件");
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
  if (s.code() == Code::kNotFound) return errorResponse(404, "not_found", "没有名为 " + name + " 的账户");
  if (s.code() == Code::kRefused)
    return errorResponse(409, "conflict", name + " 是最后一个管理员：请先添加另一个管理员");
  if (!s) return statusResponse(s, "无法删除账户");
  if (Status saved = book.save(); !saved) return statusResponse(saved, "无法保存账户文件");
  sessions_.closeAccount(name);
  log_("web: account " + name + " removed by " + who);
  if (Status re = reloadAccounts(); !re) return statusResponse(re, "无法读取账户文件");
  WebResponse out;
  out.body = "{\"ok\":true}";
  return out;
}

}  // namespace renda::app
