// SPDX-License-Identifier: Apache-2.0
// Internal to storage: table handles and key encodings (see store.h for layouts).
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "storage/lmdb.h"

namespace renda::storage {

struct Store::Tables {
  MDB_dbi meta, changes, byid, byidnew, log, forklog, vv, records, bykind, recchanges, members,
      acts, forks, peers;
  // When and how much of byidnew moves into byid (StoreOptions).
  uint64_t idIndexMinMerge = 0, idIndexSlice = 0;
};

namespace keys {

inline void putBe64(std::string& s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline uint64_t getBe64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
template <typename F>
inline void putFixed(std::string& s, const F& f) {
  s.append(reinterpret_cast<const char*>(f.data()), f.size());
}
template <typename F>
inline std::string fixed(const F& f) {
  return std::string(reinterpret_cast<const char*>(f.data()), f.size());
}
inline std::string be64(uint64_t v) {
  std::string s;
  putBe64(s, v);
  return s;
}
inline std::string authorSeq(const PublicKey& a, uint64_t seq) {
  std::string s = fixed(a);
  putBe64(s, seq);
  return s;
}

inline std::string rowKey(uint64_t row) { return be64(row); }

// meta key of the tally `renda status` shows without reading every record:
// conflicted records u64 | versions not applied u64 (big-endian). Absent in a
// store upgraded from an older layout until Store::status() counts it once.
inline constexpr std::string_view kTally = "tally";

// forklog key: author 32 | seq u64 | change id 32.
inline std::string authorSeqId(const PublicKey& a, uint64_t seq, const ChangeId& id) {
  std::string s = authorSeq(a, seq);
  putFixed(s, id);
  return s;
}

// The store's table layout. 2: records, bykind and recchanges are keyed by the
// record's row (the arrival number of its creating change) so that new records
// append; log values are arrival numbers. 3: the id index is two tables, byid
// and byidnew (a layout-2 store is a layout-3 store whose byidnew is empty,
// and is upgraded in place when opened).
// 4: forks travel. Every held change is in `changes` and the id index; `log`
// keeps the first change held at each (author, seq) and `forklog` the others;
// `acts` lists the changes that carry certificates, revocations, settlements
// and encryption keys, with the verdict of the last trust derivation. Layouts
// 2 and 3 are upgraded in place when opened (Store::open): `acts` is filled
// from the changes, the old `forks` evidence moves into `changes`, and trust
// is derived again.
inline constexpr uint64_t kLayout = 4;
inline constexpr uint64_t kLayoutOldest = 2;

// The id index in two tables. New ids go to byidnew, which stays small, so a
// batch rewrites a few of its pages instead of most pages of the whole index
// (ids are hashes: a batch's ids land all over the key space). While byidnew
// holds at least a quarter as many ids as byid (and at least
// StoreOptions::idIndexMinMerge, 65,536), each write transaction moves a
// slice of consecutive ids of byidnew (StoreOptions::idIndexSlice, 65,536)
// into byid: a stretch of byid's pages then takes many new ids each, where a
// batch's own ids would have taken one or two per page. At a million changes
// this writes a third of the bytes and halves the import time
// (docs/performance.md).

// A change's arrival number (8 bytes, the key of `changes`), if held.
inline Result<std::optional<Bytes>> arrivalOf(const Txn& txn, const Store::Tables& t,
                                              const ChangeId& id) {
  std::string key = fixed(id);
  auto recent = txn.get(t.byidnew, bytesOf(key));
  if (!recent) return recent.status();
  auto found = recent->has_value() ? std::move(recent) : txn.get(t.byid, bytesOf(key));
  if (!found) return found.status();
  if (found->has_value() && (*found)->size() != 8)
    return Status::corruption("the id index is damaged");
  return found;
}

// The row of a record: the arrival number of its creating change, whose id is
// the record's id (so the id index finds it). nullopt when the id is not held.
inline Result<std::optional<uint64_t>> recordRow(const Txn& txn, const Store::Tables& t,
                                                 const RecordId& id) {
  auto arrival = arrivalOf(txn, t, id);
  if (!arrival) return arrival.status();
  if (!arrival->has_value()) return std::optional<uint64_t>();
  return std::optional<uint64_t>(getBe64((*arrival)->data()));
}

// changes value layout
inline constexpr uint8_t kChangeFormat = 1;
inline constexpr uint8_t kFlagSigChecked = 1;
inline constexpr uint8_t kFlagApplied = 2;
inline constexpr size_t kChangeHeader = 2 + 32 + 8;

}  // namespace keys
}  // namespace renda::storage
