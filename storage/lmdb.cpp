// SPDX-License-Identifier: Apache-2.0
#include "storage/lmdb.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace renda::storage {

Status lmdbStatus(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return Status::ok();
  std::string w(what);
  switch (rc) {
    case MDB_NOTFOUND: return Status::notFound(w + ": not found");
    case MDB_MAP_FULL:
      return Status::exhausted(w + ": the store's map is full (it reached its size limit and "
                                   "could not grow); nothing of this batch was saved");
    case MDB_READERS_FULL: return Status::exhausted(w + ": too many readers");
    case MDB_TXN_FULL: return Status::exhausted(w + ": transaction too large");
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
      return Status::corruption(w + ": the data files are damaged (" + mdb_strerror(rc) + ")");
    case MDB_PANIC:
      return Status::corruption(w + ": the store hit a fatal error; restart renda");
    case ENOSPC:
      return Status::exhausted(w + ": the disk is full; nothing of this batch was saved. Free "
                                   "some space on it and run the command again");
    case EACCES:
    case EPERM: return Status::ioError(w + ": permission denied");
    default: return Status::ioError(w + ": " + mdb_strerror(rc));
  }
}

namespace {

// What a full disk leaves free after a write it cut short: a little, never
// as much as this.
constexpr uint64_t kNearlyFullBytes = 16ull << 20;

std::string megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
  return buf;
}

}  // namespace

Status diskWriteStatus(MDB_env* env, int rc, std::string_view what) {
  if (rc != ENOSPC && rc != EIO) return lmdbStatus(rc, what);
  const char* dir = nullptr;
  struct statvfs fs;
  bool known = mdb_env_get_path(env, &dir) == 0 && dir && ::statvfs(dir, &fs) == 0;
  uint64_t freeBytes = known ? uint64_t(fs.f_bavail) * fs.f_frsize : 0;
  if (rc == EIO && (!known || freeBytes >= kNearlyFullBytes))
    return Status::ioError(std::string(what) +
                           ": the disk reported an error (Input/output error); nothing of this "
                           "batch was saved. Check the disk (or copy the data folder to another "
                           "one) and run the command again");
  std::string where = known ? std::string(" holding ") + dir : std::string();
  return Status::exhausted(
      std::string(what) + ": the disk" + where + " is full" +
      (known ? " (" + megabytes(freeBytes) + " free)" : std::string()) +
      ". Nothing of this batch was saved; the store is as it was before. Free space on that "
      "disk — delete bundle and summary files already imported, old copies of data folders, "
      "or other large files you no longer need — then run the command again");
}

bool isDiskFull(const Status& s) {
  return s.code() == Code::kResourceExhausted &&
         s.message().find(" is full") != std::string::npos &&
         s.message().find("the disk") != std::string::npos;
}

Result<Env> Env::open(const std::string& dir, const Options& options) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::ioError("cannot create the data folder " + dir + ": " + std::strerror(errno));
  MDB_env* env = nullptr;
  int rc = mdb_env_create(&env);
  if (rc) return lmdbStatus(rc, "creating the store");
  Env out(env);
  mdb_env_set_maxdbs(env, options.maxDbs);
  mdb_env_set_maxreaders(env, options.maxReaders);
  // Use the larger of the configured size and the existing file's size.
  struct stat st;
  size_t map = options.initialMapBytes;
  if (::stat((dir + "/data.mdb").c_str(), &st) == 0 && size_t(st.st_size) > map) map = st.st_size;
  rc = mdb_env_set_mapsize(env, map);
  if (rc) return lmdbStatus(rc, "sizing the store");
  rc = mdb_env_open(env, dir.c_str(), MDB_NOTLS, 0600);
  if (rc) return lmdbStatus(rc, "opening the store in " + dir);
  int dead = 0;
  mdb_reader_check(env, &dead);  // clear slots left by crashed processes
  return out;
}

Env::Env(Env&& other) noexcept
    : env_(other.env_),
      liveTxns_(other.liveTxns_.load()),
      growCount_(other.growCount_.load()),
      mapped_(std::move(other.mapped_)),
      mappedAtGrow_(other.mappedAtGrow_),
      mapMu_(std::move(other.mapMu_)) {
  other.env_ = nullptr;
}

