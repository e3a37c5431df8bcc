// SPDX-License-Identifier: Apache-2.0
// Store::ingestStream: a long import as a two-stage pipeline. A checking thread
// reads chunks (through the caller's producer), decodes them and checks their
// signatures (prepareBatch); the calling thread applies the checked chunks in
// order inside write transactions of many chunks each. Decoding and hashing a
// change costs about a fifth of ingesting it, so on two cores the second
// thread takes that share, and the commits' flushes, off the critical path.
//
// The checking thread never touches LMDB: growing the map remaps it, which a
// read in another thread must not see. It judges authors against a copy of
// the members table taken at the start, plus the certificates it has accepted
// since. A chunk it refuses is checked again on the applying thread against
// the store as it is then (another process may have enrolled someone), so a
// refusal means what it means for ingest().
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "storage/ingest.h"

namespace renda::storage {

namespace {

// Notes kept in the stream's total report (each batch's report has all of its).
constexpr size_t kMaxStreamNotes = 50;

// A chunk of envelopes and what the checking thread made of them.
struct Chunk {
  std::vector<std::string> raw;
  size_t firstIndex = 0;           // position of raw[0] in the stream
  size_t bytes = 0;
  std::vector<Prepared> prepared;  // views into raw; empty: check again here
  bool end = false;                // no more chunks; `status` is the producer's
  Status status;
};

// The hand-over from the checking thread to the applying one, holding at most
// `capacity` chunks so that memory follows a few chunks, not the file.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}

  // Waits for room. False when the applying thread has stopped the stream.
  bool push(Chunk&& c) {
    std::unique_lock<std::mutex> lock(mu_);
    notFull_.wait(lock, [&] { return stopped_ || q_.size() < capacity_; });
    if (stopped_) return false;
    q_.push_back(std::move(c));
    notEmpty_.notify_one();
    return true;
  }

  Chunk pop() {
    std::unique_lock<std::mutex> lock(mu_);
    notEmpty_.wait(lock, [&] { return !q_.empty(); });
    return takeLocked();
  }
  // The next chunk if one comes within `wait`; nullopt otherwise.
  std::optional<Chunk> popWithin(std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!notEmpty_.wait_for(lock, wait, [&] { return !q_.empty(); })) return std::nullopt;
    return takeLocked();
  }

  Chunk takeLocked() {
    Chunk c = std::move(q_.front());
    q_.pop_front();
    notFull_.notify_one();
    return c;
  }

  // Makes every push, now and later, return false.
  void stop() {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    q_.clear();
    notFull_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable notFull_, notEmpty_;
  std::deque<Chunk> q_;
  bool stopped_ = false;
};

void addUp(IngestReport& total, IngestReport& batch) {
  total.received += batch.received;
  total.added += batch.added;
  total.duplicates += batch.duplicates;
  total.notApplied += batch.notApplied;
  total.forks += batch.forks;
  for (auto& n : batch.notes)
    if (total.notes.size() < kMaxStreamNotes) total.notes.push_back(n);
}

}  // namespace

