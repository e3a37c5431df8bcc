// SPDX-License-Identifier: Apache-2.0
// Records at the command line: `renda deputy|station|suggestion|duty
// add|edit|list|show`. Any --NAME VALUE (or --set NAME=VALUE) sets a field.
#include <cstdio>

#include "app/cli.h"
#include "app/json.h"
#include "app/records_view.h"
#include "core/hlc.h"

namespace renda::app {

namespace {

struct KindInfo {
  const char* word;
  RecordKind kind;
  std::vector<const char*> required;
  const char* example;
};

const std::vector<KindInfo>& kinds() {
  static const std::vector<KindInfo> all = {
      {"deputy", RecordKind::kDeputy, {"name"}, "--name 张三 --gender 男 --level 乡镇级"},
      {"station", RecordKind::kStation, {"name"}, "--name 城关镇代表之家 --address 镇政府二楼"},
      {"suggestion", RecordKind::kSuggestion, {"title"},
       "--title 关于修缮村道的建议 --body TEXT --lead DEPUTY"},
      {"duty", RecordKind::kDutyRecord, {"type", "deputy"},
       "--deputy DEPUTY --type 视察 --date 2026-11-20 --title TEXT"},
  };
  return all;
}

// Fields that refer to other records, by the kind they refer to.
std::optional<RecordKind> referenceKind(const std::string& field) {
  if (field == "deputy" || field == "lead") return RecordKind::kDeputy;
  if (field == "station") return RecordKind::kStation;
  if (field == "suggestion") return RecordKind::kSuggestion;
  return std::nullopt;
}

const std::vector<std::string> kReserved = {"data", "township", "set", "output"};

Result<std::vector<Field>> fieldsFrom(const Args& args, storage::Store& store) {
  std::vector<Field> out;
  auto add = [&](const std::string& name, const std::string& value) -> Status {
    for (const auto& f : out)
      if (f.name == name) return Status::usage("field " + name + " is given twice");
    std::string v = value;
    if (auto ref = referenceKind(name); ref && !v.empty()) {
      auto id = store.findRecord(*ref, v);
      if (!id) return id.status();
      v = toHex(*id);
    }
    out.push_back({name, v});
    return Status::ok();
  };
  for (const auto& [k, v] : args.options) {
    if (std::find(kReserved.begin(), kReserved.end(), k) != kReserved.end()) continue;
    RENDA_TRY(add(k, v));
  }
  for (const auto& s : args.all("set")) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) return Status::usage("--set takes NAME=VALUE");
    RENDA_TRY(add(s.substr(0, eq), s.substr(eq + 1)));
  }
  return out;
}

Status cmdAdd(const KindInfo& k, const Args& args) {
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto self = n.self();
  if (!self) return self.status();
  auto fields = fieldsFrom(args, n.store());
  if (!fields) return fields.status();
  for (const char* req : k.required) {
    bool has = false;
    for (const auto& f : *fields) has = has || (f.name == req && !f.value.empty());
    if (!has) return Status::usage(std::string("a ") + k.word + " needs --" + req);
  }
  storage::LocalEdit edit;
  edit.op = OpKind::kCreate;
  edit.kind = k.kind;
  edit.fields = std::move(*fields);
  if (self->role == Role::kTownship) {
    edit.scope = self->township;
    if (auto t = args.get("township"); t && *t != self->township)
      return Status::refused("this node writes records of " + self->township + " only");
  } else {
    edit.scope = args.get("township").value_or("");
  }
  auto id = n.write(edit);
  if (!id) return id.status();
  if (args.has("json")) std::printf("{\"id\":\"%s\"}\n", toHex(*id).c_str());
  else if (!args.has("quiet")) std::printf("Added %s %s\n", k.word, toHex(*id).substr(0, 12).c_str());
  return Status::ok();
}

