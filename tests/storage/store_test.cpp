// SPDX-License-Identifier: Apache-2.0
// Store ingest and authoring on real LMDB files under a temporary folder:
// duplicates, gaps, broken chains, altered envelopes (the amortised signature
// check over hash chains), unknown authors and networks, batch atomicity,
// township scope, revocation cut-offs in both arrival orders, forks, restore
// detection, the persisted clock, and verify() finding damage made directly
// in LMDB.
#include "storage/store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "core/limits.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;
using test::verifies;

const std::string kTown = "城关镇";
const std::string kOtherTown = "河口乡";

// The observable state of a store: what must not move when a batch is refused.
struct Snapshot {
  Hash digest;
  uint64_t changes = 0;
  VersionVector vv;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snap(Store& s) {
  return {s.digest().value(), s.changeCount().value(), s.versionVector().value()};
}

// A county with a county-office key and two township keys, each introduced
// by a root-signed certificate (their change number 1).
struct Net {
  test::TempDir dir;
  test::County county;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  Signer otherTown{county.network, 3};
  std::vector<Signed> intro;
  Net() {
    intro.push_back(office.introduce(county, "", Role::kCounty));
    intro.push_back(town.introduce(county, kTown, Role::kTownship));
    intro.push_back(otherTown.introduce(county, kOtherTown, Role::kTownship));
  }
  std::unique_ptr<Store> open(const std::string& name, bool introduce = true) {
    auto s = test::openStore(dir.sub(name), county);
    REQUIRE(s);
    if (introduce) REQUIRE(s->ingest(test::envelopesOf(intro)));
    return s;
  }
};

std::vector<Field> named(const std::string& name) { return {{"name", name}}; }

TEST_CASE("Store: changes and records survive closing and reopening", "[storage][store]") {
  Net n;
  Hash digest;
  RecordId rid;
  {
    auto s = n.open("a");
    auto c = n.town.create(RecordKind::kDeputy, kTown, named("张三"));
    rid = c.id;
    REQUIRE(s->ingest({c.envelope}));
    digest = s->digest().value();
  }
  auto s = test::openStore(n.dir.sub("a"), n.county);
  REQUIRE(s);
  CHECK(s->digest().value() == digest);
  CHECK(s->changeCount().value() == 4);
  CHECK(s->record(rid).value().get("name") == std::optional<std::string>("张三"));
  CHECK(verifies(*s));
}

TEST_CASE("Store: ingesting changes already held is a no-op", "[storage][store]") {
  Net n;
  auto s = n.open("a");
  std::vector<Signed> batch;
  batch.push_back(n.town.create(RecordKind::kDeputy, kTown, named("a")));
  batch.push_back(n.town.update(batch[0].id, {batch[0].id}, named("b")));
  batch.push_back(n.office.create(RecordKind::kStation, "", named("站")));
  REQUIRE(s->ingest(test::envelopesOf(batch)));
  Snapshot before = snap(*s);

  auto again = s->ingest(test::envelopesOf(batch));
  REQUIRE(again);
  CHECK(again->duplicates == 3);
  CHECK(again->added == 0);
  CHECK(snap(*s) == before);
  auto intro = s->ingest(test::envelopesOf(n.intro));
  REQUIRE(intro);
  CHECK(intro->duplicates == 3);
  CHECK(snap(*s) == before);

  // Duplicates mixed with a new change: only the new one is added.
  auto fresh = n.town.create(RecordKind::kSuggestion, kTown, named("c"));
  auto mixed = s->ingest({batch[0].envelope, batch[1].envelope, fresh.envelope, fresh.envelope});
  REQUIRE(mixed);
  CHECK(mixed->duplicates == 3);
  CHECK(mixed->added == 1);
  CHECK(s->changeCount().value() == before.changes + 1);
  CHECK(verifies(*s));
}

TEST_CASE("Store: a change that skips a number is refused and nothing changes",
          "[storage][store]") {
  Net n;
  auto s = n.open("a");
  auto c2 = n.town.create(RecordKind::kDeputy, kTown, named("a"));
  auto c3 = n.town.create(RecordKind::kDeputy, kTown, named("b"));
  auto c4 = n.town.create(RecordKind::kDeputy, kTown, named("c"));
  REQUIRE(s->ingest({c2.envelope}));
  Snapshot before = snap(*s);

  auto r = s->ingest({c4.envelope});
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kRefused);
  CHECK(snap(*s) == before);
  // With the missing change in the same batch but after the gap: still refused.
  auto r2 = s->ingest({c4.envelope, c3.envelope});
  REQUIRE_FALSE(r2);
  CHECK(snap(*s) == before);
  // In order, both go in.
  auto ok = s->ingest({c3.envelope, c4.envelope});
  REQUIRE(ok);
  CHECK(ok->added == 2);
  CHECK(verifies(*s));
}

