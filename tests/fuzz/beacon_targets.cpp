// SPDX-License-Identifier: Apache-2.0
#include "tests/fuzz/beacon_targets.h"

#include <cstring>
#include <string_view>

namespace renda::fuzz {

namespace {

using detail::check;

Outcome runBeacon(const uint8_t* data, size_t size) {
  std::string_view packet(reinterpret_cast<const char*>(data), size);
  net::BeaconListener listener(beaconFuzzKey(), beaconFuzzSelf());
  const auto from = net::Ipv4Address::of(10, 0, 0, 1);
  auto first = listener.receive(packet, from, kBeaconFuzzNowMs);
  auto opened = net::openBeacon(beaconFuzzKey(), packet);
  if (!first.peer) {
    check(first.ignored != net::BeaconIgnored::kReplay, "a first beacon was called a replay");
    return Outcome::kRejected;
  }
  check(opened.isOk(), "the listener accepted a beacon that does not open");
  check(first.peer->device == opened->device && first.peer->port == opened->port &&
            first.peer->address == from && first.peer->fresh,
        "the discovered peer is not what the beacon says");
  auto again = net::openBeacon(beaconFuzzKey(), net::sealBeacon(beaconFuzzKey(), *opened));
  check(again.isOk() && *again == *opened, "a beacon changed across seal/open");
  auto second = listener.receive(packet, from, kBeaconFuzzNowMs);
  check(!second.peer && second.ignored == net::BeaconIgnored::kReplay,
        "the same beacon twice was not ignored as a replay");
  return Outcome::kAccepted;
}

const Target kBeaconTargets[] = {{"beacon", runBeacon}};

}  // namespace

std::span<const Target> beaconTargets() { return kBeaconTargets; }

const net::BeaconKey& beaconFuzzKey() {
  static const net::BeaconKey key = [] {
    NetworkSecret secret;
    secret.bytes.fill(0x5a);
    return net::BeaconKey::derive(fuzzNetwork(), secret);
  }();
  return key;
}

PublicKey beaconFuzzSelf() {
  PublicKey self;
  self.bytes.fill(0x01);
  return self;
}

}  // namespace renda::fuzz
