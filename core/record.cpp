// SPDX-License-Identifier: Apache-2.0
#include "core/record.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace renda {

namespace {

bool candidateBefore(const FieldCandidate& a, const FieldCandidate& b) {
  if (a.depth != b.depth) return a.depth > b.depth;
  return a.id > b.id;
}

void insertVersion(Record& r, RecordVersion v) {
  auto it = std::lower_bound(r.versions.begin(), r.versions.end(), v.id,
                             [](const RecordVersion& x, const ChangeId& id) { return x.id < id; });
  r.versions.insert(it, std::move(v));
}

// Every version reachable from `start` through parents, `start` excluded.
std::unordered_set<ChangeId> ancestorsOf(const Record& r, const std::vector<ChangeId>& start) {
  std::unordered_set<ChangeId> seen;
  std::vector<ChangeId> stack(start.begin(), start.end());
  while (!stack.empty()) {
    ChangeId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    if (const RecordVersion* v = r.version(id))
      for (const auto& p : v->parents) stack.push_back(p);
  }
  return seen;
}

void setValues(Record& r, const std::vector<Field>& fields, const ChangeId& id, uint32_t depth,
               const std::unordered_set<ChangeId>* ancestors) {
  for (const auto& f : fields) {
    FieldState& st = r.fields[f.name];
    if (ancestors) {
      std::erase_if(st.candidates,
                    [&](const FieldCandidate& c) { return ancestors->count(c.id) != 0; });
    }
    FieldCandidate cand{id, depth, f.value};
    auto pos = std::lower_bound(st.candidates.begin(), st.candidates.end(), cand, candidateBefore);
    st.candidates.insert(pos, std::move(cand));
  }
}

}  // namespace

const RecordVersion* Record::version(const ChangeId& id) const {
  auto it = std::lower_bound(versions.begin(), versions.end(), id,
                             [](const RecordVersion& x, const ChangeId& v) { return x.id < v; });
  return it != versions.end() && it->id == id ? &*it : nullptr;
}

std::vector<ChangeId> Record::heads() const {
  std::unordered_set<ChangeId> followed;
  for (const auto& v : versions)
    for (const auto& p : v.parents) followed.insert(p);
  std::vector<ChangeId> out;
  for (const auto& v : versions)
    if (!followed.count(v.id)) out.push_back(v.id);
  return out;
}

uint64_t Record::createdHlc() const {
  const RecordVersion* v = version(id);
  return v ? v->hlc : 0;
}

uint64_t Record::updatedHlc() const {
  uint64_t best = 0;
  for (const auto& v : versions)
    if (v.applied) best = std::max(best, v.hlc);
  return best;
}

std::optional<std::string> Record::get(const std::string& name) const {
  auto it = fields.find(name);
  if (it == fields.end() || it->second.candidates.empty()) return std::nullopt;
  return it->second.value();
}

bool Record::hasConflicts() const {
  for (const auto& [name, st] : fields)
    if (st.conflicted()) return true;
  return false;
}

Record createRecord(const Change& change, const ChangeId& id, bool applied) {
  RENDA_REQUIRE(change.op == OpKind::kCreate);
  Record r;
  r.id = id;
  r.kind = change.kind;
  r.scope = change.scope;
  r.visible = applied;
  r.versions.push_back({id, {}, 1, change.author, change.hlc, applied, {}, {}});
  if (applied) setValues(r, change.fields, id, 1, nullptr);
  return r;
}

