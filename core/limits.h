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
