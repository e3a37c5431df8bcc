// SPDX-License-Identifier: Apache-2.0
// `renda demo --county`: the demo county's reports match its fixtures (the
// generator's own counts from its plan, app/demo_county.h), through the same
// report functions `renda report` uses and through the real binary; a township
// node gives the same report for itself as the county; the same seed gives the
// same county; a non-empty folder is refused. The regular cases use a small
// county (4 townships: a 镇, a 乡 that answers in 甲乙丙, a 街道 and another
// 镇); the full default county is the hidden case [demo-county-full].
#include "app/demo/demo_county.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "app/cli/cli.h"
#include "app/output/dataset.h"
#include "app/node/privacy.h"
#include "app/output/table_out.h"
#include "core/domain/reports.h"
#include "core/domain/schedule.h"
#include "tests/app/cli_fixtures.h"
#include "tests/storage/store_fixtures.h"

namespace renda::app {
namespace {

constexpr int kSmallTownships = 4;

// Hundredths of a percent, rounded half up, as the county office prints them.
std::string pct(uint64_t n, uint64_t den) {
  if (!den) return "—";
  uint64_t hundredths = (n * 20000 / den + 1) / 2;
  return std::to_string(hundredths / 100) + "." + (hundredths % 100 < 10 ? "0" : "") +
         std::to_string(hundredths % 100) + "%";
}

std::string n(uint64_t v) { return std::to_string(v); }

// A demo county made once per test run and shared by the cases below.
struct Made {
  test::TempDir tmp;
  std::string dir;
  DemoCountySummary summary;
};

// Generated on first use; the folder goes when the test run ends.
const Made& made(int townships) {
  static std::map<int, Made> all;
  Made& m = all[townships];
  if (m.dir.empty()) {
    DemoCountyOptions o;
    o.townships = townships;
    auto r = generateDemoCounty(m.tmp.sub("demo"), o);
    INFO(r.status().toString());
    REQUIRE(r);
    m.summary = std::move(*r);
    m.dir = m.tmp.sub("demo");
  }
  return m;
}

const Made& smallCounty() { return made(kSmallTownships); }

// A node's dataset as `renda report` presents it: personal fields (sealed in
// the store) opened with the node's keys and masked.
domain::Dataset load(const std::string& folder) {
  auto node = Node::open(folder);
  REQUIRE(node);
  auto d = loadDataset((*node)->store());
  REQUIRE(d);
  REQUIRE(presentDataset(*d, **node, false, domain::ReportQuery{}));
  return std::move(*d);
}

domain::Table report(const domain::Dataset& d, const std::string& name, uint64_t nowMs,
                     const std::string& cohort = "", const std::string& township = "") {
  domain::ReportQuery q;
  q.nowMs = nowMs;
  q.cohort = cohort;
  q.township = township;
  auto t = domain::computeReport(name, d, q);
  REQUIRE(t);
  return std::move(*t);
}

// The summary's rows as name -> {value, numerator, denominator}.
std::map<std::string, std::vector<std::string>> rowsByName(const domain::Table& t) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : t.rows) out[r[0]] = {r.begin() + 1, r.end()};
  return out;
}

void checkSummary(const domain::Table& t, const DemoSummaryFacts& f, const std::string& what) {
  INFO("summary of " << what);
  auto rows = rowsByName(t);
  auto count = [&](const std::string& name, uint64_t v) {
    INFO(name);
    REQUIRE(rows.count(name));
    CHECK(rows[name][0] == n(v));
  };
  auto rate = [&](const std::string& name, uint64_t num, uint64_t den) {
    INFO(name);
    REQUIRE(rows.count(name));
    CHECK(rows[name][1] == n(num));
    CHECK(rows[name][2] == n(den));
    CHECK(rows[name][0] == pct(num, den));
  };
  count("登记建议数", f.registered);
  count("交办数", f.assigned);
  count("重点建议数", f.key);
  rate("办复率", f.replied, f.registered);
  rate("按期办结率", f.onTime, f.registered);
  rate("见面率", f.met, f.registered);
  rate("满意率（含基本满意）", f.satisfied + f.basic, f.rated);
  rate("满意率（严格）", f.satisfied, f.rated);
  rate("基本满意率", f.basic, f.rated);
  rate("初次满意率", f.firstOk, f.firstRated);
  rate("办理过程满意率", f.processOk, f.processRated);
  rate("解决率（A类）", f.solvedA, f.registered);
  rate("解决和正在解决率（A+B类）", f.solvedAB, f.registered);
  count("不满意件", f.unsatisfied);
  count("超期未答复", f.overdue);
  count("临期（15天内）", f.nearDeadline);
}

