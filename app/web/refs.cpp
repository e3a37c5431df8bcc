// SPDX-License-Identifier: Apache-2.0
#include "app/web/refs.h"

#include <cctype>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/output/json.h"
#include "app/output/records_view.h"
#include "core/hlc.h"

namespace renda::app {

std::optional<RecordKind> kindFromWord(const std::string& word) {
  for (int k = 0; k < kRecordKindCount; ++k)
    if (word == kindWord(RecordKind(k))) return RecordKind(k);
  return std::nullopt;
}

std::variant<Record, WebResponse> resolveRef(storage::Store& store, RecordKind kind,
                                             const std::string& text) {
  const std::string what = i18n::labelNow(domain::kindLabel(kind));
  std::vector<RecordChoice> choices;
  auto found = findRecord(store, kind, text, &choices);
  if (found) return std::move(*found);
  if (!choices.empty()) {
    Json j;
    j.beginObject().field(
        "error",
        i18n::trf("find.ambiguous", {text, std::to_string(choices.size()), what}));
    j.field("code", "ambiguous").key("choices").beginArray();
    for (const auto& c : choices)
      j.beginObject().field("id", toHex(c.id)).field("label", c.label).endObject();
    j.endArray().endObject();
    WebResponse out;
    out.status = 409;
    out.body = j.text();
    return out;
  }
  switch (found.status().code()) {
    case Code::kUsage:
      return errorResponse(400, "invalid", i18n::trf("find.give", {what}));
    case Code::kNotFound:
      return errorResponse(404, "not_found", i18n::trf("find.not-found", {what, text}));
    default:
      return statusResponse(found.status(), i18n::trf("web.err.read-kind", {what}));
  }
}

std::string recordLabel(storage::Store& store, const Record& r) {
  return recordLabel(store, r, nullptr);
}

std::string recordLabel(storage::Store& store, const Record& r, const StoreData* cached) {
  if (r.kind == RecordKind::kSuggestion) {
    std::string title = r.get("title").value_or("");
    const domain::SuggestionView* seen = cached ? cached->view(r.id) : nullptr;
    std::string number = seen ? seen->number : "";
    if (!seen)
      if (auto v = suggestionView(store, r)) number = v->number;
    if (!number.empty()) return number + " " + title;
    if (!title.empty()) return title;
  }
  std::string t = recordTitle(r);
  if (!t.empty()) return t;
  std::string label = domain::kindLabel(r.kind);
  if (auto d = r.get("date")) label += " " + *d;
  return label + " " + toHex(r.id).substr(0, 8);
}

std::string choiceLabel(const domain::FieldInfo& field, const std::string& value, i18n::Lang lang) {
  if (field.type != domain::FieldType::kChoice || value.empty()) return value;
  std::string name = field.name;
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string& key : {"choice." + name + "." + value, "choice." + value})
    if (i18n::hasKey(key)) return i18n::tr(key, lang);
  return value;
}

std::string displayValue(storage::Store& store, const domain::FieldInfo* field,
                         const std::string& value) {
  using T = domain::FieldType;
  if (field && field->type == T::kChoice) return choiceLabel(*field, value, i18n::Lang::kZh);
  if (!field || !field->refers || value.empty()) return value;
  if (field->type != T::kReference && field->type != T::kReferences) return value;
  std::string out;
  for (const auto& part : domain::splitList(value)) {
    std::string shown = part;
    if (auto id = fixedFromHex<RecordId>(part)) {
      auto r = store.record(*id);
      if (r && r->kind == *field->refers) shown = recordLabel(store, *r);
    }
    out += (out.empty() ? "" : "、") + shown;
  }
  return out;
}

