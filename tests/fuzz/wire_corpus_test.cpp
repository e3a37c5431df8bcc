// SPDX-License-Identifier: Apache-2.0
// The sync protocol targets' seeds (tests/fuzz/corpus/{sync,handshake,frames}/),
// made with the encoders and, for the malformed ones, by hand; written by the
// hidden "[generate]" test:
//   build/tests/fuzz_replay "[generate][wire]"
// Checked here: each named malformed seed is refused (the valid_* ones are
// checked by corpus_replay_test.cpp), and the channel's real message limit,
// which inputs of fuzzing size cannot reach.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "core/schema/renda.capnp.h"
#include "net/flat.h"
#include "net/frames.h"
#include "net/wire.h"
#include "tests/core/fixtures.h"
#include "tests/fuzz/seeds.h"
#include "tests/fuzz/wire_targets.h"

namespace renda::fuzz {
namespace {

namespace fs = std::filesystem;
using net::detail::dataOf;
using net::detail::flatBytes;

std::string u32le(uint32_t n) { return std::string(reinterpret_cast<const char*>(&n), 4); }

// count x (u32 LE length | bytes), as a batch packs its envelopes.
std::string packed(const std::vector<std::string>& envelopes) {
  std::string out;
  for (const auto& e : envelopes) out += u32le(static_cast<uint32_t>(e.size())) + e;
  return out;
}

// A change batch with any fields, for the malformed seeds.
std::string rawBatch(uint64_t number, uint32_t count, bool zstd, const std::string& data) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::SyncMessage>().initChanges();
  b.setNumber(number);
  b.setCount(count);
  b.setZstd(zstd);
  b.setData(dataOf(data.data(), data.size()));
  return flatBytes(mb);
}

// A zstd frame by hand (RFC 8878): one raw block of `content`, with or
// without the content size in its header.
std::string zstdRawFrame(const std::string& content, bool withSize) {
  std::string f("\x28\xb5\x2f\xfd", 4);
  if (withSize) {
    f += '\xa0';  // single segment, 4-byte content size
    f += u32le(static_cast<uint32_t>(content.size()));
  } else {
    f += '\x00';  // no content size: a window descriptor follows
    f += '\x58';  // window of 2 MiB
  }
  uint32_t block = static_cast<uint32_t>(content.size()) << 3 | 1;  // raw, last
  f += u32le(block).substr(0, 3);
  return f + content;
}

// A frame that claims `claimed` bytes of content in one RLE block of 8 bytes.
std::string zstdBomb(uint32_t claimed) {
  std::string f("\x28\xb5\x2f\xfd\xa0", 5);
  f += u32le(claimed);
  uint32_t block = 8u << 3 | 1u << 1 | 1;  // RLE, last
  return f + u32le(block).substr(0, 3) + "x";
}

std::vector<std::string> envelopes(size_t n) {
  test::Author alice(0xa1, test::networkFromByte(0x4e));
  std::vector<std::string> out;
  auto first = alice.create("chengguan", {{"name", "李华"}, {"phone", "13800000000"}});
  out.push_back(first.envelope);
  while (out.size() < n)
    out.push_back(alice
                      .update(first.id, {first.id},
                              {{"phone", "1390000" + std::to_string(1000 + out.size())}})
                      .envelope);
  return out;
}

VersionVector summaryOf(size_t n) {
  VersionVector v;
  for (size_t i = 0; i < n; ++i) {
    VersionEntry e;
    e.author.bytes.fill(static_cast<unsigned char>(i * 7 + 1));
    e.author.bytes[1] = static_cast<unsigned char>(i);
    e.seq = 3 + i;
    e.id.bytes.fill(static_cast<unsigned char>(0x60 + i));
    v.push_back(e);
  }
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.author < b.author; });
  return v;
}

