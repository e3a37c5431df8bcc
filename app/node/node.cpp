// SPDX-License-Identifier: Apache-2.0
// The node a command works on: its store, its keys, and writing changes
// (sealing personal fields first, and minting a new key after a restore).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "app/node/node.h"
#include "app/i18n/strings.h"
#include "app/node/privacy.h"
#include "app/node/restore.h"
#include "core/crypto.h"
#include "core/domain/privacy.h"
#include "core/sealed.h"

namespace renda::app {

uint64_t Node::nowMs() {
  if (const char* env = std::getenv("RENDA_NOW_MS"); env && *env)
    return std::strtoull(env, nullptr, 10);
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<Node>> Node::open(const std::string& dataDir) {
  auto node = std::make_unique<Node>();
  node->dir_ = dataDir;
  auto store = storage::Store::open(dataDir);
  if (!store) return store.status();
  node->store_ = std::move(*store);
  auto note = checkRestore(*node);
  if (!note) return note.status();
  node->restoreNote_ = std::move(*note);
  return node;
}

Result<const SecretKey*> Node::deviceKey() {
  if (!device_) {
    auto k = readKeyFile(devicePath());
    if (!k) return k.status();
    auto stored = store_->deviceKey();
    if (!stored) return stored.status();
    if (k->publicKey() != *stored)
      return Status::refused(i18n::tr("node.key-not-ours"));
    device_ = std::move(*k);
  }
  return &*device_;
}

Result<SecretKey> Node::rootKey() {
  auto k = readKeyFile(rootPath());
  if (!k && k.status().code() == Code::kNotFound)
    return Status::refused(i18n::tr("node.no-root-key"));
  return k;
}

Result<Membership> Node::self() {
  auto key = store_->deviceKey();
  if (!key) return key.status();
  auto m = store_->membership(*key);
  if (!m) return m.status();
  if (!*m)
    return Status::refused(i18n::trf("node.not-enrolled", {toHex(*key)}));
  return **m;
}

Status Node::mayWrite() {
  auto m = self();
  if (!m) return m.status();
  auto vv = store_->versionVector();
  if (!vv) return vv.status();
  uint64_t nextSeq = 1;
  for (const auto& v : *vv)
    if (v.author == m->subject) nextSeq = std::max(nextSeq, v.seq + 1);
  const std::string key = shortKey(m->subject);
  const std::string again = i18n::trf("node.write-again", {enrollAgainHint()});
  if (!m->admitted)
    return Status::refused(i18n::trf(
        "node.not-admitted",
        {key,
         m->admissionProblem.empty() ? "" : i18n::trf("node.why", {m->admissionProblem}),
         again}));
  if (m->revokedAfterSeq && nextSeq > *m->revokedAfterSeq)
    return Status::refused(i18n::trf(
        "node.revoked",
        {key, std::to_string(*m->revokedAfterSeq),
         m->revocationReason.empty() ? "" : i18n::trf("node.reason", {m->revocationReason}),
         again}));
  if (m->frozenFromSeq && nextSeq >= *m->frozenFromSeq)
    return Status::refused(i18n::trf("node.frozen", {key, m->frozenReason,
                                                     std::to_string(*m->frozenFromSeq),
                                                     toHex(m->subject)}));
  if (!m->coversMs(nowMs()))
    return Status::refused(i18n::trf("node.enrollment-expired",
                                     {key, formatTime(nowMs()), toHex(m->subject),
                                      m->township.empty() ? "NAME" : m->township}));
  return Status::ok();
}

Status Node::prepareToWrite() {
  if (!store_->restored()) {
    auto m = self();
    if (!m) return Status::ok();  // not enrolled yet: county init, or refused later
    RENDA_TRY(mayWrite());
    // A store made before encryption or transport keys existed (or a join cut
    // short before its announcements) announces them before anything else.
    for (const std::string& path : {encryptionPath(), transportPath()}) {
      const auto& announced = path == encryptionPath() ? m->encryptionKey : m->transportKey;
      auto filePk = readBoxPublicKey(path);
      if (filePk && announced == *filePk) continue;
      if (!filePk && filePk.status().code() != Code::kNotFound) return filePk.status();
      return announceEncryptionKey();
    }
    return Status::ok();
  }
  // The store was copied or restored: the old key may have signed changes this
  // copy does not hold. Hand over to a fresh key that the old one certifies.
  return handOver(*this, restoreNote_.empty()
                             ? i18n::tr("node.copied")
                             : restoreNote_);
}

Status Node::makeEncryptionKey(const std::string& passphrase) {
  for (const std::string& path : {encryptionPath(), transportPath()}) {
    auto existing = readBoxPublicKey(path);
    if (existing) continue;
    if (existing.status().code() != Code::kNotFound) return existing.status();
    BoxSecretKey key = crypto::generateBoxKey();
    encryption_.reset();
    RENDA_TRY(writeBoxKeyFile(path, key, passphrase));
  }
  return Status::ok();
}

Status Node::announceEncryptionKey() {
  auto m = self();
  if (!m) return m.status();
  if (!readBoxPublicKey(encryptionPath()) || !readBoxPublicKey(transportPath())) {
    // A missing key file is made sealed like the device key.
    auto sealed = keyFileSealed(devicePath());
    if (!sealed) return sealed.status();
    Passphrase passphrase = *sealed ? askPassphrase(i18n::tr("node.ask.new-key-files"))
                                    : Passphrase();
    if (*sealed && passphrase.text().empty())
      return Status::refused(i18n::tr("node.seal-new-keys"));
    RENDA_TRY(makeEncryptionKey(passphrase.text()));
  }
  std::vector<storage::LocalEdit> edits;
  auto encryption = readBoxPublicKey(encryptionPath());
  if (!encryption) return encryption.status();
  if (m->encryptionKey != *encryption) {
    edits.emplace_back();
    edits.back().op = OpKind::kEncryptionKey;
    edits.back().encryptionKey = *encryption;
  }
  auto transport = readBoxPublicKey(transportPath());
  if (!transport) return transport.status();
  if (m->transportKey != *transport) {
    edits.emplace_back();
    edits.back().op = OpKind::kTransportKey;
    edits.back().transportKey = *transport;
  }
  if (edits.empty()) return Status::ok();
  auto key = deviceKey();
  if (!key) return key.status();
  auto ids = store_->authorBatch(edits, **key, nowMs());
  if (!ids) return ids.status();
  return noteWritten(*this);
}

Result<const std::vector<BoxSecretKey>*> Node::encryptionKeys() {
  if (encryption_) return &*encryption_;
  std::vector<BoxSecretKey> keys;
  std::vector<std::string> paths = {encryptionPath()};
  std::error_code ec;
  std::vector<std::string> older;
  for (const auto& e : std::filesystem::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("encryption.key.replaced-", 0) == 0) older.push_back(e.path().string());
  }
  std::sort(older.begin(), older.end());
  paths.insert(paths.end(), older.begin(), older.end());
  for (const auto& path : paths) {
    auto k = readBoxKeyFile(path);
    if (!k && k.status().code() == Code::kNotFound) continue;
    if (!k) return k.status();
    keys.push_back(std::move(*k));
  }
  encryption_ = std::move(keys);
  return &*encryption_;
}

namespace {

bool hasClearPersonalField(const storage::LocalEdit& edit) {
  for (const auto& f : edit.fields)
    if (domain::isPersonalField(f.name) && !f.value.empty() && !looksSealed(f.value)) return true;
  return false;
}

// After a local write: the restore marker learns of it. The change is
// committed whatever happens here, so a failure only warns.
void noteWrite(Node& n) {
  Status s = noteWritten(n);
  if (!s)
    std::fprintf(stderr, "%s\n",
                 i18n::trf("node.marker-not-updated", {markerPath(), s.message()}).c_str());
}

}  // namespace

Result<ChangeId> Node::write(const storage::LocalEdit& edit) {
  RENDA_TRY(prepareToWrite());
  auto key = deviceKey();
  if (!key) return key.status();
  storage::LocalEdit sealed;
  const storage::LocalEdit* toWrite = &edit;
  if (hasClearPersonalField(edit)) {
    sealed = edit;
    RENDA_TRY(sealPersonalFields(*store_, sealed, nowMs()));
    toWrite = &sealed;
  }
  auto id = store_->author(*toWrite, **key, nowMs());
  if (id) noteWrite(*this);
  return id;
}

Result<std::vector<ChangeId>> Node::writeBatch(const std::vector<storage::LocalEdit>& edits) {
  RENDA_TRY(prepareToWrite());
  auto key = deviceKey();
  if (!key) return key.status();
  // Personal fields are sealed before signing here too (see write()).
  std::vector<storage::LocalEdit> sealed;
  const std::vector<storage::LocalEdit>* toWrite = &edits;
  for (size_t i = 0; i < edits.size(); ++i) {
    if (!hasClearPersonalField(edits[i])) continue;
    if (sealed.empty()) sealed = edits;
    RENDA_TRY(sealPersonalFields(*store_, sealed[i], nowMs()));
    toWrite = &sealed;
  }
  auto ids = store_->authorBatch(*toWrite, **key, nowMs());
  if (ids) noteWrite(*this);
  return ids;
}

std::string formatTime(uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string shortId(const ChangeId& id) { return toHex(id).substr(0, 12); }
std::string shortKey(const PublicKey& k) { return toHex(k).substr(0, 8); }

std::string fingerprint(const PublicKey& k) {
  std::string hex = toHex(k), out;
  for (size_t i = 0; i < 20; i += 4) {
    if (i) out += '-';
    out.append(hex, i, 4);
  }
  return out;
}

}  // namespace renda::app
