// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle (core/domain/suggestion.h) against domain.md §3.2
// and §3.5, on records built in memory from signed changes: every action in
// every state for every kind of node (the expected table is written here from
// the spec, not read from the code), the races of §3.5 delivered in different
// orders, deadlines computed from a `now` passed in, and who runs a
// township-level suggestion. Set RENDA_TEST_SEED to replay a shuffled order.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "core/domain/config.h"
#include "core/domain/suggestion.h"
#include "core/record.h"
#include "tests/core/fixtures.h"
#include "tests/core/suggestion_fixtures.h"

namespace renda::domain {
namespace {

using namespace testing;  // NOLINT: the fixtures of suggestion_fixtures.h

// --- the expected rules, from domain.md §3.2 -----------------------------------------

const std::vector<S> kAllStates = {S::kDraft,      S::kSubmitted,  S::kRegistered, S::kRejected,
                                   S::kAssigned,   S::kInProgress, S::kReturned,   S::kReplied,
                                   S::kEvaluated,  S::kReHandling, S::kClosed,     S::kCarriedOver,
                                   S::kWithdrawn,  S::kSelfHandled};
const std::set<S> kAfterRegistration = {S::kRegistered, S::kAssigned,   S::kInProgress,
                                        S::kReturned,   S::kReplied,    S::kEvaluated,
                                        S::kReHandling, S::kClosed,     S::kCarriedOver,
                                        S::kSelfHandled};

struct Rule {
  std::string action;
  bool office;                      // the assigning office's (else the deputy's side)
  std::set<S> from;                 // states it is allowed in
  std::optional<S> to;              // the state after; nullopt = unchanged
  std::vector<Field> fields;        // valid data for the action in each `from` state
};

std::vector<Rule> rules(bool townshipLevel) {
  std::string extendTo = formatDate(kT0 + 130 * kDayMs);  // after 90 days, within 180
  std::set<S> supervisable = kAfterRegistration;
  return {
      {"submit", false, {S::kDraft, S::kRejected}, S::kSubmitted, {}},
      {"cosign", false, {S::kDraft, S::kSubmitted}, {}, {{"deputy", "deputyB"}, {"agreed", "yes"}}},
      {"withdraw", false, {S::kDraft, S::kSubmitted}, S::kWithdrawn, {{"reason", "撤回"}}},
      {"register", true, {S::kSubmitted}, S::kRegistered, {{"number", "十八届二次-002"}}},
      {"reject", true, {S::kSubmitted}, S::kRejected, {{"reason", "不属于建议"}}},
      {"renumber", true,
       {S::kRegistered, S::kAssigned, S::kInProgress, S::kReturned, S::kReplied, S::kEvaluated,
        S::kReHandling, S::kClosed, S::kCarriedOver},
       {}, {{"number", "十八届二次-099"}, {"reason", "编号与另一条建议重复"}}},
      {"assign", true, {S::kRegistered, S::kAssigned, S::kReturned}, S::kAssigned,
       {{"unit", "U2"}, {"role", "lead"}}},
      {"accept", true, {S::kAssigned}, S::kInProgress, {{"unit", "U1"}}},
      {"return", true, {S::kAssigned}, S::kReturned, {{"unit", "U1"}, {"reason", "非本单位职责"}}},
      // Also allowed in reHandling, but only within rehandleDays of the
      // re-handling (§3.2 S7→S5), which extendTo is not: see reasonWords.
      {"extend", true, {S::kAssigned, S::kInProgress}, {},
       {{"deadline", extendTo}, {"reason", "需协调资金"}}},
      {"progress", true, {S::kAssigned, S::kInProgress, S::kReHandling, S::kCarriedOver}, {},
       {{"unit", "U1"}, {"text", "已现场踏勘"}}},
      {"meet", true, {S::kAssigned, S::kInProgress, S::kReHandling, S::kCarriedOver}, {},
       {{"unit", "U1"}}},
      {"reply", true, {S::kInProgress, S::kReHandling, S::kCarriedOver}, S::kReplied,
       {{"unit", "U1"}, {"outcome", "A"}, {"text", "已修缮"}}},
      {"evaluate", false, {S::kReplied, S::kEvaluated}, {},
       {{"result", "满意"}, {"rater", "deputyB"}, {"raterRole", "cosigner"}}},
      {"rehandle", true, {S::kEvaluated}, S::kReHandling, {}},
      {"close", true, {S::kReplied, S::kEvaluated}, S::kClosed, {{"reason", "经研究予以办结"}}},
      {"carryOver", true, {S::kReplied, S::kEvaluated, S::kClosed}, S::kCarriedOver,
       {{"years", "1"}}},
      {"supervise", true, supervisable, {}, {{"kind", "领导督办"}, {"by", "王主任"}}},
      {"urge", false, {S::kAssigned, S::kInProgress, S::kReturned, S::kReHandling}, {},
       {{"by", "deputyA"}}},
      {"markKey", true, supervisable, {}, {{"leader", "王主任"}}},
      {"selfHandle", true,
       townshipLevel ? std::set<S>{S::kSubmitted, S::kRegistered} : std::set<S>{},
       S::kSelfHandled, {{"text", "自行办理"}}},
  };
}

bool roleAllowed(const Rule& r, Who who, bool townshipLevel) {
  if (r.office) return who == (townshipLevel ? Who::kOwnTownship : Who::kCounty);
  return who == Who::kCounty || who == Who::kOwnTownship;
}

// The words a refusal must contain: the role it lacks, or the state it is in.
std::vector<std::string> reasonWords(const Rule& r, Who who, S state, bool townshipLevel) {
  if (!roleAllowed(r, who, townshipLevel)) {
    if (!r.office) return {"城关镇 or the county office"};
    if (townshipLevel) return {"城关镇's presidium", "township-level"};
    return {"only the county office", "county-level"};
  }
  if (r.action == "selfHandle" && !townshipLevel) return {"township-level"};
  if (r.action == "extend" && state == S::kReHandling) return {"re-handling", "within 30 days"};
  if (r.action == "withdraw" && kAfterRegistration.count(state) && state != S::kSelfHandled)
    return {"registered first", stateName(state), stateLabel(state)};
  return {std::string("cannot ") + r.action, stateName(state), stateLabel(state)};
}

// --- (a) every action in every state, for every node --------------------------------

void checkMatrix(bool townshipLevel) {
  World w;
  size_t cells = 0;
  for (S state : kAllStates) {
    if (state == S::kSelfHandled && !townshipLevel) continue;  // unreachable for county items
    for (const Rule& rule : rules(townshipLevel)) {
      for (Who who : kAllWho) {
        Suggestion s(w, townshipLevel);
        driveTo(s, state);
        bool expected = rule.from.count(state) && roleAllowed(rule, who, townshipLevel);
        INFO((townshipLevel ? "township-level" : "county-level")
             << ": " << rule.action << " in state " << stateName(state) << " by " << whoName(who));
        // Checked before writing, and folded after writing: the same verdict.
        Status checked = s.check(who, rule.action, rule.fields);
        EventInfo e = s.act(who, rule.action, rule.fields);
        INFO("check: " << checked.message() << "\nfold: " << e.reason);
        CHECK(checked.isOk() == expected);
        CHECK(e.applied == expected);
        if (!expected) {
          CHECK(checked.code() == Code::kRefused);
          CHECK(checked.message() == e.reason);
          for (const auto& word : reasonWords(rule, who, state, townshipLevel))
            CHECK_THAT(e.reason, Catch::Contains(word));
          CHECK(s.view().state == state);  // a refused event changes nothing
        } else {
          CHECK(e.reason.empty());
          CHECK(s.view().state == rule.to.value_or(state));
        }
        ++cells;
      }
    }
  }
  CHECK(cells == (townshipLevel ? 14u : 13u) * 21u * 4u);  // states × actions × nodes
}

TEST_CASE("Suggestion: every action in every state for every node, county-level",
          "[core][suggestion]") {
  checkMatrix(false);
}

TEST_CASE("Suggestion: every action in every state for every node, township-level",
          "[core][suggestion]") {
  checkMatrix(true);
}

TEST_CASE("Suggestion: unknown actions and missing data are refused with their reason",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  CHECK_THAT(s.act(Who::kOwnTownship, "approve").reason, Catch::Contains("unknown action"));
  s.must(Who::kOwnTownship, "submit");
  CHECK_THAT(s.act(Who::kOwnTownship, "cosign", {}).reason, Catch::Contains("names no deputy"));
  CHECK_THAT(s.act(Who::kOwnTownship, "cosign", {{"deputy", "deputyA"}}).reason,
             Catch::Contains("lead deputy cannot co-sign"));
  CHECK_THAT(s.act(Who::kCounty, "register").reason, Catch::Contains("official number"));
  CHECK_THAT(s.act(Who::kCounty, "reject").reason, Catch::Contains("needs a reason"));
  s.must(Who::kCounty, "register", {{"number", "001"}});
  CHECK_THAT(s.act(Who::kCounty, "assign", {{"role", "lead"}}).reason,
             Catch::Contains("names no handling unit"));
  CHECK_THAT(s.act(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "boss"}}).reason,
             Catch::Contains("主办/协办/分办"));
  CHECK_THAT(s.act(Who::kCounty, "assign", {{"unit", "U1"}, {"deadline", "明年"}}).reason,
             Catch::Contains("is not a date"));
  s.must(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "主办"}});
  s.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "协办"}});
  CHECK_THAT(s.act(Who::kCounty, "assign", {{"unit", "U1"}}).reason,
             Catch::Contains("already assigned"));
  CHECK_THAT(s.act(Who::kCounty, "accept", {{"unit", "U9"}}).reason,
             Catch::Contains("not assigned"));
  CHECK_THAT(s.act(Who::kCounty, "return", {{"unit", "U2"}}).reason,
             Catch::Contains("needs a reason"));
  s.must(Who::kCounty, "accept", {{"unit", "U1"}});
  CHECK(s.view().state == S::kAssigned);  // U2 has not accepted yet
  CHECK_THAT(s.act(Who::kCounty, "accept", {{"unit", "U1"}}).reason,
             Catch::Contains("already accepted"));
  s.must(Who::kCounty, "accept", {{"unit", "U2"}});
  CHECK(s.view().state == S::kInProgress);
  CHECK_THAT(s.act(Who::kCounty, "reply", {{"unit", "U1"}}).reason,
             Catch::Contains("outcome class"));
  s.must(Who::kCounty, "reply", {{"unit", "U2"}, {"text", "协办意见"}});  // assisting: no class
  CHECK(s.view().state == S::kInProgress);  // the lead unit has not replied
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  CHECK(s.view().state == S::kReplied);
  CHECK_THAT(s.act(Who::kOwnTownship, "evaluate", {{"result", "还行"}}).reason,
             Catch::Contains("满意, 基本满意 or 不满意"));
  CHECK_THAT(s.act(Who::kCounty, "carryOver", {{"years", "4"}}).reason,
             Catch::Contains("1, 2 or 3 years"));
  CHECK_THAT(s.act(Who::kCounty, "markKey", {}).reason, Catch::Contains("supervising leader"));
  s.must(Who::kOwnTownship, "evaluate", {{"result", "不满意"}});
  CHECK_THAT(s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}}).reason,
             Catch::Contains("already rated"));
  CHECK_THAT(s.act(Who::kCounty, "close").reason, Catch::Contains("not satisfied"));
  CHECK(s.view().state == S::kEvaluated);
}

