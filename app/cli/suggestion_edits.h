// SPDX-License-Identifier: Apache-2.0
// Checks of a plain field edit of a suggestion before it is signed: one
// writer per field group (core/domain/field_groups.h). The store applies the
// same rule to every change it receives; checking first means a refused edit
// writes nothing on this node.
#pragma once

#include <vector>

#include "app/cli/cli.h"
#include "core/record.h"

namespace renda::app {

// Whether this node may set `fields` of suggestion `id` now. Refused, with the
// reason and "nothing was recorded", when the field group belongs to another
// node (the county office's after registration, the level fixed at entry).
// Writes nothing either way.
Status checkSuggestionEdit(Node& node, const RecordId& id, const std::vector<Field>& fields);

}  // namespace renda::app
