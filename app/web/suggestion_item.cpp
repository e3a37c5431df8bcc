// SPDX-License-Identifier: Apache-2.0
#include "app/web/suggestion_item.h"

#include "core/domain/config.h"

namespace renda::app {

std::map<std::string, std::string> deputyNames(const domain::Dataset& data) {
  std::map<std::string, std::string> names;
  for (const auto& d : data.deputies) names[toHex(d.id)] = d.get("name").value_or("");
  return names;
}

void suggestionItemJson(Json& j, const domain::SuggestionView& v,
                        const std::map<std::string, std::string>& names, uint64_t nowMs) {
  auto name = names.find(v.lead);
  j.beginObject().field("id", toHex(v.id)).field("number", v.number).field("title", v.title);
  j.field("lead", v.lead).field("leadName", name == names.end() ? "" : name->second);
  j.field("state", domain::stateName(v.state)).field("stateLabel", domain::stateLabel(v.state));
  if (v.deadlineMs) j.field("deadline", domain::formatDate(v.deadlineMs));
  else j.key("deadline").null();
  j.key("overdue").boolean(v.overdue(nowMs));
  j.field("township", v.scope).field("level", v.level);
  j.endObject();
}

}  // namespace renda::app