TEST_CASE("Suggestion: a satisfied rating is not re-handled, and urges keep their interval",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReplied);
  s.must(Who::kOwnTownship, "evaluate", {{"result", "基本满意"}, {"process", "满意"}});
  EventInfo e = s.act(Who::kCounty, "rehandle");
  CHECK_FALSE(e.applied);
  CHECK_THAT(e.reason, Catch::Contains("不满意"));

  Suggestion u(w, false);
  driveTo(u, S::kInProgress);
  u.must(Who::kOwnTownship, "urge", {{"by", "deputyA"}});  // day n
  // One day later by the same deputy: within the 3-day interval.
  EventInfo again = u.act(Who::kOwnTownship, "urge", {{"by", "deputyA"}});
  CHECK_FALSE(again.applied);
  CHECK_THAT(again.reason, Catch::Contains("3 days"));
  u.must(Who::kCounty, "urge", {{"by", "联工委"}});  // another source may
  u.must(Who::kOwnTownship, "urge", {{"by", "deputyA"}});  // three days after the first
  CHECK(u.view().urges == 3);
}

// --- (b) the races of §3.5 -------------------------------------------------------------

TEST_CASE("Suggestion: registration beats a concurrent withdrawal in either order",
          "[core][suggestion]") {
  // Several trials, so the two changes' ids fall in both orders.
  for (int trial = 0; trial < 16; ++trial) {
    bool townshipLevel = trial % 2;
    INFO((townshipLevel ? "township-level" : "county-level") << ", trial " << trial);
    World w;
    Suggestion s(w, townshipLevel);
    s.must(Who::kOwnTownship, "submit");
    s.must(Who::kOwnTownship, "cosign", {{"deputy", "deputyB"}});
    std::vector<ChangeId> heads = s.record.heads();
    Signed reg = s.draft(s.office(), "register", {{"number", "十八届二次-007"}}, heads);
    Signed wd = s.draft(Who::kOwnTownship, "withdraw",
                        {{"reason", "不再提出" + std::to_string(trial)}}, heads);

    Record regFirst = s.record, wdFirst = s.record;
    REQUIRE(applyUpdate(regFirst, reg.change, reg.id, true).isOk());
    REQUIRE(applyUpdate(regFirst, wd.change, wd.id, true).isOk());
    REQUIRE(applyUpdate(wdFirst, wd.change, wd.id, true).isOk());
    REQUIRE(applyUpdate(wdFirst, reg.change, reg.id, true).isOk());
    CHECK(encodeRecord(regFirst) == encodeRecord(wdFirst));

    std::vector<Signed> all = s.changes;
    all.push_back(reg);
    all.push_back(wd);
    std::vector<std::string> views;
    for (const Record& r : {regFirst, wdFirst}) {
      SuggestionView v = foldSuggestion(r, s.config(), w.lookup());
      CHECK(v.state == S::kRegistered);
      CHECK(v.number == "十八届二次-007");
      REQUIRE(v.events.size() == 4);
      CHECK(v.events[2].action == "register");
      CHECK(v.events[2].applied);
      CHECK(v.events[3].action == "withdraw");
      CHECK_FALSE(v.events[3].applied);
      CHECK_THAT(v.events[3].reason, Catch::Contains("registration stands") &&
                                         Catch::Contains("request to the office"));
      views.push_back(describe(v));
    }
    CHECK(views[0] == views[1]);

    // foldRecord over shuffled inputs gives the same bytes and the same view.
    uint64_t seed = baseSeed();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 20; ++i) {
      auto in = inputsOf(all);
      std::shuffle(in.begin(), in.end(), rng);
      auto r = foldRecord(in);
      REQUIRE(r.isOk());
      CHECK(encodeRecord(*r) == encodeRecord(regFirst));
      CHECK(describe(foldSuggestion(*r, s.config(), w.lookup())) == views[0]);
    }

    // The office goes on from the merged state: the withdrawal stays a request.
    s.apply(reg);
    s.apply(wd);
    s.must(s.office(), "assign", {{"unit", "U1"}});
    CHECK(s.view().state == S::kAssigned);
  }
}

