// SPDX-License-Identifier: Apache-2.0
// UTF-8 text, as people typed it: splitting into code points for masks,
// excerpts, sheet names and column widths.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace renda {

// The length in bytes of the UTF-8 sequence that starts at s[i]; a stray or
// cut-short byte counts as one. REQUIRES: i < s.size().
size_t utf8SequenceLength(std::string_view s, size_t i);

// `s` split into code points (views into `s`), stray bytes one each.
std::vector<std::string_view> utf8CodePoints(std::string_view s);

}  // namespace renda
