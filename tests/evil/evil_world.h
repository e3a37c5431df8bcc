// SPDX-License-Identifier: Apache-2.0
// The evil-peer catalogue's world: a county office serving (`renda serve`,
// a real process on a loopback port), an honest township (t1) that syncs
// with it after every case, and the identities evil peers borrow: an
// enrolled township turned evil (t2), a revoked node, a node whose
// enrollment has expired by the time the server runs, and a node the county
// office never heard of (enrolled by a copy of the county's folder).
// A Case snapshots the county's store first and checks, at its end, that the
// evil session ended with its own reason in serve's log, the store is as it
// was, the server still runs and the honest township still syncs.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "app/node/node.h"
#include "app/serve/session.h"
#include "core/change.h"
#include "core/crypto.h"
#include "storage/store.h"
#include "tests/app/trust_cli_fixtures.h"
#include "tests/net/evil_peer.h"

namespace renda::evil {

using clitest::Harness;
using clitest::Run;

inline uint16_t freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// What a node shows in a handshake, read from its data folder.
inline Identity identityOf(const std::string& dir) {
  auto node = app::Node::open(dir);
  REQUIRE(node);
  auto keys = app::loadSessionKeys(**node);
  INFO(dir << ": " << (keys ? std::string() : keys.status().message()));
  REQUIRE(keys);
  Identity id;
  id.network = (*keys)->network.network;
  id.secret = (*keys)->secret;
  std::memcpy(id.transport.data(), (*keys)->transport.data(), BoxSecretKey::size());
  id.payload = (*keys)->payload;
  return id;
}

// One change of a node's chain as the node holds it.
struct Link {
  ChangeId id;
  Hash sigHash;
};

class World {
 public:
  static constexpr uint64_t kHandshakeTimeoutMs = 2000;

