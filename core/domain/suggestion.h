// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle (domain.md §3): a pure, deterministic fold of a
// suggestion record's events into its state. Events are record versions with an
// action ("submit", "register", "assign", ...) and data fields. They are folded
// in a causal order (parents first); among events neither of which follows the
// other, by the action's priority (office decisions first, so registration
// beats a concurrent withdrawal, §3.5), then by id. Each event is checked
// against the state the fold has reached and against its author's role; one
// that is not allowed is kept and shown with its reason, never applied.
//
// Where two nodes act at once, a decision is judged against what its author
// had seen (its causal ancestors), so that no verdict depends on which change
// id sorts lower: a re-handling stands on the rating it was based on, a round
// once opened is never closed by a change that had not seen it, and two
// different lead ratings of one round are a conflict (测评冲突) kept side by
// side until the office settles it (`settle`). docs/design-notes.md lists
// each concurrent pair and its rule.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/config.h"
#include "core/record.h"
#include "core/trust.h"

namespace renda::domain {

enum class SuggestionState {
  kDraft, kSubmitted, kRegistered, kRejected, kAssigned, kInProgress, kReturned,
  kReplied, kEvaluated, kReHandling, kClosed, kCarriedOver, kWithdrawn, kSelfHandled,
};
const char* stateName(SuggestionState s);       // "inProgress"
const char* stateLabel(SuggestionState s);      // "办理中"
// "满意", "基本满意" or "不满意" for a rating (EvaluationInfo::result), "" otherwise.
const char* ratingLabel(const std::string& rating);

// Every action the fold knows, with who may take it.
enum class Actor { kDeputySide, kOffice };
struct ActionInfo {
  const char* name;
  Actor actor;
  int priority;  // lower first among concurrent events
  const char* label;  // 中文
};
const std::vector<ActionInfo>& actions();
const ActionInfo* findAction(const std::string& name);

struct ReplyInfo {
  ChangeId id;
  std::string unit;
  uint32_t round = 1;
  std::string outcome;  // local code
  std::string text, docNo;
  uint64_t atMs = 0;
};

struct UnitState {
  std::string unit;  // handling unit record id (hex)
  std::string role;  // lead | assisting | separate
  uint32_t round = 1;
  uint64_t assignedMs = 0;
  bool accepted = false, returned = false;
  std::string returnReason;
  // The office overruled the unit's return and kept the assignment (维持交办,
  // action `keep`): the unit is assigned again and cannot return it a second time.
  bool kept = false;
  std::string keepReason;
  uint64_t metMs = 0;  // 见面: first face-to-face contact with the deputy
  std::vector<std::pair<uint64_t, std::string>> progress;
  std::optional<ReplyInfo> reply;  // this round's reply
};

struct EvaluationInfo {
  ChangeId id;  // the evaluate event
  uint32_t round = 1;
  std::string rater;    // deputy record id (hex); "" when anonymous
  std::string raterRole;  // lead | cosigner | voter | committee
  std::string process;  // satisfied | basic | unsatisfied | ""
  std::string result;   // satisfied | basic | unsatisfied
  std::string reason;
  bool anonymous = false;
  uint64_t atMs = 0;
  // Recorded at the same time as the re-handling, carry-over or closure that
  // ended its round (neither had seen the other): it counts for its round
  // and changes nothing in a later one (§3.5).
  bool late = false;
};

// Two or more lead ratings of one round recorded at the same time on different
// nodes, and different (测评冲突). All are kept and shown; none counts as the
// round's rating until the office settles it with action `settle`, naming the
// rating that stands (field `keep`). A settlement covers the ratings its author
// had seen: one it had not seen that differs reopens the conflict, as do two
// settlements made at once that keep different ratings.
struct RatingConflict {
  uint32_t round = 1;
  std::vector<ChangeId> ratings;  // the lead ratings (evaluate events), in fold order
  std::optional<ChangeId> kept;   // the rating the latest settlement(s) keep
  bool open = true;               // nothing settled it yet, or not for good
};

struct SupervisionInfo {
  std::string action;  // supervise | urge
  std::string kind, by, findings;
  uint64_t atMs = 0;
};

struct EventInfo {
  ChangeId id;
  std::string action;
  PublicKey author;
  uint64_t atMs = 0;
  bool applied = false;
  std::string reason;  // why not, when not applied
  std::vector<Field> fields;
};

struct SuggestionView {
  RecordId id;
  std::string scope;   // owning township ("" = county)
  std::string level;   // county | township
  std::string kind;    // suggestion | motion
  std::string title, number, lead, category, session, submittedIn;
  SuggestionState state = SuggestionState::kDraft;
  uint32_t round = 1;
  std::vector<std::pair<std::string, bool>> cosigners;  // deputy id, agreed
  bool key = false;
  std::string keyLeader;
  uint64_t createdMs = 0, submittedMs = 0, registeredMs = 0, assignedMs = 0, deadlineMs = 0;
  // When the current round began: the first assignment (交办) for round 1, the
  // re-handling (重新办理) or carry-over (续办) that opened a later one.
  uint64_t roundStartMs = 0;
  uint64_t round1DeadlineMs = 0;  // the first round's deadline, with its extensions
  // When round 1 was answered (初次答复, domain.md §3.1 S5 and §4.2 办复率): the
  // latest of the first replies of its lead and separate units (主办/分办); an
  // assisting unit's opinion (协办意见) is not a reply. 0 until all have replied.
  uint64_t firstReplyMs = 0;
  // The latest reply of a lead or separate unit, in any round.
  uint64_t lastReplyMs = 0;
  uint64_t closedMs = 0;
  uint32_t extensions = 0, carryOverYears = 0, urges = 0;
  std::vector<UnitState> units;  // every round's assignments
  std::vector<ReplyInfo> replies;  // all rounds
  std::vector<EvaluationInfo> evaluations;  // by round, then in fold order
  std::vector<RatingConflict> ratingConflicts;  // by round
  std::vector<SupervisionInfo> supervision;
  std::vector<EventInfo> events;  // in fold order, applied or not

