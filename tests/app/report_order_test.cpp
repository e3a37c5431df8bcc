// SPDX-License-Identifier: Apache-2.0
// Reports are a function of the set of changes, not of their arrival order:
// the changes of a small county (three nodes, with a withdrawal racing a
// registration and a field edited on two nodes) are ingested into fresh stores
// in different causal orders, and every report, in every cohort and township,
// and every per-deputy archive comes out byte-identical.
#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "app/output/dataset.h"
#include "app/output/table_out.h"
#include "core/change.h"
#include "core/crypto.h"
#include "tests/app/report_fixtures.h"

namespace renda::app {
namespace {

using test::ReportCounty;

struct Node {
  std::string envelope;
  std::vector<size_t> needs;  // indices of the changes it depends on
};

// Each change with the earlier changes it depends on: its author's previous
// change, its deps, the record it edits and the versions it follows.
std::vector<Node> dependencyGraph(const std::vector<std::string>& envelopes) {
  std::unordered_map<ChangeId, size_t> at;
  std::vector<Change> changes;
  for (size_t i = 0; i < envelopes.size(); ++i) {
    auto env = decodeEnvelope(crypto::asBytes(envelopes[i]));
    REQUIRE(env);
    auto c = decodeChange(crypto::asBytes(env->body));
    REQUIRE(c);
    at[crypto::changeId(crypto::asBytes(env->body))] = i;
    changes.push_back(std::move(*c));
  }
  std::vector<Node> out(envelopes.size());
  for (size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    out[i].envelope = envelopes[i];
    std::vector<ChangeId> ids = c.deps;
    if (c.prev) ids.push_back(*c.prev);
    if (c.op == OpKind::kUpdate) {
      ids.push_back(c.record);
      ids.insert(ids.end(), c.parents.begin(), c.parents.end());
    }
    for (const auto& id : ids) {
      auto it = at.find(id);
      if (it != at.end()) out[i].needs.push_back(it->second);
    }
  }
  return out;
}

// A random causal order: at each step any change whose dependencies are in.
std::vector<std::string> randomOrder(const std::vector<Node>& graph, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<bool> done(graph.size(), false);
  std::vector<std::string> out;
  while (out.size() < graph.size()) {
    std::vector<size_t> ready;
    for (size_t i = 0; i < graph.size(); ++i) {
      if (done[i]) continue;
      bool ok = true;
      for (size_t n : graph[i].needs) ok = ok && done[n];
      if (ok) ready.push_back(i);
    }
    REQUIRE_FALSE(ready.empty());
    size_t pick = ready[rng() % ready.size()];
    done[pick] = true;
    out.push_back(graph[pick].envelope);
  }
  return out;
}

// Ingests `order` in random-sized batches into a fresh store.
std::unique_ptr<storage::Store> replay(const std::string& dir, const test::County& county,
                                       const std::vector<std::string>& order, uint64_t seed) {
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  auto store = test::openStore(dir, county);
  REQUIRE(store);
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < order.size();) {
    size_t n = std::min<size_t>(1 + rng() % 7, order.size() - i);
    std::vector<std::string> batch(order.begin() + long(i), order.begin() + long(i + n));
    auto r = store->ingest(batch);
    REQUIRE(r);
    REQUIRE(r->notApplied == 0);
    i += n;
  }
  return store;
}

// Every report for every cohort and township, and every deputy archive, as text.
std::map<std::string, std::string> allOutputs(storage::Store& store) {
  auto data = loadDataset(store);
  REQUIRE(data);
  std::vector<std::string> cohorts = domain::cohorts(*data);
  cohorts.push_back("");
  std::map<std::string, std::string> out;
  for (const auto& [name, what] : domain::reportNames())
    for (const auto& cohort : cohorts)
      for (const char* town : {"", "城关镇", "东风乡"}) {
        domain::ReportQuery q{cohort, town, ReportCounty::nowMs(), 0};
        auto t = domain::computeReport(name, *data, q);
        REQUIRE(t);
        out[name + "|" + cohort + "|" + town] = tableJson(*t);
      }
  domain::ReportQuery q{"", "", ReportCounty::nowMs(), 0};
  for (const auto& a : domain::deputyArchives(*data, q))
    out["archive:" + a.deputyId] =
        tableJson(a.summary) + tableJson(a.suggestions) + tableJson(a.activities);
  return out;
}

TEST_CASE("Reports: the same changes in different arrival orders give identical reports",
          "[app][reports]") {
  test::TempDir dir;
  ReportCounty county(dir.path());
  std::vector<std::string> natural = test::allEnvelopes(*county.county.store);
  REQUIRE(natural.size() > 30);
  auto reference = allOutputs(*county.county.store);

  // What the scenario must show, so identical output is not identical emptiness:
  // the registration beat the concurrent withdrawal, so the session has 2 items.
  {
    auto data = loadDataset(*county.county.store);
    REQUIRE(data);
    domain::ReportQuery q{ReportCounty::hex(county.session), "", ReportCounty::nowMs(), 0};
    auto summary = domain::computeReport("summary", *data, q);
    REQUIRE(summary);
    // Intake opens the summary: the withdrawal lost to the registration.
    CHECK(summary->rows[0][0] == "收到建议数");
    CHECK(summary->rows[1] == std::vector<std::string>{"撤回数", "0", "", ""});
    CHECK(summary->rows[3] == std::vector<std::string>{"登记建议数", "2", "", ""});
    CHECK(summary->rows[5][0] == "办结率");
    CHECK(summary->rows[6][0] == "自行办理数");
    CHECK(summary->rows[9] == std::vector<std::string>{"办复率", "50.00%", "1", "2"});
    auto list = domain::computeReport("suggestions", *data, q);
    REQUIRE(list);
    REQUIRE(list->rows.size() == 2);
    CHECK(list->rows[1][0] == "S-002");
    CHECK(list->rows[1][5] == "已登记");
  }

  auto graph = dependencyGraph(natural);
  std::random_device rd;
  const uint64_t seed = (uint64_t(rd()) << 32) | rd();
  INFO("seed " << seed);
  std::cout << "report order test seed " << seed << "\n";
  std::vector<std::vector<std::string>> orders = {natural, randomOrder(graph, seed),
                                                  randomOrder(graph, seed + 1)};
  CHECK(orders[1] != natural);
  auto expectedDigest = county.county.store->digest();
  REQUIRE(expectedDigest);
  for (size_t k = 0; k < orders.size(); ++k) {
    INFO("order " << k);
    auto store = replay(dir.sub("replay" + std::to_string(k)), county.network, orders[k], seed + k);
    auto digest = store->digest();
    REQUIRE(digest);
    CHECK(*digest == *expectedDigest);
    auto outputs = allOutputs(*store);
    REQUIRE(outputs.size() == reference.size());
    for (const auto& [key, json] : reference) {
      INFO(key);
      CHECK(outputs[key] == json);
    }
  }
}

TEST_CASE("Reports: an item naming an inter-session period record counts in its year",
          "[app][reports]") {
  test::TempDir dir;
  ReportCounty county(dir.path());
  auto& c = county.county;
  RecordId period = county.create(c, RecordKind::kSession, "",
                                  {{"name", "2026年闭会期间"}, {"type", "闭会期间"}});
  RecordId item = county.create(c, RecordKind::kSuggestion, "",
                                {{"title", "关于闭会期间的建议"},
                                 {"lead", ReportCounty::hex(county.zhang)},
                                 {"session", ReportCounty::hex(period)}});
  county.event(c, item, "submit", {{"date", "2026-05-01"}});
  auto data = loadDataset(*c.store);
  REQUIRE(data);
  const domain::SuggestionView* view = nullptr;
  for (const auto& s : data->suggestions)
    if (s.id == item) view = &s;
  REQUIRE(view);
  CHECK(domain::cohortOf(*view) == "Y2026");
  CHECK(domain::townshipOf(*data, *view) == "城关镇");
}

}  // namespace
}  // namespace renda::app
