// SPDX-License-Identifier: Apache-2.0
// placeholder, replaced below
#include "app/cli.h"
namespace renda::app {
void addDemoCommands(std::vector<Command>&) {}
}
