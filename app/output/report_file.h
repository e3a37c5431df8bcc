// SPDX-License-Identifier: Apache-2.0
// One report as the file `renda export` writes and the web API's downloads
// answer: XLSX (the archive as a workbook with one sheet per deputy) or CSV.
#pragma once

#include <string>

#include "core/domain/reports.h"
#include "core/status.h"

namespace renda::app {

struct ReportFile {
  std::string title;  // the report's title (with its cohort and township)
  size_t rows = 0;
  size_t deputySheets = 0;  // the archive as a workbook: one sheet per deputy
};

// Writes report `name` of `data` (personal fields already presented) to `path`.
// NotFound for an unknown report.
Result<ReportFile> writeReportFile(const std::string& path, const std::string& name, bool xlsx,
                                   const domain::Dataset& data, const domain::ReportQuery& q);

}  // namespace renda::app