TEST_CASE("Suggestion: a withdrawal the office saw before registering stands",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  s.must(Who::kOwnTownship, "submit");
  s.must(Who::kOwnTownship, "withdraw");
  EventInfo reg = s.act(Who::kCounty, "register", {{"number", "001"}});
  CHECK_FALSE(reg.applied);
  CHECK_THAT(reg.reason, Catch::Contains("withdrawn"));
  CHECK(s.view().state == S::kWithdrawn);
}

// A life cycle with concurrent events at every step, as a county and a
// township would write it between exchanges.
struct Branchy {
  World w;
  Suggestion s{w, false};
  Branchy() {
    s.must(Who::kOwnTownship, "submit");
    auto h = s.record.heads();
    s.apply(s.draft(Who::kCounty, "register", {{"number", "十八届二次-011"}}, h));
    s.apply(s.draft(Who::kOwnTownship, "cosign", {{"deputy", "deputyB"}}, h));  // too late: refused
    s.apply(s.draft(Who::kOwnTownship, "withdraw", {}, h));                      // refused
    s.must(Who::kCounty, "assign", {{"unit", "U1"}, {"role", "lead"}});
    s.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "assisting"}});
    h = s.record.heads();
    s.apply(s.draft(Who::kCounty, "accept", {{"unit", "U1"}}, h));
    s.apply(s.draft(Who::kCounty, "accept", {{"unit", "U2"}}, h));
    s.apply(s.draft(Who::kOwnTownship, "urge", {{"by", "deputyA"}}, h));
    s.apply(s.draft(Who::kCounty, "markKey", {{"leader", "王主任"}}, h));
    s.must(Who::kCounty, "meet", {{"unit", "U1"}});
    s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "B"}});
    h = s.record.heads();
    s.apply(s.draft(Who::kOwnTownship, "evaluate", {{"result", "不满意"}}, h));
    s.apply(s.draft(Who::kCounty, "supervise", {{"kind", "领导督办"}, {"by", "王主任"}}, h));
    s.must(Who::kCounty, "rehandle");
    // A co-signer's rating of round 1 written before the re-handling was seen.
    lateRating = s.draft(Who::kOwnTownship, "evaluate",
                         {{"result", "满意"}, {"rater", "deputyB"}, {"raterRole", "cosigner"}},
                         s.record.version(s.record.heads()[0])->parents);
    s.apply(lateRating);
    s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
    h = s.record.heads();
    s.apply(s.draft(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"round", "2"}}, h));
    s.apply(s.draft(Who::kCounty, "close", {}, h));
  }
  Signed lateRating;
};

