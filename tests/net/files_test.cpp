// SPDX-License-Identifier: Apache-2.0
// Summary and bundle files (net/files.h): round trips, and the decoder
// negative set from style.md — truncation at every length, impossible frame
// lengths, trailing garbage, wrong / swapped / other-version magic, every
// single-byte flip, a header signed by another key, another county's network,
// and unsorted or zero-numbered lists. Every refusal must be InvalidInput with
// a message, never a crash. Seeded mutation runs are in files_fuzz_test.cpp.
#include <catch2/catch.hpp>

#include <capnp/message.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "net/files.h"
#include "tests/net/files_fixtures.h"

namespace renda::net {
namespace {

using namespace testutil;
namespace fs = std::filesystem;

// --- summaries: round trips ---------------------------------------------------

// [regression] 1000 entries: encodeSummary() once wrote multi-segment messages
// past ~90 entries, which decodeSummary() refused as damaged.
TEST_CASE("Summary: encode then decode gives back every field",
          "[net][files][summary][regression]") {
  for (size_t n : {size_t(0), size_t(1), size_t(3), size_t(1000)}) {
    INFO("entries: " << n);
    SummaryFile s = sampleSummary(n);
    std::string bytes = encodeSummary(s);
    CHECK(bytes.substr(0, 16) == "RENDA-SUMMARY-01");
    auto d = decodeSummary(bytes, &s.network);
    REQUIRE(d.isOk());
    CHECK(d->network == s.network);
    CHECK(d->node == s.node);
    CHECK(d->createdMs == s.createdMs);
    CHECK(d->entries == s.entries);
    // Decoding without an expected network accepts any network.
    REQUIRE(decodeSummary(bytes, nullptr).isOk());
    // Encoding is deterministic.
    CHECK(encodeSummary(*d) == bytes);
  }
}

TEST_CASE("Summary: a file written to disk reads back the same", "[net][files][summary]") {
  TempDir dir;
  SummaryFile s = sampleSummary(5);
  std::string p = dir.file("a.summary");
  REQUIRE(writeSummaryFile(p, s));
  CHECK_FALSE(fs::exists(p + ".partial"));
  CHECK(readAll(p) == encodeSummary(s));
  auto r = readSummaryFile(p, &s.network);
  REQUIRE(r.isOk());
  CHECK(r->entries == s.entries);
  CHECK(r->node == s.node);

  SECTION("a missing file is reported as not found (exit 1 at the CLI), not a crash") {
    auto m = readSummaryFile(dir.file("nope.summary"), nullptr);
    REQUIRE_FALSE(m.isOk());
    CHECK(m.status().code() == Code::kNotFound);
  }
  SECTION("a file far larger than any summary is refused before it is read whole") {
    std::string big = dir.file("big.summary");
    {
      std::ofstream out(big, std::ios::binary);
      std::string chunk(1 << 20, 'x');
      for (size_t i = 0; i < limits::kMaxSummaryBytes / chunk.size() + 2; ++i)
        out.write(chunk.data(), std::streamsize(chunk.size()));
    }
    auto m = readSummaryFile(big, nullptr);
    requireInvalid(m.status(), "oversized file");
    CHECK_THAT(m.status().message(), Catch::Contains("too large"));
  }
}

// --- summaries: the negative set ------------------------------------------------

TEST_CASE("Summary: every truncation is refused as incomplete or damaged",
          "[net][files][summary]") {
  SummaryFile s = sampleSummary(4);
  std::string bytes = encodeSummary(s);
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto d = decodeSummary(std::string_view(bytes).substr(0, len), &s.network);
    requireInvalid(d.status(), "cut to " + std::to_string(len) + " of " +
                                   std::to_string(bytes.size()) + " bytes");
  }
  // Cut inside the message or the hash: the message says so.
  auto cut = decodeSummary(std::string_view(bytes).substr(0, bytes.size() - 1), nullptr);
  CHECK_THAT(cut.status().message(), Catch::Contains("incomplete"));
}

TEST_CASE("Summary: impossible or wrong length fields are refused", "[net][files][summary]") {
  SummaryFile s = sampleSummary(2);
  std::string bytes = encodeSummary(s);
  uint32_t n = readU32(bytes, 16);
  for (uint32_t bad : {0xFFFFFFFFu, 0x80000000u, uint32_t(limits::kMaxSummaryBytes + 1), n + 1,
                       n + 8, n - 1, n - 8, 0u}) {
    std::string b = bytes;
    writeU32(b, 16, bad);
    requireInvalid(decodeSummary(b, nullptr).status(), "length field " + std::to_string(bad));
  }
  std::string b = bytes;
  writeU32(b, 16, 0xFFFFFFFFu);
  CHECK_THAT(decodeSummary(b, nullptr).status().message(), Catch::Contains("too large"));
}

TEST_CASE("Summary: a flipped byte is called damage, not tampering", "[net][files][summary]") {
  std::string bytes = encodeSummary(sampleSummary(2));
  // Its checksum is unkeyed: anyone altering the file could recompute it, so
  // a mismatch can only be damage, and the message says no more than that.
  for (size_t at : {size_t{24}, bytes.size() / 2, bytes.size() - 1}) {
    std::string b = bytes;
    b[at] = static_cast<char>(b[at] ^ 0x01);
    auto d = decodeSummary(b, nullptr);
    requireInvalid(d.status(), "byte " + std::to_string(at));
    CHECK_THAT(d.status().message(), Catch::Contains("damaged") && !Catch::Contains("altered"));
  }
}

TEST_CASE("Summary: trailing garbage is refused", "[net][files][summary]") {
  std::string bytes = encodeSummary(sampleSummary(2));
  for (const std::string& tail :
       {std::string(1, '\0'), std::string("x"), std::string(32, '\xff'), bytes}) {
    auto d = decodeSummary(bytes + tail, nullptr);
    requireInvalid(d.status(), "tail of " + std::to_string(tail.size()) + " bytes");
    CHECK_THAT(d.status().message(), Catch::Contains("extra data"));
  }
}

TEST_CASE("Summary: wrong magic, a bundle, and another version are told apart",
          "[net][files][summary]") {
  std::string bytes = encodeSummary(sampleSummary(1));
  SECTION("not a renda file") {
    for (std::string other : {std::string(), std::string("hello"), std::string(200, 'a'),
                              std::string("%PDF-1.7\n") + std::string(100, '\0')}) {
      auto d = decodeSummary(other, nullptr);
      requireInvalid(d.status(), "input of " + std::to_string(other.size()) + " bytes");
      CHECK_THAT(d.status().message(), Catch::Contains("not a renda summary"));
    }
    std::string b = bytes;
    b[0] = 'X';
    CHECK_THAT(decodeSummary(b, nullptr).status().message(),
               Catch::Contains("not a renda summary"));
  }
  SECTION("a bundle given as a summary") {
    TempDir dir;
    SecretKey k = keyFromByte(0x41);
    auto bb = buildBundle(dir, "b.bundle", sampleHeader(networkFromByte(0x11), k), k, {});
    auto d = decodeSummary(bb.bytes, nullptr);
    requireInvalid(d.status(), "bundle bytes");
    CHECK_THAT(d.status().message(), Catch::Contains("bundle file, not a summary"));
    auto f = readSummaryFile(bb.path, nullptr);
    requireInvalid(f.status(), "bundle file");
    CHECK_THAT(f.status().message(), Catch::Contains("bundle"));
  }
  SECTION("another version's magic") {
    std::string b = bytes;
    b[15] = '2';  // RENDA-SUMMARY-02
    auto d = decodeSummary(b, nullptr);
    requireInvalid(d.status(), "RENDA-SUMMARY-02");
    CHECK_THAT(d.status().message(), Catch::Contains("another version"));
  }
}

TEST_CASE("Summary: every single-byte change is found", "[net][files][summary]") {
  SummaryFile s = sampleSummary(3);
  std::string bytes = encodeSummary(s);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (unsigned char x : {0x01, 0x80, 0xff}) {
      std::string b = bytes;
      b[i] = static_cast<char>(b[i] ^ x);
      requireInvalid(decodeSummary(b, &s.network).status(),
                     "byte " + std::to_string(i) + " xor " + std::to_string(x));
    }
  }
}

