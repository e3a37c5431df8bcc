// SPDX-License-Identifier: Apache-2.0
// Personal fields (design.md §Privacy, domain.md §6): constituents' identity on
// receptions and constituent issues, and deputies' ID numbers. These are the
// only fields that are sealed (core/sealed.h) inside the change; this list is
// the one place that says which they are, and how each is masked in reports
// and exports. The issue text a constituent raised is not identity and stays
// readable. Pure functions; no keys here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace renda::domain {

// How a personal field is masked when shown without --reveal.
enum class MaskStyle { kName, kPhone, kAddress, kIdNumber };

struct PersonalField {
  const char* name;   // field name in records (glossary naming)
  const char* label;  // column heading in reports and exports
  MaskStyle mask;
};

// Every personal field: constituentName, constituentPhone, constituentAddress,
// constituentIdNumber (receptions and constituent issues), idNumber (deputies).
const std::vector<PersonalField>& personalFields();

// True when a field of this name is personal, in any record kind. The rule is
// by name alone so that it can be checked on every change without knowing the
// record's kind: a change that sets one of these names to anything but a
// sealed value is malformed (validateChangeShape refuses it).
bool isPersonalField(std::string_view name);

// The masked form of a clear value, by the field's style (a field that is not
// personal is returned as it is):
//   name      张三 -> 张*, 欧阳娜娜 -> 欧***      (first character kept)
//   phone     13812345678 -> 138****5678         (first 3 and last 4 kept; short: all *)
//   address   城关镇东街12号 -> 城关镇****       (at most the first 3 characters kept)
//   ID number 110101199001011234 -> **************1234  (last 4 kept)
// Characters are UTF-8 code points; each hidden one becomes one '*'.
std::string maskValue(std::string_view field, std::string_view clear);

// What is shown for a sealed value this node cannot open.
inline constexpr std::string_view kSealedPlaceholder = "（已加密）";

}  // namespace renda::domain
