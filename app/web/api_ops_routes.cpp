// SPDX-License-Identifier: Apache-2.0
// Routes of the reports, dashboard, home, sync, bundle and job endpoints
// (app/web/api_ops.h); the upload of POST /api/bundles/import, whose body the
// HTTP server streams to a file, is checked and started here too.
#include "app/web/api_ops.h"

#include "app/i18n/strings.h"

namespace renda::app {

namespace {

WebResponse methodNotAllowed() {
  return errorResponse(405, "method_not_allowed", i18n::tr("web.err.method"));
}

}  // namespace

std::optional<WebResponse> routeOps(ApiCall& call) {
  const std::string& path = call.request.path;
  const std::string& method = call.request.method;
  auto tail = [&](const std::string& prefix) -> std::optional<std::string> {
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size()) return std::nullopt;
    std::string rest = path.substr(prefix.size());
    if (rest.find('/') != std::string::npos) return std::nullopt;
    return rest;
  };
  auto get = [&](auto&& handler) { return method == "GET" ? handler() : methodNotAllowed(); };
  if (path == "/api/reports") return get([&] { return apiReportList(call); });
  if (path == "/api/reports/summary") return std::nullopt;  // web_app.cpp's route
  if (auto name = tail("/api/reports/")) return get([&] { return apiReport(call, *name); });
  if (path == "/api/dashboard") return get([&] { return apiDashboard(call); });
  if (path == "/api/home") return get([&] { return apiHome(call); });
  if (path == "/api/sync") return get([&] { return apiSync(call); });
  if (auto id = tail("/api/jobs/")) return get([&] { return apiJob(call, *id); });
  if (path == "/api/sync/now") {
    // Every role (admin, clerk) may.
    return method == "POST" ? apiSyncNow(call) : methodNotAllowed();
  }
  if (path == "/api/bundles/export") return get([&] { return apiBundleExport(call); });
  if (path == "/api/bundles/import")  // a POST is an upload (WebApp::uploadCheck)
    return methodNotAllowed();
  return std::nullopt;
}

std::optional<WebResponse> WebApp::uploadCheck(const WebRequest& request) {
  i18n::WebMessages webMessages(pageLanguage(request.lang));
  if (Status s = reloadAccounts(); !s) return statusResponse(s, i18n::tr("web.err.read-accounts"));
  WebSession* session = sessionOf(request);
  if (!session) return errorResponse(401, "unauthorized", i18n::tr("web.err.sign-in"));
  if (!SessionTable::csrfMatches(*session, request.csrfHeader))
    return errorResponse(403, "csrf", i18n::tr("web.err.csrf"));
  std::string type = request.contentType.substr(0, request.contentType.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type != "application/octet-stream")
    return errorResponse(415, "unsupported_media_type",
                         i18n::tr("web.err.upload-type"));
  if (ops_.jobs.running("import"))
    return errorResponse(409, "conflict", i18n::tr("web.err.import-running"));
  return std::nullopt;
}

const std::string& WebApp::nodeDir() const { return node_.dir(); }

std::string WebApp::uploadPath() { return webTempPath(node_.dir(), "upload", ".bundle"); }

WebResponse WebApp::uploadDone(const WebRequest& request, const std::string& file) {
  i18n::WebMessages webMessages(pageLanguage(request.lang));
  return startBundleImport(node_, ops_, file);
}

}  // namespace renda::app
