// SPDX-License-Identifier: Apache-2.0
// Key hand-overs are crash-safe (app/restore.h), driven through the real
// `renda` binary: files an earlier crash left never block anything; renda
// killed (kill -9) at any point of a hand-over, at each named step and at
// random moments, comes back with one usable, enrolled key; and a command
// run during a hand-over never takes its new key files for a crash's.
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/app/trust_cli_fixtures.h"

namespace {

using namespace renda;
using namespace renda::clitest;

// The names in `dir` that a crash leaves: a hand-over's new key files
// (*.next.*) and, with `partial`, half-written key files (*.partial.*).
std::vector<std::string> leftovers(const std::string& dir, bool partial = true) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    bool half = name.find(".partial") != std::string::npos;
    if (half ? partial : name.find(".next.") != std::string::npos) out.push_back(name);
  }
  return out;
}

// Ages the half-written key files in `dir` by two hours: a run clears only
// old ones (a renda running beside may be writing one this very moment).
void ageHalfWritten(const std::string& dir) {
  for (const auto& name : leftovers(dir))
    if (name.find(".partial") != std::string::npos)
      fs::last_write_time(dir + "/" + name,
                          fs::file_time_type::clock::now() - std::chrono::hours(2));
}

// What must hold of 城关镇 (t1) after any crash and the next command: one
// device key file, whose key is the store's, and the encryption and transport
// key files its membership announces; no hand-over files left (half-written
// key files a minute old at most); no fork, no frozen key. Then,
// once its changes reach the county: the key admitted there, still no fork,
// and no key of 城关镇 with two successors. Returns the key.
std::string checkOneKey(Harness& h, const std::string& tag) {
  const std::string t1 = h.path("t1");
  JsonValue s = h.json("t1", {"status"});
  const std::string key = s["node"].str;
  INFO("after " << tag << ": key " << key);
  CHECK(leftovers(t1, false).empty());
  auto device = app::readKeyFile(t1 + "/device.key");
  REQUIRE(device);
  CHECK(toHex(device->publicKey()) == key);
  for (const char* kind : {"encryption", "transport"}) {
    INFO(kind << " key");
    auto box = app::readBoxPublicKey(t1 + "/" + kind + ".key");
    REQUIRE(box);
    CHECK(toHex(*box) == memberOf(s, key)[std::string(kind) + "Key"].str);
  }
  CHECK(s["forks"].size() == 0);
  CHECK(s["frozen"].size() == 0);
  hop(h, "t1", "county", tag);
  JsonValue cs = h.json("county", {"status"});
  CHECK(memberOf(cs, key)["admitted"].boolean);
  CHECK(cs["forks"].size() == 0);
  CHECK(cs["frozen"].size() == 0);
  CHECK(cs["notAdmitted"].size() == 0);
  std::map<std::string, int> successors;
  for (const auto& m : cs["members"].items)
    if (m["generation"].number > 0) ++successors[m["issuer"].str];
  for (const auto& [issuer, count] : successors) {
    INFO("successors of " << issuer);
    CHECK(count == 1);
  }
  return key;
}

TEST_CASE(
    "renda CLI trust: leftover .partial and .next key files from an earlier crash never "
    "block anything",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  SECTION("on a node as it was") {}
  SECTION("on a backup put back in place") {
    writeFile(h.path("data.mdb"), readFile(t1 + "/data.mdb"));
    h.add("t1", "station", {"--name", "城关镇代表之家"});
    overwriteInPlace(h.path("data.mdb"), t1 + "/data.mdb");
  }
  const std::string key = nodeKeyOf(h, "t1");
  const std::string stranger(64, 'a');  // a key no hand-over of this store made
  writeFile(t1 + "/device.key.partial.0123456789abcdef", "RENDA-KEY-v1\n half a key");
  writeFile(t1 + "/encryption.key.partial.0123456789abcdef", "RENDA-BOXKEY-v1\n");
  writeFile(t1 + "/device.key.next." + key.substr(0, 8) + "." + stranger, "RENDA-KEY-v1\n");
  writeFile(t1 + "/encryption.key.next." + stranger, "RENDA-BOXKEY-v1\n");
  writeFile(t1 + "/transport.key.next." + stranger, "RENDA-BOXKEY-v1\n");
  writeFile(t1 + "/device.key.next.garbled", "");
  ageHalfWritten(t1);
  h.ok("t1", {"status"});
  CHECK(leftovers(t1).empty());
  std::string station = h.add("t1", "station", {"--name", "城关镇第一联络站"});
  h.ok("t1", {"key", "rotate"});
  checkOneKey(h, "leftovers");
  CHECK(shows(h, "county", station));
  verifiesClean(h, "t1");
  verifiesClean(h, "county");
}

