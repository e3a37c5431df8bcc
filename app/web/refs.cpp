// SPDX-License-Identifier: Apache-2.0
#include "app/web/refs.h"

#include "app/cli/cli.h"
#include "app/output/json.h"
#include "app/output/records_view.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

bool hexText(const std::string& s) {
  return s.size() >= 4 && s.size() <= 64 &&
         s.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
}

// Text as a clerk may type or paste it: spaces (also the full-width U+3000)
// around it dropped.
std::string trimSpaces(std::string s) {
  static const std::string kIdeographicSpace = "\xE3\x80\x80";
  for (bool again = true; again;) {
    again = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1), again = true;
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back(), again = true;
    if (s.rfind(kIdeographicSpace, 0) == 0) s.erase(0, 3), again = true;
    if (s.size() >= 3 && s.compare(s.size() - 3, 3, kIdeographicSpace) == 0)
      s.resize(s.size() - 3), again = true;
  }
  return s;
}

// An official number with the dashes an input method or a word processor
// gives (－ ‐ ‑ ‒ – — ―, −) read as "-", so that 闭－2026－001 finds 闭-2026-001.
std::string plainDashes(const std::string& s) {
  static const char* kDashes[] = {"\xEF\xBC\x8D", "\xE2\x80\x90", "\xE2\x80\x91",
                                  "\xE2\x80\x92", "\xE2\x80\x93", "\xE2\x80\x94",
                                  "\xE2\x80\x95", "\xE2\x88\x92"};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool dash = false;
    for (const char* d : kDashes)
      if (s.compare(i, 3, d) == 0) {
        out += '-';
        i += 3;
        dash = true;
        break;
      }
    if (!dash) out += s[i++];
  }
  return out;
}

}  // namespace

std::optional<RecordKind> kindFromWord(const std::string& word) {
  for (int k = 0; k < kRecordKindCount; ++k)
    if (word == kindWord(RecordKind(k))) return RecordKind(k);
  return std::nullopt;
}

std::variant<Record, WebResponse> resolveRef(storage::Store& store, RecordKind kind,
                                             const std::string& typed) {
  const std::string what = domain::kindLabel(kind);
  const std::string text = trimSpaces(typed);
  if (text.empty()) return errorResponse(400, "invalid", "请指明哪一条" + what);
  if (hexText(text)) {
    auto r = store.recordByPrefix(kind, text);
    if (r) return *r;
    if (r.status().code() == Code::kUsage)
      return errorResponse(409, "ambiguous",
                           "编号“" + text + "”对应不止一条" + what + "，请多写几位");
  }
  auto all = store.list(kind);
  if (!all) return statusResponse(all.status(), "无法读取" + what);
  std::vector<const Record*> found;
  for (const auto& r : *all) {
    bool match = recordLabel(store, r) == text || recordTitle(r) == text;
    if (!match && kind == RecordKind::kSuggestion) {
      auto v = suggestionView(store, r);
      match = v && !v->number.empty() && plainDashes(v->number) == plainDashes(text);
    }
    if (match) found.push_back(&r);
  }
  if (found.size() == 1) return *found.front();
  if (found.empty())
    return errorResponse(404, "not_found", "找不到“" + text + "”这条" + what +
                                               "：请检查名称或编号，或在列表中查找");
  Json j;
  j.beginObject().field("error", "“" + text + "”对应多条" + what + "，请从中选择一条");
  j.field("code", "ambiguous").key("choices").beginArray();
  for (const Record* r : found) {
    std::string label = recordLabel(store, *r);
    if (!r->scope.empty()) label += "（" + r->scope + "）";
    j.beginObject().field("id", toHex(r->id)).field("label", label).endObject();
  }
  j.endArray().endObject();
  WebResponse out;
  out.status = 409;
  out.body = j.text();
  return out;
}

std::string recordLabel(storage::Store& store, const Record& r) {
  if (r.kind == RecordKind::kSuggestion) {
    auto v = suggestionView(store, r);
    std::string title = r.get("title").value_or("");
    if (v && !v->number.empty()) return v->number + " " + title;
    if (!title.empty()) return title;
  }
  std::string t = recordTitle(r);
  if (!t.empty()) return t;
  std::string label = domain::kindLabel(r.kind);
  if (auto d = r.get("date")) label += " " + *d;
  return label + " " + toHex(r.id).substr(0, 8);
}

std::string displayValue(storage::Store& store, const domain::FieldInfo* field,
                         const std::string& value) {
  using T = domain::FieldType;
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

void conflictValuesJson(Json& j, storage::Store& store, const MemberTable& members,
                        const Record& r, const std::string& field) {
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
    if (!n || *n == 0) return errorResponse(400, "invalid", "页码（page）须为正整数", "page");
    p.page = *n;
  }
  if (!size.empty()) {
    auto n = wholeNumber(size, 500);
    if (!n || *n == 0)
      return errorResponse(400, "invalid", "每页条数（pageSize）须为 1 到 500 的整数", "pageSize");
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

}  // namespace renda::app
