// SPDX-License-Identifier: Apache-2.0
// A seeded userspace TCP fault proxy for the multi-node tests: it listens on a
// loopback port and forwards each connection to a target port, doing to each
// connection what a seeded draw says (pass, delay each direction differently,
// split into small pieces, drop, truncate, cut inside a sync frame, reset,
// black-hole). Partitions switch at run time: while a proxy is down, new
// connections are closed at once or held (the target hears of them once the
// proxy is up), and connections under way are held (they resume when it is up
// again, as TCP does after a short outage) or cut (FIN or reset).
//
// TCP cannot reorder bytes within a connection, so "reorder" here is the
// progress of the two directions (and of different connections) shifted
// against each other by per-direction delays.
//
// The frame format the cut aims at is net/channel.h's: u16 BE length | bytes.
//
// THREAD SAFETY: every public function may be called from any thread. Each
// connection runs on its own thread; the draws for a connection come from the
// proxy's seed and the connection's number, so a seed gives the same faults in
// the same order of connections (the processes' timing still varies).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace renda::multinode {

// What the proxy does to one connection.
enum class Fault {
  kPass,         // forward as it comes
  kDelay,        // forward each piece after a delay, a different one per direction
  kSplit,        // forward in pieces of 1..16 bytes with short pauses
  kDrop,         // close the connection as soon as it is accepted
  kTruncate,     // forward N bytes one way, then close both sides
  kCutMidFrame,  // forward one way up to a point inside a frame, then close both sides
  kReset,        // as kCutMidFrame, but both sides get a TCP reset
  kBlackHole,    // accept and connect, then forward nothing (a hung link)
};
const char* faultName(Fault f);

// Relative weights of the faults a new connection draws (all zero but kPass: no faults).
struct FaultWeights {
  int pass = 1, delay = 0, split = 0, drop = 0, truncate = 0, cutMidFrame = 0, reset = 0,
      blackHole = 0;
  static FaultWeights none() { return {}; }
  // Every fault, mostly passing: a link that works most of the time.
  static FaultWeights flaky();
};

// A free TCP port on 127.0.0.1 now (bind to port 0, read it, close).
uint16_t freeLoopbackPort();

class FaultProxy {
 public:
  // Listens on 127.0.0.1 (a port the kernel picks) and forwards to
  // 127.0.0.1:targetPort. `name` labels the journal.
  FaultProxy(std::string name, uint16_t targetPort, uint64_t seed);
  // Stops accepting, closes every connection and joins the threads.
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  const std::string& name() const { return name_; }
  // Where new connections go (a restarted node may listen elsewhere).
  void setTarget(uint16_t targetPort) { target_ = targetPort; }
  // The faults new connections draw from.
  void setFaults(const FaultWeights& w);
  // A slow link: each direction of each connection carries at most this many
  // bytes a second (0: as fast as loopback).
  void setRate(uint64_t bytesPerSecond) { rate_ = bytesPerSecond; }
  // Partition (down) or link restored (up); see the file comment.
  void setDown(bool down);
  bool down() const { return down_; }
  // Link restored and faults off: up, no more faults for new connections,
  // and black-holed connections closed (a hung link would otherwise hold a
  // session until its idle timeout, longer than the heal window).
  void heal();

  // Closes every connection under way (a link that drops them all at once).
  void cutAll() { ++cutEpoch_; }

  // One line per connection that ended (and one per connection under way):
  // its number, fault, bytes each way, and how it ended. The last `lines`.
  std::string journal(size_t lines = 20) const;
  // Connections accepted so far.
  uint64_t connections() const { return accepted_; }

 private:
  struct Conn;
  void acceptLoop();
  void runConn(Conn& c);
  Fault draw(std::mt19937_64& rng);
  void note(const std::string& line);

  std::string name_;
  std::atomic<uint16_t> target_;
  uint64_t seed_;
  int listenFd_ = -1;
  int wakeFds_[2] = {-1, -1};
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false}, down_{false};
  std::atomic<uint64_t> rate_{0};
  std::atomic<uint64_t> downEpoch_{0}, cutEpoch_{0}, healEpoch_{0}, accepted_{0};
  mutable std::mutex mu_;  // guards weights_, conns_ and journal_
  FaultWeights weights_;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<std::string> journal_;
  std::thread acceptor_;
};

}  // namespace renda::multinode
