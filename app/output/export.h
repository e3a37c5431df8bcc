// SPDX-License-Identifier: Apache-2.0
// Files the county office opens in Excel or WPS: XLSX workbooks (libxlsxwriter)
// and CSV (UTF-8 with BOM), written from report tables. In XLSX, counts become
// numbers and rates ("92.47%") numbers with a percent format (0.9247 shown as
// 92.47%), so they sort and chart; everything else stays text exactly as the
// report prints it. CSV holds the text as printed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/domain/reports.h"
#include "core/status.h"

namespace renda::app {

// One worksheet: the tables it holds, top to bottom. Tables are borrowed for
// the duration of writeXlsx().
struct SheetSpec {
  std::string name;  // wanted name; writeXlsx makes it valid and unique
  std::vector<const domain::Table*> tables;
  // false: a report sheet — one table, bold header in row 1 (frozen), its rows,
  //        a blank row, then one "注：" row per note.
  // true:  an archive sheet — each table as a bold title row, a bold header
  //        row, its rows and a blank row.
  bool titled = false;
};

// Writes the workbook `path`. `title` goes into the document properties and
// nowMs is its creation time (so the same data gives the same file). The file
// is written beside `path` and renamed into place, so a failed export leaves no
// partial file. IOError with libxlsxwriter's reason on failure.
Status writeXlsx(const std::string& path, const std::vector<SheetSpec>& sheets,
                 const std::string& title, uint64_t nowMs);

// Writes tableCsv(t) to `path` the same way (write beside, then rename).
Status writeCsv(const std::string& path, const domain::Table& t);

// A valid sheet name near `wanted`: []:*?/\ become '_', apostrophes are trimmed
// from both ends, empty becomes "Sheet", at most 31 characters (UTF-16 units,
// as Excel counts), and unique among `used` ignoring ASCII case ("张三",
// "张三(2)", ...). Appends the result to `used`.
std::string sheetName(const std::string& wanted, std::vector<std::string>& used);

// True when a cell is written as a number: an integer without a leading zero
// of at most 15 digits, optionally with a decimal part ("3", "12.5").
bool isNumberCell(const std::string& cell);

}  // namespace renda::app
