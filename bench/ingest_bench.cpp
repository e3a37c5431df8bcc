// SPDX-License-Identifier: Apache-2.0
// bench_ingest: how fast a node imports a large bundle, compared with how fast
// one core verifies Ed25519 signatures; plus store bytes per change, open time
// and peak memory. Each phase runs in its own process (this binary run again
// with --phase), so a phase's peak RSS is its own and the import never shares
// memory with the generator:
//   gen     N signed changes from 3 authors -> DIR/changes.bundle (net::BundleWriter)
//   import  a fresh store DIR/store; app::importBundle() (the `renda bundle import`
//           path): checkBundle, then Store::ingestStream, which checks chunks of 2,048
//           changes on a second thread and commits batches of 8,192
//   verify  checkBundle alone; then the same changes decoded batch by batch
//           (untimed) and a bare verifyEnvelope() (crypto_sign_verify_detached) loop timed
//   open    Store::open + first reads of the imported store, in a fresh process
// Usage: bench_ingest N [--dir DIR] [--max-run K] [--seed S] [--keep]
//                     [--batch B] [--chunk C] [--sequential]
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/cli/cli.h"
#include "app/node/bundles.h"
#include "bench/generator.h"
#include "bench/measure.h"
#include "core/change.h"
#include "core/crypto.h"
#include "core/hlc.h"
#include "net/files.h"
#include "storage/store.h"

#ifndef RENDA_BUILD_TYPE
#define RENDA_BUILD_TYPE "unknown"
#endif

namespace renda::bench {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this process (user + system); less disturbed than wall time when
// other work shares the cores.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct Options {
  uint64_t n = 0;
  std::string dir;
  std::string phase;
  uint64_t maxRun = 400;  // longest run of consecutive changes by one author
  uint64_t seed = 1;
  uint64_t batch = 0;  // experiments: other batch / chunk sizes (0: importBundle's)
  uint64_t chunk = 0;
  bool sequential = false;  // experiment: one thread, readBundle + ingestAt per batch
  bool keep = false;
  bool dirGiven = false;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_ingest: %s\n", what.c_str());
  std::exit(3);
}
void check(const Status& s, const char* what) {
  if (!s) die(std::string(what) + ": " + s.toString());
}

// "RESULT key value" lines are how a phase process reports to the driver.
void result(const char* key, double value) {
  std::printf("RESULT %s %.6f\n", key, value);
  std::fflush(stdout);
}

void reportMemory(const char* phase) {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::string p(phase);
  result((p + "_maxrss_kb").c_str(), double(ru.ru_maxrss));
  result((p + "_rss_anon_kb_end").c_str(), double(procStatusKb(0, "RssAnon")));
  result((p + "_rss_file_kb_end").c_str(), double(procStatusKb(0, "RssFile")));
}

// --- the network and its three authors ----------------------------------------
// bench/generator.h: a county office and two townships (城关镇, 龙泉镇) with fixed keys.

struct Network {
  GenNetwork gen = fixedBenchNetwork();
  NetworkId id = gen.id;
  storage::NetworkInfo info() const { return {gen.id, gen.root.publicKey(), gen.countyName}; }
};

// --- phase: gen ---------------------------------------------------------------

int phaseGen(const Options& o) {
  Network net;
  std::vector<GenAuthor> authors = countyAuthors("renda-bench author", 2);
  std::string path = o.dir + "/changes.bundle";
  net::BundleHeader header;
  header.network = net.id;
  header.producer = authors[0].key.publicKey();
  header.createdMs = kBaseMs;
  header.countyName = net.gen.countyName;
  header.rootKey = net.gen.root.publicKey();
  auto t0 = Clock::now();
  auto writer = net::BundleWriter::create(path, header, authors[0].key);
  if (!writer) die("creating the bundle: " + writer.status().toString());
  GenOptions go;
  go.changes = o.n;
  go.maxRun = o.maxRun;
  go.seed = o.seed;
  auto counts = generateChanges(net.gen, authors, go, [&](const std::string& envelope) {
    return (*writer)->addChange(envelope);
  });
  if (!counts) die("generating: " + counts.status().toString());
  check((*writer)->finish(), "finishing the bundle");
  double s = secondsSince(t0);
  result("gen_s", s);
  result("gen_changes", double((*writer)->changeCount()));
  result("gen_creates", double(counts->creates));
  result("gen_edits", double(counts->edits));
  result("gen_certificates", double(counts->certificates));
  result("gen_deps", double(counts->deps));
  result("gen_envelope_bytes_avg", double(counts->envelopeBytes) / double((*writer)->changeCount()));
  result("bundle_bytes", double((*writer)->bytesWritten()));
  reportMemory("gen");
  return 0;
}

