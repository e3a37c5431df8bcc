// SPDX-License-Identifier: Apache-2.0
// Long work the web API starts and answers at once (202 {"job"}): a bundle
// import, a sync asked for now. GET /api/jobs/ID reads its progress. A job is
// updated from the thread doing the work and read on the event loop, so the
// table locks. Jobs are kept in memory, the last kMaxJobs of them.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace renda::app {

struct Job {
  uint64_t id = 0;
  std::string kind;               // "import", "sync"
  std::string state = "running";  // "running", "done", "failed"
  uint64_t done = 0, total = 0;
  std::string message;     // 中文, for people
  std::string resultJson;  // a JSON object once it ended ("{}" before)
};

class JobTable {
 public:
  static constexpr size_t kMaxJobs = 64;

  uint64_t start(const std::string& kind, const std::string& message);
  void progress(uint64_t id, uint64_t done, uint64_t total, const std::string& message = "");
  // Ends the job: `ok` done, else failed; `resultJson` is a JSON object.
  void finish(uint64_t id, bool ok, const std::string& message, const std::string& resultJson);
  std::optional<Job> get(uint64_t id) const;
  // Whether a job of `kind` is still running.
  bool running(const std::string& kind) const;

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, Job> jobs_;
  uint64_t last_ = 0;
};

}  // namespace renda::app
