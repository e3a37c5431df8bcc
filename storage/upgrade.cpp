// SPDX-License-Identifier: Apache-2.0
// Upgrading a store made by an older renda (layouts 2 and 3) to layout 4
// (tables.h) in one write transaction: `acts` is filled from the changes,
// the fork evidence the old `forks` table kept moves into `changes` (where it
// now travels and satisfies look-ups), and trust is derived again from
// everything held.
#include <cstring>

#include "storage/ingest.h"

namespace renda::storage {

namespace {

// Whether everything `c` names (predecessor, deps, parents) is held, so that
// Applier::apply() can store it without failing half-way.
Result<bool> followsHeld(const Txn& txn, const Store::Tables& t, const Change& c) {
  std::vector<ChangeId> named = c.deps;
  if (c.prev) named.push_back(*c.prev);
  for (const auto& p : c.parents) named.push_back(p);
  if (c.op == OpKind::kUpdate) named.push_back(c.record);
  for (const auto& id : named) {
    auto at = keys::arrivalOf(txn, t, id);
    if (!at) return at.status();
    if (!at->has_value()) return false;
  }
  return true;
}

}  // namespace

Status Store::upgrade() {
  auto net = network();
  return withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    if (net) {
      // 1. Every act gets its line in `acts`.
      auto c = Cursor::open(txn, t_->changes);
      if (!c) return c.status();
      std::vector<std::string> acts;
      for (auto ok = c->first();; ok = c->next()) {
        if (!ok) return ok.status();
        if (!*ok) break;
        auto d = decodeStored(c->value());
        if (!d) return d.status();
        if (d->change.op != OpKind::kCreate && d->change.op != OpKind::kUpdate)
          acts.emplace_back(viewOf(c->key()));
      }
      for (const auto& a : acts) RENDA_TRY(txn.put(t_->acts, bytesOf(a), {}));
      // 2. Trust, from everything held: memberships in today's format.
      Applier applier(txn, *t_, *net, UINT64_MAX / 2 >> 16);
      RENDA_TRY(applier.rederiveAll());
      // 3. Old fork evidence becomes held changes (trust is derived again at finish).
      std::vector<std::pair<std::string, std::string>> forks;
      {
        auto f = Cursor::open(txn, t_->forks);
        if (!f) return f.status();
        for (auto ok = f->first();; ok = f->next()) {
          if (!ok) return ok.status();
          if (!*ok) break;
          forks.emplace_back(viewOf(f->key()), viewOf(f->value()));
        }
      }
      IngestReport report;
      for (const auto& [key, envelope] : forks) {
        Prepared p;
        p.raw = envelope;
        auto env = decodeEnvelope(crypto::asBytes(envelope));
        if (!env) continue;
        p.envelope = std::move(*env);
        auto change = decodeChange(crypto::asBytes(p.envelope.body));
        if (!change || change->op == OpKind::kCertificate) continue;
        p.change = std::move(*change);
        p.id = crypto::changeId(crypto::asBytes(p.envelope.body));
        p.signatureChecked = verifyEnvelope(net->network, p.envelope);
        auto held = followsHeld(txn, *t_, p.change);
        if (!held) return held.status();
        if (!p.signatureChecked || !*held) continue;  // stays in `forks`, as before
        RENDA_TRY(applier.apply(p, report));
        RENDA_TRY(txn.del(t_->forks, bytesOf(key)));
      }
      RENDA_TRY(applier.finish());
    }
    return txn.put(t_->meta, bytesOf("layout"), bytesOf(keys::be64(keys::kLayout)));
  });
}

Status Store::rederive() {
  auto net = network();
  if (!net) return net.status();
  return withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    Applier applier(txn, *t_, *net, UINT64_MAX / 2 >> 16);
    RENDA_TRY(applier.rederiveAll());
    return applier.finish();
  });
}

}  // namespace renda::storage
