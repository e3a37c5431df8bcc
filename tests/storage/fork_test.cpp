// SPDX-License-Identifier: Apache-2.0
// Forks and trust in the store: both branches travel and satisfy look-ups,
// revocations pin a change, the county settles a fork, summaries and missing
// sets compare number and id, a hand-over commits in one transaction, and an
// older store's fork evidence moves into the log when it is upgraded.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "storage/lmdb.h"
#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::County;
using test::Signed;
using test::Signer;

const std::string kTown = "城关镇";

std::vector<Field> named(const std::string& v) { return {{"name", v}}; }

// A county office and one township key, introduced; stores open on demand.
struct Net {
  test::TempDir dir;
  County county;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  std::vector<Signed> intro;
  Net() {
    intro.push_back(office.introduce(county, "", Role::kCounty));
    intro.push_back(town.introduce(county, kTown, Role::kTownship));
  }
  std::unique_ptr<Store> open(const std::string& name) {
    auto s = test::openStore(dir.sub(name), county);
    REQUIRE(s);
    REQUIRE(s->ingest(test::envelopesOf(intro)));
    return s;
  }
};

// Sends `to` everything `from` holds that `to`'s summary lacks.
IngestReport send(Store& from, Store& to) {
  auto theirs = to.versionVector().value();
  std::vector<std::string> batch;
  REQUIRE(from.forEachMissing(theirs, [&](std::string_view e) {
    batch.emplace_back(e);
    return Status::ok();
  }));
  auto r = to.ingest(batch);
  INFO((r ? std::string() : r.status().message()));
  REQUIRE(r);
  return *r;
}

// Every membership, as text a failure can show.
std::vector<std::string> memberBytes(Store& s) {
  std::vector<std::string> out;
  std::vector<Membership> all = s.members().value();
  for (const auto& m : all) {
    std::string line = toHex(m.subject).substr(0, 8) + " issuer " + toHex(m.issuer).substr(0, 8) +
                       " w" + std::to_string(m.windowsMs.size()) + " gen" +
                       std::to_string(m.generation) + " cert" + std::to_string(m.certified) +
                       " succ" + std::to_string(m.successor.has_value()) + " rev" +
                       std::to_string(m.revokedAfterSeq.value_or(99)) + " " + m.township + " admitted=" +
                       std::to_string(m.admitted) + " frozen=" +
                       std::to_string(m.frozenFromSeq.value_or(0)) + " limit=" +
                       std::to_string(m.line.limitSeq.value_or(0)) + " lineIds=" +
                       std::to_string(m.line.lineIds.size()) + " key=" +
                       std::to_string(m.encryptionKeySeq) + " ";
    out.push_back(line + toHex(crypto::hash(crypto::asBytes(m.encode()))).substr(0, 8));
  }
  return out;
}

void requireSame(Store& a, Store& b) {
  CHECK(a.digest().value() == b.digest().value());
  CHECK(memberBytes(a) == memberBytes(b));
  CHECK(a.versionVector().value() == b.versionVector().value());
  CHECK(test::verifies(a));
  CHECK(test::verifies(b));
}

