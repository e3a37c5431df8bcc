// SPDX-License-Identifier: Apache-2.0
#include "app/node/restore.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/i18n/strings.h"
#include "core/crypto.h"

namespace renda::app {

namespace fs = std::filesystem;

namespace {

// Test hooks: RENDA_CRASH_AT=NAME kills this process (SIGKILL, as kill -9
// would) when a hand-over reaches the point NAME, so that tests can stop it
// at every step; RENDA_STOP_AT=NAME stops it there (SIGSTOP) until it is
// continued, so that tests can run another renda beside it. Nothing else
// reads them.
void crashPoint(const char* name) {
  const char* at = std::getenv("RENDA_CRASH_AT");
  if (at && std::strcmp(at, name) == 0) ::raise(SIGKILL);
  const char* stop = std::getenv("RENDA_STOP_AT");
  if (stop && std::strcmp(stop, name) == 0) ::raise(SIGSTOP);
}

Status fsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::ioError("cannot open the folder " + dir + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::ioError("cannot flush the folder " + dir + ": " + std::strerror(errno));
  return Status::ok();
}

Status renameFile(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    return Status::ioError("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  return Status::ok();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// An exclusive lock (flock) on the data folder itself, held while a hand-over
// writes and renames its key files and while a run clears leftovers: another
// renda on the same folder must never take a live hand-over's files for a
// crashed one's. Released when it goes, or when the process dies.
class FolderLock {
 public:
  FolderLock() = default;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  Status take(const std::string& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0)
      return Status::ioError("cannot open the folder " + dir + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX) != 0)
      return Status::ioError("cannot lock the folder " + dir + ": " + std::strerror(errno));
    return Status::ok();
  }

 private:
  int fd_ = -1;
};

// Temporary names of a hand-over's new key files: they carry the old key's
// short form and the new key in full, so that a later run knows what they are
// without any passphrase.
const std::string kNextPrefix = "device.key.next.";

constexpr size_t kMaxMarkerLines = 4096;

std::string nextDevicePath(const Node& n, const std::string& oldShort, const PublicKey& fresh) {
  return n.dir() + "/" + kNextPrefix + oldShort + "." + toHex(fresh);
}
std::string nextEncryptionPath(const Node& n, const PublicKey& fresh) {
  return n.dir() + "/encryption.key.next." + toHex(fresh);
}
std::string nextTransportPath(const Node& n, const PublicKey& fresh) {
  return n.dir() + "/transport.key.next." + toHex(fresh);
}

// The new key's X25519 key files (encryption, transport) of a committed
// hand-over take their names; the old ones are set aside (never deleted:
// values sealed to the old encryption key still open with it).
Status finishBoxFiles(Node& n, const PublicKey& fresh) {
  for (auto [next, final] : {std::pair{nextEncryptionPath(n, fresh), n.encryptionPath()},
                             std::pair{nextTransportPath(n, fresh), n.transportPath()}}) {
    if (!exists(next)) continue;
    if (auto oldBox = readBoxPublicKey(final)) {
      std::string aside = final + ".replaced-" + toHex(*oldBox).substr(0, 8);
      if (exists(aside)) aside += std::string("-") + std::to_string(Node::nowMs());
      RENDA_TRY(renameFile(final, aside));
      crashPoint("handover:encryption-aside");
    }
    RENDA_TRY(renameFile(next, final));
  }
  return Status::ok();
}

// The final renames of a hand-over whose LMDB transaction committed: the old
// files are set aside, the new ones take their names.
Status finishFiles(Node& n, const std::string& nextDevice, const std::string& oldShort,
                   const PublicKey& fresh) {
  if (exists(n.devicePath())) {
    std::string aside = n.devicePath() + ".replaced-" + oldShort;
    if (exists(aside)) aside += std::string("-") + std::to_string(Node::nowMs());
    RENDA_TRY(renameFile(n.devicePath(), aside));
    crashPoint("handover:device-aside");
  }
  RENDA_TRY(renameFile(nextDevice, n.devicePath()));
  crashPoint("handover:device-in-place");
  RENDA_TRY(finishBoxFiles(n, fresh));
  return fsyncDir(n.dir());
}

std::string stateDir() {
  if (const char* d = std::getenv("RENDA_STATE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_STATE_HOME"); d && *d) return std::string(d) + "/renda";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/renda";
}

Result<std::vector<MarkerEntry>> parseMarker(const std::string& text) {
  std::vector<MarkerEntry> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string store, key, seq, id;
    if (!(fields >> store >> key >> seq >> id)) continue;
    auto k = fixedFromHex<PublicKey>(key);
    auto i = fixedFromHex<ChangeId>(id);
    if (!k || !i) continue;  // a damaged line only loses what it said
    out.push_back({store, *k, std::strtoull(seq.c_str(), nullptr, 10), *i});
  }
  return out;
}

// The marker file opened and locked (exclusively: LOCK_EX), its text read.
struct LockedMarker {
  int fd = -1;
  std::string text;
  ~LockedMarker() {
    if (fd >= 0) ::close(fd);
  }
};

Status lockMarker(LockedMarker& m, int lockType) {
  std::error_code ec;
  fs::create_directories(stateDir(), ec);
  m.fd = ::open(markerPath().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m.fd < 0)
    return Status::ioError("cannot open the restore marker " + markerPath() + ": " +
                           std::strerror(errno));
  if (::flock(m.fd, lockType) != 0)
    return Status::ioError("cannot lock the restore marker: " + std::string(std::strerror(errno)));
  char buf[4096];
  ssize_t n;
  while ((n = ::read(m.fd, buf, sizeof buf)) > 0) m.text.append(buf, size_t(n));
  if (n < 0) return Status::ioError("cannot read the restore marker");
  return Status::ok();
}

Result<std::string> storeIdHex(Node& n) {
  auto id = n.store().storeId();
  if (!id) return id.status();
  return toHex(id->data(), id->size());
}

}  // namespace

