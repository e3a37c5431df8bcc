// SPDX-License-Identifier: Apache-2.0
// Known-answer vectors: signed changes from fixed seeds whose bytes must never
// change (tests/testdata/change_kat.txt). Ed25519 is deterministic, so
// regenerating them must give the committed bytes exactly; and the committed
// bytes must still decode, verify and carry the expected values.
// After a deliberate format change, regenerate with:
//   build/tests/core_tests "[generate]"
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "core/change.h"
#include "tests/core/fixtures.h"

namespace renda {
namespace {

using test::bytesOf;

const char* kKatPath = RENDA_TESTDATA_DIR "/change_kat.txt";

SecretKey seededKey(unsigned char first) {
  unsigned char seed[crypto_sign_SEEDBYTES];
  for (size_t i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(first + i);
  return crypto::signingKeyFromSeed(seed);
}

const NetworkId kNet = test::networkFromByte(0x5a);
const uint64_t kHlc = Hlc::make(1717200000000ull, 0);  // 2024-06-01T00:00:00Z

Change createVector(const PublicKey& author) {
  Change c;
  c.network = kNet;
  c.author = author;
  c.seq = 1;
  c.hlc = kHlc;
  c.op = OpKind::kCreate;
  c.kind = RecordKind::kDeputy;
  c.scope = "城关镇";
  c.fields = {{"name", "张伟"}, {"party", "none"}, {"termStart", "2021"}};
  return c;
}

Change updateVector(const PublicKey& author, const ChangeId& createId) {
  Change c;
  c.network = kNet;
  c.author = author;
  c.seq = 2;
  c.prev = createId;
  c.deps = {test::idFromByte(0xd1)};
  c.hlc = kHlc + 1;
  c.op = OpKind::kUpdate;
  c.record = createId;
  c.parents = {createId};
  c.fields = {{"phone", "13900000000"}};
  return c;
}

Change certVector(const PublicKey& author, const ChangeId& prev, const SecretKey& root) {
  Change c;
  c.network = kNet;
  c.author = author;
  c.seq = 3;
  c.prev = prev;
  c.hlc = kHlc + 2;
  c.op = OpKind::kCertificate;
  c.certificate = makeCertificate(kNet, seededKey(0x40).publicKey(), root, "城关镇",
                                  Role::kTownship, 1717200000000ull, 0, "城关镇人大主席办公室");
  return c;
}

// name -> hex, in file order.
std::vector<std::pair<std::string, std::string>> generateVectors() {
  SecretKey author = seededKey(0x00);
  SecretKey root = seededKey(0x20);
  std::vector<std::pair<std::string, std::string>> out;
  out.emplace_back("author.publicKey", toHex(author.publicKey()));
  out.emplace_back("network", toHex(kNet));
  Change create = createVector(author.publicKey());
  std::string createBody = encodeChange(create);
  ChangeId createId = crypto::changeId(bytesOf(createBody));
  Change update = updateVector(author.publicKey(), createId);
  std::string updateBody = encodeChange(update);
  ChangeId updateId = crypto::changeId(bytesOf(updateBody));
  Change cert = certVector(author.publicKey(), updateId, root);
  std::string certBody = encodeChange(cert);
  for (auto [name, body] : {std::pair<const char*, std::string*>{"create", &createBody},
                            {"update", &updateBody},
                            {"certificate", &certBody}}) {
    out.emplace_back(std::string(name) + ".id", toHex(crypto::changeId(bytesOf(*body))));
    std::string envelope = signChange(kNet, *body, author);
    out.emplace_back(std::string(name) + ".envelope", toHex(envelope.data(), envelope.size()));
  }
  return out;
}

std::map<std::string, std::string> readVectors() {
  std::ifstream in(kKatPath);
  REQUIRE(in.good());
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string name, hex;
    ss >> name >> hex;
    out[name] = hex;
  }
  return out;
}

std::string unhex(const std::string& hex) {
  auto raw = fromHex(hex);
  REQUIRE(raw.has_value());
  return *raw;
}

TEST_CASE("KnownAnswer: regenerated vectors equal the committed bytes", "[core][kat]") {
  auto stored = readVectors();
  auto fresh = generateVectors();
  CHECK(stored.size() == fresh.size());
  for (const auto& [name, hex] : fresh) {
    INFO(name);
    REQUIRE(stored.count(name) == 1);
    CHECK(stored[name] == hex);
  }
}

TEST_CASE("KnownAnswer: the committed envelopes decode, verify and hold the fixed values",
          "[core][kat]") {
  auto v = readVectors();
  auto net = fixedFromHex<NetworkId>(v["network"]);
  auto author = fixedFromHex<PublicKey>(v["author.publicKey"]);
  REQUIRE(net.has_value());
  REQUIRE(author.has_value());
  CHECK(*author == seededKey(0x00).publicKey());
  std::map<std::string, Change> changes;
  for (const char* name : {"create", "update", "certificate"}) {
    INFO(name);
    std::string bytes = unhex(v[std::string(name) + ".envelope"]);
    auto e = decodeEnvelope(bytesOf(bytes));
    REQUIRE(e.isOk());
    CHECK(e->signer == *author);
    CHECK(verifyEnvelope(*net, *e));
    CHECK(toHex(crypto::changeId(bytesOf(e->body))) == v[std::string(name) + ".id"]);
    auto c = decodeChange(bytesOf(e->body));
    REQUIRE(c.isOk());
    CHECK(c->author == *author);
    CHECK(encodeEnvelope(*e) == bytes);
    changes[name] = *c;
  }
  auto createId = fixedFromHex<ChangeId>(v["create.id"]);
  auto updateId = fixedFromHex<ChangeId>(v["update.id"]);
  const Change& create = changes["create"];
  CHECK(create.seq == 1);
  CHECK_FALSE(create.prev.has_value());
  CHECK(create.hlc == kHlc);
  CHECK(create.kind == RecordKind::kDeputy);
  CHECK(create.scope == "城关镇");
  CHECK(create.fields == createVector(*author).fields);
  const Change& update = changes["update"];
  CHECK(update.seq == 2);
  CHECK(update.prev == createId);
  CHECK(update.record == *createId);
  CHECK(update.parents == std::vector<ChangeId>{*createId});
  CHECK(update.deps == std::vector<ChangeId>{test::idFromByte(0xd1)});
  CHECK(update.fields == std::vector<Field>{{"phone", "13900000000"}});
  const Change& cert = changes["certificate"];
  CHECK(cert.prev == updateId);
  REQUIRE(cert.certificate.has_value());
  auto opened = openCertificate(*net, bytesOf(cert.certificate->body), cert.certificate->sig);
  REQUIRE(opened.isOk());
  CHECK(opened->issuer == seededKey(0x20).publicKey());
  CHECK(opened->label == "城关镇人大主席办公室");
}

TEST_CASE("KnownAnswer: write tests/testdata/change_kat.txt", "[.][generate]") {
  std::ofstream out(kKatPath, std::ios::trunc);
  REQUIRE(out.good());
  out << "# renda known-answer vectors: signed changes from fixed seeds (see\n"
         "# tests/core/known_answer_test.cpp). These bytes must never change; regenerate\n"
         "# only for a deliberate format change, with: core_tests \"[generate]\"\n";
  for (const auto& [name, hex] : generateVectors()) out << name << " " << hex << "\n";
  REQUIRE(out.good());
}

}  // namespace
}  // namespace renda
