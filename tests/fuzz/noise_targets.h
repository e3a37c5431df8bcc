// SPDX-License-Identifier: Apache-2.0
// The Noise fuzz target (reliability.md 3.2, target 5): readMessage on each
// handshake step of XXpsk3, XX and IK, on either side, then transport decrypt.
// Every key and ephemeral is fixed (as libsodium's OSS-Fuzz harness fixes
// randombytes), so the side under test writes the same messages on every run
// and a recorded peer message from the seed corpus stays valid: mutations of
// a later message get past the MACs of the earlier ones.
//
// Input layout:
//   u8 scenario | frame*        frame = u16 LE length | bytes (cut at the end of input)
//   scenario % 6: pattern = {XXpsk3, XX, IK}[scenario % 6 / 2]; even: the side
//   under test is the responder, odd: the initiator. The frames are the peer's
//   handshake messages in order, then transport messages from the peer.
// Accepted: the handshake completed. Invariants: a failed handshake refuses
// every later call and exposes no remote key; a write on this side's turn
// never fails (it would mean a low-order point got past the read checks); a
// completed handshake has a handshake hash and the peer's static key is the
// fixed one (no other key can finish without the private keys).
// REQUIRES: sodium_init() was called.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "net/noise.h"
#include "tests/fuzz/fuzz_targets.h"

namespace renda::fuzz {

// "noise": the target above.
std::span<const Target> noiseTargets();

// The pattern of a scenario byte, and whether the side under test initiates.
net::noise::Pattern noiseScenarioPattern(uint8_t scenario);
bool noiseScenarioInitiator(uint8_t scenario);

// The fixed keys and prologue of the target, for `pattern` and one side: the
// side under test uses this, the seed generator uses it for both sides. The
// keys are static (statics 32 x 0xa1 / 0xb2, ephemerals 32 x 0xc3 / 0xd4, PSK
// 32 x 0x5a) and live until exit.
net::noise::HandshakeConfig noiseFuzzConfig(net::noise::Pattern pattern, bool initiator);

// The payload the side under test writes in handshake message `index`.
std::string noiseFuzzPayload(size_t index);

}  // namespace renda::fuzz
