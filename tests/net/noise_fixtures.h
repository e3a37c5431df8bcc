// SPDX-License-Identifier: Apache-2.0
// Helpers for the Noise tests: deterministic keys, a pair of handshake states
// for a pattern, and a driver that runs a handshake to its end (or its first
// failure), letting a test alter each message on the way.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/noise.h"

namespace renda::net::noise::testutil {

// An X25519 private key of 32 x `b` (any 32 bytes are a valid scalar).
inline BoxSecretKey keyFromByte(unsigned char b) {
  BoxSecretKey k;
  std::memset(k.data(), b, k.size());
  return k;
}

inline SymmetricKey pskFromByte(unsigned char b) {
  SymmetricKey k;
  std::memset(k.data(), b, k.size());
  return k;
}

// The keys and settings of both sides. Ephemerals are drawn from randombytes
// unless fixed (fixedEphemerals()), which makes every message reproducible.
struct PairSetup {
  Pattern pattern = Pattern::kXXpsk3;
  BoxSecretKey initStatic = keyFromByte(0x11), respStatic = keyFromByte(0x22);
  std::optional<BoxSecretKey> initEphemeral, respEphemeral;
  SymmetricKey initPsk = pskFromByte(0x5a), respPsk = pskFromByte(0x5a);
  std::string initPrologue = "renda/noise/v1 net", respPrologue = "renda/noise/v1 net";

  explicit PairSetup(Pattern p = Pattern::kXXpsk3) : pattern(p) {}
  PairSetup& fixedEphemerals() {
    initEphemeral = keyFromByte(0x33);
    respEphemeral = keyFromByte(0x44);
    return *this;
  }
  HandshakeConfig config(bool initiator) const {
    HandshakeConfig c;
    c.pattern = pattern;
    c.prologue = initiator ? initPrologue : respPrologue;
    c.localStatic = initiator ? &initStatic : &respStatic;
    if (pattern == Pattern::kXXpsk3) c.psk = initiator ? &initPsk : &respPsk;
    if (pattern == Pattern::kIK && initiator) c.remoteStatic = respStatic.publicKey();
    const auto& e = initiator ? initEphemeral : respEphemeral;
    if (e) c.ephemeralForTesting = &*e;
    return c;
  }
  HandshakeState initiator() const {
    auto h = HandshakeState::initiator(config(true));
    REQUIRE(h.isOk());
    return std::move(*h);
  }
  HandshakeState responder() const {
    auto h = HandshakeState::responder(config(false));
    REQUIRE(h.isOk());
    return std::move(*h);
  }
};

// What became of a handshake run by runHandshake().
struct RunResult {
  bool completed = false;    // both sides done
  size_t failedMessage = 0;  // index of the message whose write or read failed
  bool failedOnWrite = false;
  Status status;                  // the failure
  std::vector<std::string> sent;  // the messages as delivered (after tampering)
  std::vector<std::string> payloadsRead;
};

// Runs the handshake between `init` and `resp`, payload "payload <i>" in
// message i; `tamper(i, message)` may alter message i before it is read.
inline RunResult runHandshake(HandshakeState& init, HandshakeState& resp,
                              const std::function<void(size_t, std::string&)>& tamper = {}) {
  RunResult r;
  size_t count = messageCount(init.pattern());
  for (size_t i = 0; i < count; ++i) {
    HandshakeState& writer = i % 2 == 0 ? init : resp;
    HandshakeState& reader = i % 2 == 0 ? resp : init;
    auto msg = writer.writeMessage("payload " + std::to_string(i));
    if (!msg) {
      r.failedMessage = i;
      r.failedOnWrite = true;
      r.status = msg.status();
      return r;
    }
    std::string bytes = *msg;
    if (tamper) tamper(i, bytes);
    r.sent.push_back(bytes);
    auto payload = reader.readMessage(bytes);
    if (!payload) {
      r.failedMessage = i;
      r.status = payload.status();
      return r;
    }
    r.payloadsRead.push_back(*payload);
  }
  r.completed = init.done() && resp.done();
  return r;
}

// The transport ciphers of both sides after a completed handshake.
struct Established {
  SessionCiphers init, resp;
};
inline Established establish(const PairSetup& setup) {
  HandshakeState init = setup.initiator(), resp = setup.responder();
  REQUIRE(runHandshake(init, resp).completed);
  auto ci = init.split(), cr = resp.split();
  REQUIRE(ci.isOk());
  REQUIRE(cr.isOk());
  return {std::move(*ci), std::move(*cr)};
}

// True when the status message mentions `needle`.
inline bool says(const Status& s, const std::string& needle) {
  return s.message().find(needle) != std::string::npos;
}

}  // namespace renda::net::noise::testutil