TEST_CASE("Forks travel: nodes holding different branches exchange them and agree",
          "[storage][fork]") {
  Net n;
  auto a = n.open("a");
  auto b = n.open("b");
  auto created = n.town.create(RecordKind::kDeputy, kTown, named("原"));
  Signer branch = n.town.branch();  // the same key and number: a backup restored in place
  auto x = n.town.update(created.id, {created.id}, named("x"));
  auto x2 = n.town.update(created.id, {x.id}, named("x2"));
  auto y = branch.update(created.id, {created.id}, named("y"));
  auto y2 = branch.update(created.id, {y.id}, named("y2"));
  REQUIRE(x.change.seq == y.change.seq);
  REQUIRE(a->ingest({created.envelope, x.envelope, x2.envelope}));
  REQUIRE(b->ingest({created.envelope, y.envelope}));
  // The county, which saw branch y, writes a change that depends on it.
  auto office = n.office.add([&] {
    Change c = Signer::createOp(RecordKind::kStation, kTown, named("代表之家"));
    c.deps = {y.id};
    return c;
  }());
  REQUIRE(b->ingest({office.envelope, y2.envelope}));

  bool aFirst = GENERATE(true, false);
  INFO("a sends first: " << aFirst);
  if (aFirst) send(*a, *b);
  send(*b, *a);  // y, y2 and the office's change reach a, which holds x: never refused
  if (!aFirst) send(*a, *b);
  requireSame(*a, *b);
  auto m = a->membership(n.town.publicKey()).value();
  REQUIRE(m);
  CHECK(m->frozenFromSeq == x.change.seq);
  Record rec = a->record(created.id).value();
  CHECK(rec.get("name") == std::optional<std::string>("原"));
  for (const auto& v : {x, x2, y, y2}) {
    REQUIRE(rec.version(v.id));
    CHECK_FALSE(rec.version(v.id)->applied);
  }
  CHECK(a->record(office.id).value().visible);  // the honest office is not held back
  auto forks = a->forks().value();
  REQUIRE(forks.size() == 1);
  CHECK(forks[0].tips.size() == 2);
}

TEST_CASE("Forks: the county settles one branch, in any arrival order", "[storage][fork]") {
  Net n;
  auto created = n.town.create(RecordKind::kDeputy, kTown, named("原"));
  Signer branch = n.town.branch();
  auto x = n.town.update(created.id, {created.id}, named("x"));
  auto y = branch.update(created.id, {created.id}, named("y"));
  auto y2 = branch.update(created.id, {y.id}, named("y2"));
  Change settle;
  settle.op = OpKind::kSettlement;
  settle.settlement = makeSettlement(n.county.network, n.town.publicKey(), y2.id, y2.change.seq,
                                     "the township restored a backup", n.county.root);
  settle.deps = {y2.id};
  auto settled = n.office.add(settle);
  auto after = branch.update(created.id, {y2.id}, named("y3"));  // the kept branch goes on

  std::vector<Signed> all = {created, x, y, y2, settled, after};
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  Hash want;
  for (int round = 0; round < 6; ++round) {
    // Any order in which each change follows what it names.
    std::vector<Signed> order = all;
    std::vector<Signed> placed;
    std::set<ChangeId> have;
    while (!order.empty()) {
      std::vector<size_t> ready;
      for (size_t i = 0; i < order.size(); ++i) {
        const Change& c = order[i].change;
        bool ok = (!c.prev || have.count(*c.prev) || *c.prev == n.intro[0].id ||
                   *c.prev == n.intro[1].id) &&
                  std::all_of(c.deps.begin(), c.deps.end(), [&](const ChangeId& d) { return have.count(d); }) &&
                  std::all_of(c.parents.begin(), c.parents.end(), [&](const ChangeId& d) { return have.count(d); });
        if (ok) ready.push_back(i);
      }
      REQUIRE_FALSE(ready.empty());
      size_t pick = ready[rng() % ready.size()];
      have.insert(order[pick].id);
      placed.push_back(order[pick]);
      order.erase(order.begin() + long(pick));
    }
    auto s = n.open("r" + std::to_string(round));
    size_t cut = rng() % placed.size();
    std::vector<Signed> first(placed.begin(), placed.begin() + long(cut));
    std::vector<Signed> second(placed.begin() + long(cut), placed.end());
    if (!first.empty()) REQUIRE(s->ingest(test::envelopesOf(first)));
    REQUIRE(s->ingest(test::envelopesOf(second)));
    Hash d = s->digest().value();
    if (round == 0) want = d;
    CHECK(d == want);
    CHECK(test::verifies(*s));
    auto m = s->membership(n.town.publicKey()).value();
    REQUIRE(m);
    CHECK_FALSE(m->frozenFromSeq);
    CHECK(m->settledHead == y2.id);
    Record rec = s->record(created.id).value();
    CHECK(rec.get("name") == std::optional<std::string>("y3"));
    CHECK_FALSE(rec.version(x.id)->applied);
  }
}

