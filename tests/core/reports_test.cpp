// SPDX-License-Identifier: Apache-2.0
// The county reports of domain.md §4.2 against a small county computed by hand:
// real Records folded from signed changes (suggestions through
// foldSuggestion), a session cohort and an inter-session year cohort that must
// never mix, township filters, and the deputy-centric tables for 2026. The
// expected strings below are worked out in the comments from the fixture.
#include "core/domain/reports.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/domain/report_index.h"
#include "core/domain/suggestion.h"
#include "core/record.h"
#include "tests/core/fixtures.h"

namespace renda::domain {
namespace {

using Row = std::vector<std::string>;

uint64_t day(const char* ymd) {
  auto d = parseDate(ymd);
  REQUIRE(d);
  return *d;
}

// 2026-06-20 10:00 China time (no REQUIRE here: this runs before Catch2 does).
const uint64_t kNow = parseDate("2026-06-20").value_or(0) + 10 * 3600 * 1000ull;

// A county (示范县) with two townships, built from signed changes.
class County {
 public:
  County() {
    auto member = [&](const test::Author& a, const char* town, Role role) {
      Membership m;
      m.subject = a.publicKey();
      m.township = town;
      m.role = role;
      members_[a.publicKey()] = m;
    };
    member(office_, "", Role::kCounty);
    member(chengguan_, "城关镇", Role::kTownship);
    member(dongfeng_, "东风乡", Role::kTownship);
  }

  test::Author& office() { return office_; }
  test::Author& chengguan() { return chengguan_; }
  test::Author& dongfeng() { return dongfeng_; }

  Record create(test::Author& a, RecordKind kind, std::string scope, std::vector<Field> fields,
                const char* created = "2026-01-01") {
    auto s = a.create(std::move(scope), std::move(fields), kind, Hlc::make(day(created), 0));
    return createRecord(s.change, s.id, true);
  }
  std::string add(std::vector<Record>& list, test::Author& a, RecordKind kind, std::string scope,
                  std::vector<Field> fields, const char* created = "2026-01-01") {
    list.push_back(create(a, kind, std::move(scope), std::move(fields), created));
    return toHex(list.back().id);
  }
  // A life-cycle event; `atMs` sets the change's clock (the event's time when
  // the fields carry no date).
  void event(Record& r, test::Author& a, const std::string& action, std::vector<Field> fields,
             uint64_t atMs = 0) {
    Change c =
        test::Author::updateOp(r.id, r.heads(), std::move(fields), atMs ? Hlc::make(atMs, 0) : 0);
    c.action = action;
    auto s = a.add(std::move(c));
    REQUIRE(applyUpdate(r, s.change, s.id, true));
  }
  SuggestionView fold(const Record& r, const Config& config) {
    SuggestionView v = foldSuggestion(r, config, [this](const PublicKey& k) -> const Membership* {
      auto it = members_.find(k);
      return it == members_.end() ? nullptr : &it->second;
    });
    for (const auto& e : v.events) {
      INFO(v.title << ": " << e.action << " — " << e.reason);
      REQUIRE(e.applied);
    }
    return v;
  }

