// SPDX-License-Identifier: Apache-2.0
// `renda export` end to end: a county written through the Store API (three
// nodes, see report_fixtures.h), then the real binary (RENDA_BIN) prints each
// report as JSON and exports it as XLSX and CSV. The XLSX is read back by
// unzipping it with Python's zipfile and parsing the sheet XML (no spreadsheet
// library involved), the CSV by a small RFC 4180 reader here; both must hold
// exactly the report's rows — counts as numbers, percentages as the report's
// text — and the per-deputy archive must have one correctly named sheet per
// deputy.
#include "app/output/export.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "app/output/table_out.h"
#include "tests/app/report_fixtures.h"

#ifndef RENDA_BIN
#error "RENDA_BIN must name the renda binary (tests/CMakeLists.txt sets it)"
#endif

extern char** environ;

namespace renda::app {
namespace {

using test::ReportCounty;

// Prints a workbook (or a `renda report --json` file) as lines:
//   "=NAME" starts a sheet, "~W1\tW2..." its column widths, then one line per
//   row: cells joined by tabs, each "<type><bold><text>" with type s (text),
//   n (number), p (a number shown with a percent format) or e (empty, or
//   JSON null), bold B or -; \ tab and newlines escaped.
const char* kDumpScript = R"PY(
import json, re, sys, zipfile
import xml.etree.ElementTree as ET
M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
def esc(s): return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')
def col(ref):
    n = 0
    for ch in re.match(r'[A-Z]+', ref).group(0): n = n * 26 + ord(ch) - 64
    return n - 1
def text(node): return ''.join(t.text or '' for t in node.iter(M + 't'))
def xlsx(path):
    z = zipfile.ZipFile(path)
    names = z.namelist()
    shared = [text(si) for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall(M + 'si')] \
        if 'xl/sharedStrings.xml' in names else []
    styles = ET.fromstring(z.read('xl/styles.xml'))
    fonts = styles.find(M + 'fonts').findall(M + 'font')
    xfs = styles.find(M + 'cellXfs').findall(M + 'xf')
    bold = [fonts[int(x.get('fontId', '0'))].find(M + 'b') is not None for x in xfs]
    nf = styles.find(M + 'numFmts')
    codes = {int(f.get('numFmtId')): f.get('formatCode') for f in nf} if nf is not None else {}
    pct = [int(x.get('numFmtId', '0')) in (9, 10) or '%' in codes.get(int(x.get('numFmtId', '0')), '')
           for x in xfs]
    rels = {r.get('Id'): r.get('Target') for r in ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))}
    for sheet in ET.fromstring(z.read('xl/workbook.xml')).find(M + 'sheets'):
        target = rels[sheet.get(R + 'id')]
        target = target.lstrip('/') if target.startswith('/xl/') else 'xl/' + target
        print('=' + esc(sheet.get('name')))
        root = ET.fromstring(z.read(target))
        cols = root.find(M + 'cols')
        widths = {}
        if cols is not None:
            for c in cols.findall(M + 'col'):
                for i in range(int(c.get('min')), int(c.get('max')) + 1): widths[i - 1] = c.get('width')
        print('~' + '\t'.join(widths.get(i, '0') for i in range(max(widths) + 1 if widths else 0)))
        rows = {}
        for row in root.iter(M + 'row'):
            cells = {}
            for c in row.findall(M + 'c'):
                kind, v = c.get('t'), c.find(M + 'v')
                b = 'B' if bold[int(c.get('s', '0'))] else '-'
                if kind == 's': cells[col(c.get('r'))] = 's' + b + shared[int(v.text)]
                elif kind == 'inlineStr': cells[col(c.get('r'))] = 's' + b + text(c)
                elif kind == 'str': cells[col(c.get('r'))] = 's' + b + (v.text or '')
                elif v is not None:
                    cells[col(c.get('r'))] = ('p' if pct[int(c.get('s', '0'))] else 'n') + b + v.text
            rows[int(row.get('r'))] = cells
        for r in range(1, max(rows) + 1 if rows else 1):
            cells = rows.get(r, {})
            print('\t'.join(esc(cells.get(i, 'e-')) for i in range(max(cells) + 1 if cells else 0)))
