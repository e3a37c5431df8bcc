// SPDX-License-Identifier: Apache-2.0
// The fuzz targets of the sync protocol's decoders (net/wire.h, net/frames.h),
// in the table of fuzz_targets.h. A rejected input must come back as
// InvalidInput with a reason; an accepted one must keep within the protocol's
// limits and survive a re-encode (decode(encode(x)) == x).
//
// sync: decodeSyncMessage on the input (one reassembled message), every kind,
//   zstd batches included; accepted batches are re-encoded with and without
//   compression.
// handshake: decodeHandshakePayload on the input.
// frames: the channel's receiving side on a byte stream, without the
//   cryptography (the noise target fuzzes transport decryption):
//     u8 limit | frame*     frame = u16 BE length | transport plaintext
//   limit 0: limits::kMaxSyncMessageBytes; else limit x 64 bytes, so that
//   inputs of fuzzing size reach the over-limit path. Each frame goes to a
//   MessageAssembler; a frame cut by the end of input is left waiting, as
//   the channel would. Each message must be the concatenation of its
//   fragments and reassemble the same from nextFragment()'s plaintexts.
// Accepted: sync and handshake decode; frames yields a message and no error.
#pragma once

#include <span>

#include "tests/fuzz/fuzz_targets.h"

namespace renda::fuzz {

std::span<const Target> wireTargets();

}  // namespace renda::fuzz
