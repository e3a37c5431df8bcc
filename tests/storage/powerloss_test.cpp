// SPDX-License-Identifier: Apache-2.0
// Power-loss simulation (reliability.md §3.4 C2), after SQLite's crash VFS.
// The crash child (crash_child.cpp, "script": ingest batches, local
// authoring, a bulk import, a bulk import whose source fails) runs once under
// an LD_PRELOAD shim (powerloss_shim.cpp) that journals every write and sync
// of data.mdb and lock.mdb and every acknowledgement line, in order. Then,
// for each of ~100 seeded crash points k in the journal, it builds ~20 disk
// images: what the disk must hold at k (the store as it was, plus every write
// before the last barrier: fsync, fdatasync, msync, or a write through an
// O_DSYNC/O_SYNC descriptor) plus a random subset of the later writes, in
// random order, the write under way at k among them, one of them maybe torn
// at a 512-byte sector boundary, and the file maybe longer than the writes
// that landed. Each image is opened by the real store in a forked process,
// which requires: it opens, its meta page names no page past the end of the
// file, verify() passes, a cursor walks every table, and it holds every
// change the child acknowledged (in bulk mode a commit is promised only once
// the next commit or endBulk() has synced it: docs/design-notes.md).
// A control run sets MDB_NOSYNC in the child and must be found losing
// acknowledged changes: the harness can see a missing flush.
// RENDA_POWERLOSS_SEED, _POINTS and _IMAGES override the seed and counts.
#include <fcntl.h>
#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "storage/store.h"
#include "tests/storage/crash_fixtures.h"
#include "tests/storage/powerloss_journal.h"

#ifndef RENDA_POWERLOSS_SHIM
#error "RENDA_POWERLOSS_SHIM must name the storage_powerloss_shim library"
#endif

namespace renda::storage {
namespace {

namespace pl = test::powerloss;
using Clock = std::chrono::steady_clock;

constexpr size_t kSectorBytes = 512;
// The child's initial map: the store outgrows it during the run.
constexpr size_t kChildMapBytes = size_t(128) << 10;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::string& path, std::string_view bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
  REQUIRE(::close(fd) == 0);
}

struct Op {
  char kind = 0;
  uint8_t file = 0;
  uint8_t flags = 0;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  size_t data = 0;  // where its data starts in Journal::raw
};

struct Journal {
  std::string raw;
  std::vector<Op> ops;
  std::string_view dataOf(const Op& op) const {
    return std::string_view(raw).substr(op.data, op.bytes);
  }
  bool isDataWrite(size_t i) const { return ops[i].kind == 'W' && ops[i].file == pl::kData; }
  // A barrier for data.mdb: everything written to it before is on the disk.
  bool isDataBarrier(size_t i) const {
    const Op& op = ops[i];
    return op.file == pl::kData &&
           (op.kind == 'S' || (op.kind == 'W' && (op.flags & pl::kSyncWrite)));
  }
};

Journal readJournal(const std::string& path) {
  Journal j;
  j.raw = readFile(path);
  size_t at = 0;
  while (at < j.raw.size()) {
    REQUIRE(at + sizeof(pl::RecordHeader) <= j.raw.size());
    pl::RecordHeader h;
    std::memcpy(&h, j.raw.data() + at, sizeof h);
    at += sizeof h;
    REQUIRE(at + h.bytes <= j.raw.size());
    j.ops.push_back({char(h.kind), h.file, h.flags, h.offset, h.bytes, at});
    at += h.bytes;
  }
  return j;
}

void applyWrite(std::string& file, uint64_t offset, std::string_view data) {
  if (file.size() < offset + data.size()) file.resize(offset + data.size(), '\0');
  std::memcpy(file.data() + offset, data.data(), data.size());
}

// An acknowledgement the child wrote: its position in the journal and the
// changes it names.
struct Ack {
  size_t op = 0;
  std::string line;
  std::vector<ChangeId> ids;
  bool durable = true;  // false: a bulk-mode commit, promised once another follows
};

std::vector<Ack> acksOf(const Journal& j, const test::Source& source) {
  std::vector<Ack> out;
  for (size_t i = 0; i < j.ops.size(); ++i) {
    if (j.ops[i].kind != 'M') continue;
    std::string_view data = j.dataOf(j.ops[i]);
    REQUIRE((!data.empty() && data.back() == '\n'));  // the child writes whole lines
    Ack a;
    a.op = i;
    a.line = std::string(data.substr(0, data.size() - 1));
    std::istringstream in(a.line);
    std::string word;
    in >> word;
    if (word == "ingested" || word == "bulk" || word == "flushed") {
      size_t from = 0, to = 0;
      REQUIRE((in >> from >> to));
      REQUIRE((from <= to && to <= source.ids.size()));
      a.ids.assign(source.ids.begin() + from, source.ids.begin() + to);
      a.durable = word != "bulk";
    } else if (word == "authored") {
      std::string hex;
      in >> hex;
      auto id = fixedFromHex<ChangeId>(hex);
      REQUIRE(id);
      a.ids.push_back(*id);
    }
    out.push_back(std::move(a));
  }
  return out;
}

// The changes a crash at op k must not lose, each with the ack that promised it.
std::vector<std::pair<ChangeId, const Ack*>> promisedBefore(const std::vector<Ack>& acks,
                                                            size_t k) {
  std::vector<std::pair<ChangeId, const Ack*>> out;
  for (size_t i = 0; i < acks.size() && acks[i].op < k; ++i) {
    bool followed = i + 1 < acks.size() && acks[i + 1].op < k;
    if (!acks[i].durable && !followed) continue;
    for (const auto& id : acks[i].ids) out.push_back({id, &acks[i]});
  }
  return out;
}

// Disk images at crash points, in increasing order of k.
class Images {
 public:
  Images(const Journal& j, std::string data, std::string lock)
      : j_(j), durable_(std::move(data)), lockBytes_(lock.size()) {}

