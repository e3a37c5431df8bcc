// SPDX-License-Identifier: Apache-2.0
// What a node tells others and sends them: its version vector (one tip per
// author, one per branch for an author that forked), and the changes a
// peer's version vector lacks, read from each author's log rather than by
// walking the whole store.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <string_view>

#include "storage/ingest.h"

namespace renda::storage {

namespace {

// An author's held changes where they branch: nodes by id, with the number,
// the predecessor and the arrival of each.
struct Branching {
  uint64_t branchSeq = 0, maxBranchSeq = 0;
  struct Node {
    uint64_t seq;
    std::optional<ChangeId> prev;
    uint64_t arrival;
  };
  std::map<ChangeId, Node> nodes;  // numbered branchSeq - 1 .. maxBranchSeq + 1
};

// Calls fn(seq, arrival) for every held change of `author` numbered from..to
// in `table` (log or forklog), in key order.
template <typename F>
Status forEachLogged(const Txn& txn, MDB_dbi table, const PublicKey& author, uint64_t from,
                     uint64_t to, F fn) {
  auto c = Cursor::open(txn, table);
  if (!c) return c.status();
  std::string start = keys::authorSeq(author, from);
  for (auto ok = c->seek(bytesOf(start));; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok || c->key().size() < 40 || std::memcmp(c->key().data(), author.data(), 32) != 0)
      break;
    uint64_t seq = keys::getBe64(c->key().data() + 32);
    if (seq > to) break;
    if (c->value().size() != 8) return Status::corruption("an author log entry is damaged");
    RENDA_TRY(fn(seq, keys::getBe64(c->value().data())));
  }
  return Status::ok();
}

Result<Branching> branchingOf(const Txn& txn, const Store::Tables& t, const PublicKey& author,
                              std::pair<uint64_t, uint64_t> range) {
  Branching b;
  b.branchSeq = range.first;
  b.maxBranchSeq = range.second;
  RENDA_TRY(forEachHeld(txn, t, author, b.branchSeq - 1, b.maxBranchSeq + 1,
                        [&](uint64_t arrival, const StoredChange& d) -> Status {
                          b.nodes[d.id] = {d.change.seq, d.change.prev, arrival};
                          return Status::ok();
                        }));
  return b;
}

Result<std::optional<VersionEntry>> vvOf(const Txn& txn, const Store::Tables& t,
                                          const PublicKey& author) {
  auto v = txn.get(t.vv, bytesOf(keys::fixed(author)));
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<VersionEntry>();
  if ((*v)->size() != 40) return Status::corruption("the version vector is damaged");
  VersionEntry e{author, keys::getBe64((*v)->data()), {}};
  std::memcpy(e.id.data(), (*v)->data() + 8, 32);
  return std::optional<VersionEntry>(e);
}

// The tips of a forked author: every change nothing follows.
std::vector<VersionEntry> tipsOf(const PublicKey& author, const Branching& b,
                                 const VersionEntry& top) {
  std::set<ChangeId> followed;
  for (const auto& [id, n] : b.nodes)
    if (n.prev) followed.insert(*n.prev);
  std::vector<VersionEntry> tips;
  for (const auto& [id, n] : b.nodes) {
    if (followed.count(id) || n.seq < b.branchSeq) continue;
    // The change numbered maxBranchSeq + 1 is followed by the chain above
    // when the top is higher.
    if (n.seq == b.maxBranchSeq + 1 && top.seq > n.seq) continue;
    tips.push_back({author, n.seq, id});
  }
  if (top.seq > b.maxBranchSeq + 1) tips.push_back(top);
  std::sort(tips.begin(), tips.end(), [](const VersionEntry& x, const VersionEntry& y) {
    return std::tie(x.seq, x.id) < std::tie(y.seq, y.id);
  });
  return tips;
}

// The held changes of a forked author that are ancestors of (or are) `tip`.
std::set<ChangeId> ancestorsIn(const Branching& b, ChangeId tip) {
  std::set<ChangeId> out;
  for (auto it = b.nodes.find(tip); it != b.nodes.end(); it = b.nodes.find(*it->second.prev)) {
    out.insert(tip);
    if (!it->second.prev) break;
    tip = *it->second.prev;
  }
  return out;
}

}  // namespace

Result<std::map<PublicKey, std::pair<uint64_t, uint64_t>>> forkedAuthors(const Txn& txn,
                                                                         const Store::Tables& t) {
  std::map<PublicKey, std::pair<uint64_t, uint64_t>> out;
  auto c = Cursor::open(txn, t.forklog);
  if (!c) return c.status();
  for (auto ok = c->first();; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    if (c->key().size() != 72) return Status::corruption("the fork log is damaged");
    PublicKey a;
    std::memcpy(a.data(), c->key().data(), 32);
    uint64_t seq = keys::getBe64(c->key().data() + 32);
    auto [it, fresh] = out.try_emplace(a, seq, seq);
    if (!fresh) it->second.second = std::max(it->second.second, seq);
  }
  return out;
}

