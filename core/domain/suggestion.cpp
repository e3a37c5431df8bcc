// SPDX-License-Identifier: Apache-2.0
#include "core/domain/suggestion.h"

#include <algorithm>
#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#include "core/hlc.h"

namespace renda::domain {

namespace {

using S = SuggestionState;

struct StateText {
  S state;
  const char* name;
  const char* label;
};
constexpr StateText kStates[] = {
    {S::kDraft, "draft", "草稿"},           {S::kSubmitted, "submitted", "已提交"},
    {S::kRegistered, "registered", "已登记"}, {S::kRejected, "rejected", "不予立案"},
    {S::kAssigned, "assigned", "已交办"},     {S::kInProgress, "inProgress", "办理中"},
    {S::kReturned, "returned", "退回调整"},   {S::kReplied, "replied", "已答复"},
    {S::kEvaluated, "evaluated", "已测评"},   {S::kReHandling, "reHandling", "重新办理"},
    {S::kClosed, "closed", "办结"},           {S::kCarriedOver, "carriedOver", "续办"},
    {S::kWithdrawn, "withdrawn", "已撤回"},   {S::kSelfHandled, "selfHandled", "自行办理"},
};

std::string get(const std::vector<Field>& fields, const char* name) {
  for (const auto& f : fields)
    if (f.name == name) return f.value;
  return "";
}

bool in(S s, std::initializer_list<S> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

std::string normRating(const std::string& r) {
  if (r == "satisfied" || r == "满意") return "satisfied";
  if (r == "basic" || r == "basicallySatisfied" || r == "基本满意") return "basic";
  if (r == "unsatisfied" || r == "不满意") return "unsatisfied";
  return "";
}

std::string normRole(const std::string& r) {
  if (r.empty() || r == "lead" || r == "主办") return "lead";
  if (r == "assisting" || r == "协办") return "assisting";
  if (r == "separate" || r == "分办") return "separate";
  return "";
}

Status refuse(const std::string& why) { return Status::refused(why); }

class Folder {
 public:
  Folder(SuggestionView& v, const Config& c) : v_(v), c_(c) {}

  // `seenRound` is the round the event's author had seen: 1 + the round-opening
  // events (re-handling, carry-over) among its causal ancestors.
  Status apply(const RecordVersion& ver, const Membership* m, uint64_t atMs, uint32_t seenRound);

  bool isOffice(const Membership* m) const {
    if (!m) return false;
    if (v_.level == "township") return m->role == Role::kTownship && m->township == v_.scope;
    return m->role == Role::kCounty;
  }
  bool isDeputySide(const Membership* m) const {
    return m && (m->role == Role::kCounty || m->township == v_.scope);
  }

 private:
  // Copies the current round's lead and separate units into a new round
  // (re-handling, carry-over): they carry on without a new acceptance.
  void openRound(uint64_t atMs) {
    std::vector<UnitState> next;
    for (auto* u : currentUnits()) {
      if (u->role == "assisting") continue;
      UnitState n;
      n.unit = u->unit;
      n.role = u->role;
      n.round = v_.round + 1;
      n.assignedMs = atMs;
      n.accepted = true;
      next.push_back(n);
    }
    if (v_.round == 1) v_.round1DeadlineMs = v_.deadlineMs;
    ++v_.round;
    v_.roundStartMs = atMs;
    v_.units.insert(v_.units.end(), next.begin(), next.end());
  }
  std::string codes() const {
    std::string out;
    for (const auto& [local, national] : c_.outcomeMap) out += (out.empty() ? "" : "/") + local;
    return out;
  }
  std::string stateText() const { return stateLabel(v_.state); }
  Status wrongState(const ActionInfo& a) const {
    return refuse(std::string("cannot ") + a.name + " (" + a.label + ") a suggestion that is " +
                  stateName(v_.state) + " (" + stateText() + ")");
  }
  UnitState* unitOf(const std::string& unit, uint32_t round) {
    for (auto& u : v_.units)
      if (u.unit == unit && u.round == round && !u.returned) return &u;
    return nullptr;
  }
  std::vector<UnitState*> currentUnits() {
    std::vector<UnitState*> out;
    for (auto& u : v_.units)
      if (u.round == v_.round && !u.returned) out.push_back(&u);
    return out;
  }

  SuggestionView& v_;
  const Config& c_;
};

Status Folder::apply(const RecordVersion& ver, const Membership* m, uint64_t atMs,
                     uint32_t seenRound) {
  const ActionInfo* a = findAction(ver.action);
  if (!a) return refuse("unknown action '" + ver.action + "'");
  if (a->actor == Actor::kOffice && !isOffice(m)) {
    if (v_.level == "township")
      return refuse(std::string("only ") + v_.scope + "'s presidium may " + a->name + " (" +
                    a->label + ") a township-level suggestion");
    return refuse(std::string("only the county office may ") + a->name + " (" + a->label +
                  ") a county-level suggestion");
  }
  if (a->actor == Actor::kDeputySide && !isDeputySide(m))
    return refuse(std::string("only ") + (v_.scope.empty() ? "the county office" : v_.scope) +
                  " or the county office may record this for the deputy");
  const auto& f = ver.eventFields;
  const std::string act = ver.action;
  if (act == "submit") {
    if (!in(v_.state, {S::kDraft, S::kRejected})) return wrongState(*a);
    v_.state = S::kSubmitted;
    if (!v_.submittedMs) v_.submittedMs = atMs;
  } else if (act == "cosign") {
    if (!in(v_.state, {S::kDraft, S::kSubmitted})) return wrongState(*a);
    std::string dep = get(f, "deputy");
    if (dep.empty()) return refuse("a co-signature names no deputy");
    if (dep == v_.lead) return refuse("the lead deputy cannot co-sign their own suggestion");
    bool agreed = get(f, "agreed") != "no" && get(f, "agreed") != "不同意";
    auto it = std::find_if(v_.cosigners.begin(), v_.cosigners.end(),
                           [&](const auto& p) { return p.first == dep; });
    if (it != v_.cosigners.end()) it->second = agreed;
    else v_.cosigners.emplace_back(dep, agreed);
  } else if (act == "withdraw") {
    if (in(v_.state, {S::kRegistered, S::kAssigned, S::kInProgress, S::kReturned, S::kReplied,
                      S::kEvaluated, S::kReHandling, S::kClosed, S::kCarriedOver}))
      return refuse(std::string("the suggestion was registered first (it is now ") +
                    stateName(v_.state) + ", " + stateText() +
                    "); registration stands, and the withdrawal is kept as a request to the office");
    if (!in(v_.state, {S::kDraft, S::kSubmitted})) return wrongState(*a);
    v_.state = S::kWithdrawn;
  } else if (act == "register") {
    if (v_.state != S::kSubmitted) return wrongState(*a);
    std::string number = get(f, "number");
    if (number.empty()) return refuse("registration needs the official number");
    v_.number = number;
    v_.state = S::kRegistered;
    v_.registeredMs = atMs;
  } else if (act == "reject") {
    if (v_.state != S::kSubmitted) return wrongState(*a);
    if (get(f, "reason").empty()) return refuse("a rejection needs a reason");
    v_.state = S::kRejected;
  } else if (act == "assign") {
    if (!in(v_.state, {S::kRegistered, S::kAssigned, S::kReturned})) return wrongState(*a);
    std::string unit = get(f, "unit"), role = normRole(get(f, "role"));
    if (unit.empty()) return refuse("an assignment names no handling unit");
    if (role.empty()) return refuse("the unit's role must be lead, assisting or separate (主办/协办/分办)");
    if (unitOf(unit, v_.round)) return refuse("that unit is already assigned this suggestion");
    // Nothing changes until every check has passed: a refused event leaves no trace.
    uint64_t assignedMs = (v_.state == S::kRegistered || !v_.assignedMs) ? atMs : v_.assignedMs;
    uint64_t deadline = v_.deadlineMs ? v_.deadlineMs : assignedMs + c_.replyDays * kDayMs;
    if (std::string d = get(f, "deadline"); !d.empty()) {
      auto p = parseDate(d);
      if (!p) return refuse("the deadline '" + d + "' is not a date (YYYY-MM-DD)");
      deadline = *p;
    }
    if (deadline <= atMs) return refuse("the deadline is before the assignment");
    v_.assignedMs = assignedMs;
    if (v_.round == 1) v_.roundStartMs = assignedMs;
    v_.deadlineMs = deadline;
    UnitState u;
    u.unit = unit;
    u.role = role;
    u.round = v_.round;
    u.assignedMs = atMs;
    v_.units.push_back(u);
    v_.state = S::kAssigned;
  } else if (act == "accept" || act == "return") {
    if (v_.state != S::kAssigned) return wrongState(*a);
    UnitState* u = unitOf(get(f, "unit"), v_.round);
    if (!u) return refuse("that unit is not assigned this suggestion");
    if (u->accepted) return refuse("that unit has already accepted it");
    if (act == "return" && u->kept)
      return refuse("the office kept this assignment after the unit returned it (维持交办" +
                    (u->keepReason.empty() ? std::string() : ": " + u->keepReason) +
                    "); it cannot be returned again");
    if (act == "accept") {
      u->accepted = true;
      bool all = true;
      for (auto* x : currentUnits()) all = all && x->accepted;
      if (all) v_.state = S::kInProgress;
    } else {
      if (get(f, "reason").empty()) return refuse("a return needs a reason");
      if (atMs > u->assignedMs + c_.returnWindowDays * kDayMs)
        return refuse("the " + std::to_string(c_.returnWindowDays) +
                      "-day window for returning an assignment has passed");
      u->returned = true;
      u->returnReason = get(f, "reason");
      v_.state = S::kReturned;
    }
  } else if (act == "keep") {
    // §3.2 S4r→S3: the assigner decides the returned unit keeps it (无需重新分配).
    if (v_.state != S::kReturned) return wrongState(*a);
    std::string unit = get(f, "unit");
    if (unit.empty()) return refuse("name the unit whose return the office overrules (--unit)");
    if (unitOf(unit, v_.round)) return refuse("that unit is already assigned this suggestion");
    UnitState* u = nullptr;
    for (auto& x : v_.units)
      if (x.unit == unit && x.round == v_.round && x.returned) u = &x;
    if (!u) return refuse("that unit has not returned this suggestion");
    u->returned = false;
    u->kept = true;
    u->keepReason = get(f, "reason");
    v_.state = S::kAssigned;
  } else if (act == "extend") {
    if (!in(v_.state, {S::kAssigned, S::kInProgress, S::kReHandling})) return wrongState(*a);
    auto d = parseDate(get(f, "deadline"));
    if (!d) return refuse("an extension needs the new deadline (YYYY-MM-DD)");
    if (*d <= v_.deadlineMs) return refuse("the new deadline is not later than the current one");
    // Limits count per handling round, from the round's start (domain.md §3.2,
    // §3.3): the first handling from 交办, replyDays plus at most
    // maxExtensionDays (3 + 3 months); a re-handling from its re-handling,
    // rehandleDays plus rehandleExtensionDays (none by default).
    if (v_.round == 1) {
      int days = c_.replyDays + c_.maxExtensionDays;
      if (*d > v_.assignedMs + uint64_t(days) * kDayMs)
        return refuse("the extension goes past the longest allowed handling time (" +
                      std::to_string(days) + " days from the assignment, 交办)");
    } else {
      int days = c_.rehandleDays + c_.rehandleExtensionDays;
      if (*d > v_.roundStartMs + uint64_t(days) * kDayMs)
        return refuse("a re-handling (重新办理) must be answered within " + std::to_string(days) +
                      " days of being re-handled on " + formatDate(v_.roundStartMs) +
                      "; the extension goes past that");
    }
    v_.deadlineMs = *d;
    ++v_.extensions;
  } else if (act == "progress" || act == "meet") {
    if (!in(v_.state, {S::kAssigned, S::kInProgress, S::kReHandling, S::kCarriedOver}))
      return wrongState(*a);
    UnitState* u = unitOf(get(f, "unit"), v_.round);
    if (!u) return refuse("that unit is not handling this suggestion");
    if (act == "meet") {
      if (!u->metMs) u->metMs = atMs;
    } else {
      u->progress.emplace_back(atMs, get(f, "text"));
    }
  } else if (act == "reply") {
    if (!in(v_.state, {S::kInProgress, S::kReHandling, S::kCarriedOver})) return wrongState(*a);
    UnitState* u = unitOf(get(f, "unit"), v_.round);
    if (!u) return refuse("that unit is not handling this suggestion");
    std::string outcome = get(f, "outcome");
    if (outcome.empty() && u->role != "assisting")
      return refuse("a reply needs its outcome class (答复类别)");
    if (!outcome.empty() && !c_.nationalClass(outcome))
      return refuse("答复类别 '" + outcome + "' is not in this suggestion's outcome scheme (" +
                    codes() + ")");
    ReplyInfo r{ver.id, u->unit, v_.round, outcome, get(f, "text"), get(f, "docNo"), atMs};
    u->reply = r;
    v_.replies.push_back(r);
    if (u->role != "assisting") v_.lastReplyMs = atMs;
    bool all = true, any = false;
    uint64_t answered = 0;  // the latest of the lead/separate units' first replies
    for (auto* x : currentUnits()) {
      if (x->role == "assisting") continue;
      any = true;
      all = all && x->reply.has_value();
      uint64_t first = 0;
      for (const auto& rep : v_.replies)
        if (rep.round == v_.round && rep.unit == x->unit && (!first || rep.atMs < first))
          first = rep.atMs;
      answered = std::max(answered, first);
    }
    if (any && all && v_.round == 1 && !v_.firstReplyMs) v_.firstReplyMs = answered;
    if ((any && all) || v_.state == S::kCarriedOver) v_.state = S::kReplied;
  } else if (act == "evaluate") {
    if (!in(v_.state, {S::kReplied, S::kEvaluated})) return wrongState(*a);
    // A rating refers to a round (§3.5): the one given, else the one its
    // author had seen, so a late rating of an old round cannot reopen a newer one.
    uint32_t round = seenRound;
    if (std::string r = get(f, "round"); !r.empty()) {
      char* end = nullptr;
      unsigned long n = std::strtoul(r.c_str(), &end, 10);
      if (r[0] < '0' || r[0] > '9' || *end != 0 || n < 1 || n > v_.round)
        return refuse("the rating is for round " + r + ", which does not exist: the suggestion "
                      "is in round " + std::to_string(v_.round));
      round = static_cast<uint32_t>(n);
    }
    if (round != v_.round)
      return refuse("the rating is for round " + std::to_string(round) +
                    ", but the suggestion is in round " + std::to_string(v_.round) +
                    "; an old round's rating cannot reopen a newer one");
    EvaluationInfo e;
    e.round = round;
    e.result = normRating(get(f, "result"));
    if (e.result.empty()) return refuse("the rating must be 满意, 基本满意 or 不满意");
    e.process = normRating(get(f, "process"));
    e.anonymous = get(f, "anonymous") == "yes" || get(f, "anonymous") == "true";
    e.rater = e.anonymous ? "" : get(f, "rater");
    e.raterRole = get(f, "raterRole").empty() ? "lead" : get(f, "raterRole");
    e.reason = get(f, "reason");
    e.atMs = atMs;
    if (e.raterRole == "lead" && v_.leadEvaluation(round))
      return refuse("the lead deputy has already rated this round");
    v_.evaluations.push_back(e);
    if (e.raterRole == "lead") v_.state = S::kEvaluated;
  } else if (act == "rehandle") {
    if (v_.state != S::kEvaluated) return wrongState(*a);
    const EvaluationInfo* lead = v_.leadEvaluation(v_.round);
    if (!lead || lead->result != "unsatisfied")
      return refuse("only a suggestion the lead deputy rated 不满意 is re-handled");
    uint64_t deadline = atMs + c_.rehandleDays * kDayMs;
    if (std::string d = get(f, "deadline"); !d.empty()) {
      auto p = parseDate(d);
      if (!p || *p <= atMs) return refuse("the re-handling deadline must be a later date");
      deadline = *p;
    }
    openRound(atMs);
    v_.deadlineMs = deadline;
    v_.state = S::kReHandling;
  } else if (act == "close") {
    if (!in(v_.state, {S::kReplied, S::kEvaluated})) return wrongState(*a);
    const EvaluationInfo* lead = v_.leadEvaluation(v_.round);
    if (lead && lead->result == "unsatisfied" && get(f, "reason").empty())
      return refuse("the deputy is not satisfied: re-handle it, or give the office's reason for closing");
    v_.state = S::kClosed;
    v_.closedMs = atMs;
  } else if (act == "carryOver") {
    if (!in(v_.state, {S::kReplied, S::kEvaluated, S::kClosed})) return wrongState(*a);
    long years = std::strtol(get(f, "years").c_str(), nullptr, 10);
    if (years < 1 || years > 3) return refuse("carry-over is for 1, 2 or 3 years");
    uint64_t next = 0;  // a carried-over item has no reply deadline unless one is set
    if (std::string d = get(f, "deadline"); !d.empty()) {
      auto p = parseDate(d);
      if (!p || *p <= atMs) return refuse("the carry-over's deadline must be a later date");
      next = *p;
    }
    // 续办 opens a new round (domain.md §3.2 S9→S5): the units answer again and
    // the deputy rates that answer, whatever they said of the earlier one.
    openRound(atMs);
    v_.deadlineMs = next;
    v_.carryOverYears = static_cast<uint32_t>(years);
    v_.state = S::kCarriedOver;
  } else if (act == "supervise" || act == "urge") {
    if (in(v_.state, {S::kDraft, S::kSubmitted, S::kWithdrawn, S::kRejected})) return wrongState(*a);
    std::string by = get(f, "by");
    if (act == "urge") {
      if (!in(v_.state, {S::kAssigned, S::kInProgress, S::kReHandling, S::kReturned}))
        return wrongState(*a);
      for (const auto& s : v_.supervision)
        if (s.action == "urge" && s.by == by && atMs < s.atMs + c_.urgeIntervalDays * kDayMs)
          return refuse("the same person urged this less than " +
                        std::to_string(c_.urgeIntervalDays) + " days ago");
      ++v_.urges;
    }
    v_.supervision.push_back({act, get(f, "kind"), by, get(f, "findings"), atMs});
  } else if (act == "markKey") {
    if (in(v_.state, {S::kDraft, S::kSubmitted, S::kWithdrawn, S::kRejected})) return wrongState(*a);
    if (get(f, "leader").empty()) return refuse("a key suggestion needs its supervising leader");
    v_.key = true;
    v_.keyLeader = get(f, "leader");
  } else if (act == "selfHandle") {
    if (v_.level != "township") return refuse("only township-level suggestions are handled by the township itself");
    if (!in(v_.state, {S::kSubmitted, S::kRegistered})) return wrongState(*a);
    v_.state = S::kSelfHandled;
    v_.closedMs = atMs;
  } else {
    return refuse("unknown action '" + act + "'");
  }
  return Status::ok();
}

// Versions in causal order; among ready ones, lower action priority first, then id.
std::vector<const RecordVersion*> linearize(const Record& r) {
  std::unordered_map<ChangeId, size_t> index;
  for (size_t i = 0; i < r.versions.size(); ++i) index[r.versions[i].id] = i;
  std::vector<size_t> pending(r.versions.size(), 0);
  std::vector<std::vector<size_t>> children(r.versions.size());
  for (size_t i = 0; i < r.versions.size(); ++i)
    for (const auto& p : r.versions[i].parents) {
      auto it = index.find(p);
      if (it == index.end()) continue;
      ++pending[i];
      children[it->second].push_back(i);
    }
  // A plain field edit (no action) goes after concurrent office decisions, so
  // a registration beats a concurrent edit of the deputy's text (field_groups.h).
  auto priority = [&](size_t i) {
    const ActionInfo* a = findAction(r.versions[i].action);
    return a ? a->priority : 5;
  };
  auto later = [&](size_t a, size_t b) {
    int pa = priority(a), pb = priority(b);
    if (pa != pb) return pa > pb;
    return r.versions[a].id > r.versions[b].id;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> ready(later);
  for (size_t i = 0; i < r.versions.size(); ++i)
    if (!pending[i]) ready.push(i);
  std::vector<const RecordVersion*> out;
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    out.push_back(&r.versions[i]);
    for (size_t c : children[i])
      if (--pending[c] == 0) ready.push(c);
  }
  return out;
}

// 1 + the applied round-opening events among the causal ancestors of `v`.
uint32_t seenRound(const Record& r, const RecordVersion& v,
                   const std::unordered_set<ChangeId>& openers) {
  if (openers.empty()) return 1;
  uint32_t round = 1;
  std::unordered_set<ChangeId> seen;
  std::vector<ChangeId> stack(v.parents.begin(), v.parents.end());
  while (!stack.empty()) {
    ChangeId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    if (openers.count(id)) ++round;
    if (const RecordVersion* p = r.version(id))
      stack.insert(stack.end(), p->parents.begin(), p->parents.end());
  }
  return round;
}

uint64_t eventTime(const RecordVersion& v) {
  for (const auto& f : v.eventFields)
    if (f.name == "date")
      if (auto d = parseDate(f.value)) return *d;
  return Hlc::millis(v.hlc);
}

}  // namespace

const char* stateName(SuggestionState s) {
  for (const auto& t : kStates)
    if (t.state == s) return t.name;
  return "?";
}

const char* stateLabel(SuggestionState s) {
  for (const auto& t : kStates)
    if (t.state == s) return t.label;
  return "?";
}

const std::vector<ActionInfo>& actions() {
  static const std::vector<ActionInfo> all = {
      {"submit", Actor::kDeputySide, 3, "提交"},      {"cosign", Actor::kDeputySide, 3, "附议"},
      {"withdraw", Actor::kDeputySide, 9, "撤回"},    {"register", Actor::kOffice, 0, "登记"},
      {"reject", Actor::kOffice, 0, "不予立案"},      {"assign", Actor::kOffice, 1, "交办"},
      {"accept", Actor::kOffice, 2, "接受交办"},      {"return", Actor::kOffice, 2, "退回"},
      {"keep", Actor::kOffice, 1, "维持交办"},
      {"extend", Actor::kOffice, 2, "延期"},          {"progress", Actor::kOffice, 3, "办理进展"},
      {"meet", Actor::kOffice, 3, "见面沟通"},        {"reply", Actor::kOffice, 3, "答复"},
      {"evaluate", Actor::kDeputySide, 4, "测评"},    {"rehandle", Actor::kOffice, 5, "重新办理"},
      {"close", Actor::kOffice, 6, "办结"},           {"carryOver", Actor::kOffice, 6, "续办"},
      {"supervise", Actor::kOffice, 3, "督办"},       {"urge", Actor::kDeputySide, 3, "催办"},
      {"markKey", Actor::kOffice, 1, "列为重点建议"}, {"selfHandle", Actor::kOffice, 1, "自行办理"},
  };
  return all;
}

const ActionInfo* findAction(const std::string& name) {
  for (const auto& a : actions())
    if (name == a.name) return &a;
  return nullptr;
}

bool SuggestionView::awaitingReply() const {
  return state == S::kAssigned || state == S::kInProgress || state == S::kReHandling ||
         state == S::kReturned;
}

bool SuggestionView::overdue(uint64_t nowMs) const {
  return awaitingReply() && deadlineMs && calendarDay(nowMs) > calendarDay(deadlineMs);
}

bool SuggestionView::nearDeadline(uint64_t nowMs, int warningDays) const {
  if (!awaitingReply() || !deadlineMs) return false;
  int64_t left = calendarDay(deadlineMs) - calendarDay(nowMs);
  return left >= 0 && left < warningDays;
}

const EvaluationInfo* SuggestionView::leadEvaluation(uint32_t r) const {
  for (const auto& e : evaluations)
    if (e.round == r && e.raterRole == "lead") return &e;
  return nullptr;
}

std::string SuggestionView::outcome() const {
  for (auto it = replies.rbegin(); it != replies.rend(); ++it)
    if (!it->outcome.empty()) return it->outcome;
  return "";
}

SuggestionView foldSuggestion(const Record& record, const Config& config,
                              const MemberLookup& members) {
  return foldSuggestion(record, config, members, nullptr);
}

SuggestionView foldSuggestion(const Record& record, const Config& config,
                              const MemberLookup& members,
                              const std::function<void(const EditPoint&)>& onEdit) {
  SuggestionView v;
  v.id = record.id;
  v.scope = record.scope;
  std::string level = record.get("level").value_or("");
  v.level = (level == "township" || level == "乡镇级" || level == "乡镇") ? "township" : "county";
  std::string kind = record.get("kind").value_or("");
  v.kind = (kind == "motion" || kind == "议案") ? "motion" : "suggestion";
  v.title = record.get("title").value_or("");
  v.lead = record.get("lead").value_or("");
  v.category = record.get("category").value_or("");
  v.session = record.get("session").value_or("");
  v.submittedIn = record.get("submittedIn").value_or("");
  v.createdMs = Hlc::millis(record.createdHlc());
  Folder folder(v, config);
  std::unordered_set<ChangeId> openers;  // applied events that opened a round
  for (const RecordVersion* ver : linearize(record)) {
    if (ver->action.empty()) {
      if (onEdit && ver->id != record.id) {
        const Membership* m = members ? members(ver->author) : nullptr;
        onEdit({ver, &v, folder.isOffice(m), folder.isDeputySide(m)});
      }
      continue;
    }
    EventInfo e;
    e.id = ver->id;
    e.action = ver->action;
    e.author = ver->author;
    e.atMs = eventTime(*ver);
    e.fields = ver->eventFields;
    if (!ver->applied) {
      e.reason = "its change was not accepted (see renda log)";
    } else {
      uint32_t seen = ver->action == "evaluate" ? seenRound(record, *ver, openers) : 0;
      Status s = folder.apply(*ver, members ? members(ver->author) : nullptr, e.atMs, seen);
      e.applied = s.isOk();
      if (e.applied && (ver->action == "rehandle" || ver->action == "carryOver"))
        openers.insert(ver->id);
      if (!s) e.reason = s.message();
    }
    v.events.push_back(std::move(e));
  }
  return v;
}

Status checkEvent(const Record& record, const Config& config, const MemberLookup& members,
                  const PublicKey& author, const std::string& action,
                  const std::vector<Field>& fields, uint64_t atMs) {
  Record probe = record;
  RecordVersion v;
  v.id.bytes.fill(0xff);  // sorts after every real id; it follows every head anyway
  v.parents = record.heads();
  v.author = author;
  v.hlc = Hlc::make(atMs, 0);
  v.action = action;
  v.eventFields = fields;
  v.depth = 0;
  probe.versions.push_back(v);  // last: versions stay sorted by id
  SuggestionView view = foldSuggestion(probe, config, members);
  for (const auto& e : view.events)
    if (e.id == v.id) return e.applied ? Status::ok() : Status::refused(e.reason);
  return Status::refused("the action could not be checked");
}

}  // namespace renda::domain
