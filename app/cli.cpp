// SPDX-License-Identifier: Apache-2.0
#include "app/cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "app/privacy.h"
#include "core/crypto.h"
#include "core/domain/privacy.h"
#include "core/sealed.h"

namespace renda::app {

namespace {

const std::vector<std::string> kSwitches = {"json",  "yes",    "passphrase", "help",   "all",
                                            "quiet", "county", "conflicts",  "reveal", "force"};
constexpr std::string_view kKeyMagic = "RENDA-KEY-v1\n";

}  // namespace

int exitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return kExitOk;
    case Code::kUsage:
    case Code::kNotFound: return kExitUsage;
    case Code::kInvalidInput:
    case Code::kRefused: return kExitRefused;
    default: return kExitInternal;
  }
}

Result<Args> Args::parse(const std::vector<std::string>& argv) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
      std::string name = s.substr(2), value;
      auto eq = name.find('=');
      bool inlineValue = eq != std::string::npos;
      if (inlineValue) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (!inlineValue && std::find(kSwitches.begin(), kSwitches.end(), name) != kSwitches.end()) {
        a.switches.push_back(name);
        continue;
      }
      if (!inlineValue) {
        if (i + 1 >= argv.size()) return Status::usage("--" + name + " needs a value");
        value = argv[++i];
      }
      a.options.emplace_back(name, value);
    } else if (s == "-o") {
      if (i + 1 >= argv.size()) return Status::usage("-o needs a file name");
      a.options.emplace_back("output", argv[++i]);
    } else if (s == "-h") {
      a.switches.push_back("help");
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

std::optional<std::string> Args::get(const std::string& name) const {
  std::optional<std::string> v;
  for (const auto& [k, val] : options)
    if (k == name) v = val;
  return v;
}

std::vector<std::string> Args::all(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, val] : options)
    if (k == name) out.push_back(val);
  return out;
}

bool Args::has(const std::string& name) const {
  return std::find(switches.begin(), switches.end(), name) != switches.end();
}

Status Args::only(const std::vector<std::string>& allowed) const {
  auto ok = [&](const std::string& n) {
    return n == "data" || std::find(allowed.begin(), allowed.end(), n) != allowed.end();
  };
  for (const auto& [k, v] : options)
    if (!ok(k)) return Status::usage("unknown option --" + k);
  for (const auto& s : switches)
    if (!ok(s) && s != "help") return Status::usage("unknown option --" + s);
  return Status::ok();
}

std::string dataDirFrom(const Args& args) {
  if (auto d = args.get("data")) return *d;
  if (const char* env = std::getenv("RENDA_DATA"); env && *env) return env;
  return "renda-data";
}

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
  return node;
}

std::string askPassphrase(const std::string& prompt) {
  if (const char* env = std::getenv("RENDA_PASSPHRASE")) return env;
  if (!isatty(STDIN_FILENO)) return "";
  std::fprintf(stderr, "%s", prompt.c_str());
  termios old{}, quiet{};
  tcgetattr(STDIN_FILENO, &old);
  quiet = old;
  quiet.c_lflag &= ~ECHO;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return line;
}

namespace {

constexpr std::string_view kBoxKeyMagic = "RENDA-BOXKEY-v1\n";

// Writes magic | clear header | u8 sealed | secret (or its passphrase-sealed
// form) to `path` with mode 0600, beside then renamed into place.
Status writeSecretFile(const std::string& path, std::string_view magic, std::string_view header,
                       const unsigned char* secret, size_t secretBytes,
                       const std::string& passphrase) {
  std::string content(magic);
  content += header;
  if (passphrase.empty()) {
    content.push_back(0);
    content.append(reinterpret_cast<const char*>(secret), secretBytes);
  } else {
    content.push_back(1);
    content += crypto::sealWithPassphrase(crypto::Bytes(secret, secretBytes), passphrase);
  }
  std::string tmp = path + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
  if (fd < 0) return Status::ioError("cannot write the key file " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == ssize_t(content.size());
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(content.data(), content.size());
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::ioError("cannot write the key file " + path);
  }
  return Status::ok();
}

// Reads a key file's bytes after checking its mode and magic.
Result<std::string> readKeyBytes(const std::string& path, std::string_view magic) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    if (errno == ENOENT) return Status::notFound("no key file " + path + "; run renda init first");
    return Status::ioError("cannot read the key file " + path + ": " + std::strerror(errno));
  }
  struct stat st;
  ::fstat(fd, &st);
  if (st.st_mode & 077) {
    ::close(fd);
    return Status::refused("the key file " + path +
                           " can be read by other users; run: chmod 600 " + path);
  }
  std::string content(4096, '\0');
  ssize_t n = ::read(fd, content.data(), content.size());
  ::close(fd);
  if (n < ssize_t(magic.size() + 1) || content.compare(0, magic.size(), magic) != 0) {
    sodium_memzero(content.data(), content.size());
    return Status::invalid("the key file " + path + " is damaged");
  }
  content.resize(size_t(n));
  return content;
}

