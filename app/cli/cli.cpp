// SPDX-License-Identifier: Apache-2.0
// Argument parsing, the command table and running one command line.
#include "app/cli/cli.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "app/cli/cli_help.h"
#include "app/i18n/strings.h"
#include "core/domain/fields.h"

namespace renda::app {

int exitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return kExitOk;
    case Code::kUsage:
    case Code::kNotFound: return kExitUsage;
    case Code::kInvalidInput:
    case Code::kRefused: return kExitRefused;
    case Code::kDisconnected:
    case Code::kOverloaded: return kExitUnreachable;
    default: return kExitInternal;
  }
}

namespace {

// What `renda COMMAND --help` is called in messages.
std::string helpHint(const Command& c) {
  std::string group = c.name.substr(0, c.name.find(' '));
  return c.fields ? i18n::trf("cli.err.help-fields", {group})
                  : i18n::trf("cli.err.help-options", {c.name});
}

// A word that is an option rather than a value: --anything, or -x for a
// letter x. "-" alone and negative numbers ("-5") are values.
bool looksLikeOption(const std::string& s) {
  if (s.size() < 2 || s[0] != '-') return false;
  if (s[1] == '-') return true;
  return std::isalpha(static_cast<unsigned char>(s[1])) != 0;
}

// What `--name` is for `command`: one of its options, a field of its record
// kind, or nothing (then a usage error that names the nearest known one).
Result<Option> lookUp(const Command& c, const std::string& name) {
  static const Option kData{"data", "DIR", "", false}, kHelp{"help", "", "", false};
  if (name == "data") return kData;
  if (name == "help") return kHelp;
  for (const auto& o : c.options)
    if (o.name == name) return o;
  std::vector<domain::FieldInfo> known;
  for (const auto& o : c.options) known.push_back({o.name.c_str(), "", domain::FieldType::kText});
  if (c.fields) {
    if (const auto* f = domain::findField(*c.fields, name))
      return Option{name, fieldPlaceholder(*f), f->label, false};
    for (const auto& f : domain::fieldsOf(*c.fields)) known.push_back(f);
  }
  const domain::FieldInfo* near = domain::nearestField(known, name);
  std::string what =
      c.fields ? i18n::trf("cli.err.not-a-field", {name, domain::kindLabel(*c.fields),
                                                   kindWord(*c.fields)})
               : i18n::trf("cli.err.no-option", {name});
  if (!near) return Status::usage(what + i18n::tr("cli.err.takes-no-options"));
  return Status::usage(what + i18n::trf("cli.err.did-you-mean", {near->name, helpHint(c)}));
}

}  // namespace

Result<Args> Args::parse(const std::vector<std::string>& argv, const Command& c) {
  Args a;
  auto takes = [&](const char* name) {
    for (const auto& o : c.options)
      if (o.name == name) return true;
    return false;
  };
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string s = argv[i];
    if (s == "--") {
      a.positional.insert(a.positional.end(), argv.begin() + long(i) + 1, argv.end());
      break;
    }
    if (!looksLikeOption(s)) {
      a.positional.push_back(s);
      continue;
    }
    // Short flags: -h everywhere, -o and -q where the command takes their long form.
    if (s[1] != '-') {
      if (s == "-h") s = "--help";
      else if (s == "-o" && takes("output")) s = "--output";
      else if (s == "-q" && takes("quiet")) s = "--quiet";
      else if (s == "-o" || s == "-q")
        return Status::usage(i18n::trf("cli.err.no-short",
                                       {s, s == "-o" ? "--output" : "--quiet", helpHint(c)}));
      else
        return Status::usage(i18n::trf(
            "cli.err.short-option",
            {s, c.options.empty() ? std::string("data") : c.options[0].name, helpHint(c)}));
    }
    std::string name = s.substr(2), value;
    auto eq = name.find('=');
    bool inlineValue = eq != std::string::npos;
    if (inlineValue) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto opt = lookUp(c, name);
    if (!opt) return opt.status();
    if (opt->value.empty()) {
      if (inlineValue) return Status::usage(i18n::trf("cli.err.takes-no-value", {name}));
      if (!a.has(name)) a.switches.push_back(name);
      continue;
    }
    if (!inlineValue) {
      if (i + 1 >= argv.size())
        return Status::usage(i18n::trf("cli.err.needs-value", {name, opt->value}));
      if (looksLikeOption(argv[i + 1]))
        return Status::usage(i18n::trf("cli.err.value-is-option", {name, argv[i + 1]}));
      value = argv[++i];
    }
    if (!opt->repeatable && a.get(name))
      return Status::usage(i18n::trf("cli.err.given-twice", {name}));
    a.options.emplace_back(name, value);
  }
  return a;
}

