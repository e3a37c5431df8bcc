// SPDX-License-Identifier: Apache-2.0
#include "core/bytes.h"

#include <new>

namespace renda {

std::string toHex(const void* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(n * 2, '0');
  auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[b[i] >> 4];
    out[2 * i + 1] = kDigits[b[i] & 15];
  }
  return out;
}

static int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> fromHex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hexDigit(hex[2 * i]), lo = hexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

SecretKey::SecretKey() {
  p_ = static_cast<unsigned char*>(sodium_malloc(size()));
  if (!p_) throw std::bad_alloc();
  sodium_memzero(p_, size());
}

SecretKey::~SecretKey() {
  if (p_) sodium_free(p_);  // sodium_free wipes before freeing
}

SecretKey::SecretKey(SecretKey&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    if (p_) sodium_free(p_);
    p_ = other.p_;
    other.p_ = nullptr;
  }
  return *this;
}

PublicKey SecretKey::publicKey() const {
  PublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.data(), p_);
  return pk;
}

BoxSecretKey::BoxSecretKey() {
  p_ = static_cast<unsigned char*>(sodium_malloc(size()));
  if (!p_) throw std::bad_alloc();
  sodium_memzero(p_, size());
}

BoxSecretKey::~BoxSecretKey() {
  if (p_) sodium_free(p_);
}

BoxSecretKey::BoxSecretKey(BoxSecretKey&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }

BoxSecretKey& BoxSecretKey::operator=(BoxSecretKey&& other) noexcept {
  if (this != &other) {
    if (p_) sodium_free(p_);
    p_ = other.p_;
    other.p_ = nullptr;
  }
  return *this;
}

BoxPublicKey BoxSecretKey::publicKey() const {
  BoxPublicKey pk;
  crypto_scalarmult_base(pk.data(), p_);
  return pk;
}

}  // namespace renda
