// SPDX-License-Identifier: Apache-2.0
#include "app/serve/session.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <cstring>

#include "app/i18n/strings.h"
#include "core/limits.h"

namespace renda::app {

SessionKeys::~SessionKeys() { sodium_memzero(secret.data(), secret.size()); }

net::LocalIdentity SessionKeys::identity() const {
  net::LocalIdentity id;
  id.network = network.network;
  id.secret = &secret;
  id.transportKey = &transport;
  id.payload = payload;
  return id;
}

Result<std::unique_ptr<SessionKeys>> loadSessionKeys(Node& node) {
  auto net = node.store().network();
  if (!net)
    return Status::refused(i18n::tr("serve.not-joined"));
  auto self = node.store().deviceKey();
  if (!self) return self.status();
  auto keys = std::make_unique<SessionKeys>();
  keys->network = *net;
  keys->self = *self;
  auto secret = readNetworkKeyFile(node.networkKeyPath(), net->network);
  if (!secret && secret.status().code() == Code::kNotFound)
    return Status::refused(i18n::tr("serve.no-network-key"));
  if (!secret) return secret.status();
  keys->secret = *secret;
  sodium_memzero(secret->data(), secret->size());
  auto m = node.self();
  if (!m) return m.status();
  // A node whose transport key is not announced yet (a store from before
  // sync, or a hand-over cut short) announces it first; that is a write.
  auto announced = readBoxPublicKey(node.transportPath());
  if (!announced || m->transportKey != *announced) {
    RENDA_TRY(node.prepareToWrite());
    RENDA_TRY(node.announceEncryptionKey());
    auto self2 = node.store().deviceKey();  // a hand-over may have changed it
    if (!self2) return self2.status();
    keys->self = *self2;
    announced = readBoxPublicKey(node.transportPath());
    if (!announced) return announced.status();
  }
  auto transport = readBoxKeyFile(node.transportPath());
  if (!transport) return transport.status();
  keys->transport = std::move(*transport);
  auto announcement = node.store().transportAnnouncement(keys->self, *announced);
  if (!announcement) return announcement.status();
  keys->payload.announcement = std::move(*announcement);
  auto admission = node.store().admissionOf(keys->self);
  if (!admission) return admission.status();
  keys->payload.admission = std::move(*admission);
  return keys;
}

namespace {

std::optional<Membership> memberOf(storage::Store& store, const PublicKey& key) {
  auto m = store.membership(key);
  return m ? *m : std::optional<Membership>();
}

}  // namespace

net::PeerCheck peerCheck(storage::Store& store, const SessionKeys& keys) {
  return [&store, &keys](const BoxPublicKey& remote,
                         const net::HandshakePayload& payload) -> Result<PublicKey> {
    auto node = admitPeer(keys.network.network, keys.network.root, remote, payload.announcement,
                          payload.admission,
                          [&store](const PublicKey& k) { return memberOf(store, k); });
    if (!node) return node;
    if (*node == keys.self)
      return Status::refused(i18n::tr("serve.self"));
    auto m = memberOf(store, *node);
    uint64_t now = Node::nowMs();
    if (m && m->admitted && !m->coversMs(now))
      return Status::refused(i18n::trf("serve.peer-enrollment", {shortKey(*node), formatTime(now)}));
    return node;
  };
}

Status peerStillAllowed(storage::Store& store, const PublicKey& peer) {
  auto m = store.membership(peer);
  if (!m) return m.status();
  if (*m && (*m)->revokedAfterSeq)
    return Status::refused(i18n::trf("serve.peer-revoked", {shortKey(peer)}));
  return Status::ok();
}

net::SyncReport runSession(Node& node, const SessionKeys& keys, int fd,
                           const SessionOptions& options) {
  storage::Store& store = node.store();
  net::LocalIdentity identity = keys.identity();
  uint64_t timeout = options.handshakeTimeoutMs ? options.handshakeTimeoutMs
                                                : limits::kHandshakeTimeoutMs;
  net::PeerCheck check = peerCheck(store, keys);
  if (options.admit)
    check = [check, &options](const BoxPublicKey& remote, const net::HandshakePayload& payload) {
      return options.admit(check(remote, payload));
    };
  auto ch = net::Channel::open(fd, options.initiator, identity, check, timeout);
  if (!ch) {
    net::SyncReport r;
    r.status = ch.status();
    return r;
  }
  net::Channel& channel = **ch;
  if (options.onChannel) options.onChannel(&channel);
  net::SyncOptions so;
  so.nowMs = Node::nowMs();
  so.stillAllowed = [&store, &channel] { return peerStillAllowed(store, channel.peer()); };
  so.progress = options.progress;
  so.listenPort = options.listenPort;
  net::SyncReport r = net::runSync(channel, store, store, keys.self, so);
  if (options.onChannel) options.onChannel(nullptr);
  return r;
}

Status notePeer(storage::Store& store, const std::string& address, const net::SyncReport& r,
                uint64_t nowMs) {
  auto old = store.peerState(address);
  if (!old) return old.status();
  storage::PeerState p = old->value_or(storage::PeerState{});
  p.address = address;
  p.lastAttemptMs = nowMs;
  if (r.peer != PublicKey{}) p.node = r.peer;
  p.sentTotal += r.sentChanges;
  p.receivedTotal += r.receivedChanges;
  if (r.status) {
    p.lastContactMs = nowMs;
    p.lastError.clear();
    // Both now hold what either held when the session began.
    auto vv = store.versionVector();
    if (!vv) return vv.status();
    p.summary = std::move(*vv);
  } else {
    p.lastError = r.status.message();
    if (!r.peerSummary.empty()) p.summary = r.peerSummary;
  }
  return store.putPeerState(p);
}

Result<std::pair<std::string, uint16_t>> splitHostPort(const std::string& hostPort, bool anyPort) {
  std::string host, port;
  if (!hostPort.empty() && hostPort[0] == '[') {
    size_t close = hostPort.find(']');
    if (close == std::string::npos || close + 1 >= hostPort.size() || hostPort[close + 1] != ':')
      return Status::usage(i18n::trf("serve.not-an-address", {hostPort}));
    host = hostPort.substr(1, close - 1);
    port = hostPort.substr(close + 2);
  } else {
    size_t colon = hostPort.rfind(':');
    if (colon == std::string::npos || colon == 0 || hostPort.find(':') != colon)
      return Status::usage(i18n::trf("serve.not-an-address", {hostPort}));
    host = hostPort.substr(0, colon);
    port = hostPort.substr(colon + 1);
  }
  unsigned long n = 0;
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && c >= '0' && c <= '9';
  if (digits) n = std::stoul(port);
  if (!digits || (n == 0 && !anyPort) || n > 65535)
    return Status::usage(i18n::trf("serve.not-a-port", {port}));
  return std::pair{host, static_cast<uint16_t>(n)};
}

Result<int> connectTo(const std::string& hostPort, uint64_t timeoutMs) {
  auto hp = splitHostPort(hostPort);
  if (!hp) return hp.status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string portText = std::to_string(hp->second);
  int rc = ::getaddrinfo(hp->first.c_str(), portText.c_str(), &hints, &found);
  if (rc != 0)
    return Status::error(Code::kDisconnected, "cannot find the computer \"" + hp->first +
                                                  "\": " + ::gai_strerror(rc));
  std::string lastError = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      lastError = std::strerror(errno);
      continue;
    }
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int ready = ::poll(&p, 1, static_cast<int>(timeoutMs));
      int err = 0;
      socklen_t len = sizeof err;
      if (ready == 1 && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) r = 0;
      else errno = ready == 0 ? ETIMEDOUT : (err ? err : errno);
    }
    if (r == 0) {
      int flags = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof flags);
      // The channel works on a blocking socket.
      int fl = ::fcntl(fd, F_GETFL);
      ::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
      ::freeaddrinfo(found);
      return fd;
    }
    lastError = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Status::error(Code::kDisconnected, "cannot reach " + hostPort + " (" + lastError +
                                                "): is renda serve running there, and the "
                                                "address and port right?");
}

