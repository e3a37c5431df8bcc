// SPDX-License-Identifier: Apache-2.0
// decodeChange: round trips, then the negative set on change bodies: truncated,
// oversized, trailing garbage, not whole words, a segment table, non-canonical
// layouts (order, far pointer, padding), nesting and traversal limits, enum and
// union values out of range, field sizes, and the seq/prev rules.
#include <capnp/any.h>
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

Change baseCreate() {
  Change c;
  c.network = test::networkFromByte(0x4e);
  c.author = test::keyFromByte(0xa1).publicKey();
  c.seq = 1;
  c.hlc = Hlc::make(1700000000000ull, 3);
  c.op = OpKind::kCreate;
  c.kind = RecordKind::kSuggestion;
  c.scope = "chengguan";
  c.fields = {{"title", "Repair the bridge"}, {"body", "The east bridge is unsafe."}};
  return c;
}

Change baseUpdate() {
  Change c = baseCreate();
  c.seq = 2;
  c.prev = test::idFromByte(1);
  c.deps = {test::idFromByte(2), test::idFromByte(3)};
  c.op = OpKind::kUpdate;
  c.record = test::idFromByte(4);
  c.parents = {test::idFromByte(5)};
  c.fields = {{"title", "Repair the east bridge"}};
  return c;
}

Status decodeStatus(const std::string& body) { return decodeChange(bytesOf(body)).status(); }

// decodeChange of encodeChange(c), and validateChangeShape agrees.
Status roundTripStatus(const Change& c) {
  Status direct = validateChangeShape(c);
  Status decoded = decodeStatus(encodeChange(c));
  CHECK(direct.isOk() == decoded.isOk());
  return decoded;
}

// Copies `body` into a builder, lets `tweak` change it, returns canonical bytes.
template <typename Fn>
std::string tweaked(const std::string& body, Fn&& tweak) {
  auto words = alignedWords(bytesOf(body));
  REQUIRE(words.has_value());
  kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words->data()),
                                      words->size());
  capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
  capnp::MallocMessageBuilder mb;
  mb.setRoot(reader.getRoot<schema::Change>());
  tweak(mb.getRoot<schema::Change>());
  return test::canonicalOf(mb.getRoot<schema::Change>().asReader());
}

TEST_CASE("decodeChange: every op round-trips to the same value and bytes", "[core][change]") {
  NetworkId net = test::networkFromByte(0x4e);
  SecretKey root = test::keyFromByte(0x01);
  Change cert = baseUpdate();
  cert.op = OpKind::kCertificate;
  cert.fields.clear();
  cert.certificate = makeCertificate(net, test::keyFromByte(9).publicKey(), root, "chengguan",
                                     Role::kTownship, 1, 0, "office");
  Change rev = cert;
  rev.op = OpKind::kRevocation;
  rev.certificate.reset();
  rev.revocation = makeRevocation(net, test::keyFromByte(9).publicKey(), 7, std::nullopt, "lost", root);
  Change announce = baseUpdate();
  announce.op = OpKind::kEncryptionKey;
  announce.fields.clear();
  announce.encryptionKey = crypto::generateBoxKey().publicKey();

  for (const Change& c : {baseCreate(), baseUpdate(), cert, rev, announce}) {
    INFO("op " << static_cast<int>(c.op));
    std::string body = encodeChange(c);
    CHECK(body.size() % 8 == 0);
    auto d = decodeChange(bytesOf(body));
    REQUIRE(d.isOk());
    CHECK(d->network == c.network);
    CHECK(d->author == c.author);
    CHECK(d->seq == c.seq);
    CHECK(d->prev == c.prev);
    CHECK(d->deps == c.deps);
    CHECK(d->hlc == c.hlc);
    CHECK(d->op == c.op);
    CHECK(d->fields == c.fields);
    if (c.op == OpKind::kCreate) {
      CHECK(d->kind == c.kind);
      CHECK(d->scope == c.scope);
    }
    if (c.op == OpKind::kUpdate) {
      CHECK(d->record == c.record);
      CHECK(d->parents == c.parents);
    }
    if (c.certificate) CHECK(d->certificate->body == c.certificate->body);
    if (c.revocation) CHECK(d->revocation->sig == c.revocation->sig);
    CHECK(d->encryptionKey == c.encryptionKey);
    CHECK(encodeChange(*d) == body);
  }
}

