// SPDX-License-Identifier: Apache-2.0
// Ingest and local authoring: verify outside the write transaction, then store
// changes, logs, version vector, records and indexes in one transaction.
#include "storage/ingest.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "core/domain/field_groups.h"
#include "core/limits.h"

namespace renda::storage {

namespace {

std::string who(const PublicKey& k) { return toHex(k).substr(0, 8); }

std::string describe(size_t index, const Change& c) {
  return "change " + std::to_string(index + 1) + " (node " + who(c.author) + ", number " +
         std::to_string(c.seq) + ")";
}

}  // namespace

Admission Admission::inStore(const Txn& txn, const Store::Tables& t) {
  Admission a;
  a.lookup = [&txn, &t](const PublicKey& k) -> Result<bool> {
    auto v = txn.get(t.members, bytesOf(keys::fixed(k)));
    if (!v) return v.status();
    return v->has_value();
  };
  return a;
}

Result<bool> Admission::isMember(const PublicKey& k) {
  if (known.count(k)) return true;
  if (unknown.count(k) || !lookup) return false;
  auto v = lookup(k);
  if (!v) return v.status();
  (*v ? known : unknown).insert(k);
  return *v;
}

Result<std::vector<Prepared>> prepareBatch(const std::vector<std::string>& envelopes,
                                           const NetworkInfo& net, Admission& admission,
                                           bool everySignature, size_t firstIndex) {
  std::vector<Prepared> out;
  out.reserve(envelopes.size());
  auto isMember = [&](const PublicKey& k) { return admission.isMember(k); };
  auto& known = admission.known;
  auto& unknown = admission.unknown;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    Prepared p;
    p.raw = envelopes[i];
    // 1. Sizes and the envelope's own shape.
    auto env = decodeEnvelope(crypto::asBytes(envelopes[i]));
    if (!env) return Status::invalid("change " + std::to_string(firstIndex + i + 1) + ": " + env.status().message());
    p.envelope = std::move(*env);
    // 2. Author known: enrolled in the store or introduced earlier in this batch.
    const PublicKey& a = p.envelope.signer;
    auto m = isMember(a);
    if (!m) return m.status();
    bool member = *m;
    // 3. An unknown signer may only introduce itself with a certificate signed by
    // the county root (or a member, for a successor key): its signature is
    // checked before its body is parsed.
    if (!member) {
      if (!verifyEnvelope(net.network, p.envelope))
        return Status::invalid("change " + std::to_string(firstIndex + i + 1) +
                               " has a signature that does not verify: the data was altered or forged");
      p.signatureChecked = true;
    }
    // 4. Parse with tight limits; canonical form; ranges.
    auto change = decodeChange(crypto::asBytes(p.envelope.body));
    if (!change) return Status::invalid("change " + std::to_string(firstIndex + i + 1) + ": " + change.status().message());
    p.change = std::move(*change);
    if (p.change.network != net.network)
      return Status::refused(describe(firstIndex + i, p.change) + " belongs to another county's network");
    if (p.change.author != a)
      return Status::invalid(describe(firstIndex + i, p.change) + " is signed by a key other than its author");
    p.id = crypto::changeId(crypto::asBytes(p.envelope.body));
    if (!member) {
      bool selfIntro = false;
      if (p.change.op == OpKind::kCertificate) {
        auto cert = openCertificate(net.network, crypto::asBytes(p.change.certificate->body),
                                    p.change.certificate->sig);
        if (cert && cert->subject == a) {
          auto issuer = isMember(cert->issuer);
          if (!issuer) return issuer.status();
          selfIntro = cert->issuer == net.root || *issuer;
        }
      }
      if (!selfIntro)
        return Status::refused(describe(firstIndex + i, p.change) +
                               " is by a node the county has not enrolled; import the county's "
                               "certificates first");
      known.insert(a);
      unknown.erase(a);
    }
    if (p.change.op == OpKind::kCertificate) {
      auto cert = openCertificate(net.network, crypto::asBytes(p.change.certificate->body),
                                  p.change.certificate->sig);
      if (!cert) return Status::invalid(describe(firstIndex + i, p.change) + ": " + cert.status().message());
      auto issuer = isMember(cert->issuer);
      if (!issuer) return issuer.status();
      if (cert->issuer == net.root || *issuer) {
        known.insert(cert->subject);
        unknown.erase(cert->subject);
      }
    }
    out.push_back(std::move(p));
  }
  // Signatures: the last change of each contiguous run of one author.
  std::map<std::pair<PublicKey, uint64_t>, size_t> at;
  for (size_t i = 0; i < out.size(); ++i) at[{out[i].change.author, out[i].change.seq}] = i;
  for (size_t i = 0; i < out.size(); ++i) {
    bool chained = false;
    if (!everySignature) {
      auto next = at.find({out[i].change.author, out[i].change.seq + 1});
      // The successor must name both this change's id and its signature's hash;
      // otherwise this change's signature bytes would go unchecked.
      const Change* succ = next != at.end() && next->second > i ? &out[next->second].change : nullptr;
      chained = succ && succ->prev && *succ->prev == out[i].id && succ->prevSig &&
                *succ->prevSig == crypto::hash(crypto::Bytes(out[i].envelope.sig.data(),
                                                             out[i].envelope.sig.size()));
    }
    if (chained || out[i].signatureChecked) continue;
    if (!verifyEnvelope(net.network, out[i].envelope))
      return Status::invalid(describe(firstIndex + i, out[i].change) +
                             " has a signature that does not verify: the data was altered or forged");
    out[i].signatureChecked = true;
  }
  return out;
}