Status cmdEdit(const KindInfo& k, const Args& args) {
  if (args.positional.size() != 1) return Status::usage("give the record's number");
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto id = n.store().findRecord(k.kind, args.positional[0]);
  if (!id) return id.status();
  auto fields = fieldsFrom(args, n.store());
  if (!fields) return fields.status();
  if (fields->empty()) return Status::usage("say what to change, e.g. --name 李四");
  storage::LocalEdit edit;
  edit.op = OpKind::kUpdate;
  edit.record = *id;
  edit.fields = std::move(*fields);
  auto cid = n.write(edit);
  if (!cid) return cid.status();
  if (!args.has("quiet") && !args.has("json"))
    std::printf("Updated %s %s\n", k.word, toHex(*id).substr(0, 12).c_str());
  return Status::ok();
}

Status cmdList(const KindInfo& k, const Args& args) {
  RENDA_TRY(args.only({"json", "township", "conflicts"}));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto records = (*node)->store().list(k.kind);
  if (!records) return records.status();
  auto township = args.get("township");
  Json j;
  j.beginArray();
  size_t shown = 0;
  for (const auto& r : *records) {
    if (township && r.scope != *township) continue;
    if (args.has("conflicts") && !r.hasConflicts()) continue;
    ++shown;
    if (args.has("json")) {
      recordJson(j, r);
      continue;
    }
    std::printf("%s  %-24s %-10s %s%s\n", toHex(r.id).substr(0, 12).c_str(), recordTitle(r).c_str(),
                r.scope.empty() ? "(county)" : r.scope.c_str(),
                formatTime(Hlc::millis(r.updatedHlc())).c_str(),
                r.hasConflicts() ? "  CONFLICT" : "");
  }
  j.endArray();
  if (args.has("json")) std::printf("%s\n", j.text().c_str());
  else std::printf("%zu %s record(s)\n", shown, k.word);
  return Status::ok();
}

Status cmdShow(const KindInfo& k, const Args& args) {
  RENDA_TRY(args.only({"json"}));
  if (args.positional.size() != 1) return Status::usage("give the record's number");
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  auto id = (*node)->store().findRecord(k.kind, args.positional[0]);
  if (!id) return id.status();
  auto r = (*node)->store().record(*id);
  if (!r) return r.status();
  if (args.has("json")) {
    Json j;
    recordJson(j, *r);
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("%s", recordText(*r, (*node)->store()).c_str());
  }
  return Status::ok();
}

}  // namespace

void addRecordCommands(std::vector<Command>& out) {
  static std::vector<std::string> names;  // command names must outlive the table
  names.reserve(kinds().size() * 4);
  for (const auto& k : kinds()) {
    const KindInfo* kp = &k;
    auto name = [&](const char* verb) {
      names.push_back(std::string(k.word) + " " + verb);
      return names.back().c_str();
    };
    static std::vector<std::string> usages;
    usages.reserve(kinds().size() * 4);
    auto usage = [&](std::string u) {
      usages.push_back(std::move(u));
      return usages.back().c_str();
    };
    out.push_back({name("add"), "add a record", usage(std::string(k.word) + " add " + k.example +
                                                      " [--township 乡镇名] [--set NAME=VALUE]"),
                   [kp](const Args& a) { return cmdAdd(*kp, a); }});
    out.push_back({name("edit"), "change fields of a record (also resolves a conflict)",
                   usage(std::string(k.word) + " edit ID --NAME VALUE ..."),
                   [kp](const Args& a) { return cmdEdit(*kp, a); }});
    out.push_back({name("list"), "list records",
                   usage(std::string(k.word) + " list [--township 乡镇名] [--conflicts] [--json]"),
                   [kp](const Args& a) { return cmdList(*kp, a); }});
    out.push_back({name("show"), "show one record, with any conflicts",
                   usage(std::string(k.word) + " show ID [--json]"),
                   [kp](const Args& a) { return cmdShow(*kp, a); }});
  }
}

}  // namespace renda::app
