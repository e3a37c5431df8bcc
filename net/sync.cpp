// SPDX-License-Identifier: Apache-2.0
#include "net/sync.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <tuple>

#include "core/limits.h"

namespace renda::net {

namespace {

using Kind = SyncMsg::Kind;

uint64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status protocolError(const std::string& what) {
  return Status::invalid("the other node broke the sync protocol: " + what);
}

// Messages in a row that move nothing (pings, pongs, an acknowledgement of
// nothing new) before the peer counts as stalling the session on purpose: an
// honest one pings once per kPingIntervalMs of silence.
constexpr unsigned kMaxIdleMessages = 64;

// Batches of changes going out: at most this many changes or bytes each.
constexpr size_t kBatchChanges = 2048;
constexpr size_t kBatchBytes = 2 * 1024 * 1024;
// A session's first batch; each next one doubles, up to the sizes above.
constexpr size_t kFirstBatchChanges = 32;
constexpr size_t kFirstBatchBytes = 32 * 1024;

// Everything the session's threads share, under one mutex.
struct Session {
  Channel& ch;
  ChangeSource& source;
  ChangeSink& sink;
  const SyncOptions& options;
  SyncReport& report;

  std::mutex mu;
  std::condition_variable cv;
  bool failed = false;
  Status failure;

  // The peer's summary.
  std::optional<Hello> peerHello;
  VersionVector peerParts;
  bool peerSummaryEnd = false;
  std::optional<std::vector<PublicKey>> peerDiverged;
  // Going out.
  uint64_t sentBatches = 0, ackedByPeer = 0;
  // `done` is marked before it goes (the peer may answer it with its goodbye
  // before the sender thread gets the lock again) and sent once the channel
  // took it (only then may this node's goodbye follow it).
  bool doneMarked = false, sentDone = false;
  std::deque<std::pair<uint64_t, size_t>> inFlight;  // batch number, bytes
  size_t inFlightBytes = 0;
  // Coming in.
  std::deque<std::vector<std::string>> incoming;
  std::vector<uint64_t> batchEnds;  // changes received up to the end of each batch
  uint64_t receivedBatches = 0, receivedChanges = 0, committedBatches = 0;
  std::optional<uint64_t> peerDone;
  bool ingestEnded = false;
  // The end.
  bool sentGoodbye = false, peerGoodbye = false;

  Session(Channel& c, ChangeSource& s, ChangeSink& k, const SyncOptions& o, SyncReport& r)
      : ch(c), source(s), sink(k), options(o), report(r) {}

  // Ends the session with `why` (the first failure wins), telling the peer
  // when the link still works.
  void fail(Status why, bool tellPeer = true) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (failed) return;
      failed = true;
      failure = why;
    }
    cv.notify_all();
    if (tellPeer && why.code() != Code::kDisconnected) (void)ch.send(encodeGoodbye(why.message()));
    ch.shutdown();
  }
  bool completeLocked() const {
    return sentDone && ackedByPeer == sentBatches && peerDone && committedBatches == *peerDone &&
           ingestEnded;
  }
  void progress() {
    if (!options.progress) return;
    SyncProgress p;
    {
      std::lock_guard<std::mutex> lock(mu);
      p.sentChanges = report.sentChanges;
      p.receivedChanges = report.receivedChanges;
    }
    options.progress(p);
  }
};

// This node's entries that the peer should see: all of them for a small
// summary; for a large one, those of the buckets whose fingerprints differ.
VersionVector entriesToSend(const VersionVector& mine, const std::vector<Fingerprint>& myBuckets,
                            const std::vector<Fingerprint>& theirBuckets) {
  VersionVector out;
  for (const auto& e : mine)
    if (myBuckets[bucketOf(e.author)] != theirBuckets[bucketOf(e.author)]) out.push_back(e);
  return out;
}

// The peer's summary, whole: what it sent, plus this node's own entries for
// the buckets in which the two summaries are the same.
VersionVector theirSummary(const Hello& hello, const VersionVector& parts, const VersionVector& mine,
                           const std::vector<Fingerprint>& myBuckets) {
  if (hello.buckets.empty()) return hello.entries;
  VersionVector out = parts;
  for (const auto& e : mine)
    if (myBuckets[bucketOf(e.author)] == hello.buckets[bucketOf(e.author)]) out.push_back(e);
  std::sort(out.begin(), out.end(), [](const VersionEntry& a, const VersionEntry& b) {
    return std::tie(a.author, a.seq, a.id) < std::tie(b.author, b.seq, b.id);
  });
  return out;
}