std::vector<DemoDeadlineItem> deadlineRows(const domain::Table& t) {
  std::vector<DemoDeadlineItem> out;
  for (const auto& r : t.rows) out.push_back({r[0], std::stoll(r[5])});
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  return out;
}

// Every report the fixtures cover, against the fixtures.
void checkAgainstFixtures(const Made& m) {
  const DemoCountyTruth& truth = m.summary.truth;
  domain::Dataset d = load(m.dir + "/county");
  const uint64_t now = truth.nowMs;

  SECTION("every planned life-cycle event was applied") {
    size_t events = 0;
    for (const auto& s : d.suggestions)
      for (const auto& e : s.events) {
        INFO(s.number << " " << e.action << ": " << e.reason);
        CHECK(e.applied);
        ++events;
      }
    CHECK(events == m.summary.events);
  }
  SECTION(
      "summary (交办数, 办复率, 按期办结率, 满意率, 初次满意率, 解决率): all, per cohort, per "
      "township") {
    REQUIRE(truth.summaryByCohort.count(""));
    checkSummary(report(d, "summary", now), truth.summaryByCohort.at(""), "every cohort");
    for (const auto& [cohort, f] : truth.summaryByCohort)
      if (!cohort.empty()) checkSummary(report(d, "summary", now, cohort), f, cohort);
    for (const auto& [town, f] : truth.summaryByTownship)
      checkSummary(report(d, "summary", now, "", town), f, town);
    // Cohorts the fixtures know are the ones the reports know.
    std::set<std::string> reported;
    for (const auto& c : domain::cohorts(d)) {
      domain::Table t = report(d, "summary", now, c);
      if (rowsByName(t)["登记建议数"][0] != "0") reported.insert(c);
    }
    std::set<std::string> planned;
    for (const auto& [c, f] : truth.summaryByCohort)
      if (!c.empty()) planned.insert(c);
    CHECK(reported == planned);
  }
  SECTION("outcome distribution") {
    domain::Table t = report(d, "outcomes", now);
    REQUIRE(t.rows.size() == 4);
    uint64_t total = 0;
    for (const auto& [cls, v] : truth.outcomes) total += v;
    for (const auto& r : t.rows) {
      INFO(r[0]);
      uint64_t want = truth.outcomes.count(r[0]) ? truth.outcomes.at(r[0]) : 0;
      CHECK(r[2] == n(want));
      CHECK(r[3] == pct(want, total));
    }
  }
  SECTION("overdue and near-deadline lists") {
    CHECK(deadlineRows(report(d, "overdue", now)) == truth.overdue);
    CHECK(deadlineRows(report(d, "nearDeadline", now)) == truth.nearDeadline);
  }
  SECTION("per-unit table") {
    domain::Table t = report(d, "units", now);
    std::set<std::string> seen;
    for (const auto& r : t.rows) {
      INFO("unit " << r[0]);
      REQUIRE(truth.units.count(r[0]));
      const DemoUnitFacts& u = truth.units.at(r[0]);
      seen.insert(r[0]);
      CHECK(r[1] == n(u.lead));
      CHECK(r[2] == n(u.assisting));
      CHECK(r[3] == n(u.separate));
      CHECK(r[4] == n(u.replied));
      CHECK(r[5] == n(u.onTime));
      CHECK(r[6] == n(u.rated));
      CHECK(r[7] == pct(u.ratedOk, u.rated));
      for (int k = 0; k < 4; ++k) {
        std::string cls(1, char('A' + k));
        CHECK(r[size_t(8 + k)] == n(u.outcomes.count(cls) ? u.outcomes.at(cls) : 0));
      }
      uint64_t all = u.lead + u.assisting + u.separate;
      CHECK(r[12] == pct(u.replied, all));
      CHECK(r[13] == pct(u.outcomes.count("A") ? u.outcomes.at("A") : 0, all));
    }
    CHECK(seen.size() == truth.units.size());
  }
  SECTION("per-township table") {
    domain::Table t = report(d, "townships", now);
    REQUIRE(t.rows.size() == truth.townships.size());
    for (const auto& r : t.rows) {
      INFO("township " << r[0]);
      REQUIRE(truth.townships.count(r[0]));
      const DemoTownshipFacts& f = truth.townships.at(r[0]);
      CHECK(r[1] == n(f.deputies));
      CHECK(r[2] == n(f.suggestions));
      CHECK(r[3] == n(f.closed));
      CHECK(r[4] == pct(f.closed, f.suggestions));
      CHECK(r[5] == n(f.duty));
      CHECK(r[6] == n(f.receptions));
      CHECK(r[7] == n(f.issues));
      CHECK(r[8] == n(f.issuesClosed));
    }
  }
  SECTION("deputy activity rate per month") {
    domain::Table t = report(d, "activity", now);
    REQUIRE(t.rows.size() == 12);
    for (size_t m = 1; m <= 12; ++m) {
      INFO("month " << m);
      const auto& r = t.rows[m - 1];
      CHECK(r[1] == n(truth.activeByMonth[m]));
      CHECK(r[2] == n(truth.deputiesInOffice));
      CHECK(r[3] == pct(truth.activeByMonth[m], truth.deputiesInOffice));
    }
  }
  SECTION("述职率 per township and in all") {
    domain::Table t = report(d, "reportBack", now);
    uint64_t deputies = 0, done = 0;
    for (const auto& r : t.rows) {
      INFO("row " << r[0]);
      if (r[0] == "合计") {
        CHECK(r[1] == n(deputies));
        CHECK(r[2] == n(done));
        CHECK(r[3] == pct(done, deputies));
        continue;
      }
      REQUIRE(truth.townships.count(r[0]));
      const DemoTownshipFacts& f = truth.townships.at(r[0]);
      CHECK(r[1] == n(f.deputies));
      CHECK(r[2] == n(f.reportedBack));
      CHECK(r[3] == pct(f.reportedBack, f.deputies));
      deputies += f.deputies;
      done += f.reportedBack;
    }
    CHECK(deputies == truth.deputiesInOffice);
  }
  SECTION("constituent issues by route") {
    domain::Table t = report(d, "issues", now);
    for (const auto& r : t.rows) {
      if (r[0] == "合计") continue;
      INFO("route " << r[0]);
      REQUIRE(truth.issuesByRoute.count(r[0]));
      const DemoRouteFacts& f = truth.issuesByRoute.at(r[0]);
      CHECK(r[1] == n(f.issues));
      CHECK(r[2] == n(f.closed));
      char avg[32];
      std::snprintf(avg, sizeof avg, "%.1f", double(f.days) / double(f.timed));
      CHECK(r[4] == (f.timed ? std::string(avg) : "—"));
    }
    CHECK(t.rows.size() == truth.issuesByRoute.size() + 1);
  }
  SECTION("the archive's columns add up to the year's records") {
    domain::Table t = report(d, "archive", now);
    CHECK(t.rows.size() == d.deputies.size());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const std::string& col = t.columns[c];
      if (col == "代表" || col == "乡镇" || col == "层级" || col == "述职测评") continue;
      uint64_t sum = 0;
      for (const auto& r : t.rows) sum += std::stoull(r[c]);
      INFO("column " << col);
      if (d.config.isDutyType(col))
        CHECK(sum == (truth.dutyByType.count(col) ? truth.dutyByType.at(col) : 0));
      if (col == "提出建议（领衔）") CHECK(sum == truth.suggestionsLed);
      if (col == "附议") CHECK(sum == truth.cosignatures);
    }
  }
}

