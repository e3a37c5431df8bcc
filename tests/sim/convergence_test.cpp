// SPDX-License-Identifier: Apache-2.0
// Multi-replica convergence: five real stores on disk (a county office, two
// devices of one township, one of another, a second county device) author
// random creates and edits — concurrent edits of the same fields included —
// and exchange them as real bundle files delivered late, out of order, twice,
// or only in part, with now and then a revocation. After everyone has
// exchanged with everyone, every replica must hold the same changes, give the
// same digest as each other and as a store rebuilt from scratch, and pass
// verify(). 200 seeds by default; RENDA_SEEDS=N runs N, RENDA_SEED_START=S
// starts elsewhere (a failing seed is printed).
#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>
#include <map>
#include <random>

#include "net/files.h"
#include "storage/store.h"
#include "tests/sim/sim_fixtures.h"
#include "tests/storage/store_fixtures.h"

namespace renda::sim {
namespace {

using storage::LocalEdit;
using storage::Store;

const std::vector<std::string> kTownships = {"城关镇", "河口乡"};
const std::vector<std::string> kFieldNames = {"name", "phone", "note"};

struct Replica {
  std::string dir;
  std::unique_ptr<Store> store;
  SecretKey key;
  PublicKey pk;
  std::string township;  // "" for a county device
  Role role = Role::kTownship;
  int64_t skewMs = 0;
  uint64_t authored = 0;  // changes this replica's key signed
};

struct Bundle {
  std::string path;
  size_t from = 0;
  uint64_t changes = 0;
};

struct Stats {
  uint64_t seeds = 0, seedsWithConflicts = 0, conflictedRecords = 0, authored = 0;
  uint64_t refusedAuthoring = 0, bundles = 0, deliveries = 0, partial = 0, refusedBatches = 0;
  uint64_t duplicates = 0, notApplied = 0, revocations = 0;
};

class Simulation {
 public:
  Simulation(uint64_t seed, const test::TempDir& root, Stats& stats)
      : seed_(seed), rng_(seed), stats_(stats), county_(1 + seed % 3) {
    base_ = root.sub("seed" + std::to_string(seed));
  }

  const std::string& finalDigest() const { return finalDigest_; }

  void run() {
    setUp();
    int steps = 25 + static_cast<int>(rng_() % 30);
    for (int step = 0; step < steps; ++step) {
      nowMs_ += 1000 + rng_() % 60000;
      uint64_t roll = rng_() % 100;
      if (roll < 55)
        authorSomething(pick());
      else if (roll < 72)
        makeBundle();
      else if (roll < 97)
        deliverBundle();
      else if (roll < 100 && !revoked_)
        revoke();
    }
    heal();
    check();
  }

 private:
  size_t pick() { return rng_() % replicas_.size(); }

  void setUp() {
    std::filesystem::create_directories(base_);
    struct Who {
      std::string township;
      Role role;
    };
    std::vector<Who> who = {{"", Role::kCounty},
                            {kTownships[0], Role::kTownship},
                            {kTownships[0], Role::kTownship},
                            {kTownships[1], Role::kTownship},
                            {"", Role::kCounty}};
    for (size_t i = 0; i < who.size(); ++i) {
      Replica r;
      r.dir = base_ + "/r" + std::to_string(i);
      r.store = openFast(r.dir);
      r.key = test::keyFromSeed(seed_ * 16 + i + 1000);
      r.pk = r.key.publicKey();
      r.township = who[i].township;
      r.role = who[i].role;
      r.skewMs = static_cast<int64_t>(rng_() % 7200000) - 3600000;
      REQUIRE(r.store->setDeviceKey(r.pk));
      LocalEdit intro;
      intro.op = OpKind::kCertificate;
      intro.certificate = county_.certify(r.pk, r.township, r.role);
      REQUIRE(r.store->author(intro, r.key, nowMs_));
      r.authored = 1;
      replicas_.push_back(std::move(r));
    }
  }

  std::unique_ptr<Store> openFast(const std::string& dir) { return openFastStore(dir, county_); }

