// SPDX-License-Identifier: Apache-2.0
// The node's store: every change it holds, and the records materialised from
// them, in one LMDB environment. Ingest verifies a batch before opening the
// write transaction, then stores changes, author logs, the version vector,
// records and indexes in one transaction. Authoring a local change and bumping
// the author's seq happen in the same transaction.
//
// Tables (keys fixed-width, integers big-endian so byte order = numeric order):
//   meta        text key -> value (network, root key, county name, device key, hlc, ...)
//   changes     arrival u64 -> u8 format=1 | u8 flags | author 32 | seq u64 | envelope
//               flags: bit0 signature checked on arrival, bit1 applied
//   byid        change id 32 -> arrival u64                (the id index: settled ids)
//   byidnew     change id 32 -> arrival u64                (recent ids; see tables.h)
//   log         author 32 | seq u64 -> arrival u64        (the first change held at that number)
//   forklog     author 32 | seq u64 | change id 32 -> arrival u64   (every other one: a fork)
//   vv          author 32 -> seq u64 | change id 32        (the highest number held, and the
//                                                           first change held with it)
//   records     row u64 -> encodeRecord() bytes (the record id is inside)
//   bykind      kind u8 | row u64 -> ""                    (lists)
//   recchanges  row u64 | arrival u64 -> ""                (re-folding a record)
//
// A record's row is the arrival number of its creating change (found through
// the id index, since a record's id is that change's id). Arrival numbers only grow, so
// changes, new records and their index entries are appended at the end of
// their tables instead of scattered by hash: at a million changes this is the
// difference between rewriting a few pages and a few thousand per batch.
// meta "layout" names this layout (keys::kLayout).
//   members     device key 32 -> Membership::encode()   (derived: core/trust.h deriveTrust)
//   acts        arrival u64 -> verdict text ("" = it took effect)   (changes that carry
//               certificates, revocations, settlements and encryption keys)
//   forks       (layouts 2-3 only: fork evidence, moved into changes on upgrade)
//   peers       neighbour address -> PeerState (storage/peers.cpp)
//
// Forks travel: a second change with the same author and number is stored
// like any other (in forklog), is exported, and satisfies prev, deps and
// parents look-ups, so it never blocks anyone's later changes. Which changes
// apply is re-derived (deriveTrust) whenever an act or a branch arrives.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/change.h"
#include "core/hlc.h"
#include "core/record.h"
#include "core/source.h"
#include "core/trust.h"
#include "storage/lmdb.h"

namespace renda::storage {

// The network a store belongs to.
struct NetworkInfo {
  NetworkId network;
  PublicKey root;          // county root public key
  std::string countyName;
};

// An author whose held changes branch (a fork).
struct ForkInfo {
  PublicKey author;
  uint64_t branchSeq = 0;          // the first number held twice
  std::vector<VersionEntry> tips;  // every branch's last change, by number then id
};

// What `renda status` shows.
struct StoreStatus {
  uint64_t changes = 0;
  uint64_t records = 0;
  uint64_t authors = 0;
  uint64_t members = 0;
  uint64_t notApplied = 0;  // record versions kept but not applied
  uint64_t conflicts = 0;   // records with a conflict to resolve
  std::vector<std::string> frozen;   // "key township: reason"
  std::vector<std::string> revoked;
  std::vector<std::string> notAdmitted;  // certified keys whose admission was refused
  std::vector<ForkInfo> forks;
  uint64_t mapBytes = 0;
  uint64_t fileBytes = 0;
  bool restored = false;
};

// What this node knows of a neighbour it syncs with (renda serve, renda
// sync), kept in `peers` by address: for `renda status` and the scheduler.
struct PeerState {
  std::string address;            // "HOST:PORT", or "beacon:KEYHEX" for one found on the LAN
  std::optional<PublicKey> node;  // its device key, once a session told it
  uint64_t lastContactMs = 0;     // the last session that completed
  uint64_t lastAttemptMs = 0;     // the last session tried
  std::string lastError;          // why the last attempt failed ("" = it did not)
  uint64_t sentTotal = 0, receivedTotal = 0;
  VersionVector summary;          // what it held, as far as this node knows
};

// What `renda verify` found.
struct VerifyReport {
  uint64_t changesChecked = 0;
  uint64_t signaturesChecked = 0;
  uint64_t recordsChecked = 0;
  std::vector<std::string> problems;  // empty = all good
};

// A field edit to author locally.
struct LocalEdit {
  OpKind op = OpKind::kCreate;
  RecordKind kind = RecordKind::kDeputy;  // create
  std::string scope;                      // create
  RecordId record;                        // update
  std::string action;                     // update: a life-cycle event, or "" to set fields
  std::vector<Field> fields;
  std::optional<Certificate> certificate;
  std::optional<Revocation> revocation;
  std::optional<Settlement> settlement;
  std::optional<BoxPublicKey> encryptionKey;  // kEncryptionKey: this node's X25519 key
  std::optional<BoxPublicKey> transportKey;   // kTransportKey: its key for sync sessions
  // Changes the new change must depend on besides what is new since this
  // node's last change: a revocation's pin, a settlement's kept head.
  std::vector<ChangeId> extraDeps;
};

struct StoreOptions {
  size_t initialMapBytes = size_t(16) << 30;  // address space (storage/lmdb.h)
  // Check every signature on ingest instead of one per contiguous author run.
  bool verifyEverySignature = false;
  // The id index (tables.h): byidnew moves into byid, idIndexSlice ids per
  // write transaction, while it holds at least idIndexMinMerge ids and a
  // quarter as many as byid. Other values than these are for tests.
  uint64_t idIndexMinMerge = 65536;
  uint64_t idIndexSlice = 65536;
};

class Store : public ChangeSource, public ChangeSink {
 public:
  // Opens or creates the store in `dir` (the LMDB files live there).
  static Result<std::unique_ptr<Store>> open(const std::string& dir, StoreOptions options = {});
  ~Store() override;

