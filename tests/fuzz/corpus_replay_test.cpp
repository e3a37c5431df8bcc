// SPDX-License-Identifier: Apache-2.0
// Replays the fuzz corpus (tests/fuzz/corpus/<target>/) through the same
// target bodies libFuzzer runs, in every build: each input runs clean and
// within the time and memory bars of reliability.md 3.2 (Amplification),
// valid seeds get all the way through, and every truncation and early bit
// flip of each named seed runs clean. A corpus folder holds named seeds,
// written by the hidden "[generate]" test below:
//   build/tests/fuzz_replay "[generate]"
// and the inputs the fuzzers found, kept by `.ci/run fuzz minimise_corpus`
// under libFuzzer's names (the SHA-1 of their bytes).
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/crypto.h"
#include "core/record.h"
#include "core/sealed.h"
#include "core/trust.h"
#include "tests/core/fixtures.h"
#include "tests/fuzz/fuzz_targets.h"

namespace renda {
namespace {

namespace fs = std::filesystem;
using fuzz::Outcome;

#ifdef RENDA_SANITIZED_BUILD
constexpr double kMaxMsPerInput = 50.0;  // ASan/UBSan/coverage slow things ~10x
constexpr bool kCheckRss = false;        // and ASan's quarantine holds freed memory
#else
constexpr double kMaxMsPerInput = 5.0;
constexpr bool kCheckRss = true;
#endif
constexpr long kMaxRssGrowthKiB = 4 * 1024;

// Peak resident memory of this process so far.
long peakRssKiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> corpusFiles(const char* target) {
  fs::path dir = fs::path(RENDA_FUZZ_CORPUS_DIR) / target;
  std::vector<fs::path> out;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Named by libFuzzer (40 hex digits) rather than by the seed generator.
bool foundByFuzzer(const fs::path& p) {
  std::string name = p.filename().string();
  return name.size() == 40 && name.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Outcome run(const fuzz::Target& t, const std::string& input) {
  return t.run(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

TEST_CASE("FuzzCorpus: every seed runs clean, fast, and the valid ones get through",
          "[fuzz][corpus]") {
  for (const auto& t : fuzz::targets()) {
    auto files = corpusFiles(t.name);
    INFO("target " << t.name);
    REQUIRE(files.size() >= 3);
    size_t accepted = 0;
    double slowestMs = 0;
    for (const auto& f : files) {
      INFO("input " << f.filename().string());
      std::string input = readFile(f);
      Outcome outcome = Outcome::kRejected;
      double bestMs = 1e9;
      long rssBefore = peakRssKiB();
      for (int i = 0; i < 3; ++i) {  // best of three, to ignore scheduler noise
        auto start = std::chrono::steady_clock::now();
        REQUIRE_NOTHROW(outcome = run(t, input));
        std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - start;
        bestMs = std::min(bestMs, ms.count());
      }
      CHECK(bestMs <= kMaxMsPerInput);
      if (kCheckRss) CHECK(peakRssKiB() - rssBefore <= kMaxRssGrowthKiB);
      slowestMs = std::max(slowestMs, bestMs);
      if (outcome == Outcome::kAccepted) ++accepted;
      // Seeds named valid_* must get all the way through.
      if (f.filename().string().rfind("valid_", 0) == 0) CHECK(outcome == Outcome::kAccepted);
    }
    CHECK(accepted >= 2);
    WARN(t.name << ": " << files.size() << " inputs, " << accepted << " accepted, slowest "
                << slowestMs << " ms");
  }
}

TEST_CASE("FuzzCorpus: every truncation and early bit flip of each named seed runs clean",
          "[fuzz][corpus]") {
  for (const auto& t : fuzz::targets()) {
    for (const auto& f : corpusFiles(t.name)) {
      if (foundByFuzzer(f)) continue;  // the fuzzer has tried their neighbours
      INFO("target " << t.name << " input " << f.filename().string());
      std::string input = readFile(f);
      for (size_t n = 0; n < input.size(); ++n) REQUIRE_NOTHROW(run(t, input.substr(0, n)));
      for (size_t bit = 0; bit < std::min<size_t>(input.size() * 8, 1024); ++bit)
        REQUIRE_NOTHROW(run(t, test::flipBit(input, bit)));
    }
  }
}

TEST_CASE("FuzzCorpus: an unknown target name is not found", "[fuzz][corpus]") {
  CHECK(fuzz::findTarget("envelope") != nullptr);
  CHECK(fuzz::findTarget("nope") == nullptr);
}

TEST_CASE("FuzzCorpus: CMake builds a fuzzer for every target body, each with a corpus",
          "[fuzz][corpus]") {
  std::vector<std::string> built;  // RENDA_FUZZ_TARGETS in tests/CMakeLists.txt
  std::istringstream in(RENDA_FUZZ_TARGET_NAMES);
  for (std::string name; in >> name;) built.push_back(name);
  std::vector<std::string> bodies;
  for (const auto& t : fuzz::targets()) {
    bodies.push_back(t.name);
    CHECK(fs::is_directory(fs::path(RENDA_FUZZ_CORPUS_DIR) / t.name));
  }
  std::sort(built.begin(), built.end());
  std::sort(bodies.begin(), bodies.end());
  CHECK(built == bodies);
}

// --- seed corpus generator -------------------------------------------------

void writeSeed(const char* target, const std::string& name, const std::string& bytes) {
  fs::path dir = fs::path(RENDA_FUZZ_CORPUS_DIR) / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string sigAndBody(const Signature& sig, const std::string& body) {
  return std::string(reinterpret_cast<const char*>(sig.data()), sig.size()) + body;
}

TEST_CASE("FuzzCorpus: write the seed corpus", "[.][generate]") {
  const NetworkId& net = fuzz::fuzzNetwork();
  REQUIRE(net == test::networkFromByte(0x4e));
  SecretKey root = test::keyFromByte(0x01);
  REQUIRE(root.publicKey() == fuzz::fuzzRootKey());
  test::Author alice(0xa1, net), bob(0xb2, net);

  auto create = alice.create("chengguan", {{"name", "李华"}, {"phone", "13800000000"}});
  auto duty = bob.create("", {{"title", "County budget hearing"}}, RecordKind::kDutyRecord);
  Change up = test::Author::updateOp(create.id, {create.id}, {{"phone", "13900000000"}});
  up.deps = {duty.id};
  auto update = alice.add(up);
  auto concurrent = bob.update(create.id, {create.id}, {{"phone", "13700000000"}});
  Change event = test::Author::updateOp(create.id, {update.id}, {{"note", "co-signed"}});
  event.action = "cosign";
  auto action = bob.add(event);
  Change many = test::Author::createOp("xinzhen", {}, RecordKind::kSuggestion);
  for (int i = 0; i < 40; ++i)
    many.fields.push_back({std::string("f").append(std::to_string(i)), std::string(i, 'x')});
  auto manyFields = bob.add(many);
  Certificate cert = makeCertificate(net, test::keyFromByte(0x09).publicKey(), root, "chengguan",
                                     Role::kTownship, 1, 0, "城关镇人大主席办公室");
  Certificate county =
      makeCertificate(net, test::keyFromByte(0x0a).publicKey(), root, "", Role::kCounty, 0, 0, "");
  Revocation rev = makeRevocation(net, test::keyFromByte(0x09).publicKey(), 3, std::nullopt, "lost", root);
  Change certOp;
  certOp.op = OpKind::kCertificate;
  certOp.certificate = cert;
  auto certChange = alice.add(certOp);
  Change revOp;
  revOp.op = OpKind::kRevocation;
  revOp.revocation = rev;
  auto revChange = alice.add(revOp);
  Change keyOp;
  keyOp.op = OpKind::kEncryptionKey;
  keyOp.encryptionKey = BoxPublicKey{};
  keyOp.encryptionKey->bytes.fill(0x33);
  auto keyChange = alice.add(keyOp);

  const std::pair<const char*, const test::Signed*> changes[] = {
      {"create", &create},          {"duty_record", &duty},          {"update_with_deps", &update},
      {"many_fields", &manyFields}, {"certificate_op", &certChange}, {"revocation_op", &revChange},
      {"update_action", &action},   {"encryption_key", &keyChange}};
  for (const auto& [name, s] : changes) {
    writeSeed("envelope", std::string("valid_") + name, s->envelope);
    writeSeed("change", std::string("valid_") + name, s->body);
  }
  writeSeed("envelope", "truncated", create.envelope.substr(0, 64));
  writeSeed("change", "truncated", create.body.substr(0, 40));

  writeSeed("certificate", "valid_township", sigAndBody(cert.sig, cert.body));
  writeSeed("certificate", "valid_county", sigAndBody(county.sig, county.body));
  writeSeed("certificate", "valid_revocation", sigAndBody(rev.sig, rev.body));
  writeSeed("certificate", "bad_signature", sigAndBody(Signature{}, cert.body));

  auto folded = foldRecord({{create.id, &create.change, true},
                            {update.id, &update.change, true},
                            {concurrent.id, &concurrent.change, false}});
  REQUIRE(folded.isOk());
  writeSeed("record", "valid_record", encodeRecord(*folded));
  auto conflicted = foldRecord({{create.id, &create.change, true},
                                {update.id, &update.change, true},
                                {concurrent.id, &concurrent.change, true},
                                {action.id, &action.change, true}});
  REQUIRE(conflicted.isOk());
  REQUIRE(conflicted->hasConflicts());
  writeSeed("record", "valid_conflict", encodeRecord(*conflicted));
  TrustInputs in;
  in.root = root.publicKey();
  TrustAct act;
  act.carrier = cert.subject;
  act.carrierSeq = 1;
  act.certificate = cert;
  in.acts.push_back(act);
  Membership m = deriveTrust(in).members.at(cert.subject);
  m.revokedAfterSeq = 3;
  m.revocationReason = "lost";
  writeSeed("record", "valid_membership", m.encode());
}

TEST_CASE("FuzzCorpus: write the sealed and schedule seeds", "[.][generate]") {
  const BoxPublicKey ours = fuzz::fuzzBoxKey().publicKey();
  std::vector<BoxPublicKey> many = {ours};
  for (size_t i = 1; i < kMaxSealedRecipients; ++i)
    many.push_back(crypto::generateBoxKey().publicKey());
  BoxPublicKey other = crypto::generateBoxKey().publicKey();
  // The binary form: the sealed target base64-encodes its input.
  auto seal = [](std::string_view clear, const std::vector<BoxPublicKey>& to,
                 std::string_view field = fuzz::kFuzzSealedField) {
    auto v = sealValue(clear, fuzz::kFuzzSealedKind, field, to);
    REQUIRE(v.isOk());
    return *v;
  };
  auto rawOfSealed = [](const std::string& value) {
    std::string raw = test::sealedRawOf(value);
    REQUIRE_FALSE(raw.empty());
    return raw;
  };
  std::string one = seal("张三丰", {ours});
  writeSeed("sealed", "valid_one_recipient", rawOfSealed(one));
  writeSeed("sealed", "valid_text_form", one);
  writeSeed("sealed", "valid_sixteen_recipients", rawOfSealed(seal("13800000000", many)));
  writeSeed("sealed", "valid_empty", rawOfSealed(seal("", {ours})));
  writeSeed("sealed", "valid_longest",
            rawOfSealed(seal(std::string(kMaxSealedClearBytes, 'x'), {ours, other})));
  writeSeed("sealed", "not_ours", rawOfSealed(seal("李四", {other})));
  writeSeed("sealed", "other_field", rawOfSealed(seal("李四", {ours}, "constituentPhone")));
  writeSeed("sealed", "prefix_only", std::string(kSealedPrefix));
  writeSeed("sealed", "bad_base64", std::string(kSealedPrefix) + "AQ=*");

  const std::pair<const char*, const char*> schedules[] = {
      {"valid_weekly", "每周一"},
      {"valid_weekly_hours", "每周二、五 上午"},
      {"valid_month_day", "每月10日"},
      {"valid_month_days", "每月5日、20日"},
      {"valid_nth_weekday", "每月第一个星期二"},
      {"valid_nth_digit", "每月第1个周二 14:00-17:00"},
      {"valid_last_weekday", "每月最后一个周五"},
      {"valid_odd_months", "单月15日 9:00-11:00"},
      {"valid_even_months", "双月第五个礼拜天"},
      {"valid_hours_attached", "每月10日上午；每周一9:00-11:00"},
      {"valid_several", "每周一、三和五 下午; 每个月31号\n每星期日 全天\u3000（节假日顺延）"},
      {"valid_trailing_spaces", "每周一 上午 \u3000 \u3000 \u3000 \u3000"},
      {"unknown_weekday", "每周八"},
      {"day_out_of_range", "每月32日"},
      {"only_separators", "；;\n"},
  };
  for (const auto& [name, text] : schedules) writeSeed("schedule", name, text);
  writeSeed("schedule", "not_utf8", "\xff\xfe每周一 \xe3\x80 上午\xc0");
  writeSeed("schedule", "valid_hours_not_utf8", "每周一 \xff\xfe上午\xe3\x80");
}

}  // namespace
}  // namespace renda
