// SPDX-License-Identifier: Apache-2.0
// LAN discovery: a small UDP beacon each node broadcasts on its local
// segments, saying "device key K syncs on TCP port P". It is sealed with a key
// derived from the county network secret, so a stranger on the LAN can neither
// read which nodes are there nor forge one; a receiver drops replays and
// beacons whose timestamp is far from its own clock. A beacon is only a hint
// of where to connect: the Noise session that follows authenticates the peer.
//
// Wire format (kBeaconBytes = 111 bytes, one UDP datagram):
//   "RBCN" | u8 version (1) | nonce[24] | ciphertext[66] | tag[16]
// sealed with XChaCha20-Poly1305 (IETF), key = beaconKey, associated data =
//   "RBCN" | u8 version | network id[32]
// so a beacon of another county's network does not open. The plaintext:
//   device public key[32] | u16 BE TCP port (≠ 0) | u64 BE wall-clock ms |
//   boot id[16] (random per process) | u64 BE counter (per boot, from 1)
// The key: BLAKE2b-256 keyed with the network secret over
//   "renda/beacon/v1" | network id
// separate from the Noise PSK use of the same secret.
//
// Loopback: nodes on one machine share the discovery port (SO_REUSEADDR and
// SO_REUSEPORT). Unicast to 127.0.0.1 then reaches only one of the sockets
// bound to it, and lo has no IFF_BROADCAST address, but Linux keeps a route
// "broadcast 127.255.255.255 dev lo" in its local table: a datagram sent there
// (SO_BROADCAST) reaches every socket bound to the port on 0.0.0.0, also in a
// network namespace with only lo up. So the loopback option sends to
// 127.255.255.255. (IP multicast on 239.x with IP_MULTICAST_LOOP works as
// well, but needs group joins per interface for nothing more.) A sender
// receives its own beacons; the listener ignores them by device key.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace renda::net {

inline constexpr size_t kBeaconBytes = 111;
inline constexpr uint8_t kBeaconVersion = 1;
// The UDP port nodes listen on for beacons unless configured otherwise.
inline constexpr uint16_t kDefaultBeaconPort = 7421;
// How often a node is meant to broadcast.
inline constexpr uint64_t kBeaconIntervalMs = 5000;
// A beacon whose timestamp is further than this from the receiver's clock,
// either way, is ignored.
inline constexpr uint64_t kBeaconWindowMs = 2 * 60 * 1000;
// How many senders a listener remembers for replay detection.
inline constexpr size_t kMaxBeaconSenders = 256;

struct BeaconBootIdTag {};
using BeaconBootId = FixedBytes<16, BeaconBootIdTag>;

// The key beacons of one county network are sealed with. Wiped on destruction.
class BeaconKey {
 public:
  // Derives the key from the network's secret and id (see the file comment).
  static BeaconKey derive(const NetworkId& network, const NetworkSecret& secret);
  BeaconKey(const BeaconKey& other) = default;
  BeaconKey& operator=(const BeaconKey& other) = default;
  ~BeaconKey();

  const NetworkId& network() const { return network_; }
  const unsigned char* data() const { return key_.data(); }

 private:
  BeaconKey() = default;
  NetworkId network_;
  std::array<unsigned char, 32> key_{};
};

// What a beacon says.
struct Beacon {
  PublicKey device;    // the sender's device (signing) key
  uint16_t port = 0;   // its TCP sync port
  uint64_t timeMs = 0;  // its wall clock when sent, ms since the Unix epoch
  BeaconBootId bootId;  // random per process
  uint64_t counter = 0;  // per boot, increasing
  bool operator==(const Beacon&) const = default;
};

// Seals `b` into kBeaconBytes bytes with a fresh random nonce.
// REQUIRES: b.port != 0; sodium_init() was called.
std::string sealBeacon(const BeaconKey& key, const Beacon& b);

// Opens a sealed beacon. InvalidInput for anything but exactly kBeaconBytes
// bytes with our magic and version ("not a beacon"), and for an authentic one
// naming port 0; Refused for bytes that do not authenticate under `key`
// (another network, a wrong secret, a forgery or damage).
Result<Beacon> openBeacon(const BeaconKey& key, std::string_view packet);

// Makes this node's beacons: one boot id for its lifetime, a counter that
// increases with every beacon.
class BeaconSender {
 public:
  BeaconSender(BeaconKey key, const PublicKey& device, uint16_t port);
  // The next beacon, stamped nowMs (wall clock).
  std::string next(uint64_t nowMs);
  const BeaconBootId& bootId() const { return bootId_; }

 private:
  BeaconKey key_;
  PublicKey device_;
  uint16_t port_;
  BeaconBootId bootId_;
  uint64_t counter_ = 0;
};

