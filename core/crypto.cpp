// SPDX-License-Identifier: Apache-2.0
#include "core/crypto.h"

#include <vector>

namespace renda::crypto {

SecretKey generateSigningKey() {
  SecretKey sk;
  PublicKey pk;
  crypto_sign_keypair(pk.data(), sk.data());
  return sk;
}

SecretKey signingKeyFromSeed(const unsigned char seed[crypto_sign_SEEDBYTES]) {
  SecretKey sk;
  PublicKey pk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), seed);
  return sk;
}

BoxSecretKey generateBoxKey() {
  BoxSecretKey sk;
  BoxPublicKey pk;
  crypto_box_keypair(pk.data(), sk.data());
  return sk;
}

namespace {

// Builds context || network || body in one buffer (bodies are at most 64 KiB).
std::vector<unsigned char> signedMessage(std::string_view context, const NetworkId& network,
                                         Bytes body) {
  std::vector<unsigned char> m;
  m.reserve(context.size() + network.size() + body.size());
  m.insert(m.end(), context.begin(), context.end());
  m.insert(m.end(), network.bytes.begin(), network.bytes.end());
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

}  // namespace

Signature sign(std::string_view context, const NetworkId& network, Bytes body,
               const SecretKey& key) {
  auto m = signedMessage(context, network, body);
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, m.data(), m.size(), key.data());
  return sig;
}

bool verify(std::string_view context, const NetworkId& network, Bytes body, const Signature& sig,
            const PublicKey& signer) {
  auto m = signedMessage(context, network, body);
  return crypto_sign_verify_detached(sig.data(), m.data(), m.size(), signer.data()) == 0;
}

ChangeId changeId(Bytes body) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, ChangeId::kSize);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kIdContext.data()),
                            kIdContext.size());
  crypto_generichash_update(&st, body.data(), body.size());
  ChangeId id;
  crypto_generichash_final(&st, id.data(), id.size());
  return id;
}

Hash hash(Bytes bytes) {
  Hash h;
  crypto_generichash(h.data(), h.size(), bytes.data(), bytes.size(), nullptr, 0);
  return h;
}

Hasher::Hasher() { crypto_generichash_init(&state_, nullptr, 0, Hash::kSize); }
void Hasher::update(Bytes bytes) { crypto_generichash_update(&state_, bytes.data(), bytes.size()); }
Hash Hasher::finish() {
  Hash h;
  crypto_generichash_final(&state_, h.data(), h.size());
  return h;
}

std::string sealWithPassphrase(Bytes secret, std::string_view passphrase) {
  unsigned char salt[crypto_pwhash_SALTBYTES];
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  auto* key = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
  RENDA_ASSERT(key != nullptr);
  int rc = crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(), salt,
                         crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                         crypto_pwhash_ALG_ARGON2ID13);
  RENDA_ASSERT(rc == 0);
  std::string out(sizeof salt + sizeof nonce + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(o, salt, sizeof salt);
  std::memcpy(o + sizeof salt, nonce, sizeof nonce);
  crypto_secretbox_easy(o + sizeof salt + sizeof nonce, secret.data(), secret.size(), nonce, key);
  sodium_free(key);
  return out;
}

Result<std::string> openWithPassphrase(Bytes sealed, std::string_view passphrase) {
  constexpr size_t kHead = crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES;
  if (sealed.size() < kHead + crypto_secretbox_MACBYTES)
    return Status::invalid("the key file is too short; it is damaged");
  auto* key = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
  RENDA_ASSERT(key != nullptr);
  int rc = crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(),
                         sealed.data(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
  RENDA_ASSERT(rc == 0);
  std::string out(sealed.size() - kHead - crypto_secretbox_MACBYTES, '\0');
  rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                  sealed.data() + kHead, sealed.size() - kHead,
                                  sealed.data() + crypto_pwhash_SALTBYTES, key);
  sodium_free(key);
  if (rc != 0) {
    sodium_memzero(out.data(), out.size());
    return Status::invalid("the passphrase is wrong, or the key file was altered");
  }
  return out;
}

}  // namespace renda::crypto
