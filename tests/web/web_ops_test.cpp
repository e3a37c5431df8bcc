// SPDX-License-Identifier: Apache-2.0
// The web API's reports, dashboard, home page, sync and bundles against real
// `renda serve` processes on loopback: every figure is checked against what
// the real CLI prints on the same store (`renda report --json`, `renda
// export`, `renda bundle import`), downloads are read back (the XLSX by
// unzipping it with Python's zipfile), bundle imports run as jobs to the
// end, a corrupted bundle changes nothing, and sync now converges two nodes.
#include <cstdio>
#include <filesystem>
#include <chrono>
#include <regex>
#include <thread>

#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

const std::string kPassword = "ops-pass-2026";

// A report cell of `renda report --json` as the API gives it: a number as it
// is, text "92.47%" -> 92.47, "—" -> null.
JsonValue cliCell(const JsonValue& json) {
  if (json.type != JsonValue::kString) return json;
  const std::string& cell = json.str;
  JsonValue v;
  if (cell == "—" || cell.empty()) return v;
  std::string n = cell.back() == '%' ? cell.substr(0, cell.size() - 1) : cell;
  v.type = JsonValue::kNumber;
  v.number = std::stod(n);
  return v;
}

// The row of a `renda report --json` table whose first cell is `label`.
const JsonValue& cliRow(const JsonValue& table, const std::string& label) {
  for (const auto& r : table["rows"].items)
    if (r[0].str == label) return r;
  FAIL("no row " << label);
  return table;
}

void sameNumber(const JsonValue& api, const JsonValue& cli) {
  REQUIRE(api.type == cli.type);
  if (api.type == JsonValue::kNumber) CHECK(api.number == Approx(cli.number));
}

// Polls GET /api/jobs/ID until the job ended.
JsonValue waitJob(const Client& c, double job) {
  std::string path = "/api/jobs/" + std::to_string(int64_t(job));
  auto start = std::chrono::steady_clock::now();
  JsonValue j;
  do {
    HttpReply r = c.get(path);
    REQUIRE(r.status == 200);
    j = r.json();
    if (j["state"].str != "running") return j;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() - start < 60s);
  FAIL("job " << path << " still running: " << j["message"].str);
  return j;
}

// Runs `python3 -c SCRIPT FILE` and returns what it printed.
std::string python(const std::string& script, const std::string& file) {
  std::string cmd = "python3 -c '" + script + "' '" + file + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  return out;
}

// The first sheet's cells, one line each: "REF TYPE VALUE" (TYPE n: a number,
// s: text), shared strings resolved.
const char* kSheetCells =
    "import sys,zipfile,xml.etree.ElementTree as E\n"
    "M=\"{http://schemas.openxmlformats.org/spreadsheetml/2006/main}\"\n"
    "z=zipfile.ZipFile(sys.argv[1])\n"
    "ss=[\"\".join(t.text or \"\" for t in si.iter(M+\"t\")) for si in "
    "E.fromstring(z.read(\"xl/sharedStrings.xml\")).findall(M+\"si\")]\n"
    "for c in E.fromstring(z.read(\"xl/worksheets/sheet1.xml\")).iter(M+\"c\"):\n"
    "  v=c.find(M+\"v\")\n"
    "  if v is None: continue\n"
    "  t=c.get(\"t\")\n"
    "  print(c.get(\"r\"), \"s\" if t in (\"s\",\"str\",\"inlineStr\") else \"n\", "
    "ss[int(v.text)] if t==\"s\" else v.text)\n";

// One request whose head says `contentLength` and that sends no body.
HttpReply headOnly(uint16_t port, const Client& c, const std::string& path,
                   uint64_t contentLength) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + c.cookie +
                    "\r\nX-CSRF-Token: " + c.csrf +
                    "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                    std::to_string(contentLength) + "\r\n\r\n";
  REQUIRE(::write(fd, req.data(), req.size()) == ssize_t(req.size()));
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
    in.append(buf, size_t(n));
    if (in.find("\r\n\r\n") != std::string::npos && in.find("}") != std::string::npos) break;
  }
  ::close(fd);
  HttpReply r;
  REQUIRE(in.size() > 12);
  r.status = std::stoi(in.substr(9, 3));
  r.body = in.substr(in.find("\r\n\r\n") + 4);
  return r;
}