// --- phase: import ------------------------------------------------------------

struct FileSize { uint64_t bytes = 0, allocated = 0; };
FileSize fileSize(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return {};
  return {uint64_t(st.st_size), uint64_t(st.st_blocks) * 512};
}

// Where the store's bytes go: pages per table, and free pages awaiting reuse.
void printTables(MDB_env* env, double n) {
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) != 0) return;
  const char* names[] = {"changes", "byid", "byidnew", "log", "vv", "records", "bykind", "recchanges",
                         "members", "forks", "meta"};
  std::printf("table        entries     pages  bytes/change  pages by type\n");
  for (const char* name : names) {
    MDB_dbi dbi;
    MDB_stat st{};
    if (mdb_dbi_open(txn, name, 0, &dbi) != 0 || mdb_stat(txn, dbi, &st) != 0) continue;
    size_t pages = st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages;
    std::printf("%-11s %8zu %9zu %13.0f  (branch %zu, leaf %zu, overflow %zu)\n", name,
                st.ms_entries, pages, double(pages) * st.ms_psize / n, st.ms_branch_pages,
                st.ms_leaf_pages, st.ms_overflow_pages);
  }
  // The free list: each entry is a txn id -> list of page numbers (count first).
  MDB_cursor* c = nullptr;
  size_t freePages = 0;
  if (mdb_cursor_open(txn, 0, &c) == 0) {
    MDB_val k, v;
    for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
      freePages += *static_cast<const size_t*>(v.mv_data);
    mdb_cursor_close(c);
  }
  MDB_stat envSt{};
  mdb_env_stat(env, &envSt);
  std::printf("free pages %zu (%.0f bytes/change)\n", freePages,
              double(freePages) * envSt.ms_psize / n);
  mdb_txn_abort(txn);
}

// /proc/self/io counters (bytes this process caused to be read from / written to storage).
long long procIoBytes(const char* field) {
  std::ifstream in("/proc/self/io");
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':')
      return std::atoll(line.c_str() + n + 1);
  return -1;
}

// An experiment, not the product path: the import as it was before
// Store::ingestStream (the bench's bundle has no prerequisites), on one
// thread: each batch read, checked, applied and committed in turn.
Result<app::ImportResult> importSequential(app::Node& node, const std::string& path, size_t batch) {
  auto net = node.store().network();
  if (!net) return net.status();
  app::ImportResult out;
  auto info = net::checkBundle(path, &net->network);
  if (!info) return info.status();
  out.info = *info;
  uint64_t now = app::Node::nowMs();
  RENDA_TRY(node.store().beginBulk());  // as importBundle does
  Status s = net::readBundle(path, batch, batch * 1024, [&](const std::vector<std::string>& b) {
    auto r = node.store().ingestAt(b, now);
    if (!r) return r.status();
    out.report.received += r->received;
    out.report.added += r->added;
    out.report.duplicates += r->duplicates;
    out.report.notApplied += r->notApplied;
    ++out.batches;
    return Status::ok();
  });
  Status flushed = node.store().endBulk();
  if (!s) return s;
  if (!flushed) return flushed;
  return out;
}

