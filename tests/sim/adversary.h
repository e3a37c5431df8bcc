// SPDX-License-Identifier: Apache-2.0
// Tools of the adversarial simulation (adversarial_test.cpp): a device key
// that signs chained changes outside any store and can be rolled back to an
// earlier state (a backup restored in place, so it signs a number twice),
// deterministic encryption keys and sealed values (a seed replays byte for
// byte, so a failing seed fails again), and a test-only read of every held
// change with its applied flag. Header-only.
#pragma once

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "core/sealed.h"
#include "storage/store.h"
#include "storage/tables.h"
#include "tests/sim/oracle.h"

namespace renda::sim {

// A key that numbers and chains its changes as a node does, signing outside
// any store with the project's signing code (encodeChange, signChange).
class Device {
 public:
  // Where the key's chain stands: what its next change follows.
  struct State {
    uint64_t seq = 0;
    std::optional<ChangeId> prev;
    std::optional<Hash> prevSig;
  };

  Device(const NetworkId& network, SecretKey key)
      : network_(network), key_(std::move(key)), pk_(key_.publicKey()) {}

  const PublicKey& publicKey() const { return pk_; }
  const SecretKey& key() const { return key_; }
  const State& state() const { return state_; }
  // Rolls the chain back (or sideways) to `s`: the next change is numbered
  // s.seq + 1 again.
  void setState(const State& s) { state_ = s; }

  // Signs `c` as the next change, stamped at `ms`, and takes its number.
  HeldChange sign(Change c, uint64_t ms, std::string* envelope) {
    c.suite = crypto::kSuiteEd25519Blake2b;
    c.network = network_;
    c.author = pk_;
    c.seq = state_.seq + 1;
    c.prev = state_.prev;
    c.prevSig = state_.prevSig;
    c.hlc = Hlc::make(ms, c.seq & 0xffff);
    std::string body = encodeChange(c);
    HeldChange h{crypto::changeId(crypto::asBytes(body)), std::move(c)};
    *envelope = signChange(network_, body, key_);
    auto env = decodeEnvelope(crypto::asBytes(*envelope));
    state_ = {h.change.seq, h.id, crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()))};
    return h;
  }

 private:
  NetworkId network_;
  SecretKey key_;
  PublicKey pk_;
  State state_;
};

// An X25519 key from (seed, n), the same on every run.
inline BoxSecretKey boxKeyFor(uint64_t seed, uint64_t n) {
  unsigned char s[crypto_box_SEEDBYTES] = {};
  std::memcpy(s, &seed, sizeof seed);
  std::memcpy(s + 8, &n, sizeof n);
  s[31] = 0xb0;
  BoxSecretKey sk;
  BoxPublicKey pk;
  crypto_box_seed_keypair(pk.data(), sk.data(), s);
  return sk;
}

// sealValue() with its randomness drawn from `seed`: the sealed-value format
// of core/sealed.h built step by step (libsodium's sealed box, an ephemeral
// key pair, nonce = BLAKE2b(ephemeral pk || recipient pk)), so the same seed
// gives the same bytes. openValue() must open it: that is checked.
inline std::string sealFor(std::string_view clear, RecordKind kind, std::string_view field,
                           std::vector<BoxPublicKey> recipients, uint64_t seed) {
  std::sort(recipients.begin(), recipients.end());
  recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
  auto derive = [&](uint64_t n, unsigned char* out, size_t len) {
    unsigned char in[16];
    std::memcpy(in, &seed, 8);
    std::memcpy(in + 8, &n, 8);
    crypto_generichash(out, len, in, sizeof in, nullptr, 0);
  };
  constexpr size_t kEntry = 8 + crypto_box_PUBLICKEYBYTES + crypto_box_MACBYTES + 32;
  unsigned char valueKey[32];
  derive(0, valueKey, sizeof valueKey);
  std::string raw;
  raw.push_back(1);
  raw.push_back(static_cast<char>(recipients.size()));
  for (size_t i = 0; i < recipients.size(); ++i) {
    unsigned char eseed[crypto_box_SEEDBYTES], epk[crypto_box_PUBLICKEYBYTES],
        esk[crypto_box_SECRETKEYBYTES], nonce[crypto_box_NONCEBYTES],
        boxed[crypto_box_MACBYTES + 32];
    derive(1 + i, eseed, sizeof eseed);
    crypto_box_seed_keypair(epk, esk, eseed);
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, sizeof nonce);
    crypto_generichash_update(&st, epk, sizeof epk);
    crypto_generichash_update(&st, recipients[i].data(), recipients[i].size());
    crypto_generichash_final(&st, nonce, sizeof nonce);
    REQUIRE(crypto_box_easy(boxed, valueKey, sizeof valueKey, nonce, recipients[i].data(), esk) ==
            0);
    raw.append(reinterpret_cast<const char*>(recipients[i].data()), 8);
    raw.append(reinterpret_cast<const char*>(epk), sizeof epk);
    raw.append(reinterpret_cast<const char*>(boxed), sizeof boxed);
  }
  static_assert(kEntry == 8 + crypto_box_SEALBYTES + 32);
  size_t header = raw.size();
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  derive(1000, nonce, sizeof nonce);
  raw.append(reinterpret_cast<const char*>(nonce), sizeof nonce);
  std::string ad("renda/sealed/v1\0", 16);
  ad += recordKindName(kind);
  ad.push_back('\0');
  ad += field;
  ad.push_back('\0');
  ad.append(raw.data(), header);
  std::string cipher(clear.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(cipher.data()), &written,
      reinterpret_cast<const unsigned char*>(clear.data()), clear.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce, valueKey);
  raw += cipher;
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string b64(sodium_base64_ENCODED_LEN(raw.size(), kVariant), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), kVariant);
  b64.resize(std::strlen(b64.c_str()));
  return std::string(kSealedPrefix) + b64;
}

// A store's content for comparing replicas: every held change (decoded, in
// arrival order), its applied flag, and every act's verdict, read from the
// tables directly (a test-only path: the store shows flags per record only).
struct Content {
  std::vector<HeldChange> changes;
  std::vector<std::string> envelopes;
  std::map<ChangeId, bool> applied;
  std::map<ChangeId, std::string> verdicts;
};

inline Content contentOf(storage::Store& s) {
  Content out;
  auto txn = storage::ReadTxn::begin(s.env());
  REQUIRE(txn);
  MDB_dbi changes, acts;
  REQUIRE(mdb_dbi_open(txn->get(), "changes", 0, &changes) == 0);
  REQUIRE(mdb_dbi_open(txn->get(), "acts", 0, &acts) == 0);
  auto c = storage::Cursor::open(*txn, changes);
  REQUIRE(c);
  for (auto ok = c->first();; ok = c->next()) {
    REQUIRE(ok);
    if (!*ok) break;
    auto v = c->value();
    REQUIRE(v.size() > storage::keys::kChangeHeader);
    auto env = decodeEnvelope(v.subspan(storage::keys::kChangeHeader));
    REQUIRE(env);
    auto change = decodeChange(crypto::asBytes(env->body));
    REQUIRE(change);
    ChangeId id = crypto::changeId(crypto::asBytes(env->body));
    out.applied[id] = (v[1] & storage::keys::kFlagApplied) != 0;
    auto verdict = txn->get(acts, c->key());
    REQUIRE(verdict);
    if (verdict->has_value()) out.verdicts[id] = std::string(storage::viewOf(**verdict));
    out.envelopes.emplace_back(storage::viewOf(v.subspan(storage::keys::kChangeHeader)));
    out.changes.push_back({id, std::move(*change)});
  }
  return out;
}

}  // namespace renda::sim