Result<IngestReport> Store::ingestStream(const Producer& produce, const StreamOptions& options,
                                         const OnCommit& onCommit) {
  auto netInfo = network();
  if (!netInfo) return netInfo.status();
  const NetworkInfo net = std::move(*netInfo);
  const uint64_t nowMs = options.nowMs ? options.nowMs : UINT64_MAX / 2 >> 16;
  const bool every = options_.verifyEverySignature;
  const size_t releaseEvery = std::max<size_t>(options.releaseEvery, 1);

  Admission start;  // the checking thread's own; lookup stays empty
  {
    auto txn = ReadTxn::begin(env_);
    if (!txn) return txn.status();
    auto c = Cursor::open(*txn, t_->members);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      if (c->key().size() != 32) return Status::corruption("the members table is damaged");
      auto m = Membership::decode(c->value());
      if (!m) return m.status();
      if (m->certified) start.known.insert(m->subject);
    }
  }

  ChunkQueue queue(options.queuedChunks);
  std::thread checker([&, admission = std::move(start)]() mutable {
    size_t index = 0;
    Status s = produce([&](std::vector<std::string>&& raw) -> Status {
      if (raw.empty()) return Status::ok();
      Chunk c;
      c.raw = std::move(raw);
      c.firstIndex = index;
      index += c.raw.size();
      for (const auto& e : c.raw) c.bytes += e.size();
      // Views into c.raw stay valid as the chunk moves: moving a vector of
      // strings moves its buffer, not the strings in it.
      auto p = prepareBatch(c.raw, net, admission, every, c.firstIndex);
      if (p) c.prepared = std::move(*p);
      if (!queue.push(std::move(c))) return Status::error(Code::kDisconnected, "import stopped");
      return Status::ok();
    });
    Chunk end;
    end.end = true;
    end.status = std::move(s);
    queue.push(std::move(end));
  });

  IngestReport total;
  uint64_t committed = 0;
  bool ended = false;
  Status s;
  while (s && !ended) {
    // One batch: one write transaction of several chunks. Their envelopes are
    // kept until the commit, to apply them again if the map must grow.
    std::vector<Chunk> batch;
    size_t changes = 0, bytes = 0;
    IngestReport report;
    // Wait for the batch's first chunk with no transaction open, so that other
    // writers (another renda process) are not held up while the file is read.
    Chunk first = queue.pop();
    if (first.end) {
      s = std::move(first.status);
      break;
    }
    changes = first.raw.size();
    bytes = first.bytes;
    batch.push_back(std::move(first));
    for (int attempt = 0;; ++attempt) {
      {
        auto txn = WriteTxn::begin(env_);
        if (!txn) {
          s = txn.status();
          break;
        }
        Applier applier(*txn, *t_, net, nowMs);
        report = IngestReport{};
        size_t applied = 0;
        auto apply = [&](Chunk& c) -> Status {
          if (c.prepared.empty()) {
            // Refused on the checking thread, or applied before the map grew:
            // check against the store as it is now.
            Admission here = Admission::inStore(*txn, *t_);
            auto p = prepareBatch(c.raw, net, here, every, c.firstIndex);
            if (!p) return p.status();
            c.prepared = std::move(*p);
          }
          for (const auto& p : c.prepared) {
            RENDA_TRY(applier.apply(p, report));
            // Let go of the store pages the batch has read, so that a long
            // stream's memory follows the batch, not the store.
            if (++applied % releaseEvery == 0) env_.releaseMappedPages();
          }
          c.prepared = {};
          return Status::ok();
        };
        s = Status::ok();
        for (auto& c : batch) {
          s = apply(c);
          if (!s) break;
        }
        while (s && !ended && changes < options.batchChanges && bytes < options.batchBytes) {
          // A stream that pauses (a network link) commits what it has: the
          // write transaction is never held open waiting for the link.
          std::optional<Chunk> next;
          if (options.maxWaitInBatchMs == UINT64_MAX) next = queue.pop();
          else next = queue.popWithin(std::chrono::milliseconds(options.maxWaitInBatchMs));
          if (!next) break;
          Chunk c = std::move(*next);
          if (c.end) {
            ended = true;
            s = std::move(c.status);
            break;
          }
          changes += c.raw.size();
          bytes += c.bytes;
          batch.push_back(std::move(c));
          s = apply(batch.back());
        }
        if (s) s = applier.finish(&report);
        if (s) s = txn->commit();
      }
      if (!isMapFull(s) || attempt >= 16) break;
      s = env_.grow();
      if (!s) break;
    }
    if (bulk_ || changes >= releaseEvery) env_.releaseMappedPages();
    if (!s) break;
    committed += changes;
    addUp(total, report);
    if (onCommit) onCommit(report, committed);
  }
  queue.stop();
  checker.join();
  if (!s) return s;
  return total;
}

}  // namespace renda::storage
