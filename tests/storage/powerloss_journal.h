// SPDX-License-Identifier: Apache-2.0
// The journal that the power-loss shim (powerloss_shim.cpp) writes and the
// power-loss test (powerloss_test.cpp) reads: one record per file operation
// of the traced process, in the order the operations completed.
//
// Record layout (host byte order; one record per write(2) to the journal):
//   u8  kind     'W' write, 'S' sync (fsync, fdatasync, msync MS_SYNC),
//                'T' truncate, 'M' mark (a write to the ack descriptor),
//                'X' a shared writable mapping of the file (writes through it
//                    would be invisible to the shim)
//   u8  file     kData, kLock or kMarks
//   u8  flags    kSyncWrite: the descriptor was opened with O_DSYNC or O_SYNC
//   u8  pad[5]
//   u64 offset   file offset ('W'); new length ('T')
//   u64 bytes    length of the data that follows ('W', 'M')
//   data
#pragma once

#include <cstdint>

namespace renda::test::powerloss {

// Environment variables the shim reads at start-up.
inline constexpr const char* kJournalVar = "RENDA_POWERLOSS_JOURNAL";  // journal path
inline constexpr const char* kMarkFdVar = "RENDA_POWERLOSS_MARK_FD";   // ack descriptor

enum File : uint8_t { kData = 0, kLock = 1, kMarks = 2 };
inline constexpr uint8_t kSyncWrite = 1;

struct RecordHeader {
  uint8_t kind;
  uint8_t file;
  uint8_t flags;
  uint8_t pad[5];
  uint64_t offset;
  uint64_t bytes;
};
static_assert(sizeof(RecordHeader) == 24);

}  // namespace renda::test::powerloss
