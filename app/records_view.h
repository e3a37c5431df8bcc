// SPDX-License-Identifier: Apache-2.0
// Presenting records: JSON for --json and the web API, text for people.
#pragma once

#include <string>

#include "app/json.h"
#include "core/record.h"
#include "storage/store.h"

namespace renda::app {

// Writes one record as a JSON object into `j`.
void recordJson(Json& j, const Record& r);
// The record's headline: name / title / type, whichever it has.
std::string recordTitle(const Record& r);
// Text block for `renda KIND show`.
std::string recordText(const Record& r, storage::Store& store);

}  // namespace renda::app