// Opens the secret part (u8 sealed | secret or sealed secret) into `out`.
Status openSecret(const std::string& path, std::string_view rest, unsigned char* out,
                  size_t outBytes) {
  if (rest.empty()) return Status::invalid("the key file " + path + " is damaged");
  uint8_t sealed = static_cast<uint8_t>(rest[0]);
  rest.remove_prefix(1);
  if (sealed == 0) {
    if (rest.size() != outBytes) return Status::invalid("the key file " + path + " is damaged");
    std::memcpy(out, rest.data(), outBytes);
    return Status::ok();
  }
  std::string pass = askPassphrase("Passphrase for " + path + ": ");
  auto opened = crypto::openWithPassphrase(crypto::asBytes(rest), pass);
  if (!opened) return opened.status();
  bool fits = opened->size() == outBytes;
  if (fits) std::memcpy(out, opened->data(), outBytes);
  sodium_memzero(opened->data(), opened->size());
  if (!fits) return Status::invalid("the key file " + path + " is damaged");
  return Status::ok();
}

}  // namespace

Status writeKeyFile(const std::string& path, const SecretKey& key, const std::string& passphrase) {
  return writeSecretFile(path, kKeyMagic, "", key.data(), key.size(), passphrase);
}

Result<SecretKey> readKeyFile(const std::string& path) {
  auto content = readKeyBytes(path, kKeyMagic);
  if (!content) return content.status();
  SecretKey key;
  std::string_view rest(content->data() + kKeyMagic.size(), content->size() - kKeyMagic.size());
  Status s = openSecret(path, rest, key.data(), key.size());
  sodium_memzero(content->data(), content->size());
  if (!s) return s;
  return key;
}

Status writeBoxKeyFile(const std::string& path, const BoxSecretKey& key,
                       const std::string& passphrase) {
  BoxPublicKey pk = key.publicKey();
  std::string_view header(reinterpret_cast<const char*>(pk.data()), pk.size());
  return writeSecretFile(path, kBoxKeyMagic, header, key.data(), key.size(), passphrase);
}

Result<BoxSecretKey> readBoxKeyFile(const std::string& path) {
  auto content = readKeyBytes(path, kBoxKeyMagic);
  if (!content) return content.status();
  BoxSecretKey key;
  size_t head = kBoxKeyMagic.size() + BoxPublicKey::kSize;
  Status s = content->size() < head ? Status::invalid("the key file " + path + " is damaged")
                                    : openSecret(path,
                                                 std::string_view(content->data() + head,
                                                                  content->size() - head),
                                                 key.data(), key.size());
  bool matches = s && std::memcmp(key.publicKey().data(), content->data() + kBoxKeyMagic.size(),
                                  BoxPublicKey::kSize) == 0;
  sodium_memzero(content->data(), content->size());
  if (!s) return s;
  if (!matches) return Status::invalid("the key file " + path + " is damaged");
  return key;
}

Result<BoxPublicKey> readBoxPublicKey(const std::string& path) {
  auto content = readKeyBytes(path, kBoxKeyMagic);
  if (!content) return content.status();
  auto pk = content->size() > kBoxKeyMagic.size() + BoxPublicKey::kSize
                ? BoxPublicKey::fromSpan(content->data() + kBoxKeyMagic.size(), BoxPublicKey::kSize)
                : std::nullopt;
  sodium_memzero(content->data(), content->size());
  if (!pk) return Status::invalid("the key file " + path + " is damaged");
  return *pk;
}

Result<const SecretKey*> Node::deviceKey() {
  if (!device_) {
    auto k = readKeyFile(devicePath());
    if (!k) return k.status();
    auto stored = store_->deviceKey();
    if (!stored) return stored.status();
    if (k->publicKey() != *stored)
      return Status::refused("the key file does not belong to this store; was the folder mixed "
                             "up with another node's?");
    device_ = std::move(*k);
  }
  return &*device_;
}

