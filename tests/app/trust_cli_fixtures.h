// SPDX-License-Identifier: Apache-2.0
// Helpers for the trust tests that drive the real `renda` binary (forks,
// restores, revocations, hand-overs): backups of a data folder and of the
// restore marker, restores in place (the data file keeps its inode), what
// `renda status --json` says of one key, changes signed below the CLI with a
// node's own key, and bundles around the county until every node agrees.
// Header-only; builds on cli_fixtures.h.
#pragma once

#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "storage/store.h"
#include "tests/app/cli_fixtures.h"

namespace renda::clitest {

inline uint64_t inodeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<uint64_t>(st.st_ino);
}

// A copy of the folder `from` at `to` (new files: new inodes), as a backup is.
inline void copyTree(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::remove_all(to, ec);
  fs::copy(from, to, fs::copy_options::recursive, ec);
  INFO("copying " << from << " to " << to << ": " << ec.message());
  REQUIRE(!ec);
}

// Puts `from`'s bytes into the existing file `to`, as `cp from to` does: the
// file is truncated and rewritten, so it keeps its inode.
inline void overwriteInPlace(const std::string& from, const std::string& to) {
  uint64_t inode = inodeOf(to);
  writeFile(to, readFile(from));
  REQUIRE(inodeOf(to) == inode);
}

// Every file of the backup folder `from` written back over the folder `to` in
// place (`cp -a from/. to/`): a whole folder rolled back, inodes kept.
inline void restoreFolderInPlace(const std::string& from, const std::string& to) {
  for (const auto& e : fs::directory_iterator(from)) {
    std::string dest = to + "/" + e.path().filename().string();
    if (fs::exists(dest))
      overwriteInPlace(e.path().string(), dest);
    else
      fs::copy_file(e.path(), dest);
  }
}

// Where the Harness's renda keeps its restore marker (HOME is the harness's folder).
inline std::string markerDir(Harness& h) { return h.path(".local/state/renda"); }

// The names in a data folder that start with `prefix`.
inline std::vector<std::string> filesStarting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) out.push_back(name);
  }
  return out;
}

// `renda status --json`'s entry for `key` (the "members" list); FAILs when absent.
inline JsonValue memberOf(const JsonValue& status, const std::string& key) {
  for (const auto& m : status["members"].items)
    if (m["node"].str == key) return m;
  FAIL("no member " << key << " in renda status --json");
  return {};
}

inline std::string nodeKeyOf(Harness& h, const std::string& node) {
  return h.json(node, {"status"})["node"].str;
}

// The ids of the station records `node` shows (applied ones only).
inline std::vector<std::string> stationsOn(Harness& h, const std::string& node) {
  std::vector<std::string> ids;
  for (const auto& r : h.json(node, {"station", "list"}).items) ids.push_back(r["id"].str);
  return ids;
}
inline bool shows(Harness& h, const std::string& node, const std::string& station) {
  auto ids = stationsOn(h, node);
  return std::find(ids.begin(), ids.end(), station) != ids.end();
}

// The number of `key`'s change `id`, from `renda log --node KEY --json` at `node`.
inline int64_t seqOf(Harness& h, const std::string& node, const std::string& key,
                     const std::string& id) {
  JsonValue log = h.json(node, {"log", "--node", key});
  for (const auto& c : log["changes"].items)
    if (c["change"].str == id) return static_cast<int64_t>(c["seq"].number);
  FAIL("no change " << id << " of " << key << " on " << node);
  return 0;
}

// `renda verify` finds nothing wrong.
inline void verifiesClean(Harness& h, const std::string& node) {
  Run v = h.at(node, {"verify"});
  INFO(node << ": renda verify\n" << v.describe());
  CHECK(v.code == 0);
  CHECK_THAT(v.out, Catch::Contains("Everything is in order."));
}

// Bundles through the county office until every node holds every change:
// each township to the county, then the county to each township. Returns the
// imports' outputs, in that order.
inline std::vector<Run> gossip(Harness& h, const std::vector<std::string>& townships,
                               const std::string& tag) {
  std::vector<Run> out;
  for (const auto& t : townships) out.push_back(hop(h, t, "county", tag + "-" + t + "-up"));
  for (const auto& t : townships) out.push_back(hop(h, "county", t, tag + "-" + t + "-down"));
  return out;
}

