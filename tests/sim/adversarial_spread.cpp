// SPDX-License-Identifier: Apache-2.0
// The adversarial simulation's spreading (summaries, forEachMissing, ingest,
// bundles, the fixed point) and its checks (adversarial.h).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "core/domain/privacy.h"
#include "tests/sim/adversarial.h"

namespace renda::sim::adversarial {

std::string Simulation::listed(const std::vector<std::string>& batch) const {
  std::string out;
  for (const auto& e : batch) {
    auto env = decodeEnvelope(crypto::asBytes(e));
    auto c = env ? decodeChange(crypto::asBytes(env->body)) : Result<Change>(env.status());
    if (c)
      out += "\n  " + whoIs(c->author) + " " + toHex(c->author).substr(0, 8) + " change " +
             std::to_string(c->seq) + " op " + std::to_string(static_cast<int>(c->op));
  }
  return out;
}

std::string Simulation::lacking(const std::vector<std::string>& batch, size_t to,
                                const Source* src) {
  std::set<ChangeId> inBatch;
  std::vector<Change> changes;
  for (const auto& e : batch) {
    auto env = decodeEnvelope(crypto::asBytes(e));
    if (!env) continue;
    inBatch.insert(crypto::changeId(crypto::asBytes(env->body)));
    if (auto c = decodeChange(crypto::asBytes(env->body))) changes.push_back(std::move(*c));
  }
  std::map<ChangeId, const HeldChange*> anywhere;
  std::vector<Content> all;
  for (auto& r : replicas_) all.push_back(contentOf(*r.store));
  for (const auto& c : all)
    for (const auto& h : c.changes) anywhere[h.id] = &h;
  std::string out;
  for (const auto& c : changes) {
    std::vector<ChangeId> needs = c.deps;
    if (c.prev) needs.push_back(*c.prev);
    needs.insert(needs.end(), c.parents.begin(), c.parents.end());
    for (const auto& id : needs) {
      if (inBatch.count(id) || all[to].applied.count(id)) continue;
      auto it = anywhere.find(id);
      out += "\n  " + toHex(id).substr(0, 8) + " (needed by " + whoIs(c.author) + " change " +
             std::to_string(c.seq) + "): " +
             (it == anywhere.end() ? std::string("held nowhere")
                                   : whoIs(it->second->change.author) + " change " +
                                         std::to_string(it->second->change.seq));
      if (it == anywhere.end() || !src) continue;
      const PublicKey& a = it->second->change.author;
      auto held = [&](Store& st) {
        std::string o;
        auto ofA = st.changesOf(a, 1).value();
        for (const auto& [seq, cid] : ofA)
          o += ' ' + std::to_string(seq) + ':' + toHex(cid).substr(0, 6);
        return o;
      };
      out += "\n    sender " + std::to_string(src->from) + " holds" +
             held(*replicas_[src->from].store) + "\n    receiver holds" +
             held(*replicas_[to].store) + "\n    their summary names";
      for (const auto& e : src->theirs)
        if (e.author == a) out += ' ' + std::to_string(e.seq) + ':' + toHex(e.id).substr(0, 6);
    }
  }
  return out;
}

bool Simulation::aheadBranch(const Source& src, size_t to) {
  Store& from = *replicas_[src.from].store;
  // Judged when `from` read the changes: a bundle may arrive much later.
  Store& dest = *replicas_[to].store;
  auto mine = from.versionVector().value();
  auto held = from.heldTips(src.theirs).value();
  std::map<PublicKey, int> entries;
  for (const auto& e : mine) ++entries[e.author];
  for (const auto& e : mine) {
    if (entries[e.author] != 1) continue;
    bool named = false, allAbove = true;
    for (const auto& t : src.theirs)
      if (t.author == e.author) {
        named = true;
        allAbove =
            allAbove && t.seq > e.seq && std::find(held.begin(), held.end(), t) == held.end();
      }
    if (!named || !allAbove) continue;
    auto ours = from.changesOf(e.author, 1).value();
    auto theirsHeld = dest.changesOf(e.author, 1).value();
    for (const auto& c : ours)
      if (std::find(theirsHeld.begin(), theirsHeld.end(), c) == theirsHeld.end()) return true;
  }
  return false;
}

bool Simulation::ingestBatch(const std::vector<std::string>& batch, size_t to, const Source* src) {
  Store& s = *replicas_[to].store;
  uint64_t before = s.changeCount().value();
  auto rep = s.ingestAt(batch, nowMs_);
  if (!rep) {
    INFO("replica " << to << " refused a batch: " << rep.status().toString() << listed(batch));
    REQUIRE(s.changeCount().value() == before);
    REQUIRE(rep.status().code() == Code::kRefused);
    INFO("what they need and lack:" << lacking(batch, to, src));
    REQUIRE(src);
    REQUIRE_FALSE(strict_);
    REQUIRE(src->aheadBranch);
    // ... and only as "not ready": something it needs has not reached it.
    std::string why = rep.status().message();
    REQUIRE((why.find("does not have yet") != std::string::npos ||
             why.find("has not enrolled") != std::string::npos ||
             why.find("arrived before its number") != std::string::npos ||
             why.find("version this node lacks") != std::string::npos));
    ++stats_.knownAheadBranch;
    if (std::getenv("RENDA_SIM_DEBUG"))
      std::cerr << "refused at " << to << " from " << src->from << ": " << rep.status().toString()
                << listed(batch) << "\nlacking:" << lacking(batch, to, src) << "\n";
    return false;
  }
  ++stats_.batches;
  stats_.duplicates += rep->duplicates;
  return true;
}

std::vector<std::string> Simulation::missingAt(size_t from, const VersionVector& theirs) {
  std::vector<std::string> out;
  REQUIRE(replicas_[from].store->forEachMissing(theirs, [&](std::string_view e) {
    out.emplace_back(e);
    return Status::ok();
  }));
  return out;
}

bool Simulation::deliver(const std::vector<std::string>& changes, size_t to, const Source* src,
                         size_t stopAfter) {
  size_t maxBatch = 1 + rng_() % 40;
  for (size_t at = 0, n = 0; at < changes.size() && n < stopAfter; at += maxBatch, ++n) {
    std::vector<std::string> batch(changes.begin() + at,
                                   changes.begin() + std::min(changes.size(), at + maxBatch));
    if (ingestBatch(batch, to, src)) continue;
    // Refused by the known bug: the rest one by one, leaving out what the
    // peer cannot take yet, so that what it can take gets through (without
    // that, two peers that each lack the other's missing branch never sync).
    bool all = true;
    for (size_t k = at; k < changes.size(); ++k) all = ingestBatch({changes[k]}, to, src) && all;
    return all;
  }
  return true;
}

// A sync from `from` to `to`. When the known bug refuses a batch, the two
// sync the other way first (as a two-way session would), then again; past
// that the fixed point (heal()) sorts it out.
void Simulation::exchange(size_t from, size_t to, int depth) {
  if (from == to) return;
  Source src{from, replicas_[to].store->versionVector().value()};
  // As a session does (net/sync.h): the receiver names the authors whose
  // branches differ from the sender's summary, and gets all of theirs.
  auto diverged = replicas_[to].store->divergedFrom(replicas_[from].store->versionVector().value());
  REQUIRE(diverged);
  src.theirs.erase(std::remove_if(src.theirs.begin(), src.theirs.end(),
                                  [&](const VersionEntry& e) {
                                    return std::find(diverged->begin(), diverged->end(),
                                                     e.author) != diverged->end();
                                  }),
                   src.theirs.end());
  src.aheadBranch = aheadBranch(src, to);
  replicas_[to].summaries.push_back(src.theirs);
  ++stats_.exchanges;
  if (deliver(missingAt(from, src.theirs), to, &src) || depth >= 2) return;
  exchange(to, from, depth + 1);
  exchange(from, to, depth + 1);
}

void Simulation::makeBundle() {
  size_t from = rng_() % replicas_.size(), to = rng_() % replicas_.size();
  if (from == to) return;
  auto& old = replicas_[to].summaries;
  Source src{from, !old.empty() && rng_() % 3 == 0 ? old[rng_() % old.size()]
                                                   : replicas_[to].store->versionVector().value()};
  src.aheadBranch = aheadBranch(src, to);
  // As a bundle does (app/node/bundles.cpp): a few recent changes of authors
  // the summary seems ahead on go along, and what it assumes is checked first.
  auto plan = replicas_[from].store->planMissing(src.theirs, 8);
  REQUIRE(plan);
  std::vector<std::string> changes;
  REQUIRE(replicas_[from].store->sendPlanned(*plan, [&](std::string_view e) {
    changes.emplace_back(e);
    return Status::ok();
  }));
  mailbox_.push_back({to, std::move(src), std::move(changes), plan->assumed});
  ++stats_.bundles;
}

void Simulation::deliverBundle() {
  if (mailbox_.empty()) return;
  size_t k = rng_() % mailbox_.size();
  Bundle b = mailbox_[k];
  bool partial = rng_() % 5 == 0;
  if (partial) ++stats_.partial;
  if (rng_() % 4 != 0) mailbox_.erase(mailbox_.begin() + static_cast<long>(k));
  if (!prerequisitesHeld(b)) return;
  deliver(b.changes, b.to, &b.source, partial ? rng_() % 3 : SIZE_MAX);
}

bool Simulation::prerequisitesHeld(const Bundle& b) {
  auto held = replicas_[b.to].store->heldTips(b.prerequisites);
  REQUIRE(held);
  if (held->size() == b.prerequisites.size()) return true;
  ++stats_.prerequisitesRefused;  // refused up front, as renda bundle import does
  return false;
}

void Simulation::heal() {
  for (auto& b : mailbox_)
    if (prerequisitesHeld(b)) deliver(b.changes, b.to, &b.source);
  mailbox_.clear();
  for (int round = 0;; ++round) {
    INFO("heal round " << round);
    REQUIRE(round < 8);
    std::vector<size_t> order(replicas_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), rng_);
    for (size_t from : order)
      for (size_t to : order) exchange(from, to);
    bool same = true;
    auto vv = replicas_[0].store->versionVector().value();
    auto count = replicas_[0].store->changeCount().value();
    for (auto& r : replicas_)
      same =
          same && r.store->versionVector().value() == vv && r.store->changeCount().value() == count;
    if (same) break;
  }
}