TEST_CASE("Store: a change that does not follow its author's previous change is refused",
          "[storage][store]") {
  Net n;
  auto s = n.open("a");
  auto c2 = n.town.create(RecordKind::kDeputy, kTown, named("a"));
  REQUIRE(s->ingest({c2.envelope}));
  Snapshot before = snap(*s);

  Change c = Signer::createOp(RecordKind::kDeputy, kTown, named("b"));
  c.seq = 3;
  c.hlc = Hlc::make(1700000000003ull, 0);
  // A malformed change names a held change that is not its author's number
  // seq - 1; one naming a change not held yet may simply have come early
  // (a gap), and is refused without suggesting tampering.
  Code want = Code::kInvalidInput;
  SECTION("prev names another change of the same author") { c.prev = n.intro[1].id; }
  SECTION("prev names a change of another author") { c.prev = n.intro[0].id; }
  SECTION("prev names nothing known") {
    c.prev = c2.id;
    c.prev->bytes[0] ^= 1;
    want = Code::kRefused;
  }
  auto bad = n.town.signAs(c);
  auto r = s->ingest({bad.envelope});
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == want);
  if (want == Code::kRefused) {
    CHECK_THAT(r.status().message(), Catch::Contains("earlier changes first"));
    CHECK_THAT(r.status().message(), !Catch::Contains("altered"));
  }
  CHECK(snap(*s) == before);
}

// The amortised check verifies the signature of the last change of each run
// of one author's changes; the others are authenticated by the next change's
// prev link. Any altered bit of a signed body must still be caught.
TEST_CASE("Store: an envelope altered in any bit of its body is refused", "[storage][store]") {
  Net n;
  auto s = n.open("a");
  std::vector<Signed> run;
  run.push_back(n.town.create(RecordKind::kDeputy, kTown, {{"name", "Alice"}, {"phone", "12345"}}));
  for (int i = 0; i < 4; ++i)
    run.push_back(
        n.town.update(run[0].id, {run.back().id}, {{"phone", "phone" + std::to_string(i)}}));
  Snapshot before = snap(*s);
  bool everySignature = GENERATE(false, true);
  size_t target = GENERATE(0u, 2u, 4u);  // first, middle, last of the run
  INFO("target change " << target << ", every signature " << everySignature);
  StoreOptions o;
  o.initialMapBytes = test::kSmallMapBytes;
  o.verifyEverySignature = everySignature;
  s.reset();
  auto store = Store::open(n.dir.sub("a"), o).value();

  const std::string& env = run[target].envelope;
  const std::string& body = run[target].body;
  size_t at = env.find(body);
  REQUIRE(at != std::string::npos);
  size_t refused = 0;
  for (size_t bit = 0; bit < body.size() * 8; ++bit) {
    std::vector<std::string> batch = test::envelopesOf(run);
    batch[target][at + bit / 8] ^= static_cast<char>(1u << (bit % 8));
    auto r = store->ingest(batch);
    if (r)
      FAIL_CHECK("accepted a change with bit " << bit << " of its body flipped");
    else
      ++refused;
  }
  CHECK(refused == body.size() * 8);
  CHECK(snap(*store) == before);

  // A flip inside a field value leaves a well-formed change: only the
  // signature (or the chain) can catch it.
  size_t text = env.find(target == 0 ? "Alice" : "phone");
  REQUIRE(text != std::string::npos);
  std::vector<std::string> batch = test::envelopesOf(run);
  batch[target][text] ^= 2;
  auto r = store->ingest(batch);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kInvalidInput);
  CHECK(r.status().message().find("signature") != std::string::npos);
  CHECK(snap(*store) == before);

  auto ok = store->ingest(test::envelopesOf(run));
  REQUIRE(ok);
  CHECK(ok->added == run.size());
  CHECK(verifies(*store));
}

// A run of four changes by one author (a create and three edits), not yet in
// store "a", which holds the county's introductions.
struct Run {
  Net n;
  std::unique_ptr<Store> s = n.open("a");
  std::vector<Signed> run;
  Run() {
    run.push_back(n.town.create(RecordKind::kDeputy, kTown, named("a")));
    for (int i = 0; i < 3; ++i)
      run.push_back(n.town.update(run[0].id, {run.back().id},
                                  named(std::string("v").append(std::to_string(i)))));
  }
  // Where change `i`'s signature starts in its envelope.
  size_t signatureAt(size_t i) const {
    Signature sig = decodeEnvelope(crypto::asBytes(run[i].envelope)).value().sig;
    size_t at =
        run[i].envelope.find(std::string(reinterpret_cast<const char*>(sig.data()), sig.size()));
    REQUIRE(at != std::string::npos);
    return at;
  }
  // Store "a" again, checking every signature or only the last of each run.
  std::unique_ptr<Store> reopen(bool everySignature) {
    StoreOptions o;
    o.initialMapBytes = test::kSmallMapBytes;
    o.verifyEverySignature = everySignature;
    s.reset();
    return Store::open(n.dir.sub("a"), o).value();
  }
};

// The run with bit 84 of change `target`'s signature flipped (the body untouched).
struct SigFlip : Run {
  std::vector<std::string> batch = test::envelopesOf(run);
  explicit SigFlip(size_t target) { batch[target][signatureAt(target) + 10] ^= 0x10; }
};

