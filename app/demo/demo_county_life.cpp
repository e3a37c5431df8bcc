// SPDX-License-Identifier: Apache-2.0
// The demo county's plan, part two: ≈200 suggestions in four cohorts (the
// county congress's 2025 and 2026 sessions, 2026 inter-session items, and
// township-level items of each township congress's 2026 session), each sent
// down one path of the life cycle (domain.md §3): drafts, withdrawals,
// rejections, items waiting for registration or acceptance, returns and
// re-assignment, extensions, lead/assisting/separate units, replies on time
// and late, ratings of every grade, re-handling, closure, carry-over, key
// suggestions with supervision and urging. Every path is covered before the
// rest are drawn by weight. Each event is planned for the node whose role may
// take it, and the planner records what it decided (SuggestionFacts).
#include <algorithm>
#include <map>
#include <set>

#include "app/demo/demo_county_events.h"
#include "app/demo/demo_county_plan.h"
#include "app/demo/demo_county_text.h"
#include "core/domain/config.h"

namespace renda::app::demo {

namespace {

constexpr int kCounty = 0;
constexpr int kWork = 3;  // write stage of suggestion records (after deputies)

enum class Cohort { k2025, k2026, kInterSession, kTownship };

enum class Path {
  kDraft,
  kSubmittedOnly,
  kWithdrawn,
  kRejected,
  kSelfHandled,
  kRegisteredOnly,
  kAssignedAwaiting,
  kInProgressNear,
  kInProgressNormal,
  kInProgressOverdue,
  kExtendedOverdue,
  kExtendedOnTime,
  kReturnedClosed,
  kAssistingClosed,
  kSeparateClosed,
  kLateClosed,
  kClosedSatisfied,
  kClosedBasic,
  kRepliedAwaitingRating,
  kUnsatRehandledClosed,
  kUnsatRehandling,
  kUnsatClosedWithReason,
  kUnsatAwaitingOffice,
  kCarriedOver,
  kCarriedOverReplied,
  kKeySupervisedClosed,
  kKeyUrgedOverdue,
};

const char* pathName(Path p) {
  static const char* names[] = {"draft",
                                "submittedOnly",
                                "withdrawn",
                                "rejected",
                                "selfHandled",
                                "registeredOnly",
                                "assignedAwaiting",
                                "inProgressNear",
                                "inProgressNormal",
                                "inProgressOverdue",
                                "extendedOverdue",
                                "extendedOnTime",
                                "returnedClosed",
                                "assistingClosed",
                                "separateClosed",
                                "lateClosed",
                                "closedSatisfied",
                                "closedBasic",
                                "repliedAwaitingRating",
                                "unsatRehandledClosed",
                                "unsatRehandling",
                                "unsatClosedWithReason",
                                "unsatAwaitingOffice",
                                "carriedOver",
                                "carriedOverReplied",
                                "keySupervisedClosed",
                                "keyUrgedOverdue"};
  return names[int(p)];
}

struct Deck {
  std::vector<Path> mustCover;  // in priority order
  std::vector<std::pair<Path, int>> weights;
};

const Deck& deckFor(Cohort c) {
  using P = Path;
  static const Deck k2025 = {
      {P::kCarriedOverReplied, P::kClosedSatisfied, P::kUnsatClosedWithReason, P::kCarriedOver,
       P::kClosedBasic, P::kAssistingClosed},
      {{P::kClosedSatisfied, 64},
       {P::kClosedBasic, 6},
       {P::kAssistingClosed, 10},
       {P::kCarriedOver, 8},
       {P::kCarriedOverReplied, 6},
       {P::kUnsatClosedWithReason, 3},
       {P::kLateClosed, 3}}};
  static const Deck k2026 = {{P::kClosedSatisfied,     P::kInProgressOverdue,
                              P::kKeySupervisedClosed, P::kUnsatRehandledClosed,
                              P::kCarriedOver,         P::kReturnedClosed,
                              P::kAssistingClosed,     P::kExtendedOnTime,
                              P::kExtendedOverdue,     P::kRepliedAwaitingRating,
                              P::kUnsatRehandling,     P::kUnsatClosedWithReason,
                              P::kKeyUrgedOverdue,     P::kSeparateClosed,
                              P::kLateClosed,          P::kClosedBasic,
                              P::kCarriedOverReplied,  P::kUnsatAwaitingOffice,
                              P::kWithdrawn,           P::kRejected},
                             {{P::kClosedSatisfied, 44},
                              {P::kClosedBasic, 4},
                              {P::kAssistingClosed, 12},
                              {P::kLateClosed, 6},
                              {P::kSeparateClosed, 2},
                              {P::kReturnedClosed, 3},
                              {P::kRepliedAwaitingRating, 3},
                              {P::kInProgressOverdue, 4},
                              {P::kExtendedOnTime, 2},
                              {P::kExtendedOverdue, 1},
                              {P::kUnsatRehandledClosed, 3},
                              {P::kUnsatRehandling, 1},
                              {P::kUnsatClosedWithReason, 1},
                              {P::kUnsatAwaitingOffice, 1},
                              {P::kCarriedOver, 4},
                              {P::kCarriedOverReplied, 3},
                              {P::kKeySupervisedClosed, 2},
                              {P::kKeyUrgedOverdue, 1},
                              {P::kWithdrawn, 2},
                              {P::kRejected, 2}}};
  static const Deck kInter = {
      {P::kInProgressNear, P::kSubmittedOnly, P::kRegisteredOnly, P::kAssignedAwaiting,
       P::kInProgressNormal, P::kClosedSatisfied, P::kDraft, P::kInProgressOverdue,
       P::kRepliedAwaitingRating, P::kInProgressNear, P::kWithdrawn, P::kRejected,
       P::kUnsatRehandling},
      {{P::kInProgressNear, 15},
       {P::kInProgressNormal, 15},
       {P::kInProgressOverdue, 8},
       {P::kSubmittedOnly, 8},
       {P::kRegisteredOnly, 8},
       {P::kAssignedAwaiting, 6},
       {P::kClosedSatisfied, 20},
       {P::kRepliedAwaitingRating, 8},
       {P::kWithdrawn, 4},
       {P::kRejected, 4},
       {P::kDraft, 3},
       {P::kUnsatRehandling, 1}}};
  static const Deck kTown = {{P::kClosedSatisfied, P::kSelfHandled, P::kInProgressOverdue,
                              P::kRepliedAwaitingRating, P::kUnsatRehandledClosed, P::kClosedBasic},
                             {{P::kClosedSatisfied, 66},
                              {P::kClosedBasic, 4},
                              {P::kSelfHandled, 10},
                              {P::kInProgressOverdue, 8},
                              {P::kRepliedAwaitingRating, 6},
                              {P::kUnsatRehandledClosed, 6}}};
  switch (c) {
    case Cohort::k2025:
      return k2025;
    case Cohort::k2026:
      return k2026;
    case Cohort::kInterSession:
      return kInter;
    default:
      return kTown;
  }
}

std::vector<Path> deal(Rng& rng, Cohort c, size_t n) {
  const Deck& d = deckFor(c);
  std::vector<Path> out(d.mustCover.begin(),
                        d.mustCover.begin() + long(std::min(n, d.mustCover.size())));
  std::vector<int> w;
  for (const auto& [p, weight] : d.weights) w.push_back(weight);
  while (out.size() < n) out.push_back(d.weights[rng.weighted(w)].first);
  for (size_t i = out.size(); i > 1; --i) std::swap(out[i - 1], out[rng.below(i)]);
  return out;
}

bool isCarried(Path p) { return p == Path::kCarriedOver || p == Path::kCarriedOverReplied; }
bool isUnsat(Path p) {
  return p == Path::kUnsatRehandledClosed || p == Path::kUnsatRehandling ||
         p == Path::kUnsatClosedWithReason || p == Path::kUnsatAwaitingOffice;
}
bool isKey(Path p) { return p == Path::kKeySupervisedClosed || p == Path::kKeyUrgedOverdue; }
bool noReply(Path p) {
  return p == Path::kInProgressNear || p == Path::kInProgressNormal ||
         p == Path::kInProgressOverdue || p == Path::kExtendedOverdue ||
         p == Path::kKeyUrgedOverdue;
}

const char* committeeFor(const std::string& category) {
  if (category == "财政经济") return "财政经济工作委员会";
  if (category == "农业农村") return "农业农村工作委员会";
  if (category == "城建环资") return "城建环资工作委员会";
  if (category == "教科文卫") return "教科文卫工作委员会";
  if (category == "内务司法") return "监察和司法工作委员会";
  return "社会建设工作委员会";
}

class SuggestionPlanner {
 public:
  explicit SuggestionPlanner(PlanContext& ctx) : ctx_(ctx), rng_(ctx.rng), plan_(ctx.plan) {
    for (size_t i = 0; i < ctx.countyUnits.size(); ++i) {
      unitName_[ctx.countyUnits[i]] = countyUnits()[i].name;
      docPrefix_[ctx.countyUnits[i]] = countyUnits()[i].abbr;
    }
    for (size_t t = 1; t < ctx.townshipUnits.size(); ++t)
      for (size_t k = 0; k < ctx.townshipUnits[t].size(); ++k) {
        int u = ctx.townshipUnits[t][k];
        unitName_[u] = plan_.records[size_t(u)].get("name");
        docPrefix_[u] = plan_.townships[t].name.substr(0, 6) + "政函";
      }
  }

