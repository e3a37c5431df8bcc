// SPDX-License-Identifier: Apache-2.0
// GET|POST /api/records/KIND and GET|PUT /api/records/KIND/REF: every record
// kind the CLI writes (`renda KIND add|edit|list|show`), through the same code
// (app/node/record_edits.h): a new record with the same checks as `add`, an
// edit (which also resolves a conflict) with the same as `edit`. References
// are shown by the label of the record they name; personal fields are masked
// in lists and opened, where this node can, for one record.
#include <algorithm>

#include "app/i18n/strings.h"
#include "app/node/privacy.h"
#include "app/node/record_edits.h"
#include "app/web/json_body.h"
#include "app/web/refs.h"
#include "core/domain/fields.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

WebResponse ok(const Json& j, int status = 200) {
  WebResponse out;
  out.status = status;
  out.body = j.text();
  return out;
}

// Records only an admin may write: the county's settings and its calendar.
bool adminOnly(RecordKind kind) {
  return kind == RecordKind::kSettings || kind == RecordKind::kTerm ||
         kind == RecordKind::kSession || kind == RecordKind::kTownship;
}

std::variant<RecordKind, WebResponse> kindOf(const std::string& word) {
  if (auto k = kindFromWord(word)) return *k;
  return errorResponse(404, "not_found", i18n::trf("web.err.no-kind", {word}));
}

// The fields of a POST or PUT body, as the store keeps them. `township` is
// taken out into *township (POST only); an empty value is skipped on POST and
// clears the field on PUT.
std::variant<std::vector<Field>, WebResponse> bodyFields(storage::Store& store, RecordKind kind,
                                                          const JsonFields& body,
                                                          std::optional<std::string>* township) {
  std::vector<Field> fields;
  for (const auto& [name, value] : body) {
    if (name == "township" && township) {
      if (!value.empty()) *township = value;
      continue;
    }
    const domain::FieldInfo* info = domain::findField(kind, name);
    if (!info)
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.no-field", {i18n::labelNow(domain::kindLabel(kind)), name}), name);
    if (value.empty() && township) continue;
    // A choice as `renda KIND add|edit` checks it (a duty record's type against
    // the settings' list, later).
    if (!value.empty() && !(kind == RecordKind::kDutyRecord && name == "type") &&
        !checkChoice(*info, value)) {
      std::string allowed = info->hint;
      for (size_t bar; (bar = allowed.find('|')) != std::string::npos;) allowed.replace(bar, 1, "、");
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.not-a-choice", {i18n::labelNow(info->label), value, allowed}),
                           name);
    }
    if (info->refers && !value.empty()) {
      auto v = storedRef(store, *info, value);
      if (auto* e = std::get_if<WebResponse>(&v)) return *e;
      fields.push_back({name, std::get<std::string>(v)});
    } else {
      fields.push_back({name, value});
    }
  }
  return fields;
}

std::optional<WebResponse> writeRefused(ApiCall& call, RecordKind kind) {
  if (call.session.role != AccountRole::kAdmin && adminOnly(kind))
    return errorResponse(403, "forbidden",
                         i18n::trf("web.err.admin-kind", {i18n::labelNow(domain::kindLabel(kind))}));
  return std::nullopt;
}

const char* actionLabelOf(const std::string& action) {
  const domain::ActionInfo* a = domain::findAction(action);
  return a ? a->label : "";
}

}  // namespace