 private:
  NetworkId net_ = test::networkFromByte(0x31);
  test::Author office_{0x41, net_}, chengguan_{0x42, net_}, dongfeng_{0x43, net_};
  std::map<PublicKey, Membership> members_;
};

// The fixture, in words (now = 2026-06-20; deadlines are explicit dates):
//   session 第十八届第二次会议 (S), items submitted 2026-01-10 during the session:
//   s1 张三/城关镇 → 交通局 lead, due 04-20, met 02-01, replied 04-20 15:00 (on the
//      deadline day) A, 满意 (process 满意), closed, key suggestion.
//   s2 李四/城关镇 → 交通局 lead + 财政局 assisting, due 04-20; 财政局's opinion 03-01,
//      交通局 replies 05-10 B (late), 不满意 (process 基本满意), re-handled, due 06-30.
//   s3 王五/东风乡, written at the county node → 财政局, due 04-20, extended to 05-31,
//      replied 05-25 C (on time after the extension), 基本满意, closed.
//   s4 王五/东风乡 → 水利局, due 04-20, met 03-01, no reply (61 days overdue).
//   s5 张三 withdrawn before registration; s6 李四 registered, not assigned.
//   inter-session 2026 (submittedIn 闭会期间, s7 still naming S):
//   s7 张三 → 交通局, due 06-05, replied 06-01 A, 满意.
//   s8 王五 → 财政局, due 07-01, no reply (11 days left).
//   s9 东风乡's own township-level item (scheme 甲乙丙) → 东风乡政府办, replied 甲, 满意, closed.
class Fixture {
 public:
  Fixture() {
    Dataset& d = data;
    auto& o = c.office();
    auto& cg = c.chengguan();
    auto& df = c.dongfeng();
    session = c.add(d.sessions, o, RecordKind::kSession, "", {{"name", "第十八届第二次会议"}});
    c.add(d.terms, o, RecordKind::kTerm, "",
          {{"name", "第十八届"}, {"startDate", "2023-01-01"}, {"endDate", "2027-12-31"}});
    zhang = c.add(d.deputies, cg, RecordKind::kDeputy, "城关镇",
                  {{"name", "张三"}, {"level", "乡镇级"}});
    li = c.add(d.deputies, cg, RecordKind::kDeputy, "城关镇",
               {{"name", "李四"}, {"level", "乡镇级"}});
    wang =
        c.add(d.deputies, df, RecordKind::kDeputy, "东风乡", {{"name", "王五"}, {"level", "县级"}});
    zhao = c.add(d.deputies, df, RecordKind::kDeputy, "东风乡",
                 {{"name", "赵六"}, {"level", "乡镇级"}, {"status", "终止"}});
    traffic = c.add(d.units, o, RecordKind::kHandlingUnit, "", {{"name", "交通局"}});
    finance = c.add(d.units, o, RecordKind::kHandlingUnit, "", {{"name", "财政局"}});
    water = c.add(d.units, o, RecordKind::kHandlingUnit, "", {{"name", "水利局"}});
    townOffice =
        c.add(d.units, df, RecordKind::kHandlingUnit, "东风乡", {{"name", "东风乡政府办"}});
    Record settings = c.create(df, RecordKind::kSettings, "东风乡", {{"outcomeScheme", "甲乙丙"}});
    d.townshipConfigs.emplace("东风乡", Config::fromRecord(settings));

    auto sessionItem = [&](test::Author& a, const std::string& scope, const std::string& lead,
                           const char* title) {
      Record r = c.create(a, RecordKind::kSuggestion, scope,
                          {{"title", title},
                           {"lead", lead},
                           {"category", "农业农村"},
                           {"session", session},
                           {"submittedIn", "大会期间"}});
      c.event(r, a, "submit", {{"date", "2026-01-10"}});
      return r;
    };
    auto registerAs = [&](Record& r, const char* number) {
      c.event(r, o, "register", {{"number", number}, {"date", "2026-01-15"}});
    };
    auto assign = [&](Record& r, const std::string& unit, const char* role, const char* due,
                      const char* when = "2026-01-20") {
      c.event(r, o, "assign", {{"unit", unit}, {"role", role}, {"deadline", due}, {"date", when}});
    };
    auto accept = [&](Record& r, const std::string& unit, const char* when = "2026-01-22") {
      c.event(r, o, "accept", {{"unit", unit}, {"date", when}});
    };

    Record s1 = sessionItem(cg, "城关镇", zhang, "关于修缮城关镇村道的建议");
    c.event(s1, cg, "cosign", {{"deputy", li}, {"date", "2026-01-10"}});
    c.event(s1, cg, "cosign", {{"deputy", wang}, {"agreed", "no"}, {"date", "2026-01-10"}});
    registerAs(s1, "S-001");
    c.event(s1, o, "markKey", {{"leader", "王主任"}, {"date", "2026-01-16"}});
    assign(s1, traffic, "lead", "2026-04-20");
    accept(s1, traffic);
    c.event(s1, o, "meet", {{"unit", traffic}, {"date", "2026-02-01"}});
    // No date field: the reply's time is its clock, 15:00 on the deadline day.
    c.event(s1, o, "reply", {{"unit", traffic}, {"outcome", "A"}},
            day("2026-04-20") + 15 * 3600 * 1000ull);
    c.event(s1, cg, "evaluate", {{"result", "满意"}, {"process", "满意"}, {"date", "2026-04-25"}});
    c.event(s1, o, "close", {{"date", "2026-04-28"}});

    Record s2 = sessionItem(cg, "城关镇", li, "关于增设农村公交线路的建议");
    registerAs(s2, "S-002");
    assign(s2, traffic, "lead", "2026-04-20");
    assign(s2, finance, "assisting", "2026-04-20");
    accept(s2, traffic);
    accept(s2, finance);
    c.event(s2, o, "reply", {{"unit", finance}, {"text", "协办意见"}, {"date", "2026-03-01"}});
    c.event(s2, o, "reply", {{"unit", traffic}, {"outcome", "B"}, {"date", "2026-05-10"}});
    c.event(s2, cg, "evaluate",
            {{"result", "不满意"},
             {"process", "基本满意"},
             {"reason", "线路未落实"},
             {"date", "2026-05-15"}});
    c.event(s2, o, "rehandle", {{"deadline", "2026-06-30"}, {"date", "2026-06-01"}});

    Record s3 = sessionItem(o, "", wang, "关于东风乡灌渠改造的建议");
    c.event(s3, o, "cosign", {{"deputy", zhang}, {"date", "2026-01-10"}});
    registerAs(s3, "S-003");
    assign(s3, finance, "lead", "2026-04-20");
    accept(s3, finance);
    c.event(s3, o, "extend", {{"deadline", "2026-05-31"}, {"date", "2026-04-10"}});
    c.event(s3, o, "reply", {{"unit", finance}, {"outcome", "C"}, {"date", "2026-05-25"}});
    c.event(s3, o, "evaluate", {{"result", "基本满意"}, {"date", "2026-05-28"}});
    c.event(s3, o, "close", {{"date", "2026-05-30"}});

    Record s4 = sessionItem(df, "东风乡", wang, "关于修复东风乡堤坝的建议");
    registerAs(s4, "S-004");
    assign(s4, water, "lead", "2026-04-20");
    accept(s4, water);
    c.event(s4, o, "meet", {{"unit", water}, {"date", "2026-03-01"}});

    Record s5 = sessionItem(cg, "城关镇", zhang, "关于撤回的建议");
    c.event(s5, cg, "withdraw", {{"date", "2026-01-12"}});

    Record s6 = sessionItem(cg, "城关镇", li, "关于尚未交办的建议");
    registerAs(s6, "S-006");

    Record s7 = c.create(cg, RecordKind::kSuggestion, "城关镇",
                         {{"title", "关于闭会期间的建议"},
                          {"lead", zhang},
                          {"session", session},
                          {"submittedIn", "闭会期间"}});
    c.event(s7, cg, "submit", {{"date", "2026-03-01"}});
    c.event(s7, o, "register", {{"number", "B-001"}, {"date", "2026-03-05"}});
    assign(s7, traffic, "lead", "2026-06-05", "2026-03-06");
    accept(s7, traffic, "2026-03-07");
    c.event(s7, o, "reply", {{"unit", traffic}, {"outcome", "A"}, {"date", "2026-06-01"}});
    c.event(s7, cg, "evaluate", {{"result", "满意"}, {"date", "2026-06-05"}});

    Record s8 =
        c.create(df, RecordKind::kSuggestion, "东风乡",
                 {{"title", "关于东风乡学校的建议"}, {"lead", wang}, {"submittedIn", "闭会期间"}});
    c.event(s8, df, "submit", {{"date", "2026-04-01"}});
    c.event(s8, o, "register", {{"number", "B-002"}, {"date", "2026-04-03"}});
    assign(s8, finance, "lead", "2026-07-01", "2026-04-04");
    accept(s8, finance, "2026-04-05");

    Record s9 = c.create(df, RecordKind::kSuggestion, "东风乡",
                         {{"title", "关于东风乡集市管理的建议"},
                          {"lead", wang},
                          {"level", "township"},
                          {"submittedIn", "闭会期间"}});
    c.event(s9, df, "submit", {{"date", "2026-04-10"}});
    c.event(s9, df, "register", {{"number", "DF-001"}, {"date", "2026-04-11"}});
    c.event(s9, df, "assign",
            {{"unit", townOffice}, {"deadline", "2026-07-15"}, {"date", "2026-04-12"}});
    c.event(s9, df, "accept", {{"unit", townOffice}, {"date", "2026-04-13"}});
    c.event(s9, df, "reply", {{"unit", townOffice}, {"outcome", "甲"}, {"date", "2026-05-01"}});
    c.event(s9, df, "evaluate", {{"result", "满意"}, {"date", "2026-05-03"}});
    c.event(s9, df, "close", {{"date", "2026-05-04"}});

    for (Record* r : {&s1, &s2, &s3, &s4, &s5, &s6, &s7, &s8})
      d.suggestions.push_back(c.fold(*r, d.config));
    d.suggestions.push_back(c.fold(s9, d.townshipConfigs.at("东风乡")));

    // Duty records, receptions, issues and report-backs.
    auto duty = [&](test::Author& a, const char* town, const std::string& dep, const char* type,
                    const char* date) {
      c.add(
          d.dutyRecords, a, RecordKind::kDutyRecord, town,
          {{"deputy", dep}, {"type", type}, {"date", date}, {"title", std::string(type) + "活动"}});
    };
    duty(cg, "城关镇", zhang, "视察", "2026-03-10");
    duty(cg, "城关镇", zhang, "调研", "2026-03-15");
    duty(cg, "城关镇", zhang, "视察", "2025-12-30");    // last year
    duty(cg, "城关镇", zhang, "旧类型", "2026-05-01");  // no longer configured → 其他
    duty(cg, "城关镇", li, "学习培训", "2026-05-20");
    duty(df, "东风乡", wang, "出席会议", "2026-01-10");
    duty(df, "东风乡", zhao, "视察", "2026-02-01");  // a former deputy
    std::string reception = c.add(d.receptions, cg, RecordKind::kReception, "城关镇",
                                  {{"deputies", zhang + "," + li},
                                   {"date", "2026-04-08"},
                                   {"visitors", "12"},
                                   {"title", "四月接待日"}});
    c.add(d.issues, cg, RecordKind::kConstituentIssue, "城关镇",
          {{"reception", reception},
           {"receivedDate", "2026-04-08"},
           {"route", "答复"},
           {"closedDate", "2026-04-12"}});
    c.add(d.issues, cg, RecordKind::kConstituentIssue, "城关镇",
          {{"deputy", zhang}, {"receivedDate", "2026-04-08"}, {"route", "转交乡镇"}});
    c.add(d.issues, df, RecordKind::kConstituentIssue, "东风乡",
          {{"deputy", wang},
           {"receivedDate", "2026-05-01"},
           {"route", "转交乡镇"},
           {"closedDate", "2026-05-11"}});
    c.add(d.reportBacks, cg, RecordKind::kReportBack, "城关镇",
          {{"deputy", zhang}, {"date", "2026-02-20"}, {"satisfaction", "95.00%"}});
    c.add(d.reportBacks, cg, RecordKind::kReportBack, "城关镇",
          {{"deputy", li}, {"date", "2022-06-01"}});  // the previous term
  }

