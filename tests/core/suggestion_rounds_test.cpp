// SPDX-License-Identifier: Apache-2.0
// Known life-cycle gaps of the suggestion fold, closed (domain.md §3.2–3.5,
// §4.2): carry-over opens a new round the deputy rates again, while a late
// rating of an old round reopens nothing; extension limits count per handling
// round; the office may keep an assignment a unit returned (维持交办); reply
// outcome codes are checked by the fold; overdue and near-deadline follow the
// reports' calendar-day rule; the first reply is the lead unit's. Each with
// the allowed path, the refused path and its reason, and where two offices or
// nodes race, both arrival orders folding the same.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/domain/reports.h"
#include "tests/core/suggestion_fixtures.h"

namespace renda::domain {
namespace {

using namespace testing;  // NOLINT: the fixtures of suggestion_fixtures.h

// --- (a) a new round is rated again; an old round's rating reopens nothing ----------

TEST_CASE("Suggestion rounds: carry-over opens a new round that the lead deputy rates again",
          "[core][suggestion][rounds]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReplied);
  s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"rater", "deputyA"}});
  s.must(Who::kCounty, "close");
  SuggestionView closed = s.view();
  REQUIRE(closed.round == 1);
  EventInfo co = s.act(Who::kCounty, "carryOver", {{"years", "2"}});
  REQUIRE(co.applied);
  SuggestionView v = s.view();
  CHECK(v.state == S::kCarriedOver);
  CHECK(v.round == 2);
  CHECK(v.roundStartMs == co.atMs);
  CHECK(v.round1DeadlineMs == closed.deadlineMs);
  CHECK(v.deadlineMs == 0);  // a carried-over item has no reply deadline unless one is set
  CHECK(v.carryOverYears == 2);
  // The lead unit goes on into round 2 without a new acceptance.
  REQUIRE(v.units.size() == 2);
  CHECK(v.units[1].unit == "U1");
  CHECK(v.units[1].round == 2);
  CHECK(v.units[1].accepted);
  s.must(Who::kCounty, "progress", {{"unit", "U1"}, {"text", "资金已落实"}});
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}, {"text", "已建成"}});
  CHECK(s.view().state == S::kReplied);
  // The lead deputy rated round 1 and rates round 2 as well.
  s.must(Who::kOwnTownship, "evaluate", {{"result", "基本满意"}, {"rater", "deputyA"}});
  v = s.view();
  CHECK(v.state == S::kEvaluated);
  REQUIRE(v.leadEvaluation(1));
  REQUIRE(v.leadEvaluation(2));
  CHECK(v.leadEvaluation(1)->result == "satisfied");
  CHECK(v.leadEvaluation(2)->result == "basic");
  CHECK(v.firstReplyMs == closed.firstReplyMs);  // round 1's answer, not round 2's
  // Refused: a second rating of the same round, and one of the old round.
  EventInfo twice = s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}});
  CHECK_FALSE(twice.applied);
  CHECK_THAT(twice.reason, Catch::Contains("already rated this round"));
  EventInfo old = s.act(Who::kOwnTownship, "evaluate", {{"result", "不满意"}, {"round", "1"}});
  CHECK_FALSE(old.applied);
  CHECK_THAT(old.reason, Catch::Contains("old round") && Catch::Contains("round 2"));
  CHECK(s.view().leadEvaluation(2)->result == "basic");
  // A carry-over with a deadline for its next answer.
  Suggestion t(w, false);
  driveTo(t, S::kReplied);
  EventInfo bad = t.act(Who::kCounty, "carryOver", {{"years", "1"}, {"deadline", "2026-01-01"}});
  CHECK_FALSE(bad.applied);
  CHECK_THAT(bad.reason, Catch::Contains("later date"));
  CHECK(t.view().round == 1);
  t.must(Who::kCounty, "carryOver", {{"years", "1"}, {"deadline", "2026-12-31"}});
  CHECK(formatDate(t.view().deadlineMs) == "2026-12-31");
}

TEST_CASE("Suggestion rounds: re-handling lets the lead deputy rate the new round too",
          "[core][suggestion][rounds]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReHandling);  // the lead rated round 1 不满意
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  EventInfo e = s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"rater", "deputyA"}});
  CHECK(e.applied);
  SuggestionView v = s.view();
  CHECK(v.leadEvaluation(1)->result == "unsatisfied");
  CHECK(v.leadEvaluation(2)->result == "satisfied");
  CHECK(v.evaluations.back().round == 2);
}

