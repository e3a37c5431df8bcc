// SPDX-License-Identifier: Apache-2.0
// Looking inside a node: log, verify, digest, status.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/output/dataset.h"
#include "app/output/json.h"
#include "app/output/status_json.h"
#include "app/serve/neighbours.h"
#include "app/node/privacy.h"
#include "core/domain/fields.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

std::string describeAuthor(storage::Store& store, const PublicKey& k) {
  auto m = store.membership(k);
  std::string s = shortKey(k);
  if (m && *m) {
    s += ' ';
    s += (*m)->township.empty() ? std::string("county office") : (*m)->township;
    if (!(*m)->label.empty()) s += " (" + (*m)->label + ")";
  }
  return s;
}

// `renda log --not-applied`: every change held but not applied, with the
// record it touches and why, newest last. Records are found through the
// versions each keeps (Record::versions' applied flags); only those with a
// change not applied have their history read.
Status cmdLogNotApplied(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  storage::Store& store = (*node)->store();
  Json j;
  j.beginArray();
  size_t shown = 0;
  for (int k = 0; k < kRecordKindCount; ++k) {
    auto kind = static_cast<RecordKind>(k);
    auto records = store.list(kind, /*withHidden=*/true);
    if (!records) return records.status();
    for (const auto& r : *records) {
      bool any = false;
      for (const auto& v : r.versions) any = any || !v.applied;
      if (!any) continue;
      auto h = store.history(r.id);
      if (!h) return h.status();
      std::string name = recordName(store, r);
      // A record no applied change created has no fields: its name is in its creation.
      for (const auto& lc : *h)
        if (r.fields.empty() && lc.change.op == OpKind::kCreate)
          for (const auto& f : lc.change.fields)
            if ((f.name == "name" || f.name == "title") && !f.value.empty()) name = f.value;
      for (const auto& lc : *h) {
        if (lc.applied) continue;
        ++shown;
        const Change& c = lc.change;
        if (args.has("json")) {
          j.beginObject()
              .field("record", toHex(r.id))
              .field("kind", kindWord(kind))
              .field("name", name)
              .field("change", toHex(lc.id))
              .field("author", toHex(c.author))
              .field("timeMs", static_cast<int64_t>(Hlc::millis(c.hlc)))
              .field("refusal", lc.refusal)
              .endObject();
          continue;
        }
        std::printf("%s", i18n::trf("cli.log.not-applied",
                                    {domain::kindLabel(kind), name, toHex(r.id).substr(0, 12),
                                     shortId(lc.id), describeAuthor(store, c.author),
                                     formatTime(Hlc::millis(c.hlc)), lc.refusal})
                              .c_str());
      }
    }
  }
  j.endArray();
  if (args.has("json")) std::printf("%s\n", j.text().c_str());
  else std::printf("%s\n", i18n::trf("cli.log.not-applied-count", {std::to_string(shown)}).c_str());
  return Status::ok();
}

Status cmdLog(const Args& args) {
  if (args.has("not-applied")) {
    if (!args.positional.empty() || args.get("node"))
      return Status::usage(i18n::tr("cli.log.not-applied-alone"));
    return cmdLogNotApplied(args);
  }
  if (args.get("node")) {
    if (!args.positional.empty()) return Status::usage(i18n::tr("cli.log.record-or-node"));
    return cmdLogNode(args);
  }
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.log.give-record"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  storage::Store& store = (*node)->store();
  std::optional<RecordId> id;
  for (int k = 0; k < kRecordKindCount && !id; ++k) {
    auto r = store.findRecord(static_cast<RecordKind>(k), args.positional[0]);
    if (r) id = *r;
    else if (r.status().code() == Code::kUsage) return r.status();
  }
  if (!id) {  // a suggestion's official number, or its title
    auto s = findRecord(store, RecordKind::kSuggestion, args.positional[0]);
    if (s) id = s->id;
  }
  if (!id) return Status::notFound(i18n::trf("cli.log.no-record", {args.positional[0]}));
  auto h = store.history(*id);
  if (!h) return h.status();
  Json j;
  j.beginArray();
  for (const auto& lc : *h) {
    const Change& c = lc.change;
    if (args.has("json")) {
      j.beginObject()
          .field("change", toHex(lc.id))
          .field("author", toHex(c.author))
          .field("seq", static_cast<int64_t>(c.seq))
          .field("timeMs", static_cast<int64_t>(Hlc::millis(c.hlc)))
          .field("op", c.op == OpKind::kCreate ? "create" : "update");
      // Sealed personal values are never opened here (app/privacy.h).
      j.key("signatureValid").boolean(lc.signatureValid);
      j.key("applied").boolean(lc.applied);
      if (!lc.applied) j.field("refusal", lc.refusal);
      j.key("fields").beginObject();
      for (const auto& f : c.fields) j.field(f.name, logValue(f.value));
      j.endObject().endObject();
      continue;
    }
    std::printf("%s  %s  by %s, change #%llu\n", shortId(lc.id).c_str(),
                formatTime(Hlc::millis(c.hlc)).c_str(), describeAuthor(store, c.author).c_str(),
                static_cast<unsigned long long>(c.seq));
    std::printf("    signature: %s%s\n", lc.signatureValid ? "valid" : "INVALID",
                lc.signatureCheckedOnArrival ? "" : " (checked now; arrived authenticated by its hash chain)");
    if (!lc.applied) std::printf("    NOT APPLIED: %s\n", lc.refusal.c_str());
    std::printf("    %s:", c.op == OpKind::kCreate ? "created with" : "set");
    for (const auto& f : c.fields)
      std::printf(" %s=%s", f.name.c_str(), logValue(f.value).c_str());
    std::printf("\n");
  }
  j.endArray();
  if (args.has("json")) std::printf("%s\n", j.text().c_str());
  return Status::ok();
}

