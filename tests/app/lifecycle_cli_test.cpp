// SPDX-License-Identifier: Apache-2.0
// Life-cycle rules through the real `renda` binary on a county office and
// 城关镇 (t1): one writer per field group (a township edit of a registered
// suggestion is refused before signing, and one made before the registration
// reached the township is kept in the log as not applied on every node);
// keeping a returned assignment (维持交办); rating the round a carry-over
// opens; extending a re-handling from the re-handling; and `show` agreeing
// with `report overdue` at the same clock.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

JsonValue lifecycle(Harness& h, const std::string& node, const std::string& id) {
  return h.json(node, {"suggestion", "show", id.substr(0, 10)})["lifecycle"];
}

std::string field(Harness& h, const std::string& node, const std::string& id,
                  const std::string& name) {
  JsonValue r = h.json(node, {"suggestion", "show", id.substr(0, 10)});
  return r["fields"].has(name) ? r["fields"][name].str : std::string();
}

void act(Harness& h, const std::string& node, const std::string& action, const std::string& id,
         std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"suggestion", action, id.substr(0, 10)});
  h.ok(node, args);
}

// Moves the simulated clock so that the next command runs at `ms`.
void setClock(Harness& h, uint64_t ms) {
  REQUIRE(ms > h.nowMs() + 60000);
  h.advanceClock(ms - h.nowMs() - 60000);
}

constexpr uint64_t kHourMs = 3600 * 1000ull, kDayMs = 24 * kHourMs;
// 2026-02-10 00:00 China time, in UTC ms.
constexpr uint64_t kFeb10 = 1770652800000ull;

TEST_CASE("renda CLI: one writer per field group on a suggestion", "[app][cli][fieldgroups]") {
  County county;
  Harness& h = county.h;
  std::string zs = h.add("t1", "deputy", {"--name", "张三", "--level", "县级"});
  std::string a = h.add("t1", "suggestion",
                        {"--title", "关于修缮城东村道的建议", "--lead", zs.substr(0, 8), "--body",
                         "情况、分析、建议"});
  std::string f = h.add(
      "t1", "suggestion",
      {"--title", "关于整修农贸市场的建议", "--lead", zs.substr(0, 8), "--level", "township"});
  // Before registration the township edits the deputy's text freely.
  h.ok("t1", {"suggestion", "edit", a.substr(0, 10), "--body", "情况、分析、具体建议"});
  act(h, "t1", "submit", a);
  hop(h, "t1", "county", "up");
  act(h, "county", "register", a, {"--number", "十八届二次-001"});
  // 城关镇 has not heard of the registration and edits the title offline.
  h.ok("t1", {"suggestion", "edit", a.substr(0, 10), "--title", "镇里改的标题"});
  CHECK(field(h, "t1", a, "title") == "镇里改的标题");
  hop(h, "county", "t1", "down");
  hop(h, "t1", "county", "up-edit");
  for (const char* node : {"county", "t1"}) {
    INFO("node " << node);
    CHECK(field(h, node, a, "title") == "关于修缮城东村道的建议");
    CHECK(field(h, node, a, "body") == "情况、分析、具体建议");
    CHECK_THAT(h.ok(node, {"suggestion", "show", a.substr(0, 10)}).out,
               Catch::Contains("1 edit(s) not applied: see renda log " + a.substr(0, 12)));
    std::string log = h.ok(node, {"log", a.substr(0, 10)}).out;
    CHECK_THAT(log, Catch::Contains("NOT APPLIED") && Catch::Contains("registered (已登记") &&
                        Catch::Contains("the county office's to correct"));
  }
  // Now that it knows, the township is refused before anything is signed.
  refused(h, "t1", {"suggestion", "edit", a.substr(0, 10), "--title", "再改一次"}, 2,
          {"registered (已登记, number 十八届二次-001)",
           "'title' is the county office's to correct", "nothing was recorded"});
  // The office's data is written by its actions only, whoever asks.
  refused(h, "t1", {"suggestion", "edit", a.substr(0, 10), "--number", "乱填"}, 2,
          {"recorded by its life-cycle action register", "nothing was recorded"});
  refused(h, "county", {"suggestion", "edit", a.substr(0, 10), "--level", "乡镇级"}, 2,
          {"fixed when it is entered"});
  // The county office corrects the text; the township receives it.
  h.ok("county",
       {"suggestion", "edit", a.substr(0, 10), "--title", "关于修缮城东村道的建议（规范）"});
  hop(h, "county", "t1", "down-fix");
  CHECK(field(h, "t1", a, "title") == "关于修缮城东村道的建议（规范）");
  // A township-level suggestion: the township registers it and keeps its text.
  act(h, "t1", "submit", f);
  act(h, "t1", "register", f, {"--number", "城关-2026-01"});
  h.ok("t1", {"suggestion", "edit", f.substr(0, 10), "--title", "关于整修城关农贸市场的建议"});
  hop(h, "t1", "county", "up-f");
  refused(h, "county", {"suggestion", "edit", f.substr(0, 10), "--title", "县里改的"}, 2,
          {"城关镇's presidium's to correct"});
  hop(h, "county", "t1", "final");
  CHECK(h.digest("county") == h.digest("t1"));
  CHECK_THAT(h.ok("t1", {"verify"}).out, Catch::Contains("Everything is in order"));
  CHECK(h.json("t1", {"status"})["notApplied"].number == 1);
}