TEST_CASE("Suggestion: a concurrent life cycle folds the same for every delivery order",
          "[core][suggestion]") {
  Branchy b;
  Suggestion& s = b.s;
  SuggestionView v = s.view();
  INFO(describe(v));
  CHECK(v.state == S::kClosed);
  CHECK(v.round == 2);
  CHECK(v.key);
  CHECK(v.urges == 1);
  REQUIRE(v.evaluations.size() == 3);
  // The late co-signer's rating counts for round 1 and reopens nothing.
  CHECK(v.evaluations[1].round == 1);
  CHECK(v.evaluations[1].raterRole == "cosigner");
  CHECK(v.evaluations[2].round == 2);
  size_t refused = 0;
  for (const auto& e : v.events) refused += e.applied ? 0 : 1;
  CHECK(refused == 2);  // the late co-signature and the withdrawal

  // The record built change by change is what a fold of all of them gives,
  // whatever the order of delivery.
  auto folded = foldRecord(inputsOf(s.changes));
  REQUIRE(folded.isOk());
  CHECK(encodeRecord(*folded) == encodeRecord(s.record));
  checkAnyOrder(s.changes, s.config(), b.w, describe(v), baseSeed() + 1, 50, 20);
}

TEST_CASE("Suggestion: a rating for an old round after re-handling does not reopen it",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReHandling);
  REQUIRE(s.view().round == 2);
  // Before the new reply: the suggestion awaits the units, not a rating.
  EventInfo early = s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"round", "1"}});
  CHECK_FALSE(early.applied);
  CHECK_THAT(early.reason, Catch::Contains("reHandling"));
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  // After it: round 1's rating is refused, and round 2 stays open for its own.
  for (const char* result : {"满意", "不满意"}) {
    EventInfo late = s.act(Who::kOwnTownship, "evaluate", {{"result", result}, {"round", "1"}});
    CHECK_FALSE(late.applied);
    CHECK_THAT(late.reason, Catch::Contains("old round") && Catch::Contains("round 2"));
  }
  CHECK(s.view().state == S::kReplied);
  // A round that does not exist, or is not a number.
  for (const char* round : {"3", "0", "two", "-1", "2x"}) {
    INFO("round " << round);
    EventInfo bad = s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"round", round}});
    CHECK_FALSE(bad.applied);
    CHECK_THAT(bad.reason, Catch::Contains("does not exist"));
    CHECK(checkEvent(s.record, s.config(), w.lookup(), w.chengguan.publicKey(), "evaluate",
                     {{"result", "满意"}, {"round", round}}, s.nextMs())
              .code() == Code::kRefused);
  }
  s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"round", "2"}});
  SuggestionView v = s.view();
  CHECK(v.state == S::kEvaluated);
  REQUIRE(v.leadEvaluation(1));
  CHECK(v.leadEvaluation(1)->result == "unsatisfied");
  REQUIRE(v.leadEvaluation(2));
  CHECK(v.leadEvaluation(2)->result == "satisfied");
}