Status applyUpdate(Record& r, const Change& change, const ChangeId& id, bool applied) {
  if (change.op != OpKind::kUpdate || change.record != r.id)
    return Status::invalid("the edit is for another record");
  if (r.version(id)) return Status::ok();  // already folded in
  uint32_t depth = 0;
  for (const auto& p : change.parents) {
    const RecordVersion* pv = r.version(p);
    if (!pv) return Status::invalid("the edit follows a version of the record that is not here");
    depth = std::max(depth, pv->depth);
  }
  ++depth;
  std::vector<ChangeId> parents = change.parents;
  std::sort(parents.begin(), parents.end());
  parents.erase(std::unique(parents.begin(), parents.end()), parents.end());
  if (applied && change.action.empty()) {
    auto anc = ancestorsOf(r, parents);
    setValues(r, change.fields, id, depth, &anc);
  }
  RecordVersion v{id, std::move(parents), depth, change.author, change.hlc, applied, {}, {}};
  if (!change.action.empty()) {
    v.action = change.action;
    v.eventFields = change.fields;
  }
  insertVersion(r, std::move(v));
  return Status::ok();
}

Result<Record> foldRecord(std::vector<FoldInput> inputs) {
  std::sort(inputs.begin(), inputs.end(),
            [](const FoldInput& a, const FoldInput& b) { return a.id < b.id; });
  inputs.erase(std::unique(inputs.begin(), inputs.end(),
                           [](const FoldInput& a, const FoldInput& b) { return a.id == b.id; }),
               inputs.end());
  const FoldInput* create = nullptr;
  for (const auto& in : inputs)
    if (in.change->op == OpKind::kCreate) {
      if (create) return Status::invalid("two creating changes for one record");
      create = &in;
    }
  if (!create) return Status::invalid("the record's creating change is missing");
  Record r = createRecord(*create->change, create->id, create->applied);
  // Kahn's algorithm over parents; ready set ordered by id.
  std::unordered_map<ChangeId, size_t> index;
  for (size_t i = 0; i < inputs.size(); ++i) index[inputs[i].id] = i;
  std::vector<size_t> pending(inputs.size(), 0);
  std::unordered_map<ChangeId, std::vector<size_t>> children;
  std::vector<size_t> ready;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (&inputs[i] == create) continue;
    for (const auto& p : inputs[i].change->parents) {
      if (!index.count(p)) return Status::invalid("a parent version of the record is missing");
      if (p == create->id) continue;
      ++pending[i];
      children[p].push_back(i);
    }
    if (pending[i] == 0) ready.push_back(i);
  }
  auto byIdDesc = [&](size_t a, size_t b) { return inputs[a].id > inputs[b].id; };
  std::make_heap(ready.begin(), ready.end(), byIdDesc);
  size_t done = 1;
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), byIdDesc);
    size_t i = ready.back();
    ready.pop_back();
    RENDA_TRY(applyUpdate(r, *inputs[i].change, inputs[i].id, inputs[i].applied));
    ++done;
    for (size_t c : children[inputs[i].id])
      if (--pending[c] == 0) {
        ready.push_back(c);
        std::push_heap(ready.begin(), ready.end(), byIdDesc);
      }
  }
  if (done != inputs.size()) return Status::invalid("the record's versions form a cycle");
  return r;
}

// --- binary form -----------------------------------------------------------