// An IPv4 address, octets in network order.
struct Ipv4Address {
  std::array<unsigned char, 4> octets{};
  static Ipv4Address of(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
    return Ipv4Address{{a, b, c, d}};
  }
  std::string toString() const;  // dotted quad
  bool operator==(const Ipv4Address&) const = default;
};

// A node found by its beacon: connect to address:port.
struct DiscoveredPeer {
  PublicKey device;
  Ipv4Address address;  // where the beacon came from
  uint16_t port = 0;
  // First beacon from this key that the listener remembers, or its address,
  // port or boot id changed since the last one accepted.
  bool fresh = false;
};

enum class BeaconIgnored : uint8_t {
  kMalformed,         // wrong size, magic or version: not a beacon of ours
  kUnauthenticated,   // does not open: another county, a wrong secret, forged or damaged
  kOwn,               // our own beacon, looped back
  kStale,             // timestamp more than the window behind our clock
  kFuture,            // timestamp more than the window ahead of our clock
  kReplay,            // (key, boot id, counter) not newer than the last one accepted
};
// A short phrase for a log line, e.g. "replayed or duplicate".
const char* describe(BeaconIgnored why);

struct BeaconOutcome {
  std::optional<DiscoveredPeer> peer;  // set when accepted
  BeaconIgnored ignored = BeaconIgnored::kMalformed;  // meaningful when !peer
};

// Decides which received beacons to act on. Remembers, per device key, the
// newest (boot id, counter) accepted, and forgets a sender whose last beacon
// left the window (a replay of it would be stale by then) or, when
// maxSenders are remembered, the one heard from longest ago.
// Replay rule: the same boot needs a higher counter; a new boot id needs a
// timestamp later than the last one accepted from that key.
// WARNING: a beacon captured and replayed within the window to a receiver
// that never saw it is accepted; it only points at an address, where the
// Noise handshake refuses anyone without the network secret.
// THREAD SAFETY: none; one event loop calls it.
class BeaconListener {
 public:
  BeaconListener(BeaconKey key, const PublicKey& self, size_t maxSenders = kMaxBeaconSenders,
                 uint64_t windowMs = kBeaconWindowMs);
  // Judges one datagram from `from`, received at nowMs (wall clock).
  BeaconOutcome receive(std::string_view packet, const Ipv4Address& from, uint64_t nowMs);
  size_t remembered() const { return senders_.size(); }

 private:
  struct Sender {
    BeaconBootId bootId;
    uint64_t counter = 0;
    uint64_t timeMs = 0;      // the sender's stamp on the last accepted beacon
    uint64_t lastSeenMs = 0;  // our clock then
    Ipv4Address address;
    uint16_t port = 0;
  };
  void makeRoom(uint64_t nowMs);

  BeaconKey key_;
  PublicKey self_;
  size_t maxSenders_;
  uint64_t windowMs_;
  std::unordered_map<PublicKey, Sender> senders_;
};

// A UDP socket for beacons: bound to 0.0.0.0:port with SO_REUSEADDR,
// SO_REUSEPORT (several nodes on one host share the port) and SO_BROADCAST,
// non-blocking. Owns the descriptor; move-only.
class BeaconSocket {
 public:
  // Opens and binds; port 0 picks a free port (see port()). IOError on failure.
  static Result<BeaconSocket> open(uint16_t port);
  BeaconSocket(BeaconSocket&& other) noexcept;
  BeaconSocket& operator=(BeaconSocket&& other) noexcept;
  BeaconSocket(const BeaconSocket&) = delete;
  BeaconSocket& operator=(const BeaconSocket&) = delete;
  ~BeaconSocket();

  // The descriptor, for an event loop to watch for readability. Stays owned
  // by this object.
  int fd() const { return fd_; }
  // The bound port.
  uint16_t port() const { return port_; }

  // The broadcast address of every up IPv4 interface that has one, then
  // 255.255.255.255 if there was none, then 127.255.255.255 if loopback.
  static std::vector<Ipv4Address> broadcastAddresses(bool loopback);
  // Sends `packet` to each of broadcastAddresses(loopback) on `port`. Returns
  // how many sends succeeded; IOError (with the last errno) when none did.
  Result<size_t> broadcast(std::string_view packet, uint16_t port, bool loopback);
  // Sends one datagram to to:port.
  Status sendTo(std::string_view packet, const Ipv4Address& to, uint16_t port);
  // Reads every datagram waiting (at most maxDatagrams, so one busy socket
  // cannot starve the loop) and hands each to onDatagram with its sender;
  // views live for the call only. A datagram over 512 bytes arrives cut to
  // 512 bytes (which openBeacon refuses). Returns how many were read; IOError
  // on a socket error other than "nothing waiting".
  Result<size_t> drain(
      const std::function<void(std::string_view packet, const Ipv4Address& from)>& onDatagram,
      size_t maxDatagrams = 64);

 private:
  BeaconSocket(int fd, uint16_t port) : fd_(fd), port_(port) {}
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace renda::net
