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
#include "app/i18n/strings.h"
#include "app/output/dataset.h"
#include "app/output/export.h"
#include "app/output/report_file.h"
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
  return names + "\n" + i18n::tr("cli.export.archive-sheets");
}

Status cmdExport(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.export.name-one") + exportList());
  auto path = args.get("output");
  if (!path || path->empty()) return Status::usage(i18n::tr("cli.export.give-file"));
  bool xlsx = endsWith(*path, ".xlsx"), csv = endsWith(*path, ".csv");
  if (!xlsx && !csv) return Status::usage(i18n::trf("cli.export.file-type", {*path}));
  const std::string& name = args.positional[0];
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto data = loadDataset((*node)->store());
  if (!data) return data.status();
  auto q = reportQueryFrom(args, (*node)->store(), *data);
  if (!q) return q.status();
  // Personal fields masked, or in clear with --reveal where allowed.
  RENDA_TRY(presentDataset(*data, **node, args.has("reveal"), *q));
  auto written = writeReportFile(*path, name, xlsx, *data, *q);
  if (!written) {
    if (written.status().code() == Code::kNotFound)
      return Status::usage(written.status().message() + ":" + exportList());
    return written.status();
  }
  if (name == "archive" && xlsx)
    std::printf("%s\n", i18n::trf("cli.export.wrote-archive",
                                  {*path, std::to_string(written->deputySheets)})
                           .c_str());
  else
    std::printf("%s\n", i18n::trf("cli.export.wrote", {*path, std::to_string(written->rows)}).c_str());
  return Status::ok();
}

}  // namespace

void addExportCommands(std::vector<Command>& out) {
  std::vector<Option> options = reportQueryOptions();
  options.insert(options.begin(), {"output", "FILE.xlsx|FILE.csv", "the file to write (needed)"});
  out.push_back({"export", "a report or list as a file for Excel/WPS (.xlsx or .csv)",
                 "export NAME -o FILE.xlsx|FILE.csv [--cohort SESSION|YEAR|all] [--township 乡镇名] "
                 "[--year YYYY] [--reveal]",
                 cmdExport, options});
}

}  // namespace renda::app