TEST_CASE("decodeChange: every truncation is refused", "[core][change][negative]") {
  for (const Change& c : {baseCreate(), baseUpdate()}) {
    std::string body = encodeChange(c);
    for (size_t n = 0; n < body.size(); ++n) {
      INFO("length " << n << " of " << body.size());
      CHECK(decodeStatus(body.substr(0, n)).code() == Code::kInvalidInput);
    }
  }
}

TEST_CASE("decodeChange: a body over kMaxChangeBytes is refused", "[core][change][limits]") {
  Change c = baseCreate();
  c.fields.clear();
  for (char n = 'a'; n <= 'e'; ++n)
    c.fields.push_back({std::string("f") + n, std::string(limits::kMaxFieldValueBytes, 'v')});
  REQUIRE(validateChangeShape(c).isOk());  // each value is within its own cap
  std::string body = encodeChange(c);
  REQUIRE(body.size() > limits::kMaxChangeBytes);
  CHECK_THAT(decodeStatus(body).message(), Catch::Contains("too large"));
  CHECK(decodeStatus("").code() == Code::kInvalidInput);
}

TEST_CASE("decodeChange: trailing bytes and partial words are refused",
          "[core][change][negative]") {
  std::string body = encodeChange(baseCreate());
  CHECK_THAT(decodeStatus(body + std::string(8, '\0')).message(), Catch::Contains("canonical"));
  CHECK_THAT(decodeStatus(body + std::string(8, 'x')).message(), Catch::Contains("canonical"));
  for (size_t extra = 1; extra < 8; ++extra)
    CHECK_THAT(decodeStatus(body + std::string(extra, '\0')).message(),
               Catch::Contains("whole words"));
}

TEST_CASE("decodeChange: a body with a segment table in front is refused",
          "[core][change][negative]") {
  // The signed body has no segment table; a flat-array message is not a body.
  std::string body = encodeChange(baseCreate());
  std::string table(8, '\0');
  test::writeU32(table, 4, static_cast<uint32_t>(body.size() / 8));
  CHECK(decodeStatus(table + body).code() == Code::kInvalidInput);
  test::writeU32(table, 0, 1);  // "two segments"
  CHECK(decodeStatus(table + body).code() == Code::kInvalidInput);
}

TEST_CASE("decodeChange: readable but non-canonical encodings are refused",
          "[core][change][negative][canonical]") {
  Change c = baseCreate();
  std::string body = encodeChange(c);

  SECTION("pointers laid out out of order") {
    capnp::MallocMessageBuilder mb;
    auto b = mb.initRoot<schema::Change>();
    auto cr = b.initCreate();  // the op first: not pre-order
    cr.setKind(schema::RecordKind::SUGGESTION);
    cr.setScope(c.scope);
    auto fs = cr.initFields(c.fields.size());
    for (size_t i = 0; i < c.fields.size(); ++i) {
      fs[i].setName(c.fields[i].name);
      fs[i].setValue(c.fields[i].value);
    }
    b.setSuite(c.suite);
    b.setNetwork(dataOf(c.network));
    b.setAuthor(dataOf(c.author));
    b.setSeq(c.seq);
    b.setHlc(c.hlc);
    std::string bytes = test::stringOf(capnp::messageToFlatArray(mb)).substr(8);
    REQUIRE(test::canonicalOf(b.asReader()) == body);  // same value
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("canonical"));
  }
  SECTION("a far pointer to a landing pad in the same segment") {
    std::string bytes = body;
    size_t n = bytes.size() / 8;
    uint64_t root;
    std::memcpy(&root, bytes.data(), 8);
    // Landing pad at word n: the root struct pointer, re-aimed at word 1.
    uint64_t pad = (root & ~uint64_t{0xfffffffc}) |
                   (static_cast<uint64_t>(static_cast<uint32_t>(-static_cast<int32_t>(n)) << 2));
    uint64_t far = 2 | (static_cast<uint64_t>(n) << 3);
    std::memcpy(bytes.data(), &far, 8);
    bytes.append(reinterpret_cast<const char*>(&pad), 8);
    auto words = alignedWords(bytesOf(bytes));
    kj::ArrayPtr<const capnp::word> seg(reinterpret_cast<const capnp::word*>(words->data()),
                                        words->size());
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(&seg, 1));
    REQUIRE(reader.getRoot<schema::Change>().getSeq() == c.seq);  // readable
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("canonical"));
  }
  SECTION("a struct padded with zero data words") {
    capnp::MallocMessageBuilder mb;
    auto any = mb.getRoot<capnp::AnyPointer>();
    any.initAsAnyStruct(8, 5);  // 8 data words where the schema needs 3
    // Fill the padded struct with the real values, then write without canonicalising.
    auto b = any.getAs<schema::Change>();
    b.setSuite(c.suite);
    b.setNetwork(dataOf(c.network));
    b.setAuthor(dataOf(c.author));
    b.setSeq(c.seq);
    b.setHlc(c.hlc);
    auto cr = b.initCreate();
    cr.setKind(schema::RecordKind::SUGGESTION);
    cr.setScope(c.scope);
    auto fs = cr.initFields(c.fields.size());
    for (size_t i = 0; i < c.fields.size(); ++i) {
      fs[i].setName(c.fields[i].name);
      fs[i].setValue(c.fields[i].value);
    }
    REQUIRE(test::canonicalOf(b.asReader()) == body);
    std::string bytes = test::stringOf(capnp::messageToFlatArray(mb)).substr(8);
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("canonical"));
  }
}

