// SPDX-License-Identifier: Apache-2.0
#include "net/channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/limits.h"
#include "net/frames.h"

namespace renda::net {

namespace {

uint64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status disconnected(const std::string& why) { return Status::error(Code::kDisconnected, why); }

// Waits until `fd` is readable (or writable) or the deadline passes.
Status waitFor(int fd, short events, uint64_t deadlineMs) {
  for (;;) {
    uint64_t now = nowMs();
    if (now >= deadlineMs)
      return disconnected("the other node did not answer in time (the link may be down)");
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, static_cast<int>(std::min<uint64_t>(deadlineMs - now, 60000)));
    if (rc > 0) return Status::ok();
    if (rc < 0 && errno != EINTR) return disconnected(std::string("the link failed: ") + std::strerror(errno));
  }
}

Status readExactly(int fd, char* out, size_t n, uint64_t deadlineMs, ChannelStats& stats) {
  size_t got = 0;
  while (got < n) {
    RENDA_TRY(waitFor(fd, POLLIN, deadlineMs));
    ssize_t r = ::recv(fd, out + got, n - got, 0);
    if (r == 0) return disconnected("the other node closed the link");
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return disconnected(std::string("the link failed: ") + std::strerror(errno));
    }
    got += size_t(r);
    stats.bytesReceived += uint64_t(r);
  }
  return Status::ok();
}

Status writeAll(int fd, const char* p, size_t n, uint64_t deadlineMs, ChannelStats& stats) {
  size_t done = 0;
  while (done < n) {
    RENDA_TRY(waitFor(fd, POLLOUT, deadlineMs));
    ssize_t w = ::send(fd, p + done, n - done, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return disconnected(std::string("the link failed: ") + std::strerror(errno));
    }
    done += size_t(w);
    stats.bytesSent += uint64_t(w);
  }
  return Status::ok();
}

// One frame: u16 BE length | bytes.
Status writeFrame(int fd, std::string_view msg, uint64_t deadlineMs, ChannelStats& stats) {
  auto header = frameHeader(msg.size());
  std::string frame(header.begin(), header.end());
  frame += msg;
  return writeAll(fd, frame.data(), frame.size(), deadlineMs, stats);
}

Result<std::string> readFrame(int fd, uint64_t deadlineMs, ChannelStats& stats) {
  std::array<unsigned char, kFrameHeaderBytes> header;
  RENDA_TRY(readExactly(fd, reinterpret_cast<char*>(header.data()), header.size(), deadlineMs,
                        stats));
  auto n = frameLength(header);
  if (!n) return n.status();
  std::string out(*n, '\0');
  RENDA_TRY(readExactly(fd, out.data(), *n, deadlineMs, stats));
  return out;
}

}  // namespace

std::string noisePrologue(const NetworkId& network) {
  std::string p("renda/noise/v1", 14);
  p.append(reinterpret_cast<const char*>(network.data()), network.size());
  return p;
}

namespace {

// The responder's first transport message: 0 | its HandshakePayload, or
// kRefusal | kBusy or 0 | why (at most kMaxReasonBytes of text).
constexpr char kRefusal = 2, kBusy = 1;
constexpr size_t kMaxReasonBytes = 400;

// A reason from the other node, fit for a log line: printable, bounded.
std::string sanitizeReason(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxReasonBytes))
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  return out;
}

}  // namespace

Channel::Channel(int fd, noise::SessionCiphers ciphers, PublicKey peer)
    : fd_(fd), ciphers_(std::move(ciphers)), peer_(peer) {}

