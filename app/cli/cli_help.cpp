// SPDX-License-Identifier: Apache-2.0
#include "app/cli/cli_help.h"

#include <cctype>

#include "app/output/table_out.h"
#include "core/domain/fields.h"
#include "core/domain/privacy.h"

namespace renda::app {

namespace {

constexpr size_t kLeftColumns = 30;

// "  LEFT    HELP\n", the help starting at one column whatever LEFT's script.
std::string line(const std::string& left, const std::string& help) {
  std::string out = "  " + left;
  size_t w = displayWidth(left);
  out += w + 1 < kLeftColumns ? std::string(kLeftColumns - w, ' ') : "  ";
  return out + help + "\n";
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string fieldPlaceholder(const domain::FieldInfo& f) {
  using T = domain::FieldType;
  switch (f.type) {
    case T::kDate: return "YYYY-MM-DD";
    case T::kNumber: return *f.hint ? f.hint : "N";
    case T::kChoice: return f.hint;
    case T::kReference: return upper(kindWord(*f.refers));
    case T::kReferences: return upper(kindWord(*f.refers)) + ",…";
    case T::kList: return *f.hint ? f.hint : "A,B";
    case T::kText:
    case T::kLongText: return *f.hint ? f.hint : "TEXT";
  }
  return "VALUE";
}

namespace {

std::string fieldLines(const std::vector<domain::FieldInfo>& fields, const char* required) {
  std::string out;
  for (const auto& f : fields) {
    std::string help = f.label;
    if (domain::isPersonalField(f.name)) help += "（个人信息，加密保存）";
    if (f.type == domain::FieldType::kReference)
      help += " — the " + std::string(kindWord(*f.refers)) + "'s number";
    if (f.required && *required) help += required;
    out += line("--" + std::string(f.name) + " " + fieldPlaceholder(f), help);
  }
  return out;
}

std::string optionLeft(const Option& o) {
  std::string left = o.name == "output" ? "-o, --output" : o.name == "quiet" ? "-q, --quiet"
                                                                              : "--" + o.name;
  if (!o.value.empty()) left += " " + o.value;
  return left;
}

std::string fieldsHeading(RecordKind kind) {
  return "Fields of " + std::string(domain::kindLabel(kind)) + " (" + kindWord(kind) +
         "), each --NAME VALUE or --set NAME=VALUE:\n";
}

}  // namespace

std::string mainHelp() {
  std::string out =
      "renda — offline-first records for township people's congresses (乡镇人大)\n\n"
      "Usage: renda COMMAND [options]    (every command takes --data DIR;\n"
      "       default $RENDA_DATA, else ./renda-data)\n\nCommands:\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    out += "  " + name + std::string(name.size() < 22 ? 23 - name.size() : 1, ' ') + c.summary +
           "\n";
  }
  out +=
      "\nExit codes: 0 ok, 1 the command was asked wrongly, 2 data refused, 3 internal error,\n"
      "4 the other node could not be reached or the link broke (try again).\n"
      "`renda COMMAND --help` shows a command's options; `renda deputy --help` (or station,\n"
      "suggestion, bundle, ...) the verbs of a group and the fields of its records.\n";
  return out;
}

std::string commandHelp(const Command& c) {
  std::string out = "renda " + c.name + " — " + c.summary + "\n\nUsage: renda " + c.usage +
                    "\n\nOptions:\n";
  for (const auto& o : c.options)
    out += line(optionLeft(o), o.help + (o.repeatable ? " (may be given more than once)" : ""));
  out += line("--data DIR", "the data folder (default $RENDA_DATA, else ./renda-data)");
  out += line("-h, --help", "show this help");
  if (c.fields) {
    out += "\n";
    out += fieldsHeading(*c.fields);
    bool add = c.name.size() > 4 && c.name.compare(c.name.size() - 4, 4, " add") == 0;
    out += fieldLines(domain::fieldsOf(*c.fields), add ? " (needed)" : "");
  }
  return out;
}

std::string groupHelp(const std::string& group) {
  std::optional<RecordKind> kind;
  std::string verbs;
  for (const auto& c : commands()) {
    if (c.name.rfind(group + " ", 0) != 0) continue;
    if (c.fields && !kind) kind = c.fields;
    verbs += line("renda " + c.name, c.summary);
  }
  std::string out = "renda " + group;
  if (kind) (out += " — ") += domain::kindLabel(*kind);
  out += "\n\nCommands:\n" + verbs;
  if (kind) {
    out += "\n";
    out += fieldsHeading(*kind);
    out += fieldLines(domain::fieldsOf(*kind), " (needed on add)");
  }
  out += "\n`renda " + group + " VERB --help` shows one verb's options.\n";
  return out;
}

}  // namespace renda::app
