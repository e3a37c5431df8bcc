// SPDX-License-Identifier: Apache-2.0
// One writer per field group in the store (core/domain/field_groups.h): a
// township's plain edit of a suggestion's text after its registration is kept
// as evidence, marked not applied with the reason, and never changes the
// record; the county office's edit applies. Whatever the arrival order — the
// registration before or after a concurrent edit, or a revocation that
// un-applies the registration arriving first or last — every store ends with
// the same records and digest, and verify() finds them consistent.
#include <catch2/catch.hpp>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::Signed;
using test::Signer;
using test::verifies;

const std::string kTown = "城关镇";
const std::string kTitle = "关于修缮城东村道的建议";

struct Net {
  test::TempDir dir;
  test::County county;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  Signer otherTown{county.network, 3};
  std::vector<Signed> intro;
  Net() {
    intro.push_back(office.introduce(county, "", Role::kCounty));
    intro.push_back(town.introduce(county, kTown, Role::kTownship));
    intro.push_back(otherTown.introduce(county, "东风乡", Role::kTownship));
  }
  std::unique_ptr<Store> open(const std::string& name) {
    auto s = test::openStore(dir.sub(name), county);
    REQUIRE(s);
    REQUIRE(s->ingest(test::envelopesOf(intro)));
    return s;
  }
};

Signed event(Signer& who, const RecordId& rid, std::vector<ChangeId> parents,
             const std::string& action, std::vector<Field> fields = {}) {
  Change c = Signer::updateOp(rid, std::move(parents), std::move(fields));
  c.action = action;
  return who.add(std::move(c));
}

// A county-level suggestion of 城关镇, submitted, and registered by the county.
struct Registered {
  Net n;
  Signed create, submit, reg;
  RecordId rid;
  Registered() {
    create = n.town.create(RecordKind::kSuggestion, kTown, {{"title", kTitle}, {"lead", "张三"}});
    rid = create.id;
    submit = event(n.town, rid, {rid}, "submit");
    reg = event(n.office, rid, {submit.id}, "register", {{"number", "十八届二次-001"}});
  }
};

const Store::LoggedChange* logged(const std::vector<Store::LoggedChange>& log, const ChangeId& id) {
  for (const auto& c : log)
    if (c.id == id) return &c;
  return nullptr;
}

TEST_CASE("Store: a township's edit of a registered suggestion's text is kept, not applied",
          "[storage][fieldgroups]") {
  Registered r;
  auto s = r.n.open("a");
  REQUIRE(s->ingest({r.create.envelope, r.submit.envelope, r.reg.envelope}));
  // 城关镇 has seen the registration and edits the title anyway.
  Signed edit = r.n.town.update(r.rid, {r.reg.id}, {{"title", "改过的标题"}});
  auto report = s->ingest({edit.envelope});
  REQUIRE(report);
  CHECK(report->added == 1);
  CHECK(report->notApplied == 1);
  REQUIRE(report->notes.size() == 1);
  CHECK_THAT(report->notes[0], Catch::Contains("kept but not applied") &&
                                   Catch::Contains("registered (已登记, number 十八届二次-001)"));
  CHECK(s->record(r.rid).value().get("title") == std::optional<std::string>(kTitle));
  auto log = s->history(r.rid);
  REQUIRE(log);
  const auto* e = logged(*log, edit.id);
  REQUIRE(e);
  CHECK_FALSE(e->applied);
  CHECK_THAT(e->refusal, Catch::Contains("the county office's to correct"));
  // A township edit of the office's data is refused the same way.
  Signed number = r.n.town.update(r.rid, {r.reg.id}, {{"number", "乱填"}});
  REQUIRE(s->ingest({number.envelope})->notApplied == 1);
  CHECK_FALSE(s->record(r.rid).value().get("number"));
  // The county office corrects the title: applied.
  Signed fix = r.n.office.update(r.rid, {r.reg.id}, {{"title", kTitle + "（规范）"}});
  auto fixed = s->ingest({fix.envelope});
  REQUIRE(fixed);
  CHECK(fixed->notApplied == 0);
  CHECK(s->record(r.rid).value().get("title") == std::optional<std::string>(kTitle + "（规范）"));
  CHECK(s->status().value().notApplied == 2);
  CHECK(verifies(*s));
}