std::string Simulation::whoIs(const PublicKey& k) const {
  for (size_t i = 0; i < replicas_.size(); ++i)
    if (replicas_[i].key.publicKey() == k) return "replica " + std::to_string(i);
  if (honestKeys_.count(k)) return "a replica's earlier key";
  static const char* const kNames[] = {"forker",    "self-renewer", "minter",
                                       "successor", "victim",       "thief's key"};
  for (const auto& d : devs_)
    if (d.device.publicKey() == k) return kNames[static_cast<int>(d.kind)];
  return "key " + toHex(k).substr(0, 8);
}

std::string Simulation::describe(const HeldChange& h, const Content& c) const {
  auto v = c.verdicts.find(h.id);
  return whoIs(h.change.author) + " change " + std::to_string(h.change.seq) + " (op " +
         std::to_string(static_cast<int>(h.change.op)) + ", " + toHex(h.id).substr(0, 8) +
         (h.change.action.empty() ? "" : ", " + h.change.action) + ")" +
         (v != c.verdicts.end() && !v->second.empty() ? ": " + v->second : "");
}

void Simulation::check() {
  // The same changes, flags and verdicts everywhere.
  std::vector<Content> contents;
  for (auto& r : replicas_) contents.push_back(contentOf(*r.store));
  const Content& first = contents[0];
  Hash digest = replicas_[0].store->digest().value();
  std::vector<std::string> members;
  auto firstMembers = replicas_[0].store->members().value();
  for (const auto& m : firstMembers) members.push_back(m.encode());
  for (size_t i = 0; i < replicas_.size(); ++i) {
    INFO("replica " << i);
    Store& s = *replicas_[i].store;
    CHECK(contents[i].applied == first.applied);
    CHECK(contents[i].verdicts == first.verdicts);
    CHECK(toHex(s.digest().value()) == toHex(digest));
    std::vector<std::string> mine;
    auto itsMembers = s.members().value();
    for (const auto& m : itsMembers) mine.push_back(m.encode());
    CHECK(mine == members);
    CHECK(test::verifies(s));
  }
  // A store fed everything in one batch agrees.
  auto fresh = openFast(base_ + "/fresh");
  REQUIRE(fresh->ingest(first.envelopes));
  CHECK(contentOf(*fresh).applied == first.applied);
  CHECK(toHex(fresh->digest().value()) == toHex(digest));
  fresh.reset();

  // No honest change refused, except by the field-group rule of a suggestion
  // its author is subject to, or a settlement the county replaced by a later one.
  std::set<ChangeId> replaced;
  for (const auto& [k, ids] : settlementsOf_) replaced.insert(ids.begin(), ids.end() - 1);
  Oracle oracle = computeOracle(first.changes, county_.network, county_.root.publicKey());
  for (const auto& h : first.changes) {
    bool honest = honestKeys_.count(h.change.author) || honestIds_.count(h.id);
    if (!honest || first.applied.at(h.id) || replaced.count(h.id)) continue;
    if (oracle.fieldRuleRefused.count(h.id)) {
      ++stats_.fieldRuleRefusals;
      continue;
    }
    FAIL_CHECK("an honest change was refused: " << describe(h, first));
  }
  // No misbehaviour wins.
  for (const auto& h : first.changes)
    if (mustNotApply_.count(h.id) && first.applied.at(h.id))
      FAIL_CHECK("misbehaviour took effect: " << describe(h, first));
  auto finalMembers = replicas_[0].store->members().value();
  for (const auto& m : finalMembers)
    if (mustNotAdmit_.count(m.subject) && m.admitted)
      FAIL_CHECK("a key that must not be admitted is: " << whoIs(m.subject) << " certified by "
                                                        << whoIs(m.issuer));
  checkOracle(first, oracle, *replicas_[0].store);

  finalDigest_ = toHex(digest);
  ++stats_.seeds;
  stats_.changes += first.changes.size();
  for (const auto& [id, a] : first.applied) stats_.notApplied += !a;
  auto st = replicas_[0].store->status().value();
  for (const auto& f : st.forks)
    if (honestKeys_.count(f.author)) ++stats_.handoversBesideLost;
}

