// SPDX-License-Identifier: Apache-2.0
#include "core/hlc.h"

#include <algorithm>

namespace renda {

uint64_t Hlc::tick(uint64_t nowMs) {
  uint64_t wall = make(nowMs, 0);
  last_ = wall > last_ ? wall : last_ + 1;
  return last_;
}

void Hlc::observe(uint64_t remoteStamp, uint64_t nowMs, uint64_t maxAheadMs) {
  uint64_t cap = make(nowMs + maxAheadMs, 0xffff);
  last_ = std::max(last_, std::min(remoteStamp, cap));
}

}  // namespace renda