TEST_CASE("Suggestion: rounds only go up", "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kReHandling);
  for (int round = 2; round <= 4; ++round) {
    s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "B"}});
    s.act(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"round", std::to_string(round - 1)}});
    s.must(Who::kOwnTownship, "evaluate", {{"result", "不满意"}});
    if (round < 4) s.must(Who::kCounty, "rehandle");
  }
  s.must(Who::kCounty, "close", {{"reason", "已尽力"}});
  // Every prefix of the history: the round never goes down, and each reply,
  // rating and unit belongs to a round that existed when it was written.
  std::vector<FoldInput> in = inputsOf(s.changes);
  uint32_t last = 1;
  for (size_t n = 1; n <= s.changes.size(); ++n) {
    auto r = foldRecord(std::vector<FoldInput>(in.begin(), in.begin() + static_cast<long>(n)));
    REQUIRE(r.isOk());
    SuggestionView v = foldSuggestion(*r, s.config(), w.lookup());
    CHECK(v.round >= last);
    last = v.round;
    uint32_t prev = 0;
    for (const auto& e : v.evaluations) {
      CHECK(e.round >= prev);
      CHECK(e.round <= v.round);
      prev = e.round;
    }
    for (const auto& rep : v.replies) CHECK(rep.round <= v.round);
    for (const auto& u : v.units) CHECK(u.round <= v.round);
  }
  SuggestionView v = s.view();
  CHECK(v.round == 4);
  CHECK(v.state == S::kClosed);
  CHECK(v.replies.size() == 4);
  size_t refusedOld = 0;
  for (const auto& e : v.events)
    if (!e.applied && e.reason.find("old round") != std::string::npos) ++refusedOld;
  CHECK(refusedOld == 3);
}