  // Awaiting a reply, and the deadline's calendar day has passed at nowMs
  // (China time; a reply on the deadline's day is in time). The reports use
  // these two as well, so a list and a report never disagree.
  bool overdue(uint64_t nowMs) const;
  // Awaiting a reply, not overdue, and fewer than warningDays calendar days
  // left (0 on the deadline's day).
  bool nearDeadline(uint64_t nowMs, int warningDays) const;
  bool awaitingReply() const;
  // The lead deputy's rating that counts for a round: the only one, or the one
  // the office kept when two conflicted. nullptr while the round has none, or
  // while a conflict of its ratings is open.
  const EvaluationInfo* leadEvaluation(uint32_t round) const;
  // The conflict of a round's lead ratings, settled or not; nullptr if none.
  const RatingConflict* ratingConflict(uint32_t round) const;
  // The rating an evaluate event recorded; nullptr if it recorded none.
  const EvaluationInfo* evaluation(const ChangeId& event) const;
  // The national outcome class of the latest reply of a lead/separate unit.
  std::string outcome() const;
};

// Who authored an event: the membership of its key, or nullptr if unknown.
using MemberLookup = std::function<const Membership*(const PublicKey&)>;

// Folds a suggestion record. REQUIRES: record.kind == kSuggestion.
SuggestionView foldSuggestion(const Record& record, const Config& config,
                              const MemberLookup& members);

// A plain field edit (a version with no action, other than the creating one)
// at its place in the fold order, as seen by foldSuggestion's `onEdit`.
struct EditPoint {
  const RecordVersion* version;
  const SuggestionView* view;  // the state the fold has reached (events so far)
  bool byOffice = false;       // its author runs this suggestion's office side
  bool byDeputySide = false;   // its author may act for the deputy
};
// foldSuggestion, calling `onEdit` for every plain field edit (applied or not)
// where it falls among the events: in causal order, concurrent office
// decisions first. Used by the one-writer-per-field-group rule (field_groups.h).
SuggestionView foldSuggestion(const Record& record, const Config& config,
                              const MemberLookup& members,
                              const std::function<void(const EditPoint&)>& onEdit);

// Would this event be applied if appended now by `author`? Used before writing a
// local change, so a refused action writes nothing. Ok, or Refused with the reason.
Status checkEvent(const Record& record, const Config& config, const MemberLookup& members,
                  const PublicKey& author, const std::string& action,
                  const std::vector<Field>& fields, uint64_t atMs);

}  // namespace renda::domain