Result<std::optional<VersionEntry>> Applier::vvEntry(const PublicKey& author) {
  auto it = vv_.find(author);
  if (it != vv_.end()) return it->second;
  auto v = txn_.get(t_.vv, bytesOf(keys::fixed(author)));
  if (!v) return v.status();
  std::optional<VersionEntry> e;
  if (v->has_value()) {
    if ((*v)->size() != 40) return Status::corruption("the version vector is damaged");
    e = VersionEntry{author, keys::getBe64((*v)->data()), {}};
    std::memcpy(e->id.data(), (*v)->data() + 8, 32);
  }
  vv_[author] = e;
  return e;
}

Result<std::optional<Membership>> Applier::member(const PublicKey& key) {
  auto it = members_.find(key);
  if (it != members_.end()) return it->second;
  auto v = txn_.get(t_.members, bytesOf(keys::fixed(key)));
  if (!v) return v.status();
  std::optional<Membership> m;
  if (v->has_value()) {
    auto d = Membership::decode(**v);
    if (!d) return d.status();
    m = std::move(*d);
  }
  members_[key] = m;
  return m;
}

Status Applier::putMember(const Membership& m) {
  members_[m.subject] = m;
  return txn_.put(t_.members, bytesOf(keys::fixed(m.subject)), bytesOf(m.encode()));
}

Result<std::optional<uint64_t>> Applier::rowOf(const RecordId& id) {
  return keys::recordRow(txn_, t_, id);
}

Result<std::optional<Record>> Applier::loadRecord(const RecordId& id) {
  auto row = rowOf(id);
  if (!row) return row.status();
  if (!*row) return std::optional<Record>();
  auto v = txn_.get(t_.records, bytesOf(keys::rowKey(**row)));
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<Record>();  // an id of a change, not a record
  auto r = decodeRecord(**v);
  if (!r) return r.status();
  if (r->id != id) return Status::corruption("a record is stored under another record's row");
  return std::optional<Record>(std::move(*r));
}

Status Applier::putRecord(const Record& r, uint64_t row, unsigned flags) {
  return txn_.put(t_.records, bytesOf(keys::rowKey(row)), bytesOf(encodeRecord(r)), flags);
}

Result<Hash> Applier::signatureHash(const ChangeId& id) {
  auto arrival = keys::arrivalOf(txn_, t_, id);
  if (!arrival) return arrival.status();
  if (!arrival->has_value()) return Status::corruption("the previous change is missing");
  auto stored = txn_.get(t_.changes, **arrival);
  if (!stored) return stored.status();
  if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
    return Status::corruption("the previous change is missing");
  auto env = decodeEnvelope((*stored)->subspan(keys::kChangeHeader));
  if (!env) return Status::corruption("the previous change is damaged");
  return crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()));
}

