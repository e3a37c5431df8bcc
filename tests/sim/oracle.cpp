// SPDX-License-Identifier: Apache-2.0
// computeOracle() (oracle.h): deliberately plain. Each author's changes are a
// tree (a change under its predecessor); its valid history is walked from the
// top of that tree, sets stand for paths, and nothing is cached or indexed.
#include "tests/sim/oracle.h"

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

#include "core/domain/config.h"
#include "core/domain/field_groups.h"
#include "core/domain/suggestion.h"
#include "core/hlc.h"
#include "tests/core/suggestion_fixtures.h"

namespace renda::sim {
namespace {

using Window = std::pair<uint64_t, uint64_t>;

// A held certificate, revocation or settlement, opened.
struct Act {
  const HeldChange* carrier = nullptr;
  std::optional<Certificate> cert;
  std::optional<Revocation> rev;
  std::optional<Settlement> settlement;
};

bool later(const Act* a, const Act* b) {
  return std::tie(a->carrier->change.hlc, a->carrier->id) >
         std::tie(b->carrier->change.hlc, b->carrier->id);
}

// One author's changes: each under its predecessor, the first under nullopt.
struct Tree {
  std::map<ChangeId, const HeldChange*> nodes;
  std::map<std::optional<ChangeId>, std::vector<ChangeId>> kids;

  uint64_t seqOf(const std::optional<ChangeId>& id) const {
    return id ? nodes.at(*id)->change.seq : 0;
  }
  std::optional<ChangeId> parentOf(const ChangeId& id) const { return nodes.at(id)->change.prev; }
  const std::vector<ChangeId>& kidsOf(const std::optional<ChangeId>& id) const {
    static const std::vector<ChangeId> none;
    auto it = kids.find(id);
    return it == kids.end() ? none : it->second;
  }
  // `id` and every change before it.
  std::set<ChangeId> pathTo(const ChangeId& id) const {
    std::set<ChangeId> out;
    for (std::optional<ChangeId> cur = id; cur; cur = parentOf(*cur)) out.insert(*cur);
    return out;
  }
};

// One key's valid history as the rules say, and the limits on it.
struct KeyState {
  std::set<ChangeId> line;  // the line: one change after another while only one follows
  std::set<ChangeId> side;  // hand-overs beside a change of the line
  std::optional<uint64_t> limit, frozen;
  std::optional<ChangeId> governingSettlement;

