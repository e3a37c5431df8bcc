// SPDX-License-Identifier: Apache-2.0
// The command line's own refusals read in Chinese under a zh_* locale and
// word for word as before in English: a mistake in the options (an unknown
// option with the nearest one, a short flag, a missing value, --data twice),
// setting a node up (init, enroll, join), accounts, bundles and sync, and the
// node's key files and enrollment.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <regex>
#include <string>
#include <vector>

#include "app/i18n/strings.h"
#include "tests/app/cli_fixtures.h"

namespace {

using namespace renda::clitest;

const std::vector<std::string> kZh = {"LC_ALL=zh_CN.UTF-8"};

// `renda args...` exits with `code` and says `en` under the harness's C
// locale, and `zh` (and not `en`) under zh_CN.
void saysBoth(Harness& h, const std::vector<std::string>& args, int code, const std::string& zh,
              const std::string& en) {
  Run e = h.run(args);
  INFO("renda " << Harness::join(args) << "\n" << e.describe());
  CHECK(e.code == code);
  CHECK_THAT(e.err, Catch::Contains(en));
  Run z = h.run(args, kZh);
  INFO("LC_ALL=zh_CN.UTF-8 renda " << Harness::join(args) << "\n" << z.describe());
  CHECK(z.code == code);
  CHECK_THAT(z.err, Catch::Contains(zh) && !Catch::Contains(en));
}

}  // namespace

TEST_CASE("String table: a page's .web line names no command-line flag or command",
          "[app][i18n]") {
  namespace i18n = renda::app::i18n;
  const std::regex commandLine("--[a-z]|renda [a-z]|RENDA_");
  size_t webLines = 0;
  for (auto lang : {i18n::Lang::kZh, i18n::Lang::kEn})
    for (const auto& [key, text] : i18n::allStrings(lang)) {
      std::string k = key;
      if (k.size() < 4 || k.compare(k.size() - 4, 4, ".web") != 0) continue;
      ++webLines;
      INFO(k << ": " << text);
      CHECK_FALSE(std::regex_search(text, commandLine));
      // Each is the page's text of a command-line line.
      CHECK(i18n::hasKey(k.substr(0, k.size() - 4)));
    }
  CHECK(webLines > 2 * 10);
  // Under the web's scope a node refusal gives that line: what to do on the page.
  i18n::WebMessages web;
  std::string frozen = i18n::trf("node.frozen", {"abcd1234", "signed two changes", "7", "ab"});
  CHECK_THAT(frozen, Catch::Contains("请联系县人大常委会办公室处理这个分叉") &&
                         !Catch::Contains("renda fork settle"));
}

TEST_CASE("renda CLI words: a mistake in the options reads in Chinese under zh_*",
          "[app][cli][i18n]") {
  Harness h;
  std::string dir = h.path("node");
  saysBoth(h, {"--data", dir, "suggestion", "list", "--state", "x"}, 1,
           "renda suggestion list：这个命令没有 --state 这个选项；是不是 --json？",
           "renda suggestion list: there is no option --state here; did you mean --json?");
  Run z = h.run({"--data", dir, "suggestion", "list", "--state", "x"}, kZh);
  CHECK_THAT(z.err, Catch::Contains("`renda suggestion list --help` 列出全部选项") &&
                        Catch::Contains("用法： renda suggestion list"));
  saysBoth(h, {"--data", dir, "deputy", "add", "--nmae", "张三"}, 1,
           "--nmae 既不是人大代表（deputy）的字段，也不是这个命令的选项；是不是 --name？",
           "--nmae is neither a field of 人大代表 (deputy) nor an option here; did you mean --name?");
  saysBoth(h, {"--data", dir, "status", "-x"}, 1, "-x 不是选项：选项要写全称",
           "-x is not an option: options are written in full");
  saysBoth(h, {"--data", dir, "status", "-o", "f"}, 1, "这个命令没有 -o（--output）选项",
           "there is no -o (--output) here");
  saysBoth(h, {"--data", dir, "deputy", "add", "--name"}, 1, "--name 后面要给出值（--name ",
           "--name needs a value (--name ");
  saysBoth(h, {"--data", dir, "deputy", "add", "--name", "--level", "县级"}, 1,
           "--name 后面要给出值，但下一个词 --level 是一个选项",
           "--name needs a value, but the next word --level is an option");
  saysBoth(h, {"--data", dir, "status", "--json=yes"}, 1, "--json 是开关，不带值",
           "--json takes no value");
  saysBoth(h, {"--data", dir, "status", "--data", dir}, 1,
           "renda status：--data 给了两次：只需给一次",
           "renda status: --data is given twice; give it once");
  saysBoth(h, {"--data"}, 1, "renda：--data 后面要给出数据文件夹",
           "renda: --data needs a folder, as in renda --data DIR COMMAND");
  saysBoth(h, {"--json", "status"}, 1, "renda：--json 要写在命令之后",
           "renda: --json goes after the command (only --data may come before it)");
}

