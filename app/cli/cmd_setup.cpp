// SPDX-License-Identifier: Apache-2.0
// Setting a node up: init, county init, enroll, join, revoke.
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <fstream>

#include "app/node/bundles.h"
#include "app/cli/cli.h"
#include "app/i18n/strings.h"
#include "core/crypto.h"

namespace renda::app {

namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Passphrase newPassphrase(const Args& args) {
  if (!args.has("passphrase")) return Passphrase();
  return askPassphrase(i18n::tr("cli.setup.ask-new-passphrase"));
}

Status init(Node& node, const Args& args, bool quiet) {
  if (exists(node.devicePath()))
    return Status::usage(i18n::trf("cli.setup.has-key", {node.devicePath()}));
  SecretKey key = crypto::generateSigningKey();
  Passphrase passphrase = newPassphrase(args);
  if (args.has("passphrase") && passphrase.empty())
    return Status::usage(i18n::tr("cli.setup.no-passphrase"));
  RENDA_TRY(writeKeyFile(node.devicePath(), key, passphrase.text()));
  // The encryption key (X25519) that personal fields are sealed to; separate
  // from the signing key, announced once the node is enrolled.
  RENDA_TRY(node.makeEncryptionKey(passphrase.text()));
  RENDA_TRY(node.store().setDeviceKey(key.publicKey()));
  if (!quiet)
    std::printf("%s\n",
                i18n::trf("cli.setup.created", {node.dir(), toHex(key.publicKey())}).c_str());
  return Status::ok();
}

// --admin NAME: the first web account (an admin), its password asked for
// before anything is written, so a failure leaves the folder as it was.
Result<std::optional<Passphrase>> firstAdminPassword(const Args& args) {
  auto admin = args.get("admin");
  if (!admin) return std::optional<Passphrase>();
  RENDA_TRY(checkAccountName(*admin));
  auto password = newAccountPassword(*admin);
  if (!password) return password.status();
  return std::optional<Passphrase>(std::move(*password));
}

Status addFirstAdmin(const Args& args, const std::optional<Passphrase>& password) {
  if (!password) return Status::ok();
  return addAccount(dataDirFrom(args), *args.get("admin"), AccountRole::kAdmin, *password,
                    args.has("quiet"));
}

Status cmdInit(const Args& args) {
  auto password = firstAdminPassword(args);
  if (!password) return password.status();
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  RENDA_TRY(init(**node, args, args.has("quiet")));
  return addFirstAdmin(args, *password);
}

Status cmdCountyInit(const Args& args) {
  auto name = args.get("name");
  if (!name || name->empty()) return Status::usage(i18n::tr("cli.setup.give-county"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  if (n.store().network()) return Status::usage(i18n::tr("cli.setup.in-network"));
  auto adminPassword = firstAdminPassword(args);
  if (!adminPassword) return adminPassword.status();
  if (!exists(n.devicePath())) RENDA_TRY(init(n, args, true));
  if (exists(n.rootPath())) return Status::usage(i18n::tr("cli.setup.has-root"));
  // The device key signs the county's first change: open it (passphrase and
  // all) before anything is written, so a failure leaves the folder as it was.
  auto key = n.deviceKey();
  if (!key) return key.status();
  SecretKey root = crypto::generateSigningKey();
  Passphrase passphrase = newPassphrase(args);
  RENDA_TRY(writeKeyFile(n.rootPath(), root, passphrase.text()));
  storage::NetworkInfo info;
  randombytes_buf(info.network.data(), info.network.size());
  // The network's secret: the sync handshake's pre-shared key, given to each
  // node in its enrollment file.
  NetworkSecret secret;
  randombytes_buf(secret.data(), secret.size());
  Status wrote = writeNetworkKeyFile(n.networkKeyPath(), info.network, secret, passphrase.text());
  sodium_memzero(secret.data(), secret.size());
  RENDA_TRY(wrote);
  info.root = root.publicKey();
  info.countyName = *name;
  RENDA_TRY(n.store().setNetwork(info));
  storage::LocalEdit edit;
  edit.op = OpKind::kCertificate;
  edit.certificate = makeCertificate(info.network, (*key)->publicKey(), root, "", Role::kCounty,
                                     0, 0, args.get("label").value_or("县人大常委会办公室"));
  auto id = n.write(edit);
  if (!id) return id.status();
  RENDA_TRY(n.announceEncryptionKey());
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.setup.county-created",
                                  {*name, shortKey(info.root), n.rootPath(),
                                   fingerprint(info.root), shortKey((*key)->publicKey())})
                           .c_str());
  return addFirstAdmin(args, *adminPassword);
}

Status cmdEnroll(const Args& args) {
  auto nodeKey = args.get("node");
  auto out = args.get("output");
  if (!nodeKey || !out) return Status::usage(i18n::tr("cli.setup.give-node-file"));
  auto subject = fixedFromHex<PublicKey>(*nodeKey);
  if (!subject) return Status::usage(i18n::tr("cli.setup.node-key"));
  Role role = Role::kTownship;
  if (auto r = args.get("role")) {
    if (*r == "county") role = Role::kCounty;
    else if (*r != "township") return Status::usage(i18n::tr("cli.setup.role"));
  }
  std::string township = args.get("township").value_or("");
  if (role == Role::kTownship && township.empty())
    return Status::usage(i18n::tr("cli.setup.give-township"));
  if (role == Role::kCounty) township.clear();
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto net = n.store().network();
  if (!net) return net.status();
  auto root = n.rootKey();
  if (!root) return root.status();
  uint64_t now = Node::nowMs();
  uint64_t until = 0;
  if (auto d = args.get("days")) {
    // At most a hundred years: a slip of the keyboard never wraps round to an
    // enrollment that has already ended.
    auto days = wholeNumber(*d, 36500);
    if (!days || *days == 0)
      return Status::usage(i18n::tr("cli.setup.days"));
    until = now + *days * 86400000ull;
  }
  storage::LocalEdit edit;
  edit.op = OpKind::kCertificate;
  // Valid from a day back, so a township laptop whose clock is a little slow can start at once.
  edit.certificate = makeCertificate(net->network, *subject, *root, township, role,
                                     now > 86400000ull ? now - 86400000ull : 0, until,
                                     args.get("label").value_or(township.empty() ? "县级节点"
                                                                                 : township + "人大"));
  // The enrollment file carries the network's secret (so the node can sync);
  // a county made before there was one enrolls without it.
  std::optional<NetworkSecret> secret;
  auto read = readNetworkKeyFile(n.networkKeyPath(), net->network);
  if (read) secret = *read;
  else if (read.status().code() != Code::kNotFound) return read.status();
  auto id = n.write(edit);
  if (!id) return id.status();
  auto exported = exportBundle(n, {}, *out, secret ? &*secret : nullptr);
  if (secret) sodium_memzero(secret->data(), secret->size());
  if (!exported) return exported.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.setup.enrolled",
                                  {shortKey(*subject),
                                   township.empty() ? i18n::tr("cli.setup.the-county") : township,
                                   *out})
                           .c_str());
  return Status::ok();
}

