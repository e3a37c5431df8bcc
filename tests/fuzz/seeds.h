// SPDX-License-Identifier: Apache-2.0
// Named seeds of the corpus generators (the hidden "[generate]" tests): a
// target's seeds by name, written to tests/fuzz/corpus/<target>/<name>.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace renda::fuzz {

using Seeds = std::map<std::string, std::string>;  // name -> bytes

// Writes every target's seeds into its corpus folder.
inline void writeSeedCorpus(const std::map<std::string, Seeds>& byTarget) {
  for (const auto& [target, seeds] : byTarget) {
    std::filesystem::path dir = std::filesystem::path(RENDA_FUZZ_CORPUS_DIR) / target;
    std::filesystem::create_directories(dir);
    for (const auto& [name, bytes] : seeds) {
      std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      REQUIRE(out.good());
    }
  }
}

}  // namespace renda::fuzz
