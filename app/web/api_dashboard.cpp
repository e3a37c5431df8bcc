// SPDX-License-Identifier: Apache-2.0
// GET /api/dashboard?cohort=&year=: the county dashboard's data, read from
// the reports themselves (core/domain/reports.h), so that a rate on the
// dashboard is the rate in the report: intake and rates from `summary` (per
// township: `summary` for that township), per unit from `units`, the outcome
// distribution from `outcomes`, monthly activity from `activity`, overdue
// items per unit from `overdue`. The report data is loaded once per state of
// the store (DatasetCache).
#include <map>

#include "app/i18n/strings.h"
#include "app/output/table_out.h"
#include "app/web/report_query.h"

namespace renda::app {

namespace {

using domain::Table;

// The row of `t` whose first cell is `label`.
const std::vector<std::string>* rowOf(const Table& t, const std::string& label) {
  for (const auto& r : t.rows)
    if (!r.empty() && r[0] == label) return &r;
  return nullptr;
}

size_t columnOf(const Table& t, const std::string& name) {
  for (size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c] == name) return c;
  return t.columns.size();
}

// A cell of a row as a JSON number (or null): see reportCellJson.
void cellField(Json& j, const std::string& key, const std::vector<std::string>* row, size_t c) {
  j.key(key);
  if (!row || c >= row->size()) j.null();
  else reportCellJson(j, (*row)[c], false);
}

// A summary row's value as a number: a count's 数值, or a rate's 数值 (a percent).
void summaryField(Json& j, const std::string& key, const Table& summary, const std::string& label) {
  cellField(j, key, rowOf(summary, label), 1);
}

// The summary's intake rows: what came in and what became of it.
void intakeJson(Json& j, const Table& summary) {
  j.key("intake").beginObject();
  summaryField(j, "received", summary, "收到建议数");
  summaryField(j, "withdrawn", summary, "撤回数");
  summaryField(j, "rejected", summary, "不予立案数");
  summaryField(j, "registered", summary, "登记建议数");
  summaryField(j, "assigned", summary, "交办数");
  summaryField(j, "closed", summary, "已办结数");
  summaryField(j, "closedRate", summary, "办结率");
  summaryField(j, "selfHandled", summary, "自行办理数");
  summaryField(j, "overdue", summary, "超期未答复");
  j.endObject();
}

// The three rates of a summary, with their numerators and the registered count.
void ratesJson(Json& j, const Table& summary) {
  summaryField(j, "registered", summary, "登记建议数");
  const auto* handled = rowOf(summary, "办复率");
  const auto* satisfied = rowOf(summary, "满意率（含基本满意）");
  const auto* resolved = rowOf(summary, "解决率（A类）");
  cellField(j, "handledRate", handled, 1);
  cellField(j, "handled", handled, 2);
  cellField(j, "satisfiedRate", satisfied, 1);
  cellField(j, "satisfied", satisfied, 2);
  cellField(j, "rated", satisfied, 3);
  cellField(j, "resolvedRate", resolved, 1);
  cellField(j, "resolved", resolved, 2);
}

}  // namespace

WebResponse apiDashboard(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto cached = call.ops->datasets.get(store);
  if (!cached) return statusResponse(cached.status(), i18n::tr("web.err.read-report-data"));
  const domain::Dataset& data = **cached;
  auto query = webReportQuery(call.request, store, data);
  if (auto* refused = std::get_if<WebResponse>(&query)) return *refused;
  const domain::ReportQuery* q = &std::get<domain::ReportQuery>(query);
  auto report = [&](const std::string& name, const domain::ReportQuery& query) {
    auto t = domain::computeReport(name, data, query);
    if (!t) throw std::runtime_error(t.status().message());
    return std::move(*t);
  };
  Table summary = report("summary", *q);
  Table townships = report("townships", *q);
  Table units = report("units", *q);
  Table outcomes = report("outcomes", *q);
  Table activity = report("activity", *q);
  Table overdue = report("overdue", *q);

  Json j;
  j.beginObject();
  cohortJson(j, data, q->cohort);
  j.field("township", q->township);
  intakeJson(j, summary);
  ratesJson(j.key("rates").beginObject(), summary);
  j.endObject();

  j.key("townships").beginArray();
  // The townships report counts a township's self-handled suggestions too
  // (so its 办结率 differs from the summary's for that township, and says so).
  size_t tSugg = columnOf(townships, "建议（含自行办理）"),
         tClosed = columnOf(townships, "已办结（含自行办理）"),
         tClosedRate = columnOf(townships, "办结率（含自行办理）");
  for (const auto& row : townships.rows) {
    domain::ReportQuery one = *q;
    one.township = row[0];
    Table s = report("summary", one);
    j.beginObject().field("township", row[0]);
    ratesJson(j, s);
    cellField(j, "suggestions", &row, tSugg);
    cellField(j, "closed", &row, tClosed);
    cellField(j, "closedRate", &row, tClosedRate);
    j.endObject();
  }
  j.endArray();

  j.key("units").beginArray();
  size_t uLead = columnOf(units, "主办"), uAssist = columnOf(units, "协办"),
         uSep = columnOf(units, "分办"), uReplied = columnOf(units, "已答复"),
         uRated = columnOf(units, "测评"), uOk = columnOf(units, "满意(含基本)"),
         uA = columnOf(units, "A"), uHandled = columnOf(units, "办复率"),
         uResolved = columnOf(units, "解决率（A类）");
  for (const auto& row : units.rows) {
    j.beginObject().field("unit", row[0]);
    cellField(j, "lead", &row, uLead);
    cellField(j, "assisting", &row, uAssist);
    cellField(j, "separate", &row, uSep);
    cellField(j, "replied", &row, uReplied);
    cellField(j, "handledRate", &row, uHandled);
    cellField(j, "rated", &row, uRated);
    cellField(j, "satisfiedRate", &row, uOk);
    cellField(j, "resolved", &row, uA);
    cellField(j, "resolvedRate", &row, uResolved);
    j.endObject();
  }
  j.endArray();

  j.key("outcomes").beginArray();
  for (const auto& row : outcomes.rows) {
    j.beginObject().field("outcome", row[0]).field("label", row[0] + "类").field("local", row[1]);
    cellField(j, "count", &row, 2);
    cellField(j, "share", &row, 3);
    j.endObject();
  }
  j.endArray();

  j.key("monthlyDuty").beginArray();
  for (const auto& row : activity.rows) {
    j.beginObject().field("month", row[0]);
    cellField(j, "count", &row, 1);
    cellField(j, "deputies", &row, 2);
    cellField(j, "rate", &row, 3);
    j.endObject();
  }
  j.endArray();

  // Each overdue item counts once for every unit it waits on.
  std::map<std::string, int64_t> late;
  size_t oUnits = columnOf(overdue, "承办单位");
  for (const auto& row : overdue.rows) {
    const std::string& list = oUnits < row.size() ? row[oUnits] : std::string();
    std::string sep = "、";
    size_t at = 0;
    while (at <= list.size()) {
      size_t end = list.find(sep, at);
      if (end == std::string::npos) end = list.size();
      std::string unit = list.substr(at, end - at);
      ++late[unit.empty() ? "（未交办）" : unit];
      at = end + sep.size();
    }
  }
  std::vector<std::pair<std::string, int64_t>> byCount(late.begin(), late.end());
  std::stable_sort(byCount.begin(), byCount.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  j.key("overdueByUnit").beginArray();
  for (const auto& [unit, n] : byCount)
    j.beginObject().field("unit", unit).field("count", n).endObject();
  j.endArray();
  j.endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
