// SPDX-License-Identifier: Apache-2.0
// Five `renda serve` processes (the county office and four townships) on
// loopback, each township syncing with the county and with the next township
// in a ring, every link through a seeded fault proxy (tests/multinode/
// fault_proxy.h). Per seed, a schedule of offline edits on random nodes
// (records added and edited; the county and a township editing the same
// deputy at about the same time), partitions switched on and off, kill -9 of
// a node (restarted at once or a few steps later) and faults on every link;
// then everything heals and all five must hold the same digest and the same
// change count within 60 s, pass `renda verify`, and hold every record whose
// `add` was acknowledged. Seeds run in shards (one test case each, so
// `ctest -j` runs them side by side), 5 per shard (2 in a sanitizer build);
// RENDA_SEED=N runs seed N alone (in the first shard), RENDA_SEED_START moves
// the first seed. A failure prints the seed, the schedule as it ran, the
// proxies' last connections and the tail of each node's log;
// RENDA_KEEP_DATA=1 keeps the data folders and logs.
#include <random>
#include <set>

#include "tests/multinode/multinode_fixtures.h"

namespace renda::multinode {
namespace {

const std::vector<std::string> kTownships = {"城关镇", "东风乡", "红旗镇", "新华乡"};
const std::vector<std::string> kNodes = {"county", "t1", "t2", "t3", "t4"};
constexpr uint64_t kHealWindowMs = 60'000;
#ifdef RENDA_SANITIZED_BUILD
constexpr uint64_t kSeedsPerShard = 2;  // every process runs several times slower
#else
constexpr uint64_t kSeedsPerShard = 5;
#endif

// One bundle hop through files: `to`'s summary, `from`'s export, `to`'s import.
void hop(Cluster& c, const std::string& from, const std::string& to) {
  std::string sum = c.path(to + ".summary"), bundle = c.path(from + "-" + to + ".bundle");
  c.ok(to, {"summary", "-o", sum});
  c.ok(from, {"bundle", "export", "--for", sum, "-o", bundle});
  c.ok(to, {"bundle", "import", bundle});
}

// The five data folders, set up once per process (county, enrollments, one
// deputy per township, all carried everywhere) and copied for each seed.
struct Template {
  Cluster c;
  std::vector<std::string> deputies;  // t1..t4's deputy, held by every node
  Template() {
    setUpCounty(c, kTownships);
    for (size_t i = 0; i < kTownships.size(); ++i) {
      std::string n = std::to_string(i + 1), node = "t" + n;
      deputies.push_back(c.json(node, {"deputy", "add", "--name", std::string("基础代表") + n,
                                       "--phone", std::string("1390000000") + n})["id"]
                             .str);
      hop(c, node, "county");
    }
    for (size_t i = 1; i < kNodes.size(); ++i) hop(c, "county", kNodes[i]);
  }
  static Template& get() {
    static Template t;
    return t;
  }
};

struct Edge {
  size_t from, to;  // `from` has `to` as a neighbour, through `proxy`
  std::unique_ptr<FaultProxy> proxy;
};

class FiveNodes {
 public:
  explicit FiveNodes(uint64_t seed) : seed_(seed), rng_(seed) {}

  void run() {
    try {
      setUp();
      int steps = 10 + int(rng_() % 6);
      for (int i = 0; i < steps; ++i) step();
      healAndCheck();
    } catch (...) {
      std::cout << describe();
      throw;
    }
  }

 private:
  uint64_t pick(uint64_t n) { return rng_() % n; }
  void trace(const std::string& what) {
    trace_.push_back(std::to_string((steadyNowMs() - startMs_) / 100 / 10.0).substr(0, 5) + " s  " +
                     what);
  }

  void setUp() {
    startMs_ = steadyNowMs();
    Template& t = Template::get();
    for (const auto& node : kNodes)
      fs::copy(t.c.path(node), c_.path(node), fs::copy_options::recursive);
    deputies_ = t.deputies;
    for (const auto& node : kNodes) c_.declareServe(node);
    for (size_t i = 1; i <= 4; ++i) {
      addEdge(i, 0);
      addEdge(i, i % 4 + 1);
    }
    for (const auto& node : kNodes) startNode(node);
    for (auto& e : edges_) e.proxy->setFaults(FaultWeights::flaky());
    trace("serving; faults on");
  }

  void addEdge(size_t from, size_t to) {
    Edge e{from, to,
           std::make_unique<FaultProxy>(kNodes[from] + ">" + kNodes[to], c_.serve(kNodes[to]).port,
                                        seed_ * 64 + edges_.size())};
    c_.serve(kNodes[from]).peers.push_back(e.proxy->port());
    edges_.push_back(std::move(e));
  }

