// SPDX-License-Identifier: Apache-2.0
// Fuzz target bodies, shared by the libFuzzer entry points (fuzz_entry.cpp,
// built with RENDA_FUZZ) and the corpus replay test (every build). Each body
// decodes untrusted bytes and, for whatever it accepts, checks that the value
// survives a re-encode. A broken invariant throws InvariantViolation, which
// libFuzzer reports as a crash and Catch2 as a failure.
// REQUIRES: sodium_init() was called.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

#include "core/bytes.h"

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
std::span<const Target> targets();
const Target* findTarget(std::string_view name);

// The network id and county root key the targets verify against; the corpus
// generator signs with the matching secret keys (seeds of 32 x 0x4e / 0x01).
const NetworkId& fuzzNetwork();
const PublicKey& fuzzRootKey();

}  // namespace renda::fuzz
