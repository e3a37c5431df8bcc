// SPDX-License-Identifier: Apache-2.0
// The deputy-centric reports: per-township table, the per-deputy yearly
// archive (履职档案, also one DeputyArchive per deputy for the export), the
// monthly activity rate, 述职率 and constituent-issue handling. Record fields
// are read once into DatasetFacts; each report then walks those compact
// vectors, so a county (≈1,100 deputies, ≈20,000 duty records) stays well
// inside the report budget (docs/performance.md).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/domain/report_index.h"
#include "core/hlc.h"

namespace renda::domain {

namespace detail {

namespace {

bool inYear(uint64_t ms, int year) { return ymdOf(ms).year == year; }

uint64_t submittedIn(const SuggestionView& s, int year) {
  if (!s.submittedMs || s.state == SuggestionState::kWithdrawn) return 0;
  return inYear(s.submittedMs, year) ? s.submittedMs : 0;
}

class Interner {
 public:
  explicit Interner(std::vector<std::string>& names) : names_(names) {}
  uint32_t operator()(const std::string& s) {
    auto [it, added] = at_.emplace(s, uint32_t(names_.size()));
    if (added) names_.push_back(s);
    return it->second;
  }

 private:
  std::vector<std::string>& names_;
  std::unordered_map<std::string, uint32_t> at_;
};

// The value of a field, or "" (a reference, not a copy; no allocation).
const std::string& field(const Record& r, const char* name) {
  static const std::string kEmpty;
  auto it = r.fields.find(name);
  return it == r.fields.end() || it->second.candidates.empty() ? kEmpty : it->second.value();
}

uint64_t dateOf(const Record& r, const char* name) {
  const std::string& v = field(r, name);
  if (!v.empty())
    if (auto d = fastDate(v)) return *d;
  return Hlc::millis(r.createdHlc());
}

// Deputies of the query's township (positions in d.deputies), ordered by
// township, name, id.
std::vector<size_t> archiveDeputies(const Index& ix, const ReportQuery& q) {
  const auto& deps = ix.data().deputies;
  std::vector<size_t> out;
  for (size_t i = 0; i < deps.size(); ++i)
    if (q.township.empty() || deps[i].scope == q.township) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](size_t a, size_t b) {
    if (deps[a].scope != deps[b].scope) return deps[a].scope < deps[b].scope;
    const std::string &na = field(deps[a], "name"), &nb = field(deps[b], "name");
    if (na != nb) return na < nb;
    return deps[a].id < deps[b].id;
  });
  return out;
}

// Per-deputy counts for one year, in one pass over each list; row i is
// deputy deps[i].
struct Tally {
  std::vector<std::vector<uint64_t>> byType;  // [row][duty type column]
  std::vector<uint64_t> lead, cosigned, receptions, visitors, issues, issuesClosed, reports;
  std::vector<std::string> reportScore;
};

Tally tally(const Index& ix, const std::vector<size_t>& deps, int year) {
  const Dataset& d = ix.data();
  const DatasetFacts& f = ix.facts();
  size_t n = deps.size();
  Tally t;
  t.byType.assign(n, std::vector<uint64_t>(d.config.dutyTypes.size(), 0));
  for (auto* v :
       {&t.lead, &t.cosigned, &t.receptions, &t.visitors, &t.issues, &t.issuesClosed, &t.reports})
    v->assign(n, 0);
  t.reportScore.assign(n, "");
  std::vector<long> row(d.deputies.size(), -1);
  for (size_t i = 0; i < n; ++i) row[deps[i]] = long(i);
  auto at = [&](int32_t deputy) { return deputy < 0 ? -1 : row[size_t(deputy)]; };
  auto atHex = [&](const std::string& hex) {
    auto it = f.deputyAt.find(hex);
    return it == f.deputyAt.end() ? -1 : at(it->second);
  };
  // Interned type -> column; a type no longer configured counts as 其他.
  std::vector<long> column(f.names.size(), -1);
  long other = -1;
  for (size_t k = 0; k < d.config.dutyTypes.size(); ++k)
    if (d.config.dutyTypes[k] == "其他") other = long(k);
  for (size_t k = 0; k < f.names.size(); ++k) {
    auto it = std::find(d.config.dutyTypes.begin(), d.config.dutyTypes.end(), f.names[k]);
    column[k] = it == d.config.dutyTypes.end() ? other : long(it - d.config.dutyTypes.begin());
  }
  for (const auto& x : f.duty)
    if (long i = at(x.deputy); i >= 0 && column[x.type] >= 0 && inYear(x.dateMs, year))
      ++t.byType[size_t(i)][size_t(column[x.type])];
  for (const auto& s : d.suggestions) {
    if (!submittedIn(s, year)) continue;
    if (long i = atHex(s.lead); i >= 0) ++t.lead[size_t(i)];
    for (const auto& [dep, agreed] : s.cosigners)
      if (long i = atHex(dep); agreed && i >= 0) ++t.cosigned[size_t(i)];
  }
  for (const auto& x : f.receptions) {
    if (!inYear(x.dateMs, year)) continue;
    for (int32_t dep : x.deputies)
      if (long i = at(dep); i >= 0) {
        ++t.receptions[size_t(i)];
        t.visitors[size_t(i)] += x.visitors;
      }
  }
  for (const auto& x : f.issues) {
    if (!inYear(x.receivedMs, year)) continue;
    std::set<long> who;
    if (long i = at(x.deputy); i >= 0) who.insert(i);
    if (x.reception >= 0)
      for (int32_t dep : f.receptions[size_t(x.reception)].deputies)
        if (long i = at(dep); i >= 0) who.insert(i);
    for (long i : who) {
      ++t.issues[size_t(i)];
      t.issuesClosed[size_t(i)] += x.closed;
    }
  }
  std::vector<uint64_t> latest(n, 0);
  for (size_t r = 0; r < f.reportBacks.size(); ++r) {
    const auto& x = f.reportBacks[r];
    long i = at(x.deputy);
    if (i < 0 || !inYear(x.dateMs, year)) continue;
    ++t.reports[size_t(i)];
    if (x.dateMs >= latest[size_t(i)]) {
      latest[size_t(i)] = x.dateMs;
      t.reportScore[size_t(i)] = field(d.reportBacks[r], "satisfaction");
    }
  }
  return t;
}

std::vector<std::string> archiveColumns(const Config& c) {
  std::vector<std::string> cols = {"代表", "乡镇", "层级"};
  for (const auto& type : c.dutyTypes) cols.push_back(type);
  for (const char* x : {"提出建议（领衔）", "附议", "进站接待次数", "接待群众人次", "收集社情民意",
                        "已办结民意", "述职次数", "述职测评", "履职次数合计"})
    cols.push_back(x);
  return cols;
}

std::vector<std::string> archiveRow(const Record& dep, const Tally& t, size_t i) {
  std::vector<std::string> row = {field(dep, "name"), dep.scope, field(dep, "level")};
  uint64_t total = 0;
  for (uint64_t v : t.byType[i]) {
    row.push_back(num(v));
    total += v;
  }
  total += t.lead[i] + t.cosigned[i] + t.receptions[i] + t.reports[i];
  for (uint64_t v : {t.lead[i], t.cosigned[i], t.receptions[i], t.visitors[i], t.issues[i],
                     t.issuesClosed[i], t.reports[i]})
    row.push_back(num(v));
  row.push_back(t.reportScore[i]);
  row.push_back(num(total));
  return row;
}

std::string yearTitle(int year, const char* what) { return std::to_string(year) + "年" + what; }

}  // namespace

