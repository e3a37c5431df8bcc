// SPDX-License-Identifier: Apache-2.0
// `renda issue to-suggestion` through the real binary (domain.md §2.10, route
// 转为代表建议): 城关镇 (t1) turns a constituent issue into a deputy's draft
// suggestion without typing it again — the issue's text as the body, a link
// each way shown by `show` on every node — and the constituent's sealed
// personal fields never reach the suggestion. Refused, with nothing written:
// a second conversion, another township's issue, a bad level.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

const std::string kText = "村口路灯不亮，夜间出行不便。";
const std::string kName = "王CANARY7f3a";
const std::string kPhone = "13912345678";

TEST_CASE("renda CLI: a constituent issue becomes a draft suggestion, linked both ways",
          "[app][cli][issue]") {
  County county;
  Harness& h = county.h;
  std::string zs = h.add("t1", "deputy", {"--name", "张三", "--level", "乡镇级"});
  std::string ls = h.add("t1", "deputy", {"--name", "李四", "--level", "县级"});
  std::string station = h.add("t1", "station", {"--name", "城关镇代表之家"});
  std::string reception = h.add(
      "t1", "reception",
      {"--station", station.substr(0, 8), "--date", "2026-03-10", "--constituentName", kName});
  std::string issue =
      h.add("t1", "issue",
            {"--reception", reception.substr(0, 8), "--text", kText, "--receivedDate", "2026-03-10",
             "--route", "转乡镇人大", "--constituentName", kName, "--constituentPhone", kPhone});
  // The issue holds the constituent sealed; t1 opens it.
  CHECK(h.json("t1", {"issue", "show", issue.substr(0, 8)})["fields"]["constituentName"].str ==
        kName);

  JsonValue made =
      h.json("t1", {"issue", "to-suggestion", issue.substr(0, 8), "--deputy", ls.substr(0, 8)});
  std::string s = made["suggestion"].str;
  REQUIRE(s.size() == 64);
  CHECK(made["issue"].str == issue);

  JsonValue sj = h.json("t1", {"suggestion", "show", s.substr(0, 10)});
  const JsonValue& f = sj["fields"];
  CHECK(f["title"].str == "关于村口路灯不亮，夜间出行不便的建议");
  CHECK(f["body"].str == kText);
  CHECK(f["lead"].str == ls);
  CHECK(f["level"].str == "县级");  // 李四 is a county-level deputy
  CHECK(f["issue"].str == issue);
  for (const auto& [name, value] : f.members) {
    INFO("suggestion field " << name);
    CHECK(name.find("constituent") == std::string::npos);
    CHECK(value.str.find("renda-sealed:") == std::string::npos);
  }
  CHECK(sj["township"].str == "城关镇");
  CHECK(sj["lifecycle"]["state"].str == "draft");
  JsonValue ij = h.json("t1", {"issue", "show", issue.substr(0, 8)});
  CHECK(ij["fields"]["route"].str == "转为代表建议");
  CHECK(ij["fields"]["suggestion"].str == s);

  // The suggestion runs its life cycle like any other.
  h.ok("t1", {"suggestion", "submit", s.substr(0, 10)});
  // A second conversion of the same issue is refused.
  refused(h, "t1", {"issue", "to-suggestion", issue.substr(0, 8), "--deputy", zs.substr(0, 8)}, 2,
          {"already turned into suggestion " + s.substr(0, 12)});

  // A second issue names its deputy: that deputy leads, at the deputy's level;
  // a title may be given.
  std::string issue2 = h.add(
      "t1", "issue",
      {"--reception", reception.substr(0, 8), "--deputy", zs.substr(0, 8), "--text",
       "河道垃圾堆积\n多次反映未解决", "--receivedDate", "2026-03-10", "--route", "当场答复"});
  refused(h, "t1", {"issue", "to-suggestion", issue2.substr(0, 8), "--level", "省级"}, 1,
          "乡镇级 or 县级");
  JsonValue made2 = h.json("t1", {"issue", "to-suggestion", issue2.substr(0, 8), "--title",
                                  "关于清理城关河道垃圾的建议"});
  JsonValue s2 = h.json("t1", {"suggestion", "show", made2["suggestion"].str.substr(0, 10)});
  CHECK(s2["fields"]["title"].str == "关于清理城关河道垃圾的建议");
  CHECK(s2["fields"]["lead"].str == zs);
  CHECK(s2["fields"]["level"].str == "乡镇级");
  CHECK(s2["lifecycle"]["level"].str == "township");

  // The links reach the county office and 东风乡 and show from either side.
  hop(h, "t1", "county", "up");
  hop(h, "county", "t2", "down");
  for (const char* node : {"t1", "county", "t2"}) {
    INFO("node " << node);
    std::string st = h.ok(node, {"suggestion", "show", s.substr(0, 10)}).out;
    CHECK_THAT(st, Catch::Contains("from constituent issue (社情民意) " + issue.substr(0, 12) +
                                   ", received 2026-03-10: " + kText));
    std::string it = h.ok(node, {"issue", "show", issue.substr(0, 8)}).out;
    CHECK_THAT(it, Catch::Contains("turned into suggestion (转为代表建议) " + s.substr(0, 12) +
                                   ": 关于村口路灯不亮，夜间出行不便的建议 — 已提交"));
    // The constituent never appears with the suggestion.
    std::string sj2 = h.ok(node, {"suggestion", "show", s.substr(0, 10), "--json"}).out;
    for (const std::string& secret : {kName, kPhone}) {
      CHECK(st.find(secret) == std::string::npos);
      CHECK(sj2.find(secret) == std::string::npos);
    }
  }
  // 东风乡 holds 城关镇's issue but may not route it.
  refused(h, "t2", {"issue", "to-suggestion", issue2.substr(0, 8), "--deputy", zs.substr(0, 8)}, 2,
          "recorded by 城关镇");
  CHECK(h.digest("t2") == h.digest("county"));
}

}  // namespace
