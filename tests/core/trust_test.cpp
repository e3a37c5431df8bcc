// SPDX-License-Identifier: Apache-2.0
// trust: deriveTrust (enrollment, renewal, revocation pins, forks and their
// settlement, successions and their limits, encryption keys, order
// independence), checkApplies (scope, windows, the line), the Membership
// store encoding, and sealRecipients.
#include "core/trust.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/crypto.h"

#include "tests/core/fixtures.h"

namespace renda {
namespace {

constexpr uint64_t kFrom = 1717200000000ull;
constexpr uint64_t kUntil = kFrom + 365ull * 24 * 3600 * 1000;
constexpr uint64_t kDay = 24ull * 3600 * 1000;

// A network's worth of held changes, built by hand: each author's changes as a
// tree of (number, id, predecessor), and the acts some of them carry.
struct World {
  NetworkId net = test::networkFromByte(0x4e);
  SecretKey root = test::keyFromByte(0x01);
  SecretKey t1 = test::keyFromByte(0x02);
  SecretKey county = test::keyFromByte(0x03);
  SecretKey t2 = test::keyFromByte(0x04);
  SecretKey fresh = test::keyFromByte(0x05);
  SecretKey fresher = test::keyFromByte(0x06);
  std::vector<TrustAct> acts;
  std::map<PublicKey, std::vector<AuthorShape::Link>> links;
  std::map<ChangeId, std::pair<PublicKey, uint64_t>> where;
  std::map<PublicKey, ChangeId> last;  // each author's latest change on its main chain
  uint32_t counter = 0;

  // A new change of `a` following `prev` (none: its first change).
  ChangeId add(const SecretKey& a, std::optional<ChangeId> prev) {
    ChangeId id;
    ++counter;
    std::memcpy(id.bytes.data(), &counter, sizeof counter);
    id.bytes[31] = 0xee;
    uint64_t seq = prev ? where.at(*prev).second + 1 : 1;
    links[a.publicKey()].push_back({seq, id, prev});
    where[id] = {a.publicKey(), seq};
    return id;
  }
  // The next change on `a`'s main chain.
  ChangeId next(const SecretKey& a) {
    auto it = last.find(a.publicKey());
    ChangeId id = add(a, it == last.end() ? std::nullopt : std::optional<ChangeId>(it->second));
    last[a.publicKey()] = id;
    return id;
  }
  // `n` changes on `a`'s main chain; returns the last.
  ChangeId chain(const SecretKey& a, int n) {
    ChangeId id;
    for (int i = 0; i < n; ++i) id = next(a);
    return id;
  }
  TrustAct& carry(const SecretKey& carrier, ChangeId id, OpKind op, uint64_t ms) {
    TrustAct act;
    act.op = op;
    act.carrier = carrier.publicKey();
    act.carrierSeq = where.at(id).second;
    act.carrierId = id;
    act.carrierHlc = Hlc::make(ms, 0);
    acts.push_back(std::move(act));
    return acts.back();
  }
  Certificate cert(const SecretKey& subject, const SecretKey& issuer, std::string town, Role role,
                   uint64_t from = kFrom, uint64_t until = kUntil) {
    return makeCertificate(net, subject.publicKey(), issuer, std::move(town), role, from, until,
                           "node");
  }
  // The county root enrolls `subject`, carried by the county's next change.
  ChangeId enroll(const SecretKey& subject, std::string town, Role role, uint64_t from = kFrom,
                  uint64_t until = kUntil, uint64_t ms = kFrom + 1) {
    ChangeId id = next(county);
    carry(county, id, OpKind::kCertificate, ms).certificate =
        cert(subject, root, std::move(town), role, from, until);
    return id;
  }
  // `issuer` certifies `subject` as its successor, as the change `at` of its own.
  ChangeId succeed(const SecretKey& issuer, const SecretKey& subject, ChangeId at,
                   std::string town = "chengguan", uint64_t from = kFrom, uint64_t until = kUntil,
                   uint64_t ms = kFrom + 5) {
    carry(issuer, at, OpKind::kCertificate, ms).certificate =
        cert(subject, issuer, std::move(town), Role::kTownship, from, until);
    return at;
  }
  ChangeId revoke(const SecretKey& subject, uint64_t cutoff, std::optional<ChangeId> pin,
                  uint64_t ms = kFrom + 10) {
    ChangeId id = next(county);
    carry(county, id, OpKind::kRevocation, ms).revocation =
        makeRevocation(net, subject.publicKey(), cutoff, pin, "laptop stolen", root);
    return id;
  }
  ChangeId settle(const SecretKey& subject, ChangeId keep, uint64_t ms = kFrom + 20) {
    ChangeId id = next(county);
    carry(county, id, OpKind::kSettlement, ms).settlement =
        makeSettlement(net, subject.publicKey(), keep, where.at(keep).second, "kept", root);
    return id;
  }
  ChangeId announce(const SecretKey& a, ChangeId at, unsigned char keyByte, uint64_t ms = kFrom + 3) {
    BoxPublicKey k;
    k.bytes.fill(keyByte);
    carry(a, at, OpKind::kEncryptionKey, ms).encryptionKey = k;
    return at;
  }