Result<uint64_t> Applier::nextArrival() {
  if (!arrival_) {
    auto c = Cursor::open(txn_, t_.changes);
    if (!c) return c.status();
    auto last = c->last();
    if (!last) return last.status();
    arrival_ = *last && c->key().size() == 8 ? keys::getBe64(c->key().data()) + 1 : 1;
  }
  return (*arrival_)++;
}

Status Applier::loadClock() {
  if (clockLoaded_) return Status::ok();
  auto v = txn_.get(t_.meta, bytesOf("hlc"));
  if (!v) return v.status();
  if (v->has_value() && (*v)->size() == 8) hlc_ = Hlc(keys::getBe64((*v)->data()));
  clockLoaded_ = true;
  return Status::ok();
}

Status Applier::apply(const Prepared& p, IngestReport& report) {
  const Change& c = p.change;
  lastApplied_ = false;
  lastRefusal_.clear();
  ++report.received;
  auto vv = vvEntry(c.author);
  if (!vv) return vv.status();
  uint64_t haveSeq = *vv ? (*vv)->seq : 0;
  // Every held change of an author is numbered at most the version vector's
  // entry (an id names its author and number), so only those can be held:
  // a new change costs no look-up in the id index.
  if (c.seq <= haveSeq) {
    auto held = keys::arrivalOf(txn_, t_, p.id);
    if (!held) return held.status();
    if (held->has_value()) {
      ++report.duplicates;
      return Status::ok();
    }
  }
  if (c.seq <= haveSeq) {
    // Same author and number, different bytes: a fork. Keep both, freeze the author.
    std::string key = keys::authorSeq(c.author, c.seq) + keys::fixed(p.id);
    RENDA_TRY(txn_.put(t_.forks, bytesOf(key), bytesOf(p.raw)));
    auto m = member(c.author);
    if (!m) return m.status();
    if (*m && (!(*m)->frozenFromSeq || *(*m)->frozenFromSeq > c.seq)) {
      Membership frozen = **m;
      frozen.frozenFromSeq = c.seq;
      RENDA_TRY(putMember(frozen));
      RENDA_TRY(reevaluate(c.author));
    }
    ++report.forks;
    report.notes.push_back("node " + who(c.author) + " signed two different changes numbered " +
                           std::to_string(c.seq) +
                           " (a fork): both are kept as evidence and the node is frozen from there");
    return Status::ok();
  }
  if (c.seq != haveSeq + 1)
    return Status::refused("change number " + std::to_string(c.seq) + " of node " + who(c.author) +
                           " arrived before its number " + std::to_string(haveSeq + 1) +
                           "; import the earlier changes first");
  if (c.seq > 1 && (!*vv || !c.prev || *c.prev != (*vv)->id))
    return Status::invalid("change number " + std::to_string(c.seq) + " of node " + who(c.author) +
                           " does not follow that node's previous change: the data was altered");
  for (const auto& d : c.deps) {
    auto dep = keys::arrivalOf(txn_, t_, d);
    if (!dep) return dep.status();
    if (!dep->has_value())
      return Status::refused("change number " + std::to_string(c.seq) + " of node " +
                             who(c.author) + " depends on changes this node does not have yet");
  }
  auto mres = member(c.author);
  if (!mres) return mres.status();
  std::optional<Membership> m = std::move(*mres);
  Status effect = Status::ok();
  std::optional<Record> rec;
  switch (c.op) {
    case OpKind::kCertificate: {
      auto cert = openCertificate(net_.network, crypto::asBytes(c.certificate->body),
                                  c.certificate->sig);
      if (!cert) return Status::invalid(cert.status().message());
      std::optional<Membership> issuer;
      if (cert->issuer != net_.root) {
        auto im = member(cert->issuer);
        if (!im) return im.status();
        issuer = std::move(*im);
      }
      auto subject = member(cert->subject);
      if (!subject) return subject.status();
      std::optional<Membership> updated = *subject;
      effect = addCertificate(updated, *cert, net_.root, issuer ? &*issuer : nullptr);
      if (effect) {
        bool changed = !*subject || updated->windowsMs != (*subject)->windowsMs;
        RENDA_TRY(putMember(*updated));
        if (changed && *subject) RENDA_TRY(reevaluate(cert->subject));
        if (cert->subject == c.author) m = updated;
      }
      break;
    }
    case OpKind::kRevocation: {
      auto rev = openRevocation(net_.network, crypto::asBytes(c.revocation->body),
                                c.revocation->sig, net_.root);
      if (!rev) return Status::invalid(rev.status().message());
      auto subject = member(rev->subject);
      if (!subject) return subject.status();
      Membership updated;
      if (*subject) updated = **subject;
      else updated.subject = rev->subject;
      if (!updated.revokedAfterSeq || *updated.revokedAfterSeq > rev->cutoffSeq) {
        updated.revokedAfterSeq = rev->cutoffSeq;
        updated.revocationReason = rev->reason;
        RENDA_TRY(putMember(updated));
        RENDA_TRY(reevaluate(rev->subject));
      }
      break;
    }
    case OpKind::kCreate:
    case OpKind::kEncryptionKey:
      break;
    case OpKind::kUpdate: {
      auto r = loadRecord(c.record);
      if (!r) return r.status();
      if (!*r)
        return Status::refused("change number " + std::to_string(c.seq) + " of node " +
                               who(c.author) + " edits a record this node does not have yet");
      rec = std::move(*r);
      for (const auto& parent : c.parents)
        if (!rec->version(parent))
          return Status::refused("change number " + std::to_string(c.seq) + " of node " +
                                 who(c.author) + " follows a record version this node lacks");
      break;
    }
  }
  if (!m)
    return Status::refused("change number " + std::to_string(c.seq) + " is by node " +
                           who(c.author) + ", which the county has not enrolled");
  if (effect) effect = checkApplies(*m, c, rec ? &rec->scope : nullptr);
  if (effect && c.op == OpKind::kUpdate && c.action.empty() &&
      rec->kind == RecordKind::kSuggestion) {
    auto why = judgeFieldEdit(*rec, c, p.id);
    if (!why) return why.status();
    if (*why) effect = Status::refused(**why);
  }
  bool applied = effect.isOk();
  auto arrival = nextArrival();
  if (!arrival) return arrival.status();
  std::string arrivalKey = keys::be64(*arrival);
  // Arrival numbers only grow, so a new record's row, its first recchanges
  // entry and the change itself all go at the end of their tables (MDB_APPEND:
  // full pages, no search). Edits mostly touch recent rows.
  if (c.op == OpKind::kCreate) {
    rec = createRecord(c, p.id, applied);
    std::string bk(1, static_cast<char>(c.kind));
    bk += arrivalKey;
    RENDA_TRY(txn_.put(t_.bykind, bytesOf(bk), {}));
    RENDA_TRY(putRecord(*rec, *arrival, MDB_APPEND));
    RENDA_TRY(txn_.put(t_.recchanges, bytesOf(arrivalKey + arrivalKey), {}, MDB_APPEND));
  } else if (c.op == OpKind::kUpdate) {
    RENDA_TRY(applyUpdate(*rec, c, p.id, applied));
    auto row = rowOf(rec->id);
    if (!row) return row.status();
    if (!*row) return Status::corruption("an edited record has no row");
    RENDA_TRY(putRecord(*rec, **row));
    RENDA_TRY(txn_.put(t_.recchanges, bytesOf(keys::rowKey(**row) + arrivalKey), {}));
  } else if (c.op == OpKind::kEncryptionKey && applied) {
    // The author's current encryption key is its latest applied announcement.
    Membership updated = *m;
    if (c.seq > updated.encryptionKeySeq) {
      updated.encryptionKey = c.encryptionKey;
      updated.encryptionKeySeq = c.seq;
      RENDA_TRY(putMember(updated));
    }
  }
  // changes: header | envelope
  size_t size = keys::kChangeHeader + p.raw.size();
  auto dst = txn_.reserve(t_.changes, bytesOf(arrivalKey), size, MDB_APPEND);
  if (!dst) return dst.status();
  unsigned char* d = *dst;
  d[0] = keys::kChangeFormat;
  d[1] = (p.signatureChecked ? keys::kFlagSigChecked : 0) | (applied ? keys::kFlagApplied : 0);
  std::memcpy(d + 2, c.author.data(), 32);
  std::string seqBe = keys::be64(c.seq);
  std::memcpy(d + 34, seqBe.data(), 8);
  std::memcpy(d + keys::kChangeHeader, p.raw.data(), p.raw.size());
  RENDA_TRY(txn_.put(t_.byidnew, bytesOf(keys::fixed(p.id)), bytesOf(arrivalKey)));
  lastNew_ = p.id;
  RENDA_TRY(txn_.put(t_.log, bytesOf(keys::authorSeq(c.author, c.seq)), bytesOf(arrivalKey)));
  vv_[c.author] = VersionEntry{c.author, c.seq, p.id};
  RENDA_TRY(loadClock());
  if (Hlc::isFuture(c.hlc, nowMs_, limits::kMaxClockAheadMs))
    report.notes.push_back("change number " + std::to_string(c.seq) + " of node " + who(c.author) +
                           " is stamped more than a day ahead of this computer's clock");
  hlc_.observe(c.hlc, nowMs_, limits::kMaxClockAheadMs);
  // An event can change which plain edits of a suggestion come after its
  // registration (a registration arriving after a concurrent edit of the text).
  if (c.op == OpKind::kUpdate && !c.action.empty() && rec->kind == RecordKind::kSuggestion)
    RENDA_TRY(rejudgeFieldEdits(*rec));
  lastApplied_ = applied;
  if (applied) {
    ++report.added;
  } else {
    ++report.added;
    ++report.notApplied;
    lastRefusal_ = effect.message();
    report.notes.push_back("kept but not applied: " + effect.message());
  }
  return Status::ok();
}

