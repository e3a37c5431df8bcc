// SPDX-License-Identifier: Apache-2.0
// Internal to storage: the two halves of ingest. prepare() decodes and verifies
// a batch with no write transaction open; Applier stores and folds prepared
// changes inside one write transaction (shared by ingest and local authoring).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/tables.h"

namespace renda::storage {

struct Prepared {
  std::string_view raw;  // envelope bytes as received
  Envelope envelope;
  Change change;
  ChangeId id;
  bool signatureChecked = false;
};

// Who may author, as prepareBatch sees it: keys known to be members (of the
// store, or introduced by a certificate earlier in the batch or stream), keys
// looked up and found not to be, and how to look up the rest (none: a key
// that is not known is not a member).
struct Admission {
  std::set<PublicKey> known;
  std::set<PublicKey> unknown;
  std::function<Result<bool>(const PublicKey&)> lookup;
  // Looks up members in `txn` (which must outlive the admission).
  static Admission inStore(const Txn& txn, const Store::Tables& t);
  Result<bool> isMember(const PublicKey& k);
};

// Decodes and authenticates a batch. Signatures are checked on the last change
// of each contiguous run of one author's changes; the hash chain (each change
// names its predecessor's id) authenticates the rest. With `everySignature`,
// all are checked. Refused/InvalidInput with a reason naming the change (its
// number counts from `firstIndex` + 1). Certificates it accepts add their
// subjects to `admission.known`, for the rest of the batch and any later one
// prepared with the same admission.
Result<std::vector<Prepared>> prepareBatch(const std::vector<std::string>& envelopes,
                                           const NetworkInfo& net, Admission& admission,
                                           bool everySignature, size_t firstIndex = 0);

class Applier {
 public:
  Applier(WriteTxn& txn, const Store::Tables& t, const NetworkInfo& net, uint64_t nowMs)
      : txn_(txn), t_(t), net_(net), nowMs_(nowMs) {}

  // Stores and applies one change. Duplicates are no-ops; forks are kept as
  // evidence; changes that may not take effect are kept but not applied.
  // Non-ok (and the caller aborts the txn) for a broken chain or missing deps.
  Status apply(const Prepared& p, IngestReport& report);
  // Writes cached state (version vector, clock) and settles the id index
  // (tables.h). Call once before commit.
  Status finish();
  // Current version-vector entry of an author (cached).
  Result<std::optional<VersionEntry>> vvEntry(const PublicKey& author);
  Result<std::optional<Membership>> member(const PublicKey& key);
  Result<std::optional<Record>> loadRecord(const RecordId& id);
  // BLAKE2b-256 of a held change's signature (for the next change's prevSig).
  Result<Hash> signatureHash(const ChangeId& id);
  uint64_t clock() const { return hlc_.highWater(); }
  Status loadClock();
  Hlc& hlc() { return hlc_; }
  // The deps a new local change should carry, and records them as seen.
  Result<std::vector<ChangeId>> takeDeps(const PublicKey& self);
  // Whether the last apply() applied its change, and why not when it did not.
  bool lastApplied() const { return lastApplied_; }
  const std::string& lastRefusal() const { return lastRefusal_; }

 private:
  Status putMember(const Membership& m);
  Status reevaluate(const PublicKey& author);
  Status refold(const RecordId& id);
  // One writer per field group (core/domain/field_groups.h): why the plain
  // edit `c` (id `id`) of suggestion `rec` may not take effect, or nullopt.
  Result<std::optional<std::string>> judgeFieldEdit(const Record& rec, const Change& c,
                                                    const ChangeId& id);
  // Re-judges every plain edit of `rec` (as stored; a no-op unless it is a
  // suggestion) after an event or a trust change altered what precedes them;
  // rewrites their applied flags (trust and field group both) and re-folds the
  // record when any changed. REQUIRES: every change of `rec` is stored.
  Status rejudgeFieldEdits(const Record& rec);
  // The memberships of every author of `r`'s versions (plus `extra`).
  Result<std::map<PublicKey, Membership>> membersOf(const Record& r, const PublicKey* extra);
  Status putRecord(const Record& r, uint64_t row, unsigned flags = 0);
  // The row of a record (the arrival number of its creating change), if held.
  Result<std::optional<uint64_t>> rowOf(const RecordId& id);
  Result<uint64_t> nextArrival();
  // Moves a slice of byidnew into byid when byidnew has grown large enough
  // (tables.h).
  Status settleIdIndex();

  WriteTxn& txn_;
  const Store::Tables& t_;
  const NetworkInfo& net_;
  uint64_t nowMs_;
  Hlc hlc_;
  bool clockLoaded_ = false;
  std::optional<uint64_t> arrival_;
  std::optional<ChangeId> lastNew_;  // the last id added to the id index
  std::map<PublicKey, std::optional<VersionEntry>> vv_;
  std::map<PublicKey, std::optional<Membership>> members_;
  bool lastApplied_ = false;
  std::string lastRefusal_;
};

}  // namespace renda::storage