// A rating with no round refers to the round its author had seen. Here the
// township's rating follows a refused withdrawal (the last of priorities), so
// the fold reaches it only after the county's carry-over and round-2 reply; it
// was written about round 1 and must not count for round 2. It counts for
// round 1, late: the deputy did rate the first answer (初次满意率).
TEST_CASE("Suggestion rounds: a late rating of round 1 does not rate round 2, in any order",
          "[core][suggestion][rounds][regression]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReplied);
  std::vector<ChangeId> heads = s.record.heads();
  // The county carries it over and the unit answers again.
  Signed carry = s.draft(Who::kCounty, "carryOver", {{"years", "1"}}, heads);
  s.apply(carry);
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}, {"text", "已建成"}});
  std::vector<ChangeId> countyHeads = s.record.heads();
  // Meanwhile, not having heard of either, 城关镇 records a (refused)
  // withdrawal and then the lead deputy's rating of the first answer.
  Signed wd = s.draft(Who::kOwnTownship, "withdraw", {{"reason", "误操作"}}, heads);
  s.apply(wd);
  Signed late =
      s.draft(Who::kOwnTownship, "evaluate", {{"result", "不满意"}}, std::vector<ChangeId>{wd.id});
  s.apply(late);
  SuggestionView v = s.view();
  INFO(describe(v));
  EventInfo e = s.eventOf(late.id);
  CHECK(e.applied);
  CHECK(v.round == 2);
  CHECK(v.state == S::kReplied);  // round 2 still awaits its own rating
  CHECK_FALSE(v.leadEvaluation(2));
  REQUIRE(v.leadEvaluation(1));
  CHECK(v.leadEvaluation(1)->result == "unsatisfied");
  CHECK(v.leadEvaluation(1)->late);
  CHECK(v.ratingConflicts.empty());
  checkAnyOrder(s.changes, s.config(), w, describe(v), baseSeed() + 7);
  // The deputy, having seen round 2, rates it.
  Signed rating = s.draft(Who::kOwnTownship, "evaluate", {{"result", "满意"}},
                          std::vector<ChangeId>{countyHeads[0], late.id});
  s.apply(rating);
  CHECK(s.eventOf(rating.id).applied);
  CHECK(s.view().leadEvaluation(2)->result == "satisfied");
  checkAnyOrder(s.changes, s.config(), w, describe(s.view()), baseSeed() + 8);
}

// --- (b) extension limits per round ------------------------------------------------------

