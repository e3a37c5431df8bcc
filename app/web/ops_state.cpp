// SPDX-License-Identifier: Apache-2.0
#include "app/web/ops_state.h"

#include <cstdio>
#include <random>

#include "app/output/dataset.h"

namespace renda::app {

Result<std::shared_ptr<const domain::Dataset>> DatasetCache::get(storage::Store& store) {
  auto count = store.changeCount();
  if (!count) return count.status();
  if (data_ && *count == changes_) return data_;
  auto data = loadDataset(store);
  if (!data) return data.status();
  data_ = std::make_shared<const domain::Dataset>(std::move(*data));
  changes_ = *count;
  return data_;
}

std::string webTempPath(const std::string& dir, const std::string& kind,
                        const std::string& suffix) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return dir + "/.web-" + kind + "-" + buf + suffix;
}

OpsState::~OpsState() {
  stopping = true;
  for (auto& t : workers)
    if (t.joinable()) t.join();
}

}  // namespace renda::app
