// SPDX-License-Identifier: Apache-2.0
// The evil-peer catalogue (reliability.md §4.5): a real `renda serve`
// process on loopback, and peers that break the sync protocol every way we
// could think of. Each named case ends with its own reason in serve's log, the
// county's store unchanged (fork evidence aside), the server still running
// and an honest township still syncing (tests/evil/evil_world.h, Case).
// Each TEST_CASE builds its world once; its SECTIONs are the cases.
#include <catch2/catch.hpp>

#include <cstring>
#include <thread>

#include "core/limits.h"
#include "net/wire.h"
#include "tests/evil/evil_world.h"

namespace renda::evil {
namespace {

using Kind = net::SyncMsg::Kind;

World& world(int which) {
  static std::map<int, std::unique_ptr<World>> worlds;
  auto& w = worlds[which];
  if (!w) w = std::make_unique<World>();
  return *w;
}

// Handshake as t2 (an enrolled township turned evil).
void openAsT2(World& w, EvilPeer& p) {
  REQUIRE(p.connected());
  Status s = p.handshake(w.t2);
  INFO(s.message());
  REQUIRE(s);
}

// The summaries: the evil peer claims to hold what the server holds, so the
// server has nothing to send it.
void summaries(World& w, EvilPeer& p, bool diverged = true) {
  std::optional<net::SyncMsg> hello;
  for (int i = 0; i < 8 && !hello; ++i) {
    auto m = p.receiveMessage(5000);
    REQUIRE(m);
    auto d = net::decodeSyncMessage(*m);
    REQUIRE(d);
    if (d->kind == Kind::kHello) hello = std::move(*d);
  }
  REQUIRE(hello);
  net::Hello mine;
  mine.node = w.t2Device.publicKey();
  mine.entryCount = uint32_t(hello->hello.entries.size());
  mine.entries = hello->hello.entries;
  mine.zstd = false;
  REQUIRE(p.sendMessage(net::encodeHello(mine)));
  REQUIRE(p.sendMessage(net::encodeSummaryEnd()));
  if (diverged) REQUIRE(p.sendMessage(net::encodeDiverged({})));
}

// One batch holding `envelope`, then the end of the stream.
void sendChange(EvilPeer& p, const std::string& envelope) {
  REQUIRE(p.sendMessage(net::encodeBatch(1, {envelope}, false)));
  (void)p.sendMessage(net::encodeDone(1));
}

std::string bytesOf(uint64_t v) {
  std::string s(8, '\0');
  std::memcpy(s.data(), &v, 8);
  return s;
}
uint64_t wordAt(const std::string& m, size_t word) {
  uint64_t v;
  std::memcpy(&v, m.data() + 8 * word, 8);
  return v;
}
void setWord(std::string& m, size_t word, uint64_t v) { std::memcpy(m.data() + 8 * word, &v, 8); }

// The envelope of t2's next change, with its signature made by `sign`.
std::string t2Envelope(World& w, const std::string& body,
                       const std::function<void(Signature&)>& tamper = {}) {
  std::string good = signChange(w.t2.network, body, w.t2Device);
  if (!tamper) return good;
  auto env = decodeEnvelope(crypto::asBytes(good));
  REQUIRE(env);
  tamper(env->sig);
  return encodeEnvelope(*env);
}

std::string t2NextBody(World& w, const std::string& name) {
  auto chain = w.chainOf("t2", w.t2Device.publicKey());
  REQUIRE(!chain.empty());
  auto top = *chain.rbegin();
  return encodeChange(w.t2Station(top.first + 1, top.second, name));
}

}  // namespace

TEST_CASE("evil peers: frames and the handshake", "[evil]") {
  World& w = world(1);

  SECTION("an empty frame opens the handshake") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    p.sendFrameWithLength(0, "");
    c.finish(p, "sent an empty frame");
  }
  SECTION("a first handshake message of 65,535 bytes") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    p.sendFrame(std::string(65535, '\x55'));
    c.finish(p, "message 1 (read): did not authenticate");
  }
  SECTION("a first handshake message too short for a key") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    p.sendFrame("abc");
    c.finish(p, "too short for the peer's ephemeral key");
  }
  SECTION("a frame cut mid-way, then the link closed") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    p.sendFrameWithLength(1000, std::string(10, 'x'));
    p.halfClose();
    c.finish(p, "the other node closed the link");
  }
  SECTION("slowloris: the handshake one byte at a time") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    std::string m1(34, '\0');  // u16 length 32 | an ephemeral key, a byte every 700 ms
    m1[1] = 32;
    for (size_t i = 0; i < 2 + 32 && p.sendRaw(m1.substr(i, 1)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      if (i > 10) break;
    }
    c.finish(p, "did not answer in time");
  }
  SECTION("a wrong network secret") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    auto id = clone(w.t2);
    randombytes_buf(id.secret.data(), id.secret.size());
    (void)p.handshake(id);  // refused during or right after it
    c.finish(p, "message 3 (read): did not authenticate");
  }
  SECTION("a replayed session") {
    Case c(w);
    std::string captured;
    {
      EvilPeer first(w.nextEvilIp(), w.port);
      first.recordSent(true);
      openAsT2(w, first);
      summaries(w, first);
      captured = first.sent();
    }
    EvilPeer p(w.nextEvilIp(), w.port);
    p.sendRaw(captured);
    c.finish(p, "static key did not authenticate");
  }
  SECTION("a key the county never enrolled") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    auto id = clone(w.ghost);
    id.payload.admission.clear();
    (void)p.handshake(id);  // refused during or right after it
    c.finish(p, "is not enrolled in this county's network");
  }
  SECTION("a revoked key") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    (void)p.handshake(w.rev);  // refused during or right after it
    c.finish(p, "is revoked by the county office");
  }
  SECTION("an expired enrollment") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    (void)p.handshake(w.exp);  // refused during or right after it
    c.finish(p, "enrollment does not cover");
  }
  SECTION("another node's announcement with a made-up transport key") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    auto id = clone(w.t2);
    id.transport = crypto::generateBoxKey();
    (void)p.handshake(id);  // refused during or right after it
    c.finish(p, "does not name the key it used");
  }
  SECTION("a handshake payload with too many certificates") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    auto id = clone(w.t2);
    id.payload.announcement = std::string(3, 'x');
    id.payload.admission.assign(9, "y");
    (void)p.handshake(id);  // refused during or right after it
    c.finish(p, "too many certificates");
  }
}

