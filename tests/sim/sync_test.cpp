// SPDX-License-Identifier: Apache-2.0
// The sync protocol in one process: two real stores on disk, each behind a
// real Noise channel over a socket pair, running net::runSync against each
// other on their own threads. Checks that a session moves exactly what each
// side lacks both ways at once, leaves both with one digest and a clean
// verify, takes the large-summary path (bucket fingerprints), is refused by
// a peer the store does not admit, and resumes after a cut.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <future>
#include <random>
#include <thread>

#include "net/channel.h"
#include "net/sync.h"
#include "storage/store.h"
#include "tests/storage/store_fixtures.h"

namespace renda::sim {
namespace {

using storage::Store;
using test::Signed;
using test::Signer;

const std::string kTown = "城关镇";

// A node: its store, device key (as a Signer, for changes made outside the
// store) and transport key.
struct Peer {
  std::unique_ptr<Store> store;
  Signer* signer = nullptr;
  BoxSecretKey transport = crypto::generateBoxKey();
  Signed announcement;
};

struct World {
  test::TempDir dir;
  test::County county;
  NetworkSecret secret;
  Signer office{county.network, 1};
  Signer town{county.network, 2};
  Signer other{county.network, 3};
  std::vector<Signed> common;
  Peer a, b;

  World() {
    randombytes_buf(secret.data(), secret.size());
    common.push_back(office.introduce(county, "", Role::kCounty));
    common.push_back(town.introduce(county, kTown, Role::kTownship));
    common.push_back(other.introduce(county, kTown, Role::kTownship));
    a.signer = &office;
    b.signer = &town;
    for (Peer* p : {&a, &b}) {
      Change c;
      c.op = OpKind::kTransportKey;
      c.transportKey = p->transport.publicKey();
      p->announcement = p->signer->add(c);
      common.push_back(p->announcement);
    }
    a.store = test::openStore(dir.sub("a"), county);
    b.store = test::openStore(dir.sub("b"), county);
    REQUIRE(a.store);
    REQUIRE(b.store);
    REQUIRE(a.store->ingest(test::envelopesOf(common)));
    REQUIRE(b.store->ingest(test::envelopesOf(common)));
  }

  net::LocalIdentity identity(Peer& p) {
    net::LocalIdentity id;
    id.network = county.network;
    id.secret = &secret;
    id.transportKey = &p.transport;
    id.payload.announcement = p.announcement.envelope;
    return id;
  }
  net::PeerCheck check(Store& s) {
    return [this, &s](const BoxPublicKey& remote, const net::HandshakePayload& payload) {
      return admitPeer(county.network, county.root.publicKey(), remote, payload.announcement,
                       payload.admission, [&s](const PublicKey& k) {
                         auto m = s.membership(k);
                         return m ? *m : std::optional<Membership>();
                       });
    };
  }

