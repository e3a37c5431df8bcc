// SPDX-License-Identifier: Apache-2.0
// Restores and forks with the real `renda` binary (design.md, Forks and
// restores): a township's backup put back in place (the data file keeps its
// inode) is noticed by the restore marker and hands over to a new key, so the
// county never splits; with the marker rolled back too it is a real fork,
// which freezes only that township until the county office settles it.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/trust_cli_fixtures.h"

namespace {

using namespace renda::clitest;

const std::vector<std::string> kTownships = {"t1", "t2"};
const std::vector<std::string> kAll = {"county", "t1", "t2"};

TEST_CASE("renda CLI trust: a backup restored in place never partitions the county",
          "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  std::string before = h.add("t1", "station", {"--name", "城关镇代表之家"});
  hop(h, "t1", "county", "before");
  copyTree(t1, h.path("t1-backup"));
  writeFile(h.path("t1-data.mdb"), readFile(t1 + "/data.mdb"));
  const std::string oldKey = nodeKeyOf(h, "t1");

  // Written after the backup, and carried to the county.
  std::string lost = h.add("t1", "station", {"--name", "城关镇第一联络站"});
  hop(h, "t1", "county", "lost");

  const uint64_t inode = inodeOf(t1 + "/data.mdb");
  SECTION("just data.mdb put back") { overwriteInPlace(h.path("t1-data.mdb"), t1 + "/data.mdb"); }
  SECTION("the whole folder put back") { restoreFolderInPlace(h.path("t1-backup"), t1); }
  REQUIRE(inodeOf(t1 + "/data.mdb") == inode);

  // The marker notices before anything is written.
  JsonValue st = h.json("t1", {"status"});
  CHECK(st["restored"].boolean);
  CHECK_THAT(h.ok("t1", {"status"}).out, Catch::Contains("Restored:"));
  CHECK_FALSE(shows(h, "t1", lost));

  // The next write hands over to a new key first, and says so.
  Run add = h.ok("t1", {"station", "add", "--name", "城关镇第二联络站", "--json"});
  std::string after = parseJson(add.out)["id"].str;
  INFO(add.err);
  CHECK_THAT(add.err, Catch::Contains("restored from a backup"));
  CHECK_THAT(add.err, Catch::Contains("new device key"));
  const std::string newKey = nodeKeyOf(h, "t1");
  CHECK(newKey != oldKey);
  CHECK_FALSE(h.json("t1", {"status"})["restored"].boolean);

  spread(h, kTownships, "round");
  for (const auto& n : kAll) {
    INFO("node " << n);
    JsonValue s = h.json(n, {"status"});
    CHECK(s["frozen"].size() == 0);
    CHECK(s["notAdmitted"].size() == 0);
    for (const auto& f : s["forks"].items) CHECK_FALSE(f["frozen"].boolean);
    CHECK(memberOf(s, oldKey)["successor"].str == newKey);
    CHECK(memberOf(s, newKey)["admitted"].boolean);
    CHECK(memberOf(s, newKey)["issuer"].str == oldKey);
    for (const auto& id : {before, lost, after}) CHECK(shows(h, n, id));
  }
  // The county sees the hand-over beside the lost change, not a fork to settle.
  Run cs = h.ok("county", {"status"});
  CHECK_THAT(cs.out, Catch::Contains("Hand-over:"));
  CHECK_THAT(cs.out, !Catch::Contains("FORK"));
  Run log = h.ok("county", {"log", "--node", oldKey});
  CHECK_THAT(log.out, Catch::Contains("Hand-over:") && Catch::Contains("nothing is frozen"));
  CHECK_THAT(log.out, !Catch::Contains("FORK") && !Catch::Contains("fork settle"));
}

// The branch tip of `key`'s fork at `node` that is not `other`.
std::string otherTip(Harness& h, const std::string& node, const std::string& key,
                     const std::string& other) {
  JsonValue status = h.json(node, {"status"});
  for (const auto& f : status["forks"].items) {
    if (f["node"].str != key) continue;
    for (const auto& t : f["tips"].items)
      if (t["change"].str != other) return t["change"].str;
  }
  FAIL("no fork of " << key << " on " << node);
  return "";
}

TEST_CASE(
    "renda CLI trust: a folder and its restore marker both rolled back fork, freeze only "
    "that township, and the county settles it",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string key = nodeKeyOf(h, "t1");
  hop(h, "t1", "county", "start");
  // A key the county will revoke after the fork: a laptop that never joined.
  std::string spare = nodeKeyFrom(h.ok("spare", {"init"}).out);
  h.ok("county", {"enroll", "--node", spare, "--township", "东风乡", "-o", h.path("spare.bundle")});
  auto [lost, again] = forkByRollback(h, "t1");
  // Nothing could tell: the same key signed the same number again.
  REQUIRE(nodeKeyOf(h, "t1") == key);

  // Everyone else goes on.
  std::string t2Station = h.add("t2", "station", {"--name", "东风乡代表之家"});
  std::string countyStation = h.add("county", "station", {"--name", "县人大代表之家"});
  h.ok("county", {"revoke", "--node", spare, "--after", "0", "--reason", "laptop lost"});

  Run up = hop(h, "t1", "county", "again");
  CHECK_THAT(up.out, Catch::Contains("1 fork found"));
  CHECK_THAT(up.out, Catch::Contains("signed two different changes numbered"));
  JsonValue cs = h.json("county", {"status"});
  REQUIRE(cs["forks"].size() == 1);
  CHECK(cs["forks"][0]["node"].str == key);
  CHECK(cs["forks"][0]["frozen"].boolean);
  CHECK(cs["forks"][0]["tips"].size() == 2);
  CHECK(memberOf(cs, key).has("frozenFrom"));
  Run text = h.ok("county", {"status"});
  CHECK_THAT(text.out, Catch::Contains("FORK:"));
  CHECK_THAT(text.out, Catch::Contains("renda fork settle --node " + key));
  CHECK_THAT(text.out, Catch::Contains(lost.substr(0, 8)));
  CHECK_THAT(text.out, Catch::Contains(again.substr(0, 8)));

  // Every other node's changes import everywhere: only 城关镇's are held back.
  for (const Run& r : gossip(h, kTownships, "round1")) {
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);)
      if (line.find("kept but not applied:") != std::string::npos)
        CHECK_THAT(line, Catch::Contains("node " + key.substr(0, 8)));
  }
  gossip(h, kTownships, "round2");
  converged(h, kAll);
  for (const auto& n : kAll) {
    INFO("node " << n);
    JsonValue s = h.json(n, {"status"});
    CHECK(s["forks"].size() == 1);
    CHECK(s["frozen"].size() == 1);
    CHECK(memberOf(s, spare).has("revokedAfter"));
    CHECK(shows(h, n, t2Station));
    CHECK(shows(h, n, countyStation));
    CHECK_FALSE(shows(h, n, lost));
    CHECK_FALSE(shows(h, n, again));
  }
  // The frozen township is told why and what to do.
  {
    Run frozen = h.at("t1", {"station", "add", "--name", "城关镇第三联络站"});
    INFO(frozen.describe());
    CHECK(frozen.code == 2);
    CHECK_THAT(frozen.err, Catch::Contains("this computer's key " + key.substr(0, 8)));
    CHECK_THAT(frozen.err, Catch::Contains("Nothing was recorded"));
    CHECK_THAT(frozen.err, Catch::Contains("renda fork settle --node " + key));
  }

  // The county keeps the branch written after the restore.
  Run log = h.ok("county", {"log", "--node", key});
  CHECK_THAT(log.out, Catch::Contains("FORK"));
  CHECK_THAT(log.out, Catch::Contains(lost));
  CHECK_THAT(log.out, Catch::Contains(again));
  REQUIRE(otherTip(h, "county", key, lost) == again);
  Run settle = h.ok("county", {"fork", "settle", "--node", key, "--keep", again.substr(0, 12),
                               "--reason", "restored laptop"});
  CHECK_THAT(settle.out, Catch::Contains("Settled the fork"));
  spread(h, kTownships, "settled");
  for (const auto& n : kAll) {
    INFO("node " << n);
    JsonValue s = h.json(n, {"status"});
    CHECK(s["frozen"].size() == 0);
    REQUIRE(s["forks"].size() == 1);
    CHECK(s["forks"][0]["settled"].boolean);
    CHECK(shows(h, n, again));
    CHECK_FALSE(shows(h, n, lost));
    JsonValue changes = h.json(n, {"log", "--node", key})["changes"];
    for (const auto& c : changes.items) {
      if (c["change"].str == lost) CHECK_FALSE(c["onValidHistory"].boolean);
      if (c["change"].str == again) CHECK(c["onValidHistory"].boolean);
    }
  }
  // And the township goes on from the kept branch.
  std::string next = h.add("t1", "station", {"--name", "城关镇第三联络站"});
  gossip(h, kTownships, "next");
  converged(h, kAll);
  for (const auto& n : kAll) CHECK(shows(h, n, next));
}

