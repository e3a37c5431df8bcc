// SPDX-License-Identifier: Apache-2.0
// openCertificate and openRevocation: round trips and the decoder negative set
// (truncated, oversized, trailing garbage, not whole words, non-canonical,
// role out of range, bad signature bits, another key, context and network).
#include <capnp/message.h>
#include <capnp/serialize.h>

#include <catch2/catch.hpp>

#include "core/change.h"
#include "core/limits.h"
#include "core/schema/renda.capnp.h"
#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::bytesOf;
using test::dataOf;

struct CertFixture {
  NetworkId net = test::networkFromByte(0x4e);
  SecretKey root = test::keyFromByte(0x01);
  SecretKey device = test::keyFromByte(0x02);
  Certificate cert = makeCertificate(net, device.publicKey(), root, "chengguan", Role::kTownship,
                                     1000, 2000, "Chengguan township office");
  Revocation rev = makeRevocation(net, device.publicKey(), 41, std::nullopt, "laptop stolen", root);

  Status open(const std::string& body) const { return open(body, cert.sig); }
  Status open(const std::string& body, const Signature& sig) const {
    return openCertificate(net, bytesOf(body), sig).status();
  }
  Status openRev(const std::string& body) const {
    return openRevocation(net, bytesOf(body), rev.sig, root.publicKey()).status();
  }
};

// Re-encodes cert's values with a raw builder; `tweak` may change them.
template <typename Fn>
std::string rawCertificate(const Certificate& c, Fn&& tweak) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Certificate>();
  b.setSubject(dataOf(c.subject));
  b.setIssuer(dataOf(c.issuer));
  b.setTownship(c.township);
  b.setRole(static_cast<schema::Role>(c.role));
  b.setValidFromMs(c.validFromMs);
  b.setValidUntilMs(c.validUntilMs);
  b.setLabel(c.label);
  tweak(b);
  return test::canonicalOf(b.asReader());
}

TEST_CASE("Certificate: a signed certificate opens to the same values", "[core][cert]") {
  CertFixture f;
  auto c = openCertificate(f.net, bytesOf(f.cert.body), f.cert.sig);
  REQUIRE(c.isOk());
  CHECK(c->subject == f.device.publicKey());
  CHECK(c->issuer == f.root.publicKey());
  CHECK(c->township == "chengguan");
  CHECK(c->role == Role::kTownship);
  CHECK(c->validFromMs == 1000);
  CHECK(c->validUntilMs == 2000);
  CHECK(c->label == "Chengguan township office");
  CHECK(c->body == f.cert.body);
  CHECK(rawCertificate(f.cert, [](auto) {}) == f.cert.body);

  auto county = makeCertificate(f.net, f.device.publicKey(), f.root, "", Role::kCounty, 0, 0, "");
  auto cc = openCertificate(f.net, bytesOf(county.body), county.sig);
  REQUIRE(cc.isOk());
  CHECK(cc->role == Role::kCounty);
}

TEST_CASE("Certificate: every truncation is refused", "[core][cert][negative]") {
  CertFixture f;
  for (size_t n = 0; n < f.cert.body.size(); ++n) {
    INFO("length " << n);
    CHECK(f.open(f.cert.body.substr(0, n)).code() == Code::kInvalidInput);
  }
}

TEST_CASE("Certificate: a body over kMaxBlobBytes is refused", "[core][cert][limits]") {
  CertFixture f;
  auto big = makeCertificate(f.net, f.device.publicKey(), f.root, "chengguan", Role::kTownship, 0,
                             0, std::string(limits::kMaxBlobBytes, 'L'));
  REQUIRE(big.body.size() > limits::kMaxBlobBytes);
  CHECK_THAT(f.open(big.body, big.sig).message(), Catch::Contains("too large"));
}

