// SPDX-License-Identifier: Apache-2.0
// `renda report NAME [--cohort C] [--township T] [--year Y] [--json]` and
// `renda report NAME --csv FILE`: the county office's tables, computed from
// the merged records (identical on every node holding the same changes).
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/output/dataset.h"
#include "app/output/export.h"
#include "app/node/privacy.h"
#include "app/output/table_out.h"
#include "core/sealed.h"

namespace renda::app {

namespace {

std::string reportList() {
  std::string names;
  for (const auto& [n, d] : domain::reportNames()) names += "\n  " + n + "  " + d;
  return names;
}

Status cmdReport(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.report.name-one") + reportList());
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto data = loadDataset((*node)->store());
  if (!data) return data.status();
  auto q = reportQueryFrom(args, (*node)->store(), *data);
  if (!q) return q.status();
  auto t = domain::computeReport(args.positional[0], *data, *q);
  if (!t) {
    if (t.status().code() == Code::kNotFound)
      return Status::usage(t.status().message() + ":" + reportList());
    return t.status();
  }
  // Personal fields masked, or in clear with --reveal where allowed: opened
  // only for a report that shows some (opening every sealed value of the
  // county costs more than most reports themselves).
  bool personal = args.has("reveal");
  for (const auto& row : t->rows)
    for (const auto& cell : row) personal = personal || looksSealed(cell);
  if (personal) {
    RENDA_TRY(presentDataset(*data, **node, args.has("reveal"), *q));
    t = domain::computeReport(args.positional[0], *data, *q);
    if (!t) return t.status();
  }
  if (auto csv = args.get("csv")) {
    RENDA_TRY(writeCsv(*csv, *t));
    std::printf("%s\n", i18n::trf("cli.export.wrote", {*csv, std::to_string(t->rows.size())}).c_str());
  } else if (args.has("json")) {
    std::printf("%s\n", tableJson(*t).c_str());
  } else {
    std::printf("%s", tableText(*t).c_str());
  }
  return Status::ok();
}

}  // namespace

void addReportCommands(std::vector<Command>& out) {
  std::vector<Option> options = reportQueryOptions();
  options.push_back({"json", "", "print the table as JSON"});
  options.push_back({"csv", "FILE", "write the table to a CSV file"});
  out.push_back({"report", "the county office's reports (`renda report` alone lists them)",
                 "report NAME [--cohort SESSION|YEAR|all] [--township 乡镇名] [--year YYYY] "
                 "[--reveal] [--json | --csv FILE]",
                 cmdReport, options});
}

}  // namespace renda::app