TEST_CASE("Demo county: its reports match the generator's fixtures", "[app][demo-county]") {
  const Made& m = smallCounty();
  // The county is varied enough for the comparison to mean something.
  const DemoCountyTruth& truth = m.summary.truth;
  const DemoSummaryFacts& all = truth.summaryByCohort.at("");
  CHECK(all.key > 0);
  CHECK(all.unsatisfied > 0);
  CHECK(all.overdue > 0);
  CHECK(all.nearDeadline > 0);
  CHECK(all.replied > all.onTime);  // some late replies
  CHECK(truth.outcomes.size() >= 3);
  CHECK(truth.summaryByCohort.size() >=
        5);  // all, 2 county sessions, 2026 inter-session, township sessions
  CHECK(m.summary.converged);
  checkAgainstFixtures(m);
}

TEST_CASE("Demo county: every node is real, enrolled, and holds every change",
          "[app][demo-county]") {
  const Made& m = smallCounty();
  const DemoCountySummary& s = m.summary;
  REQUIRE(s.nodes.size() == kSmallTownships + 1);
  std::set<std::string> keys;
  for (const auto& node : s.nodes) {
    INFO(node.folder);
    keys.insert(node.key);
    CHECK(node.digest == s.nodes.front().digest);
    CHECK(node.changesHeld == s.changes);
    auto opened = Node::open(node.folder);
    REQUIRE(opened);
    Node& n = **opened;
    auto self = n.self();
    REQUIRE(self);
    CHECK(self->township == (node.name == "county" ? "" : node.name));
    auto verified = n.store().verify();
    REQUIRE(verified);
    CHECK(verified->problems.empty());
  }
  CHECK(keys.size() == s.nodes.size());
  // Records were written by their own township: each township record's author is that township.
  auto county = Node::open(s.nodes.front().folder);
  REQUIRE(county);
  auto members = (*county)->store().members();
  REQUIRE(members);
  std::map<PublicKey, std::string> townOf;
  for (const auto& mm : *members) townOf[mm.subject] = mm.township;
  auto deputies = (*county)->store().list(RecordKind::kDeputy);
  REQUIRE(deputies);
  for (const auto& r : *deputies) {
    REQUIRE_FALSE(r.scope.empty());
    CHECK(townOf[r.versions.front().author] == r.scope);
  }
}

