// SPDX-License-Identifier: Apache-2.0
#include "app/node/find_record.h"

#include <algorithm>
#include <cctype>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "core/domain/config.h"
#include "core/domain/fields.h"
#include "core/hlc.h"
#include "core/text.h"

namespace renda::app {

namespace {

constexpr size_t kNearShown = 8;  // names containing the text, listed when none is it

// An official number as an input method or a word processor may give it, read
// as the office wrote it: dashes (－ ‐ ‑ ‒ – — ― − ﹣ ー) as "-", full-width
// digits and Latin letters as ASCII, spaces left out; so that 闭－２０２６－001
// and 闭 - 2026 - 001 find 闭-2026-001.
std::string plainDashes(const std::string& s) {
  static const char* kDashes[] = {"\xEF\xBC\x8D", "\xE2\x80\x90", "\xE2\x80\x91",
                                  "\xE2\x80\x92", "\xE2\x80\x93", "\xE2\x80\x94",
                                  "\xE2\x80\x95", "\xE2\x88\x92", "\xEF\xB9\xA3",
                                  "\xE3\x83\xBC"};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool dash = false;
    for (const char* d : kDashes)
      if (s.compare(i, 3, d) == 0) {
        out += '-';
        i += 3;
        dash = true;
        break;
      }
    if (dash) continue;
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    // U+FF10..U+FF19 (０-９), U+FF21..U+FF3A (Ａ-Ｚ), U+FF41..U+FF5A (ａ-ｚ).
    if (i + 2 < s.size() && b(0) == 0xEF && (b(1) == 0xBC || b(1) == 0xBD)) {
      unsigned cp = 0xFF00 + ((b(1) - 0xBC) << 6) + (b(2) & 0x3F);
      if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
          (cp >= 0xFF41 && cp <= 0xFF5A)) {
        out += char(cp - 0xFF00 + 0x20);
        i += 3;
        continue;
      }
    }
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    out += s[i++];
  }
  return out;
}

bool looksLikeId(const std::string& s) {
  if (s.size() < 4 || s.size() > 64) return false;
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Where a record belongs: its township, or 全县 for the county's own records.
std::string townshipOf(const Record& r) { return r.scope.empty() ? "全县" : r.scope; }

// The number a registration event of `r` recorded, if any: a cheap first look
// before folding the suggestion (a refused registration may carry one too).
bool mayHaveNumber(const Record& r, const std::string& number) {
  for (const auto& v : r.versions)
    if (v.applied && (v.action == "register" || v.action == "renumber"))
      for (const auto& f : v.eventFields)
        if (f.name == "number" && plainDashes(plainText(f.value)) == number) return true;
  return false;
}

std::string officialNumber(storage::Store& store, const Record& r) {
  bool registered = false;
  for (const auto& v : r.versions) registered = registered || v.action == "register";
  if (!registered) return "";
  auto view = suggestionView(store, r);
  return view ? view->number : std::string();
}

std::string nameOf(const Record& r) {
  for (const char* f : {"name", "title"})
    if (auto v = r.get(f); v && !v->empty()) return *v;
  return "";
}

// The name of the record `hex` refers to, or "" when it is not held.
std::string referencedName(storage::Store& store, const std::string& hex) {
  auto id = fixedFromHex<RecordId>(hex);
  if (!id) return "";
  auto r = store.record(*id);
  return r ? nameOf(*r) : std::string();
}

// The non-empty parts, each once, joined by "，".
std::string joinDetails(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty() || std::find(parts.begin(), parts.begin() + long(i), parts[i]) !=
                                parts.begin() + long(i))
      continue;
    if (!out.empty()) out += "，";
    out += parts[i];
  }
  return out;
}

Status ambiguous(const std::string& text, RecordKind kind, std::vector<RecordChoice> found,
                 std::vector<RecordChoice>* choices) {
  std::string msg =
      i18n::trf("find.ambiguous", {text, std::to_string(found.size()), domain::kindLabel(kind)});
  for (const auto& c : found) msg += "\n  " + toHex(c.id).substr(0, 12) + "  " + c.label;
  if (choices) *choices = std::move(found);
  return Status::usage(msg);
}

}  // namespace

std::string recordName(storage::Store& store, const Record& r) {
  if (r.kind == RecordKind::kSuggestion) {
    std::string number = officialNumber(store, r), title = r.get("title").value_or("");
    if (!number.empty()) return title.empty() ? number : number + " " + title;
    if (!title.empty()) return title;
  }
  std::string name = nameOf(r);
  if (!name.empty()) return name;
  if (auto t = r.get("type"); t && !t->empty()) {
    std::string date = r.get("date").value_or("");
    return date.empty() ? *t : *t + " " + date;
  }
  return toHex(r.id).substr(0, 12);
}

