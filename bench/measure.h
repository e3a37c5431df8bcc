// SPDX-License-Identifier: Apache-2.0
// What the benchmarks measure processes and files with: memory from
// /proc/PID/status, a sampler of resident memory, the page cache, medians.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace renda::bench {

// A /proc/PID/status field in kB (VmHWM, RssAnon, RssFile) of `pid` (0: this
// process); -1 when the process or the field is gone.
long procStatusKb(pid_t pid, const char* field);

// Samples RssAnon and RssFile of `pid` (0: this process) every `intervalMs`
// while alive, keeping the maxima: ru_maxrss counts the store's memory-mapped
// pages too, this tells them apart.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid = 0, int intervalMs = 50);
  ~RssSampler() { stopNow(); }
  // Stops sampling, with one last sample.
  void stopNow();
  long maxAnonKb() const { return maxAnon_; }
  long maxFileKb() const { return maxFile_; }
  // The largest VmHWM seen: the peak of the process's image since its exec.
  long maxHwmKb() const { return maxHwm_; }

 private:
  void sample();
  pid_t pid_;
  int intervalMs_;
  std::atomic<bool> stop_{false};
  std::atomic<long> maxAnon_{0}, maxFile_{0}, maxHwm_{0};
  std::thread thread_;
};

// Fraction of a file's pages in the page cache (mincore); -1 when unreadable.
double residentFraction(const std::string& path);

// Drops one file's clean pages from the page cache (no root, no global effect).
void evict(const std::string& path);

double median(std::vector<double> v);

// A new folder $TMPDIR/<name>.XXXXXX (under /tmp without TMPDIR); "" when it
// cannot be made.
std::string scratchDir(const std::string& name);

// The local time now, as "2026-11-28 01:18 UTC".
std::string localTimeText();

}  // namespace renda::bench
