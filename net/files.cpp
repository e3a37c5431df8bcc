// SPDX-License-Identifier: Apache-2.0
#include "net/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cerrno>
#include <cstring>
#include <tuple>

#include "core/change.h"
#include "core/crypto.h"
#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "net/flat.h"

namespace renda::net {

namespace {

using namespace detail;

constexpr std::string_view kSummaryMagic{"RENDA-SUMMARY-01", 16};
constexpr std::string_view kBundleMagic{"RENDA-BUNDLE-v01", 16};
constexpr uint8_t kFrameHeader = 1, kFrameChange = 2, kFrameTrailer = 9;


Result<std::string> readWholeFile(const std::string& path, size_t maxBytes) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    if (errno == ENOENT) return Status::notFound("there is no file " + path);
    return Status::ioError("cannot open " + path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out.append(buf, n);
    if (out.size() > maxBytes) {
      std::fclose(f);
      return Status::invalid(path + " is too large to be a summary file");
    }
  }
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return Status::ioError("cannot read " + path);
  return out;
}

Status writeFileAtomically(const std::string& path, std::string_view bytes) {
  std::string tmp = path + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return Status::ioError("cannot write " + path + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::ioError("cannot write " + path + ": " + std::strerror(e));
    }
    off += size_t(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::ioError("cannot finish writing " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::ioError("cannot move " + path + " into place: " + std::strerror(errno));
  return Status::ok();
}

}  // namespace

// --- summaries ----------------------------------------------------------------

std::string encodeSummary(const SummaryFile& s) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Summary>();
  b.setNetwork(dataOf(s.network));
  b.setNode(dataOf(s.node));
  b.setCreatedMs(s.createdMs);
  setEntries(b.initEntries(s.entries.size()), s.entries);
  std::string msg = flatBytes(mb);
  std::string out(kSummaryMagic);
  uint32_t n = static_cast<uint32_t>(msg.size());
  out.append(reinterpret_cast<const char*>(&n), 4);
  out += msg;
  Hash h = crypto::hash(crypto::asBytes(out));
  out.append(reinterpret_cast<const char*>(h.data()), h.size());
  return out;
}

Result<SummaryFile> decodeSummary(std::string_view bytes, const NetworkId* expected) {
  if (bytes.size() < kSummaryMagic.size() || bytes.substr(0, 16) != kSummaryMagic) {
    if (bytes.size() >= 12 && bytes.substr(0, 12) == "RENDA-BUNDLE")
      return Status::invalid("this is a bundle file, not a summary file");
    if (bytes.size() >= 16 && bytes.substr(0, 14) == "RENDA-SUMMARY-")
      return Status::invalid("this summary file was made by another version of renda");
    if (!bytes.empty() && bytes.size() < 16 && kSummaryMagic.substr(0, bytes.size()) == bytes)
      return Status::invalid("the summary file is incomplete (was it copied completely?)");
    return Status::invalid("this is not a renda summary file");
  }
  if (bytes.size() < 16 + 4 + 32) return Status::invalid("the summary file is incomplete");
  uint32_t n;
  std::memcpy(&n, bytes.data() + 16, 4);
  if (n > limits::kMaxSummaryBytes) return Status::invalid("the summary file is too large");
  if (bytes.size() != 16 + 4 + size_t(n) + 32)
    return Status::invalid(bytes.size() < 16 + 4 + size_t(n) + 32
                               ? "the summary file is incomplete (was it copied completely?)"
                               : "the summary file has extra data at its end");
  Hash h = crypto::hash(crypto::asBytes(bytes.substr(0, 20 + n)));
  if (std::memcmp(h.data(), bytes.data() + 20 + n, 32) != 0)
    // An unkeyed checksum: a mismatch is damage (anyone altering the file could
    // recompute it), so the message does not speak of tampering.
    return Status::invalid("the summary file is damaged (its checksum does not match); write it "
                           "again with renda summary -o FILE");
  SummaryFile s;
  RENDA_TRY(readFlat<schema::Summary>(bytes.substr(20, n), limits::kMaxSummaryBytes, "summary",
                                      [&](schema::Summary::Reader r) -> Status {
                                        if (!fixedFrom(r.getNetwork(), s.network) ||
                                            !fixedFrom(r.getNode(), s.node))
                                          return Status::invalid("summary has a bad key");
                                        s.createdMs = r.getCreatedMs();
                                        return readEntries(r.getEntries(), s.entries);
                                      }));
  if (expected && s.network != *expected)
    return Status::invalid("the summary file comes from another county's network");
  return s;
}

Status writeSummaryFile(const std::string& path, const SummaryFile& s) {
  return writeFileAtomically(path, encodeSummary(s));
}

Result<SummaryFile> readSummaryFile(const std::string& path, const NetworkId* expected) {
  auto bytes = readWholeFile(path, limits::kMaxSummaryBytes + 64);
  if (!bytes) return bytes.status();
  return decodeSummary(*bytes, expected);
}

// --- bundles ------------------------------------------------------------------

Result<std::unique_ptr<BundleWriter>> BundleWriter::create(const std::string& path,
                                                           const BundleHeader& header,
                                                           const SecretKey& producerKey) {
  std::unique_ptr<BundleWriter> w(new BundleWriter());
  w->path_ = path;
  w->tmpPath_ = path + ".partial";
  w->network_ = header.network;
  w->key_ = &producerKey;
  w->f_ = std::fopen(w->tmpPath_.c_str(), "wb");
  if (!w->f_) return Status::ioError("cannot write " + path + ": " + std::strerror(errno));
  // An enrollment file carries the network's secret: only its owner may read it.
  if (header.networkSecret && ::fchmod(fileno(w->f_), 0600) != 0)
    return Status::ioError("cannot protect " + path + ": " + std::strerror(errno));
  if (std::fwrite(kBundleMagic.data(), 1, 16, w->f_) != 16)
    return Status::ioError("cannot write " + path);
  w->hasher_.update(crypto::asBytes(kBundleMagic));
  w->bytes_ = 16;
  capnp::MallocMessageBuilder hb;
  auto h = hb.initRoot<schema::BundleHeader>();
  h.setNetwork(dataOf(header.network));
  h.setProducer(dataOf(header.producer));
  h.setCreatedMs(header.createdMs);
  setEntries(h.initPrerequisites(header.prerequisites.size()), header.prerequisites);
  h.setCountyName(header.countyName);
  h.setRootKey(dataOf(header.rootKey));
  if (header.networkSecret) h.setNetworkSecret(dataOf(*header.networkSecret));
  std::string body = canonical<schema::BundleHeader>(h.asReader());
  capnp::MallocMessageBuilder sb;
  auto blob = sb.initRoot<schema::SignedBlob>();
  blob.setBody(dataOf(body.data(), body.size()));
  Signature sig = crypto::sign(crypto::kBundleContext, header.network, crypto::asBytes(body),
                               producerKey);
  blob.setSig(dataOf(sig));
  RENDA_TRY(w->writeFrame(kFrameHeader, flatBytes(sb)));
  return w;
}

BundleWriter::~BundleWriter() {
  if (f_) std::fclose(f_);
  if (!finished_) ::unlink(tmpPath_.c_str());
}

Status BundleWriter::writeFrame(uint8_t type, std::string_view payload) {
  unsigned char head[5];
  head[0] = type;
  uint32_t n = static_cast<uint32_t>(payload.size());
  std::memcpy(head + 1, &n, 4);
  if (std::fwrite(head, 1, 5, f_) != 5 ||
      std::fwrite(payload.data(), 1, payload.size(), f_) != payload.size())
    return Status::ioError("cannot write " + path_ + " (is the disk or USB stick full?)");
  hasher_.update(crypto::Bytes(head, 5));
  hasher_.update(crypto::asBytes(payload));
  bytes_ += 5 + payload.size();
  return Status::ok();
}

Status BundleWriter::addChange(std::string_view envelope) {
  RENDA_TRY(writeFrame(kFrameChange, envelope));
  ++count_;
  return Status::ok();
}

Status BundleWriter::finish() {
  Hash h = hasher_.finish();
  capnp::MallocMessageBuilder tb;
  auto t = tb.initRoot<schema::BundleTrailer>();
  t.setChangeCount(count_);
  t.setContentHash(dataOf(h));
  std::string body = canonical<schema::BundleTrailer>(t.asReader());
  capnp::MallocMessageBuilder sb;
  auto blob = sb.initRoot<schema::SignedBlob>();
  blob.setBody(dataOf(body.data(), body.size()));
  blob.setSig(dataOf(crypto::sign(crypto::kBundleContext, network_, crypto::asBytes(body), *key_)));
  RENDA_TRY(writeFrame(kFrameTrailer, flatBytes(sb)));
  if (std::fflush(f_) != 0 || ::fsync(fileno(f_)) != 0)
    return Status::ioError("cannot finish writing " + path_ + " (is the disk full?)");
  std::fclose(f_);
  f_ = nullptr;
  if (::rename(tmpPath_.c_str(), path_.c_str()) != 0)
    return Status::ioError("cannot move " + path_ + " into place: " + std::strerror(errno));
  finished_ = true;
  return Status::ok();
}

namespace {

// Streams frames of a bundle file; any framing defect is InvalidInput.
class FrameReader {
 public:
  explicit FrameReader(const std::string& path) : path_(path) {
    f_ = std::fopen(path.c_str(), "rb");
  }
  ~FrameReader() {
    if (f_) std::fclose(f_);
  }
  Status start() {
    if (!f_) {
      if (errno == ENOENT) return Status::notFound("there is no file " + path_);
      return Status::ioError("cannot open " + path_ + ": " + std::strerror(errno));
    }
    char magic[16];
    size_t n = std::fread(magic, 1, 16, f_);
    std::string_view m(magic, n);
    if (n < 16 || m != kBundleMagic) {
      if (n > 0 && n < 16 && kBundleMagic.substr(0, n) == m) return incomplete();
      if (n >= 13 && m.substr(0, 13) == "RENDA-SUMMARY")
        return Status::invalid(path_ + " is a summary file, not a bundle");
      if (n >= 12 && m.substr(0, 12) == "RENDA-BUNDLE")
        return Status::invalid(path_ + " is a bundle from another version of renda");
      return Status::invalid(path_ + " is not a renda bundle file");
    }
    hasher.update(crypto::asBytes(m));
    offset = 16;
    // A frame longer than what is left is a cut file: say so before making
    // room for it (a damaged length must not cost megabytes of memory).
    struct stat st {};
    if (::fstat(fileno(f_), &st) == 0 && S_ISREG(st.st_mode)) fileBytes_ = uint64_t(st.st_size);
    return Status::ok();
  }
  // Reads the next frame; false at a clean end of file.
  Result<bool> next(uint8_t& type, std::string& payload) {
    unsigned char head[5];
    size_t n = std::fread(head, 1, 5, f_);
    if (n == 0) return false;
    if (n < 5) return incomplete();
    type = head[0];
    uint32_t len;
    std::memcpy(&len, head + 1, 4);
    size_t cap = type == kFrameHeader ? limits::kMaxBundleHeaderBytes : limits::kMaxEnvelopeBytes;
    if (len > cap) return Status::invalid(path_ + " is damaged (a part is impossibly large)");
    if (fileBytes_ && len > fileBytes_ - std::min(fileBytes_, offset + 5)) return incomplete();
    payload.resize(len);
    if (std::fread(payload.data(), 1, len, f_) != len) return incomplete();
    frameStart = offset;
    offset += 5 + len;
    lastHead.assign(reinterpret_cast<char*>(head), 5);
    return true;
  }
  Status incomplete() {
    return Status::invalid(path_ + " is incomplete: it was cut off while being written or "
                                   "copied. Make the bundle again.");
  }
  crypto::Hasher hasher;
  uint64_t offset = 0, frameStart = 0;
  std::string lastHead;

