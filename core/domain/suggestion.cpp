// SPDX-License-Identifier: Apache-2.0
// The suggestion fold: the action table, the actions of handling (submit …
// reply, supervision), the view's derived values and the entry points. The
// round and rating decisions are in suggestion_rounds.cpp.
#include "core/domain/suggestion.h"

#include <algorithm>

#include "core/domain/suggestion_folder.h"
#include "core/hlc.h"

namespace renda::domain {

namespace detail {

std::string get(const std::vector<Field>& fields, const char* name) {
  for (const auto& f : fields)
    if (f.name == name) return f.value;
  return "";
}

bool in(SuggestionState s, std::initializer_list<SuggestionState> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

}  // namespace detail

namespace {

using S = SuggestionState;
using detail::get;
using detail::in;
using detail::refuse;

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

std::string normRole(const std::string& r) {
  if (r.empty() || r == "lead" || r == "主办") return "lead";
  if (r == "assisting" || r == "协办") return "assisting";
  if (r == "separate" || r == "分办") return "separate";
  return "";
}

uint64_t eventTime(const RecordVersion& v) {
  for (const auto& f : v.eventFields)
    if (f.name == "date")
      if (auto d = parseDate(f.value)) return *d;
  return Hlc::millis(v.hlc);
}

}  // namespace

namespace detail {

bool Folder::isOffice(const Membership* m) const {
  if (!m) return false;
  if (v_.level == "township") return m->role == Role::kTownship && m->township == v_.scope;
  return m->role == Role::kCounty;
}

bool Folder::isDeputySide(const Membership* m) const {
  return m && (m->role == Role::kCounty || m->township == v_.scope);
}

Status Folder::apply(const RecordVersion& ver, const Membership* m, uint64_t atMs) {
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
  const std::string& act = ver.action;
  if (act == "accept" || act == "return") return accept(ver, *a, atMs);
  if (act == "reply") return reply(ver, *a, atMs);
  if (act == "evaluate") return evaluate(ver, *a, atMs);
  if (act == "settle") return settle(ver);
  if (act == "rehandle") return rehandle(ver, *a, atMs);
  if (act == "close") return close(ver, *a, atMs);
  if (act == "carryOver") return carryOver(ver, *a, atMs);
  if (act == "extend") return extend(ver, *a);
  if (act == "urge") return urge(ver, *a, atMs);
  return applyHandling(ver, *a, atMs);
}

// The actions no other node's concurrent change can turn against each other
// beyond what the fold order decides.
Status Folder::applyHandling(const RecordVersion& ver, const ActionInfo& action, uint64_t atMs) {
  const ActionInfo* a = &action;
  const auto& f = ver.eventFields;
  const std::string& act = ver.action;
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
                    stateName(v_.state) + ", " + stateLabel(v_.state) +
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
  } else if (act == "renumber") {
    // The office corrects a registered suggestion's number: two offices that
    // gave one number to two suggestions while apart, or a typo.
    if (!in(v_.state, {S::kRegistered, S::kAssigned, S::kInProgress, S::kReturned, S::kReplied,
                       S::kEvaluated, S::kReHandling, S::kClosed, S::kCarriedOver}))
      return wrongState(*a);
    std::string number = get(f, "number");
    if (number.empty()) return refuse("a correction of the number needs the new official number");
    if (get(f, "reason").empty()) return refuse("a correction of the number needs a reason");
    v_.number = number;
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
  } else if (act == "supervise") {
    if (in(v_.state, {S::kDraft, S::kSubmitted, S::kWithdrawn, S::kRejected})) return wrongState(*a);
    v_.supervision.push_back({act, get(f, "kind"), get(f, "by"), get(f, "findings"), atMs});
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

// Acceptance beats a return of the same unit recorded at the same time (it
// goes first in the fold order): the unit's work and reply stand, and the
// return is kept, not applied, for the office to see.
Status Folder::accept(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  const auto& f = ver.eventFields;
  UnitState* u = unitOf(get(f, "unit"), v_.round);
  if (ver.action == "return" && u && u->accepted) {
    auto by = acceptedBy_.find({u->unit, v_.round});
    if (by != acceptedBy_.end() && !saw(ver, by->second))
      return refuse("the unit's acceptance (接受交办) was recorded at the same time on another "
                    "node (change " + toHex(by->second).substr(0, 12) + "); the acceptance "
                    "stands, and this return is kept for the office to see");
  }
  if (v_.state != S::kAssigned) return wrongState(a);
  if (!u) return refuse("that unit is not assigned this suggestion");
  if (u->accepted) return refuse("that unit has already accepted it");
  if (ver.action == "return" && u->kept)
    return refuse("the office kept this assignment after the unit returned it (维持交办" +
                  (u->keepReason.empty() ? std::string() : ": " + u->keepReason) +
                  "); it cannot be returned again");
  if (ver.action == "accept") {
    u->accepted = true;
    acceptedBy_[{u->unit, v_.round}] = ver.id;
    bool all = true;
    for (auto* x : currentUnits()) all = all && x->accepted;
    if (all) v_.state = S::kInProgress;
    return Status::ok();
  }
  if (get(f, "reason").empty()) return refuse("a return needs a reason");
  if (atMs > u->assignedMs + c_.returnWindowDays * kDayMs)
    return refuse("the " + std::to_string(c_.returnWindowDays) +
                  "-day window for returning an assignment has passed");
  u->returned = true;
  u->returnReason = get(f, "reason");
  v_.state = S::kReturned;
  return Status::ok();
}

Status Folder::reply(const RecordVersion& ver, const ActionInfo& action, uint64_t atMs) {
  const ActionInfo* a = &action;
  const auto& f = ver.eventFields;
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
  if ((any && all) || v_.state == S::kCarriedOver) {
    v_.state = S::kReplied;
    if (!answered_.count(v_.round)) answered_[v_.round] = ver.id;
  }
  return Status::ok();
}

void Folder::openRound(const ChangeId& opener, uint64_t atMs) {
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
  if (!ended_.count(v_.round)) ended_[v_.round] = opener;
  if (v_.round == 1) v_.round1DeadlineMs = v_.deadlineMs;
  ++v_.round;
  v_.roundStartMs = atMs;
  v_.units.insert(v_.units.end(), next.begin(), next.end());
  openers_.push_back(opener);
  closedBy_.reset();
}

std::string Folder::codes() const {
  std::string out;
  for (const auto& [local, national] : c_.outcomeMap) out += (out.empty() ? "" : "/") + local;
  return out;
}

Status Folder::wrongState(const ActionInfo& a) const {
  return refuse(std::string("cannot ") + a.name + " (" + a.label + ") a suggestion that is " +
                stateName(v_.state) + " (" + stateLabel(v_.state) + ")");
}

UnitState* Folder::unitOf(const std::string& unit, uint32_t round) {
  for (auto& u : v_.units)
    if (u.unit == unit && u.round == round && !u.returned) return &u;
  return nullptr;
}

std::vector<UnitState*> Folder::currentUnits() {
  std::vector<UnitState*> out;
  for (auto& u : v_.units)
    if (u.round == v_.round && !u.returned) out.push_back(&u);
  return out;
}

}  // namespace detail

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

const char* ratingLabel(const std::string& rating) {
  if (rating == "satisfied") return "满意";
  if (rating == "basic") return "基本满意";
  if (rating == "unsatisfied") return "不满意";
  return "";
}

const std::vector<ActionInfo>& actions() {
  // Priorities order concurrent events (suggestion_history.h): register and
  // reject, then assignment decisions, acceptance and extension before a
  // unit's return, handling, ratings, the office's settlement of conflicting
  // ratings, re-handling (with plain field edits), closure before a
  // carry-over, and a withdrawal last.
  static const std::vector<ActionInfo> all = {
      {"submit", Actor::kDeputySide, 6, "提交"},      {"cosign", Actor::kDeputySide, 6, "附议"},
      {"withdraw", Actor::kDeputySide, 18, "撤回"},   {"register", Actor::kOffice, 0, "登记"},
      {"reject", Actor::kOffice, 0, "不予立案"},      {"assign", Actor::kOffice, 2, "交办"},
      {"accept", Actor::kOffice, 4, "接受交办"},      {"return", Actor::kOffice, 5, "退回"},
      {"keep", Actor::kOffice, 2, "维持交办"},
      {"extend", Actor::kOffice, 4, "延期"},          {"progress", Actor::kOffice, 6, "办理进展"},
      {"meet", Actor::kOffice, 6, "见面沟通"},        {"reply", Actor::kOffice, 6, "答复"},
      {"evaluate", Actor::kDeputySide, 8, "测评"},    {"settle", Actor::kOffice, 9, "确认测评"},
      {"rehandle", Actor::kOffice, 10, "重新办理"},
      {"close", Actor::kOffice, 12, "办结"},          {"carryOver", Actor::kOffice, 13, "续办"},
      {"supervise", Actor::kOffice, 6, "督办"},       {"urge", Actor::kDeputySide, 6, "催办"},
      {"markKey", Actor::kOffice, 2, "列为重点建议"}, {"selfHandle", Actor::kOffice, 2, "自行办理"},
      {"renumber", Actor::kOffice, 1, "更正编号"},
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
  if (const RatingConflict* c = ratingConflict(r))
    return c->open || !c->kept ? nullptr : evaluation(*c->kept);
  for (const auto& e : evaluations)
    if (e.round == r && e.raterRole == "lead") return &e;
  return nullptr;
}

const EvaluationInfo* SuggestionView::evaluation(const ChangeId& event) const {
  for (const auto& e : evaluations)
    if (e.id == event) return &e;
  return nullptr;
}

const RatingConflict* SuggestionView::ratingConflict(uint32_t r) const {
  for (const auto& c : ratingConflicts)
    if (c.round == r) return &c;
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
  detail::History history(record);
  detail::Folder folder(v, config, history);
  for (const RecordVersion* ver : history.order()) {
    const Membership* m = members ? members(ver->author) : nullptr;
    if (ver->action.empty()) {
      if (onEdit && ver->id != record.id) onEdit({ver, &v, folder.isOffice(m), folder.isDeputySide(m)});
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
      Status s = folder.apply(*ver, m, e.atMs);
      e.applied = s.isOk();
      if (!s) e.reason = s.message();
    }
    v.events.push_back(std::move(e));
  }
  folder.finish();
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
