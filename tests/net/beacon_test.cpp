// SPDX-License-Identifier: Apache-2.0
// LAN discovery beacons (net/beacon.h): the key derivation against an
// independent computation, seal/open, the listener's reasons for ignoring a
// beacon (wrong secret, another county, damage, truncation, replay, stale and
// far-future timestamps, our own), its bounded memory, and real UDP sockets
// on loopback.
#include "net/beacon.h"

#include <poll.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/core/fixtures.h"

namespace renda::net {
namespace {

constexpr uint64_t kNow = 1'700'000'000'000;  // a wall clock, ms

NetworkSecret secretFromByte(unsigned char b) {
  NetworkSecret s;
  s.bytes.fill(b);
  return s;
}

PublicKey deviceFromByte(unsigned char b) { return test::keyFromByte(b).publicKey(); }

BeaconKey countyKey() { return BeaconKey::derive(test::networkFromByte(0x22), secretFromByte(0x11)); }

Beacon beaconOf(unsigned char device, uint64_t timeMs = kNow, uint64_t counter = 1) {
  Beacon b;
  b.device = deviceFromByte(device);
  b.port = 7400;
  b.timeMs = timeMs;
  b.bootId.bytes.fill(0xb0);
  b.counter = counter;
  return b;
}

const Ipv4Address kFrom = Ipv4Address::of(10, 0, 0, 7);

BeaconIgnored ignoredReason(const BeaconOutcome& o) {
  REQUIRE_FALSE(o.peer);
  return o.ignored;
}

TEST_CASE("BeaconKey: BLAKE2b keyed with the secret over the context and network id",
          "[net][beacon]") {
  // hashlib.blake2b(b"renda/beacon/v1" + bytes([0x22]*32), key=bytes([0x11]*32),
  //                 digest_size=32).hexdigest()
  BeaconKey k = countyKey();
  CHECK(toHex(k.data(), 32) == "96c9c98fb18f6643fd366ac0e455d7782706021fb4a772eeb61073af6f11e9be");
  CHECK(k.network() == test::networkFromByte(0x22));
  BeaconKey otherNet = BeaconKey::derive(test::networkFromByte(0x23), secretFromByte(0x11));
  CHECK(toHex(otherNet.data(), 32) != toHex(k.data(), 32));
  CHECK(toHex(k.data(), 32) != toHex(secretFromByte(0x11)));
}

TEST_CASE("Beacon: seal then open gives the same beacon, in a fixed small size", "[net][beacon]") {
  BeaconKey key = countyKey();
  Beacon b = beaconOf(1);
  std::string sealed = sealBeacon(key, b);
  CHECK(sealed.size() == kBeaconBytes);
  CHECK(kBeaconBytes < 512);
  auto opened = openBeacon(key, sealed);
  REQUIRE(opened.isOk());
  CHECK(*opened == b);
  // A fresh nonce each time, and nothing of the plaintext in the clear.
  std::string again = sealBeacon(key, b);
  CHECK(again != sealed);
  std::string device(reinterpret_cast<const char*>(b.device.data()), b.device.size());
  CHECK(sealed.find(device.substr(0, 8)) == std::string::npos);
}

TEST_CASE("Beacon: strict decode refuses every wrong length, header and damaged byte",
          "[net][beacon]") {
  BeaconKey key = countyKey();
  std::string sealed = sealBeacon(key, beaconOf(1));
  for (size_t n = 0; n < sealed.size(); ++n) {
    auto r = openBeacon(key, sealed.substr(0, n));
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == Code::kInvalidInput);
  }
  CHECK(openBeacon(key, sealed + "x").status().code() == Code::kInvalidInput);
  CHECK(openBeacon(key, std::string(kBeaconBytes, '\0')).status().code() == Code::kInvalidInput);
  std::string v2 = sealed;
  v2[4] = 2;
  CHECK(openBeacon(key, v2).status().code() == Code::kInvalidInput);
  for (size_t bit = 0; bit < sealed.size() * 8; ++bit) {
    auto r = openBeacon(key, test::flipBit(sealed, bit));
    INFO("bit " << bit);
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == (bit < 5 * 8 ? Code::kInvalidInput : Code::kRefused));
  }
}

