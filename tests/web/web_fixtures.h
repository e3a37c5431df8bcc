// SPDX-License-Identifier: Apache-2.0
// Helpers for the web API tests: a `renda serve` with its web interface on
// loopback (the address from its first log line), and a small HTTP/1.1
// client over plain sockets (one request per connection).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace renda::webtest {

using namespace renda::clitest;
using namespace std::chrono_literals;

// A `renda serve` with --web; stopped (SIGTERM) when it goes.
struct WebNode {
  Harness& h;
  std::string node, tag;
  pid_t pid = -1;
  std::string syncAddress;  // 127.0.0.1:PORT
  uint16_t webPort = 0;

  WebNode(Harness& harness, const std::string& n, std::vector<std::string> extra = {},
          const std::string& web = "127.0.0.1:0")
      : h(harness), node(n), tag("web-" + n + "-" + std::to_string(++counter()) + "-") {
    std::vector<std::string> args = {"--data", h.path(node), "serve", "--listen", "127.0.0.1:0",
                                     "--web", web, "--discovery", "off", "--routine", "2",
                                     "--max-backoff", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid = h.spawn(args, {}, tag);
    static const std::regex first("listening on (127\\.0\\.0\\.1:[0-9]+), web at http://[^:]+:([0-9]+)/");
    for (int i = 0; i < 200 && !webPort; ++i) {
      std::smatch m;
      std::string log = log_();
      if (std::regex_search(log, m, first)) {
        syncAddress = m[1];
        webPort = uint16_t(std::stoi(m[2]));
      } else {
        std::this_thread::sleep_for(50ms);
      }
    }
    INFO(log_());
    REQUIRE(webPort != 0);
  }
  ~WebNode() { stop(); }
  void stop() {
    if (pid < 0) return;
    ::kill(pid, SIGTERM);
    Run r = h.wait(pid, tag);
    pid = -1;
    INFO(r.describe());
    CHECK(r.code == 0);
  }
  std::string log_() const { return readFile(h.path(tag + "stderr.txt")); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return "";
  }
  JsonValue json() const { return parseJson(body); }
};

// One request to ip:port; `headers` as "Name: value" lines.
inline HttpReply http(const std::string& ip, uint16_t port, const std::string& method,
                      const std::string& path, const std::vector<std::string>& headers = {},
                      const std::string& body = "") {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  REQUIRE(::inet_pton(AF_INET, ip.c_str(), &a.sin_addr) == 1);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  bool hasHost = false;
  for (const auto& hd : headers) hasHost = hasHost || hd.rfind("Host:", 0) == 0;
  std::string req = method + " " + path + " HTTP/1.1\r\n";
  if (!hasHost) req += "Host: " + ip + ":" + std::to_string(port) + "\r\n";
  for (const auto& hd : headers) req += hd + "\r\n";
  req += "Connection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(::write(fd, req.data(), req.size()) == ssize_t(req.size()));
  // Read up to the end of the body (Content-Length): the server may keep the
  // connection open a while after the response.
  std::string in;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) {
    in.append(buf, size_t(n));
    size_t head = in.find("\r\n\r\n");
    if (head == std::string::npos) continue;
    std::string lower = in.substr(0, head);
    for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    size_t cl = lower.find("content-length: ");
    if (cl != std::string::npos && in.size() >= head + 4 + std::stoul(lower.substr(cl + 16))) break;
  }
  ::close(fd);
  HttpReply r;
  size_t end = in.find("\r\n\r\n");
  INFO(in);
  REQUIRE(end != std::string::npos);
  r.status = std::stoi(in.substr(9, 3));
  size_t at = in.find("\r\n") + 2;
  while (at < end) {
    size_t eol = in.find("\r\n", at);
    std::string line = in.substr(at, eol - at);
    size_t colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(name, line.substr(colon + 2));
    at = eol + 2;
  }
  r.body = in.substr(end + 4);
  return r;
}

// A signed-in client of one node's web API.
struct Client {
  explicit Client(uint16_t port, std::string ip = "127.0.0.1") : port(port), ip(std::move(ip)) {}
  uint16_t port;
  std::string ip;
  std::string cookie, csrf;

  HttpReply get(const std::string& path) const {
    std::vector<std::string> hs;
    if (!cookie.empty()) hs.push_back("Cookie: " + cookie);
    return http(ip, port, "GET", path, hs);
  }
  HttpReply send(const std::string& method, const std::string& path, const std::string& body,
                 bool withCsrf = true) const {
    std::vector<std::string> hs = {"Content-Type: application/json"};
    if (!cookie.empty()) hs.push_back("Cookie: " + cookie);
    if (withCsrf && !csrf.empty()) hs.push_back("X-CSRF-Token: " + csrf);
    return http(ip, port, method, path, hs, body);
  }
  HttpReply login(const std::string& name, const std::string& password) {
    HttpReply r = send("POST", "/api/login",
                       "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}", false);
    if (r.status == 200) {
      std::string set = r.header("set-cookie");
      cookie = set.substr(0, set.find(';'));
      csrf = r.json()["csrf"].str;
    }
    return r;
  }
};

// A suggestion led by `deputyId`, entered, submitted and registered as
// `number` with the CLI on `node`; its id.
inline std::string registeredSuggestion(Harness& h, const std::string& node,
                                        const std::string& deputyId, const std::string& title,
                                        const std::string& number) {
  std::string sid = h.add(node, "suggestion",
                          {"--title", title, "--body", "夜间治安。", "--lead", deputyId.substr(0, 8)});
  h.ok(node, {"suggestion", "submit", sid.substr(0, 10)});
  h.ok(node, {"suggestion", "register", sid.substr(0, 10), "--number", number});
  return sid;
}

// GET /api/jobs/ID of the job a 202 `started` answered, until it is no
// longer running (30 s at most); the job's JSON.
inline JsonValue finishedJob(const Client& client, const HttpReply& started) {
  std::string path = "/api/jobs/" + std::to_string(int64_t(started.json()["job"].number));
  JsonValue j;
  for (int i = 0; i < 600; ++i) {
    j = client.get(path).json();
    if (j["state"].str != "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return j;
}

// Adds a web account with the CLI (password from RENDA_PASSWORD).
inline Run addAccount(Harness& h, const std::string& node, const std::string& name,
                      const std::string& role, const std::string& password) {
  return h.run({"--data", h.path(node), "account", "add", "--name", name, "--role", role},
               {"RENDA_PASSWORD=" + password});
}

// "%E4%B8%AD..." for a path or query part.
inline std::string enc(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace renda::webtest
