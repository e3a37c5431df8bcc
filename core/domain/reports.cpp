// SPDX-License-Identifier: Apache-2.0
// The suggestion reports (summary, outcomes, deadline lists, unsatisfied,
// units, the suggestion list), the shared definitions of report_index.h, and
// the public entry points.
#include "core/domain/reports.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/domain/report_index.h"

namespace renda::domain {

namespace detail {

namespace {

constexpr int64_t kCstOffsetMs = 8 * 3600 * 1000;

int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int daysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

int64_t dayOf(uint64_t ms) { return calendarDay(ms); }

Ymd ymdOf(uint64_t ms) {
  int64_t z = dayOf(ms) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Ymd out;
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  out.year = static_cast<int>(yoe + era * 400 + (out.month <= 2));
  return out;
}

std::optional<uint64_t> fastDate(const std::string& s) {
  auto digit = [&](size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return parseDate(s);
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!digit(i)) return parseDate(s);
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1949 || y > 2200 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m))
    return std::nullopt;
  int64_t ms = daysFromCivil(y, m, d) * int64_t(kDayMs) - kCstOffsetMs;
  return ms < 0 ? 0 : static_cast<uint64_t>(ms);
}

std::string dayText(uint64_t ms) {
  Ymd ymd = ymdOf(ms);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
  return buf;
}

std::string num(uint64_t n) { return std::to_string(n); }

const DatasetFacts& Index::facts() const {
  if (!facts_) facts_ = buildFacts(d_);
  return *facts_;
}

const DatasetFacts& Index::lookups() const {
  if (facts_) return *facts_;
  if (!lookups_) lookups_ = buildFacts(d_, false);
  return *lookups_;
}

const Record* Index::deputy(const std::string& hex) const {
  const auto& at = lookups().deputyAt;
  auto it = at.find(hex);
  return it == at.end() ? nullptr : &d_.deputies[size_t(it->second)];
}

std::string Index::deputyName(const std::string& hex) const {
  const Record* r = deputy(hex);
  if (!r) return hex.substr(0, 8);
  return r->get("name").value_or(hex.substr(0, 8));
}

std::string Index::unitName(const std::string& hex) const {
  const auto& units = lookups().units;
  auto it = units.find(hex);
  if (it == units.end()) return hex.substr(0, 8);
  return it->second->get("name").value_or(hex.substr(0, 8));
}

std::string Index::townshipOf(const SuggestionView& s) const {
  if (const Record* lead = deputy(s.lead))
    if (!lead->scope.empty()) return lead->scope;
  return s.scope;
}

std::vector<const SuggestionView*> select(const Index& ix, const ReportQuery& q) {
  std::vector<const SuggestionView*> out;
  for (const auto& s : ix.data().suggestions) {
    if (!q.cohort.empty() && cohortOf(s) != q.cohort) continue;
    if (!q.township.empty() && ix.townshipOf(s) != q.township) continue;
    out.push_back(&s);
  }
  return out;
}

bool registered(const SuggestionView& s) {
  return s.registeredMs > 0 && s.state != SuggestionState::kWithdrawn;
}

bool activeDeputy(const Record& r) {
  auto status = r.get("status").value_or("");
  return status != "终止" && status != "terminated";
}

uint64_t firstRoundDeadline(const SuggestionView& s) {
  return s.round == 1 ? s.deadlineMs : s.round1DeadlineMs;
}

bool onOrBefore(uint64_t atMs, uint64_t deadlineMs) {
  return deadlineMs && dayOf(atMs) <= dayOf(deadlineMs);
}

const EvaluationInfo* finalRating(const SuggestionView& s) {
  for (uint32_t r = s.round; r >= 1; --r)
    if (const EvaluationInfo* e = s.leadEvaluation(r)) return e;
  return nullptr;
}

std::string nationalOf(const Dataset& d, const SuggestionView& s) {
  std::string local = s.outcome();
  if (local.empty()) return "";
  return d.configFor(s).nationalClass(local).value_or("");
}

std::string ratingLabel(const std::string& result) {
  if (result == "satisfied") return "满意";
  if (result == "basic") return "基本满意";
  if (result == "unsatisfied") return "不满意";
  return result;
}

std::string unitsOf(const Index& ix, const SuggestionView& s) {
  std::string out;
  for (const auto& u : s.units)
    if (u.round == s.round && !u.returned) out += (out.empty() ? "" : "、") + ix.unitName(u.unit);
  return out;
}

const std::vector<std::string>& suggestionColumns() {
  static const std::vector<std::string> cols = {"编号", "标题",     "领衔代表", "乡镇",     "类别",
                                                "状态", "承办单位", "期限",     "答复类别", "测评"};
  return cols;
}

std::vector<std::string> suggestionRow(const Index& ix, const SuggestionView& s) {
  std::string outcome = s.outcome();
  if (!outcome.empty()) {
    std::string national = nationalOf(ix.data(), s);
    if (!national.empty() && national != outcome) outcome += "（" + national + "）";
  }
  std::string rating;
  if (const EvaluationInfo* e = finalRating(s)) {
    rating = ratingLabel(e->result);
    if (e->round > 1) rating += "（第" + num(e->round) + "轮）";
  }
  return {s.number,
          s.title,
          ix.deputyName(s.lead),
          ix.townshipOf(s).empty() ? "（县级）" : ix.townshipOf(s),
          s.category,
          stateLabel(s.state),
          unitsOf(ix, s),
          s.deadlineMs ? formatDate(s.deadlineMs) : "",
          outcome,
          rating};
}

void sortForList(std::vector<const SuggestionView*>& list) {
  list.erase(
      std::remove_if(list.begin(), list.end(),
                     [](const SuggestionView* s) { return s->state == SuggestionState::kDraft; }),
      list.end());
  std::stable_sort(list.begin(), list.end(), [](const SuggestionView* a, const SuggestionView* b) {
    bool ra = !a->number.empty(), rb = !b->number.empty();
    if (ra != rb) return ra;
    if (ra && a->number != b->number) return a->number < b->number;
    if (a->createdMs != b->createdMs) return a->createdMs < b->createdMs;
    return a->id < b->id;
  });
}

}  // namespace detail

