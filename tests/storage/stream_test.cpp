// SPDX-License-Identifier: Apache-2.0
// Store::ingestStream (a long import checked on a second thread and committed
// batch by batch) and the two-table id index (byid, byidnew).
#include <fcntl.h>
#include <lmdb.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <random>

#include "net/files.h"
#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

extern char** environ;

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;
using test::verifies;

const std::string kTown = "城关镇";
const std::string kOtherTown = "龙泉镇";

std::vector<Field> named(const std::string& name) { return {{"name", name}}; }

// Whether `message` names change number n ("change 12:" / "change 12 (...").
bool namesChange(const std::string& message, size_t n) {
  std::string c = "change " + std::to_string(n);
  for (size_t at = message.find(c); at != std::string::npos; at = message.find(c, at + 1)) {
    size_t end = at + c.size();
    if (end == message.size() || message[end] == ':' || message[end] == ' ') return true;
  }
  return false;
}

uint64_t tableEntries(Store& s, const char* table) {
  auto txn = ReadTxn::begin(s.env()).value();
  MDB_dbi dbi;
  REQUIRE(mdb_dbi_open(txn.get(), table, 0, &dbi) == 0);
  return txn.entries(dbi).value();
}

// A county office and two townships; `changes` holds their certificates
// first, then a seeded mix of creates and edits (edits of the author's own
// recent records, so any order of whole author runs applies).
struct Workload {
  test::TempDir dir;
  test::County county;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  Signer otherTown{county.network, 3};
  std::vector<Signed> changes;

  Workload(uint64_t seed, size_t n, size_t fieldBytes = 40) {
    changes.push_back(office.introduce(county, "", Role::kCounty));
    changes.push_back(town.introduce(county, kTown, Role::kTownship));
    changes.push_back(otherTown.introduce(county, kOtherTown, Role::kTownship));
    std::mt19937_64 rng(seed);
    struct Own {
      Signer* signer;
      std::string scope;
      std::vector<std::pair<RecordId, ChangeId>> records;  // id, head
    };
    Own own[] = {{&office, "", {}}, {&town, kTown, {}}, {&otherTown, kOtherTown, {}}};
    while (changes.size() < n) {
      Own& o = own[rng() % 3];
      size_t run = 1 + rng() % 12;
      for (size_t i = 0; i < run && changes.size() < n; ++i) {
        std::string text = std::to_string(changes.size()) + test::filler(fieldBytes, char(rng()));
        if (o.records.empty() || rng() % 4 != 0) {
          Signed c = o.signer->create(RecordKind::kDeputy, o.scope, named(text));
          o.records.push_back({c.id, c.id});
          changes.push_back(std::move(c));
        } else {
          auto& r = o.records[o.records.size() - 1 - rng() % std::min<size_t>(8, o.records.size())];
          Signed c = o.signer->update(r.first, {r.second}, named(text));
          r.second = c.id;
          changes.push_back(std::move(c));
        }
      }
    }
  }

  std::unique_ptr<Store> open(const std::string& name, StoreOptions o = {}) {
    o.initialMapBytes = test::kSmallMapBytes;
    auto s = Store::open(dir.sub(name), o);
    REQUIRE(s);
    REQUIRE((*s)->setNetwork(county.info()));
    return std::move(*s);
  }

  // The reference: everything in one ingest.
  Hash referenceDigest() {
    auto s = open("reference-" + std::to_string(changes.size()));
    REQUIRE(s->ingest(test::envelopesOf(changes)));
    return s->digest().value();
  }
};

// Emits `envelopes` in chunks of `chunk`, then returns `end`.
Store::Producer chunksOf(const std::vector<std::string>& envelopes, size_t chunk,
                         Status end = Status::ok()) {
  return [&envelopes, chunk, end](const Store::Emit& emit) -> Status {
    for (size_t i = 0; i < envelopes.size(); i += chunk) {
      std::vector<std::string> c(envelopes.begin() + i,
                                 envelopes.begin() + std::min(envelopes.size(), i + chunk));
      RENDA_TRY(emit(std::move(c)));
    }
    return end;
  };
}

