// SPDX-License-Identifier: Apache-2.0
// Shared helpers for core tests: deterministic keys and network ids, authors
// that chain their changes (seq, prev), and small byte utilities for mutating
// encoded messages and sealed values. Header-only; included by tests/core and tests/fuzz.
#pragma once

#include <capnp/message.h>
#include <kj/array.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes.h"
#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "core/sealed.h"

namespace renda::test {

// A key pair from a seed of 32 copies of `b`.
inline SecretKey keyFromByte(unsigned char b) {
  unsigned char seed[crypto_sign_SEEDBYTES];
  std::memset(seed, b, sizeof seed);
  return crypto::signingKeyFromSeed(seed);
}

inline NetworkId networkFromByte(unsigned char b) {
  NetworkId n;
  n.bytes.fill(b);
  return n;
}

inline ChangeId idFromByte(unsigned char b) {
  ChangeId id;
  id.bytes.fill(b);
  return id;
}

inline crypto::Bytes bytesOf(const std::string& s) { return crypto::asBytes(s); }

inline std::string stringOf(kj::ArrayPtr<const capnp::word> words) {
  auto b = words.asBytes();
  return std::string(reinterpret_cast<const char*>(b.begin()), b.size());
}

// Canonical bytes of any capnp reader (the form signed bodies take).
template <typename Reader>
std::string canonicalOf(Reader reader) {
  kj::Array<capnp::word> words = capnp::canonicalize(reader);
  return stringOf(words);
}

inline capnp::Data::Reader dataOf(const void* p, size_t n) {
  return capnp::Data::Reader(static_cast<const kj::byte*>(p), n);
}
template <typename F>
capnp::Data::Reader dataOf(const F& fixed) {
  return dataOf(fixed.data(), fixed.size());
}

// The binary form of a sealed value (the base64url after kSealedPrefix), or ""
// when that is not base64url.
inline std::string sealedRawOf(std::string_view value) {
  std::string_view b64 = value.substr(std::min(value.size(), kSealedPrefix.size()));
  std::string raw(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return "";
  raw.resize(len);
  return raw;
}
// The text form of a sealed value's binary form: kSealedPrefix || base64url.
inline std::string sealedTextOf(std::string_view raw) {
  std::string b64(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  b64.resize(std::strlen(b64.c_str()));
  return std::string(kSealedPrefix) + b64;
}

inline std::string flipBit(std::string s, size_t bit) {
  s[bit / 8] = static_cast<char>(s[bit / 8] ^ (1u << (bit % 8)));
  return s;
}

inline uint32_t readU32(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
inline void writeU32(std::string& s, size_t at, uint32_t v) { std::memcpy(s.data() + at, &v, 4); }

// A change with its canonical body, id and signed envelope.
struct Signed {
  Change change;
  std::string body;
  ChangeId id;
  std::string envelope;
};

// A device key that numbers its changes 1, 2, 3, ... and links each to the
// previous one, as a node does.
class Author {
 public:
  Author(unsigned char seedByte, NetworkId network)
      : key_(keyFromByte(seedByte)), pk_(key_.publicKey()), network_(network) {}

  const PublicKey& publicKey() const { return pk_; }
  const SecretKey& key() const { return key_; }
  const NetworkId& network() const { return network_; }
  uint64_t nextSeq() const { return seq_ + 1; }

  // Fills suite, network, author, seq and prev, then encodes and signs, without
  // taking the sequence number: the next draft() or add() gets the same one.
  Signed draft(Change c) const {
    c.suite = crypto::kSuiteEd25519Blake2b;
    c.network = network_;
    c.author = pk_;
    c.seq = seq_ + 1;
    c.prev = prev_;
    if (c.hlc == 0) c.hlc = Hlc::make(1700000000000ull + c.seq, 0);
    Signed s;
    s.body = encodeChange(c);
    s.id = crypto::changeId(bytesOf(s.body));
    s.envelope = signChange(network_, s.body, key_);
    s.change = std::move(c);
    return s;
  }
  // draft(), then takes the sequence number.
  Signed add(Change c) {
    Signed s = draft(std::move(c));
    seq_ = s.change.seq;
    prev_ = s.id;
    return s;
  }

  Signed create(std::string scope, std::vector<Field> fields, RecordKind kind = RecordKind::kDeputy,
                uint64_t hlc = 0) {
    return add(createOp(std::move(scope), std::move(fields), kind, hlc));
  }
  Signed update(const RecordId& record, std::vector<ChangeId> parents, std::vector<Field> fields,
                uint64_t hlc = 0) {
    return add(updateOp(record, std::move(parents), std::move(fields), hlc));
  }

  static Change createOp(std::string scope, std::vector<Field> fields,
                         RecordKind kind = RecordKind::kDeputy, uint64_t hlc = 0) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = kind;
    c.scope = std::move(scope);
    c.fields = std::move(fields);
    c.hlc = hlc;
    return c;
  }
  static Change updateOp(const RecordId& record, std::vector<ChangeId> parents,
                         std::vector<Field> fields, uint64_t hlc = 0) {
    Change c;
    c.op = OpKind::kUpdate;
    c.record = record;
    c.parents = std::move(parents);
    c.fields = std::move(fields);
    c.hlc = hlc;
    return c;
  }

 private:
  SecretKey key_;
  PublicKey pk_;
  NetworkId network_;
  uint64_t seq_ = 0;
  std::optional<ChangeId> prev_;
};

}  // namespace renda::test
