// SPDX-License-Identifier: Apache-2.0
// Carrying out the demo county's plan with real nodes: the county office is
// set up with `renda county init`, each township with `renda init`, enrolled
// with `renda enroll` and joined with `renda join` (the commands themselves,
// run in-process); records are written by their own node in batches
// (Node::writeBatch, one transaction each); life-cycle events pass the checks
// of `renda suggestion ACTION` (eventFields, checkLifeCycleEvent) before they
// are written; and changes travel as summary and bundle files, township ->
// county -> township, in rounds until every event is written and every node
// holds every change.
#include "app/demo/demo_county.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "app/node/bundles.h"
#include "app/cli/cli.h"
#include "app/output/dataset.h"
#include "app/demo/demo_county_plan.h"
#include "app/demo/demo_county_text.h"
#include "app/node/domain_glue.h"

namespace renda::app {

namespace {

using namespace demo;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kManifest = "demo-county.json";
constexpr int kMaxRounds = 40;

// RENDA_NOW_MS for the duration of a scope (the commands read the clock there).
class ScopedNow {
 public:
  explicit ScopedNow(uint64_t ms) {
    if (const char* old = std::getenv("RENDA_NOW_MS")) old_ = old;
    ::setenv("RENDA_NOW_MS", std::to_string(ms).c_str(), 1);
  }
  ~ScopedNow() {
    if (old_)
      ::setenv("RENDA_NOW_MS", old_->c_str(), 1);
    else
      ::unsetenv("RENDA_NOW_MS");
  }
  ScopedNow(const ScopedNow&) = delete;
  ScopedNow& operator=(const ScopedNow&) = delete;

 private:
  std::optional<std::string> old_;
};

const char* kindLabel(RecordKind k) {
  switch (k) {
    case RecordKind::kDeputy:
      return "代表";
    case RecordKind::kStation:
      return "代表之家/联络站";
    case RecordKind::kSuggestion:
      return "代表建议";
    case RecordKind::kDutyRecord:
      return "履职记录";
    case RecordKind::kTerm:
      return "届";
    case RecordKind::kSession:
      return "次会议";
    case RecordKind::kTownship:
      return "乡镇";
    case RecordKind::kDeputyGroup:
      return "代表小组";
    case RecordKind::kHandlingUnit:
      return "承办单位";
    case RecordKind::kSettings:
      return "设置";
    case RecordKind::kReception:
      return "接待";
    case RecordKind::kConstituentIssue:
      return "社情民意";
    case RecordKind::kReportBack:
      return "述职";
    case RecordKind::kRotaSlot:
      return "值班";
    case RecordKind::kMandate:
      return "代表资格";
  }
  return "?";
}

uint64_t folderBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_regular_file(ec)) {
      struct stat st;
      if (::stat(it->path().c_str(), &st) == 0) total += uint64_t(st.st_blocks) * 512;
    }
  return total;
}

class Generator {
 public:
  Generator(std::string dir, const DemoCountyOptions& o) : dir_(std::move(dir)), o_(o) {}

  Result<DemoCountySummary> run() {
    auto started = Clock::now();
    const std::string towns =
        std::to_string(o_.townships) + (o_.townships == 1 ? " township" : " townships");
    RENDA_TRY(prepareFolder());
    ScopedNow clock(o_.nowMs);
    plan_ = makePlan(o_);
    ids_.assign(plan_.records.size(), "");
    progress_.assign(plan_.suggestions.size(), {});
    say("planned " + std::to_string(plan_.records.size()) + " records and " +
        std::to_string(eventCount()) + " life-cycle events for " + towns + " (seed " +
        std::to_string(o_.seed) + ")");
    RENDA_TRY(setUp());
    say("set up the county office and the nodes of " + towns +
        " (county init, init, enroll, join)");
    for (int t = 1; t < int(plan_.townships.size()); ++t)
      for (int stage = 1; stage <= 4; ++stage) RENDA_TRY(writeRecords(t, stage));
    say("the townships wrote their records");
    RENDA_TRY(lifeCycles());
    summary_.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    RENDA_TRY(finish());
    return summary_;
  }

