// SPDX-License-Identifier: Apache-2.0
// `renda schedule STATION`: a station's reception days (its receptionSchedule,
// core/domain/schedule.h) with the deputies on its rota each day and whether a
// reception was recorded, so a chair sees at a glance which days have no one
// on duty and which past reception days have no record.
#include <algorithm>
#include <cstdio>
#include <map>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/output/table_out.h"
#include "core/domain/config.h"
#include "core/domain/reports.h"
#include "core/domain/schedule.h"

namespace renda::app {

namespace {

constexpr uint64_t kMaxDays = 366;

Result<uint64_t> dayOption(const Args& args, const char* name, uint64_t fallback) {
  auto v = args.get(name);
  if (!v) return fallback;
  auto d = domain::parseDate(*v);
  if (!d) return Status::usage(i18n::trf("cli.schedule.date", {name}));
  return *d;
}

Status cmdSchedule(const Args& args) {
  if (args.positional.size() != 1)
    return Status::usage(i18n::tr("cli.schedule.give-station"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  storage::Store& store = (*node)->store();
  auto station = findRecord(store, RecordKind::kStation, args.positional[0]);
  if (!station) return station.status();

  uint64_t today = *domain::parseDate(domain::formatDate(Node::nowMs()));
  auto from = dayOption(args, "from", today);
  if (!from) return from.status();
  auto to = dayOption(args, "to", *from + 27 * domain::kDayMs);
  if (!to) return to.status();
  if (*to < *from) return Status::usage(i18n::tr("cli.schedule.to-before-from"));
  if ((*to - *from) / domain::kDayMs >= kMaxDays)
    return Status::usage(i18n::tr("cli.schedule.at-most-a-year"));

  std::string rule = station->get("receptionSchedule").value_or("");
  std::vector<domain::ScheduledDay> days;
  if (!rule.empty()) {
    auto s = domain::parseSchedule(rule);
    if (!s)
      return Status::refused(
          i18n::trf("cli.schedule.unreadable", {rule, s.status().message()}));
    days = domain::expandSchedule(*s, *from, *to);
  }

  std::string stationHex = toHex(station->id);
  std::map<std::string, std::string> names;  // deputy id -> name
  auto deputies = store.list(RecordKind::kDeputy);
  if (!deputies) return deputies.status();
  for (const auto& d : *deputies) names[toHex(d.id)] = d.get("name").value_or("?");
  // The rota and the receptions of this station, by date.
  std::map<std::string, std::vector<std::string>> rota;
  auto slots = store.list(RecordKind::kRotaSlot);
  if (!slots) return slots.status();
  for (const auto& r : *slots) {
    if (r.get("station") != stationHex) continue;
    std::string who = names.count(r.get("deputy").value_or("")) ? names[*r.get("deputy")]
                                                                : "（未知代表）";
    std::string slot = r.get("slot").value_or("");
    rota[r.get("date").value_or("")].push_back(slot.empty() ? who : who + "（" + slot + "）");
  }
  std::map<std::string, int> received;
  auto receptions = store.list(RecordKind::kReception);
  if (!receptions) return receptions.status();
  for (const auto& r : *receptions)
    if (r.get("station") == stationHex) ++received[r.get("date").value_or("")];

  // Reception days, and rota days that are not reception days, in date order.
  std::map<uint64_t, std::string> rows;  // day -> hours ("" for a rota-only day)
  for (const auto& d : days) rows[d.dayMs] = d.hours.empty() ? "接待日" : d.hours;
  for (const auto& [date, who] : rota) {
    auto d = domain::parseDate(date);
    if (d && *d >= *from && *d <= *to && !rows.count(*d)) rows[*d] = "（非接待日值班）";
  }
  domain::Table t;
  t.name = "schedule";
  t.title = station->get("name").value_or("?") + " 接待日与值班安排 " +
            domain::formatDate(*from) + " 至 " + domain::formatDate(*to);
  t.columns = {"日期", "星期", "时段", "值班代表", "接待记录"};
  t.textColumns = {0, 1, 2, 3, 4};
  size_t unstaffed = 0, unrecorded = 0;
  for (const auto& [day, hours] : rows) {
    std::string date = domain::formatDate(day);
    auto r = rota.find(date);
    std::string who;
    if (r == rota.end()) {
      who = "（未排班）";
      ++unstaffed;
    } else {
      // In a fixed order, whatever order the records came in.
      std::vector<std::string> onDuty = r->second;
      std::sort(onDuty.begin(), onDuty.end());
      for (const auto& w : onDuty) who += (who.empty() ? "" : "、") + w;
    }
    std::string record;
    if (auto n = received.find(date); n != received.end())
      record = "已记录" + std::to_string(n->second) + "次";
    else if (day < today) {
      record = "未记录";
      ++unrecorded;
    }
    t.rows.push_back({date, domain::weekdayName(domain::weekdayOf(day)), hours, who, record});
  }
  t.notes.push_back(rule.empty() ? "本站未设接待日（renda station edit 编号 --receptionSchedule "
                                   "\"每月10日 9:00-11:30\"），只列出值班安排。"
                                 : "接待日：" + rule);
  t.notes.push_back("未排班 " + std::to_string(unstaffed) + " 天；已过接待日未记录接待 " +
                    std::to_string(unrecorded) + " 天。");
  std::fputs((args.has("json") ? tableJson(t) + "\n" : tableText(t)).c_str(), stdout);
  return Status::ok();
}

}  // namespace

void addScheduleCommands(std::vector<Command>& out) {
  out.push_back({"schedule",
                 "a station's reception days with its rota and the receptions recorded",
                 "schedule STATION [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]", cmdSchedule,
                 {{"from", "YYYY-MM-DD", "the first day (default today)"},
                  {"to", "YYYY-MM-DD", "the last day"},
                  {"json", "", "print the table as JSON"}}});
}

}  // namespace renda::app