  uint64_t now(const Replica& r) const { return nowMs_ + r.skewMs; }

  std::vector<Field> randomFields() {
    std::vector<Field> out;
    size_t n = 1 + rng_() % 2;
    std::vector<std::string> names = kFieldNames;
    std::shuffle(names.begin(), names.end(), rng_);
    for (size_t i = 0; i < n; ++i) out.push_back({names[i], "v" + std::to_string(rng_() % 1000)});
    return out;
  }

  void authorSomething(size_t i) {
    Replica& r = replicas_[i];
    LocalEdit edit;
    std::vector<Record> visible;
    for (RecordKind k : test::kBasicKinds) {
      auto listed = r.store->list(k).value();  // not a temporary in the range-for
      for (auto& rec : listed) visible.push_back(std::move(rec));
    }
    bool create = visible.empty() || rng_() % 10 < 2;
    bool expectRefusal = false;
    if (create) {
      edit.op = OpKind::kCreate;
      edit.kind = test::kBasicKinds[rng_() % 4];
      edit.scope = r.role == Role::kCounty
                       ? std::vector<std::string>{"", kTownships[0], kTownships[1]}[rng_() % 3]
                       : r.township;
      edit.fields = randomFields();
    } else {
      // Mostly records this device may edit; now and then one it may not.
      std::vector<const Record*> mine;
      for (const auto& rec : visible)
        if (r.role == Role::kCounty || rec.scope == r.township) mine.push_back(&rec);
      const Record* target = !mine.empty() && rng_() % 10 < 9 ? mine[rng_() % mine.size()]
                                                              : &visible[rng_() % visible.size()];
      edit.op = OpKind::kUpdate;
      edit.record = target->id;
      edit.fields = randomFields();
      expectRefusal = r.role != Role::kCounty && target->scope != r.township;
    }
    auto m = r.store->membership(r.pk).value();
    REQUIRE(m);
    if (m->revokedAfterSeq && r.authored + 1 > *m->revokedAfterSeq) expectRefusal = true;
    uint64_t before = r.store->changeCount().value();
    auto id = r.store->author(edit, r.key, now(r));
    INFO("replica " << i << " authoring: " << (id ? std::string("ok") : id.status().toString()));
    if (expectRefusal) {
      REQUIRE_FALSE(id);
      REQUIRE(id.status().code() == Code::kRefused);
      REQUIRE(r.store->changeCount().value() == before);
      ++stats_.refusedAuthoring;
      return;
    }
    REQUIRE(id);
    ++r.authored;
    ++stats_.authored;
  }

  // A bundle of what `from` holds that its idea of `to` lacks: `to`'s current
  // summary, a summary from earlier, or nothing (a full export).
  void makeBundle() {
    size_t from = pick(), to = pick();
    VersionVector theirs;
    uint64_t kind = rng_() % 10;
    if (kind < 6)
      theirs = replicas_[to].store->versionVector().value();
    else if (kind < 9 && !oldSummaries_[to].empty())
      theirs = oldSummaries_[to][rng_() % oldSummaries_[to].size()];
    oldSummaries_[to].push_back(replicas_[to].store->versionVector().value());
    Bundle b;
    b.path = base_ + "/b" + std::to_string(bundleCount_++) + ".bundle";
    b.from = from;
    std::vector<std::string> missing;
    REQUIRE(replicas_[from].store->forEachMissing(theirs, [&](std::string_view e) {
      missing.emplace_back(e);
      return Status::ok();
    }));
    writeBundle(b.path, from, missing);
    b.changes = missing.size();
    mailbox_.push_back(b);
    ++stats_.bundles;
  }

  // Delivers a random bundle from the mailbox to a random replica; the bundle
  // stays in the mailbox (it may arrive again). Sometimes only part of it.
  void deliverBundle() {
    if (mailbox_.empty()) return;
    const Bundle& b = mailbox_[rng_() % mailbox_.size()];
    size_t to = pick();
    importFile(b.path, to, rng_() % 5 == 0);
  }

