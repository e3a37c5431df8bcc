// SPDX-License-Identifier: Apache-2.0
// HandshakeState of net/noise.h (Noise section 5.3) for XX, XXpsk3 and IK.
#include "net/noise.h"

#include "net/noise_symmetric.h"

namespace renda::net::noise {

namespace {

enum class Token : uint8_t { kE, kS, kEE, kES, kSE, kSS, kPsk };

struct MessageSpec {
  Token tokens[5];
  uint8_t count;
};

// A handshake pattern (section 7) and its modifiers (section 9).
struct PatternSpec {
  const char* name;
  bool responderKnown;  // pre-message "<- s": the initiator knows the responder's key
  bool psk;             // a psk modifier: "e" tokens also MixKey (section 9.2)
  MessageSpec messages[3];
  uint8_t count;
};

using T = Token;
constexpr PatternSpec kXXSpec = {
    "XX",
    false,
    false,
    {{{T::kE}, 1}, {{T::kE, T::kEE, T::kS, T::kES}, 4}, {{T::kS, T::kSE}, 2}},
    3};
constexpr PatternSpec kXXpsk3Spec = {
    "XXpsk3",
    false,
    true,
    {{{T::kE}, 1}, {{T::kE, T::kEE, T::kS, T::kES}, 4}, {{T::kS, T::kSE, T::kPsk}, 3}},
    3};
constexpr PatternSpec kIKSpec = {
    "IK", true, false, {{{T::kE, T::kES, T::kS, T::kSS}, 4}, {{T::kE, T::kEE, T::kSE}, 3}}, 2};

const PatternSpec& specOf(Pattern p) {
  switch (p) {
    case Pattern::kXX:
      return kXXSpec;
    case Pattern::kXXpsk3:
      return kXXpsk3Spec;
    case Pattern::kIK:
      return kIKSpec;
  }
  RENDA_ASSERT(false);
  return kXXSpec;
}

// Every secret of one side of a handshake, in one secure block (one
// sodium_malloc: each costs about as much as an X25519).
struct Secrets {
  unsigned char s[kDhBytes];  // local static
  unsigned char e[kDhBytes];  // local ephemeral
  unsigned char psk[kKeyBytes];
  unsigned char dh[kDhBytes];  // the last DH output
  detail::SymmetricSecrets symmetric;
};

crypto::Bytes bytesOf(const BoxPublicKey& k) { return {k.data(), k.size()}; }

}  // namespace

std::string protocolName(Pattern pattern) {
  return std::string("Noise_") + specOf(pattern).name + "_25519_ChaChaPoly_BLAKE2b";
}

size_t messageCount(Pattern pattern) { return specOf(pattern).count; }

struct HandshakeState::Impl {
  Pattern pattern;
  const PatternSpec* spec;
  bool initiator;
  size_t next = 0;  // index of the next message
  bool done = false;
  Status failure;  // not ok once failed
  bool fixedEphemeral = false;
  bool hasSpub = false, hasRe = false, hasRs = false;
  BoxPublicKey spub, epub, re, rs;
  detail::Secure<Secrets> secrets;  // declared before `symmetric`, which points into it
  detail::SymmetricState symmetric;
  std::optional<SessionCiphers> ciphers;
  bool splitTaken = false;
  HandshakeHash hash;

  Impl(Pattern p, bool init, detail::Secure<Secrets> block)
      : pattern(p),
        spec(&specOf(p)),
        initiator(init),
        secrets(std::move(block)),
        symmetric(secrets->symmetric, protocolName(p)) {}

  bool myTurn() const { return (next % 2 == 0) == initiator; }
  std::string where(const char* verb) const {
    return "noise: " + protocolName(pattern) + " message " + std::to_string(next + 1) + " (" +
           verb + "): ";
  }

  // Ends the handshake: wipes every secret and keeps `s` as the reason.
  Status fail(Status s) {
    failure = s;
    secrets.wipe();
    ciphers.reset();
    hasRs = hasRe = false;
    return s;
  }
  Status failedEarlier() const {
    return Status::invalid("noise: this handshake failed earlier (" + failure.message() +
                           "); start a new one");
  }
  // Why a write (or read) may not happen now; ok when it may. A call out of
  // turn ends the handshake; one after the end or a failure changes nothing.
  Status checkTurn(bool writing) {
    if (!failure.isOk()) return failedEarlier();
    if (done) return Status::invalid("noise: the handshake is complete; use split()");
    if (myTurn() != writing)
      return fail(Status::invalid(where(writing ? "write" : "read") + "it is the " +
                                  (myTurn() ? "write" : "read") + " turn of this side"));
    return Status::ok();
  }

