// SPDX-License-Identifier: Apache-2.0
// Local authoring: a change signed with this node's key and applied in the
// same transaction that advances its number.
#include <algorithm>

#include "core/limits.h"
#include "storage/ingest.h"

namespace renda::storage {

namespace {

// The change a new change of `self` follows: its top, or — when its changes
// branch and the line is settled — the end of its valid line, so that a node
// whose branch the county did not keep goes on from the kept one (once it
// holds it). A frozen key follows its top, and is refused anyway.
Result<std::optional<VersionEntry>> followed(Applier& applier, const PublicKey& self) {
  auto top = applier.vvEntry(self);
  if (!top) return top.status();
  auto m = applier.member(self);
  if (!m) return m.status();
  if (!*m || !(*m)->line.branchSeq || (*m)->frozenFromSeq || (*m)->line.aboveOnLine) return *top;
  const AuthorLine& line = (*m)->line;
  std::optional<VersionEntry> tip;
  for (const auto& id : line.lineIds) {
    auto at = applier.locateHeld(id);
    if (!at) return at.status();
    if (*at && (!tip || (*at)->second > tip->seq)) tip = VersionEntry{self, (*at)->second, id};
  }
  if (!tip && *line.branchSeq > 1) {
    // The line ends just before the branches: at the one change numbered branchSeq - 1.
    auto before = applier.changeNumbered(self, *line.branchSeq - 1);
    if (!before) return before.status();
    if (*before) tip = VersionEntry{self, *line.branchSeq - 1, **before};
  }
  if (line.limitSeq && tip && tip->seq > *line.limitSeq) return *top;
  return tip;
}

// Signs `edit` as the next change of `key` and applies it inside the applier's
// write transaction: the per-change half of Store::author and Store::authorBatch.
// Refused (and the caller aborts the transaction) when the change would not apply.
Result<ChangeId> authorOne(Applier& applier, const NetworkInfo& net, const LocalEdit& edit,
                           const SecretKey& key, uint64_t nowMs) {
  PublicKey self = key.publicKey();
  Change c;
  c.network = net.network;
  c.author = self;
  auto after = followed(applier, self);
  if (!after) return after.status();
  c.seq = *after ? (*after)->seq + 1 : 1;
  if (*after) {
    c.prev = (*after)->id;
    auto ps = applier.signatureHash((*after)->id);
    if (!ps) return ps.status();
    c.prevSig = *ps;
  }
  auto deps = applier.takeDeps(self);
  if (!deps) return deps.status();
  c.deps = std::move(*deps);
  RENDA_TRY(applier.loadClock());
  c.hlc = applier.hlc().tick(nowMs);
  c.op = edit.op;
  c.kind = edit.kind;
  c.scope = edit.scope;
  c.fields = edit.fields;
  c.certificate = edit.certificate;
  c.revocation = edit.revocation;
  c.settlement = edit.settlement;
  c.encryptionKey = edit.encryptionKey;
  c.transportKey = edit.transportKey;
  // A revocation or settlement names a change (the pin, the kept head): the
  // act depends on it, so every node that holds the act holds that change.
  for (const auto& d : edit.extraDeps) {
    if (std::find(c.deps.begin(), c.deps.end(), d) != c.deps.end()) continue;
    c.deps.push_back(d);
  }
  if (edit.op == OpKind::kUpdate) {
    auto r = applier.loadRecord(edit.record);
    if (!r) return r.status();
    if (!*r || !(*r)->visible) return Status::notFound("that record is not on this node");
    c.record = edit.record;
    c.parents = (*r)->heads();
    c.action = edit.action;
  }
  RENDA_TRY(validateChangeShape(c));
  std::string body = encodeChange(c);
  if (body.size() > limits::kMaxChangeBytes)
    return Status::usage("the change is too large (more than 64 KiB); shorten the text");
  std::string envelope = signChange(net.network, body, key);
  Prepared p;
  p.raw = envelope;
  auto e = decodeEnvelope(crypto::asBytes(envelope));
  if (!e) return e.status();
  p.envelope = std::move(*e);
  p.change = std::move(c);
  p.id = crypto::changeId(crypto::asBytes(body));
  p.signatureChecked = true;
  IngestReport report;
  RENDA_TRY(applier.apply(p, report));
  // Acts, and changes whose author's line is derived again at finish() (the
  // next change of a settled branch, say), are judged by requireApplied().
  bool isAct = p.change.op != OpKind::kCreate && p.change.op != OpKind::kUpdate;
  if (!isAct && !applier.lastApplied() && !applier.lastJudgedAtFinish())
    return Status::refused(applier.lastRefusal() + "; nothing was recorded");
  return p.id;
}

// After Applier::finish(): refused unless every one of `ids` took effect
// (acts are judged only then).
Status requireApplied(Applier& applier, const std::vector<ChangeId>& ids) {
  for (const auto& id : ids) {
    auto a = applier.appliedNow(id);
    if (!a) return a.status();
    if (!a->first) return Status::refused(a->second + "; nothing was recorded");
  }
  return Status::ok();
}

Status refuseRestored() {
  return Status::refused("this store was copied or restored from a backup; a new device key "
                         "must be made before it can record anything (renda does this itself "
                         "when you run a command that writes)");
}

}  // namespace

Result<ChangeId> Store::author(const LocalEdit& edit, const SecretKey& key, uint64_t nowMs) {
  if (restored_) return refuseRestored();
  auto net = network();
  if (!net) return net.status();
  ChangeId id;
  Status s = withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    Applier applier(txn, *t_, *net, nowMs);
    auto one = authorOne(applier, *net, edit, key, nowMs);
    if (!one) return one.status();
    id = *one;
    RENDA_TRY(applier.finish());
    return requireApplied(applier, {id});
  });
  if (!s) return s;
  return id;
}

