// SPDX-License-Identifier: Apache-2.0
// The suggestion fold's state machine (internal to suggestion.cpp and
// suggestion_rounds.cpp): one Folder takes a record's events in fold order
// (suggestion_history.h) and builds its SuggestionView. suggestion.cpp holds
// the actions of handling (submit … reply, supervision); suggestion_rounds.cpp
// the ones where concurrent nodes meet round against round (evaluate,
// settle, rehandle, close, carryOver, and the late extension and urge).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/suggestion.h"
#include "core/domain/suggestion_history.h"

namespace renda::domain::detail {

std::string get(const std::vector<Field>& fields, const char* name);
bool in(SuggestionState s, std::initializer_list<SuggestionState> states);
inline Status refuse(const std::string& why) { return Status::refused(why); }

class Folder {
 public:
  Folder(SuggestionView& v, const Config& c, const History& h) : v_(v), c_(c), h_(h) {}

  // Checks one event against the state reached and its author's membership
  // `m` (nullptr: unknown) and, if allowed, applies it. Ok, or Refused with
  // the reason; a refused event changes nothing.
  Status apply(const RecordVersion& ver, const Membership* m, uint64_t atMs);
  // After the last event: marks late ratings and fills v_.ratingConflicts.
  void finish();

  bool isOffice(const Membership* m) const;
  bool isDeputySide(const Membership* m) const;

 private:
  // The lead rating that counts for a round, as `viewer` had seen it (its
  // causal ancestors), or with everything folded so far when viewer is null.
  struct LeadRating {
    const EvaluationInfo* rating = nullptr;  // null while none, or in conflict
    bool conflict = false;
    std::optional<ChangeId> kept;  // what the latest settlement(s) keep
  };
  struct Settlement {
    ChangeId id, kept;
    uint32_t round = 1;
  };
  struct Urge {
    ChangeId id;
    std::string by;
    uint64_t atMs = 0;
  };

  Status applyHandling(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status accept(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status reply(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  // suggestion_rounds.cpp
  Status evaluate(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status settle(const RecordVersion& ver);
  Status rehandle(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status close(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status carryOver(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);
  Status extend(const RecordVersion& ver, const ActionInfo& a);
  Status urge(const RecordVersion& ver, const ActionInfo& a, uint64_t atMs);

  LeadRating leadRating(uint32_t round, const RecordVersion* viewer) const;
  std::string conflictText(uint32_t round) const;
  // 1 + the round-opening events (re-handling, carry-over) `ver` had seen.
  uint32_t seenRound(const RecordVersion& ver) const;
  // The reply that answered the round `ver` had seen, if `ver` had not seen it.
  bool answerUnseen(const RecordVersion& ver) const;
  bool saw(const RecordVersion& ver, const ChangeId& id) const { return h_.saw(ver.id, id); }
  // Copies the current round's lead and separate units into a new round
  // (re-handling, carry-over): they carry on without a new acceptance.
  void openRound(const ChangeId& opener, uint64_t atMs);
  std::string codes() const;
  Status wrongState(const ActionInfo& a) const;
  UnitState* unitOf(const std::string& unit, uint32_t round);
  std::vector<UnitState*> currentUnits();

  SuggestionView& v_;
  const Config& c_;
  const History& h_;
  std::vector<ChangeId> openers_;                    // openers_[k] opened round k + 2
  std::map<uint32_t, ChangeId> ended_;               // round -> the event that ended it
  std::map<uint32_t, ChangeId> answered_;            // round -> the reply that answered it
  std::optional<ChangeId> closedBy_;                 // while the state is closed
  std::map<uint32_t, std::vector<ChangeId>> leads_;  // round -> its lead ratings
  std::vector<Settlement> settlements_;
  std::vector<Urge> urges_;
  std::map<std::pair<std::string, uint32_t>, ChangeId> acceptedBy_;  // (unit, round)
};

}  // namespace renda::domain::detail