Status Applier::finish() {
  for (const auto& [author, e] : vv_) {
    if (!e) continue;
    std::string v = keys::be64(e->seq) + keys::fixed(e->id);
    RENDA_TRY(txn_.put(t_.vv, bytesOf(keys::fixed(author)), bytesOf(v)));
  }
  if (clockLoaded_)
    RENDA_TRY(txn_.put(t_.meta, bytesOf("hlc"), bytesOf(keys::be64(hlc_.highWater()))));
  return settleIdIndex();
}

Status Applier::settleIdIndex() {
  auto recent = txn_.entries(t_.byidnew);
  if (!recent) return recent.status();
  auto settled = txn_.entries(t_.byid);
  if (!settled) return settled.status();
  if (*recent < t_.idIndexMinMerge || *recent < *settled / 4) return Status::ok();
  // Move one slice of consecutive ids, starting at the last id this
  // transaction added (ids are hashes, so that is as good a place as any and
  // needs no state), wrapping around at the end.
  struct Entry {
    std::array<unsigned char, 32> id;
    std::array<unsigned char, 8> arrival;
  };
  std::vector<Entry> slice;
  slice.reserve(std::min<uint64_t>(*recent, t_.idIndexSlice));
  {
    auto c = Cursor::open(txn_, t_.byidnew);
    if (!c) return c.status();
    auto ok = lastNew_ ? c->seek(bytesOf(keys::fixed(*lastNew_))) : c->first();
    bool wrapped = false;
    while (slice.size() < t_.idIndexSlice && slice.size() < *recent) {
      if (!ok) return ok.status();
      if (!*ok) {  // past the end: wrap around, once
        if (wrapped) return Status::corruption("the id index is damaged");
        wrapped = true;
        ok = c->first();
        continue;
      }
      if (c->key().size() != 32 || c->value().size() != 8)
        return Status::corruption("the id index is damaged");
      Entry e;
      std::memcpy(e.id.data(), c->key().data(), 32);
      std::memcpy(e.arrival.data(), c->value().data(), 8);
      slice.push_back(e);
      ok = c->next();
    }
  }
  for (const auto& e : slice) RENDA_TRY(txn_.put(t_.byid, e.id, e.arrival));
  for (const auto& e : slice) RENDA_TRY(txn_.del(t_.byidnew, e.id));
  return Status::ok();
}

