// SPDX-License-Identifier: Apache-2.0
// Noise handshake and transport (net/noise.h): what must fail does, and a
// failed handshake stays failed. Wrong PSK, wrong prologue, every bit of every
// handshake message flipped, low-order points, a replayed first message,
// messages over 65,535 bytes, nonce exhaustion, REKEY, calls out of turn and
// bad configurations. Conformance with published vectors is in
// noise_vectors_test.cpp.
#include "net/noise.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "net/noise_symmetric.h"
#include "tests/net/noise_fixtures.h"

namespace renda::net::noise {
namespace {

using namespace testutil;

const Pattern kAllPatterns[] = {Pattern::kXXpsk3, Pattern::kXX, Pattern::kIK};

// After a failure every call fails, and nothing of the session is exposed.
void checkUnusable(HandshakeState& h) {
  CHECK(h.failed());
  CHECK_FALSE(h.done());
  CHECK_FALSE(h.isMyTurn());
  auto w = h.writeMessage("x");
  REQUIRE_FALSE(w.isOk());
  CHECK(w.status().code() == Code::kInvalidInput);
  CHECK(says(w.status(), "failed earlier"));
  CHECK_FALSE(h.readMessage(std::string(100, 'x')).isOk());
  CHECK_FALSE(h.split().isOk());
  CHECK_FALSE(h.handshakeHash().has_value());
  CHECK_FALSE(h.remoteStatic().has_value());
}

TEST_CASE("Noise: a handshake completes, both sides agree, and transport works both ways",
          "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    INFO(protocolName(p));
    PairSetup setup(p);
    HandshakeState init = setup.initiator(), resp = setup.responder();
    CHECK(init.isInitiator());
    CHECK(init.isMyTurn());
    CHECK_FALSE(resp.isMyTurn());
    CHECK_FALSE(init.handshakeHash());
    RunResult r = runHandshake(init, resp);
    REQUIRE(r.completed);
    for (size_t i = 0; i < r.payloadsRead.size(); ++i)
      CHECK(r.payloadsRead[i] == "payload " + std::to_string(i));
    REQUIRE(init.handshakeHash());
    CHECK(init.handshakeHash() == resp.handshakeHash());
    CHECK(init.remoteStatic() == setup.respStatic.publicKey());
    CHECK(resp.remoteStatic() == setup.initStatic.publicKey());

    auto ci = init.split(), cr = resp.split();
    REQUIRE(ci.isOk());
    REQUIRE(cr.isOk());
    for (int round = 0; round < 3; ++round) {
      auto a = ci->send.encrypt(crypto::asBytes("ad"), crypto::asBytes("to the responder"));
      REQUIRE(a.isOk());
      auto pa = cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(*a));
      REQUIRE(pa.isOk());
      CHECK(*pa == "to the responder");
      auto b = cr->send.encrypt({}, crypto::asBytes("to the initiator"));
      REQUIRE(b.isOk());
      auto pb = ci->receive.decrypt({}, crypto::asBytes(*b));
      REQUIRE(pb.isOk());
      CHECK(*pb == "to the initiator");
    }
    CHECK(ci->send.nonce() == 3);
    // split() gives the ciphers once.
    CHECK_FALSE(init.split().isOk());
  }
}

TEST_CASE("Noise: fresh ephemerals make every session's keys and hash different", "[net][noise]") {
  PairSetup setup;
  HandshakeState i1 = setup.initiator(), r1 = setup.responder();
  HandshakeState i2 = setup.initiator(), r2 = setup.responder();
  RunResult a = runHandshake(i1, r1), b = runHandshake(i2, r2);
  REQUIRE(a.completed);
  REQUIRE(b.completed);
  CHECK(a.sent[0] != b.sent[0]);
  CHECK(i1.handshakeHash() != i2.handshakeHash());
}

