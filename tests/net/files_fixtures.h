// SPDX-License-Identifier: Apache-2.0
// Helpers for the summary and bundle file tests (files_test.cpp and
// files_fuzz_test.cpp): deterministic keys, real signed envelopes, sample
// summaries and headers, bundles written to a temporary folder with the
// offsets of their frames, and the InvalidInput check every refusal must pass.
#pragma once

#include <catch2/catch.hpp>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "net/files.h"

namespace renda::net::testutil {

namespace fs = std::filesystem;

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

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/renda-net-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    REQUIRE(::mkdtemp(buf.data()) != nullptr);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeAll(const std::string& path, std::string_view bytes) {
  // Unlink rather than truncate: ext4 flushes a file truncated over old data
  // (auto_da_alloc), which costs milliseconds per probe.
  ::unlink(path.c_str());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
  REQUIRE(out.good());
}

inline uint32_t readU32(const std::string& s, size_t at) {
  uint32_t v;
  std::memcpy(&v, s.data() + at, 4);
  return v;
}
inline void writeU32(std::string& s, size_t at, uint32_t v) { std::memcpy(s.data() + at, &v, 4); }

// `n` real signed change envelopes by `key`, chained 1..n as a node writes them.
inline std::vector<std::string> envelopes(const NetworkId& net, const SecretKey& key,
                                          size_t n) {
  std::vector<std::string> out;
  std::optional<ChangeId> prev;
  for (size_t i = 1; i <= n; ++i) {
    Change c;
    c.network = net;
    c.author = key.publicKey();
    c.seq = i;
    c.prev = prev;
    c.hlc = Hlc::make(1767225600000ull + i, 0);
    c.op = OpKind::kCreate;
    c.kind = RecordKind::kDeputy;
    c.scope = "城关镇";
    c.fields = {{"name", "代表" + std::to_string(i)}, {"phone", std::to_string(13900000000ull + i)}};
    REQUIRE(validateChangeShape(c));
    std::string body = encodeChange(c);
    prev = crypto::changeId(crypto::asBytes(body));
    out.push_back(signChange(net, body, key));
  }
  return out;
}

inline VersionVector sortedVector(size_t n, unsigned char salt = 0) {
  VersionVector vv;
  for (size_t i = 0; i < n; ++i) {
    VersionEntry e;
    e.author.bytes.fill(static_cast<unsigned char>(salt ^ 0x5a));
    e.author.bytes[0] = static_cast<unsigned char>(i >> 16);
    e.author.bytes[1] = static_cast<unsigned char>(i >> 8);
    e.author.bytes[2] = static_cast<unsigned char>(i);
    e.seq = 1 + i * 7;
    e.id.bytes.fill(static_cast<unsigned char>(i * 31 + 1));
    vv.push_back(e);
  }
  return vv;
}

inline SummaryFile sampleSummary(size_t entries = 3) {
  SummaryFile s;
  s.network = networkFromByte(0x11);
  s.node = keyFromByte(0x21).publicKey();
  s.createdMs = 1767225600123ull;
  s.entries = sortedVector(entries);
  return s;
}

// Frames an arbitrary flat message as a summary file with a correct hash, so a
// test reaches the message decoder behind the integrity check.
inline std::string frameSummary(const std::string& msg) {
  std::string out("RENDA-SUMMARY-01", 16);
  uint32_t n = static_cast<uint32_t>(msg.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out += msg;
  Hash h = crypto::hash(crypto::asBytes(out));
  out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

inline std::string flat(capnp::MessageBuilder& mb) {
  auto words = capnp::messageToFlatArray(mb);
  auto b = words.asBytes();
  return std::string(reinterpret_cast<const char*>(b.begin()), b.size());
}

inline capnp::Data::Reader dataOf(const void* p, size_t n) {
  return capnp::Data::Reader(static_cast<const kj::byte*>(p), n);
}

inline void requireInvalid(const Status& s, const std::string& context) {
  INFO(context);
  REQUIRE_FALSE(s.isOk());
  CHECK(s.code() == Code::kInvalidInput);
  CHECK_FALSE(s.message().empty());
}

// A bundle on disk, and where its frames lie.
struct BuiltBundle {
  std::string path;
  std::string bytes;
  BundleHeader header;
  std::vector<std::string> changes;
  size_t headerFrameAt = 16, firstChangeAt = 0, trailerAt = 0;
};

inline BundleHeader sampleHeader(const NetworkId& net, const SecretKey& producer) {
  BundleHeader h;
  h.network = net;
  h.producer = producer.publicKey();
  h.createdMs = 1767225600456ull;
  h.prerequisites = sortedVector(2, 0x33);
  h.countyName = "示范县";
  h.rootKey = keyFromByte(0x01).publicKey();
  return h;
}

inline BuiltBundle buildBundle(const TempDir& dir, const std::string& name,
                               const BundleHeader& header, const SecretKey& signer,
                               const std::vector<std::string>& changes) {
  BuiltBundle b;
  b.path = dir.file(name);
  b.header = header;
  b.changes = changes;
  auto w = BundleWriter::create(b.path, header, signer);
  REQUIRE(w.isOk());
  for (const auto& c : changes) REQUIRE((*w)->addChange(c));
  REQUIRE((*w)->finish());
  CHECK((*w)->changeCount() == changes.size());
  b.bytes = readAll(b.path);
  CHECK((*w)->bytesWritten() == b.bytes.size());
  b.firstChangeAt = 16 + 5 + readU32(b.bytes, 16 + 1);
  size_t at = b.firstChangeAt;
  for (const auto& c : changes) at += 5 + c.size();
  b.trailerAt = at;
  REQUIRE(static_cast<uint8_t>(b.bytes[b.trailerAt]) == 9);
  return b;
}

// checkBundle over `bytes` written to a scratch file in `dir`.
inline Result<BundleInfo> checkBytes(const TempDir& dir, std::string_view bytes,
                                     const NetworkId* expected) {
  std::string p = dir.file("probe.bundle");
  writeAll(p, bytes);
  return checkBundle(p, expected);
}

inline std::vector<std::string> readChanges(const std::string& path, size_t maxBatch = 4096,
                                            size_t maxBatchBytes = 8 << 20,
                                            std::vector<size_t>* batchSizes = nullptr) {
  std::vector<std::string> out;
  Status s = readBundle(path, maxBatch, maxBatchBytes, [&](const std::vector<std::string>& b) {
    if (batchSizes) batchSizes->push_back(b.size());
    out.insert(out.end(), b.begin(), b.end());
    return Status::ok();
  });
  REQUIRE(s);
  return out;
}

// A good three-change bundle on network 0x11 by producer 0x41, in its own folder.
struct BundleFixture {
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey producer = keyFromByte(0x41);
  BuiltBundle b;
  BundleFixture() {
    b = buildBundle(dir, "good.bundle", sampleHeader(net, producer), producer,
                    envelopes(net, keyFromByte(0x42), 3));
  }
};

}  // namespace renda::net::testutil
