// SPDX-License-Identifier: Apache-2.0
// What the domain fold needs from a store: the county's (or a township's)
// settings and the memberships of every key.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

// --- checks before writing (shared by the CLI verbs and `renda demo --county`) ---

// The fields a new record of `kind` must have: what `renda KIND add` insists on
// (the required ones of core/domain/fields.h).
const std::vector<std::string>& requiredFields(RecordKind kind);

// The settings that govern a new record with `fields` in `scope`: a
// township-level suggestion's township's (if it keeps its own), a duty record's
// township's, else the county's.
Result<domain::Config> configForNew(storage::Store& store, RecordKind kind,
                                    const std::vector<Field>& fields, const std::string& scope);

// A new record's taxonomy values (a suggestion's category, a duty record's
// type) must be in `config`'s lists. Usage error naming the allowed values.
// Fields with a format of their own (a station's receptionSchedule, see
// core/domain/schedule.h); checked on add (inside checkTaxonomy) and on edit.
Status checkFieldFormats(RecordKind kind, const std::vector<Field>& fields);
Status checkTaxonomy(const domain::Config& config, RecordKind kind,
                     const std::vector<Field>& fields);

// The data fields of a life-cycle event, from `--NAME VALUE` options as
// `renda suggestion ACTION` takes them: a unit, deputy or rater given by its
// number or name (app/node/find_record.h) becomes its full id; dates must be YYYY-MM-DD; an outcome must be in the scheme of the
// settings governing `suggestion`. Usage or NotFound otherwise, with the
// option at fault in *badField when given.
Result<std::vector<Field>> eventFields(storage::Store& store, const Record& suggestion,
                                       const std::vector<std::pair<std::string, std::string>>& options,
                                       std::string* badField = nullptr);

// Whether the event would be applied if `author` appended it now: the
// suggestion's state and the author's role (domain::checkEvent) under the
// settings governing it. Refused with the reason and "nothing was recorded".
Status checkLifeCycleEvent(storage::Store& store, const MemberTable& members,
                           const Record& suggestion, const PublicKey& author,
                           const std::string& action, const std::vector<Field>& fields,
                           uint64_t nowMs);

// A refusal of core/domain (worded in English there) in the current language
// (app/i18n/strings.h): the ones a clerk meets are in the string table as
// core.* lines keyed by their English text; any other stays as it is.
std::string domainMessage(const std::string& english);

// A date as YYYY-MM-DD with its zeros (2026-1-5 is 2026-01-05), so that
// dates sort and compare as text; anything else as it is.
std::string paddedDate(const std::string& value);

}  // namespace renda::app
