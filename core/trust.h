// SPDX-License-Identifier: Apache-2.0
// Who may write what. Trust is a pure function of the set of changes a node
// holds: deriveTrust() turns every held certificate, revocation, settlement and
// encryption-key announcement, and the shape of each author's changes (one
// chain, or branches after a fork), into one Membership per key. checkApplies()
// then says whether a change takes effect. Every node applies the same rules
// to the same set of changes, so nodes that hold the same changes agree on the
// members, their flags and which changes apply, whatever the arrival order.
//
// The rules (docs/design-notes.md, Trust):
// - The county root admits a key with a certificate; such root-signed acts
//   (certificates, revocations, settlements) take effect wherever they are
//   held, whoever carried them.
// - A key may certify one successor (a restored node's new key): never itself,
//   inside its own enrollment window, as a change of its own that is part of
//   its valid history. A second successor is misbehaviour: the key is frozen
//   from there. Revoking or freezing a key re-derives its successors.
// - An author's valid history is its *line*: from its first change, the one
//   change that follows, as long as only one does. Where two different changes
//   follow one (a fork), the line stops and the author is frozen; a
//   certificate of a successor that nothing follows does not count as a branch
//   (that is how a restored laptop hands over). The county settles a fork by
//   naming the branch head to keep; a revocation pins the last valid change.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/change.h"
#include "core/status.h"

namespace renda {

// Which of an author's changes are its valid history (see the file comment).
// A change numbered `seq` with id `id` is on the line when seq <= limitSeq and:
// seq < branchSeq (before any branch: one change per number); or
// seq <= maxBranchSeq + 1 and its id is in lineIds or sideIds; or
// seq > maxBranchSeq + 1 and aboveOnLine (the one chain above the branches
// continues the line).
struct AuthorLine {
  std::optional<uint64_t> limitSeq;   // none: no limit
  std::optional<uint64_t> branchSeq;  // lowest number held twice; none: one chain
  uint64_t maxBranchSeq = 0;          // highest number held twice
  std::vector<ChangeId> lineIds;      // the line's changes numbered branchSeq..maxBranchSeq+1
  std::vector<ChangeId> sideIds;      // successor certificates on a side branch of one change
  bool aboveOnLine = false;
  bool operator==(const AuthorLine&) const = default;
};

// Everything the network knows about one device key.
struct Membership {
  PublicKey subject;
  std::string township;  // "" for the county role
  Role role = Role::kTownship;
  std::string label;
  // Validity windows of the certificates that admit this key (renewals add one).
  std::vector<std::pair<uint64_t, uint64_t>> windowsMs;
  PublicKey issuer;      // the county root, or the predecessor that certified this key
  // Some certificate names this key (its changes are held), but it may not be
  // admitted: a successor whose certificate is not valid, say.
  bool certified = false;
  bool admitted = false;
  std::string admissionProblem;  // why not admitted, for people
  uint32_t generation = 0;       // 0: certified by the root; n: the n-th successor
  std::optional<PublicKey> successor;  // the key this one certified as its successor
  std::optional<uint64_t> revokedAfterSeq;  // changes with seq > this do not apply
  std::optional<ChangeId> revokedAtId;      // the last valid change the revocation pins
  std::string revocationReason;
  std::optional<uint64_t> frozenFromSeq;    // misbehaviour seen at this seq: nothing from here applies
  std::string frozenReason;
  std::optional<ChangeId> settledHead;      // the branch head the county kept
  AuthorLine line;
  // The key's current X25519 encryption key: the one announced by its latest
  // applied encryptionKey change (seq encryptionKeySeq); none before any.
  std::optional<BoxPublicKey> encryptionKey;
  uint64_t encryptionKeySeq = 0;
  // Its current X25519 key for sync sessions, announced the same way.
  std::optional<BoxPublicKey> transportKey;
  uint64_t transportKeySeq = 0;

  // Whether the change numbered `seq` with id `id` is part of the key's valid
  // history (AuthorLine), before any other rule.
  bool onLine(uint64_t seq, const ChangeId& id) const;
  // Whether the key may still receive sealed values: admitted, not revoked,
  // not frozen, and enrolled for a period that covers nowMs (both ends inclusive).
  bool activeAt(uint64_t nowMs) const;
  // Whether a period covers ms (both ends inclusive; until 0 = open-ended).
  bool coversMs(uint64_t ms) const;
  // Equal in everything that decides which of the key's changes apply (not its
  // encryption key or label).
  bool sameEffect(const Membership& other) const;
  bool operator==(const Membership&) const = default;

