// SPDX-License-Identifier: Apache-2.0
// Command-line plumbing shared by the cmd_*.cpp verbs: argument parsing, the
// node context (data folder, store, keys, clock), output, and exit codes:
//   0 ok, 1 usage (the command was asked wrongly), 2 data refused, 3 internal.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "storage/store.h"

namespace renda::app {

inline constexpr int kExitOk = 0, kExitUsage = 1, kExitRefused = 2, kExitInternal = 3;
int exitCodeFor(const Status& s);

struct Args;

// One option a command takes: `--name VALUE`, or a switch `--name` when
// `value` is empty. `-o` is --output and `-q` is --quiet wherever a command
// takes them; no other short flag exists.
struct Option {
  std::string name;   // without dashes
  std::string value;  // the value's placeholder in help ("FILE", "YYYY-MM-DD"); "" for a switch
  std::string help;   // one line
  bool repeatable = false;
};

// One verb: `renda NAME ...`.
struct Command {
  std::string name;     // "deputy add", "bundle import", ...
  std::string summary;  // one line for `renda --help`
  std::string usage;    // after "Usage: renda "
  std::function<Status(const Args&)> run;
  // Every option it takes besides --data and --help (which every command takes).
  std::vector<Option> options = {};
  // Commands that write records of a kind (`renda deputy add|edit`) also take
  // `--FIELD VALUE` for each field of that kind (core/domain/fields.h).
  std::optional<RecordKind> fields = std::nullopt;
};

// Parsed arguments: positionals, `--name value` options (repeatable ones in
// order) and switches.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // name without dashes
  std::vector<std::string> switches;                         // --json, --yes, ...

  // Parses what follows the command's name, taking only what `command`
  // understands: its options, its record kind's fields, --data, --help, -h,
  // and -o / -q where it takes --output / --quiet; everything after `--` is a
  // positional. An option that needs a value never takes the next option as
  // one (write --name=-x for a value that starts with '-'). Usage error, naming
  // the nearest known option or field, otherwise.
  static Result<Args> parse(const std::vector<std::string>& argv, const Command& command);
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  bool has(const std::string& name) const;
};

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

// The data folder: --data, else $RENDA_DATA, else ./renda-data.
std::string dataDirFrom(const Args& args);

// Time as "2026-11-27 18:40" in local time.
std::string formatTime(uint64_t ms);
std::string shortId(const ChangeId& id);
std::string shortKey(const PublicKey& k);
// The county key's fingerprint, read out over the phone when a node joins:
// its first 20 hex digits in groups of four, "3f2a-9c01-77de-0b12-4e5a".
std::string fingerprint(const PublicKey& k);

// Every command, in the order `renda --help` lists them.
const std::vector<Command>& commands();
// Runs a full argument vector (argv without the program name); returns the exit code.
int runCommandLine(const std::vector<std::string>& argv);

// The word for records of `kind` at the command line: deputy, unit, duty, ...
// (app/cmd_records.cpp).
const char* kindWord(RecordKind kind);

// Registration helpers, one per cmd_*.cpp.
void addSetupCommands(std::vector<Command>& out);
void addRecordCommands(std::vector<Command>& out);
void addSuggestionCommands(std::vector<Command>& out);
void addIssueCommands(std::vector<Command>& out);  // cmd_issue.cpp
void addReportCommands(std::vector<Command>& out);
void addExportCommands(std::vector<Command>& out);
void addSyncCommands(std::vector<Command>& out);
void addInspectCommands(std::vector<Command>& out);
void addDemoCommands(std::vector<Command>& out);
void addScheduleCommands(std::vector<Command>& out);
void addKeyCommands(std::vector<Command>& out);  // cmd_keys.cpp
// `renda log --node KEY`: a node's changes and the branches of its fork (cmd_keys.cpp).
Status cmdLogNode(const Args& args);

}  // namespace renda::app
