// SPDX-License-Identifier: Apache-2.0
#include "app/output/export.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "app/output/table_out.h"
#include "core/text.h"

namespace renda::app {

namespace {

constexpr size_t kMaxSheetUnits = 31;    // Excel's limit, in UTF-16 units
constexpr size_t kMaxCellBytes = 32767;  // Excel's limit is 32,767 characters
constexpr double kMinWidth = 6, kMaxWidth = 60;

std::string lowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The longest prefix of `cps` within `units` UTF-16 units.
std::string prefixWithin(const std::vector<std::string_view>& cps, size_t units) {
  std::string out;
  size_t used = 0;
  for (const auto& cp : cps) {
    size_t u = cp.size() == 4 ? 2 : 1;
    if (used + u > units) break;
    out += cp;
    used += u;
  }
  return out;
}

// At most kMaxCellBytes, cut at a code point boundary.
std::string fitCell(const std::string& s) {
  if (s.size() <= kMaxCellBytes) return s;
  size_t end = kMaxCellBytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

bool isTextColumn(const domain::Table& t, size_t col) {
  return std::find(t.textColumns.begin(), t.textColumns.end(), col) != t.textColumns.end();
}

class Writer {
 public:
  explicit Writer(lxw_workbook* wb) : wb_(wb) {
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 12);
  }

  Status sheet(const SheetSpec& spec, const std::string& name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) return Status::ioError("cannot add the sheet '" + name + "'");
    std::map<lxw_col_t, double> width;
    lxw_row_t row = 0;
    for (const domain::Table* t : spec.tables) {
      if (spec.titled) RENDA_TRY(text(ws, row++, 0, t->title, title_));
      for (size_t c = 0; c < t->columns.size(); ++c) {
        RENDA_TRY(text(ws, row, lxw_col_t(c), t->columns[c], bold_));
        widen(width, c, t->columns[c]);
      }
      ++row;
      for (const auto& cells : t->rows) {
        for (size_t c = 0; c < cells.size(); ++c) {
          RENDA_TRY(cell(ws, row, lxw_col_t(c), cells[c], isTextColumn(*t, c)));
          widen(width, c, cells[c]);
        }
        ++row;
      }
      ++row;
      if (!spec.titled)
        for (const auto& note : t->notes) RENDA_TRY(text(ws, row++, 0, "注：" + note, nullptr));
    }
    for (const auto& [col, w] : width)
      RENDA_TRY(check(worksheet_set_column(ws, col, col, w, nullptr), "set a column width"));
    if (!spec.titled) worksheet_freeze_panes(ws, 1, 0);
    return Status::ok();
  }

 private:
  static Status check(lxw_error e, const char* what) {
    if (e == LXW_NO_ERROR) return Status::ok();
    return Status::ioError(std::string("cannot ") + what + ": " + lxw_strerror(e));
  }
  static void widen(std::map<lxw_col_t, double>& width, size_t col, const std::string& s) {
    double w = std::clamp(double(displayWidth(s)) + 2, kMinWidth, kMaxWidth);
    double& cur = width[lxw_col_t(col)];
    cur = std::max(cur, w);
  }
  Status text(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s, lxw_format* f) {
    if (s.empty() && !f) return Status::ok();
    return check(worksheet_write_string(ws, r, c, fitCell(xmlSafeText(s)).c_str(), f),
                 "write a cell");
  }
  // A count as a number; a rate ("92.47%") as the number 0.9247 shown with a
  // percent format of as many decimals ("0.00%"), so both sort and chart in
  // Excel and WPS; anything else as text.
  Status cell(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s, bool textOnly) {
    bool rate = s.size() > 1 && s.back() == '%';
    std::string n = rate ? s.substr(0, s.size() - 1) : s;
    if (textOnly || !isNumberCell(n)) return text(ws, r, c, s, nullptr);
    size_t dot = n.find('.');
    size_t places = dot == std::string::npos ? 0 : n.size() - dot - 1;
    double value = std::strtod(n.c_str(), nullptr);
    lxw_format* f = rate ? numberFormat(places, true) : places ? numberFormat(places, false) : nullptr;
    return check(worksheet_write_number(ws, r, c, rate ? value / 100 : value, f), "write a number");
  }
  // A number format showing exactly `n` decimals ("0.0", so 3.0 shows as 3.0),
  // or a percentage with `n` decimals ("0.00%").
  lxw_format* numberFormat(size_t n, bool percent) {
    auto key = std::make_pair(n, percent);
    auto it = formats_.find(key);
    if (it != formats_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    std::string code = n ? "0." + std::string(n, '0') : "0";
    format_set_num_format(f, (code + (percent ? "%" : "")).c_str());
    return formats_[key] = f;
  }

  lxw_workbook* wb_;
  lxw_format* bold_;
  lxw_format* title_;
  std::map<std::pair<size_t, bool>, lxw_format*> formats_;
};

Status renameInto(const std::string& part, const std::string& path) {
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    std::remove(part.c_str());
    return Status::ioError("cannot move " + part + " to " + path);
  }
  return Status::ok();
}

}  // namespace