TEST_CASE("BeaconListener: a county member's beacon is a discovered peer", "[net][beacon]") {
  BeaconSender sender(countyKey(), deviceFromByte(1), 7400);
  BeaconListener listener(countyKey(), deviceFromByte(2));
  auto first = listener.receive(sender.next(kNow), kFrom, kNow);
  REQUIRE(first.peer);
  CHECK(first.peer->device == deviceFromByte(1));
  CHECK(first.peer->address == kFrom);
  CHECK(first.peer->address.toString() == "10.0.0.7");
  CHECK(first.peer->port == 7400);
  CHECK(first.peer->fresh);

  auto second = listener.receive(sender.next(kNow + 5000), kFrom, kNow + 5000);
  REQUIRE(second.peer);
  CHECK_FALSE(second.peer->fresh);
  auto moved = listener.receive(sender.next(kNow + 10000), Ipv4Address::of(10, 0, 0, 8),
                                kNow + 10000);
  REQUIRE(moved.peer);
  CHECK(moved.peer->fresh);
  CHECK(listener.remembered() == 1);
}

TEST_CASE("BeaconListener: strangers' and damaged beacons are ignored with their reason",
          "[net][beacon]") {
  BeaconListener listener(countyKey(), deviceFromByte(2));
  Beacon b = beaconOf(1);
  std::string good = sealBeacon(countyKey(), b);

  SECTION("a wrong network secret") {
    BeaconKey wrong = BeaconKey::derive(test::networkFromByte(0x22), secretFromByte(0x12));
    CHECK(ignoredReason(listener.receive(sealBeacon(wrong, b), kFrom, kNow)) ==
          BeaconIgnored::kUnauthenticated);
  }
  SECTION("another county (another network id), even with the same secret") {
    BeaconKey other = BeaconKey::derive(test::networkFromByte(0x33), secretFromByte(0x11));
    CHECK(ignoredReason(listener.receive(sealBeacon(other, b), kFrom, kNow)) ==
          BeaconIgnored::kUnauthenticated);
  }
  SECTION("a flipped bit") {
    CHECK(ignoredReason(listener.receive(test::flipBit(good, 60 * 8 + 3), kFrom, kNow)) ==
          BeaconIgnored::kUnauthenticated);
    CHECK(ignoredReason(listener.receive(test::flipBit(good, 1), kFrom, kNow)) ==
          BeaconIgnored::kMalformed);
  }
  SECTION("a truncated or padded packet, or random bytes") {
    CHECK(ignoredReason(listener.receive(good.substr(0, kBeaconBytes - 1), kFrom, kNow)) ==
          BeaconIgnored::kMalformed);
    CHECK(ignoredReason(listener.receive(good + '\0', kFrom, kNow)) == BeaconIgnored::kMalformed);
    CHECK(ignoredReason(listener.receive("hello", kFrom, kNow)) == BeaconIgnored::kMalformed);
  }
  SECTION("our own beacon, looped back") {
    BeaconListener self(countyKey(), deviceFromByte(1));
    CHECK(ignoredReason(self.receive(good, kFrom, kNow)) == BeaconIgnored::kOwn);
  }
  CHECK(listener.remembered() == 0);
  // None of that stops the real one.
  CHECK(listener.receive(good, kFrom, kNow).peer);
}

