// SPDX-License-Identifier: Apache-2.0
// A small county for the report and export tests, written as real signed
// changes by three real Stores — the county office and two townships (城关镇,
// 东风乡) — that exchange changes at chosen points, so some edits are truly
// concurrent: a withdrawal racing a registration (§3.5) and a field edited on
// two nodes. Header-only; included by tests/app.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/domain/config.h"
#include "tests/storage/store_fixtures.h"

namespace renda::test {

// One node: its store and device key, and a clock that moves a minute per change.
struct ReportNode {
  std::unique_ptr<storage::Store> store;
  SecretKey key;
  uint64_t clockMs = 0;
};

class ReportCounty {
 public:
  // Report time for the scenario: 2026-06-20 10:00 China time.
  static uint64_t nowMs() { return domain::parseDate("2026-06-20").value_or(0) + 36000000ull; }

  // Creates the three stores under `base` and runs the whole scenario.
  explicit ReportCounty(const std::string& base)
      : county(openNode(base + "/county", 101, "", Role::kCounty)),
        chengguan(openNode(base + "/chengguan", 102, "城关镇", Role::kTownship)),
        dongfeng(openNode(base + "/dongfeng", 103, "东风乡", Role::kTownship)) {
    run();
  }

  // Authors a record; returns its id.
  RecordId create(ReportNode& n, RecordKind kind, const std::string& scope,
                  std::vector<Field> fields) {
    storage::LocalEdit e;
    e.op = OpKind::kCreate;
    e.kind = kind;
    e.scope = scope;
    e.fields = std::move(fields);
    return write(n, e);
  }
  // A life-cycle event ("" = a plain field edit).
  void event(ReportNode& n, const RecordId& id, const std::string& action,
             std::vector<Field> fields) {
    storage::LocalEdit e;
    e.op = OpKind::kUpdate;
    e.record = id;
    e.action = action;
    e.fields = std::move(fields);
    write(n, e);
  }
  // Gives `to` every change `from` has that it lacks.
  static void sync(ReportNode& from, ReportNode& to) {
    auto theirs = to.store->versionVector();
    REQUIRE(theirs);
    std::vector<std::string> missing;
    REQUIRE(from.store->forEachMissing(*theirs, [&](std::string_view e) {
      missing.emplace_back(e);
      return Status::ok();
    }));
    if (missing.empty()) return;
    auto r = to.store->ingest(missing);
    REQUIRE(r);
    INFO("not applied: " << r->notApplied);
    REQUIRE(r->notApplied == 0);
  }
  void syncAll() {
    for (int round = 0; round < 2; ++round)
      for (ReportNode* a : {&county, &chengguan, &dongfeng})
        for (ReportNode* b : {&county, &chengguan, &dongfeng})
          if (a != b) sync(*a, *b);
  }
  static std::string hex(const RecordId& id) { return toHex(id); }

  County network;
  ReportNode county, chengguan, dongfeng;
  RecordId session, term, traffic, finance, zhang, li, wang, zhao, itemA, itemB, itemC;

 private:
  ReportNode openNode(const std::string& dir, uint64_t seed, const std::string& town, Role role) {
    REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    ReportNode n;
    n.store = openStore(dir, network);
    REQUIRE(n.store);
    n.key = keyFromSeed(seed);
    REQUIRE(n.store->setDeviceKey(n.key.publicKey()));
    n.clockMs = domain::parseDate("2026-01-05").value_or(0);
    storage::LocalEdit intro;
    intro.op = OpKind::kCertificate;
    intro.certificate = network.certify(n.key.publicKey(), town, role);
    write(n, intro);
    return n;
  }
  RecordId write(ReportNode& n, const storage::LocalEdit& e) {
    n.clockMs += 60000;
    auto id = n.store->author(e, n.key, n.clockMs);
    INFO(id.status().message());
    REQUIRE(id);
    return *id;
  }