TEST_CASE("Suggestion rounds: an extension in re-handling counts from the re-handling",
          "[core][suggestion][rounds]") {
  World w;
  auto reHandledLate = [&](Suggestion& s) {
    driveTo(s, S::kEvaluated);  // assigned 2026-03-05, rated 不满意 2026-03-08
    s.advanceDays(200);         // re-handled in round 2, long after round 1's 180 days
    s.must(Who::kCounty, "rehandle", {{"deadline", formatDate(s.nextMs() + 20 * kDayMs)}});
    SuggestionView v = s.view();
    REQUIRE(v.round == 2);
    REQUIRE(v.roundStartMs > v.assignedMs + 180 * kDayMs);
    return v;
  };
  {
    Suggestion s(w, false);
    SuggestionView v = reHandledLate(s);
    // Allowed: up to rehandleDays (30) after the re-handling, though round 1's
    // limit (assignment + 180 days) is long past.
    EventInfo ok =
        s.act(Who::kCounty, "extend", {{"deadline", formatDate(v.roundStartMs + 30 * kDayMs)}});
    CHECK(ok.applied);
    CHECK(s.view().deadlineMs == v.roundStartMs + 30 * kDayMs);
    // Refused: one day more. The sources give a re-handling no extension.
    EventInfo far =
        s.act(Who::kCounty, "extend", {{"deadline", formatDate(v.roundStartMs + 31 * kDayMs)}});
    CHECK_FALSE(far.applied);
    CHECK_THAT(far.reason, Catch::Contains("re-handling") && Catch::Contains("within 30 days") &&
                               Catch::Contains(formatDate(v.roundStartMs)));
    CHECK(checkEvent(s.record, s.config(), w.lookup(), w.county.publicKey(), "extend",
                     {{"deadline", formatDate(v.roundStartMs + 31 * kDayMs)}}, s.nextMs())
              .message() == far.reason);
  }
  {
    // A county whose rules allow extending a re-handling says so in its settings.
    Config c;
    c.rehandleExtensionDays = 30;
    Suggestion s(w, false, c);
    SuggestionView v = reHandledLate(s);
    CHECK(s.act(Who::kCounty, "extend", {{"deadline", formatDate(v.roundStartMs + 60 * kDayMs)}})
              .applied);
    EventInfo far =
        s.act(Who::kCounty, "extend", {{"deadline", formatDate(v.roundStartMs + 61 * kDayMs)}});
    CHECK_FALSE(far.applied);
    CHECK_THAT(far.reason, Catch::Contains("within 60 days"));
  }
  {
    // Round 1 still counts from the assignment (3 + at most 3 months).
    Suggestion s(w, false);
    driveTo(s, S::kInProgress);
    uint64_t assigned = s.view().assignedMs;
    CHECK(s.view().roundStartMs == assigned);
    EventInfo far =
        s.act(Who::kCounty, "extend", {{"deadline", formatDate(assigned + 181 * kDayMs)}});
    CHECK_FALSE(far.applied);
    CHECK_THAT(far.reason, Catch::Contains("180 days from the assignment"));
  }
  Config fromSettings = Config::fromRecord([] {
    Record r;
    r.fields["rehandleExtensionDays"].candidates.push_back({ChangeId{}, 1, "45"});
    return r;
  }());
  CHECK(fromSettings.rehandleExtensionDays == 45);
}

// --- (c) keeping a returned assignment --------------------------------------------------

TEST_CASE("Suggestion rounds: the office keeps an assignment a unit returned (维持交办)",
          "[core][suggestion][rounds]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReturned);  // U1 returned it: 不属本单位职责
  // Refused: no unit, a unit that did not return it, the township, the wrong state.
  CHECK_THAT(s.act(Who::kCounty, "keep").reason, Catch::Contains("--unit"));
  CHECK_THAT(s.act(Who::kCounty, "keep", {{"unit", "U9"}}).reason,
             Catch::Contains("has not returned"));
  EventInfo byTownship = s.act(Who::kOwnTownship, "keep", {{"unit", "U1"}});
  CHECK_FALSE(byTownship.applied);
  CHECK_THAT(byTownship.reason, Catch::Contains("only the county office may keep"));
  CHECK(s.view().state == S::kReturned);
  // Allowed: the office keeps it with U1, which must accept it again.
  s.must(Who::kCounty, "keep", {{"unit", "U1"}, {"reason", "经核实属该单位职责"}});
  SuggestionView v = s.view();
  CHECK(v.state == S::kAssigned);
  REQUIRE(v.units.size() == 1);
  CHECK(v.units[0].kept);
  CHECK_FALSE(v.units[0].returned);
  CHECK_FALSE(v.units[0].accepted);
  CHECK(v.units[0].returnReason == "不属本单位职责");
  CHECK(v.units[0].keepReason == "经核实属该单位职责");
  EventInfo again = s.act(Who::kCounty, "keep", {{"unit", "U1"}});
  CHECK_FALSE(again.applied);
  CHECK_THAT(again.reason, Catch::Contains("cannot keep") && Catch::Contains("assigned"));
  // A kept unit may not return it a second time.
  EventInfo ret = s.act(Who::kCounty, "return", {{"unit", "U1"}, {"reason", "仍不属本单位"}});
  CHECK_FALSE(ret.applied);
  CHECK_THAT(ret.reason, Catch::Contains("cannot be returned again"));
  s.must(Who::kCounty, "accept", {{"unit", "U1"}});
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  CHECK(s.view().state == S::kReplied);
  // Township-level: 城关镇 keeps it.
  Suggestion t(w, true);
  driveTo(t, S::kReturned);
  CHECK_FALSE(t.act(Who::kCounty, "keep", {{"unit", "U1"}}).applied);
  t.must(Who::kOwnTownship, "keep", {{"unit", "U1"}});
  CHECK(t.view().state == S::kAssigned);
}

