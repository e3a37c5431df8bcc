// SPDX-License-Identifier: Apache-2.0
#include "app/output/suggestion_rows.h"

#include <map>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/output/table_out.h"
#include "core/text.h"

namespace renda::app {

namespace {

constexpr size_t kTitleCodePoints = 24;

bool townshipLevel(const Record& r) {
  std::string level = r.get("level").value_or("");
  return level == "township" || level == "乡镇级" || level == "乡镇";
}

std::string shortened(const std::string& s, size_t codePoints) {
  auto cps = utf8CodePoints(s);
  if (cps.size() <= codePoints) return s;
  std::string out;
  for (size_t i = 0; i + 1 < codePoints; ++i) out += cps[i];
  return out + "…";
}

}  // namespace

Result<std::vector<SuggestionRow>> suggestionRows(storage::Store& store,
                                                  const std::vector<Record>& records,
                                                  uint64_t nowMs) {
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  std::map<std::string, domain::Config> configs;  // by township ("" = county)
  std::map<std::string, std::string> leadNames;   // by the deputy's id
  std::vector<SuggestionRow> out;
  out.reserve(records.size());
  for (const auto& r : records) {
    std::string scope = townshipLevel(r) ? r.scope : "";
    auto cfg = configs.find(scope);
    if (cfg == configs.end()) {
      auto c = configFor(store, scope);
      if (!c) return c.status();
      cfg = configs.emplace(scope, std::move(*c)).first;
    }
    domain::SuggestionView v = domain::foldSuggestion(r, cfg->second, (*members)->lookup());
    SuggestionRow row;
    row.id = r.id;
    row.number = v.number;
    row.title = r.get("title").value_or("");
    row.township = r.scope;
    row.state = v.state;
    row.deadlineMs = v.deadlineMs;
    row.overdue = v.overdue(nowMs);
    std::string lead = r.get("lead").value_or("");
    if (!lead.empty()) {
      auto it = leadNames.find(lead);
      if (it == leadNames.end()) {
        std::string name = lead.substr(0, 12);
        if (auto id = fixedFromHex<RecordId>(lead))
          if (auto d = store.record(*id); d.isOk()) name = d->get("name").value_or(name);
        it = leadNames.emplace(lead, name).first;
      }
      row.lead = it->second;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::string suggestionTable(const std::vector<SuggestionRow>& rows) {
  std::vector<std::vector<std::string>> cells = {
      {i18n::tr("cli.sug.col.number"), i18n::tr("cli.sug.col.title"), i18n::tr("cli.sug.col.lead"),
       i18n::tr("cli.sug.col.state"), i18n::tr("cli.sug.col.deadline")}};
  for (const auto& r : rows) {
    std::string deadline = r.deadlineMs ? domain::formatDate(r.deadlineMs) : "-";
    if (r.overdue) deadline += i18n::tr("cli.sug.overdue");
    std::string number = r.number;
    if (number.empty()) {  // its record number, which the commands take until it has one
      number.assign(1, '[');
      number += toHex(r.id).substr(0, 12);
      number += ']';
    }
    cells.push_back({number,
                     shortened(r.title, kTitleCodePoints), r.lead.empty() ? "-" : r.lead,
                     domain::stateLabel(r.state), deadline});
  }
  std::vector<size_t> width(cells[0].size(), 0);
  for (const auto& row : cells)
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], displayWidth(row[c]));
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - displayWidth(row[c]) + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace renda::app
