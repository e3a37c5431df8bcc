// SPDX-License-Identifier: Apache-2.0
// Helpers for the multi-node tests: a Cluster of data folders under one
// scratch folder, the `renda` CLI run against them (on the real clock: the
// serve processes and the CLI must agree on the time), and `renda serve`
// processes started, killed (kill -9) and restarted on loopback ports, each
// logging to its own file. Header-only; RENDA_BIN is the binary's path.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "app/node/node.h"
#include "tests/app/cli_fixtures.h"
#include "tests/multinode/fault_proxy.h"

namespace renda::multinode {

namespace fs = std::filesystem;
using clitest::JsonValue;
using clitest::parseJson;
using clitest::readFile;
using clitest::Run;

inline uint64_t envNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

inline void sleepMs(uint64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

inline uint64_t steadyNowMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// The last `lines` lines of `text`.
inline std::string tail(const std::string& text, size_t lines) {
  size_t at = text.size();
  for (size_t n = 0; at > 0 && n <= lines; --at)
    if (text[at - 1] == '\n' && ++n > lines) break;
  return text.substr(at);
}

// One `renda serve` process of the cluster.
struct ServeProcess {
  std::string node;
  uint16_t port = 0;            // where it listens (127.0.0.1)
  std::vector<uint16_t> peers;  // its neighbours' ports (usually proxies)
  pid_t pid = 0;                // 0: not running
  int starts = 0;
  std::string ended;  // how it ended when it stopped by itself
};

class Cluster {
 public:
  Cluster() : root_(clitest::makeTempDir("renda-multi")) {}
  ~Cluster() {
    for (auto& [name, p] : serves_)
      if (p.pid) {
        ::kill(p.pid, SIGKILL);
        ::waitpid(p.pid, nullptr, 0);
      }
    std::error_code ec;
    if (std::getenv("RENDA_KEEP_DATA"))
      std::cout << "data kept in " << root_ << "\n";
    else
      fs::remove_all(root_, ec);
  }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  const std::string& root() const { return root_; }
  std::string path(const std::string& name) const { return root_ + "/" + name; }
  std::string logPath(const std::string& node) const { return path(node + ".log"); }

  // Runs `renda --data <node> args...` with a clean environment and waits.
  Run at(const std::string& node, std::vector<std::string> args) {
    args.insert(args.begin(), {"--data", path(node)});
    return wait(spawn(args, path("cmd-stdout.txt"), path("cmd-stderr.txt"), false));
  }
  // The same, which must exit 0.
  Run ok(const std::string& node, std::vector<std::string> args) {
    Run r = at(node, args);
    INFO("renda --data " << node << " " << clitest::Harness::join(args) << "\n" << r.describe());
    REQUIRE(r.code == 0);
    return r;
  }
  JsonValue json(const std::string& node, std::vector<std::string> args) {
    args.push_back("--json");
    return parseJson(ok(node, std::move(args)).out);
  }
  std::string digest(const std::string& node) {
    std::string d = ok(node, {"digest"}).out;
    REQUIRE(d.size() == 65);
    return d.substr(0, 64);
  }
  int64_t changes(const std::string& node) {
    return int64_t(json(node, {"status"})["changes"].number);
  }

  // Declares a serve process for `node` (not started): its listen port is
  // picked now, its neighbours' ports are given.
  ServeProcess& declareServe(const std::string& node) {
    ServeProcess& p = serves_[node];
    p.node = node;
    if (!p.port) p.port = freeLoopbackPort();
    return p;
  }
  ServeProcess& serve(const std::string& node) {
    REQUIRE(serves_.count(node));
    return serves_[node];
  }

  // Starts (or restarts) `renda serve` for `node` and waits until it listens.
  // When its port was taken meanwhile it moves to another and calls
  // onPortMoved (the proxies in front of it follow).
  void start(const std::string& node, const std::function<void(uint16_t)>& onPortMoved = {}) {
    ServeProcess& p = serve(node);
    REQUIRE(p.pid == 0);
    p.ended.clear();
    for (int attempt = 0;; ++attempt) {
      std::string log = logPath(node);
      size_t offset = fs::exists(log) ? fs::file_size(log) : 0;
      std::vector<std::string> args = {"--data",
                                       path(node),
                                       "serve",
                                       "--listen",
                                       "127.0.0.1:" + std::to_string(p.port),
                                       "--discovery",
                                       "off",
                                       "--routine",
                                       "1",
                                       "--max-backoff",
                                       "2"};
      for (uint16_t peer : p.peers) {
        args.push_back("--peer");
        args.push_back("127.0.0.1:" + std::to_string(peer));
      }
      p.pid = spawn(args, path(node + ".stdout"), log, true);
      ++p.starts;
      std::string want = "listening on 127.0.0.1:" + std::to_string(p.port);
      uint64_t deadline = steadyNowMs() + 15'000;
      bool exited = false;
      while (steadyNowMs() < deadline) {
        if (readFile(log).find(want, offset) != std::string::npos) return;
        int status = 0;
        if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
          exited = true;
          break;
        }
        sleepMs(20);
      }
      std::string said = readFile(log).substr(offset);
      if (!exited) {
        ::kill(p.pid, SIGKILL);
        ::waitpid(p.pid, nullptr, 0);
      }
      p.pid = 0;
      INFO("renda serve for " << node << " did not start:\n" << said);
      REQUIRE(attempt < 5);
      REQUIRE(said.find("cannot listen") != std::string::npos);
      p.port = freeLoopbackPort();
      if (onPortMoved) onPortMoved(p.port);
    }
  }
  // kill -9, and waits for the process to be gone.
  void kill9(const std::string& node) {
    ServeProcess& p = serve(node);
    REQUIRE(p.pid != 0);
    REQUIRE(::kill(p.pid, SIGKILL) == 0);
    REQUIRE(::waitpid(p.pid, nullptr, 0) == p.pid);
    p.pid = 0;
  }
  // SIGTERM, and waits (kill -9 after 10 s).
  void stop(const std::string& node) {
    ServeProcess& p = serve(node);
    if (!p.pid) return;
    ::kill(p.pid, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
        p.pid = 0;
        return;
      }
      sleepMs(20);
    }
    kill9(node);
  }
  // Whether the serve process of `node` still runs (it has not died by itself).
  bool running(const std::string& node) {
    ServeProcess& p = serve(node);
    if (!p.pid) return false;
    int status = 0;
    if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
      p.pid = 0;
      p.ended = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                                  : "ended by signal " + std::to_string(WTERMSIG(status)) +
                                        " (not sent by this test)";
      return false;
    }
    return true;
  }

  // Fails when the serve process of any of `nodes` has stopped without the test stopping it.
  void requireRunning(const std::vector<std::string>& nodes) {
    for (const auto& node : nodes)
      if (!running(node)) FAIL("renda serve for " << node << " stopped: " << serve(node).ended);
  }

  // The last `lines` lines of each serve log, for a failure's message.
  std::string logTails(size_t lines = 25) const {
    std::string out;
    for (const auto& [name, p] : serves_) {
      out += "---- " + name + " (port " + std::to_string(p.port) + ", started " +
             std::to_string(p.starts) + "x" + (p.pid ? "" : ", not running") +
             (p.ended.empty() ? "" : ", " + p.ended) + "): last lines of its log\n";
      out += tail(readFile(logPath(name)), lines);
    }
    return out;
  }

 private:
  // fork + exec rather than posix_spawn: the child gets PR_SET_PDEATHSIG, so
  // no renda process outlives a test process that dies (a crash, a timeout).
  pid_t spawn(const std::vector<std::string>& args, const std::string& outPath,
              const std::string& errPath, bool appendErr) {
    std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + root_,
                                    "TMPDIR=" + root_};
    // A sanitizer build's settings reach the renda it runs.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"})
      if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
    std::vector<std::string> argv = {RENDA_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv, cenv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    for (auto& e : env) cenv.push_back(e.data());
    cenv.push_back(nullptr);
    int errFlags = O_WRONLY | O_CREAT | O_CLOEXEC | (appendErr ? O_APPEND : O_TRUNC);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Only async-signal-safe calls from here on.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      int err = ::open(errPath.c_str(), errFlags, 0600);
      if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 ||
          ::dup2(err, 2) < 0)
        ::_exit(127);
      ::execve(RENDA_BIN, cargv.data(), cenv.data());
      ::_exit(127);
    }
    return pid;
  }
  Run wait(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readFile(path("cmd-stdout.txt"));
    r.err = readFile(path("cmd-stderr.txt"));
    return r;
  }

  std::string root_;
  std::map<std::string, ServeProcess> serves_;
};