// Every byte of every change of a run, altered one at a time, in both checking
// modes: the batch is refused and the store is unchanged. reliability.md 3.2
// lets a mutant through only when it is byte-identical to a valid signed
// message, which one altered byte never is. A matching digest is no excuse:
// the digest covers records, not the signature bytes a store keeps and hands
// on to every peer.
TEST_CASE("Store: a run with any byte of a change altered is refused, whichever change it is",
          "[storage][store]") {
  bool everySignature = GENERATE(false, true);
  INFO("every signature " << everySignature);
  Run f;
  auto store = f.reopen(everySignature);
  Snapshot before = snap(*store);
  // Ingests the run with one bit of byte `i` of change `target`'s envelope flipped.
  auto ingestAltered = [&](size_t target, size_t i) {
    std::vector<std::string> batch = test::envelopesOf(f.run);
    batch[target][i] ^= static_cast<char>(1u << (i % 8));
    return store->ingest(batch);
  };
  SECTION("each of the 64 signature bytes: refused as altered or forged") {
    for (size_t target = 0; target < f.run.size(); ++target) {
      size_t at = f.signatureAt(target);
      size_t refused = 0;
      for (size_t i = 0; i < Signature::kSize; ++i) {
        auto r = ingestAltered(target, at + i);
        if (r) {
          FAIL_CHECK("change " << target << " was taken with signature byte " << i << " altered");
          continue;
        }
        ++refused;
        CHECK(r.status().code() == Code::kInvalidInput);
      }
      CHECK(refused == Signature::kSize);
      CHECK(snap(*store) == before);
    }
  }
  SECTION("every byte of the envelope: wrapper, signer, signature and body") {
    for (size_t target = 0; target < f.run.size(); ++target) {
      for (size_t i = 0; i < f.run[target].envelope.size(); ++i)
        if (ingestAltered(target, i))
          FAIL_CHECK("change " << target << " was taken with envelope byte " << i << " altered");
      CHECK(snap(*store) == before);
    }
  }
  auto ok = store->ingest(test::envelopesOf(f.run));
  REQUIRE(ok);
  CHECK(ok->added == f.run.size());
  CHECK(verifies(*store));
}

// Regression: with the amortised check, a change inside a run used to be stored
// with signature bytes nobody checked (verify() then failed, and a peer getting
// it as the last of a run refused the batch). Each change now names the hash of
// its predecessor's signature (prevSig), so the chain vouches for those bytes.
TEST_CASE("Store: a change inside a run with altered signature bytes is not stored",
          "[storage][store][regression]") {
  SigFlip f(1);
  auto r = f.s->ingest(f.batch);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kInvalidInput);
}

TEST_CASE("Store: changes by a key the county never enrolled are refused", "[storage][store]") {
  Net n;
  auto s = n.open("a");
  Snapshot before = snap(*s);
  Signer stranger(n.county.network, 9);
  SECTION("no certificate at all") {
    auto c = stranger.create(RecordKind::kDeputy, kTown, named("x"));
    auto r = s->ingest({c.envelope});
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::kRefused);
  }
  SECTION("a certificate signed by a key that is not the county root") {
    test::County fake(1);  // same network id, another root key
    fake.root = test::keyFromSeed(777);
    auto cert = stranger.add(
        Signer::certificateOp(fake.certify(stranger.publicKey(), kTown, Role::kTownship)));
    auto c = stranger.create(RecordKind::kDeputy, kTown, named("x"));
    auto r = s->ingest({cert.envelope, c.envelope});
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::kRefused);
  }
  SECTION("a certificate for another key") {
    auto cert = stranger.add(
        Signer::certificateOp(n.county.certify(n.town.publicKey(), kTown, Role::kTownship)));
    auto r = s->ingest({cert.envelope});
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::kRefused);
  }
  CHECK(snap(*s) == before);
}

TEST_CASE("Store: changes of another county's network are refused", "[storage][store]") {
  Net n;
  auto s = n.open("a");
  Snapshot before = snap(*s);
  test::County elsewhere(2);
  Signer foreign(elsewhere.network, 2);  // the same key as n.town, another network
  auto cert = foreign.introduce(elsewhere, kTown, Role::kTownship);
  auto c = foreign.create(RecordKind::kDeputy, kTown, named("x"));
  auto r = s->ingest({cert.envelope, c.envelope});
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kRefused);
  CHECK(r.status().message().find("another county") != std::string::npos);
  CHECK(snap(*s) == before);
}

