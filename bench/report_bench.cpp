// SPDX-License-Identifier: Apache-2.0
// bench_report: the county office's reports on a county-sized store. Generates
// (seeded) 15 townships, ≈1,100 deputies, ≈200 suggestions spread over their
// life cycle, ≈20,000 duty records, receptions, constituent issues and
// report-backs as real signed changes from 16 device keys (the county office
// and one per township, each introduced by a root-signed certificate), ingests
// them into one store through Store::ingestAt, then times:
//   load      app::loadDataset (every record read from LMDB, suggestions folded)
//   reports   every report of domain::reportNames(), county-wide (target ≤ 100 ms)
//   townships the summary for each township (15 × summary)
//   archive   domain::deputyArchives for every deputy
//   xlsx      `renda export` writers: summary, the suggestion list, and the
//             archive workbook (汇总 + one sheet per deputy); plus its CSV
// With --demo-county it times the same on the demo county instead
// (app::generateDemoCounty, as `renda demo --county` makes it: 16 real nodes
// that exchanged bundles), reading the county office's node; with --data it
// reads an existing node folder (e.g. DIR/county of a demo county).
// Usage: bench_report [--dir DIR] [--seed S] [--reps N] [--keep]
//                     [--demo-county [--townships N]] [--data NODE_FOLDER]
#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/output/dataset.h"
#include "app/demo/demo_county.h"
#include "app/output/export.h"
#include "bench/measure.h"
#include "core/change.h"
#include "core/crypto.h"
#include "core/domain/reports.h"
#include "core/hlc.h"
#include "storage/store.h"

#ifndef RENDA_BUILD_TYPE
#define RENDA_BUILD_TYPE "unknown"
#endif

namespace renda::bench {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_report: %s\n", what.c_str());
  std::exit(3);
}
void check(const Status& s, const char* what) {
  if (!s) die(std::string(what) + ": " + s.toString());
}

uint64_t date(const std::string& ymd) {
  auto d = domain::parseDate(ymd);
  if (!d) die("bad date " + ymd);
  return *d;
}

// --- the generator ------------------------------------------------------------

// One device key signing its chain of changes.
struct Author {
  SecretKey key;
  PublicKey pk;
  uint64_t seq = 0;
  std::optional<ChangeId> prev;
};

class Generator {
 public:
  Generator(uint64_t seed) : rng_(seed), root_(keyFor(0)) {
    network_.bytes.fill(0x5e);
    county_ = author(1);
    emit(county_, certificate(county_, "", Role::kCounty));
    for (size_t t = 0; t < kTownships.size(); ++t) {
      towns_.push_back(author(10 + t));
      emit(towns_.back(), certificate(towns_.back(), kTownships[t], Role::kTownship));
    }
  }

  storage::NetworkInfo info() const { return {network_, root_.publicKey(), "示范县"}; }
  const std::vector<std::string>& envelopes() const { return envelopes_; }
  std::map<std::string, uint64_t> counts;

