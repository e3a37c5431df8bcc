// SPDX-License-Identifier: Apache-2.0
// deriveTrust(): the memberships that a set of held changes implies (the rules
// are in trust.h). Three steps, each a function of the inputs only:
//   1. each author's line: its valid history through forks, settlements and
//      revocation pins;
//   2. successions: at most one per key, and only on the issuer's line;
//   3. admission, generation by generation from the keys the root certified,
//      so that a successor is admitted only through a chain of valid
//      certificates back to the root (no cycles, whatever keys sign).
#include <algorithm>
#include <set>
#include <tuple>

#include "core/hlc.h"
#include "core/trust.h"

namespace renda {

namespace {

std::string shortKey(const PublicKey& k) { return toHex(k).substr(0, 8); }

// The order in which acts of one kind are considered: by the carrying
// change's clock stamp, then its id. The stamp follows causality (a node
// stamps a change later than everything it had received), so a county act
// made after seeing another comes after it.
bool actBefore(const TrustAct* a, const TrustAct* b) {
  return std::tie(a->carrierHlc, a->carrierId) < std::tie(b->carrierHlc, b->carrierId);
}

struct LineOutcome {
  AuthorLine line;
  std::optional<uint64_t> frozenFrom;
  std::string frozenReason;
  std::optional<ChangeId> settledHead;
  std::optional<uint64_t> revokedAfter;
  std::optional<ChangeId> revokedAt;
  std::string revocationReason;
};

void lowerLimit(AuthorLine& line, uint64_t v) {
  if (!line.limitSeq || v < *line.limitSeq) line.limitSeq = v;
}

void freeze(LineOutcome& out, uint64_t from, std::string reason) {
  if (out.frozenFrom && *out.frozenFrom <= from) return;
  out.frozenFrom = from;
  out.frozenReason = std::move(reason);
  lowerLimit(out.line, from - 1);
}

// One author's branches (AuthorShape::region) as a tree. The root is the one
// change numbered branchSeq - 1, or a zero id standing for "before the first
// change" when the author forked at number 1.
class Branches {
 public:
  explicit Branches(const AuthorShape& shape) : b_(*shape.branchSeq), m_(shape.maxBranchSeq) {
    for (const auto& l : shape.region) {
      nodes_[l.id] = &l;
      if (l.seq == b_ - 1) root_ = l.id;
    }
    for (const auto& l : shape.region) {
      if (l.seq < b_) continue;
      ChangeId parent = l.prev.value_or(ChangeId{});
      parent_[l.id] = parent;
      kids_[parent].push_back(l.id);
      if (l.seq == m_ + 1) top_ = l.id;
    }
    for (auto& [id, kids] : kids_) std::sort(kids.begin(), kids.end());
  }
  const ChangeId& root() const { return root_; }
  std::optional<ChangeId> top() const { return top_; }
  uint64_t seqOf(const ChangeId& id) const {
    auto it = nodes_.find(id);
    return it == nodes_.end() ? b_ - 1 : it->second->seq;
  }
  bool inTree(const ChangeId& id) const { return id == root_ || parent_.count(id); }
  const std::vector<ChangeId>& kids(const ChangeId& id) const {
    static const std::vector<ChangeId> none;
    auto it = kids_.find(id);
    return it == kids_.end() ? none : it->second;
  }
  // The changes from `id` down to the root, root last.
  std::vector<ChangeId> pathDown(ChangeId id) const {
    std::vector<ChangeId> out{id};
    while (id != root_) {
      auto it = parent_.find(id);
      if (it == parent_.end()) break;
      id = it->second;
      out.push_back(id);
    }
    return out;
  }
  // A successor certificate that nothing follows, beside another change with
  // its number: a hand-over, not a branch.
  bool exempt(const ChangeId& id, const std::set<ChangeId>& handovers) const {
    if (!handovers.count(id) || !kids(id).empty()) return false;
    auto p = parent_.find(id);
    return p != parent_.end() && kids(p->second).size() >= 2;
  }
  uint64_t branchSeq() const { return b_; }
  uint64_t maxBranchSeq() const { return m_; }