bool isNumberCell(const std::string& s) {
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 15) return false;
  if (whole.find_first_not_of("0123456789") != std::string::npos) return false;
  if (whole.size() > 1 && whole[0] == '0') return false;
  if (dot == std::string::npos) return true;
  std::string frac = s.substr(dot + 1);
  return !frac.empty() && frac.size() <= 6 &&
         frac.find_first_not_of("0123456789") == std::string::npos;
}

std::string sheetName(const std::string& wanted, std::vector<std::string>& used) {
  std::string clean;
  for (char c : xmlSafeText(wanted))
    clean += std::string("[]:*?/\\\t\r\n").find(c) == std::string::npos ? c : '_';
  size_t b = clean.find_first_not_of('\''), e = clean.find_last_not_of('\'');
  clean = b == std::string::npos ? "" : clean.substr(b, e - b + 1);
  if (clean.empty()) clean = "Sheet";
  auto cps = utf8CodePoints(clean);
  auto taken = [&](const std::string& name) {
    std::string low = lowerAscii(name);
    if (low == "history") return true;  // reserved by Excel
    for (const auto& u : used)
      if (lowerAscii(u) == low) return true;
    return false;
  };
  std::string name = prefixWithin(cps, kMaxSheetUnits);
  for (int n = 2; taken(name); ++n) {
    std::string suffix = "(";
    suffix += std::to_string(n);
    suffix += ')';
    name = prefixWithin(cps, kMaxSheetUnits - suffix.size()) + suffix;
  }
  used.push_back(name);
  return name;
}

Status writeXlsx(const std::string& path, const std::vector<SheetSpec>& sheets,
                 const std::string& title, uint64_t nowMs) {
  std::string part = path + ".part";
  std::string tmpdir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
  lxw_workbook_options options = {};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = tmpdir.empty() ? nullptr : tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(part.c_str(), &options);
  if (!wb) return Status::ioError("cannot create " + part);
  std::string titleCopy = xmlSafeText(title), app = "renda";
  lxw_doc_properties props = {};
  props.title = titleCopy.data();
  props.author = app.data();
  props.created = static_cast<time_t>(nowMs / 1000);
  workbook_set_properties(wb, &props);
  Writer w(wb);
  std::vector<std::string> used;
  Status s = Status::ok();
  for (const auto& spec : sheets) {
    s = w.sheet(spec, sheetName(spec.name, used));
    if (!s) break;
  }
  if (s && sheets.empty()) s = Status::invalid("a workbook needs at least one sheet");
  lxw_error closed = workbook_close(wb);  // also frees wb
  if (!s || closed != LXW_NO_ERROR) {
    std::remove(part.c_str());
    if (!s) return s;
    return Status::ioError("cannot write " + path + ": " + lxw_strerror(closed));
  }
  return renameInto(part, path);
}

Status writeCsv(const std::string& path, const domain::Table& t) {
  std::string part = path + ".part";
  {
    std::ofstream f(part, std::ios::binary | std::ios::trunc);
    f << tableCsv(t);
    f.close();
    if (!f) {
      std::remove(part.c_str());
      return Status::ioError("cannot write " + path);
    }
  }
  return renameInto(part, path);
}

}  // namespace renda::app
