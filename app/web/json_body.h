// SPDX-License-Identifier: Apache-2.0
// Request bodies of the web API: one flat JSON object (RFC 8259) whose values
// are strings, numbers, true, false or null. Numbers and booleans come back
// as their text ("12", "true"); null as "". Nested objects and arrays, a
// repeated key, invalid UTF-8 (raw or escaped), control characters other than
// tab and line breaks, and trailing bytes are refused.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace renda::app {

using JsonFields = std::vector<std::pair<std::string, std::string>>;

// InvalidInput, with the reason in the messages' language (a web request's:
// app/i18n/strings.h), when `text` is not such an object.
Result<JsonFields> parseJsonObject(std::string_view text);

// The value of `key`, or nullptr.
const std::string* jsonValue(const JsonFields& fields, std::string_view key);

}  // namespace renda::app
