// SPDX-License-Identifier: Apache-2.0
// Internal to the demo county generator (app/demo_county*.cpp): the plan — every
// record and life-cycle event to write, which node writes it, in what order —
// made from the seed alone, before any node exists; and the facts about each
// suggestion the planner decided (its path, dates, units, ratings), from which
// demo_county_truth.cpp counts the fixtures. Nothing here reads a store.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/demo/demo_county.h"
#include "core/change.h"

namespace renda::app::demo {

// A calendar day: days since 1970-01-01, China time.
using Day = int64_t;
Day dayOf(int year, int month, int day);
Day dayOfMs(uint64_t ms);
std::string dateText(Day d);  // "2026-11-20"
int yearOf(Day d);
int monthOf(Day d);

// The plan's only source of randomness. Only the raw engine is used (its
// output is fixed by the C++ standard); std distributions are not, so the
// same seed gives the same county with any standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t below(uint64_t n) { return n ? g_() % n : 0; }
  int between(int lo, int hi) { return lo + int(below(uint64_t(hi - lo + 1))); }  // inclusive
  bool chance(double p) { return double(g_() >> 11) * 0x1.0p-53 < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }
  // An index drawn with the given weights.
  size_t weighted(const std::vector<int>& weights);

 private:
  std::mt19937_64 g_;
};

// Another planned record, by its index in Plan::records; written as its id.
struct Ref {
  std::string field;
  std::vector<int> records;  // several: ids joined with ','
};

struct PlannedRecord {
  int node = 0;   // 0 = the county office, t = township t (1-based)
  int stage = 0;  // write order at the node: references point to earlier stages
  RecordKind kind = RecordKind::kDeputy;
  std::string scope;
  std::vector<Field> fields;
  std::vector<Ref> refs;
  const std::string& get(const std::string& name) const;  // "" when unset
  std::vector<int> refsOf(const std::string& field) const;
};

// One life-cycle event, as `renda suggestion ACTION ID --NAME VALUE ... --date D`.
struct PlannedEvent {
  int node = 0;
  std::string action;
  Day day = 0;
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::pair<std::string, int>> refs;  // unit / deputy / rater -> record index
};

struct UnitFacts {
  int unit = -1;     // record index
  std::string role;  // lead | assisting | separate
  bool returned = false;
  std::optional<Day> firstReply;  // its first reply in round 1
  std::string lastOutcome;        // local code of its last reply with one
};

struct RatingFacts {
  int round = 1;
  std::string result;   // satisfied | basic | unsatisfied
  std::string process;  // same scale, or ""
};

// What the planner decided for one suggestion, kept as it adds the events.
struct SuggestionFacts {
  int record = -1;
  int township = 0;  // node of the lead deputy's township
  int lead = -1;     // deputy record
  bool townshipLevel = false;
  int session = -1;             // session record; -1 for an inter-session item
  std::string scheme = "ABCD";  // outcome scheme of the settings governing it
  std::string path;             // the planner's name for its path (for the summary)
  std::string finalLabel;       // its 状态 at the end (for the summary)
  bool submitted = false, withdrawn = false, registered = false, selfHandled = false;
  bool closed = false, key = false;
  Day submitDay = 0;
  std::string number;
  std::vector<int> cosigners;  // agreed co-signers
  bool assigned = false, awaiting = false;
  Day deadline = 0, round1Deadline = 0;
  int round = 1;
  std::vector<UnitFacts> units;  // round 1's units, returned ones included
  std::optional<Day> metDay;     // first 见面 in round 1
  std::vector<RatingFacts> leadRatings;
  std::string lastOutcome;  // local code of the last reply with one
  std::vector<PlannedEvent> events;
};

struct TownshipPlan {
  std::string name, type;  // type: 镇 | 乡 | 街道
  std::string folder;      // "township-01-城关镇"
  bool congress = true;    // 街道 have none
  std::string scheme = "ABCD";
  int session = -1;  // its congress's 2026 session record
  int term = -1;     // its congress's current term record
  Day termStart = 0, termEnd = 0;
  std::string sessionTag;  // "十八届五次", for numbering its suggestions
};

struct Plan {
  DemoCountyOptions options;
  std::string countyName = "示范县";
  Day now = 0;
  int year = 0;
  std::vector<TownshipPlan> townships;  // [0] unused: node numbers are 1-based
  std::vector<PlannedRecord> records;
  std::vector<SuggestionFacts> suggestions;
};

// Makes the whole plan from the options (seed, townships, now).
Plan makePlan(const DemoCountyOptions& options);

// --- between the two halves of the planner -----------------------------------

struct PlanDeputy {
  int record = -1;
  int township = 0;
  std::string name;
  bool county = false;        // holds a county-level mandate
  bool townshipSeat = false;  // holds a township-level mandate
  bool active = true;         // still in office
  Day leftOn = 0;             // when not active
  int station = -1;           // station record
};

struct PlanContext {
  PlanContext(Plan& p, Rng& r) : plan(p), rng(r) {}
  Plan& plan;
  Rng& rng;
  std::vector<PlanDeputy> deputies;
  std::vector<int> countyUnits;                    // records, in countyUnits() order
  std::vector<std::vector<int>> townshipUnits;     // per township node: its government's units
  std::vector<std::vector<std::string>> villages;  // per township node
  int session2025 = -1, session2026 = -1;          // county sessions (records)
  Day session2025Day = 0, session2026Day = 0;      // their first days
};

// Plans every suggestion and its life cycle (demo_county_life.cpp): adds the
// suggestion records and fills plan.suggestions.
void planSuggestions(PlanContext& ctx);

// The fixtures, from the plan; `ids[i]` is the hex id planned record i got.
DemoCountyTruth countTruth(const Plan& plan, const std::vector<std::string>& ids);

}  // namespace renda::app::demo