  void run() {
    Author& c = county_;
    create(c, RecordKind::kTerm, "",
           {{"name", "第十八届"}, {"startDate", "2022-01-01"}, {"endDate", "2026-12-31"}});
    std::string session = create(c, RecordKind::kSession, "", {{"name", "第十八届第五次会议"}});
    for (int u = 0; u < 40; ++u)
      units_.push_back(create(c, RecordKind::kHandlingUnit, "",
                              {{"name", std::string(kUnits[u % kUnits.size()]) +
                                            (u < int(kUnits.size()) ? "" : std::to_string(u))}}));
    // Deputies: 14 townships of 73 and one of 78 (1,100).
    for (size_t t = 0; t < kTownships.size(); ++t) {
      int n = t + 1 == kTownships.size() ? 78 : 73;
      for (int i = 0; i < n; ++i) {
        std::vector<Field> f = {{"name", name()},
                                {"level", pick(5) == 0 ? "县级" : "乡镇级"},
                                {"gender", pick(2) ? "男" : "女"}};
        if (pick(50) == 0) f.push_back({"status", "终止"});
        deputies_.push_back({t, create(towns_[t], RecordKind::kDeputy, kTownships[t], f)});
      }
    }
    const auto& types = domain::Config{}.dutyTypes;
    for (int i = 0; i < 20000; ++i) {
      const auto& [t, dep] = deputies_[pick(deputies_.size())];
      std::string type = types[pick(types.size())];
      create(towns_[t], RecordKind::kDutyRecord, kTownships[t],
             {{"deputy", dep},
              {"type", type},
              {"date", day(pick(10) ? 2026 : 2025)},
              {"title", type + "活动"},
              {"place", std::string(kTownships[t]) + "代表之家"}});
    }
    for (size_t t = 0; t < kTownships.size(); ++t)
      for (int r = 0; r < 40; ++r) {
        std::string deps;
        for (int k = 0, n = 2 + int(pick(3)); k < n; ++k) {
          if (k) deps += ',';
          deps += townDeputy(t);
        }
        std::string when = day(2026);
        std::string rec = create(towns_[t], RecordKind::kReception, kTownships[t],
                                 {{"deputies", deps},
                                  {"date", when},
                                  {"title", "接待选民日"},
                                  {"visitors", std::to_string(3 + pick(18))}});
        for (int k = 0, n = 1 + int(pick(2)); k < n; ++k) {
          std::vector<Field> f = {{"reception", rec},
                                  {"receivedDate", when},
                                  {"route", kRoutes[pick(kRoutes.size())]},
                                  {"text", "群众反映的问题"}};
          if (pick(10) < 7)
            f.push_back(
                {"closedDate", domain::formatDate(date(when) + (1 + pick(30)) * domain::kDayMs)});
          create(towns_[t], RecordKind::kConstituentIssue, kTownships[t], f);
        }
      }
    for (int i = 0; i < 300; ++i) {
      const auto& [t, dep] = deputies_[pick(deputies_.size())];
      create(towns_[t], RecordKind::kReportBack, kTownships[t],
             {{"deputy", dep},
              {"date", day(2024 + int(pick(3)))},
              {"satisfaction", std::to_string(85 + pick(15)) + ".00%"}});
    }
    for (int i = 0; i < 200; ++i) suggestion(i, session);
  }

 private:
  static inline const std::vector<const char*> kTownships = {
      "城关镇", "东风乡", "新华镇", "红旗乡", "青山镇", "白水乡", "石桥镇", "柳河乡",
      "南岭镇", "北坡乡", "西川镇", "龙泉乡", "凤凰镇", "太平乡", "长安镇"};
  static inline const std::vector<const char*> kUnits = {"交通运输局",
                                                         "财政局",
                                                         "水利局",
                                                         "教育局",
                                                         "卫生健康局",
                                                         "住房和城乡建设局",
                                                         "农业农村局",
                                                         "自然资源局",
                                                         "生态环境局",
                                                         "民政局",
                                                         "人力资源和社会保障局",
                                                         "文化和旅游局",
                                                         "公安局",
                                                         "市场监督管理局",
                                                         "应急管理局",
                                                         "供电公司",
                                                         "商务局",
                                                         "林业局",
                                                         "医疗保障局",
                                                         "城市管理局"};
  static inline const std::vector<const char*> kRoutes = {"当场答复", "转村（社区）", "转乡镇人大",
                                                          "转为建议", "转上级代表"};
  static inline const std::vector<const char*> kTopics = {
      "修缮村道",     "增设路灯",     "改善农村饮水", "扩建乡镇卫生院",
      "整治河道",     "加强校车安全", "完善养老服务", "建设农贸市场",
      "治理农村垃圾", "增加公交线路", "改造危旧房屋", "发展特色产业"};