  // MixKey(DH(priv, pub)); a low-order pub makes crypto_scalarmult fail.
  Status dh(const unsigned char* priv, const BoxPublicKey& pub, const char* verb) {
    if (crypto_scalarmult(secrets->dh, priv, pub.data()) != 0)
      return Status::invalid(where(verb) +
                             "X25519 gave a low-order result (the peer sent a low-order point); "
                             "handshake aborted");
    symmetric.mixKey({secrets->dh, kDhBytes});
    sodium_memzero(secrets->dh, kDhBytes);
    return Status::ok();
  }
  // This side's static public key, computed when first needed.
  const BoxPublicKey& localStaticPublic() {
    if (!hasSpub) {
      crypto_scalarmult_base(spub.data(), secrets->s);
      hasSpub = true;
    }
    return spub;
  }
  Status dhToken(Token t, const char* verb) {
    // es: initiator DH(e, rs), responder DH(s, re); se is the mirror image.
    switch (t) {
      case Token::kEE:
        return dh(secrets->e, re, verb);
      case Token::kES:
        return initiator ? dh(secrets->e, rs, verb) : dh(secrets->s, re, verb);
      case Token::kSE:
        return initiator ? dh(secrets->s, re, verb) : dh(secrets->e, rs, verb);
      case Token::kSS:
        return dh(secrets->s, rs, verb);
      case Token::kPsk:
        symmetric.mixKeyAndHash({secrets->psk, kKeyBytes});
        return Status::ok();
      default:
        RENDA_ASSERT(false);
        return Status::ok();
    }
  }

  Status finishIfLast() {
    ++next;
    if (next < spec->count) return Status::ok();
    auto pair = symmetric.split();
    if (!pair) return pair.status();
    std::memcpy(hash.data(), symmetric.handshakeHash(), kHashBytes);
    auto& [c1, c2] = *pair;
    ciphers = initiator ? SessionCiphers{std::move(c1), std::move(c2)}
                        : SessionCiphers{std::move(c2), std::move(c1)};
    secrets.wipe();
    done = true;
    return Status::ok();
  }