TEST_CASE("Revocations pin a change: a thief's other change at or below the cut-off never "
          "applies, in any arrival order",
          "[storage][fork][revocation]") {
  Net n;
  auto created = n.town.create(RecordKind::kDeputy, kTown, named("原"));
  Signer thief = n.town.branch();  // the stolen key, before its owner's next change
  auto honest = n.town.update(created.id, {created.id}, named("honest"));
  Change rev;
  rev.op = OpKind::kRevocation;
  rev.revocation = makeRevocation(n.county.network, n.town.publicKey(), honest.change.seq,
                                  honest.id, "laptop stolen", n.county.root);
  rev.deps = {honest.id};
  auto revoked = n.office.add(rev);
  auto forged = thief.update(created.id, {created.id}, named("forged"));  // same number as honest
  auto later = thief.update(created.id, {forged.id}, named("later"));
  REQUIRE(forged.change.seq == honest.change.seq);

  SECTION("the revocation first, then the thief's bundle") {
    auto s = n.open("a");
    REQUIRE(s->ingest({created.envelope, honest.envelope, revoked.envelope}));
    REQUIRE(s->ingest({forged.envelope, later.envelope}));
    Record rec = s->record(created.id).value();
    CHECK(rec.get("name") == std::optional<std::string>("honest"));
    CHECK(test::verifies(*s));
  }
  SECTION("the thief's changes first: applied until the revocation arrives, then not") {
    auto s = n.open("a");
    REQUIRE(s->ingest({created.envelope, forged.envelope, later.envelope}));
    CHECK(s->record(created.id).value().get("name") == std::optional<std::string>("later"));
    REQUIRE(s->ingest({honest.envelope, revoked.envelope}));
    Record rec = s->record(created.id).value();
    CHECK(rec.get("name") == std::optional<std::string>("honest"));
    CHECK_FALSE(rec.version(forged.id)->applied);
    CHECK_FALSE(rec.version(later.id)->applied);
    CHECK(test::verifies(*s));
    auto other = n.open("b");
    REQUIRE(other->ingest({created.envelope, honest.envelope, revoked.envelope, forged.envelope,
                           later.envelope}));
    requireSame(*s, *other);
  }
}

TEST_CASE("forEachMissing sends exactly what a summary lacks, reading each author's log",
          "[storage][fork][sync]") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  Net n;
  auto s = n.open("a");
  std::vector<Signer> authors;
  std::vector<Signed> intro;
  for (int i = 0; i < 5; ++i) {
    authors.emplace_back(n.county.network, 10 + i);
    intro.push_back(authors.back().introduce(n.county, kTown, Role::kTownship));
  }
  REQUIRE(s->ingest(test::envelopesOf(intro)));
  std::vector<Signed> all;
  for (int round = 0; round < 60; ++round) {
    Signer& a = authors[rng() % authors.size()];
    all.push_back(a.create(RecordKind::kDeputy, kTown, named("d" + std::to_string(round))));
  }
  REQUIRE(s->ingest(test::envelopesOf(all)));
  auto mine = s->versionVector().value();
  for (int trial = 0; trial < 20; ++trial) {
    // Their summary: for each author, nothing, a prefix of what we hold, or a
    // change we do not hold numbered beyond ours (they are ahead).
    VersionVector theirs;
    std::set<ChangeId> theyHave;
    for (const auto& e : mine) {
      int what = int(rng() % 3);
      if (what == 0) continue;
      auto changes = s->changesOf(e.author, 1).value();
      if (what == 1) {
        size_t k = rng() % changes.size();
        theirs.push_back({e.author, changes[k].first, changes[k].second});
        for (size_t i = 0; i <= k; ++i) theyHave.insert(changes[i].second);
      } else {
        theirs.push_back({e.author, e.seq + 5, ChangeId{}});
        for (const auto& c : changes) theyHave.insert(c.second);
      }
    }
    std::vector<ChangeId> sent;
    REQUIRE(s->forEachMissing(theirs, [&](std::string_view env) {
      auto e = decodeEnvelope(crypto::asBytes(env));
      REQUIRE(e);
      sent.push_back(crypto::changeId(crypto::asBytes(e->body)));
      return Status::ok();
    }));
    std::set<ChangeId> want;
    for (const auto& e : mine) {
      auto changes = s->changesOf(e.author, 1).value();
      for (const auto& c : changes)
        if (!theyHave.count(c.second)) want.insert(c.second);
    }
    CHECK(std::set<ChangeId>(sent.begin(), sent.end()) == want);
    CHECK(sent.size() == want.size());  // each once
  }
}

