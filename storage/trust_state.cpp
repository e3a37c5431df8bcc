// SPDX-License-Identifier: Apache-2.0
// The trust state inside the applier's transaction: gathering what
// deriveTrust() needs from the tables (every act, each author's top, and the
// branches of the authors that forked), storing the memberships it derives,
// and re-applying the changes whose verdict that alters.
#include <algorithm>
#include <cstring>

#include "storage/ingest.h"

namespace renda::storage {


Result<TrustInputs> collectTrustInputs(const Txn& txn, const Store::Tables& t,
                                       const NetworkInfo& net) {
  TrustInputs in;
  in.root = net.root;
  // Acts, in arrival order (the derivation does not depend on it).
  {
    auto c = Cursor::open(txn, t.acts);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      auto stored = txn.get(t.changes, c->key());
      if (!stored) return stored.status();
      if (!stored->has_value()) return Status::corruption("the acts table names a missing change");
      auto d = decodeStored(**stored);
      if (!d) return d.status();
      auto act = openAct(net.network, net.root, d->change, d->id);
      if (!act || !*act) return Status::corruption("a stored act does not open");
      in.acts.push_back(std::move(**act));
    }
  }
  // Authors: their tops; the branches of those that forked.
  RENDA_TRY(forEachTop(txn, t, [&](const VersionEntry& e) -> Status {
    in.authors[e.author].topSeq = e.seq;
    return Status::ok();
  }));
  auto forked = forkedAuthors(txn, t);
  if (!forked) return forked.status();
  for (const auto& [a, range] : *forked) {
    AuthorShape& shape = in.authors[a];
    shape.branchSeq = range.first;
    shape.maxBranchSeq = range.second;
    RENDA_TRY(forEachHeld(txn, t, a, range.first - 1, range.second + 1,
                          [&](uint64_t, const StoredChange& d) -> Status {
                            shape.region.push_back({d.change.seq, d.id, d.change.prev});
                            return Status::ok();
                          }));
  }
  return in;
}

Status Applier::settleTrust() {
  auto in = collectTrustInputs(txn_, t_, net_);
  if (!in) return in.status();
  Status lookupError;
  in->locate = [&](const ChangeId& id) -> std::optional<std::pair<PublicKey, uint64_t>> {
    auto at = locate(id);
    if (!at) {
      lookupError = at.status();
      return std::nullopt;
    }
    return *at;
  };
  TrustDerivation derived = deriveTrust(*in);
  if (!lookupError) return lookupError;
  // Memberships: store what changed; re-apply the changes of every author
  // whose membership now decides differently.
  std::vector<PublicKey> reapply;
  for (const auto& [k, m] : derived.members) {
    auto old = member(k);
    if (!old) return old.status();
    if (!*old || (*old)->encode() != m.encode()) RENDA_TRY(putMember(m));
    if (!*old || !(*old)->sameEffect(m)) reapply.push_back(k);
  }
  // Acts: their flags and verdicts.
  {
    std::vector<std::pair<std::string, std::string>> verdictWrites;
    auto c = Cursor::open(txn_, t_.acts);
    if (!c) return c.status();
    std::vector<std::string> arrivals;
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      arrivals.emplace_back(viewOf(c->key()));
    }
    for (const auto& arrival : arrivals) {
      auto stored = txn_.get(t_.changes, bytesOf(arrival));
      if (!stored) return stored.status();
      if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
        return Status::corruption("the acts table names a missing change");
      auto env = decodeEnvelope((*stored)->subspan(keys::kChangeHeader));
      if (!env) return Status::corruption("a stored act is damaged");
      ChangeId id = crypto::changeId(crypto::asBytes(env->body));
      auto v = derived.verdicts.find(id);
      std::string verdict = v == derived.verdicts.end() ? "" : v->second;
      std::string storedValue(viewOf(**stored));
      RENDA_TRY(setApplied(arrival, bytesOf(storedValue), verdict.empty()));
      auto old = txn_.get(t_.acts, bytesOf(arrival));
      if (!old) return old.status();
      if (!old->has_value() || viewOf(**old) != verdict)
        RENDA_TRY(txn_.put(t_.acts, bytesOf(arrival), bytesOf(verdict)));
    }
  }
  for (const auto& k : reapply) RENDA_TRY(reevaluate(k));
  return Status::ok();
}

Status Applier::rederiveAll() {
  // Forget the stored memberships' effect so that every author is re-applied.
  std::vector<PublicKey> keysHeld;
  {
    auto c = Cursor::open(txn_, t_.members);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      PublicKey k;
      if (c->key().size() != 32) return Status::corruption("the members table is damaged");
      std::memcpy(k.data(), c->key().data(), 32);
      keysHeld.push_back(k);
    }
  }
  for (const auto& k : keysHeld) {
    RENDA_TRY(txn_.del(t_.members, bytesOf(keys::fixed(k))));
    members_.erase(k);
  }
  return settleTrust();
}

// Re-decides which of an author's record changes apply (after its membership
// changed) and re-folds every record whose applied set changed. Acts take
// their verdict in settleTrust().
Status Applier::reevaluate(const PublicKey& author) {
  auto m = member(author);
  if (!m) return m.status();
  std::set<RecordId> touched;
  std::vector<std::pair<std::string, std::string>> rewrites;
  std::string prefix = keys::fixed(author);
  for (MDB_dbi table : {t_.log, t_.forklog}) {
    auto c = Cursor::open(txn_, table);
    if (!c) return c.status();
    for (auto ok = c->seek(bytesOf(prefix));; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok || c->key().size() < 40 || std::memcmp(c->key().data(), prefix.data(), 32) != 0)
        break;
      if (c->value().size() != 8) return Status::corruption("an author log entry is damaged");
      std::string arrivalKey(viewOf(c->value()));
      auto stored = txn_.get(t_.changes, c->value());
      if (!stored) return stored.status();
      if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
        return Status::corruption("a stored change is missing");
      Bytes v = **stored;
      auto d = decodeStored(v);
      if (!d) return d.status();
      const Change& change = d->change;
      if (change.op != OpKind::kCreate && change.op != OpKind::kUpdate) continue;
      std::string scope;
      RecordId target = change.op == OpKind::kCreate ? d->id : change.record;
      auto r = loadRecord(target);
      if (!r) return r.status();
      if (*r) scope = (*r)->scope;
      bool applied = *m && checkApplies(**m, change, d->id, &scope).isOk();
      bool was = (v[1] & keys::kFlagApplied) != 0;
      if (applied == was) continue;
      std::string nv(viewOf(v));
      nv[1] = static_cast<char>(applied ? (v[1] | keys::kFlagApplied) : (v[1] & ~keys::kFlagApplied));
      rewrites.emplace_back(arrivalKey, std::move(nv));
      touched.insert(target);
    }
  }
  for (const auto& [k, v] : rewrites) RENDA_TRY(txn_.put(t_.changes, bytesOf(k), bytesOf(v)));
  for (const auto& id : touched) {
    RENDA_TRY(refold(id));
    // Events before its plain edits may have changed (a registration un-applied).
    auto r = loadRecord(id);
    if (!r) return r.status();
    if (*r) RENDA_TRY(rejudgeFieldEdits(**r));
  }
  return Status::ok();
}

}  // namespace renda::storage