def report(path):
    t = json.load(open(path, encoding='utf-8'))
    print('=' + esc(t['report']))
    print('~')
    def cell(c):
        if c is None: return 'e-'
        if isinstance(c, str): return 's-' + esc(c)
        return 'n-' + repr(c)
    for row in [t['columns']] + t['rows']: print('\t'.join(cell(c) for c in row))
    for n in t['notes']: print('s-' + esc('注：' + n))
(xlsx if sys.argv[1] == 'xlsx' else report)(sys.argv[2])
)PY";

const char* kFormulaTitle = "=HYPERLINK(\"http://example.invalid\",\"关于,路灯\")";

struct Cell {
  char type = 'e';  // s text, n number, e empty
  bool bold = false;
  std::string text;
};
struct Sheet {
  std::string name;
  std::vector<double> widths;
  std::vector<std::vector<Cell>> rows;
  std::string text(size_t r, size_t c) const {
    return r < rows.size() && c < rows[r].size() ? rows[r][c].text : "";
  }
};

std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char e = s[++i];
    out += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
  }
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<Sheet> parseDump(const std::string& text) {
  std::vector<Sheet> sheets;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '=') {
      sheets.push_back({unescape(line.substr(1)), {}, {}});
      continue;
    }
    REQUIRE_FALSE(sheets.empty());
    if (!line.empty() && line[0] == '~') {
      if (line.size() > 1)
        for (const auto& w : split(line.substr(1), '\t'))
          sheets.back().widths.push_back(std::stod(w));
      continue;
    }
    std::vector<Cell> row;
    if (!line.empty())
      for (const auto& raw : split(line, '\t')) {
        REQUIRE(raw.size() >= 2);
        row.push_back({raw[0], raw[1] == 'B', unescape(raw.substr(2))});
      }
    sheets.back().rows.push_back(std::move(row));
  }
  return sheets;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Run {
  int code = -1;
  std::string out, err;
};

// Runs a program (found on PATH) with this process's environment plus `env`.
Run spawn(const std::string& dir, std::vector<std::string> argv,
          std::vector<std::string> env = {}) {
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  std::string outPath = dir + "/out.txt", errPath = dir + "/err.txt";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> cargv, cenv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  for (auto& e : env) cenv.push_back(e.data());
  cenv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), cenv.data());
  posix_spawn_file_actions_destroy(&fa);
  REQUIRE(rc == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = readFile(outPath);
  r.err = readFile(errPath);
  return r;
}

// The county's store, closed, with the binary and Python at hand.
class ExportFixture {
 public:
  ExportFixture() {
    {
      ReportCounty county(dir_.path());
      auto& c = county.county;
      // Names that need fixing as sheet names.
      county.create(c, RecordKind::kDeputy, "东风乡", {{"name", "张三"}});  // a second 张三
      county.create(c, RecordKind::kDeputy, "东风乡", {{"name", "欧阳/娜娜:[副]"}});
      county.create(c, RecordKind::kDeputy, "东风乡",
                    {{"name", std::string(25, 'x') + "阿依古丽·买买提艾力江"}});
      // A title a spreadsheet would run as a formula, with a comma and a quote.
      RecordId item = county.create(
          c, RecordKind::kSuggestion, "",
          {{"title", kFormulaTitle}, {"lead", ReportCounty::hex(county.wang)},
           {"session", ReportCounty::hex(county.session)}, {"submittedIn", "大会期间"}});
      county.event(c, item, "submit", {{"date", "2026-01-12"}});
      session_ = ReportCounty::hex(county.session);
    }  // stores closed
    std::ofstream(dir_.sub("dump.py")) << kDumpScript;
  }

  std::string data() const { return dir_.sub("county"); }
  std::string path(const std::string& name) const { return dir_.sub(name); }
  const std::string& session() const { return session_; }

