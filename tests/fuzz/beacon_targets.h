// SPDX-License-Identifier: Apache-2.0
// The LAN beacon fuzz target: the input is one received datagram, given to a
// BeaconListener of the fuzz network (fuzzNetwork(), secret 32 x 0x5a) at a
// fixed clock. Accepted: it opened and the listener took it. Invariants: an
// accepted beacon re-seals to one that opens to the same value, and the same
// datagram a second time is ignored as a replay.
// REQUIRES: sodium_init() was called.
#pragma once

#include <span>

#include "net/beacon.h"
#include "tests/fuzz/fuzz_targets.h"

namespace renda::fuzz {

// "beacon": the target above.
std::span<const Target> beaconTargets();

// The key, clock and receiving device the target uses; seeds are sealed with
// the key and stamped with the clock.
const net::BeaconKey& beaconFuzzKey();
inline constexpr uint64_t kBeaconFuzzNowMs = 1'700'000'000'000;
PublicKey beaconFuzzSelf();

}  // namespace renda::fuzz
