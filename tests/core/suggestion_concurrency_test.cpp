// SPDX-License-Identifier: Apache-2.0
// The suggestion fold's concurrent pairs (domain.md §3.5; docs/design-notes.md,
// "Suggestion life cycle"): two nodes act on one suggestion before either has
// heard of the other. For each pair, the decision holds whichever change id
// sorts lower (each race is run until both orders have happened) and in every
// delivery order (checkAnyOrder); where a change can reach the fold after its
// rival for other reasons (it follows a refused withdrawal, which the fold
// takes last), the decision holds there too. Set RENDA_TEST_SEED to replay.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/domain/suggestion_history.h"
#include "tests/core/suggestion_fixtures.h"

namespace renda::domain {
namespace {

using namespace testing;  // NOLINT: the fixtures of suggestion_fixtures.h

// Runs `race(trial)` until the two racing changes it returns have had their
// ids fall both ways (at least 4 trials, at most 32).
void bothIdOrders(const std::function<std::pair<ChangeId, ChangeId>(int)>& race) {
  bool seen[2] = {false, false};
  for (int trial = 0; trial < 32 && (trial < 4 || !seen[0] || !seen[1]); ++trial) {
    INFO("trial " << trial);
    auto [a, b] = race(trial);
    seen[a < b] = true;
  }
  CHECK(seen[0]);
  CHECK(seen[1]);
}

std::string tag(int trial) { return "第" + std::to_string(trial) + "次"; }

const EventInfo& eventIn(const SuggestionView& v, const ChangeId& id) {
  for (const auto& e : v.events)
    if (e.id == id) return e;
  FAIL("no event for that change");
  return v.events.front();
}

const EvaluationInfo& ratingIn(const SuggestionView& v, const ChangeId& id) {
  for (const auto& e : v.evaluations)
    if (e.id == id) return e;
  FAIL("no rating for that change");
  return v.evaluations.front();
}

// A refused withdrawal by 城关镇 following `heads`: the fold takes it, and so
// whatever follows it, after every concurrent office decision.
Signed detour(Suggestion& s, const std::vector<ChangeId>& heads) {
  Signed wd = s.draft(Who::kOwnTownship, "withdraw", {{"reason", "误操作"}}, heads);
  s.apply(wd);
  return wd;
}

// --- ratings against re-handling: the bug -----------------------------------------

// The county records the lead deputy's 不满意, re-handles and has round 2
// answered; 城关镇, offline, records a 满意 for round 1. Before, whichever
// rating's id sorted lower won, and in half the runs the county's rating,
// re-handling and round-2 reply were all refused.
TEST_CASE("Suggestion concurrency: a late round-1 rating never undoes the county's round 2",
          "[core][suggestion][concurrency][regression]") {
  for (bool viaDetour : {false, true}) {
    INFO((viaDetour ? "the township's rating reaches the fold after the re-handling"
                    : "both ratings reach the fold before the re-handling"));
    bothIdOrders([&](int trial) {
      Fork f(S::kReplied);
      Suggestion& s = f.s;
      const std::vector<ChangeId>& heads = f.heads;
      Signed county =
          s.draft(Who::kCounty, "evaluate",
                  {{"result", "不满意"}, {"rater", "deputyA"}, {"reason", tag(trial)}}, heads);
      s.apply(county);
      s.must(Who::kCounty, "rehandle", {{"reason", "代表不满意"}});
      s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}, {"text", "已修通"}});
      std::vector<ChangeId> after = viaDetour ? std::vector<ChangeId>{detour(s, heads).id} : heads;
      Signed township =
          s.draft(Who::kOwnTownship, "evaluate",
                  {{"result", "满意"}, {"rater", "deputyA"}, {"reason", tag(trial)}}, after);
      s.apply(township);
      SuggestionView v = f.anyOrder(baseSeed() + 100 + trial);
      INFO(describe(v));
      // Round 2 stands: the re-handling, the county's rating and the reply.
      CHECK(v.round == 2);
      CHECK(v.state == S::kReplied);
      for (const auto& e : v.events)
        if (e.action != "withdraw") CHECK(e.applied);
      // Both ratings of round 1 are kept and shown as a conflict; neither counts yet.
      REQUIRE(v.ratingConflicts.size() == 1);
      const RatingConflict& c = v.ratingConflicts[0];
      CHECK(c.round == 1);
      CHECK(c.open);
      CHECK_FALSE(c.kept);
      CHECK(c.ratings.size() == 2);
      CHECK(v.leadEvaluation(1) == nullptr);
      CHECK(ratingIn(v, township.id).late);
      CHECK_FALSE(ratingIn(v, county.id).late);
      CHECK(ratingIn(v, township.id).round == 1);
      // The office settles it either way; round 2 stays open in both.
      Suggestion keepUnsat = s, keepSat = s;
      keepUnsat.must(Who::kCounty, "settle", {{"keep", toHex(county.id)}});
      keepSat.must(Who::kCounty, "settle", {{"keep", toHex(township.id)}, {"reason", "电话核实"}});
      for (auto* k : {&keepUnsat, &keepSat}) {
        SuggestionView after = k->view();
        CHECK(after.round == 2);
        CHECK(after.state == S::kReplied);
        REQUIRE(after.ratingConflict(1));
        CHECK_FALSE(after.ratingConflict(1)->open);
        REQUIRE(after.leadEvaluation(1));
      }
      CHECK(keepUnsat.view().leadEvaluation(1)->result == "unsatisfied");
      CHECK(keepSat.view().leadEvaluation(1)->result == "satisfied");
      return std::make_pair(county.id, township.id);
    });
  }
}

