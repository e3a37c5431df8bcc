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
    if (!v->has_value()) return false;
    auto m = Membership::decode(**v);
    if (!m) return m.status();
    return m->certified;
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
  // Signatures: the last change of each chain of one author's changes in the
  // batch. A change whose successor later in the batch names both its id and
  // its signature's hash is authenticated by that successor (forks included:
  // either branch's next change vouches for the change both follow).
  std::map<ChangeId, std::vector<size_t>> followers;
  if (!everySignature)
    for (size_t i = 0; i < out.size(); ++i)
      if (out[i].change.prev) followers[*out[i].change.prev].push_back(i);
  for (size_t i = 0; i < out.size(); ++i) {
    bool chained = false;
    if (auto f = followers.find(out[i].id); f != followers.end()) {
      Hash sigHash = crypto::hash(crypto::Bytes(out[i].envelope.sig.data(), out[i].envelope.sig.size()));
      for (size_t j : f->second) {
        const Change& succ = out[j].change;
        if (j > i && succ.author == out[i].change.author && succ.prevSig && *succ.prevSig == sigHash)
          chained = true;
      }
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

namespace {

int64_t notAppliedOf(const Record& r) {
  int64_t n = 0;
  for (const auto& v : r.versions) n += v.applied ? 0 : 1;
  return n;
}

}  // namespace

Status Applier::putRecord(const Record& r, uint64_t row, const Record* before, unsigned flags) {
  conflictedDelta_ += (r.hasConflicts() ? 1 : 0) - (before && before->hasConflicts() ? 1 : 0);
  notAppliedDelta_ += notAppliedOf(r) - (before ? notAppliedOf(*before) : 0);
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

Result<StoredChange> decodeStored(Bytes v) {
  if (v.size() < keys::kChangeHeader || v[0] != keys::kChangeFormat)
    return Status::corruption("a stored change has an unknown format");
  StoredChange d;
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

Result<std::optional<std::pair<PublicKey, uint64_t>>> Applier::locate(const ChangeId& id) {
  return locateChange(txn_, t_, id);
}

Result<std::optional<std::pair<PublicKey, uint64_t>>> locateChange(const Txn& txn,
                                                                   const Store::Tables& t,
                                                                   const ChangeId& id) {
  using Where = std::optional<std::pair<PublicKey, uint64_t>>;
  auto arrival = keys::arrivalOf(txn, t, id);
  if (!arrival) return arrival.status();
  if (!arrival->has_value()) return Where();
  auto stored = txn.get(t.changes, **arrival);
  if (!stored) return stored.status();
  if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
    return Status::corruption("the id index names a change that is not stored");
  PublicKey author;
  std::memcpy(author.data(), (*stored)->data() + 2, 32);
  return Where(std::make_pair(author, keys::getBe64((*stored)->data() + 34)));
}

Result<std::optional<ChangeId>> Applier::changeNumbered(const PublicKey& author, uint64_t seq) {
  auto arrival = txn_.get(t_.log, bytesOf(keys::authorSeq(author, seq)));
  if (!arrival) return arrival.status();
  if (!arrival->has_value()) return std::optional<ChangeId>();
  auto stored = txn_.get(t_.changes, **arrival);
  if (!stored) return stored.status();
  if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
    return Status::corruption("an author log names a missing change");
  auto env = decodeEnvelope((*stored)->subspan(keys::kChangeHeader));
  if (!env) return Status::corruption("a stored change is damaged");
  return std::optional<ChangeId>(crypto::changeId(crypto::asBytes(env->body)));
}

Status Applier::setApplied(const std::string& arrivalKey, Bytes stored, bool applied) {
  if (applied == ((stored[1] & keys::kFlagApplied) != 0)) return Status::ok();
  std::string nv(viewOf(stored));
  nv[1] = static_cast<char>(applied ? (stored[1] | keys::kFlagApplied)
                                    : (stored[1] & ~keys::kFlagApplied));
  return txn_.put(t_.changes, bytesOf(arrivalKey), bytesOf(nv));
}

bool Applier::trustEvent(const Change& c, bool placedOnBranch,
                         const std::optional<Membership>& m) const {
  if (c.op != OpKind::kCreate && c.op != OpKind::kUpdate) return true;
  if (placedOnBranch) return true;
  // Inside an author's branches (or the first change above them) the line is
  // decided by the derivation; above them a change follows the one chain.
  return m && m->line.branchSeq && c.seq <= m->line.maxBranchSeq + 1;
}

Status Applier::apply(const Prepared& p, IngestReport& report) {
  const Change& c = p.change;
  lastApplied_ = false;
  lastJudgedAtFinish_ = false;
  lastRefusal_.clear();
  ++report.received;
  auto vv = vvEntry(c.author);
  if (!vv) return vv.status();
  uint64_t top = *vv ? (*vv)->seq : 0;
  // Every held change of an author is numbered at most the version vector's
  // entry (an id names its author and number), so only those can be held:
  // a change numbered above it costs no look-up in the id index.
  if (c.seq <= top) {
    auto held = keys::arrivalOf(txn_, t_, p.id);
    if (!held) return held.status();
    if (held->has_value()) {
      ++report.duplicates;
      return Status::ok();
    }
  }
  std::string where = "change number " + std::to_string(c.seq) + " of node " + who(c.author);
  if (c.seq > top + 1)
    return Status::refused(where + " arrived before its number " + std::to_string(top + 1) +
                           "; import the earlier changes first");
  // The change follows the author's top change, or (a fork) another held
  // change of its author numbered one less: both are stored alike.
  bool extendsTop = c.seq == 1 ? !*vv : (*vv && c.prev && *c.prev == (*vv)->id);
  bool onBranch = !extendsTop;
  if (onBranch && c.seq > 1) {
    auto at = locate(*c.prev);
    if (!at) return at.status();
    if (!*at)
      return Status::refused(where + " follows a change of that node this node does not have "
                             "yet; import the earlier changes first");
    if ((*at)->first != c.author || (*at)->second != c.seq - 1)
      return Status::invalid(where + " names as its previous change one that is not that node's "
                             "change number " + std::to_string(c.seq - 1) +
                             ": the change is malformed");
  }
  for (const auto& d : c.deps) {
    auto dep = keys::arrivalOf(txn_, t_, d);
    if (!dep) return dep.status();
    if (!dep->has_value())
      return Status::refused(where + " depends on changes this node does not have yet");
  }
  auto mres = member(c.author);
  if (!mres) return mres.status();
  std::optional<Membership> m = std::move(*mres);
  if (!m || !m->certified) {
    // Unknown here; prepareBatch let it through only with a certificate of its
    // own, which makes it known.
    bool introduces = c.op == OpKind::kCertificate;
    if (!introduces)
      return Status::refused(where + " is by a node the county has not enrolled");
  }
  auto act = openAct(net_.network, net_.root, c, p.id);
  if (!act) return Status::invalid(where + ": " + act.status().message());
  Status effect = Status::ok();
  std::optional<Record> rec;
  if (*act) {
    // Acts are judged by deriving trust again at finish(). Until then, a
    // certificate by the county root admits its subject at once (the common
    // case, so that the subject's changes later in the batch apply as they
    // will stay), and any certificate makes its subject known.
    const TrustAct& a = **act;
    if (a.certificate) {
      auto subject = member(a.certificate->subject);
      if (!subject) return subject.status();
      Membership updated = subject->value_or(Membership{});
      updated.subject = a.certificate->subject;
      updated.certified = true;
      const Certificate& cert = *a.certificate;
      bool fromRoot = cert.issuer == net_.root;
      bool fits = !updated.admitted || (updated.township == cert.township && updated.role == cert.role);
      if (fromRoot && fits && (cert.validUntilMs == 0 || cert.validUntilMs >= cert.validFromMs) &&
          !(cert.role == Role::kCounty && !cert.township.empty())) {
        if (!updated.admitted) {
          updated.admitted = true;
          updated.township = cert.township;
          updated.role = cert.role;
          updated.label = cert.label;
          updated.issuer = net_.root;
        }
        auto w = std::make_pair(cert.validFromMs, cert.validUntilMs);
        if (std::find(updated.windowsMs.begin(), updated.windowsMs.end(), w) == updated.windowsMs.end()) {
          updated.windowsMs.push_back(w);
          std::sort(updated.windowsMs.begin(), updated.windowsMs.end());
        }
      } else {
        effect = Status::refused("judged when trust is derived again");
      }
      bool changed = !*subject || !(*subject)->sameEffect(updated);
      if (!*subject || (*subject)->encode() != updated.encode()) RENDA_TRY(putMember(updated));
      if (changed && *subject) RENDA_TRY(reevaluate(updated.subject));
      if (cert.subject == c.author) m = updated;
    } else {
      effect = Status::refused("judged when trust is derived again");
    }
  } else if (c.op == OpKind::kUpdate) {
    auto r = loadRecord(c.record);
    if (!r) return r.status();
    if (!*r)
      return Status::refused(where + " edits a record this node does not have yet");
    rec = std::move(*r);
    for (const auto& parent : c.parents)
      if (!rec->version(parent))
        return Status::refused(where + " follows a record version this node lacks");
  }
  if (!m || !m->certified)
    return Status::refused(where + " is by a node the county has not enrolled");
  if (!*act) effect = checkApplies(*m, c, p.id, rec ? &rec->scope : nullptr);
  if (effect && c.op == OpKind::kUpdate && c.action.empty() &&
      rec->kind == RecordKind::kSuggestion) {
    auto why = judgeFieldEdit(*rec, c, p.id);
    if (!why) return why.status();
    if (*why) effect = Status::refused(**why);
  }
  lastJudgedAtFinish_ = trustEvent(c, onBranch, m);
  if (lastJudgedAtFinish_) trustDirty_ = true;
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
    RENDA_TRY(putRecord(*rec, *arrival, nullptr, MDB_APPEND));
    RENDA_TRY(txn_.put(t_.recchanges, bytesOf(arrivalKey + arrivalKey), {}, MDB_APPEND));
  } else if (c.op == OpKind::kUpdate) {
    Record before = *rec;
    RENDA_TRY(applyUpdate(*rec, c, p.id, applied));
    auto row = rowOf(rec->id);
    if (!row) return row.status();
    if (!*row) return Status::corruption("an edited record has no row");
    RENDA_TRY(putRecord(*rec, **row, &before));
    RENDA_TRY(txn_.put(t_.recchanges, bytesOf(keys::rowKey(**row) + arrivalKey), {}));
  } else {
    RENDA_TRY(txn_.put(t_.acts, bytesOf(arrivalKey), bytesOf(effect.isOk() ? std::string()
                                                                           : effect.message()),
                       MDB_APPEND));
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
  if (c.seq == top + 1) {
    // The first change held with this number: the author's top.
    RENDA_TRY(txn_.put(t_.log, bytesOf(keys::authorSeq(c.author, c.seq)), bytesOf(arrivalKey)));
    vv_[c.author] = VersionEntry{c.author, c.seq, p.id};
  } else {
    // Another change with a number already held: a fork, kept and sent on as
    // evidence like any change; trust is derived again at finish().
    RENDA_TRY(txn_.put(t_.forklog, bytesOf(keys::authorSeqId(c.author, c.seq, p.id)),
                       bytesOf(arrivalKey)));
    auto [at, fresh] = branched_.try_emplace(c.author, c.seq);
    if (!fresh) at->second = std::min(at->second, c.seq);
  }
  RENDA_TRY(loadClock());
  if (Hlc::isFuture(c.hlc, nowMs_, limits::kMaxClockAheadMs))
    report.notes.push_back(where + " is stamped more than a day ahead of this computer's clock");
  hlc_.observe(c.hlc, nowMs_, limits::kMaxClockAheadMs);
  // An event can change which plain edits of a suggestion come after its
  // registration (a registration arriving after a concurrent edit of the text).
  if (c.op == OpKind::kUpdate && !c.action.empty() && rec->kind == RecordKind::kSuggestion)
    RENDA_TRY(rejudgeFieldEdits(*rec));
  lastApplied_ = applied;
  ++report.added;
  if (!applied) lastRefusal_ = effect.message();
  added_.emplace_back(p.id, applied ? std::string() : effect.message());
  return Status::ok();
}

Status Applier::finish(IngestReport* report) {
  for (const auto& [author, e] : vv_) {
    if (!e) continue;
    std::string v = keys::be64(e->seq) + keys::fixed(e->id);
    RENDA_TRY(txn_.put(t_.vv, bytesOf(keys::fixed(author)), bytesOf(v)));
  }
  if (clockLoaded_)
    RENDA_TRY(txn_.put(t_.meta, bytesOf("hlc"), bytesOf(keys::be64(hlc_.highWater()))));
  if (trustDirty_) {
    RENDA_TRY(settleTrust());
    trustDirty_ = false;
    trustSettled_ = true;
  }
  if (conflictedDelta_ || notAppliedDelta_) {
    auto tally = txn_.get(t_.meta, bytesOf(keys::kTally));
    if (!tally) return tally.status();
    if (tally->has_value() && (*tally)->size() == 16) {
      int64_t conflicted = int64_t(keys::getBe64((*tally)->data())) + conflictedDelta_;
      int64_t notApplied = int64_t(keys::getBe64((*tally)->data() + 8)) + notAppliedDelta_;
      if (conflicted < 0 || notApplied < 0) return Status::corruption("the store's tally is damaged");
      RENDA_TRY(txn_.put(t_.meta, bytesOf(keys::kTally),
                         bytesOf(keys::be64(uint64_t(conflicted)) + keys::be64(uint64_t(notApplied)))));
    }
    conflictedDelta_ = notAppliedDelta_ = 0;
  }
  // Second changes with a number: a fork, or a restored laptop's hand-over
  // beside the changes it made before the restore (core/trust.h).
  for (const auto& [author, seq] : branched_) {
    if (!report) break;
    auto m = member(author);
    if (!m) return m.status();
    bool frozen = *m && (*m)->frozenFromSeq;
    bool settled = *m && (*m)->settledHead;
    if (frozen || settled) ++report->forks;
    report->notes.push_back(
        frozen ? "node " + who(author) + " signed two different changes numbered " +
                     std::to_string(seq) +
                     " (a fork): both are kept as evidence, the node is frozen from there, and "
                     "the county office can settle which branch stands (renda status shows it)"
        : settled ? "node " + who(author) + " has two branches from number " + std::to_string(seq) +
                        "; the county office settled which one stands"
                  : "node " + who(author) + " handed over to a new key beside changes it made "
                        "before a restore (number " + std::to_string(seq) +
                        "): both are kept, nothing is frozen");
  }
  branched_.clear();
  // What this transaction stored and does not apply, as it stands now (acts
  // and the changes of authors whose trust changed were judged again above).
  if (report)
    for (const auto& [id, why] : added_) {
      std::string reason = why;
      if (trustSettled_) {
        auto now = appliedNow(id);
        if (!now) return now.status();
        reason = now->first ? std::string() : now->second;
      }
      if (reason.empty()) continue;
      ++report->notApplied;
      report->notes.push_back("kept but not applied: " + reason);
    }
  added_.clear();
  return settleIdIndex();
}

Result<std::pair<bool, std::string>> Applier::appliedNow(const ChangeId& id) {
  auto arrival = keys::arrivalOf(txn_, t_, id);
  if (!arrival) return arrival.status();
  if (!arrival->has_value()) return Status::notFound("no such change");
  auto stored = txn_.get(t_.changes, **arrival);
  if (!stored) return stored.status();
  if (!stored->has_value()) return Status::corruption("a stored change is missing");
  bool applied = ((**stored)[1] & keys::kFlagApplied) != 0;
  if (applied) return std::make_pair(true, std::string());
  auto verdict = txn_.get(t_.acts, **arrival);
  if (!verdict) return verdict.status();
  if (verdict->has_value()) return std::make_pair(false, std::string(viewOf(**verdict)));
  auto d = decodeStored(**stored);
  if (!d) return d.status();
  auto m = member(d->change.author);
  if (!m) return m.status();
  std::string why = "its author is not enrolled";
  if (*m) {
    std::optional<std::string> scope;
    if (d->change.op == OpKind::kUpdate) {
      auto r = loadRecord(d->change.record);
      if (!r) return r.status();
      if (*r) scope = (*r)->scope;
    }
    why = checkApplies(**m, d->change, id, scope ? &*scope : nullptr).message();
    // Trust lets it apply, so the suggestion's field-group rule refused it.
    if (why.empty()) why = "it sets fields that another office owns at that stage of the suggestion";
  }
  return std::make_pair(false, why);
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
    return applier.finish(&report);
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

}  // namespace renda::storage
