// SPDX-License-Identifier: Apache-2.0
// SymmetricKey and CipherState of net/noise.h: ChaChaPoly as Noise section
// 12.3 defines it on crypto_aead_chacha20poly1305_ietf.
#include <new>

#include "net/noise.h"
#include "net/noise_symmetric.h"

namespace renda::net::noise {

namespace {

// Secure memory of one CipherState: the key, then room for REKEY's output.
constexpr size_t kCipherBlockBytes = 2 * kKeyBytes;

// ChaChaPoly's 96-bit nonce: 32 bits of zeros, then n as a u64 little-endian.
void encodeNonce(uint64_t n, unsigned char out[crypto_aead_chacha20poly1305_IETF_NPUBBYTES]) {
  static_assert(crypto_aead_chacha20poly1305_IETF_NPUBBYTES == 12);
  for (int i = 0; i < 4; ++i) out[i] = 0;
  for (int i = 0; i < 8; ++i) out[4 + i] = static_cast<unsigned char>(n >> (8 * i));
}

Status noncesUsedUp() {
  return Status::exhausted(
      "noise: this session has used all 2^64-1 nonces of its key; end it and start a new one");
}

}  // namespace

namespace detail {

void aeadEncrypt(const unsigned char key[kKeyBytes], uint64_t n, crypto::Bytes ad,
                 crypto::Bytes plaintext, std::string& out) {
  unsigned char nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
  encodeNonce(n, nonce);
  size_t start = out.size();
  out.resize(start + plaintext.size() + kTagBytes);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data() + start),
                                            &written, plaintext.data(), plaintext.size(), ad.data(),
                                            ad.size(), nullptr, nonce, key);
  RENDA_ASSERT(written == plaintext.size() + kTagBytes);
}

bool aeadDecrypt(const unsigned char key[kKeyBytes], uint64_t n, crypto::Bytes ad,
                 crypto::Bytes ciphertext, std::string& out) {
  if (ciphertext.size() < kTagBytes) return false;
  unsigned char nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
  encodeNonce(n, nonce);
  size_t start = out.size();
  out.resize(start + ciphertext.size() - kTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data() + start), &written, nullptr,
          ciphertext.data(), ciphertext.size(), ad.data(), ad.size(), nonce, key) != 0) {
    out.resize(start);
    return false;
  }
  return true;
}

}  // namespace detail

// --- SymmetricKey -----------------------------------------------------------

SymmetricKey::SymmetricKey() : p_(static_cast<unsigned char*>(sodium_malloc(kKeyBytes))) {
  if (!p_) throw std::bad_alloc();
  sodium_memzero(p_.get(), kKeyBytes);
}

std::optional<SymmetricKey> SymmetricKey::fromSpan(const void* p, size_t n) {
  if (n != kKeyBytes) return std::nullopt;
  SymmetricKey k;
  std::memcpy(k.data(), p, kKeyBytes);
  return k;
}

// --- CipherState ------------------------------------------------------------

Result<CipherState> CipherState::fromKey(const SymmetricKey& key) {
  CipherState c;
  RENDA_TRY(c.initializeKey(key.data()));
  return c;
}

Status CipherState::initializeKey(const unsigned char* key) {
  if (!k_) {
    k_.reset(static_cast<unsigned char*>(sodium_malloc(kCipherBlockBytes)));
    if (!k_) return Status::exhausted("noise: no secure memory for a key (sodium_malloc failed)");
  }
  std::memcpy(k_.get(), key, kKeyBytes);
  n_ = 0;
  return Status::ok();
}

Result<std::string> CipherState::encrypt(crypto::Bytes ad, crypto::Bytes plaintext) {
  if (!k_) return Status::invalid("noise: this CipherState has no key");
  if (plaintext.size() > kMaxPlaintextBytes)
    return Status::exhausted("noise: a plaintext of " + std::to_string(plaintext.size()) +
                             " bytes is over the transport limit of " +
                             std::to_string(kMaxPlaintextBytes) + "; split it");
  if (n_ > kMaxNonce) return noncesUsedUp();
  std::string out;
  detail::aeadEncrypt(k_.get(), n_, ad, plaintext, out);
  ++n_;
  return out;
}

Result<std::string> CipherState::decrypt(crypto::Bytes ad, crypto::Bytes ciphertext) {
  if (!k_) return Status::invalid("noise: this CipherState has no key");
  if (ciphertext.size() > kMaxMessageBytes)
    return Status::invalid("noise: a transport message of " + std::to_string(ciphertext.size()) +
                           " bytes is over the limit of 65,535");
  if (n_ > kMaxNonce) return noncesUsedUp();
  std::string out;
  if (!detail::aeadDecrypt(k_.get(), n_, ad, ciphertext, out))
    return Status::invalid(
        "noise: a message did not authenticate (altered, out of order, or under another key)");
  ++n_;
  return out;
}

Status CipherState::rekey() {
  if (!k_) return Status::invalid("noise: this CipherState has no key");
  unsigned char nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
  encodeNonce(UINT64_MAX, nonce);
  static const unsigned char kZeros[kKeyBytes] = {};
  unsigned char tag[kTagBytes];
  unsigned char* next = k_.get() + kKeyBytes;
  crypto_aead_chacha20poly1305_ietf_encrypt_detached(next, tag, nullptr, kZeros, kKeyBytes, nullptr,
                                                     0, nullptr, nonce, k_.get());
  std::memcpy(k_.get(), next, kKeyBytes);
  sodium_memzero(next, kKeyBytes);
  sodium_memzero(tag, sizeof tag);
  return Status::ok();
}

}  // namespace renda::net::noise
