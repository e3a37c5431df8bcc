// SPDX-License-Identifier: Apache-2.0
// The endpoints of reports, the dashboard, the home page, sync, bundles and
// jobs (app/web/api_*.cpp), routed by routeOps (api_ops_routes.cpp).
#pragma once

#include <string>

#include "app/output/json.h"
#include "app/web/web_app.h"

namespace renda::app {

WebResponse apiReportList(ApiCall& call);
WebResponse apiReport(ApiCall& call, const std::string& name);
WebResponse apiDashboard(ApiCall& call);
WebResponse apiHome(ApiCall& call);
WebResponse apiSync(ApiCall& call);
WebResponse apiSyncNow(ApiCall& call);
WebResponse apiBundleExport(ApiCall& call);
WebResponse apiJob(ApiCall& call, const std::string& id);

// GET /api/sync's object, written into `j` (also the home page's "sync").
Status syncJson(Json& j, ApiCall& call);

// Starts importing the bundle `file` (which it then owns and removes) in the
// background: 202 {"job"}.
WebResponse startBundleImport(Node& node, OpsState& ops, const std::string& file);

}  // namespace renda::app