HttpReply upload(const Client& c, const std::string& bytes, bool csrf = true,
                 const std::string& type = "application/octet-stream") {
  std::vector<std::string> hs = {"Content-Type: " + type, "Cookie: " + c.cookie};
  if (csrf) hs.push_back("X-CSRF-Token: " + c.csrf);
  return http("127.0.0.1", c.port, "POST", "/api/bundles/import", hs, bytes);
}

TEST_CASE("Web API: reports as JSON, CSV and XLSX are the CLI's, for the current cohort unless "
          "asked, and so are the dashboard's figures and the home page's counts",
          "[web][api][reports]") {
  Harness h;
  std::string dir = h.path("demo");
  Run made = h.run({"demo", "--county", "--townships", "1", "--quiet", "--data", dir});
  INFO(made.describe());
  REQUIRE(made.code == 0);
  // The county office's folder under a name without '/' (WebNode names its log files by it).
  const std::string node = "demo-county";
  std::filesystem::create_directory_symlink(dir + "/county", h.path(node));
  REQUIRE(addAccount(h, node, "主任", "admin", kPassword).code == 0);
  // A download an earlier run was cut short in: removed when the server starts.
  std::string stale = dir + "/county/.web-report-00000000deadbeef.xlsx";
  writeFile(stale, "half a workbook");
  WebNode county(h, node);
  Client admin{county.webPort};
  REQUIRE(admin.login("主任", kPassword).status == 200);
  CHECK_FALSE(std::filesystem::exists(stale));

  CHECK(Client{county.webPort}.get("/api/reports").status == 401);
  JsonValue list = admin.get("/api/reports").json();
  std::vector<std::string> names;
  for (const auto& r : list["reports"].items) names.push_back(r["name"].str);
  CHECK(names.size() == 14);
  CHECK(std::find(names.begin(), names.end(), "units") != names.end());

  // The cohort: the current one by default, said in the answer; all when asked.
  JsonValue summary = admin.get("/api/reports/summary").json();
  std::string cohort = summary["cohort"].str;
  REQUIRE(!cohort.empty());
  CHECK(!summary["cohortLabel"].str.empty());
  JsonValue cli = h.json(node, {"report", "summary", "--cohort", cohort});
  REQUIRE(summary["rows"].size() == cli["rows"].size());
  for (size_t r = 0; r < cli["rows"].size(); ++r) {
    INFO("row " << cli["rows"][r][0].str);
    CHECK(summary["rows"][r][0].str == cli["rows"][r][0].str);
    sameNumber(summary["rows"][r][1], cliCell(cli["rows"][r][1]));
  }
  JsonValue all = admin.get("/api/reports/summary?cohort=all").json();
  CHECK(all["cohort"].str == "");
  CHECK(all["cohortLabel"].str == "全部批次");
  JsonValue cliAll = h.json(node, {"report", "summary"});
  sameNumber(all["rows"][0][1], cliCell(cliAll["rows"][0][1]));
  CHECK(all["rows"][0][1].number > summary["rows"][0][1].number);  // the demo has several cohorts

  // Every report answers JSON; an unknown one 404, a bad format or cohort 400.
  for (const auto& name : names) {
    INFO(name);
    HttpReply r = admin.get("/api/reports/" + name);
    CHECK(r.status == 200);
    CHECK(r.json()["report"].str == name);
  }
  CHECK(admin.get("/api/reports/nosuch").status == 404);
  CHECK(admin.get("/api/reports/units?format=pdf").json()["field"].str == "format");
  CHECK(admin.get("/api/reports/units?cohort=nosuch").status == 400);
  CHECK(admin.get("/api/reports/units?year=abc").status == 400);
  // A township's name cut short (城关 for 城关镇) is no report of zeros.
  HttpReply shortName = admin.get("/api/reports/summary?cohort=all&township=%E5%9F%8E%E5%85%B3");
  CHECK(shortName.status == 400);
  CHECK(shortName.json()["field"].str == "township");
  CHECK_THAT(shortName.json()["error"].str, Catch::Contains("城关"));
  CHECK(admin.get("/api/dashboard?township=%E5%9F%8E%E5%85%B3").json()["field"].str == "township");
  CHECK(admin.get("/api/reports/summary?cohort=all&township=%E5%9F%8E%E5%85%B3%E9%95%87").status ==
        200);

  // CSV: byte for byte what `renda export` writes, as a download with a Chinese name.
  HttpReply csv = admin.get("/api/reports/units?format=csv&cohort=" + cohort);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  std::string disposition = csv.header("content-disposition");
  CHECK_THAT(disposition, Catch::StartsWith("attachment; filename=\"units.csv\"; filename*=UTF-8''%E6"));
  std::string cliCsv = h.path("units.csv");
  h.ok(node, {"export", "units", "-o", cliCsv, "--cohort", cohort});
  CHECK(csv.body == readFile(cliCsv));
  CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);

  // XLSX: the same cells as `renda export`'s; counts are numbers.
  HttpReply xlsx = admin.get("/api/reports/summary?format=xlsx&cohort=" + cohort);
  REQUIRE(xlsx.status == 200);
  CHECK(xlsx.header("content-type") ==
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  CHECK_THAT(xlsx.header("content-disposition"), Catch::Contains("filename*=UTF-8''"));
  std::string webXlsx = h.path("web-summary.xlsx"), cliXlsx = h.path("cli-summary.xlsx");
  writeFile(webXlsx, xlsx.body);
  h.ok(node, {"export", "summary", "-o", cliXlsx, "--cohort", cohort});
  std::string cells = python(kSheetCells, webXlsx);
  CHECK(cells == python(kSheetCells, cliXlsx));
  INFO(cells);
  CHECK_THAT(cells, Catch::Contains("\nB2 n "));  // 登记建议数's value, a number
  // Each summary row's value cell holds the JSON's value as a number: a count
  // as it is, a rate as a fraction shown with a percent format (92.47 -> 0.9247).
  for (size_t r = 0; r < summary["rows"].size(); ++r) {
    const JsonValue& v = summary["rows"][r][1];
    if (v.type != JsonValue::kNumber) continue;
    std::string ref = "B" + std::to_string(r + 2) + " ";
    size_t at = cells.find("\n" + ref);
    REQUIRE(at != std::string::npos);
    std::string line = cells.substr(at + 1, cells.find('\n', at + 1) - at - 1);
    INFO(line);
    REQUIRE(line[ref.size()] == 'n');
    double value = std::stod(line.substr(ref.size() + 2));
    bool rate = cli["rows"][r][0].str.find("率") != std::string::npos;
    CHECK((rate ? value * 100 : value) == Approx(v.number));
  }

  // The archive workbook (a sheet per deputy, made on a thread of its own,
  // personal fields masked) is the CLI's too; no download file stays behind.
  HttpReply archive = admin.get("/api/reports/archive?format=xlsx&cohort=" + cohort);
  REQUIRE(archive.status == 200);
  writeFile(h.path("web-archive.xlsx"), archive.body);
  h.ok(node, {"export", "archive", "-o", h.path("cli-archive.xlsx"), "--cohort", cohort});
  CHECK(python(kSheetCells, h.path("web-archive.xlsx")) ==
        python(kSheetCells, h.path("cli-archive.xlsx")));
  for (const auto& e : std::filesystem::directory_iterator(dir + "/county"))
    CHECK(e.path().filename().string().rfind(".web-", 0) == std::string::npos);

  // The dashboard: the summary's figures, per township the summary of that
  // township, per unit the units report.
  auto t0 = std::chrono::steady_clock::now();
  HttpReply dashReply = admin.get("/api/dashboard");
  INFO("dashboard " << std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - t0)
                           .count()
                    << " ms");
  REQUIRE(dashReply.status == 200);
  JsonValue dash = dashReply.json();
  CHECK(dash["cohort"].str == cohort);
  sameNumber(dash["intake"]["registered"], cliCell(cliRow(cli, "登记建议数")[1]));
  sameNumber(dash["intake"]["received"], cliCell(cliRow(cli, "收到建议数")[1]));
  sameNumber(dash["intake"]["withdrawn"], cliCell(cliRow(cli, "撤回数")[1]));
  sameNumber(dash["intake"]["rejected"], cliCell(cliRow(cli, "不予立案数")[1]));
  sameNumber(dash["intake"]["closed"], cliCell(cliRow(cli, "已办结数")[1]));
  sameNumber(dash["intake"]["closedRate"], cliCell(cliRow(cli, "办结率")[1]));
  CHECK(dash["intake"]["received"].number >= dash["intake"]["registered"].number);
  sameNumber(dash["rates"]["handledRate"], cliCell(cliRow(cli, "办复率")[1]));
  sameNumber(dash["rates"]["satisfiedRate"], cliCell(cliRow(cli, "满意率（含基本满意）")[1]));
  sameNumber(dash["rates"]["resolvedRate"], cliCell(cliRow(cli, "解决率（A类）")[1]));
  REQUIRE(dash["townships"].size() >= 1);
  for (const auto& t : dash["townships"].items) {
    INFO(t["township"].str);
    JsonValue one = h.json(node, {"report", "summary", "--cohort", cohort, "--township",
                                  t["township"].str});
    sameNumber(t["registered"], cliCell(cliRow(one, "登记建议数")[1]));
    sameNumber(t["handledRate"], cliCell(cliRow(one, "办复率")[1]));
    sameNumber(t["satisfiedRate"], cliCell(cliRow(one, "满意率（含基本满意）")[1]));
  }
  JsonValue units = h.json(node, {"report", "units", "--cohort", cohort});
  REQUIRE(dash["units"].size() == units["rows"].size());
  REQUIRE(units["rows"].size() > 0);
  for (size_t i = 0; i < units["rows"].size(); ++i) {
    const JsonValue& row = units["rows"][i];
    CHECK(dash["units"][i]["unit"].str == row[0].str);
    sameNumber(dash["units"][i]["replied"], cliCell(row[4]));
    sameNumber(dash["units"][i]["satisfiedRate"], cliCell(row[7]));
    sameNumber(dash["units"][i]["handledRate"], cliCell(row[12]));
  }
  CHECK(dash["outcomes"].size() == 4);
  CHECK(dash["monthlyDuty"].size() == 12);
  int64_t overdueItems = 0;
  for (const auto& u : dash["overdueByUnit"].items) overdueItems += int64_t(u["count"].number);
  CHECK(overdueItems >= int64_t(h.json(node, {"report", "overdue"})["rows"].size()));
  CHECK(admin.get("/api/dashboard?cohort=all").json()["cohort"].str == "");

  // The home page: open suggestions by state, the sync state, the counts.
  JsonValue home = admin.get("/api/home").json();
  int64_t open = 0;
  for (const auto& s : home["byState"].items) open += int64_t(s["count"].number);
  CHECK(open > 0);
  for (const auto& s : home["overdue"].items) CHECK(s["overdue"].boolean);
  CHECK(home["month"].has("duty"));
  CHECK(home["sync"].has("neighbours"));
  JsonValue status = h.json(node, {"status"});
  CHECK(home["conflicts"].number == status["conflicts"].number);
  CHECK(home["notApplied"].number == status["notApplied"].number);
  CHECK(home["forks"].number == double(status["forks"].size()));
}

