// SPDX-License-Identifier: Apache-2.0
// trust: addCertificate (enrol, renew, succession, refusing to move a key) and
// checkApplies (revocation cut-off, fork freeze, validity windows, township
// scope versus the county role), plus the Membership store encoding.
#include "core/trust.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "core/crypto.h"

#include "tests/core/fixtures.h"

namespace renda {
namespace {

constexpr uint64_t kFrom = 1717200000000ull;
constexpr uint64_t kUntil = kFrom + 365ull * 24 * 3600 * 1000;

struct TrustFixture {
  NetworkId net = test::networkFromByte(0x4e);
  SecretKey root = test::keyFromByte(0x01);
  SecretKey township = test::keyFromByte(0x02);
  SecretKey county = test::keyFromByte(0x03);

  Certificate cert(const SecretKey& subject, std::string town, Role role, uint64_t from = kFrom,
                   uint64_t until = kUntil, const SecretKey* issuer = nullptr) {
    return makeCertificate(net, subject.publicKey(), issuer ? *issuer : root, std::move(town), role,
                           from, until, "node");
  }
  Membership enrol(const SecretKey& subject, std::string town, Role role) {
    std::optional<Membership> m;
    Status s = addCertificate(m, cert(subject, std::move(town), role), root.publicKey(), nullptr);
    REQUIRE(s.isOk());
    REQUIRE(m.has_value());
    return *m;
  }
};

Change change(uint64_t seq, OpKind op, std::string scope, uint64_t ms) {
  Change c;
  c.seq = seq;
  c.op = op;
  c.scope = std::move(scope);
  c.hlc = Hlc::make(ms, 0);
  return c;
}

TEST_CASE("checkApplies: a township node writes its own township's records only", "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "chengguan", Role::kTownship);
  const uint64_t t = kFrom + 1000;
  CHECK(checkApplies(m, change(1, OpKind::kCreate, "chengguan", t), nullptr).isOk());
  Status other = checkApplies(m, change(2, OpKind::kCreate, "xinzhen", t), nullptr);
  CHECK(other.code() == Code::kRefused);
  CHECK_THAT(other.message(), Catch::Contains("xinzhen"));
  Status countyRecord = checkApplies(m, change(2, OpKind::kCreate, "", t), nullptr);
  CHECK(countyRecord.code() == Code::kRefused);
  CHECK_THAT(countyRecord.message(), Catch::Contains("the county"));

  std::string own = "chengguan", foreign = "xinzhen";
  CHECK(checkApplies(m, change(3, OpKind::kUpdate, "", t), &own).isOk());
  CHECK(checkApplies(m, change(3, OpKind::kUpdate, "", t), &foreign).code() == Code::kRefused);
}

TEST_CASE("checkApplies: the county node may write every township's records", "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.county, "", Role::kCounty);
  const uint64_t t = kFrom + 1000;
  for (std::string scope : {"chengguan", "xinzhen", ""}) {
    INFO("scope '" << scope << "'");
    CHECK(checkApplies(m, change(1, OpKind::kCreate, scope, t), nullptr).isOk());
    CHECK(checkApplies(m, change(2, OpKind::kUpdate, "", t), &scope).isOk());
  }
}

TEST_CASE("checkApplies: changes past a revocation cut-off are refused, up to it applied",
          "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "chengguan", Role::kTownship);
  m.revokedAfterSeq = 10;
  const uint64_t t = kFrom + 1000;
  CHECK(checkApplies(m, change(10, OpKind::kCreate, "chengguan", t), nullptr).isOk());
  Status s = checkApplies(m, change(11, OpKind::kCreate, "chengguan", t), nullptr);
  CHECK(s.code() == Code::kRefused);
  CHECK_THAT(s.message(), Catch::Contains("revoked"));
  // Revocation binds every op, certificates included.
  CHECK(checkApplies(m, change(12, OpKind::kCertificate, "", t), nullptr).code() == Code::kRefused);
  m.revokedAfterSeq = 0;
  CHECK(checkApplies(m, change(1, OpKind::kCreate, "chengguan", t), nullptr).code() ==
        Code::kRefused);
}

TEST_CASE("checkApplies: a forked key is frozen from the fork's seq on", "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "chengguan", Role::kTownship);
  m.frozenFromSeq = 7;
  const uint64_t t = kFrom + 1000;
  CHECK(checkApplies(m, change(6, OpKind::kCreate, "chengguan", t), nullptr).isOk());
  for (uint64_t seq : {7, 8, 1000}) {
    Status s = checkApplies(m, change(seq, OpKind::kCreate, "chengguan", t), nullptr);
    CHECK(s.code() == Code::kRefused);
    CHECK_THAT(s.message(), Catch::Contains("fork"));
  }
}

TEST_CASE("checkApplies: changes stamped outside every certificate window are refused",
          "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "chengguan", Role::kTownship);
  auto at = [&](uint64_t ms) {
    return checkApplies(m, change(1, OpKind::kCreate, "chengguan", ms), nullptr);
  };
  CHECK(at(kFrom).isOk());
  CHECK(at(kUntil).isOk());
  CHECK(at(kFrom - 1).code() == Code::kRefused);
  CHECK(at(kUntil + 1).code() == Code::kRefused);
  CHECK_THAT(at(kUntil + 1).message(), Catch::Contains("period"));

  SECTION("a renewal adds a window, and the gap between stays refused") {
    std::optional<Membership> om = m;
    auto renewal = f.cert(f.township, "chengguan", Role::kTownship, kUntil + 1000, 0);
    REQUIRE(addCertificate(om, renewal, f.root.publicKey(), nullptr).isOk());
    m = *om;
    CHECK(m.windowsMs.size() == 2);
    CHECK(at(kUntil + 500).code() == Code::kRefused);
    CHECK(at(kUntil + 1000).isOk());
    CHECK(at(kUntil * 2).isOk());  // open-ended
  }
  SECTION("certificates and revocations need no window or scope") {
    CHECK(checkApplies(m, change(1, OpKind::kRevocation, "", 0), nullptr).isOk());
  }
}

TEST_CASE("addCertificate: a key cannot be moved to another township or role", "[core][trust]") {
  TrustFixture f;
  std::optional<Membership> m;
  REQUIRE(addCertificate(m, f.cert(f.township, "chengguan", Role::kTownship), f.root.publicKey(),
                         nullptr)
              .isOk());
  Status moved = addCertificate(m, f.cert(f.township, "xinzhen", Role::kTownship),
                                f.root.publicKey(), nullptr);
  CHECK(moved.code() == Code::kRefused);
  CHECK_THAT(moved.message(), Catch::Contains("enroll a new key"));
  CHECK(addCertificate(m, f.cert(f.township, "", Role::kCounty), f.root.publicKey(), nullptr)
            .code() == Code::kRefused);
  CHECK(m->township == "chengguan");
  CHECK(m->windowsMs.size() == 1);
  // The same certificate again changes nothing.
  CHECK(addCertificate(m, f.cert(f.township, "chengguan", Role::kTownship), f.root.publicKey(),
                       nullptr)
            .isOk());
  CHECK(m->windowsMs.size() == 1);
}

TEST_CASE("addCertificate: bad certificates from the root are refused", "[core][trust]") {
  TrustFixture f;
  std::optional<Membership> m;
  CHECK(addCertificate(m, f.cert(f.county, "chengguan", Role::kCounty), f.root.publicKey(), nullptr)
            .code() == Code::kRefused);
  CHECK(addCertificate(m, f.cert(f.township, "chengguan", Role::kTownship, kUntil, kFrom),
                       f.root.publicKey(), nullptr)
            .code() == Code::kRefused);
  CHECK_FALSE(m.has_value());
}

TEST_CASE("addCertificate: a succession certificate keeps the predecessor's township",
          "[core][trust]") {
  TrustFixture f;
  Membership old = f.enrol(f.township, "chengguan", Role::kTownship);
  SecretKey fresh = test::keyFromByte(0x09);
  std::optional<Membership> m;
  auto succ = f.cert(fresh, "chengguan", Role::kTownship, kFrom, 0, &f.township);
  REQUIRE(succ.issuer == f.township.publicKey());
  REQUIRE(addCertificate(m, succ, f.root.publicKey(), &old).isOk());
  CHECK(m->township == "chengguan");
  CHECK(m->issuer == f.township.publicKey());
  CHECK(checkApplies(*m, change(1, OpKind::kCreate, "chengguan", kFrom + 1), nullptr).isOk());

  SECTION("one naming another township or role is refused") {
    std::optional<Membership> m2;
    auto moved = f.cert(fresh, "xinzhen", Role::kTownship, kFrom, 0, &f.township);
    CHECK(addCertificate(m2, moved, f.root.publicKey(), &old).code() == Code::kRefused);
    auto promoted = f.cert(fresh, "", Role::kCounty, kFrom, 0, &f.township);
    CHECK(addCertificate(m2, promoted, f.root.publicKey(), &old).code() == Code::kRefused);
    CHECK_FALSE(m2.has_value());
  }
  SECTION("one by an unknown or revoked issuer is refused") {
    std::optional<Membership> m2;
    CHECK(addCertificate(m2, succ, f.root.publicKey(), nullptr).code() == Code::kRefused);
    Membership revoked = old;
    revoked.revokedAfterSeq = 3;
    CHECK(addCertificate(m2, succ, f.root.publicKey(), &revoked).code() == Code::kRefused);
    CHECK_FALSE(m2.has_value());
  }
}

TEST_CASE("Membership: encodes, decodes, and refuses every truncation", "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "城关镇", Role::kTownship);
  std::optional<Membership> om = m;
  REQUIRE(addCertificate(om, f.cert(f.township, "城关镇", Role::kTownship, kUntil + 1, 0),
                         f.root.publicKey(), nullptr)
              .isOk());
  m = *om;
  m.revokedAfterSeq = 12;
  m.revocationReason = "lost";
  m.frozenFromSeq = 20;
  m.encryptionKey = crypto::generateBoxKey().publicKey();
  m.encryptionKeySeq = 3;
  std::string bytes = m.encode();
  auto d = Membership::decode(test::bytesOf(bytes));
  REQUIRE(d.isOk());
  CHECK(d->encode() == bytes);
  CHECK(d->township == "城关镇");
  CHECK(d->windowsMs == m.windowsMs);
  CHECK(d->revokedAfterSeq == 12u);
  CHECK(d->frozenFromSeq == 20u);
  CHECK(d->encryptionKey == m.encryptionKey);
  CHECK(d->encryptionKeySeq == 3u);
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n);
    CHECK(Membership::decode(test::bytesOf(bytes.substr(0, n))).status().code() ==
          Code::kCorruption);
  }
  CHECK(Membership::decode(test::bytesOf(bytes + "x")).status().code() == Code::kCorruption);
}

