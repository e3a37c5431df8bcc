// SPDX-License-Identifier: Apache-2.0
// Reception days: the forms clerks write, expanded into dates, and the forms
// refused with a message.
#include "core/domain/schedule.h"

#include <catch2/catch.hpp>

#include "core/domain/config.h"

namespace renda::domain {
namespace {

std::vector<std::string> days(const std::string& rule, const char* from, const char* to) {
  auto s = parseSchedule(rule);
  INFO(rule << ": " << (s ? "" : s.status().message()));
  REQUIRE(s);
  std::vector<std::string> out;
  for (const auto& d : expandSchedule(*s, *parseDate(from), *parseDate(to)))
    out.push_back(formatDate(d.dayMs) + (d.hours.empty() ? "" : " " + d.hours));
  return out;
}

using V = std::vector<std::string>;

TEST_CASE("weekdayOf: days of the week in China Standard Time", "[schedule]") {
  CHECK(weekdayOf(*parseDate("2026-11-27")) == 5);  // a Friday
  CHECK(weekdayOf(*parseDate("2026-11-30")) == 1);
  CHECK(weekdayOf(*parseDate("2026-11-29")) == 7);
  CHECK(weekdayOf(*parseDate("2026-11-29") + kDayMs - 1) == 7);  // 23:59:59.999 that Sunday
  CHECK(std::string(weekdayName(1)) == "星期一");
}

TEST_CASE("parseSchedule: weekly, monthly, nth weekday and odd months", "[schedule]") {
  CHECK(days("每周一", "2026-11-01", "2026-11-30") ==
        V{"2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"});
  CHECK(days("每周二、五 上午", "2026-11-01", "2026-11-10") ==
        V{"2026-11-03 上午", "2026-11-06 上午", "2026-11-10 上午"});
  CHECK(days("每星期日", "2026-11-01", "2026-11-10") == V{"2026-11-01", "2026-11-08"});
  CHECK(days("每月10日", "2026-10-01", "2026-12-31") ==
        V{"2026-10-10", "2026-11-10", "2026-12-10"});
  CHECK(days("每月5号、二十日", "2026-11-01", "2026-11-30") == V{"2026-11-05", "2026-11-20"});
  CHECK(days("每月第一个星期二", "2026-09-01", "2026-11-30") ==
        V{"2026-09-01", "2026-10-06", "2026-11-03"});
  CHECK(days("每月第3个周三", "2026-11-01", "2026-11-30") == V{"2026-11-18"});
  CHECK(days("每月最后一个周五", "2026-10-01", "2026-11-30") == V{"2026-10-30", "2026-11-27"});
  CHECK(days("单月15日 9:00-11:00", "2026-01-01", "2026-06-30") ==
        V{"2026-01-15 9:00-11:00", "2026-03-15 9:00-11:00", "2026-05-15 9:00-11:00"});
  CHECK(days("双月1日", "2026-01-01", "2026-04-30") == V{"2026-02-01", "2026-04-01"});
  // Hours straight after the days, as the demo county's stations write them.
  CHECK(days("每月10日上午", "2026-11-01", "2026-11-30") == V{"2026-11-10 上午"});
  CHECK(days("每周一9:00-11:00", "2026-11-01", "2026-11-05") == V{"2026-11-02 9:00-11:00"});
  // A day a month lacks is skipped, not moved.
  CHECK(days("每月31日", "2026-01-01", "2026-04-30") == V{"2026-01-31", "2026-03-31"});
  CHECK(days("每月29日", "2028-02-01", "2028-02-29") == V{"2028-02-29"});
}

TEST_CASE("parseSchedule: several rules, each day once, the first rule's hours", "[schedule]") {
  CHECK(days("每周一 上午；每月2日 下午", "2026-11-01", "2026-11-10") ==
        V{"2026-11-02 上午", "2026-11-09 上午"});
  CHECK(days("每月10日;每周六", "2026-11-07", "2026-11-14") ==
        V{"2026-11-07", "2026-11-10", "2026-11-14"});
}

// Regression (the schedule fuzz target's format -> parse check): trailing
// spaces came off ASCII first, then ideographic, once each, so hours ending in
// " \u3000 \u3000 \u3000" kept a space, which a second parse then dropped.
TEST_CASE("parseSchedule: hours lose every trailing space, ASCII and ideographic in any mix",
          "[schedule][regression]") {
  for (const char* text : {"每周一 上午 \u3000 \u3000 \u3000", "每周一 上午\u3000 \t\u3000 ",
                           "每周一\u3000\u3000 上午 \u3000"}) {
    INFO(text);
    auto s = parseSchedule(text);
    REQUIRE(s);
    CHECK(s->rules.at(0).hours == "上午");
  }
  CHECK(days("每周一 上午 \u3000 \u3000 \u3000；每周二", "2026-11-02", "2026-11-03") ==
        V{"2026-11-02 上午", "2026-11-03"});
}

TEST_CASE("parseSchedule: what it cannot read is refused with examples", "[schedule]") {
  for (const char* bad : {"", "；", "每周", "每周八", "每月", "每月32日", "每月10", "每月第六个周一",
                          "每月第一个", "隔周一", "每周一二", "monthly", "每月10日x"}) {
    INFO(bad);
    auto s = parseSchedule(bad);
    REQUIRE(!s);
    CHECK(s.status().code() == Code::kUsage);
    CHECK(s.status().message().find("每月10日") != std::string::npos);
  }
}

}  // namespace
}  // namespace renda::domain
