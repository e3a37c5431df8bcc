// SPDX-License-Identifier: Apache-2.0
#include "app/web/ops_state.h"

#include <filesystem>
#include <algorithm>
#include <cstdio>
#include <random>

#include "app/output/dataset.h"

namespace renda::app {

namespace {

// Sorted the latest entered or changed first; equal times keep their order.
void newestFirst(std::vector<const Record*>& list) {
  std::vector<std::pair<uint64_t, const Record*>> keyed;
  keyed.reserve(list.size());
  for (const Record* r : list) keyed.emplace_back(r->updatedHlc(), r);
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < keyed.size(); ++i) list[i] = keyed[i].second;
}

Result<std::shared_ptr<const StoreData>> loadStoreData(storage::Store& store) {
  auto d = std::make_shared<StoreData>();
  std::vector<Record> suggestions;
  auto data = loadDataset(store, &suggestions);
  if (!data) return data.status();
  d->data = std::move(*data);
  for (RecordKind kind : {RecordKind::kSettings, RecordKind::kDeputyGroup, RecordKind::kRotaSlot}) {
    auto rs = store.list(kind);
    if (!rs) return rs.status();
    for (auto& r : *rs) d->others.push_back(std::move(r));
  }
  for (auto& r : suggestions) d->others.push_back(std::move(r));
  const domain::Dataset& ds = d->data;
  for (const std::vector<Record>* list :
       {&ds.deputies, &ds.dutyRecords, &ds.receptions, &ds.issues, &ds.reportBacks, &ds.units,
        &ds.townships, &ds.sessions, &ds.terms, &ds.stations, &ds.mandates,
        static_cast<const std::vector<Record>*>(&d->others)})
    for (const auto& r : *list) d->byKind[static_cast<size_t>(r.kind)].push_back(&r);
  for (auto& list : d->byKind) newestFirst(list);
  for (const auto& v : ds.suggestions) d->views[v.id] = &v;
  for (const auto& list : d->byKind)
    for (const Record* r : list) {
      bool waits = r->hasConflicts();
      for (const auto& v : r->versions) waits = waits || !v.applied;
      if (const domain::SuggestionView* v = d->view(r->id))
        for (const auto& e : v->events) waits = waits || !e.applied;
      if (waits) d->attention.push_back(r);
    }
  return std::shared_ptr<const StoreData>(std::move(d));
}

}  // namespace

Status DatasetCache::refresh(storage::Store& store) {
  auto count = store.changeCount();
  if (!count) return count.status();
  if (known_ && *count == changes_) return Status::ok();
  data_.reset();
  for (auto& k : kinds_) k.reset();
  changes_ = *count;
  known_ = true;
  return Status::ok();
}

Result<std::shared_ptr<const StoreData>> DatasetCache::load(storage::Store& store) {
  if (Status s = refresh(store); !s) return s;
  if (data_) return data_;
  auto data = loadStoreData(store);
  if (!data) return data.status();
  data_ = std::move(*data);
  return data_;
}

Result<std::shared_ptr<const domain::Dataset>> DatasetCache::get(storage::Store& store) {
  auto d = load(store);
  if (!d) return d.status();
  return std::shared_ptr<const domain::Dataset>(*d, &(*d)->data);
}

Result<std::shared_ptr<const KindRecords>> DatasetCache::records(storage::Store& store,
                                                                 RecordKind kind) {
  if (Status s = refresh(store); !s) return s;
  auto& slot = kinds_[static_cast<size_t>(kind)];
  if (slot) return slot;
  auto k = std::make_shared<KindRecords>();
  if (data_) {
    k->data = data_;
    k->records = data_->records(kind);
  } else {
    auto rs = store.list(kind);
    if (!rs) return rs.status();
    k->own = std::move(*rs);
    for (const auto& r : k->own) k->records.push_back(&r);
    newestFirst(k->records);
  }
  slot = std::move(k);
  return slot;
}

std::string webTempPath(const std::string& dir, const std::string& kind,
                        const std::string& suffix) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return dir + "/.web-" + kind + "-" + buf + suffix;
}

size_t removeWebTempFiles(const std::string& dir) {
  size_t removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(".web-", 0) == 0 && e.is_regular_file(ec) && std::filesystem::remove(e.path(), ec))
      ++removed;
  }
  return removed;
}

OpsState::~OpsState() {
  stopping = true;
  for (auto& t : workers)
    if (t.joinable()) t.join();
}

}  // namespace renda::app
