// SPDX-License-Identifier: Apache-2.0
// Syncing over the network: `renda sync HOST:PORT` (one session), `renda
// serve` (the node at work: app/serve/server.h), `renda neighbour
// add|remove|list`.
#include <unistd.h>

#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/serve/neighbours.h"
#include "app/serve/server.h"
#include "app/serve/session.h"
#include "app/web/http_server.h"

namespace renda::app {

namespace {

// Transfers this large show a progress line (on a terminal).
constexpr uint64_t kProgressFrom = 20000;

Status cmdSync(const Args& args) {
  if (args.positional.size() != 1)
    return Status::usage(i18n::tr("cli.net.give-address"));
  const std::string& address = args.positional[0];
  RENDA_TRY(splitHostPort(address).status());
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto keys = loadSessionKeys(**node);
  if (!keys) return keys.status();
  auto fd = connectTo(address, 10'000);
  if (!fd) {
    net::SyncReport failed;
    failed.status = fd.status();
    (void)notePeer((*node)->store(), address, failed, Node::nowMs());
    return fd.status();
  }
  bool quiet = args.has("quiet") || args.has("json");
  bool showProgress = !quiet && ::isatty(STDERR_FILENO);
  SessionOptions so;
  so.initiator = true;
  bool shown = false;
  if (showProgress)
    so.progress = [&](const net::SyncProgress& p) {
      if (p.toSend + p.receivedChanges < kProgressFrom && !shown) return;
      shown = true;
      std::fprintf(stderr, "\r%s   ",
                   i18n::trf("cli.net.progress",
                             {std::to_string(p.sentChanges), std::to_string(p.toSend),
                              std::to_string(p.receivedChanges)})
                       .c_str());
    };
  net::SyncReport r = runSession(**node, **keys, *fd, so);
  if (shown) std::fprintf(stderr, "\n");
  Status noted = notePeer((*node)->store(), address, r, Node::nowMs());
  const IngestReport& in = r.received;
  if (args.has("json")) {
    std::printf("{\"ok\":%s,\"peer\":\"%s\",\"sent\":%llu,\"received\":%llu,\"added\":%zu,"
                "\"duplicates\":%zu,\"notApplied\":%zu,\"forks\":%zu,\"bytesSent\":%llu,"
                "\"bytesReceived\":%llu,\"ms\":%llu}\n",
                r.status ? "true" : "false", toHex(r.peer).c_str(),
                static_cast<unsigned long long>(r.sentChanges),
                static_cast<unsigned long long>(r.receivedChanges), in.added, in.duplicates,
                in.notApplied, in.forks, static_cast<unsigned long long>(r.bytesSent),
                static_cast<unsigned long long>(r.bytesReceived),
                static_cast<unsigned long long>(r.durationMs));
  } else if (!quiet && r.status) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", double(r.durationMs) / 1000);
    std::string line = i18n::trf("cli.net.synced", {shortKey(r.peer), address, seconds,
                                                    std::to_string(r.sentChanges),
                                                    std::to_string(r.receivedChanges)});
    if (in.duplicates) line += i18n::trf("cli.net.already-here", {std::to_string(in.duplicates)});
    if (in.notApplied) line += i18n::trf("cli.net.kept-not-applied", {std::to_string(in.notApplied)});
    if (in.forks)
      line += i18n::trf(in.forks == 1 ? "cli.net.fork-found" : "cli.net.forks-found",
                        {std::to_string(in.forks)});
    std::printf("%s%s\n", line.c_str(), i18n::tr("cli.net.synced-end"));
    for (const auto& n : in.notes) std::printf("%s\n", i18n::trf("cli.sync.note", {n}).c_str());
    if (in.notApplied)
      std::printf("%s\n", i18n::trf("cli.sync.not-applied", {std::to_string(in.notApplied)}).c_str());
    else if (in.forks)
      std::printf("%s\n", i18n::tr("cli.sync.forks-see"));
  }
  if (!r.status) {
    if (r.sentChanges || r.receivedChanges)
      return Status::error(r.status.code(),
                           i18n::trf("cli.net.partly-synced",
                                     {r.status.message(), std::to_string(r.sentChanges),
                                      std::to_string(r.receivedChanges)}));
    return r.status;
  }
  return noted;
}

// `--NAME SECONDS` (1 to a day) into *ms, when given.
Status secondsOption(const Args& args, const std::string& name, uint64_t* ms) {
  auto s = args.get(name);
  if (!s) return Status::ok();
  char* end = nullptr;
  unsigned long v = std::strtoul(s->c_str(), &end, 10);
  if (s->empty() || *end || v < 1 || v > 86400)
    return Status::usage(i18n::trf("cli.net.seconds", {name}));
  *ms = v * 1000;
  return Status::ok();
}

Status cmdServe(const Args& args) {
  ServeOptions o;
  if (auto l = args.get("listen")) o.listen = *l;
  o.neighbours = args.all("peer");
  for (const auto& p : o.neighbours) RENDA_TRY(splitHostPort(p).status());
  if (auto d = args.get("discovery")) {
    if (*d != "on" && *d != "off" && *d != "loopback")
      return Status::usage(i18n::tr("cli.net.discovery"));
    o.discovery = *d != "off";
    o.loopbackDiscovery = *d == "loopback";
  }
  if (auto p = args.get("discovery-port")) {
    auto hp = splitHostPort("x:" + *p);
    if (!hp) return hp.status();
    o.discoveryPort = hp->second;
  }
  RENDA_TRY(secondsOption(args, "routine", &o.routineMs));
  RENDA_TRY(secondsOption(args, "max-backoff", &o.maxBackoffMs));
  o.quiet = args.has("quiet");
  if (auto w = args.get("web")) {
    if (*w != "off") RENDA_TRY(splitHostPort(*w, true).status());
    o.web.listen = *w;
    o.web.required = true;
  }
  o.web.open = args.has("web-open") || opensToLan(o.web.listen);
  if (args.has("web-open") && (o.web.listen.empty() || o.web.listen == "off"))
    return Status::usage(i18n::tr("cli.net.web-off"));
  // For tests that would otherwise wait out the handshake timeout (slowloris).
  if (const char* t = std::getenv("RENDA_HANDSHAKE_TIMEOUT_MS"); t && *t)
    o.handshakeTimeoutMs = std::strtoull(t, nullptr, 10);
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  return serve(**node, o);
}

Status cmdNeighbourAdd(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.net.give-neighbour"));
  RENDA_TRY(addNeighbour(dataDirFrom(args), args.positional[0]));
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.net.neighbour-added", {args.positional[0]}).c_str());
  return Status::ok();
}

Status cmdNeighbourRemove(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.net.give-neighbour"));
  RENDA_TRY(removeNeighbour(dataDirFrom(args), args.positional[0]));
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.net.neighbour-removed", {args.positional[0]}).c_str());
  return Status::ok();
}

Status cmdNeighbourList(const Args& args) {
  auto list = readNeighbours(dataDirFrom(args));
  if (!list) return list.status();
  if (list->empty() && !args.has("quiet"))
    std::printf("%s\n", i18n::tr("cli.net.no-neighbours"));
  for (const auto& n : *list) std::printf("%s\n", n.c_str());
  return Status::ok();
}

}  // namespace

void addNetCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  out.push_back({"sync", "sync with another node over the network, once",
                 "sync HOST:PORT [--json]", cmdSync,
                 {{"json", "", "print what moved as JSON"}, quiet}});
  out.push_back(
      {"serve", "run the node: take sessions, sync with neighbours by itself, find others on the LAN",
       "serve [--listen HOST:PORT] [--peer HOST:PORT]... [--discovery on|off|loopback] "
       "[--web HOST:PORT|off] [--web-open]",
       cmdServe,
       {{"listen", "HOST:PORT", "where to take sessions (default 0.0.0.0:7420; off: nowhere)"},
        {"peer", "HOST:PORT", "a neighbour to sync with, besides the neighbours file", true},
        {"discovery", "on|off|loopback",
         "find nodes of this county on the LAN (default on; loopback: on this computer too)"},
        {"discovery-port", "PORT", "the LAN beacon's UDP port (default 7421)"},
        {"routine", "SECONDS", "sync each neighbour at least this often (default 30)"},
        {"max-backoff", "SECONDS", "the longest wait for an unreachable neighbour (default 60)"},
        {"quiet", "", "log no line for sessions that had nothing to do"},
        {"web", "HOST:PORT|off",
         "the web interface and its API (default 127.0.0.1:7480, this computer only; off: none)"},
        {"web-open", "",
         "answer web clients from the LAN too (also when --web names a LAN address)"}}});
  out.push_back({"neighbour add", "add a node for renda serve to sync with",
                 "neighbour add HOST:PORT", cmdNeighbourAdd, {quiet}});
  out.push_back({"neighbour remove", "stop syncing with a node", "neighbour remove HOST:PORT",
                 cmdNeighbourRemove, {quiet}});
  out.push_back({"neighbour list", "the nodes renda serve syncs with", "neighbour list",
                 cmdNeighbourList, {quiet}});
}

}  // namespace renda::app
