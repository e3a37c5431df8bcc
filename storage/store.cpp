// SPDX-License-Identifier: Apache-2.0
// Store: opening, identity, and the read side (lists, history, digest, status).
#include "storage/store.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "storage/tables.h"

namespace renda::storage {

namespace {

constexpr const char* kMetaNetwork = "network";
constexpr const char* kMetaRoot = "root";
constexpr const char* kMetaCounty = "county";
constexpr const char* kMetaDevice = "device";
constexpr const char* kMetaInstance = "instance";
constexpr const char* kMetaStoreId = "storeid";
constexpr const char* kMetaHlc = "hlc";
constexpr const char* kMetaLayout = "layout";

Result<std::string> instanceTag(Env& env) {
  const char* path = nullptr;
  mdb_env_get_path(env.get(), &path);
  struct stat st;
  if (::stat((std::string(path) + "/data.mdb").c_str(), &st) != 0)
    return Status::ioError("cannot read the store's data file");
  std::string tag;
  keys::putBe64(tag, static_cast<uint64_t>(st.st_dev));
  keys::putBe64(tag, static_cast<uint64_t>(st.st_ino));
  return tag;
}

Result<std::optional<std::string>> getMeta(const Txn& txn, MDB_dbi meta, std::string_view key) {
  auto v = txn.get(meta, bytesOf(key));
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<std::string>();
  return std::optional<std::string>(std::string(viewOf(**v)));
}

}  // namespace

Store::Store(Env env, std::unique_ptr<Tables> tables, StoreOptions options)
    : env_(std::move(env)), t_(std::move(tables)), options_(options) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& dir, StoreOptions options) {
  Env::Options eo;
  eo.initialMapBytes = options.initialMapBytes;
  auto env = Env::open(dir, eo);
  if (!env) return env.status();
  auto tables = std::make_unique<Tables>();
  bool upgrade = false;
  tables->idIndexMinMerge = std::max<uint64_t>(options.idIndexMinMerge, 1);
  tables->idIndexSlice = std::max<uint64_t>(options.idIndexSlice, 1);
  Status s = withWriteTxn(*env, [&](WriteTxn& txn) -> Status {
    struct { MDB_dbi* dbi; const char* name; } all[] = {
        {&tables->meta, "meta"},       {&tables->changes, "changes"}, {&tables->byid, "byid"},
        {&tables->byidnew, "byidnew"},
        {&tables->log, "log"},         {&tables->forklog, "forklog"}, {&tables->vv, "vv"},
        {&tables->records, "records"}, {&tables->bykind, "bykind"},
        {&tables->recchanges, "recchanges"},
        {&tables->members, "members"}, {&tables->acts, "acts"},       {&tables->forks, "forks"},
        {&tables->peers, "peers"},
    };
    for (auto& [dbi, name] : all) {
      auto d = txn.openDb(name);
      if (!d) return d.status();
      *dbi = *d;
    }
    // A new store gets the current layout; one made by an older renda with
    // another layout is refused rather than misread.
    auto layout = getMeta(txn, tables->meta, kMetaLayout);
    if (!layout) return layout.status();
    if (!layout->has_value()) {
      MDB_stat st;
      mdb_stat(txn.get(), tables->changes, &st);
      if (st.ms_entries != 0)
        return Status::corruption("this store was made by an older version of renda with another "
                                  "layout; export its records with that version, or copy the "
                                  "changes again from another node into a new folder");
      RENDA_TRY(txn.put(tables->meta, bytesOf(keys::kTally), bytesOf(std::string(16, '\0'))));
      return txn.put(tables->meta, bytesOf(kMetaLayout), bytesOf(keys::be64(keys::kLayout)));
    }
    for (uint64_t older = keys::kLayoutOldest; older < keys::kLayout; ++older)
      if (**layout == keys::be64(older)) {
        upgrade = true;
        return Status::ok();
      }
    if (**layout != keys::be64(keys::kLayout))
      return Status::corruption("this store was made by another version of renda (layout " +
                                std::to_string((*layout)->size() == 8
                                                   ? keys::getBe64(reinterpret_cast<const unsigned char*>((*layout)->data()))
                                                   : 0) +
                                "); use that version, or copy the changes again from another "
                                "node into a new folder");
    return Status::ok();
  });
  if (!s) return s;
  std::unique_ptr<Store> store(new Store(std::move(*env), std::move(tables), options));
  if (upgrade) RENDA_TRY(store->upgrade());
  RENDA_TRY(store->checkInstance());
  return store;
}