TEST_CASE("evil peers: messages after the handshake", "[evil]") {
  World& w = world(2);

  SECTION("a frame that does not decrypt") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    p.sendFrame(std::string(40, '\x13'));
    c.finish(p, "does not decrypt");
  }
  SECTION("a frame whose more byte is neither 0 nor 1") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    p.sendPlainFrame("\x07" + net::encodePing(1));
    c.finish(p, "malformed frame");
  }
  SECTION("a message that never ends") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string more = "\x01" + std::string(65000, 'z');
    for (int i = 0; i < 400 && p.sendPlainFrame(more); ++i) {
    }
    c.finish(p, "over the size limit");
  }
  SECTION("a frame cut mid-way after the handshake") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    p.sendFrameWithLength(500, std::string(20, 'q'));
    p.halfClose();
    c.finish(p, "the other node closed the link");
  }
  SECTION("a message with a huge segment count") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string m = net::encodePing(1);
    uint32_t segs = 0x7ffffffe;
    std::memcpy(m.data(), &segs, 4);
    p.sendMessage(m);
    c.finish(p, "segments");
  }
  SECTION("a segment table that lies about the size") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string m = net::encodePing(1);
    uint32_t words = 1u << 28;
    std::memcpy(m.data() + 4, &words, 4);
    p.sendMessage(m);
    c.finish(p, "segment table");
  }
  SECTION("a message that is not a whole number of words") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    p.sendMessage(net::encodePing(1) + "!");
    c.finish(p, "whole number of words");
  }
  SECTION("a root far pointer to a segment that is not there") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string m = net::encodePing(1);
    setWord(m, 1, 2ull | (uint64_t(7) << 32));  // far pointer: segment 7, offset 0
    p.sendMessage(m);
    c.finish(p, "far pointer");
  }
  SECTION("a list pointer that claims half a billion entries") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string m = net::encodeDiverged({w.t2Device.publicKey()});
    // header, root pointer; the root struct's pointer section follows its data.
    uint64_t root = wordAt(m, 1);
    size_t structAt = 2 + size_t(int32_t(uint32_t(root) >> 2));
    size_t ptrAt = structAt + size_t((root >> 32) & 0xffff);
    uint64_t list = wordAt(m, ptrAt);
    list = (list & 0xffffffffull) | (uint64_t(6) << 32) | (uint64_t(500'000'000) << 35);
    setWord(m, ptrAt, list);
    p.sendMessage(m);
    c.finish(p, "out-of-bounds");
  }
  SECTION("a sync message of an unknown kind") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    std::string ping = net::encodePing(0), pong = net::encodePong(0);
    REQUIRE(ping.size() == pong.size());
    size_t at = 0;
    while (at < ping.size() && ping[at] == pong[at]) ++at;
    REQUIRE(at < ping.size());
    ping[at] = 0x63;
    p.sendMessage(ping);
    c.finish(p, "unknown kind");
  }
  SECTION("a hello that names another node than the handshake") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    net::Hello h;
    h.node = crypto::generateSigningKey().publicKey();
    p.sendMessage(net::encodeHello(h));
    c.finish(p, "names another node than its handshake");
  }
  SECTION("hello twice") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    net::Hello h;
    h.node = w.t2Device.publicKey();
    p.sendMessage(net::encodeHello(h));
    p.sendMessage(net::encodeHello(h));
    c.finish(p, "said hello twice");
  }
  SECTION("summary entries out of order") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    net::Hello h;
    h.node = w.t2Device.publicKey();
    VersionEntry a{w.t2Device.publicKey(), 2, {}}, b{w.t2Device.publicKey(), 1, {}};
    h.entries = {a, b};
    h.entryCount = 2;
    p.sendMessage(net::encodeHello(h));
    c.finish(p, "out of order or repeated");
  }
  SECTION("a change batch out of order") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    p.sendMessage(net::encodeBatch(7, {"x"}, false));
    c.finish(p, "change batches are out of order");
  }
  SECTION("an acknowledgement of batches never sent") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    p.sendMessage(net::encodeAck(5));
    c.finish(p, "acknowledged batches that were not sent");
  }
  SECTION("a compressed batch that is not zstd") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    // A batch of plain data with its zstd flag set: the flag is the first
    // byte in which it differs from the same batch compressed.
    std::string z = net::encodeBatch(1, {std::string(2000, 'e')}, true);
    std::string plain = net::encodeBatch(1, {std::string(2000, 'e')}, false);
    size_t at = 8;  // past the segment table
    while (at < 64 && at < plain.size() && plain[at] == z[at]) ++at;
    REQUIRE(at < 64);
    plain[at] = z[at];
    p.sendMessage(plain);
    c.finish(p, "compressed change batch");
  }
  SECTION("a stream that ends at the wrong batch") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    p.sendMessage(net::encodeDone(3));
    c.finish(p, "ended its stream at the wrong batch");
  }
  SECTION("a goodbye in the middle") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    p.sendMessage(net::encodeGoodbye("so long, and thanks for all the keys"));
    c.finish(p, "ended the session: so long, and thanks for all the keys");
  }
}