// The county holds more of the lost branch than the township wrote after
// putting its folder and marker back: the county's summary is ahead on the
// township's key, and the next bundle from the township must still carry its
// new branch, so the county sees the fork at once rather than a bundle of
// nothing (and reports missing the township's new work).
TEST_CASE("renda CLI trust: a fork's shorter branch reaches a node that holds the longer one",
          "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string key = nodeKeyOf(h, "t1");
  const std::string dir = h.path("t1");
  hop(h, "t1", "county", "start");
  copyTree(dir, h.path("t1-backup"));
  copyTree(markerDir(h), h.path("t1-marker-backup"));
  std::string lost1 = h.add("t1", "station", {"--name", "备份后的联络站一"});
  std::string lost2 = h.add("t1", "station", {"--name", "备份后的联络站二"});
  hop(h, "t1", "county", "lost");
  restoreFolderInPlace(h.path("t1-backup"), dir);
  restoreFolderInPlace(h.path("t1-marker-backup"), markerDir(h));
  std::string again = h.add("t1", "station", {"--name", "恢复后的联络站"});
  REQUIRE(nodeKeyOf(h, "t1") == key);

  Run up = hop(h, "t1", "county", "again");
  CHECK_THAT(up.out, Catch::Contains("1 fork found"));
  JsonValue cs = h.json("county", {"status"});
  REQUIRE(cs["forks"].size() == 1);
  CHECK(cs["forks"][0]["node"].str == key);
  CHECK(cs["forks"][0]["tips"].size() == 2);
  Run log = h.ok("county", {"log", "--node", key});
  CHECK_THAT(log.out, Catch::Contains(again));
  CHECK_THAT(log.out, Catch::Contains(lost2));
  spread(h, kTownships, "round");
}