TEST_CASE("Noise: a wrong PSK makes the responder's read of message 3 fail", "[net][noise]") {
  PairSetup setup;
  setup.respPsk = pskFromByte(0x5b);
  HandshakeState init = setup.initiator(), resp = setup.responder();
  RunResult r = runHandshake(init, resp);
  REQUIRE_FALSE(r.completed);
  CHECK(r.failedMessage == 2);
  CHECK_FALSE(r.failedOnWrite);
  CHECK(r.status.code() == Code::kInvalidInput);
  CHECK(says(r.status, "did not authenticate"));
  checkUnusable(resp);
  // The initiator wrote its last message, so it is done; without the
  // responder's reply in the session protocol it never hears back.
  CHECK(init.done());
}

TEST_CASE("Noise: a different prologue on either side makes the handshake fail", "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    for (bool onResponder : {true, false}) {
      INFO(protocolName(p) << (onResponder ? ", responder's" : ", initiator's") << " prologue");
      PairSetup setup(p);
      (onResponder ? setup.respPrologue : setup.initPrologue) = "renda/noise/v1 other";
      HandshakeState init = setup.initiator(), resp = setup.responder();
      RunResult r = runHandshake(init, resp);
      REQUIRE_FALSE(r.completed);
      CHECK_FALSE(r.failedOnWrite);
      // XX message 1 is not encrypted: the initiator finds out at message 2.
      CHECK(r.failedMessage == (p == Pattern::kXX ? 1u : 0u));
      checkUnusable(r.failedMessage % 2 == 0 ? resp : init);
    }
  }
}

TEST_CASE("Noise: a flipped bit anywhere in any handshake message makes the handshake fail",
          "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    INFO(protocolName(p));
    PairSetup setup(p);
    setup.fixedEphemerals();  // the same messages every run, so each bit is tried once
    HandshakeState i0 = setup.initiator(), r0 = setup.responder();
    RunResult clean = runHandshake(i0, r0);
    REQUIRE(clean.completed);
    size_t tried = 0;
    for (size_t m = 0; m < clean.sent.size(); ++m) {
      for (size_t bit = 0; bit < clean.sent[m].size() * 8; ++bit) {
        INFO("message " << m << " bit " << bit);
        HandshakeState init = setup.initiator(), resp = setup.responder();
        RunResult r = runHandshake(init, resp, [&](size_t i, std::string& msg) {
          if (i == m) msg[bit / 8] = static_cast<char>(msg[bit / 8] ^ (1 << (bit % 8)));
        });
        REQUIRE_FALSE(r.completed);
        REQUIRE(r.failedMessage >= m);
        REQUIRE(r.status.code() == Code::kInvalidInput);
        // A flip in XX message 1 (plaintext) shows at message 2; any other at once.
        REQUIRE(r.failedMessage == ((p == Pattern::kXX && m == 0) ? 1u : m));
        ++tried;
      }
    }
    WARN(protocolName(p) << ": " << tried << " single-bit flips, every one refused");
  }
}

// libsodium's small-order X25519 points, and with the unused top bit set.
std::vector<BoxPublicKey> lowOrderPoints() {
  const char* hex[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  std::vector<BoxPublicKey> out;
  for (const char* h : hex) {
    auto k = fixedFromHex<BoxPublicKey>(h);
    REQUIRE(k);
    out.push_back(*k);
    k->bytes[31] |= 0x80;
    out.push_back(*k);
  }
  return out;
}

TEST_CASE("Noise: the low-order list matches what crypto_scalarmult refuses", "[net][noise]") {
  BoxSecretKey scalar = keyFromByte(0x77);
  unsigned char out[32];
  for (const auto& point : lowOrderPoints()) {
    INFO(toHex(point));
    CHECK(detail::isLowOrderPoint(point.data()));
    CHECK(crypto_scalarmult(out, scalar.data(), point.data()) == -1);
  }
  for (int i = 0; i < 100; ++i) {
    BoxSecretKey k = crypto::generateBoxKey();
    CHECK_FALSE(detail::isLowOrderPoint(k.publicKey().data()));
  }
}

TEST_CASE("Noise: a low-order ephemeral key from the peer aborts the handshake", "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    for (const auto& point : lowOrderPoints()) {
      // In message 1 the responder refuses it, in message 2 the initiator.
      for (size_t m : {0u, 1u}) {
        INFO(protocolName(p) << " point " << toHex(point) << " in message " << m + 1);
        PairSetup setup(p);
        HandshakeState init = setup.initiator(), resp = setup.responder();
        RunResult r = runHandshake(init, resp, [&](size_t i, std::string& msg) {
          if (i == m) std::memcpy(msg.data(), point.data(), 32);
        });
        REQUIRE_FALSE(r.completed);
        CHECK(r.failedMessage == m);
        CHECK(says(r.status, "ephemeral key is a low-order point"));
        checkUnusable(m == 0 ? resp : init);
      }
    }
  }
  // An IK initiator is not even built for a low-order responder key.
  PairSetup setup(Pattern::kIK);
  HandshakeConfig c = setup.config(true);
  c.remoteStatic = lowOrderPoints()[2];
  auto h = HandshakeState::initiator(c);
  REQUIRE_FALSE(h.isOk());
  CHECK(says(h.status(), "low-order"));
}

