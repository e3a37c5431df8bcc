// SPDX-License-Identifier: Apache-2.0
// What the report endpoints (app/web/api_reports.cpp) and the dashboard
// (api_dashboard.cpp) share: the query from ?cohort=&township=&year=, with the
// current cohort unless another one or `all` is asked for, and a report as
// JSON (its cells by reportCellJson, app/output/table_out.h).
#pragma once

#include <string>
#include <variant>

#include "app/output/dataset.h"
#include "app/output/json.h"
#include "app/web/web_app.h"
#include "core/domain/reports.h"

namespace renda::app {

// ?cohort= takes what `renda report --cohort` takes, `all` for every cohort,
// and defaults to domain::currentCohort. A cohort, year or township the
// county does not know is the 400 to answer (with its field), never a report
// of zeros that looks like a real one.
std::variant<domain::ReportQuery, WebResponse> webReportQuery(const WebRequest& request,
                                                              storage::Store& store,
                                                              const domain::Dataset& data);

// knownTownship (app/output/dataset.h) says whether the county has it.
// The 400 for a township the county does not know, naming the field.
WebResponse unknownTownship(const std::string& township);

// The cohort as the answers give it: "cohort" (the key, "" for all) and
// "cohortLabel" (第十八届第二次会议, 2026年闭会期间, 全部批次).
void cohortJson(Json& j, const domain::Dataset& data, const std::string& cohort);

// {"report","title","cohort","cohortLabel","township","columns","rows","notes"}.
std::string reportJson(const domain::Table& t, const domain::Dataset& data,
                       const domain::ReportQuery& q);

}  // namespace renda::app