Status forEachHeld(const Txn& txn, const Store::Tables& t, const PublicKey& author, uint64_t from,
                   uint64_t to, const std::function<Status(uint64_t, const StoredChange&)>& fn) {
  for (MDB_dbi table : {t.log, t.forklog})
    RENDA_TRY(forEachLogged(txn, table, author, from, to,
                            [&](uint64_t, uint64_t arrival) -> Status {
                              auto v = txn.get(t.changes, bytesOf(keys::be64(arrival)));
                              if (!v) return v.status();
                              if (!v->has_value())
                                return Status::corruption("an author log names a missing change");
                              auto d = decodeStored(**v);
                              if (!d) return d.status();
                              return fn(arrival, *d);
                            }));
  return Status::ok();
}

Status forEachTop(const Txn& txn, const Store::Tables& t,
                  const std::function<Status(const VersionEntry&)>& fn) {
  auto c = Cursor::open(txn, t.vv);
  if (!c) return c.status();
  for (auto ok = c->first();; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    if (c->key().size() != 32 || c->value().size() != 40)
      return Status::corruption("the version vector is damaged");
    VersionEntry e;
    std::memcpy(e.author.data(), c->key().data(), 32);
    e.seq = keys::getBe64(c->value().data());
    std::memcpy(e.id.data(), c->value().data() + 8, 32);
    RENDA_TRY(fn(e));
  }
  return Status::ok();
}

Result<VersionVector> Store::versionVector() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto forked = forkedAuthors(*txn, *t_);
  if (!forked) return forked.status();
  VersionVector out;
  RENDA_TRY(forEachTop(*txn, *t_, [&](const VersionEntry& e) -> Status {
    auto f = forked->find(e.author);
    if (f == forked->end()) {
      out.push_back(e);
      return Status::ok();
    }
    auto b = branchingOf(*txn, *t_, e.author, f->second);
    if (!b) return b.status();
    for (const auto& tip : tipsOf(e.author, *b, e)) out.push_back(tip);
    return Status::ok();
  }));
  return out;
}

Result<std::vector<ForkInfo>> Store::forks() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto forked = forkedAuthors(*txn, *t_);
  if (!forked) return forked.status();
  std::vector<ForkInfo> out;
  for (const auto& [author, range] : *forked) {
    auto top = vvOf(*txn, *t_, author);
    if (!top) return top.status();
    if (!*top) return Status::corruption("a forked author has no version-vector entry");
    auto b = branchingOf(*txn, *t_, author, range);
    if (!b) return b.status();
    out.push_back({author, range.first, tipsOf(author, *b, **top)});
  }
  return out;
}

Result<std::vector<PublicKey>> Store::divergedFrom(const VersionVector& theirs) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<PublicKey> out;
  for (const auto& e : theirs) {
    if (!out.empty() && out.back() == e.author) continue;
    auto at = keys::arrivalOf(*txn, *t_, e.id);
    if (!at) return at.status();
    if (at->has_value()) continue;
    auto same = txn->get(t_->log, bytesOf(keys::authorSeq(e.author, e.seq)));
    if (!same) return same.status();
    if (same->has_value()) out.push_back(e.author);
  }
  return out;
}

Result<VersionVector> Store::heldTips(const VersionVector& theirs) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  VersionVector out;
  for (const auto& e : theirs) {
    auto at = keys::arrivalOf(*txn, *t_, e.id);
    if (!at) return at.status();
    if (at->has_value()) out.push_back(e);
  }
  return out;
}