TEST_CASE("Store: a batch is stored whole or not at all", "[storage][store]") {
  Net n;
  auto s = n.open("a", false);
  Snapshot empty = snap(*s);
  std::vector<Signed> good = n.intro;
  for (int i = 0; i < 10; ++i)
    good.push_back(n.town.create(RecordKind::kDeputy, kTown,
                                 named(std::string("d").append(std::to_string(i)))));
  good.push_back(n.office.create(RecordKind::kStation, "", named("站")));
  std::vector<std::string> batch = test::envelopesOf(good);
  SECTION("the last change skips a number") {
    Change c = Signer::createOp(RecordKind::kDeputy, kTown, named("gap"));
    c.seq = n.town.seq() + 2;
    c.prev = good[good.size() - 2].id;  // the township key's last change
    batch.push_back(n.town.signAs(c).envelope);
  }
  SECTION("the last change edits a record this store lacks") {
    RecordId unknown = good[3].id;
    unknown.bytes[5] ^= 1;
    batch.push_back(n.town.draft(Signer::updateOp(unknown, {unknown}, named("x"))).envelope);
  }
  SECTION("the last change's signature is wrong") {
    std::string e = n.town.draft(Signer::createOp(RecordKind::kDeputy, kTown, named("x"))).envelope;
    e[e.size() - 3] ^= 1;
    batch.push_back(e);
  }
  SECTION("the last change is not a change") { batch.push_back("not an envelope at all!!"); }
  auto r = s->ingest(batch);
  REQUIRE_FALSE(r);
  CHECK(snap(*s) == empty);
  CHECK(s->changeCount().value() == 0);
  CHECK(s->list(RecordKind::kDeputy).value().empty());
  CHECK(s->members().value().empty());
  auto ok = s->ingest(test::envelopesOf(good));
  REQUIRE(ok);
  CHECK(ok->added == good.size());
}

TEST_CASE("Store: a township key's writes outside its township are kept but not applied",
          "[storage][store]") {
  Net n;
  auto s = n.open("a");
  auto theirs = n.otherTown.create(RecordKind::kDeputy, kOtherTown, named("李四"));
  auto county = n.office.create(RecordKind::kStation, "", named("县站"));
  REQUIRE(s->ingest({theirs.envelope, county.envelope}));
  Record theirsBefore = s->record(theirs.id).value();
  Record countyBefore = s->record(county.id).value();

  std::vector<Signed> attempts;
  attempts.push_back(n.town.update(theirs.id, {theirs.id}, named("hacked")));
  attempts.push_back(n.town.update(county.id, {county.id}, named("hacked")));
  attempts.push_back(n.town.create(RecordKind::kDeputy, kOtherTown, named("planted")));
  attempts.push_back(n.town.create(RecordKind::kStation, "", named("planted")));
  for (const auto& a : attempts) {
    auto r = s->ingest({a.envelope});
    REQUIRE(r);
    CHECK(r->added == 1);
    CHECK(r->notApplied == 1);
    REQUIRE(r->notes.size() == 1);
    CHECK(r->notes[0].find("may not write") != std::string::npos);
  }
  Record theirsAfter = s->record(theirs.id).value();
  CHECK(theirsAfter.fields == theirsBefore.fields);
  CHECK(theirsAfter.get("name") == std::optional<std::string>("李四"));
  REQUIRE(theirsAfter.version(attempts[0].id));
  CHECK_FALSE(theirsAfter.version(attempts[0].id)->applied);
  CHECK(s->record(county.id).value().fields == countyBefore.fields);
  CHECK_FALSE(s->record(attempts[2].id).value().visible);
  auto deputies = s->list(RecordKind::kDeputy).value();
  for (const auto& r : deputies) CHECK(r.get("name") != std::optional<std::string>("planted"));
  CHECK(s->list(RecordKind::kStation).value().size() == 1);
  CHECK(s->status().value().notApplied == 4);
  auto h = s->history(theirs.id).value();
  REQUIRE(h.size() == 2);
  CHECK_FALSE(h[1].applied);
  CHECK_FALSE(h[1].refusal.empty());
  CHECK(verifies(*s));

  // The county office may edit township records.
  auto byCounty = n.office.update(theirs.id, {theirs.id}, named("县改"));
  auto r = s->ingest({byCounty.envelope});
  REQUIRE(r);
  CHECK(r->notApplied == 0);
  CHECK(s->record(theirs.id).value().get("name") == std::optional<std::string>("县改"));
}

TEST_CASE("Store: author refuses an edit outside the device's township and writes nothing",
          "[storage][store]") {
  Net n;
  auto s = n.open("a");
  REQUIRE(s->setDeviceKey(n.town.publicKey()));
  auto theirs = n.otherTown.create(RecordKind::kDeputy, kOtherTown, named("李四"));
  auto county = n.office.create(RecordKind::kStation, "", named("县站"));
  REQUIRE(s->ingest({theirs.envelope, county.envelope}));
  Snapshot before = snap(*s);
  uint64_t now = 1800000000000ull;

  LocalEdit edit;
  SECTION("editing another township's record") {
    edit.op = OpKind::kUpdate;
    edit.record = theirs.id;
    edit.fields = named("hacked");
  }
  SECTION("editing a county record") {
    edit.op = OpKind::kUpdate;
    edit.record = county.id;
    edit.fields = named("hacked");
  }
  SECTION("creating a record for another township") {
    edit.scope = kOtherTown;
    edit.fields = named("planted");
  }
  SECTION("creating a county record") {
    edit.kind = RecordKind::kStation;
    edit.scope = "";
    edit.fields = named("planted");
  }
  auto r = s->author(edit, n.town.key(), now);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kRefused);
  CHECK(r.status().message().find("nothing was recorded") != std::string::npos);
  CHECK(snap(*s) == before);

  // Its own township is fine, and takes the next number (2: 1 was its certificate).
  LocalEdit own;
  own.scope = kTown;
  own.fields = named("本镇");
  auto id = s->author(own, n.town.key(), now);
  REQUIRE(id);
  auto vv = s->versionVector().value();
  auto it = std::find_if(vv.begin(), vv.end(),
                         [&](const VersionEntry& e) { return e.author == n.town.publicKey(); });
  REQUIRE(it != vv.end());
  CHECK(it->seq == 2);
  CHECK(it->id == *id);
  CHECK(verifies(*s));
}

