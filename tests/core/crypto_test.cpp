// SPDX-License-Identifier: Apache-2.0
// crypto: RFC 8032 Ed25519 known answers through our key type, context and
// network separation of signatures, ids and hashes, and passphrase sealing.
#include "core/crypto.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <set>

#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::bytesOf;
using test::keyFromByte;
using test::networkFromByte;

std::string unhex(std::string_view hex) {
  auto raw = fromHex(hex);
  REQUIRE(raw.has_value());
  return *raw;
}

struct Rfc8032Vector {
  const char* seed;
  const char* publicKey;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, TEST 1 to TEST 3 (SECRET KEY is the 32-byte seed).
const Rfc8032Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
     "b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984d"
     "c6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST_CASE("Ed25519: RFC 8032 vectors 1-3 give the published key and signature",
          "[core][crypto][kat]") {
  int n = 0;
  for (const auto& v : kRfc8032) {
    INFO("RFC 8032 TEST " << ++n);
    std::string seed = unhex(v.seed);
    REQUIRE(seed.size() == crypto_sign_SEEDBYTES);
    SecretKey sk = crypto::signingKeyFromSeed(reinterpret_cast<const unsigned char*>(seed.data()));
    CHECK(toHex(sk.publicKey()) == v.publicKey);

    std::string msg = unhex(v.message);
    Signature sig;
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                         msg.size(), sk.data());
    CHECK(toHex(sig) == v.signature);
    PublicKey pk = sk.publicKey();
    CHECK(crypto_sign_verify_detached(sig.data(),
                                      reinterpret_cast<const unsigned char*>(msg.data()),
                                      msg.size(), pk.data()) == 0);
    // Our sign() prefixes a context and a network id, so it must not reproduce
    // the raw RFC signature for the same message.
    Signature ours = crypto::sign(crypto::kChangeContext, NetworkId{}, bytesOf(msg), sk);
    CHECK(ours != sig);
  }
}

TEST_CASE("Sign: a signature under one context never verifies under another", "[core][crypto]") {
  const std::string_view contexts[] = {crypto::kChangeContext, crypto::kCertContext,
                                       crypto::kRevocationContext, crypto::kBundleContext,
                                       crypto::kIdContext};
  SecretKey key = keyFromByte(0x11);
  PublicKey pk = key.publicKey();
  NetworkId net = networkFromByte(0x22);
  std::string body = "the same body bytes";
  for (auto signCtx : contexts) {
    Signature sig = crypto::sign(signCtx, net, bytesOf(body), key);
    for (auto verifyCtx : contexts) {
      INFO("signed under '" << signCtx.data() << "', verified under '" << verifyCtx.data() << "'");
      CHECK(crypto::verify(verifyCtx, net, bytesOf(body), sig, pk) == (signCtx == verifyCtx));
    }
  }
  SECTION("a certificate signature is not accepted as a change signature") {
    Signature certSig = crypto::sign(crypto::kCertContext, net, bytesOf(body), key);
    CHECK_FALSE(crypto::verify(crypto::kChangeContext, net, bytesOf(body), certSig, pk));
  }
}

TEST_CASE("Sign: a signature for one network id fails for another", "[core][crypto]") {
  SecretKey key = keyFromByte(0x11);
  std::string body = "body";
  NetworkId a = networkFromByte(1);
  Signature sig = crypto::sign(crypto::kChangeContext, a, bytesOf(body), key);
  CHECK(crypto::verify(crypto::kChangeContext, a, bytesOf(body), sig, key.publicKey()));
  for (size_t i = 0; i < NetworkId::kSize; ++i) {
    NetworkId b = a;
    b.bytes[i] ^= 0x80;
    CHECK_FALSE(crypto::verify(crypto::kChangeContext, b, bytesOf(body), sig, key.publicKey()));
  }
}

TEST_CASE("Sign: another key, a changed body or a flipped signature bit fails", "[core][crypto]") {
  SecretKey key = keyFromByte(0x11);
  SecretKey other = keyFromByte(0x12);
  NetworkId net = networkFromByte(3);
  std::string body = "change body";
  Signature sig = crypto::sign(crypto::kChangeContext, net, bytesOf(body), key);
  CHECK_FALSE(crypto::verify(crypto::kChangeContext, net, bytesOf(body), sig, other.publicKey()));
  CHECK_FALSE(
      crypto::verify(crypto::kChangeContext, net, bytesOf("change bodY"), sig, key.publicKey()));
  for (size_t bit = 0; bit < Signature::kSize * 8; ++bit) {
    Signature bad = sig;
    bad.bytes[bit / 8] ^= static_cast<unsigned char>(1u << (bit % 8));
    INFO("bit " << bit);
    CHECK_FALSE(crypto::verify(crypto::kChangeContext, net, bytesOf(body), bad, key.publicKey()));
  }
}

