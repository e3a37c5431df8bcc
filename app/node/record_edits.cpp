// SPDX-License-Identifier: Apache-2.0
#include "app/node/record_edits.h"

#include "app/node/domain_glue.h"

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

}  // namespace renda::app
