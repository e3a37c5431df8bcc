// SPDX-License-Identifier: Apache-2.0
// GET /api/status: what `renda status --json` says, and who is signed in.
#include "app/i18n/strings.h"
#include "app/output/status_json.h"
#include "app/web/api_ops.h"
#include "app/web/web_app.h"

namespace renda::app {

WebResponse apiStatus(ApiCall& call) {
  Json j;
  j.beginObject();
  if (Status s = statusJson(j, call.node); !s) return statusResponse(s, i18n::tr("web.err.read-node-state"));
  auto loaded = call.ops->datasets.load(call.node.store());
  if (!loaded) return statusResponse(loaded.status(), i18n::tr("web.err.read-record"));
  duplicateNumbersJson(j, (*loaded)->data.suggestions);
  j.key("account").beginObject().field("name", call.session.account);
  j.field("role", accountRoleName(call.session.role)).endObject();
  j.endObject();
  WebResponse r;
  r.body = j.text();
  return r;
}

}  // namespace renda::app