  SecretKey keyFor(uint64_t n) {
    unsigned char seed[crypto_sign_SEEDBYTES] = {};
    std::memcpy(seed, &n, sizeof n);
    seed[31] = 0x77;
    return crypto::signingKeyFromSeed(seed);
  }
  Author author(uint64_t n) {
    Author a{keyFor(n), {}, 0, std::nullopt};
    a.pk = a.key.publicKey();
    return a;
  }
  Change certificate(const Author& a, const std::string& town, Role role) {
    Change c;
    c.op = OpKind::kCertificate;
    c.certificate = makeCertificate(network_, a.pk, root_, town, role, 0, 0, "bench");
    return c;
  }
  uint64_t pick(uint64_t n) { return rng_() % n; }
  std::string name() {
    static const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                     "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"};
    static const char* given[] = {"建国", "秀英", "志强", "丽华", "海燕", "德明", "桂兰", "永红",
                                  "春梅", "国庆", "玉兰", "文杰", "晓东", "红霞", "明辉", "淑珍"};
    return std::string(surnames[pick(20)]) + given[pick(16)];
  }
  std::string day(int year) {
    int month = year == 2026 ? 1 + int(pick(11)) : 1 + int(pick(12));
    char b[16];
    std::snprintf(b, sizeof b, "%04d-%02d-%02d", year, month, 1 + int(pick(28)));
    return b;
  }
  std::string townDeputy(size_t t) {
    for (;;) {
      const auto& [town, dep] = deputies_[pick(deputies_.size())];
      if (town == t) return dep;
    }
  }

  ChangeId emit(Author& a, Change c) {
    c.network = network_;
    c.author = a.pk;
    c.seq = ++a.seq;
    c.prev = a.prev;
    clockMs_ += 1000;
    c.hlc = Hlc::make(clockMs_, 0);
    check(validateChangeShape(c), "a generated change");
    std::string body = encodeChange(c);
    ChangeId id = crypto::changeId(crypto::asBytes(body));
    envelopes_.push_back(signChange(network_, body, a.key));
    a.prev = id;
    ++counts[c.op == OpKind::kCreate   ? "creates"
             : c.op == OpKind::kUpdate ? "events"
                                       : "certificates"];
    return id;
  }
  std::string create(Author& a, RecordKind kind, const std::string& scope, std::vector<Field> f) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = kind;
    c.scope = scope;
    c.fields = std::move(f);
    ChangeId id = emit(a, std::move(c));
    heads_[id] = id;
    return toHex(id);
  }
  void event(Author& a, const ChangeId& record, const std::string& action, std::vector<Field> f) {
    Change c;
    c.op = OpKind::kUpdate;
    c.record = record;
    c.parents = {heads_[record]};
    c.action = action;
    c.fields = std::move(f);
    heads_[record] = emit(a, std::move(c));
  }

  // One suggestion taken to a stage of its life cycle.
  void suggestion(int i, const std::string& session) {
    const auto& [t, lead] = deputies_[pick(deputies_.size())];
    Author& town = towns_[t];
    Author& office = county_;
    bool inSession = pick(10) < 8;
    uint64_t submitted = inSession ? date("2026-01-08") + pick(5) * domain::kDayMs
                                   : date("2026-02-01") + pick(250) * domain::kDayMs;
    std::vector<Field> f = {
        {"title", std::string("关于") + kTopics[pick(kTopics.size())] + "的建议"},
        {"lead", lead},
        {"category", domain::Config{}.categories[pick(6)]},
        {"body", "情况、分析和具体建议。"},
        {"submittedIn", inSession ? "大会期间" : "闭会期间"}};
    if (inSession) f.push_back({"session", session});
    std::string hex = create(town, RecordKind::kSuggestion, kTownships[t], f);
    ChangeId id = *fromHexId(hex);
    auto at = [](uint64_t ms) { return Field{"date", domain::formatDate(ms)}; };
    int stage = int(pick(100));
    if (stage < 2) return;  // a draft
    event(town, id, "submit", {at(submitted)});
    for (int k = 0, n = int(pick(3)); k < n; ++k)
      if (std::string co = townDeputy(t); co != lead)
        event(town, id, "cosign", {{"deputy", co}, at(submitted)});
    if (stage < 5) return event(town, id, "withdraw", {at(submitted + domain::kDayMs)});
    if (stage < 9) return;
    uint64_t registered = submitted + (3 + pick(7)) * domain::kDayMs;
    char number[32];
    std::snprintf(number, sizeof number, "%s-%03d", inSession ? "十八届五次" : "闭会2026", i + 1);
    event(office, id, "register", {{"number", number}, at(registered)});
    if (stage < 14) return;
    uint64_t assigned = registered + (2 + pick(20)) * domain::kDayMs;
    std::string unit = units_[pick(units_.size())];
    event(office, id, "assign", {{"unit", unit}, {"role", "lead"}, at(assigned)});
    std::string helper;
    if (pick(10) < 3) {
      helper = units_[pick(units_.size())];
      if (helper != unit)
        event(office, id, "assign", {{"unit", helper}, {"role", "assisting"}, at(assigned)});
      else
        helper.clear();
    }
    if (stage < 22) return;
    event(office, id, "accept", {{"unit", unit}, at(assigned + domain::kDayMs)});
    if (!helper.empty())
      event(office, id, "accept", {{"unit", helper}, at(assigned + domain::kDayMs)});
    if (pick(2)) event(office, id, "meet", {{"unit", unit}, at(assigned + 10 * domain::kDayMs)});
    if (stage < 42) return;
    uint64_t replied = std::min(assigned + (20 + pick(90)) * domain::kDayMs, date("2026-11-15"));
    if (!helper.empty())
      event(office, id, "reply", {{"unit", helper}, at(replied - domain::kDayMs)});
    static const char* outcomes[] = {"A", "A", "A", "A", "A", "B", "B", "B", "C", "D"};
    event(office, id, "reply", {{"unit", unit}, {"outcome", outcomes[pick(10)]}, at(replied)});
    if (stage < 55) return;
    uint64_t rated = replied + (2 + pick(5)) * domain::kDayMs;
    bool unhappy = stage >= 90;
    static const char* ratings[] = {"满意", "满意", "满意", "基本满意"};
    event(town, id, "evaluate",
          {{"result", unhappy ? "不满意" : ratings[pick(4)]},
           {"process", pick(3) ? "满意" : "基本满意"},
           at(rated)});
    if (unhappy) return event(office, id, "rehandle", {at(rated + domain::kDayMs)});
    event(office, id, "close", {at(rated + domain::kDayMs)});
    if (stage >= 85)
      event(office, id, "carryOver", {{"years", "1"}, at(rated + 2 * domain::kDayMs)});
  }
  static std::optional<ChangeId> fromHexId(const std::string& hex) {
    auto raw = fromHex(hex);
    if (!raw || raw->size() != 32) return std::nullopt;
    ChangeId id;
    std::memcpy(id.bytes.data(), raw->data(), 32);
    return id;
  }

  std::mt19937_64 rng_;
  NetworkId network_;
  SecretKey root_;
  Author county_;
  std::vector<Author> towns_;
  std::vector<std::string> envelopes_, units_;
  std::vector<std::pair<size_t, std::string>> deputies_;  // township index, id
  std::map<ChangeId, ChangeId> heads_;
  uint64_t clockMs_ = date("2026-01-05");
};