  World() {
    h.ok("county", {"county", "init", "--name", "示范县"});
    t1Key = enrollNode(h, "t1", "城关镇", {});
    t2Key = enrollNode(h, "t2", "东风乡", {});
    revKey = enrollNode(h, "rev", "东风乡", {});
    expKey = enrollNode(h, "exp", "东风乡", {"--days", "1"});
    // A node of this county the county office never heard of.
    // (A copy of the county's folder, used under another home folder.)
    clitest::copyTree(h.path("county"), elsewhere.path("county"));
    enrollNode(elsewhere, "ghost", "东风乡", {});
    h.ok("county", {"revoke", "--node", revKey, "--after", "0", "--reason", "laptop lost"});
    h.add("t2", "station", {"--name", "东风乡联络站"});
    t2 = identityOf(h.path("t2"));
    auto device = app::readKeyFile(h.path("t2") + "/device.key");
    REQUIRE(device);
    t2Device = std::move(*device);
    rev = identityOf(h.path("rev"));
    exp = identityOf(h.path("exp"));
    ghost = identityOf(elsewhere.path("ghost"));
    // The server runs two days later: exp's one-day enrollment has ended.
    h.advanceClock(2 * 86400000ull);
    port = freePort();
    serve = h.spawn({"--data", h.path("county"), "serve", "--listen",
                     "127.0.0.1:" + std::to_string(port), "--discovery", "off"},
                    {"RENDA_HANDSHAKE_TIMEOUT_MS=" + std::to_string(kHandshakeTimeoutMs)}, "serve-");
    waitLog("listening on", 0, 15000);
    // t2 was honest once: the county holds its chain.
    h.ok("t2", {"sync", address()});
    honestSync();
  }
  ~World() {
    ::kill(serve, SIGTERM);
    int st;
    ::waitpid(serve, &st, 0);
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  std::string log() { return clitest::readFile(h.path("serve-stderr.txt")); }
  // The first line from byte `from` on that contains `needle`; "" after timeoutMs.
  std::string waitLog(const std::string& needle, size_t from, uint64_t timeoutMs) {
    uint64_t deadline = steadyMs() + timeoutMs;
    for (;;) {
      std::string text = log();
      size_t at = text.size() > from ? text.find(needle, from) : std::string::npos;
      if (at != std::string::npos) {
        size_t begin = text.rfind('\n', at);
        begin = begin == std::string::npos ? 0 : begin + 1;
        size_t end = text.find('\n', at);
        return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      }
      if (steadyMs() > deadline) {
        INFO("serve's log:\n" << text);
        CHECK(false);
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  bool serving() {
    int st;
    return ::waitpid(serve, &st, WNOHANG) == 0;
  }
  // A fresh loopback address for the next evil peer.
  std::string nextEvilIp() { return "127.0.0." + std::to_string(nextIp_++); }

  // The honest township writes and syncs; the county gains the change.
  void honestSync() {
    int64_t before = h.changes("county");
    h.add("t1", "station", {"--name", "城关镇联络站 " + std::to_string(++honest_)});
    Run r = h.ok("t1", {"sync", address(), "--json"});
    auto j = clitest::parseJson(r.out);
    CHECK(j["ok"].boolean);
    int64_t after = h.changes("county");
    CHECK(after > before);
    CHECK(h.changes("t1") == after);
  }

  // t2's chain as t2 holds it: number -> link.
  std::map<uint64_t, Link> chainOf(const std::string& node, const PublicKey& author) {
    auto store = storage::Store::open(h.path(node));
    REQUIRE(store);
    std::map<uint64_t, Link> out;
    REQUIRE((*store)->forEachMissing({}, [&](std::string_view e) {
      auto env = decodeEnvelope(crypto::asBytes(e));
      REQUIRE(env);
      auto c = decodeChange(crypto::asBytes(env->body));
      REQUIRE(c);
      if (c->author == author)
        out[c->seq] = {crypto::changeId(crypto::asBytes(env->body)),
                       crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()))};
      return Status::ok();
    }));
    return out;
  }
  // A station t2 could sign as its change number `seq` following `prev`.
  Change t2Station(uint64_t seq, const std::optional<Link>& prev, const std::string& name) {
    Change c = clitest::RawAuthor::station("东风乡", name);
    c.network = t2.network;
    c.author = t2Device.publicKey();
    c.seq = seq;
    if (prev) {
      c.prev = prev->id;
      c.prevSig = prev->sigHash;
    }
    c.hlc = Hlc::make(h.nowMs() + 1000, 0);
    return c;
  }

  Harness h, elsewhere;
  std::string t1Key, t2Key, revKey, expKey;
  Identity t2, rev, exp, ghost;
  SecretKey t2Device;
  uint16_t port = 0;
  pid_t serve = -1;

 private:
  static std::string enrollNode(Harness& h, const std::string& node, const std::string& township,
                                std::vector<std::string> extra) {
    std::string key = clitest::nodeKeyFrom(h.ok(node, {"init"}).out);
    std::string file = h.path("enroll-" + node + ".bundle");
    std::vector<std::string> args = {"enroll", "--node", key, "--township", township, "-o", file};
    args.insert(args.end(), extra.begin(), extra.end());
    h.ok("county", args);
    h.ok(node, {"join", file});
    return key;
  }

  int nextIp_ = 2;
  int honest_ = 0;
};

// One named case: the county's store before; at the end, the checks every
// case shares.
class Case {
 public:
  explicit Case(World& w) : w_(w) {
    digest_ = w.h.digest("county");
    changes_ = w.h.changes("county");
    logFrom_ = w.log().size();
  }
  size_t logFrom() const { return logFrom_; }

  // The evil session ended (the server closed the link), serve's log has the
  // session's line with `reason`, the store is unchanged (or gained exactly
  // `kept` changes: fork evidence), the server runs and t1 still syncs.
  std::string finish(EvilPeer& p, const std::string& reason, int64_t kept = 0) {
    INFO("evil peer " << p.address());
    CHECK(p.waitClosed(15000));
    std::string line = w_.waitLog("session from " + p.address() + " ", logFrom_, 15000);
    INFO("log line: " << line);
    CHECK_THAT(line, Catch::Contains(reason));
    afterwards(kept);
    return line;
  }
  // The same, for a connection the server turned away before any session.
  void turnedAway(EvilPeer& p, const std::string& reason) {
    CHECK(p.waitClosed(15000));
    std::string line = w_.waitLog("turned away " + p.address() + ": ", logFrom_, 15000);
    INFO("log line: " << line);
    CHECK_THAT(line, Catch::Contains(reason));
    afterwards(0);
  }
  void afterwards(int64_t kept) {
    if (kept == 0) CHECK(w_.h.digest("county") == digest_);
    CHECK(w_.h.changes("county") == changes_ + kept);
    CHECK(w_.serving());
    w_.honestSync();
  }

 private:
  World& w_;
  std::string digest_;
  int64_t changes_ = 0;
  size_t logFrom_ = 0;
};

}  // namespace renda::evil
