// SPDX-License-Identifier: Apache-2.0
// The secure channel's framing (net/channel.h), apart from its socket so that
// the receiving side can be tested and fuzzed on byte buffers. Nothing here
// does I/O or cryptography.
//
//   frame               = u16 BE length (1..65535) | Noise message
//   transport plaintext = u8 more (1: the next frame continues this message)
//                         | fragment (at most kMaxFragmentBytes)
// A message is the concatenation of its fragments, up to a limit
// (limits::kMaxSyncMessageBytes on a channel).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/status.h"
#include "net/noise.h"

namespace renda::net {

inline constexpr size_t kFrameHeaderBytes = 2;
// The most message bytes one transport plaintext carries (after its more byte).
inline constexpr size_t kMaxFragmentBytes = noise::kMaxPlaintextBytes - 1;

// The header of a frame of `size` bytes.
// REQUIRES: 1 <= size <= limits::kMaxFrameBytes.
std::array<unsigned char, kFrameHeaderBytes> frameHeader(size_t size);

// The length a frame header announces (1..65535); InvalidInput for an empty frame.
Result<size_t> frameLength(const std::array<unsigned char, kFrameHeaderBytes>& header);

// The transport plaintext of the next fragment of `message` from `pos`, which
// it advances. An empty message is one empty fragment.
// REQUIRES: pos < message.size(), or pos == 0.
std::string nextFragment(std::string_view message, size_t& pos);

// Reassembles a message from the transport plaintexts of its frames, in order.
class MessageAssembler {
 public:
  explicit MessageAssembler(size_t maxMessageBytes = limits::kMaxSyncMessageBytes)
      : maxMessageBytes_(maxMessageBytes) {}

  // Adds one decrypted transport plaintext: true when it ends the message
  // (take() it). InvalidInput with a reason for a plaintext without a valid
  // more byte or a message over the limit; the session must end then.
  Result<bool> add(std::string_view plaintext);
  // The message so far (all of it after add() returned true); the assembler
  // starts the next one empty.
  std::string take();

 private:
  size_t maxMessageBytes_;
  std::string message_;
};

}  // namespace renda::net
