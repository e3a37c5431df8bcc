// SPDX-License-Identifier: Apache-2.0
// Every cap on untrusted input lives here, each with a test that it fires.
#pragma once

#include <cstddef>
#include <cstdint>

#include <capnp/message.h>

namespace renda::limits {

inline constexpr size_t kMaxChangeBytes = 64 * 1024;          // canonical Change body
inline constexpr size_t kMaxEnvelopeBytes = kMaxChangeBytes + 256;
inline constexpr size_t kMaxFieldValueBytes = 16 * 1024;
inline constexpr size_t kMaxFieldNameBytes = 32;
inline constexpr size_t kMaxFieldsPerChange = 128;
inline constexpr size_t kMaxDepsPerChange = 256;
inline constexpr size_t kMaxParentsPerChange = 64;
inline constexpr size_t kMaxScopeBytes = 128;
inline constexpr size_t kMaxSummaryEntries = 100000;
inline constexpr size_t kMaxSummaryBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxBundleHeaderBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxBlobBytes = 4096;  // certificate / revocation body
inline constexpr int kNestingLimit = 16;
// The sync protocol (net/sync.h; reliability.md §4.5).
inline constexpr size_t kMaxFrameBytes = 65535;                  // one Noise transport message
inline constexpr size_t kMaxSyncMessageBytes = 16 * 1024 * 1024;  // one reassembled message
inline constexpr size_t kMaxBatchChanges = 4096;                 // changes in one batch
inline constexpr size_t kMaxBatchBytes = 4 * 1024 * 1024;        // one batch, uncompressed
inline constexpr size_t kMaxHelloEntries = 1024;  // larger summaries go by bucket fingerprint
inline constexpr size_t kSummaryBuckets = 256;
inline constexpr size_t kMaxInFlightBytes = 16 * 1024 * 1024;   // sent, not yet acknowledged (uncompressed)
inline constexpr uint64_t kMaxChangesPerSession = 4'000'000;
inline constexpr uint64_t kHandshakeTimeoutMs = 10'000;
inline constexpr uint64_t kIdleTimeoutMs = 120'000;
inline constexpr uint64_t kPingIntervalMs = 30'000;
inline constexpr size_t kMaxSessions = 16;
inline constexpr size_t kMaxSessionsPerKey = 2;

// The HLC may not be pushed more than this far ahead of the local wall clock.
inline constexpr uint64_t kMaxClockAheadMs = 24ull * 3600 * 1000;

// ReaderOptions sized to a message of `words` words: traversal 2x + 64, nesting 16.
inline capnp::ReaderOptions readerOptionsFor(size_t words) {
  capnp::ReaderOptions o;
  o.traversalLimitInWords = 2 * words + 64;
  o.nestingLimit = kNestingLimit;
  return o;
}

}  // namespace renda::limits