std::optional<std::string> Args::get(const std::string& name) const {
  std::optional<std::string> v;
  for (const auto& [k, val] : options)
    if (k == name) v = val;
  return v;
}

std::vector<std::string> Args::all(const std::string& name) const {
  std::vector<std::string> out;
  for (const auto& [k, val] : options)
    if (k == name) out.push_back(val);
  return out;
}

bool Args::has(const std::string& name) const {
  return std::find(switches.begin(), switches.end(), name) != switches.end();
}

std::optional<uint64_t> wholeNumber(const std::string& text, uint64_t max) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + uint64_t(c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

std::string dataDirFrom(const Args& args) {
  if (auto d = args.get("data")) return *d;
  if (const char* env = std::getenv("RENDA_DATA"); env && *env) return env;
  return "renda-data";
}

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> v;
    addSetupCommands(v);
    addRecordCommands(v);
    addScheduleCommands(v);
    addSuggestionCommands(v);
    addIssueCommands(v);
    addReportCommands(v);
    addExportCommands(v);
    addSyncCommands(v);
    addNetCommands(v);
    addInspectCommands(v);
    addKeyCommands(v);
    addAccountCommands(v);
    addDemoCommands(v);
    return v;
  }();
  return all;
}

namespace {

// The words of a command's name: "bundle export" -> {"bundle", "export"}.
std::vector<std::string> wordsOf(const std::string& name) {
  std::vector<std::string> words;
  for (size_t pos = 0; pos <= name.size();) {
    size_t sp = name.find(' ', pos);
    if (sp == std::string::npos) sp = name.size();
    words.push_back(name.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return words;
}

// The command named by the first words of `argv` (the longest match), and how
// many words its name has.
std::pair<const Command*, size_t> findCommand(const std::vector<std::string>& argv) {
  const Command* best = nullptr;
  size_t bestWords = 0;
  for (const auto& c : commands()) {
    std::vector<std::string> words = wordsOf(c.name);
    if (words.size() > argv.size() || words.size() <= bestWords) continue;
    if (std::equal(words.begin(), words.end(), argv.begin())) {
      best = &c;
      bestWords = words.size();
    }
  }
  return {best, bestWords};
}

// The first word of a known command nearest to `typed`, for "did you mean".
std::string nearestCommandWord(const std::string& typed) {
  std::string best;
  size_t bestDistance = 0;
  for (const auto& c : commands()) {
    std::string first = wordsOf(c.name)[0];
    size_t d = domain::editDistance(typed, first);
    if (best.empty() || d < bestDistance) {
      best = first;
      bestDistance = d;
    }
  }
  return best;
}

bool isHelp(const std::string& s) { return s == "--help" || s == "-h"; }

// `renda WORD ...` where WORD begins names of commands but no command matched:
// `renda deputy`, `renda bundle --help`, `renda suggestion frobnicate`.
int runGroup(const std::string& group, const std::vector<std::string>& rest) {
  bool help = std::any_of(rest.begin(), rest.end(), isHelp);
  if (help) {
    std::fputs(groupHelp(group).c_str(), stdout);
    return kExitOk;
  }
  if (rest.empty() || rest[0].rfind("-", 0) == 0)
    std::fprintf(stderr, "%s\n\n", i18n::trf("cli.err.say-what", {group}).c_str());
  else
    std::fprintf(stderr, "%s\n\n", i18n::trf("cli.err.no-verb", {group, rest[0]}).c_str());
  std::fputs(groupHelp(group).c_str(), stderr);
  return kExitUsage;
}

}  // namespace

int runCommandLine(const std::vector<std::string>& rawArgv) {
  // Before the command only --data and --help: `renda --data DIR COMMAND ...`.
  std::optional<std::string> globalData;
  size_t at = 0;
  for (; at < rawArgv.size(); ++at) {
    const std::string& s = rawArgv[at];
    if (s == "--data" || s.rfind("--data=", 0) == 0) {
      std::string dir = s == "--data" ? (at + 1 < rawArgv.size() ? rawArgv[++at] : "") : s.substr(7);
      if (dir.empty() || (s == "--data" && dir.rfind("-", 0) == 0)) {
        std::fprintf(stderr, "%s\n", i18n::tr("cli.err.data-needs-folder"));
        return kExitUsage;
      }
      if (globalData) {
        std::fprintf(stderr, "%s\n",
                     i18n::trf("cli.err.in", {i18n::trf("cli.err.given-twice", {"data"})}).c_str());
        return kExitUsage;
      }
      globalData = dir;
    } else if (isHelp(s) || s == "help") {
      std::fputs(mainHelp().c_str(), stdout);
      return kExitOk;
    } else if (s.rfind("-", 0) == 0) {
      std::fprintf(stderr, "%s\n", i18n::trf("cli.err.option-first", {s}).c_str());
      return kExitUsage;
    } else {
      break;
    }
  }
  std::vector<std::string> argv(rawArgv.begin() + long(at), rawArgv.end());
  if (argv.empty()) {  // no command at all is a usage error (exit 1)
    std::fputs(mainHelp().c_str(), stdout);
    return kExitUsage;
  }
  auto [best, words] = findCommand(argv);
  if (!best) {
    for (const auto& c : commands())
      if (wordsOf(c.name)[0] == argv[0])
        return runGroup(argv[0], std::vector<std::string>(argv.begin() + 1, argv.end()));
    std::fprintf(stderr, "%s\n",
                 i18n::trf("cli.err.unknown-command", {argv[0], nearestCommandWord(argv[0])}).c_str());
    return kExitUsage;
  }
  auto args = Args::parse(std::vector<std::string>(argv.begin() + long(words), argv.end()), *best);
  if (!args) {
    std::fprintf(stderr, "%s\n%s renda %s\n",
                 i18n::trf("cli.err.in-command", {best->name, args.status().message()}).c_str(),
                 i18n::tr("cli.help.usage"), best->usage.c_str());
    return kExitUsage;
  }
  if (args->has("help")) {
    std::fputs(commandHelp(*best).c_str(), stdout);
    return kExitOk;
  }
  if (globalData) {
    if (args->get("data")) {
      std::fprintf(stderr, "%s\n",
                   i18n::trf("cli.err.in-command",
                             {best->name, i18n::trf("cli.err.given-twice", {"data"})}).c_str());
      return kExitUsage;
    }
    args->options.emplace_back("data", *globalData);
  }
  Status s;
  try {
    s = best->run(*args);
  } catch (const std::exception& e) {
    s = Status::error(Code::kIOError, std::string("internal error: ") + e.what());
  }
  if (!s) {
    std::fprintf(stderr, "%s\n", i18n::trf("cli.err.in-command", {best->name, s.message()}).c_str());
    if (s.code() == Code::kUsage)
      std::fprintf(stderr, "%s renda %s\n", i18n::tr("cli.help.usage"), best->usage.c_str());
  }
  return exitCodeFor(s);
}

}  // namespace renda::app
