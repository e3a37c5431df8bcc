// SPDX-License-Identifier: Apache-2.0
// bench_sync: two `renda` processes syncing over loopback (Noise sessions on
// TCP), measured from outside. Everything is set up through the CLI: a county
// office A (`renda county init`) and a township node B (`renda init`,
// `renda enroll`, `renda join`). A then imports N changes of the bench
// generator (bench/generator.h), written by a second county-office machine
// and T townships that A's root key certifies (read from county-root.key),
// with `renda bundle import`. Then, each with `renda serve` on A and
// `renda sync` from B:
//   full         B (empty) gets all N: wall of the sync process, the session
//                time it reports, bytes each way, peak RSS of both processes
//   incremental  A and B each write d new changes with their own device keys
//                (Node::writeBatch), then one session: wall and bytes against
//                1.1 x the missing envelopes + 64 bytes per author; R rounds
//   summary      a separate county pair holding the same A authors (4,000,
//                each certified and with one change, the same bytes imported
//                into both); then C of them write one change on A: bytes each way
//   status       `renda status` on A: the whole process, page cache warm, and
//                with data.mdb dropped from the cache
// Usage: bench_sync N [--dir DIR] [--keep] [--townships T] [--seed S] [--d D]
//                     [--rounds R] [--authors A] [--changed C] [--only PARTS]
//                     [--renda PATH]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/node/node.h"
#include "bench/generator.h"
#include "bench/measure.h"
#include "core/crypto.h"
#include "net/files.h"
#include "storage/store.h"

#ifndef RENDA_BUILD_TYPE
#define RENDA_BUILD_TYPE "unknown"
#endif
#ifndef RENDA_BIN
#error "RENDA_BIN must name the renda binary (bench/CMakeLists.txt sets it)"
#endif

extern char** environ;

namespace renda::bench {
namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Options {
  uint64_t n = 0;
  std::string dir;
  bool dirGiven = false, keep = false;
  uint64_t townships = 8;
  uint64_t seed = 1;
  uint64_t d = 100;
  uint64_t rounds = 5;
  uint64_t authors = 4000;
  uint64_t changed = 10;
  std::string only;  // empty: every part
  std::string renda = RENDA_BIN;  // the renda binary to measure
  bool wants(const std::string& part) const {
    return only.empty() || only.find(part) != std::string::npos;
  }
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_sync: %s\n", what.c_str());
  std::exit(3);
}
void check(const Status& s, const std::string& what) {
  if (!s) die(what + ": " + s.toString());
}

// --- running renda --------------------------------------------------------------

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Run {
  int code = -1;
  std::string out, err;
  double wallMs = 0;  // spawn to exit: exec, loading, opening the store and all
  // wait4 ru_maxrss. WARNING: Linux keeps in it the resident set of the image
  // the process replaced at exec, and a posix_spawn()ed child replaces this
  // bench's: it is at least this bench's size at the spawn.
  long maxRssKb = 0;
  long hwmKb = 0;     // VmHWM, the peak of renda's own image, read while it ran
  long anonKb = 0, fileKb = 0;  // sampled peaks
  std::string command;
};

class Renda {
 public:
  Renda(std::string bin, std::string dir) : bin_(std::move(bin)), dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // Starts `renda args...` with stdout and stderr in files named after `tag`.
  pid_t spawn(const std::vector<std::string>& args, const std::string& tag) {
    std::vector<std::string> argv = {bin_};
    argv.insert(argv.end(), args.begin(), args.end());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, (dir_ + "/" + tag + ".out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, (dir_ + "/" + tag + ".err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, bin_.c_str(), &fa, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) die(std::string("cannot start renda: ") + std::strerror(rc));
    return pid;
  }
  Run wait(pid_t pid, const std::string& tag, Clock::time_point t0) {
    int status = 0;
    rusage ru{};
    if (wait4(pid, &status, 0, &ru) != pid) die("wait4 failed");
    Run r;
    r.wallMs = msSince(t0);
    r.maxRssKb = ru.ru_maxrss;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = readFile(dir_ + "/" + tag + ".out");
    r.err = readFile(dir_ + "/" + tag + ".err");
    return r;
  }
  // Runs `renda args...` to its end, sampling its memory.
  Run run(const std::vector<std::string>& args, const std::string& tag = "cmd") {
    auto t0 = Clock::now();
    pid_t pid = spawn(args, tag);
    RssSampler sampler(pid, 20);
    Run r = wait(pid, tag, t0);
    sampler.stopNow();
    r.anonKb = sampler.maxAnonKb();
    r.fileKb = sampler.maxFileKb();
    r.hwmKb = sampler.maxHwmKb();
    r.command = describe(args);
    return r;
  }
  Run ok(const std::vector<std::string>& args, const std::string& tag = "cmd") {
    Run r = run(args, tag);
    if (r.code != 0)
      die(r.command + " exited " + std::to_string(r.code) + "\n" + r.out + r.err);
    return r;
  }
  std::string describe(const std::vector<std::string>& args) const {
    std::string s = "renda";
    for (const auto& a : args) s += " " + a;
    return s;
  }

