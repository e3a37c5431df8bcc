// SPDX-License-Identifier: Apache-2.0
// `renda export NAME -o FILE.xlsx|FILE.csv [--cohort C] [--township T] [--year Y]`:
// any report (`renda report` alone lists them; `suggestions` is the full list)
// as a file the county office opens in Excel or WPS. `renda export archive -o
// F.xlsx` writes the 履职档案 as a workbook: an overview sheet (汇总), then one
// sheet per deputy with their archive row laid out vertically, their
// suggestions and their duty records; as CSV it is one table of all deputies.
#include <algorithm>
#include <cstdio>

#include "app/cli/cli.h"
#include "app/output/dataset.h"
#include "app/output/export.h"
#include "app/node/privacy.h"

namespace renda::app {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == suffix;
}

std::string exportList() {
  std::string names;
  for (const auto& [n, d] : domain::reportNames()) names += "\n  " + n + "  " + d;
  return names + "\n(archive as .xlsx: one sheet per deputy)";
}

Status exportArchive(const std::string& path, const domain::Dataset& data,
                     const domain::ReportQuery& q) {
  auto overview = domain::computeReport("archive", data, q);
  if (!overview) return overview.status();
  auto archives = domain::deputyArchives(data, q);
  std::vector<SheetSpec> sheets;
  sheets.push_back({"汇总", {&*overview}, false});
  for (const auto& a : archives)
    sheets.push_back(
        {a.name.empty() ? "代表" : a.name, {&a.summary, &a.suggestions, &a.activities}, true});
  RENDA_TRY(writeXlsx(path, sheets, overview->title, q.nowMs));
  std::printf("Wrote %s (%zu deputies, one sheet each, after the 汇总 sheet)\n", path.c_str(),
              archives.size());
  return Status::ok();
}

Status cmdExport(const Args& args) {
  if (args.positional.size() != 1) return Status::usage("name what to export:" + exportList());
  auto path = args.get("output");
  if (!path || path->empty()) return Status::usage("give the file: -o FILE.xlsx or -o FILE.csv");
  bool xlsx = endsWith(*path, ".xlsx"), csv = endsWith(*path, ".csv");
  if (!xlsx && !csv) return Status::usage("the file must end in .xlsx or .csv: " + *path);
  const std::string& name = args.positional[0];
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto data = loadDataset((*node)->store());
  if (!data) return data.status();
  auto q = reportQueryFrom(args, (*node)->store(), *data);
  if (!q) return q.status();
  // Personal fields masked, or in clear with --reveal where allowed.
  RENDA_TRY(presentDataset(*data, **node, args.has("reveal"), *q));
  if (name == "archive" && xlsx) return exportArchive(*path, *data, *q);
  auto t = domain::computeReport(name, *data, *q);
  if (!t) {
    if (t.status().code() == Code::kNotFound)
      return Status::usage(t.status().message() + ":" + exportList());
    return t.status();
  }
  if (xlsx)
    RENDA_TRY(writeXlsx(*path, {{t->title, {&*t}, false}}, t->title, q->nowMs));
  else
    RENDA_TRY(writeCsv(*path, *t));
  std::printf("Wrote %s (%zu rows)\n", path->c_str(), t->rows.size());
  return Status::ok();
}

}  // namespace

void addExportCommands(std::vector<Command>& out) {
  std::vector<Option> options = reportQueryOptions();
  options.insert(options.begin(), {"output", "FILE.xlsx|FILE.csv", "the file to write (needed)"});
  out.push_back({"export", "a report or list as a file for Excel/WPS (.xlsx or .csv)",
                 "export NAME -o FILE.xlsx|FILE.csv [--cohort SESSION|YEAR] [--township 乡镇名] "
                 "[--year YYYY] [--reveal]",
                 cmdExport, options});
}

}  // namespace renda::app
