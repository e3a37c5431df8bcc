// SPDX-License-Identifier: Apache-2.0
#include "app/node/domain_glue.h"

#include <cstdio>
#include <map>
#include <optional>

#include "app/i18n/strings.h"
#include "app/node/find_record.h"
#include "app/node/node.h"
#include "core/domain/fields.h"
#include "core/domain/schedule.h"

namespace renda::app {

namespace {

bool townshipLevel(const std::string& level) {
  return level == "township" || level == "乡镇级" || level == "乡镇";
}

std::optional<std::string> fieldOf(const std::vector<Field>& fields, const char* name) {
  for (const auto& f : fields)
    if (f.name == name) return f.value;
  return std::nullopt;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& x : items) out += (out.empty() ? "" : "、") + x;
  return out;
}

// A record of `kind` named by its number or name (app/node/find_record.h).
Result<RecordId> resolve(storage::Store& store, RecordKind kind, const std::string& value) {
  auto r = findRecord(store, kind, value);
  if (!r) return r.status();
  return r->id;
}

}  // namespace

Result<domain::Config> configFor(storage::Store& store, const std::string& township) {
  auto all = store.list(RecordKind::kSettings);
  if (!all) return all.status();
  const Record* county = nullptr;
  const Record* own = nullptr;
  for (const auto& r : *all) {
    // The lowest id wins when two offices each created a settings record.
    if (r.scope.empty() && !county) county = &r;
    if (!township.empty() && r.scope == township && !own) own = &r;
  }
  if (own) return domain::Config::fromRecord(*own);
  if (county) return domain::Config::fromRecord(*county);
  return domain::Config{};
}

Result<std::shared_ptr<MemberTable>> MemberTable::load(storage::Store& store) {
  auto ms = store.members();
  if (!ms) return ms.status();
  auto t = std::make_shared<MemberTable>();
  for (auto& m : *ms) t->members_.emplace(m.subject, std::move(m));
  return t;
}

const Membership* MemberTable::find(const PublicKey& k) const {
  auto it = members_.find(k);
  return it == members_.end() ? nullptr : &it->second;
}

Result<domain::SuggestionView> suggestionView(storage::Store& store, const Record& record) {
  std::string level = record.get("level").value_or("");
  bool township = level == "township" || level == "乡镇级" || level == "乡镇";
  auto cfg = configFor(store, township ? record.scope : "");
  if (!cfg) return cfg.status();
  auto members = MemberTable::load(store);
  if (!members) return members.status();
  return domain::foldSuggestion(record, *cfg, (*members)->lookup());
}

const std::vector<std::string>& requiredFields(RecordKind kind) {
  static const std::vector<std::vector<std::string>> all = [] {
    std::vector<std::vector<std::string>> v(kRecordKindCount);
    for (int k = 0; k < kRecordKindCount; ++k)
      for (const auto& f : domain::fieldsOf(static_cast<RecordKind>(k)))
        if (f.required) v[size_t(k)].push_back(f.name);
    return v;
  }();
  return all[static_cast<size_t>(kind)];
}

Result<domain::Config> configForNew(storage::Store& store, RecordKind kind,
                                    const std::vector<Field>& fields, const std::string& scope) {
  if (kind == RecordKind::kSuggestion)
    return configFor(store, townshipLevel(fieldOf(fields, "level").value_or("")) ? scope : "");
  return configFor(store, scope);
}