 private:
  struct Progress {
    size_t next = 0;
    int lastNode = -1;
    int lastPhase = 0;
  };

  void say(const std::string& what) {
    if (!o_.progress) return;
    double s = std::chrono::duration<double>(Clock::now() - started_).count();
    std::printf("  [%5.1fs] %s\n", s, what.c_str());
    std::fflush(stdout);
  }
  size_t eventCount() const {
    size_t n = 0;
    for (const auto& s : plan_.suggestions) n += s.events.size();
    return n;
  }
  std::string folder(int node) const {
    return dir_ + "/" + (node == 0 ? std::string("county") : plan_.townships[size_t(node)].folder);
  }
  std::string nodeName(int node) const {
    return node == 0 ? "the county office" : plan_.townships[size_t(node)].name;
  }

  Status prepareFolder() {
    std::error_code ec;
    bool empty = !fs::exists(dir_, ec) || fs::is_empty(dir_, ec);
    if (!empty) {
      if (!o_.replace)
        return Status::usage(dir_ +
                             " is not empty. Give an empty or new folder with --data, or "
                             "add --force to replace the demo county made there before");
      if (!fs::exists(dir_ + "/" + kManifest, ec))
        return Status::usage(dir_ + " is not empty and holds no demo county (no " + kManifest +
                             "), so it is left alone; give an empty or new folder with --data");
      fs::remove_all(dir_, ec);
      if (ec) return Status::ioError("cannot clear " + dir_ + ": " + ec.message());
    }
    fs::create_directories(dir_ + "/usb", ec);
    if (ec) return Status::ioError("cannot create " + dir_ + ": " + ec.message());
    // Marks the folder at once, so that --force can replace it even when this
    // run stops half-way; finish() writes the real contents.
    return writeFile(dir_ + "/" + kManifest,
                     "{\"what\":\"renda demo --county\",\"complete\":false}\n");
  }

  static Status writeFile(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return Status::ioError("cannot write " + path);
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    return ok ? Status::ok() : Status::ioError("cannot write " + path);
  }

  // Runs `renda ARGS --data FOLDER --quiet` in-process.
  Status command(int node, std::vector<std::string> args) {
    std::string line = "renda";
    for (const auto& a : args) line += " " + a;
    args.insert(args.end(), {"--quiet", "--data", folder(node)});
    int rc = runCommandLine(args);
    if (rc != kExitOk)
      return Status::error(Code::kIOError, "setting up " + nodeName(node) + " failed: `" + line +
                                               "` ended with exit code " + std::to_string(rc) +
                                               " (its message is above)");
    return Status::ok();
  }

  Status open(int node) {
    auto n = Node::open(folder(node));
    if (!n) return n.status();
    nodes_[node] = std::move(*n);
    return Status::ok();
  }

  Status setUp() {
    RENDA_TRY(command(0, {"county", "init", "--name", plan_.countyName}));
    RENDA_TRY(open(0));
    RENDA_TRY(writeRecords(0, 0));
    RENDA_TRY(writeRecords(0, 1));
    nodes_.erase(0);  // `renda enroll` opens the county's store itself
    for (int t = 1; t < int(plan_.townships.size()); ++t) {
      const std::string& name = plan_.townships[size_t(t)].name;
      RENDA_TRY(command(t, {"init"}));
      std::string key;
      {
        auto n = Node::open(folder(t));
        if (!n) return n.status();
        auto k = (*n)->store().deviceKey();
        if (!k) return k.status();
        key = toHex(*k);
      }
      std::string file = dir_ + "/usb/" + name + ".enroll";
      RENDA_TRY(command(0, {"enroll", "--node", key, "--township", name, "-o", file}));
      RENDA_TRY(command(t, {"join", file}));
      fs::remove(file);
    }
    for (int node = 0; node < int(plan_.townships.size()); ++node) RENDA_TRY(open(node));
    return Status::ok();
  }

