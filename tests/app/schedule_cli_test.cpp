// SPDX-License-Identifier: Apache-2.0
// `renda schedule`: a station's reception days with its rota and recorded
// receptions, through the real binary on a township node; bad reception-day
// rules are refused on add and edit with nothing written.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

TEST_CASE("renda schedule: reception days, the rota on them, and receptions recorded",
          "[app][cli][schedule]") {
  County c;
  Harness& h = c.h;
  std::string station = h.add("t1", "station", {"--name", "城关镇代表之家",
                                                 "--receptionSchedule", "每周一 9:00-11:30；每月10日"});
  std::string zhang = h.add("t1", "deputy", {"--name", "张三"});
  std::string li = h.add("t1", "deputy", {"--name", "李四"});
  h.add("t1", "rota", {"--deputy", zhang.substr(0, 8), "--station", station.substr(0, 8),
                       "--date", "2026-01-05", "--slot", "上午"});
  h.add("t1", "rota", {"--deputy", li.substr(0, 8), "--station", station.substr(0, 8),
                       "--date", "2026-01-05"});
  h.add("t1", "rota", {"--deputy", li.substr(0, 8), "--station", station.substr(0, 8),
                       "--date", "2026-01-17"});  // a Saturday: not a reception day
  h.add("t1", "reception", {"--station", station.substr(0, 8), "--date", "2026-01-05",
                            "--visitors", "4"});
  // The harness clock is 2026-01-01 plus a minute a command: today is 2026-01-01.
  JsonValue t = h.json("t1", {"schedule", "城关镇代表之家", "--from", "2025-12-29", "--to",
                              "2026-01-19"});
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : t["rows"].items) {
    std::vector<std::string> row;
    for (const auto& cell : r.items) row.push_back(cell.str);
    rows.push_back(row);
  }
  using R = std::vector<std::string>;
  CHECK(rows == std::vector<R>{
                    R{"2025-12-29", "星期一", "9:00-11:30", "（未排班）", "未记录"},
                    R{"2026-01-05", "星期一", "9:00-11:30", "张三（上午）、李四", "已记录1次"},
                    R{"2026-01-10", "星期六", "接待日", "（未排班）", ""},
                    R{"2026-01-12", "星期一", "9:00-11:30", "（未排班）", ""},
                    R{"2026-01-17", "星期六", "（非接待日值班）", "李四", ""},
                    R{"2026-01-19", "星期一", "9:00-11:30", "（未排班）", ""},
                });
  // By number as well as by name; the default window starts today.
  Run text = h.ok("t1", {"schedule", station.substr(0, 8)});
  CHECK_THAT(text.out, Catch::Contains("城关镇代表之家 接待日与值班安排 2026-01-01 至 2026-01-28"));
  CHECK_THAT(text.out, Catch::Contains("2026-01-05"));
  CHECK_THAT(text.out, Catch::Contains("接待日：每周一 9:00-11:30；每月10日"));
}

TEST_CASE("renda schedule: unreadable reception days and bad windows are refused",
          "[app][cli][schedule]") {
  County c;
  Harness& h = c.h;
  std::string before = h.digest("t1");
  Run bad = h.at("t1", {"station", "add", "--name", "东站", "--receptionSchedule", "隔周一"});
  CHECK(bad.code == 1);
  CHECK_THAT(bad.err, Catch::Contains("每月10日"));
  CHECK(h.digest("t1") == before);
  std::string station = h.add("t1", "station", {"--name", "东站"});
  before = h.digest("t1");
  Run badEdit = h.at("t1", {"station", "edit", station.substr(0, 8), "--receptionSchedule",
                            "每月32日"});
  CHECK(badEdit.code == 1);
  CHECK(h.digest("t1") == before);
  Run none = h.ok("t1", {"schedule", "东站"});
  CHECK_THAT(none.out, Catch::Contains("本站未设接待日"));
  CHECK(h.at("t1", {"schedule", "东站", "--from", "2026-02-01", "--to", "2026-01-01"}).code == 1);
  CHECK(h.at("t1", {"schedule", "东站", "--from", "2026-01-01", "--to", "2027-06-01"}).code == 1);
  CHECK(h.at("t1", {"schedule", "东站", "--from", "明天"}).code == 1);
  CHECK(h.at("t1", {"schedule", "西站"}).code != 0);
}

}  // namespace
