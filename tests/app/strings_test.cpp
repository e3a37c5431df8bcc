// SPDX-License-Identifier: Apache-2.0
// The string table (app/i18n): the build's check refuses a table with a key
// missing a language, a repeated key or mismatched {N} arguments; every key
// the code asks for is in the table; lookups and arguments work in both
// languages.
#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "core/domain/schedule.h"
#include "tests/app/cli_fixtures.h"

extern char** environ;

namespace renda::app {
namespace {

namespace fs = std::filesystem;

// Runs the build's generator on `tsv`; returns its exit code and stderr.
std::pair<int, std::string> generate(const std::string& dir, const std::string& tsv) {
  std::string in = dir + "/strings.tsv", out = dir + "/strings.cpp", err = dir + "/err.txt";
  clitest::writeFile(in, tsv);
  std::vector<std::string> argv = {RENDA_GEN_STRINGS, in, out};
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, RENDA_GEN_STRINGS, &fa, nullptr, cargv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, clitest::readFile(err)};
}

TEST_CASE("String table: the build refuses a missing language, a repeated key, unequal arguments",
          "[app][i18n]") {
  std::string dir = clitest::makeTempDir("renda-strings");
  auto good = generate(dir, "# comment\n\na.b\t甲\tA\nc.d\t{1} 个\t{1} of them\n");
  CHECK(good.first == 0);
  CHECK_THAT(clitest::readFile(dir + "/strings.cpp"), Catch::Contains("\"a.b\""));

  auto missing = generate(dir, "a.b\t甲\tA\nc.d\t乙\t\n");
  CHECK(missing.first == 1);
  CHECK_THAT(missing.second, Catch::Contains(":2:") && Catch::Contains("no English text"));
  auto noColumn = generate(dir, "a.b\t甲\n");
  CHECK(noColumn.first == 1);
  CHECK_THAT(noColumn.second, Catch::Contains("key<TAB>zh<TAB>en"));
  auto twice = generate(dir, "a.b\t甲\tA\nx.y\t乙\tB\na.b\t丙\tC\n");
  CHECK(twice.first == 1);
  CHECK_THAT(twice.second, Catch::Contains(":3:") && Catch::Contains("a.b repeats") &&
                               Catch::Contains("line 1"));
  auto args = generate(dir, "a.b\t{1} 和 {2}\t{1}\n");
  CHECK(args.first == 1);
  CHECK_THAT(args.second, Catch::Contains("different {N} arguments"));
  // A core refusal's line may leave out of its Chinese a value of its English
  // (an action's English name beside its label), never add one.
  CHECK(generate(dir, "core.x\t不能{2}\tcannot {1} ({2})\n").first == 0);
  auto coreMore = generate(dir, "core.x\t{1}{3}\tcannot {1}\n");
  CHECK(coreMore.first == 1);
  CHECK_THAT(coreMore.second, Catch::Contains("different {N} arguments"));
  auto key = generate(dir, "A B\t甲\tA\n");
  CHECK(key.first == 1);
  fs::remove_all(dir);
}

TEST_CASE("String table: every key the code asks for is in the table", "[app][i18n]") {
  // RENDA_TESTDATA_DIR is tests/testdata: the sources are two folders up.
  fs::path app = fs::path(RENDA_TESTDATA_DIR).parent_path().parent_path() / "app";
  REQUIRE(fs::is_directory(app));
  std::regex literal("\"([a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)+)\"");
  size_t asked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(app)) {
    if (entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::string line, previous;
    for (int n = 1; std::getline(in, line); ++n, previous = line) {
      // A key is a literal on a line that calls tr()/trf(), or on the line after.
      if ((previous + line).find("i18n::tr") == std::string::npos) continue;
      for (std::sregex_iterator it(line.begin(), line.end(), literal), end; it != end; ++it) {
        std::string key = (*it)[1];
        if (key.find(".cpp") != std::string::npos || key.find(".h") != std::string::npos) continue;
        INFO(entry.path().string() << ":" << n << " asks for " << key);
        CHECK(i18n::hasKey(key));
        ++asked;
      }
    }
  }
  CHECK(asked > 30);
}

TEST_CASE("String table: both languages, arguments in order, the environment's language",
          "[app][i18n]") {
  using i18n::Lang;
  CHECK(std::string(i18n::tr("cli.help.commands", Lang::kZh)) == "命令：");
  CHECK(std::string(i18n::tr("cli.help.commands", Lang::kEn)) == "Commands:");
  CHECK(i18n::trf("cli.rec.count", {"3", "deputy"}, Lang::kEn) == "3 deputy record(s)");
  CHECK(i18n::trf("cli.rec.count", {"3", "deputy"}, Lang::kZh) == "共 3 条记录（deputy）");
  // A key that is not there shows as itself.
  CHECK(std::string(i18n::tr("no.such.key", Lang::kZh)) == "no.such.key");
  CHECK(i18n::langFromCode("zh_CN.UTF-8") == Lang::kZh);
  CHECK(i18n::langFromCode("zh-TW") == Lang::kZh);
  CHECK(i18n::langFromCode("en") == Lang::kEn);
  CHECK_FALSE(i18n::langFromCode("fr"));
  CHECK_FALSE(i18n::langFromCode("zhx"));
  // The environment: LC_ALL, then LC_MESSAGES, then LANG; zh_* is Chinese.
  struct Saved {
    std::string name;
    std::optional<std::string> value;
  };
  std::vector<Saved> saved;
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(name);
    saved.push_back({name, v ? std::optional<std::string>(v) : std::nullopt});
    ::unsetenv(name);
  }
  CHECK(i18n::languageFromEnvironment() == Lang::kEn);
  ::setenv("LANG", "zh_CN.UTF-8", 1);
  CHECK(i18n::languageFromEnvironment() == Lang::kZh);
  ::setenv("LC_MESSAGES", "C.UTF-8", 1);
  CHECK(i18n::languageFromEnvironment() == Lang::kEn);
  ::setenv("LC_ALL", "zh_TW.UTF-8", 1);
  CHECK(i18n::languageFromEnvironment() == Lang::kZh);
  for (const auto& s : saved) {
    if (s.value) ::setenv(s.name.c_str(), s.value->c_str(), 1);
    else ::unsetenv(s.name.c_str());
  }

