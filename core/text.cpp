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

size_t utf8Decode(std::string_view s, size_t i, uint32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kLeast[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool validUtf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8Decode(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string xmlSafeText(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t len = utf8Decode(s, i, cp);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
      continue;
    }
    bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
    if (allowed) out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string plainText(std::string_view in) {
  static constexpr std::string_view kInvisible[] = {"\xE2\x80\x8B", "\xE2\x80\x8C",
                                                    "\xE2\x80\x8D", "\xE2\x81\xA0",
                                                    "\xEF\xBB\xBF"};
  static constexpr std::string_view kWideSpace = "\xE3\x80\x80";
  std::string s;
  for (size_t i = 0; i < in.size();) {
    bool invisible = false;
    for (auto z : kInvisible) invisible = invisible || in.substr(i, 3) == z;
    if (invisible) i += 3;
    else s += in[i++];
  }
  std::string_view v = s;
  for (bool again = true; again;) {
    again = false;
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\r' ||
                          v.front() == '\n'))
      v.remove_prefix(1), again = true;
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' ||
                          v.back() == '\n'))
      v.remove_suffix(1), again = true;
    if (v.substr(0, 3) == kWideSpace) v.remove_prefix(3), again = true;
    if (v.size() >= 3 && v.substr(v.size() - 3) == kWideSpace) v.remove_suffix(3), again = true;
  }
  return std::string(v);
}

}  // namespace renda
