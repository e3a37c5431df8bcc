// SPDX-License-Identifier: Apache-2.0
// Hlc: stamps strictly increase whatever the wall clock does, a restored clock
// never goes back, observed stamps are capped at now + maxAhead, and isFuture
// draws the line exactly there.
#include "core/hlc.h"

#include <catch2/catch.hpp>
#include <random>

#include "core/limits.h"

namespace renda {
namespace {

constexpr uint64_t kNow = 1717200000000ull;
constexpr uint64_t kDay = 24ull * 3600 * 1000;

TEST_CASE("Hlc: stamps strictly increase when the wall clock stalls or jumps back", "[core][hlc]") {
  Hlc h;
  uint64_t last = 0;
  for (uint64_t now : {kNow, kNow, kNow + 5, kNow - 1000, kNow - kDay, kNow + 5, kNow + 6}) {
    uint64_t s = h.tick(now);
    INFO("now " << now);
    CHECK(s > last);
    CHECK(h.highWater() == s);
    last = s;
  }
  SECTION("a later wall clock is taken as is, with counter 0") {
    CHECK(h.tick(kNow + 1000) == Hlc::make(kNow + 1000, 0));
    CHECK(Hlc::millis(h.highWater()) == kNow + 1000);
  }
}

TEST_CASE("Hlc: a stalled clock counts up, and past 65535 spills into the next ms", "[core][hlc]") {
  Hlc h;
  uint64_t first = h.tick(kNow);
  CHECK(first == Hlc::make(kNow, 0));
  uint64_t s = first;
  for (int i = 1; i <= 70000; ++i) {
    uint64_t next = h.tick(kNow);
    REQUIRE(next == s + 1);
    s = next;
  }
  CHECK(Hlc::millis(s) == kNow + 1);
}

TEST_CASE("Hlc: a clock restored from its high-water mark never goes back", "[core][hlc]") {
  std::mt19937_64 rng(20240601);
  Hlc h;
  uint64_t last = 0;
  for (int restart = 0; restart < 50; ++restart) {
    // Wall clock anywhere within +-2 days of kNow, as after a dead RTC battery.
    uint64_t now = kNow - 2 * kDay + rng() % (4 * kDay);
    Hlc restored(h.highWater());
    uint64_t s = restored.tick(now);
    INFO("restart " << restart << " now " << now);
    CHECK(s > last);
    CHECK(s > h.highWater());
    last = s;
    h = restored;
  }
}

TEST_CASE("Hlc: observe follows a peer's clock but never past now + maxAhead", "[core][hlc]") {
  const uint64_t maxAhead = limits::kMaxClockAheadMs;
  SECTION("a stamp slightly ahead is followed") {
    Hlc h(Hlc::make(kNow, 0));
    uint64_t remote = Hlc::make(kNow + 5000, 7);
    h.observe(remote, kNow, maxAhead);
    CHECK(h.highWater() == remote);
    CHECK(h.tick(kNow) == remote + 1);
  }
  SECTION("a stamp ten years ahead is capped at the limit") {
    Hlc h(Hlc::make(kNow, 0));
    uint64_t remote = Hlc::make(kNow + 3650 * kDay, 0);
    REQUIRE(Hlc::isFuture(remote, kNow, maxAhead));
    h.observe(remote, kNow, maxAhead);
    CHECK(h.highWater() < remote);
    CHECK(Hlc::millis(h.highWater()) == kNow + maxAhead);
    CHECK_FALSE(Hlc::isFuture(h.highWater(), kNow, maxAhead));
    uint64_t capped = h.highWater();
    CHECK(h.tick(kNow) == capped + 1);
  }
  SECTION("an older stamp does not move the clock back") {
    Hlc h(Hlc::make(kNow, 10));
    h.observe(Hlc::make(kNow - kDay, 0), kNow, maxAhead);
    CHECK(h.highWater() == Hlc::make(kNow, 10));
    h.observe(0, kNow, maxAhead);
    CHECK(h.highWater() == Hlc::make(kNow, 10));
  }
  SECTION("repeated far-future stamps cannot ratchet the clock further") {
    Hlc h(Hlc::make(kNow, 0));
    for (int i = 0; i < 10; ++i) h.observe(UINT64_MAX >> 1, kNow, maxAhead);
    CHECK(Hlc::millis(h.highWater()) == kNow + maxAhead);
  }
}

TEST_CASE("Hlc: isFuture is true only strictly beyond now + maxAhead", "[core][hlc]") {
  CHECK_FALSE(Hlc::isFuture(Hlc::make(kNow, 0), kNow, kDay));
  CHECK_FALSE(Hlc::isFuture(Hlc::make(kNow + kDay, 0xffff), kNow, kDay));
  CHECK(Hlc::isFuture(Hlc::make(kNow + kDay + 1, 0), kNow, kDay));
  CHECK_FALSE(Hlc::isFuture(0, kNow, kDay));
  CHECK(Hlc::isFuture(Hlc::make(kNow, 0), kNow - kDay - 1, kDay));
}

TEST_CASE("Hlc: make and millis split a stamp into ms and a 16-bit counter", "[core][hlc]") {
  uint64_t s = Hlc::make(kNow, 0x1234);
  CHECK(Hlc::millis(s) == kNow);
  CHECK((s & 0xffff) == 0x1234);
  CHECK(Hlc::make(kNow, 0x10000) == Hlc::make(kNow, 0));
  CHECK(Hlc::make(kNow, 1) > Hlc::make(kNow, 0));
  CHECK(Hlc::make(kNow + 1, 0) > Hlc::make(kNow, 0xffff));
}

}  // namespace
}  // namespace renda
