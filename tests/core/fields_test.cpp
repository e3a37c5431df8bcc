// SPDX-License-Identifier: Apache-2.0
// The field lists (core/domain/fields.h): every record kind and every
// life-cycle action has its fields, each with a Chinese label; personal fields
// and the office's suggestion fields are among them; the nearest known field
// to a typo is the one meant.
#include "core/domain/fields.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "core/domain/field_groups.h"
#include "core/domain/privacy.h"
#include "core/domain/suggestion.h"

namespace renda::domain {
namespace {

bool hasNonAscii(const char* s) {
  for (; *s; ++s)
    if (static_cast<unsigned char>(*s) >= 0x80) return true;
  return false;
}

void checkList(const std::vector<FieldInfo>& fields) {
  std::set<std::string> names;
  for (const auto& f : fields) {
    INFO(f.name);
    CHECK(names.insert(f.name).second);
    CHECK(hasNonAscii(f.label));
    bool refers = f.type == FieldType::kReference || f.type == FieldType::kReferences;
    CHECK(f.refers.has_value() == refers);
    if (f.type == FieldType::kChoice) CHECK(std::string(f.hint).find('|') != std::string::npos);
  }
}

TEST_CASE("Fields: every record kind lists its fields with Chinese labels", "[core][fields]") {
  for (int k = 0; k < kRecordKindCount; ++k) {
    RecordKind kind = static_cast<RecordKind>(k);
    INFO(recordKindName(kind));
    const auto& fields = fieldsOf(kind);
    CHECK(fields.size() >= 2);
    checkList(fields);
    REQUIRE(findField(kind, "note") != nullptr);
    CHECK(std::string(findField(kind, "note")->label) == "备注");
    CHECK(findField(kind, "phnoe") == nullptr);
  }
  CHECK(findField(RecordKind::kDeputy, "name")->required);
  CHECK(std::string(findField(RecordKind::kDeputy, "name")->label) == "姓名");
  CHECK(findField(RecordKind::kSuggestion, "lead")->refers == RecordKind::kDeputy);
  CHECK(findField(RecordKind::kDutyRecord, "deputy")->required);
}

TEST_CASE("Fields: personal fields are fields of the kinds that hold them", "[core][fields]") {
  for (const auto& p : personalFields()) {
    INFO(p.name);
    bool deputy = std::string(p.name) == "idNumber";
    CHECK((findField(RecordKind::kDeputy, p.name) != nullptr) == deputy);
    CHECK((findField(RecordKind::kReception, p.name) != nullptr) == !deputy);
    CHECK((findField(RecordKind::kConstituentIssue, p.name) != nullptr) == !deputy);
  }
}

TEST_CASE("Fields: the office's suggestion fields are known suggestion fields", "[core][fields]") {
  int office = 0;
  for (const auto& f : fieldsOf(RecordKind::kSuggestion))
    if (fieldGroupOf(f.name) == FieldGroup::kOffice) ++office;
  // number, unit, units, role, deadline, reply, outcome, docNo, key, keyLeader,
  // closed, closedDate, state, round, registeredDate, assignedDate, carryOverYears
  CHECK(office == 17);
}

TEST_CASE("Fields: every life-cycle action lists what it takes, date included", "[core][fields]") {
  for (const auto& a : actions()) {
    INFO(a.name);
    const auto* fields = actionFields(a.name);
    REQUIRE(fields != nullptr);
    checkList(*fields);
    CHECK(fields->back().name == std::string("date"));
  }
  CHECK(actionFields("assing") == nullptr);
  const auto* assign = actionFields("assign");
  std::set<std::string> names;
  for (const auto& f : *assign) names.insert(f.name);
  CHECK(names == std::set<std::string>{"unit", "role", "deadline", "date"});
}

TEST_CASE("Fields: the nearest known field to a typo is the one meant", "[core][fields]") {
  const auto& deputy = fieldsOf(RecordKind::kDeputy);
  CHECK(std::string(nearestField(deputy, "phnoe")->name) == "phone");
  CHECK(std::string(nearestField(deputy, "Name")->name) == "name");
  CHECK(std::string(nearestField(deputy, "idnumber")->name) == "idNumber");
  CHECK(std::string(nearestField(fieldsOf(RecordKind::kConstituentIssue), "recievedDate")->name) ==
        "receivedDate");
  CHECK(nearestField({}, "x") == nullptr);
  CHECK(editDistance("phone", "phnoe") == 1);
  CHECK(editDistance("", "abc") == 3);
  CHECK(editDistance("Unit", "unit") == 0);
}

}  // namespace
}  // namespace renda::domain
