// SPDX-License-Identifier: Apache-2.0
// Sealed field values: a personal field's value encrypted inside the change to
// the X25519 encryption keys of the nodes that may read it (design.md §Privacy).
// A sealed value is an ordinary text value, so merge, storage and sync handle
// it as bytes like any other; only a recipient can turn it back into text.
//
// Text form: "renda-sealed:v1:" || base64url (no padding) of
//   u8 version = 1 | u8 n (1..kMaxSealedRecipients)
//   | n x { key hint 8 (first 8 bytes of the recipient's X25519 public key)
//         | crypto_box_seal(value key 32) 80 }
//   | nonce 24 | XChaCha20-Poly1305-IETF(clear value) (length + 16)
// with a fresh random 32-byte value key per sealed value. The AEAD's associated
// data is "renda/sealed/v1\0" || record kind name || "\0" || field name || "\0"
// || every byte before the nonce, so a value moved to another field or kind,
// or any altered byte (recipient list included), fails to open.
// REQUIRES: sodium_init() was called.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"

namespace renda {

enum class RecordKind : uint8_t;

inline constexpr std::string_view kSealedPrefix = "renda-sealed:v1:";
inline constexpr size_t kMaxSealedRecipients = 16;
// Longest clear value that may be sealed (names, phones, addresses, ID numbers).
inline constexpr size_t kMaxSealedClearBytes = 2048;

// True when `value` has the sealed prefix (says nothing about its validity).
bool looksSealed(std::string_view value);

// Structural check of a sealed value (prefix, base64, version, recipient
// count, sizes), without any key. InvalidInput with a reason otherwise.
Status checkSealedShape(std::string_view value);

// Seals `clear` for a field of a record kind to `recipients` (duplicates are
// sealed once). InvalidInput when there is no recipient, more than
// kMaxSealedRecipients, or the clear value is longer than kMaxSealedClearBytes.
Result<std::string> sealValue(std::string_view clear, RecordKind kind, std::string_view field,
                              const std::vector<BoxPublicKey>& recipients);

// Opens a sealed value with one of this node's keys. NotFound when the value
// was not sealed to `key`; InvalidInput when it is damaged, was altered, or
// belongs to another field or record kind.
Result<std::string> openValue(std::string_view sealed, RecordKind kind, std::string_view field,
                              const BoxSecretKey& key);

}  // namespace renda
