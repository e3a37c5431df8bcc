// SPDX-License-Identifier: Apache-2.0
// Fuzz target bodies, shared by the libFuzzer entry points (fuzz_entry.cpp,
// built with RENDA_FUZZ) and the corpus replay test (every build). Each body
// decodes untrusted bytes and, for whatever it accepts, checks that the value
// survives a re-encode (or, for text, a format and a re-parse). A broken
// invariant throws InvariantViolation, which libFuzzer reports as a crash and
// Catch2 as a failure.
// REQUIRES: sodium_init() was called.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

#include "core/bytes.h"
#include "core/change.h"
#include "core/source.h"
#include "core/status.h"

namespace renda::fuzz {

enum class Outcome {
  kRejected,  // refused somewhere along the way (the usual case)
  kAccepted,  // got through every check: decode, signature, value checks
};

struct Target {
  const char* name;  // also the corpus folder: tests/fuzz/corpus/<name>/
  Outcome (*run)(const uint8_t* data, size_t size);
};

struct InvariantViolation : std::logic_error {
  using std::logic_error::logic_error;
};

// envelope: decodeEnvelope + verifyEnvelope + decodeChange (also on unsigned bodies)
// change: decodeChange of a bare body
// certificate: input = sig(64) || body; openCertificate and openRevocation
// record: decodeRecord and Membership::decode (our own stored bytes)
// sealed: checkSealedShape and openValue with fuzzBoxKey(), on the input as a
//   field value and, unless it already has the sealed prefix, on
//   kSealedPrefix || base64url(input), so mutations of the binary form reach
//   the recipient entries and the AEAD
// schedule: parseSchedule on the input as a station's receptionSchedule
//   value (at most kMaxFieldValueBytes, any bytes), then format -> parse, and
//   expandSchedule over six weeks checked rule by rule
std::span<const Target> targets();
const Target* findTarget(std::string_view name);

// The network id and county root key the targets verify against; the corpus
// generator signs with the matching secret keys (seeds of 32 x 0x4e / 0x01).
const NetworkId& fuzzNetwork();
const PublicKey& fuzzRootKey();

// The X25519 key the sealed target opens with (from a seed of 32 x 0x5e), and
// the record kind and field its values are sealed for.
const BoxSecretKey& fuzzBoxKey();
inline constexpr RecordKind kFuzzSealedKind = RecordKind::kConstituentIssue;
inline constexpr std::string_view kFuzzSealedField = "constituentName";

namespace detail {
// Throws InvariantViolation(what) unless ok.
void check(bool ok, const char* what);
// A refusal of untrusted bytes must be InvalidInput (the input's fault, never
// ours) and say why; a decoded summary must be sorted, numbers > 0.
void checkRefusal(const Status& s);
void checkSorted(const VersionVector& v);
// The text targets' bodies (text_targets.cpp).
Outcome runSealed(const uint8_t* data, size_t size);
Outcome runSchedule(const uint8_t* data, size_t size);
}  // namespace detail

}  // namespace renda::fuzz
