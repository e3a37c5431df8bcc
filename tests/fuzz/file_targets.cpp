// SPDX-License-Identifier: Apache-2.0
#include "tests/fuzz/file_targets.h"

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "core/crypto.h"
#include "net/files.h"

namespace renda::fuzz {

namespace {

using detail::check;
using detail::checkRefusal;
using detail::checkSorted;

Outcome runSummaryFile(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto any = net::decodeSummary(bytes, nullptr);
  auto ours = net::decodeSummary(bytes, &fuzzNetwork());
  if (!any) {
    checkRefusal(any.status());
    check(!ours.isOk(), "a summary refused for any network but taken for ours");
    return Outcome::kRejected;
  }
  check(ours.isOk() == (any->network == fuzzNetwork()),
        "a summary's network check does not follow its network");
  if (!ours) checkRefusal(ours.status());
  checkSorted(any->entries);
  auto back = net::decodeSummary(net::encodeSummary(*any), nullptr);
  check(back.isOk(), "a re-encoded summary file does not decode");
  check(back->network == any->network && back->node == any->node &&
            back->createdMs == any->createdMs && back->entries == any->entries,
        "a summary file changed across encode/decode");
  return Outcome::kAccepted;
}

// The input as a file the bundle reader can open by path.
class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) {
    fd_ = ::memfd_create("renda-fuzz-bundle", MFD_CLOEXEC);
    check(fd_ >= 0, "memfd_create failed");
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::write(fd_, data + done, size - done);
      check(n > 0, "cannot write the memfd");
      done += size_t(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { ::close(fd_); }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

Outcome runBundle(const uint8_t* data, size_t size) {
  MemFile file(data, size);
  auto any = net::checkBundle(file.path(), nullptr);
  auto ours = net::checkBundle(file.path(), &fuzzNetwork());
  if (!any) {
    checkRefusal(any.status());
    check(!ours.isOk(), "a bundle refused for any network but taken for ours");
    return Outcome::kRejected;
  }
  check(ours.isOk() == (any->header.network == fuzzNetwork()),
        "a bundle's network check does not follow its header");
  if (!ours) checkRefusal(ours.status());
  check(any->fileBytes == size, "a checked bundle does not span the file");
  checkSorted(any->header.prerequisites);
  uint64_t changes = 0;
  Status read = net::readBundle(file.path(), 7, 4096, [&](std::vector<std::string>& batch) {
    check(!batch.empty() && batch.size() <= 7, "readBundle made a batch out of bounds");
    changes += batch.size();
    return Status::ok();
  });
  check(read.isOk(), "a checked bundle does not read");
  check(changes == any->changeCount, "a checked bundle reads another number of changes");
  return Outcome::kAccepted;
}

const Target kFileTargets[] = {{"summaryfile", runSummaryFile}, {"bundle", runBundle}};

}  // namespace

std::span<const Target> fileTargets() { return kFileTargets; }

const SecretKey& bundleFuzzProducer() {
  static const SecretKey key = [] {
    unsigned char seed[crypto_sign_SEEDBYTES];
    std::fill(std::begin(seed), std::end(seed), 0x6b);
    return crypto::signingKeyFromSeed(seed);
  }();
  return key;
}

}  // namespace renda::fuzz
