// SPDX-License-Identifier: Apache-2.0
// Writing a new record, or an edit, the one way every entry point does
// (`renda KIND add|edit`, the web API's POST and PUT /api/records/KIND, ...): the field values as the store keeps
// them, the township the record belongs to, the settings' checks, then one
// signed change through Node::write.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node/node.h"
#include "core/domain/fields.h"

namespace renda::app {

// `value` as the store keeps it for `field`: a reference given as a record's
// number (its id or a prefix of it) becomes the full id; anything else as it
// is. NotFound (or Usage for an ambiguous prefix) when no record has it.
Result<std::string> storedValue(storage::Store& store, const domain::FieldInfo& field,
                                const std::string& value);

// Writes a new record of `kind` with `fields` (stored values, see
// storedValue; the caller has checked the required ones). A township node
// writes for its own township only (`township`, when given, must be it); the
// county office writes for `township`, or for the county when nullopt. The
// settings' lists (a category, a duty type) and formats are checked first.
// Returns the new record's id.
Result<RecordId> addRecord(Node& node, RecordKind kind, std::vector<Field> fields,
                           const std::optional<std::string>& township);

// Edits record `id` (`renda KIND edit`, the web API's PUT /api/records/KIND/
// REF): sets `fields` (stored values, see storedValue) after every head of the
// record, which also resolves a conflict of those fields. Formats are checked
// first; for a suggestion, one writer per field group
// (core/domain/field_groups.h): Refused, with the reason and "nothing was
// recorded", when the field group belongs to another node. Returns the
// change's id.
Result<ChangeId> editRecord(Node& node, const RecordId& id, std::vector<Field> fields);

}  // namespace renda::app
