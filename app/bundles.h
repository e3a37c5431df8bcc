// SPDX-License-Identifier: Apache-2.0
// Bundle export and import for the CLI (and the demo): the glue between the
// store (storage) and the file formats (net).
#pragma once

#include <string>

#include "app/cli.h"
#include "net/files.h"

namespace renda::app {

struct ExportResult {
  uint64_t changes = 0;
  uint64_t bytes = 0;
};
// Writes every change `theirs` lacks (everything when theirs is empty) to `path`.
Result<ExportResult> exportBundle(Node& node, const VersionVector& theirs, const std::string& path);

struct ImportResult {
  net::BundleInfo info;
  IngestReport report;
  uint64_t batches = 0;
};
// Checks the whole file, then ingests it batch by batch. `progress` prints to
// stderr for large files.
Result<ImportResult> importBundle(Node& node, const std::string& path, bool progress);

}  // namespace renda::app
