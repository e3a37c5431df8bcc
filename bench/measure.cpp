// SPDX-License-Identifier: Apache-2.0
#include "bench/measure.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>

namespace renda::bench {

long procStatusKb(pid_t pid, const char* field) {
  std::ifstream in(pid ? "/proc/" + std::to_string(pid) + "/status" : "/proc/self/status");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
      return std::atol(line.c_str() + n + 1);
  return -1;
}

RssSampler::RssSampler(pid_t pid, int intervalMs)
    : pid_(pid), intervalMs_(intervalMs), thread_([this] {
        while (!stop_.load()) {
          sample();
          std::this_thread::sleep_for(std::chrono::milliseconds(intervalMs_));
        }
      }) {}

void RssSampler::stopNow() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
  sample();
}

void RssSampler::sample() {
  maxAnon_ = std::max(maxAnon_.load(), procStatusKb(pid_, "RssAnon"));
  maxFile_ = std::max(maxFile_.load(), procStatusKb(pid_, "RssFile"));
  maxHwm_ = std::max(maxHwm_.load(), procStatusKb(pid_, "VmHWM"));
}

double residentFraction(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return -1;
  struct stat st{};
  fstat(fd, &st);
  if (st.st_size == 0) {
    close(fd);
    return 0;
  }
  void* p = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return -1;
  size_t page = size_t(sysconf(_SC_PAGESIZE)), pages = (size_t(st.st_size) + page - 1) / page;
  std::vector<unsigned char> vec(pages);
  mincore(p, size_t(st.st_size), vec.data());
  munmap(p, size_t(st.st_size));
  size_t in = 0;
  for (auto v : vec) in += v & 1;
  return double(in) / double(pages);
}

void evict(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::string scratchDir(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + name + ".XXXXXX";
  return mkdtemp(templ.data()) ? templ : std::string();
}

std::string localTimeText() {
  char text[64];
  std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M %Z", std::localtime(&now));
  return text;
}

}  // namespace renda::bench