 private:
  uint64_t b_, m_;
  ChangeId root_{};
  std::optional<ChangeId> top_;
  std::map<ChangeId, const AuthorShape::Link*> nodes_;
  std::map<ChangeId, ChangeId> parent_;
  std::map<ChangeId, std::vector<ChangeId>> kids_;
};

struct Anchor {
  ChangeId id;
  uint64_t seq;
};

// Step 1 for one key: its line, from the shape of its changes, the county's
// revocations and settlements of it, and its own successor certificates.
LineOutcome computeLine(const PublicKey& key, const AuthorShape* shape,
                        std::vector<const TrustAct*> revocations,
                        std::vector<const TrustAct*> settlements,
                        const std::set<ChangeId>& handovers, const ChangeLocator& locate,
                        std::map<ChangeId, std::string>& verdicts) {
  LineOutcome out;
  std::vector<Anchor> anchors;
  auto heldAs = [&](const ChangeId& id, uint64_t seq) {
    auto at = locate ? locate(id) : std::nullopt;
    return at && at->first == key && at->second == seq;
  };
  // Revocations: the lowest cut-off is the one shown; every pin constrains.
  std::sort(revocations.begin(), revocations.end(), [](const TrustAct* a, const TrustAct* b) {
    return std::tie(a->revocation->cutoffSeq, a->carrierId) <
           std::tie(b->revocation->cutoffSeq, b->carrierId);
  });
  for (const TrustAct* act : revocations) {
    const Revocation& rev = *act->revocation;
    verdicts[act->carrierId] = "";
    if (!out.revokedAfter) {
      out.revokedAfter = rev.cutoffSeq;
      out.revokedAt = rev.cutoffId;
      out.revocationReason = rev.reason;
    }
    if (rev.cutoffSeq == 0 || !rev.cutoffId) {
      lowerLimit(out.line, rev.cutoffSeq);
    } else if (heldAs(*rev.cutoffId, rev.cutoffSeq)) {
      anchors.push_back({*rev.cutoffId, rev.cutoffSeq});
      lowerLimit(out.line, rev.cutoffSeq);
    } else {
      // The change it keeps is not here (yet): nothing can be shown to be
      // before it, so nothing of the key applies until it arrives.
      lowerLimit(out.line, 0);
    }
  }
  // Settlements: the latest one whose kept change is here decides.
  std::sort(settlements.begin(), settlements.end(), actBefore);
  const TrustAct* governing = nullptr;
  for (const TrustAct* act : settlements) {
    const Settlement& st = *act->settlement;
    if (!heldAs(st.keep, st.keepSeq)) {
      verdicts[act->carrierId] = "the change it keeps is not on this node yet";
      continue;
    }
    if (governing) verdicts[governing->carrierId] = "a later settlement of the same node decides";
    governing = act;
    verdicts[act->carrierId] = "";
  }
  if (governing) {
    anchors.push_back({governing->settlement->keep, governing->settlement->keepSeq});
    out.settledHead = governing->settlement->keep;
  }
  // One chain: every held change of the key, anchors included, is on it.
  if (!shape || !shape->branchSeq) return out;

  Branches tree(*shape);
  out.line.branchSeq = tree.branchSeq();
  out.line.maxBranchSeq = tree.maxBranchSeq();
  // The line runs down to the deepest anchor; anchors below the branches
  // constrain nothing there, anchors above them stand for the one change
  // numbered maxBranchSeq + 1 that the chain above grows from.
  std::vector<ChangeId> reps;
  for (const auto& a : anchors) {
    if (a.seq < tree.branchSeq()) continue;
    if (a.seq <= tree.maxBranchSeq() + 1) {
      if (tree.inTree(a.id)) reps.push_back(a.id);
    } else if (tree.top()) {
      reps.push_back(*tree.top());
    }
  }
  std::sort(reps.begin(), reps.end(),
            [&](const ChangeId& x, const ChangeId& y) {
              return std::make_pair(tree.seqOf(y), y) < std::make_pair(tree.seqOf(x), x);
            });
  std::vector<ChangeId> line;  // root first
  ChangeId cur = tree.root();
  bool conflict = false;
  if (!reps.empty()) {
    std::vector<ChangeId> down = tree.pathDown(reps.front());
    std::vector<ChangeId> up(down.rbegin(), down.rend());
    size_t common = up.size();
    for (size_t i = 1; i < reps.size(); ++i) {
      std::vector<ChangeId> other = tree.pathDown(reps[i]);
      std::set<ChangeId> otherSet(other.begin(), other.end());
      size_t k = 0;
      while (k < up.size() && otherSet.count(up[k])) ++k;
      if (!otherSet.count(reps[i]) || k < other.size()) conflict = true;
      common = std::min(common, k);
    }
    if (conflict) up.resize(std::max<size_t>(common, 1));
    line = up;
    cur = line.back();
  } else {
    line.push_back(cur);
  }
  if (conflict) {
    freeze(out, tree.seqOf(cur) + 1,
           "is held back by county acts that name different branches of its changes");
  } else {
    for (;;) {
      std::vector<ChangeId> kids;
      for (const auto& k : tree.kids(cur))
        if (!tree.exempt(k, handovers)) kids.push_back(k);
      if (kids.size() == 1) {
        cur = kids.front();
        line.push_back(cur);
        continue;
      }
      if (kids.size() > 1)
        freeze(out, tree.seqOf(cur) + 1,
               "signed two different changes numbered " + std::to_string(tree.seqOf(cur) + 1) +
                   " (a fork)");
      break;
    }
  }
  std::set<ChangeId> onLine(line.begin(), line.end());
  for (const auto& id : line)
    if (tree.seqOf(id) >= tree.branchSeq()) out.line.lineIds.push_back(id);
  std::sort(out.line.lineIds.begin(), out.line.lineIds.end());
  // A hand-over beside the line counts, but under a revocation only one the
  // revocation names among its dependencies (renda revoke --keep-successor:
  // the county had seen it and keeps it): a revocation keeps exactly the
  // changes its pinned change follows, and a thief with a copy of the key
  // would otherwise hand over beside it.
  std::set<ChangeId> vouched;
  for (const TrustAct* act : revocations) vouched.insert(act->carrierDeps.begin(), act->carrierDeps.end());
  for (const auto& id : handovers)
    if ((revocations.empty() || vouched.count(id)) && tree.inTree(id) &&
        tree.exempt(id, handovers) && onLine.count(tree.pathDown(id).at(1)))
      out.line.sideIds.push_back(id);
  out.line.aboveOnLine = tree.top() && onLine.count(*tree.top());
  return out;
}

bool windowInside(const Certificate& cert, const Membership& issuer) {
  for (auto [from, until] : issuer.windowsMs) {
    bool startsInside = cert.validFromMs >= from;
    bool endsInside = until == 0 || (cert.validUntilMs != 0 && cert.validUntilMs <= until);
    if (startsInside && endsInside) return true;
  }
  return false;
}

std::string refusedCert(const Certificate& cert) {
  if (cert.role == Role::kCounty && !cert.township.empty())
    return "a county certificate must not name a township";
  if (cert.validUntilMs != 0 && cert.validUntilMs < cert.validFromMs)
    return "the certificate ends before it starts";
  return "";
}

}  // namespace

TrustDerivation deriveTrust(const TrustInputs& in) {
  TrustDerivation out;
  auto& members = out.members;
  auto& verdicts = out.verdicts;
  std::map<PublicKey, std::vector<const TrustAct*>> rootCerts, revocations, settlements, keys,
      transportKeys;
  std::map<PublicKey, std::vector<const TrustAct*>> successions;  // by issuer = carrier
  std::vector<const TrustAct*> otherCerts;
  std::set<PublicKey> everyone;
  for (const auto& [author, shape] : in.authors) everyone.insert(author);
  for (const TrustAct& act : in.acts) {
    switch (act.op) {
      case OpKind::kCertificate: {
        const Certificate& c = *act.certificate;
        everyone.insert(c.subject);
        if (c.issuer == in.root) {
          rootCerts[c.subject].push_back(&act);
        } else if (c.subject == c.issuer) {
          verdicts[act.carrierId] = "a key may not certify itself";
        } else if (act.carrier != c.issuer) {
          verdicts[act.carrierId] = "a successor's certificate counts only as a change of the key "
                                    "that signs it";
          otherCerts.push_back(&act);
        } else {
          successions[c.issuer].push_back(&act);
        }
        break;
      }
      case OpKind::kRevocation:
        everyone.insert(act.revocation->subject);
        revocations[act.revocation->subject].push_back(&act);
        break;
      case OpKind::kSettlement:
        everyone.insert(act.settlement->subject);
        settlements[act.settlement->subject].push_back(&act);
        break;
      case OpKind::kEncryptionKey:
        keys[act.carrier].push_back(&act);
        break;
      case OpKind::kTransportKey:
        transportKeys[act.carrier].push_back(&act);
        break;
      default:
        break;
    }
  }
  // Who is known at all (their changes may be held): certified by the root, or
  // by a known key, whatever the certificate's validity.
  std::set<PublicKey> known;
  for (const auto& [k, certs] : rootCerts) known.insert(k);
  for (bool grew = true; grew;) {
    grew = false;
    auto consider = [&](const TrustAct* act) {
      const Certificate& c = *act->certificate;
      if (c.subject != c.issuer && known.count(c.issuer) && known.insert(c.subject).second)
        grew = true;
    };
    for (const auto& [issuer, acts] : successions)
      for (const TrustAct* a : acts) consider(a);
    for (const TrustAct* a : otherCerts) consider(a);
  }

  // 1. Lines.
  for (const PublicKey& k : everyone) {
    std::set<ChangeId> handovers;
    if (auto it = successions.find(k); it != successions.end())
      for (const TrustAct* a : it->second) handovers.insert(a->carrierId);
    auto shape = in.authors.find(k);
    LineOutcome line = computeLine(k, shape == in.authors.end() ? nullptr : &shape->second,
                                   revocations[k], settlements[k], handovers, in.locate, verdicts);
    Membership& m = members[k];
    m.subject = k;
    m.certified = known.count(k) > 0;
    m.line = std::move(line.line);
    m.frozenFromSeq = line.frozenFrom;
    m.frozenReason = std::move(line.frozenReason);
    m.settledHead = line.settledHead;
    m.revokedAfterSeq = line.revokedAfter;
    m.revokedAtId = line.revokedAt;
    m.revocationReason = std::move(line.revocationReason);
  }

  // 2. Successions on the issuer's line; a second successor freezes the issuer.
  std::map<PublicKey, const TrustAct*> successor;
  for (auto& [issuer, acts] : successions) {
    Membership& m = members[issuer];
    std::sort(acts.begin(), acts.end(), [](const TrustAct* a, const TrustAct* b) {
      return std::tie(a->carrierSeq, a->carrierId) < std::tie(b->carrierSeq, b->carrierId);
    });
    const TrustAct* first = nullptr;
    const TrustAct* second = nullptr;
    for (const TrustAct* a : acts) {
      if (!m.onLine(a->carrierSeq, a->carrierId)) continue;
      if (!first) {
        first = a;
      } else if (a->certificate->subject != first->certificate->subject) {
        second = a;
        LineOutcome o;
        o.line = m.line;
        o.frozenFrom = m.frozenFromSeq;
        o.frozenReason = m.frozenReason;
        freeze(o, a->carrierSeq, "certified a second successor key");
        m.line = o.line;
        m.frozenFromSeq = o.frozenFrom;
        m.frozenReason = o.frozenReason;
        break;
      }
    }
    for (const TrustAct* a : acts) {
      if (a == first && m.onLine(a->carrierSeq, a->carrierId)) {
        successor[issuer] = a;
        continue;
      }
      if (a == second || m.onLine(a->carrierSeq, a->carrierId))
        verdicts[a->carrierId] = "node " + shortKey(issuer) + " had already certified a successor";
      else
        verdicts[a->carrierId] = "it is not part of node " + shortKey(issuer) +
                                 "'s valid history (revoked, frozen, or on a branch held as "
                                 "evidence)";
    }
  }

  // 3. Admission: the root's certificates, then successors generation by generation.
  std::vector<PublicKey> frontier;
  for (auto& [k, certs] : rootCerts) {
    std::sort(certs.begin(), certs.end(), actBefore);
    Membership& m = members[k];
    const Certificate* defining = nullptr;
    for (const TrustAct* act : certs) {
      const Certificate& c = *act->certificate;
      std::string why = refusedCert(c);
      if (why.empty() && defining && (c.township != defining->township || c.role != defining->role))
        why = "this node key is already enrolled for " +
              (defining->township.empty() ? std::string("the county") : defining->township) +
              "; enroll a new key instead of moving it";
      verdicts[act->carrierId] = why;
      if (!why.empty()) continue;
      if (!defining) {
        defining = &c;
        m.township = c.township;
        m.role = c.role;
        m.label = c.label;
        m.issuer = in.root;
      }
      auto w = std::make_pair(c.validFromMs, c.validUntilMs);
      if (std::find(m.windowsMs.begin(), m.windowsMs.end(), w) == m.windowsMs.end())
        m.windowsMs.push_back(w);
    }
    if (defining) {
      m.admitted = true;
      std::sort(m.windowsMs.begin(), m.windowsMs.end());
      frontier.push_back(k);
    } else {
      m.admissionProblem = "every certificate for it was refused";
    }
  }
  for (uint32_t gen = 0; !frontier.empty(); ++gen) {
    std::vector<PublicKey> next;
    for (const PublicKey& j : frontier) {
      auto s = successor.find(j);
      if (s == successor.end()) continue;
      const TrustAct* act = s->second;
      const Certificate& c = *act->certificate;
      const Membership& issuer = members[j];
      Membership& m = members[c.subject];
      std::string why;
      if (m.admitted && (m.generation <= gen || m.issuer == in.root))
        why = "node " + shortKey(c.subject) + " is already enrolled; a successor key must be new";
      else if (!refusedCert(c).empty())
        why = refusedCert(c);
      else if (c.township != issuer.township || c.role != issuer.role)
        why = "a successor key must keep its predecessor's township and role";
      else if (!windowInside(c, issuer))
        why = "a successor's period must lie inside its predecessor's enrollment";
      else if (!issuer.coversMs(Hlc::millis(act->carrierHlc)))
        why = "node " + shortKey(j) + " certified it outside the period its enrollment allows";
      verdicts[act->carrierId] = why;
      if (!why.empty()) continue;
      members[j].successor = c.subject;
      auto w = std::make_pair(c.validFromMs, c.validUntilMs);
      if (!m.admitted) {
        m.admitted = true;
        m.admissionProblem.clear();
        m.generation = gen + 1;
        m.township = c.township;
        m.role = c.role;
        m.label = c.label;
        m.issuer = j;
        next.push_back(c.subject);
      }
      if (std::find(m.windowsMs.begin(), m.windowsMs.end(), w) == m.windowsMs.end()) {
        m.windowsMs.push_back(w);
        std::sort(m.windowsMs.begin(), m.windowsMs.end());
      }
    }
    std::sort(next.begin(), next.end());
    frontier = std::move(next);
  }
  for (const auto& [issuer, act] : successor)
    if (!verdicts.count(act->carrierId))
      verdicts[act->carrierId] = "node " + shortKey(issuer) + ", which signed it, is not admitted";
  // Why the keys that are known but not admitted are not.
  auto explain = [&](const TrustAct* act) {
    Membership& m = members[act->certificate->subject];
    if (m.admitted || !m.admissionProblem.empty()) return;
    const std::string& why = verdicts[act->carrierId];
    m.admissionProblem = why.empty() ? "the key that certified it is not admitted" : why;
  };
  for (const auto& [issuer, acts] : successions)
    for (const TrustAct* a : acts) explain(a);
  for (const TrustAct* a : otherCerts) explain(a);

  // Encryption and transport keys: the latest announcement on the key's line,
  // inside its windows.
  auto announcements = [&](std::map<PublicKey, std::vector<const TrustAct*>>& byKey,
                           const char* what, auto set) {
    for (auto& [k, acts] : byKey) {
      Membership& m = members[k];
      std::sort(acts.begin(), acts.end(), [](const TrustAct* a, const TrustAct* b) {
        return std::tie(a->carrierSeq, a->carrierId) < std::tie(b->carrierSeq, b->carrierId);
      });
      for (const TrustAct* act : acts) {
        std::string why;
        if (!m.admitted)
          why = "node " + shortKey(k) + " announced " + what + " but is not admitted";
        else if (!m.onLine(act->carrierSeq, act->carrierId))
          why = "it is not part of node " + shortKey(k) + "'s valid history";
        else if (!m.coversMs(Hlc::millis(act->carrierHlc)))
          why = "node " + shortKey(k) + " announced it outside the period its enrollment allows";
        verdicts[act->carrierId] = why;
        if (why.empty()) set(m, *act);
      }
    }
  };
  announcements(keys, "an encryption key", [](Membership& m, const TrustAct& a) {
    m.encryptionKey = a.encryptionKey;
    m.encryptionKeySeq = a.carrierSeq;
  });
  announcements(transportKeys, "a transport key", [](Membership& m, const TrustAct& a) {
    m.transportKey = a.encryptionKey;
    m.transportKeySeq = a.carrierSeq;
  });
  return out;
}

}  // namespace renda
