// SPDX-License-Identifier: Apache-2.0
// GET /api/suggestions (filters, search, paging; the current cohort unless
// another is asked for), GET /api/suggestions/REF (its timeline of every
// change, and the life-cycle actions this node may take now) and
// POST /api/suggestions/REF/actions/ACTION (an action, taken as
// `renda suggestion ACTION` takes it: app/node/life_cycle.h).
#include <algorithm>
#include <cctype>
#include <cstdint>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/find_record.h"
#include "app/node/life_cycle.h"
#include "app/node/privacy.h"
#include "app/output/dataset.h"
#include "app/output/records_view.h"
#include "app/output/json.h"
#include "app/web/cohort.h"
#include "app/web/json_body.h"
#include "app/web/ops_state.h"
#include "app/web/refs.h"
#include "app/web/report_query.h"
#include "app/web/suggestion_item.h"
#include "app/web/web_app.h"
#include "core/domain/config.h"
#include "core/domain/fields.h"
#include "core/hlc.h"
#include "core/text.h"

namespace renda::app {

namespace {

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

// The fields every suggestion of a list has, into the open object.
void summaryJson(Json& j, const domain::SuggestionView& v, const std::string& leadName,
                 uint64_t now) {
  j.field("id", toHex(v.id)).field("number", v.number).field("title", v.title);
  j.field("lead", v.lead).field("leadName", leadName);
  j.field("state", domain::stateName(v.state)).field("stateLabel", domain::stateLabel(v.state));
  deadlineJson(j, v.deadlineMs);
  j.key("overdue").boolean(v.overdue(now));
  j.field("township", v.scope).field("level", v.level);
}

WebResponse ok(const Json& j) {
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace

WebResponse apiSuggestionList(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto loaded = call.ops->datasets.load(store);
  if (!loaded) return statusResponse(loaded.status(), i18n::tr("web.err.read-suggestions"));
  const StoreData& cached = **loaded;
  const domain::Dataset* data = &cached.data;
  const WebRequest& rq = call.request;
  std::string state = queryOf(rq, "state"), township = queryOf(rq, "township"),
              q = queryOf(rq, "q"), category = queryOf(rq, "category");
  std::string overdue = queryOf(rq, "overdue");
  for (auto& c : overdue) c = char(std::tolower(static_cast<unsigned char>(c)));
  bool overdueOnly = overdue == "1" || overdue == "true" || overdue == "yes";
  if (!overdueOnly && !overdue.empty() && overdue != "0" && overdue != "false" && overdue != "no")
    return errorResponse(400, "invalid", i18n::trf("web.err.bad-overdue", {overdue}), "overdue");
  auto cohort = requestedCohort(rq, store, *data);
  if (auto* e = std::get_if<WebResponse>(&cohort)) return *e;
  const std::string& cohortKey = std::get<std::string>(cohort);
  auto paging = pagingOf(rq);
  if (auto* e = std::get_if<WebResponse>(&paging)) return *e;
  const Paging& p = std::get<Paging>(paging);
  std::string deputy;  // the deputy's id: the lead or a co-signer
  if (std::string d = queryOf(rq, "deputy"); !d.empty()) {
    auto found = resolveRef(store, RecordKind::kDeputy, d);
    if (auto* e = std::get_if<WebResponse>(&found)) return *e;
    deputy = toHex(std::get<Record>(found).id);
  }
  // A filter value the county does not have answers 400 with its field,
  // never an empty list that looks like "none" (城关 for 城关镇).
  township = plainText(township);
  if (!township.empty() && !knownTownship(store, *data, township)) return unknownTownship(township);
  if (!state.empty()) {
    bool known = false;
    for (int s = 0; s <= int(domain::SuggestionState::kSelfHandled); ++s)
      known = known || state == domain::stateName(domain::SuggestionState(s)) ||
              state == domain::stateLabel(domain::SuggestionState(s));
    if (!known)
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.unknown-state", {state}), "state");
  }
  if (!category.empty()) {
    bool known = std::find(data->config.categories.begin(), data->config.categories.end(),
                           category) != data->config.categories.end();
    for (const auto& [name, config] : data->townshipConfigs)
      known = known || std::find(config.categories.begin(), config.categories.end(), category) !=
                           config.categories.end();
    for (const auto& v : data->suggestions) known = known || v.category == category;
    if (!known)
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.unknown-category", {category}), "category");
  }
  // The search finds an official number however its dashes and digits were typed.
  std::string qNumber = plainNumber(q);
  uint64_t now = Node::nowMs();
  std::map<std::string, std::string> names = deputyNames(*data);
  std::map<RecordId, const Record*> stored;  // for the search in bodies
  if (!q.empty())
    for (const Record* r : cached.records(RecordKind::kSuggestion)) stored[r->id] = r;
  std::vector<const domain::SuggestionView*> hits;
  for (const auto& v : data->suggestions) {
    if (!state.empty() && state != domain::stateName(v.state) &&
        state != domain::stateLabel(v.state))
      continue;
    if (!township.empty() && v.scope != township) continue;
    if (!category.empty() && v.category != category) continue;
    if (!cohortKey.empty() && domain::cohortOf(v) != cohortKey) continue;
    if (overdueOnly && !v.overdue(now)) continue;
    if (!deputy.empty()) {
      bool his = v.lead == deputy;
      for (const auto& [id, agreed] : v.cosigners) his = his || id == deputy;
      if (!his) continue;
    }
    if (!q.empty() && v.title.find(q) == std::string::npos &&
        plainNumber(v.number).find(qNumber) == std::string::npos) {
      auto r = stored.find(v.id);
      if (r == stored.end()) continue;
      auto body = r->second->fields.find("body");
      if (body == r->second->fields.end() || body->second.value().find(q) == std::string::npos)
        continue;
    }
    hits.push_back(&v);
  }
  Json j;
  j.beginObject().key("suggestions").beginArray();
  size_t count = 0;
  for (size_t i = p.from(); i < hits.size() && count < p.pageSize; ++i, ++count)
    suggestionItemJson(j, *hits[i], names, now);
  j.endArray().field("count", static_cast<int64_t>(count));
  p.json(j, hits.size());
  j.field("cohort", cohortKey);
  j.field("cohortLabel", cohortKey.empty() ? "全部批次" : domain::cohortName(*data, cohortKey));
  j.endObject();
  return ok(j);
}

WebResponse apiSuggestionGet(ApiCall& call, const std::string& ref) {
  storage::Store& store = call.node.store();
  auto found = resolveRef(store, RecordKind::kSuggestion, ref);
  if (auto* e = std::get_if<WebResponse>(&found)) return *e;
  const Record& stored = std::get<Record>(found);
  auto view = suggestionView(store, stored);
  if (!view) return statusResponse(view.status(), i18n::tr("web.err.read-suggestion"));
  auto members = MemberTable::load(store);
  if (!members) return statusResponse(members.status(), i18n::tr("web.err.read-members"));
  auto allowed = allowedLifeCycleActions(call.node, stored);
  if (!allowed) return statusResponse(allowed.status(), i18n::tr("web.err.allowed-actions"));
  Unsealer unsealer(call.node);
  Record r = presentRecord(stored, unsealer, Reveal::kClear);
  Json j;
  j.beginObject();
  summaryJson(j, *view, deputyName(store, view->lead), Node::nowMs());
  j.key("record");
  recordJson(j, r, &store);
  // Its fields as a page shows them: references (the session, the lead
  // deputy, co-signers) by the name of the record they name.
  j.key("display").beginObject();
  for (const auto& [name, st] : r.fields)
    j.field(name, displayValue(store, domain::findField(r.kind, name), st.value()));
  j.endObject();
  j.key("actions").beginArray();
  for (const auto& name : *allowed) {
    j.beginObject().field("name", name).field("label", actionLabel(name));
    j.key("fields").beginArray();
    for (const auto& f : *domain::actionFields(name)) {
      j.beginObject().field("name", f.name).field("label", f.label);
      j.key("required").boolean(f.required).endObject();
    }
    j.endArray().endObject();
  }
  j.endArray();
  // Each change's signature check and, for a plain edit, its values and,
  // when it was kept but not applied, why: from the record's change log.
  auto history = store.history(stored.id);
  if (!history) return statusResponse(history.status(), i18n::tr("web.err.read-suggestion-history"));
  std::map<ChangeId, const storage::Store::LoggedChange*> logged;
  for (const auto& h : *history) logged[h.id] = &h;
  // Every life-cycle event in fold order, applied or not, with the plain
  // field edits placed among them by time: who (which node, of which
  // township), when, whether its signature holds, and why one was not applied.
  auto entry = [&](const ChangeId& id, const std::string& action, const PublicKey& author,
                   uint64_t atMs, bool applied, const std::string& reason,
                   const std::vector<Field>& fields) {
    const Membership* m = (*members)->find(author);
    j.beginObject().field("change", toHex(id)).field("action", action);
    j.field("actionLabel", action == "edit" ? "修改" : actionLabel(action));
    j.field("node", toHex(author)).field("nodeName", nodeName(**members, author));
    j.field("township", m ? (m->township.empty() ? "县人大常委会" : m->township) : "");
    j.field("atMs", static_cast<int64_t>(atMs)).field("at", formatTime(atMs));
    j.key("applied").boolean(applied);
    if (!applied) j.field("reason", reason);
    auto h = logged.find(id);
    j.key("verified").boolean(h != logged.end() && h->second->signatureValid);
    j.key("fields").beginObject();
    for (const auto& f : fields) {
      std::string v =
          presentValue(RecordKind::kSuggestion, f.name, f.value, unsealer, Reveal::kClear);
      // An event's field is the action's (raterRole, agreed); an edit's the record's.
      const domain::FieldInfo* info = nullptr;
      if (const auto* fields = domain::actionFields(action))
        for (const auto& a : *fields)
          if (a.name == f.name) info = &a;
      if (!info) info = domain::findField(RecordKind::kSuggestion, f.name);
      j.field(f.name, displayValue(store, info, v));
    }
    j.endObject().endObject();
  };
  std::vector<const RecordVersion*> edits;
  for (const auto& v : stored.versions)
    if (v.action.empty() && v.id != stored.id) edits.push_back(&v);
  std::stable_sort(edits.begin(), edits.end(), [](auto* a, auto* b) { return a->hlc < b->hlc; });
  size_t next = 0;
  auto editsBefore = [&](uint64_t hlc) {
    for (; next < edits.size() && edits[next]->hlc < hlc; ++next) {
      const RecordVersion* e = edits[next];
      auto h = logged.find(e->id);
      if (h == logged.end()) continue;
      entry(e->id, "edit", e->author, Hlc::millis(e->hlc), h->second->applied, h->second->refusal,
            h->second->change.fields);
    }
  };
  j.key("timeline").beginArray();
  for (const auto& e : view->events) {
    const RecordVersion* version = stored.version(e.id);
    editsBefore(version ? version->hlc : Hlc::make(e.atMs, 0));
    entry(e.id, e.action, e.author, e.atMs, e.applied, e.reason, e.fields);
  }
  editsBefore(UINT64_MAX);
  j.endArray().endObject();
  return ok(j);
}

WebResponse apiSuggestionAction(ApiCall& call, const std::string& ref, const std::string& action) {
  storage::Store& store = call.node.store();
  const domain::ActionInfo* info = domain::findAction(action);
  if (!info) return errorResponse(404, "not_found", i18n::trf("web.err.no-action", {action}));
  auto found = resolveRef(store, RecordKind::kSuggestion, ref);
  if (auto* e = std::get_if<WebResponse>(&found)) return *e;
  const Record& stored = std::get<Record>(found);
  auto body = parseJsonObject(call.request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  for (const auto& [name, value] : *body) {
    bool known = false;
    for (const auto& f : *domain::actionFields(action)) known = known || name == f.name;
    if (!known)
      return errorResponse(400, "invalid",
                           i18n::trf("web.err.action-no-field", {i18n::labelNow(info->label), name}), name);
  }
  // The state and this node's role first, so that the clerk reads why in Chinese.
  auto allowed = allowedLifeCycleActions(call.node, stored);
  if (!allowed) return statusResponse(allowed.status(), i18n::tr("web.err.allowed-actions"));
  if (std::find(allowed->begin(), allowed->end(), action) == allowed->end()) {
    auto view = suggestionView(store, stored);
    auto self = call.node.self();
    std::string who = self && self->role == Role::kTownship
                          ? i18n::trf("web.err.township-node", {self->township})
                          : std::string(i18n::tr("web.err.county-node"));
    std::string state = view ? i18n::labelNow(domain::stateLabel(view->state)) : "";
    return errorResponse(403, "refused",
                         i18n::trf("web.err.action-not-now", {state, who, i18n::labelNow(info->label)}));
  }
  // A unit or deputy as a clerk names it (its name, a prefix of its id), as
  // the record forms take it: the action itself takes the record's id.
  JsonFields options;
  for (const auto& [name, value] : *body) {
    if (value.empty()) continue;
    std::string given = value;
    for (const auto& f : *domain::actionFields(action)) {
      if (f.name != name || !f.refers) continue;
      auto stored = storedRef(store, f, value);
      if (auto* e = std::get_if<WebResponse>(&stored)) return *e;
      given = std::get<std::string>(stored);
    }
    options.emplace_back(name, given);
  }
  // The checks of the command line's; a field left out, a choice or a date
  // that cannot be is 400 on that field, so that the form marks it.
  std::string badField;
  auto after = takeLifeCycleAction(call.node, stored, action, options, &badField);
  if (!after && after.status().code() == Code::kUsage && !badField.empty())
    return errorResponse(400, "invalid", after.status().message(), badField);
  if (!after) return statusResponse(after.status(), i18n::trf("web.err.action-failed", {i18n::labelNow(info->label)}));
  Json j;
  j.beginObject().field("state", domain::stateName(after->state));
  j.field("stateLabel", domain::stateLabel(after->state)).endObject();
  return ok(j);
}

}  // namespace renda::app