Seeds syncSeeds() {
  Seeds s;
  auto env = envelopes(12);
  std::vector<std::string_view> views(env.begin(), env.end());
  net::Hello small;
  small.node.bytes.fill(0xa1);
  small.entries = summaryOf(5);
  small.entryCount = 5;
  s["valid_hello_entries"] = net::encodeHello(small);
  net::Hello large = small;
  large.entries.clear();
  large.entryCount = 5000;
  large.buckets = net::bucketFingerprints(summaryOf(5));
  large.zstd = false;
  s["valid_hello_buckets"] = net::encodeHello(large);
  s["valid_hello_empty"] = net::encodeHello(net::Hello{});
  s["valid_summary"] = net::encodeSummaryPart(summaryOf(4));
  s["valid_summary_end"] = net::encodeSummaryEnd();
  s["valid_changes"] = net::encodeBatch(1, {views.begin(), views.begin() + 3}, false);
  s["valid_changes_zstd"] = net::encodeBatch(2, views, true);
  REQUIRE(s["valid_changes_zstd"].find("\x28\xb5\x2f\xfd") != std::string::npos);
  s["valid_changes_zstd_by_hand"] = rawBatch(3, 2, true, zstdRawFrame(packed({env[0], env[1]}), true));
  s["valid_ack"] = net::encodeAck(7);
  s["valid_done"] = net::encodeDone(9);
  s["valid_ping"] = net::encodePing(0x0123456789abcdefull);
  s["valid_pong"] = net::encodePong(42);
  s["valid_goodbye"] = net::encodeGoodbye("the other node is not a member of this county");
  s["valid_goodbye_clean"] = net::encodeGoodbye("");
  s["valid_diverged"] = net::encodeDiverged({summaryOf(2)[0].author, summaryOf(2)[1].author});

  // Packed envelopes that do not add up.
  s["changes_count_over"] = rawBatch(1, 4, false, packed({env[0], env[1], env[2]}));
  s["changes_count_under"] = rawBatch(1, 2, false, packed({env[0], env[1], env[2]}));
  s["changes_count_zero"] = rawBatch(1, 0, false, "");
  s["changes_count_over_limit"] = rawBatch(1, 4097, false, packed({env[0]}));
  std::string pastEnd = packed({env[0]});
  pastEnd[0] = static_cast<char>(pastEnd[0] + 1);
  s["changes_length_past_end"] = rawBatch(1, 1, false, pastEnd);
  s["changes_length_zero"] = rawBatch(1, 1, false, u32le(0));
  s["changes_length_huge"] = rawBatch(1, 1, false, u32le(0xffffffffu) + env[0]);
  s["changes_cut_in_length"] = rawBatch(1, 2, false, packed({env[0]}) + "\x10\x00");
  // Compressed ones that lie.
  s["zstd_bomb"] = rawBatch(1, 1, true, zstdBomb(0xfffffff0u));
  s["zstd_no_content_size"] = rawBatch(1, 1, true, zstdRawFrame(packed({env[0]}), false));
  std::string frame = zstdRawFrame(packed({env[0]}), true);
  s["zstd_truncated"] = rawBatch(1, 1, true, frame.substr(0, frame.size() - 9));
  s["zstd_size_too_small"] = rawBatch(1, 1, true, [&] {
    std::string f = frame;
    f[5] = static_cast<char>(f[5] - 1);
    return f;
  }());
  s["zstd_not_zstd"] = rawBatch(1, 1, true, packed({env[0]}));
  // Within the packed limit (kMaxBatchBytes + 4 per change at most), but
  // 64 envelopes of nearly the largest size hold more than kMaxBatchBytes.
  std::vector<std::string> big(64, std::string(limits::kMaxBatchBytes / 64 + 250, 'x'));
  std::vector<std::string_view> bigViews(big.begin(), big.end());
  s["zstd_over_batch_bytes"] = net::encodeBatch(1, bigViews, true);

  // Other kinds, out of bounds.
  net::Hello both = small;
  both.buckets = large.buckets;
  s["hello_entries_and_buckets"] = net::encodeHello(both);
  net::Hello miscount = small;
  miscount.entryCount = 6;
  s["hello_miscounted"] = net::encodeHello(miscount);
  net::Hello partial = large;
  partial.buckets.resize(17);
  s["hello_partial_buckets"] = net::encodeHello(partial);
  VersionVector unsorted = summaryOf(3);
  std::swap(unsorted[0], unsorted[2]);
  s["summary_unsorted"] = net::encodeSummaryPart(unsorted);
  VersionVector zero = summaryOf(1);
  zero[0].seq = 0;
  s["summary_number_zero"] = net::encodeSummaryPart(zero);
  {
    // Read with its control characters made spaces (the peer's text is logged).
    capnp::MallocMessageBuilder mb;
    std::string text("bye\0\n2024-01-01 forged log line\x1b[2J", 35);
    mb.initRoot<schema::SyncMessage>().setGoodbye(capnp::Text::Reader(text.data(), text.size()));
    s["valid_goodbye_control_characters"] = flatBytes(mb);
  }
  {
    capnp::MallocMessageBuilder mb;
    mb.initRoot<schema::SyncMessage>().setGoodbye(std::string(1025, 'g'));
    s["goodbye_too_long"] = flatBytes(mb);
  }
  {
    capnp::MallocMessageBuilder mb;
    auto list = mb.initRoot<schema::SyncMessage>().initDiverged(1);
    list.set(0, dataOf("short", 5));
    s["diverged_bad_key"] = flatBytes(mb);
  }
  std::string ping = net::encodePing(1);
  s["truncated"] = ping.substr(0, ping.size() - 8);
  std::string twoSegments = ping;
  twoSegments[0] = '\1';
  s["two_segments"] = twoSegments;
  return s;
}

std::string rawPayload(uint16_t version, const std::string& announcement,
                       const std::vector<std::string>& admission) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::HandshakePayload>();
  b.setVersion(version);
  b.setAnnouncement(dataOf(announcement.data(), announcement.size()));
  auto list = b.initAdmission(admission.size());
  for (size_t i = 0; i < admission.size(); ++i)
    list.set(i, dataOf(admission[i].data(), admission[i].size()));
  return flatBytes(mb);
}