TEST_CASE("renda CLI words: setting up, accounts, bundles and sync refuse in Chinese under zh_*",
          "[app][cli][i18n]") {
  Harness h;
  std::string dir = h.path("node");
  h.ok("node", {"init"});
  saysBoth(h, {"--data", dir, "init"}, 1, "这个数据文件夹已经有节点密钥",
           "this data folder already has a node key");
  saysBoth(h, {"--data", dir, "enroll", "--node", "abc", "-o", h.path("e.bundle")}, 1,
           "--node 须是那台电脑上 `renda init` 显示的 64 位节点密钥",
           "--node must be the 64-character node key `renda init` printed");
  saysBoth(h, {"--data", dir, "enroll", "--node", std::string(64, 'a'), "-o", h.path("e.bundle")},
           1, "请用 --township 给出这个节点所属的乡镇",
           "give the township with --township (e.g. --township 城关镇)");
  saysBoth(h, {"--data", dir, "join"}, 1, "请给出入网文件", "give the enrollment file");
  saysBoth(h, {"--data", dir, "revoke", "--node", std::string(64, 'a'), "--after", "x"}, 1,
           "--after 须是变更编号", "--after must be a change number (0 or more, digits only)");
  saysBoth(h, {"--data", dir, "account", "add", "--name", "clerk1"}, 1,
           "请给出账户的角色：--role admin（管理员）或 --role clerk（录入员）",
           "give the account's role: --role admin or --role clerk");
  saysBoth(h, {"--data", dir, "account", "password", "--name", "nobody"}, 1,
           "没有名为 nobody 的账户", "there is no account named nobody");
  saysBoth(h, {"--data", dir, "bundle", "import"}, 1, "请给出要导入的同步包文件",
           "give the bundle file to import");
  saysBoth(h, {"--data", dir, "summary"}, 1, "请用 -o 文件 给出要写入的文件",
           "give the file to write with -o FILE");
  saysBoth(h, {"--data", dir, "sync"}, 1, "请给出另一节点的地址：renda sync 主机:端口",
           "give the other node's address: renda sync HOST:PORT");
  saysBoth(h, {"--data", dir, "serve", "--discovery", "maybe"}, 1,
           "--discovery 只能是 on、off 或 loopback", "--discovery takes on, off or loopback");
  saysBoth(h, {"--data", dir, "fork", "settle", "--node", "abc"}, 1,
           "--node 须是 64 位的节点密钥（renda status 列出各节点的密钥）",
           "--node must be a 64-character node key (renda status lists it)");
  // What went right reads in Chinese too; the node key stays where scripts find it.
  Run made = h.run({"--data", h.path("zh"), "init"}, kZh);
  CHECK(made.code == 0);
  CHECK_THAT(made.out, Catch::Contains("已在 " + h.path("zh") + " 创建节点") &&
                           Catch::Contains("节点密钥：") && !Catch::Contains("Node key"));
  Run added = h.run({"--data", dir, "neighbour", "add", "127.0.0.1:7420"}, kZh);
  CHECK(added.code == 0);
  CHECK_THAT(added.out, Catch::Contains("已添加 127.0.0.1:7420。从现在起 renda serve 会与它同步。"));
  Run status = h.run({"--data", dir, "status"}, kZh);
  CHECK(status.code == 0);
  CHECK_THAT(status.out, Catch::Contains("数据文件夹：" + dir) && Catch::Contains("县：        （还没有入网）") &&
                             Catch::Contains("相邻节点：  127.0.0.1:7420；还没有尝试") &&
                             !Catch::Contains("Data folder"));
  CHECK_THAT(h.run({"--data", dir, "status"}).out,
             Catch::Contains("Data folder: " + dir) && Catch::Contains("County:      (not joined yet)") &&
                 Catch::Contains("Neighbours:  127.0.0.1:7420; not tried yet"));
}

