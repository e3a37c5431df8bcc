// SPDX-License-Identifier: Apache-2.0
// Passphrase-sealed key files through the real binary: new ones record
// libsodium's MODERATE Argon2id cost in the file; files sealed before the cost
// was stored (INTERACTIVE) still open; a missing or wrong passphrase is said
// as such, not as tampering. Each derivation takes about a second at
// MODERATE, so these tests use few of them.
#include <sodium.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

constexpr size_t kKeyMagicBytes = 13;     // "RENDA-KEY-v1\n"
constexpr size_t kBoxMagicBytes = 16;     // "RENDA-BOXKEY-v1\n"

uint64_t bigEndian(const std::string& s, size_t at) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// The sealed form at `at` (u8 sealed | u8 version | u64 ops | u64 mem | ...)
// records libsodium's MODERATE cost.
void checkModerate(const std::string& file, size_t at) {
  REQUIRE(file.size() > at + 18);
  CHECK(file[at] == 2);      // sealed, cost stored
  CHECK(file[at + 1] == 2);  // sealed format version
  CHECK(bigEndian(file, at + 2) == crypto_pwhash_OPSLIMIT_MODERATE);
  CHECK(bigEndian(file, at + 10) == crypto_pwhash_MEMLIMIT_MODERATE);
}

TEST_CASE("renda CLI: new key files record the MODERATE passphrase cost",
          "[app][cli][keyfile][regression]") {
  Harness h;
  const std::vector<std::string> pw = {"RENDA_PASSPHRASE=正确的口令 horse"};
  // --passphrase with no terminal and no RENDA_PASSPHRASE: asked wrongly.
  Run none = h.run({"--data", h.path("n"), "init", "--passphrase"});
  CHECK(none.code == 1);
  CHECK_THAT(none.err, Catch::Contains("RENDA_PASSPHRASE"));
  CHECK_FALSE(fs::exists(h.path("n/device.key")));

  Run init = h.run({"--data", h.path("n"), "init", "--passphrase"}, pw);
  INFO(init.describe());
  REQUIRE(init.code == 0);
  checkModerate(readFile(h.path("n/device.key")), kKeyMagicBytes);
  checkModerate(readFile(h.path("n/encryption.key")), kBoxMagicBytes + 32);

  // Using the key: no passphrase to be had, a wrong one, the right one.
  Run missing = h.run({"--data", h.path("n"), "county", "init", "--name", "示范县"});
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Catch::Contains("is sealed with a passphrase") &&
                              Catch::Contains("RENDA_PASSPHRASE"));
  Run wrong = h.run({"--data", h.path("n"), "county", "init", "--name", "示范县"},
                    {"RENDA_PASSPHRASE=正确的口令 horsE"});
  CHECK(wrong.code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("the passphrase is not right"));
  CHECK_THAT(wrong.err, !Catch::Contains("altered") && !Catch::Contains("forged"));
  CHECK(h.run({"--data", h.path("n"), "county", "init", "--name", "示范县", "-q"}, pw).code == 0);
}

TEST_CASE("renda CLI: key files sealed before the cost was stored still open",
          "[app][cli][keyfile][regression]") {
  Harness h;
  h.ok("old", {"init"});
  // Seal the node's key as renda did before (tests/testdata/keyfile-v1-device.key
  // is one such file): "RENDA-KEY-v1\n" | 0x01 | salt | nonce | secretbox, the
  // key from Argon2id at INTERACTIVE.
  std::string file = readFile(h.path("old/device.key"));
  REQUIRE(file.size() == kKeyMagicBytes + 1 + 64);
  REQUIRE(file[kKeyMagicBytes] == 0);
  std::string secret = file.substr(kKeyMagicBytes + 1);
  const std::string passphrase = "correct horse";
  unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
  unsigned char key[crypto_secretbox_KEYBYTES];
  randombytes_buf(salt, sizeof salt);
  randombytes_buf(nonce, sizeof nonce);
  REQUIRE(crypto_pwhash(key, sizeof key, passphrase.data(), passphrase.size(), salt,
                        crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                        crypto_pwhash_ALG_ARGON2ID13) == 0);
  std::string box(crypto_secretbox_MACBYTES + secret.size(), '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(box.data()),
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nonce,
                        key);
  std::string legacy = file.substr(0, kKeyMagicBytes) + '\x01' +
                       std::string(reinterpret_cast<char*>(salt), sizeof salt) +
                       std::string(reinterpret_cast<char*>(nonce), sizeof nonce) + box;
  writeFile(h.path("old/device.key"), legacy);
  fs::permissions(h.path("old/device.key"), fs::perms::owner_read | fs::perms::owner_write);

  // The county office's first act signs with that key.
  Run r = h.run({"--data", h.path("old"), "county", "init", "--name", "示范县"},
                {"RENDA_PASSPHRASE=" + passphrase});
  INFO(r.describe());
  CHECK(r.code == 0);
  CHECK(h.json("old", {"status"})["changes"].number >= 1);
  Run wrong = h.run({"--data", h.path("old"), "enroll", "--node", std::string(64, 'a'),
                     "--township", "城关镇", "-o", h.path("e")},
                    {"RENDA_PASSPHRASE=correct horsE"});
  CHECK(wrong.code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("the passphrase is not right"));
}

TEST_CASE("Passphrase: a moved-from passphrase keeps no byte of it", "[app][keyfile]") {
  renda::app::Passphrase a(std::string("a passphrase longer than the small-string buffer"));
  renda::app::Passphrase b(std::string("short"));
  for (auto* p : {&a, &b}) {
    std::string typed = p->text();
    renda::app::Passphrase moved(std::move(*p));
    CHECK(moved.text() == typed);
    CHECK(p->empty());
    const std::string& left = p->text();
    CHECK(std::all_of(left.data(), left.data() + left.capacity(), [](char c) { return c == 0; }));
  }
}

}  // namespace