 private:
  std::string bin_, dir_;
};

// `renda serve` on a node, listening on a loopback port the system picks.
class Server {
 public:
  Server(Renda& renda, const std::string& dataDir, const std::string& tag)
      : renda_(renda), tag_(tag), errPath_(renda.dir() + "/" + tag + ".err") {
    args_ = {"--data", dataDir, "serve", "--listen", "127.0.0.1:0", "--discovery", "off"};
    t0_ = Clock::now();
    pid_ = renda.spawn(args_, tag);
    sampler_ = std::make_unique<RssSampler>(pid_, 20);
    // Its first stderr line says where it listens.
    for (int i = 0; i < 3000 && port_.empty(); ++i) {
      std::string err = readFile(errPath_);
      size_t at = err.find("listening on 127.0.0.1:");
      if (at != std::string::npos) {
        size_t from = at + std::strlen("listening on 127.0.0.1:");
        size_t to = err.find_first_not_of("0123456789", from);
        if (to != std::string::npos) port_ = err.substr(from, to - from);
      }
      if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (port_.empty()) die("renda serve did not say where it listens:\n" + readFile(errPath_));
  }
  ~Server() {
    if (pid_ > 0) stop();
  }
  std::string address() const { return "127.0.0.1:" + port_; }
  std::string command() const { return renda_.describe(args_); }
  // SIGTERM, then the figures of its whole life.
  Run stop() {
    long hwm = procStatusKb(pid_, "VmHWM");
    sampler_->stopNow();
    ::kill(pid_, SIGTERM);
    Run r = renda_.wait(pid_, tag_, t0_);
    r.anonKb = sampler_->maxAnonKb();
    r.fileKb = sampler_->maxFileKb();
    r.hwmKb = std::max(sampler_->maxHwmKb(), hwm);
    r.command = command();
    pid_ = -1;
    return r;
  }

 private:
  Renda& renda_;
  std::string tag_, errPath_;
  std::vector<std::string> args_;
  Clock::time_point t0_;
  pid_t pid_ = -1;
  std::string port_;
  std::unique_ptr<RssSampler> sampler_;
};

// What `renda sync --json` prints; a flat object of numbers and booleans.
double jsonNumber(const std::string& json, const std::string& key) {
  size_t at = json.find("\"" + key + "\":");
  if (at == std::string::npos) die("no " + key + " in " + json);
  return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

struct SyncRun {
  Run sync, serve;
  double sessionMs = 0, sent = 0, received = 0, bytesSent = 0, bytesReceived = 0;
};

// One session: `renda serve` on `a`, `renda sync` from `b`.
SyncRun syncOnce(Renda& renda, const std::string& a, const std::string& b) {
  Server server(renda, a, "serve");
  SyncRun s;
  s.sync = renda.run({"--data", b, "sync", server.address(), "--json"}, "sync");
  // The server notes the session after its goodbye; let it finish that.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  s.serve = server.stop();
  if (s.sync.code != 0 || s.sync.out.find("\"ok\":true") == std::string::npos)
    die(s.sync.command + " failed (exit " + std::to_string(s.sync.code) + "):\n" + s.sync.out +
        s.sync.err + "\nserver:\n" + s.serve.err);
  s.sessionMs = jsonNumber(s.sync.out, "ms");
  s.sent = jsonNumber(s.sync.out, "sent");
  s.received = jsonNumber(s.sync.out, "received");
  s.bytesSent = jsonNumber(s.sync.out, "bytesSent");
  s.bytesReceived = jsonNumber(s.sync.out, "bytesReceived");
  return s;
}

std::string firstLines(const std::string& text, size_t max) {
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < max && pos < text.size(); ++i) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    out += "     | " + text.substr(pos, end - pos) + "\n";
    pos = end + 1;
  }
  return out;
}

// --- the county -------------------------------------------------------------------

// A county office `a` and a township node `b` (城关镇), through the CLI.
void makeCounty(Renda& renda, const std::string& a, const std::string& b) {
  renda.ok({"--data", a, "county", "init", "--name", "示范县"});
  Run init = renda.ok({"--data", b, "init"});
  size_t at = init.out.find("Node key: ");
  if (at == std::string::npos) die("renda init printed no node key:\n" + init.out);
  std::string key = init.out.substr(at + 10, 64);
  std::string enroll = b + ".enroll";
  renda.ok({"--data", a, "enroll", "--node", key, "--township", "城关镇", "-o", enroll});
  renda.ok({"--data", b, "join", enroll});
}

// The county's network and root key, as a county office holds them.
GenNetwork countyNetwork(const std::string& a) {
  auto store = storage::Store::open(a);
  if (!store) die("opening " + a + ": " + store.status().toString());
  auto info = (*store)->network();
  if (!info) die("reading the network: " + info.status().toString());
  auto root = app::readKeyFile(a + "/county-root.key");
  if (!root) die("reading county-root.key: " + root.status().toString());
  GenNetwork out;
  out.id = info->network;
  out.root = std::move(*root);
  out.countyName = info->countyName;
  return out;
}

std::unique_ptr<net::BundleWriter> bundleFor(const GenNetwork& net, const std::string& path,
                                             const SecretKey& producer) {
  net::BundleHeader header;
  header.network = net.id;
  header.producer = producer.publicKey();
  header.createdMs = kBaseMs;
  header.countyName = net.countyName;
  header.rootKey = net.root.publicKey();
  auto w = net::BundleWriter::create(path, header, producer);
  if (!w) die("creating " + path + ": " + w.status().toString());
  return std::move(*w);
}

// Fills `a` with N changes of the generator; returns the average envelope size.
double fill(Renda& renda, const Options& o, const std::string& a) {
  GenNetwork net = countyNetwork(a);
  std::vector<GenAuthor> authors = countyAuthors("renda-bench-sync author", o.townships);
  std::string path = o.dir + "/changes.bundle";
  auto t0 = Clock::now();
  auto writer = bundleFor(net, path, authors[0].key);
  GenOptions go;
  go.changes = o.n;
  go.seed = o.seed;
  auto counts = generateChanges(net, authors, go, [&](const std::string& e) {
    return writer->addChange(e);
  });
  if (!counts) die("generating: " + counts.status().toString());
  check(writer->finish(), "finishing the bundle");
  double genMs = msSince(t0);
  Run imp = renda.ok({"--data", a, "bundle", "import", path, "--json"});
  std::printf("-- setup (in no figure): %llu changes by %zu authors (%llu creates, %llu edits, "
              "%llu certificates), %.0f B/envelope, bundle %.1f MB made in %.1f s; imported into "
              "A in %.1f s\n   [%s]\n",
              static_cast<unsigned long long>(counts->changes), authors.size(),
              static_cast<unsigned long long>(counts->creates),
              static_cast<unsigned long long>(counts->edits),
              static_cast<unsigned long long>(counts->certificates),
              double(counts->envelopeBytes) / double(counts->changes),
              double(writer->bytesWritten()) / 1e6, genMs / 1e3, imp.wallMs / 1e3,
              imp.command.c_str());
  if (jsonNumber(imp.out, "added") != double(counts->changes) || jsonNumber(imp.out, "notApplied"))
    std::printf("   WARNING: the import did not add and apply every change: %s", imp.out.c_str());
  std::filesystem::remove(path);
  return double(counts->envelopeBytes) / double(counts->changes);
}

std::string digestOf(Renda& renda, const std::string& node) {
  return renda.ok({"--data", node, "digest"}).out;
}

void printMemory(const char* who, const Run& r) {
  std::printf("   peak RSS %-10s %8.1f MB  (VmHWM, sampled every 20 ms; of it, sampled peaks: anon "
              "%.1f MB, file-backed = mapped store pages %.1f MB; ru_maxrss %.1f MB)\n",
              who, double(r.hwmKb) / 1024, double(r.anonKb) / 1024, double(r.fileKb) / 1024,
              double(r.maxRssKb) / 1024);
}

// --- full sync -------------------------------------------------------------------

void benchFull(Renda& renda, const Options& o, const std::string& a, const std::string& b,
               double envelopeBytes) {
  SyncRun s = syncOnce(renda, a, b);
  double goalS = o.n >= 1000000 ? 20 : o.n >= 100000 ? 2 : 0;
  std::printf("-- full sync: B (enrolled, empty) gets everything A holds\n   [%s]\n   [%s]\n",
              s.serve.command.c_str(), s.sync.command.c_str());
  std::printf("   wall, sync process     %8.2f s  (exec to exit%s)\n", s.sync.wallMs / 1e3,
              goalS ? (std::string("; goal <= ") + std::to_string(int(goalS)) + " s").c_str() : "");
  std::printf("   session, as reported   %8.2f s  (handshake to goodbye; %.0f changes/s)\n",
              s.sessionMs / 1e3, s.received / (s.sessionMs / 1e3));
  std::printf("   changes                %8.0f received, %.0f sent\n", s.received, s.sent);
  std::printf("   bytes A -> B           %8.1f MB  (%.0f B/change; the envelopes average %.0f B)\n",
              s.bytesReceived / 1e6, s.bytesReceived / std::max(1.0, s.received), envelopeBytes);
  std::printf("   bytes B -> A           %8.1f kB\n", s.bytesSent / 1e3);
  printMemory("sync (B)", s.sync);
  printMemory("serve (A)", s.serve);
  std::printf("   A's log:\n%s", firstLines(s.serve.err, 4).c_str());
  bool same = digestOf(renda, a) == digestOf(renda, b);
  std::printf("   digests of A and B     %s\n", same ? "equal" : "DIFFER");
}

// --- incremental -----------------------------------------------------------------

// `d` new deputies written on `node` with its own device key, in one batch.
void writeLocal(const std::string& node, uint64_t d, uint64_t seed) {
  auto n = app::Node::open(node);
  if (!n) die("opening " + node + ": " + n.status().toString());
  auto self = (*n)->self();
  if (!self) die("membership of " + node + ": " + self.status().toString());
  Text text(seed);
  std::vector<storage::LocalEdit> edits;
  for (uint64_t i = 0; i < d; ++i) {
    storage::LocalEdit e;
    e.op = OpKind::kCreate;
    e.kind = RecordKind::kDeputy;
    e.scope = self->township;
    e.fields = deputyFields(text, self->township);
    edits.push_back(std::move(e));
  }
  auto ids = (*n)->writeBatch(edits);
  if (!ids) die("writing on " + node + ": " + ids.status().toString());
}

// Bytes of the envelopes `from` holds that `to` lacks, and the authors in each summary.
struct Missing {
  double aToB = 0, bToA = 0;
  size_t authorsA = 0, authorsB = 0;
};
Missing missingBetween(const std::string& a, const std::string& b) {
  auto sa = storage::Store::open(a);
  auto sb = storage::Store::open(b);
  if (!sa || !sb) die("opening the stores");
  auto va = (*sa)->versionVector();
  auto vb = (*sb)->versionVector();
  if (!va || !vb) die("reading the summaries");
  Missing m;
  m.authorsA = va->size();
  m.authorsB = vb->size();
  check((*sa)->forEachMissing(*vb, [&](std::string_view e) { m.aToB += double(e.size()); return Status::ok(); }),
        "planning A's");
  check((*sb)->forEachMissing(*va, [&](std::string_view e) { m.bToA += double(e.size()); return Status::ok(); }),
        "planning B's");
  return m;
}

void benchIncremental(Renda& renda, const Options& o, const std::string& a, const std::string& b) {
  std::vector<double> wall, session, ratioAB, ratioBA;
  SyncRun last;
  Missing lastMissing;
  for (uint64_t round = 0; round < o.rounds; ++round) {
    writeLocal(a, o.d, o.seed * 1000 + 2 * round);
    writeLocal(b, o.d, o.seed * 1000 + 2 * round + 1);
    Missing m = missingBetween(a, b);
    SyncRun s = syncOnce(renda, a, b);
    if (s.received != double(o.d) || s.sent != double(o.d))
      die("the incremental session moved " + std::to_string(s.received) + " and " +
          std::to_string(s.sent) + " changes, not " + std::to_string(o.d) + " each way");
    wall.push_back(s.sync.wallMs);
    session.push_back(s.sessionMs);
    ratioAB.push_back(s.bytesReceived / (1.1 * m.aToB + 64.0 * double(m.authorsA)));
    ratioBA.push_back(s.bytesSent / (1.1 * m.bToA + 64.0 * double(m.authorsB)));
    last = s;
    lastMissing = m;
  }
  std::printf("-- incremental: N = %llu common, d = %llu new on each side (each node's own device "
              "key), one session; %llu rounds\n   [%s]\n   [%s]\n",
              static_cast<unsigned long long>(o.n), static_cast<unsigned long long>(o.d),
              static_cast<unsigned long long>(o.rounds), last.serve.command.c_str(),
              last.sync.command.c_str());
  std::printf("   wall, sync process     %8.1f ms  median (min %.1f, max %.1f; exec to exit; "
              "goal <= 50 ms)\n",
              median(wall), *std::min_element(wall.begin(), wall.end()),
              *std::max_element(wall.begin(), wall.end()));
  std::printf("   session, as reported   %8.1f ms  median (min %.1f, max %.1f)\n", median(session),
              *std::min_element(session.begin(), session.end()),
              *std::max_element(session.begin(), session.end()));
  std::printf("   bytes A -> B           %8.0f B   (last round; the %llu missing envelopes: %.0f B, "
              "%zu authors in A's summary: goal <= %.0f B)\n",
              last.bytesReceived, static_cast<unsigned long long>(o.d), lastMissing.aToB,
              lastMissing.authorsA, 1.1 * lastMissing.aToB + 64.0 * double(lastMissing.authorsA));
  std::printf("   bytes B -> A           %8.0f B   (the missing envelopes: %.0f B, %zu authors: "
              "goal <= %.0f B)\n",
              last.bytesSent, lastMissing.bToA, lastMissing.authorsB,
              1.1 * lastMissing.bToA + 64.0 * double(lastMissing.authorsB));
  std::printf("   bytes / goal           %8.2f A -> B, %.2f B -> A  (median of the rounds)\n",
              median(ratioAB), median(ratioBA));
  printMemory("sync (B)", last.sync);
  printMemory("serve (A)", last.serve);
}

// --- summaries of many authors ---------------------------------------------------

void benchSummary(Renda& renda, const Options& o) {
  std::string a = o.dir + "/sa", b = o.dir + "/sb";
  makeCounty(renda, a, b);
  GenNetwork net = countyNetwork(a);
  std::vector<SecretKey> keys;
  std::vector<AuthorChain> members;
  keys.reserve(o.authors);
  for (uint64_t i = 0; i < o.authors; ++i) {
    keys.push_back(keyFrom("renda-bench-sync member " + std::to_string(i)));
    members.emplace_back(keys.back());
  }
  Text text(o.seed);
  uint64_t stamp = 0;
  auto add = [&](net::BundleWriter& w, size_t i, Change c) {
    auto env = members[i].sign(net.id, std::move(c), kBaseMs + 5 * stamp++, nullptr);
    if (!env) die("signing: " + env.status().toString());
    check(w.addChange(*env), "writing the bundle");
  };
  auto deputy = [&](size_t i) {
    Change c;
    c.op = OpKind::kCreate;
    c.kind = RecordKind::kDeputy;
    c.scope = "第" + std::to_string(i % 40 + 1) + "乡";
    c.fields = deputyFields(text, c.scope);
    return c;
  };
  // Each member carries its own certificate, then writes one deputy.
  std::string first = o.dir + "/members.bundle", second = o.dir + "/changed.bundle";
  {
    auto w = bundleFor(net, first, net.root);
    for (size_t i = 0; i < members.size(); ++i) {
      Change c;
      c.op = OpKind::kCertificate;
      std::string town = "第" + std::to_string(i % 40 + 1) + "乡";
      c.certificate = makeCertificate(net.id, members[i].pk, net.root, town, Role::kTownship,
                                      kBaseMs - 86400000ull, 0, town + "人大 " + std::to_string(i));
      add(*w, i, std::move(c));
      add(*w, i, deputy(i));
    }
    check(w->finish(), "finishing the bundle");
  }
  {
    auto w = bundleFor(net, second, net.root);
    for (uint64_t k = 0; k < o.changed; ++k) add(*w, k * (members.size() / o.changed), deputy(k));
    check(w->finish(), "finishing the bundle");
  }
  renda.ok({"--data", a, "bundle", "import", first, "--quiet"});
  renda.ok({"--data", b, "bundle", "import", first, "--quiet"});
  syncOnce(renda, a, b);  // their own enrolment changes
  SyncRun same = syncOnce(renda, a, b);
  renda.ok({"--data", a, "bundle", "import", second, "--quiet"});
  SyncRun changed = syncOnce(renda, a, b);
  Missing m = missingBetween(a, b);  // nothing: checks that the session completed the work
  std::printf("-- summary exchange: %llu authors (each certified by the root, with one change; "
              "the same bundle imported into both), %llu of them with a new change on A\n"
              "   [%s]\n   [%s]\n",
              static_cast<unsigned long long>(o.authors), static_cast<unsigned long long>(o.changed),
              changed.serve.command.c_str(), changed.sync.command.c_str());
  std::printf("   nothing changed        %8.0f B B -> A, %.0f B A -> B  (%.1f ms session, %.1f ms "
              "wall)\n",
              same.bytesSent, same.bytesReceived, same.sessionMs, same.sync.wallMs);
  std::printf("   %llu changed            %8.0f B B -> A, %.0f B A -> B  (%.0f changes moved; "
              "%.1f ms session, %.1f ms wall)\n",
              static_cast<unsigned long long>(o.changed), changed.bytesSent, changed.bytesReceived,
              changed.received, changed.sessionMs, changed.sync.wallMs);
  std::printf("   (the whole summary would be %zu entries of 72 B = %.0f kB each way; left to "
              "send afterwards: %.0f B and %.0f B)\n",
              m.authorsA, double(m.authorsA) * 72 / 1e3, m.aToB, m.bToA);
  if (!o.keep) {
    std::filesystem::remove(first);
    std::filesystem::remove(second);
  }
}

// --- status -----------------------------------------------------------------------

void benchStatus(Renda& renda, const Options& o, const std::string& a) {
  std::vector<std::string> args = {"--data", a, "status"};
  std::vector<double> warm, cold;
  Run last;
  renda.ok(args);  // once, so the page cache holds what it reads
  for (int i = 0; i < 5; ++i) warm.push_back((last = renda.ok(args)).wallMs);
  for (int i = 0; i < 3; ++i) {
    evict(a + "/data.mdb");
    evict(a + "/lock.mdb");
    cold.push_back(renda.ok(args).wallMs);
  }
  std::printf("-- status on A (%llu changes and more)\n   [%s]\n",
              static_cast<unsigned long long>(o.n), last.command.c_str());
  std::printf("   whole process, warm    %8.1f ms  median of 5 (min %.1f, max %.1f; goal <= 50 ms)\n",
              median(warm), *std::min_element(warm.begin(), warm.end()),
              *std::max_element(warm.begin(), warm.end()));
  std::printf("   data.mdb evicted       %8.1f ms  median of 3 (min %.1f, max %.1f)\n", median(cold),
              *std::min_element(cold.begin(), cold.end()),
              *std::max_element(cold.begin(), cold.end()));
  printMemory("status", last);
}

// --- the driver -------------------------------------------------------------------

int usage() {
  std::fprintf(stderr,
               "usage: bench_sync N [--dir DIR] [--keep] [--townships T] [--seed S] [--d D]\n"
               "                    [--rounds R] [--authors A] [--changed C] [--only PARTS]\n"
               "                    [--renda PATH]\n"
               "  N           changes A holds before the full sync (at least 100)\n"
               "  --dir       working folder (kept); default a new folder under $TMPDIR, removed\n"
               "  --townships townships writing besides the county office (default 8)\n"
               "  --d         new changes on each side in the incremental case (default 100)\n"
               "  --rounds    incremental sessions measured (default 5)\n"
               "  --authors   authors in the summary case (default 4000), --changed of them\n"
               "              with a new change (default 10)\n"
               "  --only      a comma list of full, incremental, summary, status (default all;\n"
               "              incremental and status need full)\n"
               "  --renda     the renda binary to measure (default the one built with this)\n");
  return 1;
}

int driver(Options o) {
  if (!o.dirGiven) {
    o.dir = scratchDir("bench_sync");
    if (o.dir.empty()) die("cannot make a temporary folder");
  }
  std::filesystem::create_directories(o.dir);
  std::string date = localTimeText();
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("== bench_sync %llu --townships %llu --seed %llu --d %llu --rounds %llu --authors "
              "%llu --changed %llu%s\n   build %s, %ld cores online, %s, load average %.2f %.2f "
              "%.2f, folder %s\n   renda %s\n",
              static_cast<unsigned long long>(o.n), static_cast<unsigned long long>(o.townships),
              static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(o.d),
              static_cast<unsigned long long>(o.rounds), static_cast<unsigned long long>(o.authors),
              static_cast<unsigned long long>(o.changed),
              o.only.empty() ? "" : (" --only " + o.only).c_str(), RENDA_BUILD_TYPE,
              sysconf(_SC_NPROCESSORS_ONLN), date.c_str(), load[0], load[1], load[2], o.dir.c_str(),
              o.renda.c_str());
  std::fflush(stdout);
  Renda renda(o.renda, o.dir);
  std::string a = o.dir + "/a", b = o.dir + "/b";
  if (o.wants("full")) {
    makeCounty(renda, a, b);
    double envelopeBytes = fill(renda, o, a);
    std::fflush(stdout);
    benchFull(renda, o, a, b, envelopeBytes);
    std::fflush(stdout);
    if (o.wants("incremental")) benchIncremental(renda, o, a, b);
    std::fflush(stdout);
    if (o.wants("status")) benchStatus(renda, o, a);
    std::fflush(stdout);
  }
  if (o.wants("summary")) benchSummary(renda, o);
  getloadavg(load, 3);
  std::printf("-- load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  std::fflush(stdout);
  if (!o.dirGiven && !o.keep) std::filesystem::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace renda::bench

int main(int argc, char** argv) {
  using namespace renda::bench;
  if (sodium_init() < 0) die("sodium_init failed");
  ::signal(SIGPIPE, SIG_IGN);
  Options o;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (size_t i = 0; i < a.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= a.size()) std::exit(usage());
      return a[++i];
    };
    auto number = [&]() { return std::strtoull(value().c_str(), nullptr, 10); };
    if (a[i] == "--dir") o.dir = value(), o.dirGiven = true;
    else if (a[i] == "--keep") o.keep = true;
    else if (a[i] == "--townships") o.townships = number();
    else if (a[i] == "--seed") o.seed = number();
    else if (a[i] == "--d") o.d = number();
    else if (a[i] == "--rounds") o.rounds = number();
    else if (a[i] == "--authors") o.authors = number();
    else if (a[i] == "--changed") o.changed = number();
    else if (a[i] == "--only") o.only = value();
    else if (a[i] == "--renda") o.renda = value();
    else if (o.n == 0 && !a[i].empty() && a[i][0] != '-') o.n = std::strtoull(a[i].c_str(), nullptr, 10);
    else return usage();
  }
  if (o.n < 100 || o.townships < 1 || o.rounds < 1 || o.changed < 1 || o.authors < o.changed)
    return usage();
  return driver(o);
}