TEST_CASE("evil peers: forged and malformed changes", "[evil]") {
  World& w = world(3);

  SECTION("a signature with one bit flipped") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    sendChange(p, t2Envelope(w, t2NextBody(w, "伪造"), [](Signature& s) { s.data()[10] ^= 4; }));
    c.finish(p, "has a signature that does not verify");
  }
  SECTION("a malleated signature (S + L)") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    sendChange(p, t2Envelope(w, t2NextBody(w, "可塑"), [](Signature& s) {
      static const unsigned char L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                          0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                          0,    0,    0,    0,    0,    0,    0,    0,
                                          0,    0,    0,    0,    0,    0,    0,    0x10};
      unsigned carry = 0;
      for (int i = 0; i < 32; ++i) {
        unsigned v = s.data()[32 + i] + L[i] + carry;
        s.data()[32 + i] = static_cast<unsigned char>(v);
        carry = v >> 8;
      }
    }));
    c.finish(p, "has a signature that does not verify");
  }
  SECTION("a signature made for another context (a certificate's)") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    std::string body = t2NextBody(w, "别处的签名");
    sendChange(p, t2Envelope(w, body, [&](Signature& s) {
      s = crypto::sign(crypto::kCertContext, w.t2.network, crypto::asBytes(body), w.t2Device);
    }));
    c.finish(p, "has a signature that does not verify");
  }
  SECTION("a number gap") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    auto chain = w.chainOf("t2", w.t2Device.publicKey());
    auto top = *chain.rbegin();
    Link made{crypto::changeId(crypto::asBytes(std::string("nothing"))), top.second.sigHash};
    std::string body = encodeChange(w.t2Station(top.first + 2, made, "跳号"));
    sendChange(p, t2Envelope(w, body));
    c.finish(p, "arrived before its number");
  }
  SECTION("a change body that is not canonical") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    std::string body = t2NextBody(w, "不规范") + std::string(8, '\0');
    sendChange(p, t2Envelope(w, body));
    c.finish(p, "not in canonical form");
  }
  SECTION("a change body nested a hundred deep") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    std::string body;
    for (int i = 0; i < 100; ++i) body += bytesOf(uint64_t(1) << 48);  // struct: 0 data, 1 pointer
    body += bytesOf(0);
    sendChange(p, t2Envelope(w, body));
    c.finish(p, "nesting");
  }
  SECTION("envelope bytes that are not canonical") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    std::string env = t2Envelope(w, t2NextBody(w, "信封"));
    uint32_t words;
    std::memcpy(&words, env.data() + 4, 4);
    ++words;
    std::memcpy(env.data() + 4, &words, 4);
    env += std::string(8, '\0');
    sendChange(p, env);
    c.finish(p, "change envelope is not in canonical form");
  }
  SECTION("a change signed by t2 in t1's name") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    Change ch = w.t2Station(1, std::nullopt, "冒名");
    auto t1 = fixedFromHex<PublicKey>(w.t1Key);
    REQUIRE(t1);
    ch.author = *t1;
    ch.seq = 100;
    ch.prev = crypto::changeId(crypto::asBytes(std::string("x")));
    ch.prevSig = crypto::hash(crypto::asBytes(std::string("y")));
    sendChange(p, t2Envelope(w, encodeChange(ch)));
    c.finish(p, "signed by a key other than its author");
  }
  SECTION("a fork: two changes with one number (kept as evidence)") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    summaries(w, p);
    auto chain = w.chainOf("t2", w.t2Device.publicKey());
    auto top = *chain.rbegin();
    std::optional<Link> prev;
    if (top.first > 1) prev = chain.at(top.first - 1);
    std::string body = encodeChange(w.t2Station(top.first, prev, "分叉"));
    sendChange(p, t2Envelope(w, body));
    // The server commits, acknowledges, and says goodbye; so does the peer.
    for (int i = 0; i < 20 && !p.sawGoodbye(); ++i) (void)p.receiveMessage(2000);
    CHECK(p.sawGoodbye());
    CHECK(p.goodbye().empty());
    p.sendMessage(net::encodeGoodbye(""));
    c.finish(p, "1 fork(s) found", 1);
  }
}

