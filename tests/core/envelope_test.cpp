// SPDX-License-Identifier: Apache-2.0
// decodeEnvelope and verifyEnvelope: the decoder negative set (truncated,
// oversized, trailing garbage, not whole words, two segments, bad segment size,
// wrong suite, bad field sizes, non-canonical) and signature checks (bit flips
// in every signature byte and sampled body bytes, another key, another
// context, another network).
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

struct EnvelopeFixture {
  NetworkId net = test::networkFromByte(0x4e);
  test::Author alice{0xa1, net};
  test::Signed s = alice.create("chengguan", {{"name", "Li Hua"}, {"phone", "13800000000"}});
};

Code decodeCode(const std::string& bytes) { return decodeEnvelope(bytesOf(bytes)).status().code(); }

// An envelope written by a raw builder, for sizes encodeEnvelope cannot produce.
std::string rawEnvelope(uint16_t suite, size_t signerBytes, size_t sigBytes,
                        const std::string& body) {
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Envelope>();
  b.setSuite(suite);
  std::string signer(signerBytes, 'k'), sig(sigBytes, 's');
  b.setSigner(dataOf(signer.data(), signer.size()));
  b.setSig(dataOf(sig.data(), sig.size()));
  b.setBody(dataOf(body.data(), body.size()));
  return test::stringOf(capnp::messageToFlatArray(mb));
}

TEST_CASE("Envelope: a signed change decodes, verifies and carries its body", "[core][envelope]") {
  EnvelopeFixture f;
  auto e = decodeEnvelope(bytesOf(f.s.envelope));
  REQUIRE(e.isOk());
  CHECK(e->suite == crypto::kSuiteEd25519Blake2b);
  CHECK(e->signer == f.alice.publicKey());
  CHECK(e->body == f.s.body);
  CHECK(verifyEnvelope(f.net, *e));
  CHECK(encodeEnvelope(*e) == f.s.envelope);
}

TEST_CASE("Envelope: encodeEnvelope writes one segment for every body size", "[core][envelope]") {
  EnvelopeFixture f;
  Envelope e{crypto::kSuiteEd25519Blake2b, f.alice.publicKey(), {}, ""};
  std::vector<size_t> sizes = {0, 1, 7, 8, 9, 4095, 4096, 4097, limits::kMaxChangeBytes};
  for (size_t n = 10; n < 300; n += 7) sizes.push_back(n);
  for (size_t n : sizes) {
    e.body.assign(n, 'b');
    std::string bytes = encodeEnvelope(e);
    INFO("body " << n);
    CHECK(test::readU32(bytes, 0) == 0);  // segment count - 1
    CHECK(test::readU32(bytes, 4) + 1 == bytes.size() / 8);
    if (n > 0) CHECK(decodeEnvelope(bytesOf(bytes)).isOk());
  }
}

TEST_CASE("Envelope: every truncation is refused", "[core][envelope][negative]") {
  EnvelopeFixture f;
  for (size_t n = 0; n < f.s.envelope.size(); ++n) {
    INFO("length " << n << " of " << f.s.envelope.size());
    CHECK(decodeCode(f.s.envelope.substr(0, n)) == Code::kInvalidInput);
  }
}

TEST_CASE("Envelope: input over the size cap is refused before parsing",
          "[core][envelope][negative][limits]") {
  EnvelopeFixture f;
  SECTION("a whole envelope over kMaxEnvelopeBytes") {
    Envelope big{crypto::kSuiteEd25519Blake2b,
                 f.alice.publicKey(),
                 {},
                 std::string(limits::kMaxEnvelopeBytes, 'x')};
    std::string bytes = encodeEnvelope(big);
    REQUIRE(bytes.size() > limits::kMaxEnvelopeBytes);
    auto r = decodeEnvelope(bytesOf(bytes));
    REQUIRE_FALSE(r.isOk());
    CHECK(r.status().code() == Code::kInvalidInput);
    CHECK_THAT(r.status().message(), Catch::Contains("too large"));
  }
  SECTION("a body over kMaxChangeBytes inside an envelope under the cap") {
    Envelope e{crypto::kSuiteEd25519Blake2b,
               f.alice.publicKey(),
               {},
               std::string(limits::kMaxChangeBytes + 8, 'x')};
    std::string bytes = encodeEnvelope(e);
    REQUIRE(bytes.size() <= limits::kMaxEnvelopeBytes);
    auto r = decodeEnvelope(bytesOf(bytes));
    REQUIRE_FALSE(r.isOk());
    CHECK_THAT(r.status().message(), Catch::Contains("body is too large"));
  }
  SECTION("a body of exactly kMaxChangeBytes is accepted") {
    Envelope e{crypto::kSuiteEd25519Blake2b,
               f.alice.publicKey(),
               {},
               std::string(limits::kMaxChangeBytes, 'x')};
    CHECK(decodeEnvelope(bytesOf(encodeEnvelope(e))).isOk());
  }
}