TEST_CASE("BeaconListener: replays and duplicates are ignored, a restart is not",
          "[net][beacon]") {
  BeaconListener listener(countyKey(), deviceFromByte(2));
  BeaconKey key = countyKey();
  std::string one = sealBeacon(key, beaconOf(1, kNow, 1));
  std::string two = sealBeacon(key, beaconOf(1, kNow + 5000, 2));
  REQUIRE(listener.receive(one, kFrom, kNow).peer);

  // The same packet again (a replay, or the copy sent to a second address).
  CHECK(ignoredReason(listener.receive(one, kFrom, kNow + 1)) == BeaconIgnored::kReplay);
  // Resealed: a new nonce does not make an old counter new.
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, kNow, 1)), kFrom, kNow + 1)) ==
        BeaconIgnored::kReplay);
  REQUIRE(listener.receive(two, kFrom, kNow + 5000).peer);
  CHECK(ignoredReason(listener.receive(one, Ipv4Address::of(10, 0, 0, 66), kNow + 5001)) ==
        BeaconIgnored::kReplay);

  // A restart: a new boot id, counting from 1 again, with a later timestamp.
  Beacon restarted = beaconOf(1, kNow + 6000, 1);
  restarted.bootId.bytes.fill(0xb1);
  auto r = listener.receive(sealBeacon(key, restarted), kFrom, kNow + 6000);
  REQUIRE(r.peer);
  CHECK(r.peer->fresh);
  // The old boot's beacons are older than the newest accepted: replays.
  CHECK(ignoredReason(listener.receive(two, kFrom, kNow + 6001)) == BeaconIgnored::kReplay);
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, kNow + 5500, 9)), kFrom,
                                       kNow + 6001)) == BeaconIgnored::kReplay);
}

TEST_CASE("BeaconListener: timestamps outside the window either way are ignored",
          "[net][beacon]") {
  BeaconListener listener(countyKey(), deviceFromByte(2));
  BeaconKey key = countyKey();
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, kNow - kBeaconWindowMs - 1)),
                                       kFrom, kNow)) == BeaconIgnored::kStale);
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, kNow + kBeaconWindowMs + 1)),
                                       kFrom, kNow)) == BeaconIgnored::kFuture);
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, 0)), kFrom, kNow)) ==
        BeaconIgnored::kStale);
  CHECK(ignoredReason(listener.receive(sealBeacon(key, beaconOf(1, UINT64_MAX)), kFrom, kNow)) ==
        BeaconIgnored::kFuture);
  // The edges of the window are inside it.
  CHECK(listener.receive(sealBeacon(key, beaconOf(3, kNow - kBeaconWindowMs)), kFrom, kNow).peer);
  CHECK(listener.receive(sealBeacon(key, beaconOf(4, kNow + kBeaconWindowMs)), kFrom, kNow).peer);
  for (auto why : {BeaconIgnored::kMalformed, BeaconIgnored::kUnauthenticated, BeaconIgnored::kOwn,
                   BeaconIgnored::kStale, BeaconIgnored::kFuture, BeaconIgnored::kReplay})
    CHECK(std::string(describe(why)).size() > 5);
}

TEST_CASE("BeaconListener: remembers at most maxSenders, forgetting expired ones first",
          "[net][beacon]") {
  BeaconKey key = countyKey();
  BeaconListener listener(key, deviceFromByte(200), 4, kBeaconWindowMs);
  for (unsigned char d = 1; d <= 4; ++d)
    REQUIRE(listener.receive(sealBeacon(key, beaconOf(d, kNow + d)), kFrom, kNow + d).peer);
  CHECK(listener.remembered() == 4);
  // Full: the sender heard from longest ago (1) makes room.
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(5, kNow + 5)), kFrom, kNow + 5).peer);
  CHECK(listener.remembered() == 4);
  CHECK(listener.receive(sealBeacon(key, beaconOf(1, kNow + 1)), kFrom, kNow + 6).peer);
  CHECK(listener.remembered() == 4);
  for (unsigned char d = 10; d < 110; ++d)
    listener.receive(sealBeacon(key, beaconOf(d, kNow + d)), kFrom, kNow + d);
  CHECK(listener.remembered() == 4);
  // Later than the window: every remembered sender has expired and goes at once.
  uint64_t later = kNow + 2 * kBeaconWindowMs;
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(150, later)), kFrom, later).peer);
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(151, later)), kFrom, later).peer);
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(152, later)), kFrom, later).peer);
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(153, later)), kFrom, later).peer);
  REQUIRE(listener.receive(sealBeacon(key, beaconOf(154, later)), kFrom, later).peer);
  CHECK(listener.remembered() == 4);
}

