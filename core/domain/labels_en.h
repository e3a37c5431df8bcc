// SPDX-License-Identifier: Apache-2.0
// The English of the Chinese labels the domain gives its record kinds, fields
// (core/domain/fields.cpp), suggestion states and life-cycle actions
// (core/domain/suggestion.cpp): what GET /api/meta?lang=en shows on the
// English pages. Kept beside the Chinese as one list, by the Chinese label,
// so a label used by several kinds (名称, 日期) is translated once.
#pragma once

#include <string_view>

namespace renda::domain {

// The English of `label`, or `label` itself when the list has none (a label
// added without its English shows in Chinese rather than not at all).
const char* englishLabel(const char* label);

// Whether the list has the English of `label` (tests check every label).
bool hasEnglishLabel(std::string_view label);

}  // namespace renda::domain