  void run() {
    struct Slot {
      int township;
      Cohort cohort;
    };
    std::vector<std::vector<Slot>> slots(4);
    for (int t = 1; t < int(plan_.townships.size()); ++t) {
      size_t counties = pool(t, true).size();
      auto count = [&](double share, int least) {
        return std::max(least, int(double(counties) * share + 0.5));
      };
      for (int i = 0, n = count(0.1, 1); i < n; ++i) slots[0].push_back({t, Cohort::k2025});
      for (int i = 0, n = count(0.42, 2); i < n; ++i) slots[1].push_back({t, Cohort::k2026});
      for (int i = 0, n = count(0.1, 1); i < n; ++i) slots[2].push_back({t, Cohort::kInterSession});
      if (plan_.townships[size_t(t)].congress)
        for (int i = 0, n = rng_.between(1, 3); i < n; ++i)
          slots[3].push_back({t, Cohort::kTownship});
    }
    for (auto& cohort : slots) {
      if (cohort.empty()) continue;
      auto paths = deal(rng_, cohort.front().cohort, cohort.size());
      for (size_t i = 0; i < cohort.size(); ++i)
        suggestion(cohort[i].township, cohort[i].cohort, paths[i]);
    }
  }

 private:
  // Deputies in office of township t who may lead items of the level.
  std::vector<const PlanDeputy*> pool(int t, bool countyLevel) const {
    std::vector<const PlanDeputy*> out;
    for (const auto& d : ctx_.deputies)
      if (d.township == t && d.active && (countyLevel ? d.county : d.townshipSeat))
        out.push_back(&d);
    return out;
  }