Result<std::vector<ChangeId>> Applier::takeDeps(const PublicKey& self) {
  // deps = other authors' latest changes that are new since our previous change.
  auto seen = txn_.get(t_.meta, bytesOf("depsvv"));
  if (!seen) return seen.status();
  std::map<PublicKey, uint64_t> before;
  if (seen->has_value()) {
    Bytes b = **seen;
    for (size_t off = 0; off + 40 <= b.size(); off += 40) {
      PublicKey a;
      std::memcpy(a.data(), b.data() + off, 32);
      before[a] = keys::getBe64(b.data() + off + 32);
    }
  }
  std::vector<ChangeId> deps;
  std::string now;
  auto c = Cursor::open(txn_, t_.vv);
  if (!c) return c.status();
  for (auto ok = c->first(); ; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    PublicKey a;
    std::memcpy(a.data(), c->key().data(), 32);
    if (a == self) continue;
    auto e = vvEntry(a);  // the cache may be newer than the table
    if (!e) return e.status();
    if ((*e)->seq > before[a]) deps.push_back((*e)->id);
    now += keys::fixed(a) + keys::be64((*e)->seq);
  }
  if (deps.size() > limits::kMaxDepsPerChange) deps.resize(limits::kMaxDepsPerChange);
  RENDA_TRY(txn_.put(t_.meta, bytesOf("depsvv"), bytesOf(now)));
  return deps;
}

