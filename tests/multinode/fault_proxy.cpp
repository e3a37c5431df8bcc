// SPDX-License-Identifier: Apache-2.0
#include "tests/multinode/fault_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <stdexcept>

namespace renda::multinode {

namespace {

uint64_t steadyMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

void setNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Closes with a TCP reset instead of a FIN.
void closeWithReset(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

// Finds a point inside a frame (u16 BE length | bytes) after `skip` whole
// frames of one direction's stream: after the first length byte (a quarter
// of the time) or after the header and some of the body.
class FrameCutter {
 public:
  FrameCutter(uint32_t skip, std::mt19937_64& rng) : skip_(skip), rng_(rng) {}
  // How many of these n bytes may pass; `reached` once the cut point is hit.
  size_t take(const char* p, size_t n, bool& reached) {
    for (size_t i = 0; i < n; ++i) {
      if (cutAt_ && pos_ == *cutAt_) {
        reached = true;
        return i;
      }
      auto byte = static_cast<unsigned char>(p[i]);
      if (header_ == 0) {
        if (frames_ == skip_ && !cutAt_ && rng_() % 4 == 0) cutAt_ = pos_ + 1;
        high_ = byte;
        header_ = 1;
      } else if (header_ == 1) {
        uint32_t len = (uint32_t(high_) << 8) | byte;
        if (frames_ == skip_ && !cutAt_) cutAt_ = pos_ + 1 + (len ? rng_() % len : 0);
        bodyLeft_ = len;
        header_ = 2;
        if (bodyLeft_ == 0) endFrame();
      } else if (--bodyLeft_ == 0) {
        endFrame();
      }
      ++pos_;
    }
    reached = cutAt_ && pos_ == *cutAt_;
    return n;
  }
  std::string where() const {
    return cutAt_ ? "byte " + std::to_string(*cutAt_) + " (frame " + std::to_string(skip_ + 1) + ")"
                  : "frame " + std::to_string(skip_ + 1) + " (not reached)";
  }

 private:
  void endFrame() {
    header_ = 0;
    ++frames_;
  }
  uint32_t skip_;
  std::mt19937_64& rng_;
  uint64_t pos_ = 0;
  int header_ = 0;
  unsigned char high_ = 0;
  uint32_t bodyLeft_ = 0, frames_ = 0;
  std::optional<uint64_t> cutAt_;
};

struct Piece {
  uint64_t dueMs = 0;
  std::string bytes;
  size_t off = 0;
};

// One direction of a connection: from side `from` to the other side.
struct Direction {
  std::deque<Piece> queue;
  size_t queued = 0;
  bool eof = false, shut = false, cutPending = false;
  uint64_t in = 0, out = 0;
  uint64_t delayMs = 0;
  uint64_t lastDueMs = 0;
};

constexpr size_t kMaxQueuedBytes = 1 << 20;

}  // namespace

const char* faultName(Fault f) {
  switch (f) {
    case Fault::kPass:
      return "pass";
    case Fault::kDelay:
      return "delay";
    case Fault::kSplit:
      return "split";
    case Fault::kDrop:
      return "drop";
    case Fault::kTruncate:
      return "truncate";
    case Fault::kCutMidFrame:
      return "cut-mid-frame";
    case Fault::kReset:
      return "reset";
    case Fault::kBlackHole:
      return "black-hole";
  }
  return "?";
}

FaultWeights FaultWeights::flaky() {
  FaultWeights w;
  w.pass = 40;
  w.delay = 15;
  w.split = 10;
  w.drop = 6;
  w.truncate = 8;
  w.cutMidFrame = 10;
  w.reset = 6;
  w.blackHole = 5;
  return w;
}

uint16_t freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind: " + std::string(std::strerror(errno)));
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

struct FaultProxy::Conn {
  uint64_t index = 0;
  int client = -1;
  Fault fault = Fault::kPass;
  std::mt19937_64 rng;
  bool acceptedWhileDown = false;
  std::atomic<bool> finished{false};
  std::thread thread;
};

FaultProxy::FaultProxy(std::string name, uint16_t targetPort, uint64_t seed)
    : name_(std::move(name)), target_(targetPort), seed_(seed) {
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listenFd_, 64) != 0 ||
      ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
      ::pipe2(wakeFds_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("fault proxy " + name_ + ": " + std::strerror(errno));
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { acceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  char c = 0;
  (void)::write(wakeFds_[1], &c, 1);
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::unique_ptr<Conn>> conns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    conns.swap(conns_);
  }
  for (auto& c : conns)
    if (c->thread.joinable()) c->thread.join();
  ::close(listenFd_);
  ::close(wakeFds_[0]);
  ::close(wakeFds_[1]);
}

void FaultProxy::setFaults(const FaultWeights& w) {
  std::lock_guard<std::mutex> lock(mu_);
  weights_ = w;
}

void FaultProxy::setDown(bool down) {
  if (down && !down_) ++downEpoch_;
  down_ = down;
}

void FaultProxy::heal() {
  setFaults(FaultWeights::none());
  setDown(false);
  ++healEpoch_;
}

void FaultProxy::note(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  journal_.push_back(line);
}

std::string FaultProxy::journal(size_t lines) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out = "proxy " + name_ + " (:" + std::to_string(port_) +
                    " -> :" + std::to_string(target_) + ", " + std::to_string(accepted_) +
                    " connections, " + (down_ ? "down" : "up") + ")\n";
  size_t from = journal_.size() > lines ? journal_.size() - lines : 0;
  for (size_t i = from; i < journal_.size(); ++i) out += "  " + journal_[i] + "\n";
  size_t open = 0;
  for (const auto& c : conns_) open += !c->finished;
  if (open) out += "  (" + std::to_string(open) + " connection(s) under way)\n";
  return out;
}

Fault FaultProxy::draw(std::mt19937_64& rng) {
  std::lock_guard<std::mutex> lock(mu_);
  const FaultWeights& w = weights_;
  const std::pair<int, Fault> table[] = {
      {w.pass, Fault::kPass},         {w.delay, Fault::kDelay},
      {w.split, Fault::kSplit},       {w.drop, Fault::kDrop},
      {w.truncate, Fault::kTruncate}, {w.cutMidFrame, Fault::kCutMidFrame},
      {w.reset, Fault::kReset},       {w.blackHole, Fault::kBlackHole}};
  int total = 0;
  for (const auto& [weight, f] : table) total += weight;
  if (total <= 0) return Fault::kPass;
  int x = int(rng() % uint64_t(total));
  for (const auto& [weight, f] : table) {
    if (x < weight) return f;
    x -= weight;
  }
  return Fault::kPass;
}

void FaultProxy::acceptLoop() {
  while (!stopping_) {
    pollfd p[2] = {{listenFd_, POLLIN, 0}, {wakeFds_[0], POLLIN, 0}};
    if (::poll(p, 2, 100) < 0 && errno != EINTR) return;
    {
      // Threads of connections that ended are joined here.
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = conns_.begin(); it != conns_.end();) {
        if ((*it)->finished) {
          (*it)->thread.join();
          it = conns_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (;;) {
      int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) break;
      auto c = std::make_unique<Conn>();
      c->index = ++accepted_;
      c->client = fd;
      c->rng.seed(seed_ * 0x9E3779B97F4A7C15ull + c->index);
      c->fault = draw(c->rng);
      c->acceptedWhileDown = down_;
      Conn* raw = c.get();
      std::lock_guard<std::mutex> lock(mu_);
      conns_.push_back(std::move(c));
      raw->thread = std::thread([this, raw] {
        runConn(*raw);
        raw->finished = true;
      });
    }
  }
}

void FaultProxy::runConn(Conn& c) {
  std::string label = name_ + " #" + std::to_string(c.index) + " " + faultName(c.fault);
  if (c.fault == Fault::kDrop || (c.acceptedWhileDown && c.rng() % 2 == 0)) {
    ::close(c.client);
    note(label + ": closed at once" + (c.acceptedWhileDown ? " (partition)" : ""));
    return;
  }
  // Held from the start: the target hears of it only once the link is up.
  while (c.acceptedWhileDown && down_ && !stopping_) {
    pollfd p{c.client, POLLRDHUP, 0};
    if (::poll(&p, 1, 20) > 0) {
      ::close(c.client);
      note(label + ": the client gave up during the partition");
      return;
    }
  }
  int fds[2] = {c.client, ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  sockaddr_in to = loopback(target_);
  if (fds[1] < 0 || ::connect(fds[1], reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::string why = std::strerror(errno);
    if (fds[1] >= 0) ::close(fds[1]);
    ::close(fds[0]);
    note(label + ": target :" + std::to_string(to.sin_port ? ntohs(to.sin_port) : 0) +
         " unreachable (" + why + ")");
    return;
  }
  int one = 1;
  for (int fd : fds) {
    setNonBlocking(fd);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }

  Direction dir[2];  // 0: client -> target (">"), 1: target -> client ("<")
  int cutDir = int(c.rng() % 2);
  uint64_t truncateAt = c.rng() % 2048;
  FrameCutter cutter(uint32_t(c.rng() % 4), c.rng);
  if (c.fault == Fault::kDelay) {
    dir[0].delayMs = c.rng() % 4 == 0 ? 0 : 5 + c.rng() % 300;
    dir[1].delayMs = c.rng() % 4 == 0 ? 0 : 5 + c.rng() % 300;
  }
  bool cutting =
      c.fault == Fault::kTruncate || c.fault == Fault::kCutMidFrame || c.fault == Fault::kReset;
  uint64_t healSeen = healEpoch_, downSeen = downEpoch_, cutSeen = cutEpoch_;
  bool held = false;
  std::string ending;
  bool reset = false;
  std::vector<char> buf(64 * 1024);

  while (ending.empty()) {
    if (stopping_)
      ending = "proxy stopped";
    else if (cutEpoch_ != cutSeen)
      ending = "cut (the link dropped every connection)";
    else if (c.fault == Fault::kBlackHole && healEpoch_ != healSeen)
      ending = "closed at heal";
    if (!ending.empty()) break;
    if (down_ && downEpoch_ != downSeen) {
      downSeen = downEpoch_;
      if (c.rng() % 2 == 0) {
        ending = "cut by a partition";
        reset = c.rng() % 2 == 0;
        break;
      }
      held = true;
    }
    if (!down_) held = false;
    bool hold = held || c.fault == Fault::kBlackHole;
    uint64_t now = steadyMs();

    pollfd p[2] = {{fds[0], 0, 0}, {fds[1], 0, 0}};
    int timeoutMs = 20;
    for (int d = 0; d < 2; ++d) {
      // Held: only watch for a side that gives up. A side with nothing left
      // to read or to be written is left out (it would report POLLHUP at once).
      if (hold) {
        p[d].events = POLLRDHUP;
        continue;
      }
      if (dir[d].eof && dir[1 - d].shut) p[d].fd = -1;
      Direction& x = dir[d];
      if (!x.eof && !x.cutPending && x.queued < kMaxQueuedBytes) p[d].events |= POLLIN;
      if (!x.queue.empty()) {
        if (x.queue.front().dueMs <= now)
          p[1 - d].events |= POLLOUT;
        else
          timeoutMs = std::min<int>(timeoutMs, int(x.queue.front().dueMs - now));
      }
    }
    if (::poll(p, 2, timeoutMs) < 0) {
      if (errno == EINTR) continue;
      ending = std::string("poll: ") + std::strerror(errno);
      break;
    }
    now = steadyMs();
    for (int d = 0; d < 2 && ending.empty(); ++d) {
      if (hold && (p[d].revents & (POLLRDHUP | POLLHUP | POLLERR))) {
        ending = std::string(d == 0 ? "client" : "target") + " gave up while held";
        break;
      }
      if (p[d].revents & POLLERR) {
        ending = std::string(d == 0 ? "client" : "target") + " reset";
        break;
      }
      Direction& x = dir[d];
      if (p[d].revents & (POLLIN | POLLHUP | POLLRDHUP) && (p[d].events & POLLIN)) {
        ssize_t n = ::recv(fds[d], buf.data(), buf.size(), 0);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
          ending =
              std::string(d == 0 ? "client" : "target") + " reset (" + std::strerror(errno) + ")";
          break;
        }
        if (n == 0) x.eof = true;
        if (n > 0) {
          x.in += uint64_t(n);
          size_t take = size_t(n);
          if (cutting && d == cutDir) {
            if (c.fault == Fault::kTruncate) {
              uint64_t before = x.in - uint64_t(n);
              take = before >= truncateAt ? 0 : size_t(std::min<uint64_t>(n, truncateAt - before));
              x.cutPending = before + take >= truncateAt;
            } else {
              bool reached = false;
              take = cutter.take(buf.data(), size_t(n), reached);
              x.cutPending = reached;
            }
          }
          uint64_t due = std::max(now + x.delayMs, x.lastDueMs);
          uint64_t rate = rate_;
          size_t off = 0;
          while (off < take) {
            size_t len = take - off;
            if (c.fault == Fault::kSplit) {
              len = std::min<size_t>(len, 1 + c.rng() % 16);
              due += c.rng() % 3;
            }
            if (rate) {
              len = std::min<size_t>(len, 4096);
              due += len * 1000 / rate;
            }
            x.queue.push_back(Piece{due, std::string(buf.data() + off, len), 0});
            x.queued += len;
            off += len;
          }
          x.lastDueMs = due;
        }
      }
      Direction& back = dir[1 - d];  // the direction that writes to side d
      if ((p[d].revents & POLLOUT) && !back.queue.empty()) {
        Piece& piece = back.queue.front();
        ssize_t n = ::send(fds[d], piece.bytes.data() + piece.off, piece.bytes.size() - piece.off,
                           MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
          ending =
              std::string(d == 0 ? "client" : "target") + " gone (" + std::strerror(errno) + ")";
          break;
        }
        if (n > 0) {
          piece.off += size_t(n);
          back.out += uint64_t(n);
          back.queued -= size_t(n);
          if (piece.off == piece.bytes.size()) back.queue.pop_front();
        }
      }
    }
    if (!ending.empty()) break;
    for (int d = 0; d < 2; ++d) {
      Direction& x = dir[d];
      if (!x.queue.empty()) continue;
      if (x.cutPending) {
        ending = c.fault == Fault::kTruncate ? "truncated"
                 : c.fault == Fault::kReset  ? "reset mid-frame at " + cutter.where()
                                             : "cut mid-frame at " + cutter.where();
        reset = c.fault == Fault::kReset;
        break;
      }
      if (x.eof && !x.shut) {
        ::shutdown(fds[1 - d], SHUT_WR);
        x.shut = true;
      }
    }
    if (ending.empty() && dir[0].shut && dir[1].shut) ending = "closed";
  }
  for (int fd : fds) reset ? closeWithReset(fd) : (void)::close(fd);
  std::string cutText = cutting ? std::string(" (") + (cutDir == 0 ? ">" : "<") + ")" : "";
  if (c.fault == Fault::kDelay)
    cutText = " (> " + std::to_string(dir[0].delayMs) + " ms, < " + std::to_string(dir[1].delayMs) +
              " ms)";
  note(label + cutText + ": > " + std::to_string(dir[0].out) + "/" + std::to_string(dir[0].in) +
       " B, < " + std::to_string(dir[1].out) + "/" + std::to_string(dir[1].in) + " B; " + ending);
}

}  // namespace renda::multinode