TEST_CASE("Suggestion concurrency: two different lead ratings of a round wait for the office",
          "[core][suggestion][concurrency]") {
  bothIdOrders([](int trial) {
    Fork f(S::kReplied);
    Suggestion& s = f.s;
    auto [sat, unsat] =
        f.race(Who::kOwnTownship, "evaluate", {{"result", "满意"}, {"reason", tag(trial)}},
               Who::kCounty, "evaluate", {{"result", "不满意"}, {"reason", tag(trial)}});
    SuggestionView v = f.anyOrder(baseSeed() + 200 + trial);
    INFO(describe(v));
    CHECK(v.state == S::kEvaluated);
    CHECK(eventIn(v, sat.id).applied);
    CHECK(eventIn(v, unsat.id).applied);
    REQUIRE(v.ratingConflict(1));
    CHECK(v.ratingConflict(1)->open);
    CHECK(v.leadEvaluation(1) == nullptr);
    // Having seen both, the office can neither re-handle nor close (without
    // its reason) until it settles them; a third rating is refused.
    for (const auto& [action, fields] :
         std::vector<std::pair<std::string, std::vector<Field>>>{{"rehandle", {}}, {"close", {}}}) {
      EventInfo e = Suggestion(s).act(Who::kCounty, action, fields);
      CHECK_FALSE(e.applied);
      CHECK_THAT(e.reason, Catch::Contains("settle") &&
                               Catch::Contains("满意 " + toHex(sat.id).substr(0, 12)));
      CHECK(s.check(Who::kCounty, action, fields).message() == e.reason);
    }
    CHECK(Suggestion(s).act(Who::kCounty, "close", {{"reason", "经研究办结"}}).applied);
    EventInfo third = Suggestion(s).act(Who::kOwnTownship, "evaluate", {{"result", "基本满意"}});
    CHECK_THAT(third.reason,
               Catch::Contains("already rated this round") && Catch::Contains("settle"));
    // Settled for 不满意, it is re-handled.
    s.must(Who::kCounty, "settle", {{"keep", toHex(unsat.id)}});
    s.must(Who::kCounty, "rehandle");
    CHECK(s.view().round == 2);
    return std::make_pair(sat.id, unsat.id);
  });
}

