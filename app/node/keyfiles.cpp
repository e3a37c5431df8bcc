// SPDX-License-Identifier: Apache-2.0
// Key files on disk: the device, county root and encryption keys, optionally
// sealed with a passphrase; and asking for that passphrase, which is wiped
// from memory once used.
#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/i18n/strings.h"
#include "app/node/node.h"
#include "core/crypto.h"

namespace renda::app {

namespace {

constexpr std::string_view kKeyMagic = "RENDA-KEY-v1\n";

// The byte before a key file's secret: how the secret is kept.
enum SealedAs : uint8_t {
  kClear = 0,         // the secret itself
  kLegacySealed = 1,  // crypto::openLegacyWithPassphrase (INTERACTIVE, cost not stored)
  kSealed = 2,        // crypto::sealWithPassphrase, its cost stored (MODERATE since 2026)
};

}  // namespace

Passphrase::Passphrase(std::string text) : text_(std::move(text)) {}

Passphrase::Passphrase(Passphrase&& other) noexcept : text_(std::move(other.text_)) {
  other.wipe();
}

Passphrase& Passphrase::operator=(Passphrase&& other) noexcept {
  if (this != &other) {
    wipe();
    text_ = std::move(other.text_);
    other.wipe();
  }
  return *this;
}

Passphrase::~Passphrase() { wipe(); }

void Passphrase::wipe() {
  // The whole buffer, not only the text: a short string lives inside the
  // object, and a moved-from one may keep its old bytes.
  sodium_memzero(text_.data(), text_.capacity());
  text_.clear();
}

Passphrase askPassphrase(const std::string& prompt) {
  return askSecret(prompt, "RENDA_PASSPHRASE");
}

Passphrase askSecret(const std::string& prompt, const char* envName) {
  if (const char* env = std::getenv(envName)) return Passphrase(env);
  if (!isatty(STDIN_FILENO)) return Passphrase();
  std::fprintf(stderr, "%s", prompt.c_str());
  termios old{}, quiet{};
  tcgetattr(STDIN_FILENO, &old);
  quiet = old;
  quiet.c_lflag &= ~ECHO;
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  // Read byte by byte into room reserved up front, so that no copy of what was
  // typed is left in a stream buffer or in memory freed by growing the string.
  std::string line;
  line.reserve(1024);
  char c = 0;
  while (line.size() + 1 < line.capacity() && ::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
    line.push_back(c);
  sodium_memzero(&c, 1);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return Passphrase(std::move(line));
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
    content.push_back(char(kClear));
    content.append(reinterpret_cast<const char*>(secret), secretBytes);
  } else {
    auto sealed = crypto::sealWithPassphrase(crypto::Bytes(secret, secretBytes), passphrase);
    if (!sealed) return sealed.status();
    content.push_back(char(kSealed));
    content += *sealed;
  }
  // A name of its own, so a file an earlier crash left behind never blocks
  // this one (the next command removes such leftovers: app/restore.h).
  unsigned char nonce[8];
  randombytes_buf(nonce, sizeof nonce);
  std::string tmp = path + ".partial." + toHex(nonce, sizeof nonce);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0600);
  if (fd < 0) return Status::ioError(i18n::trf("node.key-file.cannot-write-why", {path, std::strerror(errno)}));
  bool ok = ::write(fd, content.data(), content.size()) == ssize_t(content.size());
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(content.data(), content.size());
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::ioError(i18n::trf("node.key-file.cannot-write", {path}));
  }
  return Status::ok();
}

// Reads a key file's bytes after checking its mode and magic.
Result<std::string> readKeyBytes(const std::string& path, std::string_view magic) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    if (errno == ENOENT) return Status::notFound(i18n::trf("node.key-file.missing", {path}));
    return Status::ioError(i18n::trf("node.key-file.cannot-read", {path, std::strerror(errno)}));
  }
  struct stat st;
  ::fstat(fd, &st);
  if (st.st_mode & 077) {
    ::close(fd);
    return Status::refused(i18n::trf("node.key-file.open-to-others", {path}));
  }
  std::string content(4096, '\0');
  ssize_t n = ::read(fd, content.data(), content.size());
  ::close(fd);
  if (n < ssize_t(magic.size() + 1) || content.compare(0, magic.size(), magic) != 0) {
    sodium_memzero(content.data(), content.size());
    return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
  }
  content.resize(size_t(n));
  return content;
}

