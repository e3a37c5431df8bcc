// SPDX-License-Identifier: Apache-2.0
#include "core/sealed.h"

#include <algorithm>
#include <optional>

#include "core/change.h"

namespace renda {

namespace {

constexpr uint8_t kSealedVersion = 1;
constexpr size_t kHintBytes = 8;
constexpr size_t kValueKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr size_t kWrappedBytes = crypto_box_SEALBYTES + kValueKeyBytes;
constexpr size_t kEntryBytes = kHintBytes + kWrappedBytes;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::string_view kSealedContext{"renda/sealed/v1\0", 16};
constexpr int kBase64 = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

// The binary form, split into its parts (views into `raw`).
struct Parsed {
  std::string raw;
  size_t recipients = 0;
  size_t headerBytes = 0;  // version, count and entries: everything before the nonce
  const unsigned char* entry(size_t i) const { return bytes() + 2 + i * kEntryBytes; }
  const unsigned char* nonce() const { return bytes() + headerBytes; }
  const unsigned char* cipher() const { return nonce() + kNonceBytes; }
  size_t cipherBytes() const { return raw.size() - headerBytes - kNonceBytes; }
  const unsigned char* bytes() const { return reinterpret_cast<const unsigned char*>(raw.data()); }
};

bool isBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

Result<Parsed> parse(std::string_view value) {
  if (!looksSealed(value)) return Status::invalid("the value is not sealed");
  std::string_view b64 = value.substr(kSealedPrefix.size());
  if (b64.size() > 4 * (kMaxSealedClearBytes + 2 + kMaxSealedRecipients * kEntryBytes +
                        kNonceBytes + kTagBytes) / 3 + 4)
    return Status::invalid("the sealed value is too long");
  // WARNING: libsodium 1.0.18's sodium_base642bin decodes every byte from 0x80
  // up as '_' (63), which would give one sealed value many text forms, some of
  // them not UTF-8. Only the base64url alphabet gets to the decoder.
  if (!std::all_of(b64.begin(), b64.end(), isBase64UrlChar))
    return Status::invalid("the sealed value is not valid base64");
  Parsed p;
  p.raw.resize(b64.size() * 3 / 4 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(p.raw.data()), p.raw.size(), b64.data(),
                        b64.size(), nullptr, &len, &end, kBase64) != 0 ||
      end != b64.data() + b64.size())
    return Status::invalid("the sealed value is not valid base64");
  p.raw.resize(len);
  if (len < 2) return Status::invalid("the sealed value is truncated");
  if (p.bytes()[0] != kSealedVersion) return Status::invalid("the sealed value has an unknown version");
  p.recipients = p.bytes()[1];
  if (p.recipients == 0 || p.recipients > kMaxSealedRecipients)
    return Status::invalid("the sealed value has a bad number of recipients");
  p.headerBytes = 2 + p.recipients * kEntryBytes;
  if (len < p.headerBytes + kNonceBytes + kTagBytes)
    return Status::invalid("the sealed value is truncated");
  if (len - p.headerBytes - kNonceBytes - kTagBytes > kMaxSealedClearBytes)
    return Status::invalid("the sealed value is too long");
  return p;
}

std::string associatedData(RecordKind kind, std::string_view field, const Parsed& p) {
  std::string ad(kSealedContext);
  ad += recordKindName(kind);
  ad.push_back('\0');
  ad += field;
  ad.push_back('\0');
  ad.append(p.raw.data(), p.headerBytes);
  return ad;
}

}  // namespace

bool looksSealed(std::string_view value) {
  return value.size() >= kSealedPrefix.size() &&
         value.compare(0, kSealedPrefix.size(), kSealedPrefix) == 0;
}

Status checkSealedShape(std::string_view value) { return parse(value).status(); }