std::string markerPath() { return stateDir() + "/restore-marker"; }

Result<std::optional<MarkerEntry>> findMarker(const std::string& storeId) {
  LockedMarker m;
  RENDA_TRY(lockMarker(m, LOCK_SH));
  auto entries = parseMarker(m.text);
  if (!entries) return entries.status();
  for (const auto& e : *entries)
    if (e.storeId == storeId) return std::optional<MarkerEntry>(e);
  return std::optional<MarkerEntry>();
}

Status recordMarker(const MarkerEntry& e) {
  LockedMarker m;
  RENDA_TRY(lockMarker(m, LOCK_EX));
  auto entries = parseMarker(m.text);
  if (!entries) return entries.status();
  // The store's line goes last; the least recently written stores' lines go
  // first when the file holds more than kMaxMarkerLines.
  std::vector<MarkerEntry> kept;
  for (const auto& old : *entries)
    if (old.storeId != e.storeId) kept.push_back(old);
  kept.push_back(e);
  size_t skip = kept.size() > kMaxMarkerLines ? kept.size() - kMaxMarkerLines : 0;
  std::string text;
  for (size_t i = skip; i < kept.size(); ++i)
    text += kept[i].storeId + " " + toHex(kept[i].key) + " " + std::to_string(kept[i].seq) + " " +
            toHex(kept[i].id) + "\n";
  // Rewritten in place under the lock (a rename would leave other processes
  // locking the old file), then flushed.
  if (::ftruncate(m.fd, 0) != 0 || ::pwrite(m.fd, text.data(), text.size(), 0) != ssize_t(text.size()) ||
      ::fsync(m.fd) != 0)
    return Status::ioError("cannot write the restore marker " + markerPath() + ": " +
                           std::strerror(errno));
  return Status::ok();
}

