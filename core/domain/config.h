// SPDX-License-Identifier: Apache-2.0
// County-configurable rules: taxonomies, the outcome scheme and deadlines.
// Defaults come from domain.md §3.3; a county changes them with a `settings`
// record (fields below), a township may add its own for township-level items.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"

namespace renda::domain {

struct Config {
  // Suggestion categories (建议类别). Default: the county six-way list.
  std::vector<std::string> categories = {"财政经济", "农业农村", "城建环资",
                                         "教科文卫", "内务司法", "社会建设"};
  // Duty types (履职类型), domain.md §2.9 reporting set.
  std::vector<std::string> dutyTypes = {"出席会议", "列席会议", "视察", "调研", "执法检查",
                                        "代表小组活动", "进家入站接待", "走访联系选民",
                                        "学习培训", "述职", "约见", "票决测评", "其他"};
  // Outcome scheme: local code -> national class (A/B/C/D).
  std::string outcomeScheme = "ABCD";
  std::vector<std::pair<std::string, std::string>> outcomeMap = {
      {"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}};
  int replyDays = 90;          // 答复期限, from assignment
  int maxExtensionDays = 90;   // on top of replyDays: at most 6 months in all
  // On top of rehandleDays, for a re-handling round (counted from the
  // re-handling). The sources give a re-handling no extension (domain.md §3.2:
  // re-reply within 1 month of re-assignment), so none by default.
  int rehandleExtensionDays = 0;
  int warningDays = 15;        // 临期 warning
  int returnWindowDays = 10;   // a unit may return an assignment within this
  int feedbackDays = 10;       // deputy's rating after a reply
  int rehandleDays = 30;       // re-handling reply
  int urgeIntervalDays = 3;    // between urges from one source

  // The national class of a local outcome code; nullopt when the scheme lacks it.
  std::optional<std::string> nationalClass(const std::string& code) const;
  bool isCategory(const std::string& c) const;
  bool isDutyType(const std::string& t) const;

  // Reads a settings record over the defaults. Fields: categories, dutyTypes
  // (comma- or 、-separated), outcomeScheme ("ABCD" or "甲乙丙"), outcomeMap
  // ("甲=A,乙=B,丙=C"), replyDays, maxExtensionDays, rehandleExtensionDays,
  // warningDays, returnWindowDays, feedbackDays, rehandleDays, urgeIntervalDays.
  static Config fromRecord(const Record& settings);
};

// Splits "a,b、c，d" into trimmed, non-empty parts.
std::vector<std::string> splitList(const std::string& s);

// Calendar helpers in China Standard Time (UTC+8): "2026-11-27" <-> ms at 00:00.
std::optional<uint64_t> parseDate(const std::string& ymd);
std::string formatDate(uint64_t ms);
inline constexpr uint64_t kDayMs = 86400000ull;
// The calendar day (days since 1970-01-01, China time) that `ms` falls on.
// Deadlines are calendar days: whatever happens on the deadline's day is in time.
int64_t calendarDay(uint64_t ms);

}  // namespace renda::domain
