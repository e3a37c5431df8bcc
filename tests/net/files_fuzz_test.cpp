// SPDX-License-Identifier: Apache-2.0
// libFuzzer-style entry functions for decodeSummary() and for checkBundle() +
// readBundle() on a file, driven here by seeded mutations of valid inputs: a
// short run in every build (seed printed; RENDA_FUZZ_SEED repeats one) and a
// long one under the hidden [.][fuzz] tag. The libFuzzer binaries themselves
// live in tests/fuzz/.
#include <catch2/catch.hpp>

#include <tuple>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "net/files.h"
#include "tests/net/files_fixtures.h"

namespace renda::net {
namespace {

using namespace testutil;

// --- libFuzzer-style entry points, driven by seeded mutations -------------------

// Shaped like LLVMFuzzerTestOneInput: any bytes in, 0 out; fails the test on a
// broken invariant (a crash or sanitizer report fails it too).
int fuzzDecodeSummary(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const NetworkId expected = networkFromByte(0x11);
  for (const NetworkId* e : {static_cast<const NetworkId*>(nullptr), &expected}) {
    auto d = decodeSummary(in, e);
    if (!d.isOk()) {
      REQUIRE(d.status().code() == Code::kInvalidInput);
      REQUIRE_FALSE(d.status().message().empty());
      continue;
    }
    for (size_t i = 0; i < d->entries.size(); ++i) {
      REQUIRE(d->entries[i].seq > 0);
      // By node, then (a node with branches) by number and id.
      if (i)
        REQUIRE(std::tie(d->entries[i - 1].author, d->entries[i - 1].seq, d->entries[i - 1].id) <
                std::tie(d->entries[i].author, d->entries[i].seq, d->entries[i].id));
    }
    if (e) REQUIRE(d->network == *e);
  }
  return 0;
}

// Writes the bytes to a file in `dir` and runs both bundle passes on it.
int fuzzCheckBundleFile(const TempDir& dir, const uint8_t* data, size_t size) {
  std::string p = dir.file("fuzz.bundle");
  writeAll(p, std::string_view(reinterpret_cast<const char*>(data), size));
  NetworkId expected = networkFromByte(0x11);
  auto info = checkBundle(p, &expected);
  if (!info.isOk()) {
    REQUIRE(info.status().code() == Code::kInvalidInput);
    REQUIRE_FALSE(info.status().message().empty());
    return 0;
  }
  size_t seen = 0;
  REQUIRE(readBundle(p, 2, 1 << 20, [&](const std::vector<std::string>& b) {
    seen += b.size();
    return Status::ok();
  }));
  REQUIRE(seen == info->changeCount);
  REQUIRE(info->fileBytes == size);
  return 0;
}

std::string mutate(std::string s, std::mt19937_64& rng) {
  int ops = 1 + int(rng() % 4);
  for (int k = 0; k < ops; ++k) {
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng() % s.size()] ^= static_cast<char>(1u << (rng() % 8));
        break;
      case 1:  // set a random byte
        if (!s.empty()) s[rng() % s.size()] = static_cast<char>(rng());
        break;
      case 2:  // truncate
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 3:  // insert random bytes
        s.insert(rng() % (s.size() + 1), std::string(1 + rng() % 9, static_cast<char>(rng())));
        break;
      case 4:  // overwrite a u32 with an interesting value
        if (s.size() >= 4) {
          static const uint32_t kVals[] = {0, 1, 7, 8, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFF};
          uint32_t v = kVals[rng() % 8];
          std::memcpy(s.data() + rng() % (s.size() - 3), &v, 4);
        }
        break;
      case 5:  // erase a range
        if (!s.empty()) {
          size_t at = rng() % s.size();
          s.erase(at, 1 + rng() % std::min<size_t>(16, s.size() - at));
        }
        break;
    }
  }
  return s;
}

void runSummaryFuzz(uint64_t seed, int iterations) {
  WARN("summary fuzz seed " << seed << ", " << iterations << " inputs");
  std::mt19937_64 rng(seed);
  std::vector<std::string> seeds = {encodeSummary(sampleSummary(0)), encodeSummary(sampleSummary(3))};
  for (int i = 0; i < iterations; ++i) {
    std::string in = mutate(seeds[rng() % seeds.size()], rng);
    // Half the time repair the outer hash so the message decoder is reached.
    if (rng() % 2 && in.size() >= 52 && in.compare(0, 16, "RENDA-SUMMARY-01") == 0) {
      std::string msg = in.substr(20, in.size() - 52);
      in = frameSummary(msg);
    }
    INFO("seed " << seed << " input " << i);
    fuzzDecodeSummary(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  }
}

void runBundleFuzz(uint64_t seed, int iterations) {
  WARN("bundle fuzz seed " << seed << ", " << iterations << " inputs");
  std::mt19937_64 rng(seed);
  BundleFixture f;
  TempDir scratch;
  for (int i = 0; i < iterations; ++i) {
    std::string in = mutate(f.b.bytes, rng);
    INFO("seed " << seed << " input " << i);
    fuzzCheckBundleFile(scratch, reinterpret_cast<const uint8_t*>(in.data()), in.size());
  }
}

TEST_CASE("Summary and bundle decoders: seeded mutations never crash or mis-report",
          "[net][files][fuzz-smoke]") {
  uint64_t seed = std::random_device{}();
  if (const char* e = std::getenv("RENDA_FUZZ_SEED")) seed = std::strtoull(e, nullptr, 10);
  runSummaryFuzz(seed, 3000);
  runBundleFuzz(seed, 600);
  // The unmutated inputs pass the entry functions' acceptance paths too.
  std::string s = encodeSummary(sampleSummary(2));
  fuzzDecodeSummary(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST_CASE("Summary and bundle decoders: long mutation run", "[.][fuzz][net]") {
  uint64_t seed = 20261127;
  if (const char* e = std::getenv("RENDA_FUZZ_SEED")) seed = std::strtoull(e, nullptr, 10);
  runSummaryFuzz(seed, 200000);
  runBundleFuzz(seed, 20000);
}

}  // namespace
}  // namespace renda::net
