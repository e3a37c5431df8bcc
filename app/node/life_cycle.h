// SPDX-License-Identifier: Apache-2.0
// Taking a suggestion life-cycle action (domain.md §3.2) the one way every
// entry point does: `renda suggestion ACTION` and the web API's
// POST /api/suggestions/REF/actions/ACTION. The action's fields as a person
// gives them, the state and role checks of the fold (checkLifeCycleEvent),
// then one signed change; a refused action writes nothing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/node/node.h"
#include "core/domain/suggestion.h"

namespace renda::app {

// Takes `action` on `suggestion` with `options` (field name, value as typed:
// a unit or deputy by its number, `keep` by a rating's result or number).
// Returns the suggestion's folded view after the change. Usage or NotFound for
// bad fields, naming the field at fault in *badField when given (the web
// marks it on the form); Refused, with the reason and "nothing was recorded",
// when the suggestion's state or this node's role does not allow it.
Result<domain::SuggestionView> takeLifeCycleAction(
    Node& node, const Record& suggestion, const std::string& action,
    const std::vector<std::pair<std::string, std::string>>& options,
    std::string* badField = nullptr);

// The actions this node could take on `suggestion` now: for each action, a
// dry run of checkLifeCycleEvent with sample data for its needed fields (a
// unit the suggestion has, a fresh one for an assignment, ...). Writes nothing.
// An action that passes may still be refused for the data a person then gives.
Result<std::vector<std::string>> allowedLifeCycleActions(Node& node, const Record& suggestion);

}  // namespace renda::app
