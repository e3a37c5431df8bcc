// SPDX-License-Identifier: Apache-2.0
#include "net/beacon.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace renda::net {

namespace {

constexpr char kMagic[4] = {'R', 'B', 'C', 'N'};
constexpr size_t kHeaderBytes = sizeof kMagic + 1;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kPlainBytes = PublicKey::kSize + 2 + 8 + BeaconBootId::kSize + 8;
static_assert(kHeaderBytes + kNonceBytes + kPlainBytes + kTagBytes == kBeaconBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);
constexpr std::string_view kKdfContext = "renda/beacon/v1";
constexpr size_t kMaxDatagramBytes = 512;

void putBE(unsigned char* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(v >> (8 * (n - 1 - i)));
}
uint64_t getBE(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// The associated data: header | network id.
std::array<unsigned char, kHeaderBytes + NetworkId::kSize> associatedData(const NetworkId& net) {
  std::array<unsigned char, kHeaderBytes + NetworkId::kSize> ad{};
  std::memcpy(ad.data(), kMagic, sizeof kMagic);
  ad[sizeof kMagic] = kBeaconVersion;
  std::memcpy(ad.data() + kHeaderBytes, net.data(), NetworkId::kSize);
  return ad;
}

Status ioErrno(const std::string& what) {
  return Status::ioError(what + ": " + std::strerror(errno));
}

sockaddr_in sockaddrOf(const Ipv4Address& a, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  std::memcpy(&sa.sin_addr.s_addr, a.octets.data(), 4);
  return sa;
}

}  // namespace

BeaconKey BeaconKey::derive(const NetworkId& network, const NetworkSecret& secret) {
  BeaconKey k;
  k.network_ = network;
  crypto_generichash_state st;
  crypto_generichash_init(&st, secret.data(), secret.size(), k.key_.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kKdfContext.data()),
                            kKdfContext.size());
  crypto_generichash_update(&st, network.data(), network.size());
  crypto_generichash_final(&st, k.key_.data(), k.key_.size());
  sodium_memzero(&st, sizeof st);
  return k;
}

BeaconKey::~BeaconKey() { sodium_memzero(key_.data(), key_.size()); }

std::string sealBeacon(const BeaconKey& key, const Beacon& b) {
  RENDA_REQUIRE(b.port != 0);
  unsigned char plain[kPlainBytes];
  unsigned char* p = plain;
  std::memcpy(p, b.device.data(), PublicKey::kSize), p += PublicKey::kSize;
  putBE(p, b.port, 2), p += 2;
  putBE(p, b.timeMs, 8), p += 8;
  std::memcpy(p, b.bootId.data(), BeaconBootId::kSize), p += BeaconBootId::kSize;
  putBE(p, b.counter, 8);

  std::string out(kBeaconBytes, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::memcpy(o, kMagic, sizeof kMagic);
  o[sizeof kMagic] = kBeaconVersion;
  unsigned char* nonce = o + kHeaderBytes;
  randombytes_buf(nonce, kNonceBytes);
  auto ad = associatedData(key.network());
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, plain, sizeof plain,
                                             ad.data(), ad.size(), nullptr, nonce, key.data());
  RENDA_ASSERT(written == kPlainBytes + kTagBytes);
  return out;
}

