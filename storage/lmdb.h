// SPDX-License-Identifier: Apache-2.0
// A thin LMDB wrapper returning Status (after lmdbxx's resource layer).
// ReadTxn and WriteTxn are distinct move-only types: a mutation takes a
// WriteTxn&, so writing inside a read transaction does not compile. A
// destructor aborts; commit() is the only way to persist. Values come back as
// views valid until the next write in, or the end of, their transaction.
// One Env per process; default durable flags; no DUPSORT.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace renda::storage {

using Bytes = std::span<const unsigned char>;
inline Bytes bytesOf(std::string_view s) {
  return Bytes(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}
inline std::string_view viewOf(Bytes b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

// Maps an LMDB return code to a Status (MDB_MAP_FULL -> ResourceExhausted, ...).
Status lmdbStatus(int rc, std::string_view what);

// The Status of a write to disk that failed with `rc` (from a commit or a
// flush of `env`): ResourceExhausted saying the disk is full, how much is free
// and what to free, when it is ENOSPC, or EIO with the disk (nearly) full —
// LMDB reports a write the full disk cut short as EIO. Otherwise as
// lmdbStatus. Either way the store is as the last commit left it.
Status diskWriteStatus(MDB_env* env, int rc, std::string_view what);

// True for a Status from diskWriteStatus that says the disk is full.
bool isDiskFull(const Status& s);

class Env {
 public:
  struct Options {
    // Address space, not disk: the file grows as pages are written. Large, so
    // that a store seldom has to grow (growing needs every transaction of the
    // process closed, which a server with sessions on several threads rarely is).
    size_t initialMapBytes = size_t(16) << 30;  // 16 GiB; grown on MDB_MAP_FULL
    unsigned maxDbs = 32;
    unsigned maxReaders = 126;
  };
  // Opens (creating if needed) the environment in directory `dir`, clears
  // stale reader slots. IOError with a plain reason on failure.
  static Result<Env> open(const std::string& dir, const Options& options);
  static Result<Env> open(const std::string& dir) { return open(dir, Options{}); }
  Env(Env&& other) noexcept;
  Env& operator=(Env&& other) noexcept;
  Env(const Env&) = delete;
  ~Env();

  MDB_env* get() const { return env_; }
  size_t mapBytes() const;
  // Doubles the map. ResourceExhausted (the store is full, for now) while
  // another thread of this process has a transaction open.
  Status grow();
  int liveTxns() const { return liveTxns_; }
  // Number of times the map grew since open.
  int growCount() const { return growCount_; }
  // Bulk mode (a large import): each commit still writes and flushes its data
  // pages, but the flush of LMDB's meta page is left to the next commit
  // (MDB_NOMETASYNC). The store stays consistent; a power cut can undo the
  // last committed batch, which an idempotent import simply redoes. Leaving
  // bulk mode flushes everything to disk.
  Status setBulk(bool on);
  // Drops this process's mappings of store pages. The pages stay in the
  // kernel's page cache and are mapped again on the next read; this keeps a
  // long import's resident set to what one batch touches instead of every page
  // it ever read. Safe with readers open: mapped content is the file's.
  // Thread-safe (a session's sender and its ingest both call it).
  void releaseMappedPages();

 private:
  friend class Txn;
  friend class ReadTxn;
  friend class WriteTxn;
  explicit Env(MDB_env* env) : env_(env) {}
  MDB_env* env_ = nullptr;
  std::atomic<int> liveTxns_{0};  // transactions open in this process, on any thread
  std::atomic<int> growCount_{0};
  // Where data.mdb is mapped, found once per map size (the map moves only
  // when grow() remaps it): {address, length} pairs.
  std::vector<std::pair<void*, size_t>> mapped_;
  int mappedAtGrow_ = -1;
  // Guards mapped_ and the map's moves (grow) against releaseMappedPages().
  std::unique_ptr<std::mutex> mapMu_ = std::make_unique<std::mutex>();
};

class Txn {
 public:
  Txn(Txn&& other) noexcept : txn_(other.txn_), env_(other.env_) {
    RENDA_ASSERT(other.cursors_ == 0);
    other.txn_ = nullptr;
  }
  Txn(const Txn&) = delete;
  MDB_txn* get() const { return txn_; }
  // Looks a key up. The view lives until the next write in, or the end of, this txn.
  Result<std::optional<Bytes>> get(MDB_dbi dbi, Bytes key) const;
  // Number of entries in a table.
  Result<uint64_t> entries(MDB_dbi dbi) const;

 protected:
  Txn(MDB_txn* txn, Env* env) : txn_(txn), env_(env) {}
  friend class Cursor;
  MDB_txn* txn_ = nullptr;
  Env* env_ = nullptr;
  mutable int cursors_ = 0;  // live cursors borrowing this txn
};

class ReadTxn : public Txn {
 public:
  static Result<ReadTxn> begin(Env& env);
  ReadTxn(ReadTxn&&) noexcept = default;
  ~ReadTxn();

 private:
  using Txn::Txn;
};

class WriteTxn : public Txn {
 public:
  static Result<WriteTxn> begin(Env& env);
  WriteTxn(WriteTxn&& other) noexcept = default;
  ~WriteTxn();  // aborts unless committed

  Status put(MDB_dbi dbi, Bytes key, Bytes value, unsigned flags = 0);
  // Reserves `size` bytes for the value and returns where to write them.
  Result<unsigned char*> reserve(MDB_dbi dbi, Bytes key, size_t size, unsigned flags = 0);
  Status del(MDB_dbi dbi, Bytes key);  // NotFound is not an error here
  // Deletes every entry of a table (the table stays).
  Status clear(MDB_dbi dbi);
  // Persists. Marks the transaction dead first; the object is spent either way.
  Status commit();
  void abort();
  Result<MDB_dbi> openDb(const char* name);

 private:
  using Txn::Txn;
};

// A cursor borrowing a transaction; must die before its transaction ends.
class Cursor {
 public:
  static Result<Cursor> open(const Txn& txn, MDB_dbi dbi);
  Cursor(Cursor&& other) noexcept
      : c_(other.c_), count_(other.count_), key_(other.key_), value_(other.value_) {
    other.c_ = nullptr;
    other.count_ = nullptr;
  }
  Cursor(const Cursor&) = delete;
  ~Cursor();
  // Positions at the first key >= `key`. False when there is none.
  Result<bool> seek(Bytes key);
  Result<bool> first();
  Result<bool> last();
  Result<bool> next();
  Result<bool> prev();
  Bytes key() const { return key_; }
  Bytes value() const { return value_; }

 private:
  Cursor(MDB_cursor* c, int* count) : c_(c), count_(count) { ++*count_; }
  Result<bool> move(MDB_cursor_op op, MDB_val* k);
  MDB_cursor* c_ = nullptr;
  int* count_ = nullptr;
  Bytes key_, value_;
};

// True for LMDB's "map is full" (MDB_MAP_FULL): grow the map and try again.
bool isMapFull(const Status& s);

// Runs `body(txn)` in a write transaction and commits; on MDB_MAP_FULL (from a
// put or the commit) aborts, grows the map with no transaction open, and runs
// the whole body again. `body` must be safe to re-run (it sees a fresh txn).
template <typename Body>
Status withWriteTxn(Env& env, Body&& body, int maxGrows = 16) {
  for (int attempt = 0;; ++attempt) {
    Status s;
    {
      auto txn = WriteTxn::begin(env);
      if (!txn) return txn.status();
      s = body(*txn);
      if (s.isOk()) s = txn->commit();
    }
    if (!isMapFull(s) || attempt >= maxGrows) return s;
    RENDA_TRY(env.grow());
  }
}

}  // namespace renda::storage