// Re-decides which of an author's changes apply (after a revocation, fork or
// new certificate) and re-folds every record whose applied set changed.
Status Applier::reevaluate(const PublicKey& author) {
  auto m = member(author);
  if (!m) return m.status();
  std::set<RecordId> touched;
  std::string prefix = keys::fixed(author);
  std::vector<std::pair<std::string, std::string>> rewrites;
  // The latest encryption-key announcement that still applies.
  std::optional<BoxPublicKey> encKey;
  uint64_t encKeySeq = 0;
  {
    auto c = Cursor::open(txn_, t_.log);
    if (!c) return c.status();
    for (auto ok = c->seek(bytesOf(prefix)); ; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok || c->key().size() != 40 || std::memcmp(c->key().data(), prefix.data(), 32) != 0)
        break;
      if (c->value().size() != 8) return Status::corruption("an author log entry is damaged");
      std::string arrivalKey(viewOf(c->value()));
      auto stored = txn_.get(t_.changes, c->value());
      if (!stored) return stored.status();
      if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
        return Status::corruption("a stored change is missing");
      Bytes v = **stored;
      auto env = decodeEnvelope(v.subspan(keys::kChangeHeader));
      if (!env) return Status::corruption("a stored change is damaged");
      auto change = decodeChange(crypto::asBytes(env->body));
      if (!change) return Status::corruption("a stored change is damaged");
      if (change->op == OpKind::kEncryptionKey) {
        bool applied = *m && checkApplies(**m, *change, nullptr).isOk();
        if (applied) {
          encKey = change->encryptionKey;
          encKeySeq = change->seq;
        }
        if (applied != ((v[1] & keys::kFlagApplied) != 0)) {
          std::string nv(viewOf(v));
          nv[1] = static_cast<char>(applied ? (v[1] | keys::kFlagApplied)
                                            : (v[1] & ~keys::kFlagApplied));
          rewrites.emplace_back(arrivalKey, std::move(nv));
        }
        continue;
      }
      if (change->op != OpKind::kCreate && change->op != OpKind::kUpdate) continue;
      std::string scope;
      RecordId target = change->op == OpKind::kCreate ? crypto::changeId(crypto::asBytes(env->body))
                                                      : change->record;
      auto r = loadRecord(target);
      if (!r) return r.status();
      if (*r) scope = (*r)->scope;
      bool applied = *m && checkApplies(**m, *change, &scope).isOk();
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
  if (*m && ((*m)->encryptionKey != encKey || (*m)->encryptionKeySeq != encKeySeq)) {
    Membership updated = **m;
    updated.encryptionKey = encKey;
    updated.encryptionKeySeq = encKeySeq;
    RENDA_TRY(putMember(updated));
  }
  return Status::ok();
}

Status Applier::refold(const RecordId& id) {
  std::vector<Change> changes;
  std::vector<ChangeId> ids;
  std::vector<bool> applied;
  auto row = rowOf(id);
  if (!row) return row.status();
  if (!*row) return Status::corruption("a record to re-derive has no row");
  std::string prefix = keys::rowKey(**row);
  {
    auto c = Cursor::open(txn_, t_.recchanges);
    if (!c) return c.status();
    for (auto ok = c->seek(bytesOf(prefix)); ; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok || c->key().size() != 16 || std::memcmp(c->key().data(), prefix.data(), 8) != 0)
        break;
      auto stored = txn_.get(t_.changes, c->key().subspan(8));
      if (!stored) return stored.status();
      if (!stored->has_value()) return Status::corruption("a record names a missing change");
      Bytes v = **stored;
      auto env = decodeEnvelope(v.subspan(keys::kChangeHeader));
      if (!env) return Status::corruption("a stored change is damaged");
      auto change = decodeChange(crypto::asBytes(env->body));
      if (!change) return Status::corruption("a stored change is damaged");
      ids.push_back(crypto::changeId(crypto::asBytes(env->body)));
      changes.push_back(std::move(*change));
      applied.push_back((v[1] & keys::kFlagApplied) != 0);
    }
  }
  std::vector<FoldInput> inputs;
  for (size_t i = 0; i < changes.size(); ++i) inputs.push_back({ids[i], &changes[i], applied[i]});
  auto r = foldRecord(std::move(inputs));
  if (!r) return Status::corruption("a record cannot be re-derived: " + r.status().message());
  return putRecord(*r, **row);
}

