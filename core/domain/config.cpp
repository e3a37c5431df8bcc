// SPDX-License-Identifier: Apache-2.0
#include "core/domain/config.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace renda::domain {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    size_t b = cur.find_first_not_of(" \t");
    size_t e = cur.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(cur.substr(b, e - b + 1));
    cur.clear();
  };
  for (size_t i = 0; i < s.size();) {
    // ',' or the full-width "，" (EF BC 8C) or "、" (E3 80 81)
    if (s[i] == ',') { flush(); i += 1; continue; }
    if (s.compare(i, 3, "\xEF\xBC\x8C") == 0 || s.compare(i, 3, "\xE3\x80\x81") == 0) {
      flush();
      i += 3;
      continue;
    }
    cur += s[i++];
  }
  flush();
  return out;
}

std::optional<std::string> Config::nationalClass(const std::string& code) const {
  for (const auto& [local, national] : outcomeMap)
    if (local == code) return national;
  return std::nullopt;
}

bool Config::isCategory(const std::string& c) const {
  for (const auto& x : categories)
    if (x == c) return true;
  return false;
}

bool Config::isDutyType(const std::string& t) const {
  for (const auto& x : dutyTypes)
    if (x == t) return true;
  return false;
}

Config Config::fromRecord(const Record& r) {
  Config c;
  if (auto v = r.get("categories"); v && !splitList(*v).empty()) c.categories = splitList(*v);
  if (auto v = r.get("dutyTypes"); v && !splitList(*v).empty()) c.dutyTypes = splitList(*v);
  if (auto v = r.get("outcomeScheme"); v && !v->empty()) {
    c.outcomeScheme = *v;
    if (*v == "甲乙丙") c.outcomeMap = {{"甲", "A"}, {"乙", "B"}, {"丙", "C"}};
    else if (*v == "ABC") c.outcomeMap = {{"A", "A"}, {"B", "B"}, {"C", "C"}};
  }
  if (auto v = r.get("outcomeMap"); v && !v->empty()) {
    std::vector<std::pair<std::string, std::string>> map;
    for (const auto& part : splitList(*v)) {
      auto eq = part.find('=');
      if (eq != std::string::npos && eq > 0) map.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    }
    if (!map.empty()) c.outcomeMap = map;
  }
  auto num = [&](const char* name, int& out, int lo, int hi) {
    if (auto v = r.get(name)) {
      char* end = nullptr;
      long n = std::strtol(v->c_str(), &end, 10);
      if (end && *end == 0 && n >= lo && n <= hi) out = static_cast<int>(n);
    }
  };
  num("replyDays", c.replyDays, 1, 365);
  num("maxExtensionDays", c.maxExtensionDays, 0, 365);
  num("rehandleExtensionDays", c.rehandleExtensionDays, 0, 365);
  num("warningDays", c.warningDays, 0, 90);
  num("returnWindowDays", c.returnWindowDays, 0, 60);
  num("feedbackDays", c.feedbackDays, 1, 90);
  num("rehandleDays", c.rehandleDays, 1, 180);
  num("urgeIntervalDays", c.urgeIntervalDays, 0, 60);
  return c;
}

namespace {
constexpr int64_t kCstOffsetMs = 8 * 3600 * 1000;
}

int64_t calendarDay(uint64_t ms) {
  return (static_cast<int64_t>(ms) + kCstOffsetMs) / static_cast<int64_t>(kDayMs);
}

std::optional<uint64_t> parseDate(const std::string& ymd) {
  int y, m, d;
  char tail;
  if (std::sscanf(ymd.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return std::nullopt;
  if (y < 1949 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  int64_t secs = timegm(&tm);
  std::tm back{};
  time_t t = static_cast<time_t>(secs);
  gmtime_r(&t, &back);
  if (back.tm_mday != d) return std::nullopt;  // 2026-02-30
  int64_t ms = secs * 1000 - kCstOffsetMs;
  return ms < 0 ? 0 : static_cast<uint64_t>(ms);
}

std::string formatDate(uint64_t ms) {
  time_t t = static_cast<time_t>((static_cast<int64_t>(ms) + kCstOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace renda::domain
