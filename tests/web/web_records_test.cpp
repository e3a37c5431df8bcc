// SPDX-License-Identifier: Apache-2.0
// The web API's records, meta, suggestion actions and conflicts against real
// `renda serve` processes on loopback: every endpoint's answer and refusals
// (no session, no CSRF token, a clerk on an admin's kind, an action the state
// does not allow, which writes nothing), references shown by name, personal
// fields masked in lists, paging totals, the current cohort by default, and a
// conflict made by two nodes that a PUT resolves.
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

const std::string kAdminPassword = "correct-horse-42";
const std::string kClerkPassword = "clerk-pass-77";


// The names of a JSON array's objects' `key`.
std::vector<std::string> namesOf(const JsonValue& array, const std::string& key = "name") {
  std::vector<std::string> out;
  for (size_t i = 0; i < array.size(); ++i) out.push_back(array[i][key].str);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const JsonValue* findByKey(const JsonValue& array, const std::string& key, const std::string& value) {
  for (size_t i = 0; i < array.size(); ++i)
    if (array[i][key].str == value) return &array[i];
  return nullptr;
}

TEST_CASE("Web API: meta describes kinds, actions, states, cohorts and the node", "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "文书", "clerk", kClerkPassword).code == 0);
  WebNode t1(h, "t1");
  Client anon{t1.webPort};
  CHECK(anon.get("/api/meta").status == 401);
  Client clerk{t1.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);
  HttpReply r = clerk.get("/api/meta");
  REQUIRE(r.status == 200);
  JsonValue meta = r.json();
  const JsonValue* deputy = findByKey(meta["kinds"], "kind", "deputy");
  REQUIRE(deputy);
  CHECK((*deputy)["label"].str == "人大代表");
  const JsonValue* gender = findByKey((*deputy)["fields"], "name", "gender");
  REQUIRE(gender);
  CHECK((*gender)["type"].str == "choice");
  CHECK((*gender)["choices"].size() == 2);
  CHECK((*gender)["choices"][0].str == "男");
  const JsonValue* station = findByKey((*deputy)["fields"], "name", "station");
  REQUIRE(station);
  CHECK((*station)["type"].str == "ref");
  CHECK((*station)["ref"].str == "station");
  CHECK((*findByKey((*deputy)["fields"], "name", "name"))["required"].boolean);
  const JsonValue* suggestion = findByKey(meta["kinds"], "kind", "suggestion");
  REQUIRE(suggestion);
  const JsonValue* category = findByKey((*suggestion)["fields"], "name", "category");
  REQUIRE(category);
  CHECK((*category)["type"].str == "choice");
  CHECK((*category)["choices"].size() == 6);  // the default settings' list
  const JsonValue* issue = findByKey(meta["kinds"], "kind", "issue");
  REQUIRE(issue);
  CHECK((*findByKey((*issue)["fields"], "name", "constituentPhone"))["personal"].boolean);
  CHECK((*findByKey((*issue)["fields"], "name", "text"))["multiline"].boolean);
  CHECK((*findByKey(meta["kinds"], "kind", "settings"))["adminOnly"].boolean);
  CHECK(!(*findByKey(meta["kinds"], "kind", "duty"))["adminOnly"].boolean);
  const JsonValue* reg = findByKey(meta["actions"], "name", "register");
  REQUIRE(reg);
  CHECK((*reg)["label"].str == "登记");
  CHECK((*findByKey((*reg)["fields"], "name", "number"))["required"].boolean);
  const JsonValue* draft = findByKey(meta["states"], "name", "draft");
  REQUIRE(draft);
  CHECK((*draft)["label"].str == "草稿");
  // No suggestion yet: the current cohort is this year's inter-session one.
  REQUIRE(meta["cohorts"].size() == 1);
  CHECK(meta["cohorts"][0]["current"].boolean);
  CHECK(meta["cohorts"][0]["name"].str == "2026");
  CHECK(meta["cohorts"][0]["label"].str == "2026年闭会期间");
  CHECK(meta["node"]["role"].str == "township");
  CHECK(meta["node"]["township"].str == "城关镇");
  CHECK(meta["node"]["county"].str == "示范县");
}

TEST_CASE("Web API: records of every kind are listed, paged, shown by name, added and edited "
          "through the CLI's checks",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  REQUIRE(addAccount(h, "county", "文书", "clerk", kClerkPassword).code == 0);
  WebNode county(h, "county");
  Client anon{county.webPort};
  CHECK(anon.get("/api/records/station").status == 401);
  CHECK(anon.send("POST", "/api/records/station", "{\"name\":\"x\"}").status == 401);
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);
  Client admin{county.webPort};
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);

  HttpReply noCsrf = clerk.send("POST", "/api/records/station", "{\"name\":\"x\"}", false);
  CHECK(noCsrf.status == 403);
  CHECK(noCsrf.json()["code"].str == "csrf");
  for (auto [name, township] : {std::pair<const char*, const char*>{"城关镇代表之家", "城关镇"},
                                {"东风乡代表联络站", "东风乡"},
                                {"城关镇第二联络站", "城关镇"}}) {
    HttpReply made = clerk.send("POST", "/api/records/station",
                                std::string("{\"name\":\"") + name + "\",\"township\":\"" +
                                    township + "\"}");
    REQUIRE(made.status == 201);
    CHECK(made.json()["label"].str == name);
  }
  CHECK(countOf(h.ok("county", {"station", "list"}).out, "城关镇") == 4);  // 2 names + 2 townships

  JsonValue page1 = clerk.get("/api/records/station?pageSize=2").json();
  CHECK(page1["count"].number == 2);
  CHECK(page1["total"].number == 3);
  CHECK(page1["page"].number == 1);
  JsonValue page2 = clerk.get("/api/records/station?pageSize=2&page=2").json();
  CHECK(page2["count"].number == 1);
  CHECK(page2["total"].number == 3);
  CHECK(clerk.get("/api/records/station?q=" + enc("城关")).json()["total"].number == 2);
  CHECK(clerk.get("/api/records/station?township=" + enc("东风乡")).json()["total"].number == 1);
  CHECK(clerk.get("/api/records/station?pageSize=0").status == 400);
  CHECK(clerk.get("/api/records/nosuchkind").status == 404);

  // A reference given by name is stored as the record's id and shown by name.
  HttpReply dep = clerk.send("POST", "/api/records/deputy",
                             "{\"name\":\"张三\",\"station\":\"东风乡代表联络站\",\"township\":"
                             "\"东风乡\"}");
  REQUIRE(dep.status == 201);
  std::string deputyId = dep.json()["id"].str;
  HttpReply one = clerk.get("/api/records/deputy/" + enc("张三"));
  REQUIRE(one.status == 200);
  JsonValue d = one.json();
  CHECK(d["id"].str == deputyId);
  CHECK(d["fields"]["station"].str.size() == 64);
  CHECK(d["display"]["station"].str == "东风乡代表联络站");
  REQUIRE(d["history"].size() == 1);
  CHECK(d["history"][0]["verified"].boolean);
  CHECK(d["history"][0]["applied"].boolean);
  CHECK(d["history"][0]["nodeName"].str == "县人大常委会办公室");
  CHECK(clerk.get("/api/records/deputy/" + deputyId.substr(0, 8)).json()["id"].str == deputyId);
  HttpReply nowhere = clerk.send("POST", "/api/records/deputy",
                                 "{\"name\":\"王五\",\"station\":\"没有这个站\"}");
  CHECK(nowhere.status == 400);
  CHECK(nowhere.json()["field"].str == "station");
  // A township the county does not know (a typo) is refused, nothing written.
  std::string beforeTypo = h.ok("county", {"digest"}).out;
  HttpReply typo = clerk.send("POST", "/api/records/deputy",
                              "{\"name\":\"赵六\",\"township\":\"城关\"}");
  CHECK(typo.status == 400);
  CHECK(typo.json()["error"].str.find("城关镇") != std::string::npos);  // the known ones listed
  CHECK(h.ok("county", {"digest"}).out == beforeTypo);
  // Two deputies of one name: a choice, not a guess.
  REQUIRE(clerk.send("POST", "/api/records/deputy", "{\"name\":\"李四\",\"township\":\"城关镇\"}")
              .status == 201);
  REQUIRE(clerk.send("POST", "/api/records/deputy", "{\"name\":\"李四\",\"township\":\"东风乡\"}")
              .status == 201);
  HttpReply two = clerk.get("/api/records/deputy/" + enc("李四"));
  CHECK(two.status == 409);
  CHECK(two.json()["code"].str == "ambiguous");
  CHECK(two.json()["choices"].size() == 2);
  CHECK(clerk.get("/api/records/deputy/" + enc("没有的人")).status == 404);

  // An edit, as `renda station edit`.
  HttpReply edit = clerk.send("PUT", "/api/records/station/" + enc("城关镇代表之家"),
                              "{\"address\":\"镇政府二楼\"}");
  CHECK(edit.status == 200);
  std::string station = clerk.get("/api/records/station/" + enc("城关镇代表之家")).json()["id"].str;
  CHECK_THAT(h.ok("county", {"station", "show", station.substr(0, 12)}).out,
             Catch::Contains("镇政府二楼"));
  CHECK(clerk.send("PUT", "/api/records/station/" + station, "{\"adress\":\"x\"}").status == 400);
  CHECK(clerk.send("PUT", "/api/records/station/" + station, "{\"address\":\"x\"}", false).status ==
        403);

  // A choice is checked as `renda deputy add --gender M` checks it, on an add
  // and on an edit; nothing is written.
  std::string unchanged = h.digest("county");
  for (const char* body : {"{\"name\":\"赵六\",\"gender\":\"M\",\"township\":\"城关镇\"}",
                           "{\"name\":\"赵六\",\"level\":\"宇宙级\",\"township\":\"城关镇\"}"}) {
    INFO(body);
    HttpReply badChoice = clerk.send("POST", "/api/deputies", body);
    CHECK(badChoice.status == 400);
    CHECK(badChoice.json()["code"].str == "invalid");
    CHECK_THAT(badChoice.json()["error"].str, Catch::Contains("中选一个"));
  }
  HttpReply badEdit = clerk.send("PUT", "/api/records/deputy/" + deputyId, "{\"gender\":\"M\"}");
  CHECK(badEdit.status == 400);
  CHECK(badEdit.json()["field"].str == "gender");
  CHECK_THAT(badEdit.json()["error"].str, Catch::Contains("男、女"));
  CHECK(h.digest("county") == unchanged);
  CHECK(clerk.send("PUT", "/api/records/deputy/" + deputyId, "{\"gender\":\"女\"}").status == 200);

  // Settings and the calendar are an admin's.
  std::string before = h.digest("county");
  HttpReply settings = clerk.send("POST", "/api/records/settings", "{\"replyDays\":\"60\"}");
  CHECK(settings.status == 403);
  CHECK(settings.json()["code"].str == "forbidden");
  CHECK(clerk.send("POST", "/api/records/term", "{\"name\":\"第十八届\"}").status == 403);
  CHECK(h.digest("county") == before);
  HttpReply term = admin.send("POST", "/api/records/term", "{\"name\":\"第十八届\",\"level\":\"县级\"}");
  CHECK(term.status == 201);
  CHECK(clerk.send("PUT", "/api/records/term/" + enc("第十八届"), "{\"level\":\"乡镇级\"}").status ==
        403);
  CHECK(admin.send("PUT", "/api/records/term/" + enc("第十八届"), "{\"level\":\"乡镇级\"}").status ==
        200);

  // Personal fields: masked in the list, in clear for one record.
  HttpReply rec = clerk.send("POST", "/api/records/reception",
                             "{\"station\":\"城关镇代表之家\",\"date\":\"2026-01-05\","
                             "\"constituentName\":\"王大妈\",\"constituentPhone\":\"13800001111\","
                             "\"township\":\"城关镇\"}");
  REQUIRE(rec.status == 201);
  std::string list = clerk.get("/api/records/reception").body;
  CHECK(list.find("13800001111") == std::string::npos);
  CHECK(list.find("\"display\"") != std::string::npos);
  JsonValue shown = clerk.get("/api/records/reception/" + rec.json()["id"].str).json();
  CHECK(shown["fields"]["constituentPhone"].str == "13800001111");
  CHECK(shown["display"]["station"].str == "城关镇代表之家");
}

