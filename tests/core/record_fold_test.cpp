// SPDX-License-Identifier: Apache-2.0
// Merge determinism and the record's binary form. Random but seeded histories
// (several authors, branching and merging parents, some versions not applied,
// some life-cycle events)
// must give byte-identical records for every delivery order, and the surviving
// values must equal a naive reading of the rule: a value survives unless a
// later applied setter of the same field follows it. Set RENDA_TEST_SEED to
// replay a failing seed.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <unordered_set>

#include "core/record.h"
#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::Author;
using test::Signed;

uint64_t baseSeed() {
  const char* env = std::getenv("RENDA_TEST_SEED");
  return env ? std::strtoull(env, nullptr, 0) : 0x5eed2024u;
}

struct History {
  std::vector<Signed> changes;  // changes[0] creates; the rest in causal order
  std::vector<bool> applied;
};

History randomHistory(uint64_t seed, int updates) {
  std::mt19937_64 rng(seed);
  NetworkId net = test::networkFromByte(0x4e);
  std::vector<Author> authors;
  for (unsigned char b : {0xa1, 0xb2, 0xc3}) authors.emplace_back(b, net);
  const char* names[] = {"name", "phone", "group", "note"};
  History h;
  h.changes.push_back(authors[0].create("chengguan", {{"name", "v0"}, {"phone", "p0"}}));
  h.applied.push_back(true);
  for (int i = 1; i <= updates; ++i) {
    std::vector<ChangeId> parents;
    size_t nparents = 1 + rng() % 3;
    for (size_t k = 0; k < nparents; ++k) {
      // Lean towards recent versions so that branches also get merged.
      size_t n = h.changes.size();
      size_t pick = rng() % 2 ? n - 1 - rng() % std::min<size_t>(n, 3) : rng() % n;
      parents.push_back(h.changes[pick].id);
    }
    std::vector<Field> fields;
    size_t first = rng() % 4;
    fields.push_back({names[first], "v" + std::to_string(i)});
    if (rng() % 3 == 0)
      fields.push_back({names[(first + 1 + rng() % 3) % 4], "w" + std::to_string(i)});
    Change c = Author::updateOp(h.changes[0].id, parents, fields, Hlc::make(1000 + i, 0));
    if (rng() % 10 == 0) c.action = "cosign";  // an event: in the DAG, sets no values
    Author& a = authors[rng() % authors.size()];
    h.changes.push_back(a.add(std::move(c)));
    h.applied.push_back(rng() % 8 != 0);
  }
  return h;
}

std::vector<FoldInput> inputsOf(const History& h) {
  std::vector<FoldInput> in;
  for (size_t i = 0; i < h.changes.size(); ++i)
    in.push_back({h.changes[i].id, &h.changes[i].change, h.applied[i]});
  return in;
}

Record incremental(const History& h, const std::vector<size_t>& order) {
  Record r = createRecord(h.changes[0].change, h.changes[0].id, h.applied[0]);
  for (size_t i : order) {
    if (i == 0) continue;
    REQUIRE(applyUpdate(r, h.changes[i].change, h.changes[i].id, h.applied[i]).isOk());
  }
  return r;
}

// A random order in which every change comes after its parents.
std::vector<size_t> randomCausalOrder(const History& h, std::mt19937_64& rng) {
  std::map<ChangeId, size_t> index;
  for (size_t i = 0; i < h.changes.size(); ++i) index[h.changes[i].id] = i;
  std::vector<bool> done(h.changes.size(), false);
  std::vector<size_t> order;
  while (order.size() < h.changes.size()) {
    std::vector<size_t> ready;
    for (size_t i = 0; i < h.changes.size(); ++i) {
      if (done[i]) continue;
      bool ok = true;
      for (const auto& p : h.changes[i].change.parents) ok = ok && done[index.at(p)];
      if (ok) ready.push_back(i);
    }
    size_t pick = ready[rng() % ready.size()];
    done[pick] = true;
    order.push_back(pick);
  }
  return order;
}

// The rule read literally, with nothing shared with record.cpp.
void checkAgainstNaiveRule(const History& h, const Record& r) {
  std::map<ChangeId, size_t> index;
  for (size_t i = 0; i < h.changes.size(); ++i) index[h.changes[i].id] = i;
  std::vector<std::set<size_t>> ancestors(h.changes.size());
  std::vector<uint32_t> depth(h.changes.size(), 1);
  for (size_t i = 1; i < h.changes.size(); ++i) {  // causal order: parents are done
    for (const auto& p : h.changes[i].change.parents) {
      size_t j = index.at(p);
      ancestors[i].insert(j);
      ancestors[i].insert(ancestors[j].begin(), ancestors[j].end());
      depth[i] = std::max(depth[i], depth[j] + 1);
    }
  }
  std::map<std::string, std::set<size_t>> setters;
  for (size_t i = 0; i < h.changes.size(); ++i)
    if (h.applied[i] && h.changes[i].change.action.empty())
      for (const auto& f : h.changes[i].change.fields) setters[f.name].insert(i);
  CHECK(r.fields.size() == setters.size());
  for (const auto& [name, set] : setters) {
    std::set<ChangeId> expected;
    for (size_t s : set) {
      bool superseded = false;
      for (size_t t : set) superseded = superseded || (t != s && ancestors[t].count(s));
      if (!superseded) expected.insert(h.changes[s].id);
    }
    INFO("field " << name);
    REQUIRE(r.fields.count(name) == 1);
    const auto& cands = r.fields.at(name).candidates;
    std::set<ChangeId> got;
    for (const auto& c : cands) {
      got.insert(c.id);
      CHECK(c.depth == depth[index.at(c.id)]);
    }
    CHECK(got == expected);
    CHECK(got.size() == cands.size());
    for (size_t k = 1; k < cands.size(); ++k) {
      bool ordered = cands[k - 1].depth > cands[k].depth ||
                     (cands[k - 1].depth == cands[k].depth && cands[k - 1].id > cands[k].id);
      CHECK(ordered);
    }
  }
  for (const auto& v : r.versions) CHECK(v.depth == depth[index.at(v.id)]);
}