void receiver(Session& s) {
  uint64_t lastHeard = steadyMs();
  unsigned idleMessages = 0;
  for (;;) {
    auto bytes = s.ch.receive(limits::kPingIntervalMs);
    if (!bytes) {
      if (bytes.status().code() == Code::kNotFound) {
        if (steadyMs() - lastHeard > limits::kIdleTimeoutMs) {
          s.fail(Status::error(Code::kDisconnected,
                               "the other node stopped answering (no message for two minutes)"),
                 false);
          return;
        }
        (void)s.ch.send(encodePing(steadyMs()));
        continue;
      }
      bool ended;
      {
        std::lock_guard<std::mutex> lock(s.mu);
        ended = s.sentGoodbye && (s.peerGoodbye || s.completeLocked());
      }
      if (!ended) s.fail(bytes.status(), false);
      return;
    }
    lastHeard = steadyMs();
    auto m = decodeSyncMessage(*bytes);
    if (!m) {
      s.fail(protocolError(m.status().message()));
      return;
    }
    std::unique_lock<std::mutex> lock(s.mu);
    bool idle = m->kind == Kind::kPing || m->kind == Kind::kPong ||
                (m->kind == Kind::kAck && m->value == s.ackedByPeer);
    idleMessages = idle ? idleMessages + 1 : 0;
    if (idleMessages > kMaxIdleMessages) {
      lock.unlock();
      s.fail(protocolError("it sent " + std::to_string(idleMessages) +
                           " pings, pongs or repeated acknowledgements in a row without syncing"));
      return;
    }
    switch (m->kind) {
      case Kind::kHello:
        if (s.peerHello) {
          lock.unlock();
          s.fail(protocolError("it said hello twice"));
          return;
        }
        if (m->hello.node != s.ch.peer()) {
          lock.unlock();
          s.fail(protocolError("its hello names another node than its handshake"));
          return;
        }
        s.peerHello = std::move(m->hello);
        break;
      case Kind::kSummary:
        if (m->summary.empty()) {
          lock.unlock();
          s.fail(protocolError("it sent an empty summary part"));
          return;
        }
        if (!s.peerHello || s.peerSummaryEnd || s.peerHello->buckets.empty() ||
            s.peerParts.size() + m->summary.size() > s.peerHello->entryCount) {
          lock.unlock();
          s.fail(protocolError("it sent summary entries it had not announced"));
          return;
        }
        s.peerParts.insert(s.peerParts.end(), m->summary.begin(), m->summary.end());
        break;
      case Kind::kSummaryEnd:
        if (!s.peerHello || s.peerSummaryEnd) {
          lock.unlock();
          s.fail(protocolError("it ended a summary it had not begun"));
          return;
        }
        s.peerSummaryEnd = true;
        break;
      case Kind::kDiverged:
        if (!s.peerSummaryEnd || s.peerDiverged) {
          lock.unlock();
          s.fail(protocolError("it listed diverged authors out of turn"));
          return;
        }
        s.peerDiverged = std::move(m->diverged);
        break;
      case Kind::kChanges: {
        if (s.peerDone || m->batch.number != s.receivedBatches + 1) {
          lock.unlock();
          s.fail(protocolError("its change batches are out of order"));
          return;
        }
        s.receivedChanges += m->batch.envelopes.size();
        if (s.receivedChanges > limits::kMaxChangesPerSession) {
          lock.unlock();
          s.fail(Status::exhausted("the other node sent more changes than one session takes; the "
                                   "next session goes on from what was committed"));
          return;
        }
        s.receivedBatches = m->batch.number;
        s.batchEnds.push_back(s.receivedChanges);
        s.incoming.push_back(std::move(m->batch.envelopes));
        break;
      }
      case Kind::kAck:
        if (m->value < s.ackedByPeer || m->value > s.sentBatches) {
          lock.unlock();
          s.fail(protocolError("it acknowledged batches that were not sent"));
          return;
        }
        s.ackedByPeer = m->value;
        while (!s.inFlight.empty() && s.inFlight.front().first <= s.ackedByPeer) {
          s.inFlightBytes -= s.inFlight.front().second;
          s.inFlight.pop_front();
        }
        break;
      case Kind::kDone:
        if (s.peerDone || m->value != s.receivedBatches) {
          lock.unlock();
          s.fail(protocolError("it ended its stream at the wrong batch"));
          return;
        }
        s.peerDone = m->value;
        break;
      case Kind::kPing:
        lock.unlock();
        (void)s.ch.send(encodePong(m->value));
        continue;
      case Kind::kPong:
        break;
      case Kind::kGoodbye:
        s.peerGoodbye = true;
        s.report.peerGoodbye = m->text;
        // A clean goodbye comes after everything the peer had to say: its
        // stream's end and its acknowledgement of every batch this node sent.
        // What may still be under way here is only this node's last commit.
        if (!m->text.empty() || !s.peerDone || !s.doneMarked || s.ackedByPeer != s.sentBatches) {
          lock.unlock();
          s.fail(Status::refused("the other node ended the session" +
                                 (m->text.empty() ? std::string(" before it was complete")
                                                  : ": " + m->text)),
                 false);
          return;
        }
        lock.unlock();
        s.cv.notify_all();
        return;
    }
    lock.unlock();
    s.cv.notify_all();
  }
}

