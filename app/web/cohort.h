// SPDX-License-Identifier: Apache-2.0
// Cohorts (批次: a session, or a year's inter-session items; core/domain/
// reports.h cohortOf) as the web API takes and shows them. Pages default to
// the current cohort and never mix every cohort silently: `cohort=all` asks
// for every one.
#pragma once

#include <string>
#include <variant>

#include "app/web/web_app.h"
#include "core/domain/reports.h"

namespace renda::app {

// The current cohort is domain::currentCohort (core/domain/reports.h).

// A cohort key as `renda report --cohort` takes it: a year ("2026") for an
// inter-session cohort, else the session's name (its id when two share it).
std::string cohortArgument(const domain::Dataset& d, const std::string& key);

// The cohort key the request's `cohort` parameter asks for: none, the
// current one; `all`, "" (every cohort); else what `renda report --cohort`
// takes. 400 invalid with field "cohort" when it names none.
std::variant<std::string, WebResponse> requestedCohort(const WebRequest& request,
                                                       storage::Store& store,
                                                       const domain::Dataset& d);

}  // namespace renda::app