// Opens the secret part (u8 SealedAs | secret or sealed secret) into `out`,
// asking for the passphrase when it is sealed.
Status openSecret(const std::string& path, std::string_view rest, unsigned char* out,
                  size_t outBytes) {
  if (rest.empty()) return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
  uint8_t sealed = static_cast<uint8_t>(rest[0]);
  rest.remove_prefix(1);
  if (sealed == kClear) {
    if (rest.size() != outBytes) return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
    std::memcpy(out, rest.data(), outBytes);
    return Status::ok();
  }
  if (sealed != kLegacySealed && sealed != kSealed)
    return Status::invalid(i18n::trf("node.key-file.newer", {path}));
  Passphrase pass = askPassphrase(i18n::trf("node.ask.passphrase-for", {path}));
  if (pass.empty())
    return Status::refused(i18n::trf("node.key-file.sealed", {path}));
  auto opened = sealed == kLegacySealed
                    ? crypto::openLegacyWithPassphrase(crypto::asBytes(rest), pass.text())
                    : crypto::openWithPassphrase(crypto::asBytes(rest), pass.text());
  if (!opened) return Status::error(opened.status().code(), path + ": " + opened.status().message());
  bool fits = opened->size() == outBytes;
  if (fits) std::memcpy(out, opened->data(), outBytes);
  sodium_memzero(opened->data(), opened->size());
  if (!fits) return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
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
  Status s = content->size() < head ? Status::invalid(i18n::trf("node.key-file.damaged", {path}))
                                    : openSecret(path,
                                                 std::string_view(content->data() + head,
                                                                  content->size() - head),
                                                 key.data(), key.size());
  bool matches = s && std::memcmp(key.publicKey().data(), content->data() + kBoxKeyMagic.size(),
                                  BoxPublicKey::kSize) == 0;
  sodium_memzero(content->data(), content->size());
  if (!s) return s;
  if (!matches) return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
  return key;
}

Result<BoxPublicKey> readBoxPublicKey(const std::string& path) {
  auto content = readKeyBytes(path, kBoxKeyMagic);
  if (!content) return content.status();
  auto pk = content->size() > kBoxKeyMagic.size() + BoxPublicKey::kSize
                ? BoxPublicKey::fromSpan(content->data() + kBoxKeyMagic.size(), BoxPublicKey::kSize)
                : std::nullopt;
  sodium_memzero(content->data(), content->size());
  if (!pk) return Status::invalid(i18n::trf("node.key-file.damaged", {path}));
  return *pk;
}

Result<bool> keyFileSealed(const std::string& path) {
  auto content = readKeyBytes(path, kKeyMagic);
  if (!content) return content.status();
  bool sealed = (*content)[kKeyMagic.size()] != 0;
  sodium_memzero(content->data(), content->size());
  return sealed;
}

namespace {

constexpr std::string_view kNetKeyMagic = "RENDA-NETKEY-v1\n";

}  // namespace

Status writeNetworkKeyFile(const std::string& path, const NetworkId& network,
                           const NetworkSecret& secret, const std::string& passphrase) {
  std::string_view header(reinterpret_cast<const char*>(network.data()), network.size());
  return writeSecretFile(path, kNetKeyMagic, header, secret.data(), secret.size(), passphrase);
}

Result<NetworkSecret> readNetworkKeyFile(const std::string& path, const NetworkId& network) {
  auto content = readKeyBytes(path, kNetKeyMagic);
  if (!content) return content.status();
  NetworkSecret secret;
  size_t head = kNetKeyMagic.size() + network.size();
  if (content->size() < head) {
    sodium_memzero(content->data(), content->size());
    return Status::invalid(i18n::trf("node.key-file.network-damaged", {path}));
  }
  bool ours = std::memcmp(content->data() + kNetKeyMagic.size(), network.data(), network.size()) == 0;
  Status s = ours ? openSecret(path, std::string_view(content->data() + head, content->size() - head),
                               secret.data(), secret.size())
                  : Status::refused(i18n::trf("node.key-file.other-network", {path}));
  sodium_memzero(content->data(), content->size());
  if (!s) {
    sodium_memzero(secret.data(), secret.size());
    return s;
  }
  return secret;
}

}  // namespace renda::app
