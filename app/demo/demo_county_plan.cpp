// SPDX-License-Identifier: Apache-2.0
// The demo county's plan, part one: the county's own records (settings, terms,
// sessions, townships, handling units), and per township its term, session,
// government units, stations, deputy groups, deputies with their mandates,
// duty records, receptions with the issues raised there, the rota and
// report-backs. Suggestions are planned in demo_county_life.cpp.
#include "app/demo/demo_county_plan.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "app/demo/demo_county_text.h"
#include "core/domain/config.h"

namespace renda::app::demo {

// --- calendar -------------------------------------------------------------------

Day dayOf(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Day dayOfMs(uint64_t ms) { return (int64_t(ms) + 8 * 3600 * 1000) / 86400000; }

namespace {

struct Civil {
  int y, m, d;
};

Civil civil(Day z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  int d = int(doy - (153 * mp + 2) / 5 + 1);
  int m = int(mp < 10 ? mp + 3 : mp - 9);
  return {int(yoe + era * 400 + (m <= 2)), m, d};
}

}  // namespace

std::string dateText(Day day) {
  Civil c = civil(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.y, c.m, c.d);
  return buf;
}

int yearOf(Day d) { return civil(d).y; }
int monthOf(Day d) { return civil(d).m; }

size_t Rng::weighted(const std::vector<int>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  int x = int(below(uint64_t(total)));
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

const std::string& PlannedRecord::get(const std::string& name) const {
  static const std::string kEmpty;
  for (const auto& f : fields)
    if (f.name == name) return f.value;
  return kEmpty;
}

std::vector<int> PlannedRecord::refsOf(const std::string& field) const {
  for (const auto& r : refs)
    if (r.field == field) return r.records;
  return {};
}

namespace {

constexpr int kCounty = 0;
// Write stages at each node; a record refers only to records of earlier stages.
constexpr int kBase = 0, kPlaces = 1, kPeople = 2, kWork = 3, kIssues = 4;

std::string num(int64_t n) { return std::to_string(n); }

class Planner {
 public:
  Planner(Plan& plan, Rng& rng) : plan_(plan), rng_(rng), ctx_(plan, rng) {}

  void run() {
    const auto& names = townshipNames();
    plan_.townships.resize(1);
    for (int t = 1; t <= plan_.options.townships; ++t) {
      TownshipPlan tp;
      tp.name = names[size_t(t - 1)].name;
      tp.type = names[size_t(t - 1)].type;
      tp.congress = tp.type != "街道";
      char folder[64];
      std::snprintf(folder, sizeof folder, "township-%02d-", t);
      tp.folder = folder + tp.name;
      plan_.townships.push_back(tp);
    }
    ctx_.villages.resize(plan_.townships.size());
    ctx_.townshipUnits.resize(plan_.townships.size());
    county();
    for (int t = 1; t < int(plan_.townships.size()); ++t) township(t);
    planSuggestions(ctx_);
    for (int t = 1; t < int(plan_.townships.size()); ++t) activities(t);
  }

 private:
  int add(int node, int stage, RecordKind kind, std::vector<Field> fields,
          std::vector<Ref> refs = {}) {
    PlannedRecord r;
    r.node = node;
    r.stage = stage;
    r.kind = kind;
    r.scope = node == kCounty ? "" : plan_.townships[size_t(node)].name;
    r.fields = std::move(fields);
    r.refs = std::move(refs);
    plan_.records.push_back(std::move(r));
    return int(plan_.records.size()) - 1;
  }

  // Settings, the county congress's term and sessions, the townships, the units.
  void county() {
    domain::Config defaults;
    std::string types;
    for (const auto& t : defaults.dutyTypes) types += (types.empty() ? "" : ",") + t;
    std::string categories;
    for (const auto& c : defaults.categories) categories += (categories.empty() ? "" : ",") + c;
    add(kCounty, kBase, RecordKind::kSettings,
        {{"categories", categories},
         {"dutyTypes", types},
         {"outcomeScheme", "ABCD"},
         {"replyDays", "90"},
         {"maxExtensionDays", "90"},
         {"warningDays", "15"},
         {"returnWindowDays", "10"},
         {"feedbackDays", "10"},
         {"rehandleDays", "30"},
         {"urgeIntervalDays", "3"}});
    Day start = dayOf(2021, 12, 28);
    int term = add(kCounty, kBase, RecordKind::kTerm,
                   {{"name", "县第十八届人民代表大会"},
                    {"level", "县级"},
                    {"startDate", dateText(start)},
                    {"endDate", dateText(dayOf(2026, 12, 27))}});
    countyTerm_ = term;
    ctx_.session2025Day = dayOf(2025, 1, 8);
    ctx_.session2026Day = dayOf(2026, 1, 7);
    ctx_.session2025 = add(kCounty, kPlaces, RecordKind::kSession,
                           {{"name", "县第十八届人民代表大会第四次会议"},
                            {"type", "大会期间"},
                            {"startDate", "2025-01-08"},
                            {"endDate", "2025-01-11"}},
                           {{"term", {term}}});
    ctx_.session2026 = add(kCounty, kPlaces, RecordKind::kSession,
                           {{"name", "县第十八届人民代表大会第五次会议"},
                            {"type", "大会期间"},
                            {"startDate", "2026-01-07"},
                            {"endDate", "2026-01-10"}},
                           {{"term", {term}}});
    for (int t = 1; t < int(plan_.townships.size()); ++t) {
      char code[16];
      std::snprintf(code, sizeof code, "%03d", t);
      add(kCounty, kBase, RecordKind::kTownship,
          {{"name", plan_.townships[size_t(t)].name},
           {"code", code},
           {"type", plan_.townships[size_t(t)].type}});
    }
    for (const auto& u : countyUnits()) {
      std::string contact = personName(rng_, rng_.chance(0.4));
      ctx_.countyUnits.push_back(
          add(kCounty, kBase, RecordKind::kHandlingUnit,
              {{"name", u.name},
               {"category", u.category},
               {"contact", contact},
               {"phone", "0000-" + num(6000000 + int64_t(rng_.below(999999)))}}));
    }
  }

  // One township's places and people.
  void township(int t) {
    TownshipPlan& tp = plan_.townships[size_t(t)];
    bool street = !tp.congress;
    auto& villages = ctx_.villages[size_t(t)];
    villages = villageNames(rng_, rng_.between(9, 16), street);
    // Its own congress: term, its 2026 session, its government as handling units.
    if (tp.congress) {
      if (t == 2) {  // 东风乡 answers its own suggestions in 甲乙丙
        tp.scheme = "甲乙丙";
        add(t, kPlaces, RecordKind::kSettings, {{"outcomeScheme", "甲乙丙"}});
      }
      // 龙泉镇 was formed in 2024 by merging 龙泉乡 and 石坪乡: its congress was
      // elected then, and its first term ends with the county's. The others
      // were elected with the county's congress at the end of 2021.
      bool merged = t == 4;
      Day start = merged ? dayOf(2024, 3, 18) : dayOf(2021, 12, 20) + rng_.between(0, 18);
      tp.termStart = start;
      tp.termEnd = merged ? dayOf(2026, 12, 27) : start + 5 * 365;
      tp.sessionTag = merged ? "一届三次" : "十八届五次";
      std::string congress = tp.name + (merged ? "第一届" : "第十八届") + "人民代表大会";
      tp.term = add(t, kPlaces, RecordKind::kTerm,
                    {{"name", congress},
                     {"level", "乡镇级"},
                     {"startDate", dateText(start)},
                     {"endDate", dateText(tp.termEnd)}});
      Day session = dayOf(2026, 1, 3) + rng_.between(0, 10);
      tp.session = add(t, kPeople, RecordKind::kSession,
                       {{"name", congress + (merged ? "第三次会议" : "第五次会议")},
                        {"type", "大会期间"},
                        {"startDate", dateText(session)},
                        {"endDate", dateText(session + 1)}},
                       {{"term", {tp.term}}});
      sessionDay_[t] = session;
      std::string gov = tp.name + "人民政府";
      for (const std::string& unit :
           {gov, tp.name + "农业综合服务中心", tp.name + "村镇建设服务中心"})
        ctx_.townshipUnits[size_t(t)].push_back(
            add(t, kPlaces, RecordKind::kHandlingUnit,
                {{"name", unit},
                 {"category", "乡镇政府"},
                 {"contact", personName(rng_, rng_.chance(0.4))}}));
    }
    // Stations: the home (代表之家, or a street's 联络总站) and village stations.
    std::vector<int> stations;
    std::string home = tp.name + (street ? "人大代表联络总站" : "人大代表之家");
    stations.push_back(add(t, kPlaces, RecordKind::kStation,
                           {{"name", home},
                            {"kind", street ? "代表联络站" : "代表之家"},
                            {"level", "乡镇"},
                            {"address", tp.name + (street ? "办事处一楼" : "政府二楼")},
                            {"contact", personName(rng_, rng_.chance(0.5))},
                            {"phone", mobile(rng_)},
                            {"receptionSchedule",
                             t % 3 == 0 ? "每周一 9:00-11:30" : "每月10日上午"}}));
    for (int k = 0, n = rng_.between(2, 4); k < n && k < int(villages.size()); ++k)
      stations.push_back(add(t, kPlaces, RecordKind::kStation,
                             {{"name", villages[size_t(k)] + "人大代表联络站"},
                              {"kind", "代表联络站"},
                              {"level", "乡镇"},
                              {"address", villages[size_t(k)] + (street ? "居委会" : "村委会")},
                              {"contact", personName(rng_, rng_.chance(0.5))},
                              {"phone", mobile(rng_)},
                              {"receptionSchedule", "单月15日上午"}}));
    stations_[t] = stations;
    deputies(t);
  }

  void deputies(int t) {
    TownshipPlan& tp = plan_.townships[size_t(t)];
    const auto& villages = ctx_.villages[size_t(t)];
    int countySeats = tp.congress ? rng_.between(15, 22) : rng_.between(24, 30);
    int townshipSeats = tp.congress ? rng_.between(55, 82) : 0;
    int dual = tp.congress ? countySeats * 35 / 100 : 0;
    int higher = rng_.between(2, 5);
    // Deputy groups, each led by one of the deputies (named up front).
    int groups = rng_.between(4, 6);
    static const char* kOrdinal[] = {"第一", "第二", "第三", "第四", "第五", "第六"};
    int total = countySeats + (townshipSeats - dual) + higher;
    std::vector<std::string> names;
    std::vector<bool> female;
    for (int i = 0; i < total; ++i) {
      female.push_back(rng_.chance(0.3));
      names.push_back(personName(rng_, female.back()));
    }
    std::vector<int> groupRecords;
    for (int g = 0; g < groups; ++g)
      groupRecords.push_back(add(t, kPlaces, RecordKind::kDeputyGroup,
                                 {{"name", tp.name + kOrdinal[g] + "代表小组"},
                                  {"leader", names[size_t(g * total / groups)]}}));
    int cardNo = 0;
    for (int i = 0; i < total; ++i) {
      PlanDeputy d;
      d.township = t;
      d.name = names[size_t(i)];
      d.county = i < countySeats;
      d.townshipSeat =
          tp.congress && ((i < countySeats && i >= countySeats - dual) ||
                          (i >= countySeats && i < countySeats + townshipSeats - dual));
      bool higherOnly = !d.county && !d.townshipSeat;
      std::string level = d.county         ? "县级"
                          : d.townshipSeat ? "乡镇级"
                                           : (rng_.chance(0.7) ? "市级" : "省级");
      d.station = rng_.pick(stations_[t]);
      auto [sector, post] = occupation(rng_, tp.name, villages, d.county || higherOnly);
      std::vector<Field> f = {
          {"name", d.name},
          {"gender", female[size_t(i)] ? "女" : "男"},
          {"ethnicity", ethnicity(rng_)},
          {"birthday", dateText(dayOf(1958, 1, 1) + rng_.between(0, 37 * 365))},
          {"idNumber", ""},  // filled below from the birthday; sealed when written
          {"political", politicalStatus(rng_, d.county)},
          {"education", education(rng_)},
          {"sector", sector},
          {"post", post},
          {"level", level},
          {"district", "第" + num(rng_.between(1, 12)) + "选区"},
          {"phone", mobile(rng_)},
      };
      std::string born;
      for (const auto& field : f)
        if (field.name == "birthday") born = field.value;
      for (auto& field : f)
        if (field.name == "idNumber") field.value = idNumber(rng_, born);
      char card[32];
      std::snprintf(card, sizeof card, "%s%03d-%04d",
                    d.county         ? "县"
                    : d.townshipSeat ? "乡"
                                     : "上",
                    t, ++cardNo);
      f.push_back({"cardNo", card});
      if (d.county) f.push_back({"delegation", tp.name + "代表团"});
      if (rng_.chance(0.02)) {
        d.active = false;
        d.leftOn = dayOf(2025, 3, 1) + rng_.between(0, 500);
        f.push_back({"status", "终止"});
        static const std::vector<std::string> why = {"调离本行政区域", "辞去代表职务", "因病去世"};
        f.push_back({"endReason", rng_.pick(why)});
        f.push_back({"endDate", dateText(d.leftOn)});
      } else {
        f.push_back({"status", "正常"});
      }
      d.record = add(t, kPeople, RecordKind::kDeputy, std::move(f),
                     {{"station", {d.station}}, {"group", {rng_.pick(groupRecords)}}});
      if (d.county)
        add(t, kWork, RecordKind::kMandate, {{"level", "县级"}},
            {{"deputy", {d.record}}, {"term", {countyTerm_}}});
      if (d.townshipSeat)
        add(t, kWork, RecordKind::kMandate, {{"level", "乡镇级"}},
            {{"deputy", {d.record}}, {"term", {tp.term}}});
      ctx_.deputies.push_back(d);
    }
  }

  // Duty records, receptions and their issues, the coming rota, report-backs.
  void activities(int t) {
    const TownshipPlan& tp = plan_.townships[size_t(t)];
    const auto& villages = ctx_.villages[size_t(t)];
    const std::vector<std::string> types = domain::Config{}.dutyTypes;
    // Weights per type, in the order of the county's list (出席会议 is per session).
    const std::vector<int> weights = {0, 4, 12, 12, 5, 14, 12, 18, 8, 0, 3, 4, 4};
    Day from = dayOf(2025, 1, 1), now = plan_.now;
    std::vector<const PlanDeputy*> mine;
    for (const auto& d : ctx_.deputies)
      if (d.township == t) mine.push_back(&d);
    for (const PlanDeputy* d : mine) {
      Day until = d->active ? now : std::min(now, d->leftOn);
      auto duty = [&](const std::string& type, Day when) {
        auto [title, place] = dutyText(rng_, type, tp.name, rng_.pick(villages));
        add(t, kWork, RecordKind::kDutyRecord,
            {{"type", type},
             {"date", dateText(when)},
             {"title", title},
             {"place", place},
             {"organiser", type == "代表小组活动" ? "代表小组" : tp.name + "人大"},
             {"status", "审核通过"}},
            {{"deputy", {d->record}}});
      };
      // Sessions attended.
      std::vector<Day> sessions;
      if (d->county) sessions = {ctx_.session2025Day, ctx_.session2026Day};
      if (d->townshipSeat) {
        sessions.push_back(dayOf(2025, 1, 4) + t % 7);
        sessions.push_back(sessionDay_[t]);
      }
      for (Day s : sessions)
        if (s <= until && rng_.chance(0.93)) duty("出席会议", s);
      // Everything else: most deputies 8-28 records, some far more, some hardly any.
      int n = rng_.between(7, 25);
      if (rng_.chance(0.1)) n = n * 8 / 5;
      if (rng_.chance(0.1)) n = n / 5;
      for (int k = 0; k < n; ++k) {
        Day when = from + Day(rng_.below(uint64_t(until - from + 1)));
        duty(types[rng_.weighted(weights)], when);
      }
    }
    receptions(t, mine);
    reportBacks(t, mine);
  }

  void receptions(int t, const std::vector<const PlanDeputy*>& mine) {
    const TownshipPlan& tp = plan_.townships[size_t(t)];
    const auto& villages = ctx_.villages[size_t(t)];
    const auto& stations = stations_[t];
    static const std::vector<std::string> routes = {"当场答复", "转村（社区）", "转乡镇人大",
                                                    "转为代表建议", "转上级代表"};
    const std::vector<int> routeWeights = {40, 20, 25, 8, 7};
    for (size_t k = 0; k < stations.size(); ++k) {
      bool home = k == 0;
      std::vector<const PlanDeputy*> attached;
      for (const PlanDeputy* d : mine)
        if (d->station == stations[k]) attached.push_back(d);
      if (attached.empty()) continue;
      const std::string& place = home ? tp.name : villages[k - 1];
      for (int y = 2025; y <= 2026; ++y)
        for (int m = 1; m <= 12; ++m) {
          if (!home && m % 2 == 0) continue;
          Day day = dayOf(y, m, home ? 10 : 15);
          std::vector<int> who;
          for (int tries = 0; tries < 8 && int(who.size()) < rng_.between(2, 3); ++tries) {
            const PlanDeputy* d = rng_.pick(attached);
            bool serving = d->active || day <= d->leftOn;
            if (serving && std::find(who.begin(), who.end(), d->record) == who.end())
              who.push_back(d->record);
          }
          if (who.empty()) continue;
          if (day > plan_.now) {
            // The coming reception days: the rota.
            if (day <= plan_.now + 40)
              for (int dep : who)
                add(t, kWork, RecordKind::kRotaSlot, {{"date", dateText(day)}, {"slot", "上午"}},
                    {{"deputy", {dep}}, {"station", {stations[k]}}});
            continue;
          }
          int visitors = rng_.between(3, 24);
          int rec = add(t, kWork, RecordKind::kReception,
                        {{"date", dateText(day)},
                         {"title", place + (home ? "代表之家" : "联络站") + num(m) + "月接待日"},
                         {"place", place},
                         {"visitors", num(visitors)}},
                        {{"station", {stations[k]}}, {"deputies", who}});
          for (int i = 0, n = rng_.between(0, 4); i < n; ++i) {
            auto [text, category] = issueText(rng_, place);
            std::string route = routes[rng_.weighted(routeWeights)];
            std::vector<Field> f = {{"text", text},
                                    {"category", category},
                                    {"receivedDate", dateText(day)},
                                    {"route", route},
                                    // personal fields: sealed to this township and the county
                                    {"constituentName", personName(rng_, rng_.chance(0.45))},
                                    {"constituentPhone", mobile(rng_)}};
            std::vector<Ref> refs = {{"reception", {rec}}, {"deputy", {rng_.pick(who)}}};
            Day closed = route == "当场答复" ? day : day + rng_.between(2, 45);
            if (closed <= plan_.now && (route == "当场答复" || rng_.chance(0.85)))
              f.push_back({"closedDate", dateText(closed)});
            if (route == "转为代表建议")
              if (int s = suggestionFor(t, day); s >= 0) refs.push_back({"suggestion", {s}});
            add(t, kIssues, RecordKind::kConstituentIssue, std::move(f), std::move(refs));
          }
        }
    }
  }

  // A suggestion of township t submitted after `day` (the issue it came from).
  int suggestionFor(int t, Day day) {
    for (const auto& s : plan_.suggestions)
      if (s.township == t && s.submitted && s.submitDay > day && s.submitDay <= day + 120)
        return s.record;
    return -1;
  }

  void reportBacks(int t, const std::vector<const PlanDeputy*>& mine) {
    const auto& villages = ctx_.villages[size_t(t)];
    double rate = 0.55 + double(rng_.below(41)) / 100.0;
    for (const PlanDeputy* d : mine) {
      if (!(d->county || d->townshipSeat) || !rng_.chance(rate)) continue;
      // Within the deputy's term, after the first months of it.
      Day from = dayOf(2022, 6, 1);
      if (!d->county) from = std::max(from, plan_.townships[size_t(t)].termStart + 45);
      Day until = d->active ? plan_.now - 3 : d->leftOn;
      if (until <= from) continue;
      // Later years more likely: most deputies report back in the second half of the term.
      Day span = until - from + 1;
      Day when = from + Day(std::max(rng_.below(uint64_t(span)), rng_.below(uint64_t(span))));
      int votes = rng_.between(50, 120);
      int unsatisfied = rng_.between(0, 4), basic = rng_.between(2, 15);
      int satisfied = votes - unsatisfied - basic;
      char rateText[16];
      int64_t basis = (int64_t(votes - unsatisfied) * 100000 / votes + 5) / 10;
      std::snprintf(rateText, sizeof rateText, "%lld.%02lld%%", static_cast<long long>(basis / 100),
                    static_cast<long long>(basis % 100));
      std::string v = rng_.pick(villages);
      add(t, kWork, RecordKind::kReportBack,
          {{"date", dateText(when)},
           {"place", v + "村委会会议室"},
           {"attendees", num(votes)},
           {"votesSatisfied", num(satisfied)},
           {"votesBasic", num(basic)},
           {"votesUnsatisfied", num(unsatisfied)},
           {"satisfaction", rateText}},
          {{"deputy", {d->record}}});
    }
  }

  Plan& plan_;
  Rng& rng_;
  PlanContext ctx_;
  int countyTerm_ = -1;
  std::map<int, std::vector<int>> stations_;
  std::map<int, Day> sessionDay_;
};

}  // namespace

Plan makePlan(const DemoCountyOptions& options) {
  Plan plan;
  plan.options = options;
  plan.now = dayOfMs(options.nowMs);
  plan.year = yearOf(plan.now);
  Rng rng(options.seed);
  Planner(plan, rng).run();
  return plan;
}

}  // namespace renda::app::demo