TEST_CASE("Envelope: trailing garbage is refused", "[core][envelope][negative]") {
  EnvelopeFixture f;
  SECTION("whole words after the segment") {
    CHECK(decodeCode(f.s.envelope + std::string(8, '\0')) == Code::kInvalidInput);
    CHECK(decodeCode(f.s.envelope + std::string(8, 'g')) == Code::kInvalidInput);
  }
  SECTION("an extra word counted in the segment size") {
    std::string bytes = f.s.envelope + std::string(8, '\0');
    test::writeU32(bytes, 4, test::readU32(bytes, 4) + 1);
    auto r = decodeEnvelope(bytesOf(bytes));
    REQUIRE_FALSE(r.isOk());
    CHECK_THAT(r.status().message(), Catch::Contains("canonical"));
  }
  SECTION("a partial word") {
    for (size_t extra = 1; extra < 8; ++extra)
      CHECK(decodeCode(f.s.envelope + std::string(extra, '\0')) == Code::kInvalidInput);
  }
}

TEST_CASE("Envelope: a length that is not whole words is refused", "[core][envelope][negative]") {
  EnvelopeFixture f;
  std::string bytes = f.s.envelope;
  for (size_t cut = 1; cut < 8; ++cut) {
    auto r = decodeEnvelope(bytesOf(bytes.substr(0, bytes.size() - cut)));
    REQUIRE_FALSE(r.isOk());
    CHECK_THAT(r.status().message(), Catch::Contains("whole words"));
  }
}

TEST_CASE("Envelope: a readable two-segment message is refused", "[core][envelope][negative]") {
  EnvelopeFixture f;
  // Tiny fixed-size segments force the builder to spread the message out.
  capnp::MallocMessageBuilder mb(8, capnp::AllocationStrategy::FIXED_SIZE);
  auto b = mb.initRoot<schema::Envelope>();
  b.setSuite(crypto::kSuiteEd25519Blake2b);
  b.setSigner(dataOf(f.alice.publicKey()));
  auto e = decodeEnvelope(bytesOf(f.s.envelope));
  REQUIRE(e.isOk());
  b.setSig(dataOf(e->sig));
  b.setBody(dataOf(f.s.body.data(), f.s.body.size()));
  REQUIRE(mb.getSegmentsForOutput().size() > 1);
  std::string bytes = test::stringOf(capnp::messageToFlatArray(mb));
  {
    // The message itself is fine: capnp reads it.
    auto words = alignedWords(bytesOf(bytes));
    REQUIRE(words.has_value());
    capnp::FlatArrayMessageReader reader(kj::ArrayPtr<const capnp::word>(
        reinterpret_cast<const capnp::word*>(words->data()), words->size()));
    CHECK(reader.getRoot<schema::Envelope>().getBody().size() == f.s.body.size());
  }
  auto r = decodeEnvelope(bytesOf(bytes));
  REQUIRE_FALSE(r.isOk());
  CHECK_THAT(r.status().message(), Catch::Contains("more than one segment"));
}

TEST_CASE("Envelope: a segment table that disagrees with the length is refused",
          "[core][envelope][negative]") {
  EnvelopeFixture f;
  uint32_t words = test::readU32(f.s.envelope, 4);
  for (uint32_t bad : {0u, words - 1, words + 1, 0x7fffffffu, 0xffffffffu}) {
    std::string bytes = f.s.envelope;
    test::writeU32(bytes, 4, bad);
    INFO("segment size " << bad);
    CHECK(decodeCode(bytes) == Code::kInvalidInput);
  }
  for (uint32_t count : {1u, 511u, 0xffffffffu}) {
    std::string bytes = f.s.envelope;
    test::writeU32(bytes, 0, count);
    INFO("segment count - 1 = " << count);
    CHECK(decodeCode(bytes) == Code::kInvalidInput);
  }
}

TEST_CASE("Envelope: an unknown suite or wrongly sized fields are refused",
          "[core][envelope][negative]") {
  EnvelopeFixture f;
  CHECK(decodeEnvelope(bytesOf(rawEnvelope(1, 32, 64, f.s.body))).isOk());
  auto suite = decodeEnvelope(bytesOf(rawEnvelope(2, 32, 64, f.s.body)));
  CHECK_THAT(suite.status().message(), Catch::Contains("suite"));
  CHECK(decodeCode(rawEnvelope(0, 32, 64, f.s.body)) == Code::kInvalidInput);
  for (size_t n : {0, 31, 33}) CHECK(decodeCode(rawEnvelope(1, n, 64, f.s.body)) != Code::kOk);
  for (size_t n : {0, 63, 65}) CHECK(decodeCode(rawEnvelope(1, 32, n, f.s.body)) != Code::kOk);
  CHECK(decodeCode(rawEnvelope(1, 32, 64, "")) == Code::kInvalidInput);
}