TEST_CASE("Store: a stream is checked by chunk, committed by batch, and ends as one ingest would",
          "[storage][stream]") {
  uint64_t seed = std::random_device{}();
  std::cout << "stream seed " << seed << std::endl;
  INFO("seed " << seed);
  Workload w(seed, 400);
  auto s = w.open("a");
  // The certificates come in the stream itself: later chunks' authors are
  // known from the earlier chunks, not from the store.
  auto envelopes = test::envelopesOf(w.changes);
  Store::StreamOptions o;
  o.batchChanges = 50;
  std::vector<uint64_t> commits;
  std::vector<size_t> received;
  auto r = s->ingestStream(chunksOf(envelopes, 7), o,
                           [&](const IngestReport& batch, uint64_t total) {
                             commits.push_back(total);
                             received.push_back(batch.received);
                             // Committed means held: a fresh read sees it.
                             CHECK(s->changeCount().value() == total);
                           });
  REQUIRE(r);
  CHECK(r->received == envelopes.size());
  CHECK(r->added == envelopes.size());
  CHECK(r->notApplied == 0);
  // Batches close on the first chunk that reaches 50 changes: 8 chunks of 7.
  REQUIRE(commits.size() == (envelopes.size() + 55) / 56);
  for (size_t i = 0; i + 1 < commits.size(); ++i) {
    CHECK(commits[i] == 56 * (i + 1));
    CHECK(received[i] == 56);
  }
  CHECK(commits.back() == envelopes.size());
  CHECK(s->digest().value() == w.referenceDigest());
  CHECK(verifies(*s));

  // Again: every change is a duplicate, and nothing changes.
  Hash before = s->digest().value();
  auto again = s->ingestStream(chunksOf(envelopes, 64), o, nullptr);
  REQUIRE(again);
  CHECK(again->duplicates == envelopes.size());
  CHECK(again->added == 0);
  CHECK(s->digest().value() == before);
  CHECK(s->changeCount().value() == envelopes.size());
}

TEST_CASE("Store: a refused change in a stream keeps the batches before it and nothing after",
          "[storage][stream]") {
  Workload w(7, 300);
  auto envelopes = test::envelopesOf(w.changes);
  size_t bad = GENERATE(0, 3, 100, 111, 299);
  INFO("damaged change " << bad + 1);
  SECTION("cut short") { envelopes[bad].resize(envelopes[bad].size() / 2); }
  SECTION("a signature altered") {
    // Every signature is checked here, not only the last of each run.
    envelopes[bad][envelopes[bad].size() - 5] ^= 1;
  }
  StoreOptions so;
  so.verifyEverySignature = true;
  auto s = w.open("a", so);
  Store::StreamOptions o;
  o.batchChanges = 20;  // batches of 4 chunks of 5
  uint64_t committed = 0;
  auto r = s->ingestStream(chunksOf(envelopes, 5), o,
                           [&](const IngestReport&, uint64_t total) { committed = total; });
  REQUIRE_FALSE(r);
  INFO(r.status().message());
  // The message counts changes from the start of the stream.
  CHECK(namesChange(r.status().message(), bad + 1));
  CHECK(committed == bad / 20 * 20);
  CHECK(s->changeCount().value() == committed);
  CHECK(verifies(*s));
}

TEST_CASE("Store: when the producer fails, the batch under way is abandoned",
          "[storage][stream]") {
  Workload w(8, 100);
  auto envelopes = test::envelopesOf(w.changes);
  auto s = w.open("a");
  Store::StreamOptions o;
  o.batchChanges = 30;  // batches of 3 chunks of 10
  uint64_t committed = 0;
  // 5 chunks arrive, then the file cannot be read any more.
  std::vector<std::string> first(envelopes.begin(), envelopes.begin() + 50);
  auto r = s->ingestStream(chunksOf(first, 10, Status::ioError("the USB stick was removed")), o,
                           [&](const IngestReport&, uint64_t total) { committed = total; });
  REQUIRE_FALSE(r);
  CHECK(r.status().message() == "the USB stick was removed");
  CHECK(committed == 30);
  CHECK(s->changeCount().value() == 30);
  CHECK(verifies(*s));
  // The rest arrives later, from the start: the first 30 are duplicates.
  auto rest = s->ingestStream(chunksOf(envelopes, 10), o, nullptr);
  REQUIRE(rest);
  CHECK(rest->duplicates == 30);
  CHECK(rest->added == 70);
  CHECK(s->digest().value() == w.referenceDigest());
}