Result<std::map<PublicKey, Membership>> Applier::membersOf(const Record& r,
                                                           const PublicKey* extra) {
  std::map<PublicKey, Membership> out;
  auto add = [&](const PublicKey& k) -> Status {
    if (out.count(k)) return Status::ok();
    auto m = member(k);
    if (!m) return m.status();
    if (*m) out.emplace(k, **m);
    return Status::ok();
  };
  for (const auto& v : r.versions) RENDA_TRY(add(v.author));
  if (extra) RENDA_TRY(add(*extra));
  return out;
}

namespace {

domain::MemberLookup lookupIn(const std::map<PublicKey, Membership>& ms) {
  return [&ms](const PublicKey& k) -> const Membership* {
    auto it = ms.find(k);
    return it == ms.end() ? nullptr : &it->second;
  };
}

std::vector<std::string> namesOf(const Change& c) {
  std::vector<std::string> names;
  for (const auto& f : c.fields) names.push_back(f.name);
  return names;
}

}  // namespace

Result<std::optional<std::string>> Applier::judgeFieldEdit(const Record& rec, const Change& c,
                                                           const ChangeId& id) {
  Record probe = rec;
  RENDA_TRY(applyUpdate(probe, c, id, false));
  auto ms = membersOf(probe, &c.author);
  if (!ms) return ms.status();
  auto refused = domain::judgeFieldEdits(probe, {{id, namesOf(c)}}, lookupIn(*ms));
  auto it = refused.find(id);
  if (it == refused.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status Applier::rejudgeFieldEdits(const Record& rec) {
  if (rec.kind != RecordKind::kSuggestion) return Status::ok();
  bool anyPlain = false;
  for (const auto& v : rec.versions) anyPlain = anyPlain || (v.action.empty() && v.id != rec.id);
  if (!anyPlain) return Status::ok();
  struct Edit {
    ChangeId id;
    std::string arrivalKey, stored;
    bool trusted = false;
  };
  std::vector<Edit> plain;
  std::vector<domain::FieldEdit> judged;
  auto ms = membersOf(rec, nullptr);
  if (!ms) return ms.status();
  for (const auto& v : rec.versions) {
    if (!v.action.empty() || v.id == rec.id) continue;
    auto arrival = keys::arrivalOf(txn_, t_, v.id);
    if (!arrival) return arrival.status();
    if (!arrival->has_value()) return Status::corruption("a record names a missing change");
    Edit e{v.id, std::string(viewOf(**arrival)), {}, false};
    auto stored = txn_.get(t_.changes, **arrival);
    if (!stored) return stored.status();
    if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
      return Status::corruption("a stored change is missing");
    e.stored = std::string(viewOf(**stored));
    auto env = decodeEnvelope(crypto::asBytes(e.stored).subspan(keys::kChangeHeader));
    if (!env) return Status::corruption("a stored change is damaged");
    auto change = decodeChange(crypto::asBytes(env->body));
    if (!change) return Status::corruption("a stored change is damaged");
    auto m = ms->find(change->author);
    e.trusted = m != ms->end() && checkApplies(m->second, *change, &rec.scope).isOk();
    if (e.trusted) judged.push_back({v.id, namesOf(*change)});
    plain.push_back(std::move(e));
  }
  if (plain.empty()) return Status::ok();
  auto refused = domain::judgeFieldEdits(rec, judged, lookupIn(*ms));
  bool changed = false;
  for (auto& e : plain) {
    bool applied = e.trusted && !refused.count(e.id);
    bool was = (e.stored[1] & keys::kFlagApplied) != 0;
    if (applied == was) continue;
    e.stored[1] = static_cast<char>(applied ? (e.stored[1] | keys::kFlagApplied)
                                            : (e.stored[1] & ~keys::kFlagApplied));
    RENDA_TRY(txn_.put(t_.changes, bytesOf(e.arrivalKey), bytesOf(e.stored)));
    changed = true;
  }
  return changed ? refold(rec.id) : Status::ok();
}

// --- Store entry points -----------------------------------------------------

Result<IngestReport> Store::ingest(const std::vector<std::string>& envelopes) {
  return ingestAt(envelopes, 0);
}

Result<IngestReport> Store::ingestAt(const std::vector<std::string>& envelopes, uint64_t nowMs) {
  auto net = network();
  if (!net) return net.status();
  if (nowMs == 0) nowMs = UINT64_MAX / 2 >> 16;  // no clock given: flag nothing
  std::vector<Prepared> prepared;
  {
    auto txn = ReadTxn::begin(env_);
    if (!txn) return txn.status();
    Admission admission = Admission::inStore(*txn, *t_);
    auto p = prepareBatch(envelopes, *net, admission, options_.verifyEverySignature);
    if (!p) return p.status();
    prepared = std::move(*p);
  }
  IngestReport report;
  Status s = withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    report = IngestReport{};
    Applier applier(txn, *t_, *net, nowMs);
    for (size_t i = 0; i < prepared.size(); ++i) {
      RENDA_TRY(applier.apply(prepared[i], report));
      // Reads scattered over the id index map pages (and the kernel maps
      // whole folios around them); let go of them as the batch goes.
      if (bulk_ && i % 256 == 255) env_.releaseMappedPages();
    }
    return applier.finish();
  });
  if (bulk_) env_.releaseMappedPages();
  if (!s) return s;
  return report;
}