namespace {

using namespace detail;

Table summary(const Index& ix, const ReportQuery& q) {
  const Dataset& d = ix.data();
  Table t{"summary", "代表建议办理情况汇总", {"指标", "数值", "分子", "分母"}, {}, {}, {}};
  uint64_t n = 0, assigned = 0, replied = 0, onTime = 0, met = 0, rated = 0, sat = 0, basic = 0,
           unsat = 0, firstRated = 0, firstOk = 0, a = 0, ab = 0, late = 0, near = 0, procRated = 0,
           procOk = 0, key = 0, received = 0, withdrawn = 0, rejected = 0, closed = 0,
           selfHandled = 0;
  for (const SuggestionView* s : select(ix, q)) {
    // Intake: every suggestion that reached the office (submitted, whatever came of it).
    if (s->state != SuggestionState::kDraft) ++received;
    if (s->state == SuggestionState::kWithdrawn) ++withdrawn;
    if (s->state == SuggestionState::kRejected) ++rejected;
    if (s->state == SuggestionState::kSelfHandled) ++selfHandled;
    if (!registered(*s)) continue;
    ++n;
    if (s->state == SuggestionState::kClosed) ++closed;
    if (s->key) ++key;
    if (s->assignedMs) ++assigned;
    uint64_t repliedMs = s->firstReplyMs;
    if (repliedMs) {
      ++replied;
      if (onOrBefore(repliedMs, firstRoundDeadline(*s))) ++onTime;
    }
    bool anyMet = false;
    for (const auto& u : s->units)
      if (u.metMs && (!repliedMs || u.metMs <= repliedMs)) anyMet = true;
    if (anyMet) ++met;
    if (const EvaluationInfo* e = finalRating(*s)) {
      ++rated;
      if (e->result == "satisfied")
        ++sat;
      else if (e->result == "basic")
        ++basic;
      else
        ++unsat;
      if (!e->process.empty()) {
        ++procRated;
        if (e->process != "unsatisfied") ++procOk;
      }
    }
    if (const EvaluationInfo* e = s->leadEvaluation(1)) {
      ++firstRated;
      if (e->result != "unsatisfied") ++firstOk;
    }
    std::string cls = nationalOf(d, *s);
    if (cls == "A") ++a;
    if (cls == "A" || cls == "B") ++ab;
    if (s->overdue(q.nowMs)) ++late;
    if (s->nearDeadline(q.nowMs, d.configFor(*s).warningDays)) ++near;
  }
  auto rate = [&](const char* name, uint64_t num_, uint64_t den) {
    t.rows.push_back({name, percent(num_, den), num(num_), num(den)});
  };
  auto count = [&](std::string name, uint64_t v) { t.rows.push_back({name, num(v), "", ""}); };
  // Intake first (what came in and what became of it), then the rates.
  count("收到建议数", received);
  count("撤回数", withdrawn);
  count("不予立案数", rejected);
  count("登记建议数", n);
  count("已办结数", closed);
  rate("办结率", closed, n);
  count("自行办理数", selfHandled);
  count("交办数", assigned);
  count("重点建议数", key);
  rate("办复率", replied, n);
  rate("按期办结率", onTime, n);
  rate("见面率", met, n);
  rate("满意率（含基本满意）", sat + basic, rated);
  rate("满意率（严格）", sat, rated);
  rate("基本满意率", basic, rated);
  rate("初次满意率", firstOk, firstRated);
  rate("办理过程满意率", procOk, procRated);
  rate("解决率（A类）", a, n);
  rate("解决和正在解决率（A+B类）", ab, n);
  count("不满意件", unsat);
  count("超期未答复", late);
  count("临期（" + std::to_string(d.config.warningDays) + "天内）", near);
  t.notes = {
      "收到建议数：已提交的建议（含后来撤回、不予立案、由乡镇人大主席团自行办理的）；收到建议数减"
      "撤回、不予立案、自行办理和登记数，为尚待登记的件数。已办结：状态为办结的登记建议；"
      "办结率 = 已办结数 / 登记建议数。",
      "分母为本批次登记的建议数（撤回、不予立案的不计）；办复以第一轮主办、分办单位全部答复计，"
      "协办意见不计；按期以第一轮期限（含批准延期）当日为限。",
      "见面率：答复前承办单位与代表见面沟通的件数 / 登记数。",
      "满意率以领衔代表最后一轮测评计，分母为已测评件数；初次满意率以第一轮测评计。",
      "答复类别按各自方案映射到全国A/B/C/D。"};
  return t;
}

Table outcomes(const Index& ix, const ReportQuery& q) {
  const Dataset& d = ix.data();
  Table t{"outcomes", "答复类别分布", {"全国类别", "本县代码", "件数", "占比"}, {}, {}, {}};
  std::map<std::string, uint64_t> count;
  uint64_t total = 0;
  for (const SuggestionView* s : select(ix, q)) {
    if (!registered(*s)) continue;
    std::string cls = nationalOf(d, *s);
    if (cls.empty()) continue;
    ++count[cls];
    ++total;
  }
  for (const char* cls : {"A", "B", "C", "D"}) {
    std::string local;
    for (const auto& [l, n] : d.config.outcomeMap)
      if (n == cls) local += (local.empty() ? "" : "/") + l;
    t.rows.push_back({cls, local, num(count[cls]), percent(count[cls], total)});
  }
  t.textColumns = {1};
  t.notes = {"方案：" + d.config.outcomeScheme + "；共 " + num(total) +
             " 件已答复，按最后一次答复的类别计。"};
  return t;
}

Table deadlineList(const Index& ix, const ReportQuery& q, bool overdueList) {
  const Dataset& d = ix.data();
  Table t{overdueList ? "overdue" : "nearDeadline",
          overdueList ? "超期未答复建议" : "临期建议",
          {"编号", "标题", "乡镇", "承办单位", "期限", overdueList ? "超期天数" : "剩余天数"},
          {},
          {},
          {0, 1}};
  for (const SuggestionView* s : select(ix, q)) {
    bool hit =
        overdueList ? s->overdue(q.nowMs) : s->nearDeadline(q.nowMs, d.configFor(*s).warningDays);
    if (!hit) continue;
    int64_t days =
        overdueList ? dayOf(q.nowMs) - dayOf(s->deadlineMs) : dayOf(s->deadlineMs) - dayOf(q.nowMs);
    t.rows.push_back({s->number, s->title, ix.townshipOf(*s), unitsOf(ix, *s),
                      formatDate(s->deadlineMs), num(static_cast<uint64_t>(days))});
  }
  t.notes = {std::string("以当前时间 ") + formatDate(q.nowMs) + " 计；期限当日之内答复不算超期。"};
  return t;
}

Table unsatisfied(const Index& ix, const ReportQuery& q) {
  Table t{"unsatisfied",
          "不满意件",
          {"编号", "标题", "领衔代表", "承办单位", "轮次", "状态", "意见"},
          {},
          {},
          {0, 1}};
  for (const SuggestionView* s : select(ix, q)) {
    if (!registered(*s)) continue;
    const EvaluationInfo* e = finalRating(*s);
    if (!e || e->result != "unsatisfied") continue;
    t.rows.push_back({s->number, s->title, ix.deputyName(s->lead), unitsOf(ix, *s), num(e->round),
                      stateLabel(s->state), e->reason});
  }
  return t;
}

Table units(const Index& ix, const ReportQuery& q) {
  const Dataset& d = ix.data();
  Table t{"units",
          "承办单位办理情况",
          {"承办单位", "主办", "协办", "分办", "已答复", "按期答复", "测评", "满意(含基本)", "A",
           "B", "C", "D", "办复率", "解决率（A类）"},
          {},
          {},
          {0}};
  struct Row {
    uint64_t lead = 0, assist = 0, sep = 0, replied = 0, onTime = 0, rated = 0, ok = 0;
    std::map<std::string, uint64_t> cls;
  };
  std::map<std::string, Row> rows;
  for (const SuggestionView* s : select(ix, q)) {
    if (!registered(*s)) continue;
    std::set<std::string> seen;
    for (const auto& u : s->units) {
      if (u.returned || !seen.insert(u.unit).second) continue;
      Row& r = rows[u.unit];
      if (u.role == "lead")
        ++r.lead;
      else if (u.role == "assisting")
        ++r.assist;
      else
        ++r.sep;
      uint64_t first = 0;
      std::string lastOutcome;
      for (const auto& rep : s->replies) {
        if (rep.unit != u.unit) continue;
        if (rep.round == 1 && (!first || rep.atMs < first)) first = rep.atMs;
        if (!rep.outcome.empty()) lastOutcome = rep.outcome;
      }
      if (first) {
        ++r.replied;
        if (onOrBefore(first, firstRoundDeadline(*s))) ++r.onTime;
      }
      if (auto cls = d.configFor(*s).nationalClass(lastOutcome)) ++r.cls[*cls];
      if (u.role != "assisting")
        if (const EvaluationInfo* e = finalRating(*s)) {
          ++r.rated;
          if (e->result != "unsatisfied") ++r.ok;
        }
    }
  }
  for (auto& [unit, r] : rows) {
    uint64_t all = r.lead + r.assist + r.sep;
    t.rows.push_back({ix.unitName(unit), num(r.lead), num(r.assist), num(r.sep), num(r.replied),
                      num(r.onTime), num(r.rated), percent(r.ok, r.rated), num(r.cls["A"]),
                      num(r.cls["B"]), num(r.cls["C"]), num(r.cls["D"]), percent(r.replied, all),
                      percent(r.cls["A"], all)});
  }
  std::sort(t.rows.begin(), t.rows.end());
  t.notes = {
      "每件建议每个单位计一次（按首次交办的角色）；已答复、按期答复以第一轮计；"
      "测评、满意率只计主办、分办单位；类别按该单位最后一次答复计。",
      "办复率 = 已答复 / 交办该单位的件数（主办+协办+分办）；解决率 = A类 / 交办该单位的件数。"};
  return t;
}

Table suggestionList(const Index& ix, const ReportQuery& q) {
  Table t{"suggestions", "代表建议一览", suggestionColumns(), {}, {}, {0, 1}};
  auto list = select(ix, q);
  sortForList(list);
  for (const SuggestionView* s : list) t.rows.push_back(suggestionRow(ix, *s));
  t.notes = {"草稿不列入；测评为领衔代表最后一轮的测评。"};
  return t;
}

bool cohortBased(const std::string& name) {
  return name == "summary" || name == "outcomes" || name == "unsatisfied" || name == "units" ||
         name == "townships" || name == "suggestions";
}

}  // namespace