  void importFile(const std::string& path, size_t to, bool partial) {
    auto info = net::checkBundle(path, &county_.network);
    REQUIRE(info);
    size_t maxBatch = 1 + rng_() % 48;
    size_t stopAfter = partial ? rng_() % 4 : SIZE_MAX, batches = 0;
    ++stats_.deliveries;
    if (partial) ++stats_.partial;
    Status s = net::readBundle(
        path, maxBatch, size_t(8) << 20, [&](const std::vector<std::string>& batch) -> Status {
          if (batches++ >= stopAfter) return Status::error(Code::kDisconnected, "unplugged");
          return ingestBatch(batch, to) ? Status::ok() : Status::refused("not ready");
        });
    (void)s;  // stopped early or refused: the next exchange catches up
  }

  // Ingests one batch at replica `to`. A refusal is acceptable only for
  // changes the replica is not ready for (a gap, a record or dependency it
  // lacks), and must leave the replica unchanged. False when refused.
  bool ingestBatch(const std::vector<std::string>& batch, size_t to) {
    Replica& r = replicas_[to];
    auto before = r.store->changeCount().value();
    Hash digest = r.store->digest().value();
    auto rep = r.store->ingestAt(batch, now(r));
    if (!rep) {
      INFO("replica " << to << " refused a batch: " << rep.status().toString());
      REQUIRE(rep.status().code() == Code::kRefused);
      REQUIRE(r.store->changeCount().value() == before);
      REQUIRE(r.store->digest().value() == digest);
      ++stats_.refusedBatches;
      return false;
    }
    stats_.duplicates += rep->duplicates;
    stats_.notApplied += rep->notApplied;
    REQUIRE(rep->forks == 0);
    return true;
  }

  // The county office revokes a township device, cutting it off after the
  // last change of it the office has seen.
  void revoke() {
    size_t office = rng_() % 2 == 0 ? 0 : 4;
    size_t victim = 1 + rng_() % 3;
    Replica& r = replicas_[office];
    uint64_t cutoff = 0;
    auto vv = r.store->versionVector().value();
    for (const auto& e : vv)
      if (e.author == replicas_[victim].pk) cutoff = e.seq;
    if (cutoff == 0) return;
    LocalEdit e;
    e.op = OpKind::kRevocation;
    e.revocation = county_.revoke(replicas_[victim].pk, cutoff);
    REQUIRE(r.store->author(e, r.key, now(r)));
    ++r.authored;
    revoked_ = true;
    ++stats_.revocations;
  }

