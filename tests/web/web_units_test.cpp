// SPDX-License-Identifier: Apache-2.0
// The web interface's pieces on their own: request bodies, the sign-in
// throttle and the session table.
#include <catch2/catch.hpp>

#include "app/i18n/strings.h"
#include "app/output/json.h"
#include "app/web/json_body.h"
#include "app/web/login_throttle.h"
#include "app/web/sessions.h"

namespace renda::app {
namespace {

TEST_CASE("JsonBody: a flat object parses, anything else is refused", "[web][json]") {
  auto ok = parseJsonObject(R"( {"name":"\u5f20\u4e09","n":12,"b":true,"z":null,"e":"\ud83d\ude00"} )");
  REQUIRE(ok);
  CHECK(*jsonValue(*ok, "name") == "张三");
  CHECK(*jsonValue(*ok, "n") == "12");
  CHECK(*jsonValue(*ok, "b") == "true");
  CHECK(jsonValue(*ok, "z")->empty());
  CHECK(*jsonValue(*ok, "e") == "\xF0\x9F\x98\x80");
  CHECK(jsonValue(*ok, "missing") == nullptr);
  for (const char* bad : {"", "[]", "{", "{\"a\":1,}", "{\"a\":{}}", "{\"a\":[1]}",
                          "{\"a\":1,\"a\":2}", "{\"a\":1} x", "{\"a\":\"\\ud800\"}",
                          "{\"a\":\"line\nbreak\"}", "{a:1}", "{\"a\":01x}"})
    CHECK_FALSE(parseJsonObject(bad));
}

TEST_CASE("Json: strings that are not UTF-8 come out as U+FFFD, valid ones as they are",
          "[web][json]") {
  auto quoted = [](std::string_view s) {
    Json j;
    j.str(s);
    return j.text();
  };
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(quoted("张三 \xF0\x9F\x98\x80") == "\"张三 \xF0\x9F\x98\x80\"");
  CHECK(quoted("a\xff\xfe") == "\"a" + fffd + fffd + "\"");  // %ff%fe in a request
  CHECK(quoted("\xc0\xbc") == "\"" + fffd + fffd + "\"");       // overlong '<'
  CHECK(quoted("\xed\xa0\x80") == "\"" + fffd + fffd + fffd + "\"");  // a surrogate
  CHECK(quoted("\xe5\x9f") == "\"" + fffd + fffd + "\"");       // cut short
  CHECK(quoted("\xf4\x90\x80\x80x") == "\"" + fffd + fffd + fffd + fffd + "x\"");
  CHECK(quoted("\"\\\n\x01") == "\"\\\"\\\\\\n\\u0001\"");
  // What it writes parses back.
  auto back = parseJsonObject("{\"v\":" + quoted("x\xff\u4e00") + "}");
  REQUIRE(back);
  CHECK(*jsonValue(*back, "v") == "x" + fffd + "\u4e00");
}

TEST_CASE("JsonBody: text that is not UTF-8, or holds control characters, is refused in "
          "Chinese, tabs and line breaks pass",
          "[web][json]") {
  i18n::WebMessages web;  // as a request is answered: Chinese unless the page asks for English
  for (const char* bad : {"{\"name\":\"\xff\xfe\"}", "{\"name\":\"\xc0\xbc\"}",
                          "{\"name\":\"\xed\xa0\x80\"}", "{\"name\":\"\xe5\x9f\"}",
                          "{\"name\":\"a\\u0000b\"}", "{\"name\":\"a\\u0001b\"}",
                          "{\"name\":\"\\u001b[31m\"}", "{\"name\":\"\\b\"}",
                          "{\"\xff\":\"x\"}"}) {
    INFO(bad);
    auto r = parseJsonObject(bad);
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("字") != std::string::npos);
  }
  {
    i18n::WebMessages english(i18n::Lang::kEn);
    auto r = parseJsonObject("{\"name\":\"a\\u0001b\"}");
    REQUIRE_FALSE(r);
    CHECK(r.status().message() == "name holds invisible control characters; delete them, then save");
  }
  auto ok = parseJsonObject("{\"note\":\"一\\n二\\t三\\r\",\"name\":\"\xe5\x9f\x8e\"}");
  REQUIRE(ok);
  CHECK(*jsonValue(*ok, "note") == "一\n二\t三\r");
  CHECK(*jsonValue(*ok, "name") == "城");
}

TEST_CASE("LoginThrottle: the sixth try after five failures waits, longer each time, a success "
          "clears it",
          "[web][throttle]") {
  LoginThrottle t;
  uint64_t now = 1'000'000;
  for (int i = 0; i < 5; ++i) {
    CHECK(t.waitMs("a", "1.2.3.4", now) == 0);
    t.failed("a", "1.2.3.4", now);
  }
  CHECK(t.waitMs("a", "9.9.9.9", now) == LoginThrottle::kFirstWaitMs);  // by name
  CHECK(t.waitMs("b", "1.2.3.4", now) == LoginThrottle::kFirstWaitMs);  // by address
  CHECK(t.waitMs("b", "9.9.9.9", now) == 0);
  now += LoginThrottle::kFirstWaitMs;
  CHECK(t.waitMs("a", "1.2.3.4", now) == 0);
  t.failed("a", "1.2.3.4", now);
  CHECK(t.waitMs("a", "1.2.3.4", now) == 2 * LoginThrottle::kFirstWaitMs);
  t.succeeded("a", "1.2.3.4");
  CHECK(t.waitMs("a", "1.2.3.4", now) == 0);
}

TEST_CASE("LoginThrottle: password checks from every address together keep within one budget",
          "[web][throttle]") {
  LoginThrottle t;
  uint64_t now = 5'000'000;
  // Guesses from as many addresses as there are checks: none is held back by
  // its own count, but the server's budget runs out.
  for (size_t i = 0; i < LoginThrottle::kChecksPerWindow; ++i) {
    CHECK(t.budgetWaitMs(now + i) == 0);
    t.checking(now + i);
    t.failed("guess" + std::to_string(i), "127.0." + std::to_string(i) + ".1", now + i);
  }
  uint64_t last = now + LoginThrottle::kChecksPerWindow - 1;
  CHECK(t.budgetWaitMs(last) == now + LoginThrottle::kBudgetWindowMs - last);
  CHECK(t.waitMs("admin", "127.0.99.1", last) == 0);  // not by name nor address
  // The window moves on: the oldest check leaves it, one more may go.
  CHECK(t.budgetWaitMs(now + LoginThrottle::kBudgetWindowMs) == 0);
  t.checking(now + LoginThrottle::kBudgetWindowMs);
  CHECK(t.budgetWaitMs(now + LoginThrottle::kBudgetWindowMs) > 0);
}

TEST_CASE("SessionTable: a session is found by its cookie until it idles out or closes",
          "[web][sessions]") {
  SessionTable s;
  Account a{"admin", AccountRole::kAdmin, "$argon2id$stamp"};
  auto opened = s.open(a, 0);
  CHECK(opened.cookieToken.size() == 64);
  CHECK(opened.cookieToken != opened.csrfToken);
  WebSession* found = s.find(opened.cookieToken, 1000);
  REQUIRE(found);
  CHECK(found->account == "admin");
  CHECK(SessionTable::csrfMatches(*found, opened.csrfToken));
  CHECK_FALSE(SessionTable::csrfMatches(*found, ""));
  CHECK_FALSE(SessionTable::csrfMatches(*found, std::string(64, '0')));
  CHECK(s.find(std::string(64, '0'), 1000) == nullptr);
  CHECK(s.find(opened.cookieToken, 1000 + SessionTable::kIdleMs) != nullptr);
  CHECK(s.find(opened.cookieToken, 2000 + 2 * SessionTable::kIdleMs) == nullptr);
  auto again = s.open(a, 0);
  s.closeAccount("admin");
  CHECK(s.find(again.cookieToken, 1) == nullptr);
}

}  // namespace
}  // namespace renda::app