const Config& Dataset::configFor(const SuggestionView& s) const {
  if (s.level == "township") {
    auto it = townshipConfigs.find(s.scope);
    if (it != townshipConfigs.end()) return it->second;
  }
  return config;
}

std::string percent(uint64_t n, uint64_t den) {
  if (den == 0) return "—";
  // Hundredths of a percent, rounded half up, in integers.
  uint64_t basis = (n * 100000 / den + 5) / 10;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%02llu%%", static_cast<unsigned long long>(basis / 100),
                static_cast<unsigned long long>(basis % 100));
  return buf;
}

std::string cohortOf(const SuggestionView& s) {
  const std::string& in = s.submittedIn;
  bool interSession = in == "闭会期间" || in == "interSession" || in == "off";
  if (!s.session.empty() && !interSession) return s.session;
  uint64_t when = s.submittedMs ? s.submittedMs : s.createdMs;
  std::string key = "Y";  // (not "Y" + ...: g++ 12 warns falsely on that)
  key += std::to_string(detail::ymdOf(when).year);
  return key;
}

std::string cohortName(const Dataset& d, const std::string& cohort) {
  if (cohort.size() == 5 && cohort[0] == 'Y') return cohort.substr(1) + "年闭会期间";
  for (const auto& s : d.sessions)
    if (toHex(s.id) == cohort) return s.get("name").value_or(cohort.substr(0, 8));
  return cohort;
}

