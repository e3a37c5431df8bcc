// SPDX-License-Identifier: Apache-2.0
// LD_PRELOAD shim for the power-loss test (reliability.md §3.4 C2): journals
// every write, sync and truncate of data.mdb and lock.mdb, and every write to
// the ack descriptor, in the order they complete (powerloss_journal.h).
//
// LMDB (liblmdb.so, dynamically linked, so these calls are interposable)
// writes data.mdb only with system calls unless MDB_WRITEMAP is set: dirty
// pages with pwrite, or lseek + writev for runs of pages; meta pages with
// pwrite on a second descriptor opened O_DSYNC (on the first descriptor with
// MDB_NOMETASYNC or MDB_NOSYNC); and it flushes with fdatasync. It maps
// data.mdb read-only. lock.mdb is written only through a shared mapping,
// which no shim can see: the shim records that mapping ('X') and the test
// models the lock file's content as arbitrary (LMDB rebuilds the lock table
// when it opens an environment no other process holds, as after a power
// cut). A shared writable mapping of data.mdb (MDB_WRITEMAP) is recorded too,
// and the test refuses a journal that has one.
//
// Passive unless RENDA_POWERLOSS_JOURNAL names the journal file.
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "tests/storage/powerloss_journal.h"

namespace {

using renda::test::powerloss::RecordHeader;
namespace pl = renda::test::powerloss;

template <typename F>
F real(const char* name) {
  void* f = dlsym(RTLD_NEXT, name);
  if (!f) abort();
  return reinterpret_cast<F>(f);
}

struct Real {
  int (*openat)(int, const char*, int, ...) = real<decltype(openat)>("openat");
  int (*close)(int) = real<decltype(close)>("close");
  ssize_t (*write)(int, const void*, size_t) = real<decltype(write)>("write");
  ssize_t (*pwrite)(int, const void*, size_t, off_t) = real<decltype(pwrite)>("pwrite");
  ssize_t (*writev)(int, const struct iovec*, int) = real<decltype(writev)>("writev");
  ssize_t (*pwritev)(int, const struct iovec*, int, off_t) = real<decltype(pwritev)>("pwritev");
  off_t (*lseek)(int, off_t, int) = real<decltype(lseek)>("lseek");
  int (*fsync)(int) = real<decltype(fsync)>("fsync");
  int (*fdatasync)(int) = real<decltype(fdatasync)>("fdatasync");
  int (*msync)(void*, size_t, int) = real<decltype(msync)>("msync");
  int (*ftruncate)(int, off_t) = real<decltype(ftruncate)>("ftruncate");
  void* (*mmap)(void*, size_t, int, int, int, off_t) = real<decltype(mmap)>("mmap");
  int (*munmap)(void*, size_t) = real<decltype(munmap)>("munmap");
};

Real& calls() {
  static Real r;
  return r;
}

constexpr int kMaxFd = 4096;
constexpr int kMaxMaps = 64;
constexpr int8_t kUntracked = -1;

struct Mapping {
  char* at = nullptr;
  size_t bytes = 0;
  int8_t file = kUntracked;
};

struct State {
  int journal = -1;
  int markFd = -1;
  int8_t fileOf[kMaxFd];
  bool syncWrites[kMaxFd];
  Mapping maps[kMaxMaps];
  // Recursive: free() inside a record may unmap memory (munmap takes it too).
  pthread_mutex_t lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
  State() {
    std::memset(fileOf, kUntracked, sizeof fileOf);
    std::memset(syncWrites, 0, sizeof syncWrites);
  }
};

State& state() {
  static State s;
  return s;
}

__attribute__((constructor)) void start() {
  State& s = state();
  const char* path = std::getenv(pl::kJournalVar);
  if (!path || !*path) return;
  s.journal =
      calls().openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (s.journal < 0) abort();
  if (const char* fd = std::getenv(pl::kMarkFdVar); fd && *fd) {
    s.markFd = std::atoi(fd);
    if (s.markFd >= 0 && s.markFd < kMaxFd) s.fileOf[s.markFd] = pl::kMarks;
  }
}

int8_t fileOf(int fd) {
  State& s = state();
  if (s.journal < 0 || fd < 0 || fd >= kMaxFd) return kUntracked;
  return s.fileOf[fd];
}

class Locked {
 public:
  Locked() { pthread_mutex_lock(&state().lock); }
  ~Locked() { pthread_mutex_unlock(&state().lock); }
};

void writeAll(const void* p, size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = calls().write(state().journal, c, n);
    if (w <= 0) abort();  // a journal with a hole would make the test lie
    c += w;
    n -= size_t(w);
  }
}

// Appends one record; `data` holds `bytes` bytes gathered from `iov`.
void record(char kind, int8_t file, uint8_t flags, uint64_t offset, const struct iovec* iov,
            int iovcnt, uint64_t bytes) {
  RecordHeader h{};
  h.kind = static_cast<uint8_t>(kind);
  h.file = static_cast<uint8_t>(file);
  h.flags = flags;
  h.offset = offset;
  h.bytes = bytes;
  // One write per record: gather the header and the data.
  size_t total = sizeof h + bytes;
  char* buf = static_cast<char*>(std::malloc(total));
  if (!buf) abort();
  std::memcpy(buf, &h, sizeof h);
  size_t at = sizeof h;
  for (int i = 0; i < iovcnt && at < total; ++i) {
    size_t n = iov[i].iov_len < total - at ? iov[i].iov_len : total - at;
    std::memcpy(buf + at, iov[i].iov_base, n);
    at += n;
  }
  writeAll(buf, total);
  std::free(buf);
}

