// SPDX-License-Identifier: Apache-2.0
#include "app/cli/cli_help.h"

#include <cctype>

#include "app/i18n/strings.h"
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
    if (domain::isPersonalField(f.name)) help += i18n::tr("cli.help.personal");
    if (f.type == domain::FieldType::kReference)
      help += i18n::trf("cli.help.reference", {kindWord(*f.refers)});
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
  return i18n::trf("cli.help.fields-of", {domain::kindLabel(kind), kindWord(kind)}) + "\n";
}

}  // namespace

std::string mainHelp() {
  std::string out = std::string(i18n::tr("cli.help.tagline")) + "\n\n" +
                    i18n::tr("cli.help.usage-main") + "\n\n" + i18n::tr("cli.help.commands") +
                    "\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    out += "  " + name + std::string(name.size() < 22 ? 23 - name.size() : 1, ' ') + c.summary +
           "\n";
  }
  out += '\n';
  out += i18n::tr("cli.help.exit-codes");
  out += '\n';
  return out;
}

std::string commandHelp(const Command& c) {
  std::string out = "renda " + c.name + " — " + c.summary + "\n\n" + i18n::tr("cli.help.usage") +
                    " renda " + c.usage + "\n\n" + i18n::tr("cli.help.options") + "\n";
  for (const auto& o : c.options)
    out += line(optionLeft(o), o.help + (o.repeatable ? i18n::tr("cli.help.repeatable") : ""));
  out += line("--data DIR", i18n::tr("cli.help.data-option"));
  out += line("-h, --help", i18n::tr("cli.help.help-option"));
  if (c.fields) {
    out += "\n";
    out += fieldsHeading(*c.fields);
    bool add = c.name.size() > 4 && c.name.compare(c.name.size() - 4, 4, " add") == 0;
    out += fieldLines(domain::fieldsOf(*c.fields), add ? i18n::tr("cli.help.needed") : "");
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
  out += "\n\n" + std::string(i18n::tr("cli.help.commands")) + "\n" + verbs;
  if (kind) {
    out += "\n";
    out += fieldsHeading(*kind);
    out += fieldLines(domain::fieldsOf(*kind), i18n::tr("cli.help.needed-on-add"));
  }
  out += '\n';
  out += i18n::trf("cli.help.one-verb", {group});
  out += '\n';
  return out;
}

}  // namespace renda::app
