// SPDX-License-Identifier: Apache-2.0
#include "app/bundles.h"

#include <algorithm>
#include <cstdio>

namespace renda::app {

Result<ExportResult> exportBundle(Node& node, const VersionVector& theirs,
                                  const std::string& path) {
  auto net = node.store().network();
  if (!net) return net.status();
  auto key = node.deviceKey();
  if (!key) return key.status();
  auto mine = node.store().versionVector();
  if (!mine) return mine.status();
  net::BundleHeader header;
  header.network = net->network;
  header.producer = (*key)->publicKey();
  header.createdMs = Node::nowMs();
  header.countyName = net->countyName;
  header.rootKey = net->root;
  // Prerequisites: what the bundle assumes the receiver holds, i.e. their
  // summary, capped at what this node itself holds.
  for (const auto& e : theirs) {
    auto it = std::lower_bound(mine->begin(), mine->end(), e.author,
                               [](const VersionEntry& x, const PublicKey& a) { return x.author < a; });
    if (it == mine->end() || it->author != e.author) continue;
    header.prerequisites.push_back(it->seq <= e.seq ? *it : e);
  }
  auto writer = net::BundleWriter::create(path, header, **key);
  if (!writer) return writer.status();
  RENDA_TRY(node.store().forEachMissing(
      theirs, [&](std::string_view env) { return (*writer)->addChange(env); }));
  RENDA_TRY((*writer)->finish());
  return ExportResult{(*writer)->changeCount(), (*writer)->bytesWritten()};
}

namespace {

// One batch = one write transaction. Larger batches rewrite the pages of the
// id index (keyed by hash, so scattered) fewer times: at a million changes,
// 16,384 per batch took 30 s where 4,096 took 54 s. The byte bound keeps a
// batch of unusually large changes from holding much memory
// (docs/performance.md).
constexpr size_t kImportBatchChanges = 16384;
constexpr size_t kImportBatchBytes = 16 << 20;

}  // namespace

Result<ImportResult> importBundle(Node& node, const std::string& path, bool progress) {
  auto net = node.store().network();
  if (!net) return net.status();
  ImportResult out;
  auto info = net::checkBundle(path, &net->network);
  if (!info) return info.status();
  out.info = *info;
  auto mine = node.store().versionVector();
  if (!mine) return mine.status();
  for (const auto& p : info->header.prerequisites) {
    auto it = std::lower_bound(mine->begin(), mine->end(), p.author,
                               [](const VersionEntry& x, const PublicKey& a) { return x.author < a; });
    if (it == mine->end() || it->author != p.author || it->seq < p.seq)
      return Status::refused(
          path + " was made for a node that already holds changes this node lacks (from node " +
          shortKey(p.author) + "). Ask for a bundle made for this node's summary "
          "(renda summary -o FILE), or a full one (renda bundle export -o FILE)");
  }
  uint64_t done = 0;
  uint64_t now = Node::nowMs();
  bool showProgress = progress && info->changeCount >= 20000;
  // Many batches: defer LMDB's meta flushes and flush once at the end, before
  // anything is reported as imported (Store::beginBulk).
  bool bulk = info->changeCount > kImportBatchChanges;
  if (bulk) RENDA_TRY(node.store().beginBulk());
  Status s = net::readBundle(path, kImportBatchChanges, kImportBatchBytes,
                             [&](const std::vector<std::string>& batch) {
    auto r = node.store().ingestAt(batch, now);
    if (!r) {
      if (done > 0)
        return Status::error(r.status().code(),
                             r.status().message() + " (the first " + std::to_string(done) +
                                 " changes of the file were imported and are kept)");
      return r.status();
    }
    out.report.received += r->received;
    out.report.added += r->added;
    out.report.duplicates += r->duplicates;
    out.report.notApplied += r->notApplied;
    out.report.forks += r->forks;
    for (auto& n : r->notes)
      if (out.report.notes.size() < 50) out.report.notes.push_back(std::move(n));
    done += batch.size();
    ++out.batches;
    if (showProgress)
      std::fprintf(stderr, "\rimporting: %llu of %llu changes (%d%%)",
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(info->changeCount),
                   static_cast<int>(done * 100 / info->changeCount));
    return Status::ok();
  });
  if (showProgress) std::fprintf(stderr, "\n");
  if (bulk) {
    Status flushed = node.store().endBulk();
    if (s) s = flushed;
  }
  if (!s) return s;
  return out;
}

}  // namespace renda::app
