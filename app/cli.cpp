// SPDX-License-Identifier: Apache-2.0
// Argument parsing, the command table and running one command line.
#include "app/cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace renda::app {

namespace {

const std::vector<std::string> kSwitches = {"json",  "yes",    "passphrase", "help",   "all",
                                            "quiet", "county", "conflicts",  "reveal", "force"};

}  // namespace

int exitCodeFor(const Status& s) {
  switch (s.code()) {
    case Code::kOk: return kExitOk;
    case Code::kUsage:
    case Code::kNotFound: return kExitUsage;
    case Code::kInvalidInput:
    case Code::kRefused: return kExitRefused;
    default: return kExitInternal;
  }
}

Result<Args> Args::parse(const std::vector<std::string>& argv) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& s = argv[i];
    if (s.size() > 2 && s.compare(0, 2, "--") == 0) {
      std::string name = s.substr(2), value;
      auto eq = name.find('=');
      bool inlineValue = eq != std::string::npos;
      if (inlineValue) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      if (!inlineValue && std::find(kSwitches.begin(), kSwitches.end(), name) != kSwitches.end()) {
        a.switches.push_back(name);
        continue;
      }
      if (!inlineValue) {
        if (i + 1 >= argv.size()) return Status::usage("--" + name + " needs a value");
        value = argv[++i];
      }
      a.options.emplace_back(name, value);
    } else if (s == "-o") {
      if (i + 1 >= argv.size()) return Status::usage("-o needs a file name");
      a.options.emplace_back("output", argv[++i]);
    } else if (s == "-h") {
      a.switches.push_back("help");
    } else {
      a.positional.push_back(s);
    }
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

Status Args::only(const std::vector<std::string>& allowed) const {
  auto ok = [&](const std::string& n) {
    return n == "data" || std::find(allowed.begin(), allowed.end(), n) != allowed.end();
  };
  for (const auto& [k, v] : options)
    if (!ok(k)) return Status::usage("unknown option --" + k);
  for (const auto& s : switches)
    if (!ok(s) && s != "help") return Status::usage("unknown option --" + s);
  return Status::ok();
}

std::string dataDirFrom(const Args& args) {
  if (auto d = args.get("data")) return *d;
  if (const char* env = std::getenv("RENDA_DATA"); env && *env) return env;
  return "renda-data";
}


std::string formatTime(uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string shortId(const ChangeId& id) { return toHex(id).substr(0, 12); }
std::string shortKey(const PublicKey& k) { return toHex(k).substr(0, 8); }

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
    addInspectCommands(v);
    addKeyCommands(v);
    addDemoCommands(v);
    return v;
  }();
  return all;
}

namespace {

void printHelp() {
  std::printf(
      "renda — offline-first records for township people's congresses (乡镇人大)\n\n"
      "Usage: renda COMMAND [options]    (every command takes --data DIR;\n"
      "       default $RENDA_DATA, else ./renda-data)\n\nCommands:\n");
  for (const auto& c : commands()) std::printf("  %-22s %s\n", c.name, c.summary);
  std::printf(
      "\nExit codes: 0 ok, 1 the command was asked wrongly, 2 data refused, 3 internal error.\n"
      "`renda COMMAND --help` shows a command's options.\n");
}

}  // namespace

int runCommandLine(const std::vector<std::string>& rawArgv) {
  // `renda --data DIR COMMAND ...` is the same as `renda COMMAND ... --data DIR`.
  std::vector<std::string> argv = rawArgv, global;
  while (!argv.empty() && (argv[0] == "--data" || argv[0].rfind("--data=", 0) == 0)) {
    if (argv[0] == "--data") {
      if (argv.size() < 2) {
        std::fprintf(stderr, "renda: --data needs a folder\n");
        return kExitUsage;
      }
      global = {"--data", argv[1]};
      argv.erase(argv.begin(), argv.begin() + 2);
    } else {
      global = {argv[0]};
      argv.erase(argv.begin());
    }
  }
  argv.insert(argv.end(), global.begin(), global.end());
  // No command at all is a usage error (exit 1); asking for --help is not.
  bool noCommand = argv.empty() || argv[0].rfind("--data", 0) == 0;
  if (noCommand) argv.insert(argv.begin(), "--help");
  if (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    printHelp();
    return noCommand ? kExitUsage : kExitOk;
  }
  // Longest matching command name ("county init", "bundle export", ...).
  const Command* best = nullptr;
  size_t bestWords = 0;
  for (const auto& c : commands()) {
    std::vector<std::string> words;
    std::string name = c.name;
    for (size_t pos = 0; pos <= name.size();) {
      size_t sp = name.find(' ', pos);
      if (sp == std::string::npos) sp = name.size();
      words.push_back(name.substr(pos, sp - pos));
      pos = sp + 1;
    }
    if (words.size() > argv.size()) continue;
    bool match = true;
    for (size_t i = 0; i < words.size(); ++i)
      if (argv[i] != words[i]) match = false;
    if (match && words.size() > bestWords) {
      best = &c;
      bestWords = words.size();
    }
  }
  if (!best) {
    std::fprintf(stderr, "renda: unknown command '%s'. Run `renda --help` for the list.\n",
                 argv[0].c_str());
    return kExitUsage;
  }
  auto args = Args::parse(std::vector<std::string>(argv.begin() + bestWords, argv.end()));
  if (!args) {
    std::fprintf(stderr, "renda %s: %s\nUsage: renda %s\n", best->name,
                 args.status().message().c_str(), best->usage);
    return kExitUsage;
  }
  if (args->has("help")) {
    std::printf("renda %s — %s\n\nUsage: renda %s\n", best->name, best->summary, best->usage);
    return kExitOk;
  }
  Status s;
  try {
    s = best->run(*args);
  } catch (const std::exception& e) {
    s = Status::error(Code::kIOError, std::string("internal error: ") + e.what());
  }
  if (!s) {
    std::fprintf(stderr, "renda %s: %s\n", best->name, s.message().c_str());
    if (s.code() == Code::kUsage) std::fprintf(stderr, "Usage: renda %s\n", best->usage);
  }
  return exitCodeFor(s);
}

}  // namespace renda::app