  // Writes the node's planned records of one stage as one batch.
  Status writeRecords(int node, int stage) {
    Node& n = *nodes_.at(node);
    std::vector<size_t> which;
    std::vector<storage::LocalEdit> edits;
    std::map<std::string, domain::Config> configs;
    for (size_t i = 0; i < plan_.records.size(); ++i) {
      const PlannedRecord& r = plan_.records[i];
      if (r.node != node || r.stage != stage) continue;
      storage::LocalEdit e;
      e.op = OpKind::kCreate;
      e.kind = r.kind;
      e.scope = r.scope;
      e.fields = r.fields;
      for (const auto& ref : r.refs) {
        std::string value;
        for (int target : ref.records) {
          if (ids_[size_t(target)].empty())
            return Status::error(Code::kIOError,
                                 std::string("the demo plan has a ") + recordKindName(r.kind) +
                                     " refer to a record before it is written (a bug in the "
                                     "generator)");
          value += (value.empty() ? "" : ",") + ids_[size_t(target)];
        }
        e.fields.push_back({ref.field, value});
      }
      for (const auto& req : requiredFields(r.kind)) {
        bool has = false;
        for (const auto& f : e.fields) has = has || (f.name == req && !f.value.empty());
        if (!has)
          return Status::error(Code::kIOError, std::string("the demo plan has a ") +
                                                   recordKindName(r.kind) + " without " + req);
      }
      if (r.kind == RecordKind::kSuggestion || r.kind == RecordKind::kDutyRecord) {
        std::string key =
            std::string(recordKindName(r.kind)) + "|" + r.get("level") + "|" + r.scope;
        auto it = configs.find(key);
        if (it == configs.end()) {
          auto cfg = configForNew(n.store(), r.kind, e.fields, r.scope);
          if (!cfg) return cfg.status();
          it = configs.emplace(key, std::move(*cfg)).first;
        }
        RENDA_TRY(checkTaxonomy(it->second, r.kind, e.fields));
      }
      which.push_back(i);
      edits.push_back(std::move(e));
    }
    if (edits.empty()) return Status::ok();
    auto ids = n.writeBatch(edits);
    if (!ids)
      return Status::error(ids.status().code(), nodeName(node) + " could not write its " +
                                                    "records: " + ids.status().message());
    for (size_t k = 0; k < which.size(); ++k) {
      ids_[which[k]] = toHex((*ids)[k]);
      ++summary_.records[kindLabel(plan_.records[which[k]].kind)];
    }
    authored_[node] += ids->size();
    return Status::ok();
  }

  // Every life-cycle event, in rounds: the townships write what is theirs to
  // write, their changes go to the county, the county writes its part, and the
  // county's changes go back to every township.
  Status lifeCycles() {
    int phaseNo = 0;
    for (int round = 1; round <= kMaxRounds; ++round) {
      for (int t = 1; t < int(plan_.townships.size()); ++t) RENDA_TRY(phase(t, phaseNo));
      ++phaseNo;
      for (int t = 1; t < int(plan_.townships.size()); ++t) RENDA_TRY(carry(t, 0));
      RENDA_TRY(phase(0, phaseNo));
      ++phaseNo;
      for (int t = 1; t < int(plan_.townships.size()); ++t) RENDA_TRY(carry(0, t));
      ++summary_.syncRounds;
      say("round " + std::to_string(round) + ": " + std::to_string(summary_.events) +
          " life-cycle events written, bundles carried both ways");
      if (remaining() == 0) return Status::ok();
    }
    return Status::error(Code::kIOError, std::to_string(remaining()) +
                                             " planned life-cycle events could not be ordered "
                                             "(a bug in the generator)");
  }

