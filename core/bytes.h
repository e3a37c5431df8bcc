// SPDX-License-Identifier: Apache-2.0
// Fixed-size byte values (keys, signatures, ids) as types, hex helpers, and
// secret-key holders (signing and encryption) that live in sodium_malloc
// memory and are wiped on free.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <sodium.h>

namespace renda {

template <size_t N, typename Tag>
struct FixedBytes {
  static constexpr size_t kSize = N;
  std::array<unsigned char, N> bytes{};

  unsigned char* data() { return bytes.data(); }
  const unsigned char* data() const { return bytes.data(); }
  static constexpr size_t size() { return N; }
  bool isZero() const {
    for (auto b : bytes)
      if (b) return false;
    return true;
  }
  // Builds from exactly N bytes; nullopt for any other length.
  static std::optional<FixedBytes> fromSpan(const void* p, size_t n) {
    if (n != N) return std::nullopt;
    FixedBytes out;
    std::memcpy(out.bytes.data(), p, N);
    return out;
  }
  auto operator<=>(const FixedBytes&) const = default;
  bool operator==(const FixedBytes&) const = default;
};

struct PublicKeyTag {};
struct SignatureTag {};
struct ChangeIdTag {};
struct NetworkIdTag {};
struct HashTag {};
struct BoxKeyTag {};
struct NetworkSecretTag {};

using PublicKey = FixedBytes<crypto_sign_PUBLICKEYBYTES, PublicKeyTag>;
using Signature = FixedBytes<crypto_sign_BYTES, SignatureTag>;
using ChangeId = FixedBytes<crypto_generichash_BYTES, ChangeIdTag>;  // also a record id
using RecordId = ChangeId;
using NetworkId = FixedBytes<32, NetworkIdTag>;
using Hash = FixedBytes<32, HashTag>;
// An X25519 public key (crypto_box), for sealing personal fields to a node.
using BoxPublicKey = FixedBytes<crypto_box_PUBLICKEYBYTES, BoxKeyTag>;
// The county network's secret: the pre-shared key of the sync handshake and
// the key beacons are sealed with. WARNING: a secret; wipe copies
// (sodium_memzero) once done with them.
using NetworkSecret = FixedBytes<32, NetworkSecretTag>;

std::string toHex(const void* p, size_t n);
template <size_t N, typename T>
std::string toHex(const FixedBytes<N, T>& b) { return toHex(b.data(), N); }
// Parses lowercase or uppercase hex; nullopt on odd length or a bad digit.
std::optional<std::string> fromHex(std::string_view hex);
template <typename T>
std::optional<T> fixedFromHex(std::string_view hex) {
  auto raw = fromHex(hex);
  if (!raw) return std::nullopt;
  return T::fromSpan(raw->data(), raw->size());
}

// An Ed25519 secret key in guarded sodium_malloc memory. Move-only; wiped on free.
class SecretKey {
 public:
  SecretKey();
  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  unsigned char* data() { return p_; }
  const unsigned char* data() const { return p_; }
  static constexpr size_t size() { return crypto_sign_SECRETKEYBYTES; }
  // The public key embedded in the secret key.
  PublicKey publicKey() const;

 private:
  unsigned char* p_ = nullptr;
};

// An X25519 secret key (crypto_box) in guarded sodium_malloc memory, separate
// from the Ed25519 signing key. Move-only; wiped on free.
class BoxSecretKey {
 public:
  BoxSecretKey();
  ~BoxSecretKey();
  BoxSecretKey(BoxSecretKey&& other) noexcept;
  BoxSecretKey& operator=(BoxSecretKey&& other) noexcept;
  BoxSecretKey(const BoxSecretKey&) = delete;
  BoxSecretKey& operator=(const BoxSecretKey&) = delete;

  unsigned char* data() { return p_; }
  const unsigned char* data() const { return p_; }
  static constexpr size_t size() { return crypto_box_SECRETKEYBYTES; }
  // The public key that belongs to this secret key.
  BoxPublicKey publicKey() const;

 private:
  unsigned char* p_ = nullptr;
};

}  // namespace renda

template <size_t N, typename T>
struct std::hash<renda::FixedBytes<N, T>> {
  size_t operator()(const renda::FixedBytes<N, T>& b) const noexcept {
    size_t h;
    std::memcpy(&h, b.data(), sizeof h);
    return h;
  }
};