TEST_CASE("Demo county: a township node and the county give the same township report",
          "[app][demo-county]") {
  const Made& m = smallCounty();
  domain::Dataset county = load(m.dir + "/county");
  for (size_t i = 1; i < m.summary.nodes.size(); ++i) {
    const auto& node = m.summary.nodes[i];
    domain::Dataset own = load(node.folder);
    for (const char* name : {"summary", "suggestions", "townships", "archive", "activity",
                             "reportBack", "issues", "overdue", "units"}) {
      INFO(node.name << " " << name);
      CHECK(tableJson(report(own, name, m.summary.nowMs, "", node.name)) ==
            tableJson(report(county, name, m.summary.nowMs, "", node.name)));
    }
  }
}

TEST_CASE("Demo county: renda report --json on the county node matches the fixtures",
          "[app][demo-county][cli]") {
  const Made& m = smallCounty();
  clitest::Harness h;
  auto at = [&](std::vector<std::string> args) {
    // The harness runs each command a minute after its clock: run it at the demo's now.
    h.advanceClock(m.summary.nowMs - 60000 - h.nowMs());
    args.insert(args.begin(), {"--data", m.dir + "/county"});
    args.push_back("--json");
    clitest::Run r = h.run(args);
    INFO(r.describe());
    REQUIRE(r.code == 0);
    return clitest::parseJson(r.out);
  };
  clitest::JsonValue summary = at({"report", "summary"});
  const DemoSummaryFacts& f = m.summary.truth.summaryByCohort.at("");
  // Counts and rates are JSON numbers (a rate "79.49%" is 79.49).
  std::map<std::string, std::vector<clitest::JsonValue>> rows;
  for (const auto& r : summary["rows"].items) rows[r[0].str] = {r[1], r[2], r[3]};
  auto number = [&](const std::string& row, size_t col) {
    INFO(row << " column " << col);
    REQUIRE(rows.count(row));
    REQUIRE(rows[row][col].type == clitest::JsonValue::kNumber);
    return rows[row][col].number;
  };
  auto rate = [](uint64_t num, uint64_t den) {
    std::string p = pct(num, den);
    return Approx(std::stod(p.substr(0, p.size() - 1))).margin(1e-9);
  };
  CHECK(number("登记建议数", 0) == double(f.registered));
  CHECK(number("交办数", 0) == double(f.assigned));
  CHECK(number("办复率", 1) == double(f.replied));
  CHECK(number("按期办结率", 1) == double(f.onTime));
  CHECK(number("满意率（含基本满意）", 1) == double(f.satisfied + f.basic));
  CHECK(number("满意率（含基本满意）", 2) == double(f.rated));
  CHECK(number("满意率（严格）", 0) == rate(f.satisfied, f.rated));
  CHECK(number("初次满意率", 0) == rate(f.firstOk, f.firstRated));
  CHECK(number("解决率（A类）", 0) == rate(f.solvedA, f.registered));
  CHECK(number("超期未答复", 0) == double(f.overdue));
  CHECK(rows["超期未答复"][1].type == clitest::JsonValue::kNull);
  clitest::JsonValue overdue = at({"report", "overdue"});
  std::vector<DemoDeadlineItem> listed;
  for (const auto& r : overdue["rows"].items)
    listed.push_back({r[0].str, static_cast<int64_t>(r[5].number)});
  std::sort(listed.begin(), listed.end(),
            [](const auto& a, const auto& b) { return a.number < b.number; });
  CHECK(listed == m.summary.truth.overdue);
}