  Table report(const std::string& name, std::string cohort = "", std::string township = "") {
    ReportQuery q{std::move(cohort), std::move(township), kNow, 0};
    auto t = computeReport(name, data, q);
    REQUIRE(t);
    return *t;
  }
  static const Row& find(const Table& t, const std::string& first) {
    for (const auto& r : t.rows)
      if (!r.empty() && r[0] == first) return r;
    FAIL("no row " << first << " in " << t.name);
    return t.rows.front();
  }

  County c;
  Dataset data;
  std::string session, zhang, li, wang, zhao, traffic, finance, water, townOffice;
};

TEST_CASE("Reports: percent rounds half up to two decimals", "[core][reports]") {
  CHECK(percent(2, 3) == "66.67%");
  CHECK(percent(1, 3) == "33.33%");
  CHECK(percent(86, 93) == "92.47%");
  CHECK(percent(1, 8) == "12.50%");
  CHECK(percent(7, 8) == "87.50%");
  CHECK(percent(1, 6) == "16.67%");
  CHECK(percent(3, 3) == "100.00%");
  CHECK(percent(0, 5) == "0.00%");
  CHECK(percent(0, 0) == "—");
  // Exact halves of a hundredth (the third decimal is 5, nothing after it):
  // every one rounds up, never down or to even.
  CHECK(percent(1, 32) == "3.13%");       // 3.125
  CHECK(percent(3, 32) == "9.38%");       // 9.375
  CHECK(percent(5, 32) == "15.63%");      // 15.625
  CHECK(percent(31, 32) == "96.88%");     // 96.875
  CHECK(percent(3, 96) == "3.13%");       // 3.125 (the fraction in lowest terms is 1/32)
  CHECK(percent(1, 160) == "0.63%");      // 0.625
  CHECK(percent(1, 20000) == "0.01%");    // 0.005
  CHECK(percent(199, 20000) == "1.00%");  // 0.995
  // Just below and just above a half.
  CHECK(percent(3124, 100000) == "3.12%");
  CHECK(percent(3126, 100000) == "3.13%");
}

TEST_CASE("Reports: the fast calendar helpers agree with parseDate and formatDate",
          "[core][reports]") {
  // Every day from 1970-01-02 (earlier dates clamp to 0 ms) to 2200, and odd strings.
  uint64_t first = *parseDate("1970-01-02"), last = *parseDate("2200-12-31");
  size_t days = 0;
  for (uint64_t ms = first; ms <= last; ms += kDayMs, ++days) {
    std::string text = formatDate(ms);
    REQUIRE(detail::dayText(ms) == text);
    REQUIRE(detail::dayText(ms + kDayMs - 1) == text);
    REQUIRE(detail::fastDate(text) == parseDate(text));
    REQUIRE(detail::ymdOf(ms).year == std::stoi(text.substr(0, 4)));
  }
  CHECK(days == 84370);
  for (const char* s : {"2026-02-29", "2024-02-29", "2100-02-29", "2000-02-29", "2026-04-31",
                        "2026-13-01", "2026-00-10", "1948-12-31", "1949-10-01", "2201-01-01",
                        "2026-1-5", "2026/01/05", "", "2026-01-05x", " 2026-01-05"}) {
    INFO(s);
    CHECK(detail::fastDate(s) == parseDate(s));
  }
}

TEST_CASE("Reports: an inter-session item is never in a session's cohort", "[core][reports]") {
  Fixture f;
  const auto& s = f.data.suggestions;
  CHECK(cohortOf(s[0]) == f.session);
  CHECK(cohortOf(s[6]) == "Y2026");  // names the session, but was submitted between sessions
  CHECK(cohortOf(s[7]) == "Y2026");
  CHECK(cohortName(f.data, f.session) == "第十八届第二次会议");
  CHECK(cohortName(f.data, "Y2026") == "2026年闭会期间");
  auto keys = cohorts(f.data);
  CHECK(std::set<std::string>(keys.begin(), keys.end()) ==
        std::set<std::string>{f.session, "Y2026"});
  CHECK(townshipOf(f.data, s[2]) == "东风乡");  // written at the county for 王五 of 东风乡
}

TEST_CASE("Reports: summary of a session cohort", "[core][reports]") {
  Fixture f;
  Table t = f.report("summary", f.session);
  CHECK(t.title == "代表建议办理情况汇总（第十八届第二次会议）");
  // N = s1 s2 s3 s4 s6 (s5 withdrawn before registration).
  CHECK(f.find(t, "登记建议数") == Row{"登记建议数", "5", "", ""});
  CHECK(f.find(t, "交办数") == Row{"交办数", "4", "", ""});
  CHECK(f.find(t, "重点建议数") == Row{"重点建议数", "1", "", ""});
  // Replied: s1 s2 s3 (s2's assisting opinion on 03-01 is not its reply).
  CHECK(f.find(t, "办复率") == Row{"办复率", "60.00%", "3", "5"});
  // In time: s1 (15:00 on its deadline day), s3 (after its extension); s2 was late.
  CHECK(f.find(t, "按期办结率") == Row{"按期办结率", "40.00%", "2", "5"});
  // Met before the reply: s1; s4 (no reply yet).
  CHECK(f.find(t, "见面率") == Row{"见面率", "40.00%", "2", "5"});
  // Rated by the lead: s1 满意, s2 不满意 (round 1; round 2 not yet rated), s3 基本满意.
  CHECK(f.find(t, "满意率（含基本满意）") == Row{"满意率（含基本满意）", "66.67%", "2", "3"});
  CHECK(f.find(t, "满意率（严格）") == Row{"满意率（严格）", "33.33%", "1", "3"});
  CHECK(f.find(t, "基本满意率") == Row{"基本满意率", "33.33%", "1", "3"});
  CHECK(f.find(t, "初次满意率") == Row{"初次满意率", "66.67%", "2", "3"});
  CHECK(f.find(t, "办理过程满意率") == Row{"办理过程满意率", "100.00%", "2", "2"});
  CHECK(f.find(t, "解决率（A类）") == Row{"解决率（A类）", "20.00%", "1", "5"});
  CHECK(f.find(t, "解决和正在解决率（A+B类）") ==
        Row{"解决和正在解决率（A+B类）", "40.00%", "2", "5"});
  CHECK(f.find(t, "不满意件") == Row{"不满意件", "1", "", ""});
  CHECK(f.find(t, "超期未答复") == Row{"超期未答复", "1", "", ""});          // s4
  CHECK(f.find(t, "临期（15天内）") == Row{"临期（15天内）", "1", "", ""});  // s2, due 06-30
}

TEST_CASE("Reports: summary of an inter-session year cohort", "[core][reports]") {
  Fixture f;
  Table t = f.report("summary", "Y2026");
  CHECK(t.title == "代表建议办理情况汇总（2026年闭会期间）");
  // N = s7 s8 s9; s9's 甲 maps to A under 东风乡's own scheme.
  CHECK(f.find(t, "登记建议数")[1] == "3");
  CHECK(f.find(t, "办复率") == Row{"办复率", "66.67%", "2", "3"});
  CHECK(f.find(t, "按期办结率") == Row{"按期办结率", "66.67%", "2", "3"});
  CHECK(f.find(t, "见面率") == Row{"见面率", "0.00%", "0", "3"});
  CHECK(f.find(t, "满意率（含基本满意）") == Row{"满意率（含基本满意）", "100.00%", "2", "2"});
  CHECK(f.find(t, "办理过程满意率") == Row{"办理过程满意率", "—", "0", "0"});
  CHECK(f.find(t, "解决率（A类）") == Row{"解决率（A类）", "66.67%", "2", "3"});
  CHECK(f.find(t, "超期未答复")[1] == "0");
  CHECK(f.find(t, "临期（15天内）")[1] == "1");  // s8, due 07-01

  Table all = f.report("summary");
  CHECK(all.title == "代表建议办理情况汇总（全部批次）");
  CHECK(f.find(all, "办复率") == Row{"办复率", "62.50%", "5", "8"});
}

TEST_CASE("Reports: a township filter counts items by the lead deputy's township",
          "[core][reports]") {
  Fixture f;
  Table cg = f.report("summary", f.session, "城关镇");
  CHECK(cg.title == "代表建议办理情况汇总（第十八届第二次会议）（城关镇）");
  CHECK(f.find(cg, "登记建议数")[1] == "3");  // s1 s2 s6
  CHECK(f.find(cg, "办复率") == Row{"办复率", "66.67%", "2", "3"});
  CHECK(f.find(cg, "按期办结率") == Row{"按期办结率", "33.33%", "1", "3"});
  CHECK(f.find(cg, "满意率（含基本满意）") == Row{"满意率（含基本满意）", "50.00%", "1", "2"});
  Table df = f.report("summary", f.session, "东风乡");
  CHECK(f.find(df, "登记建议数")[1] == "2");  // s3 (written at the county) and s4
  CHECK(f.find(df, "办复率") == Row{"办复率", "50.00%", "1", "2"});
  CHECK(f.find(df, "按期办结率") == Row{"按期办结率", "50.00%", "1", "2"});
  CHECK(f.find(df, "超期未答复")[1] == "1");
}

TEST_CASE("Reports: outcome distribution, units and the unsatisfied list", "[core][reports]") {
  Fixture f;
  Table o = f.report("outcomes", f.session);
  CHECK(o.rows == std::vector<Row>{{"A", "A", "1", "33.33%"},
                                   {"B", "B", "1", "33.33%"},
                                   {"C", "C", "1", "33.33%"},
                                   {"D", "D", "0", "0.00%"}});
  Table oy = f.report("outcomes", "Y2026");
  CHECK(f.find(oy, "A") == Row{"A", "A", "2", "100.00%"});

  // 交通局: lead on s1 and s2 (s2's round 2 counts once); replied both, s1 in time;
  // rated s1 满意 and s2 不满意. 财政局: lead on s3, assisting on s2 (its opinion in
  // time); only s3 is rated. 水利局: s4, nothing yet. Sorted by name. 办复率 and
  // 解决率 over every item the unit was given (交通局: 2 of 2 replied, 1 A).
  Table u = f.report("units", f.session);
  CHECK(u.rows == std::vector<Row>{{"交通局", "2", "0", "0", "2", "1", "2", "50.00%", "1", "1", "0",
                                    "0", "100.00%", "50.00%"},
                                   {"水利局", "1", "0", "0", "0", "0", "0", "—", "0", "0", "0", "0",
                                    "0.00%", "0.00%"},
                                   {"财政局", "1", "1", "0", "2", "2", "1", "100.00%", "0", "0",
                                    "1", "0", "100.00%", "0.00%"}});

  Table un = f.report("unsatisfied", f.session);
  CHECK(un.rows == std::vector<Row>{{"S-002", "关于增设农村公交线路的建议", "李四", "交通局", "1",
                                     "重新办理", "线路未落实"}});
}

TEST_CASE("Reports: overdue and near-deadline lists count calendar days", "[core][reports]") {
  Fixture f;
  Table o = f.report("overdue");
  CHECK(o.rows == std::vector<Row>{{"S-004", "关于修复东风乡堤坝的建议", "东风乡", "水利局",
                                    "2026-04-20", "61"}});
  Table n = f.report("nearDeadline");
  CHECK(n.rows ==
        std::vector<Row>{
            {"S-002", "关于增设农村公交线路的建议", "城关镇", "交通局", "2026-06-30", "10"},
            {"B-002", "关于东风乡学校的建议", "东风乡", "财政局", "2026-07-01", "11"}});
  // On its deadline day an item is not yet overdue.
  f.data.suggestions[3].deadlineMs = day("2026-06-20");
  ReportQuery q{"", "", kNow, 0};
  CHECK(computeReport("overdue", f.data, q)->rows.empty());
  CHECK(computeReport("nearDeadline", f.data, q)->rows.size() == 3);
}

TEST_CASE("Reports: the suggestion list", "[core][reports]") {
  Fixture f;
  Table t = f.report("suggestions", f.session);
  REQUIRE(t.rows.size() == 6);  // registered by number, then the withdrawn s5
  CHECK(t.rows[0] == Row{"S-001", "关于修缮城关镇村道的建议", "张三", "城关镇", "农业农村", "办结",
                         "交通局", "2026-04-20", "A", "满意"});
  CHECK(t.rows[1] == Row{"S-002", "关于增设农村公交线路的建议", "李四", "城关镇", "农业农村",
                         "重新办理", "交通局", "2026-06-30", "B", "不满意"});
  CHECK(t.rows[4][0] == "S-006");
  CHECK(t.rows[5] ==
        Row{"", "关于撤回的建议", "张三", "城关镇", "农业农村", "已撤回", "", "", "", ""});
  Table y = f.report("suggestions", "Y2026");
  CHECK(f.find(y, "DF-001") == Row{"DF-001", "关于东风乡集市管理的建议", "王五", "东风乡", "",
                                   "办结", "东风乡政府办", "2026-07-15", "甲（A）", "满意"});
}

TEST_CASE("Reports: per-township table", "[core][reports]") {
  Fixture f;
  // Deputies in office; suggestions by lead township (incl. self-handled); 2026 records.
  Table t = f.report("townships");
  CHECK(t.title == "2026年各乡镇汇总（全部批次）");
  CHECK(t.rows == std::vector<Row>{{"东风乡", "1", "4", "2", "50.00%", "2", "0", "1", "1"},
                                   {"城关镇", "2", "4", "1", "25.00%", "4", "1", "2", "1"}});
  Table s = f.report("townships", f.session, "城关镇");
  CHECK(s.rows == std::vector<Row>{{"城关镇", "2", "3", "1", "33.33%", "4", "1", "2", "1"}});
}

TEST_CASE("Reports: the per-deputy yearly archive", "[core][reports]") {
  Fixture f;
  Table t = f.report("archive");
  CHECK(t.title == "2026年代表履职档案");
  REQUIRE(t.columns.size() == 3 + 13 + 9);
  // Ordered by township, then name: 东风乡 王五 赵六, 城关镇 张三 李四.
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0][0] == "王五");
  CHECK(t.rows[1][0] == "赵六");
  // 张三: 视察 1 (the 2025 one is last year's), 调研 1, 其他 1 (an unconfigured type);
  // led s1 s7 (s5 withdrawn), co-signed s3; reception with 12 visitors; issues: one
  // through the reception (closed), one directly; one report-back scored 95.00%.
  CHECK(t.rows[2] == Row{"张三", "城关镇", "乡镇级", "0", "0", "1",      "1", "0", "0",
                         "0",    "0",      "0",      "0", "0", "0",      "1", "2", "1",
                         "1",    "12",     "2",      "1", "1", "95.00%", "8"});
  // 李四: 学习培训 1; led s2 s6; co-signed s1; the reception; its issue; the 2022
  // report-back is another year.
  CHECK(t.rows[3] == Row{"李四", "城关镇", "乡镇级", "0", "0", "0", "0", "0", "0",
                         "0",    "0",      "1",      "0", "0", "0", "0", "2", "1",
                         "1",    "12",     "1",      "1", "0", "",  "5"});
  ReportQuery q{"", "城关镇", kNow, 2025};
  auto last = computeReport("archive", f.data, q);
  REQUIRE(last);
  CHECK(last->rows.size() == 2);
  CHECK(last->rows[0][5] == "1");  // 张三's 2025 视察
  CHECK(last->rows[0].back() == "1");
}

