// SPDX-License-Identifier: Apache-2.0
// Helpers for tests that drive the real `renda` binary as separate processes:
// a small JSON reader for --json output, a Harness with one temporary data
// folder per node and a simulated wall clock (RENDA_NOW_MS, one minute per
// command), bundle hops through summaries, and a County of three enrolled
// nodes (示范县 with 城关镇 "t1" and 东风乡 "t2"). Header-only; RENDA_BIN (set
// by tests/CMakeLists.txt) is the binary's path.
#pragma once

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#ifndef RENDA_BIN
#error "RENDA_BIN must name the renda binary (tests/CMakeLists.txt sets it)"
#endif

namespace renda::clitest {

namespace fs = std::filesystem;

// --- a small JSON reader for --json output ------------------------------------

struct JsonValue {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject } type = kNull;
  bool boolean = false;
  double number = 0;
  std::string str;
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  bool has(const std::string& k) const {
    for (const auto& [name, v] : members)
      if (name == k) return true;
    return false;
  }
  const JsonValue& operator[](const std::string& k) const {
    INFO("JSON key " << k);
    REQUIRE(type == kObject);
    for (const auto& [name, v] : members)
      if (name == k) return v;
    FAIL("no key " << k);
    return *this;
  }
  const JsonValue& operator[](size_t i) const {
    REQUIRE(type == kArray);
    REQUIRE(i < items.size());
    return items[i];
  }
  size_t size() const { return type == kArray ? items.size() : members.size(); }
};

class JsonParser {
 public:
  explicit JsonParser(const std::string& text) : s_(text) {}
  JsonValue parseAll() {
    JsonValue v = value();
    ws();
    INFO("JSON: " << s_);
    REQUIRE(i_ == s_.size());
    return v;
  }

 private:
  void ws() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  char peek() {
    ws();
    INFO("JSON ended early: " << s_);
    REQUIRE(i_ < s_.size());
    return s_[i_];
  }
  void expect(char c) {
    INFO("JSON: expected '" << c << "' at " << i_ << " in " << s_);
    REQUIRE(peek() == c);
    ++i_;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      REQUIRE(i_ < s_.size());
      char c = s_[i_++];
      if (c == '"') break;
      if (c != '\\') {
        out += c;
        continue;
      }
      REQUIRE(i_ < s_.size());
      char e = s_[i_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          REQUIRE(i_ + 4 <= s_.size());
          unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
          i_ += 4;
          REQUIRE(cp < 0x80);  // renda only escapes control characters
          out += static_cast<char>(cp);
          break;
        }
        default: out += e;
      }
    }
    return out;
  }
  JsonValue value() {
    JsonValue v;
    char c = peek();
    if (c == '{') {
      v.type = JsonValue::kObject;
      ++i_;
      if (peek() == '}') {
        ++i_;
        return v;
      }
      while (true) {
        std::string k = string();
        expect(':');
        v.members.emplace_back(k, value());
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = JsonValue::kArray;
      ++i_;
      if (peek() == ']') {
        ++i_;
        return v;
      }
      while (true) {
        v.items.push_back(value());
        if (peek() == ',') {
          ++i_;
          continue;
        }
        expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = JsonValue::kString;
      v.str = string();
      return v;
    }
    for (const char* word : {"true", "false", "null"}) {
      if (s_.compare(i_, std::strlen(word), word) == 0) {
        i_ += std::strlen(word);
        v.type = word[0] == 'n' ? JsonValue::kNull : JsonValue::kBool;
        v.boolean = word[0] == 't';
        return v;
      }
    }
    size_t used = 0;
    v.type = JsonValue::kNumber;
    v.number = std::stod(s_.substr(i_), &used);
    REQUIRE(used > 0);
    i_ += used;
    return v;
  }
  const std::string& s_;
  size_t i_ = 0;
};

inline JsonValue parseJson(const std::string& text) { return JsonParser(text).parseAll(); }

// --- running renda --------------------------------------------------------------

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  REQUIRE(out.good());
}

struct Run {
  int code = -1;
  std::string out, err;
  std::string describe() const { return "exit " + std::to_string(code) + "\nstdout:\n" + out +
                                        "stderr:\n" + err; }
};

// A new folder under $TMPDIR (else /tmp) named <prefix>-XXXXXX; the caller removes it.
inline std::string makeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  REQUIRE(::mkdtemp(buf.data()) != nullptr);
  return buf.data();
}

// A scratch area under $TMPDIR with one data folder per node, and a simulated
// wall clock (RENDA_NOW_MS) that moves one minute per command.
class Harness {
 public:
  Harness() : root_(makeTempDir("renda-cli")) {}
  ~Harness() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string path(const std::string& name) const { return root_ + "/" + name; }
  // The simulated clock: the next command runs one minute after this.
  uint64_t nowMs() const { return nowMs_; }
  void advanceClock(uint64_t ms) { nowMs_ += ms; }

