// SPDX-License-Identifier: Apache-2.0
// Keys and their misbehaviour: settling a fork (county office), handing over
// to a new key, and a node's own changes with their branches.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/output/json.h"
#include "app/node/restore.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

// A change of `author` named by a hex prefix (at least 8 digits) among its
// changes numbered fromSeq or more. Usage error when none or several match.
Result<std::pair<uint64_t, ChangeId>> changeOfAuthor(storage::Store& store, const PublicKey& author,
                                                     const std::string& prefix, uint64_t fromSeq) {
  if (prefix.size() < 8)
    return Status::usage(i18n::tr("cli.keys.change-prefix"));
  auto changes = store.changesOf(author, fromSeq);
  if (!changes) return changes.status();
  std::optional<std::pair<uint64_t, ChangeId>> found;
  for (const auto& c : *changes) {
    if (toHex(c.second).compare(0, prefix.size(), prefix) != 0) continue;
    if (found) return Status::usage(i18n::trf("cli.keys.change-ambiguous", {prefix}));
    found = c;
  }
  if (!found)
    return Status::notFound(i18n::trf("cli.keys.no-change", {shortKey(author), prefix}));
  return *found;
}

Result<PublicKey> nodeKeyArg(const Args& args) {
  auto nodeKey = args.get("node");
  if (!nodeKey) return Status::usage(i18n::tr("cli.keys.give-node"));
  auto k = fixedFromHex<PublicKey>(*nodeKey);
  if (!k) return Status::usage(i18n::tr("cli.keys.node-key"));
  return *k;
}

Status cmdForkSettle(const Args& args) {
  auto subject = nodeKeyArg(args);
  if (!subject) return subject.status();
  auto keep = args.get("keep");
  if (!keep) return Status::usage(i18n::tr("cli.keys.give-keep"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto net = n.store().network();
  if (!net) return net.status();
  auto root = n.rootKey();
  if (!root) return root.status();
  auto forks = n.store().forks();
  if (!forks) return forks.status();
  const storage::ForkInfo* fork = nullptr;
  for (const auto& f : *forks)
    if (f.author == *subject) fork = &f;
  if (!fork)
    return Status::refused(i18n::trf("cli.keys.no-fork", {shortKey(*subject)}));
  auto head = changeOfAuthor(n.store(), *subject, *keep, fork->branchSeq);
  if (!head) return head.status();
  storage::LocalEdit edit;
  edit.op = OpKind::kSettlement;
  edit.settlement = makeSettlement(net->network, *subject, head->second, head->first,
                                   args.get("reason").value_or(""), *root);
  edit.extraDeps.push_back(head->second);  // every node that takes it holds the kept branch
  auto id = n.write(edit);
  if (!id) return id.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.keys.settled", {shortKey(*subject), shortId(head->second),
                                                     std::to_string(head->first)})
                           .c_str());
  return Status::ok();
}

Status cmdKeyRotate(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto before = n.store().deviceKey();
  if (!before) return before.status();
  RENDA_TRY(handOver(n, n.restoreNote().empty() ? std::string(i18n::tr("cli.keys.rotate-why"))
                                                : n.restoreNote()));
  auto after = n.store().deviceKey();
  if (!after) return after.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.keys.rotated", {toHex(*after), shortKey(*before)}).c_str());
  return Status::ok();
}

