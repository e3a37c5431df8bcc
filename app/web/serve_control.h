// SPDX-License-Identifier: Apache-2.0
// What the web API asks of `renda serve`'s scheduler (app/serve/server.cpp):
// the neighbours it is working with right now, and a sync at once. The
// scheduler implements it on the event loop the web API also runs on.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"

namespace renda::app {

// A neighbour as the scheduler knows it now.
struct LiveNeighbour {
  std::string address;      // HOST:PORT
  bool running = false;     // a session with it is under way
  bool configured = false;  // from the neighbours file or --neighbour
  bool discovered = false;  // found on the LAN
  uint32_t failures = 0;    // failed tries in a row
};

// How one session of a sync asked for ended.
struct SyncOutcome {
  std::string address;
  bool ok = false;
  std::string message;  // describeSession()
  uint64_t sent = 0, received = 0, notApplied = 0;
};

class ServeControl {
 public:
  virtual ~ServeControl() = default;
  virtual std::vector<LiveNeighbour> liveNeighbours() const = 0;
  virtual bool discoveryOn() const = 0;
  // Starts a session with every neighbour, or with the one at `address`
  // (NotFound when it is none), at once; one already under way counts.
  // `done` is called on the loop once they all ended.
  virtual Status syncNow(const std::string& address,
                         std::function<void(std::vector<SyncOutcome>)> done) = 0;
};

}  // namespace renda::app
