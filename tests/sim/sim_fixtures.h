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

}  // namespace renda::sim
