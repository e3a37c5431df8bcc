// SPDX-License-Identifier: Apache-2.0
// The web API's refusals as a clerk reads them, against a real `renda serve`
// on loopback: in Chinese, saying what went wrong and what to do next, never
// a command-line flag or a path of the server, and nothing written; the CLI
// keeps its own words for the same checks. GET /api/meta?lang=en gives the
// English pages every label in English.
#include "app/i18n/strings.h"
#include "core/domain/fields.h"
#include "core/domain/suggestion.h"
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

const std::string kPassword = "words-pass-2026";

// Chinese for the clerk: no command-line flag, no English of the layers below.
void forTheClerk(const HttpReply& r, const std::vector<std::string>& words) {
  std::string error = r.json()["error"].str;
  INFO(r.status << " " << error);
  for (const auto& w : words) CHECK_THAT(error, Catch::Contains(w));
  CHECK_THAT(error, !Catch::Contains("--"));
  for (const char* english : {"nothing was", "is not", "must be", "on this node", "township '",
                              "already", "allow-same-name", "allowSameName"})
    CHECK_THAT(error, !Catch::Contains(english));
}

TEST_CASE("Web API: refusals say in Chinese what went wrong and what to do, without flags",
          "[web][api][words]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kPassword).code == 0);
  std::string deputy = h.add("county", "deputy", {"--name", "孙七", "--level", "县级"});
  std::string unit = h.add("county", "unit", {"--name", "县公安局"});
  std::string sid = registeredSuggestion(h, "county", deputy, "关于加强夜间巡逻的建议", "闭-2026-009");
  WebNode county(h, "county");
  Client admin{county.webPort};
  REQUIRE(admin.login("admin", kPassword).status == 200);
  std::string path = "/api/suggestions/" + sid.substr(0, 10);
  std::string before = h.digest("county");

  // An action's date as a clerk might type it.
  HttpReply badDeadline = admin.send("POST", path + "/actions/assign",
                                     "{\"unit\":\"县公安局\",\"role\":\"lead\",\"deadline\":"
                                     "\"2026/12/31\"}");
  CHECK(badDeadline.status == 400);
  forTheClerk(badDeadline, {"年-月-日", "2026-12-31", "没有记录"});
  CHECK(badDeadline.json()["field"].str == "deadline");
  HttpReply badRole = admin.send("POST", path + "/actions/assign",
                                 "{\"unit\":\"县公安局\",\"role\":\"boss\"}");
  CHECK(badRole.status == 400);
  CHECK(badRole.json()["field"].str == "role");

  // A unit by part of its name: not found, the near names offered.
  HttpReply partName =
      admin.send("POST", path + "/actions/assign", "{\"unit\":\"县公安\",\"role\":\"lead\"}");
  CHECK(partName.status / 100 == 4);
  forTheClerk(partName, {"“县公安”", "请从列表中选择"});
  CHECK(h.digest("county") == before);

  // The same unit assigned twice.
  REQUIRE(admin.send("POST", path + "/actions/assign", "{\"unit\":\"县公安局\",\"role\":\"lead\"}")
              .status == 200);
  std::string assigned = h.digest("county");
  // The timeline shows the role by its label, the unit by its name.
  JsonValue detail = admin.get(path).json();
  bool roleShown = false;
  for (size_t i = 0; i < detail["timeline"].size(); ++i)
    if (detail["timeline"][i]["action"].str == "assign")
      roleShown = detail["timeline"][i]["fields"]["role"].str == "主办" &&
                  detail["timeline"][i]["fields"]["unit"].str == "县公安局";
  CHECK(roleShown);
  HttpReply twice =
      admin.send("POST", path + "/actions/assign", "{\"unit\":\"县公安局\",\"role\":\"lead\"}");
  CHECK(twice.status == 403);
  forTheClerk(twice, {"已经交办过", "尚未交办的单位", "没有记录任何内容"});
  CHECK(h.digest("county") == assigned);

  // A record's date field.
  HttpReply dutyDate = admin.send("POST", "/api/records/duty",
                                  "{\"deputy\":\"孙七\",\"type\":\"视察\",\"date\":\"2026/11/3\"}");
  CHECK(dutyDate.status == 400);
  forTheClerk(dutyDate, {"日期“2026/11/3”不是有效的日期", "年-月-日"});

  // A second unit of one name: what to do on the page, not a flag.
  HttpReply sameName = admin.send("POST", "/api/records/unit", "{\"name\":\"县公安局\"}");
  CHECK(sameName.status == 403);
  forTheClerk(sameName, {"已有同名承办单位“县公安局”", unit.substr(0, 12), "换一个能区分的名称"});

  // The same deputy entered twice: refused, and what to tick for a namesake.
  HttpReply twiceDeputy =
      admin.send("POST", "/api/records/deputy", "{\"name\":\" 孙七\",\"level\":\"县级\"}");
  CHECK(twiceDeputy.status == 403);
  forTheClerk(twiceDeputy, {"已有县级代表“孙七”", deputy.substr(0, 12), "确是同名的另一位代表",
                            "没有新增"});
  CHECK(h.digest("county") == assigned);
  HttpReply namesake = admin.send("POST", "/api/records/deputy",
                                  "{\"name\":\"孙七\",\"level\":\"县级\",\"allowSameName\":\"yes\"}");
  CHECK(namesake.status == 201);
  assigned = h.digest("county");
  // The two are told apart when a name is not enough.
  HttpReply which = admin.get("/api/deputies/" + enc("孙七"));
  CHECK(which.status == 409);
  JsonValue choices = which.json()["choices"];
  REQUIRE(choices.size() == 2);
  CHECK(choices[0]["label"].str != choices[1]["label"].str);
  CHECK_THAT(choices[0]["label"].str, Catch::Contains("录入"));

  // A township the county does not know.
  HttpReply township = admin.send("POST", "/api/records/deputy",
                                  "{\"name\":\"赵六\",\"township\":\"城关\"}");
  CHECK(township.status == 400);
  forTheClerk(township, {"本县没有乡镇“城关”", "已知乡镇：", "城关镇", "东风乡", "没有记录任何内容"});
  CHECK(h.digest("county") == assigned);

  // The CLI keeps its words and exit codes for the same checks.
  Run cli = h.at("county", {"unit", "add", "--name", "县公安局"});
  CHECK(cli.code == 2);
  CHECK_THAT(cli.err, Catch::Contains("--allow-same-name"));
  Run cliDate = h.at("county", {"suggestion", "assign", sid.substr(0, 10), "--unit", unit.substr(0, 8),
                                "--role", "lead", "--deadline", "2026/12/31"});
  CHECK(cliDate.code == 1);
  CHECK_THAT(cliDate.err, Catch::Contains("--deadline must be a date between 1949 and 2200, like 2026-12-31"));
  Run cliTwice = h.at("county", {"suggestion", "assign", sid.substr(0, 10), "--unit", unit.substr(0, 8),
                                 "--role", "lead"});
  CHECK(cliTwice.code == 2);
  CHECK_THAT(cliTwice.err,
             Catch::Contains("that unit is already assigned this suggestion; nothing was recorded"));
  // In Chinese when the environment asks for it.
  Run cliZh = h.run({"--data", h.path("county"), "deputy", "add", "--name", "赵六", "--township", "城关"},
                    {"LC_ALL=zh_CN.UTF-8"});
  CHECK(cliZh.code != 0);
  CHECK_THAT(cliZh.err, Catch::Contains("本县没有乡镇“城关”"));
  CHECK(h.digest("county") == assigned);
}

