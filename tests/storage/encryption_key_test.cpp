// SPDX-License-Identifier: Apache-2.0
// Encryption-key announcements in the store: a member's latest applied
// announcement is its current key; an unknown node's is refused with the store
// unchanged; a revocation cut-off before an announcement takes the key away in
// either arrival order; local authoring announces like any change.
#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;

Change announceOp(const BoxPublicKey& key) {
  Change c;
  c.op = OpKind::kEncryptionKey;
  c.encryptionKey = key;
  return c;
}

std::optional<BoxPublicKey> keyOf(Store& s, const PublicKey& member) {
  auto m = s.membership(member);
  REQUIRE(m.isOk());
  REQUIRE(m->has_value());
  return (*m)->encryptionKey;
}

TEST_CASE("Store: a member's latest encryption-key announcement is its current key",
          "[storage][privacy]") {
  test::TempDir dir;
  test::County county;
  Signer town(county.network, 2);
  BoxPublicKey first = crypto::generateBoxKey().publicKey();
  BoxPublicKey second = crypto::generateBoxKey().publicKey();
  std::vector<Signed> changes = {town.introduce(county, "城关镇", Role::kTownship),
                                 town.add(announceOp(first))};
  auto s = test::openStore(dir.sub("a"), county);
  REQUIRE(s);
  REQUIRE(s->ingest(test::envelopesOf(changes)).isOk());
  CHECK(keyOf(*s, town.publicKey()) == first);
  changes.push_back(town.add(announceOp(second)));
  REQUIRE(s->ingest({changes.back().envelope}).isOk());
  CHECK(keyOf(*s, town.publicKey()) == second);
  // The key survives a reopen (it is in the stored membership).
  s.reset();
  auto again = Store::open(dir.sub("a"));
  REQUIRE(again.isOk());
  CHECK(keyOf(**again, town.publicKey()) == second);
  auto v = (*again)->verify();
  REQUIRE(v.isOk());
  CHECK(v->problems.empty());
}

TEST_CASE("Store: an announcement by a node the county never enrolled is refused",
          "[storage][privacy][negative]") {
  test::TempDir dir;
  test::County county;
  Signer office(county.network, 1), stranger(county.network, 9);
  auto s = test::openStore(dir.sub("a"), county);
  REQUIRE(s);
  REQUIRE(s->ingest({office.introduce(county, "", Role::kCounty).envelope}).isOk());
  uint64_t before = s->changeCount().value();
  auto r = s->ingest({stranger.add(announceOp(crypto::generateBoxKey().publicKey())).envelope});
  CHECK(r.status().code() == Code::kRefused);
  CHECK(s->changeCount().value() == before);
  auto m = s->membership(stranger.publicKey());
  REQUIRE(m.isOk());
  CHECK_FALSE(m->has_value());
}

TEST_CASE("Store: a revocation cut-off before an announcement takes the key away, in any order",
          "[storage][privacy]") {
  test::TempDir dir;
  test::County county;
  Signer office(county.network, 1), town(county.network, 2);
  BoxPublicKey early = crypto::generateBoxKey().publicKey();
  BoxPublicKey late = crypto::generateBoxKey().publicKey();
  Signed intro = office.introduce(county, "", Role::kCounty);
  Signed townIntro = town.introduce(county, "城关镇", Role::kTownship);  // seq 1
  Signed a1 = town.add(announceOp(early));                               // seq 2
  Signed a2 = town.add(announceOp(late));                                // seq 3
  Signed revoke = office.add(Signer::revocationOp(county.revoke(town.publicKey(), 2)));
  auto before = test::openStore(dir.sub("revocation-last"), county);
  auto after = test::openStore(dir.sub("revocation-first"), county);
  REQUIRE(before);
  REQUIRE(after);
  REQUIRE(before->ingest({intro.envelope, townIntro.envelope, a1.envelope, a2.envelope}).isOk());
  CHECK(keyOf(*before, town.publicKey()) == late);
  REQUIRE(before->ingest({revoke.envelope}).isOk());
  REQUIRE(after->ingest({intro.envelope, revoke.envelope, townIntro.envelope, a1.envelope,
                         a2.envelope})
              .isOk());
  for (Store* s : {before.get(), after.get()}) CHECK(keyOf(*s, town.publicKey()) == early);
  CHECK(before->digest().value() == after->digest().value());
}

TEST_CASE("Store: authoring an announcement sets this node's key", "[storage][privacy]") {
  test::TempDir dir;
  test::County county;
  Signer town(county.network, 2);
  auto s = test::openStore(dir.sub("a"), county);
  REQUIRE(s);
  REQUIRE(s->ingest({town.introduce(county, "城关镇", Role::kTownship).envelope}).isOk());
  REQUIRE(s->setDeviceKey(town.publicKey()).isOk());
  LocalEdit edit;
  edit.op = OpKind::kEncryptionKey;
  edit.encryptionKey = crypto::generateBoxKey().publicKey();
  auto id = s->author(edit, town.key(), 1700000100000ull);
  REQUIRE(id.isOk());
  CHECK(keyOf(*s, town.publicKey()) == edit.encryptionKey);
}

}  // namespace
}  // namespace renda::storage
