// SPDX-License-Identifier: Apache-2.0
// The secure channel a sync session runs over: a connected TCP socket,
// Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b (net/noise.h) with the county
// network's secret as the pre-shared key and "renda/noise/v1" || network id
// as the prologue, then framed messages.
//
// Wire format (net/frames.h): every Noise message (handshake or transport) is
//   u16 BE length (1..65535) | message
// A transport message's plaintext is u8 more (1: the next frame continues
// this message) | up to 65,518 bytes; a message is reassembled up to
// limits::kMaxSyncMessageBytes.
//
// Who the peer is: the handshake's third message carries the initiator's
// HandshakePayload (net/wire.h: its signed transport-key announcement and the
// certificates that admit it); the responder answers with its own as the
// first transport message, once it knows the initiator holds the network's
// secret — or, when its check turns the initiator away, the reason instead
// (Refused, or Overloaded when it is busy), which the initiator reports. So
// an outsider, who cannot finish the handshake, never learns which node it
// reached. Each side's `check` decides whether the other may sync and
// which device key it is.
//
// THREAD SAFETY: send() may be called from several threads at once (a mutex
// orders whole messages); receive() from one thread at a time. shutdown()
// from any thread ends both directions.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/status.h"
#include "net/noise.h"
#include "net/wire.h"

namespace renda::net {

// This node as a session shows it.
struct LocalIdentity {
  NetworkId network;
  const NetworkSecret* secret = nullptr;     // the pre-shared key
  const BoxSecretKey* transportKey = nullptr;  // Noise static key
  HandshakePayload payload;  // its announcement of transportKey, and its certificates
};

// Decides whether the authenticated peer (its Noise static key, and the
// payload it sent) may sync, and returns its device key. Refused with the
// reason to log otherwise.
using PeerCheck = std::function<Result<PublicKey>(const BoxPublicKey& remoteStatic,
                                                  const HandshakePayload& payload)>;

struct ChannelStats {
  std::atomic<uint64_t> bytesSent{0}, bytesReceived{0};
};

class Channel {
 public:
  // Runs the handshake on the connected socket `fd` (which the channel owns
  // from now on, closing it when destroyed), within timeoutMs. InvalidInput
  // or Refused with a reason when the peer is not of this county's network,
  // breaks the protocol or is not admitted; Disconnected when the link
  // drops; a Timeout when it takes too long.
  static Result<std::unique_ptr<Channel>> open(int fd, bool initiator, const LocalIdentity& self,
                                               const PeerCheck& check, uint64_t timeoutMs);
  ~Channel();

  // The peer's device key (as `check` returned it).
  const PublicKey& peer() const { return peer_; }
  // Sends one message (fragmented into frames).
  Status send(std::string_view message);
  // The next whole message; Disconnected when the peer closed the link (or a
  // message, once begun, stalled for limits::kIdleTimeoutMs between frames),
  // NotFound when nothing at all came for timeoutMs (the caller may ping and
  // wait again), InvalidInput for a frame that does not decrypt or a message
  // over the limit.
  Result<std::string> receive(uint64_t timeoutMs);
  // Ends the link now (both directions); blocked send() and receive() return.
  void shutdown();
  const ChannelStats& stats() const { return stats_; }

 private:
  Channel(int fd, noise::SessionCiphers ciphers, PublicKey peer);
  int fd_;
  noise::SessionCiphers ciphers_;
  PublicKey peer_;
  std::mutex sendMu_;
  ChannelStats stats_;
  std::atomic<bool> closed_{false};
};

// The prologue both sides mix into the handshake.
std::string noisePrologue(const NetworkId& network);

}  // namespace renda::net
