// SPDX-License-Identifier: Apache-2.0
// File formats for moving changes without a network: summaries (a node's
// version vector) and bundles (a change stream for a USB stick).
//
// Summary file:
//   magic "RENDA-SUMMARY-01" (16) | u32 LE n | n bytes: flat Summary message
//   | BLAKE2b-256 of everything before (32)
// Bundle file:
//   magic "RENDA-BUNDLE-v01" (16) | frame*
//   frame = u8 type | u32 LE length | payload
//     type 1 header:  flat SignedBlob message, body = canonical BundleHeader
//     type 2 change:  envelope bytes (as stored and signed by its author)
//     type 9 trailer: flat SignedBlob message, body = canonical BundleTrailer,
//                     whose contentHash covers every byte before this frame
//   Header and trailer are signed by the producer (context renda/bundle/v1),
//   so truncation and tampering are found before anything is imported; each
//   change is still verified on its own when it is ingested.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/source.h"
#include "core/status.h"

namespace renda::net {

struct SummaryFile {
  NetworkId network;
  PublicKey node;
  uint64_t createdMs = 0;
  VersionVector entries;  // sorted by author
};

std::string encodeSummary(const SummaryFile& s);
// InvalidInput with a clear reason for a wrong format, truncation, damage, or
// (when expected is given) another county's network.
Result<SummaryFile> decodeSummary(std::string_view bytes, const NetworkId* expected);
Status writeSummaryFile(const std::string& path, const SummaryFile& s);
Result<SummaryFile> readSummaryFile(const std::string& path, const NetworkId* expected);

struct BundleHeader {
  NetworkId network;
  PublicKey producer;
  uint64_t createdMs = 0;
  VersionVector prerequisites;  // the receiver must hold these to import
  std::string countyName;
  PublicKey rootKey;
  // Enrollment files only: the county network's secret. Such a file is kept
  // like a key file (written 0600 by its producer).
  std::optional<NetworkSecret> networkSecret;
};

// Writes a bundle to `path` atomically (a temporary file renamed at finish()).
class BundleWriter {
 public:
  static Result<std::unique_ptr<BundleWriter>> create(const std::string& path,
                                                      const BundleHeader& header,
                                                      const SecretKey& producerKey);
  ~BundleWriter();
  Status addChange(std::string_view envelope);
  // Writes the signed trailer, flushes to disk, and moves the file into place.
  Status finish();
  uint64_t changeCount() const { return count_; }
  uint64_t bytesWritten() const { return bytes_; }

 private:
  BundleWriter() = default;
  Status writeFrame(uint8_t type, std::string_view payload);
  std::string path_, tmpPath_;
  FILE* f_ = nullptr;
  crypto::Hasher hasher_;
  NetworkId network_;
  const SecretKey* key_ = nullptr;
  uint64_t count_ = 0, bytes_ = 0;
  bool finished_ = false;
};

struct BundleInfo {
  BundleHeader header;
  uint64_t changeCount = 0;
  uint64_t fileBytes = 0;
};

// Pass 1: format, framing, header and trailer signatures, content hash.
// Refuses with a clear message: not a bundle, incomplete (truncated),
// altered, another county, another version. Reads the whole file once.
// With expected == nullptr, accepts the network the header names (joining).
Result<BundleInfo> checkBundle(const std::string& path, const NetworkId* expected);

// Pass 2: streams the changes in batches of at most maxBatch changes /
// maxBatchBytes bytes to `onBatch`, in file order. `onBatch` may move the
// strings out of the batch.
// REQUIRES: checkBundle() succeeded on this file.
Status readBundle(const std::string& path, size_t maxBatch, size_t maxBatchBytes,
                  const std::function<Status(std::vector<std::string>&)>& onBatch);

}  // namespace renda::net