TEST_CASE("Web API: a suggestion's actions are those the node may take now, an action runs as "
          "the CLI runs it and a refused one writes nothing",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  std::string deputy = h.add("county", "deputy", {"--name", "孙七", "--level", "县级"});
  std::string unit = h.add("county", "unit", {"--name", "县交通运输局"});
  std::string sid = h.add("county", "suggestion",
                          {"--title", "关于修缮县道的建议", "--body", "县道破损。", "--lead",
                           deputy.substr(0, 8)});
  WebNode county(h, "county");
  Client admin{county.webPort};
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);
  std::string path = "/api/suggestions/" + sid.substr(0, 10);

  JsonValue draft = admin.get(path).json();
  CHECK(draft["state"].str == "draft");
  std::vector<std::string> actions = namesOf(draft["actions"]);
  CHECK(contains(actions, "submit"));
  CHECK(!contains(actions, "register"));
  CHECK(!contains(actions, "reply"));

  std::string before = h.digest("county");
  HttpReply wrong = admin.send("POST", path + "/actions/register", "{\"number\":\"闭-2026-001\"}");
  CHECK(wrong.status == 403);
  CHECK(wrong.json()["code"].str == "refused");
  CHECK_THAT(wrong.json()["error"].str, Catch::Contains("草稿") && Catch::Contains("登记"));
  CHECK(admin.send("POST", path + "/actions/reply", "{}").status == 403);
  CHECK(admin.send("POST", path + "/actions/nosuch", "{}").status == 404);
  CHECK(admin.send("POST", path + "/actions/submit", "{}", false).status == 403);
  CHECK(admin.send("POST", path + "/actions/submit", "{\"colour\":\"red\"}").status == 400);
  CHECK(h.digest("county") == before);

  HttpReply submitted = admin.send("POST", path + "/actions/submit", "{}");
  REQUIRE(submitted.status == 200);
  CHECK(submitted.json()["state"].str == "submitted");
  CHECK(submitted.json()["stateLabel"].str == "已提交");
  CHECK(contains(namesOf(admin.get(path).json()["actions"]), "register"));
  // A field the action needs, left out: 400 on that field, nothing written.
  std::string submittedDigest = h.digest("county");
  for (const char* body : {"{}", "{\"number\":\"\"}"}) {
    HttpReply bare = admin.send("POST", path + "/actions/register", body);
    CHECK(bare.status == 400);
    CHECK(bare.json()["field"].str == "number");
    CHECK_THAT(bare.json()["error"].str, Catch::Contains("登记需要填写“编号”"));
  }
  CHECK(h.digest("county") == submittedDigest);
  HttpReply registered =
      admin.send("POST", path + "/actions/register", "{\"number\":\"闭-2026-001\"}");
  REQUIRE(registered.status == 200);
  CHECK(registered.json()["stateLabel"].str == "已登记");
  // The CLI sees what the page did.
  CHECK_THAT(h.ok("county", {"suggestion", "show", sid.substr(0, 10)}).out,
             Catch::Contains("闭-2026-001"));
  // A unit that names no record: 400 on the field, as the record forms answer.
  HttpReply noUnit = admin.send("POST", path + "/actions/assign", "{\"unit\":\"没有的单位\"}");
  CHECK(noUnit.status == 400);
  CHECK(noUnit.json()["field"].str == "unit");
  HttpReply assigned = admin.send("POST", path + "/actions/assign",
                                  "{\"unit\":\"" + unit.substr(0, 8) + "\",\"role\":\"lead\"}");
  REQUIRE(assigned.status == 200);
  CHECK(assigned.json()["state"].str == "assigned");

  // By its official number; the timeline lists the actions and a plain edit.
  REQUIRE(admin.send("PUT", "/api/records/suggestion/" + sid.substr(0, 10),
                     "{\"title\":\"关于修缮县道和桥梁的建议\"}")
              .status == 200);
  HttpReply byNumber = admin.get("/api/suggestions/" + enc("闭-2026-001"));
  REQUIRE(byNumber.status == 200);
  JsonValue s = byNumber.json();
  CHECK(s["id"].str == sid);
  CHECK(s["title"].str == "关于修缮县道和桥梁的建议");
  // As a clerk types or pastes it: full-width or typographic dashes, spaces around.
  for (const char* typed : {"闭－2026－001", "闭–2026—001", " 闭-2026-001\xE3\x80\x80"}) {
    INFO(typed);
    HttpReply pasted = admin.get("/api/suggestions/" + enc(typed));
    REQUIRE(pasted.status == 200);
    CHECK(pasted.json()["id"].str == sid);
  }
  CHECK(admin.get("/api/suggestions/" + enc("闭－2026－01")).status == 404);
  std::vector<std::string> timeline = namesOf(s["timeline"], "action");
  CHECK(timeline == std::vector<std::string>{"submit", "register", "assign", "edit"});
  CHECK(s["timeline"][3]["fields"]["title"].str == "关于修缮县道和桥梁的建议");
  CHECK(s["timeline"][0]["nodeName"].str == "县人大常委会办公室");
  for (size_t i = 0; i < s["timeline"].size(); ++i)
    CHECK(s["timeline"][i]["verified"].boolean);  // each change's signature checked
  std::vector<std::string> now = namesOf(s["actions"]);
  CHECK(contains(now, "accept"));
  CHECK(!contains(now, "reply"));  // not before the unit accepts
  CHECK(!contains(now, "submit"));
}

