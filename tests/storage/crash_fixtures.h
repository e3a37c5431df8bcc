// SPDX-License-Identifier: Apache-2.0
// Shared by the kill -9 test (crash_test.cpp) and the power-loss test
// (powerloss_test.cpp): a source of changes exported as a bundle, running the
// crash child (crash_child.cpp) and reading what it acknowledged, and the set
// of change ids a store holds.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "net/files.h"
#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

#ifndef RENDA_CRASH_CHILD
#error "RENDA_CRASH_CHILD must name the storage_crash_child executable"
#endif

extern char** environ;

namespace renda::test {

inline uint64_t envNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

inline ChangeId idOfEnvelope(std::string_view envelope) {
  auto e = decodeEnvelope(crypto::asBytes(envelope));
  REQUIRE(e);
  return crypto::changeId(crypto::asBytes(e->body));
}

// Every change id `store` holds (read through its API, not its count).
inline std::set<ChangeId> heldIds(storage::Store& store) {
  std::set<ChangeId> out;
  Status s = store.forEachMissing({}, [&](std::string_view e) {
    auto env = decodeEnvelope(crypto::asBytes(e));
    if (!env) return env.status();
    out.insert(crypto::changeId(crypto::asBytes(env->body)));
    return Status::ok();
  });
  REQUIRE(s);
  return out;
}

// A county office and two townships' changes (runs of 25 by one key, as nodes
// write them; creates and edits of their own records), exported as a bundle.
struct Source {
  std::string bundle;
  std::vector<std::string> envelopes;  // in bundle order
  std::vector<ChangeId> ids;           // of `envelopes`
  Hash digest;                         // of a store holding all of them
};

inline Source makeSource(const TempDir& dir, const County& county, size_t changes,
                         uint64_t seed) {
  std::mt19937_64 rng(seed);
  Source out;
  out.bundle = dir.sub("all.bundle");
  auto src = openStore(dir.sub("src"), county);
  REQUIRE(src);
  std::vector<Signer> keys;
  for (uint64_t k = 1; k <= 3; ++k) keys.emplace_back(county.network, k);
  std::vector<std::string> towns = {"", "城关镇", "河口乡"};
  std::vector<Signed> batch;
  batch.push_back(keys[0].introduce(county, "", Role::kCounty));
  batch.push_back(keys[1].introduce(county, towns[1], Role::kTownship));
  batch.push_back(keys[2].introduce(county, towns[2], Role::kTownship));
  std::vector<std::vector<std::pair<RecordId, ChangeId>>> own(3);
  size_t made = batch.size();
  while (made < changes) {
    size_t k = (made / 25) % 3;
    auto& mine = own[k];
    if (mine.size() < 5 || rng() % 2) {
      batch.push_back(keys[k].create(
          kBasicKinds[rng() % 4], towns[k],
          {{"name", "n" + std::to_string(made)}, {"note", filler(rng() % 200)}}));
      mine.push_back({batch.back().id, batch.back().id});
    } else {
      auto& [rid, last] = mine[rng() % mine.size()];
      batch.push_back(keys[k].update(rid, {last}, {{"phone", std::to_string(rng() % 100000)}}));
      last = batch.back().id;
    }
    ++made;
    if (batch.size() == 256 || made == changes) {
      REQUIRE(src->ingest(envelopesOf(batch)));
      batch.clear();
    }
  }
  REQUIRE(src->changeCount().value() == changes);
  out.digest = src->digest().value();
  out.envelopes = allEnvelopes(*src);
  REQUIRE(out.envelopes.size() == changes);
  for (const auto& e : out.envelopes) out.ids.push_back(idOfEnvelope(e));
  net::BundleHeader h;
  h.network = county.network;
  h.producer = keys[0].publicKey();
  h.createdMs = 1800000000000ull;
  h.countyName = county.name;
  h.rootKey = county.root.publicKey();
  auto w = net::BundleWriter::create(out.bundle, h, keys[0].key());
  REQUIRE(w);
  for (const auto& e : out.envelopes) REQUIRE((*w)->addChange(e));
  REQUIRE((*w)->finish());
  REQUIRE(net::checkBundle(out.bundle, &county.network));
  return out;
}

// When to kill the child: `delayUs` after the first line starting with
// `after` arrived (after the start when `after` is empty); never when
// delayUs < 0.
struct KillPlan {
  std::string after;
  long delayUs = -1;
};

struct ChildRun {
  bool finished = false;  // printed "done" and exited 0
  bool killed = false;    // we killed it before it finished
  int exitCode = -1;      // when it exited by itself
  long afterUs = -1;      // when the plan's line arrived, from the start
  long endUs = 0;         // when it ended, from the start
  std::vector<std::string> lines;  // whole lines only: a cut line was never acknowledged
  std::vector<long> lineUs;        // when each line arrived, from the start
  std::string output;