  // One session between a (initiator) and b; returns both reports.
  std::pair<net::SyncReport, net::SyncReport> sync() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    auto side = [&](Peer& p, int fd, bool initiator) {
      net::SyncReport r;
      auto ch = net::Channel::open(fd, initiator, identity(p), check(*p.store), 10000);
      if (!ch) {
        r.status = ch.status();
        return r;
      }
      return net::runSync(**ch, *p.store, *p.store, p.signer->publicKey(), {});
    };
    auto fb = std::async(std::launch::async, [&] { return side(b, fds[1], false); });
    net::SyncReport ra = side(a, fds[0], true);
    net::SyncReport rb = fb.get();
    return {ra, rb};
  }
};

void requireConverged(Store& x, Store& y) {
  CHECK(x.digest().value() == y.digest().value());
  CHECK(x.versionVector().value() == y.versionVector().value());
  CHECK(test::verifies(x));
  CHECK(test::verifies(y));
}

TEST_CASE("Sync: one session moves what each side lacks, both ways, and both agree",
          "[sim][sync]") {
  uint64_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937_64 rng(seed);
  World w;
  std::vector<Signed> onlyA, onlyB;
  auto deputy = w.town.create(RecordKind::kDeputy, kTown, {{"name", "甲"}});
  REQUIRE(w.a.store->ingest({deputy.envelope}));
  REQUIRE(w.b.store->ingest({deputy.envelope}));
  for (int i = 0; i < 300; ++i) {
    int who = int(rng() % 3);
    if (who == 0) onlyA.push_back(w.office.create(RecordKind::kStation, kTown, {{"name", "站" + std::to_string(i)}}));
    else if (who == 1) onlyB.push_back(w.town.update(deputy.id, {deputy.id}, {{"phone", std::to_string(i)}}));
    else onlyB.push_back(w.other.create(RecordKind::kDeputy, kTown, {{"name", "乙" + std::to_string(i)}}));
  }
  REQUIRE(w.a.store->ingest(test::envelopesOf(onlyA)));
  REQUIRE(w.b.store->ingest(test::envelopesOf(onlyB)));
  auto [ra, rb] = w.sync();
  INFO(ra.status.message() << " / " << rb.status.message());
  REQUIRE(ra.status);
  REQUIRE(rb.status);
  CHECK(ra.sentChanges == onlyA.size());
  CHECK(rb.sentChanges == onlyB.size());
  CHECK(ra.receivedChanges == onlyB.size());
  CHECK(rb.receivedChanges == onlyA.size());
  requireConverged(*w.a.store, *w.b.store);
  // A second session has nothing to move.
  auto [again, againB] = w.sync();
  REQUIRE(again.status);
  CHECK(again.sentChanges == 0);
  CHECK(again.receivedChanges == 0);
}

TEST_CASE("Sync: sessions with nothing to move end with both goodbyes, never one before the "
          "other's done",
          "[sim][sync]") {
  // The goodbye of a side whose `done` was marked but not yet on the link
  // could overtake it; the peer then took the session for cut short (and the
  // first side waited 10 s for a goodbye). Many short sessions in a row give
  // that race its chances.
  World w;
  for (int i = 0; i < 500; ++i) {
    auto [ra, rb] = w.sync();
    INFO("session " << i << ": " << ra.status.message() << " / " << rb.status.message());
    REQUIRE(ra.status);
    REQUIRE(rb.status);
    CHECK(ra.durationMs < 5000);
  }
}

TEST_CASE("Sync: large summaries go by bucket fingerprints and still move exactly the "
          "difference",
          "[sim][sync]") {
  World w;
  // More authors than fit in a hello.
  std::vector<Signer> many;
  std::vector<Signed> intro, work;
  for (int i = 0; i < 1100; ++i) {
    many.emplace_back(w.county.network, 100 + i);
    intro.push_back(many.back().introduce(w.county, kTown, Role::kTownship));
  }
  REQUIRE(w.a.store->ingest(test::envelopesOf(intro)));
  REQUIRE(w.b.store->ingest(test::envelopesOf(intro)));
  for (int i = 0; i < 10; ++i)
    work.push_back(many[size_t(i) * 97].create(RecordKind::kDeputy, kTown, {{"name", "丙"}}));
  REQUIRE(w.b.store->ingest(test::envelopesOf(work)));
  auto [ra, rb] = w.sync();
  REQUIRE(ra.status);
  REQUIRE(rb.status);
  CHECK(ra.receivedChanges == work.size());
  CHECK(rb.sentChanges == work.size());
  requireConverged(*w.a.store, *w.b.store);
  // The hello carried fingerprints, not 1,100 entries each way.
  CHECK(ra.bytesSent < 64 * 1024);
}

TEST_CASE("Sync: a node the store does not admit cannot sync", "[sim][sync]") {
  World w;
  Signer stranger(w.county.network, 99);  // never enrolled
  Change c;
  c.op = OpKind::kTransportKey;
  BoxSecretKey key = crypto::generateBoxKey();
  c.transportKey = key.publicKey();
  Signed announce = stranger.add(c);
  Peer s;
  s.signer = &stranger;
  s.transport = std::move(key);
  s.announcement = announce;
  s.store = test::openStore(w.dir.sub("s"), w.county);
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  auto fb = std::async(std::launch::async, [&] {
    return net::Channel::open(fds[1], false, w.identity(w.b), w.check(*w.b.store), 5000).status();
  });
  auto mine = net::Channel::open(fds[0], true, w.identity(s), w.check(*s.store), 5000);
  Status theirs = fb.get();
  CHECK_FALSE(theirs);
  CHECK_THAT(theirs.message(), Catch::Contains("not enrolled"));
  CHECK_FALSE(mine);

  SECTION("nor can one without the network's secret") {
    NetworkSecret wrong;
    randombytes_buf(wrong.data(), wrong.size());
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    auto fb2 = std::async(std::launch::async, [&] {
      return net::Channel::open(fds[1], false, w.identity(w.b), w.check(*w.b.store), 5000).status();
    });
    net::LocalIdentity id = w.identity(w.a);
    id.secret = &wrong;
    auto mine2 = net::Channel::open(fds[0], true, id, w.check(*w.a.store), 5000);
    CHECK_FALSE(fb2.get());
    CHECK_FALSE(mine2);
  }
}

}  // namespace
}  // namespace renda::sim