TEST_CASE("Store: authorBatch writes consecutive changes like author, all or nothing",
          "[storage][store][batch]") {
  Net n;
  uint64_t now = 1800000000000ull;
  auto batched = n.open("batched");
  auto single = n.open("single");
  REQUIRE(batched->setDeviceKey(n.town.publicKey()));
  REQUIRE(single->setDeviceKey(n.town.publicKey()));
  std::vector<LocalEdit> edits;
  for (const char* name : {"张三", "李四", "王五"}) {
    LocalEdit e;
    e.scope = kTown;
    e.fields = named(name);
    edits.push_back(e);
  }

  SECTION("the same changes as one author() call per edit") {
    auto ids = batched->authorBatch(edits, n.town.key(), now);
    REQUIRE(ids);
    REQUIRE(ids->size() == 3);
    for (size_t i = 0; i < edits.size(); ++i) {
      auto id = single->author(edits[i], n.town.key(), now);
      REQUIRE(id);
      CHECK(*id == (*ids)[i]);  // same seq, prev, prevSig, clock: byte-identical changes
    }
    CHECK(snap(*batched) == snap(*single));
    CHECK(verifies(*batched));
    // The next change follows the batch's last one.
    auto next = batched->author(edits[0], n.town.key(), now);
    REQUIRE(next);
    auto vv = batched->versionVector().value();
    auto it = std::find_if(vv.begin(), vv.end(),
                           [&](const VersionEntry& e) { return e.author == n.town.publicKey(); });
    REQUIRE(it != vv.end());
    CHECK(it->seq == 5);  // 1 certificate + 3 + 1
  }
  SECTION("an edit of a record created earlier in the batch") {
    auto first = batched->authorBatch({edits[0]}, n.town.key(), now);
    REQUIRE(first);
    LocalEdit edit;
    edit.op = OpKind::kUpdate;
    edit.record = (*first)[0];
    edit.fields = {{"phone", "13800000001"}};
    auto ids = batched->authorBatch({edits[1], edit, edit}, n.town.key(), now);
    REQUIRE(ids);
    auto r = batched->record((*first)[0]);
    REQUIRE(r);
    CHECK(r->get("phone") == std::optional<std::string>("13800000001"));
    CHECK(r->versions.size() == 3);
    CHECK(verifies(*batched));
  }
  SECTION("one refused edit leaves nothing of the batch") {
    Snapshot before = snap(*batched);
    LocalEdit outside;
    outside.scope = kOtherTown;
    outside.fields = named("planted");
    auto ids = batched->authorBatch({edits[0], edits[1], outside}, n.town.key(), now);
    REQUIRE_FALSE(ids);
    CHECK(ids.status().code() == Code::kRefused);
    CHECK(ids.status().message().find("edit 3 of 3") != std::string::npos);
    CHECK(snap(*batched) == before);
    // And the key's numbering is untouched: the next batch starts at 2.
    REQUIRE(batched->authorBatch({edits[0]}, n.town.key(), now));
    auto vv = batched->versionVector().value();
    auto it = std::find_if(vv.begin(), vv.end(),
                           [&](const VersionEntry& e) { return e.author == n.town.publicKey(); });
    REQUIRE(it != vv.end());
    CHECK(it->seq == 2);
  }
}

