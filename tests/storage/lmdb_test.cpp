// SPDX-License-Identifier: Apache-2.0
// The LMDB wrapper: transactions (commit persists, destruction aborts,
// snapshots), cursor scoping, error mapping, map growth on MDB_MAP_FULL (raw
// and through a whole store fed 20,000 changes from a 64 KiB map), and the
// stale-reader check at open after a reader process is killed.
#include "storage/lmdb.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>

#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::storage {
namespace {

using test::TempDir;

// Runs `fn` in a forked child and reports how the child ended: the signal
// number that killed it, or 0 when it exited.
int signalOfChild(const std::function<void()>& fn) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::signal(SIGABRT, SIG_DFL);  // not Catch2's handler: die as the process would
    std::freopen("/dev/null", "w", stderr);
    fn();
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

struct EnvFixture {
  TempDir dir;
  Env env;
  MDB_dbi dbi = 0;
  explicit EnvFixture(size_t mapBytes = size_t(1) << 20)
      : env(Env::open(dir.sub("env"), Env::Options{mapBytes, 4, 16}).value()) {
    auto txn = WriteTxn::begin(env).value();
    dbi = txn.openDb("t").value();
    REQUIRE(txn.commit());
  }
  std::optional<std::string> read(std::string_view key) {
    auto txn = ReadTxn::begin(env).value();
    auto v = txn.get(dbi, bytesOf(key)).value();
    if (!v) return std::nullopt;
    return std::string(viewOf(*v));
  }
};

TEST_CASE("WriteTxn: commit persists while destruction and abort discard", "[storage][txn]") {
  EnvFixture f;
  {
    auto txn = WriteTxn::begin(f.env).value();
    REQUIRE(txn.put(f.dbi, bytesOf("kept"), bytesOf("1")));
    CHECK(f.env.liveTxns() == 1);
    REQUIRE(txn.commit());
    CHECK(f.env.liveTxns() == 0);
  }
  {
    auto txn = WriteTxn::begin(f.env).value();
    REQUIRE(txn.put(f.dbi, bytesOf("dropped"), bytesOf("2")));
    REQUIRE(txn.put(f.dbi, bytesOf("kept"), bytesOf("changed")));
  }  // destroyed without commit
  CHECK(f.env.liveTxns() == 0);
  {
    auto txn = WriteTxn::begin(f.env).value();
    REQUIRE(txn.put(f.dbi, bytesOf("aborted"), bytesOf("3")));
    txn.abort();
    CHECK(f.env.liveTxns() == 0);
  }
  CHECK(f.read("kept") == std::optional<std::string>("1"));
  CHECK_FALSE(f.read("dropped"));
  CHECK_FALSE(f.read("aborted"));
}

TEST_CASE("WriteTxn: values written are readable in the same transaction", "[storage][txn]") {
  EnvFixture f;
  auto txn = WriteTxn::begin(f.env).value();
  REQUIRE(txn.put(f.dbi, bytesOf("k"), bytesOf("v")));
  auto v = txn.get(f.dbi, bytesOf("k")).value();
  REQUIRE(v);
  CHECK(viewOf(*v) == "v");
  auto slot = txn.reserve(f.dbi, bytesOf("r"), 3).value();
  std::memcpy(slot, "abc", 3);
  REQUIRE(txn.del(f.dbi, bytesOf("k")));
  REQUIRE(txn.del(f.dbi, bytesOf("never-there")));  // NotFound is not an error
  REQUIRE(txn.commit());
  CHECK_FALSE(f.read("k"));
  CHECK(f.read("r") == std::optional<std::string>("abc"));
}

TEST_CASE("ReadTxn: a read transaction sees the snapshot it began with", "[storage][txn]") {
  EnvFixture f;
  {
    auto w = WriteTxn::begin(f.env).value();
    REQUIRE(w.put(f.dbi, bytesOf("a"), bytesOf("old")));
    REQUIRE(w.commit());
  }
  auto before = ReadTxn::begin(f.env).value();
  {
    auto w = WriteTxn::begin(f.env).value();
    REQUIRE(w.put(f.dbi, bytesOf("a"), bytesOf("new")));
    REQUIRE(w.commit());
  }
  auto v = before.get(f.dbi, bytesOf("a")).value();
  REQUIRE(v);
  CHECK(viewOf(*v) == "old");
  CHECK(f.read("a") == std::optional<std::string>("new"));
  CHECK_FALSE(before.get(f.dbi, bytesOf("missing")).value());
  CHECK(f.env.liveTxns() == 1);
}

TEST_CASE("ReadTxn and WriteTxn: moving keeps one live transaction", "[storage][txn]") {
  EnvFixture f;
  {
    auto a = WriteTxn::begin(f.env).value();
    WriteTxn b = std::move(a);
    CHECK(a.get() == nullptr);
    CHECK(f.env.liveTxns() == 1);
    REQUIRE(b.put(f.dbi, bytesOf("moved"), bytesOf("yes")));
    REQUIRE(b.commit());
  }
  CHECK(f.env.liveTxns() == 0);
  {
    auto r = ReadTxn::begin(f.env).value();
    ReadTxn r2 = std::move(r);
    CHECK(f.env.liveTxns() == 1);
  }
  CHECK(f.env.liveTxns() == 0);
  CHECK(f.read("moved") == std::optional<std::string>("yes"));
}

TEST_CASE("Cursor: big-endian keys iterate in numeric order", "[storage][cursor]") {
  EnvFixture f;
  {
    auto w = WriteTxn::begin(f.env).value();
    for (uint64_t n : {300u, 2u, 70000u, 1u, 256u}) {
      std::string k;
      for (int i = 7; i >= 0; --i) k.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
      REQUIRE(w.put(f.dbi, bytesOf(k), bytesOf(std::to_string(n))));
    }
    REQUIRE(w.commit());
  }
  auto r = ReadTxn::begin(f.env).value();
  std::vector<std::string> seen;
  {
    auto c = Cursor::open(r, f.dbi).value();
    for (auto ok = c.first(); ok.value(); ok = c.next()) seen.emplace_back(viewOf(c.value()));
    CHECK(seen == std::vector<std::string>{"1", "2", "256", "300", "70000"});
    REQUIRE(c.seek(bytesOf(std::string(6, '\0') + "\x01\x01")).value());
    CHECK(viewOf(c.value()) == "300");
    REQUIRE(c.prev().value());
    CHECK(viewOf(c.value()) == "256");
    REQUIRE(c.last().value());
    CHECK(viewOf(c.value()) == "70000");
    CHECK_FALSE(c.next().value());
    CHECK_FALSE(c.seek(bytesOf(std::string(8, '\xff'))).value());
  }
}

// Regression: the move constructor dropped the current key and value views.
TEST_CASE("Cursor: a moved cursor keeps its position and the txn commits once it is gone",
          "[storage][cursor][regression]") {
  EnvFixture f;
  auto w = WriteTxn::begin(f.env).value();
  REQUIRE(w.put(f.dbi, bytesOf("x"), bytesOf("1")));
  {
    auto c = Cursor::open(w, f.dbi).value();
    REQUIRE(c.first().value());
    auto c2 = std::move(c);  // the moved-from cursor no longer counts
    CHECK(viewOf(c2.key()) == "x");
  }
  REQUIRE(w.commit());
  CHECK(f.read("x") == std::optional<std::string>("1"));
}

TEST_CASE("Cursor: committing with a live cursor is an internal error", "[storage][cursor]") {
  TempDir dir;
  int sig = signalOfChild([&] {
    auto env = Env::open(dir.sub("env")).value();
    auto w = WriteTxn::begin(env).value();
    MDB_dbi dbi = w.openDb("t").value();
    auto c = Cursor::open(w, dbi).value();
    (void)w.commit();  // must abort the process
  });
  CHECK(sig == SIGABRT);
}

TEST_CASE("Env: growing the map while a transaction is open is refused, and the map stays",
          "[storage][env]") {
  TempDir dir;
  {
    // A server's other sessions read on other threads: growing then must not
    // remap under them (nor abort the process); it says the store is full.
    auto env = Env::open(dir.sub("env")).value();
    size_t before = env.mapBytes();
    auto r = ReadTxn::begin(env).value();
    Status s = env.grow();
    CHECK(s.code() == Code::kResourceExhausted);
    CHECK(env.mapBytes() == before);
    CHECK(env.growCount() == 0);
  }
  // and without one it is fine
  int clean = signalOfChild([&] {
    auto env = Env::open(dir.sub("env2")).value();
    if (!env.grow()) ::_exit(1);
  });
  CHECK(clean == 0);
}

TEST_CASE("lmdbStatus: LMDB and system codes map to the shared codes", "[storage][env]") {
  CHECK(lmdbStatus(MDB_SUCCESS, "x").isOk());
  CHECK(lmdbStatus(MDB_NOTFOUND, "x").code() == Code::kNotFound);
  Status full = lmdbStatus(MDB_MAP_FULL, "x");
  CHECK(full.code() == Code::kResourceExhausted);
  CHECK(full.message().find("map is full") != std::string::npos);
  CHECK(lmdbStatus(ENOSPC, "x").code() == Code::kResourceExhausted);
  CHECK(lmdbStatus(ENOSPC, "x").message().find("map is full") == std::string::npos);
  CHECK(lmdbStatus(MDB_CORRUPTED, "x").code() == Code::kCorruption);
  CHECK(lmdbStatus(MDB_PANIC, "x").code() == Code::kCorruption);
  CHECK(lmdbStatus(EACCES, "x").code() == Code::kIOError);
}

TEST_CASE("Env: opening where no folder can be made is an IOError", "[storage][env]") {
  TempDir dir;
  std::FILE* f = std::fopen(dir.sub("plainfile").c_str(), "w");
  REQUIRE(f);
  std::fclose(f);
  auto env = Env::open(dir.sub("plainfile") + "/store");
  REQUIRE_FALSE(env);
  CHECK(env.status().code() == Code::kIOError);
}

TEST_CASE("withWriteTxn: MDB_MAP_FULL grows the map and replays the body", "[storage][env]") {
  constexpr size_t kInitial = size_t(64) << 10;
  EnvFixture f(kInitial);
  CHECK(f.env.mapBytes() == kInitial);
  int runs = 0;
  std::string big = test::filler(100 * 1024);
  Status s = withWriteTxn(f.env, [&](WriteTxn& txn) -> Status {
    ++runs;
    for (int i = 0; i < 20; ++i)
      RENDA_TRY(txn.put(f.dbi, bytesOf("big" + std::to_string(i)), bytesOf(big)));
    return Status::ok();
  });
  REQUIRE(s);
  CHECK(f.env.growCount() > 0);
  CHECK(runs == f.env.growCount() + 1);
  CHECK(f.env.mapBytes() == kInitial << f.env.growCount());
  CHECK(f.env.liveTxns() == 0);
  for (int i = 0; i < 20; ++i) CHECK(f.read("big" + std::to_string(i)) == big);
}

TEST_CASE("withWriteTxn: errors other than a full map are returned untouched", "[storage][env]") {
  EnvFixture f;
  int runs = 0;
  Status s = withWriteTxn(f.env, [&](WriteTxn& txn) -> Status {
    ++runs;
    RENDA_TRY(txn.put(f.dbi, bytesOf("a"), bytesOf("1")));
    return Status::exhausted("a limit that is not the map");
  });
  CHECK(s.code() == Code::kResourceExhausted);
  CHECK(runs == 1);
  CHECK(f.env.growCount() == 0);
  CHECK_FALSE(f.read("a"));
}

// C5: a store that starts with a 64 KiB map takes 20,000 mixed changes,
// including one of ~60 KiB, without a single failure.
TEST_CASE("Store: a 64 KiB map grows geometrically through 20000 changes", "[storage][env]") {
  constexpr size_t kInitial = size_t(64) << 10;
  TempDir dir;
  test::County county;
  auto store = test::openStore(dir.sub("s"), county, kInitial);
  REQUIRE(store);
  test::Signer countyKey(county.network, 1), town(county.network, 2);
  std::vector<test::Signed> pending;
  pending.push_back(countyKey.introduce(county, "", Role::kCounty));
  pending.push_back(town.introduce(county, "城关镇", Role::kTownship));
  std::mt19937_64 rng(20000);
  std::vector<std::pair<RecordId, ChangeId>> recs;  // township record, its last version
  constexpr size_t kTotal = 20000, kBigAt = 7777;
  size_t made = pending.size(), failures = 0;
  while (made < kTotal) {
    bool byCounty = made % 3 == 0;
    test::Signer& who = byCounty ? countyKey : town;
    std::string scope = byCounty ? "" : "城关镇";
    if (made == kBigAt) {
      std::vector<Field> fields;  // a field value is capped at 16 KiB: 4 x 15,000 bytes
      for (int k = 0; k < 4; ++k)
        fields.push_back({"part" + std::to_string(k), test::filler(15000, static_cast<char>(k))});
      pending.push_back(who.create(RecordKind::kSuggestion, scope, fields));
      REQUIRE(pending.back().body.size() > 60000);
    } else if (byCounty || recs.size() < 20 || rng() % 3 == 0) {
      auto kind = test::kBasicKinds[rng() % 4];
      pending.push_back(
          who.create(kind, scope,
                     {{"name", "n" + std::to_string(made)}, {"note", test::filler(rng() % 300)}}));
      if (!byCounty) recs.push_back({pending.back().id, pending.back().id});
    } else {
      auto& [rid, last] = recs[rng() % recs.size()];
      pending.push_back(town.update(rid, {last}, {{"phone", std::to_string(rng())}}));
      last = pending.back().id;
    }
    ++made;
    if (pending.size() == 256 || made == kTotal) {
      auto r = store->ingest(test::envelopesOf(pending));
      if (!r) {
        ++failures;
        FAIL_CHECK(r.status().toString());
      } else {
        CHECK(r->notApplied == 0);
      }
      pending.clear();
    }
  }
  CHECK(failures == 0);
  CHECK(store->changeCount().value() == 20000);
  int grows = store->env().growCount();
  INFO("grew " << grows << " times to " << store->env().mapBytes() << " bytes");
  CHECK(grows > 0);
  CHECK(store->env().mapBytes() == kInitial << grows);
  auto v = store->verify().value();
  CHECK(v.problems.empty());
  CHECK(v.changesChecked == 20000);
  // The grown map is kept across reopening (the file is larger than 64 KiB).
  Hash before = store->digest().value();
  store.reset();
  auto again = test::openStore(dir.sub("s"), county, kInitial);
  REQUIRE(again);
  CHECK(again->digest().value() == before);
  CHECK(again->env().mapBytes() >= test::fileBytes(dir.sub("s") + "/data.mdb"));
}

// C6: a process killed while it holds a read transaction leaves its reader
// slot behind; Env::open clears it, so old pages are reused again.
TEST_CASE("Env: open clears the reader slot of a killed process", "[storage][env]") {
  TempDir dir;
  std::string path = dir.sub("env");
  {
    auto env = Env::open(path).value();
    auto w = WriteTxn::begin(env).value();
    MDB_dbi dbi = w.openDb("t").value();
    REQUIRE(w.put(dbi, bytesOf("k"), bytesOf(std::string(2000, 'v'))));
    REQUIRE(w.commit());
  }
  // A process that keeps the store open (LMDB re-initialises the reader
  // table when the first process opens it, so stale slots matter only while
  // some other process has it open), and a reader that is then killed.
  auto spawn = [&](bool read) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto env = Env::open(path).value();
      std::optional<ReadTxn> r;
      if (read) r.emplace(ReadTxn::begin(env).value());
      (void)!::write(fds[1], "r", 1);
      for (;;) ::pause();
    }
    ::close(fds[1]);
    char c = 0;
    REQUIRE(::read(fds[0], &c, 1) == 1);
    ::close(fds[0]);
    return pid;
  };
  pid_t holder = spawn(false);
  pid_t pid = spawn(true);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  struct KillHolder {
    pid_t p;
    ~KillHolder() {
      ::kill(p, SIGKILL);
      ::waitpid(p, nullptr, 0);
    }
  } killHolder{holder};

  // Raw look first: the dead reader's slot is still there.
  auto countReaders = [](MDB_env* env, pid_t who) {
    struct Ctx {
      pid_t who;
      int n;
    } ctx{who, 0};
    mdb_reader_list(
        env,
        [](const char* line, void* p) -> int {
          auto* x = static_cast<Ctx*>(p);
          long rpid = 0;
          if (std::sscanf(line, " %ld", &rpid) == 1 && rpid == x->who) ++x->n;
          return 0;
        },
        &ctx);
    return ctx.n;
  };
  {
    MDB_env* raw = nullptr;
    REQUIRE(mdb_env_create(&raw) == 0);
    mdb_env_set_maxdbs(raw, 4);
    REQUIRE(mdb_env_open(raw, path.c_str(), MDB_NOTLS | MDB_RDONLY, 0600) == 0);
    CHECK(countReaders(raw, pid) == 1);
    mdb_env_close(raw);
  }
  auto env = Env::open(path).value();
  CHECK(countReaders(env.get(), pid) == 0);
  int dead = -1;
  REQUIRE(mdb_reader_check(env.get(), &dead) == 0);
  CHECK(dead == 0);
  // With no stale snapshot pinning old pages, rewriting a value 1,000 times
  // does not grow the file.
  auto w0 = WriteTxn::begin(env).value();
  MDB_dbi dbi = w0.openDb("t").value();
  REQUIRE(w0.commit());
  uint64_t sizeBefore = test::fileBytes(path + "/data.mdb");
  for (int i = 0; i < 1000; ++i) {
    auto w = WriteTxn::begin(env).value();
    REQUIRE(w.put(dbi, bytesOf("k"), bytesOf(std::string(2000, static_cast<char>('a' + i % 26)))));
    REQUIRE(w.commit());
  }
  uint64_t sizeAfter = test::fileBytes(path + "/data.mdb");
  INFO("data.mdb " << sizeBefore << " -> " << sizeAfter << " bytes");
  CHECK(sizeAfter <= sizeBefore + 16 * 4096);
}

