// SPDX-License-Identifier: Apache-2.0
// What the domain fold needs from a store: the county's (or a township's)
// settings and the memberships of every key.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/domain/config.h"
#include "core/domain/suggestion.h"
#include "storage/store.h"

namespace renda::app {

// Settings for records of `township` ("" = county): that township's settings
// record if it has one, else the county's, else the defaults.
Result<domain::Config> configFor(storage::Store& store, const std::string& township);

// A snapshot of every membership, usable as a domain::MemberLookup.
class MemberTable {
 public:
  static Result<std::shared_ptr<MemberTable>> load(storage::Store& store);
  const Membership* find(const PublicKey& k) const;
  domain::MemberLookup lookup() const {
    return [this](const PublicKey& k) { return find(k); };
  }

 private:
  std::map<PublicKey, Membership> members_;
};

// Folds a suggestion record with the store's settings and members.
Result<domain::SuggestionView> suggestionView(storage::Store& store, const Record& record);

}  // namespace renda::app