// When the county keeps the branch the township does not stand on, the
// township goes on from the kept branch once it holds it (Store::author
// follows the settled line's tip), not from its own evidence branch.
TEST_CASE("renda CLI trust: a township whose branch the county did not keep writes again",
          "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string key = nodeKeyOf(h, "t1");
  auto [lost, again] = forkByRollback(h, "t1");
  gossip(h, kTownships, "fork");
  h.ok("county", {"fork", "settle", "--node", key, "--keep", lost.substr(0, 12)});
  gossip(h, kTownships, "settled");
  converged(h, kAll);
  CHECK(shows(h, "t1", lost));
  CHECK_FALSE(shows(h, "t1", again));
  Run rotate = h.at("t1", {"key", "rotate"});  // if it must hand over first
  INFO(rotate.describe());
  std::string next = h.add("t1", "station", {"--name", "城关镇第三联络站"});
  gossip(h, kTownships, "next");
  converged(h, kAll);
  for (const auto& n : kAll) CHECK(shows(h, n, next));
}

// A stolen laptop: a thief copies 城关镇's folder (key and all) before its
// change n; the county office revokes the township after n; the thief writes
// on another computer with renda, which hands the copy over to a new key that
// the stolen key certifies with the number n. A third township (t3) has seen
// nothing of 城关镇's; t2 neither.
struct StolenKey {
  County county;
  Harness& h = county.h;
  std::string key, early, last, successor;
  int64_t n = 0;
  const std::string thief = h.path("thief");
  const std::vector<std::string> thiefEnv = {"RENDA_STATE_DIR=" + h.path("thief-state")};
  std::vector<std::string> fakes;  // the thief's stations
  StolenKey() {
    std::string t3Key = nodeKeyFrom(h.ok("t3", {"init"}).out);
    h.ok("county", {"enroll", "--node", t3Key, "--township", "新华乡", "-o", h.path("t3.bundle")});
    h.ok("t3", {"join", h.path("t3.bundle")});
    key = nodeKeyOf(h, "t1");
    early = h.add("t1", "station", {"--name", "城关镇代表之家"});
    copyTree(h.path("t1"), thief);
    last = h.add("t1", "station", {"--name", "城关镇第一联络站"});
    hop(h, "t1", "county", "last");
    n = seqOf(h, "county", key, last);
    h.ok("county",
         {"revoke", "--node", key, "--after", std::to_string(n), "--reason", "laptop stolen"});
    Run w = thiefRun({"station", "add", "--name", "假联络站", "--json"});
    fakes.push_back(parseJson(w.out)["id"].str);
    successor = parseJson(thiefRun({"status", "--json"}).out)["node"].str;
    REQUIRE(successor != key);
  }
  Run thiefRun(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", thief});
    Run r = h.run(args, thiefEnv);
    INFO("thief: renda " << Harness::join(args) << "\n" << r.describe());
    REQUIRE(r.code == 0);
    return r;
  }
  std::string thiefBundle() {
    thiefRun({"bundle", "export", "-o", h.path("thief.bundle")});
    return h.path("thief.bundle");
  }
  void noFakes(const std::string& node) {
    for (const auto& f : fakes) {
      INFO(node << " must not apply the thief's " << f);
      CHECK_FALSE(shows(h, node, f));
    }
  }
  // Every node holds everything, agrees, applies none of the thief's changes
  // and keeps `thiefChanges` of the stolen key's from number n on as evidence.
  void checkEnd(size_t thiefChanges) {
    h.ok("county", {"bundle", "import", thiefBundle()});
    const std::vector<std::string> towns = {"t1", "t2", "t3"};
    spread(h, towns, "round");
    for (const auto& node : {"county", "t1", "t2", "t3"}) {
      INFO("node " << node);
      noFakes(node);
      CHECK(shows(h, node, early));
      CHECK(shows(h, node, last));
      JsonValue s = h.json(node, {"status"});
      CHECK(memberOf(s, key)["revokedAfter"].number == n);
      CHECK_FALSE(memberOf(s, successor)["admitted"].boolean);
      JsonValue log = h.json(node, {"log", "--node", key});
      size_t onLine = 0, evidence = 0;
      for (const auto& c : log["changes"].items) {
        if (c["seq"].number < n) continue;
        (c["onValidHistory"].boolean ? onLine : evidence) += 1;
        if (c["change"].str == last) CHECK(c["onValidHistory"].boolean);
      }
      CHECK(onLine == 1);
      CHECK(evidence == thiefChanges);
    }
    Run text = h.ok("county", {"log", "--node", key});
    CHECK_THAT(text.out, Catch::Contains("evidence only (not applied)"));
  }
};

