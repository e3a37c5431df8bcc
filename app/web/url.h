// SPDX-License-Identifier: Apache-2.0
// Pieces of a request's URL: percent-decoding and the query string.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace renda::app {

// %XX sequences decoded (a malformed one is kept as it is); with
// `plusIsSpace` (query strings), '+' is a space.
std::string percentDecode(std::string_view s, bool plusIsSpace);

// "a=1&b=%E4%B8%AD" -> {a: "1", b: "中"}; the last of a repeated name wins.
std::map<std::string, std::string> parseQuery(std::string_view query);

}  // namespace renda::app
