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

// Seals a secret (e.g. a key file's contents) under a passphrase with Argon2id
// (crypto_pwhash, interactive limits) and XSalsa20-Poly1305 (secretbox).
// Layout: salt(16) || nonce(24) || secretbox(mac 16 || ciphertext).
std::string sealWithPassphrase(Bytes secret, std::string_view passphrase);
// The inverse; InvalidInput when the passphrase is wrong or the bytes were altered.
Result<std::string> openWithPassphrase(Bytes sealed, std::string_view passphrase);

}  // namespace renda::crypto