// --- the measurements -------------------------------------------------------------

struct Options {
  std::string dir;
  uint64_t seed = 1;
  int reps = 10;
  bool keep = false;
  bool dirGiven = false;
  bool demoCounty = false;
  int townships = 15;
  std::string data;  // an existing node folder to read
};

double fileMb(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? double(st.st_size) / 1e6 : 0;
}

void measure(storage::Store& store, const Options& o, uint64_t nowMs);
int runOn(Options o);

int run(Options o) {
  if (!o.dirGiven) {
    o.dir = scratchDir("bench_report");
    if (o.dir.empty()) die("cannot make a temporary folder");
  }
  std::string when = localTimeText();
  double load[3] = {0, 0, 0};
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
    std::fclose(f);
  }
  std::string source = o.demoCounty ? " --demo-county --townships " + std::to_string(o.townships)
                       : o.data.empty() ? ""
                                        : " --data " + o.data;
  std::printf(
      "== bench_report --seed %llu --reps %d%s%s\n   build %s, %ld cores online, %s, load "
      "average %.2f %.2f %.2f, folder %s\n",
      static_cast<unsigned long long>(o.seed), o.reps, source.c_str(),
      o.dirGiven ? (" --dir " + o.dir).c_str() : "", RENDA_BUILD_TYPE,
      sysconf(_SC_NPROCESSORS_ONLN), when.c_str(), load[0], load[1], load[2],
      o.data.empty() ? o.dir.c_str() : o.data.c_str());
  if (o.demoCounty || !o.data.empty()) return runOn(o);
  std::filesystem::create_directories(o.dir + "/store");

  auto t0 = Clock::now();
  Generator gen(o.seed);
  gen.run();
  double genMs = msSince(t0);
  auto store = storage::Store::open(o.dir + "/store");
  check(store.status(), "open the store");
  check((*store)->setNetwork(gen.info()), "set the network");
  const auto& all = gen.envelopes();
  t0 = Clock::now();
  uint64_t ingestNow = date("2026-11-20");
  for (size_t i = 0; i < all.size(); i += 4096) {
    std::vector<std::string> batch(all.begin() + long(i),
                                   all.begin() + long(std::min(all.size(), i + 4096)));
    auto r = (*store)->ingestAt(batch, ingestNow);
    check(r.status(), "ingest");
    if (r->notApplied) die("a generated change was not applied: " + r->notes.front());
  }
  double ingestMs = msSince(t0);
  std::printf(
      "-- data: %zu signed changes (%llu creates, %llu events, %llu certificates) from 16 keys;\n"
      "   generated and signed in %.0f ms, ingested in %.0f ms (batches of 4096; not part of "
      "any figure below)\n",
      all.size(), static_cast<unsigned long long>(gen.counts["creates"]),
      static_cast<unsigned long long>(gen.counts["events"]),
      static_cast<unsigned long long>(gen.counts["certificates"]), genMs, ingestMs);
  measure(**store, o, date("2026-11-20") + 36000000ull);
  (*store).reset();
  if (!o.keep && !o.dirGiven) std::filesystem::remove_all(o.dir);
  return 0;
}

