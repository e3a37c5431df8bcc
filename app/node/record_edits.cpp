// SPDX-License-Identifier: Apache-2.0
#include "app/node/record_edits.h"

#include "app/node/domain_glue.h"
#include "core/domain/field_groups.h"

namespace renda::app {

Result<std::string> storedValue(storage::Store& store, const domain::FieldInfo& field,
                                const std::string& value) {
  if (field.type != domain::FieldType::kReference || value.empty()) return value;
  auto id = store.findRecord(*field.refers, value);
  if (!id) return id.status();
  return toHex(*id);
}

Result<RecordId> addRecord(Node& node, RecordKind kind, std::vector<Field> fields,
                           const std::optional<std::string>& township) {
  auto self = node.self();
  if (!self) return self.status();
  storage::LocalEdit edit;
  edit.op = OpKind::kCreate;
  edit.kind = kind;
  edit.fields = std::move(fields);
  if (self->role == Role::kTownship) {
    edit.scope = self->township;
    if (township && *township != self->township)
      return Status::refused("this node writes records of " + self->township + " only");
  } else {
    edit.scope = township.value_or("");
  }
  auto cfg = configForNew(node.store(), kind, edit.fields, edit.scope);
  if (!cfg) return cfg.status();
  RENDA_TRY(checkTaxonomy(*cfg, kind, edit.fields));
  auto id = node.write(edit);
  if (!id) return id.status();
  return RecordId(*id);
}

Result<ChangeId> editRecord(Node& node, const RecordId& id, std::vector<Field> fields) {
  if (fields.empty()) return Status::usage("say what to change, e.g. --name 李四");
  auto record = node.store().record(id);
  if (!record) return record.status();
  RENDA_TRY(checkFieldFormats(record->kind, fields));
  if (record->kind == RecordKind::kSuggestion) {
    // The node's own membership: after a restore the device key is replaced by
    // a successor with the same township and role, so the verdict is the same.
    auto self = node.self();
    if (!self) return self.status();
    auto members = MemberTable::load(node.store());
    if (!members) return members.status();
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.name);
    Status ok = domain::checkFieldEdit(*record, (*members)->lookup(), self->subject, names);
    if (!ok) return Status::refused(ok.message() + "; nothing was recorded");
  }
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = id;
  edit.fields = std::move(fields);
  return node.write(edit);
}

}  // namespace renda::app
