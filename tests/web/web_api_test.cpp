// SPDX-License-Identifier: Apache-2.0
// The web API against real `renda serve` processes on loopback: sign-in,
// sessions, CSRF, roles, the throttle, writes that reach `renda deputy list`
// and another node, what the accounts file and the log hold, and who may
// connect at all.
#include <ifaddrs.h>
#include <sys/stat.h>

#include "core/text.h"
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

const std::string kAdminPassword = "correct-horse-42";
const std::string kClerkPassword = "clerk-pass-77";

TEST_CASE("Web API: no session is 401, sign-in sets a strict cookie, a write without the CSRF "
          "token is 403",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "主任", "admin", kAdminPassword).code == 0);
  WebNode county(h, "county");
  Client anon{county.webPort};
  HttpReply none = anon.get("/api/status");
  CHECK(none.status == 401);
  CHECK(none.json()["code"].str == "unauthorized");
  CHECK(none.header("content-type") == "application/json; charset=utf-8");
  // A write without a session is 401 too, never a redirect.
  CHECK(anon.send("POST", "/api/deputies", "{\"name\":\"甲\"}").status == 401);

  Client wrong{county.webPort};
  HttpReply bad = wrong.login("主任", "not-the-password");
  CHECK(bad.status == 401);
  CHECK(bad.json()["code"].str == "bad_credentials");
  CHECK(bad.header("set-cookie").empty());
  CHECK(wrong.login("nobody", kAdminPassword).status == 401);

  Client admin{county.webPort};
  HttpReply ok = admin.login("主任", kAdminPassword);
  REQUIRE(ok.status == 200);
  std::string cookie = ok.header("set-cookie");
  CHECK_THAT(cookie, Catch::Contains("HttpOnly") && Catch::Contains("SameSite=Strict") &&
                         Catch::Contains("Path=/"));
  CHECK(admin.cookie.size() == std::string("renda_session=").size() + 64);
  CHECK(admin.csrf.size() == 64);
  CHECK(ok.json()["role"].str == "admin");

  JsonValue st = admin.get("/api/status").json();
  CHECK(st["county"].str == "示范县");
  CHECK(st["role"].str == "county");
  CHECK(st["account"]["role"].str == "admin");
  CHECK(st.has("neighbours"));
  CHECK(st.has("forks"));

  HttpReply noCsrf = admin.send("POST", "/api/deputies", "{\"name\":\"甲\"}", false);
  CHECK(noCsrf.status == 403);
  CHECK(noCsrf.json()["code"].str == "csrf");
  Client forged = admin;
  forged.csrf = std::string(64, '0');
  CHECK(forged.send("POST", "/api/deputies", "{\"name\":\"甲\"}").status == 403);
  // Not JSON: refused before anything is read from it.
  CHECK(http("127.0.0.1", county.webPort, "POST", "/api/deputies",
             {"Cookie: " + admin.cookie, "X-CSRF-Token: " + admin.csrf,
              "Content-Type: application/x-www-form-urlencoded"},
             "name=x")
            .status == 415);
  CHECK(h.ok("county", {"deputy", "list"}).out == "0 deputy record(s)\n");

  CHECK(admin.send("POST", "/api/logout", "").status == 200);
  CHECK(admin.get("/api/status").status == 401);
}

TEST_CASE("Web API: five wrong passwords make the next sign-in wait (429), even with the right "
          "one",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  WebNode county(h, "county");
  Client cl{county.webPort};
  for (int i = 0; i < 5; ++i) CHECK(cl.login("admin", "wrong-" + std::to_string(i)).status == 401);
  HttpReply held = cl.login("admin", kAdminPassword);
  CHECK(held.status == 429);
  CHECK(held.json()["code"].str == "rate_limited");
  CHECK(std::stoi(held.header("retry-after")) > 0);
  CHECK(cl.cookie.empty());
  // The way out: an admin at the computer sets the password again with the
  // CLI while serve runs, and the wait is lifted for that name.
  REQUIRE(h.run({"--data", h.path("county"), "account", "password", "--name", "admin"},
                {"RENDA_PASSWORD=another-long-secret"})
              .code == 0);
  CHECK(cl.login("admin", "another-long-secret").status == 200);
}