  // --- identity -----------------------------------------------------------
  // The network this store belongs to; NotFound before join/county init.
  Result<NetworkInfo> network();
  Status setNetwork(const NetworkInfo& info);
  // Forgets the network (only for undoing a join that failed part-way).
  Status clearNetwork();
  // The local device key this store authors with; NotFound before init.
  Result<PublicKey> deviceKey();
  // Records `key` as the device key and binds the store to its current files.
  Status setDeviceKey(const PublicKey& key);
  // True when the store's files are not the ones the device key was bound to
  // (the store was copied or restored), or the app found the store behind
  // what it had written (markRestored): a new device key must be minted before
  // anything is written, so one key never signs two changes with one number.
  bool restored() const { return restored_; }
  void markRestored() { restored_ = true; }
  // A random id of this store's binding to its device key, made anew at every
  // binding (setDeviceKey, rotateDeviceKey): what the app's restore marker,
  // kept outside the data folder, is keyed by.
  Result<std::string> storeId();
  // Hands over to a new device key in one write transaction: the old key
  // certifies `newKey` (`cert`, a succession certificate) as its next change,
  // the new key writes `announcements` (its encryption and transport keys),
  // and the store is bound to the new key. All or nothing; refused when the
  // certificate would not take effect. Returns the ids of the changes written.
  Result<std::vector<ChangeId>> rotateDeviceKey(const SecretKey& oldKey, const SecretKey& newKey,
                                                const Certificate& cert,
                                                const std::vector<LocalEdit>& announcements,
                                                uint64_t nowMs);
  // Membership of a key, if enrolled.
  Result<std::optional<Membership>> membership(const PublicKey& key);
  Result<std::vector<Membership>> members();

