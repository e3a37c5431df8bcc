// SPDX-License-Identifier: Apache-2.0
// The fuzz targets of the file formats in net/files.h (what `renda summary`
// and `renda bundle export` write and a USB stick carries), in the table of
// fuzz_targets.h.
//
// summaryfile: decodeSummary on the input as a whole summary file, for the
//   fuzz network and for any network. Accepted: it decoded; then its entries
//   are sorted with numbers > 0 and it re-encodes to the same bytes.
// bundle: the input as a whole bundle file (through a memfd, as the importer
//   reads a path): checkBundle for the fuzz network and for any network (as
//   `renda join` does), and for what it accepts, readBundle must yield
//   exactly the change count the trailer signed. Accepted: checkBundle took
//   it. Header decoding runs before any signature check, so mutations of the
//   header reach it; the content hash and trailer signature stop the rest.
// Refusals must be InvalidInput with a reason (the file is the user's, not
// our fault), except the I/O of the memfd itself.
// REQUIRES: sodium_init() was called.
#pragma once

#include <span>

#include "core/bytes.h"
#include "tests/fuzz/fuzz_targets.h"

namespace renda::fuzz {

std::span<const Target> fileTargets();

// The key the bundle seeds are signed with (seed 32 x 0x6b).
const SecretKey& bundleFuzzProducer();

}  // namespace renda::fuzz
