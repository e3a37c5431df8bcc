// SPDX-License-Identifier: Apache-2.0
// Loads everything the reports read from a store, folded, and turns the
// report options shared by `renda report` and `renda export` into a query.
#pragma once

#include "app/cli/cli.h"
#include "core/domain/reports.h"
#include "storage/store.h"

namespace renda::app {

// Every record the reports read, with suggestions folded under their settings
// (a township-level item under its township's, else the county's), and indexed.
// An item without submittedIn whose session record has type 闭会期间 counts as
// submitted between sessions.
// The suggestion records as stored, when `suggestionRecords` is given, go there.
Result<domain::Dataset> loadDataset(storage::Store& store,
                                    std::vector<Record>* suggestionRecords = nullptr);

// The options reportQueryFrom reads, and --reveal (presentDataset), for the
// option tables of `renda report` and `renda export`.
std::vector<Option> reportQueryOptions();

// The query from --cohort, --township and --year, with now = Node::nowMs().
// --cohort takes a year (2026: that year's inter-session items), a session
// record's name or id prefix, a cohort key as printed, or all (every cohort,
// as no --cohort). A usage error otherwise, and for a township the county
// does not know.
Result<domain::ReportQuery> reportQueryFrom(const Args& args, storage::Store& store,
                                            const domain::Dataset& data);

// Suggestions that answer to one official number (two offices that gave it
// to two suggestions while apart): each number (as lookups read it, see
// plainNumber) with the suggestions that hold it, numbers in order. The
// office corrects all but one with the renumber action (更正编号).
struct DuplicateNumber {
  std::string number;
  std::vector<const domain::SuggestionView*> suggestions;
};
std::vector<DuplicateNumber> duplicateNumbers(const std::vector<domain::SuggestionView>& suggestions);
// The folds of the suggestions that were ever registered (the ones with a
// number), without the rest of the report data: what renda status needs.
Result<std::vector<domain::SuggestionView>> registeredSuggestions(storage::Store& store);

// Whether `township` is one of the county's (a township record's name, or
// the township of a record), so that 城关 for 城关镇 is refused, not a
// report of zeros that looks like a real one (reportQueryFrom checks it).
bool knownTownship(const domain::Dataset& data, const std::string& township);
// The same, or a township a node is enrolled for (checkTownshipKnown): a
// township with no records yet is still the county's.
bool knownTownship(storage::Store& store, const domain::Dataset& data,
                   const std::string& township);

}  // namespace renda::app
