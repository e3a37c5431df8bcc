// SPDX-License-Identifier: Apache-2.0
#include "tests/fuzz/wire_targets.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"
#include "net/frames.h"
#include "net/wire.h"

namespace renda::fuzz {

namespace {

using detail::check;
using detail::checkRefusal;
using detail::checkSorted;
using net::SyncMsg;

std::string_view viewOf(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The limits of net/wire.h and core/limits.h, for whatever decoded.
void checkLimits(const SyncMsg& m) {
  switch (m.kind) {
    case SyncMsg::Kind::kHello:
      check(m.hello.entries.size() <= limits::kMaxHelloEntries, "a hello over its entry limit");
      check(m.hello.entryCount <= limits::kMaxSummaryEntries, "a hello counts over the limit");
      check(m.hello.buckets.empty() || m.hello.buckets.size() == limits::kSummaryBuckets,
            "a hello with a partial bucket list");
      check(m.hello.entries.empty() || m.hello.entries.size() == m.hello.entryCount,
            "a hello whose entries do not match its count");
      checkSorted(m.hello.entries);
      break;
    case SyncMsg::Kind::kSummary:
      check(m.summary.size() <= limits::kMaxSummaryEntries, "a summary part over the limit");
      checkSorted(m.summary);
      break;
    case SyncMsg::Kind::kDiverged:
      check(m.diverged.size() <= limits::kMaxSummaryEntries, "a divergence list over the limit");
      break;
    case SyncMsg::Kind::kChanges: {
      const auto& e = m.batch.envelopes;
      check(!e.empty() && e.size() <= limits::kMaxBatchChanges, "a batch with a bad count");
      size_t total = 0;
      for (const auto& env : e) {
        check(!env.empty() && env.size() <= limits::kMaxEnvelopeBytes,
              "a batch holds an envelope of a bad size");
        total += env.size();
      }
      check(total <= limits::kMaxBatchBytes, "a decoded batch holds more than kMaxBatchBytes");
      break;
    }
    case SyncMsg::Kind::kGoodbye:
      check(m.text.size() <= 1024, "a goodbye over its limit");
      for (char c : m.text)
        check(static_cast<unsigned char>(c) >= 0x20 && c != '\x7f',
              "a goodbye brings control characters to the log");
      break;
    default:
      break;
  }
}

bool sameMessage(const SyncMsg& a, const SyncMsg& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case SyncMsg::Kind::kHello:
      return a.hello.node == b.hello.node && a.hello.entryCount == b.hello.entryCount &&
             a.hello.entries == b.hello.entries && a.hello.buckets == b.hello.buckets &&
             a.hello.zstd == b.hello.zstd;
    case SyncMsg::Kind::kSummary:
      return a.summary == b.summary;
    case SyncMsg::Kind::kSummaryEnd:
      return true;
    case SyncMsg::Kind::kChanges:
      return a.batch.number == b.batch.number && a.batch.envelopes == b.batch.envelopes;
    case SyncMsg::Kind::kGoodbye:
      return a.text == b.text;
    case SyncMsg::Kind::kDiverged:
      return a.diverged == b.diverged;
    default:
      return a.value == b.value;
  }
}

// The bytes this node would send for m (`zstd`: compress a batch when it pays).
std::string encodeMessage(const SyncMsg& m, bool zstd) {
  switch (m.kind) {
    case SyncMsg::Kind::kHello: return net::encodeHello(m.hello);
    case SyncMsg::Kind::kSummary: return net::encodeSummaryPart(m.summary);
    case SyncMsg::Kind::kSummaryEnd: return net::encodeSummaryEnd();
    case SyncMsg::Kind::kChanges: {
      std::vector<std::string_view> views(m.batch.envelopes.begin(), m.batch.envelopes.end());
      return net::encodeBatch(m.batch.number, views, zstd);
    }
    case SyncMsg::Kind::kAck: return net::encodeAck(m.value);
    case SyncMsg::Kind::kDone: return net::encodeDone(m.value);
    case SyncMsg::Kind::kPing: return net::encodePing(m.value);
    case SyncMsg::Kind::kPong: return net::encodePong(m.value);
    case SyncMsg::Kind::kGoodbye: return net::encodeGoodbye(m.text);
    case SyncMsg::Kind::kDiverged: return net::encodeDiverged(m.diverged);
  }
  throw InvariantViolation("a decoded sync message of no kind");
}

Outcome runSync(const uint8_t* data, size_t size) {
  auto m = net::decodeSyncMessage(viewOf(data, size));
  if (!m) {
    checkRefusal(m.status());
    return Outcome::kRejected;
  }
  check(m->wireBytes == size, "a sync message does not record its size");
  checkLimits(*m);
  for (bool zstd : {false, true}) {
    if (zstd && m->kind != SyncMsg::Kind::kChanges) break;
    std::string again = encodeMessage(*m, zstd);
    auto back = net::decodeSyncMessage(again);
    check(back.isOk(), "a re-encoded sync message does not decode");
    check(sameMessage(*m, *back), "a sync message changed across encode/decode");
  }
  return Outcome::kAccepted;
}

Outcome runHandshake(const uint8_t* data, size_t size) {
  auto p = net::decodeHandshakePayload(viewOf(data, size));
  if (!p) {
    checkRefusal(p.status());
    return Outcome::kRejected;
  }
  auto okSize = [](const std::string& e) {
    return !e.empty() && e.size() <= limits::kMaxEnvelopeBytes;
  };
  check(okSize(p->announcement), "a handshake announcement of a bad size");
  check(p->admission.size() <= 8, "a handshake payload with too many certificates");
  for (const auto& e : p->admission) check(okSize(e), "a handshake certificate of a bad size");
  std::string again = net::encodeHandshakePayload(*p);
  // Blobs may share bytes in the input (Cap'n Proto allows it), so the
  // re-encoding can be larger; within a frame it must decode the same.
  if (again.size() <= limits::kMaxFrameBytes) {
    auto back = net::decodeHandshakePayload(again);
    check(back.isOk(), "a re-encoded handshake payload does not decode");
    check(back->announcement == p->announcement && back->admission == p->admission,
          "a handshake payload changed across encode/decode");
  }
  return Outcome::kAccepted;
}

// A message must reassemble the same from the plaintexts the sender makes.
void checkRefragments(const std::string& message, size_t maxBytes) {
  net::MessageAssembler again(maxBytes);
  size_t pos = 0;
  do {
    std::string plain = net::nextFragment(message, pos);
    check(plain.size() <= net::noise::kMaxPlaintextBytes, "a fragment does not fit a frame");
    auto done = again.add(plain);
    check(done.isOk(), "the sender's fragments are refused");
    check(*done == (pos == message.size()), "the sender's fragments end the message early");
  } while (pos < message.size());
  check(again.take() == message, "a message changed across fragment/reassemble");
}

Outcome runFrames(const uint8_t* data, size_t size) {
  if (size < 1) return Outcome::kRejected;
  size_t maxBytes = data[0] == 0 ? limits::kMaxSyncMessageBytes : size_t(data[0]) * 64;
  net::MessageAssembler assembler(maxBytes);
  std::string expected;  // the fragments of the message so far
  size_t pos = 1, messages = 0;
  while (size - pos >= net::kFrameHeaderBytes) {
    std::array<unsigned char, net::kFrameHeaderBytes> header{data[pos], data[pos + 1]};
    pos += header.size();
    auto n = net::frameLength(header);
    if (!n) {
      checkRefusal(n.status());
      check(header[0] == 0 && header[1] == 0, "a frame length refused for no reason");
      return Outcome::kRejected;
    }
    check(net::frameHeader(*n) == header, "a frame length changed across encode/decode");
    if (size - pos < *n) break;  // the rest has not arrived yet
    std::string_view plain = viewOf(data + pos, *n);
    pos += *n;
    auto done = assembler.add(plain);
    if (!done) {
      checkRefusal(done.status());
      check(static_cast<unsigned char>(plain[0]) > 1 || expected.size() + *n - 1 > maxBytes,
            "a good fragment was refused");
      return Outcome::kRejected;
    }
    expected.append(plain.substr(1));
    check(expected.size() <= maxBytes, "a message over the limit was let through");
    if (!*done) continue;
    std::string message = assembler.take();
    check(message == expected, "a message is not the concatenation of its fragments");
    checkRefragments(message, maxBytes);
    expected.clear();
    ++messages;
  }
  return messages ? Outcome::kAccepted : Outcome::kRejected;
}

const Target kWireTargets[] = {
    {"sync", runSync}, {"handshake", runHandshake}, {"frames", runFrames}};

}  // namespace

std::span<const Target> wireTargets() { return kWireTargets; }

}  // namespace renda::fuzz
