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

  // Encoding for the store. Layout: u8 format=1 | subject 32 | issuer 32 | str township
  // | u8 role | str label | u32 n | {u64 from | u64 until}* | u8 hasRevoked | u64 cutoff
  // | str reason | u8 hasFrozen | u64 frozenFrom  (str = u32 len + bytes; little-endian)
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

}  // namespace renda