Result<Beacon> openBeacon(const BeaconKey& key, std::string_view packet) {
  if (packet.size() != kBeaconBytes)
    return Status::invalid("not a beacon: " + std::to_string(packet.size()) + " bytes, not " +
                           std::to_string(kBeaconBytes));
  auto* in = reinterpret_cast<const unsigned char*>(packet.data());
  if (std::memcmp(in, kMagic, sizeof kMagic) != 0) return Status::invalid("not a beacon: magic");
  if (in[sizeof kMagic] != kBeaconVersion)
    return Status::invalid("not a beacon: version " + std::to_string(in[sizeof kMagic]));
  const unsigned char* nonce = in + kHeaderBytes;
  auto ad = associatedData(key.network());
  unsigned char plain[kPlainBytes];
  unsigned long long got = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &got, nullptr, nonce + kNonceBytes,
                                                 kPlainBytes + kTagBytes, ad.data(), ad.size(),
                                                 nonce, key.data()) != 0)
    return Status::refused("beacon does not authenticate (another network, or forged)");
  RENDA_ASSERT(got == kPlainBytes);
  Beacon b;
  const unsigned char* p = plain;
  std::memcpy(b.device.data(), p, PublicKey::kSize), p += PublicKey::kSize;
  b.port = static_cast<uint16_t>(getBE(p, 2)), p += 2;
  b.timeMs = getBE(p, 8), p += 8;
  std::memcpy(b.bootId.data(), p, BeaconBootId::kSize), p += BeaconBootId::kSize;
  b.counter = getBE(p, 8);
  if (b.port == 0) return Status::invalid("beacon names port 0");
  return b;
}

BeaconSender::BeaconSender(BeaconKey key, const PublicKey& device, uint16_t port)
    : key_(std::move(key)), device_(device), port_(port) {
  RENDA_REQUIRE(port != 0);
  randombytes_buf(bootId_.data(), bootId_.size());
}

std::string BeaconSender::next(uint64_t nowMs) {
  Beacon b{device_, port_, nowMs, bootId_, ++counter_};
  return sealBeacon(key_, b);
}

std::string Ipv4Address::toString() const {
  return std::to_string(octets[0]) + "." + std::to_string(octets[1]) + "." +
         std::to_string(octets[2]) + "." + std::to_string(octets[3]);
}

const char* describe(BeaconIgnored why) {
  switch (why) {
    case BeaconIgnored::kMalformed: return "not a beacon (size, magic or version)";
    case BeaconIgnored::kUnauthenticated:
      return "does not authenticate (another county, or forged)";
    case BeaconIgnored::kOwn: return "our own beacon";
    case BeaconIgnored::kStale: return "stale (timestamp too far behind our clock)";
    case BeaconIgnored::kFuture: return "from the future (timestamp too far ahead of our clock)";
    case BeaconIgnored::kReplay: return "replayed or duplicate (not newer than the last one)";
  }
  return "?";
}

BeaconListener::BeaconListener(BeaconKey key, const PublicKey& self, size_t maxSenders,
                               uint64_t windowMs)
    : key_(std::move(key)), self_(self), maxSenders_(maxSenders), windowMs_(windowMs) {
  RENDA_REQUIRE(maxSenders > 0);
}

BeaconOutcome BeaconListener::receive(std::string_view packet, const Ipv4Address& from,
                                      uint64_t nowMs) {
  BeaconOutcome out;
  auto opened = openBeacon(key_, packet);
  if (!opened) {
    out.ignored = opened.status().code() == Code::kRefused ? BeaconIgnored::kUnauthenticated
                                                            : BeaconIgnored::kMalformed;
    return out;
  }
  const Beacon& b = *opened;
  if (b.device == self_) {
    out.ignored = BeaconIgnored::kOwn;
    return out;
  }
  if (nowMs > windowMs_ && b.timeMs < nowMs - windowMs_) {
    out.ignored = BeaconIgnored::kStale;
    return out;
  }
  if (b.timeMs > nowMs + windowMs_) {
    out.ignored = BeaconIgnored::kFuture;
    return out;
  }
  bool fresh = true;
  auto it = senders_.find(b.device);
  if (it != senders_.end()) {
    Sender& s = it->second;
    bool newer = s.bootId == b.bootId ? b.counter > s.counter : b.timeMs > s.timeMs;
    if (!newer) {
      out.ignored = BeaconIgnored::kReplay;
      return out;
    }
    fresh = s.bootId != b.bootId || s.address != from || s.port != b.port;
  } else {
    makeRoom(nowMs);
    it = senders_.emplace(b.device, Sender{}).first;
  }
  it->second = Sender{b.bootId, b.counter, b.timeMs, nowMs, from, b.port};
  out.peer = DiscoveredPeer{b.device, from, b.port, fresh};
  return out;
}