  void startNode(const std::string& node) {
    c_.start(node, [&](uint16_t port) {
      for (auto& e : edges_)
        if (kNodes[e.to] == node) e.proxy->setTarget(port);
    });
  }

  void step() {
    uint64_t r = pick(100);
    if (r < 35)
      edit(pick(kNodes.size()));
    else if (r < 50)
      concurrentEdit();
    else if (r < 72)
      partition();
    else if (r < 82)
      crash();
    else
      restartDown();
    uint64_t pause = 50 + pick(400);
    sleepMs(pause);
  }

  // 1..3 writes on one node, whatever its links are doing.
  void edit(size_t n) {
    const std::string& node = kNodes[n];
    int writes = 1 + int(pick(3));
    for (int i = 0; i < writes; ++i) {
      std::string tag = std::to_string(++writes_);
      uint64_t what = pick(n == 0 ? 2 : 5);
      if (what == 0) {
        std::vector<std::string> args = {"deputy",  "add",
                                         "--name",  "代表" + tag,
                                         "--phone", "137" + std::to_string(10000000 + writes_)};
        if (n == 0) args.insert(args.end(), {"--level", "县级"});
        added_.insert({"deputy", c_.json(node, args)["id"].str});
      } else if (what == 1) {
        added_.insert(
            {"station", c_.json(node, {"station", "add", "--name", "联络站" + tag})["id"].str});
      } else if (what == 2) {
        std::string d = deputies_[n - 1].substr(0, 8);
        added_.insert({"duty", c_.json(node, {"duty", "add", "--deputy", d, "--type", "视察",
                                              "--title", "视察" + tag})["id"]
                                   .str});
      } else if (what == 3) {
        std::string d = deputies_[n - 1].substr(0, 8);
        added_.insert(
            {"suggestion", c_.json(node, {"suggestion", "add", "--title",
                                          "关于第" + tag + "号事项的建议", "--lead", d})["id"]
                               .str});
      } else {
        c_.ok(node, {"deputy", "edit", deputies_[n - 1].substr(0, 8), "--post", "职务" + tag});
      }
    }
    trace(node + ": " + std::to_string(writes) + " write(s)");
  }

  // A township and the county change the same deputy's phone.
  void concurrentEdit() {
    size_t t = 1 + pick(4);
    std::string d = deputies_[t - 1].substr(0, 8);
    std::string tag = std::to_string(++writes_);
    c_.ok(kNodes[t], {"deputy", "edit", d, "--phone", "1381000" + tag});
    c_.ok("county", {"deputy", "edit", d, "--phone", "1362000" + tag});
    trace("county and " + kNodes[t] + " both edit " + d + "'s phone");
  }

  // A new partition: none, one node cut off, two groups, or every link down.
  void partition() {
    std::vector<int> side(kNodes.size(), 0);
    std::string what;
    switch (pick(4)) {
      case 0:
        what = "partition healed";
        break;
      case 1: {
        size_t n = pick(kNodes.size());
        side[n] = 1;
        what = "partition: " + kNodes[n] + " cut off";
        break;
      }
      case 2: {
        what = "partition:";
        for (size_t n = 0; n < kNodes.size(); ++n) {
          side[n] = int(pick(2));
          what += " " + kNodes[n] + (side[n] ? "|B" : "|A");
        }
        break;
      }
      default:
        what = "partition: every link down";
        for (size_t n = 0; n < kNodes.size(); ++n) side[n] = int(n);
    }
    for (auto& e : edges_) e.proxy->setDown(side[e.from] != side[e.to]);
    trace(what);
  }

  // kill -9 of a running node: what it held before stays; restarted now or later.
  void crash() {
    size_t n = pick(kNodes.size());
    const std::string& node = kNodes[n];
    if (!c_.running(node)) return restartDown();
    int64_t before = c_.changes(node);
    sleepMs(pick(300));
    c_.kill9(node);
    int64_t after = c_.changes(node);
    INFO("kill -9 of " << node << ": " << before << " changes before, " << after << " after");
    REQUIRE(after >= before);
    ++kills_;
    bool later = pick(2) == 0;
    trace("kill -9 " + node + (later ? " (down a while)" : ", restarted"));
    if (later)
      down_.insert(node);
    else
      startNode(node);
  }

  // Restarts the nodes the test left down; a node that stopped by itself is a failure.
  void restartDown() {
    for (const auto& node : kNodes) {
      if (c_.running(node)) continue;
      if (!down_.count(node)) c_.requireRunning({node});
      down_.erase(node);
      startNode(node);
      trace("restarted " + node);
    }
  }

