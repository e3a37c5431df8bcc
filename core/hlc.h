// SPDX-License-Identifier: Apache-2.0
// Hybrid logical clock. A stamp is (wall ms << 16) | counter. Pure: the wall
// time is passed in, never read. The caller persists highWater() and restores it
// with the constructor, so the clock never moves back across a restart.
#pragma once

#include <cstdint>

namespace renda {

class Hlc {
 public:
  explicit Hlc(uint64_t highWater = 0) : last_(highWater) {}

  static uint64_t make(uint64_t ms, uint64_t counter) { return (ms << 16) | (counter & 0xffff); }
  static uint64_t millis(uint64_t stamp) { return stamp >> 16; }

  // A stamp for a local event at wall time nowMs: strictly greater than every
  // stamp issued or observed before.
  uint64_t tick(uint64_t nowMs);
  // Folds in a stamp received from elsewhere. A stamp more than maxAheadMs past
  // nowMs is not followed beyond nowMs + maxAheadMs (it is flagged by the caller).
  void observe(uint64_t remoteStamp, uint64_t nowMs, uint64_t maxAheadMs);
  uint64_t highWater() const { return last_; }
  // True when a stamp lies more than maxAheadMs ahead of nowMs.
  static bool isFuture(uint64_t stamp, uint64_t nowMs, uint64_t maxAheadMs) {
    return millis(stamp) > nowMs + maxAheadMs;
  }

 private:
  uint64_t last_;
};

}  // namespace renda
