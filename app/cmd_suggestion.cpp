// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle at the command line: `renda suggestion ACTION ID
// [--FIELD VALUE ...]` for every action of domain.md §3.2 (submit, cosign,
// register, assign, accept, reply, evaluate, rehandle, close, carryOver, ...),
// and `settle`, by which the office decides between two lead ratings of a
// round recorded at the same time on different nodes (测评冲突).
// Each action is checked against the suggestion's state and this node's role
// before anything is written; a refused action writes nothing (exit 2).
#include <cstdio>

#include "app/cli.h"
#include "app/domain_glue.h"

namespace renda::app {

namespace {

struct ActionArgs {
  const char* action;
  std::vector<const char*> fields;  // allowed --fields
  const char* usage;
};

const std::vector<ActionArgs>& actionArgs() {
  static const std::vector<ActionArgs> all = {
      {"submit", {}, "ID"},
      {"cosign", {"deputy", "agreed"}, "ID --deputy DEPUTY [--agreed yes|no]"},
      {"withdraw", {"reason"}, "ID [--reason TEXT]"},
      {"register", {"number"}, "ID --number 十八届二次-001"},
      {"reject", {"reason"}, "ID --reason TEXT"},
      {"assign", {"unit", "role", "deadline"}, "ID --unit UNIT [--role lead|assisting|separate] [--deadline YYYY-MM-DD]"},
      {"accept", {"unit"}, "ID --unit UNIT"},
      {"return", {"unit", "reason"}, "ID --unit UNIT --reason TEXT"},
      {"keep", {"unit", "reason"}, "ID --unit UNIT [--reason TEXT]"},
      {"extend", {"deadline", "reason"}, "ID --deadline YYYY-MM-DD [--reason TEXT]"},
      {"progress", {"unit", "text"}, "ID --unit UNIT --text TEXT"},
      {"meet", {"unit"}, "ID --unit UNIT"},
      {"reply", {"unit", "outcome", "text", "docNo"}, "ID --unit UNIT --outcome A [--text TEXT] [--docNo 某函〔2026〕1号]"},
      {"evaluate", {"result", "process", "rater", "raterRole", "round", "anonymous", "reason"},
       "ID --result 满意|基本满意|不满意 [--process …] [--rater DEPUTY] [--raterRole lead|cosigner] [--round N] [--anonymous yes]"},
      {"settle", {"keep", "reason"}, "ID --keep 满意|基本满意|不满意|RATING [--reason TEXT]"},
      {"rehandle", {"deadline", "reason"}, "ID [--deadline YYYY-MM-DD] [--reason TEXT]"},
      {"close", {"reason"}, "ID [--reason TEXT]"},
      {"carryOver", {"years", "reason", "deadline"}, "ID --years 1|2|3 [--deadline YYYY-MM-DD]"},
      {"supervise", {"kind", "by", "findings"}, "ID --kind 领导督办 --by NAME [--findings TEXT]"},
      {"urge", {"by"}, "ID --by NAME"},
      {"markKey", {"leader", "committee"}, "ID --leader NAME [--committee NAME]"},
      {"selfHandle", {"text"}, "ID [--text TEXT]"},
  };
  return all;
}

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

Status runAction(const ActionArgs& a, const Args& args) {
  std::vector<std::string> allowed(a.fields.begin(), a.fields.end());
  allowed.push_back("date");
  allowed.push_back("quiet");
  RENDA_TRY(args.only(allowed));
  if (args.positional.size() != 1) return Status::usage("give the suggestion's number");
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  storage::Store& store = n.store();
  auto self = n.self();
  if (!self) return self.status();
  auto record = store.recordByPrefix(RecordKind::kSuggestion, args.positional[0]);
  if (!record) return record.status();
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
  RENDA_TRY(checkLifeCycleEvent(store, **members, *record, (*key)->publicKey(), a.action, *fields,
                                Node::nowMs()));
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = record->id;
  edit.action = a.action;
  edit.fields = std::move(*fields);
  auto cid = n.write(edit);
  if (!cid) return cid.status();
  auto after = store.record(record->id);
  if (!after) return after.status();
  auto view = suggestionView(store, *after);
  if (!view) return view.status();
  if (!args.has("quiet"))
    std::printf("%s %s: now %s (%s)\n", a.action, toHex(record->id).substr(0, 12).c_str(),
                domain::stateLabel(view->state), domain::stateName(view->state));
  return Status::ok();
}

}  // namespace

void addSuggestionCommands(std::vector<Command>& out) {
  static std::vector<std::string> names, usages, summaries;
  names.reserve(64);
  usages.reserve(64);
  summaries.reserve(64);
  for (const auto& a : actionArgs()) {
    const domain::ActionInfo* info = domain::findAction(a.action);
    names.push_back(std::string("suggestion ") + a.action);
    usages.push_back(std::string("suggestion ") + a.action + " " + a.usage + " [--date YYYY-MM-DD]");
    summaries.push_back(std::string("life cycle: ") + (info ? info->label : a.action));
    const ActionArgs* ap = &a;
    out.push_back({names.back().c_str(), summaries.back().c_str(), usages.back().c_str(),
                   [ap](const Args& args) { return runAction(*ap, args); }});
  }
}

}  // namespace renda::app