Result<Store::MissingPlan> Store::planMissing(const VersionVector& theirs, size_t recentOfAhead,
                                              const std::vector<PublicKey>& alwaysRecent) {
  MissingPlan plan;
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::map<PublicKey, std::vector<const VersionEntry*>> tips;
  for (const auto& e : theirs) tips[e.author].push_back(&e);
  auto forked = forkedAuthors(*txn, *t_);
  if (!forked) return forked.status();
  std::vector<uint64_t> arrivals;
  auto take = [&](uint64_t, uint64_t arrival) -> Status {
    arrivals.push_back(arrival);
    // A plan for a node that lacks most of the store walks most of the
    // author logs; the kernel maps neighbouring pages with each page read
    // (of any table), so let go of them as the walk goes.
    if (arrivals.size() % 65536 == 0) env_.releaseMappedPages();
    return Status::ok();
  };
  RENDA_TRY(forEachTop(*txn, *t_, [&](const VersionEntry& mineTop) -> Status {
    const PublicKey& a = mineTop.author;
    uint64_t top = mineTop.seq;
    auto mine = tips.find(a);
    // Which of their tips this node holds, and whether one it lacks sits at
    // a number this node has gone to (then the two have diverged).
    uint64_t maxHeld = 0;
    bool diverged = false;
    std::vector<ChangeId> heldIds;
    if (mine != tips.end())
      for (const VersionEntry* e : mine->second) {
        auto at = keys::arrivalOf(*txn, *t_, e->id);
        if (!at) return at.status();
        if (at->has_value()) {
          maxHeld = std::max(maxHeld, e->seq);
          heldIds.push_back(e->id);
        } else if (e->seq <= top) {
          diverged = true;
        }
      }
    auto f = forked->find(a);
    if (f == forked->end()) {
      // One chain: they hold it up to the highest tip they share with it.
      // When they named none and lack nothing this node can see, they are
      // taken to be ahead on the same chain; should they be on another
      // branch, what this node sends may need its own last changes of that
      // author, so a bundle takes a few of them along, and assumes the
      // receiver holds the one before (its prerequisite).
      if (mine != tips.end() && heldIds.empty() && !diverged) {
        if (recentOfAhead == 0) return Status::ok();
        uint64_t from = top > recentOfAhead ? top - recentOfAhead + 1 : 1;
        plan.aheadAuthors.push_back({a, from, top});
        return Status::ok();
      }
      for (const auto& id : heldIds)
        for (const VersionEntry* e : mine->second)
          if (e->id == id) plan.assumed.push_back(*e);
      RENDA_TRY(forEachLogged(*txn, t_->log, a, maxHeld + 1, UINT64_MAX, take));
      return Status::ok();
    }
    // Branches: everything that is not below a tip they hold.
    for (const auto& id : heldIds)
      for (const VersionEntry* e : mine->second)
        if (e->id == id) plan.assumed.push_back(*e);
    auto b = branchingOf(*txn, *t_, a, f->second);
    if (!b) return b.status();
    std::set<ChangeId> theyHave;
    uint64_t belowBranches = 0;  // they hold every change numbered up to this before the branches
    uint64_t aboveTo = 0;        // ... and the chain above the branches up to this number
    for (const auto& id : heldIds) {
      auto at = locateChange(*txn, *t_, id);
      if (!at) return at.status();
      if (!*at) return Status::corruption("a held change cannot be found");
      uint64_t seq = (*at)->second;
      if (seq < b->branchSeq) {
        belowBranches = std::max(belowBranches, seq);
        continue;
      }
      belowBranches = std::max(belowBranches, b->branchSeq - 1);
      ChangeId from = id;
      if (seq > b->maxBranchSeq + 1) {
        aboveTo = std::max(aboveTo, seq);
        for (const auto& [nid, n] : b->nodes)
          if (n.seq == b->maxBranchSeq + 1) from = nid;
      }
      for (const auto& x : ancestorsIn(*b, from)) theyHave.insert(x);
    }
    if (b->branchSeq >= 2)
      RENDA_TRY(forEachLogged(*txn, t_->log, a, belowBranches + 1, b->branchSeq - 2, take));
    for (const auto& [id, n] : b->nodes)
      if (n.seq > belowBranches && !theyHave.count(id)) arrivals.push_back(n.arrival);
    RENDA_TRY(forEachLogged(*txn, t_->log, a, std::max(aboveTo, b->maxBranchSeq + 1) + 1,
                            UINT64_MAX, take));
    return Status::ok();
  }));
  // The recent changes of authors taken to be ahead go only along with
  // something else, except those of the authors named in alwaysRecent.
  const bool alone = arrivals.empty();
  for (const auto& [a, from, to] : plan.aheadAuthors) {
    if (alone && std::find(alwaysRecent.begin(), alwaysRecent.end(), a) == alwaysRecent.end())
      continue;
    RENDA_TRY(forEachLogged(*txn, t_->log, a, from, to, take));
    if (from > 1) {
      auto before = txn->get(t_->log, bytesOf(keys::authorSeq(a, from - 1)));
      if (!before) return before.status();
      if (!before->has_value()) return Status::corruption("an author log has a gap");
      auto stored = txn->get(t_->changes, **before);
      if (!stored) return stored.status();
      if (!stored->has_value()) return Status::corruption("an author log names a missing change");
      auto d = decodeStored(**stored);
      if (!d) return d.status();
      plan.assumed.push_back({a, from - 1, d->id});
    }
  }
  // Arrival order is a causal order: ingest stores a change only after its
  // previous change, its deps and its parents.
  std::sort(arrivals.begin(), arrivals.end());
  arrivals.erase(std::unique(arrivals.begin(), arrivals.end()), arrivals.end());
  std::sort(plan.assumed.begin(), plan.assumed.end(), [](const VersionEntry& x, const VersionEntry& y) {
    return std::tie(x.author, x.seq, x.id) < std::tie(y.author, y.seq, y.id);
  });
  plan.assumed.erase(std::unique(plan.assumed.begin(), plan.assumed.end()), plan.assumed.end());
  plan.arrivals = std::move(arrivals);
  return plan;
}

