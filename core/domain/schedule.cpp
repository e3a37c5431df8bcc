// SPDX-License-Identifier: Apache-2.0
#include "core/domain/schedule.h"

#include <algorithm>
#include <ctime>

#include "core/domain/config.h"

namespace renda::domain {

namespace {

constexpr int64_t kCstMs = 8 * 3600 * 1000;

const char* const kExamples =
    "write it like 每周一, 每周二、五 上午, 每月10日, 每月5日、20日, 每月第一个星期二, "
    "每月最后一个周五 or 单月15日 9:00-11:00; join several with ；";

// Consumes `prefix` from the front of `s`.
bool eat(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Removes spaces, tabs and ideographic spaces (U+3000), in any mix, from both ends.
void trim(std::string_view& s) {
  while (eat(s, " ") || eat(s, "\t") || eat(s, "\u3000")) {
  }
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
    else if (s.size() >= 3 && s.substr(s.size() - 3) == "\u3000")
      s.remove_suffix(3);
    else
      break;
  }
}

// 一..十, 十一..三十一 or digits.
bool number(std::string_view& s, int& out) {
  if (!s.empty() && s[0] >= '0' && s[0] <= '9') {
    int v = 0;
    size_t i = 0;
    while (i < s.size() && i < 3 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    s.remove_prefix(i);
    out = v;
    return true;
  }
  static const char* const digits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
  auto digit = [&](std::string_view& t, int& d) {
    for (int k = 0; k < 9; ++k)
      if (eat(t, digits[k])) {
        d = k + 1;
        return true;
      }
    return false;
  };
  std::string_view t = s;
  int tens = 0, ones = 0;
  if (digit(t, tens)) {
    if (eat(t, "十")) {
      digit(t, ones);
      out = tens * 10 + ones;
    } else {
      out = tens;
    }
  } else if (eat(t, "十")) {
    digit(t, ones);
    out = 10 + ones;
  } else {
    return false;
  }
  s = t;
  return true;
}

// 一..六, 日 or 天 (after 周/星期/礼拜).
bool weekday(std::string_view& s, int& out) {
  static const char* const names[] = {"一", "二", "三", "四", "五", "六", "日", "天", "七"};
  static const int values[] = {1, 2, 3, 4, 5, 6, 7, 7, 7};
  for (int k = 0; k < 9; ++k)
    if (eat(s, names[k])) {
      out = values[k];
      return true;
    }
  return false;
}

bool weekWord(std::string_view& s) { return eat(s, "星期") || eat(s, "礼拜") || eat(s, "周"); }

bool separator(std::string_view& s) { return eat(s, "、") || eat(s, ",") || eat(s, "，") || eat(s, "和"); }

Status unreadable(std::string_view rule) {
  return Status::usage("cannot read the reception days \"" + std::string(rule) + "\": " +
                       kExamples);
}

Result<ScheduleRule> parseRule(std::string_view all) {
  std::string_view s = all;
  trim(s);
  ScheduleRule r;
  // The hours: whatever follows the first space.
  size_t space = std::string_view::npos;
  for (std::string_view sep : {" ", "\t", "\u3000"}) space = std::min(space, s.find(sep));
  std::string_view body = s.substr(0, space);
  if (space != std::string_view::npos) {
    std::string_view hours = s.substr(space);
    trim(hours);
    r.hours = std::string(hours);
  }
  if (eat(body, "每周") || eat(body, "每星期") || eat(body, "每个星期") || eat(body, "每礼拜")) {
    r.kind = ScheduleRule::Kind::kWeekly;
    do {
      weekWord(body);
      int d = 0;
      if (!weekday(body, d)) return unreadable(all);
      r.weekdays.push_back(d);
    } while (separator(body));
  } else {
    if (eat(body, "每月") || eat(body, "每个月")) r.months = 0;
    else if (eat(body, "单月")) r.months = 1;
    else if (eat(body, "双月")) r.months = 2;
    else return unreadable(all);
    if (eat(body, "第") || body.substr(0, 6) == "最后") {
      r.kind = ScheduleRule::Kind::kNthWeekday;
      if (eat(body, "最后")) {
        r.nth = -1;
        eat(body, "一");
      } else if (!number(body, r.nth) || r.nth < 1 || r.nth > 5) {
        return unreadable(all);
      }
      eat(body, "个");
      if (!weekWord(body)) return unreadable(all);
      int d = 0;
      if (!weekday(body, d)) return unreadable(all);
      r.weekdays.push_back(d);
    } else {
      r.kind = ScheduleRule::Kind::kMonthDays;
      do {
        int d = 0;
        if (!number(body, d) || d < 1 || d > 31) return unreadable(all);
        if (!eat(body, "日") && !eat(body, "号")) return unreadable(all);
        r.days.push_back(d);
      } while (separator(body));
    }
  }
  // Hours written straight after the days: 每月10日上午, 每周一9:00-11:00.
  if (!body.empty()) {
    bool hours = body[0] >= '0' && body[0] <= '9';
    for (std::string_view w : {"上午", "下午", "中午", "晚上", "全天"})
      hours = hours || body.substr(0, w.size()) == w;
    if (!hours) return unreadable(all);
    r.hours = std::string(body) + (r.hours.empty() ? "" : " " + r.hours);
  }
  return r;
}

struct Civil {
  int year, month, day;
};

Civil civilOf(uint64_t ms) {
  time_t t = static_cast<time_t>((static_cast<int64_t>(ms) + kCstMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

int daysInMonth(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

bool gives(const ScheduleRule& r, uint64_t dayMs) {
  Civil c = civilOf(dayMs);
  if (r.months == 1 && c.month % 2 == 0) return false;
  if (r.months == 2 && c.month % 2 == 1) return false;
  int wd = weekdayOf(dayMs);
  switch (r.kind) {
    case ScheduleRule::Kind::kWeekly:
      return std::find(r.weekdays.begin(), r.weekdays.end(), wd) != r.weekdays.end();
    case ScheduleRule::Kind::kMonthDays:
      return std::find(r.days.begin(), r.days.end(), c.day) != r.days.end();
    case ScheduleRule::Kind::kNthWeekday: {
      if (r.weekdays.empty() || r.weekdays[0] != wd) return false;
      if (r.nth > 0) return (c.day - 1) / 7 + 1 == r.nth;
      return c.day + 7 > daysInMonth(c.year, c.month);
    }
  }
  return false;
}

}  // namespace

Result<Schedule> parseSchedule(const std::string& text) {
  Schedule out;
  std::string_view rest = text;
  while (true) {
    size_t cut = std::string_view::npos;
    size_t len = 0;
    for (std::string_view sep : {"；", ";", "\n"}) {
      size_t at = rest.find(sep);
      if (at < cut) {
        cut = at;
        len = sep.size();
      }
    }
    std::string_view part = rest.substr(0, cut);
    trim(part);
    if (!part.empty()) {
      auto r = parseRule(part);
      if (!r) return r.status();
      out.rules.push_back(std::move(*r));
    }
    if (cut == std::string_view::npos) break;
    rest.remove_prefix(cut + len);
  }
  if (out.rules.empty()) return Status::usage(std::string("no reception days given: ") + kExamples);
  return out;
}

std::vector<ScheduledDay> expandSchedule(const Schedule& s, uint64_t fromMs, uint64_t toMs) {
  std::vector<ScheduledDay> out;
  for (uint64_t day = fromMs; day <= toMs; day += kDayMs)
    for (const auto& r : s.rules)
      if (gives(r, day)) {
        out.push_back({day, r.hours});
        break;
      }
  return out;
}

int weekdayOf(uint64_t ms) {
  int64_t days = (static_cast<int64_t>(ms) + kCstMs) / static_cast<int64_t>(kDayMs);
  return static_cast<int>((days + 3) % 7) + 1;  // 1970-01-01 was a Thursday
}

const char* weekdayName(int weekday) {
  static const char* const names[] = {"星期一", "星期二", "星期三", "星期四",
                                      "星期五", "星期六", "星期日"};
  return weekday >= 1 && weekday <= 7 ? names[weekday - 1] : "";
}

}  // namespace renda::domain
