// SPDX-License-Identifier: Apache-2.0
#include "app/node/bundles.h"

#include <algorithm>
#include <cstdio>

#include "app/i18n/strings.h"
#include "storage/lmdb.h"

namespace renda::app {

namespace {

// How many of its own last changes of an author a bundle takes along when the
// summary it is made for seems ahead on that author (Store::planMissing).
constexpr size_t kRecentOfAhead = 8;

}  // namespace

Result<ExportResult> exportBundle(Node& node, const VersionVector& theirs,
                                  const std::string& path, const NetworkSecret* networkSecret) {
  auto net = node.store().network();
  if (!net) return net.status();
  auto key = node.deviceKey();
  if (!key) return key.status();
  net::BundleHeader header;
  header.network = net->network;
  header.producer = (*key)->publicKey();
  header.createdMs = Node::nowMs();
  header.countyName = net->countyName;
  header.rootKey = net->root;
  if (networkSecret) header.networkSecret = *networkSecret;
  // What goes, and what the bundle assumes the receiver holds (by number and
  // id, so a node on another branch of a fork is not taken for one that holds
  // this one): Store::planMissing.
  // A summary ahead on this node's own key means this folder was put back
  // from a backup: its own last changes go even when nothing else does, so
  // that a branch it signed since reaches the other node (as a fork).
  auto plan = node.store().planMissing(theirs, theirs.empty() ? 0 : kRecentOfAhead,
                                       {(*key)->publicKey()});
  if (!plan) return plan.status();
  header.prerequisites = plan->assumed;
  auto writer = net::BundleWriter::create(path, header, **key);
  if (!writer) return writer.status();
  RENDA_TRY(node.store().sendPlanned(
      *plan, [&](std::string_view env) { return (*writer)->addChange(env); }));
  RENDA_TRY((*writer)->finish());
  return ExportResult{(*writer)->changeCount(), (*writer)->bytesWritten()};
}

Result<ImportResult> importBundle(Node& node, const std::string& path, bool progress,
                                  const ImportOptions& options) {
  auto net = node.store().network();
  if (!net) return net.status();
  ImportResult out;
  auto info = net::checkBundle(path, &net->network);
  if (!info) return info.status();
  out.info = *info;
  auto held = node.store().heldTips(info->header.prerequisites);
  if (!held) return held.status();
  for (const auto& p : info->header.prerequisites)
    if (std::find(held->begin(), held->end(), p) == held->end())
      return Status::refused(i18n::trf("node.bundle-gap",
                                       {path, shortKey(p.author), std::to_string(p.seq)}));
  uint64_t done = 0;
  if (options.onProgress) options.onProgress(0, info->changeCount);
  bool showProgress = progress && info->changeCount >= 20000;
  // Many batches: defer LMDB's meta flushes and flush once at the end, before
  // anything is reported as imported (Store::beginBulk).
  bool bulk = info->changeCount > options.batchChanges;
  if (bulk) RENDA_TRY(node.store().beginBulk());
  storage::Store::StreamOptions stream;
  stream.batchChanges = options.batchChanges;
  stream.batchBytes = options.batchBytes;
  stream.nowMs = Node::nowMs();
  auto r = node.store().ingestStream(
      [&](const storage::Store::Emit& emit) {
        return net::readBundle(path, options.chunkChanges, options.chunkBytes,
                               [&](std::vector<std::string>& chunk) {
                                 if (options.stop && options.stop->load())
                                   return Status::error(Code::kDisconnected, "the import was stopped (renda serve is stopping)");
                                 return emit(std::move(chunk));
                               });
      },
      stream,
      [&](const IngestReport&, uint64_t committed) {
        done = committed;
        ++out.batches;
        if (options.onProgress) options.onProgress(done, info->changeCount);
        if (showProgress)
          std::fprintf(stderr, "\rimporting: %llu of %llu changes (%d%%)",
                       static_cast<unsigned long long>(done),
                       static_cast<unsigned long long>(info->changeCount),
                       static_cast<int>(done * 100 / info->changeCount));
      });
  if (showProgress) std::fprintf(stderr, "\n");
  Status s = r ? Status::ok() : r.status();
  if (!s && storage::isDiskFull(s)) {
    // A store takes about three times a bundle's bytes (docs/performance.md:
    // 716 MB of bundle made a 1.9 GB store).
    auto mb = [](double bytes) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
      return std::string(buf);
    };
    double bytes = double(info->fileBytes);
    s = Status::error(s.code(), s.message() + ". " +
                                    (done ? std::string() : "Nothing of " + path + " was imported; ") +
                                    path + " is " + mb(bytes) + " and the store needs about " +
                                    mb(std::max(1e6, 3 * bytes)) + " free to take it in");
  }
  if (!s && done > 0)
    s = Status::error(s.code(), s.message() + " (the first " + std::to_string(done) +
                                    " changes of the file were imported and are kept; the "
                                    "next import of it adds the rest)");
  if (bulk) {
    Status flushed = node.store().endBulk();
    if (s) s = flushed;
  }
  if (!s) return s;
  out.report = std::move(*r);
  return out;
}

}  // namespace renda::app
