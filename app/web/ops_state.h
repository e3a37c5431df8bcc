// SPDX-License-Identifier: Apache-2.0
// What the web API's longer operations share between requests: the jobs
// (app/web/jobs.h), the threads that run bundle imports off the event loop,
// renda serve's scheduler, and the store's records, loaded once per state of
// the store so that the lists, the dashboard and the reports answer fast.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "app/web/jobs.h"
#include "app/web/serve_control.h"
#include "core/domain/reports.h"
#include "storage/store.h"

namespace renda::app {

// The store's records as the web API reads them, all loaded at once: the
// report data (loadDataset) and, for the lists, every record of each kind.
struct StoreData {
  domain::Dataset data;
  // The kinds the report data does not keep as records (suggestions are
  // kept there folded): settings, deputy groups, rota slots, suggestions.
  std::vector<Record> others;
  // Every record of a kind, the latest entered or changed first.
  std::array<std::vector<const Record*>, kRecordKindCount> byKind;
  // A suggestion's folded view by its record id.
  std::map<RecordId, const domain::SuggestionView*> views;
  // What waits for a person (GET /api/conflicts), in the order of byKind:
  // records with a field in conflict or a change kept but not applied, and
  // suggestions whose fold did not apply an event.
  std::vector<const Record*> attention;

  const std::vector<const Record*>& records(RecordKind kind) const {
    return byKind[static_cast<size_t>(kind)];
  }
  const domain::SuggestionView* view(const RecordId& id) const {
    auto it = views.find(id);
    return it == views.end() ? nullptr : it->second;
  }
};

// The records of one kind, the latest entered or changed first: read from
// StoreData when that is loaded, else listed for this kind alone.
struct KindRecords {
  std::vector<const Record*> records;
  std::vector<Record> own;                // when listed alone
  std::shared_ptr<const StoreData> data;  // else what `records` points into
};

// The one cache of the store's records for the whole web API (lists, meta,
// conflicts, dashboard, reports, home), loaded again only when the store
// holds other changes than when it was loaded: a write on this node or a
// sync that brought something shows at the next request. On the event loop only.
class DatasetCache {
 public:
  Result<std::shared_ptr<const StoreData>> load(storage::Store& store);
  // The report data of load().
  Result<std::shared_ptr<const domain::Dataset>> get(storage::Store& store);
  // One kind's records, without loading every kind when load() has not been
  // asked for since the store changed (a list page after a sync).
  Result<std::shared_ptr<const KindRecords>> records(storage::Store& store, RecordKind kind);

 private:
  // Forgets everything when the store holds another number of changes.
  Status refresh(storage::Store& store);
  uint64_t changes_ = 0;
  bool known_ = false;
  std::shared_ptr<const StoreData> data_;
  std::array<std::shared_ptr<const KindRecords>, kRecordKindCount> kinds_;
};

// A new file name in the data folder `dir` for a download being made or an
// upload being received: ".web-KIND-RANDOM" + suffix. The file is not made.
std::string webTempPath(const std::string& dir, const std::string& kind,
                        const std::string& suffix);
// Removes the files webTempPath() names that a server stopped short (a power
// cut in a download or an upload) left in `dir`; how many. Only the one
// `renda serve` of a data folder makes them, so at its start none is in use.
size_t removeWebTempFiles(const std::string& dir);

struct OpsState {
  ServeControl* serve = nullptr;  // none: not inside renda serve
  JobTable jobs;
  DatasetCache datasets;
  // Work off the loop (bundle imports); told to stop, and joined, when the
  // web interface goes.
  std::atomic<bool> stopping{false};
  std::vector<std::thread> workers;

  OpsState() = default;
  OpsState(const OpsState&) = delete;
  OpsState& operator=(const OpsState&) = delete;
  ~OpsState();
};

}  // namespace renda::app
