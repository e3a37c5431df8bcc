// SPDX-License-Identifier: Apache-2.0
// The slow, thorough paths: `renda verify` (every signature, every chain, every
// record re-derived) and a record's full history for `renda log`.
#include <cstring>
#include <map>
#include <set>

#include "core/domain/field_groups.h"
#include "storage/ingest.h"

namespace renda::storage {

namespace {

// What verify keeps of each change while it walks the store.
struct Seen {
  PublicKey author;
  uint64_t seq = 0;
  std::optional<ChangeId> prev;
  std::string arrivalKey;
  uint8_t flags = 0;
};

}  // namespace

// Checks every change on its own (signature, index, log), every chain, and then
// derives trust, every applied flag and every record again from the changes
// alone, in arrival order, comparing each with what the tables hold. Nothing
// here reads the members table or a stored flag to decide anything.
Result<VerifyReport> Store::verify() {
  auto net = network();
  if (!net) return net.status();
  VerifyReport report;
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto problem = [&](std::string s) {
    if (report.problems.size() < 100) report.problems.push_back(std::move(s));
  };
  auto shortId = [](const ChangeId& id) { return toHex(id).substr(0, 12); };
  std::map<ChangeId, Seen> seen;
  std::map<PublicKey, std::map<uint64_t, std::vector<ChangeId>>> byAuthor;
  std::map<RecordId, std::vector<ChangeId>> byRecord;
  std::map<ChangeId, Change> recordChanges;
  std::vector<TrustAct> acts;
  std::set<std::string> actArrivals;
  uint64_t logEntries = 0;
  // 1. Every change: signature, index, logs, chain.
  {
    auto c = Cursor::open(*txn, t_->changes);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      ++report.changesChecked;
      std::string arrivalKey(viewOf(c->key()));
      std::string at = "stored change #" + std::to_string(keys::getBe64(c->key().data()));
      auto d = decodeStored(c->value());
      if (!d) { problem(at + ": " + d.status().message()); continue; }
      const Change& ch = d->change;
      at += " (node " + toHex(ch.author).substr(0, 8) + ", number " + std::to_string(ch.seq) + ")";
      ++report.signaturesChecked;
      if (!verifyEnvelope(net->network, d->envelope)) problem(at + ": bad signature");
      if (c->value().size() < keys::kChangeHeader ||
          std::memcmp(c->value().data() + 2, ch.author.data(), 32) != 0 ||
          keys::getBe64(c->value().data() + 34) != ch.seq)
        problem(at + ": its stored header names another author or number");
      auto idx = keys::arrivalOf(*txn, *t_, d->id);
      if (!idx || !idx->has_value() || viewOf(**idx) != arrivalKey)
        problem(at + ": missing from the id index");
      auto lg = txn->get(t_->log, bytesOf(keys::authorSeq(ch.author, ch.seq)));
      bool inLog = lg && lg->has_value() && viewOf(**lg) == arrivalKey;
      auto fl = txn->get(t_->forklog, bytesOf(keys::authorSeqId(ch.author, ch.seq, d->id)));
      bool inForklog = fl && fl->has_value() && viewOf(**fl) == arrivalKey;
      if (inLog == inForklog) problem(at + ": not in its author's log exactly once");
      if (inForklog && !(lg && lg->has_value())) problem(at + ": a fork with no first change");
      // Arrival order is causal: what a change follows is stored before it.
      if (ch.prev) {
        auto p = seen.find(*ch.prev);
        if (p == seen.end())
          problem(at + ": its previous change is not stored before it (a gap in its author's log)");
        else if (p->second.author != ch.author || p->second.seq + 1 != ch.seq)
          problem(at + ": does not follow its author's previous change");
      }
      for (const auto& dep : ch.deps)
        if (!seen.count(dep)) problem(at + ": depends on change " + shortId(dep) + ", not stored before it");
      if (ch.op == OpKind::kUpdate && !seen.count(ch.record))
        problem(at + ": edits record " + shortId(ch.record) + ", not stored before it");
      seen[d->id] = {ch.author, ch.seq, ch.prev, arrivalKey, d->flags};
      byAuthor[ch.author][ch.seq].push_back(d->id);
      if (ch.op == OpKind::kCreate || ch.op == OpKind::kUpdate) {
        byRecord[ch.op == OpKind::kCreate ? d->id : ch.record].push_back(d->id);
        recordChanges.emplace(d->id, std::move(d->change));
        continue;
      }
      auto act = openAct(net->network, net->root, ch, d->id);
      if (!act || !*act) { problem(at + ": its certificate, revocation or settlement does not open"); continue; }
      acts.push_back(std::move(**act));
      actArrivals.insert(arrivalKey);
    }
  }
  {
    auto settled = txn->entries(t_->byid);
    auto recent = txn->entries(t_->byidnew);
    auto log = txn->entries(t_->log);
    auto forklog = txn->entries(t_->forklog);
    auto actsHeld = txn->entries(t_->acts);
    if (!settled || !recent || !log || !forklog || !actsHeld)
      return Status::ioError("cannot read the store's indexes");
    if (*settled + *recent != report.changesChecked)
      problem("the id index has " + std::to_string(*settled + *recent) + " entries for " +
              std::to_string(report.changesChecked) + " stored changes");
    logEntries = *log + *forklog;
    if (logEntries != report.changesChecked)
      problem("the author logs have " + std::to_string(logEntries) + " entries for " +
              std::to_string(report.changesChecked) + " stored changes");
    if (*actsHeld != actArrivals.size())
      problem("the acts table lists " + std::to_string(*actsHeld) + " changes, not " +
              std::to_string(actArrivals.size()));
  }
  // 2. Each author's numbers run 1..top with no gap; the version vector names
  // the top and the first change held with it.
  std::map<PublicKey, VersionEntry> tops;
  for (const auto& [author, seqs] : byAuthor) {
    uint64_t expect = 1;
    for (const auto& [seq, ids] : seqs) {
      if (seq != expect) {
        problem("node " + toHex(author).substr(0, 8) + " has no change numbered " +
                std::to_string(expect) + " (a gap in its log)");
        break;
      }
      ++expect;
    }
    const auto& [topSeq, topIds] = *seqs.rbegin();
    auto lg = txn->get(t_->log, bytesOf(keys::authorSeq(author, topSeq)));
    ChangeId first = topIds.front();
    for (const auto& id : topIds)
      if (lg && lg->has_value() && viewOf(**lg) == seen[id].arrivalKey) first = id;
    tops[author] = {author, topSeq, first};
  }
  {
    auto c = Cursor::open(*txn, t_->vv);
    if (!c) return c.status();
    size_t n = 0;
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      ++n;
      PublicKey a;
      if (c->key().size() != 32 || c->value().size() != 40) { problem("the version vector is damaged"); continue; }
      std::memcpy(a.data(), c->key().data(), 32);
      auto it = tops.find(a);
      if (it == tops.end() || keys::getBe64(c->value().data()) != it->second.seq ||
          std::memcmp(c->value().data() + 8, it->second.id.data(), 32) != 0)
        problem("the version vector disagrees with node " + toHex(a).substr(0, 8) + "'s log");
    }
    if (n != tops.size()) problem("the version vector lists a different set of nodes");
  }
  // 3. Trust, derived again from the changes alone.
  TrustInputs in;
  in.root = net->root;
  in.acts = acts;
  for (const auto& [author, seqs] : byAuthor) {
    AuthorShape& shape = in.authors[author];
    shape.topSeq = seqs.rbegin()->first;
    for (const auto& [seq, ids] : seqs)
      if (ids.size() > 1) {
        if (!shape.branchSeq) shape.branchSeq = seq;
        shape.maxBranchSeq = seq;
      }
    if (!shape.branchSeq) continue;
    for (uint64_t seq = *shape.branchSeq - 1; seq <= shape.maxBranchSeq + 1; ++seq) {
      auto it = seqs.find(seq);
      if (it == seqs.end()) continue;
      for (const auto& id : it->second) shape.region.push_back({seq, id, seen[id].prev});
    }
  }
  in.locate = [&](const ChangeId& id) -> std::optional<std::pair<PublicKey, uint64_t>> {
    auto it = seen.find(id);
    if (it == seen.end()) return std::nullopt;
    return std::make_pair(it->second.author, it->second.seq);
  };
  TrustDerivation derived = deriveTrust(in);
  {
    std::set<PublicKey> listed;
    auto c = Cursor::open(*txn, t_->members);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      PublicKey k;
      if (c->key().size() != 32) { problem("the members table is damaged"); continue; }
      std::memcpy(k.data(), c->key().data(), 32);
      listed.insert(k);
      auto it = derived.members.find(k);
      if (it == derived.members.end())
        problem("node " + toHex(k).substr(0, 8) + " is listed as a member, but no change makes it one");
      else if (viewOf(c->value()) != it->second.encode())
        problem("node " + toHex(k).substr(0, 8) + "'s membership differs from what the changes give");
    }
    for (const auto& [k, m] : derived.members)
      if (!listed.count(k))
        problem("node " + toHex(k).substr(0, 8) + " is missing from the members table");
  }
  for (const auto& act : acts) {
    const Seen& s = seen[act.carrierId];
    std::string verdict = derived.verdicts.count(act.carrierId) ? derived.verdicts[act.carrierId] : "";
    bool applied = s.flags & keys::kFlagApplied;
    if (applied != verdict.empty())
      problem("change " + shortId(act.carrierId) + " is marked " + (applied ? "applied" : "not applied") +
              ", but the changes give " + (verdict.empty() ? "applied" : "not applied: " + verdict));
    auto v = txn->get(t_->acts, bytesOf(s.arrivalKey));
    if (!v || !v->has_value() || viewOf(**v) != verdict)
      problem("change " + shortId(act.carrierId) + "'s verdict in the acts table is out of date");
  }
  // 4. Every record change's flag (trust, then the field-group rule), and
  // every record, derived again and compared.
  auto memberOf = [&](const PublicKey& k) -> const Membership* {
    auto it = derived.members.find(k);
    return it == derived.members.end() ? nullptr : &it->second;
  };
  domain::MemberLookup lookup = memberOf;
  MDB_stat st;
  mdb_stat(txn->get(), t_->records, &st);
  if (st.ms_entries != byRecord.size()) problem("the number of records does not match the changes");
  uint64_t conflicted = 0, notApplied = 0;
  for (const auto& [rid, ids] : byRecord) {
    ++report.recordsChecked;
    auto create = recordChanges.find(rid);
    std::string scope = create == recordChanges.end() ? "" : create->second.scope;
    std::map<ChangeId, bool> flag;
    for (const auto& id : ids) {
      const Change& ch = recordChanges.at(id);
      const Membership* m = memberOf(ch.author);
      flag[id] = m && checkApplies(*m, ch, id, &scope).isOk();
    }
    auto fold = [&]() {
      std::vector<FoldInput> inputs;
      for (const auto& id : ids) inputs.push_back({id, &recordChanges.at(id), flag[id]});
      return foldRecord(std::move(inputs));
    };
    auto r = fold();
    if (!r) { problem("record " + toHex(rid).substr(0, 8) + ": " + r.status().message()); continue; }
    if (r->kind == RecordKind::kSuggestion) {
      std::vector<domain::FieldEdit> judged;
      for (const auto& id : ids) {
        const Change& ch = recordChanges.at(id);
        if (id == rid || !ch.action.empty() || !flag[id]) continue;
        domain::FieldEdit e{id, {}};
        for (const auto& f : ch.fields) e.fields.push_back(f.name);
        judged.push_back(std::move(e));
      }
      auto refused = domain::judgeFieldEdits(*r, judged, lookup);
      if (!refused.empty()) {
        for (const auto& [id, why] : refused) flag[id] = false;
        r = fold();
        if (!r) { problem("record " + toHex(rid).substr(0, 8) + ": " + r.status().message()); continue; }
      }
    }
    conflicted += r->hasConflicts() ? 1 : 0;
    for (const auto& v : r->versions) notApplied += v.applied ? 0 : 1;
    for (const auto& id : ids)
      if (((seen[id].flags & keys::kFlagApplied) != 0) != flag[id])
        problem("change " + shortId(id) + " of record " + toHex(rid).substr(0, 8) + " is marked " +
                (flag[id] ? "not applied" : "applied") + ", but the changes give the opposite");
    auto row = keys::recordRow(*txn, *t_, rid);
    std::optional<Result<std::optional<Bytes>>> stored;
    if (row && row->has_value())
      stored.emplace(txn->get(t_->records, bytesOf(keys::rowKey(**row))));
    if (!stored || !*stored || !(*stored)->has_value() || viewOf(***stored) != encodeRecord(*r))
      problem("record " + toHex(rid).substr(0, 8) + " differs from what its changes give");
  }
  // The tally `renda status` shows (kept at ingest) counts the same.
  auto tally = txn->get(t_->meta, bytesOf(keys::kTally));
  if (!tally) return tally.status();
  if (tally->has_value() &&
      ((*tally)->size() != 16 || keys::getBe64((*tally)->data()) != conflicted ||
       keys::getBe64((*tally)->data() + 8) != notApplied))
    problem("the counts of conflicts and not-applied changes that status shows are out of date");
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
      lc.refusal = m ? checkApplies(*m, d->change, d->id, &record->scope).message()
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
