// SPDX-License-Identifier: Apache-2.0
// The fields of each record kind and of each suggestion life-cycle action: the
// one list of the names the domain uses (glossary.md naming), each with the
// Chinese label the UI shows, its type, and whether `add` insists on it. The
// CLI checks what a person types against it (`renda deputy add --phnoe` is
// refused and names --phone) and prints it in `--help`; forms are built from it.
//
// WARNING: this list is for entry only. Changes from other nodes are never
// judged by it: a newer version may know fields this one does not, and its
// changes are accepted and kept as they are (storage/ingest.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/change.h"

namespace renda::domain {

enum class FieldType {
  kText,        // one line
  kLongText,    // a paragraph or more (a suggestion's body, an issue's text)
  kDate,        // YYYY-MM-DD
  kNumber,      // a whole number or a rate as written ("95%")
  kChoice,      // one of `hint`'s values, separated by '|'
  kList,        // values separated by ','
  kReference,   // another record, by its number (a prefix of its id)
  kReferences,  // several records' ids separated by ','
};

struct FieldInfo {
  const char* name;   // field name in records, camelCase
  const char* label;  // what the UI shows (中文)
  FieldType type = FieldType::kText;
  // For kReference and kReferences: the kind of the records referred to.
  std::optional<RecordKind> refers = std::nullopt;
  bool required = false;  // a new record must have it
  const char* hint = "";  // the choices (a|b|c) or an example value
};

// What the UI calls records of `kind` (glossary.md): 人大代表, 代表建议, ...
const char* kindLabel(RecordKind kind);

// Every field of records of `kind`, in the order a form shows them. Personal
// fields (core/domain/privacy.h) are among them; so is `note` (备注), which
// every kind has.
const std::vector<FieldInfo>& fieldsOf(RecordKind kind);

// The field `name` of `kind`, or nullptr when this version does not know it.
const FieldInfo* findField(RecordKind kind, std::string_view name);

// The fields a life-cycle action (`renda suggestion ACTION`) takes, `date`
// (when it happened, YYYY-MM-DD) included; nullptr for an unknown action.
const std::vector<FieldInfo>* actionFields(std::string_view action);

// The one of `fields` whose name is nearest to `typed` (fewest letters to
// add, drop, change or swap, ignoring case), for "did you mean". nullptr when
// `fields` is empty.
const FieldInfo* nearestField(const std::vector<FieldInfo>& fields, std::string_view typed);

// Letters to add, drop, change or swap (adjacent) to turn `a` into `b`,
// ignoring ASCII case (optimal string alignment distance).
size_t editDistance(std::string_view a, std::string_view b);

}  // namespace renda::domain
