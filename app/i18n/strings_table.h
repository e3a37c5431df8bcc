// SPDX-License-Identifier: Apache-2.0
// The string table as the build generates it from app/i18n/strings.tsv
// (app/i18n/gen_strings.cpp): entries sorted by key. Read it through
// app/i18n/strings.h.
#pragma once

#include <cstddef>

namespace renda::app::i18n::detail {

struct StringEntry {
  const char* key;
  const char* zh;
  const char* en;
};

extern const StringEntry kStrings[];
extern const size_t kStringCount;

}  // namespace renda::app::i18n::detail