void recordWrite(int fd, int8_t file, uint64_t offset, const struct iovec* iov, int iovcnt,
                 ssize_t written) {
  if (written <= 0) return;
  char kind = file == pl::kMarks ? 'M' : 'W';
  uint8_t flags = state().syncWrites[fd] ? pl::kSyncWrite : 0;
  record(kind, file, flags, offset, iov, iovcnt, uint64_t(written));
}

void recordOp(char kind, int8_t file, uint64_t offset) {
  record(kind, file, 0, offset, nullptr, 0, 0);
}

void track(int fd, const char* path, int flags) {
  State& s = state();
  if (s.journal < 0 || fd < 0 || fd >= kMaxFd || !path) return;
  const char* base = std::strrchr(path, '/');
  base = base ? base + 1 : path;
  int8_t file = kUntracked;
  if (std::strcmp(base, "data.mdb") == 0) file = pl::kData;
  if (std::strcmp(base, "lock.mdb") == 0) file = pl::kLock;
  Locked l;
  s.fileOf[fd] = file;
  s.syncWrites[fd] = file != kUntracked && (flags & O_DSYNC) != 0;  // O_SYNC includes O_DSYNC
}

int openTracked(int dirfd, const char* path, int flags, va_list ap) {
  bool withMode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  mode_t mode = withMode ? mode_t(va_arg(ap, int)) : 0;
  int fd = calls().openat(dirfd, path, flags, mode);
  track(fd, path, flags);
  return fd;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  int fd = openTracked(AT_FDCWD, path, flags, ap);
  va_end(ap);
  return fd;
}
int open64(const char* path, int flags, ...) __attribute__((alias("open")));

int openat(int dirfd, const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  int fd = openTracked(dirfd, path, flags, ap);
  va_end(ap);
  return fd;
}
int openat64(int dirfd, const char* path, int flags, ...) __attribute__((alias("openat")));

int close(int fd) {
  if (fileOf(fd) != kUntracked && fd != state().markFd) {
    Locked l;
    state().fileOf[fd] = kUntracked;
    state().syncWrites[fd] = false;
  }
  return calls().close(fd);
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().pwrite(fd, buf, n, offset);
  Locked l;
  ssize_t w = calls().pwrite(fd, buf, n, offset);
  struct iovec v{const_cast<void*>(buf), n};
  recordWrite(fd, file, uint64_t(offset), &v, 1, w);
  return w;
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off_t offset) __attribute__((alias("pwrite")));

ssize_t write(int fd, const void* buf, size_t n) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().write(fd, buf, n);
  Locked l;
  off_t at = file == pl::kMarks ? 0 : calls().lseek(fd, 0, SEEK_CUR);
  ssize_t w = calls().write(fd, buf, n);
  struct iovec v{const_cast<void*>(buf), n};
  recordWrite(fd, file, uint64_t(at), &v, 1, w);
  return w;
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().writev(fd, iov, iovcnt);
  Locked l;
  off_t at = file == pl::kMarks ? 0 : calls().lseek(fd, 0, SEEK_CUR);
  ssize_t w = calls().writev(fd, iov, iovcnt);
  recordWrite(fd, file, uint64_t(at), iov, iovcnt, w);
  return w;
}

ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t offset) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().pwritev(fd, iov, iovcnt, offset);
  Locked l;
  ssize_t w = calls().pwritev(fd, iov, iovcnt, offset);
  recordWrite(fd, file, uint64_t(offset), iov, iovcnt, w);
  return w;
}

ssize_t pwritev64(int fd, const struct iovec* iov, int iovcnt, off_t offset)
    __attribute__((alias("pwritev")));

int fsync(int fd) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().fsync(fd);
  Locked l;
  int r = calls().fsync(fd);
  if (r == 0) recordOp('S', file, 0);
  return r;
}

int fdatasync(int fd) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().fdatasync(fd);
  Locked l;
  int r = calls().fdatasync(fd);
  if (r == 0) recordOp('S', file, 0);
  return r;
}

int ftruncate(int fd, off_t length) {
  int8_t file = fileOf(fd);
  if (file == kUntracked) return calls().ftruncate(fd, length);
  Locked l;
  int r = calls().ftruncate(fd, length);
  if (r == 0) recordOp('T', file, uint64_t(length));
  return r;
}

int ftruncate64(int fd, off_t length) __attribute__((alias("ftruncate")));

void* mmap(void* addr, size_t bytes, int prot, int flags, int fd, off_t offset) {
  int8_t file = fileOf(fd);
  void* at = calls().mmap(addr, bytes, prot, flags, fd, offset);
  if (file == kUntracked || at == MAP_FAILED) return at;
  Locked l;
  for (Mapping& m : state().maps) {
    if (m.file != kUntracked) continue;
    m = {static_cast<char*>(at), bytes, file};
    break;
  }
  if ((prot & PROT_WRITE) && (flags & MAP_SHARED)) recordOp('X', file, uint64_t(offset));
  return at;
}

void* mmap64(void* addr, size_t bytes, int prot, int flags, int fd, off_t offset)
    __attribute__((alias("mmap")));

int munmap(void* addr, size_t bytes) {
  if (state().journal >= 0) {
    Locked l;
    for (Mapping& m : state().maps)
      if (m.at == addr) m = Mapping{};
  }
  return calls().munmap(addr, bytes);
}

int msync(void* addr, size_t bytes, int flags) {
  if (state().journal < 0) return calls().msync(addr, bytes, flags);
  Locked l;
  int r = calls().msync(addr, bytes, flags);
  if (r != 0 || !(flags & MS_SYNC)) return r;
  char* p = static_cast<char*>(addr);
  for (const Mapping& m : state().maps)
    if (m.file != kUntracked && p >= m.at && p < m.at + m.bytes) recordOp('S', m.file, 0);
  return r;
}

}  // extern "C"
