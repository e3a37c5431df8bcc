// SPDX-License-Identifier: Apache-2.0
#include "tests/net/evil_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "net/channel.h"

namespace renda::evil {

uint64_t steadyMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

Identity clone(const Identity& id) {
  Identity out;
  out.network = id.network;
  out.secret = id.secret;
  std::memcpy(out.transport.data(), id.transport.data(), BoxSecretKey::size());
  out.payload = id.payload;
  return out;
}

EvilPeer::EvilPeer(const std::string& localIp, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, localIp.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    ::close(fd);
    return;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  socklen_t len = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len);
  address_ = localIp + ":" + std::to_string(ntohs(local.sin_port));
  fd_ = fd;
}

EvilPeer::~EvilPeer() { close(); }

void EvilPeer::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void EvilPeer::halfClose() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool EvilPeer::sendRaw(std::string_view bytes) {
  if (recording_) sent_ += bytes;
  size_t done = 0;
  while (fd_ >= 0 && done < bytes.size()) {
    ssize_t w = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += size_t(w);
  }
  return fd_ >= 0;
}

bool EvilPeer::sendFrameWithLength(uint16_t length, std::string_view bytes) {
  std::string f(2, '\0');
  f[0] = char(length >> 8);
  f[1] = char(length & 0xff);
  f += bytes;
  return sendRaw(f);
}

bool EvilPeer::sendFrame(std::string_view bytes) {
  return sendFrameWithLength(uint16_t(bytes.size()), bytes);
}

bool EvilPeer::readExactly(char* out, size_t n, uint64_t deadlineMs) {
  size_t got = 0;
  while (got < n) {
    uint64_t now = steadyMs();
    if (fd_ < 0 || now >= deadlineMs) return false;
    pollfd p{fd_, POLLIN, 0};
    int rc = ::poll(&p, 1, int(deadlineMs - now));
    if (rc <= 0) continue;
    ssize_t r = ::recv(fd_, out + got, n - got, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      close();
      return false;
    }
    got += size_t(r);
  }
  return true;
}

std::optional<std::string> EvilPeer::readFrame(uint64_t deadlineMs) {
  unsigned char len[2];
  if (!readExactly(reinterpret_cast<char*>(len), 2, deadlineMs)) return std::nullopt;
  std::string out(size_t(len[0]) << 8 | len[1], '\0');
  if (!readExactly(out.data(), out.size(), deadlineMs)) return std::nullopt;
  return out;
}

namespace {

net::noise::HandshakeConfig configFor(const Identity& id, const std::string& prologue,
                                 const net::noise::SymmetricKey& psk) {
  net::noise::HandshakeConfig config;
  config.pattern = net::noise::Pattern::kXXpsk3;
  config.prologue = prologue;
  config.localStatic = &id.transport;
  config.psk = &psk;
  return config;
}

}  // namespace

bool EvilPeer::sendFirstHandshakeMessage(const Identity& id) {
  auto psk = net::noise::SymmetricKey::fromSpan(id.secret.data(), id.secret.size());
  std::string prologue = net::noisePrologue(id.network);
  auto hs = net::noise::HandshakeState::initiator(configFor(id, prologue, *psk));
  if (!hs) return false;
  auto m1 = hs->writeMessage(std::string_view());
  return m1 && sendFrame(*m1);
}

Status EvilPeer::handshake(const Identity& id) {
  auto psk = net::noise::SymmetricKey::fromSpan(id.secret.data(), id.secret.size());
  std::string prologue = net::noisePrologue(id.network);
  auto hs = net::noise::HandshakeState::initiator(configFor(id, prologue, *psk));
  if (!hs) return hs.status();
  uint64_t deadline = steadyMs() + 10'000;
  auto m1 = hs->writeMessage(std::string_view());
  if (!m1 || !sendFrame(*m1)) return Status::error(Code::kDisconnected, "message 1");
  auto m2 = readFrame(deadline);
  if (!m2) return Status::error(Code::kDisconnected, "no message 2");
  auto p2 = hs->readMessage(*m2);
  if (!p2) return p2.status();
  std::string payload = net::encodeHandshakePayload(id.payload);
  auto m3 = hs->writeMessage(std::string_view(payload));
  if (!m3 || !sendFrame(*m3)) return Status::error(Code::kDisconnected, "message 3");
  auto ciphers = hs->split();
  if (!ciphers) return ciphers.status();
  ciphers_ = std::move(*ciphers);
  auto first = readFrame(deadline);
  if (!first) return Status::refused("the server closed the link after the handshake");
  auto plain = ciphers_->receive.decrypt({}, crypto::asBytes(*first));
  if (!plain) return plain.status();
  return Status::ok();
}

bool EvilPeer::sendPlainFrame(std::string_view plain) {
  auto ct = ciphers_->send.encrypt({}, crypto::asBytes(plain));
  return ct && sendFrame(*ct);
}

bool EvilPeer::sendMessage(std::string_view message) {
  constexpr size_t kMax = net::noise::kMaxPlaintextBytes - 1;
  size_t pos = 0;
  do {
    size_t n = std::min(kMax, message.size() - pos);
    std::string plain(1, pos + n < message.size() ? '\1' : '\0');
    plain.append(message.substr(pos, n));
    if (!sendPlainFrame(plain)) return false;
    pos += n;
  } while (pos < message.size());
  return true;
}

std::optional<std::string> EvilPeer::receiveMessage(uint64_t timeoutMs) {
  uint64_t deadline = steadyMs() + timeoutMs;
  std::string message;
  for (;;) {
    auto frame = readFrame(deadline);
    if (!frame || !ciphers_) return std::nullopt;
    auto plain = ciphers_->receive.decrypt({}, crypto::asBytes(*frame));
    if (!plain || plain->empty()) return std::nullopt;
    message.append(*plain, 1);
    if ((*plain)[0] == 0) break;
  }
  if (auto m = net::decodeSyncMessage(message); m && m->kind == net::SyncMsg::Kind::kGoodbye) {
    sawGoodbye_ = true;
    goodbye_ = m->text;
  }
  return message;
}

bool EvilPeer::waitClosed(uint64_t timeoutMs) {
  uint64_t deadline = steadyMs() + timeoutMs;
  while (fd_ >= 0 && steadyMs() < deadline) {
    if (ciphers_) {
      (void)receiveMessage(deadline - steadyMs());
    } else {
      char buf[4096];
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, int(deadline - steadyMs())) <= 0) continue;
      ssize_t r = ::recv(fd_, buf, sizeof buf, 0);
      if (r <= 0 && !(r < 0 && errno == EINTR)) close();
    }
  }
  return fd_ < 0;
}

}  // namespace renda::evil
