// SPDX-License-Identifier: Apache-2.0
// The adversarial simulation's oracle (oracle.h) on small histories whose
// outcome the rules state outright: a fork and its settlement, a revocation
// pin with a thief's change below it, a restored laptop's hand-over beside
// its lost changes, a second successor, a key certifying itself.
#include "tests/sim/oracle.h"

#include <catch2/catch.hpp>

#include "tests/sim/adversary.h"
#include "tests/storage/store_fixtures.h"

namespace renda::sim {
namespace {

const char* const kTown = "城关镇";
constexpr uint64_t kMs = 1800000000000ull;

// Changes signed by devices of one county, collected as a store would hold them.
struct History {
  test::County county;
  std::vector<HeldChange> held;
  Device office{county.network, test::keyFromSeed(1)};

  HeldChange add(Device& d, Change c) {
    std::string envelope;
    held.push_back(d.sign(std::move(c), kMs + held.size() * 1000, &envelope));
    return held.back();
  }
  HeldChange enroll(Device& d, uint64_t untilMs = 0) {
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate = makeCertificate(county.network, d.publicKey(), county.root, kTown,
                                    Role::kTownship, 0, untilMs, "device");
    return add(d, std::move(c));
  }
  HeldChange create(Device& d) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = RecordKind::kStation;
    c.scope = kTown;
    c.fields = {{"name", std::to_string(held.size())}};
    return add(d, std::move(c));
  }
  HeldChange certify(Device& issuer, const Device& subject) {
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate = makeCertificate(county.network, subject.publicKey(), issuer.key(), kTown,
                                    Role::kTownship, 0, 0, "successor");
    return add(issuer, std::move(c));
  }
  HeldChange settle(const Device& subject, const HeldChange& keep) {
    Change c;
    c.op = OpKind::kSettlement;
    c.settlement = makeSettlement(county.network, subject.publicKey(), keep.id, keep.change.seq,
                                  "kept", county.root);
    return add(office, std::move(c));
  }
  HeldChange revoke(const Device& subject, const HeldChange& pin) {
    Change c;
    c.op = OpKind::kRevocation;
    c.revocation = makeRevocation(county.network, subject.publicKey(), pin.change.seq, pin.id,
                                  "laptop stolen", county.root);
    return add(office, std::move(c));
  }
  Oracle oracle() const { return computeOracle(held, county.network, county.root.publicKey()); }
};

Device device(History& h, uint64_t seed) {
  return Device(h.county.network, test::keyFromSeed(seed));
}

TEST_CASE("Oracle: a fork freezes its author, and the county's settlement keeps one branch",
          "[sim][oracle]") {
  History h;
  h.enroll(h.office);
  Device x = device(h, 2);
  h.enroll(x);
  auto x2 = h.create(x);
  Device::State backup = x.state();
  auto a3 = h.create(x);
  x.setState(backup);
  auto b3 = h.create(x);
  auto b4 = h.create(x);
  Oracle o = h.oracle();
  CHECK(o.applied.at(x2.id));
  for (const auto& c : {a3, b3, b4}) CHECK_FALSE(o.applied.at(c.id));
  CHECK(o.members.at(x.publicKey()).frozenFromSeq == std::optional<uint64_t>(3));
  auto settled = h.settle(x, b4);
  o = h.oracle();
  CHECK(o.applied.at(settled.id));
  CHECK(o.applied.at(b3.id));
  CHECK(o.applied.at(b4.id));
  CHECK_FALSE(o.applied.at(a3.id));
  CHECK_FALSE(o.members.at(x.publicKey()).frozenFromSeq);
  CHECK(o.problems.empty());
}

TEST_CASE("Oracle: a revocation keeps the pinned history and the thief's other changes never apply",
          "[sim][oracle]") {
  History h;
  h.enroll(h.office);
  Device x = device(h, 2);
  h.enroll(x);
  auto x2 = h.create(x);
  Device::State afterTwo = x.state();
  auto x3 = h.create(x);
  h.revoke(x, x3);
  auto after = h.create(x);  // 4: after the cut-off
  x.setState(afterTwo);
  auto below = h.create(x);  // another 3
  Oracle o = h.oracle();
  CHECK(o.applied.at(x2.id));
  CHECK(o.applied.at(x3.id));
  CHECK_FALSE(o.applied.at(after.id));
  CHECK_FALSE(o.applied.at(below.id));
  CHECK(o.members.at(x.publicKey()).admitted);
}

TEST_CASE("Oracle: a hand-over beside lost changes is not a fork, but going on after it is",
          "[sim][oracle]") {
  History h;
  h.enroll(h.office);
  Device x = device(h, 2), y = device(h, 3);
  h.enroll(x);
  Device::State backup = x.state();
  auto lost2 = h.create(x);
  auto lost3 = h.create(x);
  x.setState(backup);
  auto handOver = h.certify(x, y);
  auto byY = h.create(y);
  Oracle o = h.oracle();
  for (const auto& c : {lost2, lost3, handOver, byY}) CHECK(o.applied.at(c.id));
  CHECK(o.members.at(y.publicKey()).admitted);
  CHECK(o.members.at(x.publicKey()).successor == y.publicKey());
  auto onward = h.create(x);  // the old key goes on after its hand-over
  o = h.oracle();
  CHECK_FALSE(o.applied.at(onward.id));
  CHECK_FALSE(o.applied.at(byY.id));
  CHECK_FALSE(o.members.at(y.publicKey()).admitted);
  CHECK(o.members.at(x.publicKey()).frozenFromSeq == std::optional<uint64_t>(2));
}

TEST_CASE("Oracle: one successor per key, none of itself", "[sim][oracle]") {
  History h;
  h.enroll(h.office);
  Device m = device(h, 2), s1 = device(h, 3), s2 = device(h, 4), s11 = device(h, 5);
  h.enroll(m);
  auto self = h.certify(m, m);
  auto first = h.certify(m, s1);
  auto byS1 = h.create(s1);
  auto chain = h.certify(s1, s11);
  auto second = h.certify(m, s2);
  auto byS2 = h.create(s2);
  auto later = h.create(m);
  Oracle o = h.oracle();
  CHECK_FALSE(o.applied.at(self.id));
  CHECK(o.applied.at(first.id));
  CHECK(o.applied.at(byS1.id));
  CHECK(o.applied.at(chain.id));
  CHECK(o.members.at(s11.publicKey()).generation == 2u);
  CHECK_FALSE(o.applied.at(second.id));
  CHECK_FALSE(o.applied.at(byS2.id));
  CHECK_FALSE(o.applied.at(later.id));
  CHECK_FALSE(o.members.at(s2.publicKey()).admitted);
  CHECK(o.members.at(m.publicKey()).frozenFromSeq == std::optional<uint64_t>(second.change.seq));
}

}  // namespace
}  // namespace renda::sim