TEST_CASE("Membership: a format-1 encoding (before encryption keys) still decodes",
          "[core][trust]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "城关镇", Role::kTownship);
  std::string v2 = m.encode();
  // Format 1 is format 2 without its last 41 bytes (u8 has | key 32 | u64 seq).
  std::string v1 = v2.substr(0, v2.size() - 41);
  v1[0] = 1;
  auto d = Membership::decode(test::bytesOf(v1));
  REQUIRE(d.isOk());
  CHECK_FALSE(d->encryptionKey.has_value());
  CHECK(d->encode() == v2);
}

TEST_CASE("checkApplies: an encryption-key announcement needs an enrollment, not a township",
          "[core][trust][privacy]") {
  TrustFixture f;
  Membership m = f.enrol(f.township, "chengguan", Role::kTownship);
  Change c = change(2, OpKind::kEncryptionKey, "", kFrom + 1000);
  c.encryptionKey = crypto::generateBoxKey().publicKey();
  CHECK(checkApplies(m, c, nullptr).isOk());
  c.hlc = Hlc::make(kUntil + 1, 0);
  CHECK(checkApplies(m, c, nullptr).code() == Code::kRefused);
  Membership stub;  // a revocation that arrived before any certificate
  stub.subject = f.township.publicKey();
  c.hlc = Hlc::make(kFrom + 1000, 0);
  CHECK(checkApplies(stub, c, nullptr).code() == Code::kRefused);
  m.revokedAfterSeq = 1;
  CHECK(checkApplies(m, c, nullptr).code() == Code::kRefused);
}