TEST_CASE("Demo county: the same seed gives the same county, another seed another",
          "[app][demo-county]") {
  test::TempDir tmp;
  DemoCountyOptions o;
  o.townships = 2;
  auto a = generateDemoCounty(tmp.sub("a"), o);
  auto b = generateDemoCounty(tmp.sub("b"), o);
  o.seed = 2;
  auto c = generateDemoCounty(tmp.sub("c"), o);
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(a->records == b->records);
  CHECK(a->changes == b->changes);
  domain::Dataset da = load(tmp.sub("a") + "/county"), db = load(tmp.sub("b") + "/county"),
                  dc = load(tmp.sub("c") + "/county");
  // Lists come in record-id order and ids hang on the (fresh) keys, so rows are
  // compared as sets.
  auto content = [&](const domain::Dataset& d, const std::string& name) {
    domain::Table t = report(d, name, a->nowMs);
    std::sort(t.rows.begin(), t.rows.end());
    return tableJson(t);
  };
  size_t same = 0;
  for (const auto& [name, what] : domain::reportNames()) {
    INFO(name);
    CHECK(content(da, name) == content(db, name));
    same += content(da, name) == content(dc, name);
  }
  CHECK(same < domain::reportNames().size());
  // Keys are fresh each time; content is not.
  CHECK(a->nodes.front().key != b->nodes.front().key);
}

