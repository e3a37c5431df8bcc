// SPDX-License-Identifier: Apache-2.0
#include "net/noise_symmetric.h"

namespace renda::net::noise::detail {

void hash(std::initializer_list<crypto::Bytes> parts, unsigned char out[kHashBytes]) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  for (const auto& p : parts) crypto_generichash_update(&st, p.data(), p.size());
  crypto_generichash_final(&st, out, kHashBytes);
}

void hmac(crypto::Bytes key, std::initializer_list<crypto::Bytes> parts,
          unsigned char out[kHashBytes], HmacScratch& scratch) {
  RENDA_REQUIRE(key.size() <= sizeof scratch.pad);
  crypto_generichash_state st;
  // inner = HASH((K || zeros) XOR ipad || text)
  std::memset(scratch.pad, 0x36, sizeof scratch.pad);
  for (size_t i = 0; i < key.size(); ++i) scratch.pad[i] ^= key[i];
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  crypto_generichash_update(&st, scratch.pad, sizeof scratch.pad);
  for (const auto& p : parts) crypto_generichash_update(&st, p.data(), p.size());
  crypto_generichash_final(&st, scratch.inner, kHashBytes);
  // out = HASH((K || zeros) XOR opad || inner)
  std::memset(scratch.pad, 0x5c, sizeof scratch.pad);
  for (size_t i = 0; i < key.size(); ++i) scratch.pad[i] ^= key[i];
  crypto_generichash_init(&st, nullptr, 0, kHashBytes);
  crypto_generichash_update(&st, scratch.pad, sizeof scratch.pad);
  crypto_generichash_update(&st, scratch.inner, kHashBytes);
  crypto_generichash_final(&st, out, kHashBytes);
  sodium_memzero(&st, sizeof st);
  sodium_memzero(scratch.pad, sizeof scratch.pad);
  sodium_memzero(scratch.inner, sizeof scratch.inner);
}

void hkdf(const unsigned char chainingKey[kHashBytes], crypto::Bytes ikm, unsigned char* out1,
          unsigned char* out2, unsigned char* out3, HmacScratch& scratch) {
  RENDA_REQUIRE(ikm.size() == 0 || ikm.size() == 32 || ikm.size() == kHashBytes);
  const unsigned char one = 0x01, two = 0x02, three = 0x03;
  hmac({chainingKey, kHashBytes}, {ikm}, scratch.tempKey, scratch);
  crypto::Bytes tempKey(scratch.tempKey, kHashBytes);
  hmac(tempKey, {{&one, 1}}, out1, scratch);
  hmac(tempKey, {{out1, kHashBytes}, {&two, 1}}, out2, scratch);
  if (out3) hmac(tempKey, {{out2, kHashBytes}, {&three, 1}}, out3, scratch);
  sodium_memzero(scratch.tempKey, sizeof scratch.tempKey);
}

SymmetricState::SymmetricState(SymmetricSecrets& secrets, std::string_view protocolName)
    : s_(&secrets) {
  // h = the name padded with zeros to HASHLEN, or HASH(name) when longer; ck = h.
  if (protocolName.size() <= kHashBytes) {
    std::memcpy(h_, protocolName.data(), protocolName.size());
  } else {
    hash({crypto::asBytes(protocolName)}, h_);
  }
  std::memcpy(s_->ck, h_, kHashBytes);
}

void SymmetricState::mixKey(crypto::Bytes ikm) {
  hkdf(s_->ck, ikm, s_->ck, s_->out[1], nullptr, s_->scratch);
  std::memcpy(s_->k, s_->out[1], kKeyBytes);  // temp_k truncated to 32 bytes
  sodium_memzero(s_->out[1], kHashBytes);
  hasKey_ = true;
  n_ = 0;
}

void SymmetricState::mixHash(crypto::Bytes data) { hash({{h_, kHashBytes}, data}, h_); }

void SymmetricState::mixKeyAndHash(crypto::Bytes ikm) {
  hkdf(s_->ck, ikm, s_->ck, s_->out[1], s_->out[2], s_->scratch);
  mixHash({s_->out[1], kHashBytes});
  std::memcpy(s_->k, s_->out[2], kKeyBytes);
  sodium_memzero(s_->out, sizeof s_->out);
  hasKey_ = true;
  n_ = 0;
}

void SymmetricState::encryptAndHash(crypto::Bytes plaintext, std::string& out) {
  size_t start = out.size();
  if (hasKey_) {
    aeadEncrypt(s_->k, n_++, {h_, kHashBytes}, plaintext, out);
  } else {
    out.append(reinterpret_cast<const char*>(plaintext.data()), plaintext.size());
  }
  mixHash(crypto::asBytes(std::string_view(out).substr(start)));
}

Status SymmetricState::decryptAndHash(crypto::Bytes ciphertext, std::string& out) {
  if (hasKey_) {
    if (!aeadDecrypt(s_->k, n_, {h_, kHashBytes}, ciphertext, out))
      return Status::invalid("noise: a handshake part did not authenticate");
    ++n_;
  } else {
    out.append(reinterpret_cast<const char*>(ciphertext.data()), ciphertext.size());
  }
  mixHash(ciphertext);
  return Status::ok();
}

Result<std::pair<CipherState, CipherState>> SymmetricState::split() {
  hkdf(s_->ck, {}, s_->out[0], s_->out[1], nullptr, s_->scratch);
  std::pair<CipherState, CipherState> c;
  Status s1 = c.first.initializeKey(s_->out[0]);
  Status s2 = c.second.initializeKey(s_->out[1]);
  sodium_memzero(s_, sizeof *s_);
  hasKey_ = false;
  RENDA_TRY(s1);
  RENDA_TRY(s2);
  return c;
}

namespace {

// libsodium's has_small_order() list (crypto_scalarmult/curve25519/ref10).
constexpr unsigned char kLowOrder[7][kDhBytes] = {
    // 0 (order 4)
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    // 1 (order 1)
    {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
     0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
    // order 8
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3,
     0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32,
     0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
    // order 8
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1,
     0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c,
     0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
    // p-1 (order 2)
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    // p (= 0, order 4)
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    // p+1 (= 1, order 1)
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

}  // namespace

bool isLowOrderPoint(const unsigned char point[kDhBytes]) {
  bool low = false;
  for (const auto& bad : kLowOrder) {
    unsigned char diff =
        static_cast<unsigned char>((point[kDhBytes - 1] & 0x7f) ^ bad[kDhBytes - 1]);
    for (size_t j = 0; j + 1 < kDhBytes; ++j) diff |= static_cast<unsigned char>(point[j] ^ bad[j]);
    low |= (diff == 0);  // no early exit: the time does not depend on which one
  }
  return low;
}

}  // namespace renda::net::noise::detail