std::shared_ptr<const DatasetFacts> buildFacts(const Dataset& d, bool lists) {
  auto f = std::make_shared<DatasetFacts>();
  Interner intern(f->names);
  f->deputyAt.reserve(d.deputies.size());
  for (size_t i = 0; i < d.deputies.size(); ++i) {
    f->deputyHex.push_back(toHex(d.deputies[i].id));
    f->deputyAt.emplace(f->deputyHex.back(), int32_t(i));
    f->deputyActive.push_back(activeDeputy(d.deputies[i]));
  }
  for (const auto& r : d.units) f->units.emplace(toHex(r.id), &r);
  if (!lists) return f;
  auto deputy = [&](const std::string& hex) {
    auto it = f->deputyAt.find(hex);
    return it == f->deputyAt.end() ? -1 : it->second;
  };
  f->duty.reserve(d.dutyRecords.size());
  for (const auto& r : d.dutyRecords)
    f->duty.push_back(
        {deputy(field(r, "deputy")), intern(field(r, "type")), intern(r.scope), dateOf(r, "date")});
  for (size_t i = 0; i < d.receptions.size(); ++i) {
    const Record& r = d.receptions[i];
    f->receptionAt.emplace(toHex(r.id), int32_t(i));
    DatasetFacts::Reception x;
    for (const auto& hex : splitList(field(r, "deputies"))) x.deputies.push_back(deputy(hex));
    x.scope = intern(r.scope);
    x.dateMs = dateOf(r, "date");
    x.visitors = std::strtoull(field(r, "visitors").c_str(), nullptr, 10);
    f->receptions.push_back(std::move(x));
  }
  for (const auto& r : d.issues) {
    DatasetFacts::Issue x;
    x.deputy = deputy(field(r, "deputy"));
    auto rec = f->receptionAt.find(field(r, "reception"));
    x.reception = rec == f->receptionAt.end() ? -1 : rec->second;
    x.scope = intern(r.scope);
    const std::string& route = field(r, "route");
    x.route = intern(route.empty() ? "未分流" : route);
    x.receivedMs = dateOf(r, "receivedDate");
    const std::string& closed = field(r, "closedDate");
    x.closed = !closed.empty();
    x.closedMs = x.closed ? fastDate(closed).value_or(0) : 0;
    f->issues.push_back(x);
  }
  for (const auto& r : d.reportBacks)
    f->reportBacks.push_back({deputy(field(r, "deputy")), dateOf(r, "date")});
  return f;
}

