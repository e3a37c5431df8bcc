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

namespace {

constexpr uint8_t kSealedVersion = 2;
constexpr size_t kCostBytes = 1 + 8 + 8;
constexpr size_t kSaltNonceBytes = crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES;

void putU64(unsigned char* out, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<unsigned char>(v);
}

uint64_t getU64(const unsigned char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | in[i];
  return v;
}

// Argon2 counts memory in KiB: a cost that is not a whole number of KiB would
// derive the same key as the KiB below it, so it is not a cost renda writes.
bool withinBounds(const PassphraseCost& c) {
  return c.opsLimit >= crypto_pwhash_OPSLIMIT_MIN && c.opsLimit <= kMaxPassphraseOps &&
         c.memLimitBytes >= crypto_pwhash_MEMLIMIT_MIN &&
         c.memLimitBytes <= kMaxPassphraseMemBytes && c.memLimitBytes % 1024 == 0;
}

// Opens salt | nonce | secretbox (`body`) with the key `cost` derives from
// `passphrase`.
Result<std::string> openBody(Bytes body, std::string_view passphrase, const PassphraseCost& cost) {
  if (body.size() < kSaltNonceBytes + crypto_secretbox_MACBYTES)
    return Status::invalid("the sealed key is too short; the key file is damaged");
  auto* key = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
  RENDA_ASSERT(key != nullptr);
  int rc = crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(),
                         body.data(), cost.opsLimit, size_t(cost.memLimitBytes),
                         crypto_pwhash_ALG_ARGON2ID13);
  if (rc != 0) {
    sodium_free(key);
    return Status::exhausted("there is not enough memory to open the key file (it needs " +
                             std::to_string(cost.memLimitBytes >> 20) +
                             " MB); close other programs and try again");
  }
  std::string out(body.size() - kSaltNonceBytes - crypto_secretbox_MACBYTES, '\0');
  rc = crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                  body.data() + kSaltNonceBytes, body.size() - kSaltNonceBytes,
                                  body.data() + crypto_pwhash_SALTBYTES, key);
  sodium_free(key);
  if (rc != 0) {
    sodium_memzero(out.data(), out.size());
    return Status::invalid("the passphrase is not right (or the key file is damaged)");
  }
  return out;
}

}  // namespace

Result<std::string> sealWithPassphrase(Bytes secret, std::string_view passphrase,
                                       PassphraseCost cost) {
  RENDA_REQUIRE(withinBounds(cost));
  std::string out(kCostBytes + kSaltNonceBytes + crypto_secretbox_MACBYTES + secret.size(), '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = kSealedVersion;
  putU64(o + 1, cost.opsLimit);
  putU64(o + 9, cost.memLimitBytes);
  unsigned char* salt = o + kCostBytes;
  unsigned char* nonce = salt + crypto_pwhash_SALTBYTES;
  randombytes_buf(salt, crypto_pwhash_SALTBYTES);
  randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
  auto* key = static_cast<unsigned char*>(sodium_malloc(crypto_secretbox_KEYBYTES));
  RENDA_ASSERT(key != nullptr);
  int rc = crypto_pwhash(key, crypto_secretbox_KEYBYTES, passphrase.data(), passphrase.size(), salt,
                         cost.opsLimit, size_t(cost.memLimitBytes), crypto_pwhash_ALG_ARGON2ID13);
  if (rc != 0) {
    sodium_free(key);
    return Status::exhausted("there is not enough memory to seal the key with a passphrase (it "
                             "needs " + std::to_string(cost.memLimitBytes >> 20) +
                             " MB); close other programs and try again");
  }
  crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES, secret.data(), secret.size(), nonce,
                        key);
  sodium_free(key);
  return out;
}

Result<PassphraseCost> passphraseCostOf(Bytes sealed) {
  if (sealed.size() < kCostBytes) return Status::invalid("the sealed key is too short; the key file is damaged");
  if (sealed[0] != kSealedVersion)
    return Status::invalid("the key file was sealed by a newer version of renda; use that version");
  PassphraseCost cost{getU64(sealed.data() + 1), getU64(sealed.data() + 9)};
  if (!withinBounds(cost))
    return Status::invalid("the key file asks for an impossible passphrase cost; it is damaged");
  return cost;
}

Result<std::string> openWithPassphrase(Bytes sealed, std::string_view passphrase) {
  auto cost = passphraseCostOf(sealed);
  if (!cost) return cost.status();
  return openBody(sealed.subspan(kCostBytes), passphrase, *cost);
}

Result<std::string> openLegacyWithPassphrase(Bytes sealed, std::string_view passphrase) {
  return openBody(sealed, passphrase, kPassphraseInteractive);
}

}  // namespace renda::crypto