TEST_CASE("Noise: a low-order static key, validly encrypted by the peer, is refused",
          "[net][noise]") {
  // A peer may encrypt any 32 bytes as its static key; X25519 with a
  // low-order one would make every DH with it predictable. A hand-built
  // XX(psk3) responder sends one in message 2 under the right keys.
  for (Pattern p : {Pattern::kXXpsk3, Pattern::kXX}) {
    for (const auto& point : lowOrderPoints()) {
      INFO(protocolName(p) << " point " << toHex(point));
      PairSetup setup(p);
      HandshakeState init = setup.initiator();
      auto m1 = init.writeMessage("hello");
      REQUIRE(m1.isOk());

      auto secrets = detail::Secure<detail::SymmetricSecrets>::make();
      REQUIRE(secrets);
      detail::SymmetricState handBuilt(*secrets, protocolName(p));
      detail::SymmetricState* ss = &handBuilt;
      ss->mixHash(crypto::asBytes(setup.respPrologue));
      BoxPublicKey re = *BoxPublicKey::fromSpan(m1->data(), 32);
      ss->mixHash({re.data(), 32});
      if (p == Pattern::kXXpsk3) ss->mixKey({re.data(), 32});
      std::string payload;
      REQUIRE(ss->decryptAndHash(crypto::asBytes(m1->substr(32)), payload).isOk());
      CHECK(payload == "hello");

      BoxSecretKey e = keyFromByte(0x44);
      BoxPublicKey epub = e.publicKey();
      std::string m2(reinterpret_cast<const char*>(epub.data()), 32);
      ss->mixHash({epub.data(), 32});
      if (p == Pattern::kXXpsk3) ss->mixKey({epub.data(), 32});
      unsigned char dh[32];
      REQUIRE(crypto_scalarmult(dh, e.data(), re.data()) == 0);
      ss->mixKey({dh, 32});
      ss->encryptAndHash({point.data(), 32}, m2);
      m2 += std::string(16, '\0');  // what would follow does not matter

      auto got = init.readMessage(m2);
      REQUIRE_FALSE(got.isOk());
      CHECK(says(got.status(), "static key is a low-order point"));
      checkUnusable(init);
    }
  }
}

TEST_CASE("Noise: a replayed message 1 meets fresh ephemerals and the session cannot complete",
          "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    INFO(protocolName(p));
    PairSetup setup(p);
    HandshakeState init = setup.initiator(), resp = setup.responder();
    RunResult original = runHandshake(init, resp);
    REQUIRE(original.completed);

    // An eavesdropper replays the recorded messages to a fresh responder.
    HandshakeState replayed = setup.responder();
    REQUIRE(replayed.readMessage(original.sent[0]).isOk());
    auto reply = replayed.writeMessage("payload 1");
    REQUIRE(reply.isOk());
    CHECK(*reply != original.sent[1]);  // a new responder ephemeral: a new transcript
    if (original.sent.size() > 2) {
      auto third = replayed.readMessage(original.sent[2]);
      REQUIRE_FALSE(third.isOk());
      CHECK(says(third.status(), "did not authenticate"));
      checkUnusable(replayed);
    } else {
      // IK: the responder is done after its reply, but its keys are bound
      // to its new ephemeral, which the replayer cannot use.
      REQUIRE(replayed.done());
      auto mine = replayed.split();
      REQUIRE(mine.isOk());
      auto old = resp.split();
      REQUIRE(old.isOk());
      auto ct = old->send.encrypt({}, crypto::asBytes("old session"));
      REQUIRE(ct.isOk());
      CHECK_FALSE(mine->receive.decrypt({}, crypto::asBytes(*ct)).isOk());
      CHECK(replayed.handshakeHash() != resp.handshakeHash());
    }
  }
}