TEST_CASE("Store: a stream grows a full map and applies the batch again", "[storage][stream]") {
  Workload w(9, 600, 4000);  // ~2.5 MB of changes into a 1 MiB map
  auto envelopes = test::envelopesOf(w.changes);
  auto s = Store::open(w.dir.sub("tiny"), [] {
    StoreOptions o;
    o.initialMapBytes = size_t(1) << 20;
    return o;
  }());
  REQUIRE(s);
  REQUIRE((*s)->setNetwork(w.county.info()));
  Store::StreamOptions o;
  o.batchChanges = 200;
  auto r = (*s)->ingestStream(chunksOf(envelopes, 25), o, nullptr);
  REQUIRE(r);
  CHECK(r->added == envelopes.size());
  CHECK((*s)->env().growCount() > 0);
  CHECK((*s)->digest().value() == w.referenceDigest());
  CHECK(verifies(**s));
}

TEST_CASE("Store: a stream stops early when the caller stops reading", "[storage][stream]") {
  // The consumer refuses chunk 2; the producer, which could go on for a long
  // time, is told to stop (its emit returns non-ok) and the call returns.
  Workload w(10, 60);
  auto envelopes = test::envelopesOf(w.changes);
  envelopes[15] = "not a change";
  auto s = w.open("a");
  std::atomic<size_t> emitted{0};
  Status producerSaw;
  auto r = s->ingestStream(
      [&](const Store::Emit& emit) -> Status {
        for (int round = 0; round < 1000; ++round)
          for (size_t i = 0; i < envelopes.size(); i += 10) {
            Status e = emit(std::vector<std::string>(envelopes.begin() + i,
                                                     envelopes.begin() + i + 10));
            if (!e) {
              producerSaw = e;
              return e;
            }
            ++emitted;
          }
        return Status::ok();
      },
      Store::StreamOptions{}, nullptr);
  REQUIRE_FALSE(r);
  CHECK(namesChange(r.status().message(), 16));
  CHECK_FALSE(producerSaw);
  CHECK(emitted < 100);
  CHECK(s->changeCount().value() == 0);  // one batch: nothing committed
}