// Figures (1)-(5) on `store`, with reports as of nowMs.
void measure(storage::Store& storeRef, const Options& o, uint64_t nowMs) {
  storage::Store* store = &storeRef;
  std::vector<double> loads;
  auto t0 = Clock::now();
  auto data = app::loadDataset(*store);
  loads.push_back(msSince(t0));
  check(data.status(), "load the dataset");
  for (int i = 1; i < std::max(3, o.reps / 2); ++i) {
    t0 = Clock::now();
    auto again = app::loadDataset(*store);
    loads.push_back(msSince(t0));
    check(again.status(), "load the dataset");
  }
  const domain::Dataset& d = *data;
  size_t refused = 0;
  std::string why;
  for (const auto& s : d.suggestions)
    for (const auto& e : s.events)
      if (!e.applied && ++refused) why = e.action + ": " + e.reason;
  if (refused)
    die(std::to_string(refused) + " generated life-cycle events were refused, e.g. " + why);
  std::printf(
      "   dataset: %zu deputies, %zu suggestions, %zu duty records, %zu receptions, "
      "%zu issues, %zu report-backs, %zu units\n",
      d.deputies.size(), d.suggestions.size(), d.dutyRecords.size(), d.receptions.size(),
      d.issues.size(), d.reportBacks.size(), d.units.size());
  std::printf("-- (1) loadDataset (LMDB reads + suggestion folds)   median %8.1f ms of %zu\n",
              median(loads), loads.size());

  domain::ReportQuery q{"", "", nowMs, 0};
  // Reports read record fields through Dataset::index() (done by loadDataset);
  // it is timed here with the reports, as the work they need.
  domain::Dataset work = d;
  std::map<std::string, std::vector<double>> per;
  std::vector<double> totals, indexing;
  std::map<std::string, size_t> rows;
  for (int rep = 0; rep < o.reps; ++rep) {
    auto start = Clock::now();
    work.index();
    indexing.push_back(msSince(start));
    for (const auto& [name, what] : domain::reportNames()) {
      auto r0 = Clock::now();
      auto t = domain::computeReport(name, work, q);
      per[name].push_back(msSince(r0));
      check(t.status(), "a report");
      rows[name] = t->rows.size();
    }
    totals.push_back(msSince(start));
  }
  std::printf(
      "-- (2) all %zu county reports, county-wide           median %8.1f ms of %d "
      "(target <= 100 ms)\n",
      domain::reportNames().size(), median(totals), o.reps);
  std::printf("       %-14s %8.2f ms  (Dataset::index(): record fields read once)\n", "index",
              median(indexing));
  for (const auto& [name, what] : domain::reportNames())
    std::printf("       %-14s %8.2f ms  (%zu rows)\n", name.c_str(), median(per[name]), rows[name]);
  domain::Dataset bare = d;
  bare.facts.reset();
  std::vector<double> unindexed;
  for (int rep = 0; rep < std::max(3, o.reps / 2); ++rep) {
    auto start = Clock::now();
    for (const auto& [name, what] : domain::reportNames())
      check(domain::computeReport(name, bare, q).status(), "a report");
    unindexed.push_back(msSince(start));
  }
  std::printf("       (without index(): each report reads the fields itself: median %.1f ms)\n",
              median(unindexed));

  std::vector<double> towns;
  size_t townships = 0;
  for (int rep = 0; rep < o.reps; ++rep) {
    auto start = Clock::now();
    std::vector<std::string> names;
    for (const auto& dep : d.deputies)
      if (std::find(names.begin(), names.end(), dep.scope) == names.end())
        names.push_back(dep.scope);
    townships = names.size();
    for (const auto& town : names) {
      domain::ReportQuery tq = q;
      tq.township = town;
      check(domain::computeReport("summary", d, tq).status(), "a township summary");
    }
    towns.push_back(msSince(start));
  }
  std::printf("-- (3) summary for each of the %zu townships          median %8.1f ms of %d\n",
              townships, median(towns), o.reps);

  std::vector<double> archives;
  std::vector<domain::DeputyArchive> arch;
  for (int rep = 0; rep < std::max(3, o.reps / 2); ++rep) {
    auto start = Clock::now();
    arch = domain::deputyArchives(d, q);
    archives.push_back(msSince(start));
  }
  size_t sugRows = 0, actRows = 0;
  for (const auto& a : arch) {
    sugRows += a.suggestions.rows.size();
    actRows += a.activities.rows.size();
  }
  std::printf(
      "-- (4) per-deputy archive, all %zu deputies         median %8.1f ms of %zu "
      "(%zu suggestion rows, %zu activity rows)\n",
      arch.size(), median(archives), archives.size(), sugRows, actRows);

  auto timeWrite = [&](const char* label, auto write, const std::string& path) {
    std::vector<double> ms;
    for (int rep = 0; rep < 3; ++rep) {
      auto start = Clock::now();
      check(write(), label);
      ms.push_back(msSince(start));
    }
    std::printf("       %-34s median %8.1f ms of 3, %.2f MB\n", label, median(ms), fileMb(path));
  };
  std::printf("-- (5) exports (computing the tables not included)\n");
  auto summary = domain::computeReport("summary", d, q);
  auto list = domain::computeReport("suggestions", d, q);
  auto table = domain::computeReport("archive", d, q);
  check(summary.status(), "summary");
  check(list.status(), "suggestions");
  check(table.status(), "archive");
  std::string f1 = o.dir + "/summary.xlsx", f2 = o.dir + "/suggestions.xlsx",
              f3 = o.dir + "/archive.xlsx", f4 = o.dir + "/archive.csv";
  timeWrite(
      "summary.xlsx",
      [&] {
        return app::writeXlsx(f1, {{summary->title, {&*summary}, false}}, summary->title, q.nowMs);
      },
      f1);
  timeWrite(
      "suggestions.xlsx (the full list)",
      [&] {
        return app::writeXlsx(f2, {{list->title, {&*list}, false}}, list->title, q.nowMs);
      },
      f2);
  timeWrite(
      "archive.xlsx (汇总 + 1 sheet/deputy)",
      [&] {
        std::vector<app::SheetSpec> sheets = {{"汇总", {&*table}, false}};
        for (const auto& a : arch)
          sheets.push_back({a.name, {&a.summary, &a.suggestions, &a.activities}, true});
        return app::writeXlsx(f3, sheets, table->title, q.nowMs);
      },
      f3);
  timeWrite(
      "archive.csv (all deputies)", [&] { return app::writeCsv(f4, *table); }, f4);

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("-- peak RSS %.1f MB\n", double(ru.ru_maxrss) / 1024.0);
}