TEST_CASE("Web API: a clerk may enter deputies but not manage accounts (403)", "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  REQUIRE(addAccount(h, "county", "文书", "clerk", kClerkPassword).code == 0);
  WebNode county(h, "county");
  Client clerk{county.webPort};
  REQUIRE(clerk.login("文书", kClerkPassword).status == 200);
  HttpReply list = clerk.get("/api/accounts");
  CHECK(list.status == 403);
  CHECK(list.json()["code"].str == "forbidden");
  CHECK(clerk.send("POST", "/api/accounts",
                   "{\"name\":\"x\",\"role\":\"admin\",\"password\":\"whatever-1\"}")
            .status == 403);
  CHECK(clerk.send("DELETE", "/api/accounts/admin", "").status == 403);
  CHECK(clerk.send("POST", "/api/deputies", "{\"name\":\"孙八\",\"township\":\"城关镇\"}").status ==
        201);

  Client admin{county.webPort};
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);
  JsonValue accounts = admin.get("/api/accounts").json()["accounts"];
  CHECK(accounts.size() == 2);
  CHECK(admin.send("POST", "/api/accounts",
                   "{\"name\":\"新文书\",\"role\":\"clerk\",\"password\":\"another-pass-9\"}")
            .status == 201);
  CHECK_THAT(h.ok("county", {"account", "list"}).out, Catch::Contains("新文书  clerk"));
  // Removing the clerk ends its session at once.
  CHECK(admin.send("DELETE", "/api/accounts/%E6%96%87%E4%B9%A6", "").status == 200);
  CHECK(clerk.get("/api/status").status == 401);
}

TEST_CASE("Web API: a deputy entered on a township's web page is in renda deputy list and "
          "reaches the county office",
          "[web][api][net]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "城关镇文书", "clerk", kClerkPassword).code == 0);
  WebNode county(h, "county");
  WebNode t1(h, "t1", {"--peer", county.syncAddress});
  Client clerk{t1.webPort};
  REQUIRE(clerk.login("城关镇文书", kClerkPassword).status == 200);

  HttpReply missing = clerk.send("POST", "/api/deputies", "{\"gender\":\"男\"}");
  CHECK(missing.status == 400);
  CHECK(missing.json()["field"].str == "name");
  CHECK_THAT(missing.json()["error"].str, Catch::Contains("姓名"));
  HttpReply unknown = clerk.send("POST", "/api/deputies", "{\"nmae\":\"x\"}");
  CHECK(unknown.status == 400);
  CHECK(unknown.json()["field"].str == "nmae");
  // A township node writes its own township's records only.
  CHECK(clerk.send("POST", "/api/deputies", "{\"name\":\"x\",\"township\":\"东风乡\"}").status ==
        403);

  HttpReply made =
      clerk.send("POST", "/api/deputies", "{\"name\":\"周九\",\"gender\":\"女\",\"level\":\"乡镇级\"}");
  REQUIRE(made.status == 201);
  std::string id = made.json()["id"].str;
  CHECK(id.size() == 64);
  CHECK_THAT(h.ok("t1", {"deputy", "list"}).out, Catch::Contains("周九"));
  JsonValue one = clerk.get("/api/deputies/" + id.substr(0, 12)).json();
  CHECK(one["fields"]["name"].str == "周九");
  CHECK(one["township"].str == "城关镇");
  JsonValue found = clerk.get("/api/deputies?q=%E5%91%A8").json();
  CHECK(found["count"].number == 1);
  CHECK(clerk.get("/api/deputies?q=nobody").json()["count"].number == 0);
  CHECK(clerk.get("/api/deputies/ffffffffffff").status == 404);

  auto start = std::chrono::steady_clock::now();
  bool arrived = false;
  while (!arrived && std::chrono::steady_clock::now() - start < 20s) {
    arrived = countOf(h.ok("county", {"deputy", "list"}).out, "周九") > 0;
    if (!arrived) std::this_thread::sleep_for(100ms);
  }
  INFO(t1.log_() << county.log_());
  CHECK(arrived);
}