  void run() {
    ReportNode& c = county;
    ReportNode& t1 = chengguan;
    ReportNode& t2 = dongfeng;
    session = create(c, RecordKind::kSession, "", {{"name", "第十八届第二次会议"}});
    term = create(c, RecordKind::kTerm, "",
                  {{"name", "第十八届"}, {"startDate", "2023-01-01"}, {"endDate", "2027-12-31"}});
    traffic = create(c, RecordKind::kHandlingUnit, "", {{"name", "交通局"}});
    finance = create(c, RecordKind::kHandlingUnit, "", {{"name", "财政局"}});
    zhang = create(t1, RecordKind::kDeputy, "城关镇", {{"name", "张三"}, {"level", "乡镇级"}});
    li = create(t1, RecordKind::kDeputy, "城关镇", {{"name", "李四"}, {"level", "乡镇级"}});
    wang = create(t2, RecordKind::kDeputy, "东风乡", {{"name", "王五"}, {"level", "乡镇级"}});
    zhao = create(t2, RecordKind::kDeputy, "东风乡", {{"name", "赵六"}, {"status", "终止"}});

    itemA = create(t1, RecordKind::kSuggestion, "城关镇",
                   {{"title", "关于修缮村道的建议"},
                    {"lead", hex(zhang)},
                    {"category", "农业农村"},
                    {"session", hex(session)},
                    {"submittedIn", "大会期间"}});
    event(t1, itemA, "submit", {{"date", "2026-01-10"}});
    event(t1, itemA, "cosign", {{"deputy", hex(li)}, {"date", "2026-01-10"}});
    itemC = create(t1, RecordKind::kSuggestion, "城关镇",
                   {{"title", "关于增设路灯的建议"},
                    {"lead", hex(li)},
                    {"category", "城建环资"},
                    {"session", hex(session)},
                    {"submittedIn", "大会期间"}});
    event(t1, itemC, "submit", {{"date", "2026-01-11"}});
    itemB = create(t2, RecordKind::kSuggestion, "东风乡",
                   {{"title", "关于东风乡学校扩建的建议"},
                    {"lead", hex(wang)},
                    {"category", "教科文卫"},
                    {"session", hex(session)},
                    {"submittedIn", "闭会期间"}});
    event(t2, itemB, "submit", {{"date", "2026-03-01"}});
    syncAll();

    // Concurrent: 城关镇 withdraws C while the county registers it; both nodes
    // set 张三's level.
    event(t1, itemC, "withdraw", {{"date", "2026-01-14"}});
    event(t1, zhang, "", {{"level", "县级"}});
    event(c, zhang, "", {{"level", "乡镇级"}});
    event(c, itemC, "register", {{"number", "S-002"}, {"date", "2026-01-15"}});
    event(c, itemA, "register", {{"number", "S-001"}, {"date", "2026-01-15"}});
    event(c, itemA, "assign",
          {{"unit", hex(traffic)},
           {"role", "lead"},
           {"deadline", "2026-04-20"},
           {"date", "2026-01-20"}});
    event(c, itemA, "accept", {{"unit", hex(traffic)}, {"date", "2026-01-21"}});
    event(c, itemA, "reply", {{"unit", hex(traffic)}, {"outcome", "A"}, {"date", "2026-04-15"}});
    event(c, itemB, "register", {{"number", "B-001"}, {"date", "2026-03-05"}});
    event(c, itemB, "assign",
          {{"unit", hex(finance)},
           {"role", "lead"},
           {"deadline", "2026-06-05"},
           {"date", "2026-03-06"}});
    event(c, itemB, "accept", {{"unit", hex(finance)}, {"date", "2026-03-07"}});
    event(c, itemB, "meet", {{"unit", hex(finance)}, {"date", "2026-03-10"}});
    syncAll();

    event(t1, itemA, "evaluate", {{"result", "满意"}, {"process", "满意"}, {"date", "2026-04-20"}});
    create(
        t1, RecordKind::kDutyRecord, "城关镇",
        {{"deputy", hex(zhang)}, {"type", "视察"}, {"date", "2026-03-10"}, {"title", "视察村道"}});
    create(t1, RecordKind::kDutyRecord, "城关镇",
           {{"deputy", hex(li)}, {"type", "调研"}, {"date", "2026-04-02"}, {"title", "调研路灯"}});
    RecordId reception = create(t1, RecordKind::kReception, "城关镇",
                                {{"deputies", hex(zhang) + "," + hex(li)},
                                 {"date", "2026-04-08"},
                                 {"visitors", "8"},
                                 {"title", "四月接待日"}});
    create(t1, RecordKind::kConstituentIssue, "城关镇",
           {{"reception", hex(reception)},
            {"receivedDate", "2026-04-08"},
            {"route", "答复"},
            {"closedDate", "2026-04-10"}});
    create(t1, RecordKind::kReportBack, "城关镇",
           {{"deputy", hex(zhang)}, {"date", "2026-02-20"}, {"satisfaction", "90.00%"}});
    create(t2, RecordKind::kDutyRecord, "东风乡",
           {{"deputy", hex(wang)},
            {"type", "出席会议"},
            {"date", "2026-01-10"},
            {"title", "县人代会"}});
    create(t2, RecordKind::kConstituentIssue, "东风乡",
           {{"deputy", hex(wang)}, {"receivedDate", "2026-05-01"}, {"route", "转交乡镇"}});
    event(c, itemA, "close", {{"date", "2026-04-25"}});
    syncAll();
  }
};

}  // namespace renda::test
