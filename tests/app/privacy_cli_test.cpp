// SPDX-License-Identifier: Apache-2.0
// Sealed personal fields end to end with the real `renda` binary: a county
// office and two townships; 城关镇 (t1) records a constituent's identity and a
// deputy's ID number as random canary strings; bundles go t1 -> county -> t2.
// The canaries must never appear in any node's files (LMDB, keys), any bundle
// or summary, or any `log`/report/export output or 东风乡's `list`, and must
// appear, opened, in `show`/`list` on t1 and the county and in an export with
// --reveal where it is allowed. 东风乡 (t2) sees the placeholder and is refused --reveal.
#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "app/node/privacy.h"
#include "core/sealed.h"
#include "tests/app/cli_fixtures.h"
#include "tests/storage/store_fixtures.h"

namespace {

using namespace renda::clitest;
namespace fs = std::filesystem;

const std::string kPlaceholder = "（已加密）";

struct Canaries {
  uint64_t seed = 0;
  std::string name, phone, idNumber, newPhone;
  explicit Canaries(uint64_t s) : seed(s) {
    std::mt19937_64 rng(s);
    auto digits = [&](size_t n) {
      std::string d;
      for (size_t i = 0; i < n; ++i) d += static_cast<char>('0' + rng() % 10);
      return d;
    };
    auto hex = [&](size_t n) {
      std::string h;
      for (size_t i = 0; i < n; ++i) h += "0123456789abcdef"[rng() % 16];
      return h;
    };
    name = "张CANARY" + hex(16);
    phone = "139" + digits(8);
    newPhone = "137" + digits(8);
    idNumber = "9" + digits(17);
  }
  std::vector<std::string> all() const { return {name, phone, idNumber, newPhone}; }
  // The distinctive parts: a masked form keeps the first character of a name
  // and the last 4 digits of an ID number, never these.
  std::vector<std::string> cores() const {
    return {name.substr(3), idNumber.substr(0, 14)};
  }
};

// Fails naming the canary and where it was found.
void checkClean(const std::string& where, const std::string& bytes, const Canaries& c) {
  for (const auto& s : c.all()) {
    INFO(where << " must not hold the canary " << s);
    CHECK(bytes.find(s) == std::string::npos);
  }
  for (const auto& s : c.cores()) {
    INFO(where << " must not hold the canary part " << s);
    CHECK(bytes.find(s) == std::string::npos);
  }
}

TEST_CASE("renda CLI: canary personal fields never leave the nodes that may read them in clear",
          "[app][cli][privacy]") {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("RENDA_TEST_SEED")) seed = std::strtoull(env, nullptr, 10);
  Canaries canary(seed);
  INFO("canary seed " << seed << " (set RENDA_TEST_SEED to replay): " << canary.name);
  WARN("privacy canary seed " << seed);
  County county;
  Harness& h = county.h;
  std::vector<std::pair<std::string, std::string>> outputs;  // must all be clean
  auto keep = [&](const std::string& what, const Run& r) {
    outputs.emplace_back(what, r.out + r.err);
    return r;
  };

  // 城关镇 records a reception, a constituent issue and a deputy with canaries.
  std::string station = h.add("t1", "station", {"--name", "城关镇代表之家"});
  std::string deputy = h.add("t1", "deputy", {"--name", "王五", "--idNumber", canary.idNumber,
                                             "--level", "乡镇级"});
  std::string reception = h.add("t1", "reception", {"--station", station.substr(0, 8), "--date",
                                                   "2026-11-20", "--constituentName", canary.name,
                                                   "--constituentPhone", canary.phone});
  Run addIssue = keep("issue add", h.ok("t1", {"issue", "add", "--reception", reception.substr(0, 8),
                                                "--text", "村道破损，雨天无法通行", "--receivedDate",
                                                "2026-11-20", "--route", "转乡镇人大",
                                                "--constituentName", canary.name,
                                                "--constituentPhone", canary.phone,
                                                "--constituentAddress", "城关镇东街12号",
                                                "--json"}));
  std::string issue = parseJson(addIssue.out)["id"].str;
  keep("issue edit", h.ok("t1", {"issue", "edit", issue.substr(0, 8), "--constituentPhone",
                                 canary.newPhone}));

  // The recording township reads its own values in clear.
  Run t1Show = h.ok("t1", {"issue", "show", issue.substr(0, 8)});
  CHECK_THAT(t1Show.out, Catch::Contains(canary.name));
  CHECK_THAT(t1Show.out, Catch::Contains(canary.newPhone));
  CHECK_THAT(t1Show.out, Catch::Contains("村道破损"));  // the issue text stays readable
  CHECK(h.json("t1", {"deputy", "show", deputy.substr(0, 8)})["fields"]["idNumber"].str ==
        canary.idNumber);

  // t1 -> county -> t2.
  hop(h, "t1", "county", "t1-to-county");
  hop(h, "county", "t2", "county-to-t2");