  std::string outcomeFor(const std::string& scheme, bool carried, bool followUp) {
    static const std::vector<std::string> abcd = {"A", "B", "C", "D"}, jyb = {"甲", "乙", "丙"};
    const auto& codes = scheme == "甲乙丙" ? jyb : abcd;
    if (followUp) return codes[rng_.chance(0.7) ? 0 : 1];
    if (carried) return codes[rng_.chance(0.6) ? 1 : 2];
    if (scheme == "甲乙丙") return codes[rng_.weighted({60, 30, 10})];
    return codes[rng_.weighted({60, 28, 8, 4})];
  }
  static std::string classOf(const std::string& code) {
    if (code == "甲") return "A";
    if (code == "乙") return "B";
    if (code == "丙") return "C";
    return code;
  }

  std::string numberFor(Cohort c, int t) {
    char buf[96];
    int n = ++numbers_[int(c) * 1000 + (c == Cohort::kTownship ? t : 0)];
    switch (c) {
      case Cohort::k2025:
        std::snprintf(buf, sizeof buf, "十八届四次-%03d", n);
        break;
      case Cohort::k2026:
        std::snprintf(buf, sizeof buf, "十八届五次-%03d", n);
        break;
      case Cohort::kInterSession:
        std::snprintf(buf, sizeof buf, "闭-2026-%03d", n);
        break;
      default:
        std::snprintf(buf, sizeof buf, "%s%s-%02d", plan_.townships[size_t(t)].name.c_str(),
                      plan_.townships[size_t(t)].sessionTag.c_str(), n);
    }
    return buf;
  }

