// SPDX-License-Identifier: Apache-2.0
// The one string table of the web pages and the command line's messages:
// app/i18n/strings.tsv (`key<TAB>zh<TAB>en`), compiled into the binary by the
// build (app/i18n/gen_strings.cpp checks that every key has both languages
// and that no key repeats).
//
//   std::puts(i18n::tr("cli.help.commands"));                 // current language
//   std::string s = i18n::trf("cli.list.count", {"3", "deputy"});  // {1}, {2}
//   i18n::tr("web.title", i18n::Lang::kEn);                   // a given language
//
// The command line's language is set once in main() from the environment
// (setLanguage(languageFromEnvironment())). The web API answers a request
// inside a WebMessages scope: on that thread, tr(key) and trf(key, args)
// (the forms without a language) give the text in the page's language
// (Chinese unless the request asks for English), and a key with a `.web`
// variant gives that variant (a message that names a command-line flag says
// what to do on the page instead). So the checks below the web (app/node)
// word their errors once, for both.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renda::app::i18n {

enum class Lang { kZh, kEn };

// "zh" / "en".
const char* langCode(Lang lang);
// The language of a code: "zh" (also zh-CN, zh_CN.UTF-8) or "en" (also en_*);
// nullopt for anything else.
std::optional<Lang> langFromCode(std::string_view code);
// Chinese when the messages locale is zh_*: the first set of LC_ALL,
// LC_MESSAGES, LANG (POSIX order); English otherwise.
Lang languageFromEnvironment();

// The current language (English until set). Set it once, before any thread
// starts: the command line does so in main().
Lang language();
void setLanguage(Lang lang);

// For the life of this object, messages on this thread are the web's:
// in `lang` (Chinese unless a page asks for English), `.web` variants first.
// Not nested across threads; the web server answers each request on one
// thread.
class WebMessages {
 public:
  explicit WebMessages(Lang lang = Lang::kZh);
  ~WebMessages();
  WebMessages(const WebMessages&) = delete;
  WebMessages& operator=(const WebMessages&) = delete;

 private:
  bool was_;
  Lang wasLang_;
};

// The language tr(key) gives on this thread now: a WebMessages scope's, else
// the current language.
Lang messageLanguage();

// The text of `key` in `lang` (or the current language). A key missing from
// the table gives the key itself, so a slip shows on screen rather than
// crashing; tests/app/strings_test.cpp checks that the keys used in app/
// exist. The pointer is to static storage.
const char* tr(std::string_view key, Lang lang);
const char* tr(std::string_view key);
// tr() with {1}..{9} replaced by `args` in order.
std::string trf(std::string_view key, std::initializer_list<std::string_view> args, Lang lang);
std::string trf(std::string_view key, std::initializer_list<std::string_view> args);

// Every (key, text) of `lang`, in key order: what GET /api/strings serves.
std::vector<std::pair<const char*, const char*>> allStrings(Lang lang);
// Whether the table has `key`.
bool hasKey(std::string_view key);

// A label of the domain (a record kind's, a field's, a state's, an action's:
// the Chinese the field registry gives) in `lang`: the table's `label.*`
// line whose Chinese it is. A label without its line stays Chinese.
const char* labelIn(const char* zhLabel, Lang lang);
// A label as the reader of the messages being worded now sees it: inside
// WebMessages, in the page's language (labelIn; the English pages show the
// English labels); elsewhere the Chinese as given (the command line names
// the fields as its help lists them).
const char* labelNow(const char* zhLabel);
// Whether the table has a `label.*` line for `zhLabel` (tests check every one).
bool hasLabel(std::string_view zhLabel);

}  // namespace renda::app::i18n
