// SPDX-License-Identifier: Apache-2.0
// The sync protocol's messages (core/schema/renda.capnp, SyncMessage and
// HandshakePayload) as values, and their bytes: encoding, and decoding of
// untrusted bytes with tight limits. Change batches carry envelopes packed as
// u32 LE length | bytes, compressed with zstd when that saves at least an
// eighth. Nothing here does I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/source.h"
#include "core/status.h"

namespace renda::net {

using Fingerprint = std::array<unsigned char, 16>;

struct Hello {
  PublicKey node;
  uint32_t entryCount = 0;
  VersionVector entries;             // the whole summary (small ones), or empty
  std::vector<Fingerprint> buckets;  // kSummaryBuckets fingerprints (large ones), or empty
  bool zstd = true;
  uint16_t listenPort = 0;  // where the sender takes sessions (0: nowhere)
};

struct Batch {
  uint64_t number = 0;
  std::vector<std::string> envelopes;
};

struct SyncMsg {
  enum class Kind {
    kHello, kSummary, kSummaryEnd, kChanges, kAck, kDone, kPing, kPong, kGoodbye, kDiverged
  };
  Kind kind = Kind::kGoodbye;
  Hello hello;             // kHello
  VersionVector summary;   // kSummary
  std::vector<PublicKey> diverged;  // kDiverged
  Batch batch;             // kChanges
  uint64_t value = 0;      // kAck, kDone, kPing, kPong
  std::string text;        // kGoodbye
  size_t wireBytes = 0;    // the message's size as received
};

std::string encodeHello(const Hello& h);
std::string encodeSummaryPart(const VersionVector& entries);
std::string encodeSummaryEnd();
// A batch of envelopes (at most kMaxBatchChanges, kMaxBatchBytes in all),
// compressed when `zstd` and it pays.
std::string encodeBatch(uint64_t number, const std::vector<std::string_view>& envelopes, bool zstd);
std::string encodeAck(uint64_t number);
std::string encodeDone(uint64_t batches);
std::string encodePing(uint64_t nonce);
std::string encodePong(uint64_t nonce);
std::string encodeGoodbye(std::string_view why);
std::string encodeDiverged(const std::vector<PublicKey>& authors);

// InvalidInput with a reason for anything malformed, over a limit, or a
// batch whose packed envelopes do not add up (a decompression that would
// exceed kMaxBatchBytes is refused before it is done). A goodbye's text comes
// with its control characters made spaces, as encodeGoodbye() sends it.
Result<SyncMsg> decodeSyncMessage(std::string_view bytes);

// The summary's bucket fingerprints: entries grouped by their author's first
// byte, each group hashed (BLAKE2b, 16 bytes) in summary order.
std::vector<Fingerprint> bucketFingerprints(const VersionVector& entries);
// Which bucket an author falls in.
inline size_t bucketOf(const PublicKey& author) { return author.data()[0]; }

struct HandshakePayload {
  std::string announcement;            // envelope of the sender's transportKey change
  std::vector<std::string> admission;  // envelopes of changes certifying the sender
};
std::string encodeHandshakePayload(const HandshakePayload& p);
Result<HandshakePayload> decodeHandshakePayload(std::string_view bytes);

}  // namespace renda::net
