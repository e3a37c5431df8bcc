// SPDX-License-Identifier: Apache-2.0
#include "app/web/jobs.h"

namespace renda::app {

uint64_t JobTable::start(const std::string& kind, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  Job j;
  j.id = ++last_;
  j.kind = kind;
  j.message = message;
  j.resultJson = "{}";
  jobs_[j.id] = j;
  // Forget the oldest that ended.
  for (auto it = jobs_.begin(); jobs_.size() > kMaxJobs && it != jobs_.end();)
    it = it->second.state == "running" ? std::next(it) : jobs_.erase(it);
  return j.id;
}

void JobTable::progress(uint64_t id, uint64_t done, uint64_t total, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  it->second.done = done;
  it->second.total = total;
  if (!message.empty()) it->second.message = message;
}

void JobTable::finish(uint64_t id, bool ok, const std::string& message,
                      const std::string& resultJson) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  it->second.state = ok ? "done" : "failed";
  it->second.message = message;
  it->second.resultJson = resultJson.empty() ? "{}" : resultJson;
}

std::optional<Job> JobTable::get(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

bool JobTable::running(const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, j] : jobs_)
    if (j.kind == kind && j.state == "running") return true;
  return false;
}

}  // namespace renda::app