Result<std::vector<ChangeId>> Store::authorBatch(const std::vector<LocalEdit>& edits,
                                                 const SecretKey& key, uint64_t nowMs) {
  if (restored_) return refuseRestored();
  auto net = network();
  if (!net) return net.status();
  std::vector<ChangeId> ids;
  Status s = withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    ids.clear();
    ids.reserve(edits.size());
    Applier applier(txn, *t_, *net, nowMs);
    for (size_t i = 0; i < edits.size(); ++i) {
      auto one = authorOne(applier, *net, edits[i], key, nowMs);
      if (!one) {
        if (edits.size() == 1) return one.status();
        return Status::error(one.status().code(),
                             "edit " + std::to_string(i + 1) + " of " +
                                 std::to_string(edits.size()) +
                                 " (nothing of the batch was recorded): " +
                                 one.status().message());
      }
      ids.push_back(*one);
    }
    RENDA_TRY(applier.finish());
    return requireApplied(applier, ids);
  });
  if (!s) return s;
  return ids;
}

Result<std::vector<ChangeId>> Store::rotateDeviceKey(const SecretKey& oldKey,
                                                     const SecretKey& newKey,
                                                     const Certificate& cert,
                                                     const std::vector<LocalEdit>& announcements,
                                                     uint64_t nowMs) {
  auto net = network();
  if (!net) return net.status();
  if (cert.subject != newKey.publicKey() || cert.issuer != oldKey.publicKey())
    return Status::usage("the successor certificate names other keys");
  auto binding = instanceBinding();
  if (!binding) return binding.status();
  std::vector<ChangeId> ids;
  Status s = withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    ids.clear();
    Applier applier(txn, *t_, *net, nowMs);
    LocalEdit handOver;
    handOver.op = OpKind::kCertificate;
    handOver.certificate = cert;
    auto one = authorOne(applier, *net, handOver, oldKey, nowMs);
    if (!one) return one.status();
    ids.push_back(*one);
    for (const auto& announce : announcements) {
      auto two = authorOne(applier, *net, announce, newKey, nowMs);
      if (!two) return two.status();
      ids.push_back(*two);
    }
    RENDA_TRY(applier.finish());
    RENDA_TRY(requireApplied(applier, ids));
    return bindDevice(txn, newKey.publicKey(), *binding);
  });
  if (!s) return s;
  restored_ = false;
  return ids;
}

}  // namespace renda::storage
