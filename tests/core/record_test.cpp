// SPDX-License-Identifier: Apache-2.0
// Record merge rules, one at a time: create, sequential edits, concurrent edits
// kept as a conflict, which value is shown, resolving edits, independent
// fields, versions that are kept but not applied, and refused edits.
#include "core/record.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::Author;
using test::Signed;

struct RecordFixture {
  NetworkId net = test::networkFromByte(0x4e);
  Author alice{0xa1, net};
  Author bob{0xb2, net};
  Signed created = alice.create("chengguan", {{"name", "Li Hua"}, {"phone", "1"}});
  Record r = createRecord(created.change, created.id, true);

  Signed apply(Author& a, std::vector<ChangeId> parents, std::vector<Field> fields,
               bool applied = true) {
    Signed s = a.update(created.id, std::move(parents), std::move(fields));
    REQUIRE(applyUpdate(r, s.change, s.id, applied).isOk());
    return s;
  }
};

std::vector<std::string> valuesOf(const Record& r, const std::string& field) {
  std::vector<std::string> out;
  for (const auto& c : r.fields.at(field).candidates) out.push_back(c.value);
  return out;
}

TEST_CASE("Record: create takes the creating change's kind, scope and fields", "[core][record]") {
  RecordFixture f;
  CHECK(f.r.id == f.created.id);
  CHECK(f.r.kind == RecordKind::kDeputy);
  CHECK(f.r.scope == "chengguan");
  CHECK(f.r.visible);
  CHECK(f.r.get("name") == "Li Hua");
  CHECK(f.r.get("phone") == "1");
  CHECK_FALSE(f.r.get("missing").has_value());
  CHECK(f.r.heads() == std::vector<ChangeId>{f.created.id});
  CHECK(f.r.createdHlc() == f.created.change.hlc);
  CHECK(f.r.versions.size() == 1);
  CHECK(f.r.versions[0].depth == 1);
  CHECK_FALSE(f.r.hasConflicts());
}

TEST_CASE("Record: sequential edits replace values and move the head", "[core][record]") {
  RecordFixture f;
  Signed e1 = f.apply(f.alice, {f.created.id}, {{"phone", "2"}});
  Signed e2 = f.apply(f.bob, {e1.id}, {{"phone", "3"}, {"group", "farmers"}});
  CHECK(f.r.get("phone") == "3");
  CHECK(f.r.get("group") == "farmers");
  CHECK(f.r.get("name") == "Li Hua");
  CHECK_FALSE(f.r.hasConflicts());
  CHECK(f.r.heads() == std::vector<ChangeId>{e2.id});
  CHECK(f.r.version(e2.id)->depth == 3);
  CHECK(f.r.updatedHlc() == std::max(e1.change.hlc, e2.change.hlc));
}

TEST_CASE("Record: concurrent edits of one field are kept as a conflict with both values",
          "[core][record][conflict]") {
  RecordFixture f;
  Signed a = f.apply(f.alice, {f.created.id}, {{"phone", "from alice"}});
  Signed b = f.apply(f.bob, {f.created.id}, {{"phone", "from bob"}});
  const FieldState& st = f.r.fields.at("phone");
  REQUIRE(st.conflicted());
  auto values = valuesOf(f.r, "phone");
  CHECK(std::is_permutation(values.begin(), values.end(),
                            std::vector<std::string>{"from alice", "from bob"}.begin()));
  // Equal depth: the higher id is shown.
  const Signed& higher = a.id > b.id ? a : b;
  CHECK(st.candidates[0].id == higher.id);
  CHECK(f.r.get("phone") == higher.change.fields[0].value);
  CHECK(f.r.heads().size() == 2);
  CHECK(f.r.hasConflicts());
}

