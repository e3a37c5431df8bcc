// SPDX-License-Identifier: Apache-2.0
#include "core/domain/privacy.h"

namespace renda::domain {

namespace {

// Splits UTF-8 into code points (as byte ranges); a stray byte counts as one.
std::vector<std::string_view> codePoints(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + len > s.size()) len = 1;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string keep(const std::vector<std::string_view>& cps, size_t head, size_t tail) {
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i)
    out += i < head || i + tail >= cps.size() ? std::string(cps[i]) : std::string("*");
  return out;
}

}  // namespace

const std::vector<PersonalField>& personalFields() {
  static const std::vector<PersonalField> all = {
      {"constituentName", "反映人", MaskStyle::kName},
      {"constituentPhone", "联系电话", MaskStyle::kPhone},
      {"constituentAddress", "住址", MaskStyle::kAddress},
      {"constituentIdNumber", "身份证号", MaskStyle::kIdNumber},
      {"idNumber", "身份证号", MaskStyle::kIdNumber},
  };
  return all;
}

bool isPersonalField(std::string_view name) {
  for (const auto& f : personalFields())
    if (name == f.name) return true;
  return false;
}

std::string maskValue(std::string_view field, std::string_view clear) {
  const PersonalField* pf = nullptr;
  for (const auto& f : personalFields())
    if (field == f.name) pf = &f;
  if (!pf) return std::string(clear);
  auto cps = codePoints(clear);
  size_t n = cps.size();
  if (n == 0) return "";
  switch (pf->mask) {
    case MaskStyle::kName:
      return n == 1 ? std::string("*") : keep(cps, 1, 0);
    case MaskStyle::kPhone:
      return n >= 8 ? keep(cps, 3, 4) : std::string(n, '*');
    case MaskStyle::kAddress: {
      size_t head = std::min<size_t>(3, n / 2);
      std::string out;
      for (size_t i = 0; i < head; ++i) out += cps[i];
      return out + "****";
    }
    case MaskStyle::kIdNumber:
      return n > 6 ? keep(cps, 0, 4) : std::string(n, '*');
  }
  return std::string(n, '*');
}

}  // namespace renda::domain
