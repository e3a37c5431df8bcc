// SPDX-License-Identifier: Apache-2.0
#include "app/serve/neighbours.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "app/i18n/strings.h"
#include "app/serve/session.h"

namespace renda::app {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

Status writeNeighbours(const std::string& dataDir, const std::vector<std::string>& list) {
  std::string text =
      "# The nodes this node syncs with by itself (renda serve): one HOST:PORT per line.\n"
      "# Edit with renda neighbour add|remove, or by hand.\n";
  for (const auto& n : list) text += n + "\n";
  std::string path = neighboursPath(dataDir), tmp = path + ".partial";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::ioError("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return Status::ioError("cannot write " + path + ": " + std::strerror(err));
  }
  return Status::ok();
}

}  // namespace

std::string neighboursPath(const std::string& dataDir) { return dataDir + "/neighbours"; }

Result<std::vector<std::string>> readNeighbours(const std::string& dataDir) {
  std::vector<std::string> out;
  std::ifstream in(neighboursPath(dataDir));
  if (!in) return out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::string s = trim(line.substr(0, line.find('#')));
    if (s.empty()) continue;
    auto hp = splitHostPort(s);
    if (!hp)
      return Status::usage(i18n::trf("serve.neighbours-line",
                                     {neighboursPath(dataDir), std::to_string(n), hp.status().message()}));
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

Status addNeighbour(const std::string& dataDir, const std::string& hostPort) {
  RENDA_TRY(splitHostPort(hostPort).status());
  auto list = readNeighbours(dataDir);
  if (!list) return list.status();
  if (std::find(list->begin(), list->end(), hostPort) != list->end())
    return Status::usage(i18n::trf("serve.already-neighbour", {hostPort}));
  list->push_back(hostPort);
  return writeNeighbours(dataDir, *list);
}

Status removeNeighbour(const std::string& dataDir, const std::string& hostPort) {
  auto list = readNeighbours(dataDir);
  if (!list) return list.status();
  auto it = std::find(list->begin(), list->end(), hostPort);
  if (it == list->end())
    return Status::usage(i18n::trf("serve.not-neighbour", {hostPort}));
  list->erase(it);
  return writeNeighbours(dataDir, *list);
}

Result<std::vector<NeighbourView>> neighbourViews(Node& node) {
  auto configured = readNeighbours(node.dir());
  if (!configured) return configured.status();
  auto states = node.store().peerStates();
  if (!states) return states.status();
  std::vector<NeighbourView> out;
  for (const auto& a : *configured) {
    NeighbourView v;
    v.state.address = a;
    v.configured = true;
    out.push_back(v);
  }
  for (auto& st : *states) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const NeighbourView& v) { return v.state.address == st.address; });
    if (it == out.end()) it = out.insert(out.end(), NeighbourView{});
    it->state = std::move(st);
  }
  std::map<PublicKey, uint64_t> held;  // author -> the highest number held here
  if (!out.empty()) {
    auto mine = node.store().versionVector();
    if (!mine) return mine.status();
    for (const auto& e : *mine) held[e.author] = std::max(held[e.author], e.seq);
  }
  for (auto& v : out) {
    if (v.state.lastContactMs == 0 && v.state.summary.empty()) continue;
    auto p = node.store().pendingFor(v.state.summary);
    if (!p) return p.status();
    v.pending = *p;
    std::map<PublicKey, uint64_t> theirs;
    for (const auto& e : v.state.summary) theirs[e.author] = std::max(theirs[e.author], e.seq);
    uint64_t incoming = 0;
    for (const auto& [author, seq] : theirs) {
      auto it = held.find(author);
      uint64_t here = it == held.end() ? 0 : it->second;
      if (seq > here) incoming += seq - here;
    }
    v.incoming = incoming;
    v.state.summary.clear();
  }
  return out;
}

}  // namespace renda::app