TEST_CASE("Record: during a conflict the deeper version wins over a higher id",
          "[core][record][conflict]") {
  RecordFixture f;
  Signed a1 = f.apply(f.alice, {f.created.id}, {{"name", "a1"}});
  // Search bob's hlc for a concurrent edit whose id is above everything alice
  // will write, so that only depth can put alice's value first.
  Signed a2 = f.alice.draft(Author::updateOp(f.created.id, {a1.id}, {{"name", "a2"}}));
  Signed b;
  for (uint64_t hlc = 1;; ++hlc) {
    b = f.bob.draft(Author::updateOp(f.created.id, {f.created.id}, {{"name", "b"}}, hlc));
    if (b.id > a2.id) break;
    REQUIRE(hlc < 1000);
  }
  REQUIRE(applyUpdate(f.r, b.change, b.id, true).isOk());
  REQUIRE(applyUpdate(f.r, a2.change, a2.id, true).isOk());
  const FieldState& st = f.r.fields.at("name");
  REQUIRE(st.candidates.size() == 2);
  CHECK(st.candidates[0].id == a2.id);
  CHECK(st.candidates[0].depth == 3);
  CHECK(st.candidates[1].id == b.id);
  CHECK(st.candidates[1].depth == 2);
  CHECK(f.r.get("name") == "a2");
}

TEST_CASE("Record: an edit whose parents cover both sides resolves the conflict",
          "[core][record][conflict]") {
  RecordFixture f;
  Signed a = f.apply(f.alice, {f.created.id}, {{"phone", "A"}});
  Signed b = f.apply(f.bob, {f.created.id}, {{"phone", "B"}});
  REQUIRE(f.r.hasConflicts());
  SECTION("naming both heads") {
    Signed m = f.apply(f.alice, {a.id, b.id}, {{"phone", "merged"}});
    CHECK_FALSE(f.r.hasConflicts());
    CHECK(valuesOf(f.r, "phone") == std::vector<std::string>{"merged"});
    CHECK(f.r.heads() == std::vector<ChangeId>{m.id});
  }
  SECTION("naming only one head keeps the other side's value") {
    f.apply(f.alice, {a.id}, {{"phone", "A2"}});
    CHECK(f.r.fields.at("phone").candidates.size() == 2);
    CHECK(f.r.get("phone") == "A2");  // deeper
  }
  SECTION("an edit of another field that covers both does not resolve it") {
    f.apply(f.alice, {a.id, b.id}, {{"name", "x"}});
    CHECK(f.r.fields.at("phone").conflicted());
  }
}

TEST_CASE("Record: concurrent edits of different fields never conflict",
          "[core][record][conflict]") {
  RecordFixture f;
  f.apply(f.alice, {f.created.id}, {{"name", "Li Hua (alice)"}});
  f.apply(f.bob, {f.created.id}, {{"phone", "139"}});
  CHECK_FALSE(f.r.hasConflicts());
  CHECK(f.r.get("name") == "Li Hua (alice)");
  CHECK(f.r.get("phone") == "139");
  CHECK(f.r.heads().size() == 2);
}

TEST_CASE("Record: a version not applied takes no values but stays in the DAG", "[core][record]") {
  RecordFixture f;
  Signed bad = f.apply(f.bob, {f.created.id}, {{"phone", "forged"}}, false);
  CHECK(f.r.get("phone") == "1");
  REQUIRE(f.r.version(bad.id) != nullptr);
  CHECK_FALSE(f.r.version(bad.id)->applied);
  CHECK(f.r.version(bad.id)->depth == 2);
  CHECK(f.r.heads() == std::vector<ChangeId>{bad.id});
  CHECK(f.r.updatedHlc() == f.created.change.hlc);

  SECTION("an applied edit may follow it, and supersedes what came before") {
    Signed next = f.apply(f.alice, {bad.id}, {{"phone", "2"}});
    CHECK(f.r.get("phone") == "2");
    CHECK(f.r.version(next.id)->depth == 3);
    CHECK(f.r.fields.at("phone").candidates.size() == 1);
  }
  SECTION("it cannot resolve a conflict") {
    Signed a = f.apply(f.alice, {f.created.id}, {{"name", "A"}});
    Signed b = f.apply(f.bob, {f.created.id}, {{"name", "B"}});
    f.apply(f.bob, {a.id, b.id}, {{"name", "merged"}}, false);
    auto values = valuesOf(f.r, "name");
    std::sort(values.begin(), values.end());
    CHECK(values == std::vector<std::string>{"A", "B"});
  }
}