TEST_CASE("Suggestion concurrency: the same rating recorded on two nodes counts once",
          "[core][suggestion][concurrency]") {
  bothIdOrders([](int trial) {
    Fork f(S::kReplied);
    Suggestion& s = f.s;
    auto [a, b] =
        f.race(Who::kOwnTownship, "evaluate", {{"result", "基本满意"}, {"reason", tag(trial)}},
               Who::kCounty, "evaluate", {{"result", "基本满意"}, {"reason", tag(trial)}});
    SuggestionView v = f.anyOrder(baseSeed() + 300 + trial);
    CHECK(v.ratingConflicts.empty());
    REQUIRE(v.leadEvaluation(1));
    CHECK(v.leadEvaluation(1)->result == "basic");
    CHECK(v.evaluations.size() == 1);
    bool aFirst = eventIn(v, a.id).applied;
    CHECK(eventIn(v, b.id).applied != aFirst);
    CHECK_THAT(eventIn(v, aFirst ? b.id : a.id).reason, Catch::Contains("counts once"));
    s.must(Who::kCounty, "close");
    return std::make_pair(a.id, b.id);
  });
}

TEST_CASE("Suggestion concurrency: a settlement covers the ratings its author had seen",
          "[core][suggestion][concurrency]") {
  Fork f(S::kReplied);
  Suggestion& s = f.s;
  const std::vector<ChangeId>& heads = f.heads;
  Signed basic = s.draft(Who::kCounty, "evaluate", {{"result", "基本满意"}}, heads);
  auto [sat, unsat] = f.race(Who::kOwnTownship, "evaluate", {{"result", "满意"}}, Who::kCounty,
                             "evaluate", {{"result", "不满意"}});
  std::vector<ChangeId> both = s.record.heads();
  // Refused: a township settling a county-level item, a rating that is not
  // in conflict or not a rating at all, and no rating named.
  CHECK_THAT(s.act(Who::kOwnTownship, "settle", {{"keep", toHex(sat.id)}}).reason,
             Catch::Contains("only the county office may settle"));
  CHECK_THAT(s.act(Who::kCounty, "settle", {{"keep", toHex(heads[0])}}).reason,
             Catch::Contains("--keep"));
  CHECK_THAT(s.act(Who::kCounty, "settle").reason, Catch::Contains("--keep"));
  // Two offices settle at once, differently: still open. The same way: settled.
  Signed keepSat = s.draft(Who::kCounty, "settle", {{"keep", toHex(sat.id)}}, both);
  Signed keepUnsat = s.draft(Who::kCounty, "settle", {{"keep", toHex(unsat.id)}}, both);
  Signed keepUnsat2 =
      s.draft(Who::kCounty, "settle", {{"keep", toHex(unsat.id)}, {"reason", "再"}}, both);
  {
    Suggestion t = s;
    t.apply(keepSat);
    t.apply(keepUnsat);
    SuggestionView v = t.view();
    CHECK(eventIn(v, keepSat.id).applied);
    CHECK(eventIn(v, keepUnsat.id).applied);
    CHECK(v.ratingConflict(1)->open);
    CHECK_FALSE(v.ratingConflict(1)->kept);
    checkAnyOrder(t.changes, t.config(), f.w, describe(v), baseSeed() + 400, 10, 6);
    // A later settlement that saw both decides.
    t.must(Who::kCounty, "settle", {{"keep", toHex(unsat.id)}});
    CHECK_FALSE(t.view().ratingConflict(1)->open);
    CHECK(t.view().leadEvaluation(1)->result == "unsatisfied");
  }
  {
    Suggestion t = s;
    t.apply(keepUnsat);
    t.apply(keepUnsat2);
    SuggestionView v = t.view();
    CHECK_FALSE(v.ratingConflict(1)->open);
    CHECK(*v.ratingConflict(1)->kept == unsat.id);
    checkAnyOrder(t.changes, t.config(), f.w, describe(v), baseSeed() + 401, 10, 6);
  }
  // A third rating the settlement had not seen, and different, reopens it.
  s.apply(keepUnsat);
  CHECK_FALSE(s.view().ratingConflict(1)->open);
  s.apply(basic);
  SuggestionView v = f.anyOrder(baseSeed() + 402);
  INFO(describe(v));
  CHECK(eventIn(v, basic.id).applied);
  CHECK(v.ratingConflict(1)->open);
  CHECK(v.ratingConflict(1)->ratings.size() == 3);
  CHECK(v.leadEvaluation(1) == nullptr);
}

