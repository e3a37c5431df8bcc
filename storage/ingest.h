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

// A change as stored: its header flags and decoded envelope and change.
struct StoredChange {
  Envelope envelope;
  Change change;
  ChangeId id;
  uint8_t flags = 0;
};
// Decodes a `changes` value (header | envelope). Corruption on any defect.
Result<StoredChange> decodeStored(Bytes value);

// Where a held change is: its author and number (nullopt when not held).
Result<std::optional<std::pair<PublicKey, uint64_t>>> locateChange(const Txn& txn,
                                                                   const Store::Tables& t,
                                                                   const ChangeId& id);

// Authors whose held changes branch: the lowest and highest number held twice.
Result<std::map<PublicKey, std::pair<uint64_t, uint64_t>>> forkedAuthors(const Txn& txn,
                                                                         const Store::Tables& t);
// Calls fn(arrival, change) for every held change of `author` numbered
// from..to: the first held with each number (log), then the others (forklog).
Status forEachHeld(const Txn& txn, const Store::Tables& t, const PublicKey& author, uint64_t from,
                   uint64_t to, const std::function<Status(uint64_t, const StoredChange&)>& fn);

// Calls fn with every author's version-vector entry (its top), in key order.
Status forEachTop(const Txn& txn, const Store::Tables& t,
                  const std::function<Status(const VersionEntry&)>& fn);

// What deriveTrust() needs, read from the tables in `txn` (all but `locate`,
// which the caller sets).
Result<TrustInputs> collectTrustInputs(const Txn& txn, const Store::Tables& t,
                                       const NetworkInfo& net);

// Who may author, as prepareBatch sees it: keys known to the network (some
// certificate names them, in the store or earlier in the batch or stream),
// keys looked up and found not to be, and how to look up the rest (none: a
// key that is not known is not).
struct Admission {
  std::set<PublicKey> known;
  std::set<PublicKey> unknown;
  std::function<Result<bool>(const PublicKey&)> lookup;
  // Looks up members in `txn` (which must outlive the admission).
  static Admission inStore(const Txn& txn, const Store::Tables& t);
  Result<bool> isMember(const PublicKey& k);
};

// Decodes and authenticates a batch. Signatures are checked on the last change
// of each chain of one author's changes in the batch; the hash chain (each
// change names its predecessor's id and signature hash) authenticates the
// rest. With `everySignature`, all are checked. Refused/InvalidInput with a
// reason naming the change (its number counts from `firstIndex` + 1).
// Certificates it accepts add their subjects to `admission.known`, for the
// rest of the batch and any later one prepared with the same admission.
Result<std::vector<Prepared>> prepareBatch(const std::vector<std::string>& envelopes,
                                           const NetworkInfo& net, Admission& admission,
                                           bool everySignature, size_t firstIndex = 0);

class Applier {
 public:
  Applier(WriteTxn& txn, const Store::Tables& t, const NetworkInfo& net, uint64_t nowMs)
      : txn_(txn), t_(t), net_(net), nowMs_(nowMs) {}

  // Stores and applies one change. Duplicates are no-ops; a second change with
  // a held author and number (a fork) is stored like any other and trust is
  // derived again at finish(); changes that may not take effect are kept but
  // not applied. Non-ok (and the caller aborts the txn) for a change whose
  // predecessor, deps or parents are not held, or that is malformed.
  Status apply(const Prepared& p, IngestReport& report);
  // Writes cached state (version vector, clock), derives trust again when an
  // act or a branch arrived (re-applying what it changes), and settles the id
  // index (tables.h). Call once before commit. Acts that arrived in this
  // transaction and did not take effect are counted and noted in `report`.
  Status finish(IngestReport* report = nullptr);
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
  // Whether the last apply() applied its change, and why not when it did not
  // (acts are judged at finish(): see appliedNow()).
  bool lastApplied() const { return lastApplied_; }
  const std::string& lastRefusal() const { return lastRefusal_; }
  // Whether the last apply()'s verdict is only provisional: its change may
  // alter its author's line (a change among or just above branches), so
  // finish() derives trust again and may apply it after all.
  bool lastJudgedAtFinish() const { return lastJudgedAtFinish_; }
  // Where a held change is (its author and number), and the first change
  // held of `author` numbered `seq`.
  Result<std::optional<std::pair<PublicKey, uint64_t>>> locateHeld(const ChangeId& id) {
    return locate(id);
  }
  Result<std::optional<ChangeId>> changeNumbered(const PublicKey& author, uint64_t seq);
  // Whether a held change is applied now, and why not ("" when it is).
  Result<std::pair<bool, std::string>> appliedNow(const ChangeId& id);
  // Derives every membership and flag again from the held changes, as if
  // every act had just arrived (layout upgrades, repairs).
  Status rederiveAll();

 private:
  Status putMember(const Membership& m);
  // trust_state.cpp: derive trust from the held changes, store what changed,
  // and re-apply the changes of every author whose membership changed.
  Status settleTrust();
  Status reevaluate(const PublicKey& author);
  // Where a held change is: its author and number.
  Result<std::optional<std::pair<PublicKey, uint64_t>>> locate(const ChangeId& id);
  // refold.cpp
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
  // Stores `r` at `row`, keeping the store's tally of conflicted records and
  // not-applied versions (what `renda status` shows) up to date: `before` is
  // the record as it was (nullptr for a new one).
  Status putRecord(const Record& r, uint64_t row, const Record* before, unsigned flags = 0);
  // The row of a record (the arrival number of its creating change), if held.
  Result<std::optional<uint64_t>> rowOf(const RecordId& id);
  Result<uint64_t> nextArrival();
  // Rewrites the applied flag of the change stored at `arrivalKey`.
  Status setApplied(const std::string& arrivalKey, Bytes stored, bool applied);
  // Whether the trust state must be derived again before commit: an act, a
  // branch, or a change inside an author's branches arrived.
  bool trustEvent(const Change& c, bool placedOnBranch, const std::optional<Membership>& m) const;
  // Moves a slice of byidnew into byid when byidnew has grown large enough
  // (tables.h).
  Status settleIdIndex();

  WriteTxn& txn_;
  const Store::Tables& t_;
  const NetworkInfo& net_;
  uint64_t nowMs_;
  Hlc hlc_;
  bool clockLoaded_ = false;
  bool trustDirty_ = false;
  bool trustSettled_ = false;         // trust was derived again in this transaction
  int64_t conflictedDelta_ = 0, notAppliedDelta_ = 0;  // the tally's change (keys::kTally)
  std::map<PublicKey, uint64_t> branched_;  // authors given a second change with a number: the lowest
  // The changes stored in this transaction: id, and why not applied when
  // apply() did not apply it ("" when it did). finish() reports them as they
  // stand after trust is derived again.
  std::vector<std::pair<ChangeId, std::string>> added_;
  std::optional<uint64_t> arrival_;
  std::optional<ChangeId> lastNew_;  // the last id added to the id index
  std::map<PublicKey, std::optional<VersionEntry>> vv_;
  std::map<PublicKey, std::optional<Membership>> members_;
  bool lastApplied_ = false;
  bool lastJudgedAtFinish_ = false;
  std::string lastRefusal_;
};

}  // namespace renda::storage