// --- (c) deadlines ---------------------------------------------------------------------------

TEST_CASE("Suggestion: the reply deadline defaults to 90 days from assignment",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kAssigned);
  SuggestionView v = s.view();
  REQUIRE(v.assignedMs != 0);
  CHECK(v.deadlineMs == v.assignedMs + 90 * kDayMs);
  CHECK(formatDate(v.assignedMs) == "2026-03-05");
  CHECK(formatDate(v.deadlineMs) == "2026-06-03");
  // A second unit assigned later keeps the suggestion's deadline.
  s.must(Who::kCounty, "assign", {{"unit", "U2"}, {"role", "assisting"}});
  CHECK(s.view().deadlineMs == v.deadlineMs);
  CHECK(s.view().assignedMs == v.assignedMs);

  Config c;
  c.replyDays = 60;
  Suggestion t(w, false, c);
  driveTo(t, S::kAssigned);
  CHECK(t.view().deadlineMs == t.view().assignedMs + 60 * kDayMs);

  Suggestion x(w, false);
  driveTo(x, S::kRegistered);
  x.must(Who::kCounty, "assign", {{"unit", "U1"}, {"deadline", "2026-05-01"}});
  CHECK(formatDate(x.view().deadlineMs) == "2026-05-01");
}

TEST_CASE("Suggestion: a deadline before the assignment is refused and leaves no trace",
          "[core][suggestion][regression]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kRegistered);
  // Registered on 2026-03-04, so every assignment here is later than these.
  for (const char* d : {"2026-01-01", "2026-03-03", "2026-03-05"}) {
    INFO("deadline " << d);
    std::vector<Field> f = {{"unit", "U1"}, {"deadline", d}};
    Status checked = s.check(Who::kCounty, "assign", f);
    CHECK(checked.code() == Code::kRefused);
    CHECK_THAT(checked.message(), Catch::Contains("before the assignment"));
    EventInfo e = s.act(Who::kCounty, "assign", f);
    CHECK_FALSE(e.applied);
    // Regression (issue 3): a refused assignment used to set assignedMs, so
    // reports counted the suggestion as assigned.
    SuggestionView v = s.view();
    CHECK(v.state == S::kRegistered);
    CHECK(v.assignedMs == 0);
    CHECK(v.deadlineMs == 0);
    CHECK(v.units.empty());
  }
}

