// SPDX-License-Identifier: Apache-2.0
#include "core/domain/privacy.h"

#include "core/text.h"

namespace renda::domain {

namespace {

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
  auto cps = utf8CodePoints(clear);
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
