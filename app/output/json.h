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
    for (unsigned char c : s) {
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
  std::string out_;
  bool first_ = true;
};

}  // namespace renda::app
