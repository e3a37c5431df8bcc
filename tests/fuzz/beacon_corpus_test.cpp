// SPDX-License-Identifier: Apache-2.0
// The beacon fuzz target's seeds (tests/fuzz/corpus/beacon/), written by the
// hidden "[generate]" test with the target's key and clock:
//   build/tests/fuzz_replay "[generate]"
// and a check that a fresh valid beacon gets through the target and a damaged
// one does not.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/fuzz/beacon_targets.h"

namespace renda::fuzz {
namespace {

namespace fs = std::filesystem;

std::string validBeacon(unsigned char device, uint64_t timeMs = kBeaconFuzzNowMs) {
  net::Beacon b;
  b.device.bytes.fill(device);
  b.port = 7420;
  b.timeMs = timeMs;
  b.bootId.bytes.fill(0xb0);
  b.counter = 1;
  return net::sealBeacon(beaconFuzzKey(), b);
}

Outcome run(const Target& t, const std::string& input) {
  return t.run(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST_CASE("BeaconFuzz: a valid beacon gets through the target, a damaged one does not",
          "[fuzz][beacon]") {
  const Target* t = findTarget("beacon");
  REQUIRE(t);
  std::string good = validBeacon(0x02);
  CHECK(run(*t, good) == Outcome::kAccepted);
  std::string bad = good;
  bad[60] = static_cast<char>(bad[60] ^ 1);
  CHECK(run(*t, bad) == Outcome::kRejected);
  CHECK(run(*t, validBeacon(0x01)) == Outcome::kRejected);  // the target's own key
  CHECK(run(*t, validBeacon(0x02, 1)) == Outcome::kRejected);  // stale
}

TEST_CASE("BeaconFuzz: write the seed corpus", "[.][generate]") {
  fs::path dir = fs::path(RENDA_FUZZ_CORPUS_DIR) / "beacon";
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
  };
  write("valid_a", validBeacon(0x02));
  write("valid_b", validBeacon(0x03, kBeaconFuzzNowMs - 60'000));
  write("stale", validBeacon(0x04, kBeaconFuzzNowMs - 10 * 60'000));
  write("truncated", validBeacon(0x05).substr(0, 50));
}

}  // namespace
}  // namespace renda::fuzz
