// SPDX-License-Identifier: Apache-2.0
#include "app/output/dataset.h"

#include <cstdlib>
#include <map>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/find_record.h"
#include "app/node/record_edits.h"

namespace renda::app {

Result<domain::Dataset> loadDataset(storage::Store& store, std::vector<Record>* suggestionRecords) {
  domain::Dataset d;
  auto settings = store.list(RecordKind::kSettings);
  if (!settings) return settings.status();
  // As configFor(): in id order, the first settings record of a scope wins.
  bool haveCounty = false;
  for (const auto& r : *settings) {
    if (r.scope.empty() && !haveCounty) {
      d.config = domain::Config::fromRecord(r);
      haveCounty = true;
    } else if (!r.scope.empty()) {
      d.townshipConfigs.emplace(r.scope, domain::Config::fromRecord(r));
    }
  }
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  struct {
    RecordKind kind;
    std::vector<Record>* out;
  } lists[] = {
      {RecordKind::kDeputy, &d.deputies},
      {RecordKind::kDutyRecord, &d.dutyRecords},
      {RecordKind::kReception, &d.receptions},
      {RecordKind::kConstituentIssue, &d.issues},
      {RecordKind::kReportBack, &d.reportBacks},
      {RecordKind::kHandlingUnit, &d.units},
      {RecordKind::kTownship, &d.townships},
      {RecordKind::kSession, &d.sessions},
      {RecordKind::kTerm, &d.terms},
      {RecordKind::kStation, &d.stations},
      {RecordKind::kMandate, &d.mandates},
  };
  for (auto& [kind, out] : lists) {
    auto rs = store.list(kind);
    if (!rs) return rs.status();
    *out = std::move(*rs);
  }
  auto sugg = store.list(RecordKind::kSuggestion);
  if (!sugg) return sugg.status();
  d.suggestions.reserve(sugg->size());
  for (const auto& r : *sugg) {
    std::string level = r.get("level").value_or("");
    bool township = level == "township" || level == "乡镇级" || level == "乡镇";
    const domain::Config* cfg = &d.config;
    if (township)
      if (auto it = d.townshipConfigs.find(r.scope); it != d.townshipConfigs.end())
        cfg = &it->second;
    d.suggestions.push_back(domain::foldSuggestion(r, *cfg, (*members)->lookup()));
  }
  // An item that names an inter-session "session" record (type 闭会期间) and
  // says nothing itself was submitted between sessions: its cohort is the year.
  std::map<std::string, bool> interSession;
  for (const auto& r : d.sessions) interSession[toHex(r.id)] = r.get("type") == "闭会期间";
  for (auto& s : d.suggestions)
    if (s.submittedIn.empty() && interSession[s.session]) s.submittedIn = "闭会期间";
  d.index();
  if (suggestionRecords) *suggestionRecords = std::move(*sugg);
  return d;
}

std::vector<Option> reportQueryOptions() {
  return {{"cohort", "SESSION|YEAR|all",
           "a session's number, a year for inter-session items, or all (the default)"},
          {"township", "乡镇名", "only this township"},
          {"year", "YYYY", "the year of duty records and archives"},
          {"reveal", "", "personal fields in clear (where this node may)"}};
}

std::vector<DuplicateNumber> duplicateNumbers(const std::vector<domain::SuggestionView>& suggestions) {
  std::map<std::string, std::vector<const domain::SuggestionView*>> byNumber;
  for (const auto& v : suggestions)
    if (!v.number.empty()) byNumber[plainNumber(v.number)].push_back(&v);
  std::vector<DuplicateNumber> out;
  for (auto& [number, list] : byNumber)
    if (list.size() > 1) out.push_back({number, std::move(list)});
  return out;
}

Result<std::vector<domain::SuggestionView>> registeredSuggestions(storage::Store& store) {
  auto all = store.list(RecordKind::kSuggestion);
  if (!all) return all.status();
  std::vector<domain::SuggestionView> out;
  for (const auto& r : *all) {
    bool registered = false;
    for (const auto& v : r.versions) registered = registered || v.action == "register";
    if (!registered || !r.visible) continue;
    auto view = suggestionView(store, r);
    if (!view) return view.status();
    out.push_back(std::move(*view));
  }
  return out;
}

bool knownTownship(const domain::Dataset& data, const std::string& township) {
  for (const auto& t : data.townships)
    if (t.get("name") == township) return true;
  for (const auto* records : {&data.deputies, &data.units, &data.dutyRecords, &data.issues})
    for (const auto& r : *records)
      if (r.scope == township) return true;
  return false;
}

bool knownTownship(storage::Store& store, const domain::Dataset& data,
                   const std::string& township) {
  return knownTownship(data, township) || checkTownshipKnown(store, township);
}

Result<domain::ReportQuery> reportQueryFrom(const Args& args, storage::Store& store,
                                            const domain::Dataset& data) {
  domain::ReportQuery q;
  q.township = args.get("township").value_or("");
  if (!q.township.empty() && !knownTownship(store, data, q.township))
    return Status::usage(i18n::trf("cli.report.unknown-township", {q.township}));
  q.nowMs = Node::nowMs();
  if (auto y = args.get("year")) {
    char* end = nullptr;
    long year = std::strtol(y->c_str(), &end, 10);
    if (!end || *end || year < 1949 || year > 2200)
      return Status::usage(i18n::trf("cli.report.bad-year", {*y}));
    q.year = static_cast<int>(year);
  }
  auto cohort = args.get("cohort");
  if (!cohort || cohort->empty() || *cohort == "all") return q;  // every cohort
  const std::string& c = *cohort;
  if (c.size() == 4 && c.find_first_not_of("0123456789") == std::string::npos) {
    q.cohort = "Y" + c;
    return q;
  }
  for (const auto& key : domain::cohorts(data))
    if (key == c) {
      q.cohort = c;
      return q;
    }
  for (const auto& s : data.sessions)
    if (s.get("name") == c) {
      q.cohort = toHex(s.id);
      return q;
    }
  if (c.size() == 5 && c[0] == 'Y') {
    q.cohort = c;  // a year with no suggestions yet
    return q;
  }
  auto s = store.findRecord(RecordKind::kSession, c);
  if (!s)
    return Status::usage(i18n::trf("cli.report.bad-cohort", {c, s.status().message()}));
  q.cohort = toHex(*s);
  return q;
}

}  // namespace renda::app
