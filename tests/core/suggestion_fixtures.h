// SPDX-License-Identifier: Apache-2.0
// Fixtures for the suggestion life-cycle tests (suggestion_test.cpp,
// suggestion_rounds_test.cpp, suggestion_concurrency_test.cpp,
// field_groups_test.cpp): three enrolled nodes and an unknown key, a
// suggestion record built from signed changes one day apart, the canonical
// path of domain.md §3.2 to any state, a full description of a folded view
// for comparing folds, and the check that every delivery order folds the
// same. Header-only.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/domain/config.h"
#include "core/domain/suggestion.h"
#include "core/record.h"
#include "tests/core/fixtures.h"

namespace renda::domain::testing {

using test::Author;
using test::Signed;
using S = SuggestionState;

// 2026-03-02 00:00 China time: events fall on midnights, so dates compare exactly.
inline const uint64_t kT0 = *parseDate("2026-03-02");

enum class Who { kCounty, kOwnTownship, kOtherTownship, kStranger };
inline const Who kAllWho[] = {Who::kCounty, Who::kOwnTownship, Who::kOtherTownship, Who::kStranger};
inline const char* whoName(Who w) {
  switch (w) {
    case Who::kCounty: return "county office";
    case Who::kOwnTownship: return "城关镇 node";
    case Who::kOtherTownship: return "东风乡 node";
    case Who::kStranger: return "unknown key";
  }
  return "?";
}

// Three enrolled nodes and a key nobody certified.
class World {
 public:
  World() {
    enroll(county, "", Role::kCounty);
    enroll(chengguan, "城关镇", Role::kTownship);
    enroll(dongfeng, "东风乡", Role::kTownship);
  }
  MemberLookup lookup() const {
    return [this](const PublicKey& k) -> const Membership* {
      auto it = members_.find(k);
      return it == members_.end() ? nullptr : &it->second;
    };
  }
  Author& author(Who w) {
    switch (w) {
      case Who::kCounty: return county;
      case Who::kOwnTownship: return chengguan;
      case Who::kOtherTownship: return dongfeng;
      case Who::kStranger: return stranger;
    }
    return stranger;
  }

  NetworkId net = test::networkFromByte(0x5a);
  Author county{0xc0, net}, chengguan{0xc1, net}, dongfeng{0xc2, net}, stranger{0xc9, net};

 private:
  void enroll(const Author& a, const char* township, Role role) {
    Membership m;
    m.subject = a.publicKey();
    m.township = township;
    m.role = role;
    m.label = township;
    members_.emplace(m.subject, m);
  }
  std::map<PublicKey, Membership> members_;
};

// One suggestion of 城关镇's deputy, county-level or township-level, as a record
// built from signed changes. Each event follows the record's heads and happens
// one day after the previous one.
class Suggestion {
 public:
  Suggestion(World& w, bool townshipLevel, Config config = {})
      : w_(&w), township_(townshipLevel), config_(std::move(config)) {
    std::vector<Field> fields = {{"title", "关于修缮村道的建议"}, {"lead", "deputyA"},
                                 {"category", "农业农村"}};
    if (townshipLevel) fields.push_back({"level", "township"});
    Signed c = w.chengguan.create("城关镇", fields, RecordKind::kSuggestion, Hlc::make(kT0, 0));
    record = createRecord(c.change, c.id, true);
    changes.push_back(c);
  }

  // The node that runs the office side: the county, or 城关镇 for its own items.
  Who office() const { return township_ ? Who::kOwnTownship : Who::kCounty; }
  bool townshipLevel() const { return township_; }
  const Config& config() const { return config_; }
  uint64_t nextMs() const { return clockMs_ + kDayMs; }
  // Moves the clock on: the next event happens `days` + 1 days after the last.
  void advanceDays(int days) { clockMs_ += uint64_t(days) * kDayMs; }

  // A signed event following `parents` (default: the current heads), not yet applied.
  Signed draft(Who who, const std::string& action, std::vector<Field> fields,
               std::optional<std::vector<ChangeId>> parents = std::nullopt) {
    clockMs_ += kDayMs;
    Change c = Author::updateOp(record.id, parents ? *parents : record.heads(), std::move(fields),
                                Hlc::make(clockMs_, 0));
    c.action = action;
    return w_->author(who).add(std::move(c));
  }
  // Draft and apply; returns the folded event.
  EventInfo act(Who who, const std::string& action, std::vector<Field> fields = {}) {
    Signed s = draft(who, action, std::move(fields));
    apply(s);
    return eventOf(s.id);
  }
  void apply(const Signed& s) {
    REQUIRE(applyUpdate(record, s.change, s.id, true).isOk());
    changes.push_back(s);
  }
  // act(), which must be applied.
  void must(Who who, const std::string& action, std::vector<Field> fields = {}) {
    EventInfo e = act(who, action, std::move(fields));
    INFO(action << " by " << whoName(who) << ": " << e.reason);
    REQUIRE(e.applied);
  }
  SuggestionView view() const { return foldSuggestion(record, config_, w_->lookup()); }
  EventInfo eventOf(const ChangeId& id) const {
    for (const auto& e : view().events)
      if (e.id == id) return e;
    FAIL("no event for that change");
    return {};
  }
  Status check(Who who, const std::string& action, const std::vector<Field>& fields) const {
    return checkEvent(record, config_, w_->lookup(), w_->author(who).publicKey(), action, fields,
                      nextMs());
  }

