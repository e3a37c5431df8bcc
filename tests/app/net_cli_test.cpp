// SPDX-License-Identifier: Apache-2.0
// `renda sync`, `renda serve` and `renda neighbour`, driven as a clerk would:
// real processes, real TCP on loopback, real stores. What moved is checked in
// the records and digests, not only in what the commands print.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <thread>

#include "tests/app/cli_fixtures.h"

namespace renda::clitest {
namespace {

using namespace std::chrono_literals;

// A `renda serve` running for one node; stopped (SIGTERM) when it goes.
struct Server {
  Harness& h;
  std::string node, tag;
  pid_t pid = -1;
  std::string address;  // where it listens, from its first log line

  Server(Harness& harness, const std::string& n, std::vector<std::string> extra = {})
      : h(harness), node(n), tag("serve-" + n + "-") {
    std::vector<std::string> args = {"--data", h.path(node), "serve", "--listen", "127.0.0.1:0",
                                     "--routine", "2", "--max-backoff", "2"};
    if (std::find(extra.begin(), extra.end(), "--discovery") == extra.end())
      args.insert(args.end(), {"--discovery", "off"});
    args.insert(args.end(), extra.begin(), extra.end());
    pid = h.spawn(args, {}, tag);
    static const std::regex listening("listening on (127\\.0\\.0\\.1:[0-9]+)");
    for (int i = 0; i < 100 && address.empty(); ++i) {
      std::smatch m;
      std::string log = log_();
      if (std::regex_search(log, m, listening)) address = m[1];
      else std::this_thread::sleep_for(50ms);
    }
    INFO(log_());
    REQUIRE(!address.empty());
  }
  ~Server() { stop(); }
  // Stops it (SIGTERM); it must end cleanly (exit 0: under a sanitizer, no report).
  Run stop() {
    if (pid < 0) return {};
    ::kill(pid, SIGTERM);
    Run r = h.wait(pid, tag);
    pid = -1;
    INFO(r.describe());
    CHECK(r.code == 0);
    return r;
  }
  std::string log_() const { return readFile(h.path(tag + "stderr.txt")); }
};

// Waits up to `limit` for `cond`; returns how long it took (or limit + 1 s).
template <typename Cond>
std::chrono::milliseconds within(std::chrono::milliseconds limit, Cond cond) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < limit) {
    if (cond())
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    std::this_thread::sleep_for(50ms);
  }
  return limit + 1000ms;
}

bool hasDeputy(Harness& h, const std::string& node, const std::string& name) {
  return countOf(h.ok(node, {"deputy", "list"}).out, name) > 0;
}

TEST_CASE("renda sync moves what each side lacks, both ways, and says what moved",
          "[cli][net]") {
  County c;
  Harness& h = c.h;
  Server county(h, "county");
  h.add("t1", "deputy", {"--name", "张建国", "--level", "乡镇级"});
  h.add("county", "deputy", {"--name", "李县代", "--level", "县级"});
  Run r = h.ok("t1", {"sync", county.address});
  CHECK_THAT(r.out, Catch::Contains("Synced with node"));
  CHECK(hasDeputy(h, "county", "张建国"));
  CHECK(hasDeputy(h, "t1", "李县代"));
  CHECK(h.digest("t1") == h.digest("county"));
  // Again: nothing to do, and it says so in numbers.
  JsonValue j = h.json("t1", {"sync", county.address});
  CHECK(j["ok"].boolean);
  CHECK(j["sent"].number == 0);
  CHECK(j["received"].number == 0);
  // t2 gets t1's deputy from the county office (relayed).
  h.ok("t2", {"sync", county.address});
  CHECK(hasDeputy(h, "t2", "张建国"));
  CHECK(h.digest("t2") == h.digest("county"));
  // The county office's log has one line per session, naming the peer.
  Run stopped = county.stop();
  CHECK(countOf(stopped.err, "session from") == 3);
  // status: the neighbour, its last contact, nothing waiting.
  JsonValue st = h.json("t1", {"status"});
  REQUIRE(st["neighbours"].items.size() == 1);
  const JsonValue& n = st["neighbours"].items[0];
  CHECK(n["address"].str == county.address);
  CHECK(n["node"].str == h.json("county", {"status"})["node"].str);
  CHECK(n["lastContactMs"].number > 0);
  CHECK(n["lastError"].str.empty());
  CHECK(n["pendingToSend"].number == 0);
  // A change made afterwards waits to go there.
  h.add("t1", "deputy", {"--name", "王五", "--level", "乡镇级"});
  CHECK(h.json("t1", {"status"})["neighbours"].items[0]["pendingToSend"].number == 1);
  CHECK_THAT(h.ok("t1", {"status"}).out, Catch::Contains("1 changes waiting to go there"));
}