TEST_CASE("Summary: another county's network is refused only when one is expected",
          "[net][files][summary]") {
  SummaryFile s = sampleSummary(2);
  std::string bytes = encodeSummary(s);
  NetworkId other = networkFromByte(0x99);
  auto d = decodeSummary(bytes, &other);
  requireInvalid(d.status(), "other network");
  CHECK_THAT(d.status().message(), Catch::Contains("another county"));
  REQUIRE(decodeSummary(bytes, nullptr).isOk());
}

TEST_CASE("Summary: entries out of order, repeated or numbered 0 are refused",
          "[net][files][summary]") {
  SummaryFile s = sampleSummary(4);
  SECTION("out of order") { std::swap(s.entries[1], s.entries[2]); }
  SECTION("reversed") { std::reverse(s.entries.begin(), s.entries.end()); }
  SECTION("repeated entry") { s.entries[2] = s.entries[1]; }
  SECTION("one author's branch tips out of order") {
    s.entries[2] = s.entries[1];
    s.entries[2].seq = s.entries[1].seq - 1;
  }
  SECTION("seq 0") { s.entries[3].seq = 0; }
  SECTION("seq 0 first") { s.entries[0].seq = 0; }
  requireInvalid(decodeSummary(encodeSummary(s), nullptr).status(), "bad entries");
}

