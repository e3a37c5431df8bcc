// SPDX-License-Identifier: Apache-2.0
// GET /api/suggestions?state=&township=&q= and GET /api/suggestions/ID: the
// suggestions with their official number, lead deputy's name, state and
// deadline; one suggestion with its timeline of life-cycle events.
#include "app/node/domain_glue.h"
#include "app/node/privacy.h"
#include "app/output/dataset.h"
#include "app/output/records_view.h"
#include "app/output/json.h"
#include "app/web/suggestion_item.h"
#include "app/web/web_app.h"
#include "core/domain/config.h"

namespace renda::app {

namespace {

std::string queryOf(const WebRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

// The name of the deputy record `hex` names, or "" when this node lacks it.
std::string deputyName(storage::Store& store, const std::string& hex) {
  auto id = fixedFromHex<RecordId>(hex);
  if (!id) return "";
  auto r = store.record(*id);
  if (!r || r->kind != RecordKind::kDeputy) return "";
  return r->get("name").value_or("");
}

void deadlineJson(Json& j, uint64_t deadlineMs) {
  if (deadlineMs) j.field("deadline", domain::formatDate(deadlineMs));
  else j.key("deadline").null();
}

const char* actionLabel(const std::string& action) {
  for (const auto& a : domain::actions())
    if (action == a.name) return a.label;
  return "";
}

}  // namespace

WebResponse apiSuggestionList(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto data = loadDataset(store);
  if (!data) return statusResponse(data.status(), "无法读取代表建议");
  std::string state = queryOf(call.request, "state"), township = queryOf(call.request, "township"),
              q = queryOf(call.request, "q");
  uint64_t now = Node::nowMs();
  std::map<std::string, std::string> names = deputyNames(*data);
  Json j;
  j.beginObject().key("suggestions").beginArray();
  size_t count = 0;
  for (const auto& v : data->suggestions) {
    if (!state.empty() && state != domain::stateName(v.state) &&
        state != domain::stateLabel(v.state))
      continue;
    if (!township.empty() && v.scope != township) continue;
    if (!q.empty() && v.title.find(q) == std::string::npos && v.number.find(q) == std::string::npos)
      continue;
    suggestionItemJson(j, v, names, now);
    ++count;
  }
  j.endArray().field("count", static_cast<int64_t>(count)).endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

WebResponse apiSuggestionGet(ApiCall& call, const std::string& id) {
  storage::Store& store = call.node.store();
  auto stored = store.recordByPrefix(RecordKind::kSuggestion, id);
  if (!stored) return statusResponse(stored.status(), "找不到这条建议");
  auto view = suggestionView(store, *stored);
  if (!view) return statusResponse(view.status(), "无法读取这条建议");
  auto members = MemberTable::load(store);
  if (!members) return statusResponse(members.status(), "无法读取节点名单");
  Unsealer unsealer(call.node);
  Record r = presentRecord(*stored, unsealer, Reveal::kClear);
  Json j;
  j.beginObject();
  j.field("id", toHex(view->id)).field("number", view->number).field("title", view->title);
  j.field("lead", view->lead).field("leadName", deputyName(store, view->lead));
  j.field("state", domain::stateName(view->state)).field("stateLabel", domain::stateLabel(view->state));
  deadlineJson(j, view->deadlineMs);
  j.key("overdue").boolean(view->overdue(Node::nowMs()));
  j.key("record");
  recordJson(j, r, &store);
  // Every life-cycle event in fold order, applied or not: who (which node,
  // of which township), when, and why one was not applied.
  j.key("timeline").beginArray();
  for (const auto& e : view->events) {
    const Membership* m = (*members)->find(e.author);
    j.beginObject().field("change", toHex(e.id)).field("action", e.action);
    j.field("actionLabel", actionLabel(e.action));
    j.field("node", toHex(e.author)).field("nodeName", m ? m->label : "");
    j.field("township", m ? (m->township.empty() ? "县人大常委会" : m->township) : "");
    j.field("atMs", static_cast<int64_t>(e.atMs)).field("at", formatTime(e.atMs));
    j.key("applied").boolean(e.applied);
    if (!e.applied) j.field("reason", e.reason);
    j.endObject();
  }
  j.endArray().endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