  Run renda(std::vector<std::string> args) {
    args.insert(args.begin(), {RENDA_BIN, "--data", data()});
    return spawn(dir_.path(), args, {"RENDA_NOW_MS=" + std::to_string(ReportCounty::nowMs())});
  }
  Run ok(std::vector<std::string> args) {
    Run r = renda(args);
    INFO("renda " << join(args) << "\nexit " << r.code << "\n" << r.out << r.err);
    REQUIRE(r.code == 0);
    return r;
  }
  std::vector<Sheet> dump(const char* mode, const std::string& file) {
    Run r = spawn(dir_.path(), {"python3", dir_.sub("dump.py"), mode, file});
    INFO("python3 dump.py " << mode << " " << file << "\n" << r.err);
    REQUIRE(r.code == 0);
    return parseDump(r.out);
  }
  // `renda report NAME --json ARGS...` as a sheet: header row, rows, then notes.
  Sheet report(const std::string& name, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"report", name, "--json"});
    Run r = ok(args);
    std::ofstream(path("report.json"), std::ios::binary) << r.out;
    auto sheets = dump("json", path("report.json"));
    REQUIRE(sheets.size() == 1);
    return sheets[0];
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += " " + x;
    return s;
  }

 private:
  test::TempDir dir_;
  std::string session_;
};

bool isCount(const std::string& s) {
  return !s.empty() && s.size() <= 15 && s.find_first_not_of("0123456789") == std::string::npos &&
         (s.size() == 1 || s[0] != '0');
}

// Whether a workbook cell holds what the JSON report says: a JSON number as a
// number (a rate with a percent format: 92.47 as 0.9247), null as an empty
// cell or "—" (a rate without a denominator), text as the same text.
bool sameCell(const Cell& want, const Cell& have) {
  if (want.type == 'n') {
    if (have.type == 'n') return std::stod(have.text) == Approx(std::stod(want.text));
    if (have.type == 'p') return std::stod(have.text) * 100 == Approx(std::stod(want.text));
    return false;
  }
  if (want.type == 'e') return have.type == 'e' || (have.type == 's' && have.text == "—");
  if (want.text.empty() && have.type == 'e') return true;
  return have.type == 's' && have.text == want.text;
}

// The same for a CSV cell, which holds the report's text: "92.47%", "—", a
// would-be formula with an apostrophe before it.
bool sameCsvCell(const Cell& want, const std::string& csv) {
  if (want.type == 'n') {
    std::string n = csv.size() > 1 && csv.back() == '%' ? csv.substr(0, csv.size() - 1) : csv;
    return !n.empty() && n.find_first_not_of("0123456789.") == std::string::npos &&
           std::stod(n) == Approx(std::stod(want.text));
  }
  if (want.type == 'e') return csv.empty() || csv == "—";
  return csv == (want.text.rfind('=', 0) == 0 ? "'" + want.text : want.text);
}

// The data rows of `expected` (a report: header + rows + notes) are the first
// rows of the sheet, cell for cell: counts and rates as numbers, the rest as text.
void checkSameRows(const Sheet& expected, size_t rowCount, const Sheet& got, size_t firstRow = 0) {
  for (size_t r = 0; r <= rowCount; ++r) {
    const auto& want = expected.rows[r];
    INFO("sheet " << got.name << " row " << firstRow + r);
    REQUIRE(firstRow + r < got.rows.size());
    const auto& have = got.rows[firstRow + r];
    for (size_t c = 0; c < std::max(want.size(), have.size()); ++c) {
      INFO("column " << c);
      Cell w = c < want.size() ? want[c] : Cell{};
      Cell h = c < have.size() ? have[c] : Cell{};
      INFO("want " << w.type << " " << w.text << ", have " << h.type << " " << h.text);
      if (r == 0) {  // header: bold text
        CHECK(h.type == 's');
        CHECK(h.bold);
        CHECK(h.text == w.text);
      } else {
        CHECK(sameCell(w, h));
        if (h.type == 's') CHECK_FALSE(isCount(h.text));  // counts are never left as text
        CHECK_FALSE(h.bold);
      }
    }
  }
}

// Minimal RFC 4180 reader.
std::vector<std::vector<std::string>> parseCsv(const std::string& s) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"')
        cell += s[++i];
      else if (c == '"')
        quoted = false;
      else
        cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      ++i;
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !rows.back().empty()) rows.back().push_back(cell);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

size_t dataRows(const Sheet& report) {
  size_t n = 0;
  for (size_t r = 1; r < report.rows.size(); ++r)
    if (report.rows[r].size() > 1 || report.rows[r][0].text.rfind("注：", 0) != 0) ++n;
  return n;
}

