// SPDX-License-Identifier: Apache-2.0
// GET /api/strings on a real `renda serve`: the one string table in either
// language, without signing in, the same table the command line uses.
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

TEST_CASE("Web API: /api/strings gives the string table in Chinese or English without sign-in",
          "[web][api][i18n]") {
  County c;
  Harness& h = c.h;
  WebNode county(h, "county");
  Client anon{county.webPort};

  HttpReply zh = anon.get("/api/strings?lang=zh");
  REQUIRE(zh.status == 200);
  CHECK(zh.header("content-type") == "application/json; charset=utf-8");
  JsonValue z = zh.json();
  CHECK(z["lang"].str == "zh");
  CHECK(z["strings"]["cli.help.commands"].str == "命令：");
  CHECK(z["strings"]["find.ambiguous"].str.find("{1}") != std::string::npos);

  JsonValue e = anon.get("/api/strings?lang=en").json();
  CHECK(e["lang"].str == "en");
  CHECK(e["strings"]["cli.help.commands"].str == "Commands:");
  // The same keys in both languages.
  REQUIRE(e["strings"].size() == z["strings"].size());
  for (size_t i = 0; i < z["strings"].members.size(); ++i)
    CHECK(z["strings"].members[i].first == e["strings"].members[i].first);
  // The CLI's message is the table's text.
  Run help = h.run({"--help"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK_THAT(help.out, Catch::Contains(z["strings"]["cli.help.exit-codes"].str.substr(0, 20)));

  // No language asked: Chinese, the pages' language.
  CHECK(anon.get("/api/strings").json()["lang"].str == "zh");
  HttpReply bad = anon.get("/api/strings?lang=fr");
  CHECK(bad.status == 400);
  CHECK(bad.json()["field"].str == "lang");
  CHECK(anon.send("POST", "/api/strings", "{}").status == 405);
  // Everything else still needs a session.
  CHECK(anon.get("/api/status").status == 401);
}

}  // namespace
}  // namespace renda::webtest
