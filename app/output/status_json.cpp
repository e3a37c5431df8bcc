// SPDX-License-Identifier: Apache-2.0
#include "app/output/status_json.h"

#include "app/serve/neighbours.h"

namespace renda::app {

namespace {

// One key as this node's trust state has it (core/trust.h Membership), for
// `renda status --json`: its enrollment periods (untilMs 0 = open-ended), who
// certified it (the county root, or its predecessor) and its successor.
void memberJson(Json& j, const Membership& m) {
  j.beginObject().field("node", toHex(m.subject)).field("township", m.township);
  j.field("role", roleName(m.role)).field("issuer", toHex(m.issuer));
  j.field("generation", static_cast<int64_t>(m.generation));
  j.key("admitted").boolean(m.admitted);
  if (!m.admitted) j.field("admissionProblem", m.admissionProblem);
  j.key("windows").beginArray();
  for (auto [fromMs, untilMs] : m.windowsMs)
    j.beginObject()
        .field("fromMs", static_cast<int64_t>(fromMs))
        .field("untilMs", static_cast<int64_t>(untilMs))
        .endObject();
  j.endArray();
  if (m.successor) j.field("successor", toHex(*m.successor));
  if (m.revokedAfterSeq) j.field("revokedAfter", static_cast<int64_t>(*m.revokedAfterSeq));
  if (m.frozenFromSeq) j.field("frozenFrom", static_cast<int64_t>(*m.frozenFromSeq));
  if (m.encryptionKey) j.field("encryptionKey", toHex(*m.encryptionKey));
  if (m.transportKey) j.field("transportKey", toHex(*m.transportKey));
  j.endObject();
}

}  // namespace

Result<NodeStatus> nodeStatus(Node& node) {
  storage::Store& store = node.store();
  NodeStatus out;
  auto st = store.status();
  if (!st) return st.status();
  out.store = std::move(*st);
  if (auto key = store.deviceKey()) out.key = *key;
  if (auto net = store.network()) out.network = *net;
  if (out.key) {
    auto m = store.membership(*out.key);
    if (m && *m) out.self = **m;
  }
  auto members = store.members();
  if (!members) return members.status();
  out.members = std::move(*members);
  auto neighbours = neighbourViews(node);
  if (!neighbours) return neighbours.status();
  out.neighbours = std::move(*neighbours);
  // Keys that a certificate names but that are not admitted (a successor
  // whose certificate does not count, say): such a key has no township yet.
  for (const auto& m : out.members)
    if (m.certified && !m.admitted)
      out.notAdmitted.push_back(shortKey(m.subject) + ": " + m.admissionProblem);
  return out;
}

void forkJson(Json& j, storage::Store& store, const storage::ForkInfo& f) {
  auto m = store.membership(f.author);
  j.field("node", toHex(f.author)).field("from", static_cast<int64_t>(f.branchSeq));
  j.key("settled").boolean(m && *m && (*m)->settledHead.has_value());
  j.key("frozen").boolean(m && *m && (*m)->frozenFromSeq.has_value());
  j.key("tips").beginArray();
  for (const auto& t : f.tips)
    j.beginObject().field("seq", static_cast<int64_t>(t.seq)).field("change", toHex(t.id)).endObject();
  j.endArray();
}

void duplicateNumbersJson(Json& j, const std::vector<domain::SuggestionView>& suggestions) {
  j.key("duplicateNumbers").beginArray();
  for (const auto& d : duplicateNumbers(suggestions)) {
    j.beginObject().field("number", d.number).key("suggestions").beginArray();
    for (const auto* v : d.suggestions)
      j.beginObject().field("id", toHex(v->id)).field("title", v->title).field("township", v->scope).endObject();
    j.endArray().endObject();
  }
  j.endArray();
}

Status statusJson(Json& j, Node& node) {
  auto status = nodeStatus(node);
  if (!status) return status.status();
  storage::Store& store = node.store();
  const storage::StoreStatus* st = &status->store;
  const std::optional<PublicKey>& key = status->key;
  const std::optional<storage::NetworkInfo>& net = status->network;
  const std::optional<Membership>& self = status->self;
  const std::vector<Membership>* members = &status->members;
  const std::vector<NeighbourView>* neighbours = &status->neighbours;
  const std::vector<std::string>& notAdmitted = status->notAdmitted;
  j.field("node", key ? toHex(*key) : "");
  j.field("county", net ? net->countyName : "");
  j.field("countyKey", net ? fingerprint(net->root) : "");
  j.field("township", self ? self->township : "");
  j.field("role", self ? roleName(self->role) : "");
  j.key("enrolled").boolean(self.has_value());
  j.field("changes", static_cast<int64_t>(st->changes));
  j.field("records", static_cast<int64_t>(st->records));
  j.field("nodes", static_cast<int64_t>(st->authors));
  j.field("conflicts", static_cast<int64_t>(st->conflicts));
  j.field("notApplied", static_cast<int64_t>(st->notApplied));
  j.key("frozen").beginArray();
  for (const auto& f : st->frozen) j.str(f);
  j.endArray();
  j.key("revoked").beginArray();
  for (const auto& f : st->revoked) j.str(f);
  j.endArray();
  j.key("notAdmitted").beginArray();
  for (const auto& f : notAdmitted) j.str(f);
  j.endArray();
  j.key("forks").beginArray();
  for (const auto& f : st->forks) {
    j.beginObject();
    forkJson(j, store, f);
    j.endObject();
  }
  j.endArray();
  j.key("members").beginArray();
  for (const auto& m : *members) memberJson(j, m);
  j.endArray();
  j.key("neighbours").beginArray();
  for (const auto& v : *neighbours) {
    j.beginObject().field("address", v.state.address);
    j.field("node", v.state.node ? toHex(*v.state.node) : "");
    j.key("configured").boolean(v.configured);
    j.field("lastContactMs", static_cast<int64_t>(v.state.lastContactMs));
    j.field("lastAttemptMs", static_cast<int64_t>(v.state.lastAttemptMs));
    j.field("lastError", v.state.lastError);
    j.field("sent", static_cast<int64_t>(v.state.sentTotal));
    j.field("received", static_cast<int64_t>(v.state.receivedTotal));
    if (v.pending) j.field("pendingToSend", static_cast<int64_t>(*v.pending));
    else j.key("pendingToSend").null();
    j.endObject();
  }
  j.endArray();
  j.key("restored").boolean(st->restored);
  j.field("fileBytes", static_cast<int64_t>(st->fileBytes));
  return Status::ok();
}

}  // namespace renda::app
