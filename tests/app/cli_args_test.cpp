// SPDX-License-Identifier: Apache-2.0
// The command line takes only what it understands, through the real binary:
// --data binds where it is written; an option that needs a value never takes
// the next option as one; field names are checked against the record kind's
// fields (core/domain/fields.h) and life-cycle options against the action's,
// naming the nearest known one; `renda deputy --help` and the other groups
// list their verbs and fields with Chinese labels; -q is --quiet where a
// command can be quiet and refused elsewhere, like every other short flag.
// Changes from a newer version with fields this one does not know are still
// accepted and kept.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/demo/demo_county_plan.h"
#include "core/domain/fields.h"
#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

TEST_CASE("renda CLI: --data binds where it is written", "[app][cli][args][regression]") {
  County county;
  Harness& h = county.h;
  std::string countyBefore = h.digest("county"), t1Before = h.digest("t1");
  int64_t countyChanges = h.changes("county"), t1Changes = h.changes("t1");
  auto nothingWritten = [&] {
    CHECK(h.digest("county") == countyBefore);
    CHECK(h.digest("t1") == t1Before);
    CHECK(h.changes("county") == countyChanges);
    CHECK(h.changes("t1") == t1Changes);
  };
  const std::vector<std::string> env = {"RENDA_DATA=" + h.path("t1")};

  // The command line: it wrote the deputy to $RENDA_DATA with phone "--data".
  Run r = h.run({"--data", h.path("county"), "deputy", "add", "--name", "X", "--level", "乡镇级",
                 "--phone"},
                env);
  INFO(r.describe());
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--phone needs a value"));
  nothingWritten();

  // --data given before the command and again after it is asked wrongly.
  r = h.run({"--data", h.path("county"), "deputy", "add", "--name", "X", "--data", h.path("t1")});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("--data is given twice"));
  nothingWritten();

  // Written before the command, it names the node, whatever RENDA_DATA says.
  r = h.run({"--data", h.path("county"), "deputy", "add", "--name", "县代表", "--json"}, env);
  REQUIRE(r.code == 0);
  CHECK(h.changes("county") == countyChanges + 1);
  CHECK(h.changes("t1") == t1Changes);
  JsonValue shown = h.json("county", {"deputy", "show", parseJson(r.out)["id"].str.substr(0, 8)});
  CHECK(shown["fields"]["name"].str == "县代表");
  CHECK_FALSE(shown["fields"].has("phone"));
}

TEST_CASE("renda CLI: an option never takes the next option as its value",
          "[app][cli][args][regression]") {
  County county;
  Harness& h = county.h;
  refused(h, "t1", {"deputy", "add", "--name", "X", "--phone", "--data", h.path("county")}, 1,
          {"--phone needs a value", "the next word --data is an option"});
  refused(h, "t1", {"deputy", "add", "--name", "--phone", "13900000001"}, 1,
          "--name needs a value");
  refused(h, "t1", {"deputy", "add", "--name", "X", "--phone", "-q"}, 1, "--phone needs a value");
  refused(h, "t1", {"deputy", "list", "--township", "--json"}, 1, "--township needs a value");
  refused(h, "t1", {"summary", "-o"}, 1, "--output needs a value");
  // A value that starts with '-' is given with '=': --NAME=VALUE.
  std::string id = h.add("t1", "deputy", {"--name", "X", "--note=--备注", "--post", "-"});
  JsonValue shown = h.json("t1", {"deputy", "show", id.substr(0, 8)});
  CHECK(shown["fields"]["note"].str == "--备注");
  CHECK(shown["fields"]["post"].str == "-");
  // An option that is not repeatable is given once.
  refused(h, "t1", {"deputy", "add", "--name", "X", "--name", "Y"}, 1, "--name is given twice");
}

