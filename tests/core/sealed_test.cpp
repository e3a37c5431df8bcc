// SPDX-License-Identifier: Apache-2.0
// Sealed field values (core/sealed.h) and the personal-field rules
// (core/domain/privacy.h): every recipient opens, anyone else cannot, any
// altered byte or a value moved to another field or kind fails, the shape
// check refuses malformed text, masking keeps only what it says, and a change
// carrying a personal field in clear is refused.
#include "core/sealed.h"

#include <catch2/catch.hpp>
#include <cctype>

#include "core/change.h"
#include "core/crypto.h"
#include "core/domain/privacy.h"
#include "core/limits.h"
#include "tests/core/fixtures.h"

namespace renda {
namespace {

constexpr RecordKind kIssue = RecordKind::kConstituentIssue;

std::string sealed(std::string_view clear, const std::vector<BoxPublicKey>& to,
                   RecordKind kind = kIssue, std::string_view field = "constituentName") {
  auto s = sealValue(clear, kind, field, to);
  REQUIRE(s.isOk());
  return *s;
}

std::string rawOf(const std::string& value) {
  std::string raw = test::sealedRawOf(value);
  REQUIRE_FALSE(raw.empty());
  return raw;
}
using test::sealedTextOf;

TEST_CASE("sealValue: every recipient opens the value, and only they do", "[core][sealed]") {
  BoxSecretKey township = crypto::generateBoxKey(), county = crypto::generateBoxKey(),
               other = crypto::generateBoxKey();
  std::string v = sealed("张三丰", {township.publicKey(), county.publicKey()});
  CHECK(looksSealed(v));
  CHECK(checkSealedShape(v).isOk());
  CHECK(v.find("张三丰") == std::string::npos);
  for (const BoxSecretKey* k : {&township, &county}) {
    auto clear = openValue(v, kIssue, "constituentName", *k);
    REQUIRE(clear.isOk());
    CHECK(*clear == "张三丰");
  }
  auto refused = openValue(v, kIssue, "constituentName", other);
  CHECK(refused.status().code() == Code::kNotFound);
  // Sealing the same text twice gives different values (fresh key and nonce).
  CHECK(sealed("张三丰", {county.publicKey()}) != sealed("张三丰", {county.publicKey()}));
  // Duplicated recipients are sealed once.
  CHECK(rawOf(sealed("x", {county.publicKey(), county.publicKey()}))[1] == 1);
  // An empty value seals and opens too.
  CHECK(*openValue(sealed("", {county.publicKey()}), kIssue, "constituentName", county) == "");
}

TEST_CASE("openValue: a value moved to another field or record kind does not open",
          "[core][sealed][negative]") {
  BoxSecretKey county = crypto::generateBoxKey();
  std::string v = sealed("13812345678", {county.publicKey()}, kIssue, "constituentPhone");
  CHECK(openValue(v, kIssue, "constituentPhone", county).isOk());
  CHECK(openValue(v, kIssue, "constituentName", county).status().code() == Code::kInvalidInput);
  CHECK(openValue(v, RecordKind::kReception, "constituentPhone", county).status().code() ==
        Code::kInvalidInput);
}

TEST_CASE("openValue: any altered byte makes the value fail to open", "[core][sealed][negative]") {
  BoxSecretKey county = crypto::generateBoxKey(), township = crypto::generateBoxKey();
  std::string v = sealed("110101199001011234", {county.publicKey(), township.publicKey()}, kIssue,
                         "constituentIdNumber");
  std::string raw = rawOf(v);
  REQUIRE(sealedTextOf(raw) == v);
  size_t opened = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string bad = raw;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto r = openValue(sealedTextOf(bad), kIssue, "constituentIdNumber", county);
    if (r.isOk()) ++opened;
  }
  INFO("altered values that still opened");
  CHECK(opened == 0);
  // Dropping a recipient entry (and fixing the count) is caught as well.
  std::string fewer = raw.substr(0, 2) + raw.substr(2 + 88);
  fewer[1] = 1;
  for (const BoxSecretKey* k : {&county, &township})
    CHECK_FALSE(openValue(sealedTextOf(fewer), kIssue, "constituentIdNumber", *k).isOk());
}

TEST_CASE("checkSealedShape: malformed sealed text is refused", "[core][sealed][negative]") {
  BoxSecretKey county = crypto::generateBoxKey();
  std::string raw = rawOf(sealed("李四", {county.publicKey()}));
  CHECK_FALSE(checkSealedShape("李四").isOk());
  CHECK_FALSE(checkSealedShape(kSealedPrefix).isOk());
  CHECK_FALSE(checkSealedShape(std::string(kSealedPrefix) + "not*base64!").isOk());
  SECTION("every truncation: refused by shape, or (inside the ciphertext) by opening") {
    size_t minimum = 2 + 88 + 24 + 16;  // one recipient, nonce, tag
    for (size_t n = 0; n < raw.size(); ++n) {
      std::string cut = sealedTextOf(raw.substr(0, n));
      if (n < minimum) CHECK_FALSE(checkSealedShape(cut).isOk());
      CHECK_FALSE(openValue(cut, kIssue, "constituentName", county).isOk());
    }
  }
  SECTION("wrong version, no recipients, too many recipients") {
    std::string v = raw;
    v[0] = 2;
    CHECK_THAT(checkSealedShape(sealedTextOf(v)).message(), Catch::Contains("version"));
    v = raw;
    v[1] = 0;
    CHECK_FALSE(checkSealedShape(sealedTextOf(v)).isOk());
    v[1] = static_cast<char>(kMaxSealedRecipients + 1);
    CHECK_FALSE(checkSealedShape(sealedTextOf(v)).isOk());
  }
  SECTION("a clear value over the cap") {
    std::string big = raw + std::string(kMaxSealedClearBytes + 1, 'x');
    CHECK_FALSE(checkSealedShape(sealedTextOf(big)).isOk());
  }
}

// Regression (found by the sealed fuzz target): libsodium 1.0.18 decodes any
// byte from 0x80 up as '_', so a sealed value with a '_' in its text also
// passed the shape check, and opened, with that '_' replaced by such a byte:
// a second text form for the same value, and not UTF-8.
TEST_CASE("checkSealedShape: a byte outside the base64url alphabet is refused, even where "
          "libsodium would read it as '_'",
          "[core][sealed][negative][regression]") {
  BoxSecretKey county = crypto::generateBoxKey();
  std::string v;
  for (int i = 0; i < 64 && v.find('_') == std::string::npos; ++i)
    v = sealed("李四", {county.publicKey()});
  size_t at = v.find('_', kSealedPrefix.size());
  REQUIRE(at != std::string::npos);
  REQUIRE(openValue(v, kIssue, "constituentName", county).isOk());
  for (int c = 0; c < 256; ++c) {
    bool alphabet = std::isalnum(c) || c == '-' || c == '_';
    if (alphabet && c < 0x80) continue;
    std::string other = v;
    other[at] = static_cast<char>(c);
    INFO("byte " << c);
    CHECK(checkSealedShape(other).code() == Code::kInvalidInput);
    CHECK_FALSE(openValue(other, kIssue, "constituentName", county).isOk());
  }
}

TEST_CASE("sealValue: no recipient, too many, or too long a value is refused",
          "[core][sealed][limits]") {
  CHECK(sealValue("x", kIssue, "constituentName", {}).status().code() == Code::kInvalidInput);
  std::vector<BoxPublicKey> many;
  for (size_t i = 0; i <= kMaxSealedRecipients; ++i) many.push_back(crypto::generateBoxKey().publicKey());
  CHECK_FALSE(sealValue("x", kIssue, "constituentName", many).isOk());
  many.pop_back();
  std::string full = sealed("x", many);
  CHECK(checkSealedShape(full).isOk());
  CHECK(full.size() < limits::kMaxFieldValueBytes);
  std::string longest(kMaxSealedClearBytes, 'a');
  std::string biggest = sealed(longest, many);
  CHECK(biggest.size() < limits::kMaxFieldValueBytes);
  CHECK_FALSE(sealValue(longest + "a", kIssue, "constituentName", many).isOk());
}

TEST_CASE("maskValue: names, phones, addresses and ID numbers keep only what they say",
          "[core][domain][privacy]") {
  CHECK(domain::maskValue("constituentName", "张三") == "张*");
  CHECK(domain::maskValue("constituentName", "欧阳娜娜") == "欧***");
  CHECK(domain::maskValue("constituentName", "王") == "*");
  CHECK(domain::maskValue("constituentPhone", "13812345678") == "138****5678");
  CHECK(domain::maskValue("constituentPhone", "12345") == "*****");
  CHECK(domain::maskValue("constituentAddress", "城关镇东街12号") == "城关镇****");
  CHECK(domain::maskValue("constituentIdNumber", "110101199001011234") == "**************1234");
  CHECK(domain::maskValue("idNumber", "11010119900101123X") == "**************123X");
  CHECK(domain::maskValue("idNumber", "1234") == "****");
  CHECK(domain::maskValue("title", "not personal") == "not personal");
  CHECK(domain::maskValue("constituentName", "") == "");
  for (const char* f : {"constituentName", "constituentPhone", "constituentAddress",
                        "constituentIdNumber", "idNumber"})
    CHECK(domain::isPersonalField(f));
  for (const char* f : {"name", "phone", "text", "address"}) CHECK_FALSE(domain::isPersonalField(f));
}

TEST_CASE("validateChangeShape: a personal field in clear is refused, sealed it passes",
          "[core][change][privacy][negative]") {
  BoxSecretKey county = crypto::generateBoxKey();
  Change c;
  c.network.bytes.fill(0x4e);
  c.author = crypto::generateSigningKey().publicKey();
  c.seq = 1;
  c.op = OpKind::kCreate;
  c.kind = kIssue;
  c.scope = "城关镇";
  c.fields = {{"text", "村道破损"}, {"constituentName", "张三"}};
  Status s = validateChangeShape(c);
  CHECK(s.code() == Code::kInvalidInput);
  CHECK_THAT(s.message(), Catch::Contains("not sealed"));
  CHECK(s.message().find("张三") == std::string::npos);  // errors never echo the value
  c.fields[1].value = sealed("张三", {county.publicKey()});
  REQUIRE(validateChangeShape(c).isOk());
  auto d = decodeChange(crypto::asBytes(encodeChange(c)));
  REQUIRE(d.isOk());
  CHECK(d->fields == c.fields);
  // An empty personal field (clearing it) is allowed.
  c.fields[1].value = "";
  CHECK(validateChangeShape(c).isOk());
}

}  // namespace
}  // namespace renda
