// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle through the real `renda` binary: a county office
// and two townships (城关镇 t1, 东风乡 t2) run suggestions through every path
// of domain.md §3.2 while exchanging bundles in different orders — including
// a withdrawal concurrent with registration and a rating for an old round that
// arrives after re-handling — and end with byte-identical reports and digests.
// Bad input is refused with exit 1 (usage) or 2 (refused) and writes nothing.
// Also: every register kind of `renda KIND add|list|show`.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

// The "lifecycle" object of `suggestion show ID --json` on `node`.
JsonValue lifecycle(Harness& h, const std::string& node, const std::string& id) {
  JsonValue record = h.json(node, {"suggestion", "show", id.substr(0, 10)});
  REQUIRE(record.has("lifecycle"));
  return record["lifecycle"];
}

// The events of a life cycle with the given action, in fold order.
std::vector<JsonValue> eventsOf(const JsonValue& lc, const std::string& action) {
  std::vector<JsonValue> out;
  for (const auto& e : lc["events"].items)
    if (e["action"].str == action) out.push_back(e);
  return out;
}

// One action: `renda --data NODE suggestion ACTION ID args...`, which must succeed.
void act(Harness& h, const std::string& node, const std::string& action, const std::string& id,
         std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"suggestion", action, id.substr(0, 10)});
  h.ok(node, args);
}

void syncAll(Harness& h, const std::string& tag) {
  hop(h, "t1", "county", tag + "-1");
  hop(h, "t2", "county", tag + "-2");
  hop(h, "county", "t1", tag + "-3");
  hop(h, "county", "t2", tag + "-4");
}

