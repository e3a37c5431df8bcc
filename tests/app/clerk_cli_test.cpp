// SPDX-License-Identifier: Apache-2.0
// What clerks asked for, through the real `renda` binary: messages in Chinese
// under a zh_* locale; records named as clerks name them (a suggestion by its
// official number, deputies and units by name, a choice when a name is
// ambiguous); `suggestion list` with number, title, lead deputy, state and
// deadline; intake at the head of the summary report with numbers as JSON
// numbers; a second unit of the same name refused; choice fields checked.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

TEST_CASE("renda CLI: messages follow the locale, Chinese under zh_*", "[app][cli][i18n]") {
  Harness h;
  Run en = h.run({"--help"});
  CHECK(en.code == 0);
  CHECK_THAT(en.out, Catch::Contains("Commands:") && Catch::Contains("Exit codes:"));
  // The harness sets LANG=C.UTF-8; LC_ALL comes first (LANG alone: strings_test.cpp).
  Run zh = h.run({"--help"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK(zh.code == 0);
  CHECK_THAT(zh.out, Catch::Contains("命令：") && Catch::Contains("退出码："));
  CHECK_THAT(zh.out, !Catch::Contains("Commands:"));
  // LC_ALL comes before LC_MESSAGES, which comes before LANG, as POSIX orders them.
  CHECK_THAT(h.run({"--help"}, {"LC_MESSAGES=zh_CN.UTF-8", "LC_ALL=en_US.UTF-8"}).out,
             Catch::Contains("Commands:"));
  CHECK_THAT(h.run({"--help"}, {"LC_MESSAGES=zh_TW.UTF-8"}).out, Catch::Contains("命令："));
  // Errors too: an unknown command, a group without a verb.
  Run bad = h.run({"deputi", "list"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("没有“deputi”这个命令") && Catch::Contains("deputy"));
  Run group = h.run({"deputy"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK(group.code == 1);
  CHECK_THAT(group.err, Catch::Contains("请说明要做什么") && Catch::Contains("人大代表"));
  CHECK_THAT(h.run({"deputy", "add", "--help"}, {"LC_ALL=zh_CN.UTF-8"}).out,
             Catch::Contains("用法：") && Catch::Contains("选项：") && Catch::Contains("（必填）"));
}

TEST_CASE("renda CLI: records are named as clerks name them, an ambiguous name gives a choice",
          "[app][cli][find]") {
  County county;
  Harness& h = county.h;
  std::string zsTown = h.add("county", "deputy", {"--name", "张三", "--level", "乡镇级",
                                                  "--township", "城关镇", "--district", "第3选区"});
  std::string zsCounty = h.add("county", "deputy", {"--name", "张三", "--level", "县级"});
  std::string ls = h.add("county", "deputy", {"--name", "李四", "--level", "县级"});
  std::string unit = h.add("county", "unit", {"--name", "县交通运输局"});

  // A name two deputies share: exit 1, both listed with what tells them apart.
  Run amb = h.at("county", {"deputy", "show", "张三"});
  CHECK(amb.code == 1);
  CHECK_THAT(amb.err, Catch::Contains("'张三' names 2") && Catch::Contains(zsTown.substr(0, 12)) &&
                          Catch::Contains(zsCounty.substr(0, 12)) &&
                          Catch::Contains("城关镇") && Catch::Contains("第3选区") &&
                          Catch::Contains("县级"));
  refused(h, "county", {"suggestion", "add", "--title", "关于路灯的建议", "--lead", "张三"}, 1,
          "names 2");
  // Chinese under zh_*.
  Run ambZh = h.run({"--data", h.path("county"), "deputy", "show", "张三"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK_THAT(ambZh.err, Catch::Contains("可指 2 个人大代表"));
  // A name nobody has: exit 1, with the names that contain it.
  Run none = h.at("county", {"deputy", "show", "张"});
  CHECK(none.code == 1);
  CHECK_THAT(none.err, Catch::Contains("no 人大代表 '张'") && Catch::Contains("张三"));
  // A unique name, and the number as `list` prints it, both work.
  CHECK_THAT(h.ok("county", {"deputy", "show", "李四"}).out, Catch::Contains(ls.substr(0, 12)));
  CHECK_THAT(h.ok("county", {"deputy", "show", zsCounty.substr(0, 8)}).out,
             Catch::Contains("县级"));

  // References in --FIELD values and life-cycle options by name; the suggestion
  // by its official number from then on.
  std::string s = h.add("county", "suggestion", {"--title", "关于修缮村道的建议", "--lead", "李四",
                                                 "--level", "县级"});
  h.ok("county", {"suggestion", "submit", s.substr(0, 8)});
  h.ok("county", {"suggestion", "register", "关于修缮村道的建议", "--number", "闭-2026-001"});
  Run assigned = h.ok("county", {"suggestion", "assign", "闭-2026-001", "--unit", "县交通运输局",
                                 "--role", "lead", "--deadline", "2026-12-31"});
  CHECK_THAT(assigned.out, Catch::Contains("闭-2026-001") && Catch::Contains("已交办"));
  CHECK_THAT(assigned.out, !Catch::Contains(s.substr(0, 12)));

  // show prints names, never 64-character keys.
  Run shown = h.ok("county", {"suggestion", "show", "闭-2026-001"});
  CHECK_THAT(shown.out, Catch::Contains("lead: 李四") && Catch::Contains("县交通运输局"));
  for (const std::string& key : {ls, unit, s}) CHECK_THAT(shown.out, !Catch::Contains(key));
  refused(h, "county", {"suggestion", "show", "闭-2026-999"}, 1, "闭-2026-999");

  // --- suggestion list: number, title, lead deputy, state, deadline ---
  std::string draft = h.add("county", "suggestion", {"--title", "关于增设公交站点的建议"});
  Run list = h.ok("county", {"suggestion", "list"});
  auto rows = lines(list.out);
  REQUIRE(rows.size() == 4);
  CHECK_THAT(rows[0], Catch::StartsWith("Number") && Catch::Contains("Title") &&
                          Catch::Contains("Lead deputy") && Catch::Contains("State") &&
                          Catch::Contains("Deadline"));
  std::string registered = rows[1].find("闭-2026-001") != std::string::npos ? rows[1] : rows[2];
  std::string other = registered == rows[1] ? rows[2] : rows[1];
  CHECK_THAT(registered, Catch::StartsWith("闭-2026-001") &&
                             Catch::Contains("关于修缮村道的建议") && Catch::Contains("李四") &&
                             Catch::Contains("已交办") && Catch::Contains("2026-12-31"));
  CHECK_THAT(other, Catch::StartsWith("[" + draft.substr(0, 12) + "]") &&
                        Catch::Contains("草稿"));
  CHECK(rows[3] == "2 suggestion record(s)");
  Run listZh = h.run({"--data", h.path("county"), "suggestion", "list"}, {"LC_ALL=zh_CN.UTF-8"});
  CHECK_THAT(listZh.out, Catch::StartsWith("编号") && Catch::Contains("领衔代表") &&
                             Catch::Contains("办理期限"));
}

TEST_CASE("renda CLI: a second unit of the same name is refused unless asked for, choices are "
          "checked",
          "[app][cli][find]") {
  County county;
  Harness& h = county.h;
  std::string first = h.add("county", "unit", {"--name", "县交通运输局"});
  refused(h, "county", {"unit", "add", "--name", "县交通运输局"}, 2,
          {"县交通运输局", first.substr(0, 12), "--allow-same-name"});
  // Another township's unit of that name is another unit.
  h.add("county", "unit", {"--name", "县交通运输局", "--township", "城关镇"});
  // A real second unit of the county, asked for.
  std::string second =
      h.add("county", "unit", {"--name", "县交通运输局", "--allow-same-name", "--contact", "王科长"});
  Run amb = h.at("county", {"unit", "show", "县交通运输局"});
  CHECK(amb.code == 1);
  CHECK_THAT(amb.err, Catch::Contains("names 3") && Catch::Contains("王科长"));

  // Choice fields: new input must be one of the allowed values, listed in the error.
  refused(h, "county", {"deputy", "add", "--name", "王五", "--gender", "M"}, 1,
          {"--gender M", "男、女"});
  refused(h, "county", {"deputy", "add", "--name", "王五", "--level", "村级"}, 1,
          {"乡镇级、县级、市级、省级、全国"});
  h.add("county", "deputy", {"--name", "王五", "--gender", "男", "--level", "县级"});
  std::string s = h.add("county", "suggestion", {"--title", "关于路灯的建议", "--level", "county"});
  h.ok("county", {"suggestion", "submit", s.substr(0, 8)});
  h.ok("county", {"suggestion", "register", s.substr(0, 8), "--number", "闭-2026-002"});
  refused(h, "county",
          {"suggestion", "assign", "闭-2026-002", "--unit", second.substr(0, 8), "--role", "boss"}, 1,
          "lead、assisting、separate");
  h.ok("county", {"suggestion", "assign", "闭-2026-002", "--unit", second.substr(0, 8), "--role",
                  "主办"});
}

TEST_CASE("renda CLI: the summary report opens with intake, JSON gives numbers as numbers",
          "[app][cli][report]") {
  County county;
  Harness& h = county.h;
  std::string lead = h.add("county", "deputy", {"--name", "李四", "--level", "县级"});
  h.add("county", "unit", {"--name", "县财政局"});
  std::vector<std::string> ids;
  for (int i = 1; i <= 5; ++i)
    ids.push_back(h.add("county", "suggestion", {"--title", "建议" + std::to_string(i), "--lead",
                                                 "李四", "--level", "县级"}));
  for (const auto& id : ids) h.ok("county", {"suggestion", "submit", id.substr(0, 8)});
  h.ok("county", {"suggestion", "withdraw", ids[0].substr(0, 8)});
  h.ok("county", {"suggestion", "reject", ids[1].substr(0, 8), "--reason", "不属于建议"});
  h.ok("county", {"suggestion", "register", ids[2].substr(0, 8), "--number", "闭-2026-001"});
  h.ok("county", {"suggestion", "register", ids[3].substr(0, 8), "--number", "闭-2026-002"});
  h.ok("county", {"suggestion", "assign", "闭-2026-001", "--unit", "县财政局", "--role", "lead"});
  h.ok("county", {"suggestion", "accept", "闭-2026-001", "--unit", "县财政局"});
  h.ok("county", {"suggestion", "reply", "闭-2026-001", "--unit", "县财政局", "--outcome", "A"});
  h.ok("county", {"suggestion", "evaluate", "闭-2026-001", "--result", "满意", "--rater", "李四"});
  h.ok("county", {"suggestion", "close", "闭-2026-001"});

  JsonValue report = h.json("county", {"report", "summary"});
  const auto& rows = report["rows"].items;
  REQUIRE(rows.size() > 6);
  std::vector<std::string> names;
  for (size_t i = 0; i < 6; ++i) names.push_back(rows[i][0].str);
  CHECK(names == std::vector<std::string>{"收到建议数", "撤回数", "不予立案数", "登记建议数",
                                          "已办结数", "办结率"});
  // Counts and rates are JSON numbers; an empty cell is null.
  auto number = [&](size_t row, size_t col) {
    INFO(rows[row][0].str << " column " << col);
    REQUIRE(rows[row][col].type == JsonValue::kNumber);
    return rows[row][col].number;
  };
  CHECK(number(0, 1) == 5);  // received: every submitted one
  CHECK(number(1, 1) == 1);
  CHECK(number(2, 1) == 1);
  CHECK(number(3, 1) == 2);
  CHECK(number(4, 1) == 1);
  CHECK(number(5, 1) == Approx(50.0));  // 办结率 = 1 / 2
  CHECK(number(5, 2) == 1);
  CHECK(number(5, 3) == 2);
  CHECK(rows[0][2].type == JsonValue::kNull);
  CHECK(rows[0][0].type == JsonValue::kString);

  std::string text = h.ok("county", {"report", "summary"}).out;
  CHECK(text.find("收到建议数") < text.find("办复率"));
  CHECK_THAT(text, Catch::Contains("50.00%"));
  // --cohort all says what the default does, as the web's "全部" does.
  CHECK(h.ok("county", {"report", "summary", "--cohort", "all"}).out == text);
  CHECK_THAT(text, Catch::Contains("全部批次"));
  Run bogus = h.at("county", {"report", "summary", "--cohort", "bogus"});
  CHECK(bogus.code == 1);
  CHECK_THAT(bogus.err, Catch::Contains("--cohort 'bogus'") && Catch::Contains("all for every"));
  Run chinese = h.run({"--data", h.path("county"), "report", "summary", "--year", "20x6"},
                      {"LC_ALL=zh_CN.UTF-8"});
  CHECK(chinese.code == 1);
  CHECK_THAT(chinese.err, Catch::Contains("--year“20x6”不是年份"));
}

}  // namespace

TEST_CASE("renda CLI: a suggestion's office data is written by its actions, and the core's "
          "refusals with values in them read in Chinese under zh_*",
          "[app][cli][i18n]") {
  County county;
  Harness& h = county.h;
  h.add("county", "deputy", {"--name", "李四", "--level", "县级"});
  std::string s = h.add("county", "suggestion", {"--title", "关于修缮村道的建议", "--lead", "李四",
                                                 "--level", "县级"});
  h.ok("county", {"suggestion", "submit", s.substr(0, 8)});
  std::string before = h.ok("county", {"suggestion", "show", s.substr(0, 8)}).out;
  // Plain edits of the office's fields were stored and never read: refused,
  // naming the action that records them; nothing written.
  refused(h, "county", {"suggestion", "edit", s.substr(0, 8), "--state", "closed"}, 2,
          "life-cycle actions");
  refused(h, "county", {"suggestion", "edit", s.substr(0, 8), "--number", "闭-2026-001"}, 2,
          "renda suggestion register");
  refused(h, "county", {"suggestion", "add", "--title", "关于路灯的建议", "--deadline",
                        "2026-12-31"}, 2, "renda suggestion extend");
  CHECK(h.ok("county", {"suggestion", "show", s.substr(0, 8)}).out == before);
  CHECK_THAT(h.ok("county", {"suggestion", "list"}).out, Catch::Contains("1 suggestion record"));
  // In Chinese, values and all: the wrong state, and a text edit after registration.
  h.ok("county", {"suggestion", "register", s.substr(0, 8), "--number", "闭-2026-001"});
  auto zh = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", h.path("county")});
    return h.run(args, {"LC_ALL=zh_CN.UTF-8"});
  };
  Run wrong = zh({"suggestion", "register", "闭-2026-001", "--number", "闭-2026-002"});
  CHECK(wrong.code == 2);
  CHECK_THAT(wrong.err, Catch::Contains("这条建议现在是“已登记”，不能登记") &&
                            !Catch::Contains("cannot"));
  Run field = zh({"suggestion", "edit", "闭-2026-001", "--number", "闭-2026-003"});
  CHECK(field.code == 2);
  CHECK_THAT(field.err, Catch::Contains("建议的编号由办理操作“登记”记录"));
  // One official number, one suggestion; the number as an input method types it.
  std::string other = h.add("county", "suggestion", {"--title", "关于增设路灯的建议", "--lead",
                                                     "李四", "--level", "县级"});
  h.ok("county", {"suggestion", "submit", other.substr(0, 8)});
  refused(h, "county", {"suggestion", "register", other.substr(0, 8), "--number", "闭－2026－001"},
          2, {"is already that of another suggestion", "关于修缮村道的建议"});
  h.ok("county", {"suggestion", "register", other.substr(0, 8), "--number", "闭-2026-002"});
  CHECK_THAT(h.ok("county", {"suggestion", "show", "闭－２０２６－００２"}).out,
             Catch::Contains("关于增设路灯的建议"));
  Run unknown = zh({"suggestion", "assign", "闭-2026-001", "--unit", "县交通运输局"});
  CHECK(unknown.code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("没有承办单位“县交通运输局”"));
}

TEST_CASE("renda CLI: the same deputy entered twice is refused unless a namesake, and records "
          "alike in their labels are told apart",
          "[app][cli][find]") {
  County county;
  Harness& h = county.h;
  std::string first = h.add("t1", "deputy", {"--name", "王芳", "--level", "乡镇级"});
  refused(h, "t1", {"deputy", "add", "--name", " 王芳", "--level", "乡镇级"}, 2,
          {"exists already", first.substr(0, 12), "--allow-same-name"});
  // Another township's 王芳 is another person.
  h.add("t2", "deputy", {"--name", "王芳", "--level", "乡镇级"});
  std::string second =
      h.add("t1", "deputy", {"--name", "王芳", "--level", "乡镇级", "--allow-same-name"});
  Run amb = h.at("t1", {"deputy", "show", "王芳"});
  CHECK(amb.code == 1);
  CHECK_THAT(amb.err, Catch::Contains("record " + first.substr(0, 12) + ", entered") &&
                          Catch::Contains("record " + second.substr(0, 12) + ", entered"));
}