  // The county office reads them; the other township cannot.
  CHECK(h.json("county", {"issue", "show", issue.substr(0, 8)})["fields"]["constituentName"].str ==
        canary.name);
  CHECK(h.json("county", {"reception", "show", reception.substr(0, 8)})["fields"]["constituentPhone"]
            .str == canary.phone);
  Run t2Show = keep("t2 issue show", h.ok("t2", {"issue", "show", issue.substr(0, 8)}));
  CHECK_THAT(t2Show.out, Catch::Contains("constituentName: " + kPlaceholder));
  CHECK_THAT(t2Show.out, Catch::Contains("村道破损"));
  JsonValue t2Deputy = h.json("t2", {"deputy", "show", deputy.substr(0, 8)});
  CHECK(t2Deputy["fields"]["idNumber"].str == kPlaceholder);
  CHECK(t2Deputy["fields"]["name"].str == "王五");
  keep("t2 issue list", h.ok("t2", {"issue", "list", "--json"}));
  keep("t2 deputy show", h.ok("t2", {"deputy", "show", deputy.substr(0, 8), "--json"}));

  // Logs never open sealed values, on any node.
  for (const char* node : {"t1", "county", "t2"}) {
    for (const std::string& id : {issue, reception, deputy}) {
      Run log = keep(std::string(node) + " log", h.ok(node, {"log", id.substr(0, 8)}));
      keep(std::string(node) + " log --json", h.ok(node, {"log", id.substr(0, 8), "--json"}));
      if (id == issue) CHECK_THAT(log.out, Catch::Contains("constituentName=" + kPlaceholder));
    }
    keep(std::string(node) + " issue list", h.ok(node, {"issue", "list"}));
    // `list --json` opens values like `show` where this node holds a recipient key.
    Run list = h.ok(node, {"reception", "list", "--json"});
    if (std::string(node) == "t2") {
      keep("t2 reception list", list);
      CHECK_THAT(list.out, Catch::Contains(kPlaceholder));
    } else {
      CHECK_THAT(list.out, Catch::Contains(canary.phone));
    }
  }

  // Reports and exports mask by default.
  for (const char* node : {"t1", "county", "t2"}) {
    std::string csv = h.path(std::string("masked-") + node + ".csv");
    keep(std::string(node) + " export", h.ok(node, {"export", "issueList", "-o", csv}));
    std::string text = readFile(csv);
    outputs.emplace_back(std::string(node) + " masked export file", text);
    CHECK_THAT(text, Catch::Contains("村道破损"));
    if (std::string(node) == "t2") {
      CHECK_THAT(text, Catch::Contains(kPlaceholder));
    } else {
      CHECK_THAT(text, Catch::Contains("张" + std::string(22, '*')));  // 张 + 22 hidden characters
      CHECK_THAT(text, Catch::Contains("137****" + canary.newPhone.substr(7)));
      CHECK_THAT(text, Catch::Contains("城关镇****"));
    }
    Run roster = keep(std::string(node) + " roster", h.ok(node, {"report", "roster", "--json"}));
    if (std::string(node) != "t2")
      CHECK_THAT(roster.out, Catch::Contains(std::string(14, '*') + canary.idNumber.substr(14)));
    keep(std::string(node) + " issueList report", h.ok(node, {"report", "issueList"}));
  }

  // --reveal: the county office may; a township only for itself; 东风乡 cannot read 城关镇's.
  {
    std::string csv = h.path("revealed-county.csv");
    h.ok("county", {"export", "issueList", "-o", csv, "--reveal"});
    std::string text = readFile(csv);
    CHECK_THAT(text, Catch::Contains(canary.name));
    CHECK_THAT(text, Catch::Contains(canary.newPhone));
    std::string xlsx = h.path("revealed-roster.xlsx");
    h.ok("county", {"export", "roster", "-o", xlsx, "--reveal"});
    Run roster = h.ok("county", {"report", "roster", "--reveal", "--json"});
    CHECK_THAT(roster.out, Catch::Contains(canary.idNumber));

    Run t1All = keep("t1 reveal all", h.at("t1", {"export", "issueList", "-o",
                                                  h.path("revealed-t1-all.csv"), "--reveal"}));
    CHECK(t1All.code == 2);
    CHECK_THAT(t1All.err, Catch::Contains("--township 城关镇"));
    CHECK_FALSE(fs::exists(h.path("revealed-t1-all.csv")));
    h.ok("t1", {"export", "issueList", "-o", h.path("revealed-t1.csv"), "--reveal", "--township",
                "城关镇"});
    CHECK_THAT(readFile(h.path("revealed-t1.csv")), Catch::Contains(canary.name));

    for (std::vector<std::string> args :
         {std::vector<std::string>{"export", "issueList", "-o", h.path("revealed-t2.csv"), "--reveal"},
          {"export", "issueList", "-o", h.path("revealed-t2.csv"), "--reveal", "--township", "城关镇"},
          {"report", "issueList", "--reveal"}}) {
      Run r = keep("t2 reveal", h.at("t2", args));
      INFO(r.describe());
      CHECK(r.code == 2);
      CHECK_THAT(r.err, Catch::Contains("东风乡 only"));
    }
    CHECK_FALSE(fs::exists(h.path("revealed-t2.csv")));
    // Its own township's (none sealed to others) it may reveal.
    keep("t2 reveal own", h.ok("t2", {"report", "issueList", "--reveal", "--township", "东风乡"}));
  }

