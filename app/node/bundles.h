// SPDX-License-Identifier: Apache-2.0
// Bundle export and import for the CLI (and the demo): the glue between the
// store (storage) and the file formats (net).
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "app/node/node.h"
#include "net/files.h"

namespace renda::app {

struct ExportResult {
  uint64_t changes = 0;
  uint64_t bytes = 0;
};
// Writes every change `theirs` lacks (everything when theirs is empty) to `path`.
// With `networkSecret` (an enrollment file), the file carries the county
// network's secret and is written readable by its owner only.
Result<ExportResult> exportBundle(Node& node, const VersionVector& theirs, const std::string& path,
                                  const NetworkSecret* networkSecret = nullptr);

struct ImportResult {
  net::BundleInfo info;
  IngestReport report;
  uint64_t batches = 0;
};
// How an import cuts the file (the defaults are what `renda bundle import`
// uses; other values are for measuring).
struct ImportOptions {
  // One write transaction, committed atomically. A batch's pages are held in
  // memory until its commit: at a million changes, batches of 8,192 peak at
  // 143 MB resident, 16,384 at 187 MB, for a tenth less time. The byte bound
  // keeps a batch of unusually large changes from holding much memory
  // (docs/performance.md).
  size_t batchChanges = 8192;
  size_t batchBytes = size_t(8) << 20;
  // Decoded and checked together on a second thread while this one applies
  // the chunks before (Store::ingestStream).
  size_t chunkChanges = 2048;
  size_t chunkBytes = size_t(2) << 20;
  // Told after the file is checked (0 of the total) and after each batch's commit.
  std::function<void(uint64_t done, uint64_t total)> onProgress;
  // Set from another thread: the import stops after the batch under way
  // (abandoned; the batches before it are kept).
  const std::atomic<bool>* stop = nullptr;
};

// Checks the whole file, then ingests it batch by batch. `progress` prints to
// stderr for large files.
Result<ImportResult> importBundle(Node& node, const std::string& path, bool progress,
                                  const ImportOptions& options = {});

}  // namespace renda::app