  // --- writing ------------------------------------------------------------
  // Authors one change with `key` at wall time nowMs, in one transaction with
  // the seq bump. Returns the new change's id (for a create: the record id).
  Result<ChangeId> author(const LocalEdit& edit, const SecretKey& key, uint64_t nowMs);
  // Authors every edit, in order, as consecutive changes of `key` in one write
  // transaction (one commit, one fsync): the same rules and checks as author(),
  // change by change, so a later edit may follow an earlier one of the batch.
  // All or nothing: when any edit fails, none is recorded and the error names it.
  // Returns the new changes' ids in the order of `edits`.
  Result<std::vector<ChangeId>> authorBatch(const std::vector<LocalEdit>& edits,
                                            const SecretKey& key, uint64_t nowMs);
  // ChangeSink: verify then apply a batch atomically.
  Result<IngestReport> ingest(const std::vector<std::string>& envelopes) override;
  // Same, with the wall clock used to flag far-future stamps.
  Result<IngestReport> ingestAt(const std::vector<std::string>& envelopes, uint64_t nowMs);
  // A long stream of changes (a bundle import), ingested in consecutive write
  // transactions with decoding and signature checks on a second thread.
  //
  // `produce` runs on that thread. It calls `emit` with consecutive chunks of
  // envelopes (a few thousand each), in order, moving them in; it stops and
  // passes the status on when emit returns non-ok (the import was stopped).
  // Chunks are checked as they come, as ingest() checks a batch, but against
  // the members known when the stream began plus those introduced earlier in
  // it; the calling thread applies them in order and commits every
  // `batchChanges` changes or `batchBytes` bytes, each batch atomically, then
  // calls `onCommit` with that batch's report and the stream's total so far.
  // On the first refused change, or when `produce` fails, the batch under way
  // is abandoned, the earlier ones are kept, and the status says why. Every
  // `releaseEvery` changes, bulk or not, it drops its mappings of store pages
  // (Env::releaseMappedPages), so that memory follows the batch, not the store.
  struct StreamOptions {
    size_t batchChanges = 8192;
    size_t batchBytes = size_t(8) << 20;
    uint64_t nowMs = 0;  // wall clock for far-future stamps; 0 flags nothing
    size_t queuedChunks = 2;  // checked chunks waiting for the calling thread
    // How long a batch's write transaction waits for the stream's next chunk
    // before it commits what it has (UINT64_MAX: until the batch is full; a
    // file never pauses for long).
    uint64_t maxWaitInBatchMs = UINT64_MAX;
    // Each page a change reads maps its neighbours too (the kernel's fault-
    // around, 16 pages), so what stays mapped between releases grows with
    // this: 256 changes map ~60 MB at a million changes, 128 half that.
    size_t releaseEvery = 256;
  };
  Result<IngestReport> ingestStream(const Producer& produce, const StreamOptions& options,
                                    const OnCommit& onCommit);
  // ChangeSink: ingestStream() with the default batches.
  Result<IngestReport> ingestChanges(const Producer& produce, const OnCommit& onCommit,
                                     uint64_t nowMs) override {
    StreamOptions o;
    o.nowMs = nowMs;
    // A sync session: the link may pause or break at any moment; commit what
    // arrived rather than hold the store's write lock waiting for more (other
    // sessions and the clerk's own edits wait on it), and so that a link that
    // drops every few seconds still moves things forward.
    o.maxWaitInBatchMs = 20;
    // As an import: every 128 changes cost a fifth of the 1M sync's speed
    // (20.97 s against 19.38 s) for 8 MB less at its peak (docs/performance.md).
    o.releaseEvery = 256;
    return ingestStream(produce, o, onCommit);
  }
  // Around an import of many batches (Env::setBulk): batches still commit one
  // by one, each atomically, with one flush of LMDB's meta page fewer each;
  // endBulk() flushes everything to disk and must be called before the import
  // is reported done. In between, ingest drops its mappings of store pages
  // after each batch so that memory follows the batch, not the store.
  Status beginBulk();
  Status endBulk();

