// SPDX-License-Identifier: Apache-2.0
// kill -9 in the middle of a large sync: a township's backlog of a few
// thousand changes (written in bulk, in-process, before any node serves)
// travels to the county office, both nodes `renda serve` processes on
// loopback; the test kills one of them (mostly the receiver, the county) at
// seeded points and restarts it.
// What a node held before a kill is still there after it (its commits were
// acknowledged), and in the end the new node holds every change, with the
// same digest, and passes `renda verify`. RENDA_SEED=N picks the kill points.
#include <random>

#include "tests/multinode/multinode_fixtures.h"

namespace renda::multinode {

namespace {

#ifdef RENDA_SANITIZED_BUILD
constexpr int kBacklog = 10000;  // every process runs several times slower
#else
constexpr int kBacklog = 20000;
#endif
constexpr int kKills = 8;
constexpr uint64_t kKillWindowMs = 5000;
constexpr uint64_t kLinkBytesPerSecond = 100'000;

}  // namespace

TEST_CASE("kill -9 mid-sync: the node resyncs after a restart and keeps what it committed",
          "[multinode][kill]") {
  uint64_t seed = envNumber("RENDA_SEED", 1);
  std::cout << "multinode kill seed " << seed << " (RENDA_SEED=" << seed << " to repeat)"
            << std::endl;
  std::mt19937_64 rng(seed);
  Cluster c;
  // The receiver is the county office, which syncs with 城关镇 ("t1") as soon
  // as it starts; t1 sends its backlog.
  const std::string receiver = "county", sender = "t1";
  setUpCounty(c, {"城关镇"});
  const int64_t start = c.changes(receiver);
  writeBacklog(c.path(sender), kBacklog);
  const int64_t total = c.changes(sender);
  REQUIRE(total >= start + kBacklog);

  // A slow link between them, so kills land all along the sync.
  FaultProxy link("county>t1", c.declareServe(sender).port, seed);
  link.setRate(kLinkBytesPerSecond);
  c.declareServe(receiver).peers = {link.port()};
  auto startSender = [&] { c.start(sender, [&](uint16_t port) { link.setTarget(port); }); };
  std::vector<std::string> trace;
  try {
    startSender();
    int midSync = 0;
    for (int k = 0; k < kKills; ++k) {
      c.start(receiver);
      uint64_t afterMs = 20 + rng() % kKillWindowMs;
      sleepMs(afterMs);
      c.requireRunning({receiver, sender});
      if (rng() % 4 == 0) {
        int64_t had = c.changes(receiver);
        c.kill9(sender);
        startSender();
        trace.push_back("kill -9 of the sender " + std::to_string(afterMs) +
                        " ms into the session; the receiver held " + std::to_string(had));
        sleepMs(20 + rng() % kKillWindowMs);
      }
      int64_t before = c.changes(receiver);
      c.kill9(receiver);
      int64_t after = c.changes(receiver);
      midSync += before < total;
      trace.push_back("kill -9 of the receiver " + std::to_string(afterMs) +
                      " ms after its start: " + std::to_string(before) + " changes before, " +
                      std::to_string(after) + " after (of " + std::to_string(total) + ")");
      INFO(trace.back());
      REQUIRE(after >= before);
      if (k % 3 == 2) c.ok(receiver, {"verify"});
    }
    c.start(receiver);
    uint64_t t0 = steadyNowMs();
    while (c.changes(receiver) < total && steadyNowMs() - t0 < 60'000) {
      c.requireRunning({receiver, sender});
      sleepMs(200);
    }
    uint64_t tookMs = steadyNowMs() - t0;
    INFO("the receiver after its last restart");
    REQUIRE(c.changes(receiver) == total);
    REQUIRE(c.digest(receiver) == c.digest(sender));
    c.ok(receiver, {"verify"});
    c.requireRunning({receiver, sender});
    std::cout << "multinode kill seed " << seed << ": " << total - start << " changes, " << kKills
              << " kills of the receiver (" << midSync
              << " mid-sync); after the last restart it took " << tookMs << " ms" << std::endl;
    for (const auto& t : trace) std::cout << "  " << t << "\n";
  } catch (...) {
    std::cout << "==== multinode kill seed " << seed << " failed (RENDA_SEED=" << seed
              << " repeats it)\n";
    for (const auto& t : trace) std::cout << "  " << t << "\n";
    std::cout << c.logTails(30);
    throw;
  }
}

}  // namespace renda::multinode