TEST_CASE("renda CLI: a mistyped number or date is refused, and nothing is written",
          "[app][cli][args][regression]") {
  County county;
  Harness& h = county.h;
  const std::string t1 = h.json("t1", {"status"})["node"].str;
  // Change numbers: digits only, never a sign, a space or something after.
  for (const char* after : {"-1", "+1", " 1", "1x", "", "99999999999999999999"})
    refused(h, "county", {"revoke", "--node", t1, "--after", after, "--reason", "x"}, 1,
            "--after must be a change number");
  refused(h, "county", {"log", "--node", t1, "--from", "-2"}, 1, "--from must be a change number");
  // Enrollment days: too many would wrap round to an enrollment already over.
  std::string fresh = nodeKeyFrom(h.ok("t3", {"init"}).out);
  for (const char* days : {"0", "-1", "1.5", "99999999999999999999", "36501"})
    refused(h, "county",
            {"enroll", "--node", fresh, "--township", "新华乡", "--days", days, "-o",
             h.path("t3.enroll")},
            1, "--days must be a number of days from 1 to 36500");
  CHECK_FALSE(fs::exists(h.path("t3.enroll")));
  h.ok("county", {"enroll", "--node", fresh, "--township", "新华乡", "--days", "36500", "-o",
                  h.path("t3.enroll")});
  // Dates are real days.
  std::string deputy = h.add("t1", "deputy", {"--name", "张三"});
  for (const char* date : {"2026-13-45", "2026-02-30", "2026/11/20", "明天"})
    refused(h, "t1", {"duty", "add", "--deputy", deputy.substr(0, 8), "--type", "视察", "--date",
                      date},
            1, {"日期", "is not a date", "YYYY-MM-DD"});
  refused(h, "t1", {"deputy", "edit", deputy.substr(0, 8), "--birthday", "1970-02-29"}, 1,
          "出生日期 '1970-02-29' is not a date");
  refused(h, "t1", {"deputy", "edit", deputy.substr(0, 8), "--birthday", "2062-01-05"}, 1,
          "The birthday 2062-01-05 is after today");
  h.add("t1", "duty", {"--deputy", deputy.substr(0, 8), "--type", "视察", "--date", "2028-02-29"});
}

TEST_CASE("renda CLI: a mistyped field name is refused and the nearest known field is named",
          "[app][cli][args][regression]") {
  County county;
  Harness& h = county.h;
  refused(h, "t1", {"deputy", "add", "--name", "张三", "--phnoe", "13900000001"}, 1,
          {"--phnoe is neither a field of 人大代表", "did you mean --phone?",
           "renda deputy --help"});
  refused(h, "t1", {"deputy", "add", "--name", "张三", "--set", "phnoe=13900000001"}, 1,
          "did you mean phone?");
  std::string id = h.add("t1", "deputy", {"--name", "张三"});
  refused(h, "t1", {"deputy", "edit", id.substr(0, 8), "--Phone", "13900000001"}, 1,
          "did you mean --phone?");
  refused(h, "t1", {"issue", "add", "--text", "路灯不亮", "--recievedDate", "2026-11-20", "--route",
                    "当场答复"},
          1, "did you mean --receivedDate?");
  // A record kind's fields are not options of another command.
  refused(h, "t1", {"deputy", "list", "--phone", "1"}, 1, "there is no option --phone");
  // Personal fields are fields: accepted (and sealed).
  h.ok("t1", {"deputy", "edit", id.substr(0, 8), "--idNumber", "110101199001011234"});

  // Life-cycle options are checked against what each action takes.
  std::string sugg = h.add("t1", "suggestion", {"--title", "关于修缮村道的建议", "--lead", id});
  h.ok("t1", {"suggestion", "submit", sugg.substr(0, 8)});
  hop(h, "t1", "county", "sugg");
  h.ok("county", {"suggestion", "register", sugg.substr(0, 8), "--number", "闭-2026-001"});
  std::string unit = h.add("county", "unit", {"--name", "县交通运输局"});
  refused(h, "county", {"suggestion", "assign", sugg.substr(0, 8), "--unti", unit.substr(0, 8)}, 1,
          "did you mean --unit?");
  refused(h, "county",
          {"suggestion", "assign", sugg.substr(0, 8), "--unit", unit.substr(0, 8), "--outcome", "A"},
          1, "there is no option --outcome");
  h.ok("county", {"suggestion", "assign", sugg.substr(0, 8), "--unit", unit.substr(0, 8)});
}

