// SPDX-License-Identifier: Apache-2.0
// What `renda status --json` and the web API's GET /api/status say about a
// node: its identity, counts, conflicts, forks, members and neighbours.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node/node.h"
#include "app/output/dataset.h"
#include "app/output/json.h"
#include "app/serve/neighbours.h"

namespace renda::app {

// What `renda status` shows, read at once.
struct NodeStatus {
  storage::StoreStatus store;
  std::optional<PublicKey> key;                  // none before `renda init`
  std::optional<storage::NetworkInfo> network;   // none before joining
  std::optional<Membership> self;                // none before enrollment
  std::vector<Membership> members;
  std::vector<NeighbourView> neighbours;
  std::vector<std::string> notAdmitted;  // "KEY: why" for certified keys not admitted
};
Result<NodeStatus> nodeStatus(Node& node);

// One fork's fields (node, from, settled, frozen, tips) into the object `j`
// has open, as `renda status --json` lists them.
void forkJson(Json& j, storage::Store& store, const storage::ForkInfo& f);

// Writes the node's status as fields into the object `j` has open (the
// caller begins and ends it, and may add fields of its own).
Status statusJson(Json& j, Node& node);

// "duplicateNumbers": [{"number", "suggestions": [{"id", "title", "township"}]}]
// into the object `j` has open: the official numbers two suggestions hold
// (duplicateNumbers, app/output/dataset.h), as renda status lists them.
void duplicateNumbersJson(Json& j, const std::vector<domain::SuggestionView>& suggestions);

}  // namespace renda::app