TEST_CASE("Web API: a township node is offered the deputy's side of a county-level suggestion, "
          "never the county office's",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "文书", "clerk", kClerkPassword).code == 0);
  std::string deputy = h.add("t1", "deputy", {"--name", "周九"});
  std::string sid = h.add("t1", "suggestion",
                          {"--title", "关于整修村道的建议", "--lead", deputy.substr(0, 8)});
  WebNode t1(h, "t1");
  Client clerk{t1.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);
  std::string path = "/api/suggestions/" + enc("关于整修村道的建议");
  CHECK(contains(namesOf(clerk.get(path).json()["actions"]), "submit"));
  REQUIRE(clerk.send("POST", path + "/actions/submit", "{}").status == 200);
  std::vector<std::string> actions = namesOf(clerk.get(path).json()["actions"]);
  CHECK(contains(actions, "withdraw"));
  CHECK(!contains(actions, "register"));
  CHECK(!contains(actions, "reject"));
  std::string before = h.digest("t1");
  HttpReply refused = clerk.send("POST", "/api/suggestions/" + sid.substr(0, 8) +
                                     "/actions/register",
                                 "{\"number\":\"闭-2026-009\"}");
  CHECK(refused.status == 403);
  CHECK(refused.json()["code"].str == "refused");
  CHECK_THAT(refused.json()["error"].str, Catch::Contains("城关镇") && Catch::Contains("已提交"));
  CHECK(h.digest("t1") == before);
  CHECK(h.json("t1", {"suggestion", "show", sid.substr(0, 10)})["lifecycle"]["state"].str ==
        "submitted");
}

