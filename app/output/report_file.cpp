// SPDX-License-Identifier: Apache-2.0
#include "app/output/report_file.h"

#include "app/output/export.h"

namespace renda::app {

Result<ReportFile> writeReportFile(const std::string& path, const std::string& name, bool xlsx,
                                   const domain::Dataset& data, const domain::ReportQuery& q) {
  ReportFile out;
  if (name == "archive" && xlsx) {
    // An overview sheet (汇总), then one sheet per deputy.
    auto overview = domain::computeReport("archive", data, q);
    if (!overview) return overview.status();
    auto archives = domain::deputyArchives(data, q);
    std::vector<SheetSpec> sheets;
    sheets.push_back({"汇总", {&*overview}, false});
    for (const auto& a : archives)
      sheets.push_back(
          {a.name.empty() ? "代表" : a.name, {&a.summary, &a.suggestions, &a.activities}, true});
    RENDA_TRY(writeXlsx(path, sheets, overview->title, q.nowMs));
    out.title = overview->title;
    out.rows = overview->rows.size();
    out.deputySheets = archives.size();
    return out;
  }
  auto t = domain::computeReport(name, data, q);
  if (!t) return t.status();
  if (xlsx)
    RENDA_TRY(writeXlsx(path, {{t->title, {&*t}, false}}, t->title, q.nowMs));
  else
    RENDA_TRY(writeCsv(path, *t));
  out.title = t->title;
  out.rows = t->rows.size();
  return out;
}

}  // namespace renda::app
