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
// number (its id or a prefix of it) or name (app/node/find_record.h) becomes
// the full id; anything else as it is. NotFound when no record has it, Usage
// listing the choices when several have it.
Result<std::string> storedValue(storage::Store& store, const domain::FieldInfo& field,
                                const std::string& value);

// A value typed for a choice field (a deputy's --gender, a suggestion's
// --level, ...) must be one of its allowed values (FieldInfo::hint, or a word
// the domain takes for one: township/county for a level, 主办/协办/分办 for a
// role, 是/否 for yes/no). Usage error listing them otherwise. An empty value
// (clearing the field) passes. Only new input is checked: records already
// held keep whatever values they have. A duty record's type is checked
// against the settings' list instead (checkTaxonomy).
Status checkChoice(const domain::FieldInfo& field, const std::string& value);

// The choice `value` stands for, as it is stored: 乡镇级 for township or 乡镇
// (乡镇 for a unit's level), lead for 主办, yes for 是, 满意 for satisfied;
// any other value as it is.
std::string canonicalChoice(const domain::FieldInfo& field, const std::string& value);

// Whether the county knows `township`: a township record of that name, or a
// node enrolled for it. Refused (township.unknown, naming the known ones)
// otherwise.
Status checkTownshipKnown(storage::Store& store, const std::string& township);

// Writes a new record of `kind` with `fields` (stored values, see
// storedValue; the caller has checked the required ones). A township node
// writes for its own township only (`township`, when given, must be it); the
// county office writes for `township`, or for the county when nullopt. The
// settings' lists (a category, a duty type) and formats are checked first.
// A handling unit whose name another unit of the same township (or the
// county) has already is refused, naming that unit, unless `allowSameName`
// (a real second unit of that name: `renda unit add --allow-same-name`);
// so is a deputy with the name and level of one of the township's (or the
// county's), unless `allowSameName` (a namesake: `renda deputy add
// --allow-same-name`, the web's "allowSameName": "yes").
// Returns the new record's id.
struct AddOptions {
  bool allowSameName = false;
};
Result<RecordId> addRecord(Node& node, RecordKind kind, std::vector<Field> fields,
                           const std::optional<std::string>& township, AddOptions options = {});

// Edits record `id` (`renda KIND edit`, the web API's PUT /api/records/KIND/
// REF): sets `fields` (stored values, see storedValue) after every head of the
// record, which also resolves a conflict of those fields. Formats are checked
// first; for a suggestion, one writer per field group
// (core/domain/field_groups.h): Refused, with the reason and "nothing was
// recorded", when the field group belongs to another node. Returns the
// change's id.
// A deputy renamed (or given a level) so that they have the name and level
// of another deputy of their township is refused, naming that one, unless
// `options.allowSameName` (`renda deputy edit --allow-same-name`, the web's
// "allowSameName": "yes").
Result<ChangeId> editRecord(Node& node, const RecordId& id, std::vector<Field> fields,
                            AddOptions options = {});

}  // namespace renda::app
