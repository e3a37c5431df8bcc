// SPDX-License-Identifier: Apache-2.0
// `renda demo --county`: a believable county (≈15 townships, ≈1,100 deputies,
// ≈200 suggestions over every path of their life cycle, ≈20,000 duty records,
// receptions, constituent issues and report-backs, in Chinese), generated from
// a seed as real signed changes by real nodes: the county office and one node
// per township, each with its own device key, set up with `renda county init`,
// `enroll` and `join`, each record written by the node whose role may write it
// (life-cycle events through the same checks as `renda suggestion ACTION`),
// and carried between nodes as bundle files until every node holds every
// change. Dates come from the seed and a fixed demo clock, so the reports are
// the same on every run with the same seed (keys are random; no report reads them).
//
// The generator also keeps its own count of what it planned (DemoCountyTruth),
// computed from the plan and never from core/domain/reports: the fixtures the
// county's reports must match.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace renda::app {

// The demo's fixed "now": 2026-11-20 10:00 China time. Deadlines, overdue and
// near-deadline lists are relative to it (RENDA_NOW_MS=1795140000000).
inline constexpr uint64_t kDemoCountyNowMs = 1795140000000ull;

struct DemoCountyOptions {
  uint64_t seed = 1;
  int townships = 15;  // 1..30; deputies, suggestions and records scale with it
  uint64_t nowMs = kDemoCountyNowMs;
  // Replace an earlier demo county in the folder. A non-empty folder that does
  // not hold one is never touched.
  bool replace = false;
  bool progress = false;  // one line per step on stdout
};

// --- the generator's own counts (the fixtures) ---------------------------------

// The summary report's counts for one set of suggestions (see domain.md §4.2).
struct DemoSummaryFacts {
  uint64_t registered = 0, assigned = 0, key = 0, replied = 0, onTime = 0, met = 0;
  uint64_t rated = 0, satisfied = 0, basic = 0, unsatisfied = 0, firstRated = 0, firstOk = 0;
  uint64_t processRated = 0, processOk = 0, solvedA = 0, solvedAB = 0;
  uint64_t overdue = 0, nearDeadline = 0;
};

struct DemoUnitFacts {
  uint64_t lead = 0, assisting = 0, separate = 0, replied = 0, onTime = 0, rated = 0, ratedOk = 0;
  std::map<std::string, uint64_t> outcomes;  // national class -> count
};

struct DemoTownshipFacts {
  uint64_t deputies = 0;                 // in office
  uint64_t suggestions = 0, closed = 0;  // by the lead deputy's township, every cohort
  uint64_t duty = 0, receptions = 0, issues = 0, issuesClosed = 0;  // in the report year
  uint64_t reportedBack = 0;  // deputies in office who reported back this term
};

struct DemoDeadlineItem {
  std::string number;
  int64_t days = 0;  // overdue by / left
  bool operator==(const DemoDeadlineItem&) const = default;
};

struct DemoRouteFacts {
  uint64_t issues = 0, closed = 0, timed = 0, days = 0;  // days: sum over timed closed issues
};

struct DemoCountyTruth {
  uint64_t nowMs = 0;
  int year = 0;  // the report year (that of nowMs)
  // The summary per cohort key (a session record's id, or "Y2026"); "" = all.
  std::map<std::string, DemoSummaryFacts> summaryByCohort;
  // The summary per township (by the lead deputy's township), every cohort.
  std::map<std::string, DemoSummaryFacts> summaryByTownship;
  std::map<std::string, uint64_t> outcomes;             // national class -> count, every cohort
  std::vector<DemoDeadlineItem> overdue, nearDeadline;  // sorted by number
  std::map<std::string, DemoUnitFacts> units;           // by unit name
  std::map<std::string, DemoTownshipFacts> townships;   // by township name
  std::array<uint64_t, 13> activeByMonth{};  // [1..12]: deputies in office active that month
  uint64_t deputiesInOffice = 0;
  std::map<std::string, DemoRouteFacts> issuesByRoute;  // in the report year
  std::map<std::string, uint64_t> dutyByType;           // in the report year
  uint64_t suggestionsLed = 0, cosignatures = 0;        // submitted in the report year
};

// --- what was made ----------------------------------------------------------------

struct DemoCountyNode {
  std::string name;    // "county", "城关镇"
  std::string folder;  // its data folder
  std::string key;     // device key, hex
  uint64_t changesAuthored = 0;
  uint64_t changesHeld = 0;
  std::string digest;  // hex
};

struct DemoCountySummary {
  std::string dir;
  std::string countyName;
  uint64_t seed = 0, nowMs = 0;
  std::vector<DemoCountyNode> nodes;                 // the county office first
  std::map<std::string, uint64_t> records;           // per record kind (CLI word), as written
  std::map<std::string, uint64_t> suggestionStates;  // by 状态 label, from the plan
  uint64_t changes = 0;  // held by the county (every node holds the same)
  uint64_t events = 0;   // life-cycle events
  uint64_t syncRounds = 0, bundles = 0, bundleBytes = 0, bundleChanges = 0;
  uint64_t folderBytes = 0;
  double seconds = 0;
  bool converged = false;  // every node's digest equals the county's
  DemoCountyTruth truth;
};

// Generates the demo county in `dir`: DIR/county, DIR/township-01-城关镇, ...,
// plus DIR/demo-county.json (what was made, and the fixtures). `dir` must be
// missing or empty, or hold an earlier demo county and options.replace be set.
// Usage error otherwise, or for options out of range; any failure of a step is
// returned with the step named.
// WARNING: sets RENDA_NOW_MS to options.nowMs while it runs (the setup and
// bundle commands it reuses read the clock there) and restores it; not thread-safe.
Result<DemoCountySummary> generateDemoCounty(const std::string& dir,
                                             const DemoCountyOptions& options);

// The summary as text for `renda demo --county` (counts, nodes, digests, time,
// and the commands to try).
std::string describeDemoCounty(const DemoCountySummary& summary);

// The summary as JSON, as written to DIR/demo-county.json: seed, townships,
// clock, nodes (name, folder, key), records per kind, and "fixtures" (the truth).
std::string demoCountyJson(const DemoCountySummary& summary);

}  // namespace renda::app