// The revocation cuts the township key off after its change 3. The same set
// of changes must give the same records whichever arrives first.
// Regression: a revocation arriving before the key's certificate left a stub
// membership (no township, no validity window) that then refused the
// certificate, so none of the key's changes ever applied on that node and its
// digest differed from nodes that saw the certificate first.
TEST_CASE("Store: a revocation cut-off applies whatever the arrival order",
          "[storage][store][regression]") {
  Net n;
  std::vector<Signed> townChanges;
  townChanges.push_back(n.intro[1]);                                             // 1
  townChanges.push_back(n.town.create(RecordKind::kDeputy, kTown, named("a")));  // 2
  RecordId rid = townChanges.back().id;
  townChanges.push_back(n.town.update(rid, {rid}, named("b")));                         // 3
  townChanges.push_back(n.town.update(rid, {townChanges.back().id}, named("c")));       // 4
  townChanges.push_back(n.town.create(RecordKind::kSuggestion, kTown, named("late")));  // 5
  RecordId late = townChanges.back().id;
  auto revocation = n.office.add(Signer::revocationOp(n.county.revoke(n.town.publicKey(), 3)));
  std::vector<std::string> officeBatch = {n.intro[0].envelope, revocation.envelope};
  std::vector<std::string> townBatch = test::envelopesOf(townChanges);

  auto check = [&](Store& s) {
    CHECK(s.record(rid).value().get("name") == std::optional<std::string>("b"));
    CHECK_FALSE(s.record(late).value().visible);
    auto m = s.membership(n.town.publicKey()).value();
    REQUIRE(m);
    CHECK(m->revokedAfterSeq == std::optional<uint64_t>(3));
    CHECK(m->township == kTown);
    CHECK(s.status().value().revoked.size() == 1);
    CHECK(verifies(s));
  };
  auto before = test::openStore(n.dir.sub("before"), n.county);
  auto after = test::openStore(n.dir.sub("after"), n.county);
  auto mixed = test::openStore(n.dir.sub("mixed"), n.county);
  {
    INFO("revocation first");
    REQUIRE(before->ingest(officeBatch));
    auto r = before->ingest(townBatch);
    REQUIRE(r);
    CHECK(r->notApplied == 2);
    check(*before);
  }
  {
    INFO("revocation last");
    REQUIRE(after->ingest(townBatch));
    CHECK(after->record(rid).value().get("name") == std::optional<std::string>("c"));
    REQUIRE(after->ingest(officeBatch));
    check(*after);
  }
  {
    INFO("revocation in the middle of one batch");
    std::vector<std::string> all = {townBatch[0], townBatch[1],   townBatch[2], officeBatch[0],
                                    townBatch[3], officeBatch[1], townBatch[4]};
    REQUIRE(mixed->ingest(all));
    check(*mixed);
  }
  CHECK(before->digest().value() == after->digest().value());
  CHECK(mixed->digest().value() == after->digest().value());
  // Authoring stops at the cut-off too.
  REQUIRE(after->setDeviceKey(n.town.publicKey()));
  LocalEdit e;
  e.scope = kTown;
  e.fields = named("after revocation");
  auto r = after->author(e, n.town.key(), 1800000000000ull);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == Code::kRefused);
}

TEST_CASE("Store: two changes with one number are kept as fork evidence and freeze the author",
          "[storage][store][fork]") {
  Net n;
  auto s = n.open("a");
  auto created = n.town.create(RecordKind::kDeputy, kTown, named("a"));           // 2
  auto x = n.town.draft(Signer::updateOp(created.id, {created.id}, named("x")));  // 3
  auto y = n.town.draft(Signer::updateOp(created.id, {created.id}, named("y")));  // 3 again
  REQUIRE(x.id != y.id);
  REQUIRE(s->ingest({created.envelope, x.envelope}));
  CHECK(s->record(created.id).value().get("name") == std::optional<std::string>("x"));
  uint64_t count = s->changeCount().value();

  auto r = s->ingest({y.envelope});
  REQUIRE(r);
  CHECK(r->forks == 1);
  CHECK(s->changeCount().value() == count + 1);  // the evidence is a held change
  auto m = s->membership(n.town.publicKey()).value();
  REQUIRE(m);
  CHECK(m->frozenFromSeq == std::optional<uint64_t>(3));
  // The frozen author's changes from the fork on are no longer applied, on
  // either branch; both are versions of the record.
  Record rec = s->record(created.id).value();
  CHECK(rec.get("name") == std::optional<std::string>("a"));
  REQUIRE(rec.version(x.id));
  REQUIRE(rec.version(y.id));
  CHECK_FALSE(rec.version(x.id)->applied);
  CHECK_FALSE(rec.version(y.id)->applied);
  auto st = s->status().value();
  REQUIRE(st.frozen.size() == 1);
  CHECK(st.frozen[0].find("fork") != std::string::npos);
  REQUIRE(st.forks.size() == 1);
  CHECK(st.forks[0].branchSeq == 3u);
  CHECK(st.forks[0].tips.size() == 2);
  // Both branches are in the summary and go to a node that has neither.
  auto vv = s->versionVector().value();
  CHECK(std::count_if(vv.begin(), vv.end(),
                      [&](const VersionEntry& e) { return e.author == n.town.publicKey(); }) == 2);
  std::vector<std::string> sent;
  REQUIRE(s->forEachMissing({}, [&](std::string_view e) {
    sent.emplace_back(e);
    return Status::ok();
  }));
  CHECK(std::count(sent.begin(), sent.end(), x.envelope) == 1);
  CHECK(std::count(sent.begin(), sent.end(), y.envelope) == 1);
  // Later changes by the frozen author are kept, not applied, on either branch.
  n.town.add(Signer::updateOp(created.id, {created.id}, named("x")));  // takes number 3 (= x)
  auto later = n.town.create(RecordKind::kDeputy, kTown, named("later"));
  auto r2 = s->ingest({later.envelope});
  REQUIRE(r2);
  CHECK(r2->notApplied == 1);
  CHECK_FALSE(s->record(later.id).value().visible);
  CHECK(verifies(*s));
}