Result<SecretKey> Node::rootKey() {
  auto k = readKeyFile(rootPath());
  if (!k && k.status().code() == Code::kNotFound)
    return Status::refused("this node holds no county root key; only the county office can do this");
  return k;
}

Result<Membership> Node::self() {
  auto key = store_->deviceKey();
  if (!key) return key.status();
  auto m = store_->membership(*key);
  if (!m) return m.status();
  if (!*m)
    return Status::refused("this node is not enrolled yet: the county office must run "
                           "`renda enroll` for key " + toHex(*key) +
                           ", then run `renda join FILE` here with the file it gives you");
  return **m;
}

Status Node::prepareToWrite() {
  if (!store_->restored()) {
    // A store made before encryption keys existed (or a join cut short before
    // its announcement) announces one before it writes anything else.
    auto m = self();
    if (!m) return Status::ok();  // not enrolled yet: county init, or refused later
    auto filePk = readBoxPublicKey(encryptionPath());
    if (filePk && m->encryptionKey == *filePk) return Status::ok();
    if (!filePk && filePk.status().code() != Code::kNotFound) return filePk.status();
    return announceEncryptionKey();
  }
  // The store was copied or restored: the old key may have signed changes this
  // copy does not hold. Certify a fresh key with the old one and use that.
  auto oldKey = readKeyFile(devicePath());
  if (!oldKey) return oldKey.status();
  auto m = self();
  if (!m) return m.status();
  auto net = store_->network();
  if (!net) return net.status();
  SecretKey fresh = crypto::generateSigningKey();
  Certificate cert = makeCertificate(net->network, fresh.publicKey(), *oldKey, m->township,
                                     m->role, nowMs() > 60000 ? nowMs() - 60000 : 0, 0,
                                     m->label);
  std::string old = devicePath() + ".replaced-" + toHex(oldKey->publicKey()).substr(0, 8);
  if (::rename(devicePath().c_str(), old.c_str()) != 0)
    return Status::ioError("cannot set the old key file aside");
  std::string passphrase = askPassphrase("");
  RENDA_TRY(writeKeyFile(devicePath(), fresh, passphrase));
  RENDA_TRY(store_->setDeviceKey(fresh.publicKey()));
  device_ = std::move(fresh);
  storage::LocalEdit edit;
  edit.op = OpKind::kCertificate;
  edit.certificate = cert;
  auto id = store_->author(edit, *device_, nowMs());
  if (!id) return id.status();
  // The new device key gets a new encryption key too. The old one is kept
  // beside it, so values sealed to it before the restore still open here.
  if (auto oldBox = readBoxPublicKey(encryptionPath())) {
    std::string aside = encryptionPath() + ".replaced-" + toHex(*oldBox).substr(0, 8);
    if (::rename(encryptionPath().c_str(), aside.c_str()) != 0)
      return Status::ioError("cannot set the old encryption key file aside");
  }
  encryption_.reset();
  RENDA_TRY(makeEncryptionKey(passphrase));
  RENDA_TRY(announceEncryptionKey());
  std::fprintf(stderr,
               "renda: this store was copied or restored from a backup, so it now signs with a new "
               "device key %s (certified by the old key %s). Nothing was lost.\n",
               shortKey(device_->publicKey()).c_str(), shortKey(oldKey->publicKey()).c_str());
  return Status::ok();
}

Status Node::makeEncryptionKey(const std::string& passphrase) {
  auto existing = readBoxPublicKey(encryptionPath());
  if (existing) return Status::ok();
  if (existing.status().code() != Code::kNotFound) return existing.status();
  BoxSecretKey key = crypto::generateBoxKey();
  encryption_.reset();
  return writeBoxKeyFile(encryptionPath(), key, passphrase);
}

Status Node::announceEncryptionKey() {
  auto m = self();
  if (!m) return m.status();
  auto pk = readBoxPublicKey(encryptionPath());
  if (!pk && pk.status().code() == Code::kNotFound) {
    RENDA_TRY(makeEncryptionKey(askPassphrase("")));
    pk = readBoxPublicKey(encryptionPath());
  }
  if (!pk) return pk.status();
  if (m->encryptionKey == *pk) return Status::ok();
  auto key = deviceKey();
  if (!key) return key.status();
  storage::LocalEdit edit;
  edit.op = OpKind::kEncryptionKey;
  edit.encryptionKey = *pk;
  auto id = store_->author(edit, **key, nowMs());
  if (!id) return id.status();
  return Status::ok();
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

}  // namespace