std::vector<std::string> cohorts(const Dataset& d) {
  std::set<std::string> all;
  for (const auto& s : d.suggestions) all.insert(cohortOf(s));
  return {all.begin(), all.end()};
}

std::string currentCohort(const Dataset& d, uint64_t nowMs) {
  const SuggestionView* last = nullptr;
  uint64_t lastMs = 0;
  for (const auto& s : d.suggestions) {
    uint64_t when = s.submittedMs ? s.submittedMs : s.createdMs;
    if (!last || when > lastMs) {
      last = &s;
      lastMs = when;
    }
  }
  if (last) return cohortOf(*last);
  std::string key = "Y";
  key += std::to_string(detail::ymdOf(nowMs).year);
  return key;
}

void Dataset::index() { facts = detail::buildFacts(*this); }

std::string townshipOf(const Dataset& d, const SuggestionView& s) {
  for (const auto& r : d.deputies)
    if (toHex(r.id) == s.lead && !r.scope.empty()) return r.scope;
  return s.scope;
}

const std::vector<std::pair<std::string, std::string>>& reportNames() {
  static const std::vector<std::pair<std::string, std::string>> all = {
      {"summary", "代表建议办理情况汇总（交办数、办复率、按期办结率、见面率、满意率、解决率…）"},
      {"outcomes", "答复类别分布（A/B/C/D）"},
      {"overdue", "超期未答复建议"},
      {"nearDeadline", "临期建议"},
      {"unsatisfied", "不满意件"},
      {"units", "承办单位办理情况"},
      {"suggestions", "代表建议一览（编号、标题、领衔代表、状态、承办单位、答复、测评）"},
      {"townships", "各乡镇汇总"},
      {"archive", "代表履职档案（每位代表一行）"},
      {"activity", "代表活跃度（逐月）"},
      {"reportBack", "代表述职率"},
      {"issues", "社情民意办理（办结率、平均办理天数）"},
      {"issueList", "社情民意一览（反映人等个人信息默认遮蔽，--reveal 显示）"},
      {"roster", "代表名册（身份证号默认遮蔽，--reveal 显示）"},
  };
  return all;
}