TEST_CASE("Export: every report as XLSX and CSV holds the report's rows", "[app][export]") {
  ExportFixture f;
  struct Case {
    std::string name;
    std::vector<std::string> args;
  };
  std::vector<Case> cases;
  for (const auto& [name, what] : domain::reportNames()) cases.push_back({name, {}});
  cases.push_back({"summary", {"--cohort", f.session()}});
  cases.push_back({"summary", {"--cohort", "第十八届第二次会议", "--township", "城关镇"}});
  cases.push_back({"suggestions", {"--cohort", "2026"}});
  cases.push_back({"archive", {"--year", "2026", "--township", "城关镇"}});
  for (const auto& c : cases) {
    INFO(c.name << ExportFixture::join(c.args));
    Sheet want = f.report(c.name, c.args);
    size_t rows = dataRows(want);

    std::vector<std::string> args = {"export", c.name, "-o", f.path("t.xlsx")};
    args.insert(args.end(), c.args.begin(), c.args.end());
    if (c.name != "archive") {
      Run r = f.ok(args);
      CHECK(r.out.find("(" + std::to_string(rows) + " rows)") != std::string::npos);
      auto sheets = f.dump("xlsx", f.path("t.xlsx"));
      REQUIRE(sheets.size() == 1);
      const Sheet& got = sheets[0];
      checkSameRows(want, rows, got);
      // Rates are numbers shown as percentages, so they sort and chart.
      for (size_t r = 1; r <= rows; ++r)
        if (c.name == "summary" && want.rows[r][0].text == "办复率" && want.rows[r][1].type == 'n') {
          CHECK(got.rows[r][1].type == 'p');
          CHECK(got.rows[r][2].type == 'n');
        }
      // Then a blank row and the notes.
      for (size_t n = rows + 1; n < want.rows.size(); ++n)
        CHECK(got.text(n + 1, 0) == want.rows[n][0].text);
      // Columns are at least as wide as their header (CJK counts double).
      REQUIRE(got.widths.size() == want.rows[0].size());
      for (size_t col = 0; col < got.widths.size(); ++col)
        CHECK(got.widths[col] >= double(displayWidth(want.rows[0][col].text)));
    }

    args[3] = f.path("t.csv");
    f.ok(args);
    std::string csv = readFile(f.path("t.csv"));
    REQUIRE(csv.compare(0, 3, "\xEF\xBB\xBF") == 0);
    auto table = parseCsv(csv.substr(3));
    REQUIRE(table.size() == rows + 1);
    for (size_t r = 0; r <= rows; ++r) {
      INFO("CSV row " << r);
      REQUIRE(table[r].size() == want.rows[r].size());
      for (size_t col = 0; col < table[r].size(); ++col) {
        INFO("column " << col << ": " << table[r][col]);
        CHECK(sameCsvCell(want.rows[r][col], table[r][col]));
      }
    }
  }
}