TEST_CASE("Summary: an author whose changes branch lists each branch tip, by number then id",
          "[net][files][summary][fork]") {
  SummaryFile s = sampleSummary(3);
  VersionEntry tip = s.entries[1];
  tip.seq += 1;
  tip.id.bytes[0] ^= 0xff;
  s.entries.insert(s.entries.begin() + 2, tip);
  auto back = decodeSummary(encodeSummary(s), nullptr);
  REQUIRE(back.isOk());
  CHECK(back->entries == s.entries);
}

TEST_CASE("Summary: a well-hashed but malformed message is refused", "[net][files][summary]") {
  SummaryFile base = sampleSummary(2);
  auto build = [&](auto edit) {
    capnp::MallocMessageBuilder mb;
    auto r = mb.initRoot<schema::Summary>();
    r.setNetwork(dataOf(base.network.data(), 32));
    r.setNode(dataOf(base.node.data(), 32));
    r.setCreatedMs(base.createdMs);
    auto list = r.initEntries(1);
    list[0].setAuthor(dataOf(base.entries[0].author.data(), 32));
    list[0].setSeq(5);
    list[0].setId(dataOf(base.entries[0].id.data(), 32));
    edit(r);
    return frameSummary(flat(mb));
  };
  SECTION("the framing helper makes files the decoder accepts") {
    REQUIRE(decodeSummary(build([](auto) {}), &base.network).isOk());
  }
  SECTION("short network id") {
    requireInvalid(decodeSummary(build([&](schema::Summary::Builder r) {
                                   r.setNetwork(dataOf(base.network.data(), 31));
                                 }),
                                 nullptr)
                       .status(),
                   "31-byte network");
  }
  SECTION("missing node key") {
    requireInvalid(
        decodeSummary(build([&](schema::Summary::Builder r) { r.disownNode(); }), nullptr)
            .status(),
        "no node");
  }
  SECTION("an entry with a 33-byte id") {
    std::string id(33, 'i');
    requireInvalid(decodeSummary(build([&](schema::Summary::Builder r) {
                                   r.getEntries()[0].setId(dataOf(id.data(), id.size()));
                                 }),
                                 nullptr)
                       .status(),
                   "33-byte id");
  }
  SECTION("an empty message") {
    requireInvalid(decodeSummary(frameSummary(""), nullptr).status(), "empty message");
  }
  SECTION("a message whose length is not whole words") {
    requireInvalid(decodeSummary(frameSummary(std::string(13, '\0')), nullptr).status(),
                   "13 bytes");
  }
  SECTION("a two-segment message") {
    std::string msg = build([](auto) {});
    std::string m = msg.substr(20 /*magic+len*/, msg.size() - 20 - 32);
    writeU32(m, 0, 1);  // two segments
    requireInvalid(decodeSummary(frameSummary(m), nullptr).status(), "two segments");
  }
  SECTION("a pointer running past the end") {
    std::string msg = build([](auto) {});
    std::string m = msg.substr(20, msg.size() - 20 - 32);
    // Root pointer: struct at offset 0 with a huge pointer section.
    uint64_t ptr = (uint64_t(0xFFFF) << 48) | (uint64_t(1) << 32);
    std::memcpy(m.data() + 8, &ptr, 8);
    requireInvalid(decodeSummary(frameSummary(m), nullptr).status(), "huge struct");
  }
}

