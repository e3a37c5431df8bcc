// SPDX-License-Identifier: Apache-2.0
// The web API's errors in the page's language, against a real `renda serve`
// on loopback: the same bad request answers in Chinese by default and in
// English with `X-Renda-Lang: en` (what the pages send while their English
// switch is on), for the web's own errors, the checks it shares with the CLI
// (their `.web` variants) and the core's refusals; nothing is written either
// way.
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

const std::string kPassword = "lang-pass-2026";

// A request of `client`'s session, with `X-Renda-Lang: lang` unless empty.
HttpReply inLang(const Client& client, const std::string& lang, const std::string& method,
                 const std::string& path, const std::string& body = "") {
  std::vector<std::string> hs;
  if (!body.empty()) hs.push_back("Content-Type: application/json");
  if (!client.cookie.empty()) hs.push_back("Cookie: " + client.cookie);
  if (method != "GET" && !client.csrf.empty()) hs.push_back("X-CSRF-Token: " + client.csrf);
  if (!lang.empty()) hs.push_back("X-Renda-Lang: " + lang);
  return http(client.ip, client.port, method, path, hs, body);
}

bool hasChinese(const std::string& s) {
  // UTF-8 of U+4E00..U+9FFF starts with 0xE4..0xE9.
  for (unsigned char c : s)
    if (c >= 0xE4 && c <= 0xE9) return true;
  return false;
}

struct Answers {
  HttpReply zh, en;
};

// The same request without the header, with "zh", with "fr" and with "en":
// the first three answer alike, in Chinese; "en" with the same status and
// code, in English.
Answers askBoth(const Client& client, const std::string& method, const std::string& path,
                const std::string& body = "") {
  Answers a{inLang(client, "", method, path, body), inLang(client, "en", method, path, body)};
  INFO(method << " " << path << " " << body);
  INFO("zh: " << a.zh.status << " " << a.zh.body);
  INFO("en: " << a.en.status << " " << a.en.body);
  CHECK(a.zh.status / 100 == 4);
  CHECK(a.en.status == a.zh.status);
  CHECK(a.en.json()["code"].str == a.zh.json()["code"].str);
  CHECK(a.en.json().has("field") == a.zh.json().has("field"));
  if (a.zh.json().has("field")) CHECK(a.en.json()["field"].str == a.zh.json()["field"].str);
  CHECK(hasChinese(a.zh.json()["error"].str));
  for (const char* other : {"zh", "fr", "EN"}) {
    HttpReply r = inLang(client, other, method, path, body);
    INFO("X-Renda-Lang: " << other);
    CHECK(r.json()["error"].str == a.zh.json()["error"].str);
  }
  return a;
}