Result<std::string> checkRestore(Node& n) {
  storage::Store& store = n.store();
  // 1. Files a crash left behind: key files half written (*.partial.*), and a
  // hand-over cut short, which is finished when the store committed it and
  // otherwise forgotten (nothing signed with the new key left this folder).
  FolderLock lock;
  RENDA_TRY(lock.take(n.dir()));
  // Read under the lock: a hand-over that held it meanwhile has committed its
  // new key and recorded it in the marker, and the store is not behind it.
  auto device = store.deviceKey();
  std::error_code ec;
  std::vector<std::string> leftovers;
  for (const auto& entry : fs::directory_iterator(n.dir(), ec)) {
    std::string name = entry.path().filename().string();
    bool partial = name.find(".partial") != std::string::npos;
    // Another renda process may be writing a key file this very moment: only
    // an old half-written file is a leftover (their names never collide).
    if (partial && std::chrono::file_clock::now() - entry.last_write_time(ec) < std::chrono::minutes(1))
      continue;
    if (partial || name.rfind(kNextPrefix, 0) == 0 || name.rfind("encryption.key.next.", 0) == 0 ||
        name.rfind("transport.key.next.", 0) == 0)
      leftovers.push_back(name);
  }
  std::sort(leftovers.begin(), leftovers.end());
  for (const auto& name : leftovers) {
    std::string path = n.dir() + "/" + name;
    if (device && name.rfind(kNextPrefix, 0) == 0) {
      std::string rest = name.substr(kNextPrefix.size());
      size_t dot = rest.find('.');
      auto fresh = dot == std::string::npos ? std::nullopt
                                            : fixedFromHex<PublicKey>(rest.substr(dot + 1));
      if (fresh && *fresh == *device) {
        RENDA_TRY(finishFiles(n, path, rest.substr(0, dot), *fresh));
        std::fprintf(stderr, "%s\n",
                     i18n::trf("node.handover-finished", {shortKey(*fresh)}).c_str());
        continue;
      }
    } else if (device && (name.rfind("encryption.key.next.", 0) == 0 ||
                          name.rfind("transport.key.next.", 0) == 0)) {
      auto fresh = fixedFromHex<PublicKey>(name.substr(name.rfind('.') + 1));
      if (fresh && *fresh == *device) {
        // Finished with its device key above, or the run stopped after the
        // device key took its name: these take their names now.
        RENDA_TRY(finishBoxFiles(n, *fresh));
        continue;
      }
    }
    if (exists(path)) ::unlink(path.c_str());
  }
  if (!leftovers.empty()) RENDA_TRY(fsyncDir(n.dir()));
  if (!device) return std::string();  // nothing to protect yet
  // 2. Behind the marker?
  auto sid = storeIdHex(n);
  if (!sid) return sid.status();
  auto mark = findMarker(*sid);
  if (!mark) return mark.status();
  if (!*mark) return std::string();
  const MarkerEntry& e = **mark;
  if (e.key != *device) {
    store.markRestored();
    return i18n::trf("node.restored-before-switch", {shortKey(e.key), shortKey(*device)});
  }
  auto held = store.changesNumbered(e.key, e.seq);
  if (!held) return held.status();
  if (std::find(held->begin(), held->end(), e.id) != held->end()) return std::string();
  auto vv = store.versionVector();
  if (!vv) return vv.status();
  uint64_t top = 0;
  for (const auto& v : *vv)
    if (v.author == e.key) top = std::max(top, v.seq);
  store.markRestored();
  return i18n::trf("node.restored-behind", {std::to_string(e.seq), std::to_string(top)});
}