TEST_CASE("Summary: more nodes than the cap are refused", "[net][files][summary][limits]") {
  SummaryFile s = sampleSummary(limits::kMaxSummaryEntries + 1);
  auto d = decodeSummary(encodeSummary(s), nullptr);
  requireInvalid(d.status(), "too many entries");
  CHECK_THAT(d.status().message(), Catch::Contains("too many"));
  s.entries.pop_back();
  REQUIRE(decodeSummary(encodeSummary(s), nullptr).isOk());
}

// --- bundles: round trips -----------------------------------------------------

TEST_CASE("Bundle: written changes come back in order with the header",
          "[net][files][bundle]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey producer = keyFromByte(0x41);
  auto changes = envelopes(net, keyFromByte(0x42), 25);
  auto b = buildBundle(dir, "a.bundle", sampleHeader(net, producer), producer, changes);
  CHECK_FALSE(fs::exists(b.path + ".partial"));
  CHECK(b.bytes.substr(0, 16) == "RENDA-BUNDLE-v01");

  auto info = checkBundle(b.path, &net);
  REQUIRE(info.isOk());
  CHECK(info->changeCount == changes.size());
  CHECK(info->fileBytes == b.bytes.size());
  CHECK(info->header.network == net);
  CHECK(info->header.producer == producer.publicKey());
  CHECK(info->header.createdMs == b.header.createdMs);
  CHECK(info->header.prerequisites == b.header.prerequisites);
  CHECK(info->header.countyName == "示范县");
  CHECK(info->header.rootKey == b.header.rootKey);
  // Joining: no expected network, the header's is taken.
  REQUIRE(checkBundle(b.path, nullptr).isOk());

  CHECK(readChanges(b.path) == changes);

  SECTION("batches respect the change count cap") {
    std::vector<size_t> sizes;
    CHECK(readChanges(b.path, 10, 8 << 20, &sizes) == changes);
    CHECK(sizes == std::vector<size_t>{10, 10, 5});
  }
  SECTION("batches respect the byte cap") {
    std::vector<size_t> sizes;
    CHECK(readChanges(b.path, 4096, changes[0].size() * 3, &sizes) == changes);
    REQUIRE(sizes.size() >= 8);
    for (size_t n : sizes) CHECK(n <= 3);
  }
  SECTION("a batch callback's error stops the read and is returned") {
    int calls = 0;
    Status s = readBundle(b.path, 5, 8 << 20, [&](const std::vector<std::string>&) {
      ++calls;
      return Status::refused("stop here");
    });
    CHECK(s.code() == Code::kRefused);
    CHECK(calls == 1);
  }
}

TEST_CASE("Bundle: an empty bundle and a bundle without prerequisites round trip",
          "[net][files][bundle]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x12);
  SecretKey producer = keyFromByte(0x43);
  BundleHeader h = sampleHeader(net, producer);
  h.prerequisites.clear();
  h.countyName.clear();
  auto b = buildBundle(dir, "empty.bundle", h, producer, {});
  auto info = checkBundle(b.path, &net);
  REQUIRE(info.isOk());
  CHECK(info->changeCount == 0);
  CHECK(info->header.prerequisites.empty());
  CHECK(readChanges(b.path).empty());
}

// [regression] The header's SignedBlob spilled into a second segment once the
// header passed ~8 KiB (about 90 prerequisites), and checkBundle() refused it.
TEST_CASE("Bundle: a header with thousands of prerequisites round trips",
          "[net][files][bundle][regression]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x13);
  SecretKey producer = keyFromByte(0x45);
  BundleHeader h = sampleHeader(net, producer);
  h.prerequisites = sortedVector(5000, 0x21);
  auto b = buildBundle(dir, "big-header.bundle", h, producer, envelopes(net, producer, 2));
  auto info = checkBundle(b.path, &net);
  REQUIRE(info.isOk());
  CHECK(info->header.prerequisites == h.prerequisites);
  CHECK(info->changeCount == 2);
}

TEST_CASE("BundleWriter: an unfinished bundle leaves no file behind", "[net][files][bundle]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey producer = keyFromByte(0x41);
  std::string p = dir.file("unfinished.bundle");
  {
    auto w = BundleWriter::create(p, sampleHeader(net, producer), producer);
    REQUIRE(w.isOk());
    REQUIRE((*w)->addChange(envelopes(net, producer, 1)[0]));
    CHECK(fs::exists(p + ".partial"));
    CHECK_FALSE(fs::exists(p));
  }
  CHECK_FALSE(fs::exists(p));
  CHECK_FALSE(fs::exists(p + ".partial"));
  auto missing = checkBundle(p, &net);
  REQUIRE_FALSE(missing.isOk());
  CHECK(missing.status().code() == Code::kNotFound);
}

