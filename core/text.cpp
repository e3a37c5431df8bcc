// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

namespace renda {

size_t utf8SequenceLength(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return i + len > s.size() ? 1 : len;
}

std::vector<std::string_view> utf8CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8SequenceLength(s, i);
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

}  // namespace renda
