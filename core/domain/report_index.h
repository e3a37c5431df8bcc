// SPDX-License-Identifier: Apache-2.0
// Internals shared by the report files (reports.cpp, report_deputies.cpp): a
// per-call index over a Dataset (ids to records, parsed dates) and the small
// definitions every formula uses (registered, first reply, final rating), so
// two reports never count one thing two ways. Not part of the public API.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/domain/reports.h"

namespace renda::domain::detail {

// Calendar day number (days since 1970-01-01) in China time.
int64_t dayOf(uint64_t ms);
struct Ymd {
  int year = 0, month = 0, day = 0;
};
Ymd ymdOf(uint64_t ms);
// parseDate() with a fast path for the strict "YYYY-MM-DD" form; same results.
std::optional<uint64_t> fastDate(const std::string& ymd);
// formatDate() without libc time calls; same results.
std::string dayText(uint64_t ms);
std::string num(uint64_t n);

// Compact facts about the record lists, extracted once (see Dataset::index()):
// reading a field of a Record is a map lookup, and the deputy reports would
// otherwise do tens of thousands of them per report. Vectors are parallel to
// the Dataset's lists; a deputy or reception is its position in d.deputies /
// d.receptions, -1 when the id names none. Strings that repeat (duty types,
// townships, routes) are interned: an index into `names`.
struct DatasetFacts {
  std::vector<std::string> names;
  std::unordered_map<std::string, int32_t> deputyAt, receptionAt;  // hex id -> position
  std::unordered_map<std::string, const Record*> units;            // hex id -> record
  std::vector<std::string> deputyHex;
  std::vector<uint8_t> deputyActive;
  struct Duty {
    int32_t deputy = -1;
    uint32_t type = 0, scope = 0;
    uint64_t dateMs = 0;
  };
  struct Reception {
    std::vector<int32_t> deputies;
    uint32_t scope = 0;
    uint64_t dateMs = 0, visitors = 0;
  };
  struct Issue {
    int32_t deputy = -1, reception = -1;
    uint32_t scope = 0, route = 0;
    uint64_t receivedMs = 0;
    bool closed = false;    // has a closedDate
    uint64_t closedMs = 0;  // 0 when closedDate is not a date
  };
  struct ReportBack {
    int32_t deputy = -1;
    uint64_t dateMs = 0;
  };
  std::vector<Duty> duty;
  std::vector<Reception> receptions;
  std::vector<Issue> issues;
  std::vector<ReportBack> reportBacks;
};
// Extracts the facts of `d`: with `lists` false only the id lookups (deputies,
// units), which the suggestion reports need; with true everything.
std::shared_ptr<const DatasetFacts> buildFacts(const Dataset& d, bool lists = true);

// Lookups for one report computation: the dataset's facts, or (when it has
// none) as much of them as the report asks for, built on first use. Borrows
// `d`, which must outlive it. Not thread-safe.
class Index {
 public:
  explicit Index(const Dataset& d) : d_(d), facts_(d.facts) {}
  const Dataset& data() const { return d_; }
  const DatasetFacts& facts() const;
  const std::string& name(uint32_t interned) const { return facts().names[interned]; }
  const Record* deputy(const std::string& hex) const;
  // Name of a deputy or unit; the id's first 8 digits when unknown.
  std::string deputyName(const std::string& hex) const;
  std::string unitName(const std::string& hex) const;
  std::string townshipOf(const SuggestionView& s) const;

 private:
  const DatasetFacts& lookups() const;

  const Dataset& d_;
  mutable std::shared_ptr<const DatasetFacts> facts_, lookups_;
};

// Suggestions of the query's cohort and township (by townshipOf), in dataset order.
std::vector<const SuggestionView*> select(const Index& ix, const ReportQuery& q);

// Counted in N: registered (numbered by the office) and not withdrawn.
bool registered(const SuggestionView& s);
// A deputy still in office (status is not 终止).
bool activeDeputy(const Record& r);
// (When round 1 was answered is SuggestionView::firstReplyMs, computed by the fold.)
// Round 1's deadline, with its approved extensions.
uint64_t firstRoundDeadline(const SuggestionView& s);
// A deadline is a calendar day: anything on that day is in time. (Overdue and
// near-deadline are SuggestionView::overdue / nearDeadline, which use the same rule.)
bool onOrBefore(uint64_t atMs, uint64_t deadlineMs);
// The lead deputy's rating of the latest round that has one.
const EvaluationInfo* finalRating(const SuggestionView& s);
// National class (A/B/C/D) of the final outcome under the suggestion's settings.
std::string nationalOf(const Dataset& d, const SuggestionView& s);
std::string ratingLabel(const std::string& result);  // "满意"
// Current round's units, "、"-separated.
std::string unitsOf(const Index& ix, const SuggestionView& s);

// The suggestion list's columns and one suggestion's row (export suggestions).
const std::vector<std::string>& suggestionColumns();
std::vector<std::string> suggestionRow(const Index& ix, const SuggestionView& s);
// Submitted suggestions of `list` in list order: registered ones by number, then the rest.
void sortForList(std::vector<const SuggestionView*>& list);

// Deputy-centric reports (report_deputies.cpp).
Table townshipsReport(const Index& ix, const ReportQuery& q, int year);
Table archiveReport(const Index& ix, const ReportQuery& q, int year);
Table activityReport(const Index& ix, const ReportQuery& q, int year);
Table reportBackReport(const Index& ix, const ReportQuery& q);
Table issuesReport(const Index& ix, const ReportQuery& q, int year);
// report_people.cpp: lists whose columns include personal fields.
Table issueListReport(const Dataset& d, const ReportQuery& q);
Table rosterReport(const Dataset& d, const ReportQuery& q);

}  // namespace renda::domain::detail