TEST_CASE("evil peers: endless exchanges and floods", "[evil]") {
  World& w = world(4);

  SECTION("pings forever") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    for (int i = 0; i < 5000 && p.sendMessage(net::encodePing(uint64_t(i))); ++i) {
    }
    c.finish(p, "without syncing");
  }
  SECTION("empty summary parts forever") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    net::Hello h;
    h.node = w.t2Device.publicKey();
    h.entryCount = 5;
    h.buckets.resize(limits::kSummaryBuckets);
    p.sendMessage(net::encodeHello(h));
    for (int i = 0; i < 5000 && p.sendMessage(net::encodeSummaryPart({})); ++i) {
    }
    c.finish(p, "empty summary");
  }
  SECTION("the same acknowledgement forever") {
    Case c(w);
    EvilPeer p(w.nextEvilIp(), w.port);
    openAsT2(w, p);
    for (int i = 0; i < 5000 && p.sendMessage(net::encodeAck(0)); ++i) {
    }
    c.finish(p, "without syncing");
  }
  SECTION("a flood of handshakes") {
    Case c(w);
    std::string ip = w.nextEvilIp();
    std::vector<std::unique_ptr<EvilPeer>> flood;
    for (int i = 0; i < 24; ++i) {
      flood.push_back(std::make_unique<EvilPeer>(ip, w.port));
      flood.back()->sendFirstHandshakeMessage(w.t2);
    }
    std::string turned = w.waitLog("turned away " + ip + ":", c.logFrom(), 15000);
    CHECK_THAT(turned, Catch::Contains("too many handshakes"));
    // Honest peers still get in while the flood lasts.
    Run r = w.h.ok("t1", {"sync", w.address(), "--json"});
    CHECK(clitest::parseJson(r.out)["ok"].boolean);
    for (auto& p : flood) CHECK(p->waitClosed(15000));
    std::string line = w.waitLog("session from " + ip + ":", c.logFrom(), 15000);
    CHECK_THAT(line, Catch::Contains("did not answer in time"));
    c.afterwards(0);
  }
  SECTION("more sessions than one key may have") {
    Case c(w);
    EvilPeer a(w.nextEvilIp(), w.port), b(w.nextEvilIp(), w.port);
    openAsT2(w, a);
    openAsT2(w, b);
    EvilPeer p(w.nextEvilIp(), w.port);
    (void)p.handshake(w.t2);  // refused during or right after it
    c.finish(p, "already has 2 sessions open here");
    a.close();
    b.close();
  }
}

}  // namespace renda::evil