// Waits up to 2 s for `s` to become readable, then drains it.
std::vector<std::pair<std::string, Ipv4Address>> receiveSome(BeaconSocket& s) {
  std::vector<std::pair<std::string, Ipv4Address>> got;
  pollfd p{s.fd(), POLLIN, 0};
  if (::poll(&p, 1, 2000) <= 0) return got;
  ::poll(nullptr, 0, 50);  // let the other copies of a broadcast land too
  auto n = s.drain([&](std::string_view packet, const Ipv4Address& from) {
    got.emplace_back(std::string(packet), from);
  });
  REQUIRE(n.isOk());
  CHECK(*n == got.size());
  return got;
}

TEST_CASE("BeaconSocket: two nodes sharing a port on loopback find each other",
          "[net][beacon]") {
  auto a = BeaconSocket::open(0);
  REQUIRE(a.isOk());
  auto b = BeaconSocket::open(a->port());
  REQUIRE(b.isOk());
  REQUIRE(a->port() != 0);
  CHECK(b->port() == a->port());
  uint16_t port = a->port();

  BeaconSender senderA(countyKey(), deviceFromByte(1), 7401);
  BeaconSender senderB(countyKey(), deviceFromByte(2), 7402);
  BeaconListener listenA(countyKey(), deviceFromByte(1));
  BeaconListener listenB(countyKey(), deviceFromByte(2));

  SECTION("broadcast to 127.255.255.255 reaches every socket on the port") {
    REQUIRE(a->sendTo(senderA.next(kNow), Ipv4Address::of(127, 255, 255, 255), port).isOk());
    auto atB = receiveSome(*b);
    REQUIRE(atB.size() == 1);
    CHECK(atB[0].second == Ipv4Address::of(127, 0, 0, 1));
    auto found = listenB.receive(atB[0].first, atB[0].second, kNow);
    REQUIRE(found.peer);
    CHECK(found.peer->device == deviceFromByte(1));
    CHECK(found.peer->port == 7401);
    // The sender hears itself, and ignores it.
    auto atA = receiveSome(*a);
    REQUIRE(atA.size() == 1);
    CHECK(ignoredReason(listenA.receive(atA[0].first, atA[0].second, kNow)) ==
          BeaconIgnored::kOwn);
  }
  SECTION("broadcast() with loopback on: each side discovers the other") {
    auto sent = b->broadcast(senderB.next(kNow), port, true);
    REQUIRE(sent.isOk());
    CHECK(*sent >= 1);
    auto atA = receiveSome(*a);
    REQUIRE(!atA.empty());
    size_t discovered = 0;
    for (const auto& [packet, from] : atA) {
      auto o = listenA.receive(packet, from, kNow);
      if (o.peer) {
        ++discovered;
        CHECK(o.peer->device == deviceFromByte(2));
        CHECK(o.peer->port == 7402);
      } else {
        CHECK(o.ignored == BeaconIgnored::kReplay);  // the same beacon by another route
      }
    }
    CHECK(discovered == 1);
    (void)receiveSome(*b);  // its own copies
    REQUIRE(a->broadcast(senderA.next(kNow), port, true).isOk());
    bool foundA = false;
    for (const auto& [packet, from] : receiveSome(*b))
      foundA = foundA || listenB.receive(packet, from, kNow).peer.has_value();
    CHECK(foundA);
  }
  SECTION("unicast to 127.0.0.1 reaches only one socket on a shared port") {
    // Why the loopback option broadcasts (net/beacon.h).
    REQUIRE(a->sendTo(senderA.next(kNow), Ipv4Address::of(127, 0, 0, 1), port).isOk());
    ::poll(nullptr, 0, 200);
    size_t total = 0;
    for (BeaconSocket* s : {&*a, &*b}) {
      auto n = s->drain([](std::string_view, const Ipv4Address&) {});
      REQUIRE(n.isOk());
      total += *n;
    }
    CHECK(total == 1);
  }
}

TEST_CASE("BeaconSocket: the broadcast list ends with the loopback address when asked",
          "[net][beacon]") {
  auto with = BeaconSocket::broadcastAddresses(true);
  auto without = BeaconSocket::broadcastAddresses(false);
  REQUIRE(!without.empty());
  CHECK(with.size() == without.size() + 1);
  CHECK(with.back() == Ipv4Address::of(127, 255, 255, 255));
  for (const auto& a : without) CHECK(a.octets[0] != 127);
}

}  // namespace
}  // namespace renda::net
