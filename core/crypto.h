// SPDX-License-Identifier: Apache-2.0
// Signing, hashing and key sealing on libsodium. Every signature is over
//   context (NUL-terminated ASCII, one per object type) || network id || bytes
// so a signature made for one purpose never verifies as another.
// REQUIRES: sodium_init() was called (app's main does it).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"

namespace renda::crypto {

// Context prefixes. The trailing NUL is part of the prefix.
inline constexpr std::string_view kChangeContext{"renda/change/v1\0", 16};
inline constexpr std::string_view kCertContext{"renda/cert/v1\0", 14};
inline constexpr std::string_view kRevocationContext{"renda/revocation/v1\0", 20};
inline constexpr std::string_view kSettlementContext{"renda/settle/v1\0", 16};
inline constexpr std::string_view kBundleContext{"renda/bundle/v1\0", 16};
inline constexpr std::string_view kIdContext{"renda/id/v1\0", 12};
inline constexpr uint16_t kSuiteEd25519Blake2b = 1;

using Bytes = std::span<const unsigned char>;

inline Bytes asBytes(std::string_view s) {
  return Bytes(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

// A fresh Ed25519 key pair.
SecretKey generateSigningKey();
// Deterministic key pair from a 32-byte seed (tests and known-answer vectors).
SecretKey signingKeyFromSeed(const unsigned char seed[crypto_sign_SEEDBYTES]);

// A fresh X25519 key pair for sealing personal fields (never used to sign).
BoxSecretKey generateBoxKey();

Signature sign(std::string_view context, const NetworkId& network, Bytes body,
               const SecretKey& key);
// True only for a valid signature by `signer` over context || network || body.
bool verify(std::string_view context, const NetworkId& network, Bytes body, const Signature& sig,
            const PublicKey& signer);

// The id of a change: BLAKE2b-256(kIdContext || body).
ChangeId changeId(Bytes body);
// Plain BLAKE2b-256 of bytes.
Hash hash(Bytes bytes);

// Incremental BLAKE2b-256.
class Hasher {
 public:
  Hasher();
  void update(Bytes bytes);
  Hash finish();

 private:
  crypto_generichash_state state_;
};

// The Argon2id cost of turning a passphrase into a key (crypto_pwhash).
struct PassphraseCost {
  uint64_t opsLimit = 0;
  uint64_t memLimitBytes = 0;
  bool operator==(const PassphraseCost&) const = default;
};
// libsodium's MODERATE limits (3 passes over 256 MiB, about 0.8 s on a
// township laptop): what secrets are sealed with now.
inline constexpr PassphraseCost kPassphraseModerate{crypto_pwhash_OPSLIMIT_MODERATE,
                                                    crypto_pwhash_MEMLIMIT_MODERATE};
// libsodium's INTERACTIVE limits (2 passes over 64 MiB): what key files sealed
// before the cost was stored used.
inline constexpr PassphraseCost kPassphraseInteractive{crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE};
// The most a sealed secret may ask for when it is opened (a damaged or
// crafted file could otherwise ask for any amount of memory or time).
inline constexpr uint64_t kMaxPassphraseOps = 16;
inline constexpr uint64_t kMaxPassphraseMemBytes = uint64_t(4) << 30;

// Seals a secret (e.g. a key file's contents) under a passphrase with Argon2id
// at `cost` and XSalsa20-Poly1305 (secretbox). The cost is stored, so it can
// be raised later and what was sealed before still opens. Layout:
//   u8 version (2) | u64 opsLimit | u64 memLimitBytes (big-endian)
//   | salt(16) | nonce(24) | secretbox(mac 16 || ciphertext)
// ResourceExhausted when there is not the memory `cost` asks for.
// REQUIRES: `cost` within [crypto_pwhash_*_MIN, kMaxPassphrase*], memory in whole KiB.
Result<std::string> sealWithPassphrase(Bytes secret, std::string_view passphrase,
                                       PassphraseCost cost = kPassphraseModerate);
// The inverse. InvalidInput when the passphrase is wrong or the bytes were
// changed (the two cannot be told apart), or the stored cost is out of bounds.
Result<std::string> openWithPassphrase(Bytes sealed, std::string_view passphrase);
// The cost stored in sealed bytes (read without the passphrase).
Result<PassphraseCost> passphraseCostOf(Bytes sealed);
// Opens the layout written before the cost was stored (version 1, no version
// byte): salt(16) | nonce(24) | secretbox, always at kPassphraseInteractive.
Result<std::string> openLegacyWithPassphrase(Bytes sealed, std::string_view passphrase);

}  // namespace renda::crypto