TEST_CASE("Web API: a failed bundle import says what to do and shows no path of the server",
          "[web][api][bundles][words]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "文书", "clerk", kPassword).code == 0);
  WebNode county(h, "county");
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kPassword).status == 200);
  std::string before = h.digest("county");
  HttpReply up = http("127.0.0.1", clerk.port, "POST", "/api/bundles/import",
                      {"Content-Type: application/octet-stream", "Cookie: " + clerk.cookie,
                       "X-CSRF-Token: " + clerk.csrf},
                      "this is not a bundle at all, just words typed into a file\n");
  REQUIRE(up.status == 202);
  JsonValue j = finishedJob(clerk, up);
  INFO(j["message"].str);
  CHECK(j["state"].str == "failed");
  CHECK_THAT(j["message"].str, Catch::Contains("变更包") && Catch::Contains("没有导入任何内容"));
  CHECK_THAT(j["message"].str, Catch::Contains("请"));
  CHECK_THAT(j["message"].str, !Catch::Contains(h.path("county")) && !Catch::Contains(".web-") &&
                                   !Catch::Contains("/"));
  CHECK(h.digest("county") == before);
}

TEST_CASE("Labels: every kind, field, state and action the pages show has its English",
          "[web][words]") {
  for (int k = 0; k < kRecordKindCount; ++k) {
    auto kind = RecordKind(k);
    CHECK(app::i18n::hasLabel(domain::kindLabel(kind)));
    for (const auto& f : domain::fieldsOf(kind)) {
      INFO(domain::kindLabel(kind) << " " << f.name);
      CHECK(app::i18n::hasLabel(f.label));
    }
  }
  for (const auto& a : domain::actions()) {
    INFO(a.name);
    CHECK(app::i18n::hasLabel(a.label));
    for (const auto& f : *domain::actionFields(a.name)) {
      INFO(f.name);
      CHECK(app::i18n::hasLabel(f.label));
    }
  }
  for (int s = 0; s <= int(domain::SuggestionState::kSelfHandled); ++s)
    CHECK(app::i18n::hasLabel(domain::stateLabel(domain::SuggestionState(s))));
  CHECK(std::string(app::i18n::labelIn("履职类型", app::i18n::Lang::kEn)) == "Duty type");
  CHECK(std::string(app::i18n::labelIn("履职类型", app::i18n::Lang::kZh)) == "履职类型");
  CHECK(std::string(app::i18n::labelIn("没有这个标签", app::i18n::Lang::kEn)) == "没有这个标签");
}