  // Moves to crash point k: ops before k completed, op k under way.
  void advanceTo(size_t k) {
    REQUIRE(k >= k_);
    size_t barrier = applied_;  // ops before this are in durable_
    for (size_t i = applied_; i < k; ++i)
      if (j_.isDataBarrier(i)) barrier = i + 1;
    for (size_t i = applied_; i < barrier; ++i) {
      const Op& op = j_.ops[i];
      if (j_.isDataWrite(i)) applyWrite(durable_, op.offset, j_.dataOf(op));
      if (op.kind == 'T' && op.file == pl::kLock) lockBytes_ = op.offset;
    }
    applied_ = barrier;
    pending_.clear();
    for (size_t i = barrier; i <= k && i < j_.ops.size(); ++i) {
      if (j_.isDataWrite(i)) pending_.push_back(i);
      if (i < k && j_.ops[i].kind == 'T' && j_.ops[i].file == pl::kLock)
        lockBytes_ = j_.ops[i].offset;
    }
    k_ = k;
  }

  // Writes one image of the current crash point into `dir`; says how in `how`.
  void write(const std::string& dir, std::mt19937_64& rng, std::string& how) {
    std::string data = durable_;
    // Which later writes reached the disk: each with one probability per image.
    double landed = double(rng() % 5) / 4;
    std::vector<size_t> chosen;
    uint64_t extent = data.size();
    for (size_t i : pending_) {
      const Op& op = j_.ops[i];
      extent = std::max(extent, op.offset + op.bytes);
      if (std::uniform_real_distribution<double>(0, 1)(rng) < landed) chosen.push_back(i);
    }
    std::shuffle(chosen.begin(), chosen.end(), rng);
    // Maybe one of them torn: only some of its 512-byte sectors landed.
    std::optional<size_t> torn;
    if (!chosen.empty() && rng() % 3 == 0) {
      size_t i = chosen[rng() % chosen.size()];
      if (j_.ops[i].bytes > kSectorBytes) torn = i;
    }
    for (size_t i : chosen) {
      const Op& op = j_.ops[i];
      std::string_view bytes = j_.dataOf(op);
      if (torn != i) {
        applyWrite(data, op.offset, bytes);
        continue;
      }
      for (uint64_t at = op.offset; at < op.offset + op.bytes;) {
        uint64_t end = std::min(op.offset + op.bytes, (at / kSectorBytes + 1) * kSectorBytes);
        if (rng() % 2) applyWrite(data, at, bytes.substr(at - op.offset, end - at));
        at = end;
      }
    }
    // The file's length may have reached the disk without the data.
    bool longer = rng() % 2 == 0;
    if (longer && data.size() < extent) data.resize(extent, '\0');
    writeFile(dir + "/data.mdb", data);
    // lock.mdb is written through a shared mapping no shim sees: anything.
    std::string lock(lockBytes_, '\0');
    bool garbage = rng() % 2 == 0;
    if (garbage)
      for (auto& c : lock) c = static_cast<char>(rng());
    writeFile(dir + "/lock.mdb", lock);
    std::ostringstream o;
    o << chosen.size() << " of " << pending_.size() << " later writes landed"
      << (torn ? ", one torn" : "") << (longer ? ", file at its full length" : "")
      << (garbage ? ", lock file garbage" : "");
    how = o.str();
  }