TEST_CASE("foldRecord: every permutation of a small history gives identical bytes",
          "[core][record][merge]") {
  const uint64_t seed = baseSeed();
  INFO("seed " << seed << " (set RENDA_TEST_SEED to replay)");
  History h = randomHistory(seed, 6);
  std::vector<size_t> causal(h.changes.size());
  for (size_t i = 0; i < causal.size(); ++i) causal[i] = i;
  const std::string expected = encodeRecord(incremental(h, causal));
  std::vector<size_t> perm = causal;
  size_t count = 0;
  do {
    std::vector<FoldInput> in;
    for (size_t i : perm) in.push_back({h.changes[i].id, &h.changes[i].change, h.applied[i]});
    auto r = foldRecord(std::move(in));
    REQUIRE(r.isOk());
    if (encodeRecord(*r) != expected) FAIL("permutation " << count << " differs");
    ++count;
  } while (std::next_permutation(perm.begin(), perm.end()));
  CHECK(count == 5040);
}

TEST_CASE("foldRecord: random histories fold identically in any order, and as the rule says",
          "[core][record][merge]") {
  const uint64_t base = baseSeed();
  for (uint64_t k = 0; k < 25; ++k) {
    const uint64_t seed = base + k;
    INFO("seed " << seed << " (set RENDA_TEST_SEED to replay)");
    History h = randomHistory(seed, 10 + static_cast<int>(k % 4) * 10);
    std::vector<size_t> causal(h.changes.size());
    for (size_t i = 0; i < causal.size(); ++i) causal[i] = i;
    Record reference = incremental(h, causal);
    const std::string expected = encodeRecord(reference);
    checkAgainstNaiveRule(h, reference);

    std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
    for (int round = 0; round < 20; ++round) {
      auto order = randomCausalOrder(h, rng);
      REQUIRE(encodeRecord(incremental(h, order)) == expected);
      auto in = inputsOf(h);
      std::shuffle(in.begin(), in.end(), rng);
      auto r = foldRecord(std::move(in));
      REQUIRE(r.isOk());
      REQUIRE(encodeRecord(*r) == expected);
      CHECK(*r == reference);
    }
  }
}

TEST_CASE("Record: encodeRecord and decodeRecord round-trip a record with conflicts",
          "[core][record][encoding]") {
  History h = randomHistory(baseSeed(), 20);
  auto r = foldRecord(inputsOf(h));
  REQUIRE(r.isOk());
  std::string bytes = encodeRecord(*r);
  auto d = decodeRecord(test::bytesOf(bytes));
  REQUIRE(d.isOk());
  CHECK(*d == *r);
  CHECK(encodeRecord(*d) == bytes);
}

TEST_CASE("Record: decodeRecord refuses every truncation and any damage as Corruption",
          "[core][record][encoding][negative]") {
  History h = randomHistory(baseSeed() + 1, 12);
  auto r = foldRecord(inputsOf(h));
  REQUIRE(r.isOk());
  std::string bytes = encodeRecord(*r);
  for (size_t n = 0; n < bytes.size(); ++n) {
    INFO("length " << n << " of " << bytes.size());
    CHECK(decodeRecord(test::bytesOf(bytes.substr(0, n))).status().code() == Code::kCorruption);
  }
  CHECK(decodeRecord(test::bytesOf(bytes + '\0')).status().code() == Code::kCorruption);
  std::string badFormat = bytes;
  badFormat[0] = static_cast<char>(badFormat[0] + 1);  // an unknown (future) format
  CHECK(decodeRecord(test::bytesOf(badFormat)).status().code() == Code::kCorruption);
  std::string badKind = bytes;
  badKind[1 + 32] = static_cast<char>(kRecordKindCount);
  CHECK(decodeRecord(test::bytesOf(badKind)).status().code() == Code::kCorruption);
  // A version count far beyond what the bytes could hold.
  size_t scopeLen = test::readU32(bytes, 1 + 32 + 1);
  size_t countAt = 1 + 32 + 1 + 4 + scopeLen + 1;
  REQUIRE(test::readU32(bytes, countAt) == r->versions.size());
  std::string hugeCount = bytes;
  test::writeU32(hugeCount, countAt, 0xffffffffu);
  CHECK(decodeRecord(test::bytesOf(hugeCount)).status().code() == Code::kCorruption);
  std::string hugeScope = bytes;
  test::writeU32(hugeScope, 1 + 32 + 1, 0xfffffff0u);
  CHECK(decodeRecord(test::bytesOf(hugeScope)).status().code() == Code::kCorruption);
}

}  // namespace
}  // namespace renda