TEST_CASE("Certificate: trailing bytes, partial words and a segment table are refused",
          "[core][cert][negative]") {
  CertFixture f;
  CHECK(f.open(f.cert.body).isOk());
  CHECK_THAT(f.open(f.cert.body + std::string(8, '\0')).message(), Catch::Contains("canonical"));
  for (size_t extra = 1; extra < 8; ++extra)
    CHECK_THAT(f.open(f.cert.body + std::string(extra, 'x')).message(),
               Catch::Contains("whole words"));
  std::string table(8, '\0');
  test::writeU32(table, 4, static_cast<uint32_t>(f.cert.body.size() / 8));
  CHECK(f.open(table + f.cert.body).code() == Code::kInvalidInput);
}

TEST_CASE("Certificate: a non-canonical layout of the same values is refused",
          "[core][cert][negative][canonical]") {
  CertFixture f;
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Certificate>();
  b.setLabel(f.cert.label);  // last field first
  b.setTownship(f.cert.township);
  b.setIssuer(dataOf(f.cert.issuer));
  b.setSubject(dataOf(f.cert.subject));
  b.setValidFromMs(f.cert.validFromMs);
  b.setValidUntilMs(f.cert.validUntilMs);
  REQUIRE(test::canonicalOf(b.asReader()) == f.cert.body);
  std::string bytes = test::stringOf(capnp::messageToFlatArray(mb)).substr(8);
  // Even signed correctly, the body must be canonical.
  Signature sig = crypto::sign(crypto::kCertContext, f.net, bytesOf(bytes), f.root);
  CHECK_THAT(f.open(bytes, sig).message(), Catch::Contains("canonical"));
}

TEST_CASE("Certificate: role out of range, missing township or wrong key sizes are refused",
          "[core][cert][negative]") {
  CertFixture f;
  auto signedOpen = [&](const std::string& body) {
    return f.open(body, crypto::sign(crypto::kCertContext, f.net, bytesOf(body), f.root));
  };
  for (uint16_t role : {2, 99, 0xffff}) {
    INFO("role " << role);
    CHECK_THAT(signedOpen(rawCertificate(f.cert,
                                         [&](schema::Certificate::Builder b) {
                                           b.setRole(static_cast<schema::Role>(role));
                                         }))
                   .message(),
               Catch::Contains("role out of range"));
  }
  CHECK_THAT(
      signedOpen(rawCertificate(f.cert, [](schema::Certificate::Builder b) { b.setTownship(""); }))
          .message(),
      Catch::Contains("names no township"));
  CHECK(signedOpen(rawCertificate(f.cert, [](schema::Certificate::Builder b) {
          b.setTownship(std::string(limits::kMaxScopeBytes + 1, 't'));
        })).code() == Code::kInvalidInput);
  std::string k31(31, 'k');
  CHECK(signedOpen(rawCertificate(f.cert, [&](schema::Certificate::Builder b) {
          b.setSubject(dataOf(k31.data(), 31));
        })).code() == Code::kInvalidInput);
  CHECK(signedOpen(rawCertificate(f.cert, [&](schema::Certificate::Builder b) {
          b.setIssuer(dataOf(k31.data(), 31));
        })).code() == Code::kInvalidInput);
}

TEST_CASE("Certificate: a flipped bit in any signature byte or sampled body byte is refused",
          "[core][cert][signature]") {
  CertFixture f;
  for (size_t i = 0; i < Signature::kSize; ++i) {
    Signature bad = f.cert.sig;
    bad.bytes[i] ^= static_cast<unsigned char>(1u << (i % 8));
    INFO("signature byte " << i);
    CHECK_THAT(f.open(f.cert.body, bad).message(), Catch::Contains("does not verify"));
  }
  for (size_t i = 0; i < f.cert.body.size(); i += 3) {
    INFO("body byte " << i);
    CHECK(f.open(test::flipBit(f.cert.body, i * 8 + (i % 8))).code() == Code::kInvalidInput);
  }
}