// The figures on the demo county (made now with --demo-county) or on the node
// folder given with --data.
int runOn(Options o) {
  std::string folder = o.data;
  uint64_t nowMs = app::kDemoCountyNowMs;
  if (o.demoCounty) {
    app::DemoCountyOptions d;
    d.seed = o.seed;
    d.townships = o.townships;
    auto t0 = Clock::now();
    auto made = app::generateDemoCounty(o.dir + "/demo", d);
    double ms = msSince(t0);
    check(made.status(), "make the demo county");
    std::printf("-- data: the demo county, made by app::generateDemoCounty in %.1f s (as `renda demo "
                "--county --seed %llu --townships %d` makes it; not part of any figure below):\n",
                ms / 1000.0, static_cast<unsigned long long>(o.seed), o.townships);
    std::printf("   %zu nodes, %llu changes on each, %llu life-cycle events, %llu bundle files "
                "(%.1f MB), %.0f MB on disk\n   records:",
                made->nodes.size(), static_cast<unsigned long long>(made->changes),
                static_cast<unsigned long long>(made->events),
                static_cast<unsigned long long>(made->bundles), double(made->bundleBytes) / 1e6,
                double(made->folderBytes) / 1e6);
    for (const auto& [kind, n] : made->records)
      std::printf(" %s %llu", kind.c_str(), static_cast<unsigned long long>(n));
    std::printf("\n");
    folder = o.dir + "/demo/county";
    nowMs = made->nowMs;
  }
  std::printf("   reports as of RENDA_NOW_MS=%llu (the demo county's clock); node %s\n",
              static_cast<unsigned long long>(nowMs), folder.c_str());
  {
    auto store = storage::Store::open(folder);
    check(store.status(), "open the node's store");
    measure(**store, o, nowMs);
  }
  if (o.demoCounty && !o.keep && !o.dirGiven) std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace renda::bench

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  renda::bench::Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(1);
      }
      return argv[++i];
    };
    if (a == "--dir") {
      o.dir = next();
      o.dirGiven = true;
    } else if (a == "--seed") {
      o.seed = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--reps") {
      o.reps = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--demo-county") {
      o.demoCounty = true;
    } else if (a == "--townships") {
      o.townships = std::atoi(next().c_str());
    } else if (a == "--data") {
      o.data = next();
    } else {
      std::fprintf(stderr,
                   "usage: bench_report [--dir DIR] [--seed S] [--reps N] [--keep]\n"
                   "                    [--demo-county [--townships N]] [--data NODE_FOLDER]\n");
      return 1;
    }
  }
  return renda::bench::run(o);
}
