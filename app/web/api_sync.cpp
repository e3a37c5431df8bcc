// SPDX-License-Identifier: Apache-2.0
// GET /api/sync: the neighbours (what the store knows of them, from `renda
// status`'s neighbourViews, and what renda serve's scheduler is doing with
// them now). POST /api/sync/now {"node"?}: a session with every neighbour,
// or one, at once, as a job that ends when the sessions end.
#include "app/i18n/strings.h"
#include "app/serve/neighbours.h"
#include "app/web/api_ops.h"
#include "app/web/json_body.h"

namespace renda::app {

namespace {

// Who a neighbour is, for people: its township, or the county office.
std::string nodeLabel(const std::vector<Membership>& members, const std::optional<PublicKey>& key) {
  if (!key) return "";
  for (const auto& m : members)
    if (m.subject == *key) return m.township.empty() ? "县人大常委会" : m.township;
  return "";
}

}  // namespace

Status syncJson(Json& j, ApiCall& call) {
  auto views = neighbourViews(call.node);
  if (!views) return views.status();
  auto members = call.node.store().members();
  if (!members) return members.status();
  std::vector<LiveNeighbour> live;
  if (call.ops->serve) live = call.ops->serve->liveNeighbours();
  // The scheduler's neighbours (found on the LAN, learned) the store has no state for yet.
  for (const auto& l : live) {
    bool known = false;
    for (const auto& v : *views) known = known || v.state.address == l.address;
    if (!known) {
      NeighbourView v;
      v.state.address = l.address;
      v.configured = l.configured;
      views->push_back(v);
    }
  }
  j.key("neighbours").beginArray();
  for (const auto& v : *views) {
    const LiveNeighbour* now = nullptr;
    for (const auto& l : live)
      if (l.address == v.state.address) now = &l;
    j.beginObject();
    if (v.state.node) j.field("node", toHex(*v.state.node));
    else j.key("node").null();
    j.field("name", nodeLabel(*members, v.state.node)).field("address", v.state.address);
    if (v.state.lastContactMs) {
      j.field("lastContact", formatTime(v.state.lastContactMs));
      j.field("lastContactAt", static_cast<int64_t>(v.state.lastContactMs));
    } else {
      j.key("lastContact").null().key("lastContactAt").null();
    }
    j.key("toSend");
    v.pending ? j.num(static_cast<int64_t>(*v.pending)) : j.null();
    j.key("toReceive");
    v.incoming ? j.num(static_cast<int64_t>(*v.incoming)) : j.null();
    // syncing: a session is under way; failing: the last try failed; ok: the
    // last try worked; never: no session yet.
    std::string state = now && now->running        ? "syncing"
                        : !v.state.lastError.empty() ? "failing"
                        : v.state.lastContactMs      ? "ok"
                                                     : "never";
    const char* label = state == "syncing" ? "同步中"
                        : state == "failing" ? "连接失败"
                        : state == "ok"      ? "正常"
                                             : "尚未同步";
    j.field("state", state).field("stateLabel", label);
    j.field("lastError", v.state.lastError);
    j.key("configured").boolean(v.configured || (now && now->configured));
    j.key("discovered").boolean(now && now->discovered);
    j.endObject();
  }
  j.endArray();
  j.key("discovery").boolean(call.ops->serve && call.ops->serve->discoveryOn());
  return Status::ok();
}

WebResponse apiSync(ApiCall& call) {
  Json j;
  j.beginObject();
  if (Status s = syncJson(j, call); !s) return statusResponse(s, i18n::tr("web.err.read-sync"));
  j.endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

WebResponse apiSyncNow(ApiCall& call) {
  if (!call.ops->serve)
    return errorResponse(409, "conflict", i18n::tr("web.err.no-serve"));
  std::string address;
  if (!call.request.body.empty()) {
    auto body = parseJsonObject(call.request.body);
    if (!body) return errorResponse(400, "invalid", body.status().message());
    if (const std::string* node = jsonValue(*body, "node")) address = *node;
  }
  // "node" is the neighbour's address, or its node key (or a prefix of it).
  if (address.size() >= 4 && address.find(':') == std::string::npos) {
    auto views = neighbourViews(call.node);
    if (!views) return statusResponse(views.status(), i18n::tr("web.err.read-sync"));
    for (const auto& v : *views)
      if (v.state.node && toHex(*v.state.node).rfind(address, 0) == 0) address = v.state.address;
  }
  OpsState* ops = call.ops;
  uint64_t job = ops->jobs.start("sync", address.empty() ? std::string(i18n::tr("web.job.syncing-all"))
                                                        : i18n::trf("web.job.syncing", {address}));
  // The job's words in the language of the request that started it.
  auto done = [ops, job, lang = i18n::messageLanguage()](std::vector<SyncOutcome> outcomes) {
    i18n::WebMessages webMessages(lang);
    Json r;
    size_t failed = 0;
    uint64_t sent = 0, received = 0, notApplied = 0;
    r.beginObject().key("sessions").beginArray();
    for (const auto& o : outcomes) {
      failed += !o.ok;
      sent += o.sent;
      received += o.received;
      notApplied += o.notApplied;
      r.beginObject().field("address", o.address).key("ok").boolean(o.ok);
      r.field("message", o.message).field("sent", static_cast<int64_t>(o.sent));
      r.field("received", static_cast<int64_t>(o.received));
      r.field("notApplied", static_cast<int64_t>(o.notApplied)).endObject();
    }
    r.endArray().field("sent", static_cast<int64_t>(sent));
    r.field("received", static_cast<int64_t>(received));
    r.field("notApplied", static_cast<int64_t>(notApplied)).endObject();
    std::string message =
        outcomes.empty() ? std::string(i18n::tr("web.job.no-neighbours"))
        : failed         ? i18n::trf("web.job.sync-failed", {std::to_string(failed)})
                 : i18n::trf("web.job.synced", {std::to_string(sent), std::to_string(received)});
    if (notApplied) message += i18n::trf("web.job.synced-not-applied", {std::to_string(notApplied)});
    ops->jobs.progress(job, outcomes.size(), outcomes.size());
    ops->jobs.finish(job, failed == 0 && !outcomes.empty(), message, r.text());
  };
  Status started = ops->serve->syncNow(address, done);
  if (!started) {
    ops->jobs.finish(job, false, i18n::trf("web.job.no-neighbour", {address}), "{}");
    return errorResponse(404, "not_found", i18n::trf("web.err.no-neighbour", {address}),
                         "node");
  }
  WebResponse out;
  out.status = 202;
  out.body = "{\"job\":" + std::to_string(job) + "}";
  return out;
}

}  // namespace renda::app
