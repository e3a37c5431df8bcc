// SPDX-License-Identifier: Apache-2.0
// Help texts for people: `renda --help`, `renda COMMAND --help` (every option
// on a line of its own, and for record commands every field with its Chinese
// label) and `renda GROUP --help` (`renda deputy --help`: the group's verbs,
// and its record kind's fields).
#pragma once

#include <string>

#include "app/cli/cli.h"
#include "core/domain/fields.h"

namespace renda::app {

// `renda --help`: every command with its summary, the exit codes.
std::string mainHelp();
// `renda COMMAND --help`.
std::string commandHelp(const Command& command);
// `renda GROUP --help` for the commands named "GROUP ...". REQUIRES: at least
// one command's name begins with `group` and a space.
std::string groupHelp(const std::string& group);

// What a field's value looks like in help and usage lines: 男|女, YYYY-MM-DD,
// DEPUTY (a deputy's number), TEXT, ...
std::string fieldPlaceholder(const domain::FieldInfo& field);

}  // namespace renda::app