Status Store::checkInstance() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto device = getMeta(*txn, t_->meta, kMetaDevice);
  if (!device) return device.status();
  if (!device->has_value()) return Status::ok();
  auto stored = getMeta(*txn, t_->meta, kMetaInstance);
  if (!stored) return stored.status();
  auto now = instanceTag(env_);
  if (!now) return now.status();
  restored_ = !stored->has_value() || **stored != *now;
  return Status::ok();
}

Result<NetworkInfo> Store::network() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto net = getMeta(*txn, t_->meta, kMetaNetwork);
  auto root = getMeta(*txn, t_->meta, kMetaRoot);
  auto county = getMeta(*txn, t_->meta, kMetaCounty);
  if (!net || !root || !county) return Status::ioError("cannot read the store's settings");
  if (!net->has_value() || !root->has_value())
    return Status::notFound("this node has not joined a county network yet");
  NetworkInfo info;
  auto n = NetworkId::fromSpan((*net)->data(), (*net)->size());
  auto r = PublicKey::fromSpan((*root)->data(), (*root)->size());
  if (!n || !r) return Status::corruption("the store's network settings are damaged");
  info.network = *n;
  info.root = *r;
  info.countyName = county->value_or("");
  return info;
}

Status Store::setNetwork(const NetworkInfo& info) {
  return withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    RENDA_TRY(txn.put(t_->meta, bytesOf(kMetaNetwork), bytesOf(keys::fixed(info.network))));
    RENDA_TRY(txn.put(t_->meta, bytesOf(kMetaRoot), bytesOf(keys::fixed(info.root))));
    return txn.put(t_->meta, bytesOf(kMetaCounty), bytesOf(info.countyName));
  });
}

Status Store::clearNetwork() {
  return withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    RENDA_TRY(txn.del(t_->meta, bytesOf(kMetaNetwork)));
    RENDA_TRY(txn.del(t_->meta, bytesOf(kMetaRoot)));
    return txn.del(t_->meta, bytesOf(kMetaCounty));
  });
}

Result<PublicKey> Store::deviceKey() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto v = getMeta(*txn, t_->meta, kMetaDevice);
  if (!v) return v.status();
  if (!v->has_value()) return Status::notFound("this store has no device key yet; run renda init");
  auto k = PublicKey::fromSpan((*v)->data(), (*v)->size());
  if (!k) return Status::corruption("the stored device key is damaged");
  return *k;
}

Result<std::string> Store::instanceBinding() { return instanceTag(env_); }

Status Store::bindDevice(WriteTxn& txn, const PublicKey& key, const std::string& binding) {
  std::string id(16, '\0');
  randombytes_buf(id.data(), id.size());
  RENDA_TRY(txn.put(t_->meta, bytesOf(kMetaDevice), bytesOf(keys::fixed(key))));
  RENDA_TRY(txn.put(t_->meta, bytesOf(kMetaStoreId), bytesOf(id)));
  return txn.put(t_->meta, bytesOf(kMetaInstance), bytesOf(binding));
}

Status Store::setDeviceKey(const PublicKey& key) {
  auto tag = instanceTag(env_);
  if (!tag) return tag.status();
  RENDA_TRY(withWriteTxn(env_, [&](WriteTxn& txn) -> Status { return bindDevice(txn, key, *tag); }));
  restored_ = false;
  return Status::ok();
}

Result<std::string> Store::storeId() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto v = getMeta(*txn, t_->meta, kMetaStoreId);
  if (!v) return v.status();
  if (v->has_value()) return **v;
  // A store bound before store ids existed: its binding stands for one.
  auto tag = getMeta(*txn, t_->meta, kMetaInstance);
  if (!tag) return tag.status();
  return tag->value_or("");
}