  TrustInputs inputs() const {
    TrustInputs in;
    in.root = root.publicKey();
    in.acts = acts;
    for (const auto& [a, ls] : links) {
      std::map<uint64_t, int> count;
      AuthorShape& shape = in.authors[a];
      for (const auto& l : ls) {
        shape.topSeq = std::max(shape.topSeq, l.seq);
        if (++count[l.seq] == 2) {
          if (!shape.branchSeq || l.seq < *shape.branchSeq) shape.branchSeq = l.seq;
          shape.maxBranchSeq = std::max(shape.maxBranchSeq, l.seq);
        }
      }
      if (shape.branchSeq)
        for (const auto& l : ls)
          if (l.seq + 1 >= *shape.branchSeq && l.seq <= shape.maxBranchSeq + 1)
            shape.region.push_back(l);
    }
    in.locate = [this](const ChangeId& id) -> std::optional<std::pair<PublicKey, uint64_t>> {
      auto it = where.find(id);
      if (it == where.end()) return std::nullopt;
      return it->second;
    };
    return in;
  }
  TrustDerivation derive() const { return deriveTrust(inputs()); }
  bool valid(const TrustDerivation& d, const SecretKey& a, ChangeId id) const {
    auto m = d.members.find(a.publicKey());
    return m != d.members.end() && m->second.admitted &&
           m->second.onLine(where.at(id).second, id);
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

const ChangeId kAny = test::idFromByte(0x77);

TEST_CASE("checkApplies: a township node writes its own township's records only", "[core][trust]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  Membership m = w.derive().members.at(w.t1.publicKey());
  const uint64_t t = kFrom + 1000;
  CHECK(checkApplies(m, change(1, OpKind::kCreate, "chengguan", t), kAny, nullptr).isOk());
  Status other = checkApplies(m, change(2, OpKind::kCreate, "xinzhen", t), kAny, nullptr);
  CHECK(other.code() == Code::kRefused);
  CHECK_THAT(other.message(), Catch::Contains("xinzhen"));
  Status countyRecord = checkApplies(m, change(2, OpKind::kCreate, "", t), kAny, nullptr);
  CHECK(countyRecord.code() == Code::kRefused);
  CHECK_THAT(countyRecord.message(), Catch::Contains("the county"));
  std::string own = "chengguan", foreign = "xinzhen";
  CHECK(checkApplies(m, change(3, OpKind::kUpdate, "", t), kAny, &own).isOk());
  CHECK(checkApplies(m, change(3, OpKind::kUpdate, "", t), kAny, &foreign).code() ==
        Code::kRefused);
}

TEST_CASE("checkApplies: the county node may write every township's records", "[core][trust]") {
  World w;
  w.enroll(w.t2, "", Role::kCounty);
  Membership m = w.derive().members.at(w.t2.publicKey());
  const uint64_t t = kFrom + 1000;
  for (std::string scope : {"chengguan", "xinzhen", ""}) {
    INFO("scope '" << scope << "'");
    CHECK(checkApplies(m, change(1, OpKind::kCreate, scope, t), kAny, nullptr).isOk());
    CHECK(checkApplies(m, change(2, OpKind::kUpdate, "", t), kAny, &scope).isOk());
  }
}

TEST_CASE("checkApplies: windows include both ends, a renewal adds one, the gap stays refused",
          "[core][trust]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  auto at = [&](const Membership& m, uint64_t ms) {
    return checkApplies(m, change(1, OpKind::kCreate, "chengguan", ms), kAny, nullptr);
  };
  Membership m = w.derive().members.at(w.t1.publicKey());
  CHECK(at(m, kFrom).isOk());
  CHECK(at(m, kUntil).isOk());
  CHECK(at(m, kFrom - 1).code() == Code::kRefused);
  CHECK(at(m, kUntil + 1).code() == Code::kRefused);
  CHECK_THAT(at(m, kUntil + 1).message(), Catch::Contains("period"));
  CHECK(m.activeAt(kFrom));
  CHECK(m.activeAt(kUntil));
  CHECK_FALSE(m.activeAt(kUntil + 1));
  w.enroll(w.t1, "chengguan", Role::kTownship, kUntil + 1000, 0);
  m = w.derive().members.at(w.t1.publicKey());
  CHECK(m.windowsMs.size() == 2);
  CHECK(at(m, kUntil + 500).code() == Code::kRefused);
  CHECK(at(m, kUntil + 1000).isOk());
  CHECK(at(m, kUntil * 2).isOk());  // open-ended
  CHECK(m.activeAt(kUntil * 2));
}

TEST_CASE("deriveTrust: the root enrolls, a key is never moved, bad certificates are refused",
          "[core][trust]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId moved = w.enroll(w.t1, "xinzhen", Role::kTownship, kFrom, kUntil, kFrom + 2);
  ChangeId promoted = w.enroll(w.t1, "", Role::kCounty, kFrom, kUntil, kFrom + 3);
  ChangeId backwards = w.enroll(w.t2, "chengguan", Role::kTownship, kUntil, kFrom);
  ChangeId countyTown = w.enroll(w.fresh, "chengguan", Role::kCounty);
  auto d = w.derive();
  const Membership& m = d.members.at(w.t1.publicKey());
  CHECK(m.admitted);
  CHECK(m.township == "chengguan");
  CHECK(m.windowsMs.size() == 1);
  CHECK_THAT(d.verdicts.at(moved), Catch::Contains("enroll a new key"));
  CHECK_THAT(d.verdicts.at(promoted), Catch::Contains("enroll a new key"));
  CHECK_FALSE(d.members.at(w.t2.publicKey()).admitted);
  CHECK_THAT(d.verdicts.at(backwards), Catch::Contains("ends before it starts"));
  CHECK_FALSE(d.members.at(w.fresh.publicKey()).admitted);
  CHECK_THAT(d.verdicts.at(countyTown), Catch::Contains("must not name a township"));
}

TEST_CASE("deriveTrust: a revocation pins the last valid change, a thief's other change at or "
          "below it never applies",
          "[core][trust]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId c3 = w.chain(w.t1, 3);
  ChangeId c4 = w.next(w.t1);
  ChangeId c5 = w.next(w.t1);
  w.revoke(w.t1, 4, c4);
  auto d = w.derive();
  CHECK(w.valid(d, w.t1, c3));
  CHECK(w.valid(d, w.t1, c4));
  CHECK_FALSE(w.valid(d, w.t1, c5));
  CHECK(d.members.at(w.t1.publicKey()).revokedAfterSeq == 4u);
  CHECK(d.members.at(w.t1.publicKey()).revokedAtId == c4);

  SECTION("a change signed later with a number at or below the cut-off is evidence") {
    ChangeId thief = w.add(w.t1, std::optional<ChangeId>(c3));  // another number 4
    d = w.derive();
    CHECK_FALSE(w.valid(d, w.t1, thief));
    CHECK(w.valid(d, w.t1, c4));
    CHECK(w.valid(d, w.t1, c3));
  }
  SECTION("until the pinned change is held, nothing of the key applies") {
    World w2;
    w2.enroll(w2.t1, "chengguan", Role::kTownship);
    ChangeId x = w2.chain(w2.t1, 3);
    w2.revoke(w2.t1, 4, test::idFromByte(0x44));
    auto d2 = w2.derive();
    CHECK_FALSE(w2.valid(d2, w2.t1, x));
  }
  SECTION("cut-off 0 revokes every change") {
    w.revoke(w.t1, 0, std::nullopt);
    d = w.derive();
    CHECK_FALSE(w.valid(d, w.t1, c3));
    CHECK(d.members.at(w.t1.publicKey()).revokedAfterSeq == 0u);
  }
}

TEST_CASE("deriveTrust: a fork freezes its author from the fork on, the county settles it",
          "[core][trust][fork]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId c3 = w.chain(w.t1, 3);
  ChangeId a4 = w.next(w.t1);
  ChangeId a5 = w.next(w.t1);
  ChangeId b4 = w.add(w.t1, c3);  // a backup restored in place: number 4 again
  ChangeId b5 = w.add(w.t1, b4);
  ChangeId b6 = w.add(w.t1, b5);
  auto d = w.derive();
  const Membership& m = d.members.at(w.t1.publicKey());
  CHECK(m.frozenFromSeq == 4u);
  CHECK_THAT(m.frozenReason, Catch::Contains("fork"));
  CHECK(w.valid(d, w.t1, c3));
  for (ChangeId x : {a4, a5, b4, b5, b6}) CHECK_FALSE(w.valid(d, w.t1, x));
  CHECK_FALSE(m.activeAt(kFrom + 100));

  SECTION("settling keeps one branch, and its author goes on from there") {
    w.settle(w.t1, b5);
    ChangeId b7 = w.add(w.t1, b6);
    d = w.derive();
    const Membership& s = d.members.at(w.t1.publicKey());
    CHECK_FALSE(s.frozenFromSeq);
    CHECK(s.settledHead == b5);
    for (ChangeId x : {b4, b5, b6, b7}) CHECK(w.valid(d, w.t1, x));
    for (ChangeId x : {a4, a5}) CHECK_FALSE(w.valid(d, w.t1, x));
    CHECK(w.valid(d, w.t1, c3));
  }
  SECTION("a later settlement decides; one whose head is not held waits") {
    w.settle(w.t1, b5, kFrom + 20);
    w.settle(w.t1, a5, kFrom + 30);
    ChangeId pending = w.next(w.county);
    TrustAct& act = w.carry(w.county, pending, OpKind::kSettlement, kFrom + 40);
    act.settlement = makeSettlement(w.net, w.t1.publicKey(), test::idFromByte(0x55), 9, "x", w.root);
    d = w.derive();
    CHECK(w.valid(d, w.t1, a5));
    CHECK_FALSE(w.valid(d, w.t1, b5));
    CHECK_THAT(d.verdicts.at(pending), Catch::Contains("not on this node"));
  }
  SECTION("county acts naming different branches hold the author at their common part") {
    w.settle(w.t1, b5);
    w.revoke(w.t1, 5, a5);
    d = w.derive();
    CHECK(w.valid(d, w.t1, c3));
    for (ChangeId x : {a4, a5, b4, b5}) CHECK_FALSE(w.valid(d, w.t1, x));
    CHECK_THAT(d.members.at(w.t1.publicKey()).frozenReason, Catch::Contains("different branches"));
  }
  SECTION("a fork after the settled head freezes the author again") {
    w.settle(w.t1, b6);
    ChangeId b7 = w.add(w.t1, b6);
    ChangeId b7x = w.add(w.t1, b6);
    d = w.derive();
    CHECK(w.valid(d, w.t1, b6));
    CHECK_FALSE(w.valid(d, w.t1, b7));
    CHECK_FALSE(w.valid(d, w.t1, b7x));
    CHECK(d.members.at(w.t1.publicKey()).frozenFromSeq == 7u);
  }
}

TEST_CASE("deriveTrust: successions — one per key, on its line, inside its window, never itself",
          "[core][trust][succession]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId at = w.chain(w.t1, 4);
  w.succeed(w.t1, w.fresh, at);
  auto d = w.derive();
  const Membership& s = d.members.at(w.fresh.publicKey());
  CHECK(s.admitted);
  CHECK(s.generation == 1u);
  CHECK(s.issuer == w.t1.publicKey());
  CHECK(s.township == "chengguan");
  CHECK(d.members.at(w.t1.publicKey()).successor == w.fresh.publicKey());
  CHECK(d.verdicts.at(at).empty());

  SECTION("a key may not certify itself") {
    World w2;
    w2.enroll(w2.t1, "chengguan", Role::kTownship, kFrom, kFrom + kDay);
    ChangeId self = w2.chain(w2.t1, 2);
    w2.carry(w2.t1, self, OpKind::kCertificate, kFrom + 5).certificate =
        w2.cert(w2.t1, w2.t1, "chengguan", Role::kTownship, kFrom, 0);
    auto d2 = w2.derive();
    CHECK_THAT(d2.verdicts.at(self), Catch::Contains("certify itself"));
    CHECK(d2.members.at(w2.t1.publicKey()).windowsMs.size() == 1);
    CHECK(d2.members.at(w2.t1.publicKey()).windowsMs[0].second == kFrom + kDay);
  }
  SECTION("a second successor freezes the issuer from there; the first stands") {
    ChangeId second = w.next(w.t1);
    w.succeed(w.t1, w.fresher, second);
    d = w.derive();
    CHECK(d.members.at(w.fresh.publicKey()).admitted);
    CHECK_FALSE(d.members.at(w.fresher.publicKey()).admitted);
    CHECK(d.members.at(w.t1.publicKey()).frozenFromSeq == 5u);
    CHECK_THAT(d.members.at(w.t1.publicKey()).frozenReason, Catch::Contains("second successor"));
  }
  SECTION("a successor's window must lie inside its predecessor's") {
    World w2;
    w2.enroll(w2.t1, "chengguan", Role::kTownship);
    ChangeId x = w2.chain(w2.t1, 2);
    w2.succeed(w2.t1, w2.fresh, x, "chengguan", kFrom, 0);  // open-ended
    auto d2 = w2.derive();
    CHECK_FALSE(d2.members.at(w2.fresh.publicKey()).admitted);
    CHECK_THAT(d2.verdicts.at(x), Catch::Contains("inside"));
    CHECK(d2.members.at(w2.fresh.publicKey()).certified);
  }
  SECTION("it must be a change of the issuer, within the issuer's valid history") {
    World w2;
    w2.enroll(w2.t1, "chengguan", Role::kTownship);
    w2.enroll(w2.fresh, "chengguan", Role::kTownship);
    ChangeId carried = w2.chain(w2.fresh, 1);
    w2.carry(w2.fresh, carried, OpKind::kCertificate, kFrom + 5).certificate =
        w2.cert(w2.fresher, w2.t1, "chengguan", Role::kTownship);
    auto d2 = w2.derive();
    CHECK_FALSE(d2.members.at(w2.fresher.publicKey()).admitted);
    CHECK(d2.members.at(w2.fresher.publicKey()).certified);
    CHECK_THAT(d2.verdicts.at(carried), Catch::Contains("change of the key that signs it"));
  }
  SECTION("revoking the issuer before the certificate re-derives the successors, recursively") {
    ChangeId onward = w.chain(w.fresh, 2);
    w.succeed(w.fresh, w.fresher, onward);
    d = w.derive();
    REQUIRE(d.members.at(w.fresher.publicKey()).admitted);
    CHECK(d.members.at(w.fresher.publicKey()).generation == 2u);
    std::optional<ChangeId> three;
    for (const auto& l : w.links[w.t1.publicKey()])
      if (l.seq == 3) three = l.id;
    w.revoke(w.t1, 3, three);
    d = w.derive();
    CHECK_FALSE(d.members.at(w.fresh.publicKey()).admitted);
    CHECK_FALSE(d.members.at(w.fresher.publicKey()).admitted);
    CHECK(d.members.at(w.fresh.publicKey()).certified);
  }
  SECTION("a successor cannot be a key the root enrolled") {
    World w2;
    w2.enroll(w2.t1, "chengguan", Role::kTownship);
    w2.enroll(w2.fresh, "chengguan", Role::kTownship, kFrom, 0);
    ChangeId x = w2.chain(w2.t1, 1);
    w2.succeed(w2.t1, w2.fresh, x);
    auto d2 = w2.derive();
    CHECK_THAT(d2.verdicts.at(x), Catch::Contains("already enrolled"));
    CHECK(d2.members.at(w2.fresh.publicKey()).generation == 0u);
  }
}

TEST_CASE("deriveTrust: a restored laptop's hand-over beside its lost changes is not a fork",
          "[core][trust][succession][fork]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId c3 = w.chain(w.t1, 3);
  ChangeId lost4 = w.next(w.t1);  // made before the restore, reached the county
  ChangeId lost5 = w.next(w.t1);
  ChangeId handover = w.add(w.t1, c3);  // the restored store's number 4: a certificate
  w.succeed(w.t1, w.fresh, handover);
  auto d = w.derive();
  const Membership& m = d.members.at(w.t1.publicKey());
  CHECK_FALSE(m.frozenFromSeq);
  for (ChangeId x : {c3, lost4, lost5, handover}) CHECK(w.valid(d, w.t1, x));
  CHECK(d.members.at(w.fresh.publicKey()).admitted);

  SECTION("the old key going on after its hand-over on that branch is a fork") {
    ChangeId after = w.add(w.t1, handover);
    d = w.derive();
    CHECK(d.members.at(w.t1.publicKey()).frozenFromSeq == 4u);
    CHECK_FALSE(w.valid(d, w.t1, after));
    CHECK_FALSE(d.members.at(w.fresh.publicKey()).admitted);
  }
  SECTION("a second hand-over beside it is a second successor") {
    ChangeId again = w.add(w.t1, c3);
    w.succeed(w.t1, w.fresher, again);
    d = w.derive();
    CHECK(d.members.at(w.t1.publicKey()).frozenFromSeq == 4u);
    CHECK_FALSE(d.members.at(w.fresher.publicKey()).admitted);
  }
}

// A thief with a stolen key, after the county revoked it pinned at its real
// last change (5), signs a successor certificate for a key of its own as
// another change numbered 4, beside the real one. design.md §Trust: "any
// other change at or below [the cut-off] ... never applied". But a successor
// certificate that nothing follows, beside another change with its number,
// counts as a hand-over (a restored laptop's), so it is on the line and the
// thief's key is admitted; with a second such hand-over the revoked key is
// frozen from there, and its real changes 4 and 5 stop applying. (The
// adversarial simulation with RENDA_SIM_STRICT=1 RENDA_SIM_SEED=22.)
// OPEN: tagged  until the rule is settled and deriveTrust follows
// it; remove the tag then.
TEST_CASE("deriveTrust: a thief's hand-over at or below a revocation's cut-off admits no key",
          "[core][trust][succession][regression]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId c3 = w.chain(w.t1, 3);
  ChangeId c4 = w.next(w.t1);
  ChangeId c5 = w.next(w.t1);
  w.revoke(w.t1, 5, c5);
  ChangeId thief4 = w.add(w.t1, c3);
  w.succeed(w.t1, w.fresh, thief4);
  auto d = w.derive();
  CHECK_FALSE(d.members.at(w.fresh.publicKey()).admitted);
  CHECK_FALSE(w.valid(d, w.t1, thief4));
  ChangeId thief5 = w.add(w.t1, c4);
  w.succeed(w.t1, w.fresher, thief5);
  d = w.derive();
  CHECK(w.valid(d, w.t1, c4));
  CHECK(w.valid(d, w.t1, c5));
  CHECK_FALSE(d.members.at(w.fresher.publicKey()).admitted);
}

TEST_CASE("deriveTrust: the current encryption key is the latest valid announcement",
          "[core][trust][privacy]") {
  World w;
  w.enroll(w.t1, "chengguan", Role::kTownship);
  ChangeId first = w.announce(w.t1, w.next(w.t1), 0x11);
  ChangeId second = w.announce(w.t1, w.next(w.t1), 0x22);
  ChangeId late = w.announce(w.t1, w.next(w.t1), 0x33, kUntil + 1);
  auto d = w.derive();
  const Membership& m = d.members.at(w.t1.publicKey());
  REQUIRE(m.encryptionKey);
  CHECK(m.encryptionKey->bytes[0] == 0x22);
  CHECK(m.encryptionKeySeq == 2u);
  CHECK(d.verdicts.at(first).empty());
  CHECK(d.verdicts.at(second).empty());
  CHECK_THAT(d.verdicts.at(late), Catch::Contains("period"));
  w.revoke(w.t1, 1, first);
  d = w.derive();
  CHECK(d.members.at(w.t1.publicKey()).encryptionKey->bytes[0] == 0x11);
  CHECK_FALSE(d.verdicts.at(second).empty());
}

TEST_CASE("deriveTrust: the same changes in any order give the same memberships and verdicts",
          "[core][trust]") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int round = 0; round < 40; ++round) {
    World w;
    w.enroll(w.t1, "chengguan", Role::kTownship);
    w.enroll(w.t2, "xinzhen", Role::kTownship);
    ChangeId base = w.chain(w.t1, 1 + rng() % 4);
    if (rng() % 2) {
      ChangeId b = w.add(w.t1, base);
      if (rng() % 2) w.succeed(w.t1, w.fresh, b);
      if (rng() % 2) w.add(w.t1, b);
    }
    ChangeId more = w.chain(w.t1, rng() % 3 + 1);
    if (rng() % 2) w.succeed(w.t1, w.fresh, more);
    if (rng() % 3 == 0) w.settle(w.t1, more, kFrom + rng() % 50);
    if (rng() % 3 == 0) w.revoke(w.t1, w.where.at(base).second, base, kFrom + rng() % 50);
    ChangeId t2c = w.chain(w.t2, 2);
    if (rng() % 2) w.succeed(w.t2, w.fresher, t2c, "xinzhen");
    TrustDerivation want = w.derive();
    for (int shuffle = 0; shuffle < 5; ++shuffle) {
      TrustInputs in = w.inputs();
      std::shuffle(in.acts.begin(), in.acts.end(), rng);
      for (auto& [a, shape] : in.authors) std::shuffle(shape.region.begin(), shape.region.end(), rng);
      TrustDerivation got = deriveTrust(in);
      REQUIRE(got.members.size() == want.members.size());
      for (const auto& [k, m] : want.members) CHECK(got.members.at(k).encode() == m.encode());
      CHECK(got.verdicts == want.verdicts);
    }
  }
}

TEST_CASE("Membership: encodes, decodes, and refuses every truncation", "[core][trust]") {
  World w;
  w.enroll(w.t1, "城关镇", Role::kTownship);
  w.enroll(w.t1, "城关镇", Role::kTownship, kUntil + 1, 0);
  ChangeId c3 = w.chain(w.t1, 3);
  w.add(w.t1, c3);
  w.next(w.t1);
  w.succeed(w.t1, w.fresh, c3, "城关镇");
  Membership m = w.derive().members.at(w.t1.publicKey());
  m.revokedAfterSeq = 12;
  m.revokedAtId = test::idFromByte(0x12);
  m.revocationReason = "lost";
  m.settledHead = test::idFromByte(0x13);
  m.encryptionKey = crypto::generateBoxKey().publicKey();
  m.encryptionKeySeq = 3;
  REQUIRE(m.line.branchSeq);
  std::string bytes = m.encode();
  auto d = Membership::decode(test::bytesOf(bytes));
  REQUIRE(d.isOk());
  CHECK(*d == m);
  CHECK(d->encode() == bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n);
    CHECK(Membership::decode(test::bytesOf(bytes.substr(0, n))).status().code() ==
          Code::kCorruption);
  }
  CHECK(Membership::decode(test::bytesOf(bytes + "x")).status().code() == Code::kCorruption);
}