  size_t remaining() const {
    size_t n = 0;
    for (size_t i = 0; i < progress_.size(); ++i)
      n += plan_.suggestions[i].events.size() - progress_[i].next;
    return n;
  }

  // The events node `node` can write now, one per suggestion per batch (each
  // checked against the suggestion as the node holds it), until none is left.
  Status phase(int node, int phaseNo) {
    Node& n = *nodes_.at(node);
    storage::Store& store = n.store();
    auto key = n.deviceKey();
    if (!key) return key.status();
    PublicKey author = (*key)->publicKey();
    auto members = MemberTable::load(store);
    if (!members) return members.status();
    for (;;) {
      std::vector<size_t> which;
      std::vector<storage::LocalEdit> edits;
      for (size_t i = 0; i < plan_.suggestions.size(); ++i) {
        const SuggestionFacts& s = plan_.suggestions[i];
        Progress& p = progress_[i];
        if (p.next >= s.events.size()) continue;
        const PlannedEvent& e = s.events[p.next];
        int lastNode = p.lastNode < 0 ? s.township : p.lastNode;
        if (e.node != node || (lastNode != node && p.lastPhase >= phaseNo)) continue;
        auto id = fixedFromHex<RecordId>(ids_[size_t(s.record)]);
        if (!id) return Status::error(Code::kIOError, "a planned suggestion was never written");
        auto record = store.record(*id);
        if (!record) return record.status();
        auto options = e.options;
        for (const auto& [field, target] : e.refs) options.push_back({field, ids_[size_t(target)]});
        auto what = [&](const Status& st) {
          return Status::error(st.code(), nodeName(node) + " could not record `suggestion " +
                                              e.action + "` on " +
                                              ids_[size_t(s.record)].substr(0, 8) + " (" + s.path +
                                              "): " + st.message());
        };
        auto fields = eventFields(store, *record, options);
        if (!fields) return what(fields.status());
        Status ok = checkLifeCycleEvent(store, **members, *record, author, e.action, *fields,
                                        Node::nowMs());
        if (!ok) return what(ok);
        storage::LocalEdit edit;
        edit.op = OpKind::kUpdate;
        edit.record = *id;
        edit.action = e.action;
        edit.fields = std::move(*fields);
        edits.push_back(std::move(edit));
        which.push_back(i);
      }
      if (edits.empty()) return Status::ok();
      auto ids = n.writeBatch(edits);
      if (!ids)
        return Status::error(
            ids.status().code(),
            nodeName(node) + " could not write " + "life-cycle events: " + ids.status().message());
      for (size_t i : which) {
        ++progress_[i].next;
        progress_[i].lastNode = node;
        progress_[i].lastPhase = phaseNo;
      }
      summary_.events += edits.size();
      authored_[node] += edits.size();
    }
  }

