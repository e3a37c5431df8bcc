// SPDX-License-Identifier: Apache-2.0
#include "tests/fuzz/noise_targets.h"

#include <cstring>
#include <optional>

namespace renda::fuzz {

namespace {

using net::noise::HandshakeConfig;
using net::noise::HandshakeState;
using net::noise::Pattern;

void check(bool ok, const char* what) {
  if (!ok) throw InvariantViolation(what);
}

BoxSecretKey keyOf(unsigned char b) {
  BoxSecretKey k;
  std::memset(k.data(), b, k.size());
  return k;
}

struct FixedKeys {
  BoxSecretKey initStatic = keyOf(0xa1), respStatic = keyOf(0xb2);
  BoxSecretKey initEphemeral = keyOf(0xc3), respEphemeral = keyOf(0xd4);
  net::noise::SymmetricKey psk;
  FixedKeys() { std::memset(psk.data(), 0x5a, psk.size()); }
};

const FixedKeys& keys() {
  static const FixedKeys k;
  return k;
}

// Reads the next frame (u16 LE length, then up to that many bytes).
std::optional<crypto::Bytes> nextFrame(const uint8_t*& p, const uint8_t* end) {
  if (end - p < 2) return std::nullopt;
  size_t len = p[0] | (size_t(p[1]) << 8);
  p += 2;
  len = std::min(len, size_t(end - p));
  crypto::Bytes frame(p, len);
  p += len;
  return frame;
}

void checkUnusable(HandshakeState& h) {
  check(h.failed() && !h.done() && !h.isMyTurn(), "a failed handshake does not say so");
  check(!h.writeMessage(std::string_view("x")).isOk(), "a failed handshake still writes");
  check(!h.readMessage(std::string_view("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).isOk(),
        "a failed handshake still reads");
  check(!h.split().isOk(), "a failed handshake still splits");
  check(!h.remoteStatic() && !h.handshakeHash(), "a failed handshake still exposes keys");
}

Outcome runNoise(const uint8_t* data, size_t size) {
  if (size < 1) return Outcome::kRejected;
  const uint8_t* p = data + 1;
  const uint8_t* end = data + size;
  Pattern pattern = noiseScenarioPattern(data[0]);
  bool initiator = noiseScenarioInitiator(data[0]);
  auto hs = initiator ? HandshakeState::initiator(noiseFuzzConfig(pattern, true))
                      : HandshakeState::responder(noiseFuzzConfig(pattern, false));
  check(hs.isOk(), "the fixed configuration is refused");
  HandshakeState& h = *hs;

  for (size_t i = 0; i < net::noise::messageCount(pattern); ++i) {
    if (h.isMyTurn()) {
      auto written = h.writeMessage(noiseFuzzPayload(i));
      check(written.isOk(), "a write on this side's turn failed after valid reads");
      continue;
    }
    auto frame = nextFrame(p, end);
    if (!frame) return Outcome::kRejected;
    auto payload = h.readMessage(*frame);
    if (!payload) {
      checkUnusable(h);
      return Outcome::kRejected;
    }
  }
  check(h.done() && h.handshakeHash().has_value(), "a finished handshake has no hash");
  const FixedKeys& k = keys();
  auto peer = (initiator ? k.respStatic : k.initStatic).publicKey();
  check(h.remoteStatic() == peer, "a handshake completed with an unexpected peer key");
  auto ciphers = h.split();
  check(ciphers.isOk(), "split() failed after a completed handshake");
  while (auto frame = nextFrame(p, end)) (void)ciphers->receive.decrypt({}, *frame);
  return Outcome::kAccepted;
}

const Target kNoiseTargets[] = {{"noise", runNoise}};

}  // namespace

std::span<const Target> noiseTargets() { return kNoiseTargets; }

Pattern noiseScenarioPattern(uint8_t scenario) {
  static const Pattern kPatterns[] = {Pattern::kXXpsk3, Pattern::kXX, Pattern::kIK};
  return kPatterns[scenario % 6 / 2];
}

bool noiseScenarioInitiator(uint8_t scenario) { return scenario % 2 == 1; }

HandshakeConfig noiseFuzzConfig(Pattern pattern, bool initiator) {
  const FixedKeys& k = keys();
  HandshakeConfig c;
  c.pattern = pattern;
  c.prologue = "renda/noise/v1 fuzz";
  c.localStatic = initiator ? &k.initStatic : &k.respStatic;
  c.ephemeralForTesting = initiator ? &k.initEphemeral : &k.respEphemeral;
  if (pattern == Pattern::kXXpsk3) c.psk = &k.psk;
  if (pattern == Pattern::kIK && initiator) c.remoteStatic = k.respStatic.publicKey();
  return c;
}

std::string noiseFuzzPayload(size_t index) { return "fuzz payload " + std::to_string(index); }

}  // namespace renda::fuzz