  // When an item is submitted, registered and assigned.
  struct Anchors {
    Day submit = 0, registered = 0, assigned = 0;
  };
  Anchors anchors(Cohort c, Path p, int t) {
    Anchors a;
    Day now = plan_.now;
    if (c == Cohort::kInterSession) {
      switch (p) {
        case Path::kSubmittedOnly:
          a.submit = now - rng_.between(1, 12);
          return a;
        case Path::kDraft:
        case Path::kWithdrawn:
        case Path::kRejected:
          a.submit = std::min(now - 20, dayOf(2026, 3, 1) + rng_.between(0, 200));
          return a;
        case Path::kRegisteredOnly:
          a.submit = now - rng_.between(10, 25);
          a.registered = std::min(now - 1, a.submit + rng_.between(3, 8));
          return a;
        case Path::kAssignedAwaiting:
          a.assigned = now - rng_.between(0, 5);
          break;
        case Path::kInProgressNear:
          a.assigned = now - 90 + rng_.between(0, 14);
          break;
        case Path::kInProgressNormal:
          a.assigned = now - rng_.between(20, 70);
          break;
        case Path::kInProgressOverdue:
          a.assigned = now - rng_.between(100, 160);
          break;
        case Path::kRepliedAwaitingRating:
          a.assigned = now - rng_.between(60, 120);
          break;
        case Path::kUnsatRehandling:
          a.assigned = now - rng_.between(120, 150);
          break;
        default:
          a.assigned = now - rng_.between(130, 200);
      }
      a.registered = a.assigned - rng_.between(4, 10);
      a.submit = a.registered - rng_.between(3, 8);
      return a;
    }
    Day session = c == Cohort::k2025   ? ctx_.session2025Day
                  : c == Cohort::k2026 ? ctx_.session2026Day
                                       : townshipSessionDay(t);
    a.submit = session + rng_.between(0, 2);
    if (c == Cohort::kTownship) {
      a.registered = a.submit + rng_.between(2, 6);
      a.assigned = a.registered + rng_.between(3, 8);
    } else {
      a.registered = a.submit + rng_.between(5, 15);
      a.assigned =
          (c == Cohort::k2025 ? dayOf(2025, 2, 18) : dayOf(2026, 2, 10)) + rng_.between(0, 3);
    }
    return a;
  }
  Day townshipSessionDay(int t) const {
    const PlannedRecord& r = plan_.records[size_t(plan_.townships[size_t(t)].session)];
    return dayOf(std::stoi(r.get("startDate").substr(0, 4)),
                 std::stoi(r.get("startDate").substr(5, 2)),
                 std::stoi(r.get("startDate").substr(8, 2)));
  }

  void suggestion(int t, Cohort c, Path p) {
    const TownshipPlan& tp = plan_.townships[size_t(t)];
    bool townshipLevel = c == Cohort::kTownship;
    auto leads = pool(t, !townshipLevel);
    if (leads.empty()) return;
    const PlanDeputy* lead = rng_.pick(leads);
    std::string category = rng_.pick(domain::Config{}.categories);
    const auto& villages = ctx_.villages[size_t(t)];
    std::string village = villages.empty() ? tp.name : rng_.pick(villages);
    SuggestionText text = suggestionText(rng_, category, tp.name, village, townshipLevel);
    bool motion = c == Cohort::k2026 && leads.size() >= 7 &&
                  (p == Path::kClosedSatisfied || p == Path::kAssistingClosed) && rng_.chance(0.06);
    std::vector<Field> f = {{"title", text.title},
                            {"body", text.body},
                            {"category", category},
                            {"level", townshipLevel ? "乡镇级" : "县级"},
                            {"kind", motion ? "议案" : "建议"},
                            {"submittedIn", c == Cohort::kInterSession ? "闭会期间" : "大会期间"},
                            {"public", rng_.chance(0.7)    ? "全文公开"
                                       : rng_.chance(0.67) ? "摘要公开"
                                                           : "不公开"}};
    if (motion) f.push_back({"handledAs", "议案未列入大会议程，作为建议处理"});
    std::vector<Ref> refs = {{"lead", {lead->record}}};
    int session = c == Cohort::k2025   ? ctx_.session2025
                  : c == Cohort::k2026 ? ctx_.session2026
                  : townshipLevel      ? tp.session
                                       : -1;
    if (session >= 0) refs.push_back({"session", {session}});
    PlannedRecord r;
    r.node = t;
    r.stage = kWork;
    r.kind = RecordKind::kSuggestion;
    r.scope = tp.name;
    r.fields = std::move(f);
    r.refs = std::move(refs);
    plan_.records.push_back(std::move(r));

    SuggestionFacts s;
    s.record = int(plan_.records.size()) - 1;
    s.township = t;
    s.lead = lead->record;
    s.townshipLevel = townshipLevel;
    s.session = session;
    s.scheme = townshipLevel ? tp.scheme : "ABCD";
    s.path = pathName(p);
    plan_.suggestions.push_back(std::move(s));
    SuggestionFacts& facts = plan_.suggestions.back();
    LifeEvents life(ctx_, facts, townshipLevel ? t : kCounty);
    std::vector<const PlanDeputy*> others;
    for (const PlanDeputy* d : leads)
      if (d != lead) others.push_back(d);
    lifeCycle(life, facts, c, p, t, category, lead, others, motion);
  }

