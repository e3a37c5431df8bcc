// SPDX-License-Identifier: Apache-2.0
// Restores and key hand-overs. One device key must never sign two different
// changes with one number, yet a data folder gets restored from backups:
// copied back over itself (the inode stays), rsync'ed, rolled back with a
// filesystem or VM snapshot, or restored whole with the key files in it.
//
// - The store notices a copy: it is bound to the identity of its data file.
// - The *restore marker* notices a roll-back the data file cannot show: a
//   per-user state file, outside every data folder, that names each store
//   (by its store id) with its device key and the number and id of the last
//   change it wrote. A store behind its marker was rolled back.
// - Either way, before the next write the node hands over to a new key, which
//   its old key certifies as its one successor (core/trust.h): no number of
//   the old key is ever signed again. Should the old key have gone further
//   before the restore, the hand-over sits beside those changes and does not
//   count as a fork.
// - A node that takes its own later changes back (a bundle or a sync from a
//   node that has them) before writing is no longer behind, and goes on with
//   its key from there.
//
// A hand-over is crash-safe: the new key files are written beside the old
// ones under temporary names, the certificate and the store's binding to the
// new key commit in one LMDB transaction, and only then are the files
// renamed; a run that finds temporary files finishes or discards the
// hand-over before anything else.
#pragma once

#include <optional>
#include <string>

#include "app/node/node.h"

namespace renda::app {

// One store as the marker remembers it.
struct MarkerEntry {
  std::string storeId;  // Store::storeId(), in hex
  PublicKey key;        // the device key it writes with
  uint64_t seq = 0;     // the number of its last change
  ChangeId id;          // and that change's id
};

// The marker file: $RENDA_STATE_DIR/restore-marker, else
// $XDG_STATE_HOME/renda/restore-marker, else ~/.local/state/renda/restore-marker.
// Lines "storeId key seq id" in hex and decimal.
std::string markerPath();
Result<std::optional<MarkerEntry>> findMarker(const std::string& storeId);
// Records `e` (replacing the store's earlier line), durably, under a lock.
Status recordMarker(const MarkerEntry& e);

// Before anything else on a node: finishes or discards a hand-over that a
// crash interrupted, then compares the store with its marker and marks it
// restored when it is behind (Store::markRestored). Returns a sentence for
// people when the store was found rolled back ("" otherwise).
Result<std::string> checkRestore(Node& node);

// Hands over to a new device key now (the old key certifies it; see above).
// `why` is printed to stderr as the reason. Refused, with what to do
// instead, when the old key already has a successor.
Status handOver(Node& node, const std::string& why);

// What to do when this computer's key can write no more, for messages:
// "the county office must enroll this computer again: ...".
std::string enrollAgainHint();

// After a successful local write: the marker learns the store's new last change.
Status noteWritten(Node& node);

}  // namespace renda::app
