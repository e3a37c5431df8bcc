// SPDX-License-Identifier: Apache-2.0
// A township's backlog over a slow uplink that drops every few seconds (the
// issue's "uplink that works two hours a day", at its worst): each session
// carries part of the backlog before the link drops; what the county
// committed must grow from session to session until it holds everything.
//
// It failed while the receiver committed a session's changes only in units
// of 8,192 changes and the sender's batches were 2,048 changes from the
// start: a session cut before a unit was complete kept nothing, so when the
// link could not carry one unit between drops no session ever committed
// anything. Now a sync stream commits what has arrived whenever the link
// pauses, and a session's batches start at 32 changes and double: each
// session commits a few hundred changes here before its link drops.
#include "tests/multinode/multinode_fixtures.h"

namespace renda::multinode {

TEST_CASE("Slow link: a backlog crosses a link that drops every 3 s", "[multinode][liveness]") {
  constexpr uint64_t kBytesPerSecond = 50'000, kDropEveryMs = 3'000, kWithinMs = 90'000;
  Cluster c;
  setUpCounty(c, {"城关镇"});
  writeBacklog(c.path("t1"), 4000);
  const int64_t total = c.changes("t1");
  FaultProxy link("county>t1", c.declareServe("t1").port, 1);
  link.setRate(kBytesPerSecond);
  c.declareServe("county").peers = {link.port()};
  c.start("t1", [&](uint16_t port) { link.setTarget(port); });
  c.start("county");
  uint64_t t0 = steadyNowMs();
  std::vector<int64_t> seen;
  while (steadyNowMs() - t0 < kWithinMs) {
    sleepMs(kDropEveryMs);
    link.cutAll();
    seen.push_back(c.changes("county"));
    if (seen.back() == total) break;
  }
  std::string counts;
  for (int64_t n : seen) counts += std::to_string(n) + " ";
  INFO("the county's changes after each drop: " << counts << "(of " << total << ")\n"
                                                << link.journal(6) << c.logTails(6));
  CHECK(seen.back() == total);
  // Every drop left more than the one before, until all was there.
  for (size_t i = 1; i < seen.size(); ++i) CHECK((seen[i] > seen[i - 1] || seen[i] == total));
}

}  // namespace renda::multinode