TEST_CASE("ChangeId: is BLAKE2b-256 over the id context and the body", "[core][crypto]") {
  std::string body = "abc";
  ChangeId id = crypto::changeId(bytesOf(body));
  std::string prefixed = std::string(crypto::kIdContext) + body;
  Hash expected = crypto::hash(bytesOf(prefixed));
  CHECK(std::equal(id.bytes.begin(), id.bytes.end(), expected.bytes.begin()));
  CHECK(crypto::changeId(bytesOf("abd")) != id);
  // BLAKE2b-256("abc"), RFC 7693 style known answer for the plain hash.
  CHECK(toHex(crypto::hash(bytesOf(body))) ==
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST_CASE("Hasher: incremental updates equal one-shot hashing", "[core][crypto]") {
  std::string data(1000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  crypto::Hasher h;
  h.update(bytesOf(data.substr(0, 1)));
  h.update(bytesOf(data.substr(1, 500)));
  h.update(bytesOf(data.substr(501)));
  CHECK(h.finish() == crypto::hash(bytesOf(data)));
}

// Argon2id's least cost (one pass over 8 KiB): these tests are about the
// format, not the cost, and stay fast. Production seals at kPassphraseModerate.
constexpr crypto::PassphraseCost kCheap{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
constexpr size_t kCostBytes = 1 + 8 + 8;

std::string sealCheap(const std::string& secret, const char* passphrase) {
  auto sealed = crypto::sealWithPassphrase(bytesOf(secret), passphrase, kCheap);
  REQUIRE(sealed.isOk());
  return *sealed;
}

TEST_CASE("Passphrase: seal then open returns the secret", "[core][crypto][passphrase]") {
  std::string secret = "32 bytes of pretend key material";
  std::string sealed = sealCheap(secret, "correct horse");
  CHECK(sealed.size() == kCostBytes + crypto_pwhash_SALTBYTES + crypto_secretbox_NONCEBYTES +
                             crypto_secretbox_MACBYTES + secret.size());
  CHECK(sealed.find(secret) == std::string::npos);
  auto opened = crypto::openWithPassphrase(bytesOf(sealed), "correct horse");
  REQUIRE(opened.isOk());
  CHECK(*opened == secret);

  SECTION("two seals of one secret differ (fresh salt and nonce)") {
    CHECK(sealCheap(secret, "correct horse") != sealed);
  }
  SECTION("the wrong passphrase fails, and the message does not speak of tampering") {
    auto r = crypto::openWithPassphrase(bytesOf(sealed), "correct horsE");
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::StartsWith("the passphrase is not right"));
    CHECK_THAT(r.status().message(), !Catch::Contains("altered"));
  }
  SECTION("a flipped byte in version, cost, salt, nonce, MAC or ciphertext fails") {
    const size_t salt = kCostBytes, nonce = salt + crypto_pwhash_SALTBYTES;
    const size_t mac = nonce + crypto_secretbox_NONCEBYTES;
    const size_t text = mac + crypto_secretbox_MACBYTES;
    for (size_t at : {size_t{0}, size_t{1}, size_t{8}, size_t{16}, salt, nonce + 3, mac + 5, text,
                      sealed.size() - 1}) {
      std::string bad = sealed;
      bad[at] = static_cast<char>(bad[at] ^ 0x01);
      INFO("byte " << at);
      auto r = crypto::openWithPassphrase(bytesOf(bad), "correct horse");
      CHECK(r.status().code() == Code::kInvalidInput);
    }
  }
  SECTION("a truncated file fails without a passphrase check") {
    for (size_t n : {size_t{0}, size_t{16}, size_t{56}, size_t{72}}) {
      auto r = crypto::openWithPassphrase(bytesOf(sealed.substr(0, n)), "correct horse");
      CHECK(r.status().code() == Code::kInvalidInput);
    }
    auto r =
        crypto::openWithPassphrase(bytesOf(sealed.substr(0, sealed.size() - 1)), "correct horse");
    CHECK(r.status().code() == Code::kInvalidInput);
  }
}

TEST_CASE("Passphrase: the cost is stored and bound to the key", "[core][crypto][passphrase]") {
  std::string sealed = sealCheap("secret", "pw");
  auto cost = crypto::passphraseCostOf(bytesOf(sealed));
  REQUIRE(cost.isOk());
  CHECK(*cost == kCheap);
  CHECK(sealed[0] == 2);

  SECTION("another valid cost written into the file does not open it") {
    std::string raised = sealed;
    raised[8] = 2;  // opsLimit 1 -> 2
    REQUIRE(crypto::passphraseCostOf(bytesOf(raised)).isOk());
    CHECK(crypto::openWithPassphrase(bytesOf(raised), "pw").status().code() ==
          Code::kInvalidInput);
  }
  SECTION("a cost out of bounds is refused before any work") {
    std::string huge = sealed;
    huge[9] = 1;  // memLimitBytes >= 2^56
    auto r = crypto::openWithPassphrase(bytesOf(huge), "pw");
    CHECK(r.status().code() == Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains("damaged"));
  }
  SECTION("a newer format version is named as such") {
    std::string newer = sealed;
    newer[0] = 3;
    auto r = crypto::openWithPassphrase(bytesOf(newer), "pw");
    CHECK(r.status().code() == Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains("newer version"));
  }
}

TEST_CASE("Passphrase: secrets are sealed at libsodium's MODERATE cost by default",
          "[core][crypto][passphrase]") {
  auto sealed = crypto::sealWithPassphrase(bytesOf("secret"), "pw");  // one derivation, ~1 s
  REQUIRE(sealed.isOk());
  auto cost = crypto::passphraseCostOf(bytesOf(*sealed));
  REQUIRE(cost.isOk());
  CHECK(cost->opsLimit == crypto_pwhash_OPSLIMIT_MODERATE);
  CHECK(cost->memLimitBytes == crypto_pwhash_MEMLIMIT_MODERATE);
  CHECK(*cost == crypto::kPassphraseModerate);
}

TEST_CASE("Passphrase: a key sealed before the cost was stored still opens",
          "[core][crypto][passphrase][regression]") {
  // tests/testdata/keyfile-v1-*.key: `renda init --passphrase` of the
  // version before the cost was stored, passphrase "correct horse":
  // "RENDA-KEY-v1\n" | 0x01 | salt | nonce | secretbox (INTERACTIVE).
  std::ifstream in(std::string(RENDA_TESTDATA_DIR) + "/keyfile-v1-device.key", std::ios::binary);
  std::string file((std::istreambuf_iterator<char>(in)), {});
  REQUIRE(file.size() == 13 + 1 + 16 + 24 + 16 + 64);
  REQUIRE(file[13] == 1);
  std::string legacy = file.substr(14);
  auto opened = crypto::openLegacyWithPassphrase(bytesOf(legacy), "correct horse");
  REQUIRE(opened.isOk());
  REQUIRE(opened->size() == 64);
  // An Ed25519 secret key ends with its public key: the node key init printed.
  CHECK(toHex(opened->data() + 32, 32) ==
        "85e55f41f28085b3a1f8f63daf0a650b0e55c259bd03475f32211cbc6b78e329");
  CHECK(crypto::openLegacyWithPassphrase(bytesOf(legacy), "correct horsE").status().code() ==
        Code::kInvalidInput);

  // Its encryption.key: "RENDA-BOXKEY-v1\n" | public key | 0x01 | sealed X25519 secret.
  std::ifstream box(std::string(RENDA_TESTDATA_DIR) + "/keyfile-v1-encryption.key",
                    std::ios::binary);
  std::string boxFile((std::istreambuf_iterator<char>(box)), {});
  REQUIRE(boxFile.size() == 16 + 32 + 1 + 16 + 24 + 16 + 32);
  REQUIRE(boxFile[48] == 1);
  auto boxSecret = crypto::openLegacyWithPassphrase(bytesOf(boxFile.substr(49)), "correct horse");
  REQUIRE(boxSecret.isOk());
  REQUIRE(boxSecret->size() == 32);
  unsigned char pk[crypto_scalarmult_BYTES];
  REQUIRE(crypto_scalarmult_base(pk, reinterpret_cast<const unsigned char*>(boxSecret->data())) ==
          0);
  CHECK(std::string(reinterpret_cast<char*>(pk), sizeof pk) == boxFile.substr(16, 32));
}

TEST_CASE("Passphrase: an empty secret round-trips", "[core][crypto][passphrase]") {
  std::string sealed = sealCheap("", "pw");
  auto opened = crypto::openWithPassphrase(bytesOf(sealed), "pw");
  REQUIRE(opened.isOk());
  CHECK(opened->empty());
}

TEST_CASE("SecretKey: generated keys differ and embed their public key", "[core][crypto]") {
  std::set<std::string> seen;
  for (int i = 0; i < 8; ++i) {
    SecretKey k = crypto::generateSigningKey();
    PublicKey pk = k.publicKey();
    CHECK(std::equal(pk.bytes.begin(), pk.bytes.end(), k.data() + crypto_sign_SEEDBYTES));
    seen.insert(toHex(pk));
  }
  CHECK(seen.size() == 8);
  SecretKey a = keyFromByte(5);
  SecretKey moved = std::move(a);
  CHECK(moved.publicKey() == keyFromByte(5).publicKey());
}

TEST_CASE("Hex: round-trips and refuses odd length or bad digits", "[core][bytes]") {
  CHECK(toHex("\x00\xff\x10", 3) == "00ff10");
  CHECK(fromHex("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(fromHex("abc").has_value());
  CHECK_FALSE(fromHex("zz").has_value());
  auto id = fixedFromHex<ChangeId>(std::string(64, 'a'));
  REQUIRE(id.has_value());
  CHECK(id->bytes[31] == 0xaa);
  CHECK_FALSE(fixedFromHex<ChangeId>(std::string(62, 'a')).has_value());
}

}  // namespace
}  // namespace renda
