// SPDX-License-Identifier: Apache-2.0
// Neighbour state in the `peers` table: address -> u8 format=1 | node flag u8
// [| key 32] | last contact u64 | last attempt u64 | sent u64 | received u64 |
// error (u32 length | bytes) | summary entries u32 | entries (author 32 | seq
// u64 | id 32). Integers little-endian. Not part of the replicated state: a
// node's own notes on its links, kept beside the store so that `renda
// status`, the server and `renda sync` (separate processes) share them.
#include <cstring>

#include "storage/store.h"
#include "storage/ingest.h"
#include "storage/tables.h"

namespace renda::storage {

namespace {

constexpr uint8_t kPeerFormat = 1;
constexpr size_t kEntryBytes = 32 + 8 + 32;

void putU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
void putU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

std::string encodePeer(const PeerState& p) {
  std::string out;
  out.push_back(static_cast<char>(kPeerFormat));
  out.push_back(p.node ? 1 : 0);
  if (p.node) out.append(reinterpret_cast<const char*>(p.node->data()), p.node->size());
  putU64(out, p.lastContactMs);
  putU64(out, p.lastAttemptMs);
  putU64(out, p.sentTotal);
  putU64(out, p.receivedTotal);
  putU32(out, static_cast<uint32_t>(p.lastError.size()));
  out += p.lastError;
  putU32(out, static_cast<uint32_t>(p.summary.size()));
  for (const auto& e : p.summary) {
    out.append(reinterpret_cast<const char*>(e.author.data()), e.author.size());
    putU64(out, e.seq);
    out.append(reinterpret_cast<const char*>(e.id.data()), e.id.size());
  }
  return out;
}

struct Reader {
  Bytes b;
  size_t at = 0;
  bool ok = true;
  bool take(void* out, size_t n) {
    if (!ok || b.size() - at < n) return ok = false;
    std::memcpy(out, b.data() + at, n);
    at += n;
    return true;
  }
  uint64_t u64() {
    unsigned char x[8] = {};
    take(x, 8);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | x[i];
    return v;
  }
  uint32_t u32() {
    unsigned char x[4] = {};
    take(x, 4);
    return uint32_t(x[0]) | uint32_t(x[1]) << 8 | uint32_t(x[2]) << 16 | uint32_t(x[3]) << 24;
  }
};

Result<PeerState> decodePeer(std::string address, Bytes value) {
  Reader r{value};
  PeerState p;
  p.address = std::move(address);
  uint8_t format = 0, hasNode = 0;
  r.take(&format, 1);
  r.take(&hasNode, 1);
  if (!r.ok || format != kPeerFormat)
    return Status::corruption("the neighbour note for " + p.address + " is damaged");
  if (hasNode) {
    PublicKey k;
    r.take(k.data(), k.size());
    p.node = k;
  }
  p.lastContactMs = r.u64();
  p.lastAttemptMs = r.u64();
  p.sentTotal = r.u64();
  p.receivedTotal = r.u64();
  uint32_t errLen = r.u32();
  if (r.ok && errLen <= value.size() - r.at) {
    p.lastError.assign(reinterpret_cast<const char*>(value.data() + r.at), errLen);
    r.at += errLen;
  } else {
    r.ok = false;
  }
  uint32_t n = r.u32();
  if (r.ok && n <= (value.size() - r.at) / kEntryBytes) {
    p.summary.resize(n);
    for (auto& e : p.summary) {
      r.take(e.author.data(), e.author.size());
      e.seq = r.u64();
      r.take(e.id.data(), e.id.size());
    }
  } else {
    r.ok = false;
  }
  if (!r.ok || r.at != value.size())
    return Status::corruption("the neighbour note for " + p.address + " is damaged");
  return p;
}

}  // namespace

Status Store::putPeerState(const PeerState& state) {
  if (state.address.empty() || state.address.size() > 255)
    return Status::invalid("a neighbour's address must be 1 to 255 characters");
  std::string value = encodePeer(state);
  return withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    return txn.put(t_->peers, crypto::asBytes(state.address), crypto::asBytes(value));
  });
}

Result<std::optional<PeerState>> Store::peerState(const std::string& address) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto v = txn->get(t_->peers, crypto::asBytes(address));
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<PeerState>();
  auto p = decodePeer(address, **v);
  if (!p) return p.status();
  return std::optional<PeerState>(std::move(*p));
}

Result<std::vector<PeerState>> Store::peerStates() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<PeerState> out;
  auto c = Cursor::open(*txn, t_->peers);
  if (!c) return c.status();
  for (auto ok = c->first();; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    Bytes k = c->key();
    auto p = decodePeer(std::string(reinterpret_cast<const char*>(k.data()), k.size()), c->value());
    if (!p) return p.status();
    out.push_back(std::move(*p));
  }
  return out;
}

Result<uint64_t> Store::pendingFor(const VersionVector& theirs) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  uint64_t pending = 0;
  auto it = theirs.begin();
  RENDA_TRY(forEachTop(*txn, *t_, [&](const VersionEntry& mine) -> Status {
    while (it != theirs.end() && it->author < mine.author) ++it;
    uint64_t known = it != theirs.end() && it->author == mine.author ? it->seq : 0;
    if (mine.seq > known) pending += mine.seq - known;
    return Status::ok();
  }));
  return pending;
}

}  // namespace renda::storage