TEST_CASE("Certificate: a valid signature by another key, context or network is refused",
          "[core][cert][signature]") {
  CertFixture f;
  SecretKey mallory = test::keyFromByte(0x66);
  // The body names the root as issuer; mallory's signature over it is genuine.
  Signature byMallory = crypto::sign(crypto::kCertContext, f.net, bytesOf(f.cert.body), mallory);
  CHECK(f.open(f.cert.body, byMallory).code() == Code::kInvalidInput);
  for (auto ctx : {crypto::kChangeContext, crypto::kRevocationContext, crypto::kBundleContext}) {
    Signature sig = crypto::sign(ctx, f.net, bytesOf(f.cert.body), f.root);
    CHECK(f.open(f.cert.body, sig).code() == Code::kInvalidInput);
  }
  CHECK_FALSE(openCertificate(test::networkFromByte(0x4f), bytesOf(f.cert.body), f.cert.sig));
}

TEST_CASE("Revocation: a root-signed revocation opens to the same values", "[core][revocation]") {
  CertFixture f;
  auto r = openRevocation(f.net, bytesOf(f.rev.body), f.rev.sig, f.root.publicKey());
  REQUIRE(r.isOk());
  CHECK(r->subject == f.device.publicKey());
  CHECK(r->cutoffSeq == 41);
  CHECK(r->reason == "laptop stolen");
  CHECK(r->body == f.rev.body);
}

TEST_CASE("Revocation: the decoder negative set is refused", "[core][revocation][negative]") {
  CertFixture f;
  for (size_t n = 0; n < f.rev.body.size(); ++n) {
    INFO("length " << n);
    CHECK(f.openRev(f.rev.body.substr(0, n)).code() == Code::kInvalidInput);
  }
  CHECK(f.openRev(f.rev.body + std::string(8, '\0')).code() == Code::kInvalidInput);
  CHECK(f.openRev(f.rev.body + "x").code() == Code::kInvalidInput);
  auto big = makeRevocation(f.net, f.device.publicKey(), 1, std::nullopt, std::string(limits::kMaxBlobBytes, 'r'),
                            f.root);
  CHECK_THAT(
      openRevocation(f.net, bytesOf(big.body), big.sig, f.root.publicKey()).status().message(),
      Catch::Contains("too large"));
  // Non-canonical: reason written before subject.
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Revocation>();
  b.setReason(f.rev.reason);
  b.setSubject(dataOf(f.rev.subject));
  b.setCutoffSeq(f.rev.cutoffSeq);
  REQUIRE(test::canonicalOf(b.asReader()) == f.rev.body);
  std::string bytes = test::stringOf(capnp::messageToFlatArray(mb)).substr(8);
  Signature sig = crypto::sign(crypto::kRevocationContext, f.net, bytesOf(bytes), f.root);
  CHECK_THAT(openRevocation(f.net, bytesOf(bytes), sig, f.root.publicKey()).status().message(),
             Catch::Contains("canonical"));
}

TEST_CASE("Revocation: only the county root key's signature in the revocation context counts",
          "[core][revocation][signature]") {
  CertFixture f;
  SecretKey mallory = test::keyFromByte(0x66);
  auto forged = makeRevocation(f.net, f.device.publicKey(), 0, std::nullopt, "forged", mallory);
  CHECK_FALSE(openRevocation(f.net, bytesOf(forged.body), forged.sig, f.root.publicKey()));
  CHECK(openRevocation(f.net, bytesOf(forged.body), forged.sig, mallory.publicKey()));
  Signature certCtx = crypto::sign(crypto::kCertContext, f.net, bytesOf(f.rev.body), f.root);
  CHECK_FALSE(openRevocation(f.net, bytesOf(f.rev.body), certCtx, f.root.publicKey()));
  CHECK_FALSE(
      openRevocation(test::networkFromByte(1), bytesOf(f.rev.body), f.rev.sig, f.root.publicKey()));
  for (size_t i = 0; i < Signature::kSize; ++i) {
    Signature bad = f.rev.sig;
    bad.bytes[i] ^= 0x40;
    CHECK_FALSE(openRevocation(f.net, bytesOf(f.rev.body), bad, f.root.publicKey()));
  }
}

}  // namespace
}  // namespace renda