  // One item as it goes through the life cycle, from assignment on.
  struct Item {
    LifeEvents& life;
    SuggestionFacts& s;
    Cohort cohort;
    Path path;
    int township;
    std::string category;
    const PlanDeputy* lead;
    std::vector<std::pair<int, std::string>> units;  // unit record, role (lead first)
    Day accepted = 0;
    Day replied = 0;  // when round 1 is answered; 0 when it is not by now
    int leadUnit() const { return units.front().first; }
  };

  void lifeCycle(LifeEvents& L, SuggestionFacts& s, Cohort c, Path p, int t,
                 const std::string& category, const PlanDeputy* lead,
                 std::vector<const PlanDeputy*> others, bool motion) {
    Anchors a = anchors(c, p, t);
    if (p == Path::kDraft) return;
    if (!L.submit(a.submit)) return;
    // Co-signers: a motion needs at least five.
    int cosigners = motion ? rng_.between(5, 6) : int(rng_.weighted({35, 30, 20, 15}));
    for (int k = 0; k < cosigners && !others.empty(); ++k) {
      size_t i = rng_.below(others.size());
      L.cosign(others[i]->record, motion || rng_.chance(0.9), a.submit + rng_.between(0, 2));
      others.erase(others.begin() + long(i));
    }
    if (p == Path::kWithdrawn) return L.withdraw(a.submit + rng_.between(3, 6));
    if (p == Path::kRejected) return L.reject(a.submit + rng_.between(4, 10));
    if (p == Path::kSubmittedOnly) return;
    if (p == Path::kSelfHandled) return L.selfHandle(a.submit + rng_.between(3, 20));
    if (!L.registerAs(numberFor(c, t), a.registered)) return;
    if (isKey(p))
      L.markKey("县人大常委会副主任" + personName(rng_, rng_.chance(0.3)), committeeFor(category),
                a.registered + rng_.between(1, 5));
    if (p == Path::kRegisteredOnly) return;
    Item item{L, s, c, p, t, category, lead, {}};
    if (!assignUnits(item, a.assigned) || p == Path::kAssignedAwaiting) return;
    item.replied = replyDay(item);
    if (!beforeReply(item) || noReply(p)) return;
    if (!replyRound1(item) || p == Path::kRepliedAwaitingRating) return;
    Day rated = item.replied + rng_.between(3, 12);
    if (isUnsat(p))
      unsatisfied(item, rated);
    else
      satisfied(item, rated);
  }

