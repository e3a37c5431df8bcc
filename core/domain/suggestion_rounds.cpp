// SPDX-License-Identifier: Apache-2.0
// The suggestion fold where rounds and ratings meet (domain.md §3.2, §3.5):
// ratings, the office's settlement of conflicting ones, re-handling, closure,
// carry-over, and the extensions and urges written before their author saw
// the reply. Each decision is judged against what its author had seen where a
// change recorded at the same time elsewhere could otherwise undo it, so that
// no verdict turns on which change id sorts lower (docs/design-notes.md).
#include <algorithm>

#include "core/domain/suggestion_folder.h"

namespace renda::domain::detail {

namespace {

using S = SuggestionState;

std::string normRating(const std::string& r) {
  if (r == "satisfied" || r == "满意") return "satisfied";
  if (r == "basic" || r == "basicallySatisfied" || r == "基本满意") return "basic";
  if (r == "unsatisfied" || r == "不满意") return "unsatisfied";
  return "";
}

bool sameRating(const EvaluationInfo& a, const EvaluationInfo& b) {
  return a.result == b.result && a.process == b.process;
}

std::string shortId(const ChangeId& id) { return toHex(id).substr(0, 12); }

// The event's optional `deadline` into `deadline`; refused unless it is a
// date after the event.
Status laterDeadline(const RecordVersion& ver, uint64_t atMs, const char* what,
                     uint64_t& deadline) {
  std::string d = get(ver.eventFields, "deadline");
  if (d.empty()) return Status::ok();
  auto p = parseDate(d);
  if (!p || *p <= atMs) return refuse(std::string(what) + " must be a later date");
  deadline = *p;
  return Status::ok();
}

}  // namespace

uint32_t Folder::seenRound(const RecordVersion& ver) const {
  uint32_t round = 1;
  for (const auto& opener : openers_) round += saw(ver, opener) ? 1 : 0;
  return round;
}

bool Folder::answerUnseen(const RecordVersion& ver) const {
  auto it = answered_.find(seenRound(ver));
  return it != answered_.end() && !saw(ver, it->second);
}

Folder::LeadRating Folder::leadRating(uint32_t round, const RecordVersion* viewer) const {
  auto seen = [&](const ChangeId& id) { return !viewer || saw(*viewer, id); };
  std::vector<const EvaluationInfo*> ratings;
  if (auto it = leads_.find(round); it != leads_.end())
    for (const auto& id : it->second)
      if (seen(id)) ratings.push_back(v_.evaluation(id));
  LeadRating out;
  if (ratings.empty()) return out;
  // The latest settlements: those no other settlement of the round had seen.
  std::vector<const Settlement*> latest;
  for (const auto& s : settlements_) {
    if (s.round != round || !seen(s.id)) continue;
    bool superseded = false;
    for (const auto& t : settlements_)
      superseded = superseded || (t.round == round && seen(t.id) && h_.saw(t.id, s.id));
    if (!superseded) latest.push_back(&s);
  }
  if (latest.empty()) {
    // Ratings of one round recorded at the same time always differ (the same
    // rating twice is refused), so two are a conflict.
    out.conflict = ratings.size() > 1;
    if (!out.conflict) out.rating = ratings[0];
    return out;
  }
  for (const auto* s : latest)
    if (s->kept != latest[0]->kept) {
      out.conflict = true;  // settled two ways at once
      return out;
    }
  out.kept = latest[0]->kept;
  const EvaluationInfo* kept = v_.evaluation(*out.kept);
  for (const auto* r : ratings) {
    bool covered = r->id == kept->id;
    for (const auto* s : latest) covered = covered || h_.saw(s->id, r->id);
    if (!covered && !sameRating(*r, *kept)) out.conflict = true;
  }
  if (!out.conflict) out.rating = kept;
  return out;
}

std::string Folder::conflictText(uint32_t round) const {
  std::string values;
  if (auto it = leads_.find(round); it != leads_.end())
    for (const auto& id : it->second)
      values += std::string(values.empty() ? "" : ", ") + ratingLabel(v_.evaluation(id)->result) +
                " " + shortId(id);
  return "the lead deputy's ratings of round " + std::to_string(round) +
         " were recorded at the same time and differ (" + values +
         "): the office settles them first (renda suggestion settle ID --keep RATING)";
}

// A rating refers to a round (§3.5): the one given, else the one its author
// had seen. One recorded before its author saw that round end counts for that
// round, late, and changes nothing in a later round.
Status Folder::evaluate(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  const auto& f = ver.eventFields;
  uint32_t round = seenRound(ver);
  std::string badRound;
  if (std::string r = get(f, "round"); !r.empty()) {
    char* end = nullptr;
    unsigned long n = std::strtoul(r.c_str(), &end, 10);
    if (r[0] < '0' || r[0] > '9' || *end != 0 || n < 1 || n > v_.round)
      badRound = r;
    else
      round = static_cast<uint32_t>(n);
  }
  // Late: its author saw the round answered but not ended.
  auto end = ended_.find(round);
  auto answer = answered_.find(round);
  bool late = badRound.empty() && end != ended_.end() && !saw(ver, end->second) &&
              answer != answered_.end() && saw(ver, answer->second);
  if (!late) {
    if (!in(v_.state, {S::kReplied, S::kEvaluated})) return wrongState(a);
    if (!badRound.empty())
      return refuse("the rating is for round " + badRound +
                    ", which does not exist: the "
                    "suggestion is in round " +
                    std::to_string(v_.round));
    if (round != v_.round)
      return refuse("the rating is for round " + std::to_string(round) +
                    ", but the suggestion is in round " + std::to_string(v_.round) +
                    "; an old round's rating cannot reopen a newer one");
  }
  EvaluationInfo e;
  e.id = ver.id;
  e.round = round;
  e.result = normRating(get(f, "result"));
  if (e.result.empty()) return refuse("the rating must be 满意, 基本满意 or 不满意");
  e.process = normRating(get(f, "process"));
  e.anonymous = get(f, "anonymous") == "yes" || get(f, "anonymous") == "true";
  e.rater = e.anonymous ? "" : get(f, "rater");
  e.raterRole = get(f, "raterRole").empty() ? "lead" : get(f, "raterRole");
  e.reason = get(f, "reason");
  e.atMs = atMs;
  if (e.raterRole == "lead") {
    auto& leads = leads_[round];
    for (const auto& id : leads)
      if (saw(ver, id))
        return refuse(
            "the lead deputy has already rated " +
            (round == v_.round ? std::string("this round") : "round " + std::to_string(round)) +
            (leadRating(round, nullptr).conflict ? "; " + conflictText(round) : ""));
    // Two nodes recorded the same form: it counts once.
    for (const auto& id : leads)
      if (sameRating(*v_.evaluation(id), e))
        return refuse("the lead deputy's same rating of round " + std::to_string(round) + " (" +
                      ratingLabel(e.result) + ") was also recorded on another node (change " +
                      shortId(id) + "); it counts once");
    leads.push_back(ver.id);
  }
  auto at = std::find_if(v_.evaluations.begin(), v_.evaluations.end(),
                         [&](const EvaluationInfo& x) { return x.round > round; });
  v_.evaluations.insert(at, e);
  if (!late && e.raterRole == "lead") v_.state = S::kEvaluated;
  return Status::ok();
}

// The office names the lead rating that stands (`keep`, the evaluate event's
// change id). It decides which rating the round has; it opens and closes no
// round.
Status Folder::settle(const RecordVersion& ver) {
  auto kept = fixedFromHex<ChangeId>(get(ver.eventFields, "keep"));
  uint32_t round = 0;
  if (kept)
    for (const auto& [r, ids] : leads_)
      if (std::find(ids.begin(), ids.end(), *kept) != ids.end()) round = r;
  if (!round)
    return refuse(
        "a settlement names the lead rating that stands (--keep, one of the ratings "
        "`renda suggestion show` lists under the rating conflict)");
  if (leads_[round].size() < 2)
    return refuse("round " + std::to_string(round) +
                  " has one lead rating only; there is no conflict to settle");
  if (!saw(ver, *kept)) return refuse("the settlement keeps a rating its author had not seen");
  settlements_.push_back({ver.id, *kept, round});
  return Status::ok();
}

// Judged against the rating it was based on (the lead ratings and settlements
// its author had seen): a rating recorded elsewhere at the same time neither
// blocks it nor lets it through, and the round it opens stays open.
Status Folder::rehandle(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  bool closedUnseen = v_.state == S::kClosed && closedBy_ && !saw(ver, *closedBy_);
  if (v_.state != S::kEvaluated && !closedUnseen) return wrongState(a);
  LeadRating based = leadRating(v_.round, &ver);
  if (based.conflict) return refuse(conflictText(v_.round));
  if (!based.rating || based.rating->result != "unsatisfied")
    return refuse("only a suggestion the lead deputy rated 不满意 is re-handled");
  uint64_t deadline = atMs + c_.rehandleDays * kDayMs;
  RENDA_TRY(laterDeadline(ver, atMs, "the re-handling deadline", deadline));
  openRound(ver.id, atMs);
  v_.deadlineMs = deadline;
  v_.state = S::kReHandling;
  return Status::ok();
}

// Judged against the ratings the fold holds: a conflict, or a 不满意 recorded
// at the same time, keeps the office from closing without its reason. A
// closure whose author had not seen a round opened (re-handling, carry-over)
// closes the round it saw: it is recorded, and the opened round stays open.
Status Folder::close(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  uint32_t round = seenRound(ver);
  bool late = round < v_.round;
  if (late) {
    auto it = answered_.find(round);
    if (it == answered_.end() || !saw(ver, it->second)) return wrongState(a);
  } else if (!in(v_.state, {S::kReplied, S::kEvaluated})) {
    return wrongState(a);
  }
  bool reason = !get(ver.eventFields, "reason").empty();
  LeadRating lead = leadRating(round, nullptr);
  if (lead.conflict && !reason)
    return refuse(conflictText(round) + ", or give the office's reason for closing");
  if (lead.rating && lead.rating->result == "unsatisfied" && !reason)
    return refuse(
        "the deputy is not satisfied: re-handle it, or give the office's reason for closing");
  v_.closedMs = atMs;
  if (late) return Status::ok();
  if (!ended_.count(round)) ended_[round] = ver.id;
  v_.state = S::kClosed;
  closedBy_ = ver.id;
  return Status::ok();
}

// 续办 opens a new round (domain.md §3.2 S9→S5): the units answer again and
// the deputy rates that answer, whatever they said of the earlier one. It
// goes after a closure recorded at the same time (S8→S9).
Status Folder::carryOver(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  if (!in(v_.state, {S::kReplied, S::kEvaluated, S::kClosed})) return wrongState(a);
  long years = std::strtol(get(ver.eventFields, "years").c_str(), nullptr, 10);
  if (years < 1 || years > 3) return refuse("carry-over is for 1, 2 or 3 years");
  uint64_t next = 0;  // a carried-over item has no reply deadline unless one is set
  RENDA_TRY(laterDeadline(ver, atMs, "the carry-over's deadline", next));
  openRound(ver.id, atMs);
  v_.deadlineMs = next;
  v_.carryOverYears = static_cast<uint32_t>(years);
  v_.state = S::kCarriedOver;
  return Status::ok();
}

// An extension approved before its author saw the reply stands, whichever
// reaches the fold first (it counts for 按期办结). One for a round that has
// since ended is refused: extend the current round instead.
Status Folder::extend(const RecordVersion& ver, const ActionInfo& a) {
  bool awaiting = in(v_.state, {S::kAssigned, S::kInProgress, S::kReHandling});
  if (!awaiting && !(in(v_.state, {S::kReplied, S::kEvaluated, S::kClosed}) && answerUnseen(ver)))
    return wrongState(a);
  if (uint32_t seen = seenRound(ver); seen < v_.round)
    return refuse("the extension is for round " + std::to_string(seen) +
                  ", which ended when "
                  "round " +
                  std::to_string(seen + 1) + " was opened; extend the current round");
  auto d = parseDate(get(ver.eventFields, "deadline"));
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
  return Status::ok();
}

// An urge (催办) records that someone pressed for an answer when, as far as
// its author knew, none had come: a reply or closure recorded at the same time
// does not erase it. The interval between one person's urges counts the urges
// its author had seen.
Status Folder::urge(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs) {
  bool awaiting = in(v_.state, {S::kAssigned, S::kInProgress, S::kReHandling, S::kReturned});
  if (!awaiting && !answerUnseen(ver)) return wrongState(a);
  std::string by = get(ver.eventFields, "by");
  for (const auto& u : urges_)
    if (u.by == by && saw(ver, u.id) && atMs < u.atMs + c_.urgeIntervalDays * kDayMs)
      return refuse("the same person urged this less than " + std::to_string(c_.urgeIntervalDays) +
                    " days ago");
  urges_.push_back({ver.id, by, atMs});
  ++v_.urges;
  v_.supervision.push_back(
      {"urge", get(ver.eventFields, "kind"), by, get(ver.eventFields, "findings"), atMs});
  return Status::ok();
}

void Folder::finish() {
  for (auto& e : v_.evaluations) {
    auto end = ended_.find(e.round);
    e.late = end != ended_.end() && h_.concurrent(e.id, end->second);
  }
  v_.ratingConflicts.clear();
  for (const auto& [round, ids] : leads_) {
    if (ids.size() < 2) continue;
    LeadRating lead = leadRating(round, nullptr);
    v_.ratingConflicts.push_back({round, ids, lead.kept, lead.conflict});
  }
}

}  // namespace renda::domain::detail
