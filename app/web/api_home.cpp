// SPDX-License-Identifier: Apache-2.0
// GET /api/home: a township's home page (the county office's: every
// township's): open suggestions by state, the overdue and near-deadline
// ones, this month's duty records and receptions, the sync state (as GET
// /api/sync) and what waits for a person: records in conflict, changes kept
// but not applied, forks (the counts `renda status` shows).
#include <map>

#include "app/i18n/strings.h"
#include "app/output/dataset.h"
#include "app/web/api_ops.h"
#include "app/web/suggestion_item.h"
#include "core/domain/config.h"

namespace renda::app {

namespace {

using domain::SuggestionState;

// States in which a suggestion still waits for someone.
bool open(SuggestionState s) {
  return s != SuggestionState::kClosed && s != SuggestionState::kWithdrawn &&
         s != SuggestionState::kRejected && s != SuggestionState::kSelfHandled &&
         s != SuggestionState::kCarriedOver;
}

// Records of this township (all for the county office) dated this month.
int64_t thisMonth(const std::vector<Record>& records, const std::string& township,
                  const std::string& month) {
  static const std::string kDate = "date";
  int64_t n = 0;
  for (const auto& r : records) {
    if (!township.empty() && r.scope != township) continue;
    // The field read in place: a county holds tens of thousands of these.
    auto date = r.fields.find(kDate);
    if (date != r.fields.end() && !date->second.candidates.empty() &&
        date->second.value().compare(0, month.size(), month) == 0)
      ++n;
  }
  return n;
}

}  // namespace

WebResponse apiHome(ApiCall& call) {
  storage::Store& store = call.node.store();
  auto cached = call.ops->datasets.get(store);
  if (!cached) return statusResponse(cached.status(), i18n::tr("web.err.read-data"));
  const domain::Dataset& data = **cached;
  std::string township;
  if (auto self = call.node.self()) township = self->township;
  uint64_t now = Node::nowMs();
  std::map<std::string, std::string> names = deputyNames(data);
  std::map<std::string, std::string> deputyTownship;  // deputy id -> township
  for (const auto& d : data.deputies) deputyTownship[toHex(d.id)] = d.scope;
  auto ours = [&](const domain::SuggestionView& v) {
    if (township.empty() || v.scope == township) return true;
    auto it = deputyTownship.find(v.lead);
    return it != deputyTownship.end() && it->second == township;
  };
  std::map<SuggestionState, int64_t> byState;
  std::vector<const domain::SuggestionView*> overdue, near;
  for (const auto& v : data.suggestions) {
    if (!ours(v) || !open(v.state)) continue;
    ++byState[v.state];
    if (v.overdue(now)) overdue.push_back(&v);
    else if (v.nearDeadline(now, data.configFor(v).warningDays)) near.push_back(&v);
  }
  auto byDeadline = [](const domain::SuggestionView* a, const domain::SuggestionView* b) {
    return a->deadlineMs < b->deadlineMs;
  };
  std::sort(overdue.begin(), overdue.end(), byDeadline);
  std::sort(near.begin(), near.end(), byDeadline);

  Json j;
  j.beginObject().field("township", township);
  j.key("byState").beginArray();
  for (const auto& [state, n] : byState)
    j.beginObject()
        .field("state", domain::stateName(state))
        .field("label", domain::stateLabel(state))
        .field("count", n)
        .endObject();
  j.endArray().key("overdue").beginArray();
  for (const auto* v : overdue) suggestionItemJson(j, *v, names, now);
  j.endArray().key("nearDeadline").beginArray();
  for (const auto* v : near) suggestionItemJson(j, *v, names, now);
  j.endArray();
  std::string month = formatTime(now).substr(0, 7);  // "2026-12"
  j.key("month").beginObject().field("month", month);
  j.field("duty", thisMonth(data.dutyRecords, township, month));
  j.field("receptions", thisMonth(data.receptions, township, month));
  j.endObject();
  j.key("sync").beginObject();
  if (Status s = syncJson(j, call); !s) return statusResponse(s, i18n::tr("web.err.read-sync"));
  j.endObject();
  auto st = store.status();
  if (!st) return statusResponse(st.status(), i18n::tr("web.err.read-node-state"));
  j.field("conflicts", static_cast<int64_t>(st->conflicts));
  j.field("notApplied", static_cast<int64_t>(st->notApplied));
  j.field("forks", static_cast<int64_t>(st->forks.size()));
  j.field("duplicateNumbers", static_cast<int64_t>(duplicateNumbers(data.suggestions).size()));
  j.endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
