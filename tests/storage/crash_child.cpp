// SPDX-License-Identifier: Apache-2.0
// Child process of the crash tests: writes to a store and acknowledges on
// standard output, one line per write(2), only what the store's API said it
// committed, after the call returned. The kill -9 test (crash_test.cpp) kills
// it at random points; the power-loss test (powerloss_test.cpp) runs it under
// a shim that journals its file writes and these lines.
//
//   storage_crash_child import STORE BUNDLE BATCH MAP_BYTES [bulk]
//     Imports a bundle with Store::ingestStream, committing every BATCH
//     changes, as `renda bundle import` does; with "bulk", in bulk mode
//     (Store::beginBulk/endBulk). Lines: "started map M", then after each
//     commit "committed N map M" (N: changes of the bundle the stream says
//     are committed; M: the map's size then), "ending" just before endBulk(),
//     and "done".
//   storage_crash_child author STORE KEY_HEX COUNT MAP_BYTES
//     Authors COUNT changes with the secret key KEY_HEX, by Store::author and
//     Store::authorBatch (three edits), creating stations and editing them.
//     Lines: "started map M", "authored ID map M" per change, "done".
//   storage_crash_child script STORE BUNDLE KEY_HEX MAP_BYTES [nosync]
//     The power-loss workload: the bundle's first 30% by Store::ingest in
//     batches of 10 ("ingested I J": changes I..J-1 of the bundle), 10 local
//     changes ("authored ID"), the next 40% by a bulk import ("bulk I J" per
//     commit, "flushed I J" once endBulk() returned), and the rest by a bulk
//     import whose source fails half-way (the same lines), then "map M" (the
//     map's size) and "done".
//     "nosync" sets MDB_NOSYNC on the environment first: the test's control
//     run, which must lose acknowledged changes.
// MAP_BYTES is the initial map; a small one makes the map grow mid-run.
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "net/files.h"
#include "storage/store.h"