TEST_CASE("Suggestion: an extension may not go past replyDays + maxExtensionDays",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kInProgress);
  SuggestionView v = s.view();
  uint64_t assigned = v.assignedMs;
  REQUIRE(formatDate(assigned) == "2026-03-05");
  REQUIRE(*parseDate("2026-03-05") == assigned);  // a midnight: the limit is exact
  auto extend = [&](uint64_t ms) {
    return s.act(Who::kCounty, "extend", {{"deadline", formatDate(ms)}});
  };
  EventInfo tooFar = extend(assigned + 181 * kDayMs);
  CHECK_FALSE(tooFar.applied);
  CHECK_THAT(tooFar.reason, Catch::Contains("180 days"));
  EventInfo notLater = extend(v.deadlineMs);
  CHECK_FALSE(notLater.applied);
  CHECK_THAT(notLater.reason, Catch::Contains("not later"));
  EventInfo none = s.act(Who::kCounty, "extend", {{"reason", "忘了日期"}});
  CHECK_FALSE(none.applied);
  CHECK_THAT(none.reason, Catch::Contains("new deadline"));
  CHECK(s.view().extensions == 0);
  CHECK(s.view().deadlineMs == v.deadlineMs);
  CHECK(extend(assigned + 120 * kDayMs).applied);
  CHECK(extend(assigned + 180 * kDayMs).applied);  // exactly the longest allowed
  CHECK(s.view().extensions == 2);
  CHECK(s.view().deadlineMs == assigned + 180 * kDayMs);

  Config c;
  c.replyDays = 90;
  c.maxExtensionDays = 30;
  Suggestion t(w, false, c);
  driveTo(t, S::kInProgress);
  uint64_t a2 = t.view().assignedMs;
  EventInfo e = t.act(Who::kCounty, "extend", {{"deadline", formatDate(a2 + 121 * kDayMs)}});
  CHECK_FALSE(e.applied);
  CHECK_THAT(e.reason, Catch::Contains("120 days"));
}

TEST_CASE("Suggestion: overdue and near-deadline come from the now passed in, by calendar day",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kInProgress);
  SuggestionView v = s.view();
  uint64_t d = v.deadlineMs;
  REQUIRE(d != 0);
  REQUIRE(d == *parseDate(formatDate(d)));  // the deadline day starts at d
  const uint64_t end = d + kDayMs - 1;      // the deadline day's last millisecond
  CHECK_FALSE(v.overdue(d - 16 * kDayMs));
  CHECK_FALSE(v.nearDeadline(d - 16 * kDayMs, 15));
  // Fifteen calendar days left is not within 15; fourteen is, all day long.
  CHECK_FALSE(v.nearDeadline(d - 15 * kDayMs, 15));
  CHECK_FALSE(v.nearDeadline(d - 14 * kDayMs - 1, 15));
  CHECK(v.nearDeadline(d - 14 * kDayMs, 15));
  CHECK(v.nearDeadline(d, 15));
  // The whole deadline day is in time; the next day is overdue.
  CHECK_FALSE(v.overdue(d));
  CHECK_FALSE(v.overdue(end));
  CHECK(v.nearDeadline(end, 15));
  CHECK(v.overdue(end + 1));
  CHECK_FALSE(v.nearDeadline(end + 1, 15));
  CHECK(v.nearDeadline(d - 20 * kDayMs, 30));  // the warning window is the caller's
  CHECK_FALSE(v.nearDeadline(d, 0));
  // The same view folded again says the same: nothing reads the wall clock.
  CHECK(s.view().overdue(end + 1));
  // Returned items still await a reply; replied ones do not.
  Suggestion r(w, false);
  driveTo(r, S::kReturned);
  CHECK(r.view().overdue(r.view().deadlineMs + kDayMs));
  s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
  CHECK_FALSE(s.view().overdue(end + 1));
  CHECK_FALSE(s.view().nearDeadline(d, 15));
  // Re-handling sets a new deadline (30 days by default), and overdue follows it.
  Suggestion h(w, false);
  driveTo(h, S::kReHandling);
  SuggestionView hv = h.view();
  const EventInfo& re = hv.events.back();
  CHECK(hv.deadlineMs == re.atMs + 30 * kDayMs);
  CHECK(hv.round1DeadlineMs == hv.assignedMs + 90 * kDayMs);
  CHECK_FALSE(hv.overdue(hv.deadlineMs));
  CHECK(hv.overdue(hv.deadlineMs + kDayMs));
}