  // Every node converges on the same records (the same ciphertext).
  hop(h, "t2", "county", "t2-to-county");
  hop(h, "county", "t1", "county-to-t1");
  std::string d = h.digest("county");
  CHECK(h.digest("t1") == d);
  CHECK(h.digest("t2") == d);
  for (const char* node : {"t1", "county", "t2"}) {
    Run v = h.ok(node, {"verify"});
    CHECK_THAT(v.out, Catch::Contains("Everything is in order"));
  }

  // No canary in any file the nodes or the hops left: LMDB files, key files,
  // bundles, summaries, masked exports. Only the revealed exports hold them.
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(h.path(""))) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    if (name.rfind("revealed-", 0) == 0 || name == "stdout.txt" || name == "stderr.txt") continue;
    ++files;
    checkClean(e.path().string(), readFile(e.path().string()), canary);
  }
  CHECK(files >= 12);  // data.mdb, lock.mdb and keys of three nodes, bundles, summaries
  for (const char* node : {"t1", "county", "t2"}) {
    std::string mdb = h.path(std::string(node) + "/data.mdb");
    REQUIRE(fs::exists(mdb));
    CHECK_THAT(readFile(mdb), Catch::Contains("renda-sealed:v1:"));
  }
  for (const auto& [what, text] : outputs) checkClean(what, text, canary);
}

TEST_CASE("renda CLI: a restored store gets a new encryption key and still opens older values",
          "[app][cli][privacy]") {
  County county;
  Harness& h = county.h;
  std::string station = h.add("t1", "station", {"--name", "城关镇代表之家"});
  std::string reception = h.add("t1", "reception", {"--station", station.substr(0, 8), "--date",
                                                   "2026-11-20", "--constituentName", "孙七"});
  std::string oldKey = readFile(h.path("t1/encryption.key"));
  fs::copy(h.path("t1"), h.path("t1copy"), fs::copy_options::recursive);
  Run added = h.ok("t1copy", {"reception", "add", "--station", station.substr(0, 8), "--date",
                              "2026-11-21", "--constituentName", "周八", "--json"});
  CHECK_THAT(added.err, Catch::Contains("new device key"));
  CHECK(readFile(h.path("t1copy/encryption.key")) != oldKey);
  size_t replaced = 0;
  for (const auto& e : fs::directory_iterator(h.path("t1copy")))
    if (e.path().filename().string().rfind("encryption.key.replaced-", 0) == 0) ++replaced;
  CHECK(replaced == 1);
  std::string fresh = parseJson(added.out)["id"].str;
  CHECK(h.json("t1copy", {"reception", "show", reception.substr(0, 8)})["fields"]["constituentName"]
            .str == "孙七");
  CHECK(h.json("t1copy", {"reception", "show", fresh.substr(0, 8)})["fields"]["constituentName"]
            .str == "周八");
  // The county reads both once the copy's changes (its new keys included) reach it.
  hop(h, "t1copy", "county", "copy-to-county");
  CHECK(h.json("county", {"reception", "show", fresh.substr(0, 8)})["fields"]["constituentName"]
            .str == "周八");
}

TEST_CASE("renda CLI: personal fields are refused before the county's key is known",
          "[app][privacy]") {
  using namespace renda;
  test::TempDir dir;
  test::County net;
  test::Signer town(net.network, 2), office(net.network, 1);
  auto s = test::openStore(dir.sub("a"), net);
  REQUIRE(s);
  REQUIRE(s->ingest({office.introduce(net, "", Role::kCounty).envelope,
                     town.introduce(net, "城关镇", Role::kTownship).envelope})
              .isOk());
  storage::LocalEdit edit;
  edit.op = OpKind::kCreate;
  edit.kind = RecordKind::kConstituentIssue;
  edit.scope = "城关镇";
  edit.fields = {{"text", "路灯不亮"}, {"constituentName", "赵六"}};
  Status refused = app::sealPersonalFields(*s, edit, 1700000100000ull);
  CHECK(refused.code() == Code::kRefused);
  CHECK_THAT(refused.message(), Catch::Contains("county office's encryption key"));
  CHECK(refused.message().find("赵六") == std::string::npos);
  CHECK(edit.fields[1].value == "赵六");  // untouched: nothing is written
  // Once the county office announces its key, the same edit is sealed to it.
  BoxSecretKey countyKey = crypto::generateBoxKey();
  Change announce;
  announce.op = OpKind::kEncryptionKey;
  announce.encryptionKey = countyKey.publicKey();
  REQUIRE(s->ingest({office.add(announce).envelope}).isOk());
  REQUIRE(app::sealPersonalFields(*s, edit, 1700000100000ull).isOk());
  CHECK(looksSealed(edit.fields[1].value));
  CHECK(edit.fields[0].value == "路灯不亮");
  auto clear = openValue(edit.fields[1].value, RecordKind::kConstituentIssue, "constituentName",
                         countyKey);
  REQUIRE(clear.isOk());
  CHECK(*clear == "赵六");
}

}  // namespace