TEST_CASE("Web API: errors are Chinese by default and English with X-Renda-Lang: en",
          "[web][api][words][lang]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kPassword).code == 0);
  std::string deputy = h.add("county", "deputy", {"--name", "孙七", "--level", "县级"});
  h.add("county", "unit", {"--name", "县公安局"});
  std::string sid = registeredSuggestion(h, "county", deputy, "关于加强夜间巡逻的建议", "闭-2026-009");
  WebNode county(h, "county");
  Client admin{county.webPort};

  // Before sign-in: the web's own words, answered before any session.
  Answers signIn = askBoth(admin, "GET", "/api/deputies");
  CHECK(signIn.zh.status == 401);
  CHECK(signIn.zh.json()["error"].str == "请先登录");
  CHECK(signIn.en.json()["error"].str == "Sign in first");
  // (A wrong password is not tried: five would make the sign-in wait.)
  Answers noPassword = askBoth(admin, "POST", "/api/login", "{\"name\":\"admin\"}");
  CHECK(noPassword.zh.json()["error"].str == "请填写密码");
  CHECK(noPassword.en.json()["error"].str == "Fill in the password");

  REQUIRE(admin.login("admin", kPassword).status == 200);
  std::string path = "/api/suggestions/" + sid.substr(0, 10);
  REQUIRE(admin.send("POST", path + "/actions/assign", "{\"unit\":\"县公安局\",\"role\":\"lead\"}")
              .status == 200);
  std::string before = h.digest("county");

  // (a) Errors of the web itself, moved to the string table's web.err.* lines.
  Answers endpoint = askBoth(admin, "GET", "/api/no-such-thing");
  CHECK(endpoint.zh.json()["error"].str == "没有这个接口");
  CHECK(endpoint.en.json()["error"].str == "No such API endpoint");
  Answers field = askBoth(admin, "POST", "/api/records/deputy", "{\"name\":\"赵六\",\"colour\":\"红\"}");
  CHECK(field.zh.json()["error"].str == "人大代表没有字段“colour”");
  CHECK(field.en.json()["error"].str == "Deputy has no field 'colour'");
  Answers json = askBoth(admin, "POST", "/api/records/deputy", "{\"name\":\"赵六\",\"name\":\"x\"}");
  CHECK(json.zh.json()["error"].str == "字段 name 出现了两次");
  CHECK(json.en.json()["error"].str == "name is given twice");
  Answers page = askBoth(admin, "GET", "/api/records/deputy?page=0");
  CHECK(page.en.json()["error"].str == "The page must be a whole number above 0");

  // (b) A check shared with the CLI, with a `.web` variant: a required field
  // cleared.
  Answers cleared = askBoth(admin, "PUT", "/api/records/deputy/" + deputy.substr(0, 12),
                            "{\"name\":\"\"}");
  CHECK(cleared.zh.status == 400);
  CHECK_THAT(cleared.zh.json()["error"].str,
             Catch::Contains("必须填写，不能清空：请填写") && Catch::Contains("没有记录任何内容"));
  CHECK(cleared.zh.json()["error"].str ==
        "修改未能保存：姓名必须填写，不能清空：请填写姓名后再保存；没有记录任何内容");
  // The field as the English page labels it.
  CHECK(cleared.en.json()["error"].str ==
        "The change was not saved: Name is needed and cannot be cleared; fill it in and save "
        "again");

  // (c) A refusal of the core (the same unit assigned twice): the table's
  // Chinese by default, the core's own English with X-Renda-Lang: en.
  Answers twice =
      askBoth(admin, "POST", path + "/actions/assign", "{\"unit\":\"县公安局\",\"role\":\"lead\"}");
  CHECK(twice.zh.status == 403);
  CHECK_THAT(twice.zh.json()["error"].str,
             Catch::Contains("这个承办单位已经交办过这条建议") && Catch::Contains("没有记录任何内容"));
  CHECK(twice.en.json()["error"].str ==
        "The action 'Assign' was not taken: that unit is already assigned this suggestion; "
        "nothing was recorded");

  // An action this node may not take in the suggestion's state: the web's
  // words with the state's and the action's labels in the page's language.
  Answers state = askBoth(admin, "POST", path + "/actions/register", "{\"number\":\"闭-2026-010\"}");
  CHECK(state.zh.status == 403);
  CHECK_THAT(state.zh.json()["error"].str, Catch::Contains("不能对它执行“登记”"));
  CHECK(state.en.json()["error"].str ==
        "The suggestion is now 'Assigned': the county office's node cannot take the action "
        "'Register' on it; nothing was recorded. The suggestion's page lists what can be done");

  // A job's words (a bundle import that fails) in the language of the request
  // that started it.
  for (const std::string lang : {"", "en"}) {
    std::vector<std::string> hs = {"Content-Type: application/octet-stream",
                                   "Cookie: " + admin.cookie, "X-CSRF-Token: " + admin.csrf};
    if (!lang.empty()) hs.push_back("X-Renda-Lang: " + lang);
    HttpReply up = http("127.0.0.1", admin.port, "POST", "/api/bundles/import", hs,
                        "this is not a bundle at all\n");
    REQUIRE(up.status == 202);
    JsonValue j = finishedJob(admin, up);
    INFO(lang << ": " << j["message"].str);
    CHECK(j["state"].str == "failed");
    if (lang.empty())
      CHECK_THAT(j["message"].str, Catch::Contains("没有导入任何内容"));
    else
      CHECK_THAT(j["message"].str, Catch::Contains("nothing was imported") &&
                                       Catch::Contains("not a renda bundle") &&
                                       !Catch::Contains("变更包"));
  }

  CHECK(h.digest("county") == before);
  // The pages' successes are unaffected: the same list in either language.
  CHECK(inLang(admin, "en", "GET", "/api/deputies").body ==
        inLang(admin, "", "GET", "/api/deputies").body);
}

}  // namespace
}  // namespace renda::webtest