Result<std::optional<Membership>> Store::membership(const PublicKey& key) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto v = txn->get(t_->members, bytesOf(keys::fixed(key)));
  if (!v) return v.status();
  if (!v->has_value()) return std::optional<Membership>();
  auto m = Membership::decode(**v);
  if (!m) return m.status();
  return std::optional<Membership>(std::move(*m));
}

Result<std::vector<Membership>> Store::members() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<Membership> out;
  auto c = Cursor::open(*txn, t_->members);
  if (!c) return c.status();
  for (auto ok = c->first(); ; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    auto m = Membership::decode(c->value());
    if (!m) return m.status();
    out.push_back(std::move(*m));
  }
  return out;
}

Result<Record> Store::record(const RecordId& id) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto row = keys::recordRow(*txn, *t_, id);
  if (!row) return row.status();
  std::optional<Bytes> v;
  if (row->has_value()) {
    auto got = txn->get(t_->records, bytesOf(keys::rowKey(**row)));
    if (!got) return got.status();
    v = *got;
  }
  if (!v) return Status::notFound("no record " + toHex(id).substr(0, 8) + " here");
  return decodeRecord(*v);
}

Result<std::vector<Record>> Store::list(RecordKind kind, bool withHidden) {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  std::vector<Record> out;
  auto c = Cursor::open(*txn, t_->bykind);
  if (!c) return c.status();
  std::string prefix(1, static_cast<char>(kind));
  for (auto ok = c->seek(bytesOf(prefix)); ; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok || c->key().size() != 9 || c->key()[0] != static_cast<uint8_t>(kind)) break;
    auto v = txn->get(t_->records, c->key().subspan(1));
    if (!v) return v.status();
    if (!v->has_value()) return Status::corruption("an index entry points at a missing record");
    auto r = decodeRecord(**v);
    if (!r) return r.status();
    if (r->visible || withHidden) out.push_back(std::move(*r));
  }
  // Rows follow this node's arrival order; lists are in id order on every node.
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.id < b.id; });
  return out;
}

Result<Record> Store::recordByPrefix(RecordKind kind, const std::string& hexPrefix) {
  auto id = findRecord(kind, hexPrefix);
  if (!id) return id.status();
  return record(*id);
}

Result<RecordId> Store::findRecord(RecordKind kind, const std::string& hexPrefix) {
  if (hexPrefix.size() < 4 || hexPrefix.size() > 64)
    return Status::usage("give at least the first 4 characters of the record number");
  std::string lower = hexPrefix;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto all = list(kind);
  if (!all) return all.status();
  std::optional<RecordId> found;
  for (const auto& r : *all) {
    if (toHex(r.id).compare(0, lower.size(), lower) != 0) continue;
    if (found) return Status::usage("more than one record starts with " + hexPrefix +
                                    "; give more characters");
    found = r.id;
  }
  if (!found) return Status::notFound(std::string("no ") + recordKindName(kind) + " record " +
                                      hexPrefix + " on this node");
  return *found;
}

Result<Hash> Store::digest() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  // Rows are in this node's arrival order; the digest takes records in id
  // order (the id is stored at the start of each record) so that nodes
  // holding the same changes agree.
  std::vector<std::pair<RecordId, uint64_t>> order;
  auto c = Cursor::open(*txn, t_->records);
  if (!c) return c.status();
  for (auto ok = c->first(); ; ok = c->next()) {
    if (!ok) return ok.status();
    if (!*ok) break;
    auto id = recordIdOf(c->value());
    if (!id || c->key().size() != 8) return Status::corruption("a stored record is damaged");
    order.emplace_back(*id, keys::getBe64(c->key().data()));
  }
  std::sort(order.begin(), order.end());
  crypto::Hasher h;
  for (const auto& [id, row] : order) {
    auto v = txn->get(t_->records, bytesOf(keys::rowKey(row)));
    if (!v) return v.status();
    if (!v->has_value()) return Status::corruption("a stored record vanished");
    uint32_t n = static_cast<uint32_t>((*v)->size());
    h.update(crypto::Bytes(id.data(), id.size()));
    h.update(crypto::Bytes(reinterpret_cast<const unsigned char*>(&n), 4));
    h.update(**v);
  }
  return h.finish();
}