WebResponse apiRecordList(ApiCall& call, const std::string& word) {
  auto kind = kindOf(word);
  if (auto* e = std::get_if<WebResponse>(&kind)) return *e;
  const RecordKind k = std::get<RecordKind>(kind);
  storage::Store& store = call.node.store();
  auto loaded = call.ops->datasets.records(store, k);
  if (!loaded) return statusResponse(loaded.status(), i18n::tr("web.err.read-record"));
  const KindRecords& cached = **loaded;
  auto members = MemberTable::load(store);
  if (!members) return statusResponse(members.status(), i18n::tr("web.err.read-members"));
  std::string q = queryOf(call.request, "q"), township = queryOf(call.request, "township");
  // A township mistyped would list nothing, as if it had no records.
  if (!township.empty() && !checkTownshipKnown(store, township))
    return errorResponse(400, "invalid", i18n::trf("web.err.unknown-township", {township}),
                         "township");
  auto paging = pagingOf(call.request);
  if (auto* e = std::get_if<WebResponse>(&paging)) return *e;
  const Paging& p = std::get<Paging>(paging);
  // ?FIELD=REF on a reference field (?deputy=, ?station=, ...): the records
  // that name that record there.
  std::vector<std::pair<std::string, std::string>> refs;  // field, record id
  for (const auto& f : domain::fieldsOf(k)) {
    std::string want = f.refers ? queryOf(call.request, f.name) : "";
    if (want.empty()) continue;
    auto found = resolveRef(store, *f.refers, want);
    if (auto* e = std::get_if<WebResponse>(&found)) return *e;
    refs.emplace_back(f.name, toHex(std::get<Record>(found).id));
  }
  auto names = [&](const Record& r, const std::string& field, const std::string& id) {
    auto it = r.fields.find(field);
    // A stored reference is a full 64-hex id (a list of them: separated by
    // ','), so containing the id is naming it; no copy of the value is made.
    return it != r.fields.end() && it->second.value().find(id) != std::string::npos;
  };
  // The latest entered or changed first (the cache keeps them so), as a
  // clerk looks for what was just typed.
  std::vector<const Record*> hits;
  for (const Record* r : cached.records) {
    if (!township.empty() && r->scope != township) continue;
    bool all = true;
    for (const auto& [field, id] : refs) all = all && names(*r, field, id);
    if (!all) continue;
    if (!q.empty() && recordLabel(store, *r, cached.data.get()).find(q) == std::string::npos)
      continue;
    hits.push_back(r);
  }
  Unsealer unsealer(call.node);
  Json j;
  j.beginObject().key("records").beginArray();
  size_t count = 0;
  for (size_t i = p.from(); i < hits.size() && count < p.pageSize; ++i, ++count) {
    // Personal fields masked in lists; GET /api/records/KIND/REF opens them.
    beginRecordJson(j, store, **members, presentRecord(*hits[i], unsealer, Reveal::kMasked));
    j.endObject();
  }
  j.endArray().field("count", static_cast<int64_t>(count));
  p.json(j, hits.size());
  j.endObject();
  return ok(j);
}

WebResponse apiRecordGet(ApiCall& call, const std::string& word, const std::string& ref) {
  auto kind = kindOf(word);
  if (auto* e = std::get_if<WebResponse>(&kind)) return *e;
  storage::Store& store = call.node.store();
  auto found = resolveRef(store, std::get<RecordKind>(kind), ref);
  if (auto* e = std::get_if<WebResponse>(&found)) return *e;
  const Record& stored = std::get<Record>(found);
  auto members = MemberTable::load(store);
  if (!members) return statusResponse(members.status(), i18n::tr("web.err.read-members"));
  auto history = store.history(stored.id);
  if (!history) return statusResponse(history.status(), i18n::tr("web.err.read-this-history"));
  // A suggestion's life-cycle events may be kept but not applied by the fold.
  std::map<ChangeId, std::string> notApplied;
  if (stored.kind == RecordKind::kSuggestion) {
    auto v = suggestionView(store, stored);
    if (!v) return statusResponse(v.status(), i18n::tr("web.err.read-suggestion"));
    for (const auto& e : v->events)
      if (!e.applied) notApplied[e.id] = e.reason;
  }
  Unsealer unsealer(call.node);
  Json j;
  beginRecordJson(j, store, **members, presentRecord(stored, unsealer, Reveal::kClear));
  j.key("history").beginArray();
  for (const auto& h : *history) {
    const Change& c = h.change;
    j.beginObject().field("change", toHex(h.id));
    j.field("node", toHex(c.author)).field("nodeName", nodeName(**members, c.author));
    uint64_t ms = Hlc::millis(c.hlc);
    j.field("atMs", static_cast<int64_t>(ms)).field("at", formatTime(ms));
    j.field("action", c.action).field("actionLabel", actionLabelOf(c.action));
    j.key("fields").beginObject();
    for (const auto& f : c.fields) {
      std::string v = presentValue(stored.kind, f.name, f.value, unsealer, Reveal::kClear);
      j.field(f.name, c.action.empty()
                          ? displayValue(store, domain::findField(stored.kind, f.name), v)
                          : v);
    }
    j.endObject();
    auto refused = notApplied.find(h.id);
    bool applied = h.applied && refused == notApplied.end();
    j.key("applied").boolean(applied);
    if (!applied) j.field("reason", h.applied ? refused->second : h.refusal);
    j.key("verified").boolean(h.signatureValid);
    j.endObject();
  }
  j.endArray().endObject();
  return ok(j);
}