Table townshipsReport(const Index& ix, const ReportQuery& q, int year) {
  const Dataset& d = ix.data();
  const DatasetFacts& f = ix.facts();
  Table t{
      "townships",
      yearTitle(year, "各乡镇汇总"),
      {"乡镇", "代表", "建议（含自行办理）", "已办结（含自行办理）", "办结率（含自行办理）",
       "履职记录", "接待", "社情民意", "已办结民意"},
      {},
      {},
      {0}};
  struct Row {
    uint64_t deputies = 0, sugg = 0, closed = 0, duty = 0, rec = 0, iss = 0, issClosed = 0;
  };
  std::map<std::string, Row> rows;
  for (const auto& r : d.townships)
    if (const std::string& n = field(r, "name"); !n.empty()) rows[n];
  for (size_t i = 0; i < d.deputies.size(); ++i)
    if (!d.deputies[i].scope.empty()) rows[d.deputies[i].scope].deputies += f.deputyActive[i];
  ReportQuery all = q;
  all.township.clear();
  for (const SuggestionView* s : select(ix, all)) {
    bool self = s->state == SuggestionState::kSelfHandled;
    std::string town = ix.townshipOf(*s);
    if (town.empty() || !(registered(*s) || self)) continue;
    Row& r = rows[town];
    ++r.sugg;
    r.closed += s->state == SuggestionState::kClosed || self;
  }
  // Per interned township name, then folded into the map.
  std::vector<Row> byScope(f.names.size());
  for (const auto& x : f.duty) byScope[x.scope].duty += inYear(x.dateMs, year);
  for (const auto& x : f.receptions) byScope[x.scope].rec += inYear(x.dateMs, year);
  for (const auto& x : f.issues)
    if (inYear(x.receivedMs, year)) {
      ++byScope[x.scope].iss;
      byScope[x.scope].issClosed += x.closed;
    }
  for (size_t k = 0; k < byScope.size(); ++k) {
    const Row& x = byScope[k];
    if (f.names[k].empty() || !(x.duty || x.rec || x.iss)) continue;
    Row& r = rows[f.names[k]];
    r.duty += x.duty;
    r.rec += x.rec;
    r.iss += x.iss;
    r.issClosed += x.issClosed;
  }
  for (const auto& [name, r] : rows) {
    if (!q.township.empty() && name != q.township) continue;
    t.rows.push_back({name, num(r.deputies), num(r.sugg), num(r.closed), percent(r.closed, r.sugg),
                      num(r.duty), num(r.rec), num(r.iss), num(r.issClosed)});
  }
  t.notes = {
      "建议按领衔代表所在乡镇、按批次统计（含乡镇自行办理的）；履职记录、接待、社情民意按年度统计；"
      "代表为在任代表。"};
  return t;
}

