// SPDX-License-Identifier: Apache-2.0
// `renda demo`: a county office and two townships, each a real node with its
// own store and key, edit records offline and exchange bundles as a clerk
// would with a USB stick. Every step runs the same code as the real commands.
// `renda demo --county`: a whole county of that kind (app/demo_county.h).
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/demo/demo_county.h"

namespace renda::app {

namespace {

struct Demo {
  std::string root;
  bool failed = false;

  std::string dir(const std::string& node) const { return root + "/" + node; }
  std::string file(const std::string& name) const { return root + "/usb/" + name; }

  // Runs `renda ARGS --data DIR`, echoing the command line.
  bool run(const std::string& node, std::vector<std::string> args, bool echo = true) {
    if (failed) return false;
    if (echo) {
      std::printf("  $ renda");
      for (const auto& a : args) std::printf(" %s", a.find(' ') != std::string::npos ? ("'" + a + "'").c_str() : a.c_str());
      std::printf("    [%s]\n", node.c_str());
    }
    std::fflush(stdout);
    args.push_back("--data");
    args.push_back(dir(node));
    int rc = runCommandLine(args);
    std::fflush(stdout);
    if (rc != 0) {
      std::printf("  (the command above failed with exit code %d; the demo stops)\n", rc);
      failed = true;
    }
    return rc == 0;
  }

  std::string nodeKey(const std::string& node) {
    auto n = Node::open(dir(node));
    if (!n) return "";
    auto k = (*n)->store().deviceKey();
    return k ? toHex(*k) : "";
  }

  std::string firstId(const std::string& node, RecordKind kind, const std::string& name) {
    auto n = Node::open(dir(node));
    if (!n) return "";
    auto all = (*n)->store().list(kind);
    if (!all) return "";
    for (const auto& r : *all)
      if (r.get("name") == name || r.get("title") == name) return toHex(r.id).substr(0, 8);
    return "";
  }

  // One USB trip: `to` writes its summary, `from` exports what it lacks, `to` imports.
  void carry(const std::string& from, const std::string& to) {
    std::string sum = file(to + ".summary"), bundle = file(from + "-to-" + to + ".bundle");
    std::printf("\n-- USB stick: %s -> %s\n", from.c_str(), to.c_str());
    run(to, {"summary", "-o", sum, "--quiet"});
    run(from, {"bundle", "export", "--for", sum, "-o", bundle, "--quiet"});
    run(to, {"bundle", "import", bundle});
  }