TEST_CASE("Web API: a bundle from another node imports as a job with the right counts, a "
          "corrupted one fails and changes nothing, uploads are checked first",
          "[web][api][bundles]") {
  County c;
  Harness& h = c.h;
  for (const char* name : {"吴十", "郑十一", "王十二"})
    h.add("t1", "deputy", {"--name", name, "--level", "乡镇级"});
  std::string bundle = h.path("t1-all.bundle");
  Run wrote = h.ok("t1", {"bundle", "export", "-o", bundle});
  std::smatch m;
  REQUIRE(std::regex_search(wrote.out, m, std::regex("Wrote ([0-9]+) changes")));
  int64_t inBundle = std::stoll(m[1]);
  std::string bytes = readFile(bundle);
  int64_t changesBefore = h.changes("county");

  REQUIRE(addAccount(h, "county", "文书", "clerk", kPassword).code == 0);
  WebNode county(h, "county");
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kPassword).status == 200);

  // Refused before a byte is stored: no session, no CSRF token, not a file, too large.
  CHECK(upload(Client{county.webPort}, bytes).status == 401);
  CHECK(upload(clerk, bytes, false).status == 403);
  CHECK(upload(clerk, bytes, true, "application/json").status == 415);
  HttpReply huge = headOnly(county.webPort, clerk, "/api/bundles/import", (uint64_t(4) << 30) + 1);
  CHECK(huge.status == 413);
  CHECK_THAT(huge.body, Catch::Contains("4 GiB"));

  // A corrupted bundle: the job fails with words for the clerk; the store is as it was.
  std::string before = h.digest("county");
  std::string bad = bytes;
  bad[bad.size() / 2] = char(bad[bad.size() / 2] ^ 0x5a);
  HttpReply badUp = upload(clerk, bad);
  REQUIRE(badUp.status == 202);
  JsonValue failed = waitJob(clerk, badUp.json()["job"].number);
  CHECK(failed["state"].str == "failed");
  CHECK(failed["kind"].str == "import");
  CHECK_THAT(failed["message"].str, Catch::Contains("变更包"));
  CHECK(h.digest("county") == before);
  CHECK_THAT(h.ok("county", {"deputy", "list"}).out, !Catch::Contains("吴十"));
  // Whole but from another county, or cut short: said so, not called damaged.
  County other;
  other.h.add("t1", "deputy", {"--name", "外县代表", "--level", "乡镇级"});
  std::string foreign = other.h.path("foreign.bundle");
  other.h.ok("t1", {"bundle", "export", "-o", foreign});
  HttpReply foreignUp = upload(clerk, readFile(foreign));
  REQUIRE(foreignUp.status == 202);
  JsonValue notOurs = waitJob(clerk, foreignUp.json()["job"].number);
  CHECK(notOurs["state"].str == "failed");
  CHECK_THAT(notOurs["message"].str, Catch::StartsWith("这是另一个县网络的变更包"));
  HttpReply cutUp = upload(clerk, bytes.substr(0, bytes.size() - 40));
  REQUIRE(cutUp.status == 202);
  JsonValue cut = waitJob(clerk, cutUp.json()["job"].number);
  CHECK(cut["state"].str == "failed");
  CHECK_THAT(cut["message"].str, Catch::StartsWith("变更包不完整"));
  CHECK(h.digest("county") == before);

  HttpReply up = upload(clerk, bytes);
  REQUIRE(up.status == 202);
  JsonValue done = waitJob(clerk, up.json()["job"].number);
  INFO(done["message"].str);
  REQUIRE(done["state"].str == "done");
  CHECK(done["total"].number == inBundle);
  CHECK(done["done"].number == inBundle);
  CHECK(done["result"]["received"].number == inBundle);
  int64_t added = h.changes("county") - changesBefore;
  CHECK(added >= 4);  // three deputies and t1's own announcements at least
  CHECK(done["result"]["added"].number == added);
  CHECK(done["result"]["duplicates"].number == inBundle - added);
  CHECK(done["result"]["notApplied"].number == 0);
  CHECK(done["result"]["applied"].number == added);
  CHECK_THAT(done["message"].str, Catch::Contains("导入完成"));
  std::string deputies = h.ok("county", {"deputy", "list"}).out;
  for (const char* name : {"吴十", "郑十一", "王十二"}) CHECK_THAT(deputies, Catch::Contains(name));
  // Importing it again adds nothing.
  JsonValue again = waitJob(clerk, upload(clerk, bytes).json()["job"].number);
  CHECK(again["result"]["added"].number == 0);
  CHECK(again["result"]["duplicates"].number == inBundle);
  // Nothing of the uploads is left in the data folder.
  for (const auto& e : std::filesystem::directory_iterator(h.path("county")))
    CHECK(e.path().filename().string().rfind(".web-", 0) != 0);

  // Export: a download that another node imports; an unknown neighbour is 404.
  HttpReply exported = clerk.get("/api/bundles/export");
  REQUIRE(exported.status == 200);
  CHECK(exported.header("content-type") == "application/octet-stream");
  CHECK_THAT(exported.header("content-disposition"), Catch::StartsWith("attachment;"));
  std::string got = h.path("from-web.bundle");
  writeFile(got, exported.body);
  JsonValue t2 = h.json("t2", {"bundle", "import", got});
  CHECK(t2["added"].number > 0);
  CHECK_THAT(h.ok("t2", {"deputy", "list"}).out, Catch::Contains("郑十一"));
  CHECK(clerk.get("/api/bundles/export?node=nosuch").status == 404);
  CHECK(clerk.get("/api/jobs/999").status == 404);
}