 private:
  const Journal& j_;
  std::string durable_;
  uint64_t lockBytes_ = 0;
  size_t k_ = 0, applied_ = 0;
  std::vector<size_t> pending_;
};

// Walks every table of the environment with a cursor; "" or what failed.
std::string walkTables(Env& env) {
  auto txn = ReadTxn::begin(env);
  if (!txn) return txn.status().message();
  MDB_dbi main;
  if (int rc = mdb_dbi_open(txn->get(), nullptr, 0, &main); rc) return mdb_strerror(rc);
  std::vector<std::string> names;
  {
    auto c = Cursor::open(*txn, main);
    if (!c) return c.status().message();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return "the table of tables: " + ok.status().message();
      if (!*ok) break;
      names.emplace_back(viewOf(c->key()));
    }
  }
  for (const auto& name : names) {
    MDB_dbi dbi;
    if (int rc = mdb_dbi_open(txn->get(), name.c_str(), 0, &dbi); rc)
      return name + ": " + mdb_strerror(rc);
    auto c = Cursor::open(*txn, dbi);
    if (!c) return name + ": " + c.status().message();
    uint64_t n = 0;
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return name + ": " + ok.status().message();
      if (!*ok) break;
      ++n;
    }
    auto entries = txn->entries(dbi);
    if (!entries || *entries != n)
      return name + ": a cursor found " + std::to_string(n) + " entries, its count says " +
             (entries ? std::to_string(*entries) : entries.status().message());
  }
  return "";
}

// Opens the image in `dir` as renda would and checks it: "" when it passes,
// else "<what>: <detail>" with what = open, pages, verify, walk or lost.
// Runs in a forked process, so no Catch2 macros.
std::string checkImage(const std::string& dir,
                       const std::vector<std::pair<ChangeId, const Ack*>>& promised) {
  auto s = Store::open(dir);
  if (!s) return "open: " + s.status().toString();
  Env& env = (*s)->env();
  MDB_envinfo info;
  MDB_stat st;
  mdb_env_info(env.get(), &info);
  mdb_env_stat(env.get(), &st);
  struct stat file;
  if (::stat((dir + "/data.mdb").c_str(), &file) != 0) return "open: no data.mdb";
  if (uint64_t(info.me_last_pgno + 1) * st.ms_psize > uint64_t(file.st_size))
    return "pages: the meta page names page " + std::to_string(info.me_last_pgno) +
           " past the end of the file (" + std::to_string(file.st_size) + " bytes)";
  auto v = (*s)->verify();
  if (!v) return "verify: " + v.status().toString();
  if (!v->problems.empty()) return "verify: " + v->problems.front();
  if (std::string w = walkTables(env); !w.empty()) return "walk: " + w;
  std::set<ChangeId> held;
  Status each = (*s)->forEachMissing({}, [&](std::string_view e) {
    auto env = decodeEnvelope(crypto::asBytes(e));
    if (!env) return env.status();
    held.insert(crypto::changeId(crypto::asBytes(env->body)));
    return Status::ok();
  });
  if (!each) return "walk: " + each.toString();
  for (const auto& [id, ack] : promised)
    if (!held.count(id))
      return "lost: change " + toHex(id).substr(0, 8) + ", acknowledged by \"" + ack->line +
             "\", is not in the store";
  return "";
}