#ifdef RENDA_CRASH_CHILD
// Runs the crash test's child (another process) to import `bundle` into `dir`.
int importInAnotherProcess(const std::string& dir, const std::string& bundle) {
  std::string child = RENDA_CRASH_CHILD;
  std::vector<std::string> args = {child, "import", dir, bundle, "100",
                                   std::to_string(test::kSmallMapBytes)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawn(&pid, child.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("Store: a node enrolled by another process during a stream is accepted",
          "[storage][stream]") {
  // The checking thread judges authors against the members the stream began
  // with; a chunk it refuses is checked again against the store as it is then.
  Workload w(11, 3);  // just the three certificates
  auto s = w.open("a");
  REQUIRE(s->ingest({w.changes[0].envelope, w.changes[1].envelope}));  // not otherTown
  std::vector<std::string> townChanges, otherChanges;
  for (int i = 0; i < 30; ++i)
    townChanges.push_back(w.town.create(RecordKind::kDeputy, kTown, named("镇" + std::to_string(i))).envelope);
  for (int i = 0; i < 30; ++i)
    otherChanges.push_back(
        w.otherTown.create(RecordKind::kDeputy, kOtherTown, named("龙" + std::to_string(i))).envelope);
  // otherTown's certificate, as a bundle another process imports.
  std::string bundle = w.dir.sub("cert.bundle");
  {
    net::BundleHeader h;
    h.network = w.county.network;
    h.producer = w.office.publicKey();
    h.createdMs = 1800000000000ull;
    h.countyName = w.county.name;
    h.rootKey = w.county.root.publicKey();
    auto b = net::BundleWriter::create(bundle, h, w.office.key());
    REQUIRE(b);
    REQUIRE((*b)->addChange(w.changes[2].envelope));
    REQUIRE((*b)->finish());
  }
  std::mutex mu;
  std::condition_variable cv;
  uint64_t committed = 0;
  int childExit = -2;
  Store::StreamOptions o;
  o.batchChanges = 30;
  auto r = s->ingestStream(
      [&](const Store::Emit& emit) -> Status {
        RENDA_TRY(emit(std::vector<std::string>(townChanges)));
        {
          // Between batches the store is free: no transaction is held while
          // the stream waits for its next chunk.
          std::unique_lock<std::mutex> lock(mu);
          cv.wait(lock, [&] { return committed == 30; });
        }
        childExit = importInAnotherProcess(w.dir.sub("a"), bundle);
        return emit(std::vector<std::string>(otherChanges));
      },
      o,
      [&](const IngestReport&, uint64_t total) {
        std::lock_guard<std::mutex> lock(mu);
        committed = total;
        cv.notify_all();
      });
  CHECK(childExit == 0);
  REQUIRE(r);
  CHECK(r->added == 60);
  CHECK(s->changeCount().value() == 63);
  CHECK(s->list(RecordKind::kDeputy).value().size() == 60);
  CHECK(verifies(*s));
}
#endif

TEST_CASE("Store: the id index keeps every id as they move from byidnew to byid",
          "[storage][idindex]") {
  uint64_t seed = std::random_device{}();
  std::cout << "id index seed " << seed << std::endl;
  INFO("seed " << seed);
  Workload w(seed, 700);
  auto envelopes = test::envelopesOf(w.changes);
  StoreOptions small;
  small.idIndexMinMerge = 16;
  small.idIndexSlice = 47;  // more than a batch adds; slices wrap around the end of byidnew
  auto s = w.open("small", small);
  std::mt19937_64 rng(seed);
  bool sawBoth = false;
  for (size_t at = 0; at < envelopes.size();) {
    size_t n = std::min(envelopes.size() - at, size_t(1 + rng() % 40));
    std::vector<std::string> batch(envelopes.begin() + at, envelopes.begin() + at + n);
    // A repeat of a few earlier changes: duplicates are found in either table.
    size_t dups = at > 0 ? rng() % std::min<size_t>(at, 5) : 0;
    for (size_t i = 0; i < dups; ++i) batch.insert(batch.begin(), envelopes[rng() % at]);
    auto r = s->ingest(batch);
    REQUIRE(r);
    CHECK(r->added == n);
    CHECK(r->duplicates == dups);
    at += n;
    uint64_t settled = tableEntries(*s, "byid"), recent = tableEntries(*s, "byidnew");
    CHECK(settled + recent == at);
    sawBoth |= settled > 0 && recent > 0;
    // byidnew shrinks by a slice whenever it is above its bound.
    CHECK(recent < std::max<uint64_t>(16, settled / 4) + 47);
  }
  CHECK(sawBoth);
  CHECK(s->digest().value() == w.referenceDigest());
  CHECK(verifies(*s));
  // Every record and every change's history is found through the index.
  for (const auto& c : w.changes) {
    if (c.change.op == OpKind::kCreate) {
      auto rec = s->record(c.id);
      REQUIRE(rec);
      auto h = s->history(c.id);
      REQUIRE(h);
      CHECK_FALSE(h->empty());
    }
  }
  // Authoring continues a chain: the previous change's signature is found
  // through the index, in whichever table it is.
  LocalEdit e;
  e.op = OpKind::kCreate;
  e.kind = RecordKind::kDeputy;
  e.scope = kTown;
  e.fields = named("后来");
  REQUIRE(s->author(e, w.town.key(), 1800000000000ull));
  CHECK(verifies(*s));
}

TEST_CASE("Store: a layout-2 store is upgraded in place", "[storage][store][layout]") {
  Workload w(12, 50);
  Hash digest;
  {
    auto s = w.open("a");
    REQUIRE(s->ingest(test::envelopesOf(w.changes)));
    digest = s->digest().value();
    // Make it look like a layout-2 store: every id in byid, layout 2.
    auto txn = WriteTxn::begin(s->env()).value();
    MDB_dbi meta, byid, byidnew;
    REQUIRE(mdb_dbi_open(txn.get(), "meta", 0, &meta) == 0);
    REQUIRE(mdb_dbi_open(txn.get(), "byid", 0, &byid) == 0);
    REQUIRE(mdb_dbi_open(txn.get(), "byidnew", 0, &byidnew) == 0);
    std::vector<std::pair<std::string, std::string>> ids;
    {
      auto c = Cursor::open(txn, byidnew).value();
      for (auto ok = c.first().value(); ok; ok = c.next().value())
        ids.emplace_back(std::string(viewOf(c.key())), std::string(viewOf(c.value())));
    }
    REQUIRE(ids.size() == w.changes.size());
    for (auto& [k, v] : ids) REQUIRE(txn.put(byid, bytesOf(k), bytesOf(v)));
    REQUIRE(mdb_drop(txn.get(), byidnew, 1) == 0);  // layout 2 had no such table
    for (const char* later : {"acts", "forklog"}) {  // nor these (layout 4)
      MDB_dbi dbi;
      REQUIRE(mdb_dbi_open(txn.get(), later, 0, &dbi) == 0);
      REQUIRE(mdb_drop(txn.get(), dbi, 1) == 0);
    }
    std::string two(8, '\0');
    two[7] = 2;
    REQUIRE(txn.put(meta, bytesOf(std::string_view("layout")), bytesOf(two)));
    REQUIRE(txn.commit());
  }
  auto s = Store::open(w.dir.sub("a"));
  REQUIRE(s);
  CHECK((*s)->digest().value() == digest);
  CHECK(verifies(**s));
  {
    auto txn = ReadTxn::begin((*s)->env()).value();
    MDB_dbi meta;
    REQUIRE(mdb_dbi_open(txn.get(), "meta", 0, &meta) == 0);
    auto v = txn.get(meta, bytesOf(std::string_view("layout"))).value();
    REQUIRE(v);
    CHECK(v->size() == 8);
    CHECK((*v)[7] == 4);
  }
  CHECK(tableEntries(**s, "byidnew") == 0);
  CHECK(tableEntries(**s, "acts") > 0);  // rebuilt from the changes
  // It goes on as a layout-4 store.
  auto more = w.town.create(RecordKind::kDeputy, kTown, named("升级后"));
  REQUIRE((*s)->ingest({more.envelope}));
  CHECK(tableEntries(**s, "byidnew") == 1);
  CHECK(verifies(**s));
}

TEST_CASE("Store: a sync stream that pauses commits what arrived, and holds no write lock while "
          "it waits",
          "[storage][stream]") {
  Workload w(7, 300);
  auto s = w.open("a");
  auto envelopes = test::envelopesOf(w.changes);
  // The first 100 changes, then the link pauses until the test has seen them
  // committed and has written beside the stream (another session, or the
  // clerk's own edit, needs the write lock), then the rest.
  std::mutex mu;
  std::condition_variable cv;
  uint64_t committed = 0;
  bool wroteBeside = false;
  std::thread writer([&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return committed >= 100; });
    lock.unlock();
    // Would block until the stream ended if the stream held its transaction
    // open while waiting for the link.
    auto r = s->ingest({envelopes[100]});
    CHECK(r);
    lock.lock();
    wroteBeside = true;
    cv.notify_all();
  });
  auto produce = [&](const Store::Emit& emit) -> Status {
    RENDA_TRY(emit(std::vector<std::string>(envelopes.begin(), envelopes.begin() + 100)));
    std::unique_lock<std::mutex> lock(mu);
    bool ok = cv.wait_for(lock, std::chrono::seconds(20), [&] { return wroteBeside; });
    lock.unlock();
    if (!ok) return Status::error(Code::kDisconnected, "the stream was never committed");
    return emit(std::vector<std::string>(envelopes.begin() + 100, envelopes.end()));
  };
  auto r = s->ingestChanges(produce,
                            [&](const IngestReport&, uint64_t total) {
                              std::lock_guard<std::mutex> lock(mu);
                              committed = total;
                              cv.notify_all();
                            },
                            0);
  writer.join();
  REQUIRE(r);
  CHECK(wroteBeside);
  CHECK(s->changeCount().value() == envelopes.size());
  CHECK(s->digest().value() == w.referenceDigest());
}

}  // namespace
}  // namespace renda::storage
