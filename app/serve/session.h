// SPDX-License-Identifier: Apache-2.0
// A node's side of sync sessions (net/sync.h), shared by `renda sync` and
// `renda serve`: who this node is to its peers (its transport key, the signed
// announcement of it, the certificates that admit it), whom it admits
// (core/trust.h admitPeer, against this store's members, at this time), and
// one session over a connected socket.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/node/node.h"
#include "net/channel.h"
#include "net/sync.h"

namespace renda::app {

// What a node shows and checks in every session; loaded once (it reads key
// files, which may ask for the passphrase) and kept while the node serves.
struct SessionKeys {
  storage::NetworkInfo network;
  PublicKey self;
  NetworkSecret secret;
  BoxSecretKey transport;
  net::HandshakePayload payload;
  ~SessionKeys();

  net::LocalIdentity identity() const;
};

// Loads them. Refused, in words for the clerk, when this node cannot sync:
// it has not joined, holds no network key (enrolled before enrollment files
// carried it: `renda join --network-key FILE`), or its transport key is not
// announced and it may not write (revoked, frozen, expired). Announces the
// transport key first when the node has not yet (a store from before it).
Result<std::unique_ptr<SessionKeys>> loadSessionKeys(Node& node);

// Whether the authenticated peer may sync with this node now: admitPeer
// against this store's members, and an enrollment that covers nowMs.
net::PeerCheck peerCheck(storage::Store& store, const SessionKeys& keys);
// After every commit: refused once the county has revoked `peer` (a
// revocation that arrived, in this session or another, ends the session).
Status peerStillAllowed(storage::Store& store, const PublicKey& peer);

struct SessionOptions {
  bool initiator = true;
  uint16_t listenPort = 0;  // told to the peer (renda serve's port)
  uint64_t handshakeTimeoutMs = 0;  // 0: limits::kHandshakeTimeoutMs
  std::function<void(const net::SyncProgress&)> progress;
  // Wraps the peer check (the server counts sessions per key there).
  std::function<Result<PublicKey>(Result<PublicKey>)> admit;
  // Called with the open channel before the session starts and with nullptr
  // when it ends (the server keeps it, to end it from outside).
  std::function<void(net::Channel*)> onChannel;
};

// Runs one session over the connected socket `fd` (which it owns and closes).
net::SyncReport runSession(Node& node, const SessionKeys& keys, int fd,
                           const SessionOptions& options);

// Connects to "HOST:PORT" (a name or an IPv4/IPv6 address; "[v6]:PORT" too)
// within timeoutMs. Usage for a malformed address; Disconnected, with words
// for the clerk, when the other node cannot be reached.
Result<int> connectTo(const std::string& hostPort, uint64_t timeoutMs);
// Splits "HOST:PORT"; Usage when it is not one. Port 0 (the system picks
// one) only where `anyPort`: an address to listen on.
Result<std::pair<std::string, uint16_t>> splitHostPort(const std::string& hostPort,
                                                       bool anyPort = false);

// Notes a session with the neighbour at `address` in the store's neighbour
// states (storage::PeerState), for `renda status` and the scheduler.
Status notePeer(storage::Store& store, const std::string& address, const net::SyncReport& r,
                uint64_t nowMs);

// One line for people: what a session moved, or why it ended.
std::string describeSession(const net::SyncReport& r);

// A listening TCP socket (non-blocking, close-on-exec) on "HOST:PORT" (port
// 0: the system picks one). Usage, with words for the clerk, when it cannot.
Result<int> listenOn(const std::string& address);
// "1.2.3.4:5" or "[::1]:5" for an IPv4 or IPv6 socket address; "?" otherwise.
std::string socketAddressName(const sockaddr_storage& a);

}  // namespace renda::app
