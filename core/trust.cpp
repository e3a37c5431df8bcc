// SPDX-License-Identifier: Apache-2.0
#include "core/trust.h"

#include <algorithm>

#include "core/hlc.h"

namespace renda {

namespace {

void putU32(std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void putU64(std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); }
void putStr(std::string& s, const std::string& v) {
  putU32(s, static_cast<uint32_t>(v.size()));
  s.append(v);
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
};

std::string shortKey(const PublicKey& k) { return toHex(k).substr(0, 8); }

}  // namespace

bool Membership::activeAt(uint64_t nowMs) const {
  if (revokedAfterSeq || frozenFromSeq) return false;
  for (auto [from, until] : windowsMs)
    if (nowMs >= from && (until == 0 || nowMs <= until)) return true;
  return false;
}

std::string Membership::encode() const {
  std::string s;
  s.push_back(2);
  s.append(reinterpret_cast<const char*>(subject.data()), subject.size());
  s.append(reinterpret_cast<const char*>(issuer.data()), issuer.size());
  putStr(s, township);
  s.push_back(static_cast<char>(role));
  putStr(s, label);
  putU32(s, static_cast<uint32_t>(windowsMs.size()));
  for (auto [from, until] : windowsMs) {
    putU64(s, from);
    putU64(s, until);
  }
  s.push_back(revokedAfterSeq ? 1 : 0);
  putU64(s, revokedAfterSeq.value_or(0));
  putStr(s, revocationReason);
  s.push_back(frozenFromSeq ? 1 : 0);
  putU64(s, frozenFromSeq.value_or(0));
  s.push_back(encryptionKey ? 1 : 0);
  BoxPublicKey key = encryptionKey.value_or(BoxPublicKey{});
  s.append(reinterpret_cast<const char*>(key.data()), key.size());
  putU64(s, encryptionKeySeq);
  return s;
}

Result<Membership> Membership::decode(crypto::Bytes bytes) {
  Cursor c{bytes};
  Membership m;
  uint8_t format = c.u8();
  if (format != 1 && format != 2)
    return Status::corruption("a stored membership has an unknown format");
  c.raw(m.subject.data(), m.subject.size());
  c.raw(m.issuer.data(), m.issuer.size());
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
  bool hasRev = c.u8();
  uint64_t cutoff = c.u64();
  if (hasRev) m.revokedAfterSeq = cutoff;
  m.revocationReason = c.str();
  bool hasFrozen = c.u8();
  uint64_t frozen = c.u64();
  if (hasFrozen) m.frozenFromSeq = frozen;
  if (format == 2) {
    bool hasKey = c.u8();
    BoxPublicKey key;
    c.raw(key.data(), key.size());
    m.encryptionKeySeq = c.u64();
    if (hasKey) m.encryptionKey = key;
  }
  if (!c.ok || c.pos != bytes.size()) return Status::corruption("a stored membership is damaged");
  return m;
}

Status addCertificate(std::optional<Membership>& m, const Certificate& cert,
                      const PublicKey& rootKey, const Membership* issuerMembership) {
  std::string township = cert.township;
  Role role = cert.role;
  if (cert.issuer != rootKey) {
    // Succession: a member device certifies its own replacement key.
    if (!issuerMembership)
      return Status::refused("the certificate is signed by a key the county never enrolled");
    if (issuerMembership->revokedAfterSeq)
      return Status::refused("the certificate is signed by a revoked key");
    if (cert.township != issuerMembership->township || cert.role != issuerMembership->role)
      return Status::refused("a successor key must keep its predecessor's township and role");
  }
  if (role == Role::kCounty && !township.empty())
    return Status::refused("a county certificate must not name a township");
  if (cert.validUntilMs != 0 && cert.validUntilMs < cert.validFromMs)
    return Status::refused("the certificate ends before it starts");
  // A membership without certificate windows is only a stub left by a
  // revocation (or fork mark) that arrived before the key's first
  // certificate: enroll it now and keep the cut-off, so arrival order does
  // not matter.
  if (!m || m->windowsMs.empty()) {
    Membership fresh = m ? *m : Membership{};
    fresh.subject = cert.subject;
    fresh.issuer = cert.issuer;
    fresh.township = township;
    fresh.role = role;
    fresh.label = cert.label;
    m = std::move(fresh);
  } else if (m->township != township || m->role != role) {
    return Status::refused("this node key is already enrolled for " +
                           (m->township.empty() ? std::string("the county") : m->township) +
                           "; enroll a new key instead of moving it");
  }
  auto w = std::make_pair(cert.validFromMs, cert.validUntilMs);
  if (std::find(m->windowsMs.begin(), m->windowsMs.end(), w) == m->windowsMs.end()) {
    m->windowsMs.push_back(w);
    std::sort(m->windowsMs.begin(), m->windowsMs.end());
  }
  return Status::ok();
}

Status checkApplies(const Membership& m, const Change& c, const std::string* targetScope) {
  if (m.frozenFromSeq && c.seq >= *m.frozenFromSeq)
    return Status::refused("node " + shortKey(m.subject) +
                           " signed two different changes with the same number (a fork); its "
                           "changes from number " + std::to_string(*m.frozenFromSeq) +
                           " on are held as evidence for the county office");
  if (m.revokedAfterSeq && c.seq > *m.revokedAfterSeq)
    return Status::refused("the county revoked node " + shortKey(m.subject) + " after its change " +
                           std::to_string(*m.revokedAfterSeq));
  // Certificates and revocations are signed by the county root and stand on
  // their own; they need no scope.
  if (c.op == OpKind::kCertificate || c.op == OpKind::kRevocation) return Status::ok();
  if (c.op == OpKind::kEncryptionKey && m.windowsMs.empty())
    return Status::refused("node " + shortKey(m.subject) +
                           " announced an encryption key before the county enrolled it");
  uint64_t ms = Hlc::millis(c.hlc);
  bool covered = false;
  for (auto [from, until] : m.windowsMs)
    if (ms >= from && (until == 0 || ms <= until)) covered = true;
  if (!covered)
    return Status::refused("node " + shortKey(m.subject) +
                           " made this change outside the period its enrollment certificate allows");
  // A node's own encryption key concerns no township's records.
  if (m.role == Role::kCounty || c.op == OpKind::kEncryptionKey) return Status::ok();
  const std::string& scope = c.op == OpKind::kCreate ? c.scope : *targetScope;
  if (scope != m.township)
    return Status::refused("node " + shortKey(m.subject) + " of " + m.township +
                           " may not write records of " +
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

}  // namespace renda
