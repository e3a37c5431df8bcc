// SPDX-License-Identifier: Apache-2.0
// GET /api/deputies?q=&township=, GET /api/deputies/ID, POST /api/deputies:
// the register of deputies. A new deputy is written the way `renda deputy
// add` writes one, as POST /api/records/deputy (app/web/api_records.cpp).
#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/privacy.h"
#include "app/node/record_edits.h"
#include "app/output/records_view.h"
#include "app/output/json.h"
#include "app/web/refs.h"
#include "app/web/web_app.h"

namespace renda::app {

WebResponse apiDeputyList(ApiCall& call) {
  auto records = call.node.store().list(RecordKind::kDeputy);
  if (!records) return statusResponse(records.status(), i18n::tr("web.err.read-deputies"));
  std::string q = queryOf(call.request, "q"), township = queryOf(call.request, "township");
  // A township mistyped would list nobody, as if it had no deputies.
  if (!township.empty() && !checkTownshipKnown(call.node.store(), township))
    return errorResponse(400, "invalid", i18n::trf("web.err.unknown-township", {township}),
                         "township");
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
  auto found = resolveRef(call.node.store(), RecordKind::kDeputy, id);
  if (auto* e = std::get_if<WebResponse>(&found)) return *e;
  const Record* stored = &std::get<Record>(found);
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

// POST /api/records/deputy under its older name.
WebResponse apiDeputyAdd(ApiCall& call) { return apiRecordAddOf(call, RecordKind::kDeputy); }

}  // namespace renda::app
