// SPDX-License-Identifier: Apache-2.0
// Every percentage a report prints, at an exact half: datasets of 32 items (or
// 64, for a total over two rows) where the rate is k/32 with k odd, so its
// third decimal is exactly 5. Each must round up (1/32 = 3.125% -> "3.13%"),
// whichever report computes it. The suggestion views are written directly, not
// folded: only the counts matter here (reports_test.cpp folds real records).
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/domain/reports.h"
#include "core/record.h"
#include "tests/core/fixtures.h"

namespace renda::domain {
namespace {

uint64_t day(const char* ymd) {
  auto d = parseDate(ymd);
  REQUIRE(d);
  return *d;
}

constexpr int kItems = 32;

// A record with a made-up id (no signature: reports read fields only).
Record makeRecord(RecordKind kind, const std::string& scope, std::vector<Field> fields,
                  uint32_t serial) {
  Change c = test::Author::createOp(scope, std::move(fields), kind,
                                    Hlc::make(parseDate("2026-01-01").value_or(0), 0));
  ChangeId id;
  id.bytes.fill(static_cast<unsigned char>(kind));
  std::memcpy(id.bytes.data(), &serial, sizeof serial);
  return createRecord(c, id, true);
}

// kItems registered suggestions of one session, township 城关镇, each
// assigned to one lead unit and due 04-20; `shape` then sets item i.
Dataset suggestions(const std::function<void(int, SuggestionView&)>& shape) {
  Dataset d;
  d.units.push_back(makeRecord(RecordKind::kHandlingUnit, "", {{"name", "交通局"}}, 1));
  std::string unit = toHex(d.units[0].id);
  for (int i = 0; i < kItems; ++i) {
    SuggestionView s;
    s.id = test::idFromByte(static_cast<unsigned char>(i + 1));
    s.scope = "城关镇";
    s.level = "county";
    s.kind = "suggestion";
    s.title = "item " + std::to_string(i);
    s.number = std::to_string(100 + i);
    s.session = "S";
    s.submittedIn = "大会期间";
    s.state = SuggestionState::kAssigned;
    s.createdMs = s.submittedMs = day("2026-01-10");
    s.registeredMs = s.assignedMs = s.roundStartMs = day("2026-01-12");
    s.deadlineMs = s.round1DeadlineMs = day("2026-04-20");
    UnitState u;
    u.unit = unit;
    u.role = "lead";
    u.assignedMs = s.assignedMs;
    u.accepted = true;
    s.units.push_back(u);
    shape(i, s);
    d.suggestions.push_back(std::move(s));
  }
  d.index();
  return d;
}

// Item i replied at `atMs` with outcome `code` (A/B/C/D).
void reply(SuggestionView& s, uint64_t atMs, const std::string& code = "") {
  ReplyInfo r;
  r.unit = s.units[0].unit;
  r.outcome = code;
  r.atMs = atMs;
  s.replies.push_back(r);
  s.units[0].reply = r;
  s.firstReplyMs = s.lastReplyMs = atMs;
  s.state = SuggestionState::kReplied;
}

// The lead deputy's round-1 rating.
void rate(SuggestionView& s, const std::string& result, const std::string& process) {
  EvaluationInfo e;
  e.raterRole = "lead";
  e.result = result;
  e.process = process;
  e.atMs = s.firstReplyMs + kDayMs;
  s.evaluations.push_back(e);
  s.state = SuggestionState::kEvaluated;
}

Table report(const char* name, const Dataset& d) {
  ReportQuery q;
  q.nowMs = day("2026-06-20");
  q.year = 2026;
  auto t = computeReport(name, d, q);
  REQUIRE(t);
  return *t;
}

// The cell in column `col` of the row whose first cell is `first`.
std::string cell(const Table& t, const std::string& first, size_t col) {
  for (const auto& r : t.rows)
    if (!r.empty() && r[0] == first) return r.at(col);
  FAIL("no row " << first << " in " << t.name);
  return "";
}

TEST_CASE("Report rounding: summary rates over registered items round halves up",
          "[core][reports]") {
  // 31 of 32 replied, 29 of them on time, 1 met before its reply.
  Dataset d = suggestions([](int i, SuggestionView& s) {
    if (i < 31) reply(s, day(i < 29 ? "2026-04-20" : "2026-04-21"));
    if (i == 0) s.units[0].metMs = day("2026-02-01");
  });
  Table t = report("summary", d);
  CHECK(cell(t, "办复率", 1) == "96.88%");      // 31/32 = 96.875%
  CHECK(cell(t, "按期办结率", 1) == "90.63%");  // 29/32 = 90.625%
  CHECK(cell(t, "见面率", 1) == "3.13%");       // 1/32 = 3.125%
  CHECK(cell(t, "见面率", 2) == "1");
  CHECK(cell(t, "见面率", 3) == "32");
}

TEST_CASE("Report rounding: satisfaction rates round halves up", "[core][reports]") {
  SECTION("1 satisfied, 2 basic, 29 not; process rated well by 5") {
    Dataset d = suggestions([](int i, SuggestionView& s) {
      reply(s, day("2026-04-01"), "A");
      const char* result = i == 0 ? "satisfied" : i < 3 ? "basic" : "unsatisfied";
      rate(s, result, i < 5 ? "basic" : "unsatisfied");
    });
    Table t = report("summary", d);
    CHECK(cell(t, "满意率（含基本满意）", 1) == "9.38%");  // 3/32 = 9.375%
    CHECK(cell(t, "满意率（严格）", 1) == "3.13%");        // 1/32
    CHECK(cell(t, "初次满意率", 1) == "9.38%");            // 3/32
    CHECK(cell(t, "办理过程满意率", 1) == "15.63%");       // 5/32 = 15.625%
    Table u = report("units", d);
    CHECK(cell(u, "交通局", 6) == "32");
    CHECK(cell(u, "交通局", 7) == "9.38%");  // 3 of 32 rated not unsatisfied
  }
  SECTION("1 basic, 31 not") {
    Dataset d = suggestions([](int i, SuggestionView& s) {
      reply(s, day("2026-04-01"), "A");
      rate(s, i == 0 ? "basic" : "unsatisfied", "");
    });
    Table t = report("summary", d);
    CHECK(cell(t, "基本满意率", 1) == "3.13%");
    CHECK(cell(t, "满意率（含基本满意）", 1) == "3.13%");
    CHECK(cell(t, "办理过程满意率", 1) == "—");
    CHECK(cell(report("units", d), "交通局", 7) == "3.13%");
  }
}

TEST_CASE("Report rounding: outcome class shares and solved rates round halves up",
          "[core][reports]") {
  SECTION("A 1, B 3, C 5, D 23") {
    Dataset d = suggestions([](int i, SuggestionView& s) {
      reply(s, day("2026-04-01"), i < 1 ? "A" : i < 4 ? "B" : i < 9 ? "C" : "D");
    });
    Table t = report("outcomes", d);
    CHECK(cell(t, "A", 3) == "3.13%");
    CHECK(cell(t, "B", 3) == "9.38%");
    CHECK(cell(t, "C", 3) == "15.63%");
    CHECK(cell(t, "D", 3) == "71.88%");  // 23/32 = 71.875%
    CHECK(cell(report("summary", d), "解决率（A类）", 1) == "3.13%");
  }
  SECTION("A 1, B 2, C 29") {
    Dataset d = suggestions([](int i, SuggestionView& s) {
      reply(s, day("2026-04-01"), i < 1 ? "A" : i < 3 ? "B" : "C");
    });
    CHECK(cell(report("summary", d), "解决和正在解决率（A+B类）", 1) == "9.38%");
  }
}

TEST_CASE("Report rounding: the townships table's closing rate rounds halves up",
          "[core][reports]") {
  Dataset d = suggestions([](int i, SuggestionView& s) {
    reply(s, day("2026-04-01"), "A");
    if (i == 0) s.state = SuggestionState::kClosed;
  });
  Table t = report("townships", d);
  CHECK(cell(t, "城关镇", 2) == "32");
  CHECK(cell(t, "城关镇", 4) == "3.13%");
}

// 32 serving deputies of 城关镇 and 32 of 东风乡 (record serials 1..64).
Dataset deputies() {
  Dataset d;
  for (uint32_t i = 0; i < 2 * kItems; ++i)
    d.deputies.push_back(makeRecord(RecordKind::kDeputy, i < kItems ? "城关镇" : "东风乡",
                                    {{"name", "代表" + std::to_string(i)}, {"level", "乡镇级"}},
                                    i + 1));
  return d;
}

TEST_CASE("Report rounding: monthly activity rounds halves up", "[core][reports]") {
  Dataset d = deputies();
  auto duty = [&](uint32_t dep, const char* date) {
    d.dutyRecords.push_back(
        makeRecord(RecordKind::kDutyRecord, d.deputies[dep].scope,
                   {{"deputy", toHex(d.deputies[dep].id)}, {"type", "视察"}, {"date", date}},
                   static_cast<uint32_t>(d.dutyRecords.size() + 1)));
  };
  // March: deputy 0 of 城关镇 and deputy 32 of 东风乡. May: six deputies, one
  // of them twice.
  duty(0, "2026-03-05");
  duty(32, "2026-03-06");
  for (uint32_t dep : {1u, 2u, 3u, 40u, 41u, 42u}) duty(dep, "2026-05-06");
  duty(1, "2026-05-07");
  d.index();
  Table t = report("activity", d);
  CHECK(cell(t, "2026-03", 1) == "2");
  CHECK(cell(t, "2026-03", 2) == "64");
  CHECK(cell(t, "2026-03", 3) == "3.13%");  // 2/64 = 3.125%
  CHECK(cell(t, "2026-05", 3) == "9.38%");  // 6/64 = 9.375%
  ReportQuery q;
  q.nowMs = day("2026-06-20");
  q.year = 2026;
  q.township = "城关镇";
  auto town = computeReport("activity", d, q);
  REQUIRE(town);
  CHECK(cell(*town, "2026-03", 3) == "3.13%");  // 1/32
  CHECK(cell(*town, "2026-05", 3) == "9.38%");  // 3/32
}

TEST_CASE("Report rounding: report-back rates, per township and in total, round halves up",
          "[core][reports]") {
  Dataset d = deputies();
  // 1 of 城关镇's 32 and 5 of 东风乡's 32: 6 of 64 in all.
  for (uint32_t dep : {0u, 32u, 33u, 34u, 35u, 36u})
    d.reportBacks.push_back(
        makeRecord(RecordKind::kReportBack, d.deputies[dep].scope,
                   {{"deputy", toHex(d.deputies[dep].id)}, {"date", "2026-03-01"}}, dep + 1));
  d.index();
  Table t = report("reportBack", d);
  CHECK(cell(t, "城关镇", 3) == "3.13%");   // 1/32
  CHECK(cell(t, "东风乡", 3) == "15.63%");  // 5/32
  CHECK(cell(t, "合计", 3) == "9.38%");     // 6/64 = 9.375%
}

TEST_CASE("Report rounding: issue closing rates, per route and in total, round halves up",
          "[core][reports]") {
  Dataset d;
  // 32 referred (1 closed) and 32 answered on the spot (5 closed).
  for (uint32_t i = 0; i < 2 * kItems; ++i) {
    bool referred = i < kItems;
    uint32_t k = referred ? i : i - kItems;
    std::vector<Field> f = {{"route", referred ? "转交" : "当场答复"},
                            {"receivedDate", "2026-03-01"}};
    if ((referred && k < 1) || (!referred && k < 5)) f.push_back({"closedDate", "2026-03-05"});
    d.issues.push_back(makeRecord(RecordKind::kConstituentIssue, "城关镇", std::move(f), i + 1));
  }
  d.index();
  Table t = report("issues", d);
  CHECK(cell(t, "转交", 3) == "3.13%");
  CHECK(cell(t, "当场答复", 3) == "15.63%");
  CHECK(cell(t, "合计", 3) == "9.38%");
}

}  // namespace
}  // namespace renda::domain