// A canonical change with an unknown extra pointer leading to a chain of
// `depth` nested structs: canonical, so only the nesting limit can refuse it.
std::string nestedChange(const Change& c, int depth) {
  capnp::MallocMessageBuilder mb;
  auto any = mb.getRoot<capnp::AnyPointer>();
  auto st = any.initAsAnyStruct(3, 7);
  auto b = any.getAs<schema::Change>();
  b.setSuite(c.suite);
  b.setNetwork(dataOf(c.network));
  b.setAuthor(dataOf(c.author));
  b.setSeq(c.seq);
  b.setHlc(c.hlc);
  b.initCreate().setScope(c.scope);
  auto p = st.getPointerSection()[6];  // past every known field
  for (int i = 0; i < depth; ++i) {
    auto inner = p.initAsAnyStruct(1, 1);
    inner.getDataSection()[0] = 1;
    p = inner.getPointerSection()[0];
  }
  return test::canonicalOf(mb.getRoot<schema::Change>().asReader());
}

TEST_CASE("decodeChange: nesting past the limit is refused", "[core][change][limits]") {
  Change c = baseCreate();
  c.fields.clear();
  std::string shallow = nestedChange(c, 3);
  REQUIRE(shallow.size() > nestedChange(c, 0).size());  // the chain is really there
  CHECK(decodeStatus(shallow).isOk());
  Status deep = decodeStatus(nestedChange(c, limits::kNestingLimit + 4));
  CHECK(deep.code() == Code::kInvalidInput);
  CHECK_THAT(deep.message(), Catch::Contains("deeply-nested"));
}

TEST_CASE("decodeChange: a list that reads more than the traversal limit is refused",
          "[core][change][limits]") {
  // 120 zero-size field structs: under kMaxFieldsPerChange, but each costs a
  // word of traversal while the whole message is a few dozen words.
  std::string bytes = tweaked(encodeChange(baseCreate()),
                              [](schema::Change::Builder b) { b.getCreate().initFields(120); });
  REQUIRE(bytes.size() / 8 * 2 + 64 < 120);
  Status s = decodeStatus(bytes);
  CHECK(s.code() == Code::kInvalidInput);
  CHECK_THAT(s.message(), Catch::Contains("traversal"));
}