  Status write(crypto::Bytes payload, std::string& out);
  Status read(crypto::Bytes message, std::string& payload);
};

Status HandshakeState::Impl::write(crypto::Bytes payload, std::string& out) {
  const MessageSpec& m = spec->messages[next];
  for (uint8_t i = 0; i < m.count; ++i) {
    Token t = m.tokens[i];
    if (t == Token::kE) {
      if (!fixedEphemeral) randombytes_buf(secrets->e, kDhBytes);
      if (crypto_scalarmult_base(epub.data(), secrets->e) != 0)
        return Status::invalid(where("write") + "the ephemeral key is unusable");
      out.append(reinterpret_cast<const char*>(epub.data()), kDhBytes);
      symmetric.mixHash(bytesOf(epub));
      if (spec->psk) symmetric.mixKey(bytesOf(epub));
    } else if (t == Token::kS) {
      symmetric.encryptAndHash(bytesOf(localStaticPublic()), out);
    } else {
      RENDA_TRY(dhToken(t, "write"));
    }
  }
  symmetric.encryptAndHash(payload, out);
  if (out.size() > kMaxMessageBytes)
    return Status::exhausted(where("write") + "the message would be " + std::to_string(out.size()) +
                             " bytes, over the limit of 65,535");
  return finishIfLast();
}

Status HandshakeState::Impl::read(crypto::Bytes message, std::string& payload) {
  if (message.size() > kMaxMessageBytes)
    return Status::invalid(where("read") + "a message of " + std::to_string(message.size()) +
                           " bytes is over the limit of 65,535");
  const MessageSpec& m = spec->messages[next];
  size_t at = 0;
  for (uint8_t i = 0; i < m.count; ++i) {
    Token t = m.tokens[i];
    if (t == Token::kE) {
      if (message.size() - at < kDhBytes)
        return Status::invalid(where("read") + "too short for the peer's ephemeral key");
      std::memcpy(re.data(), message.data() + at, kDhBytes);
      at += kDhBytes;
      if (detail::isLowOrderPoint(re.data()))
        return Status::invalid(where("read") + "the peer's ephemeral key is a low-order point");
      hasRe = true;
      symmetric.mixHash(bytesOf(re));
      if (spec->psk) symmetric.mixKey(bytesOf(re));
    } else if (t == Token::kS) {
      size_t len = kDhBytes + (symmetric.hasKey() ? kTagBytes : 0);
      if (message.size() - at < len)
        return Status::invalid(where("read") + "too short for the peer's static key");
      std::string key;
      if (!symmetric.decryptAndHash(message.subspan(at, len), key))
        return Status::invalid(where("read") +
                               "the peer's static key did not authenticate (altered in transit, "
                               "or another prologue)");
      at += len;
      std::memcpy(rs.data(), key.data(), kDhBytes);
      if (detail::isLowOrderPoint(rs.data()))
        return Status::invalid(where("read") + "the peer's static key is a low-order point");
      hasRs = true;
    } else {
      RENDA_TRY(dhToken(t, "read"));
    }
  }
  if (symmetric.hasKey() && message.size() - at < kTagBytes)
    return Status::invalid(where("read") + "too short for its authentication tag");
  if (!symmetric.decryptAndHash(message.subspan(at), payload))
    return Status::invalid(where("read") +
                           "did not authenticate (altered in transit, another network key or "
                           "prologue, or not the expected peer)");
  return finishIfLast();
}

// --- public -------------------------------------------------------------------

HandshakeState::HandshakeState(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HandshakeState::~HandshakeState() = default;
HandshakeState::HandshakeState(HandshakeState&&) noexcept = default;
HandshakeState& HandshakeState::operator=(HandshakeState&&) noexcept = default;

Result<HandshakeState> HandshakeState::initiator(const HandshakeConfig& config) {
  return create(config, true);
}

Result<HandshakeState> HandshakeState::responder(const HandshakeConfig& config) {
  return create(config, false);
}

Result<HandshakeState> HandshakeState::create(const HandshakeConfig& c, bool initiator) {
  const PatternSpec& spec = specOf(c.pattern);
  std::string name = protocolName(c.pattern);
  if (!c.localStatic) return Status::invalid("noise: " + name + " needs this node's static key");
  if (spec.psk != (c.psk != nullptr))
    return Status::invalid("noise: " + name + (spec.psk ? " needs" : " takes no") +
                           " preshared key");
  bool needsRemote = spec.responderKnown && initiator;
  if (needsRemote != c.remoteStatic.has_value())
    return Status::invalid("noise: " + name + (needsRemote ? " needs" : " takes no") +
                           " remote static key on this side");
  if (c.remoteStatic && detail::isLowOrderPoint(c.remoteStatic->data()))
    return Status::invalid("noise: the remote static key is a low-order point");

  auto secrets = detail::Secure<Secrets>::make();
  if (!secrets) return Status::exhausted("noise: no secure memory (sodium_malloc failed)");
  auto impl = std::make_unique<Impl>(c.pattern, initiator, std::move(secrets));
  std::memcpy(impl->secrets->s, c.localStatic->data(), kDhBytes);
  if (c.psk) std::memcpy(impl->secrets->psk, c.psk->data(), kKeyBytes);
  if (c.ephemeralForTesting) {
    std::memcpy(impl->secrets->e, c.ephemeralForTesting->data(), kDhBytes);
    impl->fixedEphemeral = true;
  }
  if (c.remoteStatic) {
    impl->rs = *c.remoteStatic;
    impl->hasRs = true;
  }

  detail::SymmetricState& ss = impl->symmetric;
  ss.mixHash(crypto::asBytes(c.prologue));
  // Pre-message "<- s" (IK): both sides hash the responder's static key.
  if (spec.responderKnown) ss.mixHash(bytesOf(initiator ? impl->rs : impl->localStaticPublic()));
  return HandshakeState(std::move(impl));
}

Pattern HandshakeState::pattern() const { return impl_->pattern; }
bool HandshakeState::isInitiator() const { return impl_->initiator; }
bool HandshakeState::isMyTurn() const {
  return impl_->failure.isOk() && !impl_->done && impl_->myTurn();
}
bool HandshakeState::done() const { return impl_->done; }
bool HandshakeState::failed() const { return !impl_->failure.isOk(); }

Result<std::string> HandshakeState::writeMessage(crypto::Bytes payload) {
  Impl& s = *impl_;
  RENDA_TRY(s.checkTurn(true));
  if (payload.size() > kMaxMessageBytes)
    return s.fail(Status::exhausted(s.where("write") + "a payload of " +
                                    std::to_string(payload.size()) +
                                    " bytes is over the limit of 65,535"));
  std::string out;
  if (Status st = s.write(payload, out); !st) return s.fail(st);
  return out;
}

Result<std::string> HandshakeState::readMessage(crypto::Bytes message) {
  Impl& s = *impl_;
  RENDA_TRY(s.checkTurn(false));
  std::string payload;
  if (Status st = s.read(message, payload); !st) return s.fail(st);
  return payload;
}

Result<SessionCiphers> HandshakeState::split() {
  Impl& s = *impl_;
  if (!s.failure.isOk()) return s.failedEarlier();
  if (!s.done) return Status::invalid("noise: split() before the handshake is complete");
  if (s.splitTaken) return Status::invalid("noise: split() was called already");
  s.splitTaken = true;
  SessionCiphers out = std::move(*s.ciphers);
  s.ciphers.reset();
  return out;
}

std::optional<HandshakeHash> HandshakeState::handshakeHash() const {
  if (!impl_->done || !impl_->failure.isOk()) return std::nullopt;
  return impl_->hash;
}

std::optional<BoxPublicKey> HandshakeState::remoteStatic() const {
  if (!impl_->hasRs || !impl_->failure.isOk()) return std::nullopt;
  return impl_->rs;
}

}  // namespace renda::net::noise
