// SPDX-License-Identifier: Apache-2.0
// Lists of people: 社情民意一览 (constituent issues with who raised them) and
// 代表名册 (the deputies' roster). Their personal columns (core/domain/privacy.h)
// are printed exactly as the Dataset holds them: app replaces sealed values by
// masked or clear text, or the placeholder, before any report is computed.
#include <algorithm>

#include "core/domain/privacy.h"
#include "core/domain/report_index.h"

namespace renda::domain::detail {

namespace {

std::string fieldOr(const Record& r, const char* name) { return r.get(name).value_or(""); }

bool inTownship(const Record& r, const ReportQuery& q) {
  return q.township.empty() || r.scope == q.township;
}

// Records in a stable order: by `dateField`, then id.
std::vector<const Record*> sorted(const std::vector<Record>& records, const ReportQuery& q,
                                  const char* dateField) {
  std::vector<const Record*> out;
  for (const auto& r : records)
    if (inTownship(r, q)) out.push_back(&r);
  std::stable_sort(out.begin(), out.end(), [&](const Record* a, const Record* b) {
    std::string da = fieldOr(*a, dateField), db = fieldOr(*b, dateField);
    return da != db ? da < db : a->id < b->id;
  });
  return out;
}

}  // namespace

Table issueListReport(const Dataset& d, const ReportQuery& q) {
  Table t{"issueList",
          "社情民意一览",
          {"收到日期", "乡镇", "反映人", "联系电话", "住址", "身份证号", "反映问题", "去向", "办结日期"},
          {},
          {},
          {0, 1, 2, 3, 4, 5, 6, 7, 8}};
  for (const Record* r : sorted(d.issues, q, "receivedDate"))
    t.rows.push_back({fieldOr(*r, "receivedDate"), r->scope, fieldOr(*r, "constituentName"),
                      fieldOr(*r, "constituentPhone"), fieldOr(*r, "constituentAddress"),
                      fieldOr(*r, "constituentIdNumber"), fieldOr(*r, "text"),
                      fieldOr(*r, "route"), fieldOr(*r, "closedDate")});
  t.notes = {"反映人、联系电话、住址、身份证号为个人信息，默认遮蔽；" + std::string(kSealedPlaceholder) +
             " 表示本节点无权查看。"};
  return t;
}

Table rosterReport(const Dataset& d, const ReportQuery& q) {
  Table t{"roster", "代表名册", {"姓名", "乡镇", "层级", "身份证号", "状态"}, {}, {}, {0, 1, 2, 3, 4}};
  for (const Record* r : sorted(d.deputies, q, "name"))
    t.rows.push_back({fieldOr(*r, "name"), r->scope, fieldOr(*r, "level"),
                      fieldOr(*r, "idNumber"), fieldOr(*r, "status")});
  t.notes = {"身份证号为个人信息，默认遮蔽；" + std::string(kSealedPlaceholder) + " 表示本节点无权查看。"};
  return t;
}

}  // namespace renda::domain::detail