// --- bundles: the negative set ----------------------------------------------------


TEST_CASE("Bundle: every truncation is refused, as incomplete once the magic is whole",
          "[net][files][bundle]") {
  BundleFixture f;
  const std::string& bytes = f.b.bytes;
  for (size_t len = 0; len < bytes.size(); ++len) {
    auto r = checkBytes(f.dir, std::string_view(bytes).substr(0, len), &f.net);
    std::string where = "cut to " + std::to_string(len) + " of " + std::to_string(bytes.size());
    requireInvalid(r.status(), where);
    INFO(where);
    if (len >= 16) CHECK_THAT(r.status().message(), Catch::Contains("incomplete"));
    if (len > 0 && len < 16) CHECK_THAT(r.status().message(), !Catch::Contains("another version"));
  }
  SECTION("named cut points") {
    for (size_t len : {f.b.headerFrameAt, f.b.headerFrameAt + 3, f.b.firstChangeAt,
                       f.b.firstChangeAt + 5, f.b.firstChangeAt + 40, f.b.trailerAt,
                       f.b.trailerAt + 5, bytes.size() - 1}) {
      auto r = checkBytes(f.dir, std::string_view(bytes).substr(0, len), &f.net);
      INFO("cut at " << len);
      REQUIRE_FALSE(r.isOk());
      CHECK_THAT(r.status().message(), Catch::Contains("incomplete"));
    }
  }
}

TEST_CASE("Bundle: impossible frame lengths are refused", "[net][files][bundle]") {
  BundleFixture f;
  for (size_t frameAt : {f.b.headerFrameAt, f.b.firstChangeAt, f.b.trailerAt}) {
    for (uint32_t bad : {0xFFFFFFFFu, 0x80000000u,
                         uint32_t(limits::kMaxBundleHeaderBytes + 1)}) {
      std::string b = f.b.bytes;
      writeU32(b, frameAt + 1, bad);
      auto r = checkBytes(f.dir, b, &f.net);
      requireInvalid(r.status(), "frame at " + std::to_string(frameAt) + " length " +
                                     std::to_string(bad));
      if (bad == 0xFFFFFFFFu) CHECK_THAT(r.status().message(), Catch::Contains("impossibly large"));
    }
    uint32_t n = readU32(f.b.bytes, frameAt + 1);
    for (uint32_t off : {n + 1, n - 1, n + 8, n - 8, 0u}) {
      std::string b = f.b.bytes;
      writeU32(b, frameAt + 1, off);
      requireInvalid(checkBytes(f.dir, b, &f.net).status(),
                     "frame at " + std::to_string(frameAt) + " length " + std::to_string(off));
    }
  }
}

TEST_CASE("Bundle: data after the trailer is refused", "[net][files][bundle]") {
  BundleFixture f;
  std::string changeFrame = f.b.bytes.substr(f.b.firstChangeAt, f.b.trailerAt - f.b.firstChangeAt);
  std::string trailerFrame = f.b.bytes.substr(f.b.trailerAt);
  for (const std::string& tail : {std::string(1, '\0'), std::string(4, 'x'), std::string(5, '\x02'),
                                  std::string(100, '\xff'), changeFrame, trailerFrame, f.b.bytes}) {
    auto r = checkBytes(f.dir, f.b.bytes + tail, &f.net);
    requireInvalid(r.status(), "tail of " + std::to_string(tail.size()) + " bytes");
    CHECK_THAT(r.status().message(), Catch::Contains("extra data"));
  }
}

TEST_CASE("Bundle: wrong magic, a summary, and another version are told apart",
          "[net][files][bundle]") {
  BundleFixture f;
  SECTION("not a renda file") {
    for (const std::string& other : {std::string("hello"), std::string(4096, 'a'),
                                     std::string("PK\x03\x04") + std::string(60, '\0')}) {
      auto r = checkBytes(f.dir, other, &f.net);
      requireInvalid(r.status(), "other file");
      CHECK_THAT(r.status().message(), Catch::Contains("not a renda bundle"));
    }
    std::string b = f.b.bytes;
    b[0] = 'r';
    CHECK_THAT(checkBytes(f.dir, b, &f.net).status().message(),
               Catch::Contains("not a renda bundle"));
  }
  SECTION("a summary given as a bundle") {
    auto r = checkBytes(f.dir, encodeSummary(sampleSummary(2)), &f.net);
    requireInvalid(r.status(), "summary");
    CHECK_THAT(r.status().message(), Catch::Contains("summary file, not a bundle"));
  }
  SECTION("another version's magic") {
    std::string b = f.b.bytes;
    b.replace(0, 16, "RENDA-BUNDLE-v02");
    auto r = checkBytes(f.dir, b, &f.net);
    requireInvalid(r.status(), "v02");
    CHECK_THAT(r.status().message(), Catch::Contains("another version"));
  }
}

