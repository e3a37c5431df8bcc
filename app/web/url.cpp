// SPDX-License-Identifier: Apache-2.0
#include "app/web/url.h"

#include <cctype>
#include <cstring>

namespace renda::app {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percentDecode(std::string_view s, bool plusIsSpace) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plusIsSpace) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() &&
               hexDigit(s[i + 1]) >= 0 && hexDigit(s[i + 2]) >= 0) {
      out += char(hexDigit(s[i + 1]) * 16 + hexDigit(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> parseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string name = percentDecode(part.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? "" : percentDecode(part.substr(eq + 1), true);
    out[name] = value;
  }
  return out;
}

std::string attachmentDisposition(const std::string& fileName, const std::string& asciiName) {
  static const char* hex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : fileName) {
    // RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else is %XX.
    if (c < 0x80 && (std::isalnum(c) || (c && std::strchr("!#$&+-.^_`|~", c)))) {
      encoded += char(c);
    } else {
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  std::string plain;
  for (unsigned char c : asciiName)
    plain += (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '_' : char(c);
  return "attachment; filename=\"" + plain + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace renda::app