TEST_CASE("Envelope: a non-canonical layout of the same values is refused",
          "[core][envelope][negative][canonical]") {
  EnvelopeFixture f;
  auto e = decodeEnvelope(bytesOf(f.s.envelope));
  REQUIRE(e.isOk());
  // Same values, body written first: the layout differs from encodeEnvelope's.
  capnp::MallocMessageBuilder mb;
  auto b = mb.initRoot<schema::Envelope>();
  b.setBody(dataOf(e->body.data(), e->body.size()));
  b.setSig(dataOf(e->sig));
  b.setSigner(dataOf(e->signer));
  b.setSuite(e->suite);
  std::string bytes = test::stringOf(capnp::messageToFlatArray(mb));
  REQUIRE(bytes.size() == f.s.envelope.size());
  REQUIRE(bytes != f.s.envelope);
  auto r = decodeEnvelope(bytesOf(bytes));
  REQUIRE_FALSE(r.isOk());
  CHECK_THAT(r.status().message(), Catch::Contains("canonical"));

  SECTION("unused bits next to the suite are refused") {
    std::string flipped = test::flipBit(f.s.envelope, (16 + 3) * 8);
    CHECK(decodeCode(flipped) == Code::kInvalidInput);
  }
}

TEST_CASE("Envelope: a flipped signature bit in any of the 64 bytes fails verification",
          "[core][envelope][signature]") {
  EnvelopeFixture f;
  auto good = decodeEnvelope(bytesOf(f.s.envelope));
  REQUIRE(good.isOk());
  REQUIRE(verifyEnvelope(f.net, *good));
  size_t sigAt = f.s.envelope.find(
      std::string(reinterpret_cast<const char*>(good->sig.data()), Signature::kSize));
  REQUIRE(sigAt != std::string::npos);
  for (size_t i = 0; i < Signature::kSize; ++i) {
    for (int bit : {0, 7}) {
      std::string bytes = test::flipBit(f.s.envelope, (sigAt + i) * 8 + bit);
      auto e = decodeEnvelope(bytesOf(bytes));
      REQUIRE(e.isOk());  // the shape is fine; only the signature is wrong
      INFO("signature byte " << i << " bit " << bit);
      CHECK_FALSE(verifyEnvelope(f.net, *e));
    }
  }
}

TEST_CASE("Envelope: a flipped bit in sampled body bytes fails verification",
          "[core][envelope][signature]") {
  EnvelopeFixture f;
  size_t bodyAt = f.s.envelope.size() - f.s.body.size();
  REQUIRE(f.s.envelope.substr(bodyAt) == f.s.body);
  size_t step = std::max<size_t>(1, f.s.body.size() / 64);
  int checked = 0;
  for (size_t i = 0; i < f.s.body.size(); i += step, ++checked) {
    std::string bytes = test::flipBit(f.s.envelope, (bodyAt + i) * 8 + (i % 8));
    auto e = decodeEnvelope(bytesOf(bytes));
    REQUIRE(e.isOk());
    INFO("body byte " << i);
    CHECK_FALSE(verifyEnvelope(f.net, *e));
  }
  CHECK(checked >= 64);
}

TEST_CASE("Envelope: a valid signature by another key does not verify as the signer",
          "[core][envelope][signature]") {
  EnvelopeFixture f;
  SecretKey mallory = test::keyFromByte(0x66);
  Envelope e;
  e.suite = crypto::kSuiteEd25519Blake2b;
  e.signer = f.alice.publicKey();
  e.sig = crypto::sign(crypto::kChangeContext, f.net, bytesOf(f.s.body), mallory);
  e.body = f.s.body;
  auto decoded = decodeEnvelope(bytesOf(encodeEnvelope(e)));
  REQUIRE(decoded.isOk());
  CHECK_FALSE(verifyEnvelope(f.net, *decoded));

  SECTION("re-signed under the other key it verifies, but as that key, not the author") {
    // WARNING for callers: nothing in core binds Envelope.signer to Change.author;
    // the store must compare them after decodeChange().
    auto resigned = decodeEnvelope(bytesOf(signChange(f.net, f.s.body, mallory)));
    REQUIRE(resigned.isOk());
    CHECK(verifyEnvelope(f.net, *resigned));
    auto c = decodeChange(bytesOf(resigned->body));
    REQUIRE(c.isOk());
    CHECK(c->author != resigned->signer);
  }
}

TEST_CASE("Envelope: a signature for another context or network does not verify",
          "[core][envelope][signature]") {
  EnvelopeFixture f;
  Envelope e;
  e.suite = crypto::kSuiteEd25519Blake2b;
  e.signer = f.alice.publicKey();
  e.body = f.s.body;
  for (auto ctx : {crypto::kCertContext, crypto::kRevocationContext, crypto::kBundleContext,
                   crypto::kIdContext}) {
    e.sig = crypto::sign(ctx, f.net, bytesOf(f.s.body), f.alice.key());
    CHECK_FALSE(verifyEnvelope(f.net, e));
  }
  auto good = decodeEnvelope(bytesOf(f.s.envelope));
  REQUIRE(good.isOk());
  CHECK_FALSE(verifyEnvelope(test::networkFromByte(0x4f), *good));
}

}  // namespace
}  // namespace renda