TEST_CASE("renda CLI trust: a stolen key never writes under its revocation", "[app][cli][trust]") {
  StolenKey s;
  Harness& h = s.h;
  // The thief also signs with the stolen key itself, below the CLI, after
  // its certificate of the new key: a branch of three from number n.
  RawAuthor raw(s.thief, s.thief + "/device.key.replaced-" + s.key.substr(0, 8));
  s.fakes.push_back(toHex(raw.sign(RawAuthor::station("城关镇", "假站二"), s.n + 1)));
  s.fakes.push_back(toHex(raw.sign(RawAuthor::station("城关镇", "假站三"), s.n + 2)));
  // The county's bundles carry everything (bundle export without --for): a
  // bundle made for the summary of a node that holds the thief's branch
  // lacks the township's change n (see the next test).
  std::string countyAll = h.path("county-all.bundle");
  h.ok("county", {"bundle", "export", "-o", countyAll});

  SECTION("the thief's bundle first, at a node that lacks the original and the revocation") {
    h.ok("t2", {"bundle", "import", s.thiefBundle()});
    // Nothing there can tell the thief from the township yet.
    for (const auto& f : s.fakes) CHECK(shows(h, "t2", f));
    h.ok("t2", {"bundle", "import", countyAll});
    s.noFakes("t2");
  }
  SECTION("the county's bundle first") {
    h.ok("t3", {"bundle", "import", countyAll});
    Run in = h.ok("t3", {"bundle", "import", s.thiefBundle()});
    s.noFakes("t3");
    // The import says that changes were kept but not applied, and how to see them.
    CHECK_THAT(in.out, Catch::Contains("kept but not applied") &&
                           Catch::Contains("renda log --not-applied"));
    JsonValue kept = h.json("t3", {"log", "--not-applied"});
    for (const auto& f : s.fakes) {
      INFO("the thief's station " << f);
      size_t listed = 0;
      for (const auto& c : kept.items)
        if (c["record"].str == f) {
          ++listed;
          CHECK(c["kind"].str == "station");
          CHECK_THAT(c["name"].str, Catch::StartsWith("假"));
          CHECK_FALSE(c["refusal"].str.empty());
        }
      CHECK(listed == 1);
    }
    CHECK_THAT(h.ok("t3", {"log", "--not-applied"}).out,
               Catch::Contains("假联络站") && Catch::Contains("NOT APPLIED"));
  }
  s.checkEnd(3);
}

