// SPDX-License-Identifier: Apache-2.0
// One sync session over an open Channel (net/channel.h): both nodes send a
// summary (hello, then the entries of the summary buckets that differ, then
// summaryEnd), then each streams the other every change the other's summary
// lacks (ChangeSource::forEachMissing: fork evidence included, each change
// after its deps), in numbered batches that the receiver checks and commits
// (ChangeSink::ingestChanges) and then acknowledges. Both directions at once;
// the sender keeps at most limits::kMaxInFlightBytes unacknowledged. A session
// ends when each side has sent `done`, all its batches are acknowledged, and
// each has said goodbye. It is resumable by construction: the next session's
// summaries reflect what was committed.
//
// Threads, per session: this one (summaries, then waiting), a receiver (reads
// messages), a sender (reads the store, writes batches) and the sink's
// ingest. Any of them failing ends the session at once (Channel::shutdown);
// what was committed stays.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/source.h"
#include "net/channel.h"

namespace renda::net {

struct SyncProgress {
  uint64_t sentChanges = 0;
  uint64_t receivedChanges = 0;  // committed here
  uint64_t toSend = 0;           // known once the peer's summary is in
};

struct SyncOptions {
  uint64_t nowMs = 0;  // wall clock, to flag far-future stamps
  bool zstd = true;    // compress batches where it pays (the peer must accept it too)
  uint16_t listenPort = 0;  // told to the peer: where this node takes sessions
  // Called after every commit: whether the peer may still sync (a revocation
  // may just have arrived). Non-ok ends the session with that reason.
  std::function<Status()> stillAllowed;
  // Called from session threads now and then.
  std::function<void(const SyncProgress&)> progress;
};

struct SyncReport {
  Status status;  // ok when the session completed (both goodbyes)
  PublicKey peer;
  uint64_t sentChanges = 0, sentBatches = 0;
  uint64_t receivedChanges = 0;
  IngestReport received;  // what the received changes did here
  uint64_t bytesSent = 0, bytesReceived = 0;
  uint64_t durationMs = 0;
  bool summariesEqual = false;  // nothing to do either way
  std::string peerGoodbye;      // what the peer said when it ended
  VersionVector peerSummary;    // what the peer held when the session began
  uint16_t peerListenPort = 0;  // where the peer takes sessions (0: nowhere, or not said)
};

// Runs the session; blocks until it ends. `self` is this node's device key
// (for its hello).
SyncReport runSync(Channel& channel, ChangeSource& source, ChangeSink& sink, const PublicKey& self,
                   const SyncOptions& options);

}  // namespace renda::net