// Keeps the county network's secret in this node's folder, sealed like its
// device key.
Status keepNetworkSecret(Node& n, const NetworkId& network, const NetworkSecret& secret) {
  auto sealed = keyFileSealed(n.devicePath());
  if (!sealed) return sealed.status();
  Passphrase passphrase = *sealed ? askPassphrase(i18n::tr("cli.setup.ask-network-passphrase"))
                                  : Passphrase();
  if (*sealed && passphrase.text().empty())
    return Status::refused(i18n::tr("cli.setup.seal-network-key"));
  return writeNetworkKeyFile(n.networkKeyPath(), network, secret, passphrase.text());
}

// `renda join --network-key FILE` on a node that joined before enrollment
// files carried the network's secret.
Status joinNetworkKey(Node& n, const std::string& path, bool quiet) {
  auto net = n.store().network();
  if (!net)
    return Status::usage(i18n::tr("cli.setup.not-joined"));
  auto secret = readNetworkKeyFile(path, net->network);
  if (!secret) return secret.status();
  Status kept = keepNetworkSecret(n, net->network, *secret);
  sodium_memzero(secret->data(), secret->size());
  RENDA_TRY(kept);
  if (!quiet)
    std::printf("%s\n", i18n::trf("cli.setup.holds-network-key", {net->countyName}).c_str());
  return Status::ok();
}

