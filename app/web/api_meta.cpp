// SPDX-License-Identifier: Apache-2.0
// GET /api/meta: what the pages build their forms and filters from — every
// record kind with its fields (core/domain/fields.h, the list `renda KIND
// --help` prints), every life-cycle action with its fields, the suggestion
// states, the cohorts, and this node's role, township and county.
// ?lang=en gives the labels in English (the label.* lines of app/i18n/strings.tsv) for the
// English pages; the values (choices, names) are the records' own.
#include <algorithm>
#include <cstdint>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/output/dataset.h"
#include "app/web/cohort.h"
#include "app/web/ops_state.h"
#include "app/web/refs.h"
#include "core/domain/privacy.h"

namespace renda::app {

namespace {

std::vector<std::string> choicesOf(const domain::FieldInfo& f) {
  std::vector<std::string> out;
  std::string hint = f.hint;
  for (size_t at = 0; at <= hint.size();) {
    size_t bar = hint.find('|', at);
    if (bar == std::string::npos) bar = hint.size();
    if (bar > at) out.push_back(hint.substr(at, bar - at));
    at = bar + 1;
  }
  return out;
}

// A label of the domain in the pages' language.
const char* labelIn(const char* label, bool english) {
  return i18n::labelIn(label, english ? i18n::Lang::kEn : i18n::Lang::kZh);
}

// One field for a form. Where the settings hold the allowed values (a
// suggestion's category, a duty record's type, a reply's outcome class), the
// choices are those of `config`.
void fieldJson(Json& j, RecordKind kind, const domain::FieldInfo& f, const domain::Config& config,
               bool isAction, bool english) {
  using T = domain::FieldType;
  std::vector<std::string> choices;
  const char* type = "text";
  switch (f.type) {
    case T::kDate: type = "date"; break;
    case T::kNumber: type = "number"; break;
    case T::kChoice: type = "choice"; choices = choicesOf(f); break;
    case T::kReference:
    case T::kReferences: type = "ref"; break;
    case T::kText:
    case T::kLongText:
    case T::kList: break;
  }
  std::string name = f.name;
  if (choices == std::vector<std::string>{"yes", "no"}) type = "bool";
  bool suggestionLike = isAction || kind == RecordKind::kSuggestion;
  if (suggestionLike && name == "category" && !isAction) {
    type = "choice";
    choices = config.categories;
  } else if (kind == RecordKind::kDutyRecord && name == "type" && !isAction) {
    choices = config.dutyTypes;
  } else if (suggestionLike && name == "outcome") {
    type = "choice";
    choices.clear();
    for (const auto& [local, national] : config.outcomeMap) choices.push_back(local);
  }
  j.beginObject().field("name", name).field("label", labelIn(f.label, english)).field("type", type);
  j.key("required").boolean(f.required);
  j.key("choices").beginArray();
  for (const auto& c : choices) j.str(c);
  j.endArray().key("choiceLabels").beginArray();
  for (const auto& c : choices)
    j.str(choiceLabel(f, c, english ? i18n::Lang::kEn : i18n::Lang::kZh));
  j.endArray();
  if (f.refers) j.field("ref", kindWord(*f.refers));
  else j.key("ref").null();
  j.key("multiple").boolean(f.type == T::kReferences);
  j.key("personal").boolean(domain::isPersonalField(f.name));
  j.key("multiline").boolean(f.type == T::kLongText);
  if (*f.hint && f.type != T::kChoice) j.field("example", f.hint);
  j.endObject();
}

}  // namespace

WebResponse apiMeta(ApiCall& call) {
  bool english = false;
  if (auto it = call.request.query.find("lang"); it != call.request.query.end()) {
    auto asked = i18n::langFromCode(it->second);
    if (!asked)
      return errorResponse(400, "invalid", "lang 只能是 zh 或 en（lang must be zh or en）",
                           "lang");
    english = *asked == i18n::Lang::kEn;
  }
  storage::Store& store = call.node.store();
  auto self = call.node.self();
  auto net = store.network();
  std::string township = self ? self->township : "";
  auto data = call.ops->datasets.get(store);
  if (!data) return statusResponse(data.status(), i18n::tr("web.err.read-suggestions"));
  const domain::Dataset& cached = **data;
  // The choices of this node's settings: its township's, else the county's (as configFor).
  const domain::Config* config = &cached.config;
  if (auto it = cached.townshipConfigs.find(township);
      !township.empty() && it != cached.townshipConfigs.end())
    config = &it->second;
  Json j;
  j.beginObject().key("kinds").beginArray();
  for (int k = 0; k < kRecordKindCount; ++k) {
    RecordKind kind = RecordKind(k);
    j.beginObject().field("kind", kindWord(kind)).field("label", labelIn(domain::kindLabel(kind), english));
    j.key("adminOnly").boolean(kind == RecordKind::kSettings || kind == RecordKind::kTerm ||
                               kind == RecordKind::kSession || kind == RecordKind::kTownship);
    j.key("fields").beginArray();
    for (const auto& f : domain::fieldsOf(kind)) fieldJson(j, kind, f, *config, false, english);
    j.endArray().endObject();
  }
  j.endArray().key("actions").beginArray();
  for (const auto& a : domain::actions()) {
    j.beginObject().field("name", a.name).field("label", labelIn(a.label, english));
    j.field("actor", a.actor == domain::Actor::kOffice ? "office" : "deputySide");
    j.key("fields").beginArray();
    for (const auto& f : *domain::actionFields(a.name))
      fieldJson(j, RecordKind::kSuggestion, f, *config, true, english);
    j.endArray().endObject();
  }
  j.endArray().key("states").beginArray();
  for (int s = 0; s <= int(domain::SuggestionState::kSelfHandled); ++s) {
    auto state = domain::SuggestionState(s);
    j.beginObject().field("name", domain::stateName(state));
    j.field("label", labelIn(domain::stateLabel(state), english)).endObject();
  }
  j.endArray().key("cohorts").beginArray();
  std::string current = domain::currentCohort(cached, Node::nowMs());
  std::vector<std::string> keys = domain::cohorts(cached);
  if (std::find(keys.begin(), keys.end(), current) == keys.end()) keys.push_back(current);
  for (const auto& key : keys) {
    j.beginObject().field("name", cohortArgument(cached, key)).field("key", key);
    j.field("label", domain::cohortName(cached, key)).key("current").boolean(key == current);
    j.endObject();
  }
  j.endArray().key("node").beginObject();
  j.field("role", self ? roleName(self->role) : "").field("township", township);
  j.field("county", net ? net->countyName : "").endObject();
  j.endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