TEST_CASE("Reports: one archive per deputy matches the archive table", "[core][reports]") {
  Fixture f;
  Table t = f.report("archive");
  ReportQuery q{"", "", kNow, 0};
  auto all = deputyArchives(f.data, q);
  REQUIRE(all.size() == t.rows.size());
  for (size_t i = 0; i < all.size(); ++i) {
    REQUIRE(all[i].summary.rows.size() == t.columns.size());
    for (size_t c = 0; c < t.columns.size(); ++c)
      CHECK(all[i].summary.rows[c] == Row{t.columns[c], t.rows[i][c]});
  }
  const DeputyArchive& zhang = all[2];
  CHECK(zhang.name == "张三");
  CHECK(zhang.deputyId == f.zhang);
  REQUIRE(zhang.suggestions.rows.size() == 3);  // led s1 and s7, co-signed s3
  CHECK(zhang.suggestions.rows[0][0] == "领衔");
  CHECK(zhang.suggestions.rows[0][1] == "B-001");
  CHECK(zhang.suggestions.rows[1][1] == "S-001");
  CHECK(zhang.suggestions.rows[2] == Row{"附议", "S-003", "关于东风乡灌渠改造的建议", "王五",
                                         "东风乡", "农业农村", "办结", "财政局", "2026-05-31", "C",
                                         "基本满意"});
  // 2026 activities by date: report-back 02-20, 视察 03-10, 调研 03-15, reception 04-08, 旧类型
  // 05-01.
  REQUIRE(zhang.activities.rows.size() == 5);
  CHECK(zhang.activities.rows[0] == Row{"2026-02-20", "述职", "", "测评满意率95.00%"});
  CHECK(zhang.activities.rows[1] == Row{"2026-03-10", "视察", "视察活动", ""});
  CHECK(zhang.activities.rows[3] == Row{"2026-04-08", "进站接待", "四月接待日", "接待群众12人次"});
  CHECK(zhang.activities.rows[4][1] == "旧类型");
  ReportQuery town{"", "东风乡", kNow, 0};
  CHECK(deputyArchives(f.data, town).size() == 2);
}

