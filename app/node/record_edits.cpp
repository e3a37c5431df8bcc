// SPDX-License-Identifier: Apache-2.0
#include "app/node/record_edits.h"

#include <algorithm>
#include <map>

#include "app/node/domain_glue.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "core/domain/field_groups.h"
#include "core/text.h"

namespace renda::app {

Result<std::string> storedValue(storage::Store& store, const domain::FieldInfo& field,
                                const std::string& value) {
  if (field.type != domain::FieldType::kReference || value.empty()) return value;
  auto r = findRecord(store, *field.refers, value);
  if (!r) return Status::error(r.status().code(), "--" + std::string(field.name) + ": " +
                                                      r.status().message());
  return toHex(r->id);
}

namespace {

// Words the domain takes for a choice besides the values a form offers.
std::vector<std::string> aliasesOf(const domain::FieldInfo& field) {
  std::string name = field.name, hint = field.hint;
  if (name == "level") return {"township", "county", "乡镇", "县"};
  if (name == "role" || name == "raterRole") return {"主办", "协办", "分办", "领衔代表", "附议代表"};
  if (hint == "yes|no") return {"是", "否", "同意", "不同意"};
  if (name == "result" || name == "process") return {"satisfied", "basic", "unsatisfied"};
  return {};
}

std::vector<std::string> splitChoices(const std::string& hint) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= hint.size();) {
    size_t bar = hint.find('|', pos);
    if (bar == std::string::npos) bar = hint.size();
    out.push_back(hint.substr(pos, bar - pos));
    pos = bar + 1;
  }
  return out;
}

}  // namespace

std::string canonicalChoice(const domain::FieldInfo& field, const std::string& value) {
  if (field.type != domain::FieldType::kChoice || !*field.hint) return value;
  std::vector<std::string> allowed = splitChoices(field.hint);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  auto firstStarting = [&](const std::string& prefix) {
    for (const auto& a : allowed)
      if (a.rfind(prefix, 0) == 0) return a;
    return value;
  };
  auto ifAllowed = [&](const std::string& v) {
    return std::find(allowed.begin(), allowed.end(), v) != allowed.end() ? v : value;
  };
  std::string name = field.name;
  if (name == "level") {
    if (value == "township" || value == "乡镇") return firstStarting("乡镇");
    if (value == "county" || value == "县") return firstStarting("县");
  }
  if (name == "role" || name == "raterRole") {
    static const std::map<std::string, std::string> roles = {
        {"主办", "lead"}, {"协办", "assisting"}, {"分办", "separate"},
        {"领衔代表", "lead"}, {"附议代表", "cosigner"}};
    if (auto it = roles.find(value); it != roles.end()) return ifAllowed(it->second);
  }
  if (std::string(field.hint) == "yes|no") {
    if (value == "是" || value == "同意") return "yes";
    if (value == "否" || value == "不同意") return "no";
  }
  if (name == "result" || name == "process") {
    if (value == "satisfied") return ifAllowed("满意");
    if (value == "basic") return ifAllowed("基本满意");
    if (value == "unsatisfied") return ifAllowed("不满意");
  }
  return value;
}

