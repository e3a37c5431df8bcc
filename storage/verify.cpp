// SPDX-License-Identifier: Apache-2.0
// The slow, thorough paths: `renda verify` (every signature, every chain, every
// record re-derived) and a record's full history for `renda log`.
#include <map>

#include "core/domain/field_groups.h"
#include "storage/ingest.h"

namespace renda::storage {

namespace {

struct Decoded {
  Envelope envelope;
  Change change;
  ChangeId id;
  uint8_t flags = 0;
};

Result<Decoded> decodeStored(Bytes v) {
  if (v.size() < keys::kChangeHeader || v[0] != keys::kChangeFormat)
    return Status::corruption("a stored change has an unknown format");
  Decoded d;
  d.flags = v[1];
  auto env = decodeEnvelope(v.subspan(keys::kChangeHeader));
  if (!env) return Status::corruption("a stored change is damaged: " + env.status().message());
  d.envelope = std::move(*env);
  auto change = decodeChange(crypto::asBytes(d.envelope.body));
  if (!change) return Status::corruption("a stored change is damaged: " + change.status().message());
  d.change = std::move(*change);
  d.id = crypto::changeId(crypto::asBytes(d.envelope.body));
  return d;
}

}  // namespace

Result<VerifyReport> Store::verify() {
  auto net = network();
  if (!net) return net.status();
  VerifyReport report;
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto problem = [&](std::string s) {
    if (report.problems.size() < 100) report.problems.push_back(std::move(s));
  };
  // 1. Every change: signature, index, chain.
  std::map<PublicKey, std::pair<uint64_t, ChangeId>> chains;
  std::map<RecordId, std::vector<std::pair<ChangeId, bool>>> byRecord;
  std::map<ChangeId, Change> all;
  {
    auto c = Cursor::open(*txn, t_->changes);
    if (!c) return c.status();
    for (auto ok = c->first(); ; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      ++report.changesChecked;
      std::string at = "stored change #" + std::to_string(keys::getBe64(c->key().data()));
      auto d = decodeStored(c->value());
      if (!d) { problem(at + ": " + d.status().message()); continue; }
      ++report.signaturesChecked;
      if (!verifyEnvelope(net->network, d->envelope)) problem(at + ": bad signature");
      auto idx = keys::arrivalOf(*txn, *t_, d->id);
      if (!idx || !idx->has_value() || viewOf(**idx) != viewOf(c->key()))
        problem(at + ": missing from the id index");
      auto lg = txn->get(t_->log, bytesOf(keys::authorSeq(d->change.author, d->change.seq)));
      if (!lg || !lg->has_value() || viewOf(**lg) != viewOf(c->key()))
        problem(at + ": missing from its author's log");
      auto& chain = chains[d->change.author];
      if (d->change.seq != chain.first + 1) problem(at + ": sequence gap in its author's log");
      else if (d->change.seq > 1 && (!d->change.prev || *d->change.prev != chain.second))
        problem(at + ": does not follow its author's previous change");
      chain = {d->change.seq, d->id};
      bool applied = d->flags & keys::kFlagApplied;
      if (d->change.op == OpKind::kCreate) byRecord[d->id].push_back({d->id, applied});
      if (d->change.op == OpKind::kUpdate) byRecord[d->change.record].push_back({d->id, applied});
      if (d->change.op == OpKind::kCreate || d->change.op == OpKind::kUpdate)
        all.emplace(d->id, std::move(d->change));
    }
  }
  // The id index holds nothing else (each id once, in one of its two tables).
  {
    auto settled = txn->entries(t_->byid);
    auto recent = txn->entries(t_->byidnew);
    if (!settled || !recent) return Status::ioError("cannot read the id index");
    if (*settled + *recent != report.changesChecked)
      problem("the id index has " + std::to_string(*settled + *recent) + " entries for " +
              std::to_string(report.changesChecked) + " stored changes");
  }
  // 2. The version vector matches the logs.
  auto vv = versionVector();
  if (!vv) return vv.status();
  if (vv->size() != chains.size()) problem("the version vector lists a different set of nodes");
  for (const auto& e : *vv) {
    auto it = chains.find(e.author);
    if (it == chains.end() || it->second.first != e.seq || it->second.second != e.id)
      problem("the version vector disagrees with node " + toHex(e.author).substr(0, 8) + "'s log");
  }
  // 3. Every record re-derived from its changes equals the stored one.
  MDB_stat st;
  mdb_stat(txn->get(), t_->records, &st);
  if (st.ms_entries != byRecord.size()) problem("the number of records does not match the changes");
  for (const auto& [rid, versions] : byRecord) {
    ++report.recordsChecked;
    std::vector<FoldInput> inputs;
    for (const auto& [cid, applied] : versions) inputs.push_back({cid, &all.at(cid), applied});
    auto r = foldRecord(std::move(inputs));
    if (!r) { problem("record " + toHex(rid).substr(0, 8) + ": " + r.status().message()); continue; }
    auto row = keys::recordRow(*txn, *t_, rid);
    std::optional<Result<std::optional<Bytes>>> stored;
    if (row && row->has_value())
      stored.emplace(txn->get(t_->records, bytesOf(keys::rowKey(**row))));
    if (!stored || !*stored || !(*stored)->has_value() || viewOf(***stored) != encodeRecord(*r))
      problem("record " + toHex(rid).substr(0, 8) + " differs from what its changes give");
  }
  return report;
}

Result<std::vector<Store::LoggedChange>> Store::history(const RecordId& id) {
  auto net = network();
  if (!net) return net.status();
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<LoggedChange> out;
  auto row = keys::recordRow(*txn, *t_, id);
  if (!row) return row.status();
  if (!row->has_value()) return Status::notFound("no record " + toHex(id).substr(0, 8) + " here");
  std::string prefix = keys::rowKey(**row);
  auto rec = txn->get(t_->records, bytesOf(prefix));
  if (!rec) return rec.status();
  if (!rec->has_value()) return Status::notFound("no record " + toHex(id).substr(0, 8) + " here");
  auto record = decodeRecord(**rec);
  if (!record) return record.status();
  std::map<PublicKey, std::optional<Membership>> members;
  auto memberOf = [&](const PublicKey& k) -> const std::optional<Membership>& {
    auto it = members.find(k);
    if (it != members.end()) return it->second;
    auto& m = members[k];
    auto v = txn->get(t_->members, bytesOf(keys::fixed(k)));
    if (v && v->has_value()) {
      auto dm = Membership::decode(**v);
      if (dm) m = std::move(*dm);
    }
    return m;
  };
  domain::MemberLookup lookup = [&](const PublicKey& k) -> const Membership* {
    const auto& m = memberOf(k);
    return m ? &*m : nullptr;
  };
  auto c = Cursor::open(*txn, t_->recchanges);
  if (!c) return c.status();
  for (auto ok = c->seek(bytesOf(prefix)); ; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok || c->key().size() != 16 || std::memcmp(c->key().data(), prefix.data(), 8) != 0)
      break;
    auto stored = txn->get(t_->changes, c->key().subspan(8));
    if (!stored || !stored->has_value()) return Status::corruption("a record names a missing change");
    auto d = decodeStored(**stored);
    if (!d) return d.status();
    LoggedChange lc;
    lc.id = d->id;
    lc.signatureCheckedOnArrival = d->flags & keys::kFlagSigChecked;
    lc.applied = d->flags & keys::kFlagApplied;
    lc.signatureValid = verifyEnvelope(net->network, d->envelope);
    if (!lc.applied) {
      const auto& m = memberOf(d->change.author);
      lc.refusal = m ? checkApplies(*m, d->change, &record->scope).message()
                     : "the author is not enrolled";
      // Not refused by trust: a plain edit of a suggestion by a node that does
      // not own the field group (core/domain/field_groups.h).
      if (lc.refusal.empty() && d->change.op == OpKind::kUpdate && d->change.action.empty()) {
        std::vector<std::string> names;
        for (const auto& f : d->change.fields) names.push_back(f.name);
        auto refused = domain::judgeFieldEdits(*record, {{d->id, names}}, lookup);
        if (auto it = refused.find(d->id); it != refused.end()) lc.refusal = it->second;
      }
    }
    lc.change = std::move(d->change);
    out.push_back(std::move(lc));
  }
  return out;
}

}  // namespace renda::storage
