// SPDX-License-Identifier: Apache-2.0
// `renda verify` sees what the log implies, driven through the real `renda`
// binary: a county store that went through a fork and its settlement, a
// hand-over and revocations verifies clean; the same store with a change's
// applied flag flipped, a membership rewritten or a member deleted (written
// straight into the LMDB tables, below the store's API) does not, and says
// which.
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

#include "storage/lmdb.h"
#include "tests/app/trust_cli_fixtures.h"

namespace {

using namespace renda;
using namespace renda::clitest;

// Runs `edit` in one write transaction on the table `table` of the store in
// `dir`, opened with the LMDB wrapper only (no Store: nothing is re-derived).
void tamper(const std::string& dir, const char* table,
            const std::function<void(storage::WriteTxn&, MDB_dbi)>& edit) {
  auto env = storage::Env::open(dir);
  REQUIRE(env);
  auto txn = storage::WriteTxn::begin(*env);
  REQUIRE(txn);
  auto dbi = txn->openDb(table);
  REQUIRE(dbi);
  edit(*txn, *dbi);
  REQUIRE(txn->commit());
}

// Flips the applied flag (store.h: changes value = u8 format | u8 flags |
// author 32 | seq u64 | envelope; flags bit1 = applied) of the first change
// that `pick` names, and returns its id.
std::string flipApplied(const std::string& dir,
                        const std::function<bool(const Change&, const std::string& id)>& pick) {
  constexpr size_t kHeader = 1 + 1 + 32 + 8;
  std::string id;
  tamper(dir, "changes", [&](storage::WriteTxn& txn, MDB_dbi changes) {
    std::string key, value;
    {
      auto c = storage::Cursor::open(txn, changes);
      REQUIRE(c);
      for (auto ok = c->first(); ok && *ok && value.empty(); ok = c->next()) {
        auto env = decodeEnvelope(c->value().subspan(kHeader));
        REQUIRE(env);
        auto change = decodeChange(crypto::asBytes(env->body));
        REQUIRE(change);
        std::string hex = toHex(crypto::changeId(crypto::asBytes(env->body)));
        if (!pick(*change, hex)) continue;
        id = hex;
        key = std::string(storage::viewOf(c->key()));
        value = std::string(storage::viewOf(c->value()));
      }
    }
    REQUIRE(!value.empty());
    value[1] = static_cast<char>(value[1] ^ 2);
    REQUIRE(txn.put(changes, storage::bytesOf(key), storage::bytesOf(value)));
  });
  return id;
}
std::string flipApplied(const std::string& dir, const std::string& id) {
  return flipApplied(dir, [&](const Change&, const std::string& hex) { return hex == id; });
}

// A members table key: the node key's 32 bytes.
std::string memberKey(const std::string& hex) {
  auto k = fixedFromHex<PublicKey>(hex);
  REQUIRE(k);
  return std::string(reinterpret_cast<const char*>(k->data()), k->size());
}

// `renda verify` on `dir` fails (exit 3, internal: the store is damaged),
// naming `problem`, and says what to do.
void verifyFinds(Harness& h, const std::string& dir, const std::string& problem) {
  Run v = h.run({"--data", dir, "verify"});
  INFO("renda verify\n" << v.describe());
  CHECK(v.code == 3);
  CHECK_THAT(v.out, Catch::Contains("PROBLEM: ") && Catch::Contains(problem));
  CHECK_THAT(v.err, Catch::Contains("keep a copy of this folder"));
  JsonValue j = parseJson(h.run({"--data", dir, "verify", "--json"}).out);
  CHECK(j["problems"].size() >= 1);
}

TEST_CASE("renda CLI trust: renda verify sees what the log implies", "[app][cli][trust]") {
  County county;
  Harness& h = county.h;
  // A fork, settled; a hand-over; two revocations.
  const std::string t1Key = nodeKeyOf(h, "t1"), t2Key = nodeKeyOf(h, "t2");
  auto [lost, again] = forkByRollback(h, "t1");
  hop(h, "t1", "county", "fork");
  h.ok("county", {"fork", "settle", "--node", t1Key, "--keep", again.substr(0, 12)});
  h.add("t2", "station", {"--name", "东风乡代表之家"});
  h.ok("t2", {"key", "rotate"});
  const std::string t2Next = nodeKeyOf(h, "t2");
  std::string t2Station = h.add("t2", "station", {"--name", "东风乡第一联络站"});
  std::string spare = nodeKeyFrom(h.ok("spare", {"init"}).out);
  h.ok("county", {"enroll", "--node", spare, "--township", "东风乡", "-o", h.path("spare.bundle")});
  h.ok("county", {"revoke", "--node", spare, "--after", "0", "--reason", "laptop lost"});
  gossip(h, {"t1", "t2"}, "round1");
  // After the settlement the county can revoke at the fork's number: the
  // revocation pins the kept change.
  const int64_t forkSeq = seqOf(h, "county", t1Key, again);
  Run revoke = h.ok("county", {"revoke", "--node", t1Key, "--after", std::to_string(forkSeq),
                               "--reason", "replaced"});
  CHECK_THAT(revoke.out, Catch::Contains("Revoked node " + t1Key.substr(0, 8)));
  gossip(h, {"t1", "t2"}, "round2");
  converged(h, {"county", "t1", "t2"});
  JsonValue s = h.json("county", {"status"});
  REQUIRE(s["forks"].size() == 1);
  REQUIRE(s["revoked"].size() == 2);
  REQUIRE(memberOf(s, t2Next)["issuer"].str == t2Key);
  CHECK(memberOf(s, t1Key)["revokedAfter"].number == forkSeq);
  for (const auto& node : {"county", "t1", "t2"}) {
    CHECK(shows(h, node, again));
    CHECK_FALSE(shows(h, node, lost));
  }
  const std::string copy = h.path("tampered");
  copyTree(h.path("county"), copy);

  SECTION("a record change's applied flag flipped") {
    flipApplied(copy, t2Station);
    verifyFinds(h, copy,
                "change " + t2Station.substr(0, 12) + " of record " + t2Station.substr(0, 8) +
                    " is marked not applied");
  }
  SECTION("a change kept as evidence marked applied") {
    flipApplied(copy, lost);
    verifyFinds(
        h, copy,
        "change " + lost.substr(0, 12) + " of record " + lost.substr(0, 8) + " is marked applied");
  }
  SECTION("an act's applied flag flipped") {
    std::string settlement = flipApplied(
        copy, [](const Change& c, const std::string&) { return c.op == OpKind::kSettlement; });
    verifyFinds(h, copy,
                "change " + settlement.substr(0, 12) +
                    " is marked not applied, but the changes give applied");
  }
  SECTION("a membership rewritten") {
    tamper(copy, "members", [&](storage::WriteTxn& txn, MDB_dbi members) {
      const std::string k = memberKey(t2Next);
      auto v = txn.get(members, storage::bytesOf(k));
      REQUIRE(v);
      REQUIRE(v->has_value());
      auto m = Membership::decode(**v);
      REQUIRE(m);
      m->windowsMs = {{0, 0}};  // open-ended, where its predecessor certified it for less
      REQUIRE(txn.put(members, storage::bytesOf(k), storage::bytesOf(m->encode())));
    });
    verifyFinds(h, copy,
                "node " + t2Next.substr(0, 8) +
                    "'s membership differs from what the "
                    "changes give");
  }
  SECTION("a member deleted") {
    tamper(copy, "members", [&](storage::WriteTxn& txn, MDB_dbi members) {
      REQUIRE(txn.del(members, storage::bytesOf(memberKey(t1Key))));
    });
    verifyFinds(h, copy, "node " + t1Key.substr(0, 8) + " is missing from the members table");
  }
  // The county's own store was never touched.
  verifiesClean(h, "county");
}

}  // namespace
