// SPDX-License-Identifier: Apache-2.0
// The suggestion life cycle at the command line: `renda suggestion ACTION ID
// [--FIELD VALUE ...]` for every action of domain.md §3.2 (submit, cosign,
// register, assign, accept, reply, evaluate, rehandle, close, carryOver, ...),
// and `settle`, by which the office decides between two lead ratings of a
// round recorded at the same time on different nodes (测评冲突).
// Each action is checked against the suggestion's state and this node's role
// before anything is written; a refused action writes nothing (exit 2). The
// action itself is taken by app/node/life_cycle.h, as the web API takes it.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/cli/cli_help.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/node/life_cycle.h"
#include "core/domain/fields.h"

namespace renda::app {

namespace {

Status runAction(const char* action, const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.err.give-suggestion"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  storage::Store& store = (*node)->store();
  auto record = findRecord(store, RecordKind::kSuggestion, args.positional[0]);
  if (!record) return record.status();
  auto view = takeLifeCycleAction(**node, *record, action, args.options);
  if (!view) return view.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.sug.action-done",
                                   {action, recordName(store, *record),
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