TEST_CASE("Web API: the suggestion list filters by cohort (the current one by default), "
          "category, deputy and text, and pages",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  std::string zs = h.add("county", "deputy", {"--name", "张三"});
  std::string ls = h.add("county", "deputy", {"--name", "李四"});
  std::string term = h.add("county", "term", {"--name", "第十八届"});
  std::string session = h.add("county", "session",
                              {"--name", "第十八届第一次会议", "--term", term.substr(0, 8), "--type",
                               "大会期间", "--startDate", "2026-01-01"});
  h.add("county", "suggestion",
        {"--title", "关于农田水利的建议", "--lead", zs.substr(0, 8), "--category", "农业农村",
         "--session", session.substr(0, 8), "--submittedIn", "大会期间"});
  h.add("county", "suggestion",
        {"--title", "关于增设路灯的建议", "--body", "夜间路段缺少照明。", "--lead", ls.substr(0, 8),
         "--category", "城建环资"});
  std::string bus = h.add("county", "suggestion",
                          {"--title", "关于学校校车的建议", "--lead", zs.substr(0, 8),
                           "--category", "教科文卫"});
  h.ok("county", {"suggestion", "submit", bus.substr(0, 10)});
  h.ok("county", {"suggestion", "register", bus.substr(0, 10), "--number", "闭-2026-007"});
  WebNode county(h, "county");
  Client admin{county.webPort};
  CHECK(admin.get("/api/suggestions").status == 401);
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);

  // The last entered is between sessions: that cohort is the current one.
  JsonValue current = admin.get("/api/suggestions").json();
  CHECK(current["cohort"].str == "Y2026");
  CHECK(current["cohortLabel"].str == "2026年闭会期间");
  CHECK(current["total"].number == 2);
  JsonValue all = admin.get("/api/suggestions?cohort=all").json();
  CHECK(all["cohort"].str == "");
  CHECK(all["total"].number == 3);
  JsonValue inSession = admin.get("/api/suggestions?cohort=" + enc("第十八届第一次会议")).json();
  CHECK(inSession["total"].number == 1);
  CHECK(inSession["suggestions"][0]["title"].str == "关于农田水利的建议");
  CHECK(admin.get("/api/suggestions?cohort=nonesuch").status == 400);
  CHECK(admin.get("/api/suggestions?cohort=all&category=" + enc("农业农村")).json()["total"].number ==
        1);
  CHECK(admin.get("/api/suggestions?cohort=all&deputy=" + enc("张三")).json()["total"].number == 2);
  // q reaches the body, not only the title.
  CHECK(admin.get("/api/suggestions?q=" + enc("照明")).json()["total"].number == 1);
  CHECK(admin.get("/api/suggestions?overdue=1&cohort=all").json()["total"].number == 0);
  // An official number as an input method types it: full-width dash and digits, spaces.
  for (const char* typed : {"闭－２０２６－００７", "闭 - 2026 - 007", "2026-007"})
    CHECK(admin.get("/api/suggestions?q=" + enc(typed)).json()["total"].number == 1);
  // A filter the county does not have is a 400 naming it, not an empty list.
  for (const auto& [filter, value] : std::vector<std::pair<std::string, std::string>>{
           {"township", "城关"}, {"state", "bogus"}, {"category", "没有的分类"}}) {
    HttpReply bad = admin.get("/api/suggestions?" + filter + "=" + enc(value));
    CHECK(bad.status == 400);
    CHECK(bad.json()["field"].str == filter);
  }
  CHECK(admin.get("/api/suggestions?cohort=all&state=" + enc("已登记")).json()["total"].number == 1);
  JsonValue paged = admin.get("/api/suggestions?cohort=all&pageSize=2&page=2").json();
  CHECK(paged["count"].number == 1);
  CHECK(paged["total"].number == 3);
  CHECK(paged["page"].number == 2);
  CHECK(paged["suggestions"].size() == 1);
}

