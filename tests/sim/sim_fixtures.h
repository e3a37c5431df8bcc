// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the simulations in tests/sim: seed counts from the
// environment, and real stores on disk made fast enough for hundreds of seeds.
// Header-only.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::sim {

// The number in environment variable `name`, or `fallback` when it is unset or empty.
inline uint64_t envNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Opens (creating) a store in `dir` bound to `county`'s network, with a small
// map and fsync off: durability is the crash test's business, and hundreds of
// seeds must fit in a minute. Everything else is real LMDB on disk.
inline std::unique_ptr<storage::Store> openFastStore(const std::string& dir,
                                                     const test::County& county) {
  storage::StoreOptions o;
  o.initialMapBytes = test::kSmallMapBytes;
  auto s = storage::Store::open(dir, o);
  REQUIRE(s);
  REQUIRE(mdb_env_set_flags((*s)->env().get(), MDB_NOSYNC, 1) == 0);
  REQUIRE((*s)->setNetwork(county.info()));
  return std::move(*s);
}

// Runs seeds start .. start + seeds - 1, each as Sim(seed, root, stats).run()
// with `rerun(seed)` (how to run that seed alone) in the messages of a
// failure; then the first seed again, which must end in the same digest
// (Sim::finalDigest()): the same seed gives the same final state.
template <typename Sim, typename Stats, typename Rerun>
void runSeeds(uint64_t start, uint64_t seeds, const test::TempDir& root, Stats& stats,
              const Rerun& rerun) {
  std::string firstDigest;
  for (uint64_t seed = start; seed < start + seeds; ++seed) {
    INFO("seed " << seed << " (" << rerun(seed) << ")");
    Sim sim(seed, root, stats);
    sim.run();
    if (seed == start) firstDigest = sim.finalDigest();
  }
  Stats again;
  Sim sim(start, root, again);
  sim.run();
  CHECK(sim.finalDigest() == firstDigest);
}

}  // namespace renda::sim