TEST_CASE(
    "renda CLI trust: a command run during a hand-over never takes its new key files for "
    "a crash's",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  const std::string old = nodeKeyOf(h, "t1");
  // The hand-over stops once its new key files are written...
  pid_t rotate =
      h.spawn({"--data", t1, "key", "rotate"}, {"RENDA_STOP_AT=handover:files-written"}, "rotate-");
  // (CHECKs only until it is continued: a stopped renda must not outlive the test.)
  int st = 0;
  CHECK(::waitpid(rotate, &st, WUNTRACED) == rotate);
  CHECK(WIFSTOPPED(st));
  CHECK(filesStarting(t1, "device.key.next.").size() == 1);
  // ...while the clerk runs another command on the folder: it waits for the
  // hand-over rather than clear its files away.
  pid_t status = h.spawn({"--data", t1, "status"}, {}, "status-");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(filesStarting(t1, "device.key.next.").size() == 1);
  CHECK(::kill(rotate, SIGCONT) == 0);
  Run r = h.wait(rotate, "rotate-");
  INFO(r.describe());
  CHECK(r.code == 0);
  Run s = h.wait(status, "status-");
  INFO(s.describe());
  CHECK(s.code == 0);
  CHECK(checkOneKey(h, "beside") != old);
  h.add("t1", "station", {"--name", "城关镇代表之家"});
}

TEST_CASE(
    "renda CLI trust: an edit made while a hand-over runs is not taken for a restore and "
    "hands over no second time",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  const std::string old = nodeKeyOf(h, "t1");
  pid_t rotate = h.spawn({"--data", t1, "key", "rotate"},
                         {"RENDA_STOP_AT=handover:files-written"}, "rotate-");
  int st = 0;
  CHECK(::waitpid(rotate, &st, WUNTRACED) == rotate);
  CHECK(WIFSTOPPED(st));
  // The clerk records a station meanwhile: it waits for the hand-over.
  pid_t add = h.spawn({"--data", t1, "station", "add", "--name", "城关镇代表之家", "--json"}, {},
                      "add-");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(::kill(rotate, SIGCONT) == 0);
  Run r = h.wait(rotate, "rotate-");
  INFO(r.describe());
  CHECK(r.code == 0);
  Run a = h.wait(add, "add-");
  INFO(a.describe());
  CHECK(a.code == 0);
  CHECK_THAT(a.err, !Catch::Contains("restored") && !Catch::Contains("new device key"));
  // One hand-over: the key the rotation announced signs from now on.
  const std::string key = nodeKeyOf(h, "t1");
  CHECK(key != old);
  CHECK_THAT(r.out, Catch::Contains(key));
  CHECK_FALSE(h.json("t1", {"status"})["restored"].boolean);
  CHECK(checkOneKey(h, "during") == key);
  CHECK(shows(h, "county", parseJson(a.out)["id"].str));
}

const char* const kCrashPoints[] = {"handover:files-written",    "handover:committed",
                                    "handover:device-aside",     "handover:device-in-place",
                                    "handover:encryption-aside", "handover:files-renamed"};

TEST_CASE("renda CLI trust: kill -9 anywhere in a hand-over leaves one usable, enrolled key",
          "[app][cli][trust][crash]") {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("RENDA_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  INFO("seed " << seed << " (set RENDA_TEST_SEED to replay)");
  std::mt19937_64 rng(seed);
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  hop(h, "t1", "county", "start");

  // How long a whole hand-over takes here, to draw kill moments across it.
  auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) h.ok("t1", {"key", "rotate", "--quiet"});
  double handOverUs =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - began).count() /
      3;
  std::string key = checkOneKey(h, "measured");

  std::vector<std::string> kills;  // a crash point's name, or "" for a random moment
  for (const char* point : kCrashPoints)
    for (int i = 0; i < 4; ++i) kills.push_back(point);
  for (int i = 0; i < 100; ++i) kills.push_back("");
  std::shuffle(kills.begin(), kills.end(), rng);
  std::uniform_real_distribution<double> moment(0, 1.1 * handOverUs);
  // Random kills: after the hand-over was done; before its commit; after it.
  int completed = 0, beforeCommit = 0, afterCommit = 0;
  for (size_t i = 0; i < kills.size(); ++i) {
    const std::string tag = "kill" + std::to_string(i);
    INFO("kill " << i << ": " << (kills[i].empty() ? "at a random moment" : kills[i]));
    std::vector<std::string> args = {"--data", t1, "key", "rotate", "--quiet"};
    Run r;
    if (!kills[i].empty()) {
      r = h.run(args, {"RENDA_CRASH_AT=" + kills[i]});
      CHECK(r.code == 128 + SIGKILL);
    } else {
      pid_t pid = h.spawn(args);
      std::this_thread::sleep_for(std::chrono::microseconds(int64_t(moment(rng))));
      ::kill(pid, SIGKILL);
      r = h.wait(pid);
      CHECK((r.code == 128 + SIGKILL || r.code == 0));
    }
    // The next command works, writing or not.
    if (i % 3 == 0) h.add("t1", "station", {"--name", "站" + std::to_string(i)});
    std::string now = checkOneKey(h, tag);
    if (kills[i].empty()) ++(r.code == 0 ? completed : now == key ? beforeCommit : afterCommit);
    key = now;
    if (i % 20 == 0) verifiesClean(h, "t1");
  }
  WARN("hand-over kill test: seed " << seed << ", a hand-over took " << handOverUs / 1000 << " ms, "
                                    << kills.size() << " kills; the random ones: " << beforeCommit
                                    << " before its commit, " << afterCommit << " after it, "
                                    << completed << " after it was done");
  // The half-written key files the kills left go once they are old.
  ageHalfWritten(t1);
  h.ok("t1", {"status"});
  CHECK(leftovers(t1).empty());
  hop(h, "county", "t1", "end");
  converged(h, {"county", "t1"});
}

}  // namespace
