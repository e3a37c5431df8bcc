// SPDX-License-Identifier: Apache-2.0
// `renda serve`: the node at work. One KJ event loop runs
//   - the listener: every connection gets a session thread (app/serve/session.h),
//     within the caps of core/limits.h (sessions in all, per key, handshakes
//     under way), and an address that broke the protocol is turned away for a
//     while;
//   - the neighbour scheduler (app/serve/neighbours.h): each neighbour is
//     synced every kRoutineMs, at once (within a tick) after the store gained
//     changes (written here, by a separate `renda` command, or brought by
//     another neighbour: so the county relays), and backed off while it
//     cannot be reached;
//   - LAN discovery (net/beacon.h) when it is on;
//   - the watch over open sessions: a key the county revoked is cut off;
//   - the web interface and its JSON API (app/web/), unless --web off.
// The first log line names the node and where it listens, the web
// interface's address included ("web at http://127.0.0.1:7480/").
// Each session ends with one line in the log (stderr). SIGINT or SIGTERM
// ends the server: open sessions are cut (what they committed stays).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/node/node.h"
#include "app/web/http_server.h"
#include "core/status.h"

namespace renda::app {

struct ServeOptions {
  std::string listen = "0.0.0.0:7420";  // "" or "off": no listener (only outgoing sessions)
  std::vector<std::string> neighbours;  // HOST:PORT, besides the data folder's neighbours file
  bool discovery = true;                // the LAN beacon
  uint16_t discoveryPort = 7421;
  bool loopbackDiscovery = false;       // also announce on this computer (several nodes on one)
  uint64_t tickMs = 500;                // how often the scheduler looks
  uint64_t routineMs = 30'000;          // a neighbour is synced at least this often
  uint64_t maxBackoffMs = 60'000;       // the longest wait after failures
  bool quiet = false;                   // no log line for sessions with nothing to do
  uint64_t handshakeTimeoutMs = 0;      // 0: limits::kHandshakeTimeoutMs
  WebOptions web;                       // the web interface (app/web/http_server.h)
};

// Runs until SIGINT or SIGTERM. Fails at once (Usage / Refused) when the
// node cannot sync (see loadSessionKeys) or the address cannot be listened on.
Status serve(Node& node, const ServeOptions& options);

}  // namespace renda::app
