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

// A Content-Disposition header's value for a download named `fileName`
// (UTF-8, e.g. Chinese): `attachment; filename="ASCII"; filename*=UTF-8''%E4...`
// (RFC 6266 / RFC 5987), the plain filename being `asciiName` for old clients.
std::string attachmentDisposition(const std::string& fileName, const std::string& asciiName);

}  // namespace renda::app