Env& Env::operator=(Env&& other) noexcept {
  if (this != &other) {
    if (env_) mdb_env_close(env_);
    env_ = other.env_;
    liveTxns_ = other.liveTxns_.load();
    growCount_ = other.growCount_.load();
    mapped_ = std::move(other.mapped_);
    mappedAtGrow_ = other.mappedAtGrow_;
    mapMu_ = std::move(other.mapMu_);
    other.env_ = nullptr;
  }
  return *this;
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
}

size_t Env::mapBytes() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

Status Env::grow() {
  if (liveTxns_ != 0)
    return Status::exhausted("the store's map is full and cannot grow while another session "
                             "is reading it; what was under way was not saved, try again");
  std::lock_guard<std::mutex> lock(*mapMu_);
  mappedAtGrow_ = -1;  // the map moves, even when growing fails part-way
  int rc = mdb_env_set_mapsize(env_, mapBytes() * 2);
  if (rc) return lmdbStatus(rc, "growing the store");
  ++growCount_;
  return Status::ok();
}

Status Env::setBulk(bool on) {
  int rc = mdb_env_set_flags(env_, MDB_NOMETASYNC, on ? 1 : 0);
  if (rc) return lmdbStatus(rc, "changing how the store flushes");
  if (!on) {
    rc = mdb_env_sync(env_, 1);
    if (rc) return diskWriteStatus(env_, rc, "flushing the store to disk");
  }
  return Status::ok();
}

void Env::releaseMappedPages() {
  std::lock_guard<std::mutex> lock(*mapMu_);
  if (mappedAtGrow_ != growCount_) {
    // LMDB does not publish its map's address (mdb_env_info gives it only with
    // MDB_FIXEDMAP), so find the mapping of data.mdb by device and inode, once
    // for each map size.
    mapped_.clear();
    mappedAtGrow_ = growCount_;
    const char* dir = nullptr;
    if (mdb_env_get_path(env_, &dir) != 0 || !dir) return;
    struct stat st;
    if (::stat((std::string(dir) + "/data.mdb").c_str(), &st) != 0) return;
    FILE* maps = std::fopen("/proc/self/maps", "r");
    if (!maps) return;
    char line[4096];
    while (std::fgets(line, sizeof line, maps)) {
      unsigned long lo = 0, hi = 0, off = 0, ino = 0;
      unsigned major = 0, minor = 0;
      char perms[8];
      if (std::sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &major, &minor,
                      &ino) != 7)
        continue;
      if (ino != st.st_ino || makedev(major, minor) != st.st_dev || perms[3] != 's') continue;
      mapped_.emplace_back(reinterpret_cast<void*>(lo), hi - lo);
    }
    std::fclose(maps);
  }
  for (const auto& [addr, len] : mapped_) ::madvise(addr, len, MADV_DONTNEED);
}

bool isMapFull(const Status& s) {
  return s.code() == Code::kResourceExhausted &&
         s.message().find("map is full") != std::string::npos;
}

Result<std::optional<Bytes>> Txn::get(MDB_dbi dbi, Bytes key) const {
  MDB_val k{key.size(), const_cast<unsigned char*>(key.data())};
  MDB_val v;
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::optional<Bytes>();
  if (rc) return lmdbStatus(rc, "reading the store");
  return std::optional<Bytes>(Bytes(static_cast<const unsigned char*>(v.mv_data), v.mv_size));
}

Result<uint64_t> Txn::entries(MDB_dbi dbi) const {
  MDB_stat st;
  int rc = mdb_stat(txn_, dbi, &st);
  if (rc) return lmdbStatus(rc, "reading the store");
  return uint64_t(st.ms_entries);
}

namespace {

// Another process (a renda command beside a server) grew the map past this
// one's: adopt its size, which LMDB allows only with no transaction open here.
int adoptResizedMap(Env& env, int rc) {
  if (rc != MDB_MAP_RESIZED || env.liveTxns() != 0) return rc;
  return mdb_env_set_mapsize(env.get(), 0);
}

}  // namespace

Result<ReadTxn> ReadTxn::begin(Env& env) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env.get(), nullptr, MDB_RDONLY, &txn);
  if (rc == MDB_MAP_RESIZED && (rc = adoptResizedMap(env, rc)) == 0)
    rc = mdb_txn_begin(env.get(), nullptr, MDB_RDONLY, &txn);
  if (rc) return lmdbStatus(rc, "starting a read");
  ++env.liveTxns_;
  return ReadTxn(txn, &env);
}

