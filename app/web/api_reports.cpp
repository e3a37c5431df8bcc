// SPDX-License-Identifier: Apache-2.0
// GET /api/reports/summary?cohort=&township=: the summary report (`renda
// report summary`) as JSON, counts and rates as numbers.
#include <algorithm>

#include "app/cli/cli.h"
#include "app/node/privacy.h"
#include "app/output/dataset.h"
#include "app/output/export.h"
#include "app/output/json.h"
#include "app/output/table_out.h"
#include "app/web/web_app.h"
#include "core/sealed.h"

namespace renda::app {

WebResponse apiReportSummary(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto data = loadDataset(store);
  if (!data) return statusResponse(data.status(), "无法读取报表数据");
  // The same query `renda report summary --cohort C --township T` makes.
  Args args;
  for (const char* name : {"cohort", "township"}) {
    auto it = call.request.query.find(name);
    if (it != call.request.query.end() && !it->second.empty())
      args.options.emplace_back(name, it->second);
  }
  auto q = reportQueryFrom(args, store, *data);
  if (!q) return errorResponse(400, "invalid", "批次（cohort）无法识别：" + q.status().message(), "cohort");
  auto t = domain::computeReport("summary", *data, *q);
  if (!t) return statusResponse(t.status(), "无法生成报表");
  bool personal = false;
  for (const auto& row : t->rows)
    for (const auto& cell : row) personal = personal || looksSealed(cell);
  if (personal) {
    if (Status s = presentDataset(*data, call.node, false, *q); !s)
      return statusResponse(s, "无法生成报表");
    t = domain::computeReport("summary", *data, *q);
    if (!t) return statusResponse(t.status(), "无法生成报表");
  }
  Json j;
  j.beginObject().field("report", t->name).field("title", t->title);
  j.field("cohort", q->cohort).field("township", q->township);
  j.key("columns").beginArray();
  for (const auto& c : t->columns) j.str(c);
  j.endArray().key("rows").beginArray();
  for (const auto& row : t->rows) {
    j.beginArray();
    for (size_t c = 0; c < row.size(); ++c)
      reportCellJson(j, row[c], std::find(t->textColumns.begin(), t->textColumns.end(), c) !=
                                    t->textColumns.end());
    j.endArray();
  }
  j.endArray().key("notes").beginArray();
  for (const auto& n : t->notes) j.str(n);
  j.endArray().endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