Table archiveReport(const Index& ix, const ReportQuery& q, int year) {
  const Dataset& d = ix.data();
  Table t{"archive", yearTitle(year, "代表履职档案"), archiveColumns(d.config), {}, {}, {0}};
  auto deps = archiveDeputies(ix, q);
  Tally tl = tally(ix, deps, year);
  for (size_t i = 0; i < deps.size(); ++i) t.rows.push_back(archiveRow(d.deputies[deps[i]], tl, i));
  t.notes = {
      "“提出建议”“附议”由建议记录自动计入（按提交年份，撤回的不计），无需另行填报；"
      "履职类型按本县配置，已不在配置中的类型计入“其他”。",
      "履职次数合计 = 各类履职记录 + 领衔建议 + 附议 + 进站接待 + 述职。"};
  return t;
}

Table activityReport(const Index& ix, const ReportQuery& q, int year) {
  const Dataset& d = ix.data();
  const DatasetFacts& f = ix.facts();
  Table t{"activity",
          yearTitle(year, "代表活跃度"),
          {"月份", "有履职记录的代表", "代表总数", "活跃度"},
          {},
          {},
          {0}};
  std::vector<bool> counted(d.deputies.size(), false);
  size_t total = 0;
  for (size_t i = 0; i < d.deputies.size(); ++i)
    if ((q.township.empty() || d.deputies[i].scope == q.township) && f.deputyActive[i]) {
      counted[i] = true;
      ++total;
    }
  std::vector<std::vector<bool>> active(13, std::vector<bool>(d.deputies.size(), false));
  auto mark = [&](int32_t dep, uint64_t when) {
    if (dep < 0 || !counted[size_t(dep)]) return;
    Ymd ymd = ymdOf(when);
    if (ymd.year == year) active[size_t(ymd.month)][size_t(dep)] = true;
  };
  for (const auto& x : f.duty) mark(x.deputy, x.dateMs);
  for (const auto& x : f.receptions)
    for (int32_t dep : x.deputies) mark(dep, x.dateMs);
  for (const auto& x : f.reportBacks) mark(x.deputy, x.dateMs);
  for (const auto& s : d.suggestions)
    if (s.submittedMs && s.state != SuggestionState::kWithdrawn) {
      auto it = f.deputyAt.find(s.lead);
      if (it != f.deputyAt.end()) mark(it->second, s.submittedMs);
    }
  for (int m = 1; m <= 12; ++m) {
    uint64_t n = std::count(active[size_t(m)].begin(), active[size_t(m)].end(), true);
    char month[16];
    std::snprintf(month, sizeof month, "%d-%02d", year, m);
    t.rows.push_back({month, num(n), num(total), percent(n, total)});
  }
  t.notes = {"活跃度 = 当月有履职记录、接待、述职或提出建议的在任代表 / 在任代表总数。"};
  return t;
}

