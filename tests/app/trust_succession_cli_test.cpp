// SPDX-License-Identifier: Apache-2.0
// Succession certificates have limits (design.md, Trust), driven through the
// real `renda` binary: a key hands over once; a folder restored from before
// its hand-over is refused and told what to do; a node cannot extend its own
// enrollment; a successor's enrollment lies inside its predecessor's.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/app/trust_cli_fixtures.h"

namespace {

using namespace renda;
using namespace renda::clitest;

constexpr uint64_t kDayMs = 86400000ull;

TEST_CASE(
    "renda CLI trust: a key hands over once, and a folder restored from before its "
    "hand-over is told what to do",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.path("t1");
  const std::string key = nodeKeyOf(h, "t1");
  h.add("t1", "station", {"--name", "城关镇代表之家"});
  copyTree(t1, h.path("t1-backup"));
  Run rotate = h.ok("t1", {"key", "rotate"});
  const std::string key1 = nodeKeyOf(h, "t1");
  REQUIRE(key1 != key);
  CHECK_THAT(rotate.out, Catch::Contains("This node now signs with " + key1));
  CHECK(rotate.err.empty());  // asked for: stdout says it all
  hop(h, "t1", "county", "rotated");
  JsonValue cs = h.json("county", {"status"});
  CHECK(memberOf(cs, key)["successor"].str == key1);
  CHECK(memberOf(cs, key1)["admitted"].boolean);
  restoreFolderInPlace(h.path("t1-backup"), t1);
  REQUIRE(nodeKeyOf(h, "t1") == key);

  SECTION("the restore marker knows of the hand-over") {
    const std::vector<std::string> says = {
        "restored from a backup made before this computer switched to the key " + key1.substr(0, 8),
        "restore the newer backup of this folder", "renda init --data NEW-FOLDER"};
    refused(h, "t1", {"key", "rotate"}, 2, says);
    refused(h, "t1", {"station", "add", "--name", "城关镇第一联络站"}, 2, says);
  }
  SECTION("the marker is lost, and the folder learns of the hand-over from the county") {
    fs::remove_all(markerDir(h));
    hop(h, "county", "t1", "back");
    refused(
        h, "t1", {"key", "rotate"}, 2,
        {"has already handed over to the key " + key1.substr(0, 8), "a key hands over only once",
         "Nothing was changed", "goes on signing with " + key.substr(0, 8)});
    // And so it does: nothing of the old key's number was signed twice.
    std::string more = h.add("t1", "station", {"--name", "城关镇第一联络站"});
    hop(h, "t1", "county", "more");
    CHECK(shows(h, "county", more));
    JsonValue s = h.json("county", {"status"});
    CHECK(s["forks"].size() == 0);
    CHECK(s["frozen"].size() == 0);
  }
  SECTION("nothing tells the folder: a second successor freezes the key") {
    fs::remove_all(markerDir(h));
    Run again = h.ok("t1", {"key", "rotate"});
    const std::string key2 = nodeKeyOf(h, "t1");
    hop(h, "t1", "county", "second");
    JsonValue s = h.json("county", {"status"});
    CHECK(memberOf(s, key)["frozenFrom"].number > 0);
    CHECK_FALSE(memberOf(s, key2)["admitted"].boolean);
    Run text = h.ok("county", {"status"});
    CHECK_THAT(text.out, Catch::Contains("certified a second successor key"));
    CHECK_THAT(text.out, Catch::Contains("renda fork settle --node " + key));
    // Not admitted, it is not a county office key.
    CHECK_THAT(text.out, Catch::Contains("Not admitted: " + key2.substr(0, 8) + ": "));
    verifiesClean(h, "county");
  }
}

// The highest number of `key`'s changes held at `node`.
uint64_t topSeq(Harness& h, const std::string& node, const std::string& key) {
  uint64_t top = 0;
  JsonValue log = h.json(node, {"log", "--node", key});
  for (const auto& c : log["changes"].items) top = std::max(top, uint64_t(c["seq"].number));
  return top;
}

TEST_CASE(
    "renda CLI trust: a node cannot extend its own enrollment, and its successor's ends "
    "with it",
    "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  // Two more townships: one enrolled for a day, one for thirty days.
  for (auto [node, town, days] :
       {std::tuple<const char*, const char*, const char*>{"short", "新华乡", "1"},
        {"month", "红旗乡", "30"}}) {
    std::string k = nodeKeyFrom(h.ok(node, {"init"}).out);
    std::string file = h.path(std::string(node) + ".bundle");
    h.ok("county", {"enroll", "--node", k, "--township", town, "--days", days, "-o", file});
    h.ok(node, {"join", file});
  }
  const std::string dayKey = nodeKeyOf(h, "short"), monthKey = nodeKeyOf(h, "month");
  JsonValue window = memberOf(h.json("county", {"status"}), dayKey)["windows"];
  REQUIRE(window.size() == 1);
  const double until = window[0]["untilMs"].number;
  CHECK(until > 0);

  SECTION("a certificate of itself, signed below the CLI, is kept and never applied") {
    RawAuthor raw(h.path("short"));
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate =
        makeCertificate(raw.network(), raw.key().publicKey(), raw.key(), "新华乡", Role::kTownship,
                        h.nowMs(), h.nowMs() + 365 * kDayMs, "新华乡人大");
    raw.sign(c, topSeq(h, "short", dayKey) + 1);
    Run up = hop(h, "short", "county", "self");
    CHECK_THAT(up.out, Catch::Contains("kept but not applied"));
    for (const auto& node : {"short", "county"}) {
      INFO("node " << node);
      JsonValue m = memberOf(h.json(node, {"status"}), dayKey);
      REQUIRE(m["windows"].size() == 1);
      CHECK(m["windows"][0]["untilMs"].number == until);
      CHECK(m["admitted"].boolean);
      verifiesClean(h, node);
    }
    std::string lateKey = nodeKeyFrom(h.ok("late", {"init"}).out);
    h.ok("county", {"enroll", "--node", lateKey, "--township", "新华乡", "--days", "1", "-o",
                    h.path("late.bundle")});
    // Two days on, the enrollment has ended, and the township is told so.
    h.advanceClock(2 * kDayMs);
    {
      Run late = h.at("late", {"join", h.path("late.bundle")});
      INFO(late.describe());
      CHECK(late.code == 2);
      CHECK_THAT(late.err, Catch::Contains("for a period that does not cover now") &&
                               Catch::Contains("Nothing was changed") &&
                               Catch::Contains("renda enroll --node " + lateKey));
      CHECK_FALSE(h.json("late", {"status"})["enrolled"].boolean);
    }
    refused(h, "short", {"station", "add", "--name", "新华乡代表之家"}, 2,
            {"this computer's enrollment", "is not valid at", "Ask the county office to renew it",
             "renda enroll --node " + dayKey});
    refused(h, "short", {"key", "rotate"}, 2, "Ask the county office to renew it");
  }
  SECTION("the successor's enrollment ends when its predecessor's does") {
    h.ok("month", {"key", "rotate"});
    const std::string next = nodeKeyOf(h, "month");
    hop(h, "month", "county", "rotated");
    JsonValue s = h.json("county", {"status"});
    JsonValue old = memberOf(s, monthKey)["windows"], successor = memberOf(s, next)["windows"];
    REQUIRE(old.size() == 1);
    REQUIRE(successor.size() == 1);
    CHECK(successor[0]["untilMs"].number == old[0]["untilMs"].number);
    CHECK(successor[0]["untilMs"].number > 0);
    CHECK(successor[0]["fromMs"].number >= old[0]["fromMs"].number);
    CHECK(memberOf(s, next)["admitted"].boolean);
    // A month on, the successor's enrollment has ended with its predecessor's;
    // the county renews it as the message says, and the township writes again.
    h.advanceClock(31 * kDayMs);
    refused(h, "month", {"station", "add", "--name", "红旗乡代表之家"}, 2,
            {"Ask the county office to renew it", "renda enroll --node " + next});
    h.ok("county", {"enroll", "--node", next, "--township", "红旗乡", "--days", "30", "-o",
                    h.path("renew.bundle")});
    h.ok("month", {"bundle", "import", h.path("renew.bundle")});
    std::string station = h.add("month", "station", {"--name", "红旗乡代表之家"});
    hop(h, "month", "county", "renewed");
    CHECK(shows(h, "county", station));
    // The county's own certificate now admits it, for its thirty days.
    JsonValue renewed = memberOf(h.json("county", {"status"}), next);
    CHECK(renewed["generation"].number == 0);
    REQUIRE(renewed["windows"].size() == 1);
    CHECK(renewed["windows"][0]["untilMs"].number > old[0]["untilMs"].number);
  }
}

}  // namespace
