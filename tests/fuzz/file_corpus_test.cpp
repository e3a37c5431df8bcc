// SPDX-License-Identifier: Apache-2.0
// The file format targets' seeds (tests/fuzz/corpus/{summaryfile,bundle}/),
// made with the writers and, for the damaged ones, by editing their bytes;
// written by the hidden "[generate]" test:
//   build/tests/fuzz_replay "[generate][files]"
// Checked here: each named seed is accepted or refused as its name says.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "net/files.h"
#include "tests/core/fixtures.h"
#include "tests/fuzz/file_targets.h"
#include "tests/fuzz/seeds.h"

namespace renda::fuzz {
namespace {

namespace fs = std::filesystem;

VersionVector entriesOf(size_t n) {
  VersionVector v;
  for (size_t i = 0; i < n; ++i) {
    VersionEntry e;
    e.author.bytes.fill(static_cast<unsigned char>(i * 11 + 2));
    e.seq = 1 + 2 * i;
    e.id.bytes.fill(static_cast<unsigned char>(0x30 + i));
    v.push_back(e);
  }
  return v;
}

std::string u32le(uint32_t n) { return std::string(reinterpret_cast<const char*>(&n), 4); }

Seeds summarySeeds() {
  Seeds s;
  net::SummaryFile f;
  f.network = fuzzNetwork();
  f.node.bytes.fill(0xa1);
  f.createdMs = 1'700'000'000'000;
  f.entries = entriesOf(4);
  s["valid_four_nodes"] = net::encodeSummary(f);
  net::SummaryFile empty = f;
  empty.entries.clear();
  s["valid_empty"] = net::encodeSummary(empty);
  net::SummaryFile other = f;
  other.network = test::networkFromByte(0x77);
  s["valid_other_network"] = net::encodeSummary(other);
  std::string ok = s["valid_four_nodes"];
  s["truncated"] = ok.substr(0, ok.size() - 1);
  s["magic_only"] = ok.substr(0, 16);
  s["extra_at_end"] = ok + "x";
  std::string damaged = ok;
  damaged[30] = static_cast<char>(damaged[30] ^ 0x40);
  s["checksum_mismatch"] = damaged;
  std::string huge = ok;
  huge.replace(16, 4, u32le(0x7fffffffu));
  s["length_huge"] = huge;
  s["other_version"] = "RENDA-SUMMARY-02" + ok.substr(16);
  s["bundle_magic"] = "RENDA-BUNDLE-v01" + ok.substr(16);
  return s;
}

// A bundle written by BundleWriter, as bytes.
std::string writeBundle(const net::BundleHeader& h, const std::vector<std::string>& envelopes) {
  fs::path path = fs::temp_directory_path() / ("renda-fuzz-seed-" + std::to_string(::getpid()));
  auto w = net::BundleWriter::create(path.string(), h, bundleFuzzProducer());
  REQUIRE(w.isOk());
  for (const auto& e : envelopes) REQUIRE((*w)->addChange(e).isOk());
  REQUIRE((*w)->finish().isOk());
  std::ifstream in(path, std::ios::binary);
  std::string bytes(std::istreambuf_iterator<char>(in), {});
  fs::remove(path);
  return bytes;
}

Seeds bundleSeeds() {
  Seeds s;
  test::Author alice(0xa1, fuzzNetwork());
  auto first = alice.create("chengguan", {{"name", "李华"}, {"phone", "13800000000"}});
  auto second = alice.update(first.id, {first.id}, {{"phone", "13900000001"}});
  net::BundleHeader h;
  h.network = fuzzNetwork();
  h.producer = bundleFuzzProducer().publicKey();
  h.createdMs = 1'700'000'000'000;
  h.countyName = "示范县";
  h.rootKey = fuzzRootKey();
  s["valid_two_changes"] = writeBundle(h, {first.envelope, second.envelope});
  s["valid_empty"] = writeBundle(h, {});
  net::BundleHeader enrol = h;
  enrol.prerequisites = entriesOf(2);
  NetworkSecret secret;
  secret.bytes.fill(0x5a);
  enrol.networkSecret = secret;
  s["valid_enrolment"] = writeBundle(enrol, {first.envelope});
  net::BundleHeader other = h;
  other.network = test::networkFromByte(0x77);
  s["valid_other_network"] = writeBundle(other, {first.envelope});
  std::string ok = s["valid_two_changes"];
  s["truncated"] = ok.substr(0, ok.size() - 10);
  s["cut_in_header"] = ok.substr(0, 40);
  s["extra_at_end"] = ok + std::string("\x02\x00\x00\x00\x00", 5);
  std::string changed = ok;
  changed[ok.size() / 2] = static_cast<char>(changed[ok.size() / 2] ^ 1);
  s["change_altered"] = changed;
  std::string header = ok;
  header.replace(17, 4, u32le(0x00ffffffu));
  s["header_length_lies"] = header;
  s["other_version"] = "RENDA-BUNDLE-v02" + ok.substr(16);
  s["summary_magic"] = "RENDA-SUMMARY-01" + ok.substr(16);
  return s;
}

std::map<std::string, Seeds> allSeeds() {
  return {{"summaryfile", summarySeeds()}, {"bundle", bundleSeeds()}};
}

TEST_CASE("FileFuzz: every named seed is accepted or refused as its name says",
          "[fuzz][files]") {
  for (const auto& [target, seeds] : allSeeds()) {
    const Target* t = findTarget(target);
    REQUIRE(t);
    for (const auto& [name, bytes] : seeds) {
      INFO(target << "/" << name);
      bool valid = name.rfind("valid_", 0) == 0;
      auto data = reinterpret_cast<const uint8_t*>(bytes.data());
      CHECK(t->run(data, bytes.size()) == (valid ? Outcome::kAccepted : Outcome::kRejected));
    }
  }
}

TEST_CASE("FileFuzz: write the seed corpus", "[.][generate][files]") {
  writeSeedCorpus(allSeeds());
}

}  // namespace
}  // namespace renda::fuzz