Table reportBackReport(const Index& ix, const ReportQuery& q) {
  const Dataset& d = ix.data();
  const DatasetFacts& f = ix.facts();
  Table t{"reportBack", "代表述职情况", {"乡镇", "代表", "已述职", "述职率"}, {}, {}, {0}};
  // A term's days; only terms begun by now count.
  struct Window {
    const Record* term = nullptr;
    uint64_t from = 0, until = UINT64_MAX;
  };
  auto windowOf = [&](const Record& r) -> std::optional<Window> {
    auto start = fastDate(field(r, "startDate"));
    if (!start || *start > q.nowMs) return std::nullopt;
    auto end = fastDate(field(r, "endDate"));
    return Window{&r, *start, end ? *end + kDayMs - 1 : UINT64_MAX};
  };
  // For a deputy with no mandate on record: the latest term begun by now.
  std::optional<Window> latest;
  std::unordered_map<std::string, Window> terms;  // hex id -> window
  for (const auto& r : d.terms)
    if (auto w = windowOf(r)) {
      terms.emplace(toHex(r.id), *w);
      if (!latest || w->from > latest->from) latest = w;
    }
  // Each deputy's current terms: per level of their mandates, the latest term
  // begun by now. A county deputy's term is the county congress's, a township
  // deputy's that of their township's congress, which can differ (a township
  // formed by a merger elects its congress later).
  std::vector<std::map<std::string, Window>> current(d.deputies.size());
  for (const auto& m : d.mandates) {
    auto dep = f.deputyAt.find(field(m, "deputy"));
    auto term = terms.find(field(m, "term"));
    if (dep == f.deputyAt.end() || term == terms.end()) continue;
    Window& slot = current[size_t(dep->second)][field(m, "level")];
    if (!slot.term || term->second.from > slot.from) slot = term->second;
  }
  std::vector<bool> reported(d.deputies.size(), false);
  bool byMandate = false, byLatest = false;
  for (const auto& x : f.reportBacks) {
    if (x.deputy < 0) continue;
    const auto& own = current[size_t(x.deputy)];
    if (own.empty()) {
      if (!latest || (x.dateMs >= latest->from && x.dateMs <= latest->until))
        reported[size_t(x.deputy)] = true;
      continue;
    }
    for (const auto& [level, w] : own)
      if (x.dateMs >= w.from && x.dateMs <= w.until) reported[size_t(x.deputy)] = true;
  }
  std::map<std::string, std::pair<uint64_t, uint64_t>> by;
  for (size_t i = 0; i < d.deputies.size(); ++i) {
    const Record& dep = d.deputies[i];
    if ((!q.township.empty() && dep.scope != q.township) || !f.deputyActive[i]) continue;
    auto& [total, done] = by[dep.scope];
    ++total;
    done += reported[i];
    (current[i].empty() ? byLatest : byMandate) = true;
  }
  uint64_t total = 0, done = 0;
  for (const auto& [town, p] : by) {
    t.rows.push_back({town.empty() ? "（县级）" : town, num(p.first), num(p.second),
                      percent(p.second, p.first)});
    total += p.first;
    done += p.second;
  }
  t.rows.push_back({"合计", num(total), num(done), percent(done, total)});
  std::string span =
      latest ? "本届（" + field(*latest->term, "name") + "，" + formatDate(latest->from) + "起）"
             : "全部（未登记届次）";
  if (!byMandate) {
    t.notes = {"述职率 = " + span + "已向原选区选民述职的在任代表 / 在任代表总数。"};
  } else {
    t.notes = {
        "述职率 = 本届已向原选区选民述职的在任代表 / 在任代表总数；“本届”按各代表的代表资格"
        "所在届次计（县级代表按县人大的届次，乡镇级代表按本乡镇人大的届次）。"};
    if (byLatest) t.notes.push_back("没有代表资格记录的代表按最近开始的一届计：" + span + "。");
  }
  return t;
}

Table issuesReport(const Index& ix, const ReportQuery& q, int year) {
  const DatasetFacts& f = ix.facts();
  Table t{"issues",
          yearTitle(year, "社情民意办理"),
          {"去向", "收集", "已办结", "办结率", "平均办理天数"},
          {},
          {},
          {0}};
  struct Row {
    uint64_t n = 0, closed = 0, timed = 0, days = 0;
  };
  std::map<std::string, Row> byRoute;
  Row all;
  for (const auto& x : f.issues) {
    if (!q.township.empty() && ix.name(x.scope) != q.township) continue;
    if (!inYear(x.receivedMs, year)) continue;
    Row& r = byRoute[ix.name(x.route)];
    for (Row* p : {&r, &all}) {
      ++p->n;
      p->closed += x.closed;
      if (x.closedMs) {
        ++p->timed;
        p->days +=
            x.closedMs > x.receivedMs ? uint64_t(dayOf(x.closedMs) - dayOf(x.receivedMs)) : 0;
      }
    }
  }
  auto avg = [](const Row& r) -> std::string {
    if (!r.timed) return "—";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", double(r.days) / double(r.timed));
    return buf;
  };
  for (const auto& [route, r] : byRoute)
    t.rows.push_back({route, num(r.n), num(r.closed), percent(r.closed, r.n), avg(r)});
  t.rows.push_back({"合计", num(all.n), num(all.closed), percent(all.closed, all.n), avg(all)});
  t.notes = {
      "按收到日期所在年度统计；平均办理天数 = 已办结件的（办结日期 − 收到日期）之和 / 其件数"
      "（办结日期不是日期的不计入天数）。"};
  return t;
}

}  // namespace detail