TEST_CASE("Suggestion rounds: keeping and a concurrent re-assignment fold the same in any order",
          "[core][suggestion][rounds]") {
  // Two county office nodes: one keeps U1, the other re-assigns the item to U2.
  for (int trial = 0; trial < 12; ++trial) {
    INFO("trial " << trial);
    World w;
    Suggestion s(w, false);
    driveTo(s, S::kReturned);
    std::vector<ChangeId> heads = s.record.heads();
    Signed keep = s.draft(Who::kCounty, "keep",
                          {{"unit", "U1"}, {"reason", "试" + std::to_string(trial)}}, heads);
    Signed reassign = s.draft(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "lead"}}, heads);
    s.apply(keep);
    s.apply(reassign);
    SuggestionView v = s.view();
    // Both are office decisions of the same weight: the lower id goes first.
    // Keep first: U1 is kept and U2 added. Re-assignment first: the item is no
    // longer returned, so keeping is refused with the state.
    bool keepFirst = keep.id < reassign.id;
    CHECK(s.eventOf(keep.id).applied == keepFirst);
    CHECK(s.eventOf(reassign.id).applied);
    if (!keepFirst) CHECK_THAT(s.eventOf(keep.id).reason, Catch::Contains("cannot keep"));
    CHECK(v.state == S::kAssigned);
    checkAnyOrder(s.changes, s.config(), w, describe(v), baseSeed() + 20 + trial);
  }
}

// --- (d) outcome codes in the fold -------------------------------------------------------

TEST_CASE("Suggestion rounds: a reply's outcome code must be in the settings' scheme",
          "[core][suggestion][rounds]") {
  World w;
  Config jyb = Config::fromRecord([] {
    Record r;
    r.fields["outcomeScheme"].candidates.push_back({ChangeId{}, 1, "甲乙丙"});
    return r;
  }());
  Suggestion s(w, false, jyb);
  driveTo(s, S::kRegistered);
  s.must(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "lead"}});
  s.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "assisting"}});
  s.must(Who::kCounty, "accept", {{"unit", "U1"}});
  s.must(Who::kCounty, "accept", {{"unit", "U2"}});
  for (const char* code : {"A", "D", "丁", "甲乙"}) {
    INFO("code " << code);
    std::vector<Field> f = {{"unit", "U1"}, {"outcome", code}};
    EventInfo e = s.act(Who::kCounty, "reply", f);
    CHECK_FALSE(e.applied);
    CHECK_THAT(e.reason, Catch::Contains(std::string("答复类别 '") + code + "'") &&
                             Catch::Contains("甲/乙/丙"));
    CHECK(s.check(Who::kCounty, "reply", f).message() == e.reason);
  }
  // An assisting unit's opinion needs no class, but a class it gives is checked.
  CHECK_FALSE(s.act(Who::kCounty, "reply", {{"unit", "U2"}, {"outcome", "B"}}).applied);
  s.must(Who::kCounty, "reply", {{"unit", "U2"}, {"text", "协办意见"}});
  CHECK(s.view().replies.size() == 1);
  CHECK(s.view().state == S::kInProgress);
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "乙"}});
  CHECK(s.view().state == S::kReplied);
  CHECK(s.view().outcome() == "乙");
  // The default scheme (A/B/C/D) refuses 甲 the same way.
  Suggestion d(w, false);
  driveTo(d, S::kInProgress);
  EventInfo e = d.act(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "甲"}});
  CHECK_FALSE(e.applied);
  CHECK_THAT(e.reason, Catch::Contains("A/B/C/D"));
}

// --- (e) one calendar-day rule for lists and reports --------------------------------