TEST_CASE("Web API: sync now runs a session with the neighbour as a job, the two nodes hold the "
          "same changes when it is done, GET /api/sync shows the neighbour",
          "[web][api][net]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "文书", "clerk", kPassword).code == 0);
  WebNode county(h, "county");
  WebNode t1(h, "t1", {"--peer", county.syncAddress});
  Client clerk{t1.webPort};
  REQUIRE(clerk.login("文书", kPassword).status == 200);
  CHECK(clerk.send("POST", "/api/sync/now", "{}", false).status == 403);
  HttpReply unknown = clerk.send("POST", "/api/sync/now", "{\"node\":\"127.0.0.1:1\"}");
  CHECK(unknown.status == 404);
  CHECK(unknown.json()["field"].str == "node");

  h.add("t1", "deputy", {"--name", "冯十三", "--level", "乡镇级"});
  HttpReply asked = clerk.send("POST", "/api/sync/now", "{\"node\":\"" + county.syncAddress + "\"}");
  REQUIRE(asked.status == 202);
  JsonValue job = waitJob(clerk, asked.json()["job"].number);
  INFO(job["message"].str << "\n" << t1.log_() << county.log_());
  REQUIRE(job["state"].str == "done");
  CHECK(job["kind"].str == "sync");
  REQUIRE(job["result"]["sessions"].size() == 1);
  CHECK(job["result"]["sessions"][0]["ok"].boolean);
  CHECK(h.digest("t1") == h.digest("county"));
  CHECK_THAT(h.ok("county", {"deputy", "list"}).out, Catch::Contains("冯十三"));

  // Every neighbour (none named): the same.
  HttpReply everyone = clerk.send("POST", "/api/sync/now", "");
  REQUIRE(everyone.status == 202);
  CHECK(waitJob(clerk, everyone.json()["job"].number)["state"].str == "done");

  // The node's own scheduler may be in a session with the neighbour just
  // then (the store changed): "syncing" until it ends.
  JsonValue sync;
  const JsonValue* seen = nullptr;
  for (int i = 0; i < 100; ++i) {
    sync = clerk.get("/api/sync").json();
    seen = nullptr;
    for (const auto& n : sync["neighbours"].items)
      if (n["address"].str == county.syncAddress) seen = &n;
    if (!seen || (*seen)["state"].str != "syncing") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(!sync["discovery"].boolean);
  REQUIRE(seen);
  CHECK((*seen)["state"].str == "ok");
  CHECK((*seen)["name"].str == "县人大常委会");
  CHECK((*seen)["lastContactAt"].type == JsonValue::kNumber);
  CHECK((*seen)["toSend"].number == 0);
  CHECK((*seen)["toReceive"].number == 0);
  CHECK((*seen)["lastError"].str == "");
  CHECK((*seen)["configured"].boolean);
}

}  // namespace
}  // namespace renda::webtest
