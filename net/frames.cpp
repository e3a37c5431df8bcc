// SPDX-License-Identifier: Apache-2.0
#include "net/frames.h"

#include <algorithm>
#include <utility>

namespace renda::net {

std::array<unsigned char, kFrameHeaderBytes> frameHeader(size_t size) {
  RENDA_REQUIRE(size >= 1 && size <= limits::kMaxFrameBytes);
  return {static_cast<unsigned char>(size >> 8), static_cast<unsigned char>(size & 0xff)};
}

Result<size_t> frameLength(const std::array<unsigned char, kFrameHeaderBytes>& header) {
  size_t n = size_t(header[0]) << 8 | header[1];
  if (n == 0) return Status::invalid("the other node sent an empty frame");
  return n;
}

std::string nextFragment(std::string_view message, size_t& pos) {
  RENDA_REQUIRE(pos < message.size() || pos == 0);
  size_t n = std::min(kMaxFragmentBytes, message.size() - pos);
  std::string plain(1, pos + n < message.size() ? '\1' : '\0');
  plain.append(message.substr(pos, n));
  pos += n;
  return plain;
}

Result<bool> MessageAssembler::add(std::string_view plaintext) {
  if (plaintext.empty() || static_cast<unsigned char>(plaintext[0]) > 1)
    return Status::invalid("the other node sent a malformed frame");
  if (message_.size() + plaintext.size() - 1 > maxMessageBytes_)
    return Status::invalid("the other node sent a message over the size limit");
  message_.append(plaintext.substr(1));
  return plaintext[0] == 0;
}

std::string MessageAssembler::take() { return std::exchange(message_, std::string()); }

}  // namespace renda::net
