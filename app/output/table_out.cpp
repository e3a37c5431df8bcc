// SPDX-License-Identifier: Apache-2.0
#include "app/output/table_out.h"

#include <algorithm>

#include "app/output/export.h"
#include "app/output/json.h"

namespace renda::app {

size_t displayWidth(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      len = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3f);
    i += len;
    bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

std::string tableText(const domain::Table& t) {
  std::vector<size_t> width(t.columns.size(), 0);
  for (size_t c = 0; c < t.columns.size(); ++c) width[c] = displayWidth(t.columns[c]);
  for (const auto& row : t.rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], displayWidth(row[c]));
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < width.size(); ++c) {
      std::string cell = c < cells.size() ? cells[c] : "";
      out += cell;
      if (c + 1 < width.size()) out += std::string(width[c] - displayWidth(cell) + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = t.title + "\n\n" + line(t.columns);
  size_t total = 0;
  for (size_t w : width) total += w + 2;
  out += std::string(total > 2 ? total - 2 : 0, '-') + "\n";
  for (const auto& row : t.rows) out += line(row);
  if (t.rows.empty()) out += "（无）\n";
  for (const auto& n : t.notes) out += "\n注：" + n;
  if (!t.notes.empty()) out += "\n";
  return out;
}

void reportCellJson(Json& j, const std::string& cell, bool textColumn) {
  if (!textColumn) {
    if (cell == "—" || cell.empty()) {
      j.null();
      return;
    }
    std::string n = cell.size() > 1 && cell.back() == '%' ? cell.substr(0, cell.size() - 1) : cell;
    if (isNumberCell(n)) {
      j.numberText(n);
      return;
    }
  }
  j.str(cell);
}

std::string tableJson(const domain::Table& t) {
  Json j;
  j.beginObject().field("report", t.name).field("title", t.title);
  j.key("columns").beginArray();
  for (const auto& c : t.columns) j.str(c);
  j.endArray();
  j.key("rows").beginArray();
  for (const auto& row : t.rows) {
    j.beginArray();
    for (size_t c = 0; c < row.size(); ++c)
      reportCellJson(j, row[c],
                     std::find(t.textColumns.begin(), t.textColumns.end(), c) != t.textColumns.end());
    j.endArray();
  }
  j.endArray();
  j.key("notes").beginArray();
  for (const auto& n : t.notes) j.str(n);
  j.endArray().endObject();
  return j.text();
}

std::string tableCsv(const domain::Table& t) {
  auto cell = [](const std::string& s) {
    std::string out;
    // A cell Excel would run as a formula (=, +, -, @ first, or a tab or a
    // carriage return before one) gets a leading apostrophe, so a typed title
    // can never become a formula.
    if (!s.empty() && std::string("=+-@\t\r").find(s[0]) != std::string::npos) out += '\'';
    for (char c : s) {
      if (c == '"') out += '"';
      out += c;
    }
    if (out.find_first_of(",\"\r\n") == std::string::npos) return out;
    std::string quoted = "\"";
    quoted += out;
    quoted += '"';
    return quoted;
  };
  std::string out = "\xEF\xBB\xBF";  // BOM
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += cell(cells[i]);
    }
    out += "\r\n";
  };
  line(t.columns);
  for (const auto& r : t.rows) line(r);
  return out;
}

}  // namespace renda::app