// --- closure against ratings, carry-over and re-handling -----------------------------------

TEST_CASE("Suggestion concurrency: the office does not close over a rating it had not seen",
          "[core][suggestion][concurrency]") {
  bothIdOrders([](int trial) {
    Fork f(S::kReplied);
    Suggestion& s = f.s;
    const std::vector<ChangeId>& heads = f.heads;
    // The county records 满意 and closes; 城关镇 records 不满意 at the same time.
    Signed sat =
        s.draft(Who::kCounty, "evaluate", {{"result", "满意"}, {"reason", tag(trial)}}, heads);
    s.apply(sat);
    Signed close = s.draft(Who::kCounty, "close", {}, std::vector<ChangeId>{sat.id});
    s.apply(close);
    Signed unsat = s.draft(Who::kOwnTownship, "evaluate",
                           {{"result", "不满意"}, {"reason", tag(trial)}}, heads);
    s.apply(unsat);
    SuggestionView v = f.anyOrder(baseSeed() + 500 + trial);
    INFO(describe(v));
    CHECK(v.state == S::kEvaluated);
    CHECK_FALSE(eventIn(v, close.id).applied);
    CHECK_THAT(eventIn(v, close.id).reason, Catch::Contains("settle"));
    CHECK(v.ratingConflict(1)->open);
    return std::make_pair(sat.id, unsat.id);
  });
}

TEST_CASE("Suggestion concurrency: a closure and a carry-over made at once both stand",
          "[core][suggestion][concurrency]") {
  for (bool viaDetour : {false, true}) {
    INFO((viaDetour ? "the closure reaches the fold after the carry-over" : "plain race"));
    bothIdOrders([&](int trial) {
      Fork f(S::kReplied);
      Suggestion& s = f.s;
      s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}});
      std::vector<ChangeId> heads = s.record.heads();
      Signed carry =
          s.draft(Who::kCounty, "carryOver", {{"years", "2"}, {"reason", tag(trial)}}, heads);
      s.apply(carry);
      std::vector<ChangeId> after = viaDetour ? std::vector<ChangeId>{detour(s, heads).id} : heads;
      Signed close = s.draft(Who::kCounty, "close", {}, after);
      s.apply(close);
      SuggestionView v = f.anyOrder(baseSeed() + 600 + trial);
      INFO(describe(v));
      CHECK(eventIn(v, close.id).applied);
      CHECK(eventIn(v, carry.id).applied);
      CHECK(v.state == S::kCarriedOver);
      CHECK(v.round == 2);
      CHECK(v.closedMs == eventIn(v, close.id).atMs);
      // The carried-over round goes on.
      s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "A"}});
      CHECK(s.view().state == S::kReplied);
      return std::make_pair(carry.id, close.id);
    });
  }
}

