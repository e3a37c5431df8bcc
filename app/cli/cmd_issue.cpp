// SPDX-License-Identifier: Apache-2.0
// `renda issue to-suggestion ISSUE --deputy DEPUTY [--title TEXT]`: a
// constituent issue raised at a reception becomes a deputy's suggestion
// (domain.md §2.10, route 4 转为代表建议) without typing it again. A draft
// suggestion is created from the issue (its text as the body, a reference back
// in `issue`), then the issue is marked routed with `route` 转为代表建议 and a
// reference to the suggestion in `suggestion`. The constituent's personal
// fields (core/domain/privacy.h) are never copied: the suggestion carries the
// issue's text, not who raised it.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/node/domain_glue.h"
#include "core/domain/privacy.h"
#include "core/text.h"

namespace renda::app {

namespace {

constexpr const char* kRouteToSuggestion = "转为代表建议";

// The first `maxChars` characters of the first line of `text` (UTF-8), with
// trailing punctuation dropped: the default title's subject.
std::string excerpt(const std::string& text, size_t maxChars) {
  std::string line = text.substr(0, text.find('\n'));
  std::string out;
  for (std::string_view cp : utf8CodePoints(line)) {
    if (maxChars-- == 0) break;
    out += cp;
  }
  static const char* const kTrailing[] = {"。", "，", "；", "！", "？", "、", "：",
                                          ",",  ".",  ";",  "!",  "?",  ":",  " "};
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (const char* p : kTrailing) {
      std::string t(p);
      if (out.size() >= t.size() && out.compare(out.size() - t.size(), t.size(), t) == 0) {
        out.resize(out.size() - t.size());
        trimmed = true;
      }
    }
  }
  return out;
}

// "乡镇级" or "县级" from --level, else from the lead deputy's level.
Result<std::string> levelFor(const std::optional<std::string>& given, const Record& deputy) {
  auto norm = [](const std::string& l) -> std::string {
    if (l == "乡镇级" || l == "乡镇" || l == "township") return "乡镇级";
    if (l == "县级" || l == "县" || l == "county") return "县级";
    return "";
  };
  if (given) {
    std::string l = norm(*given);
    if (l.empty()) return Status::usage(i18n::tr("cli.issue.level"));
    return l;
  }
  std::string l = norm(deputy.get("level").value_or(""));
  return l.empty() ? std::string("县级") : l;
}

Status cmdToSuggestion(const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.issue.give-number"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  storage::Store& store = n.store();
  auto self = n.self();
  if (!self) return self.status();
  auto issue = findRecord(store, RecordKind::kConstituentIssue, args.positional[0]);
  if (!issue) return issue.status();
  const std::string scope = issue->scope;
  if (self->role == Role::kTownship && scope != self->township)
    return Status::refused(i18n::trf(
        "cli.issue.not-ours", {scope.empty() ? i18n::tr("core.the-county-office") : scope}));
  if (auto linked = issue->get("suggestion"); linked && !linked->empty())
    return Status::refused(i18n::trf("cli.issue.already", {linked->substr(0, 12)}));
  std::string text = issue->get("text").value_or("");
  if (text.empty()) return Status::usage(i18n::tr("cli.issue.no-text"));

  auto deputyArg = args.get("deputy");
  if (!deputyArg) deputyArg = issue->get("deputy");
  if (!deputyArg || deputyArg->empty())
    return Status::usage(i18n::tr("cli.issue.give-deputy"));
  auto deputy = findRecord(store, RecordKind::kDeputy, *deputyArg);
  if (!deputy) return deputy.status();
  auto level = levelFor(args.get("level"), *deputy);
  if (!level) return level.status();

  std::string title = args.get("title").value_or("");
  if (title.empty()) title = "关于" + excerpt(text, 20) + "的建议";
  // Only these fields are made; nothing else of the issue is copied — in
  // particular none of its sealed personal fields.
  std::vector<Field> fields = {{"title", title},
                               {"body", text},
                               {"lead", toHex(deputy->id)},
                               {"level", *level},
                               {"issue", toHex(issue->id)}};
  auto cfg = configFor(store, *level == "乡镇级" ? scope : "");
  if (!cfg) return cfg.status();
  if (auto c = args.get("category")) {
    if (!cfg->isCategory(*c)) {
      std::string all;
      for (const auto& x : cfg->categories) all += (all.empty() ? "" : "、") + x;
      return Status::usage(i18n::trf("tax.category", {*c, all}));
    }
    fields.push_back({"category", *c});
  } else if (auto c = issue->get("category"); c && cfg->isCategory(*c)) {
    fields.push_back({"category", *c});
  }
  for (const auto& f : fields) RENDA_ASSERT(!domain::isPersonalField(f.name));

  storage::LocalEdit create;
  create.op = OpKind::kCreate;
  create.kind = RecordKind::kSuggestion;
  create.scope = scope;
  create.fields = std::move(fields);
  auto suggestionId = n.write(create);
  if (!suggestionId) return suggestionId.status();
  storage::LocalEdit route;
  route.op = OpKind::kUpdate;
  route.record = issue->id;
  route.fields = {{"route", kRouteToSuggestion}, {"suggestion", toHex(*suggestionId)}};
  auto routed = n.write(route);
  if (!routed)
    return Status::error(
        routed.status().code(),
        "the draft suggestion " + toHex(*suggestionId).substr(0, 12) +
            " was made, but the issue could not be marked: " + routed.status().message() +
            "; run `renda issue edit " + toHex(issue->id).substr(0, 12) + " --route " +
            kRouteToSuggestion + " --suggestion " + toHex(*suggestionId).substr(0, 12) + "`");
  if (args.has("json")) {
    std::printf("{\"suggestion\":\"%s\",\"issue\":\"%s\"}\n", toHex(*suggestionId).c_str(),
                toHex(issue->id).c_str());
  } else if (!args.has("quiet")) {
    std::printf("%s\n", i18n::trf("cli.issue.made", {toHex(*suggestionId).substr(0, 12),
                                                    toHex(issue->id).substr(0, 12), title})
                           .c_str());
    std::printf("%s\n", i18n::trf("cli.issue.marked",
                                  {kRouteToSuggestion, toHex(*suggestionId).substr(0, 12)})
                           .c_str());
  }
  return Status::ok();
}

}  // namespace

void addIssueCommands(std::vector<Command>& out) {
  out.push_back({"issue to-suggestion",
                 "turn a constituent issue into a deputy's draft suggestion (转为代表建议)",
                 "issue to-suggestion ISSUE [--deputy DEPUTY] [--title TEXT] [--level 乡镇级|县级] "
                 "[--category 类别] [--json]",
                 cmdToSuggestion,
                 {{"deputy", "DEPUTY", "the deputy who leads it (default the issue's deputy)"},
                  {"title", "TEXT", "its title (default 关于…的建议 from the issue's text)"},
                  {"level", "乡镇级|县级", "its level (default the deputy's)"},
                  {"category", "类别", "its category, from the county's list"},
                  {"json", "", "print the new suggestion's id as JSON"},
                  {"quiet", "", "print nothing when it worked"}}});
}

}  // namespace renda::app