TEST_CASE("renda CLI: suggestions run through every path of the life cycle on three nodes",
          "[app][cli][suggestion]") {
  County county;
  Harness& h = county.h;

  // --- the county's registers and settings reach both townships ---------------------
  h.ok("county", {"settings", "add", "--categories", "交通建设,农业农村,教科文卫,社会建设,其他",
                  "--outcomeScheme", "甲乙丙"});
  std::string u1 = h.add("county", "unit", {"--name", "县交通运输局"});
  std::string u2 = h.add("county", "unit", {"--name", "县农业农村局"});
  std::string u3 = h.add("county", "unit", {"--name", "县财政局"});
  std::string term = h.add("county", "term", {"--name", "第十八届", "--level", "县级"});
  std::string session = h.add("county", "session", {"--name", "第十八届第二次会议", "--term",
                                                     term.substr(0, 8), "--type", "大会期间",
                                                     "--startDate", "2026-01-10"});
  std::string sun = h.add("county", "deputy", {"--name", "孙八", "--level", "县级"});
  hop(h, "county", "t1", "settings-t1");
  hop(h, "county", "t2", "settings-t2");

  // Bad input: a category that is only in the default list, a duty type nobody has.
  refused(h, "t1", {"suggestion", "add", "--title", "关于财政的建议", "--category", "财政经济"}, 1,
          "交通建设、农业农村、教科文卫、社会建设、其他");
  refused(h, "t2", {"duty", "add", "--deputy", sun.substr(0, 8), "--type", "乱填"}, 1,
          "走访联系选民");

  // --- offline in the townships: deputies and suggestions ----------------------------
  std::string zs = h.add("t1", "deputy", {"--name", "张三", "--level", "县级"});
  std::string ls = h.add("t1", "deputy", {"--name", "李四", "--level", "乡镇级"});
  std::string ww = h.add("t1", "deputy", {"--name", "王五", "--level", "乡镇级"});
  std::string townUnit = h.add("t1", "unit", {"--name", "镇农业办"});
  std::string zl = h.add("t2", "deputy", {"--name", "赵六", "--level", "县级"});
  std::string qq = h.add("t2", "deputy", {"--name", "钱七", "--level", "县级"});
  auto suggestion = [&](const std::string& node, const std::string& title, const std::string& lead,
                        std::vector<std::string> more) {
    more.insert(more.begin(), {"--title", title, "--lead", lead.substr(0, 8), "--body", "情况、分析、建议"});
    return h.add(node, "suggestion", more);
  };
  std::string sessionArgs = session.substr(0, 8);
  // A: co-signed, assigned to two units, extended, urged, key, satisfied, closed.
  std::string a = suggestion("t1", "关于修缮城东村道的建议", zs,
                             {"--category", "交通建设", "--session", sessionArgs, "--submittedIn", "大会期间"});
  // B: withdrawn before registration.
  std::string b = suggestion("t1", "关于增设公交站点的建议", ww, {"--category", "交通建设"});
  // F and G: township-level, run by 城关镇 itself.
  std::string f = suggestion("t1", "关于整修农贸市场的建议", ls, {"--category", "其他", "--level", "township"});
  std::string g = suggestion("t1", "关于清理河道垃圾的建议", ww, {"--level", "township"});
  // C: withdrawn while the county registers it. D: rejected, resubmitted, returned,
  // re-assigned, rated unsatisfied, re-handled, rated again, closed.
  std::string c = suggestion("t2", "关于改善农村饮水的建议", zl,
                             {"--category", "农业农村", "--session", sessionArgs});
  std::string d = suggestion("t2", "关于乡村学校校车的建议", zl,
                             {"--category", "教科文卫", "--session", sessionArgs});
  // E: the county's own deputy; replied, closed, carried over, supervised, replied again.
  std::string e = suggestion("county", "关于养老服务中心建设的建议", sun, {"--category", "社会建设"});
  CHECK(h.json("t1", {"suggestion", "show", a.substr(0, 8)})["fields"]["session"].str == session);

  act(h, "t1", "submit", a);
  act(h, "t1", "cosign", a, {"--deputy", ls.substr(0, 8), "--agreed", "yes"});
  act(h, "t1", "cosign", a, {"--deputy", ww.substr(0, 8), "--agreed", "no"});
  act(h, "t1", "submit", b);
  act(h, "t1", "withdraw", b, {"--reason", "代表决定撤回"});
  act(h, "t1", "submit", f);
  act(h, "t1", "register", f, {"--number", "城关-2026-01"});
  act(h, "t1", "assign", f, {"--unit", townUnit.substr(0, 8), "--role", "lead"});
  act(h, "t1", "submit", g);
  act(h, "t1", "selfHandle", g, {"--text", "镇政府组织清理"});
  act(h, "t2", "submit", c);
  act(h, "t2", "submit", d);
  act(h, "t2", "cosign", d, {"--deputy", qq.substr(0, 8)});
  act(h, "county", "submit", e);

  // --- townships -> county; the county registers, rejects and assigns -----------------
  hop(h, "t1", "county", "up-t1");
  hop(h, "t2", "county", "up-t2");
  CHECK(lifecycle(h, "county", b)["state"].str == "withdrawn");
  act(h, "county", "register", a, {"--number", "十八届二次-001"});
  act(h, "county", "register", c, {"--number", "十八届二次-002"});
  act(h, "county", "reject", d, {"--reason", "一事多议，请分开提出"});
  act(h, "county", "register", e, {"--number", "闭-2026-001"});
  act(h, "county", "assign", a, {"--unit", u1.substr(0, 8), "--role", "lead"});
  refused(h, "county", {"suggestion", "assign", a.substr(0, 10), "--unit", u2.substr(0, 8),
                        "--deadline", "2025-12-01"},
          2, "before the assignment");
  act(h, "county", "assign", a, {"--unit", u2.substr(0, 8), "--role", "assisting"});
  act(h, "county", "markKey", a, {"--leader", "王主任"});
  {
    JsonValue lc = lifecycle(h, "county", a);
    CHECK(lc["state"].str == "assigned");
    CHECK(lc["stateLabel"].str == "已交办");
    CHECK(lc["deadline"].str == "2026-04-01");  // 90 days from 2026-01-01
    REQUIRE(lc["units"].size() == 2);
    CHECK(lc["units"][0]["name"].str == "县交通运输局");
    CHECK(lc["units"][0]["roleLabel"].str == "主办");
    CHECK(lc["units"][1]["role"].str == "assisting");
    CHECK(lc["key"].boolean);
  }
  // The county cannot run 城关镇's township-level suggestion.
  refused(h, "county", {"suggestion", "close", f.substr(0, 10)}, 2, "presidium");

  // 东风乡 withdraws C without having seen the registration.
  act(h, "t2", "withdraw", c, {"--reason", "已由乡里解决"});
  CHECK(lifecycle(h, "t2", c)["state"].str == "withdrawn");

  // --- county -> 东风乡 first, then back: registration wins both ways -----------------
  hop(h, "county", "t2", "down-t2");
  hop(h, "t2", "county", "up-t2-withdraw");
  for (const char* node : {"county", "t2"}) {
    INFO("node " << node);
    JsonValue lc = lifecycle(h, node, c);
    CHECK(lc["state"].str == "registered");
    CHECK(lc["number"].str == "十八届二次-002");
    auto w = eventsOf(lc, "withdraw");
    REQUIRE(w.size() == 1);
    CHECK_FALSE(w[0]["applied"].boolean);
    CHECK_THAT(w[0]["reason"].str, Catch::Contains("registration stands"));
    std::string text = h.ok(node, {"suggestion", "show", c.substr(0, 10)}).out;
    CHECK_THAT(text, Catch::Contains("已登记 (registered)") && Catch::Contains("NOT APPLIED"));
  }
  // D was rejected: 东风乡 revises it and submits it again.
  CHECK(lifecycle(h, "t2", d)["state"].str == "rejected");
  h.ok("t2", {"suggestion", "edit", d.substr(0, 10), "--title", "关于开通乡村学校校车的建议"});
  act(h, "t2", "submit", d);

  // --- A is handled; 城关镇 urges it and may not assign it ---------------------------
  act(h, "county", "accept", a, {"--unit", u1.substr(0, 8)});
  act(h, "county", "accept", a, {"--unit", u2.substr(0, 8)});
  act(h, "county", "progress", a, {"--unit", u1.substr(0, 8), "--text", "已完成勘察设计"});
  act(h, "county", "meet", a, {"--unit", u1.substr(0, 8)});
  act(h, "county", "extend", a, {"--deadline", "2026-05-15", "--reason", "需协调专项资金"});
  refused(h, "county", {"suggestion", "extend", a.substr(0, 10), "--deadline", "2026-08-01"}, 2,
          "longest allowed");
  hop(h, "county", "t1", "down-t1");
  refused(h, "t1", {"suggestion", "assign", a.substr(0, 10), "--unit", u3.substr(0, 8)}, 2,
          "only the county office may assign");
  act(h, "t1", "urge", a, {"--by", "张三"});
  hop(h, "t1", "county", "up-t1-urge");
  act(h, "county", "reply", a, {"--unit", u2.substr(0, 8), "--text", "协办意见：同意列入计划"});
  act(h, "county", "reply", a, {"--unit", u1.substr(0, 8), "--outcome", "甲", "--text", "已修缮完毕",
                                "--docNo", "县交函〔2026〕1号"});

  // --- D: registered again, returned by one unit, re-assigned, replied --------------
  hop(h, "t2", "county", "up-t2-resubmit");
  act(h, "county", "register", d, {"--number", "十八届二次-003"});
  act(h, "county", "assign", d, {"--unit", u3.substr(0, 8)});
  act(h, "county", "return", d, {"--unit", u3.substr(0, 8), "--reason", "不属本单位职责"});
  CHECK(lifecycle(h, "county", d)["state"].str == "returned");
  act(h, "county", "assign", d, {"--unit", u1.substr(0, 8), "--role", "lead"});
  act(h, "county", "accept", d, {"--unit", u1.substr(0, 8)});
  act(h, "county", "urge", d, {"--by", "联工委"});
  act(h, "county", "reply", d, {"--unit", u1.substr(0, 8), "--outcome", "乙"});

  // --- E: replied, closed, carried over, supervised, replied again -------------------
  act(h, "county", "assign", e, {"--unit", u2.substr(0, 8)});
  act(h, "county", "accept", e, {"--unit", u2.substr(0, 8)});
  act(h, "county", "reply", e, {"--unit", u2.substr(0, 8), "--outcome", "乙"});
  act(h, "county", "close", e);
  act(h, "county", "carryOver", e, {"--years", "2"});
  act(h, "county", "supervise", e, {"--kind", "领导督办", "--by", "王主任", "--findings", "已选址"});
  act(h, "county", "reply", e, {"--unit", u2.substr(0, 8), "--outcome", "甲", "--text", "已建成"});

  // --- ratings come back from the townships -------------------------------------------
  hop(h, "county", "t1", "down-t1-reply");
  hop(h, "county", "t2", "down-t2-reply");
  act(h, "t1", "evaluate", a, {"--result", "满意", "--process", "满意", "--rater", zs.substr(0, 8)});
  act(h, "t2", "evaluate", d, {"--result", "不满意", "--rater", zl.substr(0, 8), "--reason", "校车仍未开通"});
  hop(h, "t2", "county", "up-t2-rating");
  hop(h, "t1", "county", "up-t1-rating");
  act(h, "county", "close", a);
  act(h, "county", "rehandle", d, {"--reason", "代表不满意，重新办理"});
  // 钱七's co-signer rating of round 1, written before 东风乡 hears of the re-handling.
  act(h, "t2", "evaluate", d, {"--result", "基本满意", "--rater", qq.substr(0, 8), "--raterRole", "cosigner"});
  act(h, "county", "reply", d, {"--unit", u1.substr(0, 8), "--outcome", "甲", "--text", "校车已开通"});
  // The late rating reaches the county after round 2's reply: it counts for round 1
  // and reopens nothing.
  hop(h, "t2", "county", "up-t2-late");
  {
    JsonValue lc = lifecycle(h, "county", d);
    CHECK(lc["state"].str == "replied");
    CHECK(lc["round"].number == 2);
    REQUIRE(lc["evaluations"].size() == 2);
    CHECK(lc["evaluations"][1]["raterRole"].str == "cosigner");
    CHECK(lc["evaluations"][1]["round"].number == 1);
    for (const auto& ev : eventsOf(lc, "evaluate")) CHECK(ev["applied"].boolean);
  }
  hop(h, "county", "t2", "down-t2-round2");
  refused(h, "t2", {"suggestion", "evaluate", d.substr(0, 10), "--result", "满意", "--round", "1"}, 2,
          "old round");
  refused(h, "t2", {"suggestion", "evaluate", d.substr(0, 10), "--result", "满意", "--round", "5"}, 2,
          "does not exist");
  act(h, "t2", "evaluate", d, {"--result", "满意", "--round", "2", "--rater", zl.substr(0, 8)});
  hop(h, "t2", "county", "up-t2-round2");
  act(h, "county", "close", d);

  // --- F finishes on 城关镇 while the others exchange ---------------------------------
  act(h, "t1", "accept", f, {"--unit", townUnit.substr(0, 8)});
  act(h, "t1", "meet", f, {"--unit", townUnit.substr(0, 8)});
  act(h, "t1", "progress", f, {"--unit", townUnit.substr(0, 8), "--text", "已拆除违建"});
  act(h, "t1", "reply", f, {"--unit", townUnit.substr(0, 8), "--outcome", "甲"});
  act(h, "t1", "evaluate", f, {"--result", "满意", "--rater", ls.substr(0, 8)});
  act(h, "t1", "close", f);

  // --- everyone meets again, in two different orders -----------------------------------
  syncAll(h, "final");
  hop(h, "t2", "t1", "final-t2-t1");
  hop(h, "t1", "t2", "final-t1-t2");

  struct Want {
    std::string id, state;
    int round;
  };
  // E's carry-over opened round 2 (续办), which the unit answered again.
  std::vector<Want> wants = {{a, "closed", 1},   {b, "withdrawn", 1}, {c, "registered", 1},
                             {d, "closed", 2},   {e, "replied", 2},   {f, "closed", 1},
                             {g, "selfHandled", 1}};
  for (const auto& want : wants) {
    INFO("suggestion " << want.id.substr(0, 10) << " wants " << want.state);
    std::string shown = h.ok("county", {"suggestion", "show", want.id.substr(0, 10), "--json"}).out;
    JsonValue lc = parseJson(shown)["lifecycle"];
    CHECK(lc["state"].str == want.state);
    CHECK(lc["round"].number == want.round);
    for (const char* node : {"t1", "t2"}) {
      INFO("node " << node);
      CHECK(h.ok(node, {"suggestion", "show", want.id.substr(0, 10), "--json"}).out == shown);
    }
  }
  {
    JsonValue lc = lifecycle(h, "t2", a);
    CHECK(lc["deadline"].str == "2026-05-15");
    CHECK(lc["extensions"].number == 1);
    CHECK(lc["urges"].number == 1);
    CHECK(lc["units"][0]["metMs"].number > 0);
    REQUIRE(lc["units"][0]["reply"].type == JsonValue::kObject);
    CHECK(lc["units"][0]["reply"]["outcome"].str == "甲");
    CHECK(lc["units"][0]["reply"]["national"].str == "A");
    REQUIRE(lc["cosigners"].size() == 2);
    CHECK(lc["cosigners"][1]["agreed"].boolean == false);
    JsonValue le = lifecycle(h, "t1", e);
    CHECK(le["carryOverYears"].number == 2);
    REQUIRE(le["supervision"].size() == 1);
    CHECK(le["supervision"][0]["kind"].str == "领导督办");
    JsonValue lf = lifecycle(h, "county", f);
    CHECK(lf["level"].str == "township");
    CHECK(lf["number"].str == "城关-2026-01");
    JsonValue ld = lifecycle(h, "t1", d);
    REQUIRE(ld["units"].size() == 3);  // 财政局 returned it; 交通运输局 in rounds 1 and 2
    CHECK(ld["units"][0]["returned"].boolean);
    CHECK(ld["units"][0]["returnReason"].str == "不属本单位职责");
  }
  std::string dText = h.ok("t1", {"suggestion", "show", d.substr(0, 10)}).out;
  CHECK_THAT(dText, Catch::Contains("办结 (closed)") && Catch::Contains("round 2") &&
                        Catch::Contains("重新办理 rehandle") && Catch::Contains("不满意"));

  // Reports and digests: byte-identical on all three nodes.
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"report", "summary", "--json"},
        std::vector<std::string>{"report", "units", "--json"}, std::vector<std::string>{"digest"}}) {
    INFO(Harness::join(cmd));
    std::string want = h.ok("county", cmd).out;
    CHECK_FALSE(want.empty());
    CHECK(h.ok("t1", cmd).out == want);
    CHECK(h.ok("t2", cmd).out == want);
  }
  JsonValue units = h.json("county", {"report", "units"});
  std::string unitsText = h.ok("county", {"report", "units", "--json"}).out;
  CHECK(units["rows"].size() >= 2);
  CHECK_THAT(unitsText, Catch::Contains("县交通运输局") && Catch::Contains("县农业农村局"));
  for (const char* node : {"county", "t1", "t2"}) {
    CHECK_THAT(h.ok(node, {"verify"}).out, Catch::Contains("Everything is in order"));
  }
}