Channel::~Channel() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<Channel>> Channel::open(int fd, bool initiator, const LocalIdentity& self,
                                               const PeerCheck& check, uint64_t timeoutMs) {
  struct CloseOnFail {
    int fd;
    bool keep = false;
    ~CloseOnFail() {
      if (!keep) ::close(fd);
    }
  } guard{fd};
  RENDA_REQUIRE(self.secret && self.transportKey);
  uint64_t deadline = nowMs() + timeoutMs;
  ChannelStats stats;
  auto psk = noise::SymmetricKey::fromSpan(self.secret->data(), self.secret->size());
  RENDA_REQUIRE(psk.has_value());
  std::string prologue = noisePrologue(self.network);
  noise::HandshakeConfig config;
  config.pattern = noise::Pattern::kXXpsk3;
  config.prologue = prologue;
  config.localStatic = self.transportKey;
  config.psk = &*psk;
  auto hs = initiator ? noise::HandshakeState::initiator(config)
                      : noise::HandshakeState::responder(config);
  if (!hs) return hs.status();
  std::string myPayload = encodeHandshakePayload(self.payload);
  // -> e;  <- e, ee, s, es;  -> s, se, psk (with the initiator's payload).
  std::string theirPayload;
  auto refusedHandshake = [](const Status& s) {
    if (s.code() == Code::kDisconnected) return s;
    return Status::invalid("the other node is not of this county's network, or the link "
                           "damaged the handshake (" + s.message() + ")");
  };
  for (size_t i = 0; i < 3; ++i) {
    if (hs->isMyTurn()) {
      auto msg = hs->writeMessage(i == 2 ? std::string_view(myPayload) : std::string_view());
      if (!msg) return msg.status();
      RENDA_TRY(writeFrame(fd, *msg, deadline, stats));
    } else {
      auto frame = readFrame(fd, deadline, stats);
      if (!frame) return refusedHandshake(frame.status());
      auto payload = hs->readMessage(*frame);
      if (!payload) return refusedHandshake(payload.status());
      if (i == 2) theirPayload = std::move(*payload);
      else if (!payload->empty()) return Status::invalid("the other node sent a payload too early");
    }
  }
  if (!hs->done()) return Status::invalid("the handshake did not complete");
  auto ciphers = hs->split();
  if (!ciphers) return ciphers.status();
  auto remote = hs->remoteStatic();
  if (!remote) return Status::invalid("the handshake named no key for the other node");
  // The responder now knows the initiator holds the network's secret and
  // answers with its own payload, encrypted.
  if (initiator) {
    auto frame = readFrame(fd, deadline, stats);
    if (!frame) return refusedHandshake(frame.status());
    auto plain = ciphers->receive.decrypt({}, crypto::asBytes(*frame));
    if (!plain) return refusedHandshake(plain.status());
    if (plain->size() >= 2 && (*plain)[0] == kRefusal) {
      // It turned this node away, and said why (it is busy, or does not admit it).
      std::string why = sanitizeReason(plain->substr(2));
      return Status::error((*plain)[1] == kBusy ? Code::kOverloaded : Code::kRefused,
                           "the other node refused this session: " + why);
    }
    if (plain->empty() || (*plain)[0] != 0)
      return Status::invalid("the other node's first message is malformed");
    theirPayload = plain->substr(1);
  }
  auto payload = decodeHandshakePayload(theirPayload);
  if (!payload) return payload.status();
  auto peer = check(*remote, *payload);
  if (!peer && !initiator) {
    // The initiator holds the network's secret: a member of this county (or
    // someone with its keys); it is told why it is turned away.
    std::string plain{kRefusal, peer.status().code() == Code::kOverloaded ? kBusy : '\0'};
    plain += peer.status().message().substr(0, kMaxReasonBytes);
    auto ct = ciphers->send.encrypt({}, crypto::asBytes(plain));
    if (ct) (void)writeFrame(fd, *ct, deadline, stats);
  }
  if (!peer) return peer.status();
  if (!initiator) {
    std::string plain(1, '\0');
    plain += myPayload;
    if (plain.size() > noise::kMaxPlaintextBytes)
      return Status::exhausted("this node's certificates do not fit in a handshake");
    auto ct = ciphers->send.encrypt({}, crypto::asBytes(plain));
    if (!ct) return ct.status();
    RENDA_TRY(writeFrame(fd, *ct, deadline, stats));
  }
  guard.keep = true;
  std::unique_ptr<Channel> ch(new Channel(fd, std::move(*ciphers), *peer));
  ch->stats_.bytesSent += stats.bytesSent;
  ch->stats_.bytesReceived += stats.bytesReceived;
  return ch;
}

Status Channel::send(std::string_view message) {
  std::lock_guard<std::mutex> lock(sendMu_);
  if (closed_) return disconnected("the session has ended");
  size_t pos = 0;
  do {
    std::string plain = nextFragment(message, pos);
    auto ct = ciphers_.send.encrypt({}, crypto::asBytes(plain));
    if (!ct) return ct.status();
    RENDA_TRY(writeFrame(fd_, *ct, nowMs() + limits::kIdleTimeoutMs, stats_));
  } while (pos < message.size());
  return Status::ok();
}

Result<std::string> Channel::receive(uint64_t timeoutMs) {
  MessageAssembler assembler;
  bool started = false;
  for (;;) {
    if (closed_) return disconnected("the session has ended");
    // Nothing at all for timeoutMs: NotFound (the caller pings). Once a
    // message has begun, each frame may take up to the idle limit: a large
    // message over a slow uplink takes minutes, frame by frame.
    if (!started) {
      uint64_t until = nowMs() + timeoutMs;
      Status ready = waitFor(fd_, POLLIN, until);
      if (!ready && nowMs() >= until)
        return Status::notFound("nothing came from the other node for a while");
      RENDA_TRY(ready);
    }
    auto frame = readFrame(fd_, nowMs() + limits::kIdleTimeoutMs, stats_);
    if (!frame) return frame.status();
    auto plain = ciphers_.receive.decrypt({}, crypto::asBytes(*frame));
    if (!plain)
      return Status::invalid("a message from the other node does not decrypt: the link damaged "
                             "it, or someone tampered with it");
    auto done = assembler.add(*plain);
    if (!done) return done.status();
    if (*done) return assembler.take();
    started = true;
  }
}

void Channel::shutdown() {
  closed_ = true;
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace renda::net