int phaseImport(const Options& o) {
  Network net;
  std::string storeDir = o.dir + "/store";
  std::filesystem::remove_all(storeDir);
  auto node = app::Node::open(storeDir);
  if (!node) die("opening the store: " + node.status().toString());
  check((*node)->store().setNetwork(net.info()), "setting the network");
  RssSampler sampler;
  auto t0 = Clock::now();
  double c0 = cpuSeconds();
  app::ImportOptions io;
  if (o.batch) io.batchChanges = o.batch, io.batchBytes = o.batch * 1024;
  if (o.chunk) io.chunkChanges = o.chunk, io.chunkBytes = o.chunk * 1024;
  auto r = o.sequential
               ? importSequential(**node, o.dir + "/changes.bundle", io.batchChanges)
               : app::importBundle(**node, o.dir + "/changes.bundle", false, io);
  double s = secondsSince(t0), cpu = cpuSeconds() - c0;
  sampler.stopNow();
  result("import_rss_anon_kb_peak", double(sampler.maxAnonKb()));
  result("import_rss_file_kb_peak", double(sampler.maxFileKb()));
  if (!r) die("import: " + r.status().toString());
  result("import_s", s);
  result("import_cpu_s", cpu);
  result("import_changes_per_s", double(r->report.received) / s);
  result("import_changes_per_cpu_s", double(r->report.received) / cpu);
  result("import_received", double(r->report.received));
  result("import_added", double(r->report.added));
  result("import_not_applied", double(r->report.notApplied));
  result("import_duplicates", double(r->report.duplicates));
  result("import_batches", double(r->batches));
  result("import_map_grows", double((*node)->store().env().growCount()));
  for (size_t i = 0; i < r->report.notes.size() && i < 5; ++i)
    std::printf("note: %s\n", r->report.notes[i].c_str());
  MDB_env* env = (*node)->store().env().get();
  MDB_envinfo info{};
  MDB_stat st{};
  mdb_env_info(env, &info);
  mdb_env_stat(env, &st);
  printTables(env, double(r->report.received));
  result("import_read_bytes", double(procIoBytes("read_bytes")));
  result("import_write_bytes", double(procIoBytes("write_bytes")));
  result("import_write_syscall_bytes", double(procIoBytes("wchar")));
  result("store_used_bytes", double(info.me_last_pgno + 1) * st.ms_psize);
  FileSize data = fileSize(storeDir + "/data.mdb");
  result("store_file_bytes", double(data.bytes));
  result("store_allocated_bytes", double(data.allocated));
  reportMemory("import");
  return 0;
}

// --- phase: verify ------------------------------------------------------------

int phaseVerify(const Options& o) {
  Network net;
  std::string path = o.dir + "/changes.bundle";
  auto t0 = Clock::now();
  auto info = net::checkBundle(path, &net.id);
  double checkS = secondsSince(t0);
  if (!info) die("checkBundle: " + info.status().toString());
  double decodeEnvS = 0, decodeChangeS = 0, idS = 0, verifyS = 0, verifyCpuS = 0;
  uint64_t n = 0, bad = 0;
  Status s = net::readBundle(path, 4096, 8 << 20, [&](const std::vector<std::string>& batch) {
    std::vector<Envelope> envs;
    envs.reserve(batch.size());
    auto t = Clock::now();
    for (const auto& b : batch) {
      auto e = decodeEnvelope(crypto::asBytes(b));
      if (!e) return e.status();
      envs.push_back(std::move(*e));
    }
    decodeEnvS += secondsSince(t);
    t = Clock::now();
    for (const auto& e : envs)
      if (!decodeChange(crypto::asBytes(e.body))) ++bad;
    decodeChangeS += secondsSince(t);
    t = Clock::now();
    for (const auto& e : envs) (void)crypto::changeId(crypto::asBytes(e.body));
    idS += secondsSince(t);
    t = Clock::now();  // the bare signature loop: nothing but verifyEnvelope()
    double c = cpuSeconds();
    for (const auto& e : envs)
      if (!verifyEnvelope(net.id, e)) ++bad;
    verifyCpuS += cpuSeconds() - c;
    verifyS += secondsSince(t);
    n += envs.size();
    return Status::ok();
  });
  check(s, "reading the bundle");
  if (bad) die(std::to_string(bad) + " changes failed to decode or verify");
  result("check_bundle_s", checkS);
  result("verify_changes", double(n));
  result("verify_s", verifyS);
  result("verify_per_s", double(n) / verifyS);
  result("verify_per_cpu_s", double(n) / verifyCpuS);
  result("decode_envelope_us", decodeEnvS * 1e6 / double(n));
  result("decode_change_us", decodeChangeS * 1e6 / double(n));
  result("change_id_us", idS * 1e6 / double(n));
  reportMemory("verify");
  return 0;
}

