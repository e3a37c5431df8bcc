// SPDX-License-Identifier: Apache-2.0
// GET /api/conflicts: what waits for a person — every record field edited on
// two nodes at once (both values, each with its author and time; resolved by
// PUT /api/records/KIND/REF with the value kept), every change kept but not
// applied with its reason (a refused edit, a withdrawal that lost to a
// registration, a write from a revoked node, ...), and forks, as `renda
// status` shows them.
#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/privacy.h"
#include "app/output/dataset.h"
#include "app/output/status_json.h"
#include "app/web/refs.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

void notAppliedJson(Json& j, storage::Store& store, const StoreData& cached,
                    const MemberTable& members, const Record& r, const ChangeId& change,
                    const std::string& action, const PublicKey& author, uint64_t atMs,
                    const std::string& reason) {
  const domain::ActionInfo* a = domain::findAction(action);
  j.beginObject().field("change", toHex(change)).field("kind", kindWord(r.kind));
  j.field("id", toHex(r.id)).field("label", recordLabel(store, r, &cached));
  j.field("township", r.scope);
  j.field("action", action.empty() ? "edit" : action);
  // The reason as the core words it, in the page's language.
  j.field("actionLabel", a ? a->label : "修改").field("reason", domainMessage(reason));
  j.field("node", toHex(author)).field("nodeName", nodeName(members, author));
  j.field("atMs", static_cast<int64_t>(atMs)).field("at", formatTime(atMs)).endObject();
}

}  // namespace

WebResponse apiConflicts(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto members = MemberTable::load(store);
  if (!members) return statusResponse(members.status(), i18n::tr("web.err.read-members"));
  auto loaded = call.ops->datasets.load(store);
  if (!loaded) return statusResponse(loaded.status(), i18n::tr("web.err.read-record"));
  const StoreData& cached = **loaded;
  const std::vector<const Record*>& all = cached.attention;
  Unsealer unsealer(call.node);
  Json j;
  j.beginObject().key("conflicts").beginArray();
  size_t conflicts = 0;
  for (const Record* p : all) {
    const Record& stored = *p;
    if (!stored.hasConflicts()) continue;
    // Personal values masked, as in every list; the record's page opens them.
    Record r = presentRecord(stored, unsealer, Reveal::kMasked);
    for (const auto& [name, st] : r.fields) {
      if (!st.conflicted()) continue;
      const domain::FieldInfo* info = domain::findField(r.kind, name);
      j.beginObject().field("kind", kindWord(r.kind)).field("id", toHex(r.id));
      j.field("label", recordLabel(store, r, &cached)).field("township", r.scope);
      j.field("field", name).field("fieldLabel", info ? info->label : name);
      conflictValuesJson(j.key("values"), store, **members, r, name);
      j.endObject();
      ++conflicts;
    }
  }
  j.endArray().key("notApplied").beginArray();
  size_t notApplied = 0;
  for (const Record* p : all) {
    const Record& r = *p;
    // Changes the store kept without applying them (edits from outside the
    // node's township or the field group's writer, from revoked or frozen
    // nodes, ...).
    bool any = false;
    for (const auto& v : r.versions) any = any || !v.applied;
    if (any) {
      auto history = store.history(r.id);
      if (!history) return statusResponse(history.status(), i18n::tr("web.err.read-record-history"));
      for (const auto& h : *history) {
        if (h.applied) continue;
        notAppliedJson(j, store, cached, **members, r, h.id, h.change.action, h.change.author,
                       Hlc::millis(h.change.hlc), h.refusal);
        ++notApplied;
      }
    }
    // Life-cycle events the suggestion's fold did not apply (a withdrawal
    // that lost to a registration, an action in the wrong state, ...).
    if (r.kind != RecordKind::kSuggestion) continue;
    const domain::SuggestionView* view = cached.view(r.id);
    if (!view) continue;
    for (const auto& e : view->events) {
      const RecordVersion* v = r.version(e.id);
      if (e.applied || (v && !v->applied)) continue;  // listed above already
      notAppliedJson(j, store, cached, **members, r, e.id, e.action, e.author, e.atMs, e.reason);
      ++notApplied;
    }
  }
  j.endArray().key("forks").beginArray();
  auto st = store.status();
  if (!st) return statusResponse(st.status(), i18n::tr("web.err.read-node-state"));
  for (const auto& f : st->forks) {
    j.beginObject().field("nodeName", nodeName(**members, f.author));
    forkJson(j, store, f);
    j.endObject();
  }
  // One official number on two suggestions (two offices apart): listed so
  // that the office gives all but one another number (更正编号).
  j.endArray().key("duplicateNumbers").beginArray();
  auto duplicates = duplicateNumbers(cached.data.suggestions);
  for (const auto& d : duplicates) {
    j.beginObject().field("number", d.number).key("suggestions").beginArray();
    for (const auto* v : d.suggestions) {
      j.beginObject().field("id", toHex(v->id)).field("title", v->title);
      j.field("township", v->scope).field("state", domain::stateName(v->state));
      j.field("stateLabel", domain::stateLabel(v->state)).endObject();
    }
    j.endArray().endObject();
  }
  j.endArray().field("duplicateNumberCount", static_cast<int64_t>(duplicates.size()));
  j.field("conflictCount", static_cast<int64_t>(conflicts));
  j.field("notAppliedCount", static_cast<int64_t>(notApplied)).endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
