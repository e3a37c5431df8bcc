// SPDX-License-Identifier: Apache-2.0
// GET /api/reports: the reports `renda report` lists. GET /api/reports/NAME
// ?cohort=&township=&year=&format=json|csv|xlsx: one of them, as JSON with
// counts and rates as numbers, or as the file `renda export` writes, for
// download. The cohort is the current one unless another, or `all`, is asked.
#include <unistd.h>

#include <algorithm>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/privacy.h"
#include "app/output/dataset.h"
#include "app/output/export.h"
#include "app/output/report_file.h"
#include "app/output/table_out.h"
#include "app/web/report_query.h"
#include "app/web/url.h"
#include "core/sealed.h"

namespace renda::app {

namespace {

std::string queryOf(const WebRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

}  // namespace

namespace {

bool anySealed(const domain::Table& t) {
  for (const auto& row : t.rows)
    for (const auto& cell : row)
      if (looksSealed(cell)) return true;
  return false;
}

// A report's title as a file name: characters Windows refuses become '_'.
std::string fileNameOf(const std::string& title, const std::string& ext) {
  std::string out;
  for (char c : title) out += std::string("/\\:*?\"<>|").find(c) == std::string::npos ? c : '_';
  return out + "." + ext;
}

}  // namespace

std::variant<domain::ReportQuery, WebResponse> webReportQuery(const WebRequest& request,
                                                              storage::Store& store,
                                                              const domain::Dataset& data) {
  // The same query `renda report NAME --cohort C --township T --year Y` makes.
  Args args;
  for (const char* name : {"cohort", "township", "year"}) {
    std::string v = queryOf(request, name);
    if (!v.empty() && !(std::string(name) == "cohort" && v == "all"))
      args.options.emplace_back(name, v);
  }
  // A year is checked here so that the page can name the field.
  std::string year = queryOf(request, "year");
  if (!year.empty() && (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos ||
                        year < "1949" || year > "2200"))
    return errorResponse(400, "invalid", i18n::trf("web.err.bad-year", {year}), "year");
  // A township's name mistyped (城关 for 城关镇) would give a report of zeros
  // that looks like a real one.
  std::string township = queryOf(request, "township");
  if (!township.empty() && !knownTownship(store, data, township)) return unknownTownship(township);
  auto q = reportQueryFrom(args, store, data);
  if (!q)
    return errorResponse(400, "invalid",
                         i18n::trf("web.err.unknown-cohort", {queryOf(request, "cohort")}), "cohort");
  if (queryOf(request, "cohort").empty()) q->cohort = domain::currentCohort(data, q->nowMs);
  return std::move(*q);
}

WebResponse unknownTownship(const std::string& township) {
  return errorResponse(400, "invalid",
                       i18n::trf("web.err.unknown-township", {township}),
                       "township");
}

void cohortJson(Json& j, const domain::Dataset& data, const std::string& cohort) {
  j.field("cohort", cohort);
  j.field("cohortLabel", cohort.empty() ? "全部批次" : domain::cohortName(data, cohort));
}

std::string reportJson(const domain::Table& t, const domain::Dataset& data,
                       const domain::ReportQuery& q) {
  Json j;
  j.beginObject().field("report", t.name).field("title", t.title);
  cohortJson(j, data, q.cohort);
  j.field("township", q.township);
  j.key("columns").beginArray();
  for (const auto& c : t.columns) j.str(c);
  j.endArray().key("rows").beginArray();
  for (const auto& row : t.rows) {
    j.beginArray();
    for (size_t c = 0; c < row.size(); ++c)
      reportCellJson(j, row[c], std::find(t.textColumns.begin(), t.textColumns.end(), c) !=
                                    t.textColumns.end());
    j.endArray();
  }
  j.endArray().key("notes").beginArray();
  for (const auto& n : t.notes) j.str(n);
  j.endArray().endObject();
  return j.text();
}

WebResponse apiReportList(ApiCall&) {
  Json j;
  j.beginObject().key("reports").beginArray();
  for (const auto& [name, title] : domain::reportNames())
    j.beginObject().field("name", name).field("title", title).endObject();
  j.endArray().endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

WebResponse apiReport(ApiCall& call, const std::string& name) {
  bool known = false;
  for (const auto& [n, title] : domain::reportNames()) known = known || n == name;
  if (!known) return errorResponse(404, "not_found", i18n::trf("web.err.no-report", {name}));
  std::string format = queryOf(call.request, "format");
  if (format.empty()) format = "json";
  if (format != "json" && format != "csv" && format != "xlsx")
    return errorResponse(400, "invalid", i18n::tr("web.err.report-format"), "format");
  storage::Store& store = call.node.store();
  auto cached = call.ops->datasets.get(store);
  if (!cached) return statusResponse(cached.status(), i18n::tr("web.err.read-report-data"));
  const domain::Dataset& data = **cached;
  auto query = webReportQuery(call.request, store, data);
  if (auto* refused = std::get_if<WebResponse>(&query)) return *refused;
  const domain::ReportQuery* q = &std::get<domain::ReportQuery>(query);
  // Personal fields are opened (masked unless this node may show them) only
  // when the report shows one: opening every sealed value of a county costs
  // far more than the report.
  auto t = domain::computeReport(name, data, *q);
  if (!t) return statusResponse(t.status(), i18n::tr("web.err.make-report"));
  bool masked = anySealed(*t) || (name == "archive" && format == "xlsx");
  if (format == "json") {
    std::optional<domain::Dataset> shown;
    if (masked) {
      shown = data;
      if (Status s = presentDataset(*shown, call.node, false, *q); !s)
        return statusResponse(s, i18n::tr("web.err.make-report"));
      t = domain::computeReport(name, *shown, *q);
      if (!t) return statusResponse(t.status(), i18n::tr("web.err.make-report"));
    }
    WebResponse out;
    out.body = reportJson(*t, data, *q);
    return out;
  }
  // As `renda export` writes it, on a thread of its own (the archive
  // workbook, a sheet per deputy, takes a second or more): from the cached
  // report data, which stays as it is, and a copy of the node's keys.
  std::string path = webTempPath(call.node.dir(), "report", "." + format);
  std::shared_ptr<const domain::Dataset> base = *cached;
  auto unsealer = masked ? std::make_shared<Unsealer>(Unsealer::detached(call.node)) : nullptr;
  WebResponse out;
  out.file = path;
  out.makeFile = [path, name, format, base, unsealer, q = *q]() -> Status {
    const domain::Dataset* data = base.get();
    std::optional<domain::Dataset> shown;
    if (unsealer) {
      shown = *base;
      maskDataset(*shown, *unsealer);
      data = &*shown;
    }
    auto written = writeReportFile(path, name, format == "xlsx", *data, q);
    return written ? Status::ok() : written.status();
  };
  out.contentType = format == "xlsx"
                        ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        : "text/csv; charset=utf-8";
  out.headers.emplace_back("Content-Disposition",
                           attachmentDisposition(fileNameOf(t->title, format), name + "." + format));
  return out;
}

WebResponse apiReportSummary(ApiCall& call) { return apiReport(call, "summary"); }

}  // namespace renda::app