// --- phase: open --------------------------------------------------------------

int phaseOpen(const Options& o) {
  auto t0 = Clock::now();
  auto store = storage::Store::open(o.dir + "/store");
  if (!store) die("open: " + store.status().toString());
  double openMs = secondsSince(t0) * 1e3;
  auto net = (*store)->network();
  auto vv = (*store)->versionVector();
  auto count = (*store)->changeCount();
  auto clock = (*store)->clockHighWater();
  double firstReadMs = secondsSince(t0) * 1e3;
  if (!net || !vv || !count || !clock) die("first read failed");
  result("open_ms", openMs);
  result("open_first_read_ms", firstReadMs);
  result("open_changes", double(*count));
  reportMemory("open");
  return 0;
}

// --- the driver ---------------------------------------------------------------

struct PhaseRun {
  std::map<std::string, double> values;
  double wallMs = 0;      // fork to exit: exec, dynamic loading and all
  long childMaxRssKb = 0;  // from wait4()
  std::string command;
};

PhaseRun runPhase(const Options& o, const std::string& phase) {
  std::vector<std::string> args = {"bench_ingest", std::to_string(o.n), "--dir", o.dir,
                                   "--max-run", std::to_string(o.maxRun), "--seed",
                                   std::to_string(o.seed), "--phase", phase};
  if (o.batch) args.insert(args.end() - 2, {"--batch", std::to_string(o.batch)});
  if (o.chunk) args.insert(args.end() - 2, {"--chunk", std::to_string(o.chunk)});
  if (o.sequential) args.insert(args.end() - 2, "--sequential");
  PhaseRun run;
  for (const auto& a : args) run.command += (run.command.empty() ? "" : " ") + a;
  int fds[2];
  if (pipe(fds) != 0) die("pipe failed");
  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid < 0) die("fork failed");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t k; (k = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, size_t(k));
  close(fds[0]);
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  run.wallMs = secondsSince(t0) * 1e3;
  run.childMaxRssKb = ru.ru_maxrss;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t end = out.find('\n', pos);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(pos, end - pos);
    pos = end + 1;
    char key[128];
    double v;
    if (std::sscanf(line.c_str(), "RESULT %127s %lf", key, &v) == 2) run.values[key] = v;
    else if (!line.empty()) std::printf("  [%s] %s\n", phase.c_str(), line.c_str());
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("phase " + phase + " failed");
  return run;
}