  // Assignment: two separate units, or a lead unit and perhaps assisting ones;
  // a return and re-assignment; acceptance.
  bool assignUnits(Item& it, Day assigned) {
    bool town = it.cohort == Cohort::kTownship;
    std::vector<int> candidates;
    if (town) {
      candidates = ctx_.townshipUnits[size_t(it.township)];
    } else {
      for (int i : unitsForCategory(it.category)) candidates.push_back(ctx_.countyUnits[size_t(i)]);
    }
    auto take = [&]() {
      size_t i = rng_.below(candidates.size());
      int u = candidates[i];
      candidates.erase(candidates.begin() + long(i));
      return u;
    };
    Path p = it.path;
    if (p == Path::kSeparateClosed) {
      it.units = {{take(), "separate"}, {take(), "separate"}};
    } else {
      it.units.push_back({take(), "lead"});
      bool assisting =
          !town && p != Path::kReturnedClosed && (p == Path::kAssistingClosed || rng_.chance(0.3));
      for (int k = 0, n = assisting ? rng_.between(1, 2) : 0; k < n && !candidates.empty(); ++k)
        it.units.push_back({take(), "assisting"});
    }
    for (const auto& [u, role] : it.units)
      if (!it.life.assign(u, role.c_str(), assigned)) return false;
    if (p == Path::kAssignedAwaiting) return true;
    it.accepted = assigned;
    if (p == Path::kReturnedClosed) {
      Day returned = assigned + rng_.between(2, 8);
      if (!it.life.returnUnit(it.leadUnit(), returned)) return false;
      it.units.front().first = candidates.empty() ? ctx_.countyUnits[0] : take();
      if (!it.life.assign(it.leadUnit(), "lead", returned + rng_.between(1, 3))) return false;
      it.accepted = returned + rng_.between(4, 7);
      return it.life.accept(it.leadUnit(), it.accepted);
    }
    for (const auto& [u, role] : it.units) {
      it.accepted = std::max(it.accepted, assigned + rng_.between(1, 5));
      if (!it.life.accept(u, it.accepted)) return false;
    }
    return true;
  }

  Day replyDay(const Item& it) {
    Day deadline = it.s.deadline, now = plan_.now;
    switch (it.path) {
      case Path::kLateClosed:
        return deadline + rng_.between(3, 40);
      case Path::kExtendedOnTime:
        return deadline + rng_.between(5, 25);
      case Path::kRepliedAwaitingRating:
        return std::max(now - rng_.between(2, 9), it.accepted + 5);
      default:
        return noReply(it.path) ? 0 : std::min(deadline, it.accepted + rng_.between(25, 80));
    }
  }

  // Between acceptance and reply, in date order: contact with the deputy,
  // progress, supervision of key items, an extension before the original
  // deadline; urging where no reply came.
  bool beforeReply(Item& it) {
    LifeEvents& L = it.life;
    Path p = it.path;
    Day deadline = it.s.deadline, lastBeforeReply = it.replied ? it.replied - 1 : plan_.now;
    enum What { kMeet, kProgress, kLeader, kCommittee, kExtend };
    std::vector<std::pair<Day, What>> middle;
    Day newDeadline = deadline + rng_.between(30, 85);
    if (p == Path::kExtendedOnTime || p == Path::kExtendedOverdue)
      middle.push_back({std::max(it.accepted, deadline - rng_.between(5, 20)), kExtend});
    if (rng_.chance(0.7)) middle.push_back({it.accepted + rng_.between(5, 25), kMeet});
    if (rng_.chance(0.3)) middle.push_back({it.accepted + rng_.between(10, 40), kProgress});
    if (isKey(p)) {
      middle.push_back({it.accepted + rng_.between(15, 35), kLeader});
      middle.push_back({it.accepted + rng_.between(40, 60), kCommittee});
    }
    std::sort(middle.begin(), middle.end());
    std::string leader = "县人大常委会副主任" + personName(rng_, false);
    for (const auto& [day, what] : middle) {
      if (day > lastBeforeReply) continue;
      switch (what) {
        case kMeet:
          L.meet(it.leadUnit(), day);
          break;
        case kProgress:
          L.progress(it.leadUnit(), day);
          break;
        case kLeader:
          L.supervise("领导督办", leader, day);
          break;
        case kCommittee:
          L.supervise(rng_.chance(0.5) ? "工委督办" : "实地督查", committeeFor(it.category), day);
          break;
        case kExtend:
          L.extend(newDeadline, day);
          break;
      }
    }
    if (L.stopped()) return false;
    if (p == Path::kKeyUrgedOverdue || (p == Path::kInProgressOverdue && rng_.chance(0.6))) {
      Day first = it.s.deadline + rng_.between(5, 20);
      bool town = it.cohort == Cohort::kTownship;
      L.urge(true, it.lead->name, first);
      L.urge(false,
             town ? plan_.townships[size_t(it.township)].name + "人大主席团"
                  : "县人大常委会选举任免联络工作委员会",
             first + rng_.between(1, 10));
      L.urge(true, it.lead->name, first + rng_.between(15, 40));
    }
    return true;
  }

  bool reply(Item& it, int unit, const std::string& outcome, Day d) {
    return it.life.reply(unit, outcome, unitName_[unit], docPrefix_[unit], classOf(outcome), d);
  }

