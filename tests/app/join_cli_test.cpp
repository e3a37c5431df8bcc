// SPDX-License-Identifier: Apache-2.0
// `renda join` trusts the county key named in the enrollment file: it shows
// that key's fingerprint for the clerk to compare with the county office's
// (`renda county init` and `renda status` show it there), and with
// --fingerprint it joins only when the file's key has the one given.
#include <catch2/catch.hpp>
#include <string>

#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

// The fingerprint after "County key fingerprint: " in `out`.
std::string fingerprintIn(const std::string& out) {
  auto at = out.find("County key fingerprint: ");
  REQUIRE(at != std::string::npos);
  std::string f = out.substr(at + 24, 24);
  REQUIRE(f.size() == 24);
  return f;
}

TEST_CASE("renda CLI: join shows the county key's fingerprint, --fingerprint refuses another's",
          "[app][cli][join]") {
  Harness h;
  std::string ours = fingerprintIn(h.ok("county", {"county", "init", "--name", "示范县"}).out);
  std::string theirs = fingerprintIn(h.ok("other", {"county", "init", "--name", "别的县"}).out);
  REQUIRE(ours != theirs);
  CHECK(h.json("county", {"status"})["countyKey"].str == ours);
  CHECK_THAT(h.ok("county", {"status"}).out, Catch::Contains("County key:  " + ours));

  // A file from another county: refused with --fingerprint, nothing joined.
  std::string key = nodeKeyFrom(h.ok("t1", {"init"}).out);
  h.ok("other", {"enroll", "--node", key, "--township", "城关镇", "-o", h.path("other.enroll")});
  Run r = h.at("t1", {"join", h.path("other.enroll"), "--fingerprint", ours});
  INFO(r.describe());
  CHECK(r.code == 2);
  CHECK_THAT(r.err, Catch::Contains(theirs) && Catch::Contains("not made by your county office"));
  CHECK_FALSE(h.json("t1", {"status"})["enrolled"].boolean);
  CHECK(h.json("t1", {"status"})["county"].str.empty());
  CHECK(h.at("t1", {"join", h.path("other.enroll"), "--fingerprint", "1234"}).code == 1);

  // The county's own file: joins, and says which key it now trusts.
  h.ok("county", {"enroll", "--node", key, "--township", "城关镇", "-o", h.path("ours.enroll")});
  std::string spaced = ours;
  for (char& c : spaced)
    if (c == '-') c = ' ';
  Run joined = h.ok("t1", {"join", h.path("ours.enroll"), "--fingerprint", spaced});
  CHECK(fingerprintIn(joined.out) == ours);
  CHECK(h.json("t1", {"status"})["countyKey"].str == ours);

  // Without --fingerprint it joins too, and asks the clerk to compare.
  std::string key2 = nodeKeyFrom(h.ok("t2", {"init"}).out);
  h.ok("county", {"enroll", "--node", key2, "--township", "东风乡", "-o", h.path("t2.enroll")});
  Run plain = h.ok("t2", {"join", h.path("t2.enroll")});
  CHECK(fingerprintIn(plain.out) == ours);
  CHECK_THAT(plain.out, Catch::Contains("Compare the fingerprint with the county office's"));
}

}  // namespace