  // Runs `renda args...` with a clean environment (plus `extraEnv`), stdin from
  // /dev/null, and returns the exit code and output.
  Run run(const std::vector<std::string>& args, const std::vector<std::string>& extraEnv = {}) {
    return wait(spawn(args, extraEnv));
  }
  // Starts `renda args...` as run() does, without waiting: for tests that
  // stop it part-way (kill -9) or run two at once (each with its own `tag`,
  // which names its output files). wait() collects it.
  pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& extraEnv = {},
              const std::string& tag = "") {
    nowMs_ += 60000;
    std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + root_,
                                    "TMPDIR=" + root_, "RENDA_NOW_MS=" + std::to_string(nowMs_)};
    env.insert(env.end(), extraEnv.begin(), extraEnv.end());
    // A sanitizer build's settings reach the renda it runs.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"})
      if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
    std::vector<std::string> argv = {RENDA_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string outPath = path(tag + "stdout.txt"), errPath = path(tag + "stderr.txt");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, RENDA_BIN, &fa, nullptr, cargv.data(), cenv.data());
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(rc == 0);
    return pid;
  }
  // Waits for a spawn()ed renda; a signal's death is exit code 128 + signal.
  Run wait(pid_t pid, const std::string& tag = "") {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readFile(path(tag + "stdout.txt"));
    r.err = readFile(path(tag + "stderr.txt"));
    return r;
  }

  // `renda --data <node> args...`, which must exit 0.
  Run ok(const std::string& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", path(node)});
    Run r = run(args);
    INFO("renda --data " << node << " " << join(args) << "\n" << r.describe());
    REQUIRE(r.code == 0);
    return r;
  }
  // `renda --data <node> args...`, with its exit code checked by the caller.
  Run at(const std::string& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", path(node)});
    return run(args);
  }

  JsonValue json(const std::string& node, std::vector<std::string> args) {
    args.push_back("--json");
    return parseJson(ok(node, std::move(args)).out);
  }
  std::string digest(const std::string& node) {
    std::string d = ok(node, {"digest"}).out;
    REQUIRE(d.size() == 65);
    return d;
  }
  int64_t changes(const std::string& node) {
    return static_cast<int64_t>(json(node, {"status"})["changes"].number);
  }
  // Adds a record and returns its full id.
  std::string add(const std::string& node, const std::string& kind,
                  std::vector<std::string> fields) {
    fields.insert(fields.begin(), {kind, "add"});
    fields.push_back("--json");
    std::string id = parseJson(ok(node, fields).out)["id"].str;
    REQUIRE(id.size() == 64);
    return id;
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  }

 private:
  std::string root_;
  uint64_t nowMs_ = 1767225600000ull;  // 2026-01-01 00:00 UTC
};

inline std::string nodeKeyFrom(const std::string& initOut) {
  auto at = initOut.find("Node key: ");
  REQUIRE(at != std::string::npos);
  std::string key = initOut.substr(at + 10, 64);
  REQUIRE(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  return key;
}

inline size_t countOf(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Refused with `code`, saying each of `says`, and nothing written on `node`.
inline void refused(Harness& h, const std::string& node, const std::vector<std::string>& args,
                    int code, const std::vector<std::string>& says) {
  std::string before = h.digest(node);
  int64_t changes = h.changes(node);
  Run r = h.at(node, args);
  INFO("renda --data " << node << " " << Harness::join(args) << "\n" << r.describe());
  CHECK(r.code == code);
  for (const auto& s : says) CHECK_THAT(r.err, Catch::Contains(s));
  CHECK(h.digest(node) == before);
  CHECK(h.changes(node) == changes);
}
inline void refused(Harness& h, const std::string& node, const std::vector<std::string>& args,
                    int code, const char* says) {
  refused(h, node, args, code, std::vector<std::string>{says});
}

// One bundle hop: `to` writes its summary, `from` exports what it lacks, `to`
// imports it. Returns the import's output.
inline Run hop(Harness& h, const std::string& from, const std::string& to, const std::string& tag) {
  std::string sum = h.path(tag + ".summary"), bundle = h.path(tag + ".bundle");
  h.ok(to, {"summary", "-o", sum});
  h.ok(from, {"bundle", "export", "--for", sum, "-o", bundle});
  return h.ok(to, {"bundle", "import", bundle});
}

// A county office (示范县) and two enrolled townships, 城关镇 (t1) and 东风乡 (t2).
struct County {
  Harness h;
  County() {
    Run c = h.ok("county", {"county", "init", "--name", "示范县"});
    REQUIRE_THAT(c.out, Catch::Contains("示范县"));
    for (auto [node, township] : {std::pair<const char*, const char*>{"t1", "城关镇"},
                                  {"t2", "东风乡"}}) {
      std::string key = nodeKeyFrom(h.ok(node, {"init"}).out);
      std::string enroll = h.path(std::string("enroll-") + node + ".bundle");
      h.ok("county", {"enroll", "--node", key, "--township", township, "-o", enroll});
      Run j = h.ok(node, {"join", enroll});
      CHECK_THAT(j.out, Catch::Contains(township));
      JsonValue st = h.json(node, {"status"});
      CHECK(st["township"].str == township);
      CHECK(st["county"].str == "示范县");
      CHECK(st["enrolled"].boolean);
    }
  }
};

}  // namespace renda::clitest