void sender(Session& s, const VersionVector& mine, const std::vector<Fingerprint>& myBuckets) {
  VersionVector theirs;
  bool zstd;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait(lock, [&] { return s.failed || s.peerDiverged; });
    if (s.failed) return;
    theirs = theirSummary(*s.peerHello, s.peerParts, mine, myBuckets);
    zstd = s.options.zstd && s.peerHello->zstd;
    // Authors whose branches differ: the peer gets all this node holds of them.
    const auto& diverged = *s.peerDiverged;
    theirs.erase(std::remove_if(theirs.begin(), theirs.end(),
                                [&](const VersionEntry& e) {
                                  return std::find(diverged.begin(), diverged.end(), e.author) !=
                                         diverged.end();
                                }),
                 theirs.end());
  }
  std::vector<std::string> batch;
  size_t bytes = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::ok();
    std::vector<std::string_view> views(batch.begin(), batch.end());
    uint64_t number;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      number = s.sentBatches + 1;
    }
    std::string msg = encodeBatch(number, views, zstd);
    // Flow control: at most kMaxInFlightBytes not yet acknowledged, counted
    // as the receiver holds them (decompressed), so that compression does not
    // let several times as many changes wait in its memory.
    size_t weight = std::max(msg.size(), bytes);
    {
      std::unique_lock<std::mutex> lock(s.mu);
      s.cv.wait(lock, [&] {
        return s.failed || s.inFlightBytes == 0 ||
               s.inFlightBytes + weight <= limits::kMaxInFlightBytes;
      });
      if (s.failed) return s.failure;
      s.inFlight.emplace_back(number, weight);
      s.inFlightBytes += weight;
      s.sentBatches = number;
      s.report.sentChanges += batch.size();
    }
    RENDA_TRY(s.ch.send(msg));
    batch.clear();
    bytes = 0;
    s.progress();
    return Status::ok();
  };
  size_t changeLimit = kFirstBatchChanges, byteLimit = kFirstBatchBytes;
  Status st = s.source.forEachMissing(theirs, [&](std::string_view env) -> Status {
    batch.emplace_back(env);
    bytes += env.size();
    if (batch.size() >= changeLimit || bytes >= byteLimit) {
      // Slow start: a session's first batches are small and each doubles, so
      // that a slow link that drops every few seconds still commits some
      // batches before it drops (what a cut batch carried comes again).
      changeLimit = std::min(changeLimit * 2, kBatchChanges);
      byteLimit = std::min(byteLimit * 2, kBatchBytes);
      return flush();
    }
    return Status::ok();
  });
  if (st) st = flush();
  if (st) {
    // Marked before it goes: the peer may answer `done` with its goodbye
    // before this thread would get the lock again. Sent only after it went:
    // the session's goodbye must not overtake it on the link.
    uint64_t n;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      n = s.sentBatches;
      s.doneMarked = true;
    }
    st = s.ch.send(encodeDone(n));
    if (st) {
      std::lock_guard<std::mutex> lock(s.mu);
      s.sentDone = true;
    }
  }
  if (!st) {
    s.fail(st, st.code() != Code::kDisconnected);
    return;
  }
  s.cv.notify_all();
}

void ingester(Session& s) {
  uint64_t acked = 0;
  auto produce = [&](const ChangeSink::Emit& emit) -> Status {
    for (;;) {
      std::vector<std::string> next;
      {
        std::unique_lock<std::mutex> lock(s.mu);
        s.cv.wait(lock, [&] {
          return s.failed || !s.incoming.empty() || (s.peerDone && s.incoming.empty());
        });
        if (s.failed) return s.failure;
        if (s.incoming.empty()) return Status::ok();  // the peer is done
        next = std::move(s.incoming.front());
        s.incoming.pop_front();
      }
      RENDA_TRY(emit(std::move(next)));
    }
  };
  auto onCommit = [&](const IngestReport&, uint64_t committed) {
    uint64_t batches;
    {
      std::lock_guard<std::mutex> lock(s.mu);
      batches = s.committedBatches;
      while (batches < s.batchEnds.size() && s.batchEnds[batches] <= committed) ++batches;
      s.committedBatches = batches;
      s.report.receivedChanges = committed;
    }
    if (s.options.stillAllowed) {
      Status allowed = s.options.stillAllowed();
      if (!allowed) {
        s.fail(allowed);
        return;
      }
    }
    if (batches > acked) {
      acked = batches;
      if (Status sent = s.ch.send(encodeAck(batches)); !sent) s.fail(sent, false);
    }
    s.progress();
  };
  auto r = s.sink.ingestChanges(produce, onCommit, s.options.nowMs);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (r) s.report.received = *r;
    s.ingestEnded = true;
  }
  if (!r) {
    s.fail(r.status(), r.status().code() != Code::kDisconnected);
    return;
  }
  s.cv.notify_all();
}

}  // namespace

