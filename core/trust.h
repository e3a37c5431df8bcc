// SPDX-License-Identifier: Apache-2.0
// Who may write what. Pure rules over a node key's membership (its county-signed
// certificates, any revocation, any fork) and a change. Every node applies the
// same rules to the same data, so they agree on which changes take effect.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/change.h"
#include "core/status.h"

namespace renda {

// Everything the network knows about one device key.
struct Membership {
  PublicKey subject;
  std::string township;  // "" for the county role
  Role role = Role::kTownship;
  std::string label;
  // Validity windows of every certificate held for this key (renewals add one).
  std::vector<std::pair<uint64_t, uint64_t>> windowsMs;
  std::optional<uint64_t> revokedAfterSeq;  // changes with seq > this do not apply
  std::string revocationReason;
  std::optional<uint64_t> frozenFromSeq;    // a fork was seen at this seq
  PublicKey issuer;                         // root, or the predecessor device key
  // The key's current X25519 encryption key: the one announced by its latest
  // applied encryptionKey change (seq encryptionKeySeq); none before any.
  std::optional<BoxPublicKey> encryptionKey;
  uint64_t encryptionKeySeq = 0;

  // Whether the key may still receive sealed values: not revoked, not frozen,
  // and enrolled for a period that covers nowMs.
  bool activeAt(uint64_t nowMs) const;

  // Encoding for the store. Layout: u8 format=2 | subject 32 | issuer 32 | str township
  // | u8 role | str label | u32 n | {u64 from | u64 until}* | u8 hasRevoked | u64 cutoff
  // | str reason | u8 hasFrozen | u64 frozenFrom | u8 hasEncryptionKey | key 32
  // | u64 encryptionKeySeq  (str = u32 len + bytes; little-endian). Format 1 (no
  // encryption key fields) is still read.
  std::string encode() const;
  static Result<Membership> decode(crypto::Bytes bytes);
};

// Adds a verified certificate to a membership (or starts one when `m` is empty).
// Refused when the certificate would move the key to another township or role,
// or when a succession certificate's issuer is not itself a member.
// `issuerMembership` is the issuer's membership when the issuer is not the root.
Status addCertificate(std::optional<Membership>& m, const Certificate& cert,
                      const PublicKey& rootKey, const Membership* issuerMembership);

// Whether `change` by a member takes effect. `targetScope` is the township of
// the record an update edits (nullptr for creates, certificates, revocations).
// Refused with a reason a clerk can read otherwise; the change is then kept as
// evidence and never applied.
Status checkApplies(const Membership& m, const Change& change, const std::string* targetScope);

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