int driver(Options o) {
  if (!o.dirGiven) {
    o.dir = scratchDir("bench_ingest");
    if (o.dir.empty()) die("cannot make a temporary folder");
  }
  std::filesystem::create_directories(o.dir);
  std::string date = localTimeText();
  std::string cmd = "bench_ingest " + std::to_string(o.n) + (o.dirGiven ? " --dir " + o.dir : "") +
                    " --max-run " + std::to_string(o.maxRun) + " --seed " + std::to_string(o.seed) +
                    (o.batch ? " --batch " + std::to_string(o.batch) : "") +
                    (o.chunk ? " --chunk " + std::to_string(o.chunk) : "") +
                    (o.sequential ? " --sequential" : "");
  std::printf("== %s\n   build %s, %ld cores online, %s, folder %s\n", cmd.c_str(),
              RENDA_BUILD_TYPE, sysconf(_SC_NPROCESSORS_ONLN), date.c_str(), o.dir.c_str());
  std::fflush(stdout);
  double loadStart = 0;
  getloadavg(&loadStart, 1);

  PhaseRun gen = runPhase(o, "gen");
  PhaseRun imp = runPhase(o, "import");
  PhaseRun ver = runPhase(o, "verify");
  std::vector<double> warmOpen, warmFirst, warmWall;
  PhaseRun firstOpen;
  for (int i = 0; i < 5; ++i) {
    PhaseRun r = runPhase(o, "open");
    if (i == 0) firstOpen = r;
    warmOpen.push_back(r.values["open_ms"]);
    warmFirst.push_back(r.values["open_first_read_ms"]);
    warmWall.push_back(r.wallMs);
  }
  std::string data = o.dir + "/store/data.mdb";
  std::vector<double> coldFirst, coldWall;
  double residentBefore = residentFraction(data), residentAfter = 0;
  for (int i = 0; i < 3; ++i) {
    evict(data);
    evict(o.dir + "/store/lock.mdb");
    residentAfter = residentFraction(data);
    PhaseRun r = runPhase(o, "open");
    coldFirst.push_back(r.values["open_first_read_ms"]);
    coldWall.push_back(r.wallMs);
  }

  auto& g = gen.values;
  auto& im = imp.values;
  auto& v = ver.values;
  double n = im["import_received"];
  double ingest = im["import_changes_per_s"], verify = v["verify_per_s"];
  std::printf("-- generated (not timed in any figure): %.0f changes (%.0f creates, %.0f edits, "
              "%.0f certificates, %.0f deps), %.0f B/envelope, bundle %.1f MB, in %.1f s\n",
              g["gen_changes"], g["gen_creates"], g["gen_edits"], g["gen_certificates"],
              g["gen_deps"], g["gen_envelope_bytes_avg"], g["bundle_bytes"] / 1e6, g["gen_s"]);
  std::printf("   [%s]\n", gen.command.c_str());
  if (o.sequential)
    std::printf("-- import EXPERIMENT (one thread: readBundle + ingestAt, batches of %llu)\n"
                "   [%s]\n", static_cast<unsigned long long>(o.batch ? o.batch : app::ImportOptions{}.batchChanges),
                imp.command.c_str());
  else if (o.batch || o.chunk)
    std::printf("-- import EXPERIMENT (importBundle with batches of %llu, chunks of %llu)\n"
                "   [%s]\n", static_cast<unsigned long long>(o.batch ? o.batch : app::ImportOptions{}.batchChanges),
                static_cast<unsigned long long>(o.chunk ? o.chunk : app::ImportOptions{}.chunkChanges), imp.command.c_str());
  else
    std::printf("-- import (importBundle: checkBundle, then ingestStream: chunks of %zu checked "
                "on a second thread, batches of %zu)\n   [%s]\n", app::ImportOptions{}.chunkChanges,
                app::ImportOptions{}.batchChanges, imp.command.c_str());
  std::printf("   (a) ingest throughput      %10.0f changes/s  (%.0f changes in %.2f s wall, "
              "%.2f s CPU = %.0f changes/CPU-s; %.0f added, %.0f not applied, %.0f batches, "
              "%.0f map grows)\n",
              ingest, n, im["import_s"], im["import_cpu_s"], im["import_changes_per_cpu_s"],
              im["import_added"], im["import_not_applied"], im["import_batches"],
              im["import_map_grows"]);
  if (im["import_added"] != g["gen_changes"] || im["import_not_applied"] != 0)
    std::printf("   WARNING: not every generated change was added and applied; the figures "
                "do not describe a clean import\n");
  std::printf("   (c) store bytes per change %10.0f B  (data.mdb %.1f MB, %.1f MB allocated, "
              "%.1f MB in use by LMDB)\n",
              im["store_file_bytes"] / n, im["store_file_bytes"] / 1e6,
              im["store_allocated_bytes"] / 1e6, im["store_used_bytes"] / 1e6);
  std::printf("   (e) peak RSS               %10.1f MB  (getrusage ru_maxrss; sampled peaks: "
              "anon %.1f MB, file-backed = mapped store pages %.1f MB)\n",
              im["import_maxrss_kb"] / 1024, im["import_rss_anon_kb_peak"] / 1024,
              im["import_rss_file_kb_peak"] / 1024);
  std::printf("       bytes written          %10.1f MB  (LMDB's write()s during import, "
              "/proc/self/io wchar: %.1f x the final store; the kernel's write_bytes, which "
              "counts whole dirtied folios, says %.1f MB)\n",
              im["import_write_syscall_bytes"] / 1e6,
              im["import_write_syscall_bytes"] / im["store_file_bytes"],
              im["import_write_bytes"] / 1e6);
  std::printf("-- verify (same changes; decoding untimed)\n   [%s]\n", ver.command.c_str());
  std::printf("   (b) verify rate, 1 core    %10.0f signatures/s  (crypto_sign_verify_detached "
              "via verifyEnvelope; %.0f per CPU-s)\n", verify, v["verify_per_cpu_s"]);
  std::printf("       ingest / verify        %10.2f x  (goal >= 2.5; by CPU time %.2f x)\n",
              ingest / verify, im["import_changes_per_cpu_s"] / v["verify_per_cpu_s"]);
  std::printf("       per change: checkBundle %.2f us, decodeEnvelope %.2f us, decodeChange "
              "%.2f us, changeId %.2f us, verify %.2f us\n",
              v["check_bundle_s"] * 1e6 / n, v["decode_envelope_us"], v["decode_change_us"],
              v["change_id_us"], 1e6 / verify);
  std::printf("-- open (Store::open + network, versionVector, changeCount, clock), fresh "
              "process each\n   [%s]\n", firstOpen.command.c_str());
  std::printf("   (d) open, page cache warm  %10.2f ms  median of 5 (min %.2f, max %.2f; "
              "open alone %.2f; whole process incl. exec %.1f ms)\n",
              median(warmFirst), *std::min_element(warmFirst.begin(), warmFirst.end()),
              *std::max_element(warmFirst.begin(), warmFirst.end()), median(warmOpen),
              median(warmWall));
  std::printf("       open, data.mdb evicted %10.2f ms  median of 3 (resident %.0f%% -> %.0f%% "
              "after fadvise; whole process %.1f ms)\n",
              median(coldFirst), residentBefore * 100, residentAfter * 100, median(coldWall));
  std::printf("-- peak RSS of the other phases: gen %.1f MB, verify %.1f MB, open %.1f MB\n",
              gen.childMaxRssKb / 1024.0, ver.childMaxRssKb / 1024.0,
              firstOpen.childMaxRssKb / 1024.0);
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("-- load average at the end: %.2f %.2f %.2f (at the start: %.2f)\n", load[0],
              load[1], load[2], loadStart);
  std::fflush(stdout);
  if (!o.dirGiven && !o.keep) std::filesystem::remove_all(o.dir);
  return 0;
}

