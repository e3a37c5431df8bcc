// SPDX-License-Identifier: Apache-2.0
// The demo county's fixtures: what its reports must show, counted from the
// plan — the records' planned fields and the facts the planner kept about each
// suggestion (which units it gave it to, when each replied, how the deputy
// rated it) — with the definitions of domain.md §4.2 written out again here.
// Deliberately independent of core/domain (no fold, no report code): when a
// report and this disagree, one of the two is wrong.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "app/demo/demo_county_plan.h"

namespace renda::app::demo {

namespace {

Day parseDay(const std::string& ymd) {
  if (ymd.size() != 10) return 0;
  return dayOf(std::stoi(ymd.substr(0, 4)), std::stoi(ymd.substr(5, 2)),
               std::stoi(ymd.substr(8, 2)));
}

std::string national(const std::string& scheme, const std::string& code) {
  if (scheme == "甲乙丙") {
    if (code == "甲") return "A";
    if (code == "乙") return "B";
    if (code == "丙") return "C";
    return "";
  }
  return code;
}

// Round 1 is answered when every lead and separate unit still on it has replied.
std::optional<Day> round1Reply(const SuggestionFacts& s) {
  std::optional<Day> last;
  bool any = false;
  for (const auto& u : s.units) {
    if (u.returned || u.role == "assisting") continue;
    any = true;
    if (!u.firstReply) return std::nullopt;
    last = std::max(last.value_or(*u.firstReply), *u.firstReply);
  }
  return any ? last : std::nullopt;
}

Day round1Deadline(const SuggestionFacts& s) {
  return s.round == 1 ? s.deadline : s.round1Deadline;
}

const RatingFacts* finalRating(const SuggestionFacts& s) {
  return s.leadRatings.empty() ? nullptr : &s.leadRatings.back();
}

bool overdue(const SuggestionFacts& s, Day now) { return s.awaiting && now > s.deadline; }
bool nearDeadline(const SuggestionFacts& s, Day now) {
  return s.awaiting && s.deadline >= now && s.deadline - now < 15;
}

void count(DemoSummaryFacts& f, const SuggestionFacts& s, Day now) {
  ++f.registered;
  f.key += s.key;
  f.assigned += s.assigned;
  auto replied = round1Reply(s);
  if (replied) {
    ++f.replied;
    f.onTime += *replied <= round1Deadline(s);
  }
  f.met += s.metDay && (!replied || *s.metDay <= *replied);
  if (const RatingFacts* r = finalRating(s)) {
    ++f.rated;
    f.satisfied += r->result == "satisfied";
    f.basic += r->result == "basic";
    f.unsatisfied += r->result == "unsatisfied";
    if (!r->process.empty()) {
      ++f.processRated;
      f.processOk += r->process != "unsatisfied";
    }
  }
  for (const auto& r : s.leadRatings)
    if (r.round == 1) {
      ++f.firstRated;
      f.firstOk += r.result != "unsatisfied";
    }
  std::string cls = national(s.scheme, s.lastOutcome);
  f.solvedA += cls == "A";
  f.solvedAB += cls == "A" || cls == "B";
  f.overdue += overdue(s, now);
  f.nearDeadline += nearDeadline(s, now);
}

}  // namespace

DemoCountyTruth countTruth(const Plan& plan, const std::vector<std::string>& ids) {
  DemoCountyTruth t;
  t.nowMs = plan.options.nowMs;
  t.year = plan.year;
  const Day now = plan.now;
  auto inYear = [&](Day d) { return yearOf(d) == plan.year; };
  const auto& records = plan.records;
  auto townshipName = [&](int node) { return plan.townships[size_t(node)].name; };

  // Deputies: who is in office; every township gets a row.
  std::set<int> inOffice;
  for (size_t t2 = 1; t2 < plan.townships.size(); ++t2) t.townships[plan.townships[t2].name];
  for (size_t i = 0; i < records.size(); ++i) {
    const PlannedRecord& r = records[i];
    if (r.kind != RecordKind::kDeputy || r.get("status") == "终止") continue;
    inOffice.insert(int(i));
    ++t.townships[r.scope].deputies;
  }
  t.deputiesInOffice = inOffice.size();

  // Suggestions.
  for (const SuggestionFacts& s : plan.suggestions) {
    std::string town = townshipName(s.township);
    DemoTownshipFacts& tf = t.townships[town];
    if (s.registered || s.selfHandled) {
      ++tf.suggestions;
      tf.closed += s.closed || s.selfHandled;
    }
    if (s.submitted && !s.withdrawn && inYear(s.submitDay)) {
      ++t.suggestionsLed;
      t.cosignatures += s.cosigners.size();
    }
    if (overdue(s, now)) t.overdue.push_back({s.number, now - s.deadline});
    if (nearDeadline(s, now)) t.nearDeadline.push_back({s.number, s.deadline - now});
    if (!s.registered || s.withdrawn) continue;
    std::string cohort = "Y";  // (not "Y" + ...: g++ 12 warns falsely on that)
    cohort = s.session >= 0 ? ids[size_t(s.session)] : cohort + std::to_string(yearOf(s.submitDay));
    count(t.summaryByCohort[""], s, now);
    count(t.summaryByCohort[cohort], s, now);
    count(t.summaryByTownship[town], s, now);
    if (std::string cls = national(s.scheme, s.lastOutcome); !cls.empty()) ++t.outcomes[cls];
    // Units: one count per unit and suggestion, by its round-1 role; returned ones not.
    const RatingFacts* rating = finalRating(s);
    for (const UnitFacts& u : s.units) {
      if (u.returned) continue;
      DemoUnitFacts& uf = t.units[records[size_t(u.unit)].get("name")];
      if (u.role == "lead")
        ++uf.lead;
      else if (u.role == "assisting")
        ++uf.assisting;
      else
        ++uf.separate;
      if (u.firstReply) {
        ++uf.replied;
        uf.onTime += *u.firstReply <= round1Deadline(s);
      }
      if (std::string cls = national(s.scheme, u.lastOutcome); !cls.empty()) ++uf.outcomes[cls];
      if (u.role != "assisting" && rating) {
        ++uf.rated;
        uf.ratedOk += rating->result != "unsatisfied";
      }
    }
  }
  auto byNumber = [](const DemoDeadlineItem& a, const DemoDeadlineItem& b) {
    return a.number < b.number;
  };
  std::sort(t.overdue.begin(), t.overdue.end(), byNumber);
  std::sort(t.nearDeadline.begin(), t.nearDeadline.end(), byNumber);

  // Activity per month: any duty record, reception, report-back or submitted suggestion.
  std::vector<std::set<int>> active(13);
  auto mark = [&](int deputy, Day d) {
    if (inOffice.count(deputy) && inYear(d)) active[size_t(monthOf(d))].insert(deputy);
  };
  for (const SuggestionFacts& s : plan.suggestions)
    if (s.submitted && !s.withdrawn) mark(s.lead, s.submitDay);
  for (const PlannedRecord& r : records) {
    if (r.scope.empty()) continue;
    DemoTownshipFacts& tf = t.townships[r.scope];
    switch (r.kind) {
      case RecordKind::kDutyRecord: {
        Day d = parseDay(r.get("date"));
        for (int dep : r.refsOf("deputy")) mark(dep, d);
        if (inYear(d)) {
          ++tf.duty;
          ++t.dutyByType[r.get("type")];
        }
        break;
      }
      case RecordKind::kReception: {
        Day d = parseDay(r.get("date"));
        for (int dep : r.refsOf("deputies")) mark(dep, d);
        tf.receptions += inYear(d);
        break;
      }
      case RecordKind::kReportBack: {
        Day d = parseDay(r.get("date"));
        for (int dep : r.refsOf("deputy")) mark(dep, d);
        break;
      }
      case RecordKind::kConstituentIssue: {
        Day received = parseDay(r.get("receivedDate"));
        if (!inYear(received)) break;
        ++tf.issues;
        const std::string& closed = r.get("closedDate");
        DemoRouteFacts& rf = t.issuesByRoute[r.get("route")];
        ++rf.issues;
        if (!closed.empty()) {
          ++tf.issuesClosed;
          ++rf.closed;
          ++rf.timed;
          Day c = parseDay(closed);
          rf.days += c > received ? uint64_t(c - received) : 0;
        }
        break;
      }
      default:
        break;
    }
  }
  for (int m = 1; m <= 12; ++m) t.activeByMonth[size_t(m)] = active[size_t(m)].size();

  // 述职 (domain.md §2.11: once per term): a deputy in office has reported
  // back when a report-back falls in the current term of one of their
  // mandates — per level, the latest term begun by now. A deputy with no
  // mandate on record (a city or province deputy at a station) is held to the
  // latest term begun by now.
  struct Window {
    Day from = 0, until = 0;
  };
  std::map<int, Window> terms;  // term record -> its days
  std::optional<Window> latest;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind != RecordKind::kTerm) continue;
    Window w{parseDay(records[i].get("startDate")), parseDay(records[i].get("endDate"))};
    terms[int(i)] = w;
    if (w.from <= now && (!latest || w.from > latest->from)) latest = w;
  }
  std::map<int, std::map<std::string, Window>> current;  // deputy -> level -> term
  for (const PlannedRecord& r : records) {
    if (r.kind != RecordKind::kMandate) continue;
    for (int dep : r.refsOf("deputy"))
      for (int term : r.refsOf("term")) {
        const Window& w = terms.at(term);
        auto& slot = current[dep][r.get("level")];
        if (w.from <= now && w.from >= slot.from) slot = w;
      }
  }
  std::set<int> reported;
  for (const PlannedRecord& r : records) {
    if (r.kind != RecordKind::kReportBack) continue;
    Day d = parseDay(r.get("date"));
    for (int dep : r.refsOf("deputy")) {
      std::vector<Window> windows;
      for (const auto& [level, w] : current[dep])
        if (w.from) windows.push_back(w);
      if (windows.empty() && latest) windows.push_back(*latest);
      for (const Window& w : windows)
        if (d >= w.from && d <= w.until) reported.insert(dep);
    }
  }
  for (int dep : reported)
    if (inOffice.count(dep)) ++t.townships[records[size_t(dep)].scope].reportedBack;
  return t;
}

}  // namespace renda::app::demo
