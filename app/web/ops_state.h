// SPDX-License-Identifier: Apache-2.0
// What the web API's longer operations share between requests: the jobs
// (app/web/jobs.h), the threads that run bundle imports off the event loop,
// renda serve's scheduler, and the report data, loaded once per state of
// the store so that the dashboard and reports answer fast.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "app/web/jobs.h"
#include "app/web/serve_control.h"
#include "core/domain/reports.h"
#include "storage/store.h"

namespace renda::app {

// The store's report data (loadDataset), loaded again only when the store
// holds other changes than when it was loaded. On the event loop only.
class DatasetCache {
 public:
  Result<std::shared_ptr<const domain::Dataset>> get(storage::Store& store);

 private:
  uint64_t changes_ = 0;
  std::shared_ptr<const domain::Dataset> data_;
};

// A new file name in the data folder `dir` for a download being made or an
// upload being received: ".web-KIND-RANDOM" + suffix. The file is not made.
std::string webTempPath(const std::string& dir, const std::string& kind,
                        const std::string& suffix);

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