Status Store::forEachMissing(const VersionVector& theirs,
                             const std::function<Status(std::string_view)>& fn) {
  auto plan = planMissing(theirs, 0);
  if (!plan) return plan.status();
  return sendPlanned(*plan, fn);
}

Status Store::sendPlanned(const MissingPlan& plan,
                          const std::function<Status(std::string_view)>& fn) {
  const std::vector<uint64_t>& arrivals = plan.arrivals;
  // Read in slices, each in a short transaction of its own, so that `fn` may
  // block (a sender waiting for the link) without holding a reader open:
  // stored changes never change, so the slices see the same bytes.
  constexpr size_t kSlice = 512;
  std::vector<std::string> slice;
  for (size_t from = 0; from < arrivals.size(); from += kSlice) {
    slice.clear();
    {
      auto read = ReadTxn::begin(env_);
      if (!read) return read.status();
      for (size_t i = from; i < std::min(arrivals.size(), from + kSlice); ++i) {
        auto v = read->get(t_->changes, bytesOf(keys::be64(arrivals[i])));
        if (!v) return v.status();
        if (!v->has_value() || (*v)->size() < keys::kChangeHeader || (**v)[0] != keys::kChangeFormat)
          return Status::corruption("a stored change is damaged");
        slice.emplace_back(viewOf((*v)->subspan(keys::kChangeHeader)));
      }
    }
    for (const auto& e : slice) RENDA_TRY(fn(e));
    // A long stream (a full sync) reads most of the store: let go of its
    // pages as it goes, so that memory follows a slice, not the store.
    if (arrivals.size() > kSlice) env_.releaseMappedPages();
  }
  return Status::ok();
}

Result<std::vector<std::pair<uint64_t, ChangeId>>> Store::changesOf(const PublicKey& author,
                                                                    uint64_t fromSeq) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<std::pair<uint64_t, ChangeId>> out;
  RENDA_TRY(forEachHeld(*txn, *t_, author, fromSeq, UINT64_MAX,
                        [&](uint64_t, const StoredChange& d) -> Status {
                          out.emplace_back(d.change.seq, d.id);
                          return Status::ok();
                        }));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<ChangeId>> Store::changesNumbered(const PublicKey& author, uint64_t seq) {
  std::vector<ChangeId> out;
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  RENDA_TRY(forEachHeld(*txn, *t_, author, seq, seq, [&](uint64_t, const StoredChange& d) -> Status {
    out.push_back(d.id);
    return Status::ok();
  }));
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> Store::transportAnnouncement(const PublicKey& key,
                                                 const BoxPublicKey& transportKey) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::optional<std::string> found;
  RENDA_TRY(forEachHeld(*txn, *t_, key, 1, UINT64_MAX, [&](uint64_t, const StoredChange& d) -> Status {
    if (d.change.op == OpKind::kTransportKey && d.change.transportKey == transportKey &&
        (d.flags & keys::kFlagApplied))
      found = encodeEnvelope(d.envelope);
    return Status::ok();
  }));
  if (!found)
    return Status::notFound("this node has not announced its transport key yet; run any command "
                            "that writes (it announces it first), or renda join again");
  return *found;
}

Result<std::vector<std::string>> Store::admissionOf(const PublicKey& key) {
  auto net = network();
  if (!net) return net.status();
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<std::string> out;
  auto c = Cursor::open(*txn, t_->acts);
  if (!c) return c.status();
  for (auto ok = c->last();; ok = c->prev()) {
    if (!ok) return ok.status();
    if (!*ok || out.size() >= 4) break;
    auto v = txn->get(t_->changes, c->key());
    if (!v) return v.status();
    if (!v->has_value()) return Status::corruption("the acts table names a missing change");
    auto d = decodeStored(**v);
    if (!d) return d.status();
    if (d->change.op != OpKind::kCertificate) continue;
    // A certificate of `key` holds its bytes (a Data field, stored as is):
    // the others are passed over without checking their signatures, which
    // at thousands of members costs more than the rest of a session.
    std::string_view body = d->change.certificate->body;
    if (body.find(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) ==
        std::string_view::npos)
      continue;
    auto cert = openCertificate(net->network, crypto::asBytes(d->change.certificate->body),
                                d->change.certificate->sig);
    if (!cert || cert->subject != key) continue;
    if (cert->issuer == net->root || cert->issuer == d->change.author)
      out.push_back(encodeEnvelope(d->envelope));
  }
  return out;
}

}  // namespace renda::storage