  // One USB trip, as a clerk makes it: `to` writes its summary, `from` exports
  // what `to` lacks into a bundle, `to` imports the bundle.
  Status carry(int from, int to) {
    Node& src = *nodes_.at(from);
    Node& dst = *nodes_.at(to);
    auto net = dst.store().network();
    if (!net) return net.status();
    auto self = dst.store().deviceKey();
    if (!self) return self.status();
    auto vv = dst.store().versionVector();
    if (!vv) return vv.status();
    std::string base = dir_ + "/usb/" + (to == 0 ? "county" : plan_.townships[size_t(to)].name);
    std::string sumPath = base + ".summary";
    std::string bundlePath = dir_ + "/usb/" +
                             (from == 0 ? "county" : plan_.townships[size_t(from)].name) + "-to-" +
                             (to == 0 ? "county" : plan_.townships[size_t(to)].name) + ".bundle";
    RENDA_TRY(net::writeSummaryFile(sumPath, {net->network, *self, Node::nowMs(), *vv}));
    auto theirs = net::readSummaryFile(sumPath, &net->network);
    if (!theirs) return theirs.status();
    auto exported = exportBundle(src, theirs->entries, bundlePath);
    if (!exported) return exported.status();
    Status s = Status::ok();
    if (exported->changes > 0) {
      auto imported = importBundle(dst, bundlePath, false);
      if (!imported) {
        s = Status::error(imported.status().code(), nodeName(to) +
                                                        " could not import the bundle "
                                                        "from " +
                                                        nodeName(from) + ": " +
                                                        imported.status().message());
      } else if (imported->report.notApplied) {
        s = Status::error(Code::kIOError, nodeName(to) + " kept but did not apply " +
                                              std::to_string(imported->report.notApplied) +
                                              " changes from " + nodeName(from) + ": " +
                                              imported->report.notes.front());
      }
      ++summary_.bundles;
      summary_.bundleBytes += exported->bytes;
      summary_.bundleChanges += exported->changes;
    }
    std::error_code ec;
    fs::remove(sumPath, ec);
    fs::remove(bundlePath, ec);
    return s;
  }

  Status finish() {
    summary_.dir = dir_;
    summary_.countyName = plan_.countyName;
    summary_.seed = o_.seed;
    summary_.nowMs = o_.nowMs;
    summary_.converged = true;
    for (int node = 0; node < int(plan_.townships.size()); ++node) {
      storage::Store& store = nodes_.at(node)->store();
      DemoCountyNode info;
      info.name = node == 0 ? "county" : plan_.townships[size_t(node)].name;
      info.folder = folder(node);
      auto key = store.deviceKey();
      auto held = store.changeCount();
      auto digest = store.digest();
      if (!key || !held || !digest) return Status::ioError("cannot read " + info.folder);
      info.key = toHex(*key);
      info.changesAuthored = authored_[node];
      info.changesHeld = *held;
      info.digest = toHex(*digest);
      if (node > 0 && info.digest != summary_.nodes.front().digest) summary_.converged = false;
      summary_.nodes.push_back(info);
    }
    summary_.changes = summary_.nodes.front().changesHeld;
    auto data = loadDataset(nodes_.at(0)->store());
    if (!data) return data.status();
    for (const auto& s : data->suggestions)
      ++summary_.suggestionStates[domain::stateLabel(s.state)];
    summary_.truth = countTruth(plan_, ids_);
    nodes_.clear();
    std::error_code ec;
    fs::remove(dir_ + "/usb", ec);
    RENDA_TRY(writeManifest());
    summary_.folderBytes = folderBytes(dir_);
    if (!summary_.converged)
      return Status::error(Code::kIOError,
                           "the nodes of the demo county do not hold the same "
                           "records after the last exchange (a bug)");
    return Status::ok();
  }

  Status writeManifest() {
    return writeFile(dir_ + "/" + kManifest, demoCountyJson(summary_) + "\n");
  }

  std::string dir_;
  DemoCountyOptions o_;
  Plan plan_;
  std::vector<std::string> ids_;  // per planned record: its id once written
  std::vector<Progress> progress_;
  std::map<int, std::unique_ptr<Node>> nodes_;
  std::map<int, uint64_t> authored_;
  DemoCountySummary summary_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace

Result<DemoCountySummary> generateDemoCounty(const std::string& dir,
                                             const DemoCountyOptions& options) {
  int most = int(demo::townshipNames().size());
  if (options.townships < 1 || options.townships > most)
    return Status::usage("--townships must be between 1 and " + std::to_string(most));
  if (dir.empty()) return Status::usage("give the folder for the demo county with --data");
  if (options.progress) {
    std::printf("renda demo --county: a county office and %d township node%s in %s\n",
                options.townships, options.townships == 1 ? "" : "s", dir.c_str());
    std::fflush(stdout);
  }
  return Generator(dir, options).run();
}

}  // namespace renda::app
