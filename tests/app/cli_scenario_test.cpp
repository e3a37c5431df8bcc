// SPDX-License-Identifier: Apache-2.0
// The `renda` binary end to end, as separate processes in temporary data
// folders: a county office and two townships (城关镇, 东风乡) set up, write
// records, exchange bundles through summaries in several orders, see and
// resolve a conflict, and refuse bad files and writes without changing
// anything. RENDA_BIN (set by tests/CMakeLists.txt) is the binary's path.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;
namespace fs = std::filesystem;

// --- the scenario -------------------------------------------------------------------

TEST_CASE("renda CLI: a county and two townships converge through bundles",
          "[app][cli][scenario]") {
  County county;
  Harness& h = county.h;

  // Each node writes deputies, stations, suggestions and duty records, then edits them.
  std::string d1 = h.add("t1", "deputy", {"--name", "张三", "--phone", "13900000001", "--gender", "男"});
  std::string d2 = h.add("t1", "deputy", {"--name", "李四", "--phone", "13900000002"});
  std::string s1 = h.add("t1", "station", {"--name", "城关镇代表之家", "--address", "镇政府二楼"});
  std::string g1 = h.add("t1", "suggestion", {"--title", "关于修缮村道的建议", "--body", "村道破损",
                                              "--lead", d1.substr(0, 8)});
  std::string u1 = h.add("t1", "duty", {"--deputy", d1.substr(0, 8), "--type", "视察", "--date",
                                        "2026-11-20", "--title", "视察村道"});
  h.ok("t1", {"deputy", "edit", d1.substr(0, 8), "--level", "乡镇级"});
  h.ok("t1", {"station", "edit", s1.substr(0, 8), "--address", "镇政府三楼"});
  h.ok("t1", {"suggestion", "edit", g1.substr(0, 8), "--body", "村道破损，雨天积水"});
  h.ok("t1", {"duty", "edit", u1.substr(0, 8), "--date", "2026-11-21"});

  std::string d3 = h.add("t2", "deputy", {"--name", "王五", "--phone", "13700000003"});
  std::string s2 = h.add("t2", "station", {"--name", "东风乡代表联络站"});
  std::string g2 = h.add("t2", "suggestion", {"--title", "关于增设路灯的建议", "--lead", d3.substr(0, 8)});
  std::string u2 = h.add("t2", "duty", {"--deputy", d3.substr(0, 8), "--type", "走访联系选民"});
  h.ok("t2", {"deputy", "edit", d3.substr(0, 8), "--phone", "13700000033"});
  h.ok("t2", {"station", "edit", s2.substr(0, 8), "--address", "乡政府一楼"});

  std::string d4 = h.add("county", "deputy", {"--name", "赵六", "--level", "县级"});
  std::string s4 = h.add("county", "station", {"--name", "县人大代表联络站"});
  h.ok("county", {"deputy", "edit", d4.substr(0, 8), "--phone", "13600000004"});

  // The list's table pads by display width: the township column lines up for
  // Chinese and Latin names alike.
  h.add("t1", "deputy", {"--name", "Li Si"});
  {
    std::string list = h.ok("t1", {"deputy", "list"}).out;
    std::istringstream lines(list);
    std::vector<size_t> columns;
    for (std::string line; std::getline(lines, line);) {
      size_t at = line.find("城关镇");
      if (at == std::string::npos) continue;
      size_t width = 0;  // display columns before the township
      for (size_t i = 0; i < at;) {
        unsigned char c = static_cast<unsigned char>(line[i]);
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        width += len == 3 ? 2 : 1;
        i += len;
      }
      columns.push_back(width);
    }
    REQUIRE(columns.size() == 3);
    CHECK(columns[0] == columns[1]);
    CHECK(columns[1] == columns[2]);
  }

  // A township may write only its own records: refused, nothing written.
  {
    std::string before = h.digest("t1");
    Run r = h.at("t1", {"deputy", "add", "--name", "某某", "--township", "东风乡"});
    CHECK(r.code == 2);
    CHECK(h.digest("t1") == before);
  }

  // Township -> county -> other township, through summaries.
  Run in1 = hop(h, "t1", "county", "t1-to-county");
  CHECK_THAT(in1.out, Catch::Contains("new changes"));
  CHECK_THAT(in1.out, !Catch::Contains(": 0 new"));
  CHECK(h.json("county", {"deputy", "show", d1.substr(0, 8)})["fields"]["name"].str == "张三");
  std::string relay = h.path("county-to-t2.bundle");
  {
    std::string sum = h.path("t2.summary");
    h.ok("t2", {"summary", "-o", sum});
    h.ok("county", {"bundle", "export", "--for", sum, "-o", relay});
    Run first = h.ok("t2", {"bundle", "import", relay});
    CHECK_THAT(first.out, !Catch::Contains(": 0 new"));
  }
  CHECK(h.json("t2", {"duty", "show", u1.substr(0, 8)})["fields"]["date"].str == "2026-11-21");
  CHECK(h.json("t2", {"deputy", "show", d4.substr(0, 8)})["fields"]["phone"].str == "13600000004");
  // Importing the same bundle again changes nothing.
  {
    std::string before = h.digest("t2");
    int64_t changesBefore = h.changes("t2");
    Run again = h.ok("t2", {"bundle", "import", relay});
    CHECK_THAT(again.out, Catch::Contains(": 0 new changes"));
    CHECK(h.digest("t2") == before);
    CHECK(h.changes("t2") == changesBefore);
  }

  // Direct township <-> township.
  hop(h, "t2", "t1", "t2-to-t1");
  CHECK(h.json("t1", {"station", "show", s2.substr(0, 8)})["fields"]["address"].str == "乡政府一楼");
  // Full exports: t1 now holds everything, and relays t2's work to the county.
  std::string t1Full = h.path("t1-full.bundle");
  h.ok("t1", {"bundle", "export", "-o", t1Full});
  h.ok("county", {"bundle", "import", t1Full});
  Run t2Full = h.ok("t2", {"bundle", "import", t1Full});
  CHECK_THAT(t2Full.out, Catch::Contains(": 0 new changes"));
  std::string digest = h.digest("county");
  CHECK(h.digest("t1") == digest);
  CHECK(h.digest("t2") == digest);
  CHECK(h.json("county", {"suggestion", "show", g2.substr(0, 8)})["fields"]["title"].str ==
        "关于增设路灯的建议");

  // A conflict: the county and 城关镇 change 张三's phone between exchanges.
  h.ok("county", {"deputy", "edit", d1.substr(0, 8), "--phone", "13911111111"});
  h.ok("t1", {"deputy", "edit", d1.substr(0, 8), "--phone", "13922222222"});
  hop(h, "county", "t1", "conflict-county-to-t1");
  hop(h, "t1", "county", "conflict-t1-to-county");
  std::string countyFull = h.path("county-full.bundle");
  h.ok("county", {"bundle", "export", "-o", countyFull});
  h.ok("t2", {"bundle", "import", countyFull});
  std::string winner;
  for (const char* node : {"county", "t1", "t2"}) {
    INFO("node " << node);
    JsonValue r = h.json(node, {"deputy", "show", d1.substr(0, 8)});
    REQUIRE(r["conflicts"].has("phone"));
    const JsonValue& phone = r["conflicts"]["phone"];
    REQUIRE(phone.size() == 2);
    std::vector<std::string> values = {phone[0]["value"].str, phone[1]["value"].str};
    std::sort(values.begin(), values.end());
    CHECK(values == std::vector<std::string>{"13911111111", "13922222222"});
    CHECK(r["fields"]["name"].str == "张三");
    if (winner.empty()) winner = r["fields"]["phone"].str;
    CHECK(r["fields"]["phone"].str == winner);  // the same value wins everywhere
    CHECK(h.json(node, {"status"})["conflicts"].number == 1);
    CHECK_THAT(h.ok(node, {"deputy", "show", d1.substr(0, 8)}).out, Catch::Contains("CONFLICT"));
    JsonValue listed = h.json(node, {"deputy", "list", "--conflicts"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"].str == d1);
  }
  CHECK((winner == "13911111111" || winner == "13922222222"));
  CHECK(h.digest("t1") == h.digest("county"));
  CHECK(h.digest("t2") == h.digest("county"));

  // 东风乡 may not settle 城关镇's record: refused, nothing written.
  {
    std::string before = h.digest("t2");
    int64_t changesBefore = h.changes("t2");
    Run r = h.at("t2", {"deputy", "edit", d1.substr(0, 8), "--phone", "13700000000"});
    INFO(r.describe());
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("nothing was recorded"));
    CHECK(h.digest("t2") == before);
    CHECK(h.changes("t2") == changesBefore);
  }

  // 城关镇 resolves it; after another exchange it is gone everywhere.
  h.ok("t1", {"deputy", "edit", d1.substr(0, 8), "--phone", "13933333333"});
  std::string resolved = h.path("resolved.bundle");
  h.ok("t1", {"bundle", "export", "-o", resolved});
  h.ok("county", {"bundle", "import", resolved});
  h.ok("t2", {"bundle", "import", resolved});
  for (const char* node : {"county", "t1", "t2"}) {
    INFO("node " << node);
    JsonValue r = h.json(node, {"deputy", "show", d1.substr(0, 8)});
    CHECK(r["conflicts"].size() == 0);
    CHECK(r["fields"]["phone"].str == "13933333333");
    CHECK(h.json(node, {"status"})["conflicts"].number == 0);
    CHECK(h.json(node, {"deputy", "list", "--conflicts"}).size() == 0);
  }

  // `renda log` shows every change to the record with its signature status:
  // created, level set, two concurrent phone edits, the resolving edit.
  for (const char* node : {"county", "t1", "t2"}) {
    INFO("node " << node);
    JsonValue log = h.json(node, {"log", d1.substr(0, 10)});
    REQUIRE(log.size() == 5);
    for (const auto& entry : log.items) {
      CHECK(entry["signatureValid"].boolean);
      CHECK(entry["applied"].boolean);
    }
    CHECK(log[0]["op"].str == "create");
    std::string text = h.ok(node, {"log", d1.substr(0, 10)}).out;
    CHECK(countOf(text, "signature: valid") == 5);
    CHECK(countOf(text, "INVALID") == 0);
    CHECK_THAT(text, Catch::Contains("城关镇") && Catch::Contains("county office"));
  }

  // Finally: one digest on all three, and every store verifies.
  digest = h.digest("county");
  CHECK(h.digest("t1") == digest);
  CHECK(h.digest("t2") == digest);
  for (const char* node : {"county", "t1", "t2"}) {
    Run v = h.ok(node, {"verify"});
    CHECK_THAT(v.out, Catch::Contains("Everything is in order"));
  }
  // RENDA_DATA names the data folder when --data is absent.
  Run viaEnv = h.run({"status", "--json"}, {"RENDA_DATA=" + h.path("t2")});
  REQUIRE(viaEnv.code == 0);
  CHECK(parseJson(viaEnv.out)["township"].str == "东风乡");
}

TEST_CASE("renda CLI: bad bundle files are refused with exit 2 and change nothing",
          "[app][cli][scenario]") {
  County county;
  Harness& h = county.h;
  std::string d1 = h.add("t1", "deputy", {"--name", "张三", "--phone", "13900000001"});
  h.add("t1", "station", {"--name", "城关镇代表之家"});
  for (int i = 0; i < 5; ++i) h.add("t1", "duty", {"--deputy", d1.substr(0, 8), "--type", "视察"});
  std::string good = h.path("good.bundle");
  h.ok("t1", {"bundle", "export", "-o", good});
  std::string bytes = readFile(good);
  REQUIRE(bytes.size() > 1000);

  // Another county's network, with a record of its own.
  h.ok("other", {"county", "init", "--name", "另一县"});
  h.add("other", "deputy", {"--name", "外县代表"});
  std::string foreign = h.path("foreign.bundle");
  h.ok("other", {"bundle", "export", "-o", foreign});

  std::string summary = h.path("t2.summary");
  h.ok("t2", {"summary", "-o", summary});

  uint64_t seed = std::random_device{}();
  INFO("random file seed " << seed);
  std::mt19937_64 rng(seed);
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng());

  struct Case {
    const char* what;
    std::string file;
    const char* says;  // a phrase the refusal must contain
  };
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x01);
  writeFile(h.path("truncated.bundle"), bytes.substr(0, bytes.size() / 2));
  writeFile(h.path("flipped.bundle"), flipped);
  writeFile(h.path("noise.bin"), noise);
  std::vector<Case> cases = {
      {"a truncated bundle", h.path("truncated.bundle"), "incomplete"},
      {"a bundle with one byte flipped", h.path("flipped.bundle"), "altered"},
      {"a bundle from another county", foreign, "another county"},
      {"a summary file given to bundle import", summary, "summary file"},
      {"a random file", h.path("noise.bin"), "not a renda bundle"},
  };
  for (const char* node : {"t2", "county"}) {
    for (const auto& c : cases) {
      INFO("node " << node << ": " << c.what);
      std::string before = h.digest(node);
      int64_t changesBefore = h.changes(node);
      Run r = h.at(node, {"bundle", "import", c.file});
      INFO(r.describe());
      CHECK(r.code == 2);
      CHECK_THAT(r.err, Catch::Contains(c.says));
      CHECK(h.digest(node) == before);
      CHECK(h.changes(node) == changesBefore);
    }
  }
  // The untouched bundle still imports, and t2 then holds t1's records.
  Run okRun = h.ok("t2", {"bundle", "import", good});
  CHECK_THAT(okRun.out, !Catch::Contains(": 0 new"));
  CHECK(h.digest("t2") == h.digest("t1"));
  // A summary from another county, or a bundle given as a summary, cannot drive an export.
  std::string foreignSummary = h.path("other.summary");
  h.ok("other", {"summary", "-o", foreignSummary});
  for (const std::string& notOurs : {foreignSummary, good}) {
    Run r = h.at("t1", {"bundle", "export", "--for", notOurs, "-o", h.path("never.bundle")});
    INFO(r.describe());
    CHECK(r.code == 2);
    CHECK_FALSE(fs::exists(h.path("never.bundle")));
  }
  CHECK_THAT(h.at("t1", {"bundle", "export", "--for", foreignSummary, "-o", h.path("x.bundle")}).err,
             Catch::Contains("another county"));
  // A node of another county refuses this county's bundle the same way.
  Run cross = h.at("other", {"bundle", "import", good});
  CHECK(cross.code == 2);
  CHECK_THAT(cross.err, Catch::Contains("another county"));
}

