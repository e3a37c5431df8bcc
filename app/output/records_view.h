// SPDX-License-Identifier: Apache-2.0
// Presenting records: JSON for --json and the web API, text for people.
#pragma once

#include <string>

#include "app/output/json.h"
#include "core/domain/config.h"
#include "core/domain/suggestion.h"
#include "core/record.h"
#include "storage/store.h"

namespace renda::app {

// Writes one record as a JSON object into `j`. With a store, a suggestion's
// object also holds its folded life cycle under "lifecycle" (state, number,
// round, deadline, units, evaluations, supervision, and every event with
// whether it was applied and why not); see suggestionJson().
void recordJson(Json& j, const Record& r, storage::Store* store = nullptr);
// The life cycle of a suggestion as a JSON object; overdue and near-deadline
// are computed at `nowMs`. Unit names are read from `store`.
void suggestionJson(Json& j, const domain::SuggestionView& v, const domain::Config& config,
                    uint64_t nowMs, storage::Store& store);
// The record's headline: name / title / type, whichever it has.
std::string recordTitle(const Record& r);
// Text block for `renda KIND show`; for a suggestion, with its life cycle.
std::string recordText(const Record& r, storage::Store& store);

}  // namespace renda::app