namespace {

// One-line text fields made plain (core/text.h plainText); a required field left empty by
// that (only spaces) is refused, as a missing one is. A choice given by a word
// the domain takes for it (township for 乡镇级) is stored as the choice itself.
Status plainFields(RecordKind kind, std::vector<Field>& fields) {
  for (auto& f : fields) {
    const domain::FieldInfo* info = domain::findField(kind, f.name);
    if (info && info->type == domain::FieldType::kChoice) f.value = canonicalChoice(*info, f.value);
    if (info && info->type == domain::FieldType::kDate) f.value = paddedDate(plainText(f.value));
    if (!info || info->type != domain::FieldType::kText) continue;
    bool wasEmpty = f.value.empty();
    f.value = plainText(f.value);
    if (info->required && f.value.empty() && !wasEmpty)
      return Status::usage(
          i18n::trf("field.only-spaces", {f.name, i18n::labelNow(info->label)}));
  }
  return Status::ok();
}

// The unit of `scope` already named `name`, if any (other than `except`).
Result<std::optional<Record>> sameNamedUnit(storage::Store& store, const std::string& name,
                                            const std::string& scope,
                                            const RecordId* except = nullptr) {
  auto units = store.list(RecordKind::kHandlingUnit);
  if (!units) return units.status();
  for (auto& u : *units)
    if (u.scope == scope && plainText(u.get("name").value_or("")) == name &&
        (!except || u.id != *except))
      return std::optional<Record>(u);
  return std::optional<Record>();
}

// A suggestion's office data (number, units, deadline, reply, state, ...) is
// what its life-cycle actions record; as a plain field it would be stored and
// never read, so writing it is refused with the action that records it.
Status officeFieldsByAction(RecordKind kind, const std::vector<Field>& fields) {
  if (kind != RecordKind::kSuggestion) return Status::ok();
  static const std::pair<const char*, const char*> kRecordedBy[] = {
      {"number", "register"},       {"registeredDate", "register"}, {"unit", "assign"},
      {"units", "assign"},          {"role", "assign"},             {"assignedDate", "assign"},
      {"deadline", "extend"},       {"reply", "reply"},             {"outcome", "reply"},
      {"docNo", "reply"},           {"key", "markKey"},             {"keyLeader", "markKey"},
      {"closed", "close"},          {"closedDate", "close"},        {"round", "rehandle"},
      {"carryOverYears", "carryOver"},
  };
  for (const auto& f : fields) {
    if (domain::fieldGroupOf(f.name) != domain::FieldGroup::kOffice) continue;
    const domain::FieldInfo* info = domain::findField(kind, f.name);
    const char* label = info ? i18n::labelNow(info->label) : f.name.c_str();
    if (f.name == "state") return Status::refused(i18n::tr("suggestion.state-by-action"));
    for (const auto& [field, action] : kRecordedBy) {
      if (f.name != field) continue;
      const domain::ActionInfo* a = domain::findAction(action);
      return Status::refused(
          i18n::trf("suggestion.office-field", {f.name, label, action, i18n::labelNow(a->label)}));
    }
  }
  return Status::ok();
}

// The deputy of `scope` with the name and level `fields` give, if any: the
// same person entered twice would count twice in every report's 代表总数.
// (other than `except`). Levels compare as the choice they stand for
// (township is 乡镇级), for records written before they were stored so.
Result<std::optional<Record>> sameDeputy(storage::Store& store, const std::vector<Field>& fields,
                                         const std::string& scope,
                                         const RecordId* except = nullptr) {
  const domain::FieldInfo* levelField = domain::findField(RecordKind::kDeputy, "level");
  auto levelOf = [&](const std::string& v) { return levelField ? canonicalChoice(*levelField, v) : v; };
  std::string name, level;
  for (const auto& f : fields) {
    if (f.name == "name") name = plainText(f.value);
    if (f.name == "level") level = levelOf(f.value);
  }
  if (name.empty()) return std::optional<Record>();
  auto deputies = store.list(RecordKind::kDeputy);
  if (!deputies) return deputies.status();
  for (auto& d : *deputies)
    if (d.visible && d.scope == scope && (!except || d.id != *except) &&
        plainText(d.get("name").value_or("")) == name &&
        levelOf(d.get("level").value_or("")) == level)
      return std::optional<Record>(std::move(d));
  return std::optional<Record>();
}

}  // namespace

Status checkChoice(const domain::FieldInfo& field, const std::string& value) {
  if (field.type != domain::FieldType::kChoice || value.empty() || !*field.hint) return Status::ok();
  std::vector<std::string> allowed = splitChoices(field.hint);
  for (const auto& a : allowed)
    if (a == value) return Status::ok();
  for (const auto& a : aliasesOf(field))
    if (a == value) return Status::ok();
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : "、") + a;
  return Status::usage(i18n::trf("field.not-allowed",
                                 {field.name, value, i18n::labelNow(field.label), list}));
}

// The county office writes for a township only if the county knows it: a
// township record of that name, or a node enrolled for it. A mistyped name
// would put the record outside every township's lists and reports.
Status checkTownshipKnown(storage::Store& store, const std::string& township) {
  std::vector<std::string> known;
  auto members = store.members();
  if (!members) return members.status();
  for (const auto& m : *members)
    if (!m.township.empty()) known.push_back(m.township);
  auto records = store.list(RecordKind::kTownship);
  if (!records) return records.status();
  for (const auto& r : *records)
    if (auto name = r.get("name"); name && !name->empty()) known.push_back(*name);
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  if (std::find(known.begin(), known.end(), township) != known.end()) return Status::ok();
  std::string list;
  for (const auto& t : known) list += (list.empty() ? "" : "、") + t;
  return Status::invalid(i18n::trf(
      "township.unknown",
      {township, list.empty() ? std::string() : i18n::trf("township.known", {list})}));
}