TEST_CASE("Noise: messages over 65,535 bytes are refused on write and on read",
          "[net][noise][limits]") {
  PairSetup setup;
  // XXpsk3 message 1 = e (32) || payload || tag (16): 65,487 bytes of payload is the most.
  const size_t most = kMaxMessageBytes - kDhBytes - kTagBytes;
  {
    HandshakeState init = setup.initiator(), resp = setup.responder();
    auto m = init.writeMessage(std::string(most, 'p'));
    REQUIRE(m.isOk());
    CHECK(m->size() == kMaxMessageBytes);
    auto got = resp.readMessage(*m);
    REQUIRE(got.isOk());
    CHECK(got->size() == most);
  }
  {
    HandshakeState init = setup.initiator();
    auto m = init.writeMessage(std::string(most + 1, 'p'));
    REQUIRE_FALSE(m.isOk());
    CHECK(m.status().code() == Code::kResourceExhausted);
    CHECK(says(m.status(), "65,535"));
    checkUnusable(init);
  }
  {
    HandshakeState init = setup.initiator();
    auto m = init.writeMessage(std::string(kMaxMessageBytes + 1, 'p'));
    REQUIRE_FALSE(m.isOk());
    checkUnusable(init);
  }
  {
    HandshakeState resp = setup.responder();
    auto got = resp.readMessage(std::string(kMaxMessageBytes + 1, 'x'));
    REQUIRE_FALSE(got.isOk());
    CHECK(got.status().code() == Code::kInvalidInput);
    CHECK(says(got.status(), "65,535"));
    checkUnusable(resp);
  }
  // Transport: 65,519 bytes of plaintext fill a 65,535-byte message.
  Established s = establish(setup);
  SessionCiphers *ci = &s.init, *cr = &s.resp;
  std::string big(kMaxPlaintextBytes, 'z');
  auto ct = ci->send.encrypt({}, crypto::asBytes(big));
  REQUIRE(ct.isOk());
  CHECK(ct->size() == kMaxMessageBytes);
  CHECK(cr->receive.decrypt({}, crypto::asBytes(*ct)).isOk());
  auto over = ci->send.encrypt({}, crypto::asBytes(big + "z"));
  REQUIRE_FALSE(over.isOk());
  CHECK(over.status().code() == Code::kResourceExhausted);
  CHECK(ci->send.nonce() == 1);  // a refused encrypt uses no nonce
  auto tooLong = cr->receive.decrypt({}, crypto::asBytes(std::string(kMaxMessageBytes + 1, 'x')));
  REQUIRE_FALSE(tooLong.isOk());
  CHECK(tooLong.status().code() == Code::kInvalidInput);
}

TEST_CASE("Noise: short and truncated handshake messages are refused", "[net][noise]") {
  for (Pattern p : kAllPatterns) {
    INFO(protocolName(p));
    PairSetup setup(p);
    setup.fixedEphemerals();
    HandshakeState i0 = setup.initiator(), r0 = setup.responder();
    RunResult clean = runHandshake(i0, r0);
    REQUIRE(clean.completed);
    for (size_t m = 0; m < clean.sent.size(); ++m) {
      for (size_t n = 0; n < clean.sent[m].size(); ++n) {
        INFO("message " << m << " cut to " << n << " bytes");
        HandshakeState init = setup.initiator(), resp = setup.responder();
        RunResult r = runHandshake(init, resp, [&](size_t i, std::string& msg) {
          if (i == m) msg.resize(n);
        });
        REQUIRE_FALSE(r.completed);
        REQUIRE(r.status.code() == Code::kInvalidInput);
      }
    }
  }
}