ReadTxn::~ReadTxn() {
  if (txn_) {
    mdb_txn_abort(txn_);
    --env_->liveTxns_;
  }
}

Result<WriteTxn> WriteTxn::begin(Env& env) {
  MDB_txn* txn = nullptr;
  int rc = mdb_txn_begin(env.get(), nullptr, 0, &txn);
  if (rc == MDB_MAP_RESIZED && (rc = adoptResizedMap(env, rc)) == 0)
    rc = mdb_txn_begin(env.get(), nullptr, 0, &txn);
  if (rc) return lmdbStatus(rc, "starting a write");
  ++env.liveTxns_;
  return WriteTxn(txn, &env);
}

WriteTxn::~WriteTxn() { abort(); }

void WriteTxn::abort() {
  if (txn_) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
    --env_->liveTxns_;
  }
}

Status WriteTxn::put(MDB_dbi dbi, Bytes key, Bytes value, unsigned flags) {
  MDB_val k{key.size(), const_cast<unsigned char*>(key.data())};
  MDB_val v{value.size(), const_cast<unsigned char*>(value.data())};
  return lmdbStatus(mdb_put(txn_, dbi, &k, &v, flags), "writing to the store");
}

Result<unsigned char*> WriteTxn::reserve(MDB_dbi dbi, Bytes key, size_t size, unsigned flags) {
  MDB_val k{key.size(), const_cast<unsigned char*>(key.data())};
  MDB_val v{size, nullptr};
  int rc = mdb_put(txn_, dbi, &k, &v, MDB_RESERVE | flags);
  if (rc) return lmdbStatus(rc, "writing to the store");
  return static_cast<unsigned char*>(v.mv_data);
}

Status WriteTxn::del(MDB_dbi dbi, Bytes key) {
  MDB_val k{key.size(), const_cast<unsigned char*>(key.data())};
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return Status::ok();
  return lmdbStatus(rc, "deleting from the store");
}

Status WriteTxn::clear(MDB_dbi dbi) {
  return lmdbStatus(mdb_drop(txn_, dbi, 0), "emptying a table of the store");
}

Status WriteTxn::commit() {
  RENDA_ASSERT(cursors_ == 0);
  MDB_txn* t = txn_;
  txn_ = nullptr;  // dead before commit, whatever it returns
  --env_->liveTxns_;
  int rc = mdb_txn_commit(t);
  return rc ? diskWriteStatus(env_->get(), rc, "saving to the store") : Status::ok();
}

Result<MDB_dbi> WriteTxn::openDb(const char* name) {
  MDB_dbi dbi;
  int rc = mdb_dbi_open(txn_, name, MDB_CREATE, &dbi);
  if (rc) return lmdbStatus(rc, std::string("opening table ") + name);
  return dbi;
}

Result<Cursor> Cursor::open(const Txn& txn, MDB_dbi dbi) {
  MDB_cursor* c = nullptr;
  int rc = mdb_cursor_open(txn.get(), dbi, &c);
  if (rc) return lmdbStatus(rc, "opening a cursor");
  return Cursor(c, &txn.cursors_);
}

Cursor::~Cursor() {
  if (c_) mdb_cursor_close(c_);
  if (count_) --*count_;
}

Result<bool> Cursor::move(MDB_cursor_op op, MDB_val* k) {
  MDB_val kk{0, nullptr}, v{0, nullptr};
  if (k) kk = *k;
  int rc = mdb_cursor_get(c_, &kk, &v, op);
  if (rc == MDB_NOTFOUND) return false;
  if (rc) return lmdbStatus(rc, "reading the store");
  key_ = Bytes(static_cast<const unsigned char*>(kk.mv_data), kk.mv_size);
  value_ = Bytes(static_cast<const unsigned char*>(v.mv_data), v.mv_size);
  return true;
}

Result<bool> Cursor::seek(Bytes key) {
  MDB_val k{key.size(), const_cast<unsigned char*>(key.data())};
  return move(MDB_SET_RANGE, &k);
}
Result<bool> Cursor::first() { return move(MDB_FIRST, nullptr); }
Result<bool> Cursor::last() { return move(MDB_LAST, nullptr); }
Result<bool> Cursor::next() { return move(MDB_NEXT, nullptr); }
Result<bool> Cursor::prev() { return move(MDB_PREV, nullptr); }

}  // namespace renda::storage
