// SPDX-License-Identifier: Apache-2.0
// GET /api/deputies?q=&township=, GET /api/deputies/ID, POST /api/deputies:
// the register of deputies. A new deputy is written the way `renda deputy
// add` writes one (app/node/record_edits.h); its fields are those of
// core/domain/fields.h.
#include "app/node/domain_glue.h"
#include "app/node/privacy.h"
#include "app/node/record_edits.h"
#include "app/output/records_view.h"
#include "app/web/json_body.h"
#include "app/output/json.h"
#include "app/web/web_app.h"
#include "core/domain/fields.h"

namespace renda::app {

namespace {

std::string queryOf(const WebRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

}  // namespace

WebResponse apiDeputyList(ApiCall& call) {
  auto records = call.node.store().list(RecordKind::kDeputy);
  if (!records) return statusResponse(records.status(), "无法读取代表名册");
  std::string q = queryOf(call.request, "q"), township = queryOf(call.request, "township");
  Unsealer unsealer(call.node);
  Json j;
  j.beginObject().key("deputies").beginArray();
  size_t count = 0;
  for (const auto& stored : *records) {
    if (!township.empty() && stored.scope != township) continue;
    // Personal fields masked in lists; GET /api/deputies/ID shows them.
    Record r = presentRecord(stored, unsealer, Reveal::kMasked);
    if (!q.empty() && recordTitle(r).find(q) == std::string::npos) continue;
    recordJson(j, r);
    ++count;
  }
  j.endArray().field("count", static_cast<int64_t>(count)).endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

WebResponse apiDeputyGet(ApiCall& call, const std::string& id) {
  auto stored = call.node.store().recordByPrefix(RecordKind::kDeputy, id);
  if (!stored) return statusResponse(stored.status(), "找不到这位代表");
  Unsealer unsealer(call.node);
  // As `renda deputy show` shows it: personal fields in clear where this node
  // holds a key that opens them.
  Record r = presentRecord(*stored, unsealer, Reveal::kClear);
  Json j;
  recordJson(j, r, &call.node.store());
  WebResponse out;
  out.body = j.text();
  return out;
}

WebResponse apiDeputyAdd(ApiCall& call) {
  auto body = parseJsonObject(call.request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  const RecordKind kind = RecordKind::kDeputy;
  std::vector<Field> fields;
  std::optional<std::string> township;
  for (const auto& [name, value] : *body) {
    if (name == "township") {
      if (!value.empty()) township = value;
      continue;
    }
    const domain::FieldInfo* info = domain::findField(kind, name);
    if (!info)
      return errorResponse(400, "invalid", "人大代表没有字段“" + name + "”", name);
    if (value.empty()) continue;
    auto v = storedValue(call.node.store(), *info, value);
    if (!v)
      return errorResponse(400, "invalid",
                           std::string("“") + info->label + "”（" + name + "）找不到“" + value +
                               "”所指的记录",
                           name);
    fields.push_back({name, *v});
  }
  for (const auto& req : requiredFields(kind)) {
    bool has = false;
    for (const auto& f : fields) has = has || f.name == req;
    if (!has) {
      const domain::FieldInfo* info = domain::findField(kind, req);
      return errorResponse(400, "invalid",
                           std::string("请填写“") + (info ? info->label : req.c_str()) + "”（" +
                               req + "）",
                           req);
    }
  }
  auto id = addRecord(call.node, kind, std::move(fields), township);
  if (!id) return statusResponse(id.status(), "代表未能保存");
  Json j;
  j.beginObject().field("id", toHex(*id)).endObject();
  WebResponse out;
  out.status = 201;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