namespace {

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  template <typename F>
  void fixed(const F& f) { raw(f.data(), f.size()); }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(crypto::Bytes b) : b_(b) {}
  bool ok() const { return ok_; }
  bool atEnd() const { return pos_ == b_.size(); }
  uint8_t u8() { uint8_t v = 0; raw(&v, 1); return v; }
  uint32_t u32() { uint32_t v = 0; raw(&v, 4); return v; }
  uint64_t u64() { uint64_t v = 0; raw(&v, 8); return v; }
  template <typename F>
  F fixed() { F f; raw(f.data(), f.size()); return f; }
  std::string str() {
    uint32_t n = u32();
    if (!ok_ || n > b_.size() - pos_) { ok_ = false; return {}; }
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count that cannot exceed what the remaining bytes could hold.
  uint32_t count(size_t minItemBytes) {
    uint32_t n = u32();
    if (ok_ && static_cast<uint64_t>(n) * minItemBytes > b_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

 private:
  void raw(void* p, size_t n) {
    if (!ok_ || n > b_.size() - pos_) { ok_ = false; std::memset(p, 0, n); return; }
    std::memcpy(p, b_.data() + pos_, n);
    pos_ += n;
  }
  crypto::Bytes b_;
  size_t pos_ = 0;
  bool ok_ = true;
};

constexpr uint8_t kRecordFormat = 2;

}  // namespace

Result<RecordId> recordIdOf(crypto::Bytes bytes) {
  if (bytes.size() < 1 + 32 || bytes[0] != kRecordFormat)
    return Status::corruption("a stored record has an unknown format");
  RecordId id;
  std::memcpy(id.data(), bytes.data() + 1, 32);
  return id;
}

std::string encodeRecord(const Record& r) {
  Writer w;
  w.u8(kRecordFormat);
  w.fixed(r.id);
  w.u8(static_cast<uint8_t>(r.kind));
  w.str(r.scope);
  w.u8(r.visible ? 1 : 0);
  w.u32(static_cast<uint32_t>(r.versions.size()));
  for (const auto& v : r.versions) {
    w.fixed(v.id);
    w.u32(static_cast<uint32_t>(v.parents.size()));
    for (const auto& p : v.parents) w.fixed(p);
    w.u32(v.depth);
    w.fixed(v.author);
    w.u64(v.hlc);
    w.u8(v.applied ? 1 : 0);
    w.str(v.action);
    w.u32(static_cast<uint32_t>(v.eventFields.size()));
    for (const auto& f : v.eventFields) {
      w.str(f.name);
      w.str(f.value);
    }
  }
  w.u32(static_cast<uint32_t>(r.fields.size()));
  for (const auto& [name, st] : r.fields) {
    w.str(name);
    w.u32(static_cast<uint32_t>(st.candidates.size()));
    for (const auto& c : st.candidates) {
      w.fixed(c.id);
      w.u32(c.depth);
      w.str(c.value);
    }
  }
  return w.take();
}

Result<Record> decodeRecord(crypto::Bytes bytes) {
  Reader rd(bytes);
  if (rd.u8() != kRecordFormat || !rd.ok())
    return Status::corruption("a stored record has an unknown format");
  Record r;
  r.id = rd.fixed<RecordId>();
  uint8_t kind = rd.u8();
  if (kind >= kRecordKindCount) return Status::corruption("a stored record has a bad kind");
  r.kind = static_cast<RecordKind>(kind);
  r.scope = rd.str();
  r.visible = rd.u8() != 0;
  uint32_t nv = rd.count(32 + 4 + 4 + 32 + 8 + 1 + 4 + 4);
  for (uint32_t i = 0; i < nv && rd.ok(); ++i) {
    RecordVersion v;
    v.id = rd.fixed<ChangeId>();
    uint32_t np = rd.count(32);
    for (uint32_t j = 0; j < np && rd.ok(); ++j) v.parents.push_back(rd.fixed<ChangeId>());
    v.depth = rd.u32();
    v.author = rd.fixed<PublicKey>();
    v.hlc = rd.u64();
    v.applied = rd.u8() != 0;
    v.action = rd.str();
    uint32_t nf = rd.count(8);
    for (uint32_t j = 0; j < nf && rd.ok(); ++j) {
      Field f;
      f.name = rd.str();
      f.value = rd.str();
      v.eventFields.push_back(std::move(f));
    }
    r.versions.push_back(std::move(v));
  }
  uint32_t nf = rd.count(8);
  for (uint32_t i = 0; i < nf && rd.ok(); ++i) {
    std::string name = rd.str();
    FieldState st;
    uint32_t nc = rd.count(32 + 4 + 4);
    for (uint32_t j = 0; j < nc && rd.ok(); ++j) {
      FieldCandidate c;
      c.id = rd.fixed<ChangeId>();
      c.depth = rd.u32();
      c.value = rd.str();
      st.candidates.push_back(std::move(c));
    }
    if (st.candidates.empty()) return Status::corruption("a stored record has a field with no value");
    r.fields.emplace(std::move(name), std::move(st));
  }
  if (!rd.ok() || !rd.atEnd()) return Status::corruption("a stored record is damaged");
  return r;
}

}  // namespace renda