TEST_CASE("Reports: monthly activity counts deputies in office", "[core][reports]") {
  Fixture f;
  Table t = f.report("activity");
  REQUIRE(t.rows.size() == 12);
  // Jan: the session items (张三 李四 王五) and 王五's meeting; Feb: 张三's report-back
  // (赵六 has left office); Mar: 张三; Apr: the reception (张三 李四), 王五's s8 s9;
  // May: 张三 李四; Jun: nobody.
  CHECK(t.rows[0] == Row{"2026-01", "3", "3", "100.00%"});
  CHECK(t.rows[1] == Row{"2026-02", "1", "3", "33.33%"});
  CHECK(t.rows[2] == Row{"2026-03", "1", "3", "33.33%"});
  CHECK(t.rows[3] == Row{"2026-04", "3", "3", "100.00%"});
  CHECK(t.rows[4] == Row{"2026-05", "2", "3", "66.67%"});
  CHECK(t.rows[5] == Row{"2026-06", "0", "3", "0.00%"});
  Table cg = f.report("activity", "", "城关镇");
  CHECK(cg.rows[4] == Row{"2026-05", "2", "2", "100.00%"});
}

TEST_CASE("Reports: report-back rate covers the current term only", "[core][reports]") {
  Fixture f;
  Table t = f.report("reportBack");
  CHECK(t.rows == std::vector<Row>{{"东风乡", "1", "0", "0.00%"},
                                   {"城关镇", "2", "1", "50.00%"},
                                   {"合计", "3", "1", "33.33%"}});
  f.data.terms.clear();  // no term on record: every report-back counts
  CHECK(f.report("reportBack").rows.back() == Row{"合计", "3", "2", "66.67%"});
}