// Resident pages of this process's mappings of `path` (from /proc/self/smaps).
long residentKbOf(const std::string& path) {
  std::FILE* f = std::fopen("/proc/self/smaps", "r");
  REQUIRE(f);
  char line[4096];
  bool in = false;
  long kb = 0;
  while (std::fgets(line, sizeof line, f)) {
    unsigned long lo = 0, hi = 0;
    char perms[8];
    if (std::sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3)  // a mapping's header
      in = std::string(line).find(path) != std::string::npos;
    else if (in && std::strncmp(line, "Rss:", 4) == 0)
      kb += std::atol(line + 4);
  }
  std::fclose(f);
  return kb;
}

TEST_CASE("Env: bulk mode commits as usual, and released pages read back the same",
          "[storage][env][bulk]") {
  EnvFixture f(size_t(64) << 20);
  REQUIRE(f.env.setBulk(true));
  unsigned flags = 0;
  mdb_env_get_flags(f.env.get(), &flags);
  CHECK((flags & MDB_NOMETASYNC) != 0);
  std::string big(1000, 'x');
  for (int batch = 0; batch < 4; ++batch) {
    auto txn = WriteTxn::begin(f.env).value();
    for (int i = 0; i < 2000; ++i) {
      std::string k = std::to_string(batch) + "/" + std::to_string(i);
      REQUIRE(txn.put(f.dbi, bytesOf(k), bytesOf(k + big)));
    }
    REQUIRE(txn.commit());
  }
  // Read everything (maps the pages), then let go of the mappings.
  for (int i = 0; i < 2000; i += 7) REQUIRE(f.read("3/" + std::to_string(i)));
  std::string data = f.dir.sub("env") + "/data.mdb";
  long before = residentKbOf(data);
  CHECK(before > 1000);
  auto reader = ReadTxn::begin(f.env).value();  // an open reader is no obstacle
  f.env.releaseMappedPages();
  CHECK(residentKbOf(data) < before / 4);
  auto v = reader.get(f.dbi, bytesOf(std::string_view("2/1999"))).value();
  REQUIRE(v);
  CHECK(viewOf(*v) == "2/1999" + big);
  REQUIRE(f.env.setBulk(false));
  mdb_env_get_flags(f.env.get(), &flags);
  CHECK((flags & MDB_NOMETASYNC) == 0);
  CHECK(f.read("0/0") == std::optional<std::string>("0/0" + big));
}

}  // namespace
}  // namespace renda::storage