TEST_CASE("Web API: conflicts from two nodes and changes kept but not applied are listed, a PUT "
          "resolves the conflict",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  std::string deputy = h.add("t2", "deputy", {"--name", "赵六"});
  std::string sid = h.add("t2", "suggestion", {"--title", "关于改善农村饮水的建议", "--lead",
                                               deputy.substr(0, 8)});
  h.ok("t2", {"suggestion", "submit", sid.substr(0, 10)});
  hop(h, "t2", "county", "up1");
  // At the same time: both edit the deputy's post; the county registers the
  // suggestion while the township withdraws it.
  h.ok("t2", {"deputy", "edit", deputy.substr(0, 10), "--post", "村主任"});
  h.ok("county", {"deputy", "edit", deputy.substr(0, 10), "--post", "村支书"});
  h.ok("county", {"suggestion", "register", sid.substr(0, 10), "--number", "闭-2026-002"});
  h.ok("t2", {"suggestion", "withdraw", sid.substr(0, 10), "--reason", "代表决定撤回"});
  hop(h, "t2", "county", "up2");

  WebNode county(h, "county");
  Client admin{county.webPort};
  CHECK(admin.get("/api/conflicts").status == 401);
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);
  JsonValue all = admin.get("/api/conflicts").json();
  REQUIRE(all["conflicts"].size() == 1);
  const JsonValue& conflict = all["conflicts"][0];
  CHECK(conflict["kind"].str == "deputy");
  CHECK(conflict["label"].str == "赵六");
  CHECK(conflict["field"].str == "post");
  CHECK(conflict["fieldLabel"].str == "单位及职务");
  REQUIRE(conflict["values"].size() == 2);
  std::vector<std::string> values = namesOf(conflict["values"], "value");
  CHECK(contains(values, "村主任"));
  CHECK(contains(values, "村支书"));
  std::vector<std::string> authors = namesOf(conflict["values"], "nodeName");
  CHECK(contains(authors, "县人大常委会办公室"));
  CHECK(authors[0] != authors[1]);
  CHECK(!conflict["values"][0]["at"].str.empty());
  // The record shows the same conflict.
  CHECK(admin.get("/api/records/deputy/" + deputy.substr(0, 10)).json()["conflicts"].size() == 1);

  const JsonValue* withdrawal = findByKey(all["notApplied"], "action", "withdraw");
  REQUIRE(withdrawal);
  CHECK((*withdrawal)["kind"].str == "suggestion");
  CHECK((*withdrawal)["id"].str == sid);
  CHECK((*withdrawal)["actionLabel"].str == "撤回");
  CHECK_THAT((*withdrawal)["reason"].str, Catch::Contains("已先被登记"));  // in the page's words
  CHECK((*withdrawal)["nodeName"].str != "县人大常委会办公室");
  CHECK(all.has("forks"));

  HttpReply resolved = admin.send("PUT", "/api/records/deputy/" + enc("赵六"),
                                  "{\"post\":\"村支书\"}");
  CHECK(resolved.status == 200);
  JsonValue after = admin.get("/api/conflicts").json();
  CHECK(after["conflicts"].size() == 0);
  CHECK(after["notApplied"].size() == all["notApplied"].size());
  CHECK(admin.get("/api/records/deputy/" + enc("赵六")).json()["fields"]["post"].str == "村支书");
}