  void lower(uint64_t v) {
    if (!limit || v < *limit) limit = v;
  }
  void freezeAt(uint64_t seq) {
    if (frozen && *frozen <= seq) return;
    frozen = seq;
    lower(seq - 1);
  }
  bool valid(const HeldChange& h) const {
    if (limit && h.change.seq > *limit) return false;
    return line.count(h.id) || side.count(h.id);
  }
};

// Step 1 for key `k`: the line through revocation pins and the governing
// settlement (anchors), then on while exactly one change follows. A
// hand-over (a successor certificate of `k`'s own) that nothing follows,
// beside another change with its number, is not a branch.
KeyState lineOf(const PublicKey& k, const Tree& t, const std::vector<const Act*>& revocations,
                std::vector<const Act*> settlements, const std::set<ChangeId>& handovers,
                const std::map<ChangeId, const HeldChange*>& byId) {
  KeyState s;
  auto heldAs = [&](const ChangeId& id, uint64_t seq) {
    auto it = byId.find(id);
    return it != byId.end() && it->second->change.author == k && it->second->change.seq == seq;
  };
  std::vector<ChangeId> anchors;
  for (const Act* a : revocations) {
    const Revocation& r = *a->rev;
    if (r.cutoffSeq == 0 || !r.cutoffId) {
      s.lower(r.cutoffSeq);
    } else if (heldAs(*r.cutoffId, r.cutoffSeq)) {
      anchors.push_back(*r.cutoffId);
      s.lower(r.cutoffSeq);
    } else {
      s.lower(0);  // the pinned change is not held: nothing can be shown to come before it
    }
  }
  std::sort(settlements.begin(), settlements.end(), later);
  for (const Act* a : settlements)
    if (heldAs(a->settlement->keep, a->settlement->keepSeq)) {
      s.governingSettlement = a->carrier->id;
      anchors.push_back(a->settlement->keep);
      break;
    }
  auto exempt = [&](const ChangeId& c) {
    return handovers.count(c) && t.kidsOf(c).empty() && t.kidsOf(t.parentOf(c)).size() >= 2;
  };
  std::optional<ChangeId> cur;  // nullopt: before the first change
  bool walk = true;
  if (!anchors.empty()) {
    ChangeId deepest = *std::max_element(anchors.begin(), anchors.end(), [&](auto& x, auto& y) {
      return std::make_pair(t.seqOf(x), x) < std::make_pair(t.seqOf(y), y);
    });
    s.line = t.pathTo(deepest);
    cur = deepest;
    bool oneBranch = true;
    for (const auto& a : anchors) oneBranch = oneBranch && s.line.count(a);
    if (!oneBranch) {
      // County acts name different branches: the author holds at their common part.
      for (const auto& a : anchors) {
        std::set<ChangeId> p = t.pathTo(a), common;
        std::set_intersection(s.line.begin(), s.line.end(), p.begin(), p.end(),
                              std::inserter(common, common.begin()));
        s.line = std::move(common);
      }
      uint64_t lca = 0;
      for (const auto& id : s.line) lca = std::max(lca, t.seqOf(id));
      s.freezeAt(lca + 1);
      walk = false;
    }
  }
  while (walk) {
    std::vector<ChangeId> next;
    for (const auto& kid : t.kidsOf(cur))
      if (!exempt(kid)) next.push_back(kid);
    if (next.size() == 1) {
      cur = next.front();
      s.line.insert(*cur);
      continue;
    }
    if (next.size() > 1) s.freezeAt(t.seqOf(cur) + 1);
    break;
  }
  // A hand-over beside the line counts, but under a revocation only one that
  // a revocation's change depends on (the county kept it): a revocation keeps
  // exactly the changes its pinned change follows.
  std::set<ChangeId> vouched;
  for (const Act* a : revocations)
    vouched.insert(a->carrier->change.deps.begin(), a->carrier->change.deps.end());
  for (const auto& h : handovers) {
    if ((!revocations.empty() && !vouched.count(h)) || !t.nodes.count(h) || !exempt(h)) continue;
    auto parent = t.parentOf(h);
    if (!parent || s.line.count(*parent)) s.side.insert(h);
  }
  return s;
}

bool covers(const std::vector<Window>& windows, uint64_t ms) {
  for (auto [from, until] : windows)
    if (ms >= from && (until == 0 || ms <= until)) return true;
  return false;
}

bool windowInside(const Certificate& c, const std::vector<Window>& windows) {
  for (auto [from, until] : windows)
    if (c.validFromMs >= from && (until == 0 || (c.validUntilMs != 0 && c.validUntilMs <= until)))
      return true;
  return false;
}

bool certBroken(const Certificate& c) {
  return (c.role == Role::kCounty && !c.township.empty()) ||
         (c.validUntilMs != 0 && c.validUntilMs < c.validFromMs);
}

void addWindow(OracleMember& m, const Certificate& c) {
  Window w{c.validFromMs, c.validUntilMs};
  if (std::find(m.windowsMs.begin(), m.windowsMs.end(), w) == m.windowsMs.end())
    m.windowsMs.push_back(w);
  std::sort(m.windowsMs.begin(), m.windowsMs.end());
}

// Step 3: the root's certificates, then successors generation by generation.
void admit(Oracle& out, std::map<PublicKey, std::vector<const Act*>>& rootCerts,
           const std::map<PublicKey, const Act*>& successorAct) {
  std::set<PublicKey> byRoot;
  std::vector<PublicKey> frontier;
  for (auto& [k, certs] : rootCerts) {
    std::sort(certs.begin(), certs.end(), [](const Act* a, const Act* b) { return later(b, a); });
    OracleMember& m = out.members[k];
    const Certificate* defining = nullptr;
    for (const Act* a : certs) {
      const Certificate& c = *a->cert;
      bool ok = !certBroken(c) &&
                !(defining && (c.township != defining->township || c.role != defining->role));
      out.trustApplied[a->carrier->id] = ok;
      if (!ok) continue;
      if (!defining) {
        defining = &c;
        m.admitted = true;
        m.township = c.township;
        m.role = c.role;
        byRoot.insert(k);
        frontier.push_back(k);
      }
      addWindow(m, c);
    }
  }
  for (uint32_t gen = 0; !frontier.empty(); ++gen) {
    std::vector<PublicKey> next;
    for (const PublicKey& j : frontier) {
      auto it = successorAct.find(j);
      if (it == successorAct.end()) continue;
      const Act* a = it->second;
      const Certificate& c = *a->cert;
      OracleMember& issuer = out.members[j];
      OracleMember& m = out.members[c.subject];
      bool ok = !(m.admitted && (m.generation <= gen || byRoot.count(c.subject))) &&
                !certBroken(c) && c.township == issuer.township && c.role == issuer.role &&
                windowInside(c, issuer.windowsMs) &&
                covers(issuer.windowsMs, Hlc::millis(a->carrier->change.hlc));
      out.trustApplied[a->carrier->id] = ok;
      if (!ok) continue;
      issuer.successor = c.subject;
      if (!m.admitted) {
        m.admitted = true;
        m.generation = gen + 1;
        m.township = c.township;
        m.role = c.role;
        next.push_back(c.subject);
      }
      addWindow(m, c);
    }
    std::sort(next.begin(), next.end());
    frontier = std::move(next);
  }
}

std::vector<Membership> asMemberships(const Oracle& o) {
  std::vector<Membership> out;
  for (const auto& [k, m] : o.members) {
    Membership x;
    x.subject = k;
    x.admitted = m.admitted;
    x.township = m.township;
    x.role = m.role;
    out.push_back(std::move(x));
  }
  return out;
}

domain::MemberLookup lookupIn(const std::vector<Membership>& ms) {
  return [&ms](const PublicKey& k) -> const Membership* {
    for (const auto& m : ms)
      if (m.subject == k) return &m;
    return nullptr;
  };
}

// The merge rule read literally: a value survives unless a later applied
// setter of the same field follows it; the shown one has the longest
// history, then the highest id.
void checkFields(const Record& r, const std::map<ChangeId, const HeldChange*>& byId,
                 const std::map<ChangeId, bool>& applied, std::vector<std::string>& problems) {
  std::map<ChangeId, std::set<ChangeId>> ancestors;
  std::map<ChangeId, uint32_t> depth;
  std::function<void(const ChangeId&)> visit = [&](const ChangeId& id) {
    if (depth.count(id)) return;
    uint32_t d = 1;
    std::set<ChangeId> anc;
    for (const auto& p : byId.at(id)->change.parents) {
      visit(p);
      anc.insert(p);
      anc.insert(ancestors[p].begin(), ancestors[p].end());
      d = std::max(d, depth[p] + 1);
    }
    ancestors[id] = std::move(anc);
    depth[id] = d;
  };
  std::map<std::string, std::set<ChangeId>> setters;
  for (const auto& v : r.versions) {
    visit(v.id);
    const Change& c = byId.at(v.id)->change;
    if (applied.at(v.id) && c.action.empty())
      for (const auto& f : c.fields) setters[f.name].insert(v.id);
  }
  std::string where = "record " + toHex(r.id).substr(0, 8);
  if (r.fields.size() != setters.size()) problems.push_back(where + ": fields set differ");
  for (const auto& [name, set] : setters) {
    std::set<ChangeId> want;
    for (const auto& s : set) {
      bool superseded = false;
      for (const auto& t : set) superseded = superseded || (t != s && ancestors[t].count(s));
      if (!superseded) want.insert(s);
    }
    auto f = r.fields.find(name);
    if (f == r.fields.end()) {
      problems.push_back(where + ": field " + name + " missing");
      continue;
    }
    std::set<ChangeId> got;
    const auto& cands = f->second.candidates;
    for (size_t i = 0; i < cands.size(); ++i) {
      got.insert(cands[i].id);
      if (cands[i].depth != depth[cands[i].id]) problems.push_back(where + ": wrong depth");
      if (i > 0 && std::make_pair(cands[i - 1].depth, cands[i - 1].id) <
                       std::make_pair(cands[i].depth, cands[i].id))
        problems.push_back(where + ": field " + name + " shows the wrong candidate first");
    }
    if (got != want || got.size() != cands.size())
      problems.push_back(where + ": field " + name + " keeps other values than the rule says");
  }
}

}  // namespace

Oracle computeOracle(const std::vector<HeldChange>& held, const NetworkId& network,
                     const PublicKey& root) {
  Oracle out;
  std::map<ChangeId, const HeldChange*> byId;
  std::map<PublicKey, Tree> trees;
  std::set<PublicKey> everyone;
  std::vector<Act> acts;
  acts.reserve(held.size());
  for (const auto& h : held) {
    const Change& c = h.change;
    byId[h.id] = &h;
    trees[c.author].nodes[h.id] = &h;
    trees[c.author].kids[c.prev].push_back(h.id);
    everyone.insert(c.author);
    Act a{&h, {}, {}, {}};
    if (c.op == OpKind::kCertificate) {
      auto cert =
          openCertificate(network, crypto::asBytes(c.certificate->body), c.certificate->sig);
      if (cert) a.cert = std::move(*cert);
    } else if (c.op == OpKind::kRevocation) {
      auto rev =
          openRevocation(network, crypto::asBytes(c.revocation->body), c.revocation->sig, root);
      if (rev) a.rev = std::move(*rev);
    } else if (c.op == OpKind::kSettlement) {
      auto st =
          openSettlement(network, crypto::asBytes(c.settlement->body), c.settlement->sig, root);
      if (st) a.settlement = std::move(*st);
    }
    if (a.cert || a.rev || a.settlement) acts.push_back(std::move(a));
  }
  // Every act and change starts refused; what the rules admit is set below.
  for (const auto& h : held) out.trustApplied[h.id] = false;
  std::map<PublicKey, std::vector<const Act*>> rootCerts, revocations, settlements, handoverActs;
  for (const Act& a : acts) {
    if (a.cert) {
      const Certificate& c = *a.cert;
      everyone.insert(c.subject);
      if (c.issuer == root)
        rootCerts[c.subject].push_back(&a);
      else if (c.subject != c.issuer && a.carrier->change.author == c.issuer)
        handoverActs[c.issuer].push_back(&a);
      // else: a key certifying itself, or a successor certificate carried by
      // another key: never takes effect.
    } else if (a.rev) {
      everyone.insert(a.rev->subject);
      revocations[a.rev->subject].push_back(&a);
      out.trustApplied[a.carrier->id] = true;  // a revocation takes effect wherever it is held
    } else {
      everyone.insert(a.settlement->subject);
      settlements[a.settlement->subject].push_back(&a);
    }
  }
  // 1. Lines.
  std::map<PublicKey, KeyState> state;
  static const Tree kNoChanges;
  for (const PublicKey& k : everyone) {
    std::set<ChangeId> handovers;
    for (const Act* a : handoverActs[k]) handovers.insert(a->carrier->id);
    auto t = trees.find(k);
    state[k] = lineOf(k, t == trees.end() ? kNoChanges : t->second, revocations[k], settlements[k],
                      handovers, byId);
    if (state[k].governingSettlement) out.trustApplied[*state[k].governingSettlement] = true;
    out.members[k];
  }
  // 2. Successions: the first on the issuer's line stands; a second one (of
  // another key) freezes the issuer from there.
  std::map<PublicKey, const Act*> successorAct;
  for (auto& [k, list] : handoverActs) {
    std::sort(list.begin(), list.end(), [](const Act* a, const Act* b) {
      return std::tie(a->carrier->change.seq, a->carrier->id) <
             std::tie(b->carrier->change.seq, b->carrier->id);
    });
    KeyState& s = state[k];
    const Act* first = nullptr;
    for (const Act* a : list) {
      if (!s.valid(*a->carrier)) continue;
      if (!first) {
        first = a;
      } else if (a->cert->subject != first->cert->subject) {
        s.freezeAt(a->carrier->change.seq);
        break;
      }
    }
    if (first && s.valid(*first->carrier)) successorAct[k] = first;
  }
  // 3. Admission.
  admit(out, rootCerts, successorAct);
  for (auto& [k, m] : out.members) m.frozenFromSeq = state[k].frozen;
  // Encryption keys and record changes.
  std::map<RecordId, std::vector<const HeldChange*>> byRecord;
  for (const auto& h : held) {
    const Change& c = h.change;
    if (c.op == OpKind::kCreate) byRecord[h.id].insert(byRecord[h.id].begin(), &h);
    if (c.op == OpKind::kUpdate) byRecord[c.record].push_back(&h);
  }
  for (const auto& h : held) {
    const Change& c = h.change;
    bool announcement = c.op == OpKind::kEncryptionKey || c.op == OpKind::kTransportKey;
    if (c.op != OpKind::kCreate && c.op != OpKind::kUpdate && !announcement) continue;
    const OracleMember& m = out.members[c.author];
    bool ok = m.admitted && state[c.author].valid(h) && covers(m.windowsMs, Hlc::millis(c.hlc));
    if (announcement) {
      out.trustApplied[h.id] = ok;
      continue;
    }
    const std::string& scope =
        c.op == OpKind::kCreate ? c.scope : byRecord.at(c.record).front()->change.scope;
    out.trustApplied[h.id] = ok && (m.role == Role::kCounty || scope == m.township);
  }
  // The current encryption and transport keys: each the latest applied announcement.
  for (auto& [k, m] : out.members) {
    if (!trees.count(k)) continue;
    std::optional<std::pair<uint64_t, ChangeId>> latestEnc, latestTransport;
    for (const auto& [id, h] : trees[k].nodes) {
      if (!out.trustApplied[id]) continue;
      auto at = std::make_pair(h->change.seq, id);
      if (h->change.op == OpKind::kEncryptionKey && (!latestEnc || *latestEnc < at)) {
        latestEnc = at;
        m.encryptionKey = h->change.encryptionKey;
      }
      if (h->change.op == OpKind::kTransportKey && (!latestTransport || *latestTransport < at)) {
        latestTransport = at;
        m.transportKey = h->change.transportKey;
      }
    }
  }
  // Records: folded with trust's flags; then the field-group rule judges the
  // plain edits of suggestions that trust lets through.
  out.applied = out.trustApplied;
  std::vector<Membership> ms = asMemberships(out);
  for (const auto& [rid, changes] : byRecord) {
    auto fold = [&] {
      std::vector<FoldInput> in;
      for (const HeldChange* h : changes) in.push_back({h->id, &h->change, out.applied.at(h->id)});
      return foldRecord(std::move(in));
    };
    auto r = fold();
    if (!r) {
      out.problems.push_back("record " + toHex(rid).substr(0, 8) +
                             " does not fold: " + r.status().message());
      continue;
    }
    if (r->kind == RecordKind::kSuggestion) {
      std::vector<domain::FieldEdit> edits;
      for (const HeldChange* h : changes) {
        const Change& c = h->change;
        if (c.op != OpKind::kUpdate || !c.action.empty() || !out.trustApplied.at(h->id)) continue;
        domain::FieldEdit e{h->id, {}};
        for (const auto& f : c.fields) e.fields.push_back(f.name);
        edits.push_back(std::move(e));
      }
      auto refused = domain::judgeFieldEdits(*r, edits, lookupIn(ms));
      for (const auto& [id, why] : refused) {
        out.applied[id] = false;
        out.fieldRuleRefused[id] = why;
      }
      if (!refused.empty()) r = fold();
    }
    checkFields(*r, byId, out.applied, out.problems);
    out.records.emplace(rid, std::move(*r));
  }
  return out;
}

std::string describeSuggestion(const Record& record, const std::vector<Membership>& members) {
  return domain::testing::describe(
      domain::foldSuggestion(record, domain::Config{}, lookupIn(members)));
}

std::string describeSuggestion(const Record& record, const Oracle& oracle) {
  return describeSuggestion(record, asMemberships(oracle));
}

}  // namespace renda::sim
