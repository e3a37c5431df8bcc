// SPDX-License-Identifier: Apache-2.0
// The interface net syncs against (negentropy's StorageBase pattern): a source
// of changes and a sink that ingests them. storage implements it; tests fake it
// with vectors. net never includes storage.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace renda {

// One author's highest contiguous seq held, and that change's id.
struct VersionEntry {
  PublicKey author;
  uint64_t seq = 0;
  ChangeId id;
  bool operator==(const VersionEntry&) const = default;
};
using VersionVector = std::vector<VersionEntry>;  // sorted by author

// What one ingest call did.
struct IngestReport {
  size_t received = 0;
  size_t added = 0;        // new changes stored and applied
  size_t duplicates = 0;   // already held: a no-op
  size_t notApplied = 0;   // stored as evidence, not applied (revoked, out of scope, frozen)
  size_t forks = 0;        // fork evidence found
  std::vector<std::string> notes;  // one line per not-applied change or fork, for people
};

class ChangeSource {
 public:
  virtual ~ChangeSource() = default;
  // This node's version vector.
  virtual Result<VersionVector> versionVector() = 0;
  // Calls `fn` with the envelope bytes of every held change that `theirs` lacks
  // (all changes when `theirs` is empty), each after every change it depends on.
  // Stops at and returns the first non-ok Status from `fn`. `fn` may block
  // (a sender waiting for the link): no transaction is held across calls.
  virtual Status forEachMissing(const VersionVector& theirs,
                                const std::function<Status(std::string_view envelope)>& fn) = 0;
  // The authors of whom this node holds a change with a number that `theirs`
  // names with another id: their branches and this node's differ (a fork),
  // so the other side should send all it holds of them.
  virtual Result<std::vector<PublicKey>> divergedFrom(const VersionVector& theirs) = 0;
};

class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // Verifies a batch of envelopes and applies it atomically: all of it, or
  // (with a non-ok Status) none of it.
  virtual Result<IngestReport> ingest(const std::vector<std::string>& envelopes) = 0;

  // A long stream of changes (a sync session, a bundle): `produce`, run on
  // another thread, calls `emit` with consecutive chunks of envelopes and
  // returns when the stream ends (its status: non-ok abandons the batch under
  // way). The sink checks and applies them in consecutive atomic batches and
  // calls `onCommit` after each with that batch's report and the number of
  // changes committed so far. `nowMs` flags stamps far in the future.
  using Emit = std::function<Status(std::vector<std::string>&&)>;
  using Producer = std::function<Status(const Emit& emit)>;
  using OnCommit = std::function<void(const IngestReport& batch, uint64_t changesCommitted)>;
  virtual Result<IngestReport> ingestChanges(const Producer& produce, const OnCommit& onCommit,
                                             uint64_t nowMs) = 0;
};

}  // namespace renda