// checkImage() in a forked process, so that a store damaged badly enough to
// crash LMDB (as the control's can be) is a finding, not the end of the test.
std::string checkIsolated(const std::string& dir,
                          const std::vector<std::pair<ChangeId, const Ack*>>& promised) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Die of a signal plainly: the test runner's fatal-signal report is the parent's.
    for (int sig : {SIGABRT, SIGBUS, SIGSEGV, SIGILL, SIGFPE}) ::signal(sig, SIG_DFL);
    ::dup2(fds[1], STDERR_FILENO);  // LMDB's assertion messages become the finding
    ::close(fds[0]);
    std::string r;
    try {
      r = checkImage(dir, promised);
    } catch (...) {
      r = "open: an exception escaped";
    }
    r = r.empty() ? "ok" : r;
    ssize_t ignored = ::write(fds[1], r.data(), r.size());
    (void)ignored;
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    struct pollfd p {
      fds[0], POLLIN, 0
    };
    int r = ::poll(&p, 1, 120000);
    if (r == 0) {
      ::kill(pid, SIGKILL);
      out = "hang: the check took more than two minutes";
      break;
    }
    if (r < 0 && errno == EINTR) continue;
    ssize_t n = r > 0 ? ::read(fds[0], buf, sizeof buf) : -1;
    if (n <= 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status))
    return "crash: the check died of signal " + std::to_string(WTERMSIG(status)) +
           (out.empty() ? "" : " (" + out.substr(0, out.find('\n')) + ")");
  return out == "ok" ? "" : out;
}

// The child's run under the shim, and the store as it was before it.
struct Traced {
  test::Source source;
  Journal journal;
  std::vector<Ack> acks;
  std::string baseData, baseLock;
};

Traced traceChild(const test::TempDir& dir, const test::County& county, uint64_t seed,
                  bool nosync) {
  Traced t{test::makeSource(dir, county, 300, seed), {}, {}, {}, {}};
  test::Signer device(county.network, 7);
  std::string store = dir.sub("traced");
  {
    auto s = test::openStore(store, county, kChildMapBytes);
    REQUIRE(s);
    REQUIRE(s->ingest({device.introduce(county, "", Role::kCounty).envelope}));
    REQUIRE(s->setDeviceKey(device.publicKey()));
  }
  t.baseData = readFile(store + "/data.mdb");
  t.baseLock = readFile(store + "/lock.mdb");
  std::string journal = dir.sub("journal");
  const char* asan = std::getenv("ASAN_OPTIONS");
  std::vector<std::string> env = {
      std::string("LD_PRELOAD=") + RENDA_POWERLOSS_SHIM,
      std::string(pl::kJournalVar) + "=" + journal,
      std::string(pl::kMarkFdVar) + "=1",
      // The shim is preloaded ahead of the sanitizer runtime (sanitized builds).
      std::string("ASAN_OPTIONS=") + (asan && *asan ? std::string(asan) + ":" : "") +
          "verify_asan_link_order=0",
  };
  std::vector<std::string> args = {"script", store, t.source.bundle,
                                   toHex(device.key().data(), SecretKey::size()),
                                   std::to_string(kChildMapBytes)};
  if (nosync) args.push_back("nosync");
  test::ChildRun run = test::runChild(args, {"", -1}, env);
  INFO("child output: " << run.output);
  REQUIRE(run.finished);
  auto map = run.starting("map ");
  REQUIRE(map.size() == 1);
  CHECK(test::numberAfter(map[0], 1).value_or(0) > kChildMapBytes);  // the map grew
  t.journal = readJournal(journal);
  t.acks = acksOf(t.journal, t.source);

  // The shim saw every write: replaying the journal on the store as it was
  // gives the file the child left, and it saw every acknowledgement.
  std::string replayed = t.baseData;
  for (size_t i = 0; i < t.journal.ops.size(); ++i) {
    const Op& op = t.journal.ops[i];
    if (t.journal.isDataWrite(i)) applyWrite(replayed, op.offset, t.journal.dataOf(op));
    CHECK_FALSE((op.file == pl::kData && (op.kind == 'X' || op.kind == 'T')));
  }
  CHECK(replayed == readFile(store + "/data.mdb"));
  REQUIRE(t.acks.size() == run.lines.size());
  for (size_t i = 0; i < t.acks.size(); ++i) CHECK(t.acks[i].line == run.lines[i]);
  return t;
}

struct Tally {
  uint64_t images = 0;
  std::map<std::string, uint64_t> found;  // by kind of problem
  std::vector<std::string> failures;      // the first few, in full
};

