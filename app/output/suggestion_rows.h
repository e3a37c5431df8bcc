// SPDX-License-Identifier: Apache-2.0
// The suggestions list as clerks read it: official number, title, lead
// deputy's name, state and deadline (`renda suggestion list`; the web API's
// list can share the rows).
#pragma once

#include <string>
#include <vector>

#include "core/domain/suggestion.h"
#include "storage/store.h"

namespace renda::app {

struct SuggestionRow {
  RecordId id;
  std::string number;  // the official number; "" until registered
  std::string title;
  std::string lead;      // the lead deputy's name; "" when none is named
  std::string township;  // "" for the county
  domain::SuggestionState state = domain::SuggestionState::kDraft;
  uint64_t deadlineMs = 0;  // 0 when there is none
  bool overdue = false;     // at nowMs
};

// One row per suggestion of `records`, in their order, folded with the
// settings that govern each (read once per township).
Result<std::vector<SuggestionRow>> suggestionRows(storage::Store& store,
                                                  const std::vector<Record>& records,
                                                  uint64_t nowMs);
// Aligned text with a heading line: 编号 标题 领衔代表 状态 办理期限 (in the
// current language). A suggestion not registered yet shows its record number
// (the first 12 digits of its id) in brackets: what `show` and the life-cycle
// commands take until it has an official one.
std::string suggestionTable(const std::vector<SuggestionRow>& rows);

}  // namespace renda::app