Status Store::beginBulk() {
  RENDA_TRY(env_.setBulk(true));
  bulk_ = true;
  return Status::ok();
}

Status Store::endBulk() {
  bulk_ = false;
  return env_.setBulk(false);
}

namespace {

// Signs `edit` as the next change of `key` and applies it inside the applier's
// write transaction: the per-change half of Store::author and Store::authorBatch.
// Refused (and the caller aborts the transaction) when the change would not apply.
Result<ChangeId> authorOne(Applier& applier, const NetworkInfo& net, const LocalEdit& edit,
                           const SecretKey& key, uint64_t nowMs) {
  PublicKey self = key.publicKey();
  Change c;
  c.network = net.network;
  c.author = self;
  auto vv = applier.vvEntry(self);
  if (!vv) return vv.status();
  c.seq = *vv ? (*vv)->seq + 1 : 1;
  if (*vv) {
    c.prev = (*vv)->id;
    auto ps = applier.signatureHash((*vv)->id);
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
  c.encryptionKey = edit.encryptionKey;
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
  if (!applier.lastApplied())
    return Status::refused(applier.lastRefusal() + "; nothing was recorded");
  return p.id;
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
    return applier.finish();
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
    return applier.finish();
  });
  if (!s) return s;
  return ids;
}

}  // namespace renda::storage