Seeds handshakeSeeds() {
  Seeds s;
  auto env = envelopes(9);
  s["valid_announcement_only"] = net::encodeHandshakePayload({env[0], {}});
  s["valid_with_admission"] = net::encodeHandshakePayload({env[0], {env[1], env[2]}});
  s["valid_most_admission"] =
      net::encodeHandshakePayload({env[0], {env.begin() + 1, env.begin() + 9}});
  s["too_many_certificates"] = rawPayload(1, env[0], {env.begin(), env.begin() + 9});
  s["other_version"] = rawPayload(2, env[0], {});
  s["empty_announcement"] = rawPayload(1, "", {env[1]});
  s["empty_certificate"] = rawPayload(1, env[0], {env[1], ""});
  std::string ok = s["valid_with_admission"];
  s["truncated"] = ok.substr(0, ok.size() / 2);
  std::string lies = ok;
  lies[4] = static_cast<char>(lies[4] + 1);
  s["segment_size_lies"] = lies;
  return s;
}

// u16 BE length | plaintext
std::string frame(const std::string& plain) {
  auto h = net::frameHeader(plain.size());
  return std::string(h.begin(), h.end()) + plain;
}
std::string more(const std::string& part) { return frame('\1' + part); }
std::string last(const std::string& part) { return frame('\0' + part); }

Seeds frameSeeds() {
  Seeds s;
  std::string ping = net::encodePing(5), bye = net::encodeGoodbye("");
  const std::string kFull(1, '\0'), kSmall(1, '\2');  // limit: 16 MiB, 128 bytes
  s["valid_one_message"] = kFull + last(ping);
  s["valid_fragments"] = kFull + more(ping.substr(0, 5)) + more(ping.substr(5, 11)) +
                         last(ping.substr(16));
  s["valid_several_messages"] = kFull + last(ping) + more(bye.substr(0, 3)) + last(bye.substr(3)) +
                                last("") + last(ping);
  s["valid_at_limit"] = kSmall + more(std::string(100, 'a')) + last(std::string(28, 'b'));
  s["valid_then_waiting"] = kFull + last(ping) + more("abc") + std::string("\x00\x40zz", 4);
  s["over_limit"] = kSmall + more(std::string(100, 'a')) + last(std::string(29, 'b'));
  s["empty_frame"] = kFull + last(ping) + std::string(2, '\0');
  s["empty_message_then_empty_frame"] = kFull + std::string("\x00\x01", 2) + std::string(1, '\0') +
                         std::string("\x00\x00", 2);
  s["bad_more_byte"] = kFull + frame('\2' + ping);
  s["cut_mid_frame"] = kFull + more("abc").substr(0, 4);
  s["longest_frame_cut"] = kFull + std::string("\xff\xff", 2) + std::string(100, '\0');
  return s;
}

std::map<std::string, Seeds> allSeeds() {
  return {{"sync", syncSeeds()}, {"handshake", handshakeSeeds()}, {"frames", frameSeeds()}};
}

Outcome run(const Target& t, const std::string& input) {
  return t.run(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST_CASE("WireFuzz: every named seed decodes or is refused as its name says", "[fuzz][wire]") {
  for (const auto& [target, seeds] : allSeeds()) {
    const Target* t = findTarget(target);
    REQUIRE(t);
    for (const auto& [name, bytes] : seeds) {
      INFO(target << "/" << name);
      bool valid = name.rfind("valid_", 0) == 0;
      CHECK(run(*t, bytes) == (valid ? Outcome::kAccepted : Outcome::kRejected));
    }
  }
}

TEST_CASE("WireFuzz: the channel refuses a message one byte over the sync limit",
          "[fuzz][wire]") {
  net::MessageAssembler a;
  std::string part(net::kMaxFragmentBytes, 'x');
  size_t total = 0;
  Result<bool> r = false;
  while (total + part.size() <= limits::kMaxSyncMessageBytes) {
    r = a.add('\1' + part);
    REQUIRE(r.isOk());
    total += part.size();
  }
  size_t room = limits::kMaxSyncMessageBytes - total;
  r = a.add('\1' + std::string(room + 1, 'y'));
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().code() == Code::kInvalidInput);

  net::MessageAssembler b;
  for (size_t n = 0; n < total; n += part.size()) REQUIRE(b.add('\1' + part).isOk());
  r = b.add('\0' + std::string(room, 'y'));
  REQUIRE(r.isOk());
  CHECK(*r);
  CHECK(b.take().size() == limits::kMaxSyncMessageBytes);
}

TEST_CASE("WireFuzz: write the seed corpus", "[.][generate][wire]") {
  writeSeedCorpus(allSeeds());
}

}  // namespace
}  // namespace renda::fuzz
