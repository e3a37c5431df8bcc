// SPDX-License-Identifier: Apache-2.0
// The fuzz targets over field values as text: sealed values (core/sealed.h)
// and a station's reception days (core/domain/schedule.h). Both read whatever
// bytes a change carries in a field, so both take any bytes, valid UTF-8 or not.
#include <algorithm>
#include <map>
#include <string>
#include <string_view>

#include "core/crypto.h"
#include "core/domain/config.h"
#include "core/domain/schedule.h"
#include "core/limits.h"
#include "core/sealed.h"
#include "tests/core/fixtures.h"
#include "tests/fuzz/fuzz_targets.h"

namespace renda::fuzz {

namespace detail {

namespace {

// Another X25519 key, never sealed to by the corpus.
const BoxSecretKey& strangerKey() {
  static const BoxSecretKey key = crypto::generateBoxKey();
  return key;
}

// One candidate sealed value. True when it opened with fuzzBoxKey().
bool checkSealed(std::string_view value) {
  check(looksSealed(value) == (value.substr(0, kSealedPrefix.size()) == kSealedPrefix),
        "looksSealed disagrees with the prefix");
  Status shape = checkSealedShape(value);
  auto clear = openValue(value, kFuzzSealedKind, kFuzzSealedField, fuzzBoxKey());
  if (!shape.isOk()) {
    check(shape.code() == Code::kInvalidInput,
          "checkSealedShape refused with a code other than InvalidInput");
    check(!clear && clear.status().code() == Code::kInvalidInput,
          "openValue did not refuse a value checkSealedShape refuses as InvalidInput");
    return false;
  }
  // A well-shaped value has one text form: its base64 re-encodes to itself.
  std::string raw = test::sealedRawOf(value);
  check(!raw.empty(), "checkSealedShape accepted base64 that libsodium refuses");
  check(test::sealedTextOf(raw) == value, "a well-shaped sealed value has a second text form");
  auto stranger = openValue(value, kFuzzSealedKind, kFuzzSealedField, strangerKey());
  check(!stranger, "a sealed value opened with a key it names no entry for");
  if (!clear) {
    Code code = clear.status().code();
    check(code == Code::kNotFound || code == Code::kInvalidInput,
          "openValue failed with a code other than NotFound or InvalidInput");
    return false;
  }
  check(clear->size() <= kMaxSealedClearBytes, "openValue gave a value longer than can be sealed");
  // Bound to its field and kind: anywhere else it does not open.
  auto moved = openValue(value, kFuzzSealedKind, "constituentPhone", fuzzBoxKey());
  check(!moved && moved.status().code() == Code::kInvalidInput,
        "a sealed value opened as another field");
  auto otherKind = openValue(value, RecordKind::kDeputy, kFuzzSealedField, fuzzBoxKey());
  check(!otherKind && otherKind.status().code() == Code::kInvalidInput,
        "a sealed value opened as a field of another record kind");
  // What opened seals again and opens to the same text.
  auto again = sealValue(*clear, kFuzzSealedKind, kFuzzSealedField, {fuzzBoxKey().publicKey()});
  check(again.isOk(), "an opened value cannot be sealed again");
  check(checkSealedShape(*again).isOk(), "sealValue wrote a value checkSealedShape refuses");
  auto reopened = openValue(*again, kFuzzSealedKind, kFuzzSealedField, fuzzBoxKey());
  check(reopened.isOk() && *reopened == *clear, "a value changed across seal/open");
  return true;
}

// --- reception days -------------------------------------------------------

using domain::Schedule;
using domain::ScheduleRule;

// Structurally valid UTF-8 (lead bytes and continuation counts).
bool isUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += n;
  }
  return true;
}

const char* weekdayChar(int weekday) {
  static const char* const names[] = {"一", "二", "三", "四", "五", "六", "日"};
  return names[weekday - 1];
}

// A schedule written back in the forms parseSchedule reads.
std::string formatSchedule(const Schedule& s) {
  std::string out;
  for (const auto& r : s.rules) {
    if (!out.empty()) out += "；";
    const char* months = r.months == 1 ? "单月" : r.months == 2 ? "双月" : "每月";
    switch (r.kind) {
      case ScheduleRule::Kind::kWeekly:
        out += "每周";
        for (size_t i = 0; i < r.weekdays.size(); ++i)
          out.append(i ? "、" : "").append(weekdayChar(r.weekdays[i]));
        break;
      case ScheduleRule::Kind::kMonthDays:
        out += months;
        for (size_t i = 0; i < r.days.size(); ++i)
          out.append(i ? "、" : "").append(std::to_string(r.days[i])).append("日");
        break;
      case ScheduleRule::Kind::kNthWeekday:
        out += months;
        out += r.nth < 0 ? std::string("最后一个") : "第" + std::to_string(r.nth) + "个";
        out.append("周").append(weekdayChar(r.weekdays[0]));
        break;
    }
    if (!r.hours.empty()) out.append(" ").append(r.hours);
  }
  return out;
}

bool sameRule(const ScheduleRule& a, const ScheduleRule& b) {
  return a.kind == b.kind && a.weekdays == b.weekdays && a.days == b.days && a.nth == b.nth &&
         a.months == b.months && a.hours == b.hours;
}

void checkRuleShape(const ScheduleRule& r) {
  auto inRange = [](const std::vector<int>& v, int lo, int hi) {
    return std::all_of(v.begin(), v.end(), [&](int x) { return x >= lo && x <= hi; });
  };
  check(r.months >= 0 && r.months <= 2, "a rule with months other than every, odd or even");
  switch (r.kind) {
    case ScheduleRule::Kind::kWeekly:
      check(!r.weekdays.empty() && inRange(r.weekdays, 1, 7) && r.days.empty() && r.months == 0,
            "a weekly rule without weekdays 1..7");
      break;
    case ScheduleRule::Kind::kMonthDays:
      check(!r.days.empty() && inRange(r.days, 1, 31) && r.weekdays.empty(),
            "a month-days rule without days 1..31");
      break;
    case ScheduleRule::Kind::kNthWeekday:
      check(r.weekdays.size() == 1 && inRange(r.weekdays, 1, 7) &&
                ((r.nth >= 1 && r.nth <= 5) || r.nth == -1),
            "an nth-weekday rule without one weekday and nth 1..5 or last");
      break;
  }
}

struct Civil {
  int year = 0, month = 0, day = 0;
};
Civil civilOf(uint64_t dayMs) {
  std::string ymd = domain::formatDate(dayMs);  // "YYYY-MM-DD"
  return {std::stoi(ymd.substr(0, 4)), std::stoi(ymd.substr(5, 2)), std::stoi(ymd.substr(8, 2))};
}

// Six whole weeks, Monday 2024-01-29 to Sunday 2024-03-10: the end of a
// 31-day month, all of a leap February (an even month) and an odd month's start.
constexpr int kWindowDays = 42;
uint64_t windowFrom() {
  static const uint64_t from = domain::parseDate("2024-01-29").value_or(0);
  return from;
}
uint64_t windowTo() { return windowFrom() + (kWindowDays - 1) * domain::kDayMs; }

// The days one rule gives over the window agree with what the rule says.
void checkRuleDays(const ScheduleRule& r, const std::vector<domain::ScheduledDay>& days) {
  int inFebruary = 0;
  for (const auto& d : days) {
    Civil c = civilOf(d.dayMs);
    int wd = domain::weekdayOf(d.dayMs);
    check(r.months != 1 || c.month % 2 == 1, "an odd-months rule gave a day of an even month");
    check(r.months != 2 || c.month % 2 == 0, "an even-months rule gave a day of an odd month");
    check(d.hours == r.hours, "a day with hours its rule does not have");
    inFebruary += c.month == 2;
    switch (r.kind) {
      case ScheduleRule::Kind::kWeekly:
        check(std::count(r.weekdays.begin(), r.weekdays.end(), wd) > 0,
              "a weekly rule gave a day of another weekday");
        break;
      case ScheduleRule::Kind::kMonthDays:
        check(std::count(r.days.begin(), r.days.end(), c.day) > 0,
              "a month-days rule gave another day of the month");
        break;
      case ScheduleRule::Kind::kNthWeekday: {
        int monthDays = c.month == 2 ? 29 : 31;  // the window's months: 2024-01, -02, -03
        check(wd == r.weekdays[0], "an nth-weekday rule gave another weekday");
        check(r.nth < 0 ? c.day + 7 > monthDays : (c.day - 1) / 7 + 1 == r.nth,
              "an nth-weekday rule gave a day of another week of the month");
        break;
      }
    }
  }
  // February 2024 lies wholly inside the window.
  bool february = r.months != 1;
  size_t want = 0;
  switch (r.kind) {
    case ScheduleRule::Kind::kWeekly: {
      std::vector<int> w = r.weekdays;
      std::sort(w.begin(), w.end());
      w.erase(std::unique(w.begin(), w.end()), w.end());
      check(days.size() == 6 * w.size(), "a weekly rule did not give each weekday six times");
      want = std::count_if(w.begin(), w.end(), [](int x) { return x == 4; }) * 5 +
             std::count_if(w.begin(), w.end(), [](int x) { return x != 4; }) * 4;
      break;
    }
    case ScheduleRule::Kind::kMonthDays: {
      std::vector<int> v = r.days;
      std::sort(v.begin(), v.end());
      v.erase(std::unique(v.begin(), v.end()), v.end());
      want = february ? std::count_if(v.begin(), v.end(), [](int x) { return x <= 29; }) : 0;
      break;
    }
    case ScheduleRule::Kind::kNthWeekday:
      // February 2024 starts on a Thursday: five Thursdays, four of the rest.
      want = !february ? 0 : r.nth == 5 ? (r.weekdays[0] == 4 ? 1 : 0) : 1;
      break;
  }
  check(inFebruary == static_cast<int>(want), "a rule gave the wrong number of February days");
}

// Expanding the whole schedule gives, for each day, the first rule's hours
// among the rules that give it, each day once, in order.
void checkExpansion(const Schedule& s) {
  constexpr size_t kMaxRulesExpanded = 32;  // bounds the time per input
  if (s.rules.size() > kMaxRulesExpanded) return;
  std::map<uint64_t, std::string> first;  // day -> hours of the first rule giving it
  for (const auto& r : s.rules) {
    auto days = domain::expandSchedule(Schedule{{r}}, windowFrom(), windowTo());
    checkRuleDays(r, days);
    for (auto& d : days) first.emplace(d.dayMs, std::move(d.hours));
  }
  auto all = domain::expandSchedule(s, windowFrom(), windowTo());
  check(all.size() == first.size() && std::equal(all.begin(), all.end(), first.begin(),
                                                 [](const domain::ScheduledDay& d, const auto& f) {
                                                   return d.dayMs == f.first && d.hours == f.second;
                                                 }),
        "expandSchedule disagrees with its rules expanded one by one");
}

}  // namespace