// The replicas against the oracle: flags, members, records, suggestion views
// and sealed values.
void Simulation::checkOracle(const Content& held, const Oracle& oracle, Store& s) {
  for (const auto& p : oracle.problems) FAIL_CHECK("oracle: " << p);
  for (const auto& h : held.changes)
    if (oracle.applied.at(h.id) != held.applied.at(h.id))
      FAIL_CHECK("the oracle says " << (oracle.applied.at(h.id) ? "applied" : "not applied")
                                    << ", the stores differ: " << describe(h, held));
  std::vector<Membership> members = s.members().value();
  std::map<PublicKey, const Membership*> byKey;
  for (const auto& m : members) byKey[m.subject] = &m;
  for (const auto& [k, want] : oracle.members) {
    INFO("member " << whoIs(k));
    auto it = byKey.find(k);
    REQUIRE(it != byKey.end());
    const Membership& got = *it->second;
    CHECK(got.admitted == want.admitted);
    CHECK(got.successor == want.successor);
    CHECK(got.frozenFromSeq == want.frozenFromSeq);
    CHECK(got.encryptionKey == want.encryptionKey);
    CHECK(got.transportKey == want.transportKey);
    if (want.admitted) {
      CHECK(got.township == want.township);
      CHECK(got.generation == want.generation);
      CHECK(got.windowsMs == want.windowsMs);
    }
  }
  CHECK(members.size() == oracle.members.size());
  BoxSecretKey countyBox = boxKeyFor(seed_, 1);
  for (const auto& [id, want] : oracle.records) {
    INFO("record " << toHex(id).substr(0, 8));
    auto got = s.record(id);
    REQUIRE(got);
    CHECK(encodeRecord(*got) == encodeRecord(want));
    if (want.kind == RecordKind::kSuggestion)
      CHECK(describeSuggestion(*got, members) == describeSuggestion(want, oracle));
    if (want.hasConflicts()) ++stats_.conflicts;
    for (const auto& [name, field] : want.fields)
      for (const auto& cand : field.candidates) {
        if (!looksSealed(cand.value)) continue;
        CHECK(domain::isPersonalField(name));
        auto clear = openValue(cand.value, want.kind, name, countyBox);
        REQUIRE(clear);
        CHECK(*clear == sealedClear_.at(cand.value));
      }
  }
}

}  // namespace renda::sim::adversarial