  auto zh = i18n::allStrings(Lang::kZh), en = i18n::allStrings(Lang::kEn);
  REQUIRE(zh.size() == en.size());
  for (size_t i = 0; i < zh.size(); ++i) {
    CHECK(std::string(zh[i].first) == en[i].first);
    CHECK(*zh[i].second);
    CHECK(*en[i].second);
    if (i) CHECK(std::string(zh[i - 1].first) < zh[i].first);
  }
}

TEST_CASE("String table: inside WebMessages a thread's messages are Chinese and the web's, "
          "other threads keep the process language",
          "[app][i18n]") {
  using i18n::Lang;
  Lang was = i18n::language();
  i18n::setLanguage(Lang::kEn);
  std::string cli = i18n::trf("unit.same-name", {"县公安局", "0123456789ab", "县级"});
  CHECK_THAT(cli, Catch::Contains("--allow-same-name"));
  {
    i18n::WebMessages web;
    std::string page = i18n::trf("unit.same-name", {"县公安局", "0123456789ab", "县级"});
    CHECK_THAT(page, Catch::Contains("已有同名承办单位“县公安局”") &&
                         !Catch::Contains("allow-same-name"));
    // A key without a web variant: its Chinese text.
    CHECK(std::string(i18n::tr("cli.help.commands")) == "命令：");
    // A language asked for is that language.
    CHECK(std::string(i18n::tr("cli.help.commands", Lang::kEn)) == "Commands:");
    std::string other;
    std::thread([&] { other = i18n::tr("cli.help.commands"); }).join();
    CHECK(other == "Commands:");
  }
  CHECK(i18n::trf("unit.same-name", {"县公安局", "0123456789ab", "县级"}) == cli);
  i18n::setLanguage(was);
}