TEST_CASE("Record: updatedHlc is the latest applied version's, never one kept but not applied",
          "[core][record]") {
  RecordFixture f;
  const uint64_t created = f.created.change.hlc;
  auto edit = [&](Author& a, std::vector<ChangeId> parents, uint64_t ms, bool applied) {
    Signed s = a.update(f.created.id, std::move(parents), {{"phone", std::to_string(ms)}},
                        Hlc::make(ms, 0));
    REQUIRE(applyUpdate(f.r, s.change, s.id, applied).isOk());
    return s;
  };
  const uint64_t t0 = Hlc::millis(created);
  // Not applied and later than everything applied: updatedHlc stays at the create.
  Signed refused = edit(f.bob, {f.created.id}, t0 + 5000, false);
  REQUIRE(refused.change.hlc > created);
  CHECK(f.r.updatedHlc() == created);
  // An applied edit in between moves it, still not to the refused one's.
  Signed ok = edit(f.alice, {f.created.id}, t0 + 2000, true);
  CHECK(f.r.updatedHlc() == ok.change.hlc);
  // A refused edit following the applied one changes nothing either.
  edit(f.bob, {ok.id, refused.id}, t0 + 9000, false);
  CHECK(f.r.updatedHlc() == ok.change.hlc);
  // The same holds after a round trip through the stored form.
  auto again = decodeRecord(test::bytesOf(encodeRecord(f.r)));
  REQUIRE(again.isOk());
  CHECK(again->updatedHlc() == ok.change.hlc);
  // And for a record rebuilt by foldRecord, in another order.
  std::vector<FoldInput> in;
  in.push_back({refused.id, &refused.change, false});
  in.push_back({ok.id, &ok.change, true});
  in.push_back({f.created.id, &f.created.change, true});
  auto folded = foldRecord(in);
  REQUIRE(folded.isOk());
  CHECK(folded->updatedHlc() == ok.change.hlc);
}

TEST_CASE("Record: a create that is not applied gives an invisible record with no values",
          "[core][record]") {
  RecordFixture f;
  Record r = createRecord(f.created.change, f.created.id, false);
  CHECK_FALSE(r.visible);
  CHECK(r.fields.empty());
  CHECK(r.versions.size() == 1);
  CHECK_FALSE(r.versions[0].applied);
}

TEST_CASE("Record: edits for another record or unknown parents are refused",
          "[core][record][negative]") {
  RecordFixture f;
  Signed other = f.alice.update(test::idFromByte(9), {f.created.id}, {{"phone", "x"}});
  CHECK(applyUpdate(f.r, other.change, other.id, true).code() == Code::kInvalidInput);
  Signed orphan = f.alice.update(f.created.id, {test::idFromByte(8)}, {{"phone", "x"}});
  CHECK(applyUpdate(f.r, orphan.change, orphan.id, true).code() == Code::kInvalidInput);
  CHECK(applyUpdate(f.r, f.created.change, f.created.id, true).code() == Code::kInvalidInput);
  CHECK(f.r.versions.size() == 1);
  CHECK(f.r.get("phone") == "1");
}

TEST_CASE("Record: applying the same edit twice is a no-op", "[core][record]") {
  RecordFixture f;
  Signed e = f.apply(f.alice, {f.created.id}, {{"phone", "2"}});
  std::string before = encodeRecord(f.r);
  REQUIRE(applyUpdate(f.r, e.change, e.id, true).isOk());
  REQUIRE(applyUpdate(f.r, e.change, e.id, false).isOk());
  CHECK(encodeRecord(f.r) == before);
}

TEST_CASE("foldRecord: refuses a set with no create, two creates or a missing parent",
          "[core][record][negative]") {
  RecordFixture f;
  Signed e1 = f.alice.update(f.created.id, {f.created.id}, {{"phone", "2"}});
  Signed e2 = f.alice.update(f.created.id, {e1.id}, {{"phone", "3"}});
  CHECK(foldRecord({{e1.id, &e1.change, true}}).status().code() == Code::kInvalidInput);
  Signed second = f.bob.create("chengguan", {{"name", "x"}});
  CHECK(foldRecord({{f.created.id, &f.created.change, true}, {second.id, &second.change, true}})
            .status()
            .code() == Code::kInvalidInput);
  CHECK(foldRecord({{f.created.id, &f.created.change, true}, {e2.id, &e2.change, true}})
            .status()
            .code() == Code::kInvalidInput);
  auto ok = foldRecord({{e2.id, &e2.change, true},
                        {f.created.id, &f.created.change, true},
                        {e1.id, &e1.change, true},
                        {e1.id, &e1.change, true}});  // duplicates are folded once
  REQUIRE(ok.isOk());
  CHECK(ok->get("phone") == "3");
  CHECK(ok->versions.size() == 3);
}

}  // namespace
}  // namespace renda