Status cmdJoin(const Args& args) {
  if (auto networkKey = args.get("network-key")) {
    if (!args.positional.empty())
      return Status::usage(i18n::tr("cli.setup.file-or-key"));
    auto node = Node::open(dataDirFrom(args));
    if (!node) return node.status();
    return joinNetworkKey(**node, *networkKey, args.has("quiet"));
  }
  if (args.positional.size() != 1) return Status::usage(i18n::tr("cli.setup.give-file"));
  const std::string& path = args.positional[0];
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  if (n.store().network()) return Status::usage(i18n::tr("cli.setup.in-network"));
  auto adminPassword = firstAdminPassword(args);
  if (!adminPassword) return adminPassword.status();
  auto self = n.store().deviceKey();
  if (!self) return self.status();
  auto info = net::checkBundle(path, nullptr);
  if (!info) return info.status();
  // Make sure the file enrolls this node before changing anything.
  bool enrolled = false, enrolledNow = false;
  uint64_t untilMs = 0;  // the latest end of an enrollment of this node in the file
  const uint64_t now = Node::nowMs();
  RENDA_TRY(net::readBundle(path, 4096, 8 << 20, [&](const std::vector<std::string>& batch) {
    for (const auto& e : batch) {
      auto env = decodeEnvelope(crypto::asBytes(e));
      if (!env) continue;
      auto c = decodeChange(crypto::asBytes(env->body));
      if (!c || c->op != OpKind::kCertificate) continue;
      auto cert = openCertificate(info->header.network, crypto::asBytes(c->certificate->body),
                                  c->certificate->sig);
      if (!cert || cert->subject != *self || cert->issuer != info->header.rootKey) continue;
      enrolled = true;
      if (now >= cert->validFromMs && (cert->validUntilMs == 0 || now <= cert->validUntilMs))
        enrolledNow = true;
      untilMs = std::max(untilMs, cert->validUntilMs);
    }
    return Status::ok();
  }));
  if (!enrolled)
    return Status::refused(i18n::trf("cli.setup.not-for-this", {path, shortKey(*self)}));
  if (!enrolledNow)
    return Status::refused(i18n::trf(
        "cli.setup.not-now",
        {path, shortKey(*self), formatTime(now),
         untilMs && untilMs < now ? i18n::trf("cli.setup.ended", {formatTime(untilMs)})
                                  : std::string(),
         toHex(*self)}));
  // The file names the county key this node will trust from now on; only the
  // county office can say whether it is theirs.
  const std::string print = fingerprint(info->header.rootKey);
  if (auto expected = args.get("fingerprint")) {
    std::string given;
    for (char ch : *expected)
      if (std::isxdigit(static_cast<unsigned char>(ch)))
        given += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string key = toHex(info->header.rootKey);
    if (given.size() != 20 && given.size() != key.size())
      return Status::usage(i18n::tr("cli.setup.fingerprint"));
    if (key.compare(0, given.size(), given) != 0)
      return Status::refused(i18n::trf("cli.setup.other-county", {path, print, *expected}));
  }
  storage::NetworkInfo ni{info->header.network, info->header.rootKey, info->header.countyName};
  RENDA_TRY(n.store().setNetwork(ni));
  auto imported = importBundle(n, path, true);
  if (!imported) {
    // Leave the node as it was, so `renda join` can be run again.
    (void)n.store().clearNetwork();
    return imported.status();
  }
  if (info->header.networkSecret) {
    Status kept = keepNetworkSecret(n, ni.network, *info->header.networkSecret);
    sodium_memzero(info->header.networkSecret->data(), info->header.networkSecret->size());
    RENDA_TRY(kept);
  }
  auto m = n.self();
  if (!m) return m.status();
  // Announce this node's encryption key, so the county office and the other
  // nodes of this township can seal personal fields to it.
  RENDA_TRY(n.announceEncryptionKey());
  if (!args.has("quiet")) {
    std::printf("%s\n",
                i18n::trf("cli.setup.joined",
                          {ni.countyName,
                           m->township.empty() ? i18n::tr("core.the-county-office") : m->township,
                           m->label, std::to_string(imported->report.added)})
                    .c_str());
    std::printf("%s\n", i18n::trf("cli.setup.fingerprint-is", {print}).c_str());
    if (!info->header.networkSecret) std::printf("%s\n", i18n::tr("cli.setup.joined-no-key"));
    if (!args.get("fingerprint")) std::printf("%s\n", i18n::tr("cli.setup.compare-fingerprint"));
  }
  return Status::ok();
}

