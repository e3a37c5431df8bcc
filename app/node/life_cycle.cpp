// SPDX-License-Identifier: Apache-2.0
#include "app/node/life_cycle.h"

#include <algorithm>

#include "app/node/find_record.h"

#include "app/node/record_edits.h"

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "core/domain/fields.h"
#include "core/text.h"

namespace renda::app {

namespace {

// An official number longer than this (in bytes; 64 characters of Chinese)
// is a paste gone wrong.
constexpr size_t kMaxNumberBytes = 192;

// `settle --keep`: one of the suggestion's conflicting lead ratings, named by
// its result (满意, 基本满意, 不满意) where no other conflicting rating has it,
// or by a prefix of its change id as `renda suggestion show` lists it. Returns
// the full change id the event records.
Result<std::string> ratingToKeep(const domain::SuggestionView& v, const std::string& value) {
  std::vector<ChangeId> matches;
  for (const auto& c : v.ratingConflicts)
    for (const auto& id : c.ratings) {
      const domain::EvaluationInfo* e = v.evaluation(id);
      bool byId = value.size() >= 4 && toHex(id).rfind(value, 0) == 0;
      if (byId || (e && (value == domain::ratingLabel(e->result) || value == e->result)))
        matches.push_back(id);
    }
  if (matches.size() == 1) return toHex(matches[0]);
  if (v.ratingConflicts.empty())
    return Status::refused(i18n::tr("life.no-rating-conflicts"));
  return Status::usage(i18n::trf(matches.empty() ? "life.keep-none" : "life.keep-many", {value}));
}

// Sample values for a dry run of `action`: every needed field filled with
// something the fold's own data checks take, so that only the state and the
// role decide. Unit-bound actions are tried with each unit of the current
// round (an action is allowed when one of them passes).
std::vector<std::vector<Field>> sampleFields(const std::string& action,
                                             const domain::SuggestionView& v,
                                             const domain::Config& config) {
  const std::string fresh(64, 'f');  // names no record: a unit not yet assigned
  std::vector<Field> base;
  bool byUnit = false;
  for (const auto& f : *domain::actionFields(action)) {
    std::string name = f.name;
    if (name == "unit") {
      byUnit = action != "assign";
      if (!byUnit) base.push_back({name, fresh});
    } else if (name == "role") {
      base.push_back({name, "lead"});
    } else if (name == "outcome") {
      base.push_back({name, config.outcomeMap.empty() ? "A" : config.outcomeMap.front().first});
    } else if (name == "result") {
      base.push_back({name, "满意"});
    } else if (name == "keep") {
      for (const auto& c : v.ratingConflicts)
        if (!c.ratings.empty()) base.push_back({name, toHex(c.ratings.front())});
    } else if (name == "deadline" && f.required) {  // an extension: one day more
      base.push_back({name, domain::formatDate(v.deadlineMs + domain::kDayMs)});
    } else if (name == "years") {
      base.push_back({name, "1"});
    } else if (name == "deputy") {
      base.push_back({name, fresh});
    } else if (f.required && f.type != domain::FieldType::kDate) {
      base.push_back({name, "-"});
    }
  }
  if (!byUnit) return {base};
  std::vector<std::vector<Field>> out;
  for (const auto& u : v.units) {
    if (u.round != v.round) continue;
    auto withUnit = base;
    withUnit.push_back({"unit", u.unit});
    out.push_back(std::move(withUnit));
  }
  return out;
}

}  // namespace

Result<domain::SuggestionView> takeLifeCycleAction(
    Node& node, const Record& suggestion, const std::string& action,
    const std::vector<std::pair<std::string, std::string>>& options, std::string* badField) {
  storage::Store& store = node.store();
  std::string unusedField;
  std::string& fieldAtFault = badField ? *badField : unusedField;
  fieldAtFault.clear();
  const domain::ActionInfo* info = domain::findAction(action);
  if (!info) return Status::usage(i18n::trf("core.unknown-action", {action}));
  // Values as a clerk means them: one-line fields without the spaces and line
  // ends around them, a choice as the choice it stands for (主办 is lead),
  // an official number as lookups read it (full-width digits and dashes
  // made plain), so that a number stored is the number found. A choice (an
  // outcome class, a rating) must be one of its allowed values; a field the
  // action needs may not be left empty.
  std::vector<std::pair<std::string, std::string>> given;
  for (auto [name, value] : options) {
    const domain::FieldInfo* f = nullptr;
    for (const auto& k : *domain::actionFields(action))
      if (k.name == name) f = &k;
    if (f && f->type != domain::FieldType::kLongText) {
      size_t a = value.find_first_not_of(" \t\r\n"), b = value.find_last_not_of(" \t\r\n");
      value = plainText(a == std::string::npos ? std::string() : value.substr(a, b - a + 1));
    }
    if (f) {
      fieldAtFault = name;
      value = canonicalChoice(*f, value);
      if (f->type == domain::FieldType::kDate) value = paddedDate(value);
      RENDA_TRY(checkChoice(*f, value));
      if (f->required && value.empty())
        return Status::usage(i18n::trf("life.needs-field", {i18n::labelNow(info->label),
                                                            i18n::labelNow(f->label), name}));
      // One line: a line break inside a number or a name would break every list.
      if (f->type != domain::FieldType::kLongText &&
          std::any_of(value.begin(), value.end(), [](char c) { return (unsigned char)c < 0x20; }))
        return Status::usage(i18n::trf("life.one-line", {i18n::labelNow(f->label), name}));
    }
    if ((action == "register" || action == "renumber") && name == "number") {
      value = plainNumber(value);
      if (value.size() > kMaxNumberBytes)
        return Status::usage(i18n::trf("life.number-long", {std::to_string(kMaxNumberBytes / 3)}));
    }
    given.emplace_back(std::move(name), std::move(value));
  }
  fieldAtFault.clear();
  // Every field the action needs, given (the web's forms ask for them too).
  for (const auto& f : *domain::actionFields(action)) {
    if (!f.required) continue;
    bool has = false;
    for (const auto& [name, value] : given) has = has || name == f.name;
    if (!has) {
      fieldAtFault = f.name;
      return Status::usage(i18n::trf("life.needs-field", {i18n::labelNow(info->label),
                                                          i18n::labelNow(f.label), f.name}));
    }
  }
  auto self = node.self();
  if (!self) return self.status();
  auto fields = eventFields(store, suggestion, given, &fieldAtFault);
  if (!fields) return fields.status();
  for (auto& f : *fields) {
    if (f.name != "keep") continue;
    auto view = suggestionView(store, suggestion);
    if (!view) return view.status();
    auto kept = ratingToKeep(*view, f.value);
    if (!kept) return kept.status();
    f.value = *kept;
  }
  // One official number, one suggestion: a second would make the first
  // unreachable by its number (both would answer to it).
  for (const auto& f : *fields) {
    if ((action != "register" && action != "renumber") || f.name != "number" || f.value.empty())
      continue;
    if (action == "renumber") {
      auto now = suggestionView(store, suggestion);
      if (now && plainNumber(now->number) == f.value) {
        fieldAtFault = "number";
        return Status::usage(i18n::trf("life.same-number", {f.value}));
      }
    }
    auto holder = suggestionNumbered(store, f.value, suggestion.id);
    if (!holder) return holder.status();
    if (*holder)
      return Status::refused(i18n::trf(
          "life.number-taken", {f.value, (*holder)->get("title").value_or(""),
                                toHex((*holder)->id).substr(0, 12)}));
  }
  RENDA_TRY(node.prepareToWrite());
  auto key = node.deviceKey();
  if (!key) return key.status();
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  RENDA_TRY(checkLifeCycleEvent(store, **members, suggestion, (*key)->publicKey(), action,
                                *fields, Node::nowMs()));
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = suggestion.id;
  edit.action = action;
  edit.fields = std::move(*fields);
  auto cid = node.write(edit);
  if (!cid) return cid.status();
  auto after = store.record(suggestion.id);
  if (!after) return after.status();
  return suggestionView(store, *after);
}

Result<std::vector<std::string>> allowedLifeCycleActions(Node& node, const Record& suggestion) {
  storage::Store& store = node.store();
  // The node's own membership: a restored node's successor key has the same
  // township and role, so the verdict is the same as for the key that will sign.
  auto self = node.self();
  if (!self) return self.status();
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  auto view = suggestionView(store, suggestion);
  if (!view) return view.status();
  auto cfg = configFor(store, view->level == "township" ? suggestion.scope : "");
  if (!cfg) return cfg.status();
  uint64_t now = Node::nowMs();
  std::vector<std::string> out;
  for (const auto& a : domain::actions())
    for (const auto& fields : sampleFields(a.name, *view, *cfg))
      if (checkLifeCycleEvent(store, **members, suggestion, self->subject, a.name, fields, now)) {
        out.push_back(a.name);
        break;
      }
  return out;
}

}  // namespace renda::app