  Record record;
  std::vector<Signed> changes;

 private:
  World* w_;
  bool township_;
  Config config_;
  uint64_t clockMs_ = kT0;
};

// Replays the canonical path of §3.2 to `target`.
inline void driveTo(Suggestion& s, S target) {
  Who office = s.office(), deputy = Who::kOwnTownship;
  auto registered = [&] {
    s.must(deputy, "submit");
    s.must(office, "register", {{"number", "十八届二次-001"}});
  };
  auto assigned = [&] {
    registered();
    s.must(office, "assign", {{"unit", "U1"}, {"role", "lead"}});
  };
  auto inProgress = [&] {
    assigned();
    s.must(office, "accept", {{"unit", "U1"}});
  };
  auto replied = [&] {
    inProgress();
    s.must(office, "reply", {{"unit", "U1"}, {"outcome", "B"}, {"text", "已列入明年计划"}});
  };
  auto evaluated = [&] {
    replied();
    s.must(deputy, "evaluate", {{"result", "不满意"}, {"rater", "deputyA"}, {"reason", "未落实"}});
  };
  switch (target) {
    case S::kDraft: break;
    case S::kSubmitted: s.must(deputy, "submit"); break;
    case S::kRegistered: registered(); break;
    case S::kRejected:
      s.must(deputy, "submit");
      s.must(office, "reject", {{"reason", "属个人诉求"}});
      break;
    case S::kWithdrawn:
      s.must(deputy, "submit");
      s.must(deputy, "withdraw", {{"reason", "代表撤回"}});
      break;
    case S::kSelfHandled:
      REQUIRE(s.townshipLevel());
      s.must(deputy, "submit");
      s.must(office, "selfHandle", {{"text", "镇里自行解决"}});
      break;
    case S::kAssigned: assigned(); break;
    case S::kReturned:
      assigned();
      s.must(office, "return", {{"unit", "U1"}, {"reason", "不属本单位职责"}});
      break;
    case S::kInProgress: inProgress(); break;
    case S::kReplied: replied(); break;
    case S::kEvaluated: evaluated(); break;
    case S::kReHandling:
      evaluated();
      s.must(office, "rehandle");
      break;
    case S::kClosed:
      replied();
      s.must(deputy, "evaluate", {{"result", "满意"}, {"rater", "deputyA"}});
      s.must(office, "close");
      break;
    case S::kCarriedOver:
      replied();
      s.must(office, "carryOver", {{"years", "2"}});
      break;
  }
  INFO("driving to " << stateName(target));
  REQUIRE(s.view().state == target);
}


// Every field of a view, for comparing two folds.
inline std::string describe(const SuggestionView& v) {
  std::ostringstream o;
  o << toHex(v.id) << '|' << v.scope << '|' << v.level << '|' << v.kind << '|' << v.title << '|'
    << v.number << '|' << v.lead << '|' << stateName(v.state) << '|' << v.round << '|' << v.key
    << v.keyLeader << '|' << v.submittedMs << ',' << v.registeredMs << ',' << v.assignedMs << ','
    << v.deadlineMs << ',' << v.roundStartMs << ',' << v.round1DeadlineMs << ','
    << v.firstReplyMs << ',' << v.lastReplyMs
    << ',' << v.closedMs << '|' << v.extensions << ',' << v.carryOverYears << ',' << v.urges << '\n';
  for (const auto& [d, agreed] : v.cosigners) o << "cosigner " << d << agreed << '\n';
  for (const auto& u : v.units) {
    o << "unit " << u.unit << ' ' << u.role << ' ' << u.round << ' ' << u.assignedMs << ' '
      << u.accepted << u.returned << u.returnReason << u.kept << u.keepReason << ' ' << u.metMs
      << ' ' << u.progress.size()
      << (u.reply ? " replied " + u.reply->outcome : std::string()) << '\n';
  }
  for (const auto& r : v.replies)
    o << "reply " << toHex(r.id) << r.unit << r.round << r.outcome << r.text << r.atMs << '\n';
  for (const auto& e : v.evaluations)
    o << "evaluation " << toHex(e.id) << ' ' << e.round << e.rater << e.raterRole << e.process
      << e.result << e.reason << e.anonymous << e.atMs << (e.late ? " late" : "") << '\n';
  for (const auto& c : v.ratingConflicts) {
    o << "conflict " << c.round << (c.open ? " open" : " settled")
      << (c.kept ? " kept " + toHex(*c.kept) : std::string());
    for (const auto& id : c.ratings) o << ' ' << toHex(id);
    o << '\n';
  }
  for (const auto& s : v.supervision) o << "supervision " << s.action << s.kind << s.by << s.atMs << '\n';
  for (const auto& e : v.events)
    o << "event " << toHex(e.id) << ' ' << e.action << ' ' << e.applied << ' ' << e.reason << '\n';
  return o.str();
}

inline uint64_t baseSeed() {
  const char* env = std::getenv("RENDA_TEST_SEED");
  return env ? std::strtoull(env, nullptr, 0) : 0x5e6a2026u;
}

inline std::vector<FoldInput> inputsOf(const std::vector<Signed>& changes) {
  std::vector<FoldInput> in;
  for (const auto& s : changes) in.push_back({s.id, &s.change, true});
  return in;
}

// Every shuffled full fold and every random incremental delivery of
// `changes` gives the same record bytes and the same view as `wantView`:
// `shuffles` full folds in random orders, `incremental` deliveries in random
// causal orders (a parent before its child).
inline void checkAnyOrder(const std::vector<Signed>& changes, const Config& config, const World& w,
                          const std::string& wantView, uint64_t seed, int shuffles = 30,
                          int incremental = 10) {
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  auto first = foldRecord(inputsOf(changes));
  REQUIRE(first.isOk());
  std::string bytes = encodeRecord(*first);
  for (int i = 0; i < shuffles; ++i) {
    auto in = inputsOf(changes);
    std::shuffle(in.begin(), in.end(), rng);
    auto r = foldRecord(in);
    REQUIRE(r.isOk());
    CHECK(encodeRecord(*r) == bytes);
    CHECK(describe(foldSuggestion(*r, config, w.lookup())) == wantView);
  }
  for (int i = 0; i < incremental; ++i) {
    std::vector<const Signed*> pending;
    for (size_t k = 1; k < changes.size(); ++k) pending.push_back(&changes[k]);
    Record r = createRecord(changes[0].change, changes[0].id, true);
    while (!pending.empty()) {
      std::vector<size_t> ready;
      for (size_t k = 0; k < pending.size(); ++k) {
        bool ok = true;
        for (const auto& p : pending[k]->change.parents) ok = ok && r.version(p);
        if (ok) ready.push_back(k);
      }
      REQUIRE_FALSE(ready.empty());
      size_t pick = ready[rng() % ready.size()];
      REQUIRE(applyUpdate(r, pending[pick]->change, pending[pick]->id, true).isOk());
      pending.erase(pending.begin() + static_cast<long>(pick));
    }
    CHECK(encodeRecord(r) == bytes);
    CHECK(describe(foldSuggestion(r, config, w.lookup())) == wantView);
  }
}

// Where two nodes part: a county-level suggestion driven to `state`, and the
// record's heads there, which each node's next change follows.
struct Fork {
  explicit Fork(S state) {
    driveTo(s, state);
    heads = s.record.heads();
  }
  Fork(const Fork&) = delete;  // `s` points at `w`
  Fork& operator=(const Fork&) = delete;

  // Two changes written from `heads`, neither having seen the other; both applied.
  std::pair<Signed, Signed> race(Who whoA, const std::string& actionA, std::vector<Field> fieldsA,
                                 Who whoB, const std::string& actionB, std::vector<Field> fieldsB) {
    Signed a = s.draft(whoA, actionA, std::move(fieldsA), heads);
    Signed b = s.draft(whoB, actionB, std::move(fieldsB), heads);
    s.apply(a);
    s.apply(b);
    return {a, b};
  }
  // checkAnyOrder() of every change so far against the current view, which
  // it returns.
  SuggestionView anyOrder(uint64_t seed, int shuffles = 10, int incremental = 6) const {
    SuggestionView v = s.view();
    INFO(describe(v));
    checkAnyOrder(s.changes, s.config(), w, describe(v), seed, shuffles, incremental);
    return v;
  }

  World w;
  Suggestion s{w, false};
  std::vector<ChangeId> heads;
};

}  // namespace renda::domain::testing
