// SPDX-License-Identifier: Apache-2.0
// The change: one signed, hash-chained edit. This file turns value types into
// canonical bytes and signed envelopes, and untrusted bytes back into value
// types, checking in the order design.md asks:
//   sizes -> (author known: the caller) -> signature -> parse with tight limits
//   on an aligned copy -> isCanonical() -> semantic ranges.
// Store-dependent rules (seq = last + 1, prev matches, deps held) are storage's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/status.h"

namespace renda {

enum class RecordKind : uint8_t {
  kDeputy = 0,
  kStation = 1,
  kSuggestion = 2,
  kDutyRecord = 3,
  kTerm = 4,
  kSession = 5,
  kTownship = 6,
  kDeputyGroup = 7,
  kHandlingUnit = 8,
  kSettings = 9,
  kReception = 10,
  kConstituentIssue = 11,
  kReportBack = 12,
  kRotaSlot = 13,
  kMandate = 14,
};
inline constexpr int kRecordKindCount = 15;
enum class Role : uint8_t { kTownship = 0, kCounty = 1 };
enum class OpKind : uint8_t {
  kCreate = 0,
  kUpdate = 1,
  kCertificate = 2,
  kRevocation = 3,
  kEncryptionKey = 4,  // the author announces its X25519 encryption key
  kSettlement = 5,     // the county root settles a fork: which branch is the author's history
  kTransportKey = 6,   // the author announces its X25519 key for sync sessions
};

// English code name of a kind ("deputy", "dutyRecord") and its CLI word ("duty").
const char* recordKindName(RecordKind kind);
std::optional<RecordKind> recordKindFromName(std::string_view name);
const char* roleName(Role role);

struct Field {
  std::string name;
  std::string value;
  bool operator==(const Field&) const = default;
};

// A membership certificate (issuer = county root key, or a predecessor device
// key certifying its successor). `body` holds the exact signed bytes.
struct Certificate {
  PublicKey subject;
  PublicKey issuer;
  std::string township;
  Role role = Role::kTownship;
  uint64_t validFromMs = 0;
  uint64_t validUntilMs = 0;  // 0 = open-ended
  std::string label;
  std::string body;  // canonical bytes that `sig` covers
  Signature sig;
};

// A revocation pins the subject's last valid change: number cutoffSeq with id
// cutoffId (none when cutoffSeq is 0, or in a revocation made before pins).
struct Revocation {
  PublicKey subject;
  uint64_t cutoffSeq = 0;
  std::optional<ChangeId> cutoffId;
  std::string reason;
  std::string body;
  Signature sig;
};

// A fork settled by the county root: the branch through `keep` is the
// subject's history.
struct Settlement {
  PublicKey subject;
  ChangeId keep;
  uint64_t keepSeq = 0;
  std::string reason;
  std::string body;
  Signature sig;
};

struct Change {
  uint16_t suite = crypto::kSuiteEd25519Blake2b;
  NetworkId network;
  PublicKey author;
  uint64_t seq = 0;
  std::optional<ChangeId> prev;  // none exactly when seq == 1
  // BLAKE2b-256 of the previous change's signature. When present, a change whose
  // own signature checks out vouches for its predecessor's signature bytes too,
  // so ingest may skip checking the predecessor's signature (design.md, Sync).
  std::optional<Hash> prevSig;
  std::vector<ChangeId> deps;
  uint64_t hlc = 0;
  OpKind op = OpKind::kCreate;
  // kCreate
  RecordKind kind = RecordKind::kDeputy;
  std::string scope;  // township name; "" = county
  // kCreate and kUpdate
  std::vector<Field> fields;
  // kUpdate
  RecordId record;
  std::vector<ChangeId> parents;
  std::string action;  // "" = set fields; else a life-cycle event (see core/domain)
  // kCertificate / kRevocation
  std::optional<Certificate> certificate;
  std::optional<Revocation> revocation;
  std::optional<Settlement> settlement;
  // kEncryptionKey: the author's X25519 public key
  std::optional<BoxPublicKey> encryptionKey;
  // kTransportKey: the author's X25519 static key for Noise sessions
  std::optional<BoxPublicKey> transportKey;
};

// Canonical single-segment bytes of `change` (no segment table).
// REQUIRES: the change passes validateChangeShape().
std::string encodeChange(const Change& change);

// Shape rules that need no store: lengths, counts, names, seq/prev agreement,
// and personal fields (core/domain/privacy.h) holding only sealed values.
Status validateChangeShape(const Change& change);

// A decoded envelope whose signature is not yet checked.
struct Envelope {
  uint16_t suite = 0;
  PublicKey signer;
  Signature sig;
  std::string body;
};

// Envelope bytes (a flat single-segment Cap'n Proto message with segment table).
std::string encodeEnvelope(const Envelope& envelope);
// Signs `body` (a canonical change) with `key` and returns the envelope bytes.
std::string signChange(const NetworkId& network, const std::string& body, const SecretKey& key);

// Parses envelope bytes: size caps, aligned copy, tight limits, field sizes.
// InvalidInput with a reason on any defect, including bytes that differ from
// what encodeEnvelope() writes for the decoded value. Does not check the signature.
Result<Envelope> decodeEnvelope(crypto::Bytes bytes);
// True when envelope.sig is the signer's signature over the change context.
bool verifyEnvelope(const NetworkId& network, const Envelope& envelope);
// Parses a canonical change body: tight limits, isCanonical(), enum/union ranges,
// then validateChangeShape(). InvalidInput with a reason otherwise.
Result<Change> decodeChange(crypto::Bytes body);

// Certificates and revocations: build-and-sign, and decode-and-verify.
Certificate makeCertificate(const NetworkId& network, const PublicKey& subject,
                            const SecretKey& issuerKey, std::string township, Role role,
                            uint64_t validFromMs, uint64_t validUntilMs, std::string label);
// `cutoffId` is the id of the subject's change cutoffSeq (none only for 0).
Revocation makeRevocation(const NetworkId& network, const PublicKey& subject, uint64_t cutoffSeq,
                          std::optional<ChangeId> cutoffId, std::string reason,
                          const SecretKey& rootKey);
Settlement makeSettlement(const NetworkId& network, const PublicKey& subject, const ChangeId& keep,
                          uint64_t keepSeq, std::string reason, const SecretKey& rootKey);
// Decode a signed certificate body and check the issuer's signature.
Result<Certificate> openCertificate(const NetworkId& network, crypto::Bytes body,
                                    const Signature& sig);
Result<Revocation> openRevocation(const NetworkId& network, crypto::Bytes body,
                                  const Signature& sig, const PublicKey& rootKey);
Result<Settlement> openSettlement(const NetworkId& network, crypto::Bytes body,
                                  const Signature& sig, const PublicKey& rootKey);

// Copies untrusted bytes into an 8-byte-aligned word buffer (Cap'n Proto 0.9.2
// refuses unaligned segments). Returns nullopt when the size is not a multiple of 8.
std::optional<std::vector<uint64_t>> alignedWords(crypto::Bytes bytes);

}  // namespace renda