TEST_CASE("Suggestion rounds: a view and the reports agree on overdue and near-deadline",
          "[core][suggestion][rounds][reports]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kRegistered);
  // Assigned at 15:00 on 2026-03-05 with the default 90 days: the deadline
  // falls at 15:00 on 2026-06-03, and the whole of that day is in time.
  Change c = test::Author::updateOp(s.record.id, s.record.heads(), {{"unit", "U1"}},
                                    Hlc::make(*parseDate("2026-03-05") + 15 * 3600 * 1000ull, 0));
  c.action = "assign";
  s.apply(w.county.add(std::move(c)));
  Dataset d;
  d.suggestions.push_back(s.view());
  d.suggestions.back().number = "001";
  const SuggestionView& v = d.suggestions.back();
  REQUIRE(formatDate(v.deadlineMs) == "2026-06-03");
  REQUIRE(v.deadlineMs % kDayMs != *parseDate("2026-06-03") % kDayMs);
  size_t overdue = 0, near = 0;
  for (uint64_t now = *parseDate("2026-05-17"); now < *parseDate("2026-06-06");
       now += 3600 * 1000) {
    ReportQuery q;
    q.nowMs = now;
    auto od = computeReport("overdue", d, q);
    auto nd = computeReport("nearDeadline", d, q);
    REQUIRE(od.isOk());
    REQUIRE(nd.isOk());
    INFO("now " << formatDate(now) << " +" << (now % kDayMs) / 3600000 << "h");
    CHECK(v.overdue(now) == (od->rows.size() == 1));
    CHECK(v.nearDeadline(now, d.config.warningDays) == (nd->rows.size() == 1));
    overdue += v.overdue(now);
    near += v.nearDeadline(now, d.config.warningDays);
  }
  // 15 days are near (06-03 back to 05-20, every hour of them) and overdue
  // starts at midnight on 06-04.
  CHECK(near == 15 * 24);
  CHECK(overdue == 2 * 24);
  CHECK_FALSE(v.overdue(*parseDate("2026-06-04") - 1));
  CHECK(v.overdue(*parseDate("2026-06-04")));
}

// --- (f) the first reply is the lead unit's ---------------------------------------------

TEST_CASE("Suggestion rounds: the first reply is the lead unit's, not an assisting opinion",
          "[core][suggestion][rounds]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kRegistered);
  s.must(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "lead"}});
  s.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "assisting"}});
  s.must(Who::kCounty, "accept", {{"unit", "U1"}});
  s.must(Who::kCounty, "accept", {{"unit", "U2"}});
  EventInfo opinion = s.act(Who::kCounty, "reply", {{"unit", "U2"}, {"text", "协办意见"}});
  REQUIRE(opinion.applied);
  CHECK(s.view().firstReplyMs == 0);
  CHECK(s.view().lastReplyMs == 0);
  s.advanceDays(10);
  EventInfo reply = s.act(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "B"}});
  REQUIRE(reply.applied);
  SuggestionView v = s.view();
  CHECK(v.firstReplyMs == reply.atMs);
  CHECK(v.firstReplyMs != opinion.atMs);
  CHECK(v.lastReplyMs == reply.atMs);
  // The summary counts it as answered from the lead unit's reply (办复率, 按期).
  Dataset d;
  d.suggestions.push_back(v);
  ReportQuery q;
  q.nowMs = reply.atMs;
  auto t = computeReport("summary", d, q);
  REQUIRE(t.isOk());
  CHECK(t->rows[8][0] == "办复率");  // after the six intake rows, 交办数 and 重点建议数
  CHECK(t->rows[8][2] == "1");
  // Re-handling and a round-2 reply do not move the first reply.
  s.must(Who::kOwnTownship, "evaluate", {{"result", "不满意"}});
  s.must(Who::kCounty, "rehandle");
  EventInfo second = s.act(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  REQUIRE(second.applied);
  CHECK(s.view().firstReplyMs == reply.atMs);
  CHECK(s.view().lastReplyMs == second.atMs);

  // Two separate units (分办): answered when the later of them replies.
  Suggestion p(w, false);
  driveTo(p, S::kRegistered);
  p.must(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "separate"}});
  p.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "separate"}});
  p.must(Who::kCounty, "accept", {{"unit", "U1"}});
  p.must(Who::kCounty, "accept", {{"unit", "U2"}});
  EventInfo r1 = p.act(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  CHECK(p.view().firstReplyMs == 0);
  CHECK(p.view().lastReplyMs == r1.atMs);
  EventInfo r2 = p.act(Who::kCounty, "reply", {{"unit", "U2"}, {"outcome", "C"}});
  CHECK(p.view().firstReplyMs == r2.atMs);
  CHECK(p.view().state == S::kReplied);
}

}  // namespace
}  // namespace renda::domain