TEST_CASE("Suggestion: a refused re-handling deadline changes no round",
          "[core][suggestion][regression]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kEvaluated);
  SuggestionView before = s.view();
  EventInfo e = s.act(Who::kCounty, "rehandle", {{"deadline", "2026-01-01"}});
  CHECK_FALSE(e.applied);
  CHECK_THAT(e.reason, Catch::Contains("later date"));
  // Regression (issue 3): the round, the units and round 1's deadline used to
  // change before the deadline was checked.
  SuggestionView after = s.view();
  CHECK(after.round == 1);
  CHECK(after.units.size() == before.units.size());
  CHECK(after.round1DeadlineMs == 0);
  CHECK(after.state == S::kEvaluated);
  s.must(Who::kCounty, "rehandle", {{"deadline", "2026-06-30"}});
  CHECK(s.view().round == 2);
  CHECK(formatDate(s.view().deadlineMs) == "2026-06-30");
}

// --- (d) who runs which suggestion --------------------------------------------------------

TEST_CASE("Suggestion: a township-level suggestion runs on its township's node",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, true);
  s.must(Who::kOwnTownship, "submit");
  for (Who who : {Who::kCounty, Who::kOtherTownship}) {
    EventInfo e = s.act(who, "register", {{"number", "城关-001"}});
    CHECK_FALSE(e.applied);
    CHECK_THAT(e.reason, Catch::Contains("only 城关镇's presidium"));
  }
  s.must(Who::kOwnTownship, "register", {{"number", "城关-001"}});
  EventInfo countyAssign = s.act(Who::kCounty, "assign", {{"unit", "镇农业办"}});
  CHECK_FALSE(countyAssign.applied);
  CHECK_THAT(countyAssign.reason, Catch::Contains("township-level"));
  s.must(Who::kOwnTownship, "assign", {{"unit", "镇农业办"}, {"role", "lead"}});
  s.must(Who::kOwnTownship, "accept", {{"unit", "镇农业办"}});
  s.must(Who::kOwnTownship, "meet", {{"unit", "镇农业办"}});
  s.must(Who::kOwnTownship, "reply", {{"unit", "镇农业办"}, {"outcome", "A"}});
  s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}});
  EventInfo countyClose = s.act(Who::kCounty, "close");
  CHECK_FALSE(countyClose.applied);
  CHECK_THAT(countyClose.reason, Catch::Contains("presidium"));
  s.must(Who::kOwnTownship, "close");
  SuggestionView v = s.view();
  CHECK(v.state == S::kClosed);
  CHECK(v.level == "township");
  CHECK(v.number == "城关-001");
  REQUIRE(v.units.size() == 1);
  CHECK(v.units[0].metMs != 0);

  // Or the township handles it itself, without a unit.
  Suggestion self(w, true);
  self.must(Who::kOwnTownship, "submit");
  EventInfo byCounty = self.act(Who::kCounty, "selfHandle");
  CHECK_FALSE(byCounty.applied);
  self.must(Who::kOwnTownship, "selfHandle", {{"text", "镇政府当场解决"}});
  CHECK(self.view().state == S::kSelfHandled);
  CHECK(self.view().closedMs != 0);
}

TEST_CASE("Suggestion: a township node may not run a county-level suggestion",
          "[core][suggestion]") {
  World w;
  Suggestion s(w, false);
  driveTo(s, S::kRegistered);
  Status checked = s.check(Who::kOwnTownship, "assign", {{"unit", "U1"}});
  CHECK(checked.code() == Code::kRefused);
  CHECK_THAT(checked.message(), Catch::Contains("only the county office may assign"));
  EventInfo e = s.act(Who::kOwnTownship, "assign", {{"unit", "U1"}});
  CHECK_FALSE(e.applied);
  CHECK(s.view().state == S::kRegistered);
  CHECK(s.view().units.empty());
  EventInfo self = s.act(Who::kCounty, "selfHandle");
  CHECK_FALSE(self.applied);
  CHECK_THAT(self.reason, Catch::Contains("township-level"));
  // An event whose change the store did not apply is shown, never folded in.
  Signed assign = s.draft(Who::kCounty, "assign", {{"unit", "U1"}});
  REQUIRE(applyUpdate(s.record, assign.change, assign.id, false).isOk());
  EventInfo kept = s.eventOf(assign.id);
  CHECK_FALSE(kept.applied);
  CHECK_THAT(kept.reason, Catch::Contains("not accepted"));
  CHECK(s.view().state == S::kRegistered);
}

}  // namespace
}  // namespace renda::domain
