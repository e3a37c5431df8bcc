// SPDX-License-Identifier: Apache-2.0
// One writer per field group (core/domain/field_groups.h, domain.md §3.5) on
// suggestion records built from signed changes: the deputy's text belongs to
// the deputy's side until registration and to the office after it; the
// office's data to the office; the level is fixed at entry. Checked before
// writing (checkFieldEdit) and judged in the fold order (judgeFieldEdits) with
// the same verdict, and a registration beats a concurrent edit of the text
// whichever way the two are delivered.
#include "core/domain/field_groups.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/core/suggestion_fixtures.h"

namespace renda::domain {
namespace {

using namespace testing;  // NOLINT: the fixtures of suggestion_fixtures.h

// Whether `who` may set `fields` now, checked before writing; and the verdict
// after writing it, judged in the fold. The two must agree. "" when allowed.
std::string verdict(Suggestion& s, World& w, Who who, std::vector<Field> fields) {
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.name);
  Status before = checkFieldEdit(s.record, w.lookup(), w.author(who).publicKey(), names);
  Signed e = s.draft(who, "", std::move(fields));
  Record after = s.record;
  REQUIRE(applyUpdate(after, e.change, e.id, true).isOk());
  auto refused = judgeFieldEdits(after, {{e.id, names}}, w.lookup());
  auto it = refused.find(e.id);
  std::string judged = it == refused.end() ? "" : it->second;
  INFO("checked: " << before.message() << "\njudged: " << judged);
  CHECK(before.isOk() == judged.empty());
  if (!before.isOk()) {
    CHECK(before.code() == Code::kRefused);
    CHECK(before.message() == judged);
  }
  return judged;
}

TEST_CASE("Field groups: each field of a suggestion belongs to one group", "[core][fieldgroups]") {
  for (const char* f : {"title", "body", "lead", "category", "session", "submittedIn", "kind",
                        "issue", "note", "attachments"})
    CHECK(fieldGroupOf(f) == FieldGroup::kDeputyText);
  for (const char* f : {"number", "unit", "deadline", "reply", "outcome", "docNo", "key", "state"})
    CHECK(fieldGroupOf(f) == FieldGroup::kOffice);
  CHECK(fieldGroupOf("level") == FieldGroup::kLevel);
}

TEST_CASE("Field groups: the deputy's text is the township's until registration, then the office's",
          "[core][fieldgroups]") {
  World w;
  for (S state : {S::kDraft, S::kSubmitted, S::kRejected, S::kWithdrawn}) {
    INFO("before registration: " << stateName(state));
    Suggestion s(w, false);
    driveTo(s, state);
    CHECK(verdict(s, w, Who::kOwnTownship, {{"title", "关于修缮城东村道的建议"}}).empty());
    CHECK(verdict(s, w, Who::kCounty, {{"body", "情况、分析、建议"}}).empty());
    CHECK_THAT(verdict(s, w, Who::kOtherTownship, {{"title", "x"}}),
               Catch::Contains("only 城关镇 or the county office"));
    CHECK_THAT(verdict(s, w, Who::kStranger, {{"title", "x"}}), Catch::Contains("not a member"));
  }
  for (S state : {S::kRegistered, S::kAssigned, S::kInProgress, S::kReplied, S::kReHandling,
                  S::kClosed, S::kCarriedOver}) {
    INFO("after registration: " << stateName(state));
    Suggestion s(w, false);
    driveTo(s, state);
    std::string why = verdict(s, w, Who::kOwnTownship, {{"title", "改过的标题"}, {"note", "x"}});
    CHECK_THAT(why, Catch::Contains("registered (已登记, number 十八届二次-001) on 2026-03-04") &&
                        Catch::Contains("'title', 'note' are the county office's to correct") &&
                        Catch::Contains("one writer per field group"));
    CHECK(verdict(s, w, Who::kCounty,
                  {{"title", "关于修缮城东村道的建议（规范标题）"}, {"category", "交通建设"}})
              .empty());
  }
}

TEST_CASE("Field groups: a township-level suggestion's text is its township's after registration",
          "[core][fieldgroups]") {
  World w;
  Suggestion s(w, true);
  driveTo(s, S::kSubmitted);
  CHECK(verdict(s, w, Who::kCounty, {{"title", "县里代录"}}).empty());  // the deputy's side
  s.must(Who::kOwnTownship, "register", {{"number", "城关-001"}});
  CHECK(verdict(s, w, Who::kOwnTownship, {{"title", "镇里更正"}}).empty());
  CHECK_THAT(verdict(s, w, Who::kCounty, {{"title", "县里更正"}}),
             Catch::Contains("'title' is 城关镇's presidium's to correct"));
}

TEST_CASE("Field groups: the office's data is the office's at any time", "[core][fieldgroups]") {
  World w;
  Suggestion s(w, false);
  CHECK_THAT(verdict(s, w, Who::kOwnTownship, {{"number", "十八届二次-009"}}),
             Catch::Contains("'number' of a county-level suggestion is the county office's to "
                             "record") &&
                 Catch::Contains("renda suggestion register"));
  CHECK_THAT(verdict(s, w, Who::kOwnTownship, {{"title", "x"}, {"deadline", "2026-12-31"}}),
             Catch::Contains("'deadline'"));
  CHECK(verdict(s, w, Who::kCounty, {{"number", "十八届二次-009"}}).empty());
  Suggestion t(w, true);
  CHECK(verdict(t, w, Who::kOwnTownship, {{"outcome", "A"}}).empty());
  CHECK_THAT(verdict(t, w, Who::kCounty, {{"outcome", "A"}}),
             Catch::Contains("township-level suggestion is 城关镇's presidium's to record"));
}

TEST_CASE("Field groups: the level is fixed when the suggestion is entered",
          "[core][fieldgroups]") {
  World w;
  for (bool townshipLevel : {false, true}) {
    Suggestion s(w, townshipLevel);
    for (Who who : {Who::kOwnTownship, Who::kCounty}) {
      INFO(whoName(who));
      std::string why = verdict(s, w, who, {{"level", townshipLevel ? "县级" : "乡镇级"}});
      CHECK_THAT(why,
                 Catch::Contains("fixed when it is entered") && Catch::Contains("enter it again"));
      // With other fields in the same edit: the whole edit is refused.
      CHECK_FALSE(verdict(s, w, who, {{"title", "x"}, {"level", "township"}}).empty());
    }
  }
}

TEST_CASE("Field groups: a registration beats a concurrent edit of the text, in any order",
          "[core][fieldgroups]") {
  uint64_t seed = baseSeed() + 31;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 16; ++trial) {
    INFO("trial " << trial);
    World w;
    Suggestion s(w, false);
    s.must(Who::kOwnTownship, "submit");
    // Seen before registering: stands.
    Signed before = s.draft(Who::kOwnTownship, "", {{"body", "补充材料"}});
    s.apply(before);
    std::vector<ChangeId> heads = s.record.heads();
    Signed reg = s.draft(Who::kCounty, "register", {{"number", "十八届二次-007"}}, heads);
    Signed edit = s.draft(Who::kOwnTownship, "", {{"title", "改" + std::to_string(trial)}}, heads);
    Signed reject = s.draft(Who::kCounty, "reject", {{"reason", "重复"}}, heads);
    std::vector<FieldEdit> edits = {{before.id, {"body"}}, {edit.id, {"title"}}};
    // Delivered registration first or edit first, or folded from shuffled changes.
    Record regFirst = s.record, editFirst = s.record;
    REQUIRE(applyUpdate(regFirst, reg.change, reg.id, true).isOk());
    REQUIRE(applyUpdate(regFirst, edit.change, edit.id, true).isOk());
    REQUIRE(applyUpdate(editFirst, edit.change, edit.id, true).isOk());
    REQUIRE(applyUpdate(editFirst, reg.change, reg.id, true).isOk());
    std::vector<Record> records = {regFirst, editFirst};
    std::vector<Signed> all = s.changes;
    all.push_back(reg);
    all.push_back(edit);
    for (int i = 0; i < 10; ++i) {
      auto in = inputsOf(all);
      std::shuffle(in.begin(), in.end(), rng);
      auto r = foldRecord(in);
      REQUIRE(r.isOk());
      records.push_back(*r);
    }
    std::string want;
    for (const Record& r : records) {
      auto refused = judgeFieldEdits(r, edits, w.lookup());
      REQUIRE(refused.size() == 1);
      REQUIRE(refused.count(edit.id));
      CHECK_THAT(refused[edit.id], Catch::Contains("registered (已登记, number 十八届二次-007)"));
      if (want.empty()) want = refused[edit.id];
      CHECK(refused[edit.id] == want);
    }
    // A rejection does not take the text from the deputy: a concurrent edit stands.
    Record rejected = s.record;
    REQUIRE(applyUpdate(rejected, reject.change, reject.id, true).isOk());
    REQUIRE(applyUpdate(rejected, edit.change, edit.id, true).isOk());
    CHECK(judgeFieldEdits(rejected, edits, w.lookup()).empty());
  }
}

TEST_CASE("Field groups: records of other kinds are not judged here", "[core][fieldgroups]") {
  World w;
  Signed c = w.chengguan.create("城关镇", {{"name", "张三"}}, RecordKind::kDeputy);
  Record r = createRecord(c.change, c.id, true);
  Signed e = w.dongfeng.update(r.id, {r.id}, {{"level", "县级"}});
  REQUIRE(applyUpdate(r, e.change, e.id, true).isOk());
  CHECK(judgeFieldEdits(r, {{e.id, {"level"}}}, w.lookup()).empty());
  CHECK(checkFieldEdit(r, w.lookup(), w.dongfeng.publicKey(), {"level"}).isOk());
}

}  // namespace
}  // namespace renda::domain