TEST_CASE("decodeChange: enum and union values out of range are refused",
          "[core][change][negative]") {
  std::string body = encodeChange(baseCreate());
  for (uint16_t kind : {kRecordKindCount, 99, 0xffff}) {
    std::string bytes = tweaked(body, [&](schema::Change::Builder b) {
      b.getCreate().setKind(static_cast<schema::RecordKind>(kind));
    });
    INFO("kind " << kind);
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("kind out of range"));
  }
  // The union tag: find it as the bytes that differ between a create and an update.
  std::string upd = encodeChange(baseUpdate());
  capnp::MallocMessageBuilder a, b;
  a.initRoot<schema::Change>().initCreate();
  b.initRoot<schema::Change>().initUpdate();
  auto da = a.getRoot<capnp::AnyPointer>().getAs<capnp::AnyStruct>().getDataSection();
  auto db = b.getRoot<capnp::AnyPointer>().getAs<capnp::AnyStruct>().getDataSection();
  size_t at = 0;
  while (at < da.size() && da[at] == db[at]) ++at;
  REQUIRE(at < da.size());
  at &= ~size_t{1};
  for (uint16_t tag : {7, 8, 0xffff}) {
    std::string bytes = tweaked(body, [&](schema::Change::Builder c) {
      auto data = capnp::toAny(c).getDataSection();
      std::memcpy(data.begin() + at, &tag, 2);
    });
    INFO("union tag " << tag);
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("unknown operation"));
  }
}

TEST_CASE("decodeChange: seq and prev must agree", "[core][change][negative]") {
  Change c = baseCreate();
  CHECK(roundTripStatus(c).isOk());
  c.seq = 0;
  CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("0"));
  c.seq = 1;
  c.prev = test::idFromByte(7);
  CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
  c.seq = 2;
  CHECK(roundTripStatus(c).isOk());
  c.prev.reset();
  CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
  c.prev = test::idFromByte(7);
  c.seq = UINT64_MAX;
  CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
}

TEST_CASE("decodeChange: an unknown suite is refused", "[core][change][negative]") {
  Change c = baseCreate();
  for (uint16_t suite : {0, 2, 0xffff}) {
    c.suite = suite;
    CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("suite"));
  }
}

TEST_CASE("decodeChange: ids and keys of the wrong size are refused", "[core][change][negative]") {
  std::string body = encodeChange(baseUpdate());
  std::string b31(31, 'x'), b33(33, 'x'), b0;
  auto check = [&](auto&& tweak) {
    CHECK(decodeStatus(tweaked(body, tweak)).code() == Code::kInvalidInput);
  };
  check([&](schema::Change::Builder b) { b.setNetwork(dataOf(b31.data(), 31)); });
  check([&](schema::Change::Builder b) { b.setAuthor(dataOf(b33.data(), 33)); });
  check([&](schema::Change::Builder b) { b.setPrev(dataOf(b31.data(), 31)); });
  check([&](schema::Change::Builder b) { b.setPrev(dataOf(b0.data(), 0)); });
  check([&](schema::Change::Builder b) { b.getDeps().set(1, dataOf(b33.data(), 33)); });
  check([&](schema::Change::Builder b) { b.getUpdate().setRecord(dataOf(b31.data(), 31)); });
  check(
      [&](schema::Change::Builder b) { b.getUpdate().getParents().set(0, dataOf(b0.data(), 0)); });
  CHECK(decodeStatus(tweaked(body, [](schema::Change::Builder) {})).isOk());
}

TEST_CASE("decodeChange: count caps on deps and parents fire one past the cap",
          "[core][change][limits]") {
  Change c = baseUpdate();
  c.deps.assign(limits::kMaxDepsPerChange, test::idFromByte(9));
  CHECK(roundTripStatus(c).isOk());
  c.deps.push_back(test::idFromByte(9));
  CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("dependencies"));
  c = baseUpdate();
  c.parents.assign(limits::kMaxParentsPerChange, test::idFromByte(9));
  CHECK(roundTripStatus(c).isOk());
  c.parents.push_back(test::idFromByte(9));
  CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("parent"));
  c = baseUpdate();
  c.parents.clear();
  CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
  c = baseUpdate();
  c.fields.clear();
  CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
}