TEST_CASE("Store::rotateDeviceKey: the hand-over, the new key's announcement and the binding "
          "commit together",
          "[storage][fork][succession]") {
  Net n;
  auto s = n.open("a");
  REQUIRE(s->setDeviceKey(n.town.publicKey()));
  LocalEdit e;
  e.scope = kTown;
  e.fields = named("x");
  REQUIRE(s->author(e, n.town.key(), 1800000000000ull));
  std::string idBefore = s->storeId().value();
  SecretKey fresh = test::keyFromSeed(77);
  BoxPublicKey box = crypto::generateBoxKey().publicKey();
  Certificate cert = makeCertificate(n.county.network, fresh.publicKey(), n.town.key(), kTown,
                                     Role::kTownship, 0, 0, "new");
  LocalEdit announce;
  announce.op = OpKind::kEncryptionKey;
  announce.encryptionKey = box;
  auto ids = s->rotateDeviceKey(n.town.key(), fresh, cert, {announce}, 1800000001000ull);
  REQUIRE(ids);
  CHECK(ids->size() == 2);
  CHECK(s->deviceKey().value() == fresh.publicKey());
  CHECK(s->storeId().value() != idBefore);
  auto m = s->membership(fresh.publicKey()).value();
  REQUIRE(m);
  CHECK(m->admitted);
  CHECK(m->encryptionKey == box);
  CHECK(s->membership(n.town.publicKey()).value()->successor == fresh.publicKey());
  REQUIRE(s->author(e, fresh, 1800000002000ull));
  CHECK(test::verifies(*s));

  SECTION("a second hand-over by the same old key is refused and writes nothing") {
    uint64_t count = s->changeCount().value();
    SecretKey another = test::keyFromSeed(78);
    Certificate again = makeCertificate(n.county.network, another.publicKey(), n.town.key(), kTown,
                                        Role::kTownship, 0, 0, "again");
    auto r = s->rotateDeviceKey(n.town.key(), another, again, {}, 1800000003000ull);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.status().message(), Catch::Contains("already certified a successor"));
    CHECK(s->changeCount().value() == count);
    CHECK(s->deviceKey().value() == fresh.publicKey());
  }
}