TEST_CASE("Membership: formats 1 and 2 (before successions and lines) still decode",
          "[core][trust]") {
  // Format 2: u8 2 | subject | issuer | str township | u8 role | str label | u32 n
  // | windows | u8 hasRevoked | u64 | str reason | u8 hasFrozen | u64 | u8 hasKey
  // | key 32 | u64 keySeq. Format 1 ends before hasKey.
  auto put32 = [](std::string& s, uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); };
  auto put64 = [](std::string& s, uint64_t v) { s.append(reinterpret_cast<const char*>(&v), 8); };
  World w;
  std::string v1(1, '\1');
  v1.append(reinterpret_cast<const char*>(w.t1.publicKey().data()), 32);
  v1.append(reinterpret_cast<const char*>(w.root.publicKey().data()), 32);
  put32(v1, 3);
  v1 += "城";
  v1.push_back(0);
  put32(v1, 0);
  put32(v1, 1);
  put64(v1, kFrom);
  put64(v1, kUntil);
  v1.push_back(1);
  put64(v1, 9);
  put32(v1, 0);
  v1.push_back(1);
  put64(v1, 5);
  auto d1 = Membership::decode(test::bytesOf(v1));
  REQUIRE(d1.isOk());
  CHECK(d1->admitted);
  CHECK(d1->township == "城");
  CHECK(d1->line.limitSeq == 4u);  // frozen from 5, revoked after 9
  CHECK(d1->onLine(4, kAny));
  CHECK_FALSE(d1->onLine(5, kAny));
  std::string v2 = v1;
  v2[0] = 2;
  v2.push_back(1);
  v2.append(32, '\x42');
  put64(v2, 7);
  auto d2 = Membership::decode(test::bytesOf(v2));
  REQUIRE(d2.isOk());
  REQUIRE(d2->encryptionKey);
  CHECK(d2->encryptionKey->bytes[0] == 0x42);
  CHECK(d2->encryptionKeySeq == 7u);
}