  void healAndCheck() {
    restartDown();
    for (auto& e : edges_) e.proxy->heal();
    uint64_t healedMs = steadyNowMs();
    trace("healed: every link up, no faults");
    std::vector<std::string> digests;
    std::vector<int64_t> changes;
    bool same = false;
    while (!same && steadyNowMs() - healedMs < kHealWindowMs) {
      sleepMs(200);
      c_.requireRunning(kNodes);
      digests.clear();
      changes.clear();
      for (const auto& node : kNodes) digests.push_back(c_.digest(node));
      same = std::all_of(digests.begin(), digests.end(),
                         [&](const std::string& d) { return d == digests[0]; });
      if (same) {
        for (const auto& node : kNodes) changes.push_back(c_.changes(node));
        same =
            std::all_of(changes.begin(), changes.end(), [&](int64_t n) { return n == changes[0]; });
      }
    }
    uint64_t tookMs = steadyNowMs() - healedMs;
    if (!same) {
      std::string state;
      for (size_t i = 0; i < kNodes.size(); ++i)
        state += "  " + kNodes[i] + ": digest " + digests[i] + ", " +
                 std::to_string(c_.changes(kNodes[i])) + " changes\n";
      FAIL("seed " << seed_ << ": no common digest " << kHealWindowMs / 1000
                   << " s after the heal\n"
                   << state);
    }
    trace("converged " + std::to_string(tookMs) + " ms after the heal");
    c_.requireRunning(kNodes);
    for (const auto& node : kNodes) c_.ok(node, {"verify"});
    // Every acknowledged add is there (on one node: the digests are equal).
    std::set<std::pair<std::string, std::string>> held;
    for (const char* kind : {"deputy", "station", "duty", "suggestion"}) {
      JsonValue list = c_.json("t" + std::to_string(1 + pick(4)), {kind, "list"});
      for (const auto& r : list.items) held.insert({kind, r["id"].str});
    }
    for (const auto& a : added_) {
      INFO("seed " << seed_ << ": acknowledged " << a.first << " " << a.second);
      CHECK(held.count(a));
    }
    uint64_t connections = 0;
    for (auto& e : edges_) connections += e.proxy->connections();
    std::cout << "multinode seed " << seed_ << ": " << writes_ << " writes, " << kills_
              << " kill -9, " << connections << " proxied connections; converged " << tookMs
              << " ms after the heal, " << changes[0] << " changes (RENDA_SEED=" << seed_
              << " runs it alone)" << std::endl;
  }

  std::string describe() const {
    std::string out = "==== multinode seed " + std::to_string(seed_) +
                      " failed (RENDA_SEED=" + std::to_string(seed_) +
                      " runs it alone)\n---- schedule\n";
    for (const auto& t : trace_) out += "  " + t + "\n";
    out += "---- proxies (last connections)\n";
    for (const auto& e : edges_) out += e.proxy->journal(8);
    return out + c_.logTails(30);
  }

  uint64_t seed_;
  std::mt19937_64 rng_;
  Cluster c_;
  std::vector<Edge> edges_;
  std::vector<std::string> deputies_;
  std::set<std::pair<std::string, std::string>> added_;  // kind, id
  std::set<std::string> down_;                           // killed and not restarted yet
  std::vector<std::string> trace_;
  uint64_t startMs_ = 0;
  uint64_t writes_ = 0, kills_ = 0;
};

void runShard(uint64_t shard) {
  uint64_t only = envNumber("RENDA_SEED", 0);
  if (only) {
    if (shard == 0) FiveNodes(only).run();
    return;
  }
  uint64_t first = envNumber("RENDA_SEED_START", 1) + shard * kSeedsPerShard;
  for (uint64_t seed = first; seed < first + kSeedsPerShard; ++seed) {
    INFO("multinode seed " << seed << " (RENDA_SEED=" << seed << " runs it alone)");
    FiveNodes(seed).run();
  }
}

}  // namespace

TEST_CASE("Five nodes: faults, partitions and kill -9 heal to one digest (shard 1)",
          "[multinode][convergence]") {
  runShard(0);
}
TEST_CASE("Five nodes: faults, partitions and kill -9 heal to one digest (shard 2)",
          "[multinode][convergence]") {
  runShard(1);
}
TEST_CASE("Five nodes: faults, partitions and kill -9 heal to one digest (shard 3)",
          "[multinode][convergence]") {
  runShard(2);
}
TEST_CASE("Five nodes: faults, partitions and kill -9 heal to one digest (shard 4)",
          "[multinode][convergence]") {
  runShard(3);
}

}  // namespace renda::multinode