TEST_CASE("renda CLI: every register kind can be added, listed and shown", "[app][cli]") {
  County county;
  Harness& h = county.h;
  std::string dep = h.add("t1", "deputy", {"--name", "张三"});
  std::string station = h.add("t1", "station", {"--name", "城关镇代表之家"});
  std::string term = h.add("county", "term", {"--name", "第十八届"});
  hop(h, "county", "t1", "term");
  std::string reception = h.add("t1", "reception", {"--station", station.substr(0, 8), "--date",
                                                     "2026-11-20", "--deputies", dep, "--visitors", "5"});
  struct Case {
    std::string word, kind, node;
    std::vector<std::string> fields;
    std::vector<std::string> required;
    std::string refField, refId;  // a reference resolved from a prefix to the full id
  };
  std::vector<Case> cases = {
      {"unit", "handlingUnit", "county", {"--name", "县交通运输局"}, {"name"}, "", ""},
      {"term", "term", "county", {"--name", "第十九届", "--level", "县级"}, {"name"}, "", ""},
      {"session", "session", "county",
       {"--name", "第十八届第一次会议", "--term", term.substr(0, 8), "--type", "大会期间",
        "--startDate", "2026-01-10"},
       {"name"}, "term", term},
      {"township", "township", "county", {"--name", "城关镇", "--type", "镇"}, {"name"}, "", ""},
      {"group", "deputyGroup", "t1", {"--name", "第一代表小组"}, {"name"}, "", ""},
      {"settings", "settings", "county", {"--replyDays", "60"}, {}, "", ""},
      {"reception", "reception", "t1",
       {"--station", station.substr(0, 8), "--date", "2026-11-21"}, {"station", "date"}, "station",
       station},
      {"issue", "constituentIssue", "t1",
       {"--reception", reception.substr(0, 8), "--text", "村口路灯不亮", "--receivedDate",
        "2026-11-20", "--route", "转乡镇人大"},
       {"text", "receivedDate", "route"}, "reception", reception},
      {"reportback", "reportBack", "t1", {"--deputy", dep.substr(0, 8), "--date", "2026-12-01"},
       {"deputy", "date"}, "deputy", dep},
      {"rota", "rotaSlot", "t1",
       {"--deputy", dep.substr(0, 8), "--station", station.substr(0, 8), "--date", "2026-12-07"},
       {"deputy", "station", "date"}, "station", station},
      {"mandate", "mandate", "t1",
       {"--deputy", dep.substr(0, 8), "--level", "县级", "--term", term.substr(0, 8)},
       {"deputy", "level", "term"}, "term", term},
  };
  for (const auto& c : cases) {
    INFO(c.word);
    // Each required field, when missing, is a usage error that writes nothing.
    for (const auto& req : c.required) {
      std::vector<std::string> args = {c.word, "add"};
      for (size_t i = 0; i + 1 < c.fields.size(); i += 2)
        if (c.fields[i] != "--" + req) args.insert(args.end(), {c.fields[i], c.fields[i + 1]});
      refused(h, c.node, args, 1, {"--" + req});
    }
    std::string id = h.add(c.node, c.word, c.fields);
    JsonValue shown = h.json(c.node, {c.word, "show", id.substr(0, 8)});
    CHECK(shown["kind"].str == c.kind);
    CHECK(shown["id"].str == id);
    if (!c.refField.empty()) CHECK(shown["fields"][c.refField].str == c.refId);
    JsonValue listed = h.json(c.node, {c.word, "list"});
    bool found = false;
    for (const auto& r : listed.items) found = found || r["id"].str == id;
    CHECK(found);
    h.ok(c.node, {c.word, "edit", id.substr(0, 8), "--note", "已核对"});
    CHECK(h.json(c.node, {c.word, "show", id.substr(0, 8)})["fields"]["note"].str == "已核对");
  }
  // A prefix that names no record of the referenced kind is not taken as text.
  refused(h, "t1", {"issue", "add", "--reception", station.substr(0, 8), "--text", "x",
                    "--receivedDate", "2026-11-20", "--route", "当场答复"},
          1, std::vector<std::string>{"--reception: no 接待 '" + station.substr(0, 8) + "'"});
}