TEST_CASE("decodeChange: field rules fire (duplicates, count, size, names, NUL)",
          "[core][change][limits]") {
  Change c = baseCreate();
  SECTION("a field set twice") {
    c.fields = {{"name", "a"}, {"other", "b"}, {"name", "c"}};
    CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("twice"));
  }
  SECTION("too many fields") {
    c.fields.clear();
    for (size_t i = 0; i < limits::kMaxFieldsPerChange; ++i)
      c.fields.push_back({std::string("f").append(std::to_string(i)), "v"});
    CHECK(roundTripStatus(c).isOk());
    c.fields.push_back({"extra", "v"});
    CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("too many fields"));
  }
  SECTION("a value one byte over the cap") {
    c.fields = {{"name", std::string(limits::kMaxFieldValueBytes, 'v')}};
    CHECK(roundTripStatus(c).isOk());
    c.fields[0].value.push_back('v');
    CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("too long"));
  }
  SECTION("bad field names") {
    c.fields = {{std::string(limits::kMaxFieldNameBytes, 'n'), "v"}};
    CHECK(roundTripStatus(c).isOk());
    for (std::string name :
         {std::string(), std::string("1st"), std::string("a-b"), std::string("a b"),
          std::string("名字"), std::string(limits::kMaxFieldNameBytes + 1, 'n')}) {
      c.fields = {{name, "v"}};
      INFO("name '" << name << "'");
      CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("field name"));
    }
  }
  SECTION("a NUL inside a value or the scope, written by a raw builder") {
    std::string body = encodeChange(baseCreate());
    std::string bytes = tweaked(body, [](schema::Change::Builder b) {
      b.getCreate().getFields()[0].setValue(capnp::Text::Reader("a\0b", 3));
    });
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("NUL"));
    bytes = tweaked(body, [](schema::Change::Builder b) {
      b.getCreate().setScope(capnp::Text::Reader("town\0x", 6));
    });
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("NUL"));
    c.fields = {{"name", std::string("a\0b", 3)}};
    CHECK_FALSE(validateChangeShape(c).isOk());
  }
  SECTION("a township name one byte over the cap") {
    c.scope = std::string(limits::kMaxScopeBytes, 't');
    CHECK(roundTripStatus(c).isOk());
    c.scope.push_back('t');
    CHECK(roundTripStatus(c).code() == Code::kInvalidInput);
  }
}

TEST_CASE("decodeChange: an encryption-key announcement of the wrong size or all zeros is refused",
          "[core][change][negative]") {
  Change c = baseUpdate();
  c.op = OpKind::kEncryptionKey;
  c.fields.clear();
  c.encryptionKey = crypto::generateBoxKey().publicKey();
  std::string body = encodeChange(c);
  REQUIRE(decodeChange(bytesOf(body)).isOk());
  for (size_t size : {0, 31, 33, 64}) {
    std::string bytes = tweaked(body, [&](schema::Change::Builder b) {
      std::string key(size, '\x07');
      b.getEncryptionKey().setPublicKey(dataOf(key));
    });
    INFO("key of " << size << " bytes");
    CHECK_THAT(decodeStatus(bytes).message(), Catch::Contains("not 32 bytes"));
  }
  c.encryptionKey = BoxPublicKey{};
  CHECK_THAT(roundTripStatus(c).message(), Catch::Contains("all zeros"));
  // Fields or a missing key on an announcement are shape errors too.
  c.encryptionKey = crypto::generateBoxKey().publicKey();
  c.fields = {{"name", "x"}};
  CHECK_FALSE(validateChangeShape(c).isOk());
  c.fields.clear();
  c.encryptionKey.reset();
  CHECK_FALSE(validateChangeShape(c).isOk());
  Change create = baseCreate();
  create.encryptionKey = crypto::generateBoxKey().publicKey();
  CHECK_FALSE(validateChangeShape(create).isOk());
}

TEST_CASE("decodeChange: a certificate op with a bad inner blob is refused",
          "[core][change][negative]") {
  Change c = baseUpdate();
  c.op = OpKind::kCertificate;
  c.fields.clear();
  c.certificate = Certificate{};
  c.certificate->body = std::string(64, 'b');
  CHECK(roundTripStatus(c).isOk());  // the blob is opened later, by openCertificate
  std::string body = encodeChange(c);
  std::string s63(63, 's');
  CHECK_THAT(decodeStatus(tweaked(body,
                                  [&](schema::Change::Builder b) {
                                    b.getCertificate().setSig(dataOf(s63.data(), 63));
                                  }))
                 .message(),
             Catch::Contains("signature size"));
  c.certificate->body = std::string(limits::kMaxBlobBytes + 1, 'b');
  CHECK(decodeStatus(encodeChange(c)).code() == Code::kInvalidInput);
}

}  // namespace
}  // namespace renda
