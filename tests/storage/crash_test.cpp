// SPDX-License-Identifier: Apache-2.0
// Crash test (F1): a child process (crash_child.cpp) imports a bundle of a few
// thousand changes in small batches, printing "committed N" after each
// commit; the parent kills it with SIGKILL after a seeded random delay, at
// least 200 times, reopening the store after each kill. The store must open,
// pass verify(), and hold at least every change the child reported committed.
// RENDA_CRASH_SEED and RENDA_CRASH_KILLS override the seed and kill count.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "net/files.h"
#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

#ifndef RENDA_CRASH_CHILD
#error "RENDA_CRASH_CHILD must name the storage_crash_child executable"
#endif

namespace renda::storage {
namespace {

using Clock = std::chrono::steady_clock;

uint64_t envNumber(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

struct ChildRun {
  bool finished = false;  // printed "done" and exited 0
  bool killed = false;    // we killed it before it finished
  int exitCode = -1;      // when it exited by itself
  uint64_t lastCommitted = 0;
  bool sawCommit = false;
  long startedUs = -1;  // when "started" arrived (the bundle was checked)
  std::string output;
};

// Starts the child on `storeDir`; kills it `delayUs` after the start (never,
// if < 0), unless it finished first.
ChildRun runChild(const std::string& storeDir, const std::string& bundle, size_t batch,
                  long delayUs, bool bulk = false) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::string batchArg = std::to_string(batch);
  auto start = Clock::now();
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    const char* argv[] = {RENDA_CRASH_CHILD, storeDir.c_str(), bundle.c_str(), batchArg.c_str(),
                          bulk ? "bulk" : nullptr, nullptr};
    ::execv(argv[0], const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(fds[1]);
  ChildRun run;
  auto elapsedUs = [&] {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
  };
  auto readSome = [&]() -> bool {  // false at end of file
    char buf[4096];
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) return false;
    run.output.append(buf, n);
    if (run.startedUs < 0 && run.output.find("started\n") != std::string::npos)
      run.startedUs = elapsedUs();
    return true;
  };
  bool eof = false;
  while (!eof) {
    struct timespec ts {};
    struct timespec* timeout = nullptr;
    if (delayUs >= 0) {
      long left = delayUs - elapsedUs();
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
    if (r <= 0) break;  // the delay is up
    eof = !readSome();
  }
  if (!eof) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  while (readSome()) {
  }
  ::close(fds[0]);
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (WIFEXITED(status)) run.exitCode = WEXITSTATUS(status);
  // Only whole lines count: a line cut by the kill was never acknowledged.
  std::istringstream lines(run.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (lines.eof()) break;  // no newline after it
    unsigned long long n = 0;
    if (std::sscanf(line.c_str(), "committed %llu", &n) == 1) {
      run.lastCommitted = n;
      run.sawCommit = true;
    }
    if (line == "done") run.finished = run.exitCode == 0;
  }
  return run;
}

TEST_CASE("Store: kill -9 during a bundle import never loses a committed batch",
          "[storage][crash]") {
  const uint64_t seed = envNumber("RENDA_CRASH_SEED", 20240611);
  const uint64_t kills = envNumber("RENDA_CRASH_KILLS", 200);
  std::cout << "crash test: seed " << seed << " (RENDA_CRASH_SEED), " << kills << " kills"
            << std::endl;
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  test::TempDir dir;
  test::County county;

  // 1. A source store with a few thousand changes by three keys, exported
  //    once as a bundle.
  constexpr size_t kChanges = 1600;
  std::string bundle = dir.sub("all.bundle");
  Hash sourceDigest;
  {
    auto src = test::openStore(dir.sub("src"), county);
    REQUIRE(src);
    std::vector<test::Signer> keys;
    keys.emplace_back(county.network, 1);
    keys.emplace_back(county.network, 2);
    keys.emplace_back(county.network, 3);
    std::vector<std::string> towns = {"", "城关镇", "河口乡"};
    std::vector<test::Signed> batch;
    batch.push_back(keys[0].introduce(county, "", Role::kCounty));
    batch.push_back(keys[1].introduce(county, towns[1], Role::kTownship));
    batch.push_back(keys[2].introduce(county, towns[2], Role::kTownship));
    std::vector<std::vector<std::pair<RecordId, ChangeId>>> own(3);
    size_t made = batch.size();
    while (made < kChanges) {
      size_t k = (made / 25) % 3;  // runs of 25 changes by one key, as nodes write them
      auto& mine = own[k];
      if (mine.size() < 5 || rng() % 2) {
        batch.push_back(keys[k].create(
            test::kBasicKinds[rng() % 4], towns[k],
            {{"name", "n" + std::to_string(made)}, {"note", test::filler(rng() % 200)}}));
        mine.push_back({batch.back().id, batch.back().id});
      } else {
        auto& [rid, last] = mine[rng() % mine.size()];
        batch.push_back(keys[k].update(rid, {last}, {{"phone", std::to_string(rng() % 100000)}}));
        last = batch.back().id;
      }
      ++made;
      if (batch.size() == 256 || made == kChanges) {
        REQUIRE(src->ingest(test::envelopesOf(batch)));
        batch.clear();
      }
    }
    REQUIRE(src->changeCount().value() == kChanges);
    sourceDigest = src->digest().value();
    net::BundleHeader h;
    h.network = county.network;
    h.producer = keys[0].publicKey();
    h.createdMs = 1800000000000ull;
    h.countyName = county.name;
    h.rootKey = county.root.publicKey();
    auto w = net::BundleWriter::create(bundle, h, keys[0].key());
    REQUIRE(w);
    REQUIRE(src->forEachMissing({}, [&](std::string_view e) { return (*w)->addChange(e); }));
    REQUIRE((*w)->finish());
  }
  REQUIRE(net::checkBundle(bundle, &county.network));

  const size_t batchSize = 40;
  std::string target = dir.sub("target");
  auto freshTarget = [&] {
    std::filesystem::remove_all(target);
    auto s = test::openStore(target, county);
    REQUIRE(s);
  };

  // 2. One uninterrupted import in each mode, to check the child and time a
  //    full run (bulk mode skips a flush per batch, so it is faster).
  struct Timing {
    long startUs = 0, importUs = 1;
  };
  auto timeFull = [&](bool bulk) {
    freshTarget();
    auto t0 = Clock::now();
    ChildRun full = runChild(target, bundle, batchSize, -1, bulk);
    long fullUs = static_cast<long>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    INFO("child output: " << full.output);
    REQUIRE(full.finished);
    REQUIRE(full.startedUs >= 0);
    REQUIRE(full.lastCommitted == kChanges);
    {
      auto s = test::openStore(target, county);
      REQUIRE(s->digest().value() == sourceDigest);
    }
    std::cout << "crash test: an uninterrupted" << (bulk ? " bulk" : "") << " import takes "
              << fullUs / 1000 << " ms (" << full.startedUs / 1000 << " ms to start)"
              << std::endl;
    return Timing{full.startedUs, std::max(1L, fullUs - full.startedUs)};
  };
  const Timing timing[2] = {timeFull(false), timeFull(true)};

  // 3. Kill at random points, reopening and checking after each.
  freshTarget();
  uint64_t killed = 0, cycles = 0, iterations = 0, midCommitKills = 0, restarts = 0;
  int64_t childUs = 0, verifyUs = 0;
  std::ostringstream trace;
  while (killed < kills && iterations < kills * 4) {
    ++iterations;
    // Now and then start over, so kills land in fresh imports as well as in
    // imports resumed after earlier kills.
    if (rng() % 3 == 0) {
      freshTarget();
      ++restarts;
    }
    uint64_t before = 0;
    {
      auto s = test::openStore(target, county);
      REQUIRE(s);
      before = s->changeCount().value();
    }
    // Half the runs import in bulk mode, as large `renda bundle import`s do.
    bool bulk = rng() % 2 == 0;
    // Uniform over the start-up and a little more than the import still to
    // do (changes already held are re-read as duplicates), so some runs finish.
    const Timing& t = timing[bulk ? 1 : 0];
    long span =
        t.startUs + static_cast<long>(1.1 * t.importUs * double(kChanges - before) / kChanges);
    long delayUs = static_cast<long>(rng() % static_cast<uint64_t>(span + 1));
    auto tc = Clock::now();
    ChildRun run = runChild(target, bundle, batchSize, delayUs, bulk);
    childUs += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - tc).count();
    trace << delayUs << (bulk ? "b" : "") << (run.killed ? "k " : "d ");
    INFO("iteration " << iterations << ", delay " << delayUs
                      << " us; delays so far (us): " << trace.str());
    INFO("child output: " << run.output);
    if (!run.killed) REQUIRE(run.finished);
    if (run.killed) ++killed;

    auto s = test::openStore(target, county);
    REQUIRE(s);
    uint64_t count = s->changeCount().value();
    CHECK(count >= before);
    if (run.sawCommit) CHECK(count >= run.lastCommitted);
    CHECK(count <= kChanges);
    if (run.killed && run.sawCommit && count > run.lastCommitted) ++midCommitKills;
    auto tv = Clock::now();
    auto v = s->verify();
    verifyUs += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - tv).count();
    REQUIRE(v);
    for (const auto& p : v->problems) FAIL_CHECK("verify after the kill: " << p);
    if (count == kChanges) {
      CHECK(s->digest().value() == sourceDigest);
      s.reset();
      freshTarget();
      ++cycles;
    }
  }
  std::cout << "crash test: " << killed << " kills in " << iterations << " runs, " << cycles
            << " complete imports, " << restarts << " fresh starts; " << midCommitKills
            << " kills landed after a commit but before its acknowledgement; child "
            << childUs / 1000 << " ms, verify " << verifyUs / 1000 << " ms" << std::endl;
  CHECK(killed >= kills);

  // 4. After all that, an uninterrupted import completes to the same state.
  ChildRun last = runChild(target, bundle, batchSize, -1);
  REQUIRE(last.finished);
  auto s = test::openStore(target, county);
  CHECK(s->digest().value() == sourceDigest);
  CHECK(s->verify().value().problems.empty());
}

}  // namespace
}  // namespace renda::storage