TEST_CASE("Store: a copied store knows it was restored and refuses to author", "[storage][store]") {
  Net n;
  LocalEdit e;
  e.scope = kTown;
  e.fields = named("x");
  uint64_t now = 1800000000000ull;
  {
    auto s = n.open("orig");
    REQUIRE(s->setDeviceKey(n.town.publicKey()));
    CHECK_FALSE(s->restored());
    REQUIRE(s->author(e, n.town.key(), now));
  }
  std::filesystem::create_directory(n.dir.sub("copy"));
  std::filesystem::copy_file(n.dir.sub("orig") + "/data.mdb", n.dir.sub("copy") + "/data.mdb");
  {
    auto copy = test::openStore(n.dir.sub("copy"), n.county);
    REQUIRE(copy);
    CHECK(copy->restored());
    CHECK(copy->status().value().restored);
    Snapshot before = snap(*copy);
    auto r = copy->author(e, n.town.key(), now + 1);
    REQUIRE_FALSE(r);
    CHECK(r.status().code() == Code::kRefused);
    CHECK(snap(*copy) == before);
    // Still restored after reopening: the mark is not a one-off.
    copy.reset();
    copy = test::openStore(n.dir.sub("copy"), n.county);
    CHECK(copy->restored());
    // A fresh device key lifts it.
    Signer fresh(n.county.network, 50);
    REQUIRE(copy->ingest({fresh.introduce(n.county, kTown, Role::kTownship).envelope}));
    REQUIRE(copy->setDeviceKey(fresh.publicKey()));
    CHECK_FALSE(copy->restored());
    REQUIRE(copy->author(e, fresh.key(), now + 2));
  }
  auto orig = test::openStore(n.dir.sub("orig"), n.county);
  REQUIRE(orig);
  CHECK_FALSE(orig->restored());
  REQUIRE(orig->author(e, n.town.key(), now + 3));
  CHECK(verifies(*orig));
}

TEST_CASE("Store: the clock never goes back across reopening", "[storage][store][hlc]") {
  Net n;
  uint64_t now = 1800000000000ull;
  LocalEdit e;
  e.scope = kTown;
  e.fields = named("x");
  uint64_t first = 0;
  {
    auto s = n.open("a");
    REQUIRE(s->setDeviceKey(n.town.publicKey()));
    auto id = s->author(e, n.town.key(), now);
    REQUIRE(id);
    first = s->record(*id).value().createdHlc();
    CHECK(Hlc::millis(first) == now);
    CHECK(s->clockHighWater().value() == first);
  }
  auto s = test::openStore(n.dir.sub("a"), n.county);
  CHECK(s->clockHighWater().value() == first);
  // The wall clock was set back a day.
  auto id = s->author(e, n.town.key(), now - 86400000);
  REQUIRE(id);
  uint64_t second = s->record(*id).value().createdHlc();
  CHECK(second > first);
  CHECK(s->clockHighWater().value() == second);

  // A peer's stamp ahead of our clock is followed, but not beyond a day.
  Change ahead = Signer::createOp(RecordKind::kDeputy, kOtherTown, named("future"));
  ahead.hlc = Hlc::make(now + 10ull * 86400000, 0);
  auto far = n.otherTown.add(ahead);
  auto r = s->ingestAt({far.envelope}, now);
  REQUIRE(r);
  CHECK(r->added == 1);
  bool flagged = false;
  for (const auto& note : r->notes) flagged |= note.find("ahead") != std::string::npos;
  CHECK(flagged);
  uint64_t hw = s->clockHighWater().value();
  CHECK(hw > second);
  CHECK(hw <= Hlc::make(now + limits::kMaxClockAheadMs, 0xffff));
  auto third = s->author(e, n.town.key(), now);
  REQUIRE(third);
  CHECK(s->record(*third).value().createdHlc() > hw);
}