// [regression] A flipped bit in the trailer's (unsigned) SignedBlob wrapper, e.g.
// its root struct's pointer count, used to pass: the wrapper is now required to
// be byte-identical to what BundleWriter writes.
TEST_CASE("Bundle: every single-byte change in header, changes or trailer is found",
          "[net][files][bundle][regression]") {
  BundleFixture f;
  const std::string& bytes = f.b.bytes;
  size_t refused = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char* region = i < 16                  ? "magic"
                         : i < f.b.firstChangeAt ? "header"
                         : i < f.b.trailerAt     ? "change"
                                                 : "trailer";
    for (unsigned char x : {0x01, 0x80, 0xff}) {
      std::string b = bytes;
      b[i] = static_cast<char>(b[i] ^ x);
      auto r = checkBytes(f.dir, b, &f.net);
      requireInvalid(r.status(), std::string(region) + " byte " + std::to_string(i) + " xor " +
                                     std::to_string(x));
      ++refused;
    }
  }
  CHECK(refused == bytes.size() * 3);
  // The unmodified file still passes (the loop above wrote over the probe only).
  REQUIRE(checkBundle(f.b.path, &f.net).isOk());
}

TEST_CASE("Bundle: frames spliced, dropped, reordered or duplicated are found",
          "[net][files][bundle]") {
  BundleFixture f;
  const std::string& bytes = f.b.bytes;
  std::vector<std::string> frames;  // change frames
  for (size_t at = f.b.firstChangeAt; at < f.b.trailerAt;) {
    size_t n = 5 + readU32(bytes, at + 1);
    frames.push_back(bytes.substr(at, n));
    at += n;
  }
  REQUIRE(frames.size() == 3);
  std::string head = bytes.substr(0, f.b.firstChangeAt);
  std::string trailer = bytes.substr(f.b.trailerAt);
  auto join = [&](std::vector<std::string> fs, const std::string& t) {
    std::string out = head;
    for (auto& x : fs) out += x;
    return out + t;
  };
  REQUIRE(checkBytes(f.dir, join(frames, trailer), &f.net).isOk());
  requireInvalid(checkBytes(f.dir, join({frames[0], frames[2]}, trailer), &f.net).status(),
                 "dropped change");
  requireInvalid(checkBytes(f.dir, join({frames[1], frames[0], frames[2]}, trailer), &f.net).status(),
                 "swapped changes");
  requireInvalid(
      checkBytes(f.dir, join({frames[0], frames[1], frames[2], frames[2]}, trailer), &f.net)
          .status(),
      "duplicated change");
  requireInvalid(checkBytes(f.dir, join(frames, ""), &f.net).status(), "no trailer");
  // A second header frame in the middle.
  std::string headerFrame = bytes.substr(16, f.b.firstChangeAt - 16);
  requireInvalid(
      checkBytes(f.dir, join({frames[0], headerFrame, frames[1], frames[2]}, trailer), &f.net)
          .status(),
      "second header");
  // A change frame where the header belongs.
  requireInvalid(checkBytes(f.dir, bytes.substr(0, 16) + frames[0] + frames[1] + trailer, &f.net)
                     .status(),
                 "no header");
  // The trailer of another bundle by the same producer over different changes.
  TempDir other;
  auto b2 = buildBundle(other, "b2.bundle", f.b.header, f.producer,
                        envelopes(f.net, keyFromByte(0x44), 3));
  requireInvalid(checkBytes(f.dir, join(frames, b2.bytes.substr(b2.trailerAt)), &f.net).status(),
                 "foreign trailer");
}

