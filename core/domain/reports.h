// SPDX-License-Identifier: Apache-2.0
// The county office's reports (domain.md §4.2), computed from materialised
// records and a `now` passed in. Rates are per cohort (a session, or the
// inter-session year a suggestion was submitted in), never per calendar year by
// accident. Every report is a Table, printed as text, JSON, CSV or XLSX by app.
// Pure and deterministic: the same records and query give the same Table on
// every node, whatever order the changes arrived in.
//
// Record fields the reports read (beyond the suggestion fold):
//   deputy            name, level, status ("终止"/"terminated" leaves the denominators);
//                     scope = township
//   dutyRecord        deputy (id), type, date, title, place
//   reception         deputies (ids, comma/、-separated), date, visitors (count)
//   constituentIssue  receivedDate, closedDate, route, deputy (id who collected it),
//                     reception (id)
//   reportBack        deputy (id), date, satisfaction (text, e.g. "95.00%")
//   handlingUnit      name;  session: name;  township: name
//   term              name, startDate, endDate
//   mandate           deputy (id), level, term (id): the term a deputy's 述职 is
//                     counted in (per level, the latest begun); a deputy without
//                     one is held to the latest term begun
//   suggestion        session (session record id), submittedIn (大会期间 | 闭会期间)
// Dates are "YYYY-MM-DD" in China time; a record without one counts at its creation time.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/domain/config.h"
#include "core/domain/suggestion.h"
#include "core/record.h"

namespace renda::domain {

struct Table {
  std::string name;   // "summary"
  std::string title;  // "代表建议办理情况汇总"
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;  // formulas and caveats, shown under the table
  // Columns whose cells stay text even when they look like numbers (suggestion
  // numbers, titles, names). Every other all-digit cell is a count.
  std::vector<size_t> textColumns;
};

namespace detail {
struct DatasetFacts;
}

// Everything reports read, already folded.
struct Dataset {
  std::vector<SuggestionView> suggestions;
  std::vector<Record> deputies, dutyRecords, receptions, issues, reportBacks, units, townships,
      sessions, terms, stations, mandates;
  Config config;  // the county's settings
  // Townships that keep their own settings (for their township-level suggestions).
  std::map<std::string, Config> townshipConfigs;

  // Compact facts extracted from the record lists by index(), shared by every
  // report computed from this dataset. Without them each report extracts its
  // own. WARNING: call index() again after changing a record list.
  std::shared_ptr<const detail::DatasetFacts> facts;

  // The settings a suggestion is handled under: its township's for a
  // township-level item when that township has its own, else the county's.
  const Config& configFor(const SuggestionView& s) const;
  // (Re)builds `facts`.
  void index();
};

// The cohort a suggestion belongs to: its session record id when it was
// submitted during a session, or "Y2026" for an item submitted between sessions
// in 2026 (by its submission, else creation, time), even when it names the
// last session. The two kinds never mix.
std::string cohortOf(const SuggestionView& s);
// A human name for a cohort key ("第十八届第二次会议", "2026年闭会期间").
std::string cohortName(const Dataset& d, const std::string& cohort);
// Every cohort key present among the suggestions, sorted.
std::vector<std::string> cohorts(const Dataset& d);
// The current cohort: that of the suggestion submitted last (drafts by their
// creation), or "Y" and the year of nowMs when there is none. What the web
// interface shows unless asked for another cohort or for all of them.
std::string currentCohort(const Dataset& d, uint64_t nowMs);

// The township a suggestion is counted under: its lead deputy's township, else
// the township that owns the record ("" = county).
std::string townshipOf(const Dataset& d, const SuggestionView& s);

struct ReportQuery {
  std::string cohort;    // "" = every cohort
  std::string township;  // "" = every township
  uint64_t nowMs = 0;
  int year = 0;  // for the archive and activity reports; 0 = year of nowMs
};

// Names of every report with a one-line description (listed by `renda report`).
const std::vector<std::pair<std::string, std::string>>& reportNames();
// Computes report `name`; NotFound for an unknown name. The title carries the
// cohort and township asked for.
Result<Table> computeReport(const std::string& name, const Dataset& d, const ReportQuery& q);

// One deputy's yearly 履职档案, for the one-sheet-per-deputy export.
struct DeputyArchive {
  std::string deputyId;  // hex
  std::string name, township;
  Table summary;      // the deputy's row of the archive report, laid out as 项目 | 数值
  Table suggestions;  // suggestions the deputy led or co-signed, submitted that year
  Table activities;   // duty records, receptions and report-backs of that year, by date
};
// Every deputy of q.township ("" = all), in the archive report's order.
std::vector<DeputyArchive> deputyArchives(const Dataset& d, const ReportQuery& q);

// "92.47%" with two decimals, rounded half up; "—" when the denominator is 0.
std::string percent(uint64_t num, uint64_t den);

}  // namespace renda::domain
