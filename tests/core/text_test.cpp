// SPDX-License-Identifier: Apache-2.0
#include "core/text.h"

#include <catch2/catch.hpp>

namespace renda {
namespace {

TEST_CASE("plainText: spaces around a name and invisible characters go, what is inside stays",
          "[core][text]") {
  CHECK(plainText(" 县公安局 ") == "县公安局");
  CHECK(plainText("\xE3\x80\x80县公安局\xE3\x80\x80\t") == "县公安局");  // full-width spaces
  CHECK(plainText("县公安\xE2\x80\x8B局") == "县公安局");                  // zero-width space
  CHECK(plainText("\xEF\xBB\xBF 县公安局") == "县公安局");                 // a BOM, then a space
  CHECK(plainText("第一 代表小组") == "第一 代表小组");                    // inner space kept
  CHECK(plainText("   ").empty());
  CHECK(plainText("").empty());
}

TEST_CASE("validUtf8 and xmlSafeText: stray bytes and control characters are found and made safe",
          "[core][text]") {
  CHECK(validUtf8("城关镇"));
  CHECK_FALSE(validUtf8("\xff\xfe"));
  CHECK_FALSE(validUtf8("\xe5\x9f"));  // cut short
  std::string safe = xmlSafeText("a\x01" "b\xff");
  CHECK(validUtf8(safe));
  CHECK(safe.find('\x01') == std::string::npos);
}

}  // namespace
}  // namespace renda