TEST_CASE("Demo county: a non-empty folder is refused, and --force replaces only a demo county",
          "[app][demo-county][cli]") {
  clitest::Harness h;
  std::string dir = h.path("county-demo");
  clitest::Run made = h.run({"demo", "--county", "--townships", "1", "--quiet", "--data", dir});
  INFO(made.describe());
  REQUIRE(made.code == 0);
  CHECK_THAT(made.out, Catch::Contains("report summary"));
  CHECK_THAT(made.out, Catch::Contains(dir + "/county"));
  CHECK(std::filesystem::exists(dir + "/township-01-城关镇/data.mdb"));
  clitest::Run again = h.run({"demo", "--county", "--townships", "1", "--data", dir});
  CHECK(again.code == kExitUsage);
  CHECK_THAT(again.err, Catch::Contains("not empty"));
  clitest::Run forced =
      h.run({"demo", "--county", "--townships", "1", "--quiet", "--force", "--data", dir});
  INFO(forced.describe());
  CHECK(forced.code == 0);
  // A folder that is not a demo county is never deleted, even with --force.
  std::string other = h.path("precious");
  std::filesystem::create_directories(other);
  clitest::writeFile(other + "/notes.txt", "keep me");
  clitest::Run refused =
      h.run({"demo", "--county", "--townships", "1", "--force", "--data", other});
  CHECK(refused.code == kExitUsage);
  CHECK_THAT(refused.err, Catch::Contains("left alone"));
  CHECK(clitest::readFile(other + "/notes.txt") == "keep me");
  CHECK(h.run({"demo", "--county", "--townships", "0", "--data", h.path("x")}).code == kExitUsage);
}

// The full default county (15 townships, ≈1,100 deputies, ≈20,000 duty
// records): about half a minute and 1.8 GB of disk, so hidden; run it with
// `app_tests "[demo-county-full]"`.
TEST_CASE("Demo county: the full default county's reports match its fixtures",
          "[.][demo-county-full]") {
  const Made& m = made(15);
  CHECK(m.summary.nodes.size() == 16);
  CHECK(m.summary.truth.deputiesInOffice > 1000);
  CHECK(m.summary.records.at("履职记录") > 18000);
  CHECK(m.summary.records.at("代表建议") > 180);
  checkAgainstFixtures(m);
}

}  // namespace
TEST_CASE("Demo county: personal fields are stored sealed and open on the county",
          "[app][demo-county][privacy]") {
  const Made& m = smallCounty();
  auto node = Node::open(m.dir + "/county");
  REQUIRE(node);
  auto raw = loadDataset((*node)->store());
  REQUIRE(raw);
  REQUIRE(!raw->deputies.empty());
  REQUIRE(!raw->issues.empty());
  for (const auto& d : raw->deputies)
    CHECK(d.get("idNumber").value_or("").rfind("renda-sealed:v1:", 0) == 0);
  for (const auto& i : raw->issues) {
    CHECK(i.get("constituentName").value_or("").rfind("renda-sealed:v1:", 0) == 0);
    CHECK(i.get("constituentPhone").value_or("").rfind("renda-sealed:v1:", 0) == 0);
  }
  domain::Dataset clear = *raw;
  REQUIRE(presentDataset(clear, **node, true, domain::ReportQuery{}));
  for (const auto& d : clear.deputies) {
    std::string id = d.get("idNumber").value_or("");
    CHECK(id.size() == 18);
    CHECK(id.find_first_not_of("0123456789X") == std::string::npos);
  }
  domain::Dataset masked = *raw;
  REQUIRE(presentDataset(masked, **node, false, domain::ReportQuery{}));
  for (size_t i = 0; i < masked.deputies.size(); ++i)
    CHECK(masked.deputies[i].get("idNumber") != clear.deputies[i].get("idNumber"));
}

TEST_CASE("Demo county: every station's reception days can be read", "[app][demo-county]") {
  const Made& m = smallCounty();
  domain::Dataset d = load(m.dir + "/county");
  REQUIRE(!d.stations.empty());
  for (const auto& st : d.stations) {
    INFO(st.get("name").value_or("?"));
    auto s = domain::parseSchedule(st.get("receptionSchedule").value_or(""));
    CHECK(s);
  }
}

}  // namespace renda::app
