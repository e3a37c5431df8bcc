// SPDX-License-Identifier: Apache-2.0
// What `renda demo --county` says about the county it made: the text printed
// at the end, and the JSON written to DIR/demo-county.json.
#include <cstdio>
#include <filesystem>

#include "app/cli/cli.h"
#include "app/demo/demo_county.h"
#include "app/demo/demo_county_plan.h"
#include "app/output/json.h"
#include "app/output/table_out.h"

namespace renda::app {

namespace {

namespace fs = std::filesystem;

void summaryJson(Json& j, const DemoSummaryFacts& f) {
  j.beginObject()
      .field("registered", int64_t(f.registered))
      .field("assigned", int64_t(f.assigned))
      .field("key", int64_t(f.key))
      .field("replied", int64_t(f.replied))
      .field("onTime", int64_t(f.onTime))
      .field("met", int64_t(f.met))
      .field("rated", int64_t(f.rated))
      .field("satisfied", int64_t(f.satisfied))
      .field("basic", int64_t(f.basic))
      .field("unsatisfied", int64_t(f.unsatisfied))
      .field("firstRated", int64_t(f.firstRated))
      .field("firstOk", int64_t(f.firstOk))
      .field("processRated", int64_t(f.processRated))
      .field("processOk", int64_t(f.processOk))
      .field("solvedA", int64_t(f.solvedA))
      .field("solvedAB", int64_t(f.solvedAB))
      .field("overdue", int64_t(f.overdue))
      .field("nearDeadline", int64_t(f.nearDeadline))
      .endObject();
}

}  // namespace

std::string demoCountyJson(const DemoCountySummary& s) {
  const DemoCountyTruth& t = s.truth;
  Json j;
  j.beginObject()
      .field("what", "renda demo --county")
      .key("complete")
      .boolean(s.converged)
      .field("county", s.countyName)
      .field("seed", int64_t(s.seed))
      .field("townships", int64_t(s.nodes.size() - 1))
      .field("nowMs", int64_t(s.nowMs))
      .field("changes", int64_t(s.changes))
      .field("digest", s.nodes.front().digest);
  j.key("nodes").beginArray();
  for (const auto& n : s.nodes)
    j.beginObject()
        .field("name", n.name)
        .field("folder", fs::path(n.folder).filename().string())
        .field("key", n.key)
        .endObject();
  j.endArray();
  j.key("records").beginObject();
  for (const auto& [k, v] : s.records) j.field(k, int64_t(v));
  j.endObject();
  // The fixtures: what the county's reports must show (see demo_county.h).
  j.key("fixtures").beginObject();
  j.field("year", int64_t(t.year));
  j.key("summaryByCohort").beginObject();
  for (const auto& [k, f] : t.summaryByCohort) {
    j.key(k.empty() ? "all" : k);
    summaryJson(j, f);
  }
  j.endObject();
  j.key("summaryByTownship").beginObject();
  for (const auto& [k, f] : t.summaryByTownship) {
    j.key(k);
    summaryJson(j, f);
  }
  j.endObject();
  j.key("outcomes").beginObject();
  for (const auto& [k, v] : t.outcomes) j.field(k, int64_t(v));
  j.endObject();
  for (const auto* list : {&t.overdue, &t.nearDeadline}) {
    j.key(list == &t.overdue ? "overdue" : "nearDeadline").beginArray();
    for (const auto& x : *list)
      j.beginObject().field("number", x.number).field("days", x.days).endObject();
    j.endArray();
  }
  j.key("units").beginObject();
  for (const auto& [name, u] : t.units) {
    j.key(name)
        .beginObject()
        .field("lead", int64_t(u.lead))
        .field("assisting", int64_t(u.assisting))
        .field("separate", int64_t(u.separate))
        .field("replied", int64_t(u.replied))
        .field("onTime", int64_t(u.onTime))
        .field("rated", int64_t(u.rated))
        .field("ratedOk", int64_t(u.ratedOk));
    for (const auto& [cls, v] : u.outcomes) j.field(cls, int64_t(v));
    j.endObject();
  }
  j.endObject();
  j.key("townships").beginObject();
  for (const auto& [name, x] : t.townships)
    j.key(name)
        .beginObject()
        .field("deputies", int64_t(x.deputies))
        .field("suggestions", int64_t(x.suggestions))
        .field("closed", int64_t(x.closed))
        .field("duty", int64_t(x.duty))
        .field("receptions", int64_t(x.receptions))
        .field("issues", int64_t(x.issues))
        .field("issuesClosed", int64_t(x.issuesClosed))
        .field("reportedBack", int64_t(x.reportedBack))
        .endObject();
  j.endObject();
  j.key("activeByMonth").beginArray();
  for (int m = 1; m <= 12; ++m) j.num(int64_t(t.activeByMonth[size_t(m)]));
  j.endArray();
  j.field("deputiesInOffice", int64_t(t.deputiesInOffice));
  j.key("issuesByRoute").beginObject();
  for (const auto& [route, r] : t.issuesByRoute)
    j.key(route)
        .beginObject()
        .field("issues", int64_t(r.issues))
        .field("closed", int64_t(r.closed))
        .field("days", int64_t(r.days))
        .endObject();
  j.endObject();
  j.key("dutyByType").beginObject();
  for (const auto& [type, v] : t.dutyByType) j.field(type, int64_t(v));
  j.endObject();
  j.field("suggestionsLed", int64_t(t.suggestionsLed));
  j.field("cosignatures", int64_t(t.cosignatures));
  j.endObject().endObject();
  return j.text();
}

std::string describeDemoCounty(const DemoCountySummary& s) {
  std::string out;
  char line[512];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out += line;
  };
  add("Made the demo county %s in %s (seed %llu) in %.1f s:\n", s.countyName.c_str(), s.dir.c_str(),
      static_cast<unsigned long long>(s.seed), s.seconds);
  add("  %zu nodes, each with its own device key, enrolled by the county office:\n",
      s.nodes.size());
  auto pad = [](const std::string& text, size_t columns) {
    size_t w = displayWidth(text);
    return w >= columns ? text : text + std::string(columns - w, ' ');
  };
  for (const auto& n : s.nodes)
    add("    %s %s key %s  wrote %6llu changes\n", pad(n.name, 10).c_str(),
        pad(fs::path(n.folder).filename().string(), 24).c_str(), n.key.substr(0, 8).c_str(),
        static_cast<unsigned long long>(n.changesAuthored));
  out += "  records written:";
  int k = 0;
  for (const auto& [kind, n] : s.records)
    add("%s %s %llu", k++ % 6 == 0 ? "\n   " : ",", kind.c_str(),
        static_cast<unsigned long long>(n));
  add("\n  %llu life-cycle events; suggestions now:", static_cast<unsigned long long>(s.events));
  k = 0;
  for (const auto& [state, n] : s.suggestionStates)
    add("%s %s %llu", k++ % 7 == 0 ? "\n   " : ",", state.c_str(),
        static_cast<unsigned long long>(n));
  add("\n  changes travelled in %llu bundle files (%llu changes, %.1f MB) over %llu rounds of "
      "USB trips\n",
      static_cast<unsigned long long>(s.bundles), static_cast<unsigned long long>(s.bundleChanges),
      double(s.bundleBytes) / 1e6, static_cast<unsigned long long>(s.syncRounds));
  add("  every node holds all %llu changes; digest %s on %s\n",
      static_cast<unsigned long long>(s.changes), s.nodes.front().digest.c_str(),
      s.converged ? "every node" : "THE COUNTY ONLY (the nodes differ: a bug)");
  add("  %.0f MB on disk; what was made and the report fixtures: %s/%s\n",
      double(s.folderBytes) / 1e6, s.dir.c_str(), "demo-county.json");
  int64_t chinaMinutes = (int64_t(s.nowMs) + 8 * 3600 * 1000) / 60000 % (24 * 60);
  add("\nThe demo's clock stands at %s %02d:%02d China time: deadlines, overdue and near-deadline\n"
      "lists count from it, so give it to the reports as RENDA_NOW_MS. Try:\n",
      demo::dateText(demo::dayOfMs(s.nowMs)).c_str(), int(chinaMinutes / 60),
      int(chinaMinutes % 60));
  std::string county = s.dir + "/county";
  add("  RENDA_NOW_MS=%llu renda --data %s report summary\n",
      static_cast<unsigned long long>(s.nowMs), county.c_str());
  add("  RENDA_NOW_MS=%llu renda --data %s report overdue\n",
      static_cast<unsigned long long>(s.nowMs), county.c_str());
  add("  renda --data %s report units\n", county.c_str());
  add("  renda --data %s export archive -o archive.xlsx\n", county.c_str());
  if (s.nodes.size() > 1) add("  renda --data %s deputy list\n", s.nodes[1].folder.c_str());
  return out;
}

}  // namespace renda::app