// "allowSameName": "yes" adds (or renames to) a namesake deputy, or adds a
// real second unit of a name; taken out of the body's fields.
static AddOptions takeAllowSameName(JsonFields& body) {
  AddOptions options;
  std::erase_if(body, [&](const auto& kv) {
    if (kv.first != "allowSameName") return false;
    options.allowSameName = kv.second == "yes" || kv.second == "true";
    return true;
  });
  return options;
}

WebResponse apiRecordAddOf(ApiCall& call, RecordKind kind) {
  if (auto refused = writeRefused(call, kind)) return *refused;
  auto body = parseJsonObject(call.request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  AddOptions options = takeAllowSameName(*body);
  std::optional<std::string> township;
  auto fields = bodyFields(call.node.store(), kind, *body, &township);
  if (auto* e = std::get_if<WebResponse>(&fields)) return *e;
  auto& given = std::get<std::vector<Field>>(fields);
  for (const auto& req : requiredFields(kind)) {
    bool has = false;
    for (const auto& f : given) has = has || f.name == req;
    if (!has) {
      const domain::FieldInfo* info = domain::findField(kind, req);
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.give-field", {info ? i18n::labelNow(info->label) : req.c_str(), req}),
                           req);
    }
  }
  auto id = addRecord(call.node, kind, std::move(given), township, options);
  if (!id)
    return statusResponse(id.status(), i18n::trf("web.err.not-saved", {i18n::labelNow(domain::kindLabel(kind))}));
  auto made = call.node.store().record(*id);
  Json j;
  j.beginObject().field("id", toHex(*id));
  j.field("label", made ? recordLabel(call.node.store(), *made) : "").endObject();
  return ok(j, 201);
}

WebResponse apiRecordAdd(ApiCall& call, const std::string& word) {
  auto kind = kindOf(word);
  if (auto* e = std::get_if<WebResponse>(&kind)) return *e;
  return apiRecordAddOf(call, std::get<RecordKind>(kind));
}

WebResponse apiRecordEdit(ApiCall& call, const std::string& word, const std::string& ref) {
  auto kind = kindOf(word);
  if (auto* e = std::get_if<WebResponse>(&kind)) return *e;
  RecordKind k = std::get<RecordKind>(kind);
  if (auto refused = writeRefused(call, k)) return *refused;
  storage::Store& store = call.node.store();
  auto found = resolveRef(store, k, ref);
  if (auto* e = std::get_if<WebResponse>(&found)) return *e;
  auto body = parseJsonObject(call.request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  AddOptions options = takeAllowSameName(*body);
  auto fields = bodyFields(store, k, *body, nullptr);
  if (auto* e = std::get_if<WebResponse>(&fields)) return *e;
  auto& given = std::get<std::vector<Field>>(fields);
  if (given.empty()) return errorResponse(400, "invalid", i18n::tr("web.err.give-change"));
  const RecordId id = std::get<Record>(found).id;
  auto cid = editRecord(call.node, id, std::move(given), options);
  if (!cid) return statusResponse(cid.status(), i18n::tr("web.err.edit-not-saved"));
  Json j;
  j.beginObject().field("id", toHex(id)).field("change", toHex(*cid)).endObject();
  return ok(j);
}

}  // namespace renda::app
