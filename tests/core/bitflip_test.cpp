// SPDX-License-Identifier: Apache-2.0
// Cap'n Proto's bit-flip test ported to our envelope: from one valid signed
// change, every single-bit and every two-bit mutant of the first 256 bits, and
// every single-bit mutant of the whole envelope, is refused by decodeEnvelope,
// verifyEnvelope or decodeChange. None crash (ASan/UBSan builds check that).
#include <catch2/catch.hpp>

#include "core/change.h"
#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::bytesOf;

// Where a mutant was stopped.
enum class Stop { kDecodeEnvelope, kVerify, kDecodeChange, kAccepted };

Stop judge(const NetworkId& net, const std::string& bytes) {
  auto e = decodeEnvelope(bytesOf(bytes));
  if (!e) return Stop::kDecodeEnvelope;
  if (!verifyEnvelope(net, *e)) return Stop::kVerify;
  if (!decodeChange(bytesOf(e->body))) return Stop::kDecodeChange;
  return Stop::kAccepted;
}

struct Tally {
  size_t mutants = 0, byDecode = 0, byVerify = 0, byChange = 0, accepted = 0;
  void add(Stop s) {
    ++mutants;
    switch (s) {
      case Stop::kDecodeEnvelope:
        ++byDecode;
        break;
      case Stop::kVerify:
        ++byVerify;
        break;
      case Stop::kDecodeChange:
        ++byChange;
        break;
      case Stop::kAccepted:
        ++accepted;
        break;
    }
  }
};

std::vector<test::Signed> samples(test::Author& a, test::Author& b) {
  std::vector<test::Signed> out;
  out.push_back(a.create("chengguan", {{"name", "Wang Fang"}, {"group", "farmers"}}));
  auto deps = b.create("", {{"title", "County budget hearing"}}, RecordKind::kDutyRecord);
  Change up = test::Author::updateOp(out[0].id, {out[0].id}, {{"group", "teachers"}});
  up.deps = {deps.id};
  out.push_back(a.add(up));
  return out;
}

TEST_CASE("BitFlip: single and double flips in the first 256 bits never get through",
          "[core][envelope][bitflip]") {
  NetworkId net = test::networkFromByte(0x4e);
  test::Author a(0xa1, net), b(0xb2, net);
  for (const auto& s : samples(a, b)) {
    REQUIRE(judge(net, s.envelope) == Stop::kAccepted);
    const size_t bits = std::min<size_t>(256, s.envelope.size() * 8);
    Tally t;
    for (size_t i = 0; i < bits; ++i) {
      std::string one = test::flipBit(s.envelope, i);
      Stop stop = judge(net, one);
      t.add(stop);
      if (stop == Stop::kAccepted) FAIL_CHECK("single flip of bit " << i << " was accepted");
      for (size_t j = i + 1; j < bits; ++j) {
        std::string two = test::flipBit(one, j);
        Stop stop2 = judge(net, two);
        t.add(stop2);
        if (stop2 == Stop::kAccepted && two != s.envelope)
          FAIL_CHECK("double flip of bits " << i << " and " << j << " was accepted");
      }
    }
    CHECK(t.mutants == bits + bits * (bits - 1) / 2);
    CHECK(t.accepted == 0);
    WARN("first-256-bit mutants: " << t.mutants << ", refused by decodeEnvelope " << t.byDecode
                                   << ", verify " << t.byVerify << ", decodeChange " << t.byChange);
  }
}

TEST_CASE("BitFlip: every single flip anywhere in the envelope is refused",
          "[core][envelope][bitflip]") {
  NetworkId net = test::networkFromByte(0x4e);
  test::Author a(0xa1, net), b(0xb2, net);
  for (const auto& s : samples(a, b)) {
    Tally t;
    for (size_t i = 0; i < s.envelope.size() * 8; ++i) {
      Stop stop = judge(net, test::flipBit(s.envelope, i));
      t.add(stop);
      if (stop == Stop::kAccepted) FAIL_CHECK("flip of bit " << i << " was accepted");
    }
    CHECK(t.accepted == 0);
    // Flips inside signer, signature and body reach the signature check.
    CHECK(t.byVerify >= (32 + 64 + s.body.size()) * 8 - 64);
  }
}

TEST_CASE("BitFlip: a re-signed body mutant is refused or decodes to a stable value",
          "[core][change][bitflip]") {
  // The author signs the mutant, so only decodeChange stands between it and
  // the store. Whatever it accepts must survive encode -> decode unchanged.
  NetworkId net = test::networkFromByte(0x4e);
  test::Author a(0xa1, net), b(0xb2, net);
  size_t accepted = 0, total = 0;
  for (const auto& s : samples(a, b)) {
    for (size_t i = 0; i < s.body.size() * 8; ++i) {
      std::string body = test::flipBit(s.body, i);
      ++total;
      auto c = decodeChange(bytesOf(body));
      if (!c) continue;
      ++accepted;
      INFO("bit " << i);
      std::string again = encodeChange(*c);
      auto c2 = decodeChange(bytesOf(again));
      REQUIRE(c2.isOk());
      CHECK(encodeChange(*c2) == again);
    }
  }
  WARN("re-signed body mutants: " << total << ", decoded to a valid change: " << accepted);
  CHECK(accepted < total);
}

}  // namespace
}  // namespace renda