// Builds and checks `images` images at each of `points` crash points, spread
// over the journal from the child's first acknowledgement on.
Tally simulate(const Traced& t, const test::TempDir& dir, uint64_t seed, uint64_t points,
               uint64_t images) {
  const Journal& j = t.journal;
  REQUIRE_FALSE(t.acks.empty());
  const size_t first = t.acks.front().op, total = j.ops.size();
  std::mt19937_64 rng(seed);
  std::vector<size_t> at;
  for (uint64_t p = 0; p < points; ++p) {
    size_t lo = first + (total - first) * p / points;
    size_t hi = first + (total - first) * (p + 1) / points;
    at.push_back(lo + rng() % std::max<size_t>(1, hi - lo));
  }
  at.back() = total;  // and after the last operation
  std::sort(at.begin(), at.end());
  std::string imageDir = dir.sub("image");
  std::filesystem::create_directory(imageDir);
  Images maker(j, t.baseData, t.baseLock);
  Tally tally;
  for (size_t k : at) {
    maker.advanceTo(k);
    auto promised = promisedBefore(t.acks, k);
    for (uint64_t i = 0; i < images; ++i) {
      std::mt19937_64 imageRng(seed ^ (uint64_t(k) << 20) ^ i);
      std::string how;
      maker.write(imageDir, imageRng, how);
      std::string problem = checkIsolated(imageDir, promised);
      ++tally.images;
      if (problem.empty()) continue;
      ++tally.found[problem.substr(0, problem.find(':'))];
      if (tally.failures.size() < 10) {
        std::ostringstream o;
        o << "crash point " << k << " of " << total << " (op '"
          << (k < total ? j.ops[k].kind : '-') << "'), image " << i << " (" << how
          << "): " << problem;
        tally.failures.push_back(o.str());
      }
    }
  }
  return tally;
}

std::string describe(const Tally& t) {
  std::ostringstream o;
  o << t.images << " images";
  for (const auto& [what, n] : t.found) o << ", " << n << " " << what;
  return o.str();
}

TEST_CASE("Store: a power cut at any point keeps every acknowledged change",
          "[storage][crash][powerloss]") {
  const uint64_t seed = test::envNumber("RENDA_POWERLOSS_SEED", 20240611);
  const uint64_t points = test::envNumber("RENDA_POWERLOSS_POINTS", 100);
  const uint64_t images = test::envNumber("RENDA_POWERLOSS_IMAGES", 20);
  std::cout << "power-loss test: seed " << seed << " (RENDA_POWERLOSS_SEED), " << points
            << " crash points x " << images << " images" << std::endl;
  INFO("seed " << seed << " (RENDA_POWERLOSS_SEED=" << seed << " reproduces)");
  test::TempDir dir;
  test::County county;
  auto t0 = Clock::now();
  Traced t = traceChild(dir, county, seed, false);
  uint64_t writes = 0, barriers = 0;
  for (size_t i = 0; i < t.journal.ops.size(); ++i) {
    writes += t.journal.isDataWrite(i);
    barriers += t.journal.isDataBarrier(i);
  }
  CHECK(barriers > 0);
  Tally tally = simulate(t, dir, seed, points, images);
  std::cout << "power-loss test: " << t.journal.ops.size() << " journalled operations ("
            << writes << " writes to data.mdb, " << barriers << " barriers, " << t.acks.size()
            << " acknowledgements); " << describe(tally) << " in "
            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count()
            << " s" << std::endl;
  for (const auto& f : tally.failures) FAIL_CHECK(f);
  CHECK(tally.found.empty());
}

TEST_CASE("Store: the power-loss harness finds the changes a store without fsync loses",
          "[storage][crash][powerloss]") {
  // The control: MDB_NOSYNC (set by the crash child, never by renda) must be
  // seen losing acknowledged changes, or the test above proves nothing.
  const uint64_t seed = test::envNumber("RENDA_POWERLOSS_SEED", 20240611) + 1;
  const uint64_t points = std::max<uint64_t>(1, test::envNumber("RENDA_POWERLOSS_POINTS", 100) / 5);
  const uint64_t images = std::max<uint64_t>(1, test::envNumber("RENDA_POWERLOSS_IMAGES", 20) / 2);
  std::cout << "power-loss control (MDB_NOSYNC): seed " << seed << ", " << points
            << " crash points x " << images << " images" << std::endl;
  INFO("seed " << seed);
  test::TempDir dir;
  test::County county;
  Traced t = traceChild(dir, county, seed, true);
  Tally tally = simulate(t, dir, seed, points, images);
  std::cout << "power-loss control: " << describe(tally) << std::endl;
  CHECK(tally.found["lost"] > 0);
}

}  // namespace
}  // namespace renda::storage