Outcome runSealed(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bool opened = checkSealed(text);
  if (!looksSealed(text)) opened = checkSealed(test::sealedTextOf(text)) || opened;
  return opened ? Outcome::kAccepted : Outcome::kRejected;
}

Outcome runSchedule(const uint8_t* data, size_t size) {
  // A field value is never longer (validateChangeShape).
  if (size > limits::kMaxFieldValueBytes) return Outcome::kRejected;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto s = domain::parseSchedule(text);
  if (!s) {
    check(s.status().code() == Code::kUsage, "parseSchedule refused with a code other than Usage");
    return Outcome::kRejected;
  }
  check(!s->rules.empty(), "parseSchedule accepted a schedule without rules");
  bool utf8 = isUtf8(text);
  for (const auto& r : s->rules) {
    checkRuleShape(r);
    check(!utf8 || isUtf8(r.hours), "parseSchedule cut a UTF-8 character in two");
  }
  std::string formatted = formatSchedule(*s);
  auto again = domain::parseSchedule(formatted);
  check(again.isOk(), "a formatted schedule does not parse");
  check(again->rules.size() == s->rules.size() &&
            std::equal(s->rules.begin(), s->rules.end(), again->rules.begin(), sameRule),
        "a schedule changed across format/parse");
  checkExpansion(*s);
  return Outcome::kAccepted;
}

}  // namespace detail

}  // namespace renda::fuzz