 private:
  std::string path_;
  FILE* f_ = nullptr;
  uint64_t fileBytes_ = 0;  // the file's size when opened (0: not a regular file)
};

// A signed part of a bundle does not match its signature: the bytes changed
// after signing, by damage or on purpose; the two cannot be told apart.
constexpr const char* kChangedSinceSigned =
    "the file was damaged (a bad copy, a failing USB stick) or altered after it was made; it "
    "cannot be imported. Copy it again from the other node";

Status openSigned(std::string_view frame, const NetworkId& network, const PublicKey* signer,
                  const char* what, std::string& body, Signature& sig) {
  return readFlat<schema::SignedBlob>(
      frame, limits::kMaxBundleHeaderBytes + 1024, what, [&](schema::SignedBlob::Reader r) -> Status {
        if (!fixedFrom(r.getSig(), sig)) return Status::invalid(std::string(what) + " signature size");
        body.assign(reinterpret_cast<const char*>(r.getBody().begin()), r.getBody().size());
        // The blob itself is not signed: accept only the exact bytes the writer
        // makes, so no byte of the file can change unnoticed.
        capnp::MallocMessageBuilder again;
        auto blob = again.initRoot<schema::SignedBlob>();
        blob.setBody(dataOf(body.data(), body.size()));
        blob.setSig(dataOf(sig));
        if (flatBytes(again) != frame)
          return Status::invalid(std::string("the bundle's ") + what +
                                 " is not in the form renda writes: the file is damaged");
        if (signer && !crypto::verify(crypto::kBundleContext, network, crypto::asBytes(body), sig,
                                      *signer))
          return Status::invalid(std::string("the bundle's ") + what + " does not verify: " +
                                 kChangedSinceSigned);
        return Status::ok();
      });
}

}  // namespace

Result<BundleInfo> checkBundle(const std::string& path, const NetworkId* expectedOrNull) {
  FrameReader fr(path);
  RENDA_TRY(fr.start());
  BundleInfo info;
  uint8_t type;
  std::string payload;
  auto first = fr.next(type, payload);
  if (!first) return first.status();
  if (!*first) return fr.incomplete();
  if (type != kFrameHeader) return Status::invalid(path + " is damaged (no header)");
  std::string body;
  Signature sig;
  RENDA_TRY(openSigned(payload, NetworkId{}, nullptr, "header", body, sig));
  RENDA_TRY(readCanonicalBody<schema::BundleHeader>(
      body, limits::kMaxBundleHeaderBytes, "bundle header",
      [&](schema::BundleHeader::Reader r) -> Status {
        if (!fixedFrom(r.getNetwork(), info.header.network) ||
            !fixedFrom(r.getProducer(), info.header.producer))
          return Status::invalid("the bundle header has a bad key");
        info.header.createdMs = r.getCreatedMs();
        info.header.countyName = std::string(r.getCountyName().cStr(), r.getCountyName().size());
        if (!fixedFrom(r.getRootKey(), info.header.rootKey))
          return Status::invalid("the bundle header has a bad county key");
        if (r.hasNetworkSecret()) {
          NetworkSecret secret;
          if (!fixedFrom(r.getNetworkSecret(), secret))
            return Status::invalid("the bundle header has a bad network secret");
          info.header.networkSecret = secret;
          sodium_memzero(secret.data(), secret.size());
        }
        return readEntries(r.getPrerequisites(), info.header.prerequisites);
      }));
  const NetworkId expected = expectedOrNull ? *expectedOrNull : info.header.network;
  if (info.header.network != expected)
    return Status::invalid(path + " was made for another county's network" +
                           (info.header.countyName.empty() ? std::string()
                                                           : " (" + info.header.countyName + ")") +
                           "; it cannot be imported here");
  if (!crypto::verify(crypto::kBundleContext, expected, crypto::asBytes(body), sig,
                      info.header.producer))
    return Status::invalid(std::string("the bundle's header does not verify: ") +
                           kChangedSinceSigned);
  fr.hasher.update(crypto::asBytes(fr.lastHead));
  fr.hasher.update(crypto::asBytes(payload));
  for (;;) {
    auto more = fr.next(type, payload);
    if (!more) return more.status();
    if (!*more) return fr.incomplete();
    if (type == kFrameChange) {
      ++info.changeCount;
      fr.hasher.update(crypto::asBytes(fr.lastHead));
      fr.hasher.update(crypto::asBytes(payload));
      continue;
    }
    if (type != kFrameTrailer) return Status::invalid(path + " is damaged (unknown part)");
    Hash content = fr.hasher.finish();
    std::string tbody;
    Signature tsig;
    RENDA_TRY(openSigned(payload, expected, &info.header.producer, "trailer", tbody, tsig));
    uint64_t count = 0;
    Hash stated;
    RENDA_TRY(readCanonicalBody<schema::BundleTrailer>(
        tbody, 1024, "bundle trailer", [&](schema::BundleTrailer::Reader r) -> Status {
          count = r.getChangeCount();
          if (!fixedFrom(r.getContentHash(), stated)) return Status::invalid("bad trailer hash");
          return Status::ok();
        }));
    if (stated != content || count != info.changeCount)
      return Status::invalid(path + " does not match what its maker signed: " +
                             kChangedSinceSigned);
    auto extra = fr.next(type, payload);
    if (!extra) return Status::invalid(path + " has extra data after its end");
    if (*extra) return Status::invalid(path + " has extra data after its end");
    info.fileBytes = fr.offset;
    return info;
  }
}

Status readBundle(const std::string& path, size_t maxBatch, size_t maxBatchBytes,
                  const std::function<Status(std::vector<std::string>&)>& onBatch) {
  FrameReader fr(path);
  RENDA_TRY(fr.start());
  std::vector<std::string> batch;
  size_t batchBytes = 0;
  uint8_t type;
  std::string payload;
  for (;;) {
    auto more = fr.next(type, payload);
    if (!more) return more.status();
    if (!*more || type == kFrameTrailer) break;
    if (type != kFrameChange) continue;
    batchBytes += payload.size();
    batch.push_back(std::move(payload));
    payload.clear();
    if (batch.size() >= maxBatch || batchBytes >= maxBatchBytes) {
      RENDA_TRY(onBatch(batch));
      batch.clear();
      batchBytes = 0;
    }
  }
  if (!batch.empty()) RENDA_TRY(onBatch(batch));
  return Status::ok();
}

}  // namespace renda::net