TEST_CASE("Noise: a CipherState refuses to go past nonce 2^64-2", "[net][noise][limits]") {
  Established s = establish(PairSetup());
  SessionCiphers *ci = &s.init, *cr = &s.resp;
  ci->send.setNonceForTesting(kMaxNonce);
  cr->receive.setNonceForTesting(kMaxNonce);
  auto last = ci->send.encrypt({}, crypto::asBytes("last"));
  REQUIRE(last.isOk());
  auto got = cr->receive.decrypt({}, crypto::asBytes(*last));
  REQUIRE(got.isOk());
  CHECK(*got == "last");
  CHECK(ci->send.nonce() == UINT64_MAX);
  auto after = ci->send.encrypt({}, crypto::asBytes("one more"));
  REQUIRE_FALSE(after.isOk());
  CHECK(after.status().code() == Code::kResourceExhausted);
  CHECK(says(after.status(), "nonces"));
  auto afterRead = cr->receive.decrypt({}, crypto::asBytes(*last));
  REQUIRE_FALSE(afterRead.isOk());
  CHECK(afterRead.status().code() == Code::kResourceExhausted);
  // rekey() keeps the nonce: it does not buy more messages.
  REQUIRE(ci->send.rekey().isOk());
  CHECK_FALSE(ci->send.encrypt({}, crypto::asBytes("x")).isOk());
}

TEST_CASE("Noise: REKEY is ENCRYPT(k, 2^64-1, empty, 32 zeros) truncated, nonce kept",
          "[net][noise]") {
  SymmetricKey key = pskFromByte(0x42);
  CipherState a = std::move(*CipherState::fromKey(key));
  REQUIRE(a.encrypt({}, crypto::asBytes("before")).isOk());
  REQUIRE(a.rekey().isOk());
  CHECK(a.nonce() == 1);
  auto ct = a.encrypt(crypto::asBytes("ad"), crypto::asBytes("after rekey"));
  REQUIRE(ct.isOk());

  // The same computed by hand with libsodium.
  unsigned char nonce[12] = {0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  unsigned char zeros[32] = {}, next[48];
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(next, &len, zeros, 32, nullptr, 0, nullptr, nonce,
                                            key.data());
  unsigned char n1[12] = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  std::string want(11 + 16, '\0');
  crypto_aead_chacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(want.data()), &len,
                                            reinterpret_cast<const unsigned char*>("after rekey"),
                                            11, reinterpret_cast<const unsigned char*>("ad"), 2,
                                            nullptr, n1, next);
  CHECK(toHex(ct->data(), ct->size()) == toHex(want.data(), want.size()));

  // The receiver must rekey at the same point.
  CipherState c = std::move(*CipherState::fromKey(key));
  c.setNonceForTesting(1);
  CHECK_FALSE(c.decrypt(crypto::asBytes("ad"), crypto::asBytes(*ct)).isOk());
  REQUIRE(c.rekey().isOk());
  auto pt = c.decrypt(crypto::asBytes("ad"), crypto::asBytes(*ct));
  REQUIRE(pt.isOk());
  CHECK(*pt == "after rekey");
}

TEST_CASE("Noise: transport refuses altered, reordered or misattributed messages", "[net][noise]") {
  Established s = establish(PairSetup());
  SessionCiphers *ci = &s.init, *cr = &s.resp;
  auto m0 = ci->send.encrypt(crypto::asBytes("ad"), crypto::asBytes("first"));
  auto m1 = ci->send.encrypt(crypto::asBytes("ad"), crypto::asBytes("second"));
  REQUIRE(m0.isOk());
  REQUIRE(m1.isOk());
  // Out of order, other ad, flipped bit, too short: refused, nonce unchanged.
  CHECK_FALSE(cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(*m1)).isOk());
  CHECK_FALSE(cr->receive.decrypt(crypto::asBytes("other"), crypto::asBytes(*m0)).isOk());
  std::string flipped = *m0;
  flipped[3] ^= 1;
  CHECK_FALSE(cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(flipped)).isOk());
  CHECK_FALSE(
      cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(m0->substr(0, 15))).isOk());
  // The initiator's own receive cipher is the other direction.
  CHECK_FALSE(ci->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(*m0)).isOk());
  CHECK(cr->receive.nonce() == 0);
  CHECK(cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(*m0)).isOk());
  CHECK(cr->receive.decrypt(crypto::asBytes("ad"), crypto::asBytes(*m1)).isOk());
  // A CipherState without a key refuses rather than passing plaintext through.
  CipherState empty;
  CHECK_FALSE(empty.hasKey());
  CHECK_FALSE(empty.encrypt({}, crypto::asBytes("x")).isOk());
  CHECK_FALSE(empty.decrypt({}, crypto::asBytes(*m0)).isOk());
  CHECK_FALSE(empty.rekey().isOk());
}