Result<ChangeId> Node::write(const storage::LocalEdit& edit) {
  RENDA_TRY(prepareToWrite());
  auto key = deviceKey();
  if (!key) return key.status();
  if (hasClearPersonalField(edit)) {
    storage::LocalEdit sealed = edit;
    RENDA_TRY(sealPersonalFields(*store_, sealed, nowMs()));
    return store_->author(sealed, **key, nowMs());
  }
  return store_->author(edit, **key, nowMs());
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
  return store_->authorBatch(*toWrite, **key, nowMs());
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

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> v;
    addSetupCommands(v);
    addRecordCommands(v);
    addScheduleCommands(v);
    addSuggestionCommands(v);
    addIssueCommands(v);
    addReportCommands(v);
    addExportCommands(v);
    addSyncCommands(v);
    addInspectCommands(v);
    addDemoCommands(v);
    return v;
  }();
  return all;
}

namespace {

void printHelp() {
  std::printf(
      "renda — offline-first records for township people's congresses (乡镇人大)\n\n"
      "Usage: renda COMMAND [options]    (every command takes --data DIR;\n"
      "       default $RENDA_DATA, else ./renda-data)\n\nCommands:\n");
  for (const auto& c : commands()) std::printf("  %-22s %s\n", c.name, c.summary);
  std::printf(
      "\nExit codes: 0 ok, 1 the command was asked wrongly, 2 data refused, 3 internal error.\n"
      "`renda COMMAND --help` shows a command's options.\n");
}

}  // namespace

int runCommandLine(const std::vector<std::string>& rawArgv) {
  // `renda --data DIR COMMAND ...` is the same as `renda COMMAND ... --data DIR`.
  std::vector<std::string> argv = rawArgv, global;
  while (!argv.empty() && (argv[0] == "--data" || argv[0].rfind("--data=", 0) == 0)) {
    if (argv[0] == "--data") {
      if (argv.size() < 2) {
        std::fprintf(stderr, "renda: --data needs a folder\n");
        return kExitUsage;
      }
      global = {"--data", argv[1]};
      argv.erase(argv.begin(), argv.begin() + 2);
    } else {
      global = {argv[0]};
      argv.erase(argv.begin());
    }
  }
  argv.insert(argv.end(), global.begin(), global.end());
  // No command at all is a usage error (exit 1); asking for --help is not.
  bool noCommand = argv.empty() || argv[0].rfind("--data", 0) == 0;
  if (noCommand) argv.insert(argv.begin(), "--help");
  if (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    printHelp();
    return noCommand ? kExitUsage : kExitOk;
  }
  // Longest matching command name ("county init", "bundle export", ...).
  const Command* best = nullptr;
  size_t bestWords = 0;
  for (const auto& c : commands()) {
    std::vector<std::string> words;
    std::string name = c.name;
    for (size_t pos = 0; pos <= name.size();) {
      size_t sp = name.find(' ', pos);
      if (sp == std::string::npos) sp = name.size();
      words.push_back(name.substr(pos, sp - pos));
      pos = sp + 1;
    }
    if (words.size() > argv.size()) continue;
    bool match = true;
    for (size_t i = 0; i < words.size(); ++i)
      if (argv[i] != words[i]) match = false;
    if (match && words.size() > bestWords) {
      best = &c;
      bestWords = words.size();
    }
  }
  if (!best) {
    std::fprintf(stderr, "renda: unknown command '%s'. Run `renda --help` for the list.\n",
                 argv[0].c_str());
    return kExitUsage;
  }
  auto args = Args::parse(std::vector<std::string>(argv.begin() + bestWords, argv.end()));
  if (!args) {
    std::fprintf(stderr, "renda %s: %s\nUsage: renda %s\n", best->name,
                 args.status().message().c_str(), best->usage);
    return kExitUsage;
  }
  if (args->has("help")) {
    std::printf("renda %s — %s\n\nUsage: renda %s\n", best->name, best->summary, best->usage);
    return kExitOk;
  }
  Status s;
  try {
    s = best->run(*args);
  } catch (const std::exception& e) {
    s = Status::error(Code::kIOError, std::string("internal error: ") + e.what());
  }
  if (!s) {
    std::fprintf(stderr, "renda %s: %s\n", best->name, s.message().c_str());
    if (s.code() == Code::kUsage) std::fprintf(stderr, "Usage: renda %s\n", best->usage);
  }
  return exitCodeFor(s);
}

}  // namespace renda::app
