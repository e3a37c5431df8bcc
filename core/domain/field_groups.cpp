// SPDX-License-Identifier: Apache-2.0
#include "core/domain/field_groups.h"

#include <algorithm>

namespace renda::domain {

namespace {

// The office's data, recorded by life-cycle actions (register, assign, extend,
// reply, markKey, close, carryOver); as plain fields only the office sets them.
const char* const kOfficeFields[] = {
    "number",         "unit",         "units",          "role",   "deadline",   "reply", "outcome",
    "docNo",          "key",          "keyLeader",      "closed", "closedDate", "state", "round",
    "registeredDate", "assignedDate", "carryOverYears",
};

std::string officeName(const SuggestionView& v) {
  return v.level == "township" ? v.scope + "'s presidium" : std::string("the county office");
}

std::string quoted(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

// Why the edit at `p` setting `fields` may not take effect, or "" when it may.
std::string verdict(const EditPoint& p, const std::vector<std::string>& fields, bool member) {
  const SuggestionView& v = *p.view;
  if (!member) return "its author is not a member of this county's network";
  std::vector<std::string> level, office, text;
  for (const auto& f : fields) {
    switch (fieldGroupOf(f)) {
      case FieldGroup::kLevel:
        level.push_back(f);
        break;
      case FieldGroup::kOffice:
        office.push_back(f);
        break;
      case FieldGroup::kDeputyText:
        text.push_back(f);
        break;
    }
  }
  if (!level.empty())
    return "the level of a suggestion (层级: 乡镇级 or 县级) is fixed when it is entered, because "
           "it decides who registers and assigns it; withdraw this one and enter it again at the "
           "other level";
  if (!office.empty() && !p.byOffice)
    return quoted(office) + " of a " + (v.level == "township" ? "township" : "county") +
           "-level suggestion " + (office.size() == 1 ? "is " : "are ") + officeName(v) +
           "'s to record, by its life-cycle actions (编号、交办、期限、答复: renda suggestion "
           "register, assign, extend, reply)";
  if (text.empty()) return "";
  bool registered = v.registeredMs != 0;
  if (registered && !p.byOffice)
    return "the suggestion was registered (已登记, number " + v.number + ") on " +
           formatDate(v.registeredMs) + ": from then on " + quoted(text) + " " +
           (text.size() == 1 ? "is " : "are ") + officeName(v) +
           "'s to correct (one writer per field group); ask " + officeName(v) +
           " to make the change";
  if (!registered && !p.byDeputySide)
    return "until it is registered, only " +
           (v.scope.empty() ? std::string("the county office")
                            : v.scope + " or the county office") +
           " may edit the deputy's text of this suggestion";
  return "";
}

}  // namespace

FieldGroup fieldGroupOf(const std::string& field) {
  if (field == "level") return FieldGroup::kLevel;
  for (const char* f : kOfficeFields)
    if (field == f) return FieldGroup::kOffice;
  return FieldGroup::kDeputyText;
}

std::map<ChangeId, std::string> judgeFieldEdits(const Record& record,
                                                const std::vector<FieldEdit>& edits,
                                                const MemberLookup& members) {
  std::map<ChangeId, std::string> refused;
  if (record.kind != RecordKind::kSuggestion || edits.empty()) return refused;
  std::map<ChangeId, const FieldEdit*> byId;
  for (const auto& e : edits) byId[e.id] = &e;
  // Whether and when a suggestion was registered does not depend on the
  // county's settings (deadlines, schemes), so the defaults serve every node.
  Config defaults;
  foldSuggestion(record, defaults, members, [&](const EditPoint& p) {
    auto it = byId.find(p.version->id);
    if (it == byId.end()) return;
    bool member = members && members(p.version->author) != nullptr;
    std::string why = verdict(p, it->second->fields, member);
    if (!why.empty()) refused[p.version->id] = std::move(why);
  });
  return refused;
}

Status checkFieldEdit(const Record& record, const MemberLookup& members, const PublicKey& author,
                      const std::vector<std::string>& fields) {
  if (record.kind != RecordKind::kSuggestion) return Status::ok();
  Record probe = record;
  RecordVersion v;
  v.id.bytes.fill(0xff);  // sorts after every real id; it follows every head anyway
  v.parents = record.heads();
  v.author = author;
  v.hlc = record.updatedHlc();
  for (const auto& p : v.parents)
    if (const RecordVersion* pv = record.version(p)) v.depth = std::max(v.depth, pv->depth + 1);
  probe.versions.push_back(v);  // last: versions stay sorted by id
  auto refused = judgeFieldEdits(probe, {{v.id, fields}}, members);
  auto it = refused.find(v.id);
  return it == refused.end() ? Status::ok() : Status::refused(it->second);
}

}  // namespace renda::domain
