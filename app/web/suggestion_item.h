// SPDX-License-Identifier: Apache-2.0
// A suggestion as the lists of the web API show it (GET /api/suggestions,
// the home page's overdue and near-deadline lists):
// {"id","number","title","lead","leadName","state","stateLabel","deadline",
//  "overdue","township","level"}.
#pragma once

#include <map>
#include <string>

#include "app/output/json.h"
#include "core/domain/reports.h"

namespace renda::app {

// Deputy id (hex) -> name, for "leadName".
std::map<std::string, std::string> deputyNames(const domain::Dataset& data);

void suggestionItemJson(Json& j, const domain::SuggestionView& v,
                        const std::map<std::string, std::string>& names, uint64_t nowMs);

}  // namespace renda::app
