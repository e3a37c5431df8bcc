// SPDX-License-Identifier: Apache-2.0
// The fault proxy's own behaviour, against a plain loopback sink: what each
// fault lets through, and partitions that hold or heal a connection.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "tests/multinode/multinode_fixtures.h"

namespace renda::multinode {
namespace {

// A listener that takes one connection, sends `reply`, and keeps what it
// receives until the other side closes (or resets).
class Sink {
 public:
  explicit Sink(std::string reply = "") : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    received_ = std::async(std::launch::async, [this] {
      std::string got;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return got;
      if (!reply_.empty()) (void)::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      char buf[4096];
      for (ssize_t n; (n = ::recv(c, buf, sizeof buf, 0)) > 0;) got.append(buf, size_t(n));
      ::close(c);
      return got;
    });
  }
  ~Sink() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  // What it received, once the connection ended (within 5 s).
  std::string received() {
    REQUIRE(received_.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
    return received_.get();
  }

 private:
  std::string reply_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::future<std::string> received_;
};

int connectTo(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Reads until the other side closes or `ms` pass.
std::string readFor(int fd, int ms) {
  std::string got;
  uint64_t until = steadyNowMs() + uint64_t(ms);
  char buf[4096];
  while (steadyNowMs() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, int(until - steadyNowMs())) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, size_t(n));
  }
  return got;
}

// `count` frames (u16 BE length | body) of `size` bytes each.
std::string frames(int count, size_t size) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += char(size >> 8);
    out += char(size & 0xff);
    out += std::string(size, char('a' + i));
  }
  return out;
}

void sendAll(int fd, const std::string& bytes) {
  REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == ssize_t(bytes.size()));
}

// Whether `got` is a prefix of `data` (frames of `size`) that ends inside a frame.
bool endsMidFrame(const std::string& data, const std::string& got, size_t size) {
  if (got.size() >= data.size() || data.compare(0, got.size(), got) != 0) return false;
  size_t at = 0;
  while (at < got.size()) at += 2 + size;
  return at != got.size();
}

// Both sides send 6 frames of 500 bytes through a proxy doing only `fault`;
// returns what each side received (target, client).
std::pair<std::string, std::string> exchange(uint64_t seed, Fault fault) {
  std::string data = frames(6, 500);
  Sink sink(data);
  FaultProxy proxy("test", sink.port(), seed);
  FaultWeights w = FaultWeights::none();
  w.pass = 0;
  (fault == Fault::kCutMidFrame ? w.cutMidFrame : w.truncate) = 1;
  proxy.setFaults(w);
  int fd = connectTo(proxy.port());
  (void)::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  std::string back = readFor(fd, 3000);
  ::close(fd);
  return {sink.received(), back};
}

}  // namespace

TEST_CASE("FaultProxy: without faults it forwards both ways and passes the close on",
          "[multinode][proxy]") {
  Sink sink("hello from the target");
  FaultProxy proxy("test", sink.port(), 1);
  int fd = connectTo(proxy.port());
  std::string data = frames(20, 3000);
  sendAll(fd, data);
  CHECK(readFor(fd, 300) == "hello from the target");
  ::shutdown(fd, SHUT_WR);
  CHECK(sink.received() == data);
  ::close(fd);
}

TEST_CASE("FaultProxy: a cut mid-frame stops inside a frame and closes both sides",
          "[multinode][proxy]") {
  std::string data = frames(6, 500);
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    auto [there, back] = exchange(seed, Fault::kCutMidFrame);
    CHECK((endsMidFrame(data, there, 500) || endsMidFrame(data, back, 500)));
  }
}

TEST_CASE("FaultProxy: truncation forwards a prefix one way, then closes", "[multinode][proxy]") {
  std::string data = frames(6, 500);
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    INFO("seed " << seed);
    auto [there, back] = exchange(seed, Fault::kTruncate);
    CHECK(data.compare(0, there.size(), there) == 0);
    CHECK(data.compare(0, back.size(), back) == 0);
    CHECK((there.size() < data.size() || back.size() < data.size()));
  }
}

TEST_CASE("FaultProxy: a black hole forwards nothing until the link heals, then closes",
          "[multinode][proxy]") {
  Sink sink("never seen");
  FaultProxy proxy("test", sink.port(), 3);
  FaultWeights w = FaultWeights::none();
  w.pass = 0;
  w.blackHole = 1;
  proxy.setFaults(w);
  int fd = connectTo(proxy.port());
  sendAll(fd, "lost");
  CHECK(readFor(fd, 300).empty());
  proxy.heal();
  CHECK(sink.received().empty());
  CHECK(readFor(fd, 2000).empty());
  ::close(fd);
}

TEST_CASE("FaultProxy: a partition holds or cuts a connection, and a held one resumes after it",
          "[multinode][proxy]") {
  int held = 0, cut = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    Sink sink;
    FaultProxy proxy("test", sink.port(), seed);
    int fd = connectTo(proxy.port());
    sendAll(fd, "before ");
    sleepMs(50);
    proxy.setDown(true);
    sleepMs(50);
    (void)::send(fd, "during", 6, MSG_NOSIGNAL);
    sleepMs(100);
    proxy.setDown(false);
    sleepMs(100);
    ::shutdown(fd, SHUT_WR);
    std::string got = sink.received();
    if (got == "before during")
      ++held;
    else {
      CHECK(got == "before ");
      ++cut;
    }
    ::close(fd);
  }
  CHECK(held > 0);
  CHECK(cut > 0);
}

}  // namespace renda::multinode
