// SPDX-License-Identifier: Apache-2.0
// Records as the web API names and shows them: a record kind by the CLI's word
// (`deputy`, `duty`, ...), a record by what a clerk types (REF: its id or a
// prefix of at least 4 hex digits, a suggestion's official number, or a name),
// and a record or a reference by its label, never by a 64-hex key.
#pragma once

#include <optional>
#include <string>
#include <variant>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/output/json.h"
#include "app/web/web_app.h"
#include "core/domain/fields.h"

namespace renda::app {

// The record kind the CLI calls `word` (`renda WORD add`), or nullopt.
std::optional<RecordKind> kindFromWord(const std::string& word);

// The one record of `kind` that `text` names, as the CLI finds it
// (findRecord, app/node/find_record.h): an id or a prefix of at least 4 hex
// digits, a suggestion's official number or title, else a name. Otherwise the
// answer to give, in the request's language: 400 invalid for no text, 404 not_found when none
// does, 409 ambiguous with `choices` [{"id","label"}] when several do.
// The one place the web API reads a REF.
std::variant<Record, WebResponse> resolveRef(storage::Store& store, RecordKind kind,
                                             const std::string& text);

// A reference typed in a form or an action's field (an id, a prefix, a
// name, a number) as the record id the store keeps; a list of them
// (kReferences) separated by ','. None found: 400 with the field named.
std::variant<std::string, WebResponse> storedRef(storage::Store& store,
                                                 const domain::FieldInfo& info,
                                                 const std::string& value);

// What a person calls a record: its name, title or type; a suggestion's
// number and title; else its kind's label and the start of its id.
std::string recordLabel(storage::Store& store, const Record& r);
// The same, a suggestion's number read from `cached` (when given) instead of
// folding the suggestion again.
std::string recordLabel(storage::Store& store, const Record& r, const StoreData* cached);

// A field's value as a person reads it: a reference (or a list of them) by
// the label of the record it names, or as it is when this node lacks it; a
// choice by its label (choiceLabel).
std::string displayValue(storage::Store& store, const domain::FieldInfo* field,
                         const std::string& value);
// A choice value as the pages show it: "lead" of 承办方式 as 主办, "yes" as
// 是 (the table's choice.* lines), in `lang`; any other value as it is.
std::string choiceLabel(const domain::FieldInfo& field, const std::string& value, i18n::Lang lang);

// One record as the web API answers it (RECORD in docs/api.md):
// {"id","kind","label","township","createdMs","updatedMs","fields":{NAME:VALUE},
// "display":{NAME:TEXT},"conflicts":[{"field","fieldLabel","values":[...]}]}
// without closing the object, so that the caller may add to it. `r` has been
// through presentRecord (personal fields clear or masked).
void beginRecordJson(Json& j, storage::Store& store, const MemberTable& members, const Record& r);

// The values of a field in conflict: [{"value","display","change","node",
// "nodeName","atMs","at"}], the shown one first.
void conflictValuesJson(Json& j, storage::Store& store, const MemberTable& members,
                        const Record& r, const std::string& field);

// A query parameter's value, or "".
std::string queryOf(const WebRequest& request, const std::string& name);

// `page` (from 1, default 1) and `pageSize` (1 to 500, default 50) of a list.
struct Paging {
  size_t page = 1, pageSize = 50;
  size_t from() const { return (page - 1) * pageSize; }
  // Writes "page" and "pageSize" and "total" into the open object.
  void json(Json& j, size_t total) const;
};
std::variant<Paging, WebResponse> pagingOf(const WebRequest& request);

// A node as people know it: its membership's label, else the start of its key.
std::string nodeName(const MemberTable& members, const PublicKey& key);

}  // namespace renda::app
