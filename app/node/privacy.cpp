// SPDX-License-Identifier: Apache-2.0
#include "app/node/privacy.h"

#include <cstdio>
#include <cstring>

#include "app/i18n/strings.h"
#include "core/domain/privacy.h"
#include "core/sealed.h"
#include "core/trust.h"

namespace renda::app {

Status sealPersonalFields(storage::Store& store, storage::LocalEdit& edit, uint64_t nowMs) {
  std::vector<Field*> personal;
  for (auto& f : edit.fields)
    if (domain::isPersonalField(f.name) && !f.value.empty() && !looksSealed(f.value))
      personal.push_back(&f);
  if (personal.empty()) return Status::ok();
  RecordKind kind = edit.kind;
  std::string scope = edit.scope;
  if (edit.op == OpKind::kUpdate) {
    auto r = store.record(edit.record);
    if (!r) return r.status();
    kind = r->kind;
    scope = r->scope;
  } else if (edit.op != OpKind::kCreate) {
    return Status::usage("personal information can only be recorded on a record");
  }
  auto members = store.members();
  if (!members) return members.status();
  SealRecipients to = sealRecipients(*members, scope, nowMs);
  if (to.countyKeys == 0)
    return Status::refused(i18n::trf("node.no-county-seal-key", {personal.front()->name}));
  if (!scope.empty() && to.townshipKeys == 0)
    std::fprintf(stderr, "%s\n",
                 i18n::trf("node.no-township-seal-key", {scope, personal.front()->name}).c_str());
  for (Field* f : personal) {
    auto sealed = sealValue(f->value, kind, f->name, to.keys);
    if (!sealed) return Status::usage(sealed.status().message());
    sodium_memzero(f->value.data(), f->value.size());
    f->value = std::move(*sealed);
  }
  return Status::ok();
}

Unsealer Unsealer::detached(Node& node) {
  Unsealer u(node);
  u.loaded_ = true;
  if (const auto* k = u.keys_ = Unsealer(node).keys()) {
    u.own_ = std::make_shared<std::vector<BoxSecretKey>>();
    for (const auto& key : *k) {
      BoxSecretKey copy;
      std::memcpy(copy.data(), key.data(), BoxSecretKey::size());
      u.own_->push_back(std::move(copy));
    }
    u.keys_ = u.own_.get();
  }
  u.node_ = nullptr;
  return u;
}

const std::vector<BoxSecretKey>* Unsealer::keys() {
  if (!loaded_) {
    loaded_ = true;
    auto k = node_->encryptionKeys();
    if (k) {
      keys_ = *k;
    } else {
      std::fprintf(stderr,
                   "renda: cannot open this node's encryption key (%s); personal information is "
                   "shown as %s.\n",
                   k.status().message().c_str(), std::string(domain::kSealedPlaceholder).c_str());
    }
  }
  return keys_;
}

bool Unsealer::hasKeys() {
  const auto* k = keys();
  return k && !k->empty();
}

std::optional<std::string> Unsealer::open(RecordKind kind, const std::string& field,
                                          const std::string& value) {
  const auto* k = keys();
  if (!k) return std::nullopt;
  for (const auto& key : *k) {
    auto clear = openValue(value, kind, field, key);
    if (clear) return std::move(*clear);
  }
  return std::nullopt;
}

std::string presentValue(RecordKind kind, const std::string& field, const std::string& value,
                         Unsealer& unsealer, Reveal how) {
  if (!looksSealed(value)) {
    // Personal fields hold only sealed values (validateChangeShape); an empty
    // one is shown as it is.
    return value;
  }
  auto clear = unsealer.open(kind, field, value);
  if (!clear) return std::string(domain::kSealedPlaceholder);
  if (how == Reveal::kClear) return std::move(*clear);
  std::string masked = domain::maskValue(field, *clear);
  sodium_memzero(clear->data(), clear->size());
  return masked;
}

Record presentRecord(const Record& r, Unsealer& unsealer, Reveal how) {
  Record out = r;
  for (auto& [name, st] : out.fields)
    for (auto& c : st.candidates) c.value = presentValue(r.kind, name, c.value, unsealer, how);
  for (auto& v : out.versions)
    for (auto& f : v.eventFields) f.value = presentValue(r.kind, f.name, f.value, unsealer, how);
  return out;
}

std::string logValue(const std::string& value) {
  return looksSealed(value) ? std::string(domain::kSealedPlaceholder) : value;
}

namespace {

// Every record of `d` as `how` shows it; the number of sealed values in them
// `unsealer` could not open.
size_t presentRecords(domain::Dataset& d, Unsealer& unsealer, Reveal how) {
  size_t unopened = 0;
  for (auto* list : {&d.deputies, &d.dutyRecords, &d.receptions, &d.issues, &d.reportBacks,
                     &d.units, &d.townships, &d.sessions, &d.terms, &d.stations, &d.mandates})
    for (auto& r : *list) {
      if (how == Reveal::kClear)
        for (const auto& [name, st] : r.fields)
          for (const auto& c : st.candidates)
            if (looksSealed(c.value) && !unsealer.open(r.kind, name, c.value)) ++unopened;
      r = presentRecord(r, unsealer, how);
    }
  return unopened;
}

}  // namespace

void maskDataset(domain::Dataset& d, Unsealer& unsealer) {
  presentRecords(d, unsealer, Reveal::kMasked);
  d.index();
}

Status presentDataset(domain::Dataset& d, Node& node, bool reveal, const domain::ReportQuery& q) {
  Unsealer unsealer(node);
  if (reveal) {
    auto self = node.self();
    if (!self) return self.status();
    if (self->role == Role::kTownship && q.township != self->township)
      return Status::refused(i18n::trf("node.reveal-own-township", {self->township}));
    if (!unsealer.hasKeys())
      return Status::refused(i18n::tr("node.reveal-no-key"));
  }
  size_t unopened = presentRecords(d, unsealer, reveal ? Reveal::kClear : Reveal::kMasked);
  if (reveal && unopened)
    std::fprintf(stderr,
                 "renda: note: %zu personal value(s) were sealed to keys this node does not hold "
                 "and are shown as %s.\n",
                 unopened, std::string(domain::kSealedPlaceholder).c_str());
  d.index();
  return Status::ok();
}

}  // namespace renda::app