TEST_CASE("renda CLI words: the node's key file and enrollment refuse in Chinese under zh_*",
          "[app][cli][i18n]") {
  Harness h;
  std::string dir = h.path("node");
  std::string key = nodeKeyFrom(h.ok("node", {"init"}).out);
  // A key file others can read is not used.
  std::string keyFile = dir + "/device.key";
  REQUIRE(::chmod(keyFile.c_str(), 0644) == 0);
  saysBoth(h, {"--data", dir, "county", "init", "--name", "示范县"}, 2,
           "密钥文件 " + keyFile + " 其他用户也能读取，为安全起见没有使用它：请运行 chmod 600 " +
               keyFile,
           "the key file " + keyFile + " can be read by other users; run: chmod 600 " + keyFile);
  REQUIRE(::chmod(keyFile.c_str(), 0600) == 0);
  // A node that has not joined cannot record.
  saysBoth(h, {"--data", dir, "deputy", "add", "--name", "张三", "--level", "县级"}, 2,
           "本节点还没有入网：请县人大常委会办公室为密钥 " + key + " 运行 `renda enroll`",
           "this node is not enrolled yet: the county office must run `renda enroll` for key " +
               key);
}

TEST_CASE("renda CLI words: records, the rota, exports, the log and the network refuse in Chinese",
          "[app][cli][i18n]") {
  Harness h;
  std::string dir = h.path("node");
  h.ok("node", {"init"});
  saysBoth(h, {"--data", dir, "deputy", "add", "--set", "nmae=张三"}, 1,
           "--set nmae：nmae 不是人大代表的字段；是不是 name？",
           "--set nmae: nmae is not a field of 人大代表; did you mean name?");
  saysBoth(h, {"--data", dir, "deputy", "add", "--set", "=张三"}, 1,
           "--set 要写成 字段名=值", "--set takes NAME=VALUE");
  saysBoth(h, {"--data", dir, "schedule"}, 1, "请给出代表之家/代表联络站的名称或编号",
           "give the station's name or number");
  saysBoth(h, {"--data", dir, "export", "summary", "-o", h.path("out.txt")}, 1,
           "文件名须以 .xlsx 或 .csv 结尾", "the file must end in .xlsx or .csv");
  saysBoth(h, {"--data", dir, "log"}, 1, "请给出记录的编号，或 --node 节点密钥",
           "give a record number, or --node KEY");
  saysBoth(h, {"--data", dir, "issue", "to-suggestion"}, 1, "请给出社情民意的编号",
           "give the issue's number");
  // The network: an address, a neighbour, a node that has not joined.
  saysBoth(h, {"--data", dir, "sync", "nohost"}, 1, "“nohost”不是地址：请写成 主机:端口",
           "\"nohost\" is not an address: write HOST:PORT");
  saysBoth(h, {"--data", dir, "sync", "127.0.0.1:0"}, 1, "“0”不是端口",
           "\"0\" is not a port: give a number from 1 to 65535");
  saysBoth(h, {"--data", dir, "neighbour", "remove", "127.0.0.1:7420"}, 1,
           "127.0.0.1:7420 不是相邻节点", "127.0.0.1:7420 is not a neighbour");
  saysBoth(h, {"--data", dir, "sync", "127.0.0.1:7420"}, 2, "本节点还没有加入县的网络",
           "this node has not joined a county network yet");
}

TEST_CASE("renda CLI words: a revoked node's refusal and a new key read in Chinese under zh_*",
          "[app][cli][i18n]") {
  County county;
  Harness& h = county.h;
  std::string key = h.json("t1", {"status"})["node"].str;
  h.ok("county", {"revoke", "--node", key, "--after", "0", "--reason", "换机"});
  hop(h, "county", "t1", "revoke");
  std::vector<std::string> add = {"--data", h.path("t1"), "deputy", "add", "--name", "张三",
                                  "--level", "乡镇级", "--township", "城关镇"};
  saysBoth(h, add, 2, "县人大常委会办公室已吊销本机的密钥 " + key.substr(0, 8),
           "the county office revoked this computer's key " + key.substr(0, 8));
  Run zh = h.run(add, kZh);
  CHECK_THAT(zh.err, Catch::Contains("（理由：换机），没有记录任何内容") &&
                         Catch::Contains("要继续在本机录入，须由县人大常委会办公室为本机重新办理入网"));
  Run en = h.run(add);
  CHECK_THAT(en.err, Catch::Contains("(换机); nothing was recorded") &&
                         Catch::Contains("To go on writing from this computer, the county office "
                                         "must enroll this computer anew"));
  // t2 asks for a new key.
  Run rotated = h.run({"--data", h.path("t2"), "key", "rotate"}, kZh);
  INFO(rotated.describe());
  CHECK(rotated.code == 0);
  CHECK_THAT(rotated.out, Catch::Contains("本节点现在用 ") && Catch::Contains("签名（由旧密钥 "));
}
