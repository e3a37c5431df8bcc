// SPDX-License-Identifier: Apache-2.0
// Moving changes by file: summary, bundle export, bundle import.
#include <cstdio>

#include "app/node/bundles.h"
#include "app/cli/cli.h"
#include "app/i18n/strings.h"

namespace renda::app {

namespace {

Status cmdSummary(const Args& args) {
  auto out = args.get("output");
  if (!out) return Status::usage(i18n::tr("cli.err.give-output"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto net = (*node)->store().network();
  if (!net) return net.status();
  auto key = (*node)->store().deviceKey();
  if (!key) return key.status();
  auto vv = (*node)->store().versionVector();
  if (!vv) return vv.status();
  net::SummaryFile s{net->network, *key, Node::nowMs(), *vv};
  RENDA_TRY(net::writeSummaryFile(*out, s));
  if (!args.has("quiet"))
    std::printf("%s\n",
                i18n::trf("cli.sync.summary-written", {std::to_string(vv->size()), *out}).c_str());
  return Status::ok();
}

Status cmdExport(const Args& args) {
  auto out = args.get("output");
  if (!out) return Status::usage(i18n::tr("cli.err.give-output"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto net = (*node)->store().network();
  if (!net) return net.status();
  VersionVector theirs;
  if (auto f = args.get("for")) {
    auto s = net::readSummaryFile(*f, &net->network);
    if (!s) return s.status();
    theirs = std::move(s->entries);
  }
  auto r = exportBundle(**node, theirs, *out);
  if (!r) return r.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.sync.bundle-written",
                                   {std::to_string(r->changes), std::to_string(r->bytes), *out})
                             .c_str());
  return Status::ok();
}

Status cmdImport(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.sync.give-bundle"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto r = importBundle(**node, args.positional[0], !args.has("quiet"));
  if (!r) return r.status();
  const IngestReport& rep = r->report;
  if (args.has("json")) {
    std::printf("{\"received\":%zu,\"added\":%zu,\"duplicates\":%zu,\"notApplied\":%zu,"
                "\"forks\":%zu}\n",
                rep.received, rep.added, rep.duplicates, rep.notApplied, rep.forks);
  } else if (!args.has("quiet")) {
    std::string line = i18n::trf(rep.added == 1 ? "cli.sync.imported-one" : "cli.sync.imported", {args.positional[0], std::to_string(rep.added),
                                                       std::to_string(rep.duplicates)});
    if (rep.forks) line += i18n::trf(rep.forks == 1 ? "cli.sync.fork-one" : "cli.sync.forks", {std::to_string(rep.forks)});
    std::printf("%s.\n", line.c_str());
    for (const auto& n : rep.notes) std::printf("%s\n", i18n::trf("cli.sync.note", {n}).c_str());
    if (rep.notApplied)
      std::printf("%s\n",
                  i18n::trf("cli.sync.not-applied", {std::to_string(rep.notApplied)}).c_str());
  }
  return Status::ok();
}

}  // namespace

void addSyncCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  out.push_back({"summary", "write what this node holds, for making a bundle elsewhere",
                 "summary -o FILE", cmdSummary,
                 {{"output", "FILE", "the summary file to write (needed)"}, quiet}});
  out.push_back({"bundle export", "write changes to a file (all, or what a summary lacks)",
                 "bundle export [--for SUMMARY] -o FILE", cmdExport,
                 {{"for", "SUMMARY", "the other node's summary file: write only what it lacks"},
                  {"output", "FILE", "the bundle file to write (needed)"},
                  quiet}});
  out.push_back({"bundle import", "verify and apply a bundle file", "bundle import FILE [--json]",
                 cmdImport,
                 {{"json", "", "print the counts as JSON"}, quiet}});
}

}  // namespace renda::app
