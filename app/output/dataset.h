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
// record's name or id prefix, or a cohort key as printed. Usage error otherwise.
Result<domain::ReportQuery> reportQueryFrom(const Args& args, storage::Store& store,
                                            const domain::Dataset& data);

}  // namespace renda::app