// Regression: the rate took one window for every deputy — the term that began
// last, whichever congress it belonged to — so when a township's congress was
// elected later than the county's (a township formed by a merger), every other
// deputy's report-back before that date was dropped, and the note named that
// township's term for the whole county. Found by the demo county
// (tests/app/demo_county_test.cpp, 龙泉镇 formed in 2024).
TEST_CASE("Reports: 述职率 holds each deputy to the term of their own mandates",
          "[core][reports][regression]") {
  Fixture f;
  Dataset& d = f.data;
  auto& o = f.c.office();
  auto& cg = f.c.chengguan();
  d.terms.clear();
  std::string county = f.c.add(d.terms, o, RecordKind::kTerm, "",
                               {{"name", "县第十八届"},
                                {"level", "县级"},
                                {"startDate", "2021-12-28"},
                                {"endDate", "2026-12-27"}});
  std::string merged = f.c.add(d.terms, cg, RecordKind::kTerm, "城关镇",
                               {{"name", "城关镇第一届"},
                                {"level", "乡镇级"},
                                {"startDate", "2024-03-18"},
                                {"endDate", "2026-12-27"}});
  // 张三 (county mandate) and 李四 (township mandate) both reported in 2023;
  // 王五 (东风乡, no mandate on record) too.
  f.c.add(d.mandates, cg, RecordKind::kMandate, "城关镇",
          {{"deputy", f.zhang}, {"level", "县级"}, {"term", county}});
  f.c.add(d.mandates, cg, RecordKind::kMandate, "城关镇",
          {{"deputy", f.li}, {"level", "乡镇级"}, {"term", merged}});
  d.reportBacks.clear();
  for (const std::string& who : {f.zhang, f.li, f.wang})
    f.c.add(d.reportBacks, cg, RecordKind::kReportBack, "城关镇",
            {{"deputy", who}, {"date", "2023-05-01"}});
  d.index();
  Table t = f.report("reportBack");
  // 张三: within the county's term. 李四: before his congress's term began.
  // 王五: no mandate, so the latest term begun by now (城关镇第一届, from 2024).
  CHECK(t.rows == std::vector<Row>{{"东风乡", "1", "0", "0.00%"},
                                   {"城关镇", "2", "1", "50.00%"},
                                   {"合计", "3", "1", "33.33%"}});
  REQUIRE(t.notes.size() == 2);
  CHECK(t.notes[0].find("代表资格所在届次") != std::string::npos);
  CHECK(t.notes[1].find("城关镇第一届") != std::string::npos);
  // 李四 reporting back within his own term counts.
  f.c.add(d.reportBacks, cg, RecordKind::kReportBack, "城关镇",
          {{"deputy", f.li}, {"date", "2024-06-01"}});
  d.index();
  CHECK(f.report("reportBack").rows.back() == Row{"合计", "3", "2", "66.67%"});
}

