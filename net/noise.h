// SPDX-License-Identifier: Apache-2.0
// The Noise Protocol Framework (revision 34) on libsodium, for the sync
// session: Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b, plus Noise_XX_... and
// Noise_IK_... with the same primitives. DH is X25519 (crypto_scalarmult),
// the cipher ChaChaPoly (crypto_aead_chacha20poly1305_ietf, nonce = 4 zero
// bytes || u64 LE counter), the hash BLAKE2b-512 (crypto_generichash), with
// HMAC (RFC 2104, 128-byte blocks) and HKDF as Noise section 4.3 builds them.
//
// A handshake, then transport:
//   auto hs = HandshakeState::initiator(config);        // or responder()
//   hs->writeMessage(payload) / hs->readMessage(bytes)   // in pattern order
//   once hs->done(): hs->split() -> {send, receive}; hs->remoteStatic()
//   send.encrypt(ad, plaintext) / receive.decrypt(ad, ciphertext)
// Secrets (static, ephemeral and preshared keys, the chaining key, cipher
// keys) live in sodium_malloc memory and are wiped when freed. Nothing here
// throws except std::bad_alloc; every failure is a Status with a reason:
// InvalidInput for bad peer bytes, a bad configuration or a call out of turn,
// ResourceExhausted for a local limit (a message over 65,535 bytes to send,
// the nonce space used up).
// REQUIRES: sodium_init() was called.
// THREAD SAFETY: none; one HandshakeState or CipherState per thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/crypto.h"
#include "core/status.h"

namespace renda::net::noise {

namespace detail {
class SymmetricState;
// Frees sodium_malloc memory (sodium_free wipes it first).
struct SodiumFree {
  void operator()(void* p) const { sodium_free(p); }
};
}  // namespace detail

// Noise's limit on any message, handshake or transport (section 3).
inline constexpr size_t kMaxMessageBytes = 65535;
inline constexpr size_t kKeyBytes = 32;   // a cipher key or a preshared key
inline constexpr size_t kTagBytes = 16;   // the AEAD tag on every encrypted part
inline constexpr size_t kHashBytes = 64;  // HASHLEN of BLAKE2b
inline constexpr size_t kDhBytes = 32;    // DHLEN of X25519
// The largest plaintext one transport message can carry.
inline constexpr size_t kMaxPlaintextBytes = kMaxMessageBytes - kTagBytes;
// The last nonce a CipherState uses; 2^64-1 is reserved (section 5.1).
inline constexpr uint64_t kMaxNonce = UINT64_MAX - 1;

struct HandshakeHashTag {};
// The handshake hash h after the last handshake message (section 5.2), the
// same on both sides: a session id to bind to (channel binding).
using HandshakeHash = FixedBytes<kHashBytes, HandshakeHashTag>;

// A 32-byte symmetric secret (a preshared key, or a cipher key) in
// sodium_malloc memory. Move-only; wiped on free. Allocation failure throws
// std::bad_alloc, as core's key types do.
class SymmetricKey {
 public:
  // A zeroed key.
  SymmetricKey();
  // A key from exactly kKeyBytes bytes; nullopt for any other length.
  static std::optional<SymmetricKey> fromSpan(const void* p, size_t n);

  unsigned char* data() { return p_.get(); }
  const unsigned char* data() const { return p_.get(); }
  static constexpr size_t size() { return kKeyBytes; }

 private:
  std::unique_ptr<unsigned char, detail::SodiumFree> p_;
};

// One direction of a Noise transport (section 5.1): a key k and a nonce n.
// An empty CipherState (default-constructed, or moved from) has no key and
// refuses to encrypt or decrypt; the two that split() returns have keys.
class CipherState {
 public:
  CipherState() = default;

  // A CipherState with key `key` and nonce 0 (InitializeKey). The key is copied.
  // ResourceExhausted when secure memory cannot be had.
  static Result<CipherState> fromKey(const SymmetricKey& key);

  bool hasKey() const { return k_ != nullptr; }
  // The nonce the next encrypt() or decrypt() will use.
  uint64_t nonce() const { return n_; }

  // ciphertext || 16-byte tag of `plaintext` under the next nonce, with
  // associated data `ad`; the nonce advances. ResourceExhausted when
  // plaintext is over kMaxPlaintextBytes or the nonces are used up (after
  // kMaxNonce, the session must end; rekey() does not renew nonces);
  // InvalidInput without a key.
  Result<std::string> encrypt(crypto::Bytes ad, crypto::Bytes plaintext);
  // The plaintext of `ciphertext` (as encrypt() wrote it) under the next
  // nonce; the nonce advances only on success. InvalidInput when it does not
  // authenticate (wrong key, order, ad, or altered), is shorter than a tag or
  // longer than kMaxMessageBytes, or without a key; ResourceExhausted when the
  // nonces are used up.
  Result<std::string> decrypt(crypto::Bytes ad, crypto::Bytes ciphertext);
  // REKEY (section 4.2): k = the first 32 bytes of ENCRYPT(k, 2^64-1, "",
  // 32 zeros). The nonce is kept. Both sides must rekey at the same message.
  Status rekey();

  // WARNING: tests only. Sets the nonce, so that exhaustion can be tested
  // without 2^64 messages. Setting a nonce that was used before reuses a
  // (key, nonce) pair, which breaks ChaChaPoly's confidentiality.
  void setNonceForTesting(uint64_t n) { n_ = n; }