Result<std::string> sealValue(std::string_view clear, RecordKind kind, std::string_view field,
                              const std::vector<BoxPublicKey>& recipientList) {
  std::vector<BoxPublicKey> recipients = recipientList;
  std::sort(recipients.begin(), recipients.end());
  recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
  if (recipients.empty()) return Status::invalid("there is no key to seal the value to");
  if (recipients.size() > kMaxSealedRecipients)
    return Status::invalid("too many nodes to seal the value to");
  if (clear.size() > kMaxSealedClearBytes)
    return Status::invalid("the value of " + std::string(field) + " is too long (at most " +
                           std::to_string(kMaxSealedClearBytes) + " bytes)");
  auto* valueKey = static_cast<unsigned char*>(sodium_malloc(kValueKeyBytes));
  RENDA_ASSERT(valueKey != nullptr);
  crypto_aead_xchacha20poly1305_ietf_keygen(valueKey);
  Parsed p;
  p.recipients = recipients.size();
  p.headerBytes = 2 + p.recipients * kEntryBytes;
  p.raw.assign(p.headerBytes + kNonceBytes + clear.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(p.raw.data());
  out[0] = kSealedVersion;
  out[1] = static_cast<unsigned char>(p.recipients);
  for (size_t i = 0; i < recipients.size(); ++i) {
    unsigned char* e = out + 2 + i * kEntryBytes;
    std::memcpy(e, recipients[i].data(), kHintBytes);
    if (crypto_box_seal(e + kHintBytes, valueKey, kValueKeyBytes, recipients[i].data()) != 0) {
      sodium_free(valueKey);
      return Status::invalid("a node's encryption key is not usable");
    }
  }
  randombytes_buf(out + p.headerBytes, kNonceBytes);
  std::string ad = associatedData(kind, field, p);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out + p.headerBytes + kNonceBytes, &written,
      reinterpret_cast<const unsigned char*>(clear.data()), clear.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, out + p.headerBytes,
      valueKey);
  sodium_free(valueKey);
  RENDA_ASSERT(written == clear.size() + kTagBytes);
  std::string b64(sodium_base64_ENCODED_LEN(p.raw.size(), kBase64), '\0');
  sodium_bin2base64(b64.data(), b64.size(), out, p.raw.size(), kBase64);
  b64.resize(std::strlen(b64.c_str()));
  return std::string(kSealedPrefix) + b64;
}

Result<std::string> openValue(std::string_view sealed, RecordKind kind, std::string_view field,
                              const BoxSecretKey& key) {
  auto p = parse(sealed);
  if (!p) return p.status();
  BoxPublicKey pk = key.publicKey();
  std::string ad = associatedData(kind, field, *p);
  auto* valueKey = static_cast<unsigned char*>(sodium_malloc(kValueKeyBytes));
  RENDA_ASSERT(valueKey != nullptr);
  bool hinted = false;
  std::optional<Status> failure;
  std::string clear;
  for (size_t i = 0; i < p->recipients; ++i) {
    const unsigned char* e = p->entry(i);
    if (std::memcmp(e, pk.data(), kHintBytes) != 0) continue;
    hinted = true;
    if (crypto_box_seal_open(valueKey, e + kHintBytes, kWrappedBytes, pk.data(), key.data()) != 0)
      continue;  // another key with the same hint; keep looking
    clear.assign(p->cipherBytes() - kTagBytes, '\0');
    unsigned long long len = 0;
    int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        reinterpret_cast<unsigned char*>(clear.data()), &len, nullptr, p->cipher(),
        p->cipherBytes(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
        p->nonce(), valueKey);
    if (rc == 0) {
      sodium_free(valueKey);
      clear.resize(len);
      return clear;
    }
    sodium_memzero(clear.data(), clear.size());
    failure = Status::invalid("the sealed value was altered, or belongs to another field");
  }
  sodium_free(valueKey);
  if (failure) return *failure;
  if (hinted) return Status::invalid("the sealed value was altered");
  return Status::notFound("this node holds no key the value was sealed to");
}

}  // namespace renda
