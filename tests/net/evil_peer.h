// SPDX-License-Identifier: Apache-2.0
// An evil peer for tests: raw TCP to a real `renda serve`, from a chosen
// loopback address (127.0.0.N, so a server that turns a protocol breaker's
// address away does not turn away the honest nodes on 127.0.0.1). It can run
// the real Noise_XXpsk3 handshake (net/channel.h's wire format) with any
// identity, or stop anywhere in it, and then send whatever it likes: raw
// bytes, frames, encrypted frames with any `more` byte, whole messages.
// Nothing here checks what it sends; that is the point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/status.h"
#include "net/noise.h"
#include "net/wire.h"

namespace renda::evil {

// Who the evil peer claims to be in a handshake.
struct Identity {
  NetworkId network;
  NetworkSecret secret;
  BoxSecretKey transport;
  net::HandshakePayload payload;
};

// A copy (the keys are move-only).
Identity clone(const Identity& id);

class EvilPeer {
 public:
  // Connects from `localIp` (e.g. "127.0.0.7") to 127.0.0.1:port.
  EvilPeer(const std::string& localIp, uint16_t port);
  ~EvilPeer();
  EvilPeer(const EvilPeer&) = delete;
  EvilPeer& operator=(const EvilPeer&) = delete;

  bool connected() const { return fd_ >= 0; }
  // "127.0.0.7:40123", as the server's log names this connection.
  const std::string& address() const { return address_; }

  // Keeps a copy of every byte sent from now on (to replay them).
  void recordSent(bool on) { recording_ = on; }
  const std::string& sent() const { return sent_; }

  // Raw bytes on the socket; false once the link is gone.
  bool sendRaw(std::string_view bytes);
  // u16 BE length | bytes (the length as given: it may lie).
  bool sendFrame(std::string_view bytes);
  bool sendFrameWithLength(uint16_t length, std::string_view bytes);

  // The handshake as an initiator, with `id`: the three Noise messages, then
  // the responder's payload. Stops early (returning its status) when the
  // server refuses.
  Status handshake(const Identity& id);
  // Only the first message (-> e): the handshake is then left hanging.
  bool sendFirstHandshakeMessage(const Identity& id);

  // After handshake(): one encrypted frame whose plaintext is exactly
  // `plain` (its first byte is the `more` byte); a whole message, fragmented
  // as Channel::send does.
  bool sendPlainFrame(std::string_view plain);
  bool sendMessage(std::string_view message);
  // The next whole message from the server, or nullopt when the link ends or
  // nothing came within timeoutMs.
  std::optional<std::string> receiveMessage(uint64_t timeoutMs);

  // Reads until the server closes the link (true) or timeoutMs pass (false).
  // Messages that decrypt on the way are decoded; a goodbye's text is kept.
  bool waitClosed(uint64_t timeoutMs);
  const std::string& goodbye() const { return goodbye_; }
  bool sawGoodbye() const { return sawGoodbye_; }

  void close();
  // Ends the sending direction only (the server sees the link closed).
  void halfClose();

 private:
  std::optional<std::string> readFrame(uint64_t deadlineMs);
  bool readExactly(char* out, size_t n, uint64_t deadlineMs);

  int fd_ = -1;
  std::string address_;
  std::optional<net::noise::SessionCiphers> ciphers_;
  std::string goodbye_;
  bool sawGoodbye_ = false;
  bool recording_ = false;
  std::string sent_;
};

// Steady-clock milliseconds.
uint64_t steadyMs();

}  // namespace renda::evil
