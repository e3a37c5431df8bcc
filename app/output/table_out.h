// SPDX-License-Identifier: Apache-2.0
// Writing a report table: aligned text for people, JSON for scripts, CSV
// (UTF-8 with BOM, so Excel and WPS open Chinese text correctly).
#pragma once

#include <string>

#include "core/domain/reports.h"

namespace renda::app {

// Display width of UTF-8 text in a terminal (CJK and full-width forms count 2).
size_t displayWidth(const std::string& s);
std::string tableText(const domain::Table& t);
std::string tableJson(const domain::Table& t);
// RFC 4180 with CRLF after a UTF-8 BOM: header row, then rows (no notes). A
// cell starting with = + - @ is prefixed with an apostrophe (no CSV formulas).
std::string tableCsv(const domain::Table& t);

}  // namespace renda::app