void BeaconListener::makeRoom(uint64_t nowMs) {
  if (senders_.size() < maxSenders_) return;
  // Forget senders whose last beacon has left the window: a replay of it
  // would be refused as stale anyway.
  std::erase_if(senders_, [&](const auto& kv) { return kv.second.timeMs + windowMs_ < nowMs; });
  if (senders_.size() < maxSenders_) return;
  auto oldest = std::min_element(senders_.begin(), senders_.end(), [](const auto& a, const auto& b) {
    return a.second.lastSeenMs < b.second.lastSeenMs;
  });
  senders_.erase(oldest);
}

Result<BeaconSocket> BeaconSocket::open(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ioErrno("beacon socket");
  BeaconSocket s(fd, 0);  // closes fd on the error paths
  int one = 1;
  for (int opt : {SO_REUSEADDR, SO_REUSEPORT, SO_BROADCAST})
    if (::setsockopt(fd, SOL_SOCKET, opt, &one, sizeof one) != 0)
      return ioErrno("beacon socket option");
  sockaddr_in sa = sockaddrOf(Ipv4Address::of(0, 0, 0, 0), port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    return ioErrno("beacon socket: bind to UDP port " + std::to_string(port));
  socklen_t len = sizeof sa;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
    return ioErrno("beacon socket: getsockname");
  s.port_ = ntohs(sa.sin_port);
  return s;
}

BeaconSocket::BeaconSocket(BeaconSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(other.port_) {}

BeaconSocket& BeaconSocket::operator=(BeaconSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
  }
  return *this;
}

BeaconSocket::~BeaconSocket() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<Ipv4Address> BeaconSocket::broadcastAddresses(bool loopback) {
  std::vector<Ipv4Address> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* i = list; i; i = i->ifa_next) {
      if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
      if (!(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_BROADCAST)) continue;
      if ((i->ifa_flags & IFF_LOOPBACK) || !i->ifa_broadaddr) continue;
      Ipv4Address a;
      std::memcpy(a.octets.data(),
                  &reinterpret_cast<const sockaddr_in*>(i->ifa_broadaddr)->sin_addr.s_addr, 4);
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    }
    ::freeifaddrs(list);
  }
  if (out.empty()) out.push_back(Ipv4Address::of(255, 255, 255, 255));
  if (loopback) out.push_back(Ipv4Address::of(127, 255, 255, 255));
  return out;
}

Result<size_t> BeaconSocket::broadcast(std::string_view packet, uint16_t port, bool loopback) {
  size_t sent = 0;
  Status last = Status::ioError("no address to broadcast to");
  for (const auto& a : broadcastAddresses(loopback)) {
    Status s = sendTo(packet, a, port);
    if (s)
      ++sent;
    else
      last = s;
  }
  if (sent == 0) return last;
  return sent;
}

Status BeaconSocket::sendTo(std::string_view packet, const Ipv4Address& to, uint16_t port) {
  sockaddr_in sa = sockaddrOf(to, port);
  ssize_t n;
  do {
    n = ::sendto(fd_, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ioErrno("beacon to " + to.toString() + ":" + std::to_string(port));
  return Status::ok();
}

Result<size_t> BeaconSocket::drain(
    const std::function<void(std::string_view, const Ipv4Address&)>& onDatagram,
    size_t maxDatagrams) {
  size_t count = 0;
  char buf[kMaxDatagramBytes];
  while (count < maxDatagrams) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return ioErrno("beacon socket: receive");
    }
    ++count;
    if (from.sin_family != AF_INET) continue;
    Ipv4Address a;
    std::memcpy(a.octets.data(), &from.sin_addr.s_addr, 4);
    onDatagram(std::string_view(buf, static_cast<size_t>(n)), a);
  }
  return count;
}

}  // namespace renda::net