  // --- reading ------------------------------------------------------------
  // One entry per author with its highest number; an author whose changes
  // branch (a fork) has one entry per branch tip.
  Result<VersionVector> versionVector() override;
  // Every held change `theirs` lacks, in an order where each comes after what
  // it depends on. What an author's tips in `theirs` do not say (a branch of
  // theirs this node lacks, when this node's own changes of that author go as
  // far), makes every change of that author not below a tip they hold go: a
  // few duplicates rather than a fork left behind. Costs what is missing plus
  // one look-up per author, not the size of the store.
  Status forEachMissing(const VersionVector& theirs,
                        const std::function<Status(std::string_view)>& fn) override;
  // What forEachMissing sends for `theirs`: the arrival numbers, in causal
  // order, and what the receiver is assumed to hold (by number and id: a
  // bundle's prerequisites). With recentOfAhead > 0 (bundles, which cannot
  // ask back), an author whose summary tip this node does not hold, numbered
  // above its own top, is taken to be ahead on the same chain, but its last
  // recentOfAhead changes here go along with anything else sent, and the one
  // before them is assumed: should the receiver be on another branch of that
  // author (a fork it has not seen), it gets what it needs, or the import is
  // refused up front. The last changes of the authors in `alwaysRecent` (the
  // sender's own key: a summary ahead on it means this folder was put back
  // from a backup, and what it signed since may be another branch) go even
  // when nothing else does, so the receiver learns of such a fork at once.
  struct MissingPlan {
    std::vector<uint64_t> arrivals;
    VersionVector assumed;
    struct Ahead {
      PublicKey author;
      uint64_t from = 0, to = 0;
    };
    std::vector<Ahead> aheadAuthors;
  };
  Result<MissingPlan> planMissing(const VersionVector& theirs, size_t recentOfAhead,
                                  const std::vector<PublicKey>& alwaysRecent = {});
  // Calls `fn` with each planned change's envelope, reading in short transactions.
  Status sendPlanned(const MissingPlan& plan, const std::function<Status(std::string_view)>& fn);
  Result<std::vector<PublicKey>> divergedFrom(const VersionVector& theirs) override;
  // Of `theirs`, the tips this node holds (by number and id): what a bundle
  // made for them may assume they hold.
  Result<VersionVector> heldTips(const VersionVector& theirs);
  // The forks held: for each author whose changes branch, every branch tip.
  Result<std::vector<ForkInfo>> forks();
  // What a node shows in a sync handshake (core/trust.h admitPeer): the
  // envelope of `key`'s applied announcement of `transportKey`, and of the
  // changes carrying certificates of `key` (by the root, or by its
  // predecessor as a change of its own), latest first, at most four.
  Result<std::string> transportAnnouncement(const PublicKey& key, const BoxPublicKey& transportKey);
  Result<std::vector<std::string>> admissionOf(const PublicKey& key);
  // The held changes of `author` numbered `seq` (more than one: a fork).
  Result<std::vector<ChangeId>> changesNumbered(const PublicKey& author, uint64_t seq);
  // Every held change of `author` numbered fromSeq or more: (number, id), by number.
  Result<std::vector<std::pair<uint64_t, ChangeId>>> changesOf(const PublicKey& author,
                                                               uint64_t fromSeq);
  Result<Record> record(const RecordId& id);
  // Records of one kind, visible ones only (with `withHidden`, also those no
  // applied change created: evidence only), in id order.
  Result<std::vector<Record>> list(RecordKind kind, bool withHidden = false);
  // Resolves a hex prefix (at least 4 digits) to a record id of `kind`.
  Result<RecordId> findRecord(RecordKind kind, const std::string& hexPrefix);
  // findRecord(), then record().
  Result<Record> recordByPrefix(RecordKind kind, const std::string& hexPrefix);
  // Every change touching a record, in arrival order, with its flags.
  struct LoggedChange {
    ChangeId id;
    Change change;
    bool signatureCheckedOnArrival = false;
    bool applied = false;
    bool signatureValid = false;  // checked now
    std::string refusal;          // why it was not applied, when it was not
  };
  Result<std::vector<LoggedChange>> history(const RecordId& id);
  // BLAKE2b-256 over every materialised record, in id order.
  Result<Hash> digest();
  Result<StoreStatus> status();
  // Checks every signature and chain and re-derives every record.
  Result<VerifyReport> verify();
  // Derives every membership, applied flag and record again from the changes
  // held, in one write transaction, as if every act had just arrived (after a
  // repair of the tables; layout upgrades do the same).
  Status rederive();
  // The last HLC stamp issued or observed.
  Result<uint64_t> clockHighWater();
  // Number of changes held.
  Result<uint64_t> changeCount();
  // Neighbours (storage/peers.cpp): one state per address, replaced whole.
  Status putPeerState(const PeerState& state);
  Result<std::optional<PeerState>> peerState(const std::string& address);
  Result<std::vector<PeerState>> peerStates();
  // How many changes this node holds that `theirs` lacks, counted by number
  // per author (fork evidence aside): what is waiting to go to that node.
  Result<uint64_t> pendingFor(const VersionVector& theirs);
  Env& env() { return env_; }

  // Table handles; internal to storage (see tables.h).
  struct Tables;

 private:
  Store(Env env, std::unique_ptr<Tables> tables, StoreOptions options);
  Status checkInstance();
  // The identity of the store's data file (device and inode).
  Result<std::string> instanceBinding();
  // Binds the store to `key` and the current data file, with a new store id.
  Status bindDevice(WriteTxn& txn, const PublicKey& key, const std::string& binding);
  // Counts the conflicted records and not-applied versions by reading every
  // record, and stores the tally (keys::kTally) for the next status().
  Result<std::pair<uint64_t, uint64_t>> countTally();
  // Layouts 2 and 3 to 4 (tables.h): fills `acts`, moves the old fork
  // evidence into `changes`, derives trust again. Called by open().
  Status upgrade();

  Env env_;
  std::unique_ptr<Tables> t_;
  StoreOptions options_;
  bool restored_ = false;
  bool bulk_ = false;
};

}  // namespace renda::storage
