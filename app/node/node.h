// SPDX-License-Identifier: Apache-2.0
// The node a command (or the server) works on: its data folder, its store and
// its keys (device, county root, encryption, transport, the network's
// secret), writing changes (sealing personal fields first, and handing over
// to a new key after a restore: app/node/restore.h), and the key files.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "storage/store.h"

namespace renda::app {

// Everything a command needs about this node.
class Node {
 public:
  // Opens the data folder's store, creating the folder if needed.
  static Result<std::unique_ptr<Node>> open(const std::string& dataDir);
  storage::Store& store() { return *store_; }
  const std::string& dir() const { return dir_; }
  // Wall-clock ms (RENDA_NOW_MS overrides it, for tests and demos).
  static uint64_t nowMs();
  // The device signing key (asks for the passphrase if the key file is sealed:
  // from RENDA_PASSPHRASE, or typed at the terminal).
  Result<const SecretKey*> deviceKey();
  // The county root key (county office node only).
  Result<SecretKey> rootKey();
  // Before any write: when the store was copied or restored, mint a new device
  // key, certify it with the old one, and record that (so no key ever signs two
  // changes with one number). Prints what it did.
  Status prepareToWrite();
  // Authors one change with the device key. Personal fields (core/domain/
  // privacy.h) given in clear are sealed first (app/privacy.h); refused when
  // they cannot be sealed to the county office.
  Result<ChangeId> write(const storage::LocalEdit& edit);
  // Authors every edit with the device key in one transaction (all or
  // nothing; see Store::authorBatch). For bulk work such as `renda demo --county`.
  Result<std::vector<ChangeId>> writeBatch(const std::vector<storage::LocalEdit>& edits);
  // Membership of this node's own key, if enrolled.
  Result<Membership> self();
  // Refused, in words for the clerk at this computer, when the county network
  // would not take this node's next change: its key is revoked, frozen after a
  // fork or not admitted, or its enrollment does not cover now (core/trust.h
  // checkApplies() has the rules; its reasons speak of "node X", for logs).
  Status mayWrite();
  // Drops the keys read so far (after the key files changed: a hand-over).
  void forgetKeys() {
    device_.reset();
    encryption_.reset();
  }
  // Why the store was found restored when it was opened ("" when it was not).
  const std::string& restoreNote() const { return restoreNote_; }

  // Creates this node's X25519 encryption and transport key files (nothing
  // for one that exists).
  Status makeEncryptionKey(const std::string& passphrase);
  // Announces this node's encryption and transport keys in signed changes,
  // unless the node's membership already names them (creating a key file
  // first when there is none). REQUIRES: the node is enrolled.
  Status announceEncryptionKey();
  // Every encryption secret key this node holds: the current one, then the
  // ones it replaced (values sealed to them still open). Loaded once; asks for
  // the passphrase when the files are sealed. Empty when there is none.
  Result<const std::vector<BoxSecretKey>*> encryptionKeys();

  std::string devicePath() const { return dir_ + "/device.key"; }
  std::string rootPath() const { return dir_ + "/county-root.key"; }
  std::string encryptionPath() const { return dir_ + "/encryption.key"; }
  // The X25519 static key of sync sessions (Noise), and the county network's
  // secret (the sessions' pre-shared key; app/network_key.h).
  std::string transportPath() const { return dir_ + "/transport.key"; }
  std::string networkKeyPath() const { return dir_ + "/network.key"; }

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
  std::optional<SecretKey> device_;
  std::optional<std::vector<BoxSecretKey>> encryption_;
  std::string restoreNote_;
};

// Key files: "RENDA-KEY-v1\n" | u8 sealed | the 64-byte secret key (sealed 0),
// or its passphrase-sealed form: 2 = crypto::sealWithPassphrase, which stores
// its Argon2id cost (MODERATE for files written now); 1 = the form written
// before the cost was stored (INTERACTIVE), still opened. Mode 0600.
Status writeKeyFile(const std::string& path, const SecretKey& key, const std::string& passphrase);
Result<SecretKey> readKeyFile(const std::string& path);
// Encryption key files: "RENDA-BOXKEY-v1\n" | public key 32 | u8 sealed |
// 32-byte X25519 secret key, or its passphrase-sealed form (as above). The
// public key is in clear so that it can be read without the passphrase. Mode 0600.
Status writeBoxKeyFile(const std::string& path, const BoxSecretKey& key,
                       const std::string& passphrase);
Result<BoxSecretKey> readBoxKeyFile(const std::string& path);
// The public key of an encryption key file; NotFound when there is no file.
Result<BoxPublicKey> readBoxPublicKey(const std::string& path);
// Whether a device or root key file is sealed with a passphrase.
Result<bool> keyFileSealed(const std::string& path);
// The county network's secret (network.key, and the file `renda county
// network-key` writes): "RENDA-NETKEY-v1\n" | network id 32 | u8 sealed |
// secret 32, or its passphrase-sealed form. Mode 0600. Reading refuses a file
// made for another network.
Status writeNetworkKeyFile(const std::string& path, const NetworkId& network,
                           const NetworkSecret& secret, const std::string& passphrase);
Result<NetworkSecret> readNetworkKeyFile(const std::string& path, const NetworkId& network);
// A passphrase as typed: wiped from memory when it goes (sodium_memzero).
// Move-only, so no copy outlives it.
class Passphrase {
 public:
  Passphrase() = default;
  explicit Passphrase(std::string text);
  Passphrase(Passphrase&& other) noexcept;
  Passphrase& operator=(Passphrase&& other) noexcept;
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;
  ~Passphrase();
  const std::string& text() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  void wipe();
  std::string text_;
};
// Asks for a passphrase (RENDA_PASSPHRASE, else the terminal without echo;
// empty when there is neither).
Passphrase askPassphrase(const std::string& prompt);
// The same for any secret: the environment variable `envName`, else the
// terminal without echo; empty when there is neither.
Passphrase askSecret(const std::string& prompt, const char* envName);

// Time as "2026-11-27 18:40" in local time.
std::string formatTime(uint64_t ms);
std::string shortId(const ChangeId& id);
std::string shortKey(const PublicKey& k);
// The county key's fingerprint, read out over the phone when a node joins:
// its first 20 hex digits in groups of four, "3f2a-9c01-77de-0b12-4e5a".
std::string fingerprint(const PublicKey& k);

}  // namespace renda::app
