// SPDX-License-Identifier: Apache-2.0
// Forks travel (design.md §Forks and restores): what Store::forEachMissing
// sends a peer whose summary names a branch of an author that this node does
// not hold. Regressions found by the adversarial simulation (tests/sim).
#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signer;

const char* const kTown = "城关镇";

// A restored laptop: its key X had written changes 3 and 4 (they reached the
// county) when the folder was restored to change 2; the restored store hands
// over to a new key Y with X's change 3 (a successor certificate) and Y
// writes. The county's summary names X's change 4, above the restored store's
// top for X (3) and not held there: forEachMissing takes the county to be
// ahead on X's chain and sends none of X's changes, but sends Y's, which the
// hand-over introduces. The county refuses the batch, so the hand-over and
// everything the new key writes are blocked, until the county happens to send
// its branch the other way. (The adversarial simulation with
// RENDA_SIM_STRICT=1 RENDA_SIM_SEED=8; a forker's branch blocks an honest
// clerk's change, which depends on it, the same way.) From number and id
// alone the sender cannot tell, so: a sync session asks back (the office
// finds it holds a change numbered like the laptop's tip, with another id:
// Store::divergedFrom, and the laptop then sends all of X), and a bundle,
// which cannot ask, takes its last few changes of such an author along
// (Store::planMissing).
TEST_CASE(
    "Store: a peer ahead on another branch still gets the branch that what it is sent needs",
    "[storage][fork][regression]") {
  test::TempDir dir;
  test::County county;
  Signer x(county.network, 11), y(county.network, 12);
  auto x1 = x.introduce(county, kTown, Role::kTownship);
  auto x2 = x.create(RecordKind::kDeputy, kTown, {{"name", "a"}});
  // The restored store's number 3: X hands over to Y.
  Certificate cert = makeCertificate(county.network, y.publicKey(), x.key(), kTown, Role::kTownship,
                                     0, 0, "restored");
  auto handOver = x.draft(Signer::certificateOp(cert));
  auto lost3 = x.create(RecordKind::kDeputy, kTown, {{"name", "b"}});  // made before the restore
  auto lost4 = x.create(RecordKind::kDeputy, kTown, {{"name", "c"}});
  auto y1 = y.create(RecordKind::kDeputy, kTown, {{"name", "by the new key"}});

  auto office = test::openStore(dir.sub("office"), county);
  auto laptop = test::openStore(dir.sub("laptop"), county);
  REQUIRE(office->ingest(test::envelopesOf({x1, x2, lost3, lost4})));
  REQUIRE(laptop->ingest(test::envelopesOf({x1, x2, handOver, y1})));

  std::vector<std::string> sent;
  SECTION("a sync session: the office names X as diverged, and gets all of X") {
    auto diverged = office->divergedFrom(laptop->versionVector().value()).value();
    REQUIRE(diverged == std::vector<PublicKey>{x.publicKey()});
    VersionVector theirs = office->versionVector().value();
    theirs.erase(std::remove_if(theirs.begin(), theirs.end(),
                                [&](const VersionEntry& e) { return e.author == x.publicKey(); }),
                 theirs.end());
    REQUIRE(laptop->forEachMissing(theirs, [&](std::string_view e) {
      sent.emplace_back(e);
      return Status::ok();
    }));
  }
  SECTION("a bundle: the laptop's last changes of X go along") {
    auto plan = laptop->planMissing(office->versionVector().value(), 8).value();
    REQUIRE(laptop->sendPlanned(plan, [&](std::string_view e) {
      sent.emplace_back(e);
      return Status::ok();
    }));
  }
  CHECK(std::count(sent.begin(), sent.end(), handOver.envelope) == 1);
  auto r = office->ingest(sent);
  INFO((r ? std::string("ok") : r.status().toString()));
  REQUIRE(r);
  CHECK(office->record(y1.id).value().visible);
  CHECK(test::verifies(*office));
}

}  // namespace
}  // namespace renda::storage