TEST_CASE("Export: the archive workbook has one sheet per deputy", "[app][export]") {
  ExportFixture f;
  Run r = f.ok({"export", "archive", "-o", f.path("archive.xlsx")});
  auto sheets = f.dump("xlsx", f.path("archive.xlsx"));
  Sheet table = f.report("archive");
  size_t deputies = dataRows(table);
  CHECK(deputies == 7);
  CHECK(r.out.find("7 deputies") != std::string::npos);
  REQUIRE(sheets.size() == deputies + 1);
  CHECK(sheets[0].name == "汇总");
  checkSameRows(table, deputies, sheets[0]);

  // Archive order: 东风乡 by name, then 城关镇 by name; names made valid and unique.
  std::vector<std::string> names;
  for (size_t i = 1; i < sheets.size(); ++i) names.push_back(sheets[i].name);
  std::vector<std::string> want;
  for (size_t i = 1; i <= deputies; ++i) want.push_back(table.rows[i][0].text);
  REQUIRE(names.size() == want.size());
  for (size_t i = 0; i < names.size(); ++i) {
    INFO(want[i] << " -> " << names[i]);
    CHECK(names[i].find_first_of("[]:*?/\\") == std::string::npos);
    if (want[i] == "欧阳/娜娜:[副]")
      CHECK(names[i] == "欧阳_娜娜__副_");
    else if (want[i].size() > 40)
      CHECK(names[i] == std::string(25, 'x') + "阿依古丽·买");
    else if (want[i] == "张三" && table.rows[i + 1][1].text == "城关镇")
      CHECK(names[i] == "张三(2)");
    else
      CHECK(names[i] == want[i]);
  }

  // Each deputy's sheet: the archive row laid out as 项目 | 数值, then their
  // suggestions and duty records, each under a bold title.
  for (size_t i = 1; i < sheets.size(); ++i) {
    const Sheet& s = sheets[i];
    INFO(s.name);
    CHECK(s.rows[0][0].bold);
    CHECK(s.text(0, 0).find("履职档案") != std::string::npos);
    CHECK(s.text(1, 0) == "项目");
    CHECK(s.rows[1][0].bold);
    for (size_t c = 0; c < table.rows[0].size(); ++c) {
      INFO(table.rows[0][c].text);
      CHECK(s.text(2 + c, 0) == table.rows[0][c].text);
      const Cell& value = 2 + c < s.rows.size() && s.rows[2 + c].size() > 1 ? s.rows[2 + c][1]
                                                                              : Cell{};
      CHECK(sameCell(table.rows[i][c], value));
    }
    size_t next = 2 + table.rows[0].size() + 1;
    CHECK(s.text(next, 0) == "2026年提出的建议");
    CHECK(s.text(next + 1, 0) == "角色");
  }
  // 张三 of 城关镇 led S-001 and has his 视察 and report-back on record.
  const Sheet* zhang = nullptr;
  for (const auto& s : sheets)
    if (s.name == "张三(2)") zhang = &s;
  REQUIRE(zhang);
  std::string all;
  for (const auto& row : zhang->rows)
    for (const auto& cell : row) all += cell.text + "|";
  CHECK(all.find("领衔|S-001|关于修缮村道的建议|") != std::string::npos);
  CHECK(all.find("2026-03-10|视察|视察村道|") != std::string::npos);
  CHECK(all.find("2026-02-20|述职|") != std::string::npos);

  // As CSV the archive is one table of all deputies, as the report prints it.
  f.ok({"export", "archive", "-o", f.path("archive.csv")});
  auto csv = parseCsv(readFile(f.path("archive.csv")).substr(3));
  REQUIRE(csv.size() == deputies + 1);
  CHECK(csv[1][0] == table.rows[1][0].text);
}

TEST_CASE("Export: a typed formula stays text in XLSX and CSV", "[app][export]") {
  ExportFixture f;
  f.ok({"export", "suggestions", "-o", f.path("s.xlsx")});
  f.ok({"export", "suggestions", "-o", f.path("s.csv")});
  auto sheets = f.dump("xlsx", f.path("s.xlsx"));
  REQUIRE(sheets.size() == 1);
  bool found = false;
  for (const auto& row : sheets[0].rows)
    if (row.size() > 1 && row[1].text == kFormulaTitle) {
      found = true;
      CHECK(row[1].type == 's');
    }
  CHECK(found);
  std::string csv = readFile(f.path("s.csv"));
  CHECK(csv.find("\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"关于,路灯\"\")\"") !=
        std::string::npos);
  // The sheet XML holds no formula at all.
  Run r = spawn(f.path(""), {"python3", "-c",
                             "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
                             "print(b'<f>' in z.read('xl/worksheets/sheet1.xml'))",
                             f.path("s.xlsx")});
  CHECK(r.out == "False\n");
}

TEST_CASE("Export: CSV is UTF-8 with a BOM, CRLF lines and RFC 4180 quoting", "[app][export]") {
  domain::Table t{"x", "标题", {"名称", "数"}, {{"a,b", "1"}, {"说\"明\"", "2"}, {"两\n行", "-3"}}, {}, {}};
  CHECK(tableCsv(t) ==
        "\xEF\xBB\xBF名称,数\r\n\"a,b\",1\r\n\"说\"\"明\"\"\",2\r\n\"两\n行\",'-3\r\n");
  // A tab or a carriage return before a formula is no way around the apostrophe.
  domain::Table f{"x", "标题", {"名称"}, {{"\t=1+1"}, {"\r=1+1"}}, {}, {}};
  CHECK(tableCsv(f) == "\xEF\xBB\xBF名称\r\n'\t=1+1\r\n\"'\r=1+1\"\r\n");
}

