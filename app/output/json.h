// SPDX-License-Identifier: Apache-2.0
// A small JSON writer for --json output and the web API. Output is compact,
// keys in the order written, strings escaped per RFC 8259.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace renda::app {

class Json {
 public:
  Json& beginObject() { comma(); out_ += '{'; first_ = true; return *this; }
  Json& endObject() { out_ += '}'; first_ = false; return *this; }
  Json& beginArray() { comma(); out_ += '['; first_ = true; return *this; }
  Json& endArray() { out_ += ']'; first_ = false; return *this; }
  Json& key(std::string_view k) {
    comma();
    quote(k);
    out_ += ':';
    first_ = true;
    return *this;
  }
  Json& str(std::string_view v) { comma(); quote(v); return *this; }
  Json& num(int64_t v) { comma(); out_ += std::to_string(v); return *this; }
  // A number already written as JSON number text ("12", "92.47").
  // REQUIRES: `v` is one (app/output/export.h isNumberCell checks a cell).
  Json& numberText(std::string_view v) { comma(); out_ += v; return *this; }
  Json& boolean(bool v) { comma(); out_ += v ? "true" : "false"; return *this; }
  Json& null() { comma(); out_ += "null"; return *this; }
  Json& field(std::string_view k, std::string_view v) { return key(k).str(v); }
  Json& field(std::string_view k, int64_t v) { return key(k).num(v); }
  const std::string& text() const { return out_; }

 private:
  void comma() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  void quote(std::string_view s) {
    out_ += '"';
    for (size_t i = 0; i < s.size();) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x80) {
        // Valid UTF-8 as it is; a byte that starts no valid sequence (a
        // request's %ff, a damaged file) becomes U+FFFD, so the answer stays
        // JSON a browser can read.
        size_t n = utf8Length(s.substr(i));
        if (n) out_.append(s.substr(i, n));
        else out_ += "\xEF\xBF\xBD";
        i += n ? n : 1;
        continue;
      }
      ++i;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out_ += buf;
          } else {
            out_ += static_cast<char>(c);
          }
      }
    }
    out_ += '"';
  }
  // The length of the valid UTF-8 sequence `s` starts with (a byte >= 0x80),
  // 0 when it is not one: no overlong forms, surrogates or code points past
  // U+10FFFF (RFC 3629).
  static size_t utf8Length(std::string_view s) {
    auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = at(0);
    size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n == 0 || s.size() < n) return 0;
    for (size_t k = 1; k < n; ++k)
      if ((at(k) & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && at(1) > 0x9F) return 0;   // surrogates
    if (c == 0xF0 && at(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && at(1) > 0x8F) return 0;   // past U+10FFFF
    return n;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace renda::app