// A summary that names an author's tip above this node's top on another
// branch (a thief's): the bundle still carries the change the revocation
// keeps (Store::planMissing takes the recent changes of authors it seems
// behind on), so the revocation that depends on it applies.
TEST_CASE(
    "renda CLI trust: the county's bundle made for a node holding a thief's branch carries "
    "the change its revocation keeps",
    "[app][cli][trust]") {
  StolenKey s;
  Harness& h = s.h;
  RawAuthor raw(s.thief, s.thief + "/device.key.replaced-" + s.key.substr(0, 8));
  s.fakes.push_back(toHex(raw.sign(RawAuthor::station("城关镇", "假站二"), s.n + 1)));
  h.ok("t2", {"bundle", "import", s.thiefBundle()});
  hop(h, "county", "t2", "county-to-t2");
  s.noFakes("t2");
  s.checkEnd(2);
}

// A thief's copy of the key hands over to a key of its own beside the change
// the revocation keeps: that hand-over does not count under the revocation.
TEST_CASE("renda CLI trust: a thief who only runs renda never writes under the revocation",
          "[app][cli][trust]") {
  StolenKey s;
  Harness& h = s.h;
  h.ok("t2", {"bundle", "import", s.thiefBundle()});
  hop(h, "county", "t2", "county-to-t2");
  s.noFakes("t2");
  s.checkEnd(1);
}

TEST_CASE("renda CLI trust: revoking a restored laptop's old key keeps its new key only when "
          "the county says so (--keep-successor)",
          "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  h.add("t1", "station", {"--name", "城关镇代表之家"});
  hop(h, "t1", "county", "before");
  writeFile(h.path("t1-data.mdb"), readFile(t1 + "/data.mdb"));
  const std::string oldKey = nodeKeyOf(h, "t1");
  std::string lost = h.add("t1", "station", {"--name", "城关镇第一联络站"});
  hop(h, "t1", "county", "lost");
  overwriteInPlace(h.path("t1-data.mdb"), t1 + "/data.mdb");
  std::string after = h.add("t1", "station", {"--name", "城关镇第二联络站"});
  const std::string newKey = nodeKeyOf(h, "t1");
  REQUIRE(newKey != oldKey);
  hop(h, "t1", "county", "handover");
  std::string n = std::to_string(seqOf(h, "county", oldKey, lost));
  bool keep = false;
  SECTION("the county keeps the new key") { keep = true; }
  SECTION("the county does not") {}
  std::vector<std::string> revoke = {"revoke", "--node", oldKey, "--after", n, "--reason", "换机"};
  if (keep) revoke.push_back("--keep-successor");
  Run r = h.ok("county", revoke);
  if (keep) CHECK_THAT(r.out, Catch::Contains("stays enrolled"));
  spread(h, kTownships, "revoked");
  for (const auto& node : kAll) {
    INFO("node " << node << (keep ? ", kept" : ", not kept"));
    JsonValue s = h.json(node, {"status"});
    CHECK(memberOf(s, newKey)["admitted"].boolean == keep);
    CHECK(shows(h, node, lost));
    CHECK(shows(h, node, after) == keep);
  }
  // Asking to keep a successor of a key that made no hand-over is a usage error.
  Run none = h.at("county", {"revoke", "--node", nodeKeyOf(h, "t2"), "--after", "1",
                             "--keep-successor"});
  CHECK(none.code == 1);
}

}  // namespace