Status cmdVerify(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto r = (*node)->store().verify();
  if (!r) return r.status();
  if (args.has("json")) {
    Json j;
    j.beginObject()
        .field("changes", static_cast<int64_t>(r->changesChecked))
        .field("signatures", static_cast<int64_t>(r->signaturesChecked))
        .field("records", static_cast<int64_t>(r->recordsChecked));
    j.key("problems").beginArray();
    for (const auto& p : r->problems) j.str(p);
    j.endArray().endObject();
    std::printf("%s\n", j.text().c_str());
  } else if (!args.has("quiet")) {
    std::printf("Checked %llu changes (%llu signatures) and re-derived %llu records.\n",
                static_cast<unsigned long long>(r->changesChecked),
                static_cast<unsigned long long>(r->signaturesChecked),
                static_cast<unsigned long long>(r->recordsChecked));
    for (const auto& p : r->problems) std::printf("  PROBLEM: %s\n", p.c_str());
    if (r->problems.empty()) std::printf("Everything is in order.\n");
  }
  if (!r->problems.empty())
    return Status::corruption(std::to_string(r->problems.size()) +
                              " problem(s) found; keep a copy of this folder and contact support");
  return Status::ok();
}

Status cmdDigest(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto d = (*node)->store().digest();
  if (!d) return d.status();
  std::printf("%s\n", toHex(*d).c_str());
  return Status::ok();
}