TEST_CASE("renda CLI: help lists every command, and unknown commands are usage errors",
          "[app][cli]") {
  Harness h;
  Run help = h.run({"--help"});
  REQUIRE(help.code == 0);
  for (const char* cmd : {"init", "county init", "enroll", "join", "revoke", "deputy add",
                          "deputy edit", "station add", "suggestion add", "duty add", "summary",
                          "bundle export", "bundle import", "log", "verify", "digest", "status"}) {
    INFO(cmd);
    CHECK_THAT(help.out, Catch::Contains(std::string("\n  ") + cmd + " "));
  }
  Run unknown = h.run({"--data", h.path("n"), "frobnicate"});
  CHECK(unknown.code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command"));
  Run badOption = h.run({"--data", h.path("n"), "digest", "--bogus"});
  CHECK(badOption.code == 1);
  // No command at all: the help text, as a usage error.
  Run none = h.run({});
  CHECK(none.code == 1);
  CHECK_THAT(none.out, Catch::Contains("bundle import"));
  CHECK(h.run({"--data", h.path("n")}).code == 1);
  CHECK(h.run({"--data=" + h.path("n")}).code == 1);
  // --data works before the command, after it, and as --data=DIR.
  CHECK(h.run({"init", "--data", h.path("a")}).code == 0);
  Run after = h.run({"status", "--json", "--data", h.path("a")});
  Run before = h.run({"--data=" + h.path("a"), "status", "--json"});
  REQUIRE(after.code == 0);
  REQUIRE(before.code == 0);
  CHECK(after.out == before.out);
  CHECK_FALSE(parseJson(after.out)["enrolled"].boolean);
  // A command's own help.
  Run sub = h.run({"bundle", "import", "--help"});
  CHECK(sub.code == 0);
  CHECK_THAT(sub.out, Catch::Contains("bundle import FILE"));
}

}  // namespace
