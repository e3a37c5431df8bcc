// SPDX-License-Identifier: Apache-2.0
// Re-deriving records inside the applier's transaction: a record folded again
// from its stored changes and their flags, and the suggestion field-group rule
// (one writer per field group) judged again after an event or a trust change.
#include "core/domain/field_groups.h"
#include "storage/ingest.h"

namespace renda::storage {

Status Applier::refold(const RecordId& id) {
  std::vector<Change> changes;
  std::vector<ChangeId> ids;
  std::vector<bool> applied;
  auto row = rowOf(id);
  if (!row) return row.status();
  if (!*row) return Status::corruption("a record to re-derive has no row");
  std::string prefix = keys::rowKey(**row);
  {
    auto c = Cursor::open(txn_, t_.recchanges);
    if (!c) return c.status();
    for (auto ok = c->seek(bytesOf(prefix)); ; ok = c->next()) {
      if (!ok) return ok.status();
      if (!*ok || c->key().size() != 16 || std::memcmp(c->key().data(), prefix.data(), 8) != 0)
        break;
      auto stored = txn_.get(t_.changes, c->key().subspan(8));
      if (!stored) return stored.status();
      if (!stored->has_value()) return Status::corruption("a record names a missing change");
      Bytes v = **stored;
      auto env = decodeEnvelope(v.subspan(keys::kChangeHeader));
      if (!env) return Status::corruption("a stored change is damaged");
      auto change = decodeChange(crypto::asBytes(env->body));
      if (!change) return Status::corruption("a stored change is damaged");
      ids.push_back(crypto::changeId(crypto::asBytes(env->body)));
      changes.push_back(std::move(*change));
      applied.push_back((v[1] & keys::kFlagApplied) != 0);
    }
  }
  std::vector<FoldInput> inputs;
  for (size_t i = 0; i < changes.size(); ++i) inputs.push_back({ids[i], &changes[i], applied[i]});
  auto r = foldRecord(std::move(inputs));
  if (!r) return Status::corruption("a record cannot be re-derived: " + r.status().message());
  auto before = loadRecord(id);
  if (!before) return before.status();
  return putRecord(*r, **row, *before ? &**before : nullptr);
}

Result<std::map<PublicKey, Membership>> Applier::membersOf(const Record& r,
                                                           const PublicKey* extra) {
  std::map<PublicKey, Membership> out;
  auto add = [&](const PublicKey& k) -> Status {
    if (out.count(k)) return Status::ok();
    auto m = member(k);
    if (!m) return m.status();
    if (*m) out.emplace(k, **m);
    return Status::ok();
  };
  for (const auto& v : r.versions) RENDA_TRY(add(v.author));
  if (extra) RENDA_TRY(add(*extra));
  return out;
}

namespace {

domain::MemberLookup lookupIn(const std::map<PublicKey, Membership>& ms) {
  return [&ms](const PublicKey& k) -> const Membership* {
    auto it = ms.find(k);
    return it == ms.end() ? nullptr : &it->second;
  };
}

std::vector<std::string> namesOf(const Change& c) {
  std::vector<std::string> names;
  for (const auto& f : c.fields) names.push_back(f.name);
  return names;
}

}  // namespace

Result<std::optional<std::string>> Applier::judgeFieldEdit(const Record& rec, const Change& c,
                                                           const ChangeId& id) {
  Record probe = rec;
  RENDA_TRY(applyUpdate(probe, c, id, false));
  auto ms = membersOf(probe, &c.author);
  if (!ms) return ms.status();
  auto refused = domain::judgeFieldEdits(probe, {{id, namesOf(c)}}, lookupIn(*ms));
  auto it = refused.find(id);
  if (it == refused.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status Applier::rejudgeFieldEdits(const Record& rec) {
  if (rec.kind != RecordKind::kSuggestion) return Status::ok();
  bool anyPlain = false;
  for (const auto& v : rec.versions) anyPlain = anyPlain || (v.action.empty() && v.id != rec.id);
  if (!anyPlain) return Status::ok();
  struct Edit {
    ChangeId id;
    std::string arrivalKey, stored;
    bool trusted = false;
  };
  std::vector<Edit> plain;
  std::vector<domain::FieldEdit> judged;
  auto ms = membersOf(rec, nullptr);
  if (!ms) return ms.status();
  for (const auto& v : rec.versions) {
    if (!v.action.empty() || v.id == rec.id) continue;
    auto arrival = keys::arrivalOf(txn_, t_, v.id);
    if (!arrival) return arrival.status();
    if (!arrival->has_value()) return Status::corruption("a record names a missing change");
    Edit e{v.id, std::string(viewOf(**arrival)), {}, false};
    auto stored = txn_.get(t_.changes, **arrival);
    if (!stored) return stored.status();
    if (!stored->has_value() || (*stored)->size() < keys::kChangeHeader)
      return Status::corruption("a stored change is missing");
    e.stored = std::string(viewOf(**stored));
    auto env = decodeEnvelope(crypto::asBytes(e.stored).subspan(keys::kChangeHeader));
    if (!env) return Status::corruption("a stored change is damaged");
    auto change = decodeChange(crypto::asBytes(env->body));
    if (!change) return Status::corruption("a stored change is damaged");
    auto m = ms->find(change->author);
    e.trusted = m != ms->end() && checkApplies(m->second, *change, v.id, &rec.scope).isOk();
    if (e.trusted) judged.push_back({v.id, namesOf(*change)});
    plain.push_back(std::move(e));
  }
  if (plain.empty()) return Status::ok();
  auto refused = domain::judgeFieldEdits(rec, judged, lookupIn(*ms));
  bool changed = false;
  for (auto& e : plain) {
    bool applied = e.trusted && !refused.count(e.id);
    bool was = (e.stored[1] & keys::kFlagApplied) != 0;
    if (applied == was) continue;
    e.stored[1] = static_cast<char>(applied ? (e.stored[1] | keys::kFlagApplied)
                                            : (e.stored[1] & ~keys::kFlagApplied));
    RENDA_TRY(txn_.put(t_.changes, bytesOf(e.arrivalKey), bytesOf(e.stored)));
    changed = true;
  }
  return changed ? refold(rec.id) : Status::ok();
}

// --- Store entry points -----------------------------------------------------

}  // namespace renda::storage
