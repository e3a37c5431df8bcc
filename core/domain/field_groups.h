// SPDX-License-Identifier: Apache-2.0
// One writer per field group (domain.md §3.5): who may make a plain field
// edit (an update with no life-cycle action) of a suggestion. The deputy's
// text (title, body, lead, category, ... and any field not listed below)
// belongs to the deputy's side — the suggestion's township node or the county
// office — until registration (登记), and from then on to the office that runs
// the suggestion (the county office; the township for a township-level item).
// The office's data (number, assignment, deadlines, replies, outcome) is the
// office's at any time; it is recorded by life-cycle actions, and a plain
// field of that name may be set by the office only. The level (乡镇级/县级)
// decides who the office is, so it is fixed when the suggestion is entered.
//
// An edit is judged where it falls in the suggestion fold's order (causal,
// concurrent office decisions first), so a registration beats an edit of the
// deputy's text made concurrently, as it beats a concurrent withdrawal. The
// verdict is a pure function of the record's versions and the members' roles:
// every node reaches the same one, whatever the arrival order. The store keeps
// a refused edit as evidence, marked not applied (storage/ingest.cpp).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/domain/suggestion.h"
#include "core/record.h"

namespace renda::domain {

enum class FieldGroup {
  kDeputyText,  // the deputy's text: everything not listed below
  kOffice,      // number, unit, units, role, deadline, reply, outcome, docNo, key, ...
  kLevel,       // level: fixed at creation
};
FieldGroup fieldGroupOf(const std::string& field);

// A plain field edit of a record: its version id and the names it sets.
struct FieldEdit {
  ChangeId id;
  std::vector<std::string> fields;
};

// Judges `edits` (plain edits whose versions are in `record`) at their places
// in the fold order. Returns the refused ones, each with a reason a clerk can
// read; edits of records of other kinds are never refused here. Versions not
// in `edits` are not judged (nor are events, which the fold judges).
std::map<ChangeId, std::string> judgeFieldEdits(const Record& record,
                                                const std::vector<FieldEdit>& edits,
                                                const MemberLookup& members);

// Whether a plain edit by `author` setting `fields`, written now after every
// head of `record`, would take effect. Ok, or Refused with the reason. Used
// before signing a local edit, so a refused one writes nothing.
Status checkFieldEdit(const Record& record, const MemberLookup& members, const PublicKey& author,
                      const std::vector<std::string>& fields);

}  // namespace renda::domain
