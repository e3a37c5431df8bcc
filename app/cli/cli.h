// SPDX-License-Identifier: Apache-2.0
// Command-line plumbing shared by the cmd_*.cpp verbs: the commands and their
// options, argument parsing, and exit codes:
//   0 ok, 1 usage (the command was asked wrongly), 2 data refused, 3 internal,
//   4 the other node could not be reached, or the link broke (try again).
// The node a command works on is app/node/node.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/status.h"
#include "app/node/node.h"
#include "app/web/accounts.h"
#include "storage/store.h"

namespace renda::app {

inline constexpr int kExitOk = 0, kExitUsage = 1, kExitRefused = 2, kExitInternal = 3,
                     kExitUnreachable = 4;
int exitCodeFor(const Status& s);

struct Args;

// One option a command takes: `--name VALUE`, or a switch `--name` when
// `value` is empty. `-o` is --output and `-q` is --quiet wherever a command
// takes them; no other short flag exists.
struct Option {
  std::string name;   // without dashes
  std::string value;  // the value's placeholder in help ("FILE", "YYYY-MM-DD"); "" for a switch
  std::string help;   // one line
  bool repeatable = false;
};

// One verb: `renda NAME ...`.
struct Command {
  std::string name;     // "deputy add", "bundle import", ...
  std::string summary;  // one line for `renda --help`
  std::string usage;    // after "Usage: renda "
  std::function<Status(const Args&)> run;
  // Every option it takes besides --data and --help (which every command takes).
  std::vector<Option> options = {};
  // Commands that write records of a kind (`renda deputy add|edit`) also take
  // `--FIELD VALUE` for each field of that kind (core/domain/fields.h).
  std::optional<RecordKind> fields = std::nullopt;
};

// Parsed arguments: positionals, `--name value` options (repeatable ones in
// order) and switches.
struct Args {
  std::vector<std::string> positional;
  std::vector<std::pair<std::string, std::string>> options;  // name without dashes
  std::vector<std::string> switches;                         // --json, --yes, ...

  // Parses what follows the command's name, taking only what `command`
  // understands: its options, its record kind's fields, --data, --help, -h,
  // and -o / -q where it takes --output / --quiet; everything after `--` is a
  // positional. An option that needs a value never takes the next option as
  // one (write --name=-x for a value that starts with '-'). Usage error, naming
  // the nearest known option or field, otherwise.
  static Result<Args> parse(const std::vector<std::string>& argv, const Command& command);
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
  bool has(const std::string& name) const;
};

// The data folder: --data, else $RENDA_DATA, else ./renda-data.
std::string dataDirFrom(const Args& args);

// A whole number written with digits only (no sign, no spaces) and at most
// `max`; nullopt otherwise ("-1", " 3", "+3", "3x", or too large).
std::optional<uint64_t> wholeNumber(const std::string& text, uint64_t max);

// Every command, in the order `renda --help` lists them.
const std::vector<Command>& commands();
// Runs a full argument vector (argv without the program name); returns the exit code.
int runCommandLine(const std::vector<std::string>& argv);

// The word for records of `kind` at the command line: deputy, unit, duty, ...
// (app/cmd_records.cpp).
const char* kindWord(RecordKind kind);

// Registration helpers, one per cmd_*.cpp.
void addSetupCommands(std::vector<Command>& out);
void addRecordCommands(std::vector<Command>& out);
void addSuggestionCommands(std::vector<Command>& out);
void addIssueCommands(std::vector<Command>& out);  // cmd_issue.cpp
void addReportCommands(std::vector<Command>& out);
void addExportCommands(std::vector<Command>& out);
void addSyncCommands(std::vector<Command>& out);
void addNetCommands(std::vector<Command>& out);  // cmd_net.cpp
void addInspectCommands(std::vector<Command>& out);
void addDemoCommands(std::vector<Command>& out);
void addScheduleCommands(std::vector<Command>& out);
void addKeyCommands(std::vector<Command>& out);  // cmd_keys.cpp
void addAccountCommands(std::vector<Command>& out);  // cmd_account.cpp
// A new web account's password (cmd_account.cpp): RENDA_PASSWORD, else typed
// twice at the terminal. Usage when there is neither, or the two differ.
Result<Passphrase> newAccountPassword(const std::string& name);
// Adds a web account to the data folder's accounts file (app/web/accounts.h).
Status addAccount(const std::string& dataDir, const std::string& name, AccountRole role,
                  const Passphrase& password, bool quiet);
// `renda log --node KEY`: a node's changes and the branches of its fork (cmd_keys.cpp).
Status cmdLogNode(const Args& args);

}  // namespace renda::app