TEST_CASE("renda CLI: renda deputy --help lists verbs and fields with Chinese labels",
          "[app][cli][args][regression]") {
  Harness h;
  Run r = h.run({"deputy", "--help"});
  INFO(r.describe());
  REQUIRE(r.code == 0);
  for (const char* s : {"人大代表", "renda deputy add", "renda deputy edit", "renda deputy list",
                        "renda deputy show", "--name TEXT", "姓名 (needed on add)", "--phone",
                        "联系电话", "--idNumber", "身份证号（个人信息，加密保存）", "--level",
                        "乡镇级|县级", "--note", "备注"})
    CHECK_THAT(r.out, Catch::Contains(s));
  // One line per field.
  for (const auto& f : renda::domain::fieldsOf(renda::RecordKind::kDeputy))
    CHECK(countOf(r.out, std::string("\n  --") + f.name + " ") == 1);

  r = h.run({"bundle", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("renda bundle export") && Catch::Contains("renda bundle import"));
  r = h.run({"suggestion", "-h"});
  CHECK(r.code == 0);
  for (const char* s : {"renda suggestion add", "renda suggestion assign", "交办", "--lead DEPUTY",
                        "领衔代表"})
    CHECK_THAT(r.out, Catch::Contains(s));

  // A verb's help: every option on a line, and for add the fields, needed ones marked.
  r = h.run({"deputy", "add", "--help"});
  CHECK(r.code == 0);
  for (const char* s : {"Usage: renda deputy add", "\n  --township 乡镇名", "\n  -q, --quiet",
                        "\n  --data DIR", "\n  --set NAME=VALUE", "姓名 (needed)"})
    CHECK_THAT(r.out, Catch::Contains(s));
  r = h.run({"suggestion", "assign", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\n  --unit UNIT") && Catch::Contains("承办单位 (needed)"));
  r = h.run({"enroll", "--help"});
  CHECK_THAT(r.out, Catch::Contains("\n  -o, --output FILE") && Catch::Contains("\n  --node KEY"));

  // The group alone, or with a verb it does not have: the list, as a usage error.
  r = h.run({"deputy"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("renda deputy add"));
  r = h.run({"deputy", "remove", "x"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("there is no 'remove'") && Catch::Contains("renda deputy edit"));
  r = h.run({"depty", "list"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("did you mean deputy?"));
}

TEST_CASE("renda CLI: -q is real or refused", "[app][cli][args][regression]") {
  County county;
  Harness& h = county.h;
  int64_t before = h.changes("t1");
  Run r = h.at("t1", {"deputy", "add", "--name", "张三", "-q"});
  INFO(r.describe());
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(h.changes("t1") == before + 1);
  CHECK(h.ok("t1", {"verify", "-q"}).out.empty());
  refused(h, "t1", {"deputy", "list", "-q"}, 1, "there is no -q (--quiet) here");
  refused(h, "t1", {"deputy", "add", "--name", "李四", "-x"}, 1,
          "-x is not an option: options are written in full");
  refused(h, "t1", {"status", "-j"}, 1, "-j is not an option");
  refused(h, "t1", {"digest", "-o", h.path("x")}, 1, "there is no -o (--output) here");
  r = h.run({"-q", "--data", h.path("t1"), "status"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("goes after the command"));
  // -h is help everywhere; `--` ends the options.
  CHECK(h.run({"status", "-h"}).code == 0);
  refused(h, "t1", {"deputy", "show", "--", "-q"}, 1, "no 人大代表 '-q' on this node");
}

TEST_CASE("renda CLI: fields from a newer version are accepted on import and kept",
          "[app][cli][args]") {
  County county;
  Harness& h = county.h;
  std::string id = h.add("t1", "deputy", {"--name", "张三"});
  {
    // What a newer renda writes: a field this version does not know.
    auto node = renda::app::Node::open(h.path("t1"));
    REQUIRE(node.isOk());
    renda::storage::LocalEdit edit;
    edit.op = renda::OpKind::kUpdate;
    edit.record = *renda::fixedFromHex<renda::RecordId>(id);
    edit.fields = {{"wechatId", "zhangsan2026"}};
    REQUIRE((*node)->write(edit).isOk());
  }
  refused(h, "t1", {"deputy", "edit", id.substr(0, 8), "--wechatId", "x"}, 1, "--wechatId");
  hop(h, "t1", "county", "newer");
  CHECK(h.json("county", {"deputy", "show", id.substr(0, 8)})["fields"]["wechatId"].str ==
        "zhangsan2026");
  h.ok("county", {"verify"});
  CHECK(h.digest("county") == h.digest("t1"));
}

TEST_CASE("Fields: every field the demo county writes is a known field", "[app][fields]") {
  renda::app::DemoCountyOptions options;
  options.townships = 3;
  renda::app::demo::Plan plan = renda::app::demo::makePlan(options);
  REQUIRE(plan.records.size() > 100);
  for (const auto& r : plan.records) {
    INFO(renda::recordKindName(r.kind));
    for (const auto& f : r.fields) {
      INFO(f.name);
      CHECK(renda::domain::findField(r.kind, f.name) != nullptr);
    }
    for (const auto& ref : r.refs) {
      INFO(ref.field);
      const auto* f = renda::domain::findField(r.kind, ref.field);
      REQUIRE(f != nullptr);
      CHECK(f->refers == plan.records[size_t(ref.records.at(0))].kind);
    }
  }
  size_t events = 0;
  for (const auto& s : plan.suggestions)
    for (const auto& e : s.events) {
      INFO(e.action);
      const auto* fields = renda::domain::actionFields(e.action);
      REQUIRE(fields != nullptr);
      auto known = [&](const std::string& name) {
        for (const auto& f : *fields)
          if (name == f.name) return true;
        return false;
      };
      for (const auto& [name, value] : e.options) CHECK(known(name));
      for (const auto& [name, target] : e.refs) CHECK(known(name));
      ++events;
    }
  CHECK(events > 50);
}

}  // namespace
