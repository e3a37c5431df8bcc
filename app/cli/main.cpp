// SPDX-License-Identifier: Apache-2.0
// The `renda` command.
#include <sodium.h>
#include <sys/resource.h>

#include <clocale>
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "");
  // Messages in Chinese where the locale is zh_*, else English (app/i18n).
  renda::app::i18n::setLanguage(renda::app::i18n::languageFromEnvironment());
  // No core dumps: they could hold key material.
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  if (sodium_init() < 0) {
    std::fprintf(stderr, "renda: the cryptography library could not start\n");
    return renda::app::kExitInternal;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  return renda::app::runCommandLine(args);
}
