// SPDX-License-Identifier: Apache-2.0
#include "app/cli/suggestion_edits.h"

#include "app/node/domain_glue.h"
#include "core/domain/field_groups.h"

namespace renda::app {

Status checkSuggestionEdit(Node& node, const RecordId& id, const std::vector<Field>& fields) {
  auto record = node.store().record(id);
  if (!record) return record.status();
  // The node's own membership: after a restore the device key is replaced by a
  // successor with the same township and role, so the verdict is the same.
  auto self = node.self();
  if (!self) return self.status();
  auto members = MemberTable::load(node.store());
  if (!members) return members.status();
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.name);
  Status ok = domain::checkFieldEdit(*record, (*members)->lookup(), self->subject, names);
  if (!ok) return Status::refused(ok.message() + "; nothing was recorded");
  return Status::ok();
}

}  // namespace renda::app