  // Assisting units' opinions first, then each separate unit or the lead unit.
  bool replyRound1(Item& it) {
    for (const auto& [u, role] : it.units)
      if (role == "assisting" &&
          !reply(it, u, "", std::max(it.accepted, it.replied - rng_.between(3, 10))))
        return false;
    for (const auto& [u, role] : it.units)
      if (role != "assisting" &&
          !reply(it, u, outcomeFor(it.s.scheme, isCarried(it.path), false), it.replied))
        return false;
    return true;
  }

  // Rated 不满意: left to the office, closed with a reason, or re-handled
  // (a second reply and rating, then closed).
  void unsatisfied(Item& it, Day rated) {
    LifeEvents& L = it.life;
    if (!L.evaluate("不满意", rng_.chance(0.5) ? "不满意" : "基本满意", unsatisfiedReason(rng_),
                    rated))
      return;
    if (it.path == Path::kUnsatAwaitingOffice) return;
    if (it.path == Path::kUnsatClosedWithReason) {
      L.close("经与代表当面沟通，因受客观条件限制，作办结处理并继续关注",
              rated + rng_.between(3, 10));
      return;
    }
    Day rehandled = rated + rng_.between(2, 7);
    if (!L.rehandle(rehandled)) return;
    if (it.path == Path::kUnsatRehandling) {
      if (rehandled + 10 < plan_.now) L.progress(it.leadUnit(), rehandled + rng_.between(3, 9));
      return;
    }
    Day again = rehandled + rng_.between(10, 40);
    std::string second = outcomeFor(it.s.scheme, false, true);
    for (const auto& [u, role] : it.units)
      if (role != "assisting" && !reply(it, u, second, again)) return;
    static const std::vector<std::string> grades = {"满意", "基本满意", "不满意"};
    std::string result = grades[rng_.weighted({50, 40, 10})];
    Day rated2 = again + rng_.between(3, 10);
    if (!L.evaluate(result, rng_.chance(0.7) ? "满意" : "", "", rated2)) return;
    L.close(result == "不满意" ? "已两次办理，代表仍不满意，作办结处理并列入跟踪督办" : "",
            rated2 + rng_.between(2, 8));
  }

  // Rated 满意 or 基本满意 and closed; perhaps carried over, and answered again.
  void satisfied(Item& it, Day rated) {
    LifeEvents& L = it.life;
    Path p = it.path;
    std::string result = p == Path::kClosedBasic ? "基本满意"
                         : p == Path::kClosedSatisfied || isKey(p)
                             ? (rng_.chance(0.95) ? "满意" : "基本满意")
                             : (rng_.chance(0.9) ? "满意" : "基本满意");
    std::string process;
    if (rng_.chance(0.8)) process = rng_.chance(0.75) ? "满意" : "基本满意";
    if (!L.evaluate(result, process, "", rated)) return;
    if (!it.s.cosigners.empty() && rng_.chance(0.15))
      L.evaluateAsCosigner(it.s.cosigners.front(), rng_.chance(0.7) ? "满意" : "基本满意",
                           rated + rng_.between(0, 4));
    Day closed = rated + rng_.between(2, 10);
    if (!L.close("", closed) || !isCarried(p)) return;
    bool y2025 = it.cohort == Cohort::k2025;
    Day carried = y2025 ? dayOf(2025, 12, 10) + rng_.between(0, 10) : closed + rng_.between(20, 40);
    if (!L.carryOver(rng_.chance(0.7) ? 1 : 2, carried) || p != Path::kCarriedOverReplied) return;
    Day followUp = y2025 ? dayOf(2026, 4, 1) + rng_.between(0, 150)
                         : std::min(plan_.now - 20, carried + rng_.between(60, 120));
    followUp = std::max(followUp, carried + 1);
    if (!reply(it, it.leadUnit(), outcomeFor(it.s.scheme, false, true), followUp)) return;
    L.close("", followUp + rng_.between(5, 15));
  }

  PlanContext& ctx_;
  Rng& rng_;
  Plan& plan_;
  std::map<int, std::string> unitName_, docPrefix_;
  std::map<int, int> numbers_;
};

}  // namespace

void planSuggestions(PlanContext& ctx) { SuggestionPlanner(ctx).run(); }

}  // namespace renda::app::demo