TEST_CASE("Export: bad requests write nothing", "[app][export]") {
  ExportFixture f;
  CHECK(f.renda({"export", "nosuch", "-o", f.path("x.xlsx")}).code == 1);
  CHECK(f.renda({"export", "summary", "-o", f.path("x.txt")}).code == 1);
  CHECK(f.renda({"export", "summary"}).code == 1);
  CHECK(f.renda({"export", "summary", "-o", f.path("x.xlsx"), "--cohort", "no-such"}).code == 1);
  CHECK(f.renda({"export", "summary", "-o", f.path("x.xlsx"), "--year", "12"}).code == 1);
  Run r = f.renda({"export", "summary", "-o", f.path("missing/dir/x.xlsx")});
  CHECK(r.code == 3);
  CHECK_FALSE(r.err.empty());
  for (const char* leftover : {"x.xlsx", "x.txt", "missing"})
    CHECK(::access(f.path(leftover).c_str(), F_OK) != 0);
}

TEST_CASE("Export: sheet names follow Excel's rules", "[app][export]") {
  std::vector<std::string> used;
  CHECK(sheetName("张三", used) == "张三");
  CHECK(sheetName("张三", used) == "张三(2)");
  CHECK(sheetName("张三", used) == "张三(3)");
  CHECK(sheetName("a/b\\c?d*e[f]g:h", used) == "a_b_c_d_e_f_g_h");
  CHECK(sheetName("'quoted'", used) == "quoted");
  CHECK(sheetName("", used) == "Sheet");
  CHECK(sheetName("Summary", used) == "Summary");
  CHECK(sheetName("SUMMARY", used) == "SUMMARY(2)");
  CHECK(sheetName("History", used) == "History(2)");
  std::string long31(31, 'a');
  CHECK(sheetName(long31 + "bbb", used) == long31);
  CHECK(sheetName(long31, used) == std::string(28, 'a') + "(2)");
  // 31 Chinese characters fit; a 32nd does not; "𠀀" (outside the BMP) counts 2.
  std::string han;
  for (int i = 0; i < 32; ++i) han += "汉";
  CHECK(sheetName(han, used) == han.substr(0, 31 * 3));
  std::string astral;
  for (int i = 0; i < 16; ++i) astral += "\xF0\xA0\x80\x80";
  CHECK(sheetName(astral, used) == astral.substr(0, 15 * 4));
  CHECK(used.size() == 13);
}

TEST_CASE("Export: text with control characters or stray bytes still makes a workbook every "
          "XML reader opens",
          "[app][export]") {
  ExportFixture f;
  // A name that came in with a backspace, an escape and bytes that are not UTF-8.
  std::string odd = "李\x08\x01四\x1b[31m\xff\xfe";
  domain::Table t{"x", "标题" + odd, {"名称", "数"}, {{odd, "1"}, {"两\n行\t", "2"}}, {}, {}};
  REQUIRE(writeXlsx(f.path("odd.xlsx"), {SheetSpec{odd, {&t}, false}}, odd, 0));
  Run parsed = spawn(f.path(""), {"python3", "-c",
                                  "import sys,zipfile,xml.etree.ElementTree as ET\n"
                                  "z=zipfile.ZipFile(sys.argv[1])\n"
                                  "for n in z.namelist():\n"
                                  "  if n.endswith('.xml') or n.endswith('.rels'): ET.fromstring(z.read(n))\n"
                                  "print('ok')",
                                  f.path("odd.xlsx")});
  INFO(parsed.err);
  CHECK(parsed.out == "ok\n");
  auto sheets = f.dump("xlsx", f.path("odd.xlsx"));
  REQUIRE(sheets.size() == 1);
  CHECK(sheets[0].name == "李四_31m\xEF\xBF\xBD\xEF\xBF\xBD");
  REQUIRE(sheets[0].rows.size() >= 3);
  CHECK(sheets[0].rows[1][0].text == "李四[31m\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(sheets[0].rows[2][0].text == "两\n行\t");
}

TEST_CASE("Export: which cells are numbers", "[app][export]") {
  for (const char* yes : {"0", "7", "1234", "3.5", "10.0", "999999999999999"})
    CHECK(isNumberCell(yes));
  for (const char* no : {"", "007", "66.67%", "—", "2026-04-20", "1e5", "-3", "3.", ".5", "S-001",
                         "1234567890123456", "13800001234x"})
    CHECK_FALSE(isNumberCell(no));
}

}  // namespace
}  // namespace renda::app
