// SPDX-License-Identifier: Apache-2.0
// Finding the record a person means, the way clerks refer to records: a
// suggestion by its official number (闭-2026-001), a deputy, unit, station,
// township, group, term or session by its name, and any record by its number
// as `renda KIND list` prints it (the first characters of its id, at least 4).
// A name that several records share gives the choices with what tells them
// apart, never a guess. The command line and the web API both use it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/store.h"

namespace renda::app {

// One record a text may name, for a person to choose from.
struct RecordChoice {
  RecordId id;
  // Its name (or number and title) and what tells it apart from the others:
  // "张三（城关镇，县级代表）", "闭-2026-001 关于修缮村道的建议（城关镇）".
  std::string label;
};

// The record of `kind` that `text` names:
//  - a record number: a full id, or the first 4 or more of its hex digits;
//  - for a suggestion: its official number (as registered) or its exact title;
//  - for the other kinds: the exact name (or title) it has, spaces around ignored.
// Several records with that name or number: Usage whose message lists them,
// and their choices in `*choices` when given (web API: 409 "ambiguous").
// None: NotFound, naming records whose name contains the text if any.
Result<Record> findRecord(storage::Store& store, RecordKind kind, const std::string& text,
                          std::vector<RecordChoice>* choices = nullptr);

// An official number as the office wrote it, however it was typed: dashes of
// any kind as "-", full-width digits and letters as ASCII, spaces left out.
std::string plainNumber(const std::string& text);

// The suggestion other than `except` that holds official number `number`
// (read as findRecord reads one: dashes, full-width digits, spaces), if any.
Result<std::optional<Record>> suggestionNumbered(storage::Store& store, const std::string& number,
                                                 const RecordId& except);

// The record's choice label (see RecordChoice::label).
std::string choiceLabel(storage::Store& store, const Record& r);

// What a person calls the record: a deputy's or unit's name, a suggestion's
// official number and title, another record's name or title; never its id
// (the first 12 hex digits of it when it has nothing else).
std::string recordName(storage::Store& store, const Record& r);

}  // namespace renda::app
