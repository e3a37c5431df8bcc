// SPDX-License-Identifier: Apache-2.0
#include "tests/fuzz/fuzz_targets.h"

#include <string>
#include <tuple>
#include <vector>

#include "core/change.h"
#include "core/record.h"
#include "core/trust.h"
#include "tests/fuzz/noise_targets.h"
#include "tests/fuzz/beacon_targets.h"
#include "tests/fuzz/wire_targets.h"
#include "tests/fuzz/file_targets.h"

namespace renda::fuzz {

namespace {

using crypto::Bytes;
using detail::check;

Bytes bytesOf(const std::string& s) { return crypto::asBytes(s); }

// A record decoded from bytes must re-encode to bytes that decode to itself.
void checkRecordStable(const Record& r) {
  std::string bytes = encodeRecord(r);
  auto again = decodeRecord(bytesOf(bytes));
  check(again.isOk(), "an encoded record does not decode");
  check(*again == r, "a record changed across encode/decode");
  // Read-only helpers must cope with whatever the decoder let through.
  (void)r.heads();
  (void)r.hasConflicts();
  (void)r.createdHlc();
  (void)r.updatedHlc();
  for (const auto& [name, st] : r.fields) (void)r.get(name);
}

// An accepted change must pass the shape rules and survive encode -> decode,
// and merge must accept it as the start of a record when it creates one.
void checkChangeStable(const Change& c, Bytes body) {
  check(validateChangeShape(c).isOk(), "decodeChange accepted a change the shape rules refuse");
  std::string encoded = encodeChange(c);
  auto again = decodeChange(bytesOf(encoded));
  check(again.isOk(), "encodeChange of a decoded change does not decode");
  check(encodeChange(*again) == encoded, "a change changed across encode/decode");
  if (c.op == OpKind::kCreate) {
    Record r = createRecord(c, crypto::changeId(body), true);
    checkRecordStable(r);
  }
  if (c.op == OpKind::kCertificate) {
    const auto& blob = *c.certificate;
    (void)openCertificate(fuzzNetwork(), bytesOf(blob.body), blob.sig);
  }
  if (c.op == OpKind::kRevocation) {
    const auto& blob = *c.revocation;
    (void)openRevocation(fuzzNetwork(), bytesOf(blob.body), blob.sig, fuzzRootKey());
  }
}

Outcome runEnvelope(const uint8_t* data, size_t size) {
  Bytes input(data, size);
  auto e = decodeEnvelope(input);
  if (!e) return Outcome::kRejected;
  std::string reencoded = encodeEnvelope(*e);
  check(reencoded.size() == size &&
            std::equal(reencoded.begin(), reencoded.end(), reinterpret_cast<const char*>(data)),
        "decodeEnvelope accepted bytes that encodeEnvelope would not write");
  bool verified = verifyEnvelope(fuzzNetwork(), *e);
  // Decode the body even when the signature fails, so mutations reach it.
  auto c = decodeChange(bytesOf(e->body));
  if (!c) return Outcome::kRejected;
  checkChangeStable(*c, bytesOf(e->body));
  return verified ? Outcome::kAccepted : Outcome::kRejected;
}

Outcome runChange(const uint8_t* data, size_t size) {
  Bytes input(data, size);
  auto c = decodeChange(input);
  if (!c) return Outcome::kRejected;
  checkChangeStable(*c, input);
  return Outcome::kAccepted;
}

Outcome runCertificate(const uint8_t* data, size_t size) {
  Signature sig;
  Bytes body(data, size);
  if (size >= Signature::kSize) {
    std::copy(data, data + Signature::kSize, sig.bytes.begin());
    body = Bytes(data + Signature::kSize, size - Signature::kSize);
  }
  bool accepted = false;
  auto cert = openCertificate(fuzzNetwork(), body, sig);
  if (cert) {
    accepted = true;
    check(cert->body.size() == body.size(), "certificate body not kept verbatim");
    // As if the root (its issuer) had enrolled it: the membership it makes
    // must survive the store encoding.
    TrustInputs in;
    in.root = cert->issuer;
    TrustAct act;
    act.carrier = cert->subject;
    act.carrierSeq = 1;
    act.certificate = *cert;
    in.acts.push_back(act);
    TrustDerivation d = deriveTrust(in);
    for (const auto& [k, m] : d.members) {
      std::string bytes = m.encode();
      auto again = Membership::decode(bytesOf(bytes));
      check(again.isOk() && again->encode() == bytes, "membership changed across encode/decode");
    }
  }
  auto rev = openRevocation(fuzzNetwork(), body, sig, fuzzRootKey());
  if (rev) accepted = true;
  return accepted ? Outcome::kAccepted : Outcome::kRejected;
}

Outcome runRecord(const uint8_t* data, size_t size) {
  Bytes input(data, size);
  bool accepted = false;
  auto r = decodeRecord(input);
  if (r) {
    accepted = true;
    checkRecordStable(*r);
  }
  auto m = Membership::decode(input);
  if (m) {
    accepted = true;
    std::string bytes = m->encode();
    auto again = Membership::decode(bytesOf(bytes));
    check(again.isOk() && again->encode() == bytes, "membership changed across encode/decode");
  }
  return accepted ? Outcome::kAccepted : Outcome::kRejected;
}

const Target kTargets[] = {
    {"envelope", runEnvelope}, {"change", runChange},         {"certificate", runCertificate},
    {"record", runRecord},     {"sealed", detail::runSealed}, {"schedule", detail::runSchedule},
};

}  // namespace

// This file's table, then the Noise target (noise_targets.cpp) and the sync
// protocol's (wire_targets.cpp).
std::span<const Target> targets() {
  static const std::vector<Target> all = [] {
    std::vector<Target> v(std::begin(kTargets), std::end(kTargets));
    for (const auto& t : noiseTargets()) v.push_back(t);
    for (const auto& t : beaconTargets()) v.push_back(t);
    for (const auto& t : wireTargets()) v.push_back(t);
    for (const auto& t : fileTargets()) v.push_back(t);
    return v;
  }();
  return all;
}

const Target* findTarget(std::string_view name) {
  for (const auto& t : targets())
    if (name == t.name) return &t;
  return nullptr;
}

const NetworkId& fuzzNetwork() {
  static const NetworkId net = [] {
    NetworkId n;
    n.bytes.fill(0x4e);
    return n;
  }();
  return net;
}

namespace detail {
void check(bool ok, const char* what) {
  if (!ok) throw InvariantViolation(what);
}

void checkRefusal(const Status& s) {
  check(s.code() == Code::kInvalidInput, "a decoder refused untrusted bytes with another code");
  check(!s.message().empty(), "a decoder refused untrusted bytes without a reason");
}

void checkSorted(const VersionVector& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    check(v[i].seq > 0, "a decoded summary lists number 0");
    if (i)
      check(std::tie(v[i - 1].author, v[i - 1].seq, v[i - 1].id) <
                std::tie(v[i].author, v[i].seq, v[i].id),
            "a decoded summary is out of order");
  }
}
}  // namespace detail

const BoxSecretKey& fuzzBoxKey() {
  static const BoxSecretKey key = [] {
    unsigned char seed[crypto_box_SEEDBYTES];
    std::fill(std::begin(seed), std::end(seed), 0x5e);
    BoxSecretKey sk;
    BoxPublicKey pk;
    crypto_box_seed_keypair(pk.data(), sk.data(), seed);
    return sk;
  }();
  return key;
}

const PublicKey& fuzzRootKey() {
  static const PublicKey root = [] {
    unsigned char seed[crypto_sign_SEEDBYTES];
    std::fill(std::begin(seed), std::end(seed), 0x01);
    PublicKey pk;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_seed_keypair(pk.data(), sk, seed);
    sodium_memzero(sk, sizeof sk);
    return pk;
  }();
  return root;
}

}  // namespace renda::fuzz
