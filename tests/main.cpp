// SPDX-License-Identifier: Apache-2.0
// The one Catch2 main for every test executable. libsodium is initialised here,
// as app's main() does, before any test runs.
#define CATCH_CONFIG_RUNNER
#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstdio>

int main(int argc, char* argv[]) {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "renda tests: sodium_init() failed\n");
    return 1;
  }
  return Catch::Session().run(argc, argv);
}