TEST_CASE("Store: a registration beats a concurrent township edit whichever arrives first",
          "[storage][fieldgroups]") {
  Registered r;
  // Made before 城关镇 heard of the registration: it follows only the submission.
  Signed edit = r.n.town.update(r.rid, {r.submit.id}, {{"title", "镇里改的标题"}});
  auto editFirst = r.n.open("edit-first");
  auto regFirst = r.n.open("reg-first");
  auto oneBatch = r.n.open("one-batch");
  {
    INFO("the edit first: applied until the registration arrives");
    REQUIRE(editFirst->ingest({r.create.envelope, r.submit.envelope, edit.envelope}));
    CHECK(editFirst->record(r.rid).value().get("title") ==
          std::optional<std::string>("镇里改的标题"));
    auto rep = editFirst->ingest({r.reg.envelope});
    REQUIRE(rep);
    CHECK(editFirst->record(r.rid).value().get("title") == std::optional<std::string>(kTitle));
  }
  {
    INFO("the registration first: the edit is never applied");
    REQUIRE(regFirst->ingest({r.create.envelope, r.submit.envelope, r.reg.envelope}));
    auto rep = regFirst->ingest({edit.envelope});
    REQUIRE(rep);
    CHECK(rep->notApplied == 1);
  }
  REQUIRE(oneBatch->ingest({r.create.envelope, r.submit.envelope, edit.envelope, r.reg.envelope}));
  for (Store* s : {editFirst.get(), regFirst.get(), oneBatch.get()}) {
    CHECK(s->record(r.rid).value().get("title") == std::optional<std::string>(kTitle));
    auto log = s->history(r.rid);
    REQUIRE(log);
    const auto* e = logged(*log, edit.id);
    REQUIRE(e);
    CHECK_FALSE(e->applied);
    CHECK_THAT(e->refusal, Catch::Contains("registered"));
    CHECK(s->status().value().notApplied == 1);
    CHECK(verifies(*s));
  }
  CHECK(editFirst->digest().value() == regFirst->digest().value());
  CHECK(oneBatch->digest().value() == regFirst->digest().value());
}

TEST_CASE("Store: a revocation that un-applies a registration re-judges the edits after it",
          "[storage][fieldgroups]") {
  Registered r;
  Signed edit = r.n.town.update(r.rid, {r.reg.id}, {{"title", "镇里改的标题"}});
  // The county office's key is revoked from its change 1 on (its certificate),
  // so its registration (change 2) never takes effect; 东风乡 carries the revocation.
  Signed revocation =
      r.n.otherTown.add(Signer::revocationOp(r.n.county.revoke(r.n.office.publicKey(), 1)));
  std::vector<std::string> record = {r.create.envelope, r.submit.envelope, r.reg.envelope,
                                     edit.envelope};
  auto revokedLast = r.n.open("revoked-last");
  auto revokedFirst = r.n.open("revoked-first");
  REQUIRE(revokedLast->ingest(record));
  CHECK(revokedLast->record(r.rid).value().get("title") == std::optional<std::string>(kTitle));
  REQUIRE(revokedLast->ingest({revocation.envelope}));
  REQUIRE(revokedFirst->ingest({revocation.envelope}));
  REQUIRE(revokedFirst->ingest(record));
  for (Store* s : {revokedLast.get(), revokedFirst.get()}) {
    // No registration took effect, so the edit was the deputy's side's to make.
    CHECK(s->record(r.rid).value().get("title") == std::optional<std::string>("镇里改的标题"));
    auto log = s->history(r.rid);
    REQUIRE(log);
    CHECK(logged(*log, edit.id)->applied);
    CHECK_FALSE(logged(*log, r.reg.id)->applied);
    CHECK(verifies(*s));
  }
  CHECK(revokedLast->digest().value() == revokedFirst->digest().value());
}

}  // namespace
}  // namespace renda::storage
