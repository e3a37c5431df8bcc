// SPDX-License-Identifier: Apache-2.0
// Child process of the crash test (crash_test.cpp): imports a bundle into a
// store in small batches (Store::ingestStream, as `renda bundle import` does)
// and, after each committed batch, prints
// "committed N" (N = changes held) and flushes, so the parent knows what was
// acknowledged when it kills this process with SIGKILL.
// With "bulk" it imports in bulk mode, as `renda bundle import` does for large
// files (meta flushes deferred, mappings released, one flush at the end).
// Usage: storage_crash_child STORE_DIR BUNDLE_FILE BATCH_SIZE [bulk]
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "net/files.h"
#include "storage/store.h"

int main(int argc, char** argv) {
  using namespace renda;
  if ((argc != 4 && argc != 5) || sodium_init() < 0) return 1;
  bool bulk = argc == 5 && std::string(argv[4]) == "bulk";
  std::string dir = argv[1], bundle = argv[2];
  size_t batch = std::strtoul(argv[3], nullptr, 10);
  storage::StoreOptions o;
  o.initialMapBytes = size_t(8) << 20;
  auto store = storage::Store::open(dir, o);
  if (!store) {
    std::fprintf(stderr, "open: %s\n", store.status().toString().c_str());
    return 3;
  }
  auto net = (*store)->network();
  if (!net) return 3;
  auto info = net::checkBundle(bundle, &net->network);
  if (!info) {
    std::fprintf(stderr, "check: %s\n", info.status().toString().c_str());
    return 2;
  }
  if (bulk && !(*store)->beginBulk()) return 3;
  std::printf("started\n");
  std::fflush(stdout);
  // As `renda bundle import` does (app::importBundle): checked in chunks on a
  // second thread, committed every `batch` changes.
  storage::Store::StreamOptions so;
  so.batchChanges = batch;
  so.nowMs = 1800000000000ull;
  auto r = (*store)->ingestStream(
      [&](const storage::Store::Emit& emit) {
        return net::readBundle(bundle, batch / 4 + 1, size_t(2) << 20,
                               [&](std::vector<std::string>& chunk) { return emit(std::move(chunk)); });
      },
      so,
      [&](const IngestReport&, uint64_t) {
        auto n = (*store)->changeCount();
        if (!n) std::abort();
        std::printf("committed %llu\n", static_cast<unsigned long long>(*n));
        std::fflush(stdout);
      });
  Status s = r ? Status::ok() : r.status();
  if (bulk) {
    Status flushed = (*store)->endBulk();
    if (s) s = flushed;
  }
  if (!s) {
    std::fprintf(stderr, "import: %s\n", s.toString().c_str());
    return 2;
  }
  std::printf("done\n");
  std::fflush(stdout);
  return 0;
}