TEST_CASE("Noise: a call out of turn ends the handshake, a call after the end changes nothing",
          "[net][noise]") {
  PairSetup setup;
  {
    HandshakeState resp = setup.responder();
    auto w = resp.writeMessage("too early");
    REQUIRE_FALSE(w.isOk());
    CHECK(says(w.status(), "turn"));
    checkUnusable(resp);
  }
  {
    HandshakeState init = setup.initiator();
    auto r = init.readMessage(std::string(48, 'x'));
    REQUIRE_FALSE(r.isOk());
    checkUnusable(init);
  }
  {
    HandshakeState init = setup.initiator(), resp = setup.responder();
    CHECK_FALSE(init.split().isOk());  // before the end: refused, not fatal
    CHECK_FALSE(init.failed());
    REQUIRE(runHandshake(init, resp).completed);
    auto w = init.writeMessage("after the end");
    REQUIRE_FALSE(w.isOk());
    CHECK(says(w.status(), "complete"));
    CHECK_FALSE(init.failed());
    CHECK(init.split().isOk());
    CHECK(init.handshakeHash());
  }
}

TEST_CASE("Noise: configurations that do not fit the pattern are refused", "[net][noise]") {
  PairSetup setup;
  BoxSecretKey other = keyFromByte(0x66);
  SymmetricKey psk = pskFromByte(1);
  struct Case {
    Pattern pattern;
    bool initiator;
    std::function<void(HandshakeConfig&)> change;
    const char* says;
  };
  const Case cases[] = {
      {Pattern::kXXpsk3, true, [](HandshakeConfig& c) { c.localStatic = nullptr; }, "static"},
      {Pattern::kXXpsk3, false, [](HandshakeConfig& c) { c.psk = nullptr; }, "preshared"},
      {Pattern::kXX, true, [&](HandshakeConfig& c) { c.psk = &psk; }, "preshared"},
      {Pattern::kIK, true, [](HandshakeConfig& c) { c.remoteStatic.reset(); }, "remote static"},
      {Pattern::kXX, true, [&](HandshakeConfig& c) { c.remoteStatic = other.publicKey(); },
       "remote static"},
      {Pattern::kIK, false, [&](HandshakeConfig& c) { c.remoteStatic = other.publicKey(); },
       "remote static"},
  };
  for (const auto& k : cases) {
    INFO(protocolName(k.pattern) << (k.initiator ? " initiator" : " responder") << ": " << k.says);
    setup.pattern = k.pattern;
    HandshakeConfig c = setup.config(k.initiator);
    k.change(c);
    auto h = k.initiator ? HandshakeState::initiator(c) : HandshakeState::responder(c);
    REQUIRE_FALSE(h.isOk());
    CHECK(h.status().code() == Code::kInvalidInput);
    CHECK(says(h.status(), k.says));
  }
}

TEST_CASE("Noise: protocol names and message counts", "[net][noise]") {
  CHECK(protocolName(Pattern::kXXpsk3) == "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b");
  CHECK(protocolName(Pattern::kXX) == "Noise_XX_25519_ChaChaPoly_BLAKE2b");
  CHECK(protocolName(Pattern::kIK) == "Noise_IK_25519_ChaChaPoly_BLAKE2b");
  CHECK(messageCount(Pattern::kXXpsk3) == 3);
  CHECK(messageCount(Pattern::kIK) == 2);
}

}  // namespace
}  // namespace renda::net::noise