TEST_CASE("String table: WebMessages in English gives the English text, `.web` variants first, "
          "and a scope ends where it began",
          "[app][i18n]") {
  using i18n::Lang;
  Lang was = i18n::language();
  i18n::setLanguage(Lang::kZh);
  {
    i18n::WebMessages web(Lang::kEn);
    CHECK(i18n::messageLanguage() == Lang::kEn);
    std::string page = i18n::trf("unit.same-name", {"县公安局", "0123456789ab", "县级"});
    CHECK_THAT(page, Catch::StartsWith("a handling unit named '县公安局' exists already") &&
                         Catch::Contains("nothing was added") &&
                         !Catch::Contains("allow-same-name") && !Catch::Contains("allowSameName"));
    CHECK(std::string(i18n::tr("cli.help.commands")) == "Commands:");
    CHECK(std::string(i18n::labelNow("履职类型")) == "Duty type");
    {
      i18n::WebMessages inner;  // Chinese, the default
      CHECK(std::string(i18n::tr("cli.help.commands")) == "命令：");
      CHECK(std::string(i18n::labelNow("履职类型")) == "履职类型");
    }
    CHECK(std::string(i18n::tr("web.err.sign-in")) == "Sign in first");
    std::string other;
    std::thread([&] { other = i18n::tr("cli.help.commands"); }).join();
    CHECK(other == "命令：");
  }
  CHECK(i18n::messageLanguage() == Lang::kZh);
  CHECK(std::string(i18n::tr("web.err.sign-in")) == "请先登录");
  // The command line names fields as its help does, in either language.
  i18n::setLanguage(Lang::kEn);
  CHECK(std::string(i18n::labelNow("履职类型")) == "履职类型");
  i18n::setLanguage(was);
}

TEST_CASE("String table: every core refusal line puts the core's English with its values into "
          "Chinese, and a refusal inside a refusal too",
          "[app][i18n]") {
  using i18n::Lang;
  Lang was = i18n::language();
  i18n::setLanguage(Lang::kZh);
  // Each core.* line's English with distinct values in place of {N} comes
  // back as that line's Chinese with the same values: no line shadows another.
  size_t lines = 0;
  for (const auto& [key, en] : i18n::allStrings(Lang::kEn)) {
    std::string k = key;
    if (k.rfind("core.", 0) != 0 || k.size() > 4 && k.substr(k.size() - 4) == ".web") continue;
    std::string text = en;
    std::vector<std::string> values;
    for (int n = 1; n <= 9; ++n) values.push_back("值" + std::to_string(n));
    for (int n = 1; n <= 9; ++n) {
      std::string mark = "{" + std::to_string(n) + "}";
      for (size_t at; (at = text.find(mark)) != std::string::npos;)
        text.replace(at, mark.size(), values[size_t(n - 1)]);
    }
    INFO(k << ": " << text);
    CHECK(domainMessage(text) == i18n::trf(k, {values[0], values[1], values[2], values[3],
                                               values[4], values[5], values[6], values[7],
                                               values[8]}));
    ++lines;
  }
  CHECK(lines > 50);
  // Nested: a rating conflict inside the closing refusal, and an office's name.
  std::string nested = domainMessage(
      "the lead deputy's ratings of round 2 were recorded at the same time and differ "
      "(满意 0123456789ab, 不满意 ba9876543210): the office settles them first (renda suggestion "
      "settle ID --keep RATING), or give the office's reason for closing");
  CHECK_THAT(nested, Catch::StartsWith("领衔代表对第 2 轮的测评") &&
                         Catch::Contains("满意 0123456789ab") && Catch::EndsWith("或者填写办公室办结的理由"));
  CHECK(domainMessage("until it is registered, only 城关镇 or the county office may edit the "
                      "deputy's text of this suggestion") ==
        "登记之前，只有城关镇或县人大常委会办公室可以修改代表建议的内容");
  CHECK_THAT(domainMessage("the suggestion was registered (已登记, number 闭-2026-001) on "
                           "2026-03-01: from then on 'title', 'body' are 城关镇's presidium's to "
                           "correct (one writer per field group); ask 城关镇's presidium to make "
                           "the change"),
             Catch::Contains("2026-03-01 登记（编号 闭-2026-001）") &&
                 Catch::Contains("由城关镇人大主席团更正"));
  // The reception days' refusals as the parser words them.
  auto unread = domain::parseSchedule("每周一；每月三十五号");
  REQUIRE_FALSE(unread);
  CHECK_THAT(domainMessage(unread.status().message()),
             Catch::StartsWith("接待日“每月三十五号”看不懂：请写成 每周一"));
  auto none = domain::parseSchedule("");
  REQUIRE_FALSE(none);
  CHECK_THAT(domainMessage(none.status().message()), Catch::StartsWith("没有填写接待日"));
  // A refusal no line knows stays as the core words it.
  CHECK(domainMessage("something else entirely") == "something else entirely");
  i18n::setLanguage(was);
}

}  // namespace
}  // namespace renda::app