 private:
  friend class detail::SymmetricState;
  // InitializeKey: a copy of the kKeyBytes at `key`, nonce 0.
  Status initializeKey(const unsigned char* key);

  // sodium_malloc: the key, then room for REKEY's output; null = no key.
  std::unique_ptr<unsigned char, detail::SodiumFree> k_;
  uint64_t n_ = 0;
};

// The two directions of a finished handshake, oriented for this side. For
// the initiator, send is the spec's c1 and receive c2; for the responder the
// other way round.
struct SessionCiphers {
  CipherState send;
  CipherState receive;
};

enum class Pattern {
  kXX,      // -> e; <- e, ee, s, es; -> s, se
  kXXpsk3,  // XX with psk at the end of message 3 (the sync session)
  kIK,      // <- s (known); -> e, es, s, ss; <- e, ee, se (for 0-RTT later)
};

// "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b" and so on.
std::string protocolName(Pattern pattern);
// The number of handshake messages of `pattern` (3 for XX, 2 for IK).
size_t messageCount(Pattern pattern);

// What a handshake needs. The keys are copied by initiator()/responder(); the
// caller may free them afterwards.
struct HandshakeConfig {
  Pattern pattern = Pattern::kXXpsk3;
  // Bound into the transcript: both sides must give the same bytes, or the
  // handshake fails. renda: "renda/noise/v1" || network id.
  std::string_view prologue;
  // This node's X25519 static key. Required: every pattern here has one on both sides.
  const BoxSecretKey* localStatic = nullptr;
  // The responder's static public key. Required for the IK initiator; must
  // be unset otherwise (XX learns it in the handshake).
  std::optional<BoxPublicKey> remoteStatic;
  // The preshared key. Required for XXpsk3; must be null otherwise.
  const SymmetricKey* psk = nullptr;
  // WARNING: tests and fuzzing only. Fixes this side's ephemeral key instead
  // of drawing it from randombytes. An ephemeral key used twice gives up
  // forward secrecy and makes a recorded handshake replayable.
  const BoxSecretKey* ephemeralForTesting = nullptr;
};

// A Noise handshake (section 5.3) for one side. Messages alternate, the
// initiator first; done() after the last one, then split(). Any failure
// (a message that does not authenticate, a low-order point, a call out of
// turn, a size limit) ends the handshake: its secrets are wiped and every
// later call fails with the first failure's reason. Move-only; a moved-from
// HandshakeState may only be destroyed or assigned to.
class HandshakeState {
 public:
  // A handshake for the side that sends the first message (resp. the other
  // side). InvalidInput when `config` lacks what `config.pattern` needs or
  // gives what it must not (see HandshakeConfig); ResourceExhausted when
  // secure memory cannot be had.
  static Result<HandshakeState> initiator(const HandshakeConfig& config);
  static Result<HandshakeState> responder(const HandshakeConfig& config);

  ~HandshakeState();
  HandshakeState(HandshakeState&& other) noexcept;
  HandshakeState& operator=(HandshakeState&& other) noexcept;
  HandshakeState(const HandshakeState&) = delete;
  HandshakeState& operator=(const HandshakeState&) = delete;

  Pattern pattern() const;
  bool isInitiator() const;
  // True while the next call must be writeMessage (false when it must be
  // readMessage, or the handshake is done or failed).
  bool isMyTurn() const;
  // True once the last handshake message was written or read successfully.
  bool done() const;
  // True once any call failed; the handshake is then unusable.
  bool failed() const;

  // The next handshake message, carrying `payload` (encrypted when the
  // pattern has a key by then: in XX, not in message 1). ResourceExhausted
  // when the message would exceed kMaxMessageBytes; InvalidInput when it is
  // not this side's turn, the handshake is done or failed, or a DH gives a
  // low-order result (the peer sent a low-order point).
  Result<std::string> writeMessage(crypto::Bytes payload);
  Result<std::string> writeMessage(std::string_view payload) {
    return writeMessage(crypto::asBytes(payload));
  }
  // Processes the peer's next handshake message and returns its payload.
  // InvalidInput when `message` is over kMaxMessageBytes, too short, does not
  // authenticate (altered; another PSK or prologue; another peer), carries a
  // low-order point, or arrives out of turn or after done or a failure.
  // WARNING: the payload of XX message 1 is neither encrypted nor
  // authenticated. In XXpsk3 the PSK enters only at the end of message 3:
  // messages 1-2 do not prove the peer holds it, and the initiator, done()
  // once it has written message 3, learns that the responder holds it only
  // from the first transport message it decrypts. Act on no payload before
  // done(), and on the initiator side not before that first transport message.
  Result<std::string> readMessage(crypto::Bytes message);
  Result<std::string> readMessage(std::string_view message) {
    return readMessage(crypto::asBytes(message));
  }

  // The transport ciphers, once. InvalidInput before done(), after a
  // failure, or when called a second time. The chaining key is wiped.
  Result<SessionCiphers> split();

  // The handshake hash; nullopt until done().
  std::optional<HandshakeHash> handshakeHash() const;
  // The peer's static public key once it is known: IK's initiator from the
  // start, otherwise from the message that carries it; nullopt before and
  // after a failure.
  // WARNING: the handshake proves only that the peer holds this key. Whether
  // the key belongs to a member (roster, certificate, revocations) is the
  // caller's check (Noise section 14), after done().
  std::optional<BoxPublicKey> remoteStatic() const;

 private:
  struct Impl;
  static Result<HandshakeState> create(const HandshakeConfig& config, bool initiator);
  explicit HandshakeState(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace renda::net::noise