Status handOver(Node& n, const std::string& why) {
  storage::Store& store = n.store();
  const bool asked = !store.restored();  // renda key rotate, not a restore
  auto self = n.self();
  if (!self) return self.status();
  if (self->successor) {
    std::string done = i18n::trf("node.handed-over",
                                 {shortKey(self->subject), shortKey(*self->successor)});
    if (asked)  // the old key may go on
      return Status::refused(i18n::trf(
          "node.handed-over-asked",
          {done, shortKey(self->subject), shortKey(*self->successor)}));
    return Status::refused(
        i18n::trf("node.handed-over-restored", {why, done, enrollAgainHint()}));
  }
  auto sid = storeIdHex(n);
  if (!sid) return sid.status();
  if (auto mark = findMarker(*sid); mark && *mark && (*mark)->key != self->subject)
    return Status::refused(i18n::trf("node.switched-key-missing", {why, enrollAgainHint()}));
  auto net = store.network();
  if (!net) return net.status();
  auto oldKey = readKeyFile(n.devicePath());
  if (!oldKey) return oldKey.status();
  if (oldKey->publicKey() != self->subject)
    return Status::refused(i18n::tr("node.key-not-ours"));
  // The old key signs the certificate: it must still be able to write.
  if (Status may = n.mayWrite(); !may)
    return asked ? may : Status::error(may.code(), i18n::trf("node.but", {why, may.message()}));
  // The successor's period lies inside the old key's current one.
  uint64_t now = Node::nowMs();
  uint64_t from = now > 60000 ? now - 60000 : 0, until = 0;
  bool inside = false;
  for (auto [wFrom, wUntil] : self->windowsMs)
    if (now >= wFrom && (wUntil == 0 || now <= wUntil)) {
      from = std::max(from, wFrom);
      until = wUntil;
      inside = true;
    }
  if (!inside)
    return Status::refused(i18n::trf("node.handover-enrollment-ended", {why}));
  auto sealed = keyFileSealed(n.devicePath());
  if (!sealed) return sealed.status();
  Passphrase passphrase =
      *sealed ? askPassphrase(i18n::tr("node.ask.new-key-files")) : Passphrase();
  // The new keys are sealed like the old one, never left in clear.
  if (*sealed && passphrase.text().empty())
    return Status::refused(i18n::trf("node.handover-passphrase", {why}));
  // From here to the last rename, no other renda touches this folder's key
  // files; one that handed over while this one waited is not done twice.
  FolderLock lock;
  RENDA_TRY(lock.take(n.dir()));
  if (auto current = store.deviceKey(); !current || *current != self->subject)
    return Status::refused(i18n::trf("node.handover-race", {why}));
  SecretKey fresh = crypto::generateSigningKey();
  BoxSecretKey freshBox = crypto::generateBoxKey();
  BoxSecretKey freshTransport = crypto::generateBoxKey();
  std::string oldShort = shortKey(self->subject);
  std::string nextDevice = nextDevicePath(n, oldShort, fresh.publicKey());
  RENDA_TRY(writeKeyFile(nextDevice, fresh, passphrase.text()));
  RENDA_TRY(writeBoxKeyFile(nextEncryptionPath(n, fresh.publicKey()), freshBox, passphrase.text()));
  RENDA_TRY(writeBoxKeyFile(nextTransportPath(n, fresh.publicKey()), freshTransport,
                            passphrase.text()));
  RENDA_TRY(fsyncDir(n.dir()));
  crashPoint("handover:files-written");
  Certificate cert = makeCertificate(net->network, fresh.publicKey(), *oldKey, self->township,
                                     self->role, from, until, self->label);
  std::vector<storage::LocalEdit> announcements(2);
  announcements[0].op = OpKind::kEncryptionKey;
  announcements[0].encryptionKey = freshBox.publicKey();
  announcements[1].op = OpKind::kTransportKey;
  announcements[1].transportKey = freshTransport.publicKey();
  auto ids = store.rotateDeviceKey(*oldKey, fresh, cert, announcements, now);
  if (!ids) {
    ::unlink(nextDevice.c_str());
    ::unlink(nextEncryptionPath(n, fresh.publicKey()).c_str());
    ::unlink(nextTransportPath(n, fresh.publicKey()).c_str());
    return Status::error(ids.status().code(),
                         i18n::trf("node.handover-failed", {why, ids.status().message()}));
  }
  crashPoint("handover:committed");
  // The store's old id now stands for the new key: a later roll-back of the
  // folder to before this hand-over is seen, and never hands over twice.
  RENDA_TRY(recordMarker({*sid, fresh.publicKey(), 0, ChangeId{}}));
  RENDA_TRY(finishFiles(n, nextDevice, oldShort, fresh.publicKey()));
  crashPoint("handover:files-renamed");
  n.forgetKeys();
  RENDA_TRY(noteWritten(n));
  // A hand-over that was asked for says so on stdout (renda key rotate).
  if (!asked)
    std::fprintf(stderr, "%s\n",
                 i18n::trf("node.handed-over-note", {why, oldShort, shortKey(fresh.publicKey())})
                     .c_str());
  return Status::ok();
}

std::string enrollAgainHint() {
  return i18n::tr("node.enroll-again");
}

Status noteWritten(Node& n) {
  auto device = n.store().deviceKey();
  if (!device) return device.status();
  auto vv = n.store().versionVector();
  if (!vv) return vv.status();
  std::optional<VersionEntry> top;
  for (const auto& v : *vv)
    if (v.author == *device && (!top || v.seq > top->seq)) top = v;
  if (!top) return Status::ok();
  auto sid = storeIdHex(n);
  if (!sid) return sid.status();
  return recordMarker({*sid, *device, top->seq, top->id});
}

}  // namespace renda::app
