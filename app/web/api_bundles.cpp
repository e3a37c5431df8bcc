// SPDX-License-Identifier: Apache-2.0
// GET /api/bundles/export?node=: a bundle to download (`renda bundle
// export`): every change, or what that neighbour lacks by what this node
// knows of it. POST /api/bundles/import: the uploaded bundle (streamed to the
// data folder by the HTTP server) imported on a thread of its own, as a job
// (`renda bundle import`: the whole file is checked before anything is
// applied). GET /api/jobs/ID: a job's progress and result.
#include <unistd.h>

#include <cstdlib>

#include "app/i18n/strings.h"
#include "app/node/bundles.h"
#include "app/web/api_ops.h"
#include "app/web/url.h"

namespace renda::app {

namespace {

std::string queryOf(const WebRequest& r, const std::string& name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second;
}

std::string num(uint64_t n) { return std::to_string(n); }

// Why an import failed, for the clerk, in Chinese, then the details, with
// the server's name for the uploaded file (`file`) replaced by 上传的文件.
std::string importFailure(Status s, const std::string& file) {
  std::string details = s.message();
  for (size_t at; !file.empty() && (at = details.find(file)) != std::string::npos;)
    details.replace(at, file.size(), i18n::tr("web.err.uploaded-file"));
  s = Status::error(s.code(), details);
  switch (s.code()) {
    case Code::kInvalidInput:
    case Code::kCorruption: {
      // What the bundle's reader found, in the clerk's words: a file that is
      // whole but not for here is not "damaged".
      auto says = [&](const char* words) { return details.find(words) != std::string::npos; };
      if (says("another county's network"))
        return i18n::trf("web.err.import-other-county", {s.message()});
      if (says("another version of renda"))
        return i18n::trf("web.err.import-version", {s.message()});
      if (says("is not a renda bundle file") || says("not a summary file"))
        return i18n::trf("web.err.import-not-bundle", {s.message()});
      if (says("is incomplete"))
        return i18n::trf("web.err.import-incomplete", {s.message()});
      return i18n::trf("web.err.import-corrupt", {s.message()});
    }
    case Code::kRefused:
      return i18n::trf("web.err.import-refused", {s.message()});
    case Code::kNotFound:
      return i18n::trf("web.err.import-foreign", {s.message()});
    case Code::kResourceExhausted:
      return i18n::trf("web.err.import-disk", {s.message()});
    default:
      return i18n::trf("web.err.import-failed", {s.message()});
  }
}

std::string importResult(const ImportResult& r) {
  const IngestReport& rep = r.report;
  Json j;
  j.beginObject().field("received", static_cast<int64_t>(rep.received));
  j.field("applied", static_cast<int64_t>(rep.added - std::min(rep.added, rep.notApplied)));
  j.field("added", static_cast<int64_t>(rep.added));
  j.field("notApplied", static_cast<int64_t>(rep.notApplied));
  j.field("duplicates", static_cast<int64_t>(rep.duplicates));
  j.field("forks", static_cast<int64_t>(rep.forks));
  j.field("batches", static_cast<int64_t>(r.batches));
  j.key("notes").beginArray();
  for (const auto& n : rep.notes) j.str(n);
  j.endArray().endObject();
  return j.text();
}

std::string importMessage(const IngestReport& rep) {
  std::string m = i18n::trf("web.job.imported", {num(rep.added), num(rep.duplicates)});
  if (rep.forks) m += i18n::trf("web.job.imported-forks", {num(rep.forks)});
  if (rep.notApplied) m += i18n::trf("web.job.imported-not-applied", {num(rep.notApplied)});
  return m + i18n::tr("web.job.end");
}

}  // namespace

WebResponse startBundleImport(Node& node, OpsState& ops, const std::string& file) {
  if (ops.jobs.running("import")) {
    ::unlink(file.c_str());
    return errorResponse(409, "conflict", i18n::tr("web.err.import-running"));
  }
  // The imports before have ended: their threads are let go of.
  for (auto& t : ops.workers)
    if (t.joinable()) t.join();
  ops.workers.clear();
  uint64_t job = ops.jobs.start("import", i18n::tr("web.job.checking"));
  OpsState* state = &ops;
  // The job's words in the language of the request that started it.
  ops.workers.emplace_back([&node, state, job, file, lang = i18n::messageLanguage()] {
    i18n::WebMessages webMessages(lang);
    ImportOptions options;
    options.stop = &state->stopping;
    options.onProgress = [state, job](uint64_t done, uint64_t total) {
      state->jobs.progress(job, done, total, i18n::trf("web.job.importing", {num(done), num(total)}));
    };
    auto r = importBundle(node, file, false, options);
    ::unlink(file.c_str());
    if (!r) {
      state->jobs.finish(job, false, importFailure(r.status(), file), "{}");
      return;
    }
    state->jobs.progress(job, r->info.changeCount, r->info.changeCount);
    state->jobs.finish(job, true, importMessage(r->report), importResult(*r));
  });
  WebResponse out;
  out.status = 202;
  out.body = "{\"job\":" + num(job) + "}";
  return out;
}

WebResponse apiBundleExport(ApiCall& call) {
  std::string who = queryOf(call.request, "node");
  VersionVector theirs;
  std::string forName;
  if (!who.empty()) {
    auto states = call.node.store().peerStates();
    if (!states) return statusResponse(states.status(), i18n::tr("web.err.read-neighbours"));
    const storage::PeerState* found = nullptr;
    for (const auto& st : *states)
      if (st.address == who || (who.size() >= 4 && st.node && toHex(*st.node).rfind(who, 0) == 0))
        found = &st;
    if (!found)
      return errorResponse(404, "not_found",
                           i18n::trf("web.err.unknown-neighbour", {who}), "node");
    theirs = found->summary;
    forName = found->node ? toHex(*found->node).substr(0, 8) : found->address;
  }
  std::string path = webTempPath(call.node.dir(), "bundle", ".bundle");
  auto r = exportBundle(call.node, theirs, path);
  if (!r) {
    ::unlink(path.c_str());
    return statusResponse(r.status(), i18n::tr("web.err.make-bundle"));
  }
  auto net = call.node.store().network();
  std::string county = net ? net->countyName : "renda";
  std::string date = formatTime(Node::nowMs()).substr(0, 10);
  std::string name = county + "-变更包-" + (forName.empty() ? "全部" : forName) + "-" + date + ".bundle";
  WebResponse out;
  out.file = path;
  out.contentType = "application/octet-stream";
  out.headers.emplace_back("Content-Disposition",
                           attachmentDisposition(name, "renda-" + date + ".bundle"));
  out.headers.emplace_back("X-Renda-Changes", num(r->changes));
  return out;
}

WebResponse apiJob(ApiCall& call, const std::string& id) {
  char* end = nullptr;
  uint64_t n = std::strtoull(id.c_str(), &end, 10);
  std::optional<Job> job;
  if (end && !*end && !id.empty()) job = call.ops->jobs.get(n);
  if (!job) return errorResponse(404, "not_found", i18n::tr("web.err.no-job"));
  Json j;
  j.beginObject().field("job", static_cast<int64_t>(job->id)).field("kind", job->kind);
  j.field("state", job->state).field("done", static_cast<int64_t>(job->done));
  j.field("total", static_cast<int64_t>(job->total)).field("message", job->message);
  j.key("result").numberText(job->resultJson);
  j.endObject();
  WebResponse out;
  out.body = j.text();
  return out;
}

}  // namespace renda::app
