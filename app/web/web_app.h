// SPDX-License-Identifier: Apache-2.0
// The web API behind renda serve's HTTP listener (app/web/http_server.h):
// requests as plain values in, responses out, so that it is independent of
// the HTTP library and runs on the server's one event loop. It signs people
// in (app/web/accounts.h, sessions.h, login_throttle.h), enforces a session
// on every /api/ call (401), the session's CSRF token on every write (403),
// and the account's role; then hands the request to the endpoint's handler
// (app/web/api_*.cpp). docs/api.md describes every endpoint.
//
// Writes go through Node::write on the loop: a write is one short LMDB
// transaction, like a sync batch's commit, so the loop is not held for long.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/i18n/strings.h"
#include "app/node/node.h"
#include "app/web/accounts.h"
#include "app/web/ops_state.h"
#include "app/web/login_throttle.h"
#include "app/web/sessions.h"

namespace renda::app {

struct WebRequest {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // "/api/deputies/3f2a", without the query
  std::map<std::string, std::string> query;  // decoded; the last of a repeated name
  std::string sessionCookie;                 // the renda_session cookie's value, or ""
  std::string csrfHeader;                    // X-CSRF-Token, or ""
  std::string contentType;
  std::string ifNoneMatch;  // If-None-Match, or ""
  std::string body;
  std::string clientAddress;  // the client's IP address (no port), for the throttle
  std::string lang;           // X-Renda-Lang (the page's language), or ""
};

// The language of a request's errors from its X-Renda-Lang header: English
// when it is "en", Chinese otherwise (absent, "zh" or anything else).
i18n::Lang pageLanguage(const std::string& header);

struct WebResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json; charset=utf-8";
  // Set-Cookie, Retry-After, ...; a Content-Security-Policy or Cache-Control
  // here replaces the default.
  std::vector<std::pair<std::string, std::string>> headers;
  // A download: the body is this file's content (instead of `body`), sent in
  // pieces; the file is removed once sent.
  std::string file;
  // When set, what writes `file`: the server runs it on a thread of its own,
  // so a large export does not hold the event loop (sync, other pages), and
  // sends the file when it returns ok. It must not touch the store or the
  // web state, only what it holds.
  std::function<Status()> makeFile;
};

// {"error": message, "code": code[, "field": field]} with `status`.
WebResponse errorResponse(int status, const std::string& code, const std::string& message,
                          const std::string& field = "");
// A Status from the layers below as an API error: Usage and InvalidInput 400
// "invalid", NotFound 404 "not_found", Refused 403 "refused", the rest 500
// "internal". `lead` says what failed (i18n::tr of a web.err.* line); the
// Status's words follow it.
WebResponse statusResponse(const Status& s, const std::string& lead);

// What a handler gets: the node, the request and who is signed in.
struct ApiCall {
  Node& node;
  const WebRequest& request;
  const WebSession& session;
  OpsState* ops = nullptr;  // jobs, the scheduler, the report data (app/web/ops_state.h)
};

// The endpoints (app/web/api_*.cpp). `id` is the path's last part where the
// path names one record.
WebResponse apiStatus(ApiCall& call);
WebResponse apiDeputyList(ApiCall& call);
WebResponse apiDeputyGet(ApiCall& call, const std::string& id);
WebResponse apiDeputyAdd(ApiCall& call);
WebResponse apiSuggestionList(ApiCall& call);
WebResponse apiSuggestionGet(ApiCall& call, const std::string& id);
WebResponse apiReportSummary(ApiCall& call);
// Records of every kind, meta, suggestion actions, conflicts (api_records.cpp,
// api_meta.cpp, api_suggestions.cpp, api_conflicts.cpp). `word` is the kind as
// the CLI names it (`deputy`, `duty`, ...); `ref` what app/web/refs.h resolves.
WebResponse apiMeta(ApiCall& call);
WebResponse apiRecordList(ApiCall& call, const std::string& word);
WebResponse apiRecordGet(ApiCall& call, const std::string& word, const std::string& ref);
WebResponse apiRecordAdd(ApiCall& call, const std::string& word);
WebResponse apiRecordAddOf(ApiCall& call, RecordKind kind);
WebResponse apiRecordEdit(ApiCall& call, const std::string& word, const std::string& ref);
WebResponse apiSuggestionAction(ApiCall& call, const std::string& ref, const std::string& action);
WebResponse apiConflicts(ApiCall& call);
// Reports, dashboard, home, sync, bundles and jobs (app/web/api_ops_routes.cpp):
// the answer when the path is one of theirs.
std::optional<WebResponse> routeOps(ApiCall& call);
// GET /api/strings?lang=zh|en: the string table (app/i18n/strings.h) of one
// language, for the pages; no session needed (app/web/api_strings.cpp).
WebResponse apiStrings(const WebRequest& request);

class WebApp {
 public:
  static constexpr const char* kSessionCookie = "renda_session";
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

  // `log` takes one line for the server's log (sign-ins and sign-outs, with
  // the account's name and the client's address; never a password or token).
  WebApp(Node& node, std::function<void(const std::string&)> log)
      : node_(node), log_(std::move(log)) {}

  // Answers one request. Never throws; an unexpected failure is a 500.
  WebResponse handle(const WebRequest& request);

  // A bundle upload (POST /api/bundles/import), whose body is not read into
  // the request: uploadCheck() says before it is read whether it may go on
  // (none: it may), then the server streams it to uploadPath() and calls
  // uploadDone() with the file (which it then owns) or an error of its own.
  static bool isUpload(const std::string& method, const std::string& path) {
    return method == "POST" && path == "/api/bundles/import";
  }
  static constexpr uint64_t kMaxUploadBytes = uint64_t(4) << 30;
  std::optional<WebResponse> uploadCheck(const WebRequest& request);
  std::string uploadPath();
  // The node's data folder.
  const std::string& nodeDir() const;
  WebResponse uploadDone(const WebRequest& request, const std::string& file);
  // renda serve's scheduler, for the sync endpoints (none in tests of the app alone).
  void setServeControl(ServeControl* control) { ops_.serve = control; }

 private:
  WebResponse route(const WebRequest& request);
  WebResponse login(const WebRequest& request);
  WebResponse logout(const WebRequest& request);
  WebResponse sessionInfo(const WebSession& session);
  std::optional<WebResponse> routeRecords(ApiCall& call);
  // GET|POST /api/accounts, DELETE /api/accounts/NAME (app/web/api_accounts.cpp).
  WebResponse accountList();
  WebResponse accountAdd(const WebRequest& request);
  WebResponse accountRemove(const std::string& name, const WebSession& by);
  // The signed-in session of the request, if any and still valid for its
  // account (which must exist with the same role and password).
  WebSession* sessionOf(const WebRequest& request);
  // Rereads the accounts file when it changed (renda account add|remove|
  // password run beside renda serve). Sessions of accounts that went or
  // changed end.
  Status reloadAccounts();

  Node& node_;
  std::function<void(const std::string&)> log_;
  std::optional<AccountBook> accounts_;
  struct FileStamp {
    ino_t inode = 0;
    int64_t mtimeNs = -1;
    off_t size = -1;
    bool operator==(const FileStamp&) const = default;
  } accountsStamp_;
  SessionTable sessions_;
  LoginThrottle throttle_;
  OpsState ops_;
};

}  // namespace renda::app