Result<RecordId> addRecord(Node& node, RecordKind kind, std::vector<Field> fields,
                           const std::optional<std::string>& township, AddOptions options) {
  auto self = node.self();
  if (!self) return self.status();
  RENDA_TRY(officeFieldsByAction(kind, fields));
  RENDA_TRY(plainFields(kind, fields));
  storage::LocalEdit edit;
  edit.op = OpKind::kCreate;
  edit.kind = kind;
  edit.fields = std::move(fields);
  if (self->role == Role::kTownship) {
    edit.scope = self->township;
    if (township && *township != self->township)
      return Status::refused(i18n::trf("township.own-only", {self->township}));
  } else {
    edit.scope = township.value_or("");
    if (!edit.scope.empty()) RENDA_TRY(checkTownshipKnown(node.store(), edit.scope));
  }
  if (kind == RecordKind::kHandlingUnit && !options.allowSameName) {
    std::string name;
    for (const auto& f : edit.fields)
      if (f.name == "name") name = f.value;
    auto same = sameNamedUnit(node.store(), name, edit.scope);
    if (!same) return same.status();
    if (*same)
      return Status::refused(i18n::trf(
          "unit.same-name", {name, toHex((*same)->id).substr(0, 12),
                             edit.scope.empty() ? i18n::tr("unit.county") : edit.scope}));
  }
  if (kind == RecordKind::kDeputy && !options.allowSameName) {
    auto same = sameDeputy(node.store(), edit.fields, edit.scope);
    if (!same) return same.status();
    if (*same)
      return Status::refused(i18n::trf(
          "deputy.same-name",
          {(*same)->get("name").value_or(""), toHex((*same)->id).substr(0, 12),
           edit.scope.empty() ? i18n::tr("unit.county") : edit.scope,
           (*same)->get("level").value_or("")}));
  }
  auto cfg = configForNew(node.store(), kind, edit.fields, edit.scope);
  if (!cfg) return cfg.status();
  RENDA_TRY(checkTaxonomy(*cfg, kind, edit.fields));
  auto id = node.write(edit);
  if (!id) return id.status();
  return RecordId(*id);
}

Result<ChangeId> editRecord(Node& node, const RecordId& id, std::vector<Field> fields,
                            AddOptions options) {
  if (fields.empty()) return Status::usage(i18n::tr("cli.err.say-what-to-change"));
  auto record = node.store().record(id);
  if (!record) return record.status();
  RENDA_TRY(officeFieldsByAction(record->kind, fields));
  RENDA_TRY(checkFieldFormats(record->kind, fields));
  RENDA_TRY(plainFields(record->kind, fields));
  for (const auto& f : fields) {
    const domain::FieldInfo* info = domain::findField(record->kind, f.name);
    if (info && info->required && f.value.empty())
      return Status::usage(i18n::trf("field.cleared", {f.name, i18n::labelNow(info->label)}));
    // A unit renamed to the name of another unit of its township: refused as a
    // second unit of that name is (renda unit add).
    if (record->kind == RecordKind::kHandlingUnit && f.name == "name") {
      auto same = sameNamedUnit(node.store(), f.value, record->scope, &record->id);
      if (!same) return same.status();
      if (*same)
        return Status::refused(i18n::trf(
            "unit.same-name-edit", {f.value, toHex((*same)->id).substr(0, 12),
                                    record->scope.empty() ? i18n::tr("unit.county") : record->scope}));
    }
  }
  // A deputy renamed (or moved to a level) where a deputy of that name
  // already is: refused as adding them again would be, unless a namesake.
  if (record->kind == RecordKind::kDeputy && !options.allowSameName) {
    std::vector<Field> after = {{"name", record->get("name").value_or("")},
                                {"level", record->get("level").value_or("")}};
    bool touched = false;
    for (const auto& f : fields)
      for (auto& a : after)
        if (a.name == f.name) a.value = f.value, touched = true;
    if (touched) {
      auto same = sameDeputy(node.store(), after, record->scope, &record->id);
      if (!same) return same.status();
      if (*same)
        return Status::refused(i18n::trf(
            "deputy.same-name-edit",
            {(*same)->get("name").value_or(""), toHex((*same)->id).substr(0, 12),
             record->scope.empty() ? i18n::tr("unit.county") : record->scope,
             (*same)->get("level").value_or("")}));
    }
  }
  if (record->kind == RecordKind::kSuggestion) {
    // The node's own membership: after a restore the device key is replaced by
    // a successor with the same township and role, so the verdict is the same.
    auto self = node.self();
    if (!self) return self.status();
    auto members = MemberTable::load(node.store());
    if (!members) return members.status();
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.name);
    Status ok = domain::checkFieldEdit(*record, (*members)->lookup(), self->subject, names);
    if (!ok) return Status::refused(i18n::trf("life.refused", {domainMessage(ok.message())}));
  }
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = id;
  edit.fields = std::move(fields);
  return node.write(edit);
}

}  // namespace renda::app