std::string choiceLabel(storage::Store& store, const Record& r) {
  std::vector<std::string> details = {townshipOf(r)};
  switch (r.kind) {
    case RecordKind::kDeputy:
      details.push_back(r.get("level").value_or(""));
      details.push_back(referencedName(store, r.get("station").value_or("")));
      details.push_back(r.get("district").value_or(""));
      break;
    case RecordKind::kHandlingUnit:
    case RecordKind::kStation:
      details.push_back(r.get("category").value_or(r.get("kind").value_or("")));
      details.push_back(r.get("contact").value_or(""));
      break;
    case RecordKind::kSuggestion:
      details.push_back(referencedName(store, r.get("lead").value_or("")));
      break;
    default:
      details.push_back(r.get("date").value_or(r.get("startDate").value_or("")));
  }
  return recordName(store, r) + "（" + joinDetails(details) + "）";
}

Result<Record> findRecord(storage::Store& store, RecordKind kind, const std::string& rawText,
                          std::vector<RecordChoice>* choices) {
  if (choices) choices->clear();
  std::string text = plainText(rawText);
  if (text.empty())
    return Status::usage(i18n::trf("find.give", {domain::kindLabel(kind)}));
  // A full id is read directly, without listing the kind.
  if (auto full = fixedFromHex<RecordId>(text)) {
    auto r = store.record(*full);
    if (r && r->kind == kind && r->visible) return r;
  }
  auto all = store.list(kind);
  if (!all) return all.status();
  std::vector<const Record*> byId, byName, near;
  std::string hex = lower(text);
  std::string number = plainDashes(text);  // an official number, however its dashes were typed
  bool idLike = looksLikeId(text);
  for (const auto& r : *all) {
    if (idLike && toHex(r.id).compare(0, hex.size(), hex) == 0) byId.push_back(&r);
    if (kind == RecordKind::kSuggestion && mayHaveNumber(r, number) &&
        plainDashes(officialNumber(store, r)) == number) {
      byName.push_back(&r);
      continue;
    }
    std::string name = plainText(nameOf(r));
    if (name.empty()) continue;
    if (name == text) byName.push_back(&r);
    else if (name.find(text) != std::string::npos) near.push_back(&r);
  }
  // A record number as `list` prints it, or a name (an official number) that
  // is the same text: the clerk chooses (编号 2047 and a record number 2047…
  // are two suggestions), never a guess.
  std::vector<const Record*> found = byId.empty() ? byName : byId;
  if (!byId.empty() && !byName.empty())
    for (const Record* r : byName)
      if (std::find(found.begin(), found.end(), r) == found.end()) found.push_back(r);
  if (found.size() == 1) return *found[0];
  if (found.size() > 1) {
    std::vector<RecordChoice> list;
    for (const Record* r : found) list.push_back({r->id, choiceLabel(store, *r)});
    // Records alike in everything the label shows (the same deputy entered
    // twice): told apart by their record number and when each was entered.
    std::vector<std::string> labels;
    for (const auto& c : list) labels.push_back(c.label);
    for (size_t i = 0; i < list.size(); ++i) {
      size_t same = std::count(labels.begin(), labels.end(), labels[i]);
      if (same < 2) continue;
      std::string more = i18n::trf("find.alike", {toHex(found[i]->id).substr(0, 12),
                                                  domain::formatDate(Hlc::millis(found[i]->createdHlc()))});
      std::string& label = list[i].label;
      const std::string close = "）";  // inside the label's brackets
      if (label.size() >= close.size() && label.compare(label.size() - close.size(), close.size(), close) == 0)
        label.insert(label.size() - close.size(), more);
      else
        label += more;
    }
    return ambiguous(text, kind, std::move(list), choices);
  }
  std::string msg = i18n::trf("find.not-found", {domain::kindLabel(kind), text});
  if (!near.empty()) {
    msg += i18n::tr("find.near");
    size_t shown = 0;
    for (const Record* r : near) {
      if (++shown > kNearShown) {
        msg += '\n';
        msg += i18n::trf("find.more", {std::to_string(near.size() - kNearShown)});
        break;
      }
      msg += "\n  " + toHex(r->id).substr(0, 12) + "  " + choiceLabel(store, *r);
    }
  }
  return Status::notFound(msg);
}

std::string plainNumber(const std::string& text) { return plainDashes(plainText(text)); }

Result<std::optional<Record>> suggestionNumbered(storage::Store& store, const std::string& number,
                                                 const RecordId& except) {
  std::string wanted = plainDashes(plainText(number));
  auto all = store.list(RecordKind::kSuggestion);
  if (!all) return all.status();
  for (auto& r : *all)
    if (r.id != except && mayHaveNumber(r, wanted) &&
        plainDashes(plainText(officialNumber(store, r))) == wanted)
      return std::optional<Record>(std::move(r));
  return std::optional<Record>();
}

}  // namespace renda::app