Status cmdCountyNetworkKey(const Args& args) {
  auto out = args.get("output");
  if (!out) return Status::usage(i18n::tr("cli.err.give-output"));
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto net = n.store().network();
  if (!net) return net.status();
  auto secret = readNetworkKeyFile(n.networkKeyPath(), net->network);
  if (!secret && secret.status().code() == Code::kNotFound)
    return Status::refused(i18n::tr("cli.setup.no-network-key"));
  if (!secret) return secret.status();
  Status wrote = writeNetworkKeyFile(*out, net->network, *secret, "");
  sodium_memzero(secret->data(), secret->size());
  RENDA_TRY(wrote);
  if (!args.has("quiet"))
    std::printf("%s\n",
                i18n::trf("cli.setup.wrote-network-key", {net->countyName, *out}).c_str());
  return Status::ok();
}

Status cmdRevoke(const Args& args) {
  auto nodeKey = args.get("node");
  auto after = args.get("after");
  if (!nodeKey || !after)
    return Status::usage(i18n::tr("cli.setup.give-node-after"));
  auto subject = fixedFromHex<PublicKey>(*nodeKey);
  if (!subject) return Status::usage(i18n::tr("cli.setup.node-key-64"));
  auto parsed = wholeNumber(*after, UINT64_MAX);
  if (!parsed) return Status::usage(i18n::tr("cli.setup.after"));
  uint64_t cutoff = *parsed;
  auto node = Node::open(dataDirFrom(args));
  if (!node) return node.status();
  Node& n = **node;
  auto net = n.store().network();
  if (!net) return net.status();
  auto root = n.rootKey();
  if (!root) return root.status();
  // The revocation pins the last valid change by number and id, and depends
  // on it, so every node that takes the revocation holds that change.
  std::optional<ChangeId> pin;
  if (cutoff > 0) {
    auto held = n.store().changesNumbered(*subject, cutoff);
    if (!held) return held.status();
    if (held->empty())
      return Status::refused(i18n::trf("cli.setup.revoke-missing",
                                       {std::to_string(cutoff), shortKey(*subject)}));
    // Of a fork, the change the county's settlement keeps at that number; of
    // a hand-over beside the node's changes, the change on its line (not the
    // hand-over's certificate).
    auto m = n.store().membership(*subject);
    if (!m) return m.status();
    std::vector<ChangeId> onLine;
    for (const auto& id : *held) {
      const auto& side = *m ? (*m)->line.sideIds : std::vector<ChangeId>{};
      if (held->size() == 1 ||
          (*m && (!(*m)->frozenFromSeq || (*m)->settledHead) && (*m)->onLine(cutoff, id) &&
           std::find(side.begin(), side.end(), id) == side.end()))
        onLine.push_back(id);
    }
    if (onLine.size() == 1) pin = onLine.front();
    if (!pin)
      return Status::refused(
          i18n::trf("cli.setup.revoke-fork",
                    {shortKey(*subject), std::to_string(held->size()), std::to_string(cutoff)}));
  }
  storage::LocalEdit edit;
  edit.op = OpKind::kRevocation;
  edit.revocation = makeRevocation(net->network, *subject, cutoff, pin,
                                   args.get("reason").value_or(""), *root);
  if (pin) edit.extraDeps.push_back(*pin);
  // A hand-over the node made beside its changes (after a restore) counts
  // under a revocation only if the revocation names it: the county has seen
  // it and keeps the new key (a thief's copy of the old key cannot add one).
  size_t kept = 0;
  if (args.has("keep-successor")) {
    auto m = n.store().membership(*subject);
    if (!m) return m.status();
    if (*m) {
      for (const auto& side : (*m)->line.sideIds) edit.extraDeps.push_back(side);
      kept = (*m)->line.sideIds.size();
    }
    if (!kept)
      return Status::usage(
          i18n::trf("cli.setup.no-successor", {shortKey(*subject), std::to_string(cutoff)}));
  }
  auto id = n.write(edit);
  if (!id) return id.status();
  if (!args.has("quiet"))
    std::printf("%s\n", i18n::trf("cli.setup.revoked",
                                  {shortKey(*subject), std::to_string(cutoff)}).c_str());
  if (kept && !args.has("quiet"))
    std::printf("%s\n", i18n::trf(kept == 1 ? "cli.setup.kept-successor-one"
                                            : "cli.setup.kept-successors",
                                  {std::to_string(kept)}).c_str());
  return Status::ok();
}

}  // namespace