std::string describeSession(const net::SyncReport& r) {
  std::string who = r.peer == PublicKey{} ? std::string("the other node")
                                          : "node " + shortKey(r.peer);
  std::string s;
  if (r.status) {
    if (r.summariesEqual) return "with " + who + ": both already held the same changes";
    s = "with " + who + ": sent " + std::to_string(r.sentChanges) + ", received " +
        std::to_string(r.receivedChanges) + " changes";
  } else {
    s = "with " + who + ": " + r.status.message() + " (sent " + std::to_string(r.sentChanges) +
        ", received " + std::to_string(r.receivedChanges) + " changes before that)";
  }
  const IngestReport& in = r.received;
  if (in.notApplied) s += "; " + std::to_string(in.notApplied) + " kept but not applied";
  if (in.forks) s += "; " + std::to_string(in.forks) + " fork(s) found";
  return s;
}

std::string socketAddressName(const sockaddr_storage& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (a.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (a.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<const sockaddr_in6*>(&a);
    ::inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
    return "[" + std::string(host) + "]:" + std::to_string(port);
  }
  return "?";
}

Result<int> listenOn(const std::string& address) {
  auto hp = splitHostPort(address, true);
  if (!hp) return hp.status();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(hp->second);
  int rc = ::getaddrinfo(hp->first.c_str(), port.c_str(), &hints, &found);
  if (rc != 0)
    return Status::usage(i18n::trf("serve.cannot-listen", {address, ::gai_strerror(rc)}));
  std::string err = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 64) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    err = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Status::usage(i18n::trf("serve.port-busy", {address, err}));
}

}  // namespace renda::app