Result<std::pair<uint64_t, uint64_t>> Store::countTally() {
  std::pair<uint64_t, uint64_t> tally{0, 0};
  Status s = withWriteTxn(env_, [&](WriteTxn& txn) -> Status {
    tally = {0, 0};
    auto c = Cursor::open(txn, t_->records);
    if (!c) return c.status();
    for (auto ok = c->first();; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok) break;
      auto r = decodeRecord(c->value());
      if (!r) return r.status();
      if (r->hasConflicts()) ++tally.first;
      for (const auto& v : r->versions) tally.second += v.applied ? 0 : 1;
    }
    return txn.put(t_->meta, bytesOf(keys::kTally),
                   bytesOf(keys::be64(tally.first) + keys::be64(tally.second)));
  });
  if (!s) return s;
  return tally;
}

Result<uint64_t> Store::clockHighWater() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  auto v = getMeta(*txn, t_->meta, kMetaHlc);
  if (!v) return v.status();
  if (!v->has_value() || (*v)->size() != 8) return uint64_t(0);
  return keys::getBe64(reinterpret_cast<const unsigned char*>((*v)->data()));
}

Result<uint64_t> Store::changeCount() {
  auto txn = ReadTxn::begin(env_);
  if (!txn) return txn.status();
  MDB_stat st;
  int rc = mdb_stat(txn->get(), t_->changes, &st);
  if (rc) return lmdbStatus(rc, "counting changes");
  return uint64_t(st.ms_entries);
}

Result<StoreStatus> Store::status() {
  StoreStatus out;
  out.restored = restored_;
  bool counted = false;
  {
    auto txn = ReadTxn::begin(env_);
    if (!txn) return txn.status();
    MDB_stat st;
    mdb_stat(txn->get(), t_->changes, &st);
    out.changes = st.ms_entries;
    mdb_stat(txn->get(), t_->records, &st);
    out.records = st.ms_entries;
    mdb_stat(txn->get(), t_->vv, &st);
    out.authors = st.ms_entries;
    auto tally = getMeta(*txn, t_->meta, keys::kTally);
    if (!tally) return tally.status();
    if (tally->has_value() && (*tally)->size() == 16) {
      auto p = reinterpret_cast<const unsigned char*>((*tally)->data());
      out.conflicts = keys::getBe64(p);
      out.notApplied = keys::getBe64(p + 8);
      counted = true;
    }
  }
  // A store from an older layout: count once, by reading every record, and
  // keep the tally from then on.
  if (!counted) {
    auto tally = countTally();
    if (!tally) return tally.status();
    out.conflicts = tally->first;
    out.notApplied = tally->second;
  }
  auto ms = members();
  if (!ms) return ms.status();
  out.members = ms->size();
  for (const auto& m : *ms) {
    std::string who = toHex(m.subject).substr(0, 8) + " " +
                      (m.township.empty() ? std::string("county office") : m.township) +
                      (m.label.empty() ? "" : " (" + m.label + ")");
    if (m.frozenFromSeq)
      out.frozen.push_back(who + ": " + m.frozenReason + "; frozen from change " +
                           std::to_string(*m.frozenFromSeq));
    if (m.revokedAfterSeq)
      out.revoked.push_back(who + ": revoked after change " + std::to_string(*m.revokedAfterSeq) +
                            (m.revocationReason.empty() ? "" : " — " + m.revocationReason));
    if (m.certified && !m.admitted)
      out.notAdmitted.push_back(who + ": " + m.admissionProblem);
  }
  auto f = forks();
  if (!f) return f.status();
  out.forks = std::move(*f);
  out.mapBytes = env_.mapBytes();
  const char* path = nullptr;
  mdb_env_get_path(env_.get(), &path);
  struct stat st;
  if (::stat((std::string(path) + "/data.mdb").c_str(), &st) == 0) out.fileBytes = st.st_size;
  return out;
}

}  // namespace renda::storage