// Every node shows the same digest and verifies clean.
inline void converged(Harness& h, const std::vector<std::string>& nodes) {
  std::string d = h.digest(nodes.front());
  for (const auto& n : nodes) {
    INFO("digest of " << n);
    CHECK(h.digest(n) == d);
    verifiesClean(h, n);
  }
}

// Two rounds of gossip (what one township wrote reaches the others in the
// second), then the county and every township agree and verify clean.
inline void spread(Harness& h, const std::vector<std::string>& townships, const std::string& tag) {
  gossip(h, townships, tag + "1");
  gossip(h, townships, tag + "2");
  std::vector<std::string> all = {"county"};
  all.insert(all.end(), townships.begin(), townships.end());
  converged(h, all);
}

// A real fork: `node`'s data folder and renda's restore marker are both put
// back in place from backups made before `lost`, a station already carried to
// the county; nothing can tell, so the node's key signs `again`, another
// station, with the same number. Returns {lost, again}.
inline std::pair<std::string, std::string> forkByRollback(Harness& h, const std::string& node) {
  const std::string dir = h.path(node);
  copyTree(dir, h.path(node + "-backup"));
  copyTree(markerDir(h), h.path(node + "-marker-backup"));
  std::string lost = h.add(node, "station", {"--name", "备份后的联络站"});
  hop(h, node, "county", node + "-lost");
  const uint64_t inode = inodeOf(dir + "/data.mdb");
  restoreFolderInPlace(h.path(node + "-backup"), dir);
  restoreFolderInPlace(h.path(node + "-marker-backup"), markerDir(h));
  REQUIRE(inodeOf(dir + "/data.mdb") == inode);
  std::string again = h.add(node, "station", {"--name", "恢复后的联络站"});
  return {lost, again};
}

// Signs changes with a node's key outside renda (what a thief, or a node
// that tries what the CLI never does, could sign), and lands them in the
// store of `dir` so that `renda bundle export` carries them. Reads the key
// file (unsealed; by default dir's device.key) and the store in this
// process: no renda may run on it meanwhile.
class RawAuthor {
 public:
  explicit RawAuthor(const std::string& dir, const std::string& keyFile = "") : dir_(dir) {
    auto key = app::readKeyFile(keyFile.empty() ? dir + "/device.key" : keyFile);
    REQUIRE(key);
    key_ = std::move(*key);
  }
  const SecretKey& key() const { return key_; }
  NetworkId network() const {
    auto store = storage::Store::open(dir_);
    REQUIRE(store);
    auto net = (*store)->network();
    REQUIRE(net);
    return net->network;
  }

  // Signs `c` as the key's change number `seq`, following the store's (first)
  // held change of the key numbered seq - 1, and ingests it. Returns its id.
  ChangeId sign(Change c, uint64_t seq) {
    auto store = storage::Store::open(dir_);
    REQUIRE(store);
    auto net = (*store)->network();
    REQUIRE(net);
    c.network = net->network;
    c.author = key_.publicKey();
    c.seq = seq;
    c.prev.reset();
    c.prevSig.reset();
    if (seq > 1) {
      // The envelope of the previous number: its id and signature hash.
      bool found = false;
      REQUIRE((*store)->forEachMissing({}, [&](std::string_view e) {
        auto env = decodeEnvelope(crypto::asBytes(e));
        REQUIRE(env);
        auto prev = decodeChange(crypto::asBytes(env->body));
        REQUIRE(prev);
        if (prev->author != c.author || prev->seq != seq - 1 || found) return Status::ok();
        c.prev = crypto::changeId(crypto::asBytes(env->body));
        c.prevSig = crypto::hash(crypto::Bytes(env->sig.data(), env->sig.size()));
        found = true;
        return Status::ok();
      }));
      REQUIRE(found);
    }
    auto hw = (*store)->clockHighWater();
    REQUIRE(hw);
    c.hlc = Hlc::make(Hlc::millis(*hw) + 1000, 0);
    std::string body = encodeChange(c);
    auto r = (*store)->ingest({signChange(net->network, body, key_)});
    INFO((r ? std::string() : r.status().message()));
    REQUIRE(r);
    return crypto::changeId(crypto::asBytes(body));
  }
  // A new station record of `township`, as a create change.
  static Change station(const std::string& township, const std::string& name) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = RecordKind::kStation;
    c.scope = township;
    c.fields = {{"name", name}};
    return c;
  }

 private:
  std::string dir_;
  SecretKey key_;
};

}  // namespace renda::clitest
