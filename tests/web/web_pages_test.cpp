// SPDX-License-Identifier: Apache-2.0
// The pages' files as a real `renda serve` answers them: the single page and
// its assets from inside the binary, with their content types, the pages'
// Content-Security-Policy, and ETag revalidation; other names are 404.
#include "tests/web/web_fixtures.h"

namespace renda::webtest {
namespace {

TEST_CASE("Web pages: / and /assets/NAME come from inside the binary with a strict policy and "
          "an ETag",
          "[web][pages]") {
  County c;
  WebNode county(c.h, "county");
  Client anon{county.webPort};

  HttpReply page = anon.get("/");
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  CHECK_THAT(page.body, Catch::Contains("<script type=\"module\" src=\"/assets/app.js\">"));
  std::string policy = page.header("content-security-policy");
  CHECK_THAT(policy, Catch::Contains("script-src 'self';") && Catch::Contains("connect-src 'self'") &&
                         Catch::Contains("default-src 'none'"));
  CHECK_THAT(policy, !Catch::Contains("script-src 'self' 'unsafe"));
  CHECK(page.header("x-frame-options") == "DENY");
  CHECK(page.header("cache-control") == "no-cache");
  std::string etag = page.header("etag");
  REQUIRE(etag.size() == 34);

  HttpReply again = http("127.0.0.1", county.webPort, "GET", "/", {"If-None-Match: " + etag});
  CHECK(again.status == 304);
  CHECK(again.body.empty());

  for (auto [name, type] : {std::pair<const char*, const char*>{"app.js", "text/javascript"},
                            {"app.css", "text/css"},
                            {"preact.js", "text/javascript"},
                            {"echarts.js", "text/javascript"}}) {
    INFO(name);
    HttpReply a = anon.get(std::string("/assets/") + name);
    CHECK(a.status == 200);
    CHECK(a.header("content-type") == std::string(type) + "; charset=utf-8");
    CHECK(a.body.size() > 100);
    CHECK(a.header("etag") != etag);
  }
  // The library is the one npm put in node_modules, whole.
  CHECK_THAT(anon.get("/assets/echarts.js").body, Catch::Contains("registerTheme"));

  CHECK(anon.get("/assets/nothing.js").status == 404);
  CHECK(anon.get("/assets/../web_app.cpp").status == 404);
  CHECK(anon.get("/index.html").status == 404);
  CHECK(anon.send("POST", "/assets/app.js", "{}").status == 405);
  // The API keeps its own policy.
  CHECK(anon.get("/api/status").header("content-security-policy") ==
        "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace
}  // namespace renda::webtest