TEST_CASE("Suggestion concurrency: a closure never closes a round re-handled at the same time",
          "[core][suggestion][concurrency]") {
  for (bool viaDetour : {false, true}) {
    INFO((viaDetour ? "the re-handling reaches the fold after the closure" : "plain race"));
    bothIdOrders([&](int trial) {
      Fork f(S::kEvaluated);  // the lead deputy rated it 不满意
      Suggestion& s = f.s;
      const std::vector<ChangeId>& heads = f.heads;
      // One office clerk closes with the office's reason, another re-handles.
      Signed close = s.draft(Who::kCounty, "close", {{"reason", "已尽力" + tag(trial)}}, heads);
      s.apply(close);
      std::vector<ChangeId> after = viaDetour ? std::vector<ChangeId>{detour(s, heads).id} : heads;
      Signed rehandle = s.draft(Who::kCounty, "rehandle", {}, after);
      s.apply(rehandle);
      SuggestionView v = f.anyOrder(baseSeed() + 700 + trial);
      INFO(describe(v));
      CHECK(eventIn(v, rehandle.id).applied);
      CHECK(eventIn(v, close.id).applied);
      CHECK(v.state == S::kReHandling);
      CHECK(v.round == 2);
      CHECK(v.closedMs == eventIn(v, close.id).atMs);
      // Without its reason, a closure over 不满意 is refused in either order.
      Suggestion t(f.w, false);
      driveTo(t, S::kEvaluated);
      std::vector<ChangeId> h = t.record.heads();
      Signed bare = t.draft(Who::kCounty, "close", {}, h);
      t.apply(t.draft(Who::kCounty, "rehandle", {{"reason", tag(trial)}}, h));
      t.apply(bare);
      CHECK_THAT(t.eventOf(bare.id).reason, Catch::Contains("not satisfied"));
      CHECK(t.view().state == S::kReHandling);
      return std::make_pair(close.id, rehandle.id);
    });
  }
}

// --- handling: acceptance, extension and urging against the reply -----------------------

TEST_CASE("Suggestion concurrency: a unit's acceptance and reply beat its concurrent return",
          "[core][suggestion][concurrency]") {
  bothIdOrders([](int trial) {
    Fork f(S::kAssigned);
    Suggestion& s = f.s;
    const std::vector<ChangeId>& heads = f.heads;
    // One clerk records U1's acceptance and, later, its reply; another its return.
    Signed accept = s.draft(Who::kCounty, "accept", {{"unit", "U1"}, {"note", tag(trial)}}, heads);
    s.apply(accept);
    s.must(Who::kCounty, "reply", {{"unit", "U1"}, {"outcome", "B"}});
    Signed ret =
        s.draft(Who::kCounty, "return", {{"unit", "U1"}, {"reason", "不属本单位职责"}}, heads);
    s.apply(ret);
    SuggestionView v = f.anyOrder(baseSeed() + 800 + trial);
    INFO(describe(v));
    CHECK(eventIn(v, accept.id).applied);
    CHECK_FALSE(eventIn(v, ret.id).applied);
    CHECK_THAT(eventIn(v, ret.id).reason, Catch::Contains("acceptance") &&
                                              Catch::Contains("at the same time") &&
                                              Catch::Contains(toHex(accept.id).substr(0, 12)));
    CHECK(v.state == S::kReplied);
    CHECK_FALSE(v.units[0].returned);
    return std::make_pair(accept.id, ret.id);
  });
}

TEST_CASE("Suggestion concurrency: an extension made before the reply was seen stands",
          "[core][suggestion][concurrency]") {
  for (bool viaDetour : {false, true}) {
    INFO((viaDetour ? "the extension reaches the fold after the reply" : "plain race"));
    bothIdOrders([&](int trial) {
      Fork f(S::kInProgress);
      Suggestion& s = f.s;
      const std::vector<ChangeId>& heads = f.heads;
      std::string to = formatDate(s.view().deadlineMs + 30 * kDayMs);
      Signed reply = s.draft(Who::kCounty, "reply",
                             {{"unit", "U1"}, {"outcome", "A"}, {"text", tag(trial)}}, heads);
      s.apply(reply);
      s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}});
      s.must(Who::kCounty, "close");
      std::vector<ChangeId> after = viaDetour ? std::vector<ChangeId>{detour(s, heads).id} : heads;
      Signed extend = s.draft(Who::kCounty, "extend", {{"deadline", to}}, after);
      s.apply(extend);
      SuggestionView v = f.anyOrder(baseSeed() + 900 + trial);
      INFO(describe(v));
      CHECK(eventIn(v, extend.id).applied);
      CHECK(eventIn(v, reply.id).applied);
      CHECK(formatDate(v.deadlineMs) == to);
      CHECK(v.extensions == 1);
      CHECK(v.state == S::kClosed);
      return std::make_pair(reply.id, extend.id);
    });
  }
}