TEST_CASE("renda sync: a wrong address is a usage error, an unreachable node exit 4, and "
          "status keeps the error",
          "[cli][net]") {
  County c;
  Harness& h = c.h;
  std::string before = h.digest("t1");
  for (const std::string& bad : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999", "host:port", ":7420"}) {
    Run r = h.at("t1", {"sync", bad});
    INFO(bad << "\n" << r.describe());
    CHECK(r.code == 1);
  }
  // A port nobody listens on: bind one, note it, close it.
  std::string closed;
  {
    Server s(h, "county");
    closed = s.address;
  }
  Run r = h.at("t1", {"sync", closed});
  INFO(r.describe());
  CHECK(r.code == 4);
  CHECK_THAT(r.err, Catch::Contains("cannot reach"));
  CHECK(h.digest("t1") == before);
  JsonValue st = h.json("t1", {"status"});
  REQUIRE(st["neighbours"].items.size() == 1);
  CHECK_THAT(st["neighbours"].items[0]["lastError"].str, Catch::Contains("cannot reach"));
  CHECK(st["neighbours"].items[0]["lastContactMs"].number == 0);
}

TEST_CASE("renda sync: a node without the network key, and one not of this county, cannot sync",
          "[cli][net]") {
  County c;
  Harness& h = c.h;
  Server county(h, "county");
  // t2 lost its network key (an enrollment from before it existed).
  fs::remove(h.path("t2/network.key"));
  Run r = h.at("t2", {"sync", county.address});
  INFO(r.describe());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("renda join --network-key"));
  // Given back by the county office, it syncs.
  h.ok("county", {"county", "network-key", "-o", h.path("net.key")});
  h.ok("t2", {"join", "--network-key", h.path("net.key")});
  h.ok("t2", {"sync", county.address});
  // Another county's node does not finish the handshake, and changes nothing.
  h.ok("other", {"county", "init", "--name", "别县"});
  std::string before = h.digest("county");
  Run o = h.at("other", {"sync", county.address});
  INFO(o.describe());
  CHECK(o.code != 0);
  CHECK(h.digest("county") == before);
  Run stopped = county.stop();
  CHECK_THAT(stopped.err, Catch::Contains("not of this county's network"));
}

