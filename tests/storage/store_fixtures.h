// SPDX-License-Identifier: Apache-2.0
// Shared helpers for storage and sim tests: temporary folders, a county
// network with its root key, device keys that sign chained changes outside any
// store (to feed Store::ingest), and small store utilities. Header-only;
// included by tests/storage and tests/sim.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "storage/store.h"

namespace renda::test {

// A fresh folder under $TMPDIR (else /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/renda-test-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) std::abort();
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline SecretKey keyFromSeed(uint64_t seed) {
  unsigned char s[crypto_sign_SEEDBYTES] = {};
  std::memcpy(s, &seed, sizeof seed);
  s[31] = 0x5a;
  return crypto::signingKeyFromSeed(s);
}

// The plain record kinds (no life-cycle rules), for random workloads.
inline constexpr RecordKind kBasicKinds[] = {RecordKind::kDeputy, RecordKind::kStation,
                                             RecordKind::kSuggestion, RecordKind::kDutyRecord};

inline constexpr size_t kSmallMapBytes = size_t(8) << 20;  // 8 MiB: enough for tests, grows

// A county network: its id, name and root key.
struct County {
  explicit County(uint64_t seed = 1) : root(keyFromSeed(0xc0c0'0000ull + seed)) {
    network.bytes.fill(static_cast<unsigned char>(0x40 + seed));
  }
  NetworkId network;
  SecretKey root;
  std::string name = "示范县";

  storage::NetworkInfo info() const { return {network, root.publicKey(), name}; }
  Certificate certify(const PublicKey& subject, std::string township, Role role) const {
    return makeCertificate(network, subject, root, std::move(township), role, 0, 0, "test");
  }
  Revocation revoke(const PublicKey& subject, uint64_t cutoffSeq) const {
    return makeRevocation(network, subject, cutoffSeq, std::nullopt, "laptop stolen", root);
  }
};

// A change with its canonical body, id and signed envelope.
struct Signed {
  Change change;
  std::string body;
  ChangeId id;
  std::string envelope;
};

// A device key that numbers its changes 1, 2, 3, ... and links each to the
// previous one, as a node does, signing outside any store.
class Signer {
 public:
  Signer(const NetworkId& network, uint64_t seed)
      : seed_(seed), key_(keyFromSeed(seed)), pk_(key_.publicKey()), network_(network) {}

  // The same key at the same number, going on separately: what a backup
  // restored in place, or a thief with a copy of the key, would sign.
  Signer branch() const {
    Signer b(network_, seed_);
    b.seq_ = seq_;
    b.prev_ = prev_;
    b.prevSig_ = prevSig_;
    return b;
  }

  const PublicKey& publicKey() const { return pk_; }
  const SecretKey& key() const { return key_; }
  uint64_t seq() const { return seq_; }

  // Encodes and signs `c` as this key's next change without taking the number:
  // two drafts in a row make a fork.
  Signed draft(Change c) const {
    c.suite = crypto::kSuiteEd25519Blake2b;
    c.network = network_;
    c.author = pk_;
    c.seq = seq_ + 1;
    c.prev = prev_;
    c.prevSig = prevSig_;
    if (c.hlc == 0) c.hlc = Hlc::make(1700000000000ull + c.seq, 0);
    Signed s;
    s.body = encodeChange(c);
    s.id = crypto::changeId(crypto::asBytes(s.body));
    s.envelope = signChange(network_, s.body, key_);
    s.change = std::move(c);
    return s;
  }
  // Signs `c` exactly as given (seq, prev, hlc), filling only suite, network
  // and author; the number is not taken. For changes that break the chain.
  Signed signAs(Change c) const {
    c.suite = crypto::kSuiteEd25519Blake2b;
    c.network = network_;
    c.author = pk_;
    Signed s;
    s.body = encodeChange(c);
    s.id = crypto::changeId(crypto::asBytes(s.body));
    s.envelope = signChange(network_, s.body, key_);
    s.change = std::move(c);
    return s;
  }
  // draft(), then takes the number.
  Signed add(Change c) {
    Signed s = draft(std::move(c));
    seq_ = s.change.seq;
    prev_ = s.id;
    auto env = decodeEnvelope(crypto::asBytes(s.envelope));
    prevSig_ = crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()));
    return s;
  }

  static Change certificateOp(Certificate cert) {
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate = std::move(cert);
    return c;
  }
  static Change revocationOp(Revocation rev) {
    Change c;
    c.op = OpKind::kRevocation;
    c.revocation = std::move(rev);
    return c;
  }
  static Change createOp(RecordKind kind, std::string scope, std::vector<Field> fields) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = kind;
    c.scope = std::move(scope);
    c.fields = std::move(fields);
    return c;
  }
  static Change updateOp(const RecordId& record, std::vector<ChangeId> parents,
                         std::vector<Field> fields) {
    Change c;
    c.op = OpKind::kUpdate;
    c.record = record;
    c.parents = std::move(parents);
    c.fields = std::move(fields);
    return c;
  }

  // Self-introduction: a certificate for this key signed by the county root.
  Signed introduce(const County& county, std::string township, Role role) {
    return add(certificateOp(county.certify(pk_, std::move(township), role)));
  }
  Signed create(RecordKind kind, std::string scope, std::vector<Field> fields) {
    return add(createOp(kind, std::move(scope), std::move(fields)));
  }
  Signed update(const RecordId& record, std::vector<ChangeId> parents, std::vector<Field> fields) {
    return add(updateOp(record, std::move(parents), std::move(fields)));
  }

 private:
  uint64_t seed_;
  SecretKey key_;
  PublicKey pk_;
  NetworkId network_;
  uint64_t seq_ = 0;
  std::optional<ChangeId> prev_;
  std::optional<Hash> prevSig_;  // hash of the previous change's signature
};

inline std::vector<std::string> envelopesOf(const std::vector<Signed>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.envelope);
  return out;
}

// Opens (creating) a store in `dir` bound to `county`'s network.
inline std::unique_ptr<storage::Store> openStore(const std::string& dir, const County& county,
                                                 size_t mapBytes = kSmallMapBytes) {
  storage::StoreOptions o;
  o.initialMapBytes = mapBytes;
  auto s = storage::Store::open(dir, o);
  if (!s) return nullptr;
  if (!(*s)->setNetwork(county.info())) return nullptr;
  return std::move(*s);
}

// Every envelope a store holds, in its arrival (causal) order.
inline std::vector<std::string> allEnvelopes(storage::Store& store) {
  std::vector<std::string> out;
  Status s = store.forEachMissing({}, [&](std::string_view e) {
    out.emplace_back(e);
    return Status::ok();
  });
  if (!s) out.clear();
  return out;
}

// A plain-ASCII value of exactly n bytes.
inline std::string filler(size_t n, char seed = 'a') {
  std::string s(n, 'x');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (seed + i * 7) % 26);
  return s;
}

inline uint64_t fileBytes(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// Whether `store.verify()` finds nothing wrong; what it finds goes to the test's log.
inline bool verifies(storage::Store& store) {
  auto v = store.verify();
  if (!v) return false;
  for (const auto& p : v->problems) UNSCOPED_INFO("verify: " << p);
  return v->problems.empty();
}

}  // namespace renda::test
