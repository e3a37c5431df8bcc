// SPDX-License-Identifier: Apache-2.0
#include "app/records_view.h"

#include "app/cli.h"
#include "core/hlc.h"

namespace renda::app {

void recordJson(Json& j, const Record& r) {
  j.beginObject();
  j.field("id", toHex(r.id));
  j.field("kind", recordKindName(r.kind));
  j.field("township", r.scope);
  j.field("createdMs", static_cast<int64_t>(Hlc::millis(r.createdHlc())));
  j.field("updatedMs", static_cast<int64_t>(Hlc::millis(r.updatedHlc())));
  j.key("fields").beginObject();
  for (const auto& [name, st] : r.fields) j.field(name, st.value());
  j.endObject();
  j.key("conflicts").beginObject();
  for (const auto& [name, st] : r.fields) {
    if (!st.conflicted()) continue;
    j.key(name).beginArray();
    for (const auto& c : st.candidates) {
      j.beginObject().field("value", c.value).field("change", toHex(c.id));
      const RecordVersion* v = r.version(c.id);
      if (v) j.field("author", toHex(v->author)).field("timeMs", static_cast<int64_t>(Hlc::millis(v->hlc)));
      j.endObject();
    }
    j.endArray();
  }
  j.endObject();
  j.field("versions", static_cast<int64_t>(r.versions.size()));
  j.endObject();
}

std::string recordTitle(const Record& r) {
  for (const char* f : {"name", "title", "type"})
    if (auto v = r.get(f)) return *v;
  return "";
}

std::string recordText(const Record& r, storage::Store& store) {
  std::string out;
  out += std::string(recordKindName(r.kind)) + " " + toHex(r.id).substr(0, 12) + "\n";
  out += "  township:  " + (r.scope.empty() ? std::string("(county)") : r.scope) + "\n";
  out += "  created:   " + formatTime(Hlc::millis(r.createdHlc())) + "\n";
  out += "  updated:   " + formatTime(Hlc::millis(r.updatedHlc())) + "\n";
  for (const auto& [name, st] : r.fields) {
    out += "  " + name + ": " + st.value() + "\n";
    if (!st.conflicted()) continue;
    out += "    CONFLICT: edited on different nodes at the same time; all values are kept:\n";
    for (const auto& c : st.candidates) {
      const RecordVersion* v = r.version(c.id);
      std::string by = v ? shortKey(v->author) : "?";
      if (v) {
        auto m = store.membership(v->author);
        if (m && *m) by += " " + ((*m)->township.empty() ? std::string("county office") : (*m)->township);
      }
      out += "      \"" + c.value + "\"  (node " + by + ", " +
             (v ? formatTime(Hlc::millis(v->hlc)) : std::string("?")) + ")\n";
    }
    out += "    To resolve it, edit " + name + " again with the right value.\n";
  }
  return out;
}

}  // namespace renda::app