TEST_CASE("renda CLI: keep a returned assignment, rate a carried-over round, extend a re-handling",
          "[app][cli][rounds]") {
  County county;
  Harness& h = county.h;
  std::string u1 = h.add("county", "unit", {"--name", "县交通运输局"});
  std::string zs = h.add("county", "deputy", {"--name", "孙八", "--level", "县级"});
  auto suggestion = [&](const std::string& title) {
    std::string id = h.add("county", "suggestion", {"--title", title, "--lead", zs.substr(0, 8)});
    act(h, "county", "submit", id);
    act(h, "county", "register", id, {"--number", title.substr(0, 9)});
    act(h, "county", "assign", id, {"--unit", u1.substr(0, 8), "--role", "lead"});
    return id;
  };
  // 维持交办: the unit returns it, the office keeps it with the unit.
  std::string a = suggestion("关于修缮城东村道的建议");
  refused(h, "county", {"suggestion", "keep", a.substr(0, 10), "--unit", u1.substr(0, 8)}, 2,
          {"cannot keep", "已交办"});
  act(h, "county", "return", a, {"--unit", u1.substr(0, 8), "--reason", "不属本单位职责"});
  act(h, "county", "keep", a, {"--unit", u1.substr(0, 8), "--reason", "经核实属该单位职责"});
  JsonValue lc = lifecycle(h, "county", a);
  CHECK(lc["state"].str == "assigned");
  CHECK(lc["units"][0]["kept"].boolean);
  CHECK(lc["units"][0]["keepReason"].str == "经核实属该单位职责");
  CHECK_THAT(h.ok("county", {"suggestion", "show", a.substr(0, 10)}).out,
             Catch::Contains("kept by the office 维持交办: 经核实属该单位职责"));
  refused(
      h, "county",
      {"suggestion", "return", a.substr(0, 10), "--unit", u1.substr(0, 8), "--reason", "仍不属"}, 2,
      {"cannot be returned again"});
  // 续办: a carry-over opens round 2, which the lead deputy rates again.
  act(h, "county", "accept", a, {"--unit", u1.substr(0, 8)});
  act(h, "county", "reply", a, {"--unit", u1.substr(0, 8), "--outcome", "B"});
  act(h, "county", "evaluate", a, {"--result", "满意", "--rater", zs.substr(0, 8)});
  act(h, "county", "close", a);
  act(h, "county", "carryOver", a, {"--years", "1"});
  act(h, "county", "reply", a, {"--unit", u1.substr(0, 8), "--outcome", "A"});
  refused(h, "county",
          {"suggestion", "evaluate", a.substr(0, 10), "--result", "满意", "--round", "1"}, 2,
          {"old round"});
  act(h, "county", "evaluate", a, {"--result", "满意", "--rater", zs.substr(0, 8)});
  lc = lifecycle(h, "county", a);
  CHECK(lc["round"].number == 2);
  CHECK(lc["state"].str == "evaluated");
  REQUIRE(lc["evaluations"].size() == 2);
  CHECK(lc["evaluations"][1]["round"].number == 2);
  // 重新办理 long after the first assignment: the extension counts from the re-handling.
  std::string b = suggestion("关于增设公交站点的建议");
  act(h, "county", "accept", b, {"--unit", u1.substr(0, 8)});
  act(h, "county", "reply", b, {"--unit", u1.substr(0, 8), "--outcome", "C"});
  act(h, "county", "evaluate", b, {"--result", "不满意", "--rater", zs.substr(0, 8)});
  h.advanceClock(200 * kDayMs);
  act(h, "county", "rehandle", b, {"--deadline", "2026-08-01"});
  act(h, "county", "extend", b, {"--deadline", "2026-08-18"});  // re-handled 2026-07-20 + 29 days
  refused(h, "county", {"suggestion", "extend", b.substr(0, 10), "--deadline", "2026-08-25"}, 2,
          {"re-handling", "within 30 days"});
  CHECK(lifecycle(h, "county", b)["deadline"].str == "2026-08-18");
}

TEST_CASE("renda CLI: show and the overdue report agree on the deadline day",
          "[app][cli][rounds]") {
  County county;
  Harness& h = county.h;
  std::string u1 = h.add("county", "unit", {"--name", "县交通运输局"});
  std::string s = h.add("county", "suggestion", {"--title", "关于修缮城东村道的建议"});
  act(h, "county", "submit", s);
  act(h, "county", "register", s, {"--number", "闭-2026-001"});
  act(h, "county", "assign", s, {"--unit", u1.substr(0, 8), "--deadline", "2026-02-10"});
  struct At {
    uint64_t ms;
    bool overdue, near;
  };
  // 23:00 on the deadline day is in time (the whole day is); 01:00 the next day is not.
  for (At at : {At{kFeb10 - 14 * kDayMs - kHourMs, false, false},
                At{kFeb10 - 14 * kDayMs + kHourMs, false, true},
                At{kFeb10 + 23 * kHourMs, false, true}, At{kFeb10 + 25 * kHourMs, true, false}}) {
    setClock(h, at.ms);
    INFO("now " << at.ms);
    JsonValue lc = lifecycle(h, "county", s);
    JsonValue overdue = h.json("county", {"report", "overdue"});
    JsonValue near = h.json("county", {"report", "nearDeadline"});
    CHECK(lc["overdue"].boolean == at.overdue);
    CHECK(lc["nearDeadline"].boolean == at.near);
    CHECK((overdue["rows"].size() == 1) == at.overdue);
    CHECK((near["rows"].size() == 1) == at.near);
  }
}

}  // namespace
