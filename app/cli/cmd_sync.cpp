// SPDX-License-Identifier: Apache-2.0
// Moving changes by file: summary, bundle export, bundle import.
#include <cstdio>

#include "app/node/bundles.h"
#include "app/cli/cli.h"

namespace renda::app {

namespace {

Status cmdSummary(const Args& args) {
  auto out = args.get("output");
  if (!out) return Status::usage("give the file to write with -o FILE");
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
    std::printf("Wrote this node's summary (%zu nodes' changes) to %s.\n"
                "Take it to the other node and run there: renda bundle export --for %s -o FILE\n",
                vv->size(), out->c_str(), out->c_str());
  return Status::ok();
}

Status cmdExport(const Args& args) {
  auto out = args.get("output");
  if (!out) return Status::usage("give the file to write with -o FILE");
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
    std::printf("Wrote %llu changes (%llu bytes) to %s.\nOn the other node run: renda bundle "
                "import %s\n",
                static_cast<unsigned long long>(r->changes),
                static_cast<unsigned long long>(r->bytes), out->c_str(), out->c_str());
  return Status::ok();
}

Status cmdImport(const Args& args) {
  if (args.positional.size() != 1) return Status::usage("give the bundle file to import");
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
    std::printf("Imported %s: %zu new change%s", args.positional[0].c_str(), rep.added,
                rep.added == 1 ? "" : "s");
    if (rep.notApplied)
      std::printf(" (%zu of them kept but not applied, see renda status)", rep.notApplied);
    std::printf(", %zu already here", rep.duplicates);
    if (rep.forks) std::printf(", %zu fork%s found", rep.forks, rep.forks == 1 ? "" : "s");
    std::printf(".\n");
    for (const auto& n : rep.notes) std::printf("  note: %s\n", n.c_str());
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
