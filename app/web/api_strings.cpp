// SPDX-License-Identifier: Apache-2.0
// GET /api/strings?lang=zh|en → {"lang": "zh", "strings": {key: text, ...}}:
// the one string table (app/i18n/strings.tsv) in one language. No session is
// needed: the sign-in page shows these words before anyone signs in.
#include "app/i18n/strings.h"
#include "app/output/json.h"
#include "app/web/web_app.h"

namespace renda::app {

WebResponse apiStrings(const WebRequest& request) {
  i18n::Lang lang = i18n::Lang::kZh;  // the pages are Chinese unless asked otherwise
  if (auto it = request.query.find("lang"); it != request.query.end()) {
    auto asked = i18n::langFromCode(it->second);
    if (!asked)
      return errorResponse(400, "invalid", "lang 只能是 zh 或 en（lang must be zh or en）",
                           "lang");
    lang = *asked;
  }
  Json j;
  j.beginObject().field("lang", i18n::langCode(lang));
  j.key("strings").beginObject();
  for (const auto& [key, text] : i18n::allStrings(lang)) j.field(key, text);
  j.endObject().endObject();
  WebResponse r;
  r.body = j.text();
  return r;
}

}  // namespace renda::app