Status cmdStatus(const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  if (args.has("json")) {
    Json j;
    j.beginObject();
    RENDA_TRY(statusJson(j, **node));
    auto registered = registeredSuggestions((*node)->store());
    if (!registered) return registered.status();
    duplicateNumbersJson(j, *registered);
    j.endObject();
    std::printf("%s\n", j.text().c_str());
    return Status::ok();
  }
  auto status = nodeStatus(**node);
  if (!status) return status.status();
  storage::Store& store = (*node)->store();
  const storage::StoreStatus* st = &status->store;
  const std::optional<PublicKey>& key = status->key;
  const std::optional<storage::NetworkInfo>& net = status->network;
  const std::optional<Membership>& self = status->self;
  const std::vector<NeighbourView>* neighbours = &status->neighbours;
  const std::vector<std::string>& notAdmitted = status->notAdmitted;
  auto put = [](const std::string& line) { std::printf("%s\n", line.c_str()); };
  put(i18n::trf("cli.status.folder", {(*node)->dir()}));
  put(i18n::trf("cli.status.key",
                {key ? toHex(*key) : std::string(i18n::tr("cli.status.no-key"))}));
  put(i18n::trf("cli.status.county",
                {net ? net->countyName : std::string(i18n::tr("cli.status.not-joined"))}));
  if (net) put(i18n::trf("cli.status.county-key", {fingerprint(net->root)}));
  if (self)
    put(i18n::trf("cli.status.this-node",
                  {self->township.empty() ? i18n::tr("cli.keys.county-office") : self->township,
                   self->label}));
  else if (key)
    put(i18n::tr("cli.status.not-enrolled"));
  put(i18n::trf("cli.status.changes", {std::to_string(st->changes), std::to_string(st->authors)}));
  put(i18n::trf("cli.status.records", {std::to_string(st->records), std::to_string(st->conflicts)}));
  // One official number on two suggestions (two offices apart): for the
  // office to correct with renda suggestion renumber.
  if (auto registered = registeredSuggestions(store))
    for (const auto& d : duplicateNumbers(*registered)) {
      std::string which;
      for (const auto* v : d.suggestions)
        which += (which.empty() ? "" : "，") + toHex(v->id).substr(0, 12) + "《" + v->title + "》";
      put(i18n::trf("cli.status.duplicate-number", {d.number, which}));
    }
  if (st->notApplied) put(i18n::trf("cli.status.not-applied", {std::to_string(st->notApplied)}));
  for (const auto& f : st->frozen) put(i18n::trf("cli.status.frozen", {f}));
  for (const auto& f : st->forks) {
    auto m = store.membership(f.author);
    bool settled = m && *m && (*m)->settledHead;
    bool frozen = m && *m && (*m)->frozenFromSeq;
    if (!settled && !frozen) {
      put(i18n::trf("cli.status.hand-over",
                    {describeAuthor(store, f.author), std::to_string(f.branchSeq)}));
      continue;
    }
    put(i18n::trf("cli.status.fork", {describeAuthor(store, f.author),
                                      std::to_string(f.branchSeq), std::to_string(f.tips.size())}));
    for (const auto& t : f.tips)
      put(i18n::trf("cli.status.fork-tip", {std::to_string(t.seq), shortId(t.id)}));
    if (settled)
      put(i18n::trf("cli.status.fork-settled", {shortId(*(*m)->settledHead)}));
    else
      put(i18n::trf("cli.status.fork-settle-with", {toHex(f.author), shortKey(f.author)}));
  }
  for (const auto& r : st->revoked) put(i18n::trf("cli.status.revoked", {r}));
  for (const auto& r : notAdmitted) put(i18n::trf("cli.status.not-admitted", {r}));
  if (st->restored) put(i18n::tr("cli.status.restored"));
  for (size_t i = 0; i < neighbours->size(); ++i) {
    const NeighbourView& v = (*neighbours)[i];
    // Nodes that connect here are noted by key ("node HEX"), others by address.
    bool incoming = v.state.address.rfind("node ", 0) == 0 && v.state.node;
    std::string line =
        incoming ? i18n::trf("cli.status.connects-here", {describeAuthor(store, *v.state.node)})
                 : v.state.address;
    if (!incoming && v.state.node)
      line += i18n::trf("cli.status.of-node", {describeAuthor(store, *v.state.node)});
    if (v.state.lastContactMs)
      line += i18n::trf("cli.status.last-contact", {formatTime(v.state.lastContactMs)});
    else
      line += i18n::tr(v.state.lastAttemptMs ? "cli.status.never-reached" : "cli.status.not-tried");
    if (!v.state.lastError.empty())
      line += i18n::trf("cli.status.last-try-failed",
                        {formatTime(v.state.lastAttemptMs), v.state.lastError});
    if (v.pending) line += i18n::trf("cli.status.waiting", {std::to_string(*v.pending)});
    put(i18n::trf(i == 0 ? "cli.status.neighbours" : "cli.status.neighbours-more", {line}));
  }
  char size[32];
  std::snprintf(size, sizeof size, "%.1f", st->fileBytes / 1e6);
  put(i18n::trf("cli.status.size", {size}));
  return Status::ok();
}

}  // namespace

void addInspectCommands(std::vector<Command>& out) {
  const Option json{"json", "", "print it as JSON"};
  out.push_back({"log", "every change to a record (or a node's changes and its forks)",
                 "log ID [--json] | log --node KEY [--from N] [--json] | log --not-applied [--json]",
                 cmdLog,
                 {json,
                  {"not-applied", "", "instead of a record: every change kept but not applied, "
                                      "with its record and why"},
                  {"node", "KEY", "instead of a record: that node's changes, with both branches "
                                  "of a fork"},
                  {"from", "N", "with --node: from its change number N (default: around its fork)"}}});
  out.push_back({"verify", "check every signature and chain, re-derive every record",
                 "verify [--json]", cmdVerify,
                 {json, {"quiet", "", "print nothing; the exit code says whether all is in order"}}});
  out.push_back({"digest", "one hash of all records (equal on nodes holding the same changes)",
                 "digest", cmdDigest});
  out.push_back({"status", "this node: identity, counts, conflicts, forks", "status [--json]",
                 cmdStatus, {json}});
}

}  // namespace renda::app