SyncReport runSync(Channel& ch, ChangeSource& source, ChangeSink& sink, const PublicKey& self,
                   const SyncOptions& options) {
  SyncReport report;
  report.peer = ch.peer();
  uint64_t start = steadyMs();
  Session s(ch, source, sink, options, report);
  auto mine = source.versionVector();
  if (!mine) {
    s.fail(mine.status());
    report.status = mine.status();
    return report;
  }
  std::vector<Fingerprint> myBuckets = bucketFingerprints(*mine);
  std::thread rx([&] { receiver(s); });
  std::thread tx([&] { sender(s, *mine, myBuckets); });
  std::thread in([&] { ingester(s); });
  // Summaries: a small one whole in the hello; a large one as fingerprints,
  // then the entries of the buckets that differ from the peer's.
  Hello hello;
  hello.node = self;
  hello.entryCount = static_cast<uint32_t>(mine->size());
  hello.zstd = options.zstd;
  hello.listenPort = options.listenPort;
  bool small = mine->size() <= limits::kMaxHelloEntries;
  if (small) hello.entries = *mine;
  else hello.buckets = myBuckets;
  Status st = ch.send(encodeHello(hello));
  if (st && !small) {
    std::optional<Hello> peer;
    {
      std::unique_lock<std::mutex> lock(s.mu);
      s.cv.wait(lock, [&] { return s.failed || s.peerHello; });
      if (!s.failed) peer = *s.peerHello;
    }
    if (peer) {
      std::vector<Fingerprint> theirs =
          peer->buckets.empty() ? bucketFingerprints(peer->entries) : peer->buckets;
      VersionVector send = entriesToSend(*mine, myBuckets, theirs);
      for (size_t i = 0; st && i < send.size(); i += limits::kMaxHelloEntries) {
        VersionVector part(send.begin() + long(i),
                           send.begin() + long(std::min(send.size(), i + limits::kMaxHelloEntries)));
        st = ch.send(encodeSummaryPart(part));
      }
    }
  }
  if (st) st = ch.send(encodeSummaryEnd());
  // Once the peer's summary is in: the authors whose branches differ here
  // from what it holds, for it to send whole (the streams start after this).
  if (st) {
    std::optional<VersionVector> theirs;
    {
      std::unique_lock<std::mutex> lock(s.mu);
      s.cv.wait(lock, [&] { return s.failed || s.peerSummaryEnd; });
      if (!s.failed) theirs = theirSummary(*s.peerHello, s.peerParts, *mine, myBuckets);
    }
    if (theirs) {
      report.peerSummary = *theirs;
      {
        std::lock_guard<std::mutex> lock(s.mu);
        report.peerListenPort = s.peerHello->listenPort;
      }
      auto diverged = source.divergedFrom(*theirs);
      st = diverged ? ch.send(encodeDiverged(*diverged)) : diverged.status();
    }
  }
  if (!st) s.fail(st, st.code() != Code::kDisconnected);
  if (options.stillAllowed) {
    Status allowed = options.stillAllowed();
    if (!allowed) s.fail(allowed);
  }
  // Wait for both directions to finish, then say goodbye and wait for the
  // peer's (briefly: it may already have closed).
  {
    std::unique_lock<std::mutex> lock(s.mu);
    s.cv.wait(lock, [&] { return s.failed || s.completeLocked(); });
  }
  bool ok;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    ok = !s.failed;
    if (ok) s.sentGoodbye = true;
  }
  if (ok) {
    Status bye = ch.send(encodeGoodbye(""));
    std::unique_lock<std::mutex> lock(s.mu);
    if (bye) s.cv.wait_for(lock, std::chrono::seconds(10), [&] { return s.failed || s.peerGoodbye; });
    if (!s.peerGoodbye && !s.failed) {
      s.failed = true;
      s.failure = Status::error(Code::kDisconnected, "the other node did not say goodbye");
    }
  }
  ch.shutdown();
  rx.join();
  tx.join();
  in.join();
  report.status = s.failed ? s.failure : Status::ok();
  report.summariesEqual = report.sentChanges == 0 && report.receivedChanges == 0;
  report.bytesSent = ch.stats().bytesSent;
  report.bytesReceived = ch.stats().bytesReceived;
  report.durationMs = steadyMs() - start;
  return report;
}

}  // namespace renda::net
