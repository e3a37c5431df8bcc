// SPDX-License-Identifier: Apache-2.0
// Records and the merge: a record is a pure, deterministic fold of the changes
// that touch it. Each edit names the record versions it follows (`parents`), so
// the record's versions form a DAG. For each field, the values that survive are
// those set by versions no other setter of that field follows: one survivor is
// the value, several are a conflict, all kept. The value shown during a conflict
// is the survivor with the longest causal history (depth), then the highest id:
// no wall clock is ever consulted. Applying the same set of changes in any
// causal order yields byte-identical records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/change.h"
#include "core/status.h"

namespace renda {

// One version of a record: the change that created or edited it.
struct RecordVersion {
  ChangeId id;
  std::vector<ChangeId> parents;
  uint32_t depth = 1;  // 1 + the greatest depth among parents
  PublicKey author;
  uint64_t hlc = 0;
  // False for a change kept as evidence but not applied (its author was revoked
  // past the cut-off, frozen by a fork, or wrote outside its township).
  bool applied = true;
  // A life-cycle event ("register", "cosign", ...) and its data; empty for a
  // plain field edit. Events never touch `Record::fields`: core/domain folds them.
  std::string action;
  std::vector<Field> eventFields;
  bool operator==(const RecordVersion&) const = default;
};

// A value that nothing newer has superseded.
struct FieldCandidate {
  ChangeId id;         // the version that set it
  uint32_t depth = 0;  // that version's depth
  std::string value;
  bool operator==(const FieldCandidate&) const = default;
};

struct FieldState {
  // Survivors, the shown value first: depth descending, then id descending.
  std::vector<FieldCandidate> candidates;
  const std::string& value() const { return candidates.front().value; }
  bool conflicted() const { return candidates.size() > 1; }
  bool operator==(const FieldState&) const = default;
};

struct Record {
  RecordId id;  // the id of the creating change
  RecordKind kind = RecordKind::kDeputy;
  std::string scope;      // owning township; "" for a county record
  bool visible = true;    // false when the creating change was not applied
  std::vector<RecordVersion> versions;  // sorted by id
  std::map<std::string, FieldState> fields;

  const RecordVersion* version(const ChangeId& id) const;
  // The current versions nothing follows: what a new edit names as parents.
  std::vector<ChangeId> heads() const;
  uint64_t createdHlc() const;
  uint64_t updatedHlc() const;
  // Shown value of a field, or nullopt when never set.
  std::optional<std::string> get(const std::string& name) const;
  bool hasConflicts() const;
  bool operator==(const Record&) const = default;
};

// Starts a record from its creating change.
// REQUIRES: change.op == kCreate and id is that change's id.
Record createRecord(const Change& change, const ChangeId& id, bool applied);

// Folds one edit into the record. `applied` false keeps the version in the DAG
// without taking its values. InvalidInput when the change edits another record,
// or names a parent version the record does not have.
Status applyUpdate(Record& record, const Change& change, const ChangeId& id, bool applied);

// A change plus what merge needs to know about it.
struct FoldInput {
  ChangeId id;
  const Change* change;
  bool applied;
};

// Rebuilds a record from all of its changes, in any order given: they are
// sorted causally, ties by id. InvalidInput when no creating change is among
// them or a parent is missing.
Result<Record> foldRecord(std::vector<FoldInput> inputs);

// Deterministic binary form (for storage and the state digest). Layout:
//   u8 format=2 | id 32 | u8 kind | str scope | u8 visible
//   | u32 nversions | { id 32 | u32 nparents | parent 32* | u32 depth | author 32 | u64 hlc | u8 applied
//                       | str action | u32 nevfields | { str name | str value }* }*
//   | u32 nfields | { str name | u32 ncand | { id 32 | u32 depth | str value }* }*
// where str = u32 length + bytes; integers little-endian.
std::string encodeRecord(const Record& record);
// Corruption on any defect (our own store is the only source of these bytes).
Result<Record> decodeRecord(crypto::Bytes bytes);
// The id of an encoded record, without decoding the rest.
Result<RecordId> recordIdOf(crypto::Bytes bytes);

}  // namespace renda
