// SPDX-License-Identifier: Apache-2.0
// Writing a report table: aligned text for people, JSON for scripts, CSV
// (UTF-8 with BOM, so Excel and WPS open Chinese text correctly).
#pragma once

#include <string>

#include "app/output/json.h"
#include "core/domain/reports.h"

namespace renda::app {

// Display width of UTF-8 text in a terminal (CJK and full-width forms count 2).
size_t displayWidth(const std::string& s);
std::string tableText(const domain::Table& t);
// {"report","title","columns","rows","notes"}: in the rows, counts and rates
// are JSON numbers (a rate "92.47%" is 92.47), a rate without a denominator
// ("—") and an empty cell null, the table's text columns and other text strings.
std::string tableJson(const domain::Table& t);
// One cell of a report row as tableJson writes it.
void reportCellJson(Json& j, const std::string& cell, bool textColumn);
// RFC 4180 with CRLF after a UTF-8 BOM: header row, then rows (no notes). A
// cell starting with = + - @ is prefixed with an apostrophe (no CSV formulas).
std::string tableCsv(const domain::Table& t);

}  // namespace renda::app