TEST_CASE("Bundle: a header signed by another key is refused", "[net][files][bundle]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey claimed = keyFromByte(0x41), actual = keyFromByte(0x66);
  // The header names `claimed` as producer, but header and trailer are signed by `actual`.
  auto b = buildBundle(dir, "forged.bundle", sampleHeader(net, claimed), actual,
                       envelopes(net, keyFromByte(0x42), 2));
  auto r = checkBundle(b.path, &net);
  requireInvalid(r.status(), "header by another key");
  CHECK_THAT(r.status().message(), Catch::Contains("does not verify"));
  requireInvalid(checkBundle(b.path, nullptr).status(), "header by another key, joining");
}

TEST_CASE("Bundle: a header re-labelled for another network is refused",
          "[net][files][bundle]") {
  // A bundle signed for network A whose header is edited to name network C:
  // checked against C, the signature (over C's prefix and the edited body) fails.
  TempDir dir;
  NetworkId a = networkFromByte(0x11);
  SecretKey k = keyFromByte(0x41);
  auto b = buildBundle(dir, "a.bundle", sampleHeader(a, k), k, {});
  // Replace the network id bytes inside the header body (they appear once).
  std::string bytes = b.bytes;
  std::string needle(reinterpret_cast<const char*>(a.data()), 32);
  size_t at = bytes.find(needle, 16);
  REQUIRE(at != std::string::npos);
  REQUIRE(at < b.firstChangeAt);
  NetworkId c = networkFromByte(0x77);
  bytes.replace(at, 32, reinterpret_cast<const char*>(c.data()), 32);
  auto r = checkBytes(dir, bytes, &c);
  requireInvalid(r.status(), "re-labelled network");
  CHECK_THAT(r.status().message(), Catch::Contains("does not verify"));
}

TEST_CASE("Bundle: another county's bundle is refused with a clear message",
          "[net][files][bundle]") {
  BundleFixture f;
  NetworkId other = networkFromByte(0x22);
  auto r = checkBundle(f.b.path, &other);
  requireInvalid(r.status(), "another county");
  CHECK_THAT(r.status().message(), Catch::Contains("another county"));
  CHECK_THAT(r.status().message(), Catch::Contains("示范县"));
  // The file itself is fine for its own network.
  REQUIRE(checkBundle(f.b.path, &f.net).isOk());
}

TEST_CASE("Bundle: prerequisites out of order, repeated or numbered 0 are refused",
          "[net][files][bundle]") {
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey k = keyFromByte(0x41);
  BundleHeader h = sampleHeader(net, k);
  h.prerequisites = sortedVector(4, 0x33);
  SECTION("out of order") { std::swap(h.prerequisites[0], h.prerequisites[3]); }
  SECTION("repeated") { h.prerequisites[1] = h.prerequisites[0]; }
  SECTION("seq 0") { h.prerequisites[2].seq = 0; }
  auto b = buildBundle(dir, "bad-prereq.bundle", h, k, envelopes(net, k, 1));
  requireInvalid(checkBundle(b.path, &net).status(), "bad prerequisites");
}

TEST_CASE("Bundle: a header with a bad key size is refused", "[net][files][bundle]") {
  // Build the header frame by hand: a correctly signed canonical body whose
  // producer key is 31 bytes.
  TempDir dir;
  NetworkId net = networkFromByte(0x11);
  SecretKey k = keyFromByte(0x41);
  capnp::MallocMessageBuilder hb;
  auto h = hb.initRoot<schema::BundleHeader>();
  h.setNetwork(dataOf(net.data(), 32));
  PublicKey pk = k.publicKey();
  h.setProducer(dataOf(pk.data(), 31));
  h.setRootKey(dataOf(pk.data(), 32));
  auto words = capnp::canonicalize(h.asReader());
  std::string body(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
  capnp::MallocMessageBuilder sb;
  auto blob = sb.initRoot<schema::SignedBlob>();
  blob.setBody(dataOf(body.data(), body.size()));
  Signature sig = crypto::sign(crypto::kBundleContext, net, crypto::asBytes(body), k);
  blob.setSig(dataOf(sig.data(), sig.size()));
  std::string frame = flat(sb);
  std::string bytes("RENDA-BUNDLE-v01", 16);
  bytes.push_back('\x01');
  uint32_t n = static_cast<uint32_t>(frame.size());
  bytes.append(reinterpret_cast<const char*>(&n), 4);
  bytes += frame;
  auto r = checkBytes(dir, bytes, &net);
  requireInvalid(r.status(), "31-byte producer");
  CHECK_THAT(r.status().message(), Catch::Contains("bad key"));
}

}  // namespace
}  // namespace renda::net
