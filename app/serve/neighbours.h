// SPDX-License-Identifier: Apache-2.0
// The neighbours a node syncs with by itself: the data folder's `neighbours`
// file, one HOST:PORT per line ('#' starts a comment), which `renda
// neighbour add|remove` edit and `renda serve` reads at start and whenever it
// changes.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace renda::app {

std::string neighboursPath(const std::string& dataDir);
// The addresses in the file, in order, without duplicates (none when there is
// no file). Usage, naming the line, for a line that is not HOST:PORT.
Result<std::vector<std::string>> readNeighbours(const std::string& dataDir);
// Adds or removes one (written whole under a temporary name, then renamed).
// Adding one already there, or removing one that is not, is Usage.
Status addNeighbour(const std::string& dataDir, const std::string& hostPort);
Status removeNeighbour(const std::string& dataDir, const std::string& hostPort);

}  // namespace renda::app
