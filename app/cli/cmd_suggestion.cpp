// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle at the command line: `renda suggestion ACTION ID
// [--FIELD VALUE ...]` for every action of domain.md §3.2 (submit, cosign,
// register, assign, accept, reply, evaluate, rehandle, close, carryOver, ...),
// and `settle`, by which the office decides between two lead ratings of a
// round recorded at the same time on different nodes (测评冲突).
// Each action is checked against the suggestion's state and this node's role
// before anything is written; a refused action writes nothing (exit 2).
#include <cstdio>

#include "app/cli/cli.h"
#include "app/cli/cli_help.h"
#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/find_record.h"
#include "app/node/record_edits.h"
#include "core/domain/fields.h"

namespace renda::app {

namespace {

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
    return Status::refused("this suggestion has no conflicting ratings to settle; "
                           "nothing was recorded");
  return Status::usage("--keep " + value +
                       (matches.empty() ? " names none" : " names more than one") +
                       " of the conflicting ratings; give one of the rating numbers that "
                       "`renda suggestion show` lists under 测评冲突");
}

Status runAction(const char* action, const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.err.give-suggestion"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  storage::Store& store = n.store();
  auto self = n.self();
  if (!self) return self.status();
  auto record = findRecord(store, RecordKind::kSuggestion, args.positional[0]);
  if (!record) return record.status();
  if (const auto* known = domain::actionFields(action))
    for (const auto& [name, value] : args.options)
      for (const auto& f : *known)
        if (f.name == name) RENDA_TRY(checkChoice(f, value));
  auto fields = eventFields(store, *record, args.options);
  if (!fields) return fields.status();
  for (auto& f : *fields) {
    if (f.name != "keep") continue;
    auto view = suggestionView(store, *record);
    if (!view) return view.status();
    auto kept = ratingToKeep(*view, f.value);
    if (!kept) return kept.status();
    f.value = *kept;
  }
  RENDA_TRY(n.prepareToWrite());
  auto key = n.deviceKey();
  if (!key) return key.status();
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  RENDA_TRY(checkLifeCycleEvent(store, **members, *record, (*key)->publicKey(), action, *fields,
                                Node::nowMs()));
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = record->id;
  edit.action = action;
  edit.fields = std::move(*fields);
  auto cid = n.write(edit);
  if (!cid) return cid.status();
  auto after = store.record(record->id);
  if (!after) return after.status();
  auto view = suggestionView(store, *after);
  if (!view) return view.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.sug.action-done",
                                   {action, recordName(store, *after),
                                    domain::stateLabel(view->state), domain::stateName(view->state)})
                             .c_str());
  return Status::ok();
}

}  // namespace

void addSuggestionCommands(std::vector<Command>& out) {
  for (const auto& a : domain::actions()) {
    const auto* fields = domain::actionFields(a.name);
    RENDA_ASSERT(fields, a.name);
    std::vector<Option> options;
    std::string usage = std::string("suggestion ") + a.name + " NUMBER";
    for (const auto& f : *fields) {
      std::string value = fieldPlaceholder(f);
      options.push_back({f.name, value, std::string(f.label) + (f.required ? " (needed)" : "")});
      std::string word = "--" + std::string(f.name) + " " + value;
      usage += f.required ? " " + word : " [" + word + "]";
    }
    options.push_back({"quiet", "", "print nothing when it worked"});
    const char* action = a.name;
    out.push_back({std::string("suggestion ") + a.name, std::string("life cycle: ") + a.label,
                   usage, [action](const Args& args) { return runAction(action, args); },
                   std::move(options)});
  }
}

}  // namespace renda::app
