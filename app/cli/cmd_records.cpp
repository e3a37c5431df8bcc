// SPDX-License-Identifier: Apache-2.0
// Records at the command line: `renda deputy|station|suggestion|duty
// add|edit|list|show`. --NAME VALUE (or --set NAME=VALUE) sets a field, when
// NAME is one of the kind's fields (core/domain/fields.h).
#include <cstdio>

#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/node/find_record.h"
#include "app/output/json.h"
#include "app/node/privacy.h"
#include "app/node/record_edits.h"
#include "app/output/records_view.h"
#include "app/output/suggestion_rows.h"
#include "core/domain/fields.h"
#include "core/hlc.h"
#include "core/text.h"

namespace renda::app {

namespace {

struct KindInfo {
  const char* word;
  RecordKind kind;
  const char* example;
};

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> all = {
      {"deputy", RecordKind::kDeputy, "--name 张三 --gender 男 --level 乡镇级"},
      {"station", RecordKind::kStation,
       "--name 城关镇代表之家 --address 镇政府二楼 --receptionSchedule \"每月10日 9:00-11:30\""},
      {"suggestion", RecordKind::kSuggestion,
       "--title 关于修缮村道的建议 --body TEXT --lead DEPUTY"},
      {"duty", RecordKind::kDutyRecord,
       "--deputy DEPUTY --type 视察 --date 2026-11-20 --title TEXT"},
      {"unit", RecordKind::kHandlingUnit,
       "--name 县交通运输局 --category 政府部门 --contact 王科长 --phone 0000-1234567"},
      {"term", RecordKind::kTerm,
       "--name 第十八届 --level 县级 --startDate 2026-01-01 --endDate 2030-12-31"},
      {"session", RecordKind::kSession,
       "--name 第十八届第二次会议 --term TERM --type 大会期间|闭会期间 --startDate 2026-02-20"},
      {"township", RecordKind::kTownship, "--name 城关镇 --code 001 --type 镇"},
      {"group", RecordKind::kDeputyGroup, "--name 第一代表小组 --leader 张三"},
      {"settings", RecordKind::kSettings,
       "--categories 财政经济,农业农村 --dutyTypes 视察,调研 --outcomeScheme ABCD|甲乙丙 "
       "--outcomeMap 甲=A,乙=B,丙=C --replyDays 90 --maxExtensionDays 90 --warningDays 15 "
       "--returnWindowDays 10 --feedbackDays 10 --rehandleDays 30 --rehandleExtensionDays 0 "
       "--urgeIntervalDays 3"},
      {"reception", RecordKind::kReception,
       "--station STATION --date 2026-11-20 --deputies DEPUTYID,DEPUTYID --visitors 5"},
      {"issue", RecordKind::kConstituentIssue,
       "--reception RECEPTION --deputy DEPUTY --text TEXT --receivedDate 2026-11-20 "
       "--route 当场答复|转村（社区）|转乡镇人大|转为代表建议|转上级代表 [--closedDate 2026-11-25]"},
      {"reportback", RecordKind::kReportBack,
       "--deputy DEPUTY --date 2026-12-01 --place 村委会 --attendees 60 --satisfaction 95%"},
      {"rota", RecordKind::kRotaSlot,
       "--deputy DEPUTY --station STATION --date 2026-12-07 --slot 上午"},
      {"mandate", RecordKind::kMandate, "--deputy DEPUTY --level 乡镇级|县级 --term TERM"},
  };
  return all;
}

// The options of add and edit that are not fields.
const std::vector<std::string> kNotFields = {"data", "township", "set", "json", "quiet"};

// Columns a UTF-8 string takes in a terminal: East Asian wide and fullwidth
// characters (汉字, fullwidth punctuation, Hangul) take 2, combining marks 0,
// everything else 1. printf's %-24s counts bytes, which misaligns Chinese text.
size_t displayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = utf8SequenceLength(s, i);
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += len;
    bool combining = (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) ||
                     (cp >= 0xFE00 && cp <= 0xFE0F);
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
                (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                (cp >= 0x20000 && cp <= 0x3FFFD);
    width += combining ? 0 : wide ? 2 : 1;
  }
  return width;
}