void conflictValuesJson(Json& j, storage::Store& store, const MemberTable& members, const Record& r,
                        const std::string& field) {
  const domain::FieldInfo* info = domain::findField(r.kind, field);
  auto it = r.fields.find(field);
  j.beginArray();
  if (it != r.fields.end())
    for (const auto& c : it->second.candidates) {
      j.beginObject().field("value", c.value).field("display", displayValue(store, info, c.value));
      j.field("change", toHex(c.id));
      if (const RecordVersion* v = r.version(c.id)) {
        j.field("node", toHex(v->author)).field("nodeName", nodeName(members, v->author));
        uint64_t ms = Hlc::millis(v->hlc);
        j.field("atMs", static_cast<int64_t>(ms)).field("at", formatTime(ms));
      }
      j.endObject();
    }
  j.endArray();
}

void beginRecordJson(Json& j, storage::Store& store, const MemberTable& members, const Record& r) {
  j.beginObject().field("id", toHex(r.id)).field("kind", kindWord(r.kind));
  j.field("label", recordLabel(store, r)).field("township", r.scope);
  j.field("createdMs", static_cast<int64_t>(Hlc::millis(r.createdHlc())));
  j.field("updatedMs", static_cast<int64_t>(Hlc::millis(r.updatedHlc())));
  j.key("fields").beginObject();
  for (const auto& [name, st] : r.fields) j.field(name, st.value());
  j.endObject().key("display").beginObject();
  for (const auto& [name, st] : r.fields)
    j.field(name, displayValue(store, domain::findField(r.kind, name), st.value()));
  j.endObject().key("conflicts").beginArray();
  for (const auto& [name, st] : r.fields) {
    if (!st.conflicted()) continue;
    const domain::FieldInfo* info = domain::findField(r.kind, name);
    j.beginObject().field("field", name).field("fieldLabel", info ? info->label : name);
    conflictValuesJson(j.key("values"), store, members, r, name);
    j.endObject();
  }
  j.endArray();
}

std::string queryOf(const WebRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  return it == request.query.end() ? "" : it->second;
}

void Paging::json(Json& j, size_t total) const {
  j.field("total", static_cast<int64_t>(total)).field("page", static_cast<int64_t>(page));
  j.field("pageSize", static_cast<int64_t>(pageSize));
}

std::variant<Paging, WebResponse> pagingOf(const WebRequest& request) {
  Paging p;
  std::string page = queryOf(request, "page"), size = queryOf(request, "pageSize");
  if (!page.empty()) {
    auto n = wholeNumber(page, 1'000'000);
    if (!n || *n == 0) return errorResponse(400, "invalid", i18n::tr("web.err.page"), "page");
    p.page = *n;
  }
  if (!size.empty()) {
    auto n = wholeNumber(size, 500);
    if (!n || *n == 0)
      return errorResponse(400, "invalid", i18n::tr("web.err.page-size"), "pageSize");
    p.pageSize = *n;
  }
  return p;
}

std::string nodeName(const MemberTable& members, const PublicKey& key) {
  const Membership* m = members.find(key);
  if (m && !m->label.empty()) return m->label;
  if (m) return m->township.empty() ? "县人大常委会" : m->township;
  return "节点 " + toHex(key).substr(0, 8);
}

// A reference typed in a form (an id, a prefix, a name, a number) as the
// record id the store keeps; a list of them (kReferences) separated by ','.
std::variant<std::string, WebResponse> storedRef(storage::Store& store,
                                                 const domain::FieldInfo& info,
                                                 const std::string& value) {
  std::string out;
  for (const auto& part : domain::splitList(value)) {
    auto found = resolveRef(store, *info.refers, part);
    if (auto* r = std::get_if<WebResponse>(&found)) {
      if (r->status != 404) return *r;
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.ref-not-found", {i18n::labelNow(info.label), info.name, part,
                                                                i18n::labelNow(domain::kindLabel(*info.refers))}),
                           info.name);
    }
    out += (out.empty() ? "" : ",") + toHex(std::get<Record>(found).id);
  }
  return out;
}

}  // namespace renda::app
