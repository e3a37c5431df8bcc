// SPDX-License-Identifier: Apache-2.0
// The LMDB environment's flags (reliability.md §4.6): a store flushes every
// commit to disk, so outside bulk mode none of the flags that trade durability
// for speed may be set, and bulk mode adds MDB_NOMETASYNC alone and takes it
// away again at endBulk(), also after an import that failed. A kill -9 test
// cannot see a missing fsync (the page cache survives the process), so the
// flags are asserted here and the power-loss test (powerloss_test.cpp)
// checks what they promise.
#include <lmdb.h>

#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;

// Flags that let a power cut undo (or tear) a commit that returned.
constexpr unsigned kNotDurable =
    MDB_NOSYNC | MDB_NOMETASYNC | MDB_WRITEMAP | MDB_MAPASYNC | MDB_NOMEMINIT;

unsigned flagsOf(Env& env) {
  unsigned flags = 0;
  REQUIRE(mdb_env_get_flags(env.get(), &flags) == 0);
  return flags;
}

// Names each not-durable flag in `flags`, for the failure message.
std::string named(unsigned flags) {
  std::string out;
  for (auto [bit, name] : {std::pair{unsigned(MDB_NOSYNC), "MDB_NOSYNC"},
                           {unsigned(MDB_NOMETASYNC), "MDB_NOMETASYNC"},
                           {unsigned(MDB_WRITEMAP), "MDB_WRITEMAP"},
                           {unsigned(MDB_MAPASYNC), "MDB_MAPASYNC"},
                           {unsigned(MDB_NOMEMINIT), "MDB_NOMEMINIT"}})
    if (flags & bit) out += std::string(out.empty() ? "" : " ") + name;
  return out.empty() ? "none" : out;
}

void checkDurable(Env& env) {
  unsigned flags = flagsOf(env);
  INFO("flags 0x" << std::hex << flags << "; not durable: " << named(flags & kNotDurable));
  CHECK((flags & kNotDurable) == 0);
  CHECK((flags & MDB_RDONLY) == 0);
}

struct Fixture {
  test::TempDir dir;
  test::County county;
  Signer office{county.network, 1};
  std::vector<std::string> changes;
  Fixture() {
    std::vector<Signed> made;
    made.push_back(office.introduce(county, "", Role::kCounty));
    for (int i = 0; i < 60; ++i)
      made.push_back(office.create(RecordKind::kStation, "", {{"name", "站" + std::to_string(i)}}));
    changes = test::envelopesOf(made);
  }
};

// Emits `envelopes` in chunks of 10, then returns `end`.
Store::Producer chunksOf(const std::vector<std::string>& envelopes, Status end) {
  return [&envelopes, end](const Store::Emit& emit) -> Status {
    for (size_t i = 0; i < envelopes.size(); i += 10)
      RENDA_TRY(emit(std::vector<std::string>(
          envelopes.begin() + i, envelopes.begin() + std::min(envelopes.size(), i + 10))));
    return end;
  };
}

TEST_CASE("Env: an environment opens with the durable flags", "[storage][env][flags]") {
  test::TempDir dir;
  auto env = Env::open(dir.sub("env"));
  REQUIRE(env);
  checkDurable(*env);
  CHECK((flagsOf(*env) & MDB_NOTLS) != 0);  // one write txn per thread is not needed
}

TEST_CASE("Store: a store's environment keeps the durable flags outside bulk mode",
          "[storage][env][flags]") {
  Fixture f;
  auto s = test::openStore(f.dir.sub("s"), f.county);
  REQUIRE(s);
  unsigned opened = flagsOf(s->env());
  checkDurable(s->env());
  REQUIRE(s->ingest(std::vector<std::string>(f.changes.begin(), f.changes.begin() + 20)));
  checkDurable(s->env());

  SECTION("bulk mode adds MDB_NOMETASYNC alone, and endBulk() takes it away") {
    REQUIRE(s->beginBulk());
    CHECK(flagsOf(s->env()) == (opened | MDB_NOMETASYNC));
    Store::StreamOptions o;
    o.batchChanges = 20;
    REQUIRE(s->ingestStream(chunksOf(f.changes, Status::ok()), o, nullptr));
    CHECK(flagsOf(s->env()) == (opened | MDB_NOMETASYNC));
    REQUIRE(s->endBulk());
    CHECK(flagsOf(s->env()) == opened);
    checkDurable(s->env());
  }
  SECTION("after a bulk import whose source failed") {
    REQUIRE(s->beginBulk());
    Store::StreamOptions o;
    o.batchChanges = 20;
    auto r = s->ingestStream(chunksOf(f.changes, Status::ioError("the USB stick was removed")), o,
                             nullptr);
    REQUIRE_FALSE(r);
    REQUIRE(s->endBulk());
    CHECK(flagsOf(s->env()) == opened);
    checkDurable(s->env());
  }
  SECTION("after a bulk import that met a refused change") {
    REQUIRE(s->beginBulk());
    std::vector<std::string> bad = f.changes;
    bad.erase(bad.begin() + 44);  // change 46 then skips a number: refused
    Store::StreamOptions o;
    o.batchChanges = 20;
    REQUIRE_FALSE(s->ingestStream(chunksOf(bad, Status::ok()), o, nullptr));
    REQUIRE(s->endBulk());
    CHECK(flagsOf(s->env()) == opened);
    checkDurable(s->env());
  }
  SECTION("after the map grew") {
    // Growing remaps the file; the flags stay.
    REQUIRE(s->env().grow());
    checkDurable(s->env());
    CHECK(flagsOf(s->env()) == opened);
  }
  // And a store opened again starts durable whatever the last process did.
  s.reset();
  auto again = Store::open(f.dir.sub("s"));
  REQUIRE(again);
  checkDurable((*again)->env());
}

}  // namespace
}  // namespace renda::storage
