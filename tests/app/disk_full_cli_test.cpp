// SPDX-License-Identifier: Apache-2.0
// A full disk during an import, through the real binary on a 4 MB tmpfs: the
// clerk reads that the disk is full, that nothing of the bundle was saved and
// how much to free; the store is as it was; once there is room the same
// import works. Mounting needs root (tests run as root in CI); elsewhere the
// test says it was skipped.
#include <sys/mount.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

// A tmpfs mounted at `dir` for the life of the object.
class Tmpfs {
 public:
  Tmpfs(const std::string& dir, const char* size) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, size) == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  bool resize(const char* size) {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT, size) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Text that does not shrink: `n` characters from a fixed sequence.
std::string filler(size_t n, uint32_t seed) {
  std::string s;
  for (uint32_t x = seed; s.size() < n;) {
    x = x * 1664525u + 1013904223u;
    s += "0123456789abcdefghijklmnopqrstuv"[x >> 27];
  }
  return s;
}

TEST_CASE("renda CLI: a full disk during an import says so and keeps the store intact",
          "[app][cli][diskfull][regression]") {
  Harness h;
  Tmpfs small(h.path("small"), "size=4m");
  if (::geteuid() != 0 || !small.mounted()) {
    WARN("skipped: mounting a tmpfs needs root");
    return;
  }
  h.ok("county", {"county", "init", "--name", "示范县"});
  std::string key = nodeKeyFrom(h.ok("small/t1", {"init"}).out);
  h.ok("county", {"enroll", "--node", key, "--township", "城关镇", "-o", h.path("enroll")});
  h.ok("small/t1", {"join", h.path("enroll")});
  // About 3 MB of changes: more than the 4 MB disk can hold once stored.
  for (uint32_t i = 0; i < 64; ++i)
    h.ok("county", {"unit", "add", "--name", "单位" + std::to_string(i), "--note",
                    filler(15000, i), "--address", filler(15000, i + 1000), "--contact",
                    filler(15000, i + 2000), "-q"});
  std::string bundle = h.path("units.bundle"), summary = h.path("t1.summary");
  h.ok("small/t1", {"summary", "-o", summary});
  h.ok("county", {"bundle", "export", "--for", summary, "-o", bundle});

  std::string before = h.digest("small/t1");
  int64_t changes = h.changes("small/t1");
  Run r = h.at("small/t1", {"bundle", "import", bundle});
  INFO(r.describe());
  CHECK(r.code == 3);
  for (const char* says : {"is full", "Nothing of this batch was saved",
                           "the store is as it was before", "Free space on that disk",
                           "delete bundle and summary files already imported",
                           "was imported;", "free to take it in"})
    CHECK_THAT(r.err, Catch::Contains(says));
  CHECK_THAT(r.err, !Catch::Contains("Input/output error"));
  CHECK(h.digest("small/t1") == before);
  CHECK(h.changes("small/t1") == changes);
  h.ok("small/t1", {"verify"});

  // With room, the same import goes through.
  REQUIRE(small.resize("size=64m"));
  Run again = h.ok("small/t1", {"bundle", "import", bundle});
  CHECK_THAT(again.out, Catch::Contains("64 new changes"));
  CHECK(h.digest("small/t1") == h.digest("county"));
}

}  // namespace
