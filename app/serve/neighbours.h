// SPDX-License-Identifier: Apache-2.0
// The neighbours a node syncs with by itself: the data folder's `neighbours`
// file, one HOST:PORT per line ('#' starts a comment), which `renda
// neighbour add|remove` edit and `renda serve` reads at start and whenever it
// changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node/node.h"
#include "core/status.h"
#include "storage/store.h"

namespace renda::app {

std::string neighboursPath(const std::string& dataDir);
// The addresses in the file, in order, without duplicates (none when there is
// no file). Usage, naming the line, for a line that is not HOST:PORT.
Result<std::vector<std::string>> readNeighbours(const std::string& dataDir);
// Adds or removes one (written whole under a temporary name, then renamed).
// Adding one already there, or removing one that is not, is Usage.
Status addNeighbour(const std::string& dataDir, const std::string& hostPort);
Status removeNeighbour(const std::string& dataDir, const std::string& hostPort);

// A neighbour as `renda status` shows it: the neighbours file's entries and
// every node this one has had sessions with (storage::PeerState).
struct NeighbourView {
  storage::PeerState state;
  bool configured = false;
  std::optional<uint64_t> pending;  // changes waiting to go to it, as far as known
  // Changes it held, when last heard of, that this node lacks (counted by
  // number per author): waiting to come from it, as far as known.
  std::optional<uint64_t> incoming;
};

// Every neighbour of `node`, the file's first, with the changes waiting for each.
Result<std::vector<NeighbourView>> neighbourViews(Node& node);

}  // namespace renda::app