TEST_CASE("Store: a layout-3 store's fork evidence moves into the log when it is upgraded",
          "[storage][fork][layout]") {
  Net n;
  Signer branch = n.town.branch();
  auto x = n.town.create(RecordKind::kDeputy, kTown, named("x"));
  Change key;
  key.op = OpKind::kEncryptionKey;
  key.encryptionKey = crypto::generateBoxKey().publicKey();
  auto y = branch.add(key);  // the same number as x: fork evidence
  Hash digest;
  {
    auto s = n.open("a");
    REQUIRE(s->ingest({x.envelope, y.envelope}));
    digest = s->digest().value();
    // Back to layout 3: y lives only in the old forks table.
    auto txn = WriteTxn::begin(s->env()).value();
    auto dbi = [&](const char* name) {
      MDB_dbi d;
      REQUIRE(mdb_dbi_open(txn.get(), name, 0, &d) == 0);
      return d;
    };
    MDB_dbi meta = dbi("meta"), changes = dbi("changes"), byidnew = dbi("byidnew"),
            forklog = dbi("forklog"), acts = dbi("acts"), forks = dbi("forks"), members = dbi("members");
    std::string idKey(reinterpret_cast<const char*>(y.id.data()), 32);
    auto arrival = txn.get(byidnew, bytesOf(idKey)).value();
    REQUIRE(arrival);
    std::string arrivalKey(viewOf(*arrival));
    REQUIRE(txn.del(changes, bytesOf(arrivalKey)));
    REQUIRE(txn.del(byidnew, bytesOf(idKey)));
    REQUIRE(mdb_drop(txn.get(), forklog, 0) == 0);
    REQUIRE(mdb_drop(txn.get(), acts, 0) == 0);
    REQUIRE(mdb_drop(txn.get(), members, 0) == 0);
    std::string forkKey(reinterpret_cast<const char*>(n.town.publicKey().data()), 32);
    for (int i = 7; i >= 0; --i) forkKey.push_back(static_cast<char>((y.change.seq >> (8 * i)) & 0xff));
    forkKey += idKey;
    REQUIRE(txn.put(forks, bytesOf(forkKey), bytesOf(y.envelope)));
    std::string three(8, '\0');
    three[7] = 3;
    REQUIRE(txn.put(meta, bytesOf(std::string_view("layout")), bytesOf(three)));
    REQUIRE(txn.commit());
  }
  auto s = Store::open(n.dir.sub("a"));
  INFO((s ? std::string() : s.status().message()));
  REQUIRE(s);
  CHECK(test::verifies(**s));
  CHECK((*s)->digest().value() == digest);
  auto m = (*s)->membership(n.town.publicKey()).value();
  REQUIRE(m);
  CHECK(m->frozenFromSeq == x.change.seq);
  CHECK((*s)->forks().value().size() == 1);
}

// A settlement that keeps the branch holding the author's number
// maxBranchSeq: the author's next change, authored on this store, is on the
// kept line. Store::author refused it, judging it by the membership from
// before that change existed (found with the real renda binary:
// tests/app/trust_cli_test.cpp).
TEST_CASE("Forks: after a settlement, the kept branch's node authors its next change",
          "[storage][fork][regression]") {
  Net n;
  auto s = n.open("laptop");
  REQUIRE(s->setDeviceKey(n.town.publicKey()));
  Signer branch = n.town.branch();
  auto kept = n.town.create(RecordKind::kStation, kTown, named("kept"));
  auto other = branch.create(RecordKind::kStation, kTown, named("other"));
  Change settle;
  settle.op = OpKind::kSettlement;
  settle.settlement = makeSettlement(n.county.network, n.town.publicKey(), kept.id,
                                     kept.change.seq, "restored laptop", n.county.root);
  settle.deps = {kept.id};
  auto settled = n.office.add(settle);
  REQUIRE(s->ingest(test::envelopesOf({kept})));
  REQUIRE(s->ingest(test::envelopesOf({other})));
  REQUIRE(s->ingest(test::envelopesOf({settled})));
  LocalEdit edit;
  edit.op = OpKind::kCreate;
  edit.kind = RecordKind::kStation;
  edit.scope = kTown;
  edit.fields = named("next");
  auto next = s->author(edit, n.town.key(), 1700000100000ull);
  INFO((next ? std::string() : next.status().message()));
  REQUIRE(next);
  CHECK(s->record(*next).value().visible);
  CHECK_FALSE(s->record(other.id).value().visible);
  CHECK(test::verifies(*s));
}

}  // namespace
}  // namespace renda::storage