  // Encoding for the store: u8 format=3, then the fields above in order
  // (strings and lists length-prefixed, integers little-endian). Formats 1 and
  // 2 (before successions and lines) are still read.
  std::string encode() const;
  static Result<Membership> decode(crypto::Bytes bytes);
};

// One held certificate, revocation, settlement or encryption-key announcement,
// with the change that carries it. Signatures were checked when it arrived.
struct TrustAct {
  OpKind op = OpKind::kCertificate;
  PublicKey carrier;  // the author of the carrying change
  uint64_t carrierSeq = 0;
  ChangeId carrierId;
  uint64_t carrierHlc = 0;
  std::vector<ChangeId> carrierDeps;  // what the carrying change depends on
  std::optional<Certificate> certificate;
  std::optional<Revocation> revocation;
  std::optional<Settlement> settlement;
  std::optional<BoxPublicKey> encryptionKey;  // kEncryptionKey and kTransportKey
};
// The act a change carries (nullopt for a record change), its blob opened and
// its signature checked: a certificate against its issuer, a revocation or
// settlement against the county root. InvalidInput when the blob is malformed
// or its signature does not verify.
Result<std::optional<TrustAct>> openAct(const NetworkId& network, const PublicKey& root,
                                        const Change& change, const ChangeId& id);

// What the derivation needs of one author's held changes.
struct AuthorShape {
  uint64_t topSeq = 0;  // the highest number held
  // When two changes with one number are held (the author forked): the lowest
  // and highest such numbers, and every held change numbered branchSeq - 1 to
  // maxBranchSeq + 1 with its predecessor.
  std::optional<uint64_t> branchSeq;
  uint64_t maxBranchSeq = 0;
  struct Link {
    uint64_t seq = 0;
    ChangeId id;
    std::optional<ChangeId> prev;
  };
  std::vector<Link> region;
};

// Where a held change is: its author and number. nullopt when not held.
using ChangeLocator =
    std::function<std::optional<std::pair<PublicKey, uint64_t>>(const ChangeId&)>;

struct TrustInputs {
  PublicKey root;
  std::vector<TrustAct> acts;
  std::map<PublicKey, AuthorShape> authors;  // every author with changes held
  ChangeLocator locate;
};

struct TrustDerivation {
  std::map<PublicKey, Membership> members;
  // For every act (by its carrying change's id): whether it took effect, and
  // why not ("" = it did).
  std::map<ChangeId, std::string> verdicts;
};

// The memberships and act verdicts that the held changes imply. Pure and
// deterministic: the same inputs in any order give the same result.
TrustDerivation deriveTrust(const TrustInputs& inputs);

// Whether `change` (id `id`) by a member takes effect, for changes that are
// not trust acts (acts take their verdict from deriveTrust). `targetScope` is
// the township of the record an update edits (nullptr for creates and
// announcements). Refused with a reason a clerk can read otherwise; the change
// is then kept as evidence and never applied.
Status checkApplies(const Membership& m, const Change& change, const ChangeId& id,
                    const std::string* targetScope);

// Whether a peer that finished a sync handshake with the Noise static key
// `remoteStatic` may sync, and which device key it is. `announcement` is the
// envelope of its transportKey change (signed by its device key, naming
// `remoteStatic`); `admission`, envelopes of changes carrying certificates of
// it, for a node this one may not know yet (its certificate by the county
// root, or its predecessor's succession certificate). `lookup` gives this
// node's membership of a key. Refused, with a reason for the log, when the
// peer is revoked, not admitted, or unknown and not certified in `admission`.
using MemberOf = std::function<std::optional<Membership>(const PublicKey&)>;
Result<PublicKey> admitPeer(const NetworkId& network, const PublicKey& root,
                            const BoxPublicKey& remoteStatic, const std::string& announcement,
                            const std::vector<std::string>& admission, const MemberOf& lookup);

// Who a personal field of a record of `scope` is sealed to (design.md,
// Privacy): the current encryption keys of the active county-role members and
// of the active members of township `scope` ("" = a county record: the county
// only), as `members` (one node's trust state) knows them at nowMs.
struct SealRecipients {
  std::vector<BoxPublicKey> keys;  // sorted, no duplicates
  size_t countyKeys = 0;           // how many of them are the county office's
  size_t townshipKeys = 0;         // how many are township `scope`'s
};
SealRecipients sealRecipients(const std::vector<Membership>& members, const std::string& scope,
                              uint64_t nowMs);

}  // namespace renda