TEST_CASE("renda CLI: one number given to two suggestions while apart is shown by status and "
          "corrected with renumber, and numbers are stored as lookups read them",
          "[app][cli][life]") {
  County county;
  Harness& h = county.h;
  h.add("county", "deputy", {"--name", "李四", "--level", "县级"});
  h.add("t1", "deputy", {"--name", "张三", "--level", "乡镇级"});
  std::string s1 = h.add("county", "suggestion",
                         {"--title", "县里的建议", "--lead", "李四", "--level", "县级"});
  std::string s2 = h.add("t1", "suggestion",
                         {"--title", "镇里的建议", "--lead", "张三", "--level", "乡镇级"});
  act(h, "county", "submit", s1);
  act(h, "county", "register", s1, {"--number", "闭-2026-050"});
  act(h, "t1", "submit", s2);
  // Typed with full-width digits and a trailing ideographic space: stored plain.
  act(h, "t1", "register", s2, {"--number", "闭－２０２６－０５０\u3000"});
  CHECK(lifecycle(h, "t1", s2)["number"].str == "闭-2026-050");
  // Blank is no number.
  Run blank = h.at("t1", {"suggestion", "renumber", s2.substr(0, 10), "--number", "  ",
                          "--reason", "x"});
  CHECK(blank.code == 1);
  CHECK_THAT(blank.err, Catch::Contains("needs"));

  hop(h, "t1", "county", "dup");
  hop(h, "county", "t1", "dup-back");
  Run status = h.ok("county", {"status"});
  CHECK_THAT(status.out, Catch::Contains("Same number: '闭-2026-050'") &&
                             Catch::Contains("镇里的建议") && Catch::Contains("县里的建议"));
  CHECK(h.at("county", {"suggestion", "show", "闭-2026-050"}).code == 1);  // a choice
  JsonValue statusJson = h.json("county", {"status"});
  REQUIRE(statusJson["duplicateNumbers"].size() == 1);
  CHECK(statusJson["duplicateNumbers"][0]["number"].str == "闭-2026-050");
  CHECK(statusJson["duplicateNumbers"][0]["suggestions"].size() == 2);

  // Not to its own number, nor one with a line break in it.
  Run same = h.at("t1", {"suggestion", "renumber", s2.substr(0, 10), "--number", "闭-2026-050",
                         "--reason", "x"});
  CHECK(same.code == 1);
  CHECK_THAT(same.err, Catch::Contains("already '闭-2026-050'"));
  Run broken = h.at("t1", {"suggestion", "renumber", s2.substr(0, 10), "--number",
                           "城-2026\n-001", "--reason", "x"});
  CHECK(broken.code == 1);
  CHECK_THAT(broken.err, Catch::Contains("one line"));
  // The township's office gives its suggestion another number, with a reason.
  Run noReason = h.at("t1", {"suggestion", "renumber", s2.substr(0, 10), "--number", "城-2026-001"});
  CHECK(noReason.code != 0);
  act(h, "t1", "renumber", s2, {"--number", "城-2026-001", "--reason", "与县级建议编号重复"});
  // Not to a number another suggestion holds.
  Run taken = h.at("t1", {"suggestion", "renumber", s2.substr(0, 10), "--number", "闭-2026-050",
                          "--reason", "再改回去"});
  CHECK(taken.code == 2);
  CHECK_THAT(taken.err, Catch::Contains("already that of another suggestion"));
  // Only the office of a suggestion renumbers it.
  CHECK(h.at("county", {"suggestion", "renumber", s2.substr(0, 10), "--number", "城-2026-009",
                        "--reason", "x"}).code != 0);
  hop(h, "t1", "county", "fixed");
  CHECK_THAT(h.ok("county", {"status"}).out, !Catch::Contains("Same number"));
  CHECK(h.json("county", {"suggestion", "show", "闭-2026-050"})["id"].str == s1);
  CHECK(h.json("county", {"suggestion", "show", "城-2026-001"})["id"].str == s2);
  // An action's field it cannot go without, left out: refused, as the pages refuse it.
  Run urge = h.at("county", {"suggestion", "urge", s1.substr(0, 10)});
  CHECK(urge.code == 1);
  CHECK_THAT(urge.err, Catch::Contains("--by"));
  // The timeline keeps both numbers and the reason.
  auto renumbered = eventsOf(lifecycle(h, "county", s2), "renumber");
  REQUIRE(renumbered.size() == 1);
}

}  // namespace