TEST_CASE("Reports: constituent issues by route with cycle time", "[core][reports]") {
  Fixture f;
  Table t = f.report("issues");
  CHECK(t.rows == std::vector<Row>{{"答复", "1", "1", "100.00%", "4.0"},
                                   {"转交乡镇", "2", "1", "50.00%", "10.0"},
                                   {"合计", "3", "2", "66.67%", "7.0"}});
  Table cg = f.report("issues", "", "城关镇");
  CHECK(cg.rows == std::vector<Row>{{"答复", "1", "1", "100.00%", "4.0"},
                                    {"转交乡镇", "1", "0", "0.00%", "—"},
                                    {"合计", "2", "1", "50.00%", "4.0"}});
}

TEST_CASE("Reports: every listed report computes and an unknown one is NotFound",
          "[core][reports]") {
  Fixture f;
  for (const auto& [name, what] : reportNames()) {
    INFO(name);
    auto t = computeReport(name, f.data, ReportQuery{"", "", kNow, 0});
    REQUIRE(t);
    CHECK(t->name == name);
    for (const auto& r : t->rows) CHECK(r.size() == t->columns.size());
  }
  auto bad = computeReport("nosuch", f.data, ReportQuery{});
  REQUIRE_FALSE(bad);
  CHECK(bad.status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace renda::domain