TEST_CASE(
    "Web API: record lists filter on a reference field, and a write shows in the next "
    "list and suggestion list at once",
    "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "文书", "clerk", kClerkPassword).code == 0);
  std::string zs = h.add("county", "deputy", {"--name", "张三"});
  std::string ls = h.add("county", "deputy", {"--name", "李四"});
  h.add("county", "duty", {"--deputy", zs.substr(0, 8), "--type", "视察", "--date", "2026-03-01"});
  h.add("county", "duty", {"--deputy", ls.substr(0, 8), "--type", "调研", "--date", "2026-03-02"});
  h.add("county", "duty", {"--deputy", ls.substr(0, 8), "--type", "视察", "--date", "2026-03-03"});
  WebNode county(h, "county");
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);

  CHECK(clerk.get("/api/records/duty").json()["total"].number == 3);
  JsonValue his = clerk.get("/api/records/duty?deputy=" + enc("李四")).json();
  CHECK(his["total"].number == 2);
  for (size_t i = 0; i < his["records"].size(); ++i)
    CHECK(his["records"][i]["fields"]["deputy"].str == ls);
  CHECK(clerk.get("/api/records/duty?deputy=" + zs).json()["total"].number == 1);
  CHECK(
      clerk.get("/api/records/duty?deputy=" + zs + "&type=" + enc("调研")).json()["total"].number ==
      1);  // not a reference field: not a filter
  CHECK(clerk.get("/api/records/duty?deputy=" + enc("没有的人")).status == 404);

  // Written through the API and through the CLI while the server runs: the
  // next list shows it, though the one before was answered from memory.
  CHECK(clerk.get("/api/suggestions?cohort=all").json()["total"].number == 0);
  REQUIRE(clerk
              .send("POST", "/api/records/duty",
                    "{\"deputy\":\"张三\",\"type\":\"走访联系选民\",\"date\":\"2026-03-04\"}")
              .status == 201);
  JsonValue now = clerk.get("/api/records/duty?deputy=" + zs).json();
  CHECK(now["total"].number == 2);
  CHECK(now["records"][0]["fields"]["type"].str == "走访联系选民");  // the latest first
  h.add("county", "suggestion",
        {"--title", "关于增设路灯的建议", "--lead", zs.substr(0, 8), "--category", "城建环资"});
  JsonValue list = clerk.get("/api/suggestions?cohort=all").json();
  REQUIRE(list["total"].number == 1);
  CHECK(list["suggestions"][0]["title"].str == "关于增设路灯的建议");
  CHECK(clerk.get("/api/records/suggestion?lead=" + enc("张三")).json()["total"].number == 1);
  REQUIRE(clerk.send("PUT", "/api/records/deputy/" + zs, "{\"name\":\"张三丰\"}").status == 200);
  CHECK(clerk.get("/api/suggestions?cohort=all").json()["suggestions"][0]["leadName"].str ==
        "张三丰");
}