TEST_CASE("Web API: suggestions list the lead deputy by name, the summary report's numbers are "
          "numbers",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "t1", "admin", "admin", kAdminPassword).code == 0);
  std::string deputy =
      h.json("t1", {"deputy", "add", "--name", "吴十", "--level", "乡镇级"})["id"].str;
  std::string sid = h.json("t1", {"suggestion", "add", "--title", "关于修缮村道的建议", "--body",
                                  "村道破损。", "--lead", deputy})["id"]
                        .str;
  WebNode t1(h, "t1");
  Client admin{t1.webPort};
  REQUIRE(admin.login("admin", kAdminPassword).status == 200);
  JsonValue list = admin.get("/api/suggestions").json();
  REQUIRE(list["count"].number == 1);
  CHECK(list["suggestions"][0]["leadName"].str == "吴十");
  CHECK(list["suggestions"][0]["title"].str == "关于修缮村道的建议");
  CHECK(list["suggestions"][0].has("deadline"));
  std::string state = list["suggestions"][0]["state"].str;
  CHECK(admin.get("/api/suggestions?state=" + state).json()["count"].number == 1);
  CHECK(admin.get("/api/suggestions?state=closed").json()["count"].number == 0);
  JsonValue one = admin.get("/api/suggestions/" + sid.substr(0, 12)).json();
  CHECK(one["leadName"].str == "吴十");
  CHECK(one.has("timeline"));
  // References by name for the page, the stored id in the record.
  CHECK(one["display"]["lead"].str.find("吴十") != std::string::npos);
  CHECK(one["record"]["fields"]["lead"].str == deputy);

  JsonValue report = admin.get("/api/reports/summary").json();
  CHECK(report["report"].str == "summary");
  REQUIRE(report["rows"].size() > 0);
  CHECK(report["rows"][0][1].type == JsonValue::kNumber);
  CHECK(admin.get("/api/reports/summary?cohort=no-such-session").status == 400);
}

TEST_CASE("Web API: the accounts file holds hashes, never a password, and the log no secret",
          "[web][api]") {
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  {
    WebNode county(h, "county");
    Client admin{county.webPort};
    REQUIRE(admin.login("admin", kAdminPassword).status == 200);
    REQUIRE(admin.send("POST", "/api/accounts",
                       "{\"name\":\"clerk\",\"role\":\"clerk\",\"password\":\"" + kClerkPassword +
                           "\"}")
                .status == 201);
    Client clerk{county.webPort};
    REQUIRE(clerk.login("clerk", kClerkPassword).status == 200);
    CHECK(clerk.login("clerk", "a-wrong-one").status == 401);
    // A password typed into the name box, and a name that forges a log line,
    // are not written to the log.
    Client slip{county.webPort};
    CHECK(slip.login(kClerkPassword, kClerkPassword).status == 401);
    CHECK(slip.send("POST", "/api/login",
                    "{\"name\":\"x\\nweb: forged (admin) signed in\",\"password\":\"p\"}")
              .status == 401);
    std::string log = county.log_();
    CHECK_THAT(log, Catch::Contains("sign-in refused for account clerk from"));
    CHECK_THAT(log, !Catch::Contains("forged"));
    CHECK_THAT(log, Catch::Contains("admin (admin) signed in"));
    for (const std::string& secret :
         {kAdminPassword, kClerkPassword, std::string("a-wrong-one"),
          admin.cookie.substr(admin.cookie.find('=') + 1), admin.csrf, clerk.csrf})
      CHECK(log.find(secret) == std::string::npos);
  }
  std::string path = h.path("county") + "/web-accounts";
  std::string text = readFile(path);
  CHECK(text.find(kAdminPassword) == std::string::npos);
  CHECK(text.find(kClerkPassword) == std::string::npos);
  CHECK(countOf(text, "$argon2id$") == 2);
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The password from the CLI changes; the old one no longer signs in.
  REQUIRE(h.run({"--data", h.path("county"), "account", "password", "--name", "admin"},
                {"RENDA_PASSWORD=a-new-password"})
              .code == 0);
  WebNode county(h, "county");
  Client cl{county.webPort};
  CHECK(cl.login("admin", kAdminPassword).status == 401);
  CHECK(cl.login("admin", "a-new-password").status == 200);
}

// This computer's first IPv4 address that is not loopback, or "".
std::string lanAddress() {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) return "";
  std::string found;
  for (ifaddrs* a = all; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char host[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    if (std::string(host).rfind("127.", 0) != 0) found = host;
  }
  ::freeifaddrs(all);
  return found;
}