  bool saw(const std::string& line) const { return arrivedUs(line) >= 0; }
  // When `line` first arrived, from the start; -1 if it never did.
  long arrivedUs(const std::string& line) const {
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i] == line) return lineUs[i];
    return -1;
  }
  // Lines starting with `prefix`, in order.
  std::vector<std::string> starting(const std::string& prefix) const {
    std::vector<std::string> out;
    for (const auto& l : lines)
      if (l.compare(0, prefix.size(), prefix) == 0) out.push_back(l);
    return out;
  }
};

// Runs the crash child with `args` (and `env` added to this environment),
// reading its acknowledgements from a pipe, and kills it as `plan` says.
inline ChildRun runChild(const std::vector<std::string>& args, const KillPlan& plan,
                         const std::vector<std::string>& env = {}) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::string> envStrings(env);
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    bool replaced = false;
    for (const auto& mine : env)
      replaced |= kv.compare(0, kv.find('=') + 1, mine.substr(0, mine.find('=') + 1)) == 0;
    if (!replaced) envStrings.push_back(kv);
  }
  std::vector<char*> argv{const_cast<char*>(RENDA_CRASH_CHILD)}, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : envStrings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto start = Clock::now();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ChildRun run;
  auto elapsedUs = [&] {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
  };
  if (plan.after.empty()) run.afterUs = 0;
  size_t scanned = 0;  // output before this is whole lines already looked at
  auto readSome = [&]() -> bool {  // false at end of file
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    run.output.append(buf, size_t(n));
    for (size_t end; (end = run.output.find('\n', scanned)) != std::string::npos;
         scanned = end + 1) {
      run.lines.push_back(run.output.substr(scanned, end - scanned));
      run.lineUs.push_back(elapsedUs());
      if (run.afterUs < 0 && run.lines.back().compare(0, plan.after.size(), plan.after) == 0)
        run.afterUs = run.lineUs.back();
    }
    return true;
  };
  bool eof = false;
  while (!eof) {
    struct timespec ts {};
    struct timespec* timeout = nullptr;
    if (plan.delayUs >= 0 && run.afterUs >= 0) {
      long left = run.afterUs + plan.delayUs - elapsedUs();
      if (left <= 0) break;
      ts.tv_sec = left / 1000000;
      ts.tv_nsec = (left % 1000000) * 1000;
      timeout = &ts;
    }
    struct pollfd p {
      fds[0], POLLIN, 0
    };
    int r = ::ppoll(&p, 1, timeout, nullptr);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (r == 0) break;  // the delay is up
    eof = !readSome();
  }
  if (!eof) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.endUs = elapsedUs();
  while (readSome()) {
  }
  ::close(fds[0]);
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
  run.finished = run.exitCode == 0 && run.saw("done");
  return run;
}

// The number in "<word> N ..." lines, or nullopt.
inline std::optional<uint64_t> numberAfter(const std::string& line, size_t word) {
  std::istringstream in(line);
  std::string w;
  for (size_t i = 0; i < word && in >> w;) ++i;
  uint64_t n = 0;
  if (in >> n) return n;
  return std::nullopt;
}

}  // namespace renda::test
