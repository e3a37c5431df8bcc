// SPDX-License-Identifier: Apache-2.0
// Reception days (接待日, domain.md §2.7): a station's rule as a township clerk
// writes it in the station's `receptionSchedule` field, for example
//   每周一              every Monday
//   每周二、五 上午      Tuesdays and Fridays, mornings
//   每月10日            the 10th of each month
//   每月5日、20日        the 5th and the 20th
//   每月第一个星期二     the first Tuesday of each month (第1个周二 too)
//   每月最后一个周五     the last Friday of each month
//   单月15日 9:00-11:00  the 15th of odd months, 9 to 11
// Several rules are joined with "；" (or ";"). What follows a rule after a
// space is kept as its hours, as written. The rules are expanded into dates in
// China Standard Time, pure and deterministic: no clock is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace renda::domain {

struct ScheduleRule {
  enum class Kind { kWeekly, kMonthDays, kNthWeekday };
  Kind kind = Kind::kWeekly;
  std::vector<int> weekdays;  // 1 = Monday … 7 = Sunday (weekly, nth weekday)
  std::vector<int> days;      // 1..31 (month days); a day a month lacks is skipped
  int nth = 0;                // 1..5, or -1 for the last (nth weekday)
  int months = 0;             // 0 every month, 1 odd months, 2 even months
  std::string hours;          // as written, e.g. "9:00-11:00" or "上午"
};

struct Schedule {
  std::vector<ScheduleRule> rules;
};

// Parses a schedule; Usage error naming the part it could not read, with
// examples, when the text is not one of the forms above.
Result<Schedule> parseSchedule(const std::string& text);

struct ScheduledDay {
  uint64_t dayMs = 0;  // 00:00 China Standard Time of the day
  std::string hours;   // of the first rule that gives this day
};

// The days in [fromMs, toMs] (both day starts, inclusive) that the schedule
// gives, in order, each once.
std::vector<ScheduledDay> expandSchedule(const Schedule& s, uint64_t fromMs, uint64_t toMs);

// 1 = Monday … 7 = Sunday, of the China Standard Time day that holds `ms`.
int weekdayOf(uint64_t ms);
// "星期一" … "星期日".
const char* weekdayName(int weekday);

}  // namespace renda::domain
