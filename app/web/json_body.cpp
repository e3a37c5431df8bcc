// SPDX-License-Identifier: Apache-2.0
#include "app/web/json_body.h"

#include "app/i18n/strings.h"
#include "core/text.h"

namespace renda::app {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonFields> object() {
    JsonFields out;
    space();
    if (!eat('{')) return bad(i18n::tr("web.err.json-object"));
    space();
    if (eat('}')) return finish(std::move(out));
    for (;;) {
      space();
      std::string key, value;
      if (!string(key)) return bad(i18n::tr("web.err.json-key"));
      space();
      if (!eat(':')) return bad(i18n::tr("web.err.json-colon"));
      space();
      if (!validUtf8(key)) return bad(i18n::tr("web.err.json-key-utf8"));
      if (!scalar(value)) return bad(i18n::trf("web.err.json-value", {key}));
      if (!validUtf8(value))
        return bad(i18n::trf("web.err.json-utf8", {key}));
      for (unsigned char ch : value)
        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
          return bad(i18n::trf("web.err.json-control", {key}));
      for (const auto& [k, v] : out)
        if (k == key) return bad(i18n::trf("web.err.json-twice", {key}));
      out.emplace_back(std::move(key), std::move(value));
      space();
      if (eat(',')) continue;
      if (eat('}')) return finish(std::move(out));
      return bad(i18n::tr("web.err.json-bad"));
    }
  }

 private:
  Result<JsonFields> finish(JsonFields out) {
    space();
    if (i_ != s_.size()) return bad(i18n::tr("web.err.json-trailing"));
    return out;
  }
  static Status bad(const std::string& why) { return Status::invalid(why); }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  bool scalar(std::string& out) {
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '"') return string(out);
    if (literal("true")) return out = "true", true;
    if (literal("false")) return out = "false", true;
    if (literal("null")) return out.clear(), true;
    size_t start = i_;
    if (c == '-') ++i_;
    size_t digits = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    if (i_ == digits) return false;
    if (eat('.')) {
      size_t frac = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == frac) return false;
    }
    out = std::string(s_.substr(start, i_ - start));
    return true;
  }
  bool hex4(uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += char(cp);
    } else if (cp < 0x800) {
      out += char(0xC0 | (cp >> 6));
      out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18));
      out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F));
      out += char(0x80 | (cp & 0x3F));
    }
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (!eat('\\') || !eat('u') || !hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(out, cp);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

Result<JsonFields> parseJsonObject(std::string_view text) { return Parser(text).object(); }

const std::string* jsonValue(const JsonFields& fields, std::string_view key) {
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace renda::app
