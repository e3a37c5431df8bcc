// SPDX-License-Identifier: Apache-2.0
#include "app/domain_glue.h"

namespace renda::app {

Result<domain::Config> configFor(storage::Store& store, const std::string& township) {
  auto all = store.list(RecordKind::kSettings);
  if (!all) return all.status();
  const Record* county = nullptr;
  const Record* own = nullptr;
  for (const auto& r : *all) {
    // The lowest id wins when two offices each created a settings record.
    if (r.scope.empty() && !county) county = &r;
    if (!township.empty() && r.scope == township && !own) own = &r;
  }
  if (own) return domain::Config::fromRecord(*own);
  if (county) return domain::Config::fromRecord(*county);
  return domain::Config{};
}

Result<std::shared_ptr<MemberTable>> MemberTable::load(storage::Store& store) {
  auto ms = store.members();
  if (!ms) return ms.status();
  auto t = std::make_shared<MemberTable>();
  for (auto& m : *ms) t->members_.emplace(m.subject, std::move(m));
  return t;
}

const Membership* MemberTable::find(const PublicKey& k) const {
  auto it = members_.find(k);
  return it == members_.end() ? nullptr : &it->second;
}

Result<domain::SuggestionView> suggestionView(storage::Store& store, const Record& record) {
  std::string level = record.get("level").value_or("");
  bool township = level == "township" || level == "乡镇级" || level == "乡镇";
  auto cfg = configFor(store, township ? record.scope : "");
  if (!cfg) return cfg.status();
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  return domain::foldSuggestion(record, *cfg, (*members)->lookup());
}

}  // namespace renda::app