TEST_CASE("Web API: meta in English for the English pages, Chinese by default", "[web][api][words]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "文书", "clerk", kPassword).code == 0);
  WebNode t1(h, "t1");
  Client clerk{t1.webPort};
  REQUIRE(clerk.login("文书", kPassword).status == 200);
  auto labelOf = [](const JsonValue& list, const std::string& key, const std::string& name) {
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i][key].str == name) return list[i]["label"].str;
    return std::string("(none)");
  };
  JsonValue zh = clerk.get("/api/meta").json();
  HttpReply enReply = clerk.get("/api/meta?lang=en");
  REQUIRE(enReply.status == 200);
  JsonValue en = enReply.json();
  const JsonValue* zhDuty = nullptr;
  const JsonValue* enDuty = nullptr;
  for (size_t i = 0; i < zh["kinds"].size(); ++i)
    if (zh["kinds"][i]["kind"].str == "duty") zhDuty = &zh["kinds"][i];
  for (size_t i = 0; i < en["kinds"].size(); ++i)
    if (en["kinds"][i]["kind"].str == "duty") enDuty = &en["kinds"][i];
  REQUIRE(zhDuty);
  REQUIRE(enDuty);
  CHECK((*zhDuty)["label"].str == "履职记录");
  CHECK((*enDuty)["label"].str == "Duty record");
  CHECK(labelOf((*zhDuty)["fields"], "name", "type") == "履职类型");
  CHECK(labelOf((*enDuty)["fields"], "name", "type") == "Duty type");
  CHECK(labelOf(en["states"], "name", "inProgress") == "In progress");
  CHECK(labelOf(en["actions"], "name", "assign") == "Assign");
  CHECK(labelOf(zh["actions"], "name", "assign") == "交办");
  // The values stay the records' own: the county's duty types.
  CHECK((*enDuty)["fields"].size() == (*zhDuty)["fields"].size());
  // Choices stored in English are shown by their labels: 承办方式 lead is 主办.
  auto roleOf = [](const JsonValue& meta) -> const JsonValue* {
    for (size_t i = 0; i < meta["actions"].size(); ++i) {
      if (meta["actions"][i]["name"].str != "assign") continue;
      const JsonValue& fields = meta["actions"][i]["fields"];
      for (size_t k = 0; k < fields.size(); ++k)
        if (fields[k]["name"].str == "role") return &fields[k];
    }
    return nullptr;
  };
  const JsonValue* zhRole = roleOf(zh);
  const JsonValue* enRole = roleOf(en);
  REQUIRE(zhRole);
  REQUIRE(enRole);
  REQUIRE((*zhRole)["choices"].size() == 3);
  CHECK((*zhRole)["choices"][0].str == "lead");
  CHECK((*zhRole)["choiceLabels"][0].str == "主办");
  CHECK((*zhRole)["choiceLabels"][1].str == "协办");
  CHECK((*enRole)["choiceLabels"][2].str == "separate");
  HttpReply bad = clerk.get("/api/meta?lang=fr");
  CHECK(bad.status == 400);
  CHECK(bad.json()["field"].str == "lang");
}

}  // namespace
}  // namespace renda::webtest
