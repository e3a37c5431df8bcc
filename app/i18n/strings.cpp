// SPDX-License-Identifier: Apache-2.0
#include "app/i18n/strings.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "app/i18n/strings_table.h"

namespace renda::app::i18n {

namespace {

// The current language. A process-wide setting on purpose: the command line
// prints in one language; the web server never changes it (it passes a
// language to tr(), or answers inside WebMessages).
Lang gLanguage = Lang::kEn;
// Inside a WebMessages scope on this thread, and the scope's language.
thread_local bool tWeb = false;
thread_local Lang tWebLang = Lang::kZh;

const detail::StringEntry* find(std::string_view key) {
  const detail::StringEntry* begin = detail::kStrings;
  const detail::StringEntry* end = detail::kStrings + detail::kStringCount;
  auto it = std::lower_bound(begin, end, key, [](const detail::StringEntry& e, std::string_view k) {
    return std::string_view(e.key) < k;
  });
  return it != end && std::string_view(it->key) == key ? it : nullptr;
}

// `text` with {1}..{9} replaced by `args` in order.
std::string fill(std::string_view text, std::initializer_list<std::string_view> args) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9' &&
        text[i + 2] == '}') {
      size_t n = size_t(text[i + 1] - '1');
      if (n < args.size()) out += *(args.begin() + long(n));
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

}  // namespace

const char* langCode(Lang lang) { return lang == Lang::kZh ? "zh" : "en"; }

std::optional<Lang> langFromCode(std::string_view code) {
  auto starts = [&](std::string_view p) {
    return code.substr(0, p.size()) == p &&
           (code.size() == p.size() || code[p.size()] == '_' || code[p.size()] == '-' ||
            code[p.size()] == '.');
  };
  if (starts("zh")) return Lang::kZh;
  if (starts("en")) return Lang::kEn;
  return std::nullopt;
}

Lang languageFromEnvironment() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(name);
    if (v && *v) return std::string_view(v).substr(0, 2) == "zh" ? Lang::kZh : Lang::kEn;
  }
  return Lang::kEn;
}

Lang language() { return gLanguage; }
void setLanguage(Lang lang) { gLanguage = lang; }

const char* tr(std::string_view key, Lang lang) {
  static thread_local std::string missing;
  if (const auto* e = find(key)) return lang == Lang::kZh ? e->zh : e->en;
  missing.assign(key);
  return missing.c_str();
}

WebMessages::WebMessages(Lang lang) : was_(tWeb), wasLang_(tWebLang) {
  tWeb = true;
  tWebLang = lang;
}
WebMessages::~WebMessages() {
  tWeb = was_;
  tWebLang = wasLang_;
}

Lang messageLanguage() { return tWeb ? tWebLang : gLanguage; }

const char* tr(std::string_view key) {
  if (!tWeb) return tr(key, gLanguage);
  std::string web = std::string(key) + ".web";
  if (const auto* e = find(web)) return tWebLang == Lang::kZh ? e->zh : e->en;
  return tr(key, tWebLang);
}

std::string trf(std::string_view key, std::initializer_list<std::string_view> args, Lang lang) {
  return fill(tr(key, lang), args);
}

std::string trf(std::string_view key, std::initializer_list<std::string_view> args) {
  return fill(tr(key), args);
}

std::vector<std::pair<const char*, const char*>> allStrings(Lang lang) {
  std::vector<std::pair<const char*, const char*>> out;
  out.reserve(detail::kStringCount);
  for (size_t i = 0; i < detail::kStringCount; ++i) {
    const auto& e = detail::kStrings[i];
    out.emplace_back(e.key, lang == Lang::kZh ? e.zh : e.en);
  }
  return out;
}

bool hasKey(std::string_view key) { return find(key) != nullptr; }

namespace {

// The label.* lines by their Chinese.
const std::map<std::string_view, const detail::StringEntry*>& labels() {
  static const auto* byChinese = [] {
    auto* m = new std::map<std::string_view, const detail::StringEntry*>;
    for (size_t i = 0; i < detail::kStringCount; ++i)
      if (std::string_view(detail::kStrings[i].key).rfind("label.", 0) == 0)
        m->emplace(detail::kStrings[i].zh, &detail::kStrings[i]);
    return m;
  }();
  return *byChinese;
}

}  // namespace

const char* labelIn(const char* zhLabel, Lang lang) {
  if (lang == Lang::kZh) return zhLabel;
  auto it = labels().find(zhLabel);
  return it == labels().end() ? zhLabel : it->second->en;
}

const char* labelNow(const char* zhLabel) { return tWeb ? labelIn(zhLabel, tWebLang) : zhLabel; }

bool hasLabel(std::string_view zhLabel) { return labels().count(zhLabel) > 0; }

}  // namespace renda::app::i18n