namespace {

// A real day YYYY-MM-DD from 1900 to 1948, which parseDate leaves out.
bool earlyDay(const std::string& ymd) {
  int y, m, d;
  char tail;
  if (std::sscanf(ymd.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  if (y < 1900 || y >= 1949 || m < 1 || m > 12 || d < 1) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

std::string paddedDate(const std::string& value) {
  int y, m, d;
  char tail;
  if (std::sscanf(value.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return value;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

Status checkFieldFormats(RecordKind kind, const std::vector<Field>& fields) {
  // A date is a real day, written YYYY-MM-DD: 2026-02-30 or 2026-13-45 is a
  // slip of the keyboard, never a record that reports would count somewhere.
  for (const auto& f : fields) {
    const domain::FieldInfo* info = domain::findField(kind, f.name);
    if (!info || info->type != domain::FieldType::kDate || f.value.empty()) continue;
    auto day = domain::parseDate(f.value);
    // A birthday may be before 1949 (a deputy of 77 and more); a real day all the same.
    if (!day && f.name == "birthday" && earlyDay(f.value)) continue;
    if (!day)
      return Status::usage(
          i18n::trf("field.not-a-date", {i18n::labelNow(info->label), f.value, f.name}));
    // A birthday after today is a slip (2062 for 1962): it would count the
    // deputy in no age group of the reports.
    if (f.name == "birthday" && *day > Node::nowMs())
      return Status::usage(i18n::trf("field.future-birthday", {f.value}));
  }
  if (kind == RecordKind::kStation) {
    auto schedule = fieldOf(fields, "receptionSchedule");
    if (schedule && !schedule->empty()) {
      auto s = domain::parseSchedule(*schedule);
      if (!s) return Status::usage(domainMessage(s.status().message()));
    }
  }
  return Status::ok();
}

Status checkTaxonomy(const domain::Config& config, RecordKind kind,
                     const std::vector<Field>& fields) {
  RENDA_TRY(checkFieldFormats(kind, fields));
  if (kind == RecordKind::kSuggestion) {
    auto category = fieldOf(fields, "category");
    if (category && !config.isCategory(*category))
      return Status::usage(i18n::trf("tax.category", {*category, joinList(config.categories)}));
  } else if (kind == RecordKind::kDutyRecord) {
    auto type = fieldOf(fields, "type");
    if (type && !config.isDutyType(*type))
      return Status::usage(i18n::trf("tax.duty-type", {*type, joinList(config.dutyTypes)}));
  }
  return Status::ok();
}

Result<std::vector<Field>> eventFields(storage::Store& store, const Record& suggestion,
                                       const std::vector<std::pair<std::string, std::string>>& options,
                                       std::string* badField) {
  auto cfg = configFor(store, townshipLevel(suggestion.get("level").value_or(""))
                                  ? suggestion.scope
                                  : "");
  if (!cfg) return cfg.status();
  std::vector<Field> fields;
  for (const auto& [k, v] : options) {
    if (k == "data") continue;
    if (badField) *badField = k;  // cleared below when every option passed
    std::string value = v;
    if (k == "unit") {
      auto u = resolve(store, RecordKind::kHandlingUnit, v);
      if (!u) return u.status();
      value = toHex(*u);
    } else if (k == "deputy" || k == "rater") {
      auto d = resolve(store, RecordKind::kDeputy, v);
      if (!d) return d.status();
      value = toHex(*d);
    } else if (k == "date" || k == "deadline") {
      if (!domain::parseDate(v)) return Status::usage(i18n::trf("event.not-a-date", {k}));
    } else if (k == "outcome" && !cfg->nationalClass(v)) {
      std::string codes;
      for (const auto& [local, national] : cfg->outcomeMap)
        codes += (codes.empty() ? "" : "/") + local;
      return Status::usage(i18n::trf("event.outcome", {v, codes}));
    }
    fields.push_back({k, value});
  }
  if (badField) badField->clear();
  return fields;
}

Status checkLifeCycleEvent(storage::Store& store, const MemberTable& members,
                           const Record& suggestion, const PublicKey& author,
                           const std::string& action, const std::vector<Field>& fields,
                           uint64_t nowMs) {
  auto cfg = configFor(store, townshipLevel(suggestion.get("level").value_or(""))
                                  ? suggestion.scope
                                  : "");
  if (!cfg) return cfg.status();
  Status ok = domain::checkEvent(suggestion, *cfg, members.lookup(), author, action, fields, nowMs);
  if (!ok) return Status::refused(i18n::trf("life.refused", {domainMessage(ok.message())}));
  return Status::ok();
}

namespace {

// A core.* line of the string table: its English split at its {N} arguments.
struct RefusalPattern {
  std::string key;
  std::vector<std::string> literals;  // one more than args
  std::vector<int> args;              // 0-based argument numbers, in order
  size_t fixed = 0;                   // the literals' total length
};

RefusalPattern patternOf(const std::string& key, std::string_view en) {
  RefusalPattern p;
  p.key = key;
  p.literals.emplace_back();
  for (size_t i = 0; i < en.size(); ++i) {
    if (en[i] == '{' && i + 2 < en.size() && en[i + 1] >= '1' && en[i + 1] <= '9' &&
        en[i + 2] == '}') {
      p.args.push_back(en[i + 1] - '1');
      p.literals.emplace_back();
      i += 2;
      continue;
    }
    p.literals.back() += en[i];
    ++p.fixed;
  }
  return p;
}

// The arguments of `text` when it is `p` with values in place of {N}; each
// value is the shortest that lets the rest match, the last runs to the end.
std::optional<std::vector<std::string>> match(const RefusalPattern& p, std::string_view text) {
  if (text.substr(0, p.literals[0].size()) != p.literals[0]) return std::nullopt;
  std::vector<std::string> values(9);
  size_t at = p.literals[0].size();
  for (size_t i = 0; i < p.args.size(); ++i) {
    const std::string& next = p.literals[i + 1];
    size_t end;
    if (i + 1 == p.args.size()) {
      if (text.size() < at + next.size() || text.substr(text.size() - next.size()) != next)
        return std::nullopt;
      end = text.size() - next.size();
    } else {
      end = next.empty() ? at : text.find(next, at);
      if (end == std::string_view::npos) return std::nullopt;
    }
    values[size_t(p.args[i])] = std::string(text.substr(at, end - at));
    at = end + next.size();
  }
  if (p.args.empty() && text.size() != at) return std::nullopt;
  return values;
}

}  // namespace

std::string domainMessage(const std::string& english) {
  // The refusals of core/domain that a clerk meets, by their English (the
  // table's core.* lines): a line's {N} stand for the values a refusal
  // carries, and a value that is itself a refusal's text (a rating conflict
  // inside "..., or give the office's reason") is put into words the same way.
  // The most specific line wins; a refusal no line matches stays as the
  // core words it.
  static const std::vector<RefusalPattern> patterns = [] {
    std::vector<RefusalPattern> out;
    for (const auto& [key, text] : i18n::allStrings(i18n::Lang::kEn)) {
      std::string_view k(key);
      if (k.substr(0, 5) == "core." && (k.size() < 4 || k.substr(k.size() - 4) != ".web"))
        out.push_back(patternOf(key, text));
    }
    // A line all arguments ("{1}") would match anything and never end.
    out.erase(std::remove_if(out.begin(), out.end(), [](const auto& p) { return p.fixed == 0; }),
              out.end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.fixed > b.fixed;
    });
    return out;
  }();
  for (const auto& p : patterns) {
    auto values = match(p, english);
    if (!values) continue;
    for (auto& v : *values)
      if (!v.empty()) v = domainMessage(v);
    const auto& a = *values;
    return i18n::trf(p.key, {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]});
  }
  return english;
}

}  // namespace renda::app