TEST_CASE("Suggestion concurrency: an urge made before the reply was seen is kept after closure",
          "[core][suggestion][concurrency]") {
  for (bool viaDetour : {false, true}) {
    INFO((viaDetour ? "the urge reaches the fold after the closure" : "plain race"));
    bothIdOrders([&](int trial) {
      Fork f(S::kInProgress);
      Suggestion& s = f.s;
      const std::vector<ChangeId>& heads = f.heads;
      Signed reply = s.draft(Who::kCounty, "reply",
                             {{"unit", "U1"}, {"outcome", "A"}, {"text", tag(trial)}}, heads);
      s.apply(reply);
      s.must(Who::kOwnTownship, "evaluate", {{"result", "满意"}});
      s.must(Who::kCounty, "close");
      std::vector<ChangeId> after = viaDetour ? std::vector<ChangeId>{detour(s, heads).id} : heads;
      // The deputy urges on 城关镇's node and, the same day, by phone at the county.
      Signed urge =
          s.draft(Who::kOwnTownship, "urge", {{"by", "deputyA"}, {"findings", tag(trial)}}, after);
      Signed phoned = s.draft(Who::kCounty, "urge", {{"by", "deputyA"}}, heads);
      s.apply(urge);
      s.apply(phoned);
      SuggestionView v = f.anyOrder(baseSeed() + 1000 + trial);
      INFO(describe(v));
      CHECK(eventIn(v, urge.id).applied);
      CHECK(eventIn(v, phoned.id).applied);
      CHECK(v.urges == 2);
      CHECK(v.state == S::kClosed);
      // One that saw the reply is refused, as before.
      CHECK_THAT(s.act(Who::kOwnTownship, "urge", {{"by", "deputyB"}}).reason,
                 Catch::Contains("cannot urge"));
      return std::make_pair(reply.id, urge.id);
    });
  }
}

// --- the fold's view of who had seen what ------------------------------------------------

TEST_CASE("Suggestion history: ancestry is the same kept as bit sets or walked",
          "[core][suggestion][concurrency]") {
  Fork f(S::kReplied);
  auto [sat, unsat] = f.race(Who::kOwnTownship, "evaluate", {{"result", "满意"}}, Who::kCounty,
                             "evaluate", {{"result", "不满意"}});
  detour(f.s, f.heads);
  f.s.must(Who::kCounty, "settle", {{"keep", toHex(unsat.id)}});
  const Record& r = f.s.record;
  detail::History bits(r), walked(r, 0);
  REQUIRE(bits.order() == walked.order());
  size_t seen = 0;
  for (const auto& a : r.versions)
    for (const auto& b : r.versions) {
      INFO(toHex(a.id) << " saw " << toHex(b.id));
      CHECK(bits.saw(a.id, b.id) == walked.saw(a.id, b.id));
      seen += bits.saw(a.id, b.id);
    }
  // Every version saw the creation; the two ratings and the detour saw the same past.
  CHECK(seen > r.versions.size());
  CHECK_FALSE(bits.saw(r.id, r.id));
  for (const auto& v : r.versions)
    if (v.id != r.id) CHECK(bits.saw(v.id, r.id));
}

}  // namespace
}  // namespace renda::domain