TEST_CASE("sealRecipients: the county office and the record's township, active and keyed only",
          "[core][trust][privacy]") {
  TrustFixture f;
  SecretKey t2 = test::keyFromByte(0x04), t3 = test::keyFromByte(0x05),
            county2 = test::keyFromByte(0x06), t4 = test::keyFromByte(0x07);
  auto keyed = [](Membership m) {
    m.encryptionKey = crypto::generateBoxKey().publicKey();
    return m;
  };
  Membership own = keyed(f.enrol(f.township, "城关镇", Role::kTownship));
  Membership ownNoKey = f.enrol(t4, "城关镇", Role::kTownship);
  Membership other = keyed(f.enrol(t2, "东风乡", Role::kTownship));
  Membership revoked = keyed(f.enrol(t3, "城关镇", Role::kTownship));
  revoked.revokedAfterSeq = 4;
  Membership county = keyed(f.enrol(f.county, "", Role::kCounty));
  Membership frozenCounty = keyed(f.enrol(county2, "", Role::kCounty));
  frozenCounty.frozenFromSeq = 2;
  std::vector<Membership> all = {own, ownNoKey, other, revoked, county, frozenCounty};
  uint64_t now = kFrom + 1000;

  SealRecipients r = sealRecipients(all, "城关镇", now);
  CHECK(r.countyKeys == 1);
  CHECK(r.townshipKeys == 1);
  std::vector<BoxPublicKey> want = {*own.encryptionKey, *county.encryptionKey};
  std::sort(want.begin(), want.end());
  CHECK(r.keys == want);

  SealRecipients countyOnly = sealRecipients(all, "", now);
  CHECK(countyOnly.keys == std::vector<BoxPublicKey>{*county.encryptionKey});
  CHECK(countyOnly.townshipKeys == 0);

  CHECK(sealRecipients(all, "城关镇", kUntil + 1).keys.empty());  // every window has ended
  CHECK(sealRecipients({own, other}, "城关镇", now).countyKeys == 0);
}

}  // namespace
}  // namespace renda