// Sets up a county office ("county", 示范县) and `townships` enrolled nodes
// ("t1".., with their township names) in `c`.
inline void setUpCounty(Cluster& c, const std::vector<std::string>& townships) {
  c.ok("county", {"county", "init", "--name", "示范县"});
  for (size_t i = 0; i < townships.size(); ++i) {
    std::string node = "t" + std::to_string(i + 1);
    std::string key = clitest::nodeKeyFrom(c.ok(node, {"init"}).out);
    std::string enroll = c.path("enroll-" + node + ".bundle");
    c.ok("county", {"enroll", "--node", key, "--township", townships[i], "-o", enroll});
    c.ok(node, {"join", enroll});
  }
}

// `count` deputies of 城关镇 written by the node in `dir`, 500 to a transaction.
inline void writeBacklog(const std::string& dir, int count) {
  auto node = app::Node::open(dir);
  REQUIRE(node);
  for (int done = 0; done < count;) {
    std::vector<storage::LocalEdit> edits;
    for (; done < count && edits.size() < 500; ++done) {
      storage::LocalEdit e;
      e.op = OpKind::kCreate;
      e.kind = RecordKind::kDeputy;
      e.scope = "城关镇";
      e.fields = {{"name", "积压代表" + std::to_string(done)},
                  {"phone", std::to_string(13500000000ll + done)},
                  {"post", "第" + std::to_string(done % 40) + "村村委会"}};
      edits.push_back(std::move(e));
    }
    auto ids = (*node)->writeBatch(edits);
    INFO(ids.status().message());
    REQUIRE(ids);
  }
}

}  // namespace renda::multinode
