// SPDX-License-Identifier: Apache-2.0
// UTF-8 text, as people typed it: splitting into code points for masks,
// excerpts, sheet names and column widths.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace renda {

// The length in bytes of the UTF-8 sequence that starts at s[i]; a stray or
// cut-short byte counts as one. REQUIRES: i < s.size().
size_t utf8SequenceLength(std::string_view s, size_t i);

// `s` split into code points (views into `s`), stray bytes one each.
std::vector<std::string_view> utf8CodePoints(std::string_view s);

// The code point that starts at s[i] and its length in bytes, or 0 when s[i]
// starts no well-formed UTF-8 sequence (a stray or cut-short byte, an overlong
// form, a surrogate, beyond U+10FFFF). REQUIRES: i < s.size().
size_t utf8Decode(std::string_view s, size_t i, uint32_t& cp);

// Whether `s` is well-formed UTF-8 throughout.
bool validUtf8(std::string_view s);

// `s` as text an XML 1.0 file may hold: each byte that starts no well-formed
// sequence becomes U+FFFD, control characters other than tab and line breaks
// (and U+FFFE, U+FFFF) are left out.
std::string xmlSafeText(std::string_view s);

// One line of text as a clerk means it: spaces and tabs around it dropped
// (the full-width U+3000 an input method types too) and the zero-width
// characters no one can see (U+200B-U+200D, U+2060, U+FEFF) removed.
std::string plainText(std::string_view s);

}  // namespace renda
