// SPDX-License-Identifier: Apache-2.0
// Noise timings, hidden from the normal run (tag [.bench]). Build Release, then:
//   build/tests/net_tests "[.bench]" -d no
// prints the time of one full XXpsk3 handshake (both sides: create, three
// messages, split) and transport throughput for full frames (65,519 bytes of
// plaintext in 65,535-byte messages), encrypt and decrypt separately, next to
// libsodium's AEAD alone. Each figure is the best of several rounds, as wall
// time and as this thread's CPU time (which a busy machine disturbs less).
#include <time.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>

#include "net/noise.h"
#include "tests/net/noise_fixtures.h"

namespace renda::net::noise {
namespace {

using namespace testutil;

struct Times {
  double wall = 1e9, cpu = 1e9;  // seconds
};

double wallNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpuNow() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// The best of `rounds` runs of `body`, each divided by `per`.
template <typename F>
Times best(int rounds, double per, F&& body) {
  Times out;
  for (int r = 0; r < rounds; ++r) {
    double w = wallNow(), c = cpuNow();
    body();
    out.wall = std::min(out.wall, (wallNow() - w) / per);
    out.cpu = std::min(out.cpu, (cpuNow() - c) / per);
  }
  return out;
}

void print(const char* what, Times t, double bytes) {
  if (bytes > 0) {
    std::printf("noise bench: %-44s %7.1f us %6.0f MB/s wall | %7.1f us %6.0f MB/s cpu\n", what,
                t.wall * 1e6, bytes / t.wall / 1e6, t.cpu * 1e6, bytes / t.cpu / 1e6);
  } else {
    std::printf("noise bench: %-44s %7.1f us wall | %7.1f us cpu\n", what, t.wall * 1e6,
                t.cpu * 1e6);
  }
}

TEST_CASE("Noise: handshake and transport timings", "[.bench]") {
  PairSetup setup(Pattern::kXXpsk3);
  const int kHandshakes = 200;
  Times handshake = best(5, kHandshakes, [&] {
    for (int i = 0; i < kHandshakes; ++i) {
      HandshakeState init = setup.initiator(), resp = setup.responder();
      REQUIRE(runHandshake(init, resp).completed);
      REQUIRE(init.split().isOk());
      REQUIRE(resp.split().isOk());
    }
  });

  Established s = establish(setup);
  const std::string frame(kMaxPlaintextBytes, 'f');
  const int kFrames = 1000;
  std::vector<std::string> sealed(kFrames);
  Times encrypt, decrypt;
  for (int round = 0; round < 5; ++round) {
    encrypt = std::min(encrypt,
                       best(1, kFrames,
                            [&] {
                              for (auto& out : sealed)
                                out = std::move(*s.init.send.encrypt({}, crypto::asBytes(frame)));
                            }),
                       [](Times a, Times b) { return a.cpu < b.cpu; });
    decrypt = std::min(decrypt,
                       best(1, kFrames,
                            [&] {
                              for (const auto& in : sealed)
                                REQUIRE(s.resp.receive.decrypt({}, crypto::asBytes(in)).isOk());
                            }),
                       [](Times a, Times b) { return a.cpu < b.cpu; });
  }
  std::string out(kMaxMessageBytes, '\0');
  unsigned char key[32] = {1}, nonce[12] = {};
  unsigned long long len = 0;
  Times raw = best(5, kFrames, [&] {
    for (int i = 0; i < kFrames; ++i)
      crypto_aead_chacha20poly1305_ietf_encrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len,
          reinterpret_cast<const unsigned char*>(frame.data()), frame.size(), nullptr, 0, nullptr,
          nonce, key);
  });

  print("XXpsk3 handshake, both sides, create to split", handshake, 0);
  print("transport encrypt, 65,519-byte plaintext", encrypt, kMaxPlaintextBytes);
  print("transport decrypt, 65,535-byte message", decrypt, kMaxPlaintextBytes);
  print("libsodium chacha20poly1305_ietf alone", raw, kMaxPlaintextBytes);
}

}  // namespace
}  // namespace renda::net::noise