// `s` followed by spaces up to `columns` display columns (%-Ns by width, not bytes).
std::string padRight(const std::string& s, size_t columns) {
  size_t w = displayWidth(s);
  return w >= columns ? s : s + std::string(columns - w, ' ');
}

// The fields given as --NAME VALUE and --set NAME=VALUE, references resolved
// from a record's number to its id. The parser has checked --NAME against the
// kind's fields; --set NAME is checked here.
Result<std::vector<Field>> fieldsFrom(RecordKind kind, const Args& args, storage::Store& store) {
  std::vector<Field> out;
  auto add = [&](const std::string& name, const std::string& value) -> Status {
    const domain::FieldInfo* info = domain::findField(kind, name);
    if (!info) {
      const domain::FieldInfo* near = domain::nearestField(domain::fieldsOf(kind), name);
      return Status::usage(i18n::trf("cli.rec.set-not-a-field",
                                     {name, domain::kindLabel(kind), near->name, kindWord(kind)}));
    }
    for (const auto& f : out)
      if (f.name == name) return Status::usage(i18n::trf("cli.rec.field-twice", {name}));
    // A duty record's type is checked against the settings' list (checkTaxonomy).
    if (!(kind == RecordKind::kDutyRecord && name == "type")) RENDA_TRY(checkChoice(*info, value));
    auto v = storedValue(store, *info, value);
    if (!v) return v.status();
    out.push_back({name, *v});
    return Status::ok();
  };
  for (const auto& [k, v] : args.options) {
    if (std::find(kNotFields.begin(), kNotFields.end(), k) != kNotFields.end()) continue;
    RENDA_TRY(add(k, v));
  }
  for (const auto& s : args.all("set")) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return Status::usage(i18n::tr("cli.rec.set-form"));
    RENDA_TRY(add(s.substr(0, eq), s.substr(eq + 1)));
  }
  return out;
}

Status cmdAdd(const KindInfo& k, const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto fields = fieldsFrom(k.kind, args, n.store());
  if (!fields) return fields.status();
  for (const auto& req : requiredFields(k.kind)) {
    bool has = false;
    for (const auto& f : *fields) has = has || (f.name == req && !f.value.empty());
    if (!has) return Status::usage(i18n::trf("cli.rec.needs", {k.word, req}));
  }
  auto id = addRecord(n, k.kind, std::move(*fields), args.get("township"),
                      {.allowSameName = args.has("allow-same-name")});
  if (!id) return id.status();
  if (args.has("json")) std::printf("{\"id\":\"%s\"}\n", toHex(*id).c_str());
  else if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.rec.added", {k.word, toHex(*id).substr(0, 12)}).c_str());
  return Status::ok();
}

Status cmdEdit(const KindInfo& k, const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.err.give-number"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto found = findRecord(n.store(), k.kind, args.positional[0]);
  if (!found) return found.status();
  const RecordId* id = &found->id;
  auto fields = fieldsFrom(k.kind, args, n.store());
  if (!fields) return fields.status();
  if (fields->empty()) return Status::usage(i18n::tr("cli.err.say-what-to-change"));
  auto cid = editRecord(n, *id, std::move(*fields), {.allowSameName = args.has("allow-same-name")});
  if (!cid) return cid.status();
  if (!args.has("quiet") && !args.has("json"))
    std::printf("%s\n",
                i18n::trf("cli.rec.updated", {k.word, recordName(n.store(), *found)}).c_str());
  return Status::ok();
}

