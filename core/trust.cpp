// SPDX-License-Identifier: Apache-2.0
// Memberships (their encoding and the checks made with them), opening trust
// acts, and who personal fields are sealed to. The derivation of memberships
// from the held changes is in trust_derive.cpp.
#include "core/trust.h"

#include <algorithm>
#include <cstring>

#include "core/hlc.h"

namespace renda {

namespace {

void putU32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void putU64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
void putStr(std::string& s, const std::string& v) {
  putU32(s, static_cast<uint32_t>(v.size()));
  s.append(v);
}
template <typename F>
void putFixed(std::string& s, const F& f) {
  s.append(reinterpret_cast<const char*>(f.data()), f.size());
}
template <typename F>
void putOptFixed(std::string& s, const std::optional<F>& f) {
  s.push_back(f ? 1 : 0);
  putFixed(s, f.value_or(F{}));
}
void putOptU64(std::string& s, const std::optional<uint64_t>& v) {
  s.push_back(v ? 1 : 0);
  putU64(s, v.value_or(0));
}
template <typename F>
void putFixedList(std::string& s, const std::vector<F>& v) {
  putU32(s, static_cast<uint32_t>(v.size()));
  for (const auto& f : v) putFixed(s, f);
}

struct Cursor {
  crypto::Bytes b;
  size_t pos = 0;
  bool ok = true;
  void raw(void* p, size_t n) {
    if (!ok || n > b.size() - pos) { ok = false; return; }
    std::memcpy(p, b.data() + pos, n);
    pos += n;
  }
  uint8_t u8() { uint8_t v = 0; raw(&v, 1); return v; }
  uint32_t u32() { uint32_t v = 0; raw(&v, 4); return v; }
  uint64_t u64() { uint64_t v = 0; raw(&v, 8); return v; }
  std::string str() {
    uint32_t n = u32();
    if (!ok || n > b.size() - pos) { ok = false; return {}; }
    std::string s(reinterpret_cast<const char*>(b.data() + pos), n);
    pos += n;
    return s;
  }
  template <typename F>
  F fixed() {
    F f;
    raw(f.data(), f.size());
    return f;
  }
  template <typename F>
  std::optional<F> optFixed() {
    bool has = u8();
    F f = fixed<F>();
    return has ? std::optional<F>(f) : std::nullopt;
  }
  std::optional<uint64_t> optU64() {
    bool has = u8();
    uint64_t v = u64();
    return has ? std::optional<uint64_t>(v) : std::nullopt;
  }
  template <typename F>
  std::vector<F> fixedList() {
    uint32_t n = u32();
    std::vector<F> out;
    if (!ok || n > (b.size() - pos) / F{}.size()) { ok = false; return out; }
    for (uint32_t i = 0; i < n; ++i) out.push_back(fixed<F>());
    return out;
  }
};

std::string shortKey(const PublicKey& k) { return toHex(k).substr(0, 8); }

bool contains(const std::vector<ChangeId>& ids, const ChangeId& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

bool Membership::onLine(uint64_t seq, const ChangeId& id) const {
  if (line.limitSeq && seq > *line.limitSeq) return false;
  if (!line.branchSeq || seq < *line.branchSeq) return true;
  if (seq <= line.maxBranchSeq + 1) return contains(line.lineIds, id) || contains(line.sideIds, id);
  return line.aboveOnLine;
}

bool Membership::coversMs(uint64_t ms) const {
  for (auto [from, until] : windowsMs)
    if (ms >= from && (until == 0 || ms <= until)) return true;
  return false;
}

bool Membership::activeAt(uint64_t nowMs) const {
  if (!admitted || revokedAfterSeq || frozenFromSeq) return false;
  return coversMs(nowMs);
}

bool Membership::sameEffect(const Membership& o) const {
  return subject == o.subject && township == o.township && role == o.role &&
         windowsMs == o.windowsMs && certified == o.certified && admitted == o.admitted &&
         line == o.line;
}

std::string Membership::encode() const {
  std::string s;
  s.push_back(3);
  putFixed(s, subject);
  putFixed(s, issuer);
  putStr(s, township);
  s.push_back(static_cast<char>(role));
  putStr(s, label);
  putU32(s, static_cast<uint32_t>(windowsMs.size()));
  for (auto [from, until] : windowsMs) {
    putU64(s, from);
    putU64(s, until);
  }
  s.push_back(certified ? 1 : 0);
  s.push_back(admitted ? 1 : 0);
  putStr(s, admissionProblem);
  putU32(s, generation);
  putOptFixed(s, successor);
  putOptU64(s, revokedAfterSeq);
  putOptFixed(s, revokedAtId);
  putStr(s, revocationReason);
  putOptU64(s, frozenFromSeq);
  putStr(s, frozenReason);
  putOptFixed(s, settledHead);
  putOptU64(s, line.limitSeq);
  putOptU64(s, line.branchSeq);
  putU64(s, line.maxBranchSeq);
  putFixedList(s, line.lineIds);
  putFixedList(s, line.sideIds);
  s.push_back(line.aboveOnLine ? 1 : 0);
  putOptFixed(s, encryptionKey);
  putU64(s, encryptionKeySeq);
  putOptFixed(s, transportKey);
  putU64(s, transportKeySeq);
  return s;
}

Result<Membership> Membership::decode(crypto::Bytes bytes) {
  Cursor c{bytes};
  Membership m;
  uint8_t format = c.u8();
  if (format < 1 || format > 3)
    return Status::corruption("a stored membership has an unknown format");
  m.subject = c.fixed<PublicKey>();
  m.issuer = c.fixed<PublicKey>();
  m.township = c.str();
  uint8_t role = c.u8();
  if (role > 1) return Status::corruption("a stored membership has a bad role");
  m.role = static_cast<Role>(role);
  m.label = c.str();
  uint32_t n = c.u32();
  if (!c.ok || n > (bytes.size() - c.pos) / 16) return Status::corruption("membership damaged");
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t from = c.u64(), until = c.u64();
    m.windowsMs.emplace_back(from, until);
  }
  if (format == 3) {
    m.certified = c.u8();
    m.admitted = c.u8();
    m.admissionProblem = c.str();
    m.generation = c.u32();
    m.successor = c.optFixed<PublicKey>();
    m.revokedAfterSeq = c.optU64();
    m.revokedAtId = c.optFixed<ChangeId>();
    m.revocationReason = c.str();
    m.frozenFromSeq = c.optU64();
    m.frozenReason = c.str();
    m.settledHead = c.optFixed<ChangeId>();
    m.line.limitSeq = c.optU64();
    m.line.branchSeq = c.optU64();
    m.line.maxBranchSeq = c.u64();
    m.line.lineIds = c.fixedList<ChangeId>();
    m.line.sideIds = c.fixedList<ChangeId>();
    m.line.aboveOnLine = c.u8();
    m.encryptionKey = c.optFixed<BoxPublicKey>();
    m.encryptionKeySeq = c.u64();
    m.transportKey = c.optFixed<BoxPublicKey>();
    m.transportKeySeq = c.u64();
  } else {
    // Before successions and lines: a key with a window was admitted, and the
    // revocation and fork cut-offs were the whole story.
    m.certified = m.admitted = !m.windowsMs.empty();
    m.revokedAfterSeq = c.optU64();
    m.revocationReason = c.str();
    m.frozenFromSeq = c.optU64();
    if (m.frozenFromSeq) m.frozenReason = "signed two different changes with the same number";
    std::optional<uint64_t> limit = m.revokedAfterSeq;
    if (m.frozenFromSeq && (!limit || *m.frozenFromSeq - 1 < *limit)) limit = *m.frozenFromSeq - 1;
    m.line.limitSeq = limit;
    if (format == 2) {
      m.encryptionKey = c.optFixed<BoxPublicKey>();
      m.encryptionKeySeq = c.u64();
    }
  }
  if (!c.ok || c.pos != bytes.size()) return Status::corruption("a stored membership is damaged");
  return m;
}

Result<std::optional<TrustAct>> openAct(const NetworkId& network, const PublicKey& root,
                                        const Change& c, const ChangeId& id) {
  if (c.op == OpKind::kCreate || c.op == OpKind::kUpdate) return std::optional<TrustAct>();
  TrustAct act;
  act.op = c.op;
  act.carrier = c.author;
  act.carrierSeq = c.seq;
  act.carrierId = id;
  act.carrierHlc = c.hlc;
  act.carrierDeps = c.deps;
  switch (c.op) {
    case OpKind::kCertificate: {
      auto cert = openCertificate(network, crypto::asBytes(c.certificate->body), c.certificate->sig);
      if (!cert) return cert.status();
      act.certificate = std::move(*cert);
      break;
    }
    case OpKind::kRevocation: {
      auto rev = openRevocation(network, crypto::asBytes(c.revocation->body), c.revocation->sig,
                                root);
      if (!rev) return rev.status();
      act.revocation = std::move(*rev);
      break;
    }
    case OpKind::kSettlement: {
      auto st = openSettlement(network, crypto::asBytes(c.settlement->body), c.settlement->sig,
                               root);
      if (!st) return st.status();
      act.settlement = std::move(*st);
      break;
    }
    case OpKind::kEncryptionKey:
      act.encryptionKey = c.encryptionKey;
      break;
    case OpKind::kTransportKey:
      act.encryptionKey = c.transportKey;
      break;
    default:
      break;
  }
  return std::optional<TrustAct>(std::move(act));
}

Status checkApplies(const Membership& m, const Change& c, const ChangeId& id,
                    const std::string* targetScope) {
  std::string node = "node " + shortKey(m.subject);
  if (!m.admitted)
    return Status::refused(node + " is not admitted to the county network" +
                           (m.admissionProblem.empty() ? std::string() : ": " + m.admissionProblem));
  if (!m.onLine(c.seq, id)) {
    if (m.revokedAfterSeq && c.seq > *m.revokedAfterSeq)
      return Status::refused("the county revoked " + node + " after its change " +
                             std::to_string(*m.revokedAfterSeq) +
                             (m.revocationReason.empty() ? "" : " (" + m.revocationReason + ")"));
    if (m.frozenFromSeq && c.seq >= *m.frozenFromSeq)
      return Status::refused(node + " " + m.frozenReason + "; its changes from number " +
                             std::to_string(*m.frozenFromSeq) +
                             " on are held as evidence for the county office");
    if (m.revokedAfterSeq)
      return Status::refused(node + " is revoked, and this change is not among the changes the "
                             "revocation keeps valid (a change signed with the same number on "
                             "another branch)");
    return Status::refused(node + " signed two different changes with the same number (a fork); "
                           "this one is on a branch that is held as evidence for the county office");
  }
  uint64_t ms = Hlc::millis(c.hlc);
  if (!m.coversMs(ms))
    return Status::refused(node +
                           " made this change outside the period its enrollment certificate allows");
  // Acts and a node's own encryption key concern no township's records.
  if (m.role == Role::kCounty || (c.op != OpKind::kCreate && c.op != OpKind::kUpdate))
    return Status::ok();
  const std::string& scope = c.op == OpKind::kCreate ? c.scope : *targetScope;
  if (scope != m.township)
    return Status::refused(node + " of " + m.township + " may not write records of " +
                           (scope.empty() ? std::string("the county") : scope));
  return Status::ok();
}

SealRecipients sealRecipients(const std::vector<Membership>& members, const std::string& scope,
                              uint64_t nowMs) {
  SealRecipients out;
  for (const auto& m : members) {
    if (!m.encryptionKey || !m.activeAt(nowMs)) continue;
    bool county = m.role == Role::kCounty;
    bool township = m.role == Role::kTownship && !scope.empty() && m.township == scope;
    if (!county && !township) continue;
    if (std::find(out.keys.begin(), out.keys.end(), *m.encryptionKey) != out.keys.end()) continue;
    out.keys.push_back(*m.encryptionKey);
    ++(county ? out.countyKeys : out.townshipKeys);
  }
  std::sort(out.keys.begin(), out.keys.end());
  return out;
}

Result<PublicKey> admitPeer(const NetworkId& network, const PublicKey& root,
                            const BoxPublicKey& remoteStatic, const std::string& announcement,
                            const std::vector<std::string>& admission, const MemberOf& lookup) {
  auto env = decodeEnvelope(crypto::asBytes(announcement));
  if (!env || !verifyEnvelope(network, *env))
    return Status::invalid("the other node's key announcement is malformed or not signed");
  auto c = decodeChange(crypto::asBytes(env->body));
  if (!c || c->op != OpKind::kTransportKey || c->network != network || !c->transportKey ||
      *c->transportKey != remoteStatic)
    return Status::invalid("the other node's key announcement does not name the key it used");
  const PublicKey& node = c->author;
  std::string who = "node " + shortKey(node);
  auto m = lookup(node);
  if (m && m->revokedAfterSeq) return Status::refused(who + " is revoked by the county office");
  if (m && m->admitted) return node;
  // Not known (or not admitted) here yet: a certificate it brings may show
  // that the county, or its admitted predecessor, admits it.
  for (const auto& e : admission) {
    auto ce = decodeEnvelope(crypto::asBytes(e));
    if (!ce || !verifyEnvelope(network, *ce)) continue;
    auto cc = decodeChange(crypto::asBytes(ce->body));
    if (!cc || cc->op != OpKind::kCertificate || cc->network != network) continue;
    auto cert = openCertificate(network, crypto::asBytes(cc->certificate->body),
                                cc->certificate->sig);
    if (!cert || cert->subject != node) continue;
    if (cert->issuer == root) return node;
    if (cert->issuer == cc->author && cert->issuer != node) {
      auto issuer = lookup(cert->issuer);
      if (issuer && issuer->admitted && !issuer->revokedAfterSeq && !issuer->frozenFromSeq)
        return node;
    }
  }
  return Status::refused(who + " is not enrolled in this county's network as far as this node "
                         "knows; it should sync with the county office first");
}

}  // namespace renda