TEST_CASE("renda serve: a change written by another renda process reaches the neighbour by "
          "itself, and the county relays it to the other townships",
          "[cli][net]") {
  County c;
  Harness& h = c.h;
  Server county(h, "county");
  Server t1(h, "t1", {"--peer", county.address});
  // t2 names its neighbour in the neighbours file instead.
  h.ok("t2", {"neighbour", "add", county.address});
  CHECK(h.ok("t2", {"neighbour", "list"}).out == county.address + "\n");
  Run twice = h.at("t2", {"neighbour", "add", county.address});
  CHECK(twice.code == 1);
  Server t2(h, "t2");
  h.add("t1", "deputy", {"--name", "赵六", "--level", "乡镇级"});
  auto toCounty = within(20s, [&] { return hasDeputy(h, "county", "赵六"); });
  INFO("county:\n" << county.log_() << "t1:\n" << t1.log_());
  CHECK(toCounty < 20s);
  auto toT2 = within(20s, [&] { return hasDeputy(h, "t2", "赵六"); });
  INFO("t2:\n" << t2.log_());
  CHECK(toT2 < 20s);
  std::printf("serve: a change reached the county office in %lld ms, the other township in %lld "
              "ms more\n",
              static_cast<long long>(toCounty.count()), static_cast<long long>(toT2.count()));
  // Both ways: the county's change reaches both townships.
  h.add("county", "deputy", {"--name", "钱七", "--level", "县级"});
  CHECK(within(20s, [&] { return hasDeputy(h, "t1", "钱七") && hasDeputy(h, "t2", "钱七"); }) <
        20s);
  CHECK(within(20s, [&] {
          return h.digest("t1") == h.digest("county") && h.digest("t2") == h.digest("county");
        }) < 20s);
  h.ok("t2", {"neighbour", "remove", county.address});
  CHECK(h.at("t2", {"neighbour", "remove", county.address}).code == 1);
}

TEST_CASE("renda serve: a revoked node is refused", "[cli][net]") {
  County c;
  Harness& h = c.h;
  // The county holds t1's changes up to now, then revokes it.
  Server county(h, "county");
  h.ok("t1", {"sync", county.address});
  std::string key = h.json("t1", {"status"})["node"].str;
  JsonValue log = h.json("county", {"log", "--node", key});
  int64_t last = 0;
  for (const auto& ch : log["changes"].items) last = std::max(last, int64_t(ch["seq"].number));
  h.ok("county", {"revoke", "--node", key, "--after", std::to_string(last), "--reason", "丢失"});
  h.add("t1", "deputy", {"--name", "孙八", "--level", "乡镇级"});
  std::string before = h.digest("county");
  Run r = h.at("t1", {"sync", county.address});
  INFO(r.describe());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains("revoked"));
  CHECK(h.digest("county") == before);
  CHECK_FALSE(hasDeputy(h, "county", "孙八"));
  Run stopped = county.stop();
  CHECK_THAT(stopped.err, Catch::Contains("is revoked by the county office"));
  // serve refuses a wrong flag before it starts.
  Run bad = h.at("county", {"serve", "--discovery", "maybe"});
  CHECK(bad.code == 1);
  Run badPort = h.at("county", {"serve", "--listen", "127.0.0.1:70000"});
  CHECK(badPort.code == 1);
}

TEST_CASE("renda serve: two nodes told of nobody find each other by their beacons and converge",
          "[cli][net]") {
  County c;
  Harness& h = c.h;
  // A discovery port of this test's own, so that tests running at once do not meet.
  std::string port = std::to_string(20000 + (::getpid() % 20000));
  std::vector<std::string> discovery = {"--discovery", "loopback", "--discovery-port", port};
  Server county(h, "county", discovery);
  Server t1(h, "t1", discovery);
  h.add("t1", "deputy", {"--name", "周九", "--level", "乡镇级"});
  auto took = within(30s, [&] { return hasDeputy(h, "county", "周九"); });
  INFO("county:\n" << county.log_() << "t1:\n" << t1.log_());
  CHECK(took < 30s);
  CHECK_THAT(county.log_(), Catch::Contains("found node " + h.json("t1", {"status"})["node"].str.substr(0, 8)));
  // A node of another county on the same port is ignored, and says so.
  h.ok("other", {"county", "init", "--name", "别县"});
  Server other(h, "other", discovery);
  CHECK(within(20s, [&] { return countOf(county.log_(), "ignored a beacon") > 0; }) < 20s);
  CHECK_THAT(county.log_(), Catch::Contains("does not authenticate"));
  CHECK(h.digest("county") == h.digest("t1"));
}

}  // namespace
}  // namespace renda::clitest