namespace renda {
namespace {

// One line to standard output in one write(2), so that a kill leaves either
// the whole line or none of it.
__attribute__((format(printf, 1, 2))) void ack(const char* format, ...) {
  char line[512];
  va_list ap;
  va_start(ap, format);
  int n = std::vsnprintf(line, sizeof line - 1, format, ap);
  va_end(ap);
  if (n < 0 || n >= int(sizeof line) - 1) std::abort();
  line[n++] = '\n';
  if (::write(STDOUT_FILENO, line, size_t(n)) != n) std::abort();
}

int fail(const char* what, const Status& s, int code = 2) {
  std::fprintf(stderr, "%s: %s\n", what, s.toString().c_str());
  return code;
}

uint64_t nowMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

Result<std::unique_ptr<storage::Store>> openStore(const std::string& dir, const char* mapBytes) {
  storage::StoreOptions o;
  o.initialMapBytes = std::strtoull(mapBytes, nullptr, 10);
  return storage::Store::open(dir, o);
}

std::optional<SecretKey> keyOf(const std::string& hex) {
  auto raw = fromHex(hex);
  if (!raw || raw->size() != SecretKey::size()) return std::nullopt;
  SecretKey k;
  std::memcpy(k.data(), raw->data(), SecretKey::size());
  return k;
}

// Authors `count` changes with `key`: stations created and then edited, one
// change at a time and, every fourth step, three in one authorBatch. Calls
// `onCommit` with each change's id once the call that made it returned.
Status authorSome(storage::Store& store, const SecretKey& key, size_t count,
                  const std::function<void(const ChangeId&)>& onCommit) {
  std::vector<RecordId> mine;
  auto edit = [&](size_t i) {
    storage::LocalEdit e;
    if (mine.empty() || i % 3 == 0) {
      e.op = OpKind::kCreate;
      e.kind = RecordKind::kStation;
      e.fields = {{"name", "站" + std::to_string(i)}, {"note", std::string(40 + i % 90, 'n')}};
    } else {
      e.op = OpKind::kUpdate;
      e.record = mine[i % mine.size()];
      e.fields = {{"phone", std::to_string(10000 + i)}};
    }
    return e;
  };
  for (size_t i = 0; i < count;) {
    std::vector<storage::LocalEdit> edits;
    size_t n = i % 4 == 3 ? std::min<size_t>(3, count - i) : 1;
    for (size_t j = 0; j < n; ++j) edits.push_back(edit(i + j));
    std::vector<ChangeId> ids;
    if (n == 1) {
      auto id = store.author(edits[0], key, nowMs());
      if (!id) return id.status();
      ids.push_back(*id);
    } else {
      auto made = store.authorBatch(edits, key, nowMs());
      if (!made) return made.status();
      ids = std::move(*made);
    }
    for (size_t j = 0; j < n; ++j) {
      if (edits[j].op == OpKind::kCreate) mine.push_back(ids[j]);
      onCommit(ids[j]);
    }
    i += n;
  }
  return Status::ok();
}

// Opens the store in `dir` and checks `bundle` against its network; on
// failure, null and the exit code in `code`.
std::unique_ptr<storage::Store> openWithBundle(const std::string& dir, const char* mapBytes,
                                               const std::string& bundle, int& code) {
  auto store = openStore(dir, mapBytes);
  if (!store) return code = fail("open", store.status(), 3), nullptr;
  auto net = (*store)->network();
  if (!net) return code = fail("network", net.status(), 3), nullptr;
  auto info = net::checkBundle(bundle, &net->network);
  if (!info) return code = fail("check", info.status()), nullptr;
  return std::move(*store);
}

int importBundle(char** argv, bool bulk) {
  std::string bundle = argv[1];
  size_t batch = std::strtoul(argv[2], nullptr, 10);
  int code = 0;
  auto store = openWithBundle(argv[0], argv[3], bundle, code);
  if (!store) return code;
  if (bulk) {
    Status s = store->beginBulk();
    if (!s) return fail("bulk", s, 3);
  }
  storage::Env& env = store->env();
  ack("started map %zu", env.mapBytes());
  // As `renda bundle import` does (app::importBundle): checked in chunks on a
  // second thread, committed every `batch` changes.
  storage::Store::StreamOptions so;
  so.batchChanges = batch;
  so.nowMs = 1800000000000ull;
  auto r = store->ingestStream(
      [&](const storage::Store::Emit& emit) {
        return net::readBundle(bundle, batch / 4 + 1, size_t(2) << 20,
                               [&](std::vector<std::string>& chunk) { return emit(std::move(chunk)); });
      },
      so,
      [&](const IngestReport&, uint64_t committed) {
        ack("committed %llu map %zu", static_cast<unsigned long long>(committed), env.mapBytes());
      });
  Status s = r ? Status::ok() : r.status();
  if (bulk) {
    ack("ending");
    Status flushed = store->endBulk();
    if (s) s = flushed;
  }
  if (!s) return fail("import", s);
  ack("done");
  return 0;
}

int author(char** argv) {
  auto key = keyOf(argv[1]);
  if (!key) return 1;
  auto store = openStore(argv[0], argv[3]);
  if (!store) return fail("open", store.status(), 3);
  storage::Env& env = (*store)->env();
  ack("started map %zu", env.mapBytes());
  Status s = authorSome(**store, *key, std::strtoul(argv[2], nullptr, 10), [&](const ChangeId& id) {
    ack("authored %s map %zu", toHex(id).c_str(), env.mapBytes());
  });
  if (!s) return fail("author", s);
  ack("done");
  return 0;
}

// One bulk import of envelopes [from, to) of `all`, committed every 24; its
// source fails after `failAt` changes when failAt < to.
Status bulkImport(storage::Store& store, const std::vector<std::string>& all, size_t from,
                  size_t to, size_t failAt) {
  RENDA_TRY(store.beginBulk());
  storage::Store::StreamOptions so;
  so.batchChanges = 24;
  uint64_t acked = 0;
  auto r = store.ingestStream(
      [&](const storage::Store::Emit& emit) -> Status {
        for (size_t i = from; i < std::min(to, failAt); i += 8)
          RENDA_TRY(emit(std::vector<std::string>(all.begin() + i,
                                                  all.begin() + std::min({i + 8, to, failAt}))));
        return failAt < to ? Status::ioError("the USB stick was removed") : Status::ok();
      },
      so,
      [&](const IngestReport&, uint64_t committed) {
        ack("bulk %zu %zu", size_t(from + acked), size_t(from + committed));
        acked = committed;
      });
  RENDA_TRY(store.endBulk());
  ack("flushed %zu %zu", from, size_t(from + acked));
  if (failAt < to) return r ? Status::invalid("the import should have failed") : Status::ok();
  return r ? Status::ok() : r.status();
}

int script(char** argv, bool nosync) {
  std::string bundle = argv[1];
  auto key = keyOf(argv[2]);
  if (!key) return 1;
  int code = 0;
  auto store = openWithBundle(argv[0], argv[3], bundle, code);
  if (!store) return code;
  std::vector<std::string> all;
  Status read = net::readBundle(bundle, 256, size_t(8) << 20, [&](std::vector<std::string>& c) {
    for (auto& e : c) all.push_back(std::move(e));
    return Status::ok();
  });
  if (!read) return fail("read", read);
  // Test-only: the control run proves the harness can see a lost commit.
  if (nosync && mdb_env_set_flags(store->env().get(), MDB_NOSYNC, 1) != 0) return 3;
  ack("started");
  const size_t a = all.size() * 3 / 10, b = all.size() * 7 / 10;
  for (size_t i = 0; i < a; i += 10) {
    size_t j = std::min(a, i + 10);
    auto r = store->ingest(std::vector<std::string>(all.begin() + i, all.begin() + j));
    if (!r) return fail("ingest", r.status());
    ack("ingested %zu %zu", i, j);
  }
  Status s = authorSome(*store, *key, 10,
                        [](const ChangeId& id) { ack("authored %s", toHex(id).c_str()); });
  if (!s) return fail("author", s);
  s = bulkImport(*store, all, a, b, b);
  if (!s) return fail("bulk import", s);
  s = bulkImport(*store, all, b, all.size(), b + (all.size() - b) / 2);
  if (!s) return fail("failing bulk import", s);
  ack("map %zu", store->env().mapBytes());
  ack("done");
  return 0;
}

}  // namespace
}  // namespace renda

int main(int argc, char** argv) {
  if (sodium_init() < 0 || argc < 2) return 1;
  std::string mode = argv[1];
  int n = argc - 2;
  char** args = argv + 2;
  if (mode == "import" && (n == 4 || (n == 5 && std::string(args[4]) == "bulk")))
    return renda::importBundle(args, n == 5);
  if (mode == "author" && n == 4) return renda::author(args);
  if (mode == "script" && (n == 4 || (n == 5 && std::string(args[4]) == "nosync")))
    return renda::script(args, n == 5);
  std::fprintf(stderr, "usage: see tests/storage/crash_child.cpp\n");
  return 1;
}