TEST_CASE("sealRecipients: the county office and the record's township, active and keyed only",
          "[core][trust][privacy]") {
  World w;
  SecretKey t3 = test::keyFromByte(0x07), county2 = test::keyFromByte(0x08),
            t4 = test::keyFromByte(0x09);
  w.enroll(w.t1, "城关镇", Role::kTownship);
  w.enroll(t4, "城关镇", Role::kTownship);
  w.enroll(w.t2, "东风乡", Role::kTownship);
  w.enroll(t3, "城关镇", Role::kTownship);
  w.enroll(w.fresh, "", Role::kCounty);
  w.enroll(county2, "", Role::kCounty);
  auto d = w.derive();
  auto keyed = [&](const SecretKey& k) {
    Membership m = d.members.at(k.publicKey());
    m.encryptionKey = crypto::generateBoxKey().publicKey();
    return m;
  };
  Membership own = keyed(w.t1), ownNoKey = d.members.at(t4.publicKey()), other = keyed(w.t2);
  Membership revoked = keyed(t3), county = keyed(w.fresh), frozenCounty = keyed(county2);
  revoked.revokedAfterSeq = 4;
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

TEST_CASE("Membership::activeAt: a window holds from its first to its last millisecond",
          "[core][trust][privacy]") {
  World w;
  w.enroll(w.t1, "城关镇", Role::kTownship);
  Membership m = w.derive().members.at(w.t1.publicKey());
  REQUIRE(m.windowsMs == std::vector<std::pair<uint64_t, uint64_t>>{{kFrom, kUntil}});
  CHECK_FALSE(m.activeAt(0));
  CHECK_FALSE(m.activeAt(kFrom - 1));
  CHECK(m.activeAt(kFrom));  // from is inclusive
  CHECK(m.activeAt(kFrom + 1));
  CHECK(m.activeAt(kUntil - 1));
  CHECK(m.activeAt(kUntil));  // until is inclusive
  CHECK_FALSE(m.activeAt(kUntil + 1));
  CHECK_FALSE(m.activeAt(UINT64_MAX));

  SECTION("a one-millisecond window") {
    Membership one = m;
    one.windowsMs = {{kFrom, kFrom}};
    CHECK_FALSE(one.activeAt(kFrom - 1));
    CHECK(one.activeAt(kFrom));
    CHECK_FALSE(one.activeAt(kFrom + 1));
  }
  SECTION("until = 0 is open-ended") {
    Membership open = m;
    open.windowsMs = {{kFrom, 0}};
    CHECK_FALSE(open.activeAt(0));
    CHECK_FALSE(open.activeAt(kFrom - 1));
    CHECK(open.activeAt(kFrom));
    CHECK(open.activeAt(kUntil + 1));
    CHECK(open.activeAt(UINT64_MAX));
  }
  SECTION("a renewal after a gap: each window counts, the gap does not") {
    Membership renewed = m;
    renewed.windowsMs.push_back({kUntil + 1000, 0});
    CHECK(renewed.activeAt(kUntil));
    CHECK_FALSE(renewed.activeAt(kUntil + 1));
    CHECK_FALSE(renewed.activeAt(kUntil + 999));
    CHECK(renewed.activeAt(kUntil + 1000));
    CHECK(renewed.activeAt(UINT64_MAX));
  }
  SECTION("revoked, frozen or not admitted: never active, even inside a window") {
    Membership revoked = m;
    revoked.revokedAfterSeq = 7;
    CHECK_FALSE(revoked.activeAt(kFrom));
    CHECK_FALSE(revoked.activeAt(kFrom + 1000));
    Membership frozen = m;
    frozen.frozenFromSeq = 2;
    CHECK_FALSE(frozen.activeAt(kUntil));
    CHECK_FALSE(frozen.activeAt(kFrom + 1000));
    Membership stranger = m;
    stranger.admitted = false;
    CHECK_FALSE(stranger.activeAt(kFrom + 1000));
  }
  SECTION("no window at all: never active") {
    Membership none = m;
    none.windowsMs.clear();
    CHECK_FALSE(none.activeAt(kFrom));
  }
}

TEST_CASE("sealRecipients: a key is sealed to on the first and last millisecond of its window",
          "[core][trust][privacy]") {
  World w;
  w.enroll(w.t1, "城关镇", Role::kTownship);
  Membership own = w.derive().members.at(w.t1.publicKey());
  own.encryptionKey = crypto::generateBoxKey().publicKey();
  CHECK(sealRecipients({own}, "城关镇", kFrom - 1).keys.empty());
  CHECK(sealRecipients({own}, "城关镇", kFrom).keys.size() == 1);
  CHECK(sealRecipients({own}, "城关镇", kUntil).keys.size() == 1);
  CHECK(sealRecipients({own}, "城关镇", kUntil + 1).keys.empty());
}

}  // namespace
}  // namespace renda