TEST_CASE("Web API: names are kept as clerks mean them, spaces and invisible characters "
          "around them do not make a second unit, and a required name cannot be emptied",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "文书", "clerk", kClerkPassword).code == 0);
  WebNode county(h, "county");
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);
  HttpReply first = clerk.send("POST", "/api/records/unit", "{\"name\":\"县公安局\"}");
  REQUIRE(first.status == 201);
  std::string before = h.ok("county", {"digest"}).out;
  // A space, a full-width space, a zero-width space: the same unit to a reader.
  for (const char* again : {" 县公安局 ", "县公安局\u3000", "县公安\u200b局"}) {
    INFO(again);
    HttpReply r = clerk.send("POST", "/api/records/unit",
                             std::string("{\"name\":\"") + again + "\"}");
    CHECK(r.status == 403);
    CHECK(r.json()["code"].str == "refused");
  }
  // Only spaces is no name.
  CHECK(clerk.send("POST", "/api/records/unit", "{\"name\":\"   \"}").status == 400);
  CHECK(h.ok("county", {"digest"}).out == before);
  // A name given with spaces around it is stored without them.
  HttpReply second = clerk.send("POST", "/api/records/unit", "{\"name\":\" 县民政局　\"}");
  REQUIRE(second.status == 201);
  std::string id = second.json()["id"].str;
  CHECK(clerk.get("/api/records/unit/" + id).json()["fields"]["name"].str == "县民政局");
  // Renamed to the other unit's name, or emptied: refused, nothing written.
  before = h.ok("county", {"digest"}).out;
  CHECK(clerk.send("PUT", "/api/records/unit/" + id, "{\"name\":\"县公安局\"}").status == 403);
  CHECK(clerk.send("PUT", "/api/records/unit/" + id, "{\"name\":\"\"}").status == 400);
  CHECK(h.ok("county", {"digest"}).out == before);
  CHECK(clerk.send("PUT", "/api/records/unit/" + id, "{\"name\":\"县民政局（新）\"}").status == 200);
}

}  // namespace
}  // namespace renda::webtest