Result<Table> computeReport(const std::string& name, const Dataset& d, const ReportQuery& q) {
  int year = q.year ? q.year : detail::ymdOf(q.nowMs).year;
  Index ix(d);
  std::optional<Table> t;
  if (name == "summary")
    t = summary(ix, q);
  else if (name == "outcomes")
    t = outcomes(ix, q);
  else if (name == "overdue")
    t = deadlineList(ix, q, true);
  else if (name == "nearDeadline")
    t = deadlineList(ix, q, false);
  else if (name == "unsatisfied")
    t = unsatisfied(ix, q);
  else if (name == "units")
    t = units(ix, q);
  else if (name == "suggestions")
    t = suggestionList(ix, q);
  else if (name == "townships")
    t = townshipsReport(ix, q, year);
  else if (name == "archive")
    t = archiveReport(ix, q, year);
  else if (name == "activity")
    t = activityReport(ix, q, year);
  else if (name == "reportBack")
    t = reportBackReport(ix, q);
  else if (name == "issues")
    t = issuesReport(ix, q, year);
  else if (name == "issueList")
    t = issueListReport(d, q);
  else if (name == "roster")
    t = rosterReport(d, q);
  else
    return Status::notFound("no report named '" + name + "'; run `renda report` to list them");
  if (!q.cohort.empty())
    t->title += "（" + cohortName(d, q.cohort) + "）";
  else if (cohortBased(name))
    t->title += "（全部批次）";
  if (!q.township.empty()) t->title += "（" + q.township + "）";
  return std::move(*t);
}

}  // namespace renda::domain