int usage() {
  std::fprintf(stderr,
               "usage: bench_ingest N [--dir DIR] [--max-run K] [--seed S] [--keep] [--batch B]\n"
               "                      [--chunk C] [--sequential]\n"
               "  N        changes to generate and import (at least 10)\n"
               "  --dir    working folder (kept); default a new folder under $TMPDIR, removed\n"
               "  --max-run longest run of consecutive changes by one author (default 400)\n"
               "  --seed   seed of the generator (default 1)\n"
               "  --batch  experiment: commit every B changes instead of importBundle's 8192\n"
               "  --chunk  experiment: check C changes at a time instead of importBundle's 2048\n"
               "  --sequential  experiment: the import on one thread, as before ingestStream\n");
  return 1;
}

}  // namespace
}  // namespace renda::bench

int main(int argc, char** argv) {
  using namespace renda::bench;
  if (sodium_init() < 0) die("sodium_init failed");
  Options o;
  std::vector<std::string> a(argv + 1, argv + argc);
  for (size_t i = 0; i < a.size(); ++i) {
    auto value = [&]() -> std::string {
      if (i + 1 >= a.size()) std::exit(usage());
      return a[++i];
    };
    if (a[i] == "--dir") o.dir = value(), o.dirGiven = true;
    else if (a[i] == "--phase") o.phase = value();
    else if (a[i] == "--max-run") o.maxRun = std::strtoull(value().c_str(), nullptr, 10);
    else if (a[i] == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a[i] == "--keep") o.keep = true;
    else if (a[i] == "--batch") o.batch = std::strtoull(value().c_str(), nullptr, 10);
    else if (a[i] == "--chunk") o.chunk = std::strtoull(value().c_str(), nullptr, 10);
    else if (a[i] == "--sequential") o.sequential = true;
    else if (o.n == 0 && !a[i].empty() && a[i][0] != '-') o.n = std::strtoull(a[i].c_str(), nullptr, 10);
    else return usage();
  }
  if (o.n < 10 || o.maxRun == 0) return usage();
  if (o.phase.empty()) return driver(o);
  if (o.phase == "gen") return phaseGen(o);
  if (o.phase == "import") return phaseImport(o);
  if (o.phase == "verify") return phaseVerify(o);
  if (o.phase == "open") return phaseOpen(o);
  return usage();
}