TEST_CASE("Store: verify finds damage made directly in LMDB", "[storage][store][verify]") {
  Net n;
  auto s = n.open("a");
  std::vector<Signed> batch;
  batch.push_back(n.town.create(RecordKind::kDeputy, kTown, named("a")));
  batch.push_back(n.town.update(batch[0].id, {batch[0].id}, named("b")));
  batch.push_back(n.office.create(RecordKind::kStation, "", named("站")));
  REQUIRE(s->ingest(test::envelopesOf(batch)));
  REQUIRE(verifies(*s));
  Hash digestBefore = s->digest().value();

  auto overwrite = [&](const char* table, std::string_view key, std::string value) {
    auto txn = WriteTxn::begin(s->env()).value();
    MDB_dbi dbi;
    REQUIRE(mdb_dbi_open(txn.get(), table, 0, &dbi) == 0);
    REQUIRE(txn.put(dbi, bytesOf(key), bytesOf(value)));
    REQUIRE(txn.commit());
  };
  auto storedChange = [&](uint64_t arrival) {
    auto txn = ReadTxn::begin(s->env()).value();
    MDB_dbi dbi;
    REQUIRE(mdb_dbi_open(txn.get(), "changes", 0, &dbi) == 0);
    std::string key(8, '\0');
    key[7] = static_cast<char>(arrival);
    auto v = txn.get(dbi, bytesOf(key)).value();
    REQUIRE(v);
    return std::make_pair(key, std::string(viewOf(*v)));
  };
  std::string expect;
  SECTION("a record's field value rewritten") {
    Record r = s->record(batch[0].id).value();
    r.fields["name"].candidates[0].value = "tampered";
    std::string row;  // records are keyed by the arrival number of their creating change
    {
      auto txn = ReadTxn::begin(s->env()).value();
      MDB_dbi dbi;  // a small store's ids are all in the id index's recent table
      REQUIRE(mdb_dbi_open(txn.get(), "byidnew", 0, &dbi) == 0);
      auto v = txn.get(dbi, crypto::Bytes(r.id.data(), r.id.size())).value();
      REQUIRE(v);
      row = std::string(viewOf(*v));
    }
    overwrite("records", row, encodeRecord(r));
    CHECK(s->record(batch[0].id).value().get("name") == std::optional<std::string>("tampered"));
    CHECK(s->digest().value() != digestBefore);
    expect = "differs";
  }
  SECTION("a stored change's signature altered") {
    auto [key, value] = storedChange(5);
    Signature sig = decodeEnvelope(crypto::asBytes(batch[1].envelope)).value().sig;
    size_t at = value.find(std::string(reinterpret_cast<const char*>(sig.data()), sig.size()));
    REQUIRE(at != std::string::npos);
    value[at + 7] ^= 1;
    overwrite("changes", key, value);
    expect = "";
  }
  SECTION("an id in both tables of the id index") {
    std::string id(reinterpret_cast<const char*>(batch[2].id.data()), batch[2].id.size());
    std::string arrival;
    {
      auto txn = ReadTxn::begin(s->env()).value();
      MDB_dbi dbi;
      REQUIRE(mdb_dbi_open(txn.get(), "byidnew", 0, &dbi) == 0);
      auto v = txn.get(dbi, bytesOf(id)).value();
      REQUIRE(v);
      arrival = std::string(viewOf(*v));
    }
    overwrite("byid", id, arrival);
    CHECK(s->digest().value() == digestBefore);  // lookups still find it
    expect = "the id index has";
  }
  SECTION("a stored change's body altered") {
    auto [key, value] = storedChange(4);
    size_t at = value.find(batch[0].body);
    REQUIRE(at != std::string::npos);
    value[at + batch[0].body.rfind('a')] = 'z';
    overwrite("changes", key, value);
    expect = "";
  }
  auto v = s->verify();
  REQUIRE(v);
  CHECK_FALSE(v->problems.empty());
  bool mentioned = expect.empty();
  for (const auto& p : v->problems) {
    INFO(p);
    mentioned |= p.find(expect) != std::string::npos;
  }
  CHECK(mentioned);
}

TEST_CASE("Store: lists, records and digest do not depend on arrival order",
          "[storage][store][layout]") {
  // Rows follow each node's arrival order; what a node shows must not.
  Net n;
  std::vector<Signed> town, office;
  for (int i = 0; i < 12; ++i) {
    town.push_back(n.town.create(RecordKind::kDeputy, kTown, named("镇" + std::to_string(i))));
    office.push_back(n.office.create(RecordKind::kDeputy, "", named("县" + std::to_string(i))));
  }
  town.push_back(n.town.update(town[3].id, {town[3].id}, named("镇3改")));
  office.push_back(n.office.update(town[5].id, {town[5].id}, named("县改镇5")));
  auto a = n.open("a");
  auto b = n.open("b");
  REQUIRE(a->ingest(test::envelopesOf(town)));
  REQUIRE(a->ingest(test::envelopesOf(office)));
  REQUIRE(!b->ingest(test::envelopesOf(office)));  // it edits a town record b lacks
  REQUIRE(b->ingest(test::envelopesOf(std::vector<Signed>(town.begin(), town.begin() + 6))));
  REQUIRE(b->ingest(test::envelopesOf(office)));
  REQUIRE(b->ingest(test::envelopesOf(std::vector<Signed>(town.begin() + 6, town.end()))));
  auto la = a->list(RecordKind::kDeputy).value();
  auto lb = b->list(RecordKind::kDeputy).value();
  REQUIRE(la.size() == 24);
  CHECK(la == lb);
  CHECK(std::is_sorted(la.begin(), la.end(),
                       [](const Record& x, const Record& y) { return x.id < y.id; }));
  CHECK(a->record(town[3].id).value().get("name") == std::optional<std::string>("镇3改"));
  CHECK(b->record(town[5].id).value().get("name") == std::optional<std::string>("县改镇5"));
  CHECK(a->digest().value() == b->digest().value());
  // An id of an edit is not a record.
  CHECK(a->record(town.back().id).status().code() == Code::kNotFound);
  CHECK(verifies(*a));
  CHECK(verifies(*b));
}

TEST_CASE("Store: a store with another table layout is refused, not misread",
          "[storage][store][layout]") {
  Net n;
  {
    auto s = n.open("a");
    REQUIRE(s->ingest({n.town.create(RecordKind::kDeputy, kTown, named("a")).envelope}));
    auto txn = WriteTxn::begin(s->env()).value();
    MDB_dbi dbi;
    REQUIRE(mdb_dbi_open(txn.get(), "meta", 0, &dbi) == 0);
    REQUIRE(txn.del(dbi, bytesOf(std::string_view("layout"))));
    REQUIRE(txn.commit());
  }
  auto again = Store::open(n.dir.sub("a"));
  REQUIRE(!again);
  CHECK(again.status().message().find("older version of renda") != std::string::npos);
}

}  // namespace
}  // namespace renda::storage