  // Everyone exchanges with everyone until all summaries agree. Mostly as
  // envelope batches straight from forEachMissing (a bundle file costs an
  // fsync), one pair in four as a real bundle file.
  void heal() {
    for (int round = 0;; ++round) {
      REQUIRE(round < 4);
      std::vector<size_t> order(replicas_.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::shuffle(order.begin(), order.end(), rng_);
      for (size_t from : order)
        for (size_t to : order) {
          if (from == to) continue;
          Replica& r = replicas_[from];
          auto theirs = replicas_[to].store->versionVector().value();
          std::vector<std::string> missing;
          REQUIRE(r.store->forEachMissing(theirs, [&](std::string_view e) {
            missing.emplace_back(e);
            return Status::ok();
          }));
          if (missing.empty()) continue;
          if (rng_() % 4 == 0) {
            std::string path = base_ + "/heal.bundle";
            writeBundle(path, from, missing);
            importFile(path, to, false);
          } else {
            importBatches(missing, to);
          }
        }
      bool same = true;
      auto first = replicas_[0].store->versionVector().value();
      for (auto& r : replicas_) same &= r.store->versionVector().value() == first;
      if (same) break;
    }
  }

  void writeBundle(const std::string& path, size_t from, const std::vector<std::string>& changes) {
    Replica& r = replicas_[from];
    net::BundleHeader h;
    h.network = county_.network;
    h.producer = r.pk;
    h.createdMs = now(r);
    h.countyName = county_.name;
    h.rootKey = county_.root.publicKey();
    auto w = net::BundleWriter::create(path, h, r.key);
    REQUIRE(w);
    for (const auto& e : changes) REQUIRE((*w)->addChange(e));
    REQUIRE((*w)->finish());
  }

  void importBatches(const std::vector<std::string>& changes, size_t to) {
    size_t maxBatch = 1 + rng_() % 48;
    for (size_t at = 0; at < changes.size(); at += maxBatch) {
      std::vector<std::string> batch(changes.begin() + at,
                                     changes.begin() + std::min(changes.size(), at + maxBatch));
      if (!ingestBatch(batch, to)) return;
    }
  }

  void check() {
    auto vv = replicas_[0].store->versionVector().value();
    Hash digest = replicas_[0].store->digest().value();
    // Nothing acknowledged was lost: each device's own log is complete everywhere.
    for (auto& r : replicas_) {
      auto it = std::find_if(vv.begin(), vv.end(),
                             [&](const VersionEntry& e) { return e.author == r.pk; });
      REQUIRE(it != vv.end());
      CHECK(it->seq == r.authored);
    }
    for (size_t i = 0; i < replicas_.size(); ++i) {
      INFO("replica " << i);
      Store& s = *replicas_[i].store;
      CHECK(s.versionVector().value() == vv);
      CHECK(toHex(s.digest().value()) == toHex(digest));
      auto v = s.verify().value();
      for (const auto& p : v.problems) FAIL_CHECK("verify: " << p);
    }
    // An offline recomputation: a fresh store fed every change in one batch.
    auto fresh = openFast(base_ + "/fresh");
    REQUIRE(fresh->ingest(test::allEnvelopes(*replicas_[pick()].store)));
    CHECK(toHex(fresh->digest().value()) == toHex(digest));
    finalDigest_ = toHex(digest);
    auto st = replicas_[0].store->status().value();
    ++stats_.seeds;
    stats_.conflictedRecords += st.conflicts;
    if (st.conflicts > 0) ++stats_.seedsWithConflicts;
    replicas_.clear();
    fresh.reset();
    std::filesystem::remove_all(base_);
  }

  uint64_t seed_;
  std::string finalDigest_;
  std::mt19937_64 rng_;
  Stats& stats_;
  test::County county_;
  std::string base_;
  uint64_t nowMs_ = 1800000000000ull;
  std::vector<Replica> replicas_;
  std::map<size_t, std::vector<VersionVector>> oldSummaries_;
  std::vector<Bundle> mailbox_;
  uint64_t bundleCount_ = 0;
  bool revoked_ = false;
};

TEST_CASE("Replicas: five stores exchanging bundles in any order converge", "[sim][convergence]") {
  const uint64_t seeds = envNumber("RENDA_SEEDS", 200);
  const uint64_t start = envNumber("RENDA_SEED_START", 1);
  test::TempDir root;
  Stats stats;
  runSeeds<Simulation>(start, seeds, root, stats, [](uint64_t seed) {
    return "rerun with RENDA_SEED_START=" + std::to_string(seed) + " RENDA_SEEDS=1";
  });
  std::cout << "convergence: " << stats.seeds << " seeds from " << start << "; " << stats.authored
            << " edits authored, " << stats.refusedAuthoring << " refused at authoring; "
            << stats.bundles << " bundles, " << stats.deliveries << " deliveries (" << stats.partial
            << " partial), " << stats.refusedBatches << " batches refused, " << stats.duplicates
            << " duplicates, " << stats.notApplied << " kept but not applied, " << stats.revocations
            << " revocations; " << stats.seedsWithConflicts << " seeds ended with conflicts ("
            << stats.conflictedRecords << " records)" << std::endl;
  CHECK(stats.seeds == seeds);
  // The workload must exercise what it claims to.
  CHECK(stats.seedsWithConflicts > 0);
  CHECK(stats.refusedAuthoring > 0);
  CHECK(stats.partial > 0);
  if (seeds >= 100) {
    CHECK(stats.seedsWithConflicts * 4 >= stats.seeds);
    CHECK(stats.revocations > 0);
    CHECK(stats.duplicates > 0);
    CHECK(stats.refusedBatches > 0);
  }
}

}  // namespace
}  // namespace renda::sim
