// SPDX-License-Identifier: Apache-2.0
// Internals of net/noise.h: secure memory blocks, BLAKE2b-512 HASH, HMAC and
// HKDF (Noise section 4.3), and the SymmetricState of section 5.2. Only
// noise.cpp and the tests include this; the session layer uses noise.h.
// REQUIRES: sodium_init() was called.
#pragma once

#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "net/noise.h"

namespace renda::net::noise::detail {

// A T (a struct of byte arrays) in sodium_malloc memory: guard pages,
// mlock'ed where the system allows, wiped on free. Move-only; empty when
// allocation failed or after a move.
template <typename T>
class Secure {
  static_assert(alignof(T) == 1, "sodium_malloc only aligns to the allocation size");

 public:
  Secure() = default;
  // A zeroed T, or an empty Secure when sodium_malloc fails.
  static Secure make() {
    Secure s;
    s.p_.reset(static_cast<T*>(sodium_malloc(sizeof(T))));
    if (s.p_) sodium_memzero(s.p_.get(), sizeof(T));
    return s;
  }

  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void wipe() {
    if (p_) sodium_memzero(p_.get(), sizeof(T));
  }

 private:
  std::unique_ptr<T, SodiumFree> p_;
};

// HASH: BLAKE2b with a 64-byte output over the concatenation of `parts`.
void hash(std::initializer_list<crypto::Bytes> parts, unsigned char out[kHashBytes]);

// Scratch for hmac() and hkdf(), kept in secure memory by its owner.
struct HmacScratch {
  unsigned char pad[128];             // key XOR ipad / opad (BLOCKLEN 128)
  unsigned char inner[kHashBytes];    // the inner hash
  unsigned char tempKey[kHashBytes];  // HKDF's temp_key
};

// HMAC-HASH (RFC 2104 with B = 128, L = 64) under `key` over the
// concatenation of `parts`. libsodium's keyed BLAKE2b is a different function.
// REQUIRES: key.size() <= 128 (Noise keys are at most HASHLEN).
void hmac(crypto::Bytes key, std::initializer_list<crypto::Bytes> parts,
          unsigned char out[kHashBytes], HmacScratch& scratch);

// HKDF(chainingKey, ikm) of section 4.3: out1 and out2, and out3 when not
// null. The outputs may alias chainingKey.
// REQUIRES: ikm.size() is 0, 32 or 64 (the section's constraint).
void hkdf(const unsigned char chainingKey[kHashBytes], crypto::Bytes ikm, unsigned char* out1,
          unsigned char* out2, unsigned char* out3, HmacScratch& scratch);

// ChaChaPoly ENCRYPT(k, n, ad, plaintext) of section 12.3 (nonce: 4 zero
// bytes || n as u64 LE), appended to `out`: ciphertext || 16-byte tag.
void aeadEncrypt(const unsigned char key[kKeyBytes], uint64_t n, crypto::Bytes ad,
                 crypto::Bytes plaintext, std::string& out);
// DECRYPT, appended to `out`; false (and `out` unchanged) when `ciphertext`
// does not authenticate or is shorter than a tag.
bool aeadDecrypt(const unsigned char key[kKeyBytes], uint64_t n, crypto::Bytes ad,
                 crypto::Bytes ciphertext, std::string& out);

// The secrets of a SymmetricState: the chaining key, the handshake's cipher
// key, and scratch. Kept by the owner in secure memory.
struct SymmetricSecrets {
  unsigned char ck[kHashBytes];
  unsigned char k[kKeyBytes];
  unsigned char out[3][kHashBytes];  // HKDF outputs
  HmacScratch scratch;
};

// The SymmetricState of section 5.2, with its CipherState (k, n) folded in:
// chaining key and cipher key in the caller's secure memory, and the hash h,
// which is public (it becomes the handshake hash).
class SymmetricState {
 public:
  // InitializeSymmetric(protocolName) over `secrets`.
  // REQUIRES: `secrets` outlives this object and does not move.
  SymmetricState(SymmetricSecrets& secrets, std::string_view protocolName);

  void mixKey(crypto::Bytes ikm);
  void mixHash(crypto::Bytes data);
  void mixKeyAndHash(crypto::Bytes ikm);
  bool hasKey() const { return hasKey_; }
  // Appends EncryptWithAd(h, plaintext) to `out` (the plaintext as is before
  // the first key) and mixes what it appended into h.
  void encryptAndHash(crypto::Bytes plaintext, std::string& out);
  // Appends DecryptWithAd(h, ciphertext) to `out` and mixes the ciphertext
  // into h. InvalidInput when it does not authenticate.
  Status decryptAndHash(crypto::Bytes ciphertext, std::string& out);
  // Split(): c1 (initiator to responder) and c2; then wipes the secrets.
  // ResourceExhausted when secure memory cannot be had.
  Result<std::pair<CipherState, CipherState>> split();
  const unsigned char* handshakeHash() const { return h_; }

 private:
  SymmetricSecrets* s_;
  unsigned char h_[kHashBytes] = {};
  bool hasKey_ = false;
  uint64_t n_ = 0;  // at most a few messages in a handshake: never near 2^64-1
};

// True for the X25519 points of small order that libsodium's
// crypto_scalarmult refuses (has_small_order: 0, 1, the two points of order
// 8, p-1, p, p+1, with or without the unused top bit). Used to refuse a peer's
// key when it arrives; the DH itself checks again.
bool isLowOrderPoint(const unsigned char point[kDhBytes]);

}  // namespace renda::net::noise::detail
