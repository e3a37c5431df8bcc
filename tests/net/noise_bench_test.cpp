// SPDX-License-Identifier: Apache-2.0
// Noise timings, hidden from the normal run (tag [.bench]). Build Release, then:
//   build/tests/net_tests "[.bench]" -d no
// prints the time of one full XXpsk3 handshake (both sides: create, three
// messages, split) and transport throughput for full frames (65,519 bytes of
// plaintext in 65,535-byte messages), encrypt and decrypt separately.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "net/noise.h"
#include "tests/net/noise_fixtures.h"

namespace renda::net::noise {
namespace {

using namespace testutil;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_CASE("Noise: handshake and transport timings", "[.bench][net][noise]") {
  PairSetup setup(Pattern::kXXpsk3);
  // Handshakes: best of 5 rounds of 200.
  const int kHandshakes = 200;
  double bestHandshake = 1e9;
  for (int round = 0; round < 5; ++round) {
    auto start = Clock::now();
    for (int i = 0; i < kHandshakes; ++i) {
      HandshakeState init = setup.initiator(), resp = setup.responder();
      RunResult r = runHandshake(init, resp);
      REQUIRE(r.completed);
      REQUIRE(init.split().isOk());
      REQUIRE(resp.split().isOk());
    }
    bestHandshake = std::min(bestHandshake, secondsSince(start) / kHandshakes);
  }

  Established s = establish(setup);
  SessionCiphers *ci = &s.init, *cr = &s.resp;
  const std::string frame(kMaxPlaintextBytes, 'f');
  // Each frame is encrypted, then decrypted, and each half timed on its own.
  const int kFrames = 2000;  // 131 MB each way per round
  double bestEncrypt = 1e9, bestDecrypt = 1e9;
  for (int round = 0; round < 3; ++round) {
    double encrypt = 0, decrypt = 0;
    for (int i = 0; i < kFrames; ++i) {
      auto start = Clock::now();
      auto ct = ci->send.encrypt({}, crypto::asBytes(frame));
      encrypt += secondsSince(start);
      REQUIRE(ct.isOk());
      start = Clock::now();
      auto pt = cr->receive.decrypt({}, crypto::asBytes(*ct));
      decrypt += secondsSince(start);
      REQUIRE(pt.isOk());
    }
    bestEncrypt = std::min(bestEncrypt, encrypt);
    bestDecrypt = std::min(bestDecrypt, decrypt);
  }
  // libsodium alone on the same frame, for comparison.
  std::string out(kMaxMessageBytes, '\0');
  unsigned char key[32] = {1}, nonce[12] = {};
  unsigned long long len = 0;
  double bestRaw = 1e9;
  for (int round = 0; round < 3; ++round) {
    auto start = Clock::now();
    for (int i = 0; i < kFrames; ++i)
      crypto_aead_chacha20poly1305_ietf_encrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len,
          reinterpret_cast<const unsigned char*>(frame.data()), frame.size(), nullptr, 0, nullptr,
          nonce, key);
    bestRaw = std::min(bestRaw, secondsSince(start));
  }
  double mb = double(kFrames) * kMaxPlaintextBytes / 1e6;
  std::printf("noise bench: XXpsk3 handshake, both sides, create to split: %.0f us (%.0f/s)\n",
              bestHandshake * 1e6, 1 / bestHandshake);
  std::printf(
      "noise bench: transport, %zu-byte plaintext frames: encrypt %.0f MB/s (%.1f us "
      "per frame), decrypt %.0f MB/s (%.1f us per frame)\n",
      kMaxPlaintextBytes, mb / bestEncrypt, bestEncrypt / kFrames * 1e6, mb / bestDecrypt,
      bestDecrypt / kFrames * 1e6);
  std::printf(
      "noise bench: crypto_aead_chacha20poly1305_ietf_encrypt alone: %.0f MB/s (%.1f us "
      "per frame)\n",
      mb / bestRaw, bestRaw / kFrames * 1e6);
}

}  // namespace
}  // namespace renda::net::noise