Status cmdList(const KindInfo& k, const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto records = (*node)->store().list(k.kind);
  if (!records) return records.status();
  auto township = args.get("township");
  std::erase_if(*records, [&](const Record& r) {
    return (township && r.scope != *township) || (args.has("conflicts") && !r.hasConflicts());
  });
  if (k.kind == RecordKind::kSuggestion && !args.has("json")) {
    auto rows = suggestionRows((*node)->store(), *records, Node::nowMs());
    if (!rows) return rows.status();
    std::printf("%s", suggestionTable(*rows).c_str());
    std::printf("%s\n", i18n::trf("cli.rec.count", {std::to_string(rows->size()), k.word}).c_str());
    return Status::ok();
  }
  Unsealer unsealer(**node);
  Json j;
  j.beginArray();
  size_t shown = 0;
  for (const auto& stored : *records) {
    ++shown;
    Record r = presentRecord(stored, unsealer, Reveal::kClear);
    if (args.has("json")) {
      recordJson(j, r);
      continue;
    }
    std::printf("%s  %s %s %s%s\n", toHex(r.id).substr(0, 12).c_str(),
                padRight(recordTitle(r), 24).c_str(),
                padRight(r.scope.empty() ? i18n::tr("cli.rec.county") : r.scope, 10).c_str(),
                formatTime(Hlc::millis(r.updatedHlc())).c_str(),
                r.hasConflicts() ? i18n::tr("cli.rec.conflict") : "");
  }
  j.endArray();
  if (args.has("json")) std::printf("%s\n", j.text().c_str());
  else std::printf("%s\n", i18n::trf("cli.rec.count", {std::to_string(shown), k.word}).c_str());
  return Status::ok();
}

Status cmdShow(const KindInfo& k, const Args& args) {
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.err.give-number"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto stored = findRecord((*node)->store(), k.kind, args.positional[0]);
  if (!stored) return stored.status();
  Unsealer unsealer(**node);
  // Personal fields in clear where this node holds a recipient key; the
  // placeholder elsewhere (app/privacy.h).
  Result<Record> r = presentRecord(*stored, unsealer, Reveal::kClear);
  if (args.has("json")) {
    Json j;
    recordJson(j, *r, &(*node)->store());
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("%s", recordText(*r, (*node)->store()).c_str());
  }
  return Status::ok();
}

}  // namespace

const char* kindWord(RecordKind kind) {
  for (const auto& k : kinds())
    if (k.kind == kind) return k.word;
  return recordKindName(kind);
}

void addRecordCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  const Option set{"set", "NAME=VALUE", "set a field by its name", true};
  const Option json{"json", "", "print the result as JSON"};
  for (const auto& k : kinds()) {
    const KindInfo* kp = &k;
    std::string word = k.word;
    std::vector<Option> addOptions = {
        {"township", "乡镇名",
         "the township the record belongs to (county office only; a township node writes its "
         "own)"},
        set,
        {"json", "", "print the new record's id as JSON"},
        quiet};
    if (k.kind == RecordKind::kHandlingUnit)
      addOptions.push_back({"allow-same-name", "",
                            "add it although a unit of this township (or the county) has the "
                            "same name: a real second unit"});
    if (k.kind == RecordKind::kDeputy)
      addOptions.push_back({"allow-same-name", "",
                            "add them although a deputy of this township (or the county) at the "
                            "same level has the same name: a namesake, another person"});
    out.push_back({word + " add", std::string("add a record (") + domain::kindLabel(k.kind) + ")",
                   word + " add " + k.example + " [--township 乡镇名] [--set NAME=VALUE]",
                   [kp](const Args& a) { return cmdAdd(*kp, a); }, std::move(addOptions),
                   k.kind});
    std::vector<Option> editOptions = {set, json, quiet};
    if (k.kind == RecordKind::kDeputy)
      editOptions.push_back({"allow-same-name", "",
                             "rename them although a deputy of this township at the same level "
                             "has that name: a namesake, another person"});
    out.push_back({word + " edit", "change fields of a record (also resolves a conflict)",
                   word + " edit NAME|NUMBER --FIELD VALUE ...",
                   [kp](const Args& a) { return cmdEdit(*kp, a); }, std::move(editOptions),
                   k.kind});
    out.push_back({word + " list", "list records",
                   word + " list [--township 乡镇名] [--conflicts] [--json]",
                   [kp](const Args& a) { return cmdList(*kp, a); },
                   {{"township", "乡镇名", "only the records of this township"},
                    {"conflicts", "", "only the records with conflicts to resolve"},
                    {"json", "", "print the records as JSON"}}});
    out.push_back({word + " show", "show one record, with any conflicts", word + " show NAME|NUMBER [--json]",
                   [kp](const Args& a) { return cmdShow(*kp, a); },
                   {{"json", "", "print the record as JSON"}}});
  }
}

}  // namespace renda::app