// `renda log --node KEY`: a node's own changes, with the branches of a fork.
Status logNode(const Args& args, storage::Store& store) {
  auto subject = nodeKeyArg(args);
  if (!subject) return subject.status();
  auto m = store.membership(*subject);
  if (!m) return m.status();
  auto forks = store.forks();
  if (!forks) return forks.status();
  const storage::ForkInfo* fork = nullptr;
  for (const auto& f : *forks)
    if (f.author == *subject) fork = &f;
  uint64_t from = 1;
  if (auto f = args.get("from")) {
    auto n = wholeNumber(*f, UINT64_MAX);
    if (!n) return Status::usage(i18n::tr("cli.keys.from"));
    from = *n;
  } else if (fork) {
    from = fork->branchSeq > 1 ? fork->branchSeq - 1 : 1;
  }
  auto changes = store.changesOf(*subject, from);
  if (!changes) return changes.status();
  Json j;
  j.beginObject();
  j.field("node", toHex(*subject));
  if (fork) {
    j.field("forkFrom", static_cast<int64_t>(fork->branchSeq));
    j.key("branchTips").beginArray();
    for (const auto& t : fork->tips)
      j.beginObject().field("seq", static_cast<int64_t>(t.seq)).field("change", toHex(t.id)).endObject();
    j.endArray();
  }
  if (*m && (*m)->settledHead) j.field("settledKeeping", toHex(*(*m)->settledHead));
  if (*m && (*m)->frozenFromSeq) {
    j.field("frozenFrom", static_cast<int64_t>(*(*m)->frozenFromSeq));
    j.field("frozenReason", (*m)->frozenReason);
  }
  j.key("changes").beginArray();
  if (!args.has("json")) {
    if (*m)
      std::printf("%s\n", i18n::trf("cli.keys.node-of",
                                    {shortKey(*subject), (*m)->township.empty()
                                                             ? i18n::tr("cli.keys.county-office")
                                                             : (*m)->township})
                             .c_str());
    else
      std::printf("%s\n", i18n::trf("cli.keys.node", {shortKey(*subject)}).c_str());
    bool settled = *m && (*m)->settledHead, frozen = *m && (*m)->frozenFromSeq;
    if (fork && !settled && !frozen) {
      // As renda status says: a restored laptop's hand-over, not a fork to settle.
      std::printf("%s\n",
                  i18n::trf("cli.keys.handover-tips", {std::to_string(fork->branchSeq)}).c_str());
    } else if (fork) {
      std::printf("%s\n", i18n::trf("cli.keys.fork-tips", {std::to_string(fork->branchSeq)}).c_str());
    }
    if (fork)
      for (const auto& t : fork->tips)
        std::printf("%s\n", i18n::trf("cli.keys.tip", {std::to_string(t.seq), toHex(t.id)}).c_str());
    if (fork && settled)
      std::printf("%s\n",
                  i18n::trf("cli.keys.settled-by", {shortId(*(*m)->settledHead)}).c_str());
    else if (fork && frozen)
      std::printf("%s\n", i18n::trf("cli.keys.settle-with", {toHex(*subject)}).c_str());
  }
  for (const auto& [seq, id] : *changes) {
    bool applied = *m && (*m)->onLine(seq, id);
    if (args.has("json")) {
      j.beginObject().field("seq", static_cast<int64_t>(seq)).field("change", toHex(id));
      j.key("onValidHistory").boolean(applied);
      j.endObject();
      continue;
    }
    std::printf("  #%-6llu %s  %s\n", static_cast<unsigned long long>(seq), shortId(id).c_str(),
                i18n::tr(applied ? "cli.keys.valid-history" : "cli.keys.evidence-only"));
  }
  j.endArray().endObject();
  if (args.has("json")) std::printf("%s\n", j.text().c_str());
  return Status::ok();
}

}  // namespace

Status cmdLogNode(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  return logNode(args, (*node)->store());
}

void addKeyCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  out.push_back({"fork settle", "settle a node's fork: keep one branch (county office)",
                 "fork settle --node KEY --keep CHANGE [--reason TEXT]", cmdForkSettle,
                 {{"node", "KEY", "the node that forked (renda status lists it) (needed)"},
                  {"keep", "CHANGE", "the head of the branch to keep: its id, or its first 8 or "
                                     "more characters (renda log --node KEY lists them) (needed)"},
                  {"reason", "TEXT", "why, for the log"},
                  quiet}});
  out.push_back({"key rotate", "hand over to a new device key, certified by the current one",
                 "key rotate", cmdKeyRotate, {quiet}});
}

}  // namespace renda::app