std::vector<DeputyArchive> deputyArchives(const Dataset& d, const ReportQuery& q) {
  using namespace detail;
  int year = q.year ? q.year : ymdOf(q.nowMs).year;
  Index ix(d);
  const DatasetFacts& f = ix.facts();
  auto deps = archiveDeputies(ix, q);
  Tally tl = tally(ix, deps, year);
  std::vector<std::string> cols = archiveColumns(d.config);
  std::vector<std::vector<size_t>> dutyOf(d.deputies.size()), receptionsOf(d.deputies.size()),
      reportsOf(d.deputies.size());
  for (size_t i = 0; i < f.duty.size(); ++i)
    if (f.duty[i].deputy >= 0) dutyOf[size_t(f.duty[i].deputy)].push_back(i);
  for (size_t i = 0; i < f.receptions.size(); ++i)
    for (int32_t dep : f.receptions[i].deputies)
      if (dep >= 0) receptionsOf[size_t(dep)].push_back(i);
  for (size_t i = 0; i < f.reportBacks.size(); ++i)
    if (f.reportBacks[i].deputy >= 0) reportsOf[size_t(f.reportBacks[i].deputy)].push_back(i);
  std::vector<const SuggestionView*> submitted;
  for (const auto& s : d.suggestions)
    if (submittedIn(s, year)) submitted.push_back(&s);
  sortForList(submitted);
  std::vector<std::string> suggestionCols = {"角色"};
  suggestionCols.insert(suggestionCols.end(), suggestionColumns().begin(),
                        suggestionColumns().end());

  std::vector<DeputyArchive> out;
  out.reserve(deps.size());
  for (size_t i = 0; i < deps.size(); ++i) {
    const Record& dep = d.deputies[deps[i]];
    DeputyArchive a;
    a.deputyId = f.deputyHex[deps[i]];
    a.name = field(dep, "name");
    a.township = dep.scope;
    a.summary =
        Table{"archive", yearTitle(year, "履职档案：") + a.name, {"项目", "数值"}, {}, {}, {}};
    auto row = archiveRow(dep, tl, i);
    for (size_t c = 0; c < cols.size(); ++c) a.summary.rows.push_back({cols[c], row[c]});

    a.suggestions =
        Table{"suggestions", yearTitle(year, "提出的建议"), suggestionCols, {}, {}, {1, 2}};
    for (const SuggestionView* s : submitted) {
      std::string role = s->lead == a.deputyId ? "领衔" : "";
      for (const auto& [c, agreed] : s->cosigners)
        if (c == a.deputyId && agreed && role.empty()) role = "附议";
      if (role.empty()) continue;
      auto r = suggestionRow(ix, *s);
      r.insert(r.begin(), role);
      a.suggestions.rows.push_back(std::move(r));
    }

    a.activities = Table{
        "activities", yearTitle(year, "履职记录"), {"日期", "类型", "标题", "地点/说明"}, {}, {},
        {0, 2, 3}};
    std::vector<std::pair<uint64_t, std::vector<std::string>>> acts;
    for (size_t k : dutyOf[deps[i]]) {
      uint64_t when = f.duty[k].dateMs;
      if (!inYear(when, year)) continue;
      const Record& r = d.dutyRecords[k];
      acts.push_back(
          {when, {dayText(when), ix.name(f.duty[k].type), field(r, "title"), field(r, "place")}});
    }
    for (size_t k : receptionsOf[deps[i]]) {
      uint64_t when = f.receptions[k].dateMs;
      if (!inYear(when, year)) continue;
      acts.push_back({when,
                      {dayText(when), "进站接待", field(d.receptions[k], "title"),
                       "接待群众" + num(f.receptions[k].visitors) + "人次"}});
    }
    for (size_t k : reportsOf[deps[i]]) {
      uint64_t when = f.reportBacks[k].dateMs;
      if (!inYear(when, year)) continue;
      const std::string& score = field(d.reportBacks[k], "satisfaction");
      acts.push_back({when,
                      {dayText(when), "述职", field(d.reportBacks[k], "place"),
                       score.empty() ? "" : "测评满意率" + score}});
    }
    std::stable_sort(acts.begin(), acts.end());
    for (auto& [when, r] : acts) a.activities.rows.push_back(std::move(r));
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace renda::domain