void addSetupCommands(std::vector<Command>& out) {
  const Option quiet{"quiet", "", "print nothing when it worked"};
  const Option passphrase{"passphrase", "",
                          "seal the key files with a passphrase (typed at the terminal, or "
                          "RENDA_PASSPHRASE); asked for whenever a key is used"};
  const Option admin{"admin", "NAME",
                     "also make the first web account, an admin (password from RENDA_PASSWORD, "
                     "or typed); else later with renda account add"};
  out.push_back({"init", "create this node's key and store", "init [--passphrase] [--admin NAME]",
                 cmdInit, {passphrase, admin, quiet}});
  out.push_back({"county init", "create the county network (county office only)",
                 "county init --name 县名 [--label TEXT] [--passphrase] [--admin NAME]",
                 cmdCountyInit,
                 {{"name", "县名", "the county's name (needed)"},
                  {"label", "TEXT", "this node's name in logs (default 县人大常委会办公室)"},
                  passphrase,
                  admin,
                  quiet}});
  out.push_back({"enroll", "admit a node to the county network (county office)",
                 "enroll --node KEY --township 乡镇名 [--role township|county] [--label TEXT] "
                 "[--days N] -o FILE",
                 cmdEnroll,
                 {{"node", "KEY", "the node key that `renda init` printed on that laptop (needed)"},
                  {"township", "乡镇名", "the township the node writes for (needed for a township)"},
                  {"role", "township|county", "a township node (default) or another county node"},
                  {"label", "TEXT", "the node's name in logs (default 乡镇名人大)"},
                  {"days", "N", "the enrollment ends after N days (default: never)"},
                  {"output", "FILE", "the enrollment file to write (needed)"},
                  quiet}});
  out.push_back({"join", "join the county network with the enrollment file",
                 "join FILE [--fingerprint XXXX-XXXX-XXXX-XXXX-XXXX] | join --network-key FILE",
                 cmdJoin,
                 {{"fingerprint", "XXXX-XXXX-XXXX-XXXX-XXXX",
                   "the county key's fingerprint as the county office read it out: join only "
                   "if the file's county key has it"},
                  {"network-key", "FILE",
                   "on a node that joined already: keep the network key the county office wrote "
                   "with renda county network-key"},
                  quiet}});
  out.push_back({"county network-key", "write the network's key for a node that joined without "
                                       "it (county office)",
                 "county network-key -o FILE", cmdCountyNetworkKey,
                 {{"output", "FILE", "the file to write (a secret: mode 0600) (needed)"}, quiet}});
  out.push_back({"revoke", "revoke a node's key after a given change (county office)",
                 "revoke --node KEY --after N [--reason TEXT] [--keep-successor]", cmdRevoke,
                 {{"node", "KEY", "the node key to revoke (needed)"},
                  {"after", "N", "the number of its last change to keep (needed)"},
                  {"reason", "TEXT", "why, for the log"},
                  {"keep-successor", "",
                   "keep the new key the node handed over to after a restore (renda status "
                   "shows the hand-over)"},
                  quiet}});
}

}  // namespace renda::app
