// SPDX-License-Identifier: Apache-2.0
// libFuzzer entry point for one target, picked at build time by
// RENDA_FUZZ_TARGET (a name in tests/CMakeLists.txt's RENDA_FUZZ_TARGETS).
#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/fuzz_targets.h"

#define RENDA_STR2(x) #x
#define RENDA_STR(x) RENDA_STR2(x)

namespace {
const renda::fuzz::Target* gTarget = nullptr;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (sodium_init() < 0) std::abort();
  gTarget = renda::fuzz::findTarget(RENDA_STR(RENDA_FUZZ_TARGET));
  if (!gTarget) {
    std::fprintf(stderr, "no fuzz target named %s\n", RENDA_STR(RENDA_FUZZ_TARGET));
    std::abort();
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gTarget->run(data, size);  // an InvariantViolation escapes and aborts: a finding
  return 0;
}
