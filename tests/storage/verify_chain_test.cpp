// SPDX-License-Identifier: Apache-2.0
// Store::verify() finds a broken author chain in a damaged store: changes
// written straight into the LMDB tables, past ingest's checks, as a damaged
// or tampered store would hold them. Each damaged change is signed correctly
// and indexed as ingest would index it, so the chain is the only thing wrong;
// a control writes a correctly chained change the same way and verify finds
// nothing. (Two changes with one author and number are fork evidence, not
// damage, so no case here relies on that.)
#include <lmdb.h>

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "storage/tables.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;

const std::string kTown = "城关镇";

MDB_dbi table(const Txn& txn, const char* name) {
  MDB_dbi dbi;
  REQUIRE(mdb_dbi_open(txn.get(), name, 0, &dbi) == 0);
  return dbi;
}

// Writes `c` (an act: an encryption-key announcement) into the tables as
// ingest stores a change: the change under the next arrival number, its id in
// the id index, its (author, seq) in the log, the version vector's entry for
// its author and its line in `acts`; then trust is derived again so the
// memberships and flags it implies are in place. No chain check is made.
void storeRaw(Store& s, const Signed& c) {
  auto txn = WriteTxn::begin(s.env()).value();
  MDB_dbi changes = table(txn, "changes");
  uint64_t arrival = 1;
  {
    auto cur = Cursor::open(txn, changes).value();
    if (cur.last().value()) arrival = keys::getBe64(cur.key().data()) + 1;
  }
  std::string key = keys::be64(arrival);
  std::string value(1, static_cast<char>(keys::kChangeFormat));
  value.push_back(static_cast<char>(keys::kFlagSigChecked));
  keys::putFixed(value, c.change.author);
  keys::putBe64(value, c.change.seq);
  REQUIRE(value.size() == keys::kChangeHeader);
  value += c.envelope;
  REQUIRE(txn.put(changes, bytesOf(key), bytesOf(value)));
  REQUIRE(txn.put(table(txn, "byidnew"), bytesOf(keys::fixed(c.id)), bytesOf(key)));
  REQUIRE(txn.put(table(txn, "log"), bytesOf(keys::authorSeq(c.change.author, c.change.seq)),
                  bytesOf(key)));
  REQUIRE(txn.put(table(txn, "vv"), bytesOf(keys::fixed(c.change.author)),
                  bytesOf(keys::be64(c.change.seq) + keys::fixed(c.id))));
  REQUIRE(txn.put(table(txn, "acts"), bytesOf(key), {}));
  REQUIRE(txn.commit());
  REQUIRE(s.rederive());
}

// An encryption-key announcement by `by`, numbered `seq`, naming `prev`.
Signed announcement(const Signer& by, uint64_t seq, std::optional<ChangeId> prev) {
  Change c;
  c.op = OpKind::kEncryptionKey;
  c.encryptionKey = crypto::generateBoxKey().publicKey();
  c.seq = seq;
  c.prev = prev;
  c.hlc = Hlc::make(1700000000000ull + 1000 * seq, 0);
  return by.signAs(std::move(c));
}

// A county office and a township, each with two changes stored by ingest.
struct Chains {
  test::TempDir dir;
  test::County county;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  std::vector<Signed> held;  // office 1, town 1, town 2, office 2
  std::unique_ptr<Store> store;
  Chains() {
    held.push_back(office.introduce(county, "", Role::kCounty));
    held.push_back(town.introduce(county, kTown, Role::kTownship));
    held.push_back(town.create(RecordKind::kDeputy, kTown, {{"name", "甲"}}));
    held.push_back(office.create(RecordKind::kStation, "", {{"name", "站"}}));
    store = test::openStore(dir.sub("s"), county);
    REQUIRE(store);
    REQUIRE(store->ingest(test::envelopesOf(held)));
    REQUIRE(test::verifies(*store));
  }
  const Signed& town1() const { return held[1]; }
  const Signed& town2() const { return held[2]; }
  const Signed& office2() const { return held[3]; }
  // The town's third change as the town would write it.
  Signed town3() const { return announcement(town, 3, town2().id); }
};

// verify() reports at least one problem; they go to the test's log.
void checkFound(Store& s) {
  auto v = s.verify();
  REQUIRE(v);
  for (const auto& p : v->problems) UNSCOPED_INFO("verify: " << p);
  CHECK_FALSE(v->problems.empty());
}

TEST_CASE("Store: a change written into the tables with its chain intact verifies",
          "[storage][verify]") {
  // The control for the cases below: the same raw writes with nothing wrong.
  Chains c;
  Signed t3 = c.town3();
  storeRaw(*c.store, t3);
  storeRaw(*c.store, announcement(c.town, 4, t3.id));
  CHECK(test::verifies(*c.store));
  CHECK(c.store->changeCount().value() == 6);
}

TEST_CASE("Store: verify finds a change whose prev is not a change it holds",
          "[storage][verify]") {
  Chains c;
  // The town's real third change never arrived; a third one naming another,
  // unheld, predecessor did.
  Signed unheld = announcement(c.town, 2, c.town1().id);
  storeRaw(*c.store, announcement(c.town, 3, unheld.id));
  checkFound(*c.store);
}

TEST_CASE("Store: verify finds a change whose prev names another author's change",
          "[storage][verify]") {
  Chains c;
  Signed bad = announcement(c.town, 3, c.office2().id);
  storeRaw(*c.store, bad);
  SECTION("as the author's latest") {}
  SECTION("in the middle, with a change after it that follows it") {
    storeRaw(*c.store, announcement(c.town, 4, bad.id));
  }
  checkFound(*c.store);
}

TEST_CASE("Store: verify finds a change whose prev names the wrong number of its author",
          "[storage][verify]") {
  Chains c;
  SECTION("an earlier change") { storeRaw(*c.store, announcement(c.town, 3, c.town1().id)); }
  SECTION("itself numbered one past") {
    // prev names the town's change 2 but the change is number 4: prev must be
    // number 3, which the store does not hold.
    storeRaw(*c.store, announcement(c.town, 4, c.town2().id));
  }
  checkFound(*c.store);
}

TEST_CASE("Store: verify finds a gap in an author's numbers", "[storage][verify]") {
  Chains c;
  SECTION("the missing change's successor, chained to it") {
    // Number 3 is missing: 4 follows the real (unheld) number 3.
    storeRaw(*c.store, announcement(c.town, 4, c.town3().id));
  }
  SECTION("a gap further on, after changes that chain correctly") {
    Signed t3 = c.town3();
    storeRaw(*c.store, t3);
    Signed t4 = announcement(c.town, 4, t3.id);
    storeRaw(*c.store, t4);
    storeRaw(*c.store, announcement(c.town, 9, announcement(c.town, 8, t4.id).id));
  }
  checkFound(*c.store);
}

}  // namespace
}  // namespace renda::storage