TEST_CASE("Web API: clients from other addresses are refused (403) unless the interface is "
          "opened to the LAN",
          "[web][api]") {
  std::string lan = lanAddress();
  if (lan.empty()) {
    WARN("skipped: this computer has no IPv4 address besides loopback to connect from");
    return;
  }
  County c;
  Harness& h = c.h;
  REQUIRE(addAccount(h, "county", "admin", "admin", kAdminPassword).code == 0);
  {
    WebNode closed(h, "county", {}, "0.0.0.0:0");
    HttpReply far = http(lan, closed.webPort, "GET", "/api/status");
    CHECK(far.status == 403);
    CHECK(far.json()["code"].str == "forbidden");
    CHECK(http("127.0.0.1", closed.webPort, "GET", "/api/status").status == 401);
    // A page elsewhere that reaches loopback through its own DNS name is refused.
    CHECK(http("127.0.0.1", closed.webPort, "GET", "/api/status", {"Host: evil.example:80"})
              .status == 403);
  }
  WebNode open(h, "county", {"--web-open"}, "0.0.0.0:0");
  CHECK_THAT(open.log_(), Catch::Contains("open to the LAN"));
  CHECK(http(lan, open.webPort, "GET", "/api/status").status == 401);
  Client cl{open.webPort, lan};
  CHECK(cl.login("admin", kAdminPassword).status == 200);
  CHECK(cl.get("/api/status").status == 200);
}

TEST_CASE("Web API: a Host header is this computer only when it is a loopback address or "
          "localhost, never a DNS name that starts like one",
          "[web][api]") {
  County c;
  WebNode county(c.h, "county");
  auto status = [&](const std::string& host) {
    return http("127.0.0.1", county.webPort, "GET", "/api/status", {"Host: " + host}).status;
  };
  // A name anyone can point at 127.0.0.1 (DNS rebinding) is refused.
  for (const char* far : {"127.0.0.1.evil.example", "127.0.0.1.nip.io:80", "127.0.0.1@evil.example",
                          "127.0.0.1:80:evil", "localhost.evil.example", "[::1]evil.example"}) {
    INFO(far);
    CHECK(status(far) == 403);
  }
  for (const char* near : {"127.0.0.1", "127.0.0.1:7480", "127.8.9.10:1", "localhost:7480",
                           "[::1]:7480", "[::1]"}) {
    INFO(near);
    CHECK(status(near) == 401);
  }
}

TEST_CASE("Web API: a malformed request is answered 400 in JSON, and an answer that repeats "
          "bytes that are not UTF-8 is still JSON",
          "[web][api]") {
  County c;
  REQUIRE(addAccount(c.h, "county", "主任", "admin", kAdminPassword).code == 0);
  WebNode county(c.h, "county");
  // http() sends its own Content-Length: a second one that disagrees.
  HttpReply two = http("127.0.0.1", county.webPort, "POST", "/api/login",
                       {"Content-Type: application/json", "Content-Length: 7"}, "{}");
  INFO(two.body);
  CHECK(two.status == 400);
  CHECK(two.json()["code"].str == "bad_request");
  HttpReply bad = http("127.0.0.1", county.webPort, "POST", "/api/login",
                       {"Content-Type: application/json", "Transfer-Encoding: gzip"}, "{}");
  CHECK((bad.status == 400 || bad.status == 501));  // a coding KJ does not read: 501
  CHECK(bad.json()["code"].str == "bad_request");
  Client admin{county.webPort};
  REQUIRE(admin.login("主任", kAdminPassword).status == 200);
  for (const char* path : {"/api/deputies/%ff%fe", "/api/suggestions/%c0%bc%ed%a0%80",
                           "/api/suggestions?state=%ff"}) {
    INFO(path);
    HttpReply r = admin.get(path);
    CHECK(r.status / 100 == 4);
    CHECK(validUtf8(r.body));
    CHECK_FALSE(r.json()["error"].str.empty());
  }
  CHECK(admin.get("/api/status").status == 200);  // the server goes on
}

TEST_CASE("renda init --admin makes the first web account, without it, init is as before",
          "[web][cli]") {
  Harness h;
  Run plain = h.ok("a", {"init"});
  CHECK(!std::filesystem::exists(h.path("a") + "/web-accounts"));
  Run first = h.run({"--data", h.path("b"), "init", "--admin", "主席"},
                    {"RENDA_PASSWORD=" + kAdminPassword});
  INFO(first.describe());
  REQUIRE(first.code == 0);
  CHECK_THAT(h.ok("b", {"account", "list"}).out, Catch::Contains("主席  admin"));
  // No password at all (no terminal, no RENDA_PASSWORD): refused, nothing made.
  Run none = h.at("c", {"init", "--admin", "主席"});
  CHECK(none.code == 1);
  CHECK(!std::filesystem::exists(h.path("c") + "/device.key"));
  CHECK(addAccount(h, "b", "x", "admin", "short").code == 1);
  CHECK(h.at("b", {"account", "remove", "--name", "nobody"}).code == 1);
}

}  // namespace
}  // namespace renda::webtest
