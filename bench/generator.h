// SPDX-License-Identifier: Apache-2.0
// The benchmarks' record generator: signed changes of a county's deputies and
// duty records, as a county office and its townships write them (Chinese
// names, addresses, phone numbers, 40-50-character descriptions; ~80 %
// creates, ~20 % edits; prev, prevSig, deps and HLC stamps as a node makes
// them). Deterministic for a seed and a set of keys, so two runs, or two
// stores, get the same bytes. Used by bench_ingest and bench_sync.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/change.h"
#include "core/status.h"

namespace renda::bench {

inline constexpr uint64_t kBaseMs = 1767225600000ull;  // 2026-01-01 00:00 UTC

// A signing key derived from a label (BLAKE2b of the label as the seed).
SecretKey keyFrom(const std::string& label);

// The network the changes belong to, and the root key that certifies authors.
struct GenNetwork {
  NetworkId id;
  SecretKey root;
  std::string countyName;
};

// bench_ingest's network: fixed keys, county 示范县.
GenNetwork fixedBenchNetwork();

// Realistic text, drawn from a seeded generator.
class Text {
 public:
  explicit Text(uint64_t seed) : rng_(seed) {}
  template <size_t N>
  const char* pick(const char* const (&pool)[N]) { return pool[rng_() % N]; }
  uint64_t num(uint64_t lo, uint64_t hi) { return lo + rng_() % (hi - lo + 1); }
  std::string name();
  std::string date(int y0, int y1);
  std::string phone();
  std::string address(const std::string& town);

 private:
  std::mt19937_64 rng_;
};

// Fields of a new deputy of `town` ("" = the county), and of a duty record.
std::vector<Field> deputyFields(Text& t, const std::string& town);
std::vector<Field> dutyFields(Text& t, const std::string& deputy);

// One author's chain: numbers, prev and prevSig as Store::author sets them.
// Borrows the key, which must outlive it.
struct AuthorChain {
  const SecretKey* key;
  PublicKey pk;
  uint64_t seq = 0;
  ChangeId last;
  Hash lastSig;

  explicit AuthorChain(const SecretKey& k) : key(&k), pk(k.publicKey()) {}
  // Fills network, author, seq, prev, prevSig and hlc into `c`, checks its
  // shape, signs it, and returns the envelope; *id gets the change's id.
  Result<std::string> sign(const NetworkId& network, Change c, uint64_t hlcMs, ChangeId* id);
};

// Who writes: author 0 is a county office (scope ""), the others townships.
struct GenAuthor {
  SecretKey key;
  std::string scope;  // township name; "" = county
  std::string label;  // the certificate's label
};

// Author 0 (the county office, keyed "<prefix> 0") and `townships`
// townships ("<prefix> 1"...). With prefix "renda-bench author" and 2
// townships: bench_ingest's authors.
std::vector<GenAuthor> countyAuthors(const std::string& prefix, size_t townships);

struct GenOptions {
  uint64_t changes = 0;    // in all, certificates included
  uint64_t maxRun = 400;   // longest run of consecutive changes by one author
  uint64_t seed = 1;
};

struct GenCounts {
  uint64_t changes = 0, creates = 0, edits = 0, certificates = 0, deps = 0, envelopeBytes = 0;
};

// Writes options.changes changes through `out`: first author 0 carries a
// certificate of every author by network.root, then authors write in runs of
// 1..maxRun changes (the county office 10 % of the runs, the townships the
// rest). Stops at the first error `out` returns.
Result<GenCounts> generateChanges(const GenNetwork& network, const std::vector<GenAuthor>& authors,
                                  const GenOptions& options,
                                  const std::function<Status(const std::string&)>& out);

}  // namespace renda::bench