  std::string digest(const std::string& node) {
    auto n = Node::open(dir(node));
    if (!n) return "?";
    auto d = (*n)->store().digest();
    return d ? toHex(*d) : "?";
  }
};

void heading(const char* text) { std::printf("\n== %s\n", text); }

Status cmdDemoCounty(const Args& args) {
  DemoCountyOptions o;
  if (auto v = args.get("seed")) {
    char* end = nullptr;
    o.seed = std::strtoull(v->c_str(), &end, 10);
    if (v->empty() || !end || *end) return Status::usage(i18n::tr("cli.demo.seed"));
  }
  if (auto v = args.get("townships")) {
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || !end || *end) return Status::usage(i18n::tr("cli.demo.townships"));
    o.townships = int(n);
  }
  o.replace = args.has("force");
  o.progress = !args.has("quiet");
  // Without --data (or RENDA_DATA) the county goes next to the small demo.
  const char* env = std::getenv("RENDA_DATA");
  std::string dir = args.get("data") || (env && *env) ? dataDirFrom(args)
                                                      : dataDirFrom(args) + "/demo-county";
  auto made = generateDemoCounty(dir, o);
  if (!made) return made.status();
  std::printf("\n%s", describeDemoCounty(*made).c_str());
  return Status::ok();
}

Status cmdDemo(const Args& args) {
  if (args.has("county")) return cmdDemoCounty(args);
  for (const char* o : {"seed", "townships"})
    if (args.get(o)) return Status::usage(i18n::trf("cli.demo.with-county", {o}));
  for (const char* o : {"force", "quiet"})
    if (args.has(o)) return Status::usage(i18n::trf("cli.demo.with-county", {o}));
  Demo d;
  d.root = dataDirFrom(args) + "/demo";
  std::error_code ec;
  std::filesystem::remove_all(d.root, ec);
  std::filesystem::create_directories(d.root + "/usb", ec);
  if (ec) return Status::ioError("cannot create " + d.root + ": " + ec.message());
  std::printf("renda demo: a county office and two townships, each with its own store in %s\n",
              d.root.c_str());

  heading("1. The county office creates the county network");
  d.run("county", {"county", "init", "--name", "示范县"});

  heading("2. Two township laptops are set up and enrolled by the county office");
  for (auto [node, township] : {std::pair{"chengguan", "城关镇"}, std::pair{"dongfeng", "东风乡"}}) {
    d.run(node, {"init", "--quiet"});
    d.run("county", {"enroll", "--node", d.nodeKey(node), "--township", township, "-o",
                     d.file(std::string(node) + ".enroll")});
    d.run(node, {"join", d.file(std::string(node) + ".enroll")});
  }

  heading("3. Offline, each township records its deputies, station, suggestion and duty");
  d.run("chengguan", {"deputy", "add", "--name", "张建国", "--gender", "男", "--level", "乡镇级",
                      "--phone", "13800000001"});
  d.run("chengguan", {"deputy", "add", "--name", "李秀英", "--gender", "女", "--level", "县级"});
  d.run("chengguan", {"station", "add", "--name", "城关镇代表之家", "--address", "镇政府二楼"});
  std::string zhang = d.firstId("chengguan", RecordKind::kDeputy, "张建国");
  d.run("chengguan", {"suggestion", "add", "--title", "关于修缮城东村道的建议", "--lead", zhang,
                      "--body", "城东村至镇区道路坑洼，雨天通行困难，建议列入年度修缮计划。"});
  d.run("chengguan", {"duty", "add", "--deputy", zhang, "--type", "进家入站接待", "--date",
                      "2026-11-20", "--title", "代表之家接待选民"});
  d.run("dongfeng", {"deputy", "add", "--name", "王德明", "--gender", "男", "--level", "乡镇级"});
  d.run("dongfeng", {"duty", "add", "--deputy", d.firstId("dongfeng", RecordKind::kDeputy, "王德明"),
                     "--type", "视察", "--date", "2026-11-18", "--title", "视察农田水利"});

  heading("4. Bundles travel by USB stick: townships -> county -> townships");
  d.carry("chengguan", "county");
  d.carry("dongfeng", "county");
  d.carry("county", "chengguan");
  d.carry("county", "dongfeng");

  heading("5. The suggestion goes through its life cycle: submitted, registered, assigned, answered, rated");
  std::string sugg = d.firstId("chengguan", RecordKind::kSuggestion, "关于修缮城东村道的建议");
  d.run("chengguan", {"suggestion", "submit", sugg});
  d.run("county", {"unit", "add", "--name", "县交通运输局"});
  d.carry("chengguan", "county");
  d.run("county", {"suggestion", "register", sugg, "--number", "闭-2026-001"});
  d.run("county", {"suggestion", "assign", sugg, "--unit",
                   d.firstId("county", RecordKind::kHandlingUnit, "县交通运输局"), "--role", "lead"});
  std::string unit = d.firstId("county", RecordKind::kHandlingUnit, "县交通运输局");
  d.run("county", {"suggestion", "accept", sugg, "--unit", unit});
  d.run("county", {"suggestion", "reply", sugg, "--unit", unit, "--outcome", "A", "--text",
                   "已列入本年度农村公路养护计划，11月底前完成修缮。"});
  d.carry("county", "chengguan");
  d.run("chengguan", {"suggestion", "evaluate", sugg, "--result", "满意", "--process", "满意"});
  d.carry("chengguan", "county");
  d.run("county", {"suggestion", "close", sugg});
  d.run("county", {"report", "summary"});

  heading("6. The same field is edited at the county and in 城关镇 before they meet again");
  d.run("county", {"deputy", "edit", zhang, "--phone", "13800000002"});
  d.run("chengguan", {"deputy", "edit", zhang, "--phone", "13900000009"});
  d.carry("county", "chengguan");
  std::printf("\nBoth values are kept and shown; nothing anyone typed is lost:\n");
  d.run("chengguan", {"deputy", "show", zhang});

  heading("7. The chair resolves it; the resolution travels like any other edit");
  d.run("chengguan", {"deputy", "edit", zhang, "--phone", "13900000009"});
  d.carry("chengguan", "county");
  d.carry("county", "dongfeng");
  d.run("dongfeng", {"deputy", "show", zhang});

  heading("8. Every node holds the same records and every signature checks out");
  for (const char* node : {"county", "chengguan", "dongfeng"}) {
    d.run(node, {"verify", "--quiet"}, false);
    std::printf("  %-10s digest %s\n", node, d.digest(node).c_str());
  }
  if (d.failed) return Status::error(Code::kIOError, "the demo did not finish");
  bool same = d.digest("county") == d.digest("chengguan") && d.digest("county") == d.digest("dongfeng");
  std::printf("\n%s\nTry it yourself: renda --data %s/chengguan deputy list\n",
              same ? "All three nodes converged to identical records."
                   : "The nodes DIFFER — this is a bug; please report it.",
              d.root.c_str());
  return same ? Status::ok() : Status::error(Code::kIOError, "nodes did not converge");
}

}  // namespace

void addDemoCommands(std::vector<Command>& out) {
  out.push_back({"demo",
                 "a county and two townships edit records and exchange bundles "
                 "(--county: a whole demo county)",
                 "demo [--data DIR]   (uses DIR/demo, recreated each run)\n"
                 "       renda demo --county [--seed N] [--townships N] [--data DIR] [--force]\n"
                 "         (a whole demo county: DIR/county and one folder per township; default\n"
                 "          DIR ./renda-data/demo-county; --force replaces an earlier demo county)",
                 cmdDemo,
                 {{"county", "", "a whole demo county instead of the small demo"},
                  {"seed", "N", "with --county: the seed (the same seed, the same county)"},
                  {"townships", "N", "with --county: how many townships (default 15)"},
                  {"force", "", "with --county: replace an earlier demo county"},
                  {"quiet", "", "with --county: no progress lines"}}});
}

}  // namespace renda::app
