// SPDX-License-Identifier: Apache-2.0
#include "app/web/web_app.h"

#include <sys/stat.h>

#include <cerrno>
#include <chrono>

#include "app/i18n/strings.h"
#include "app/node/domain_glue.h"
#include "app/output/json.h"
#include "app/web/assets.h"
#include "app/web/json_body.h"
#include "app/web/url.h"

namespace renda::app {

namespace {

uint64_t steadyMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

bool isWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

bool isJson(const std::string& contentType) {
  std::string t = contentType.substr(0, contentType.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& c : t) c = char(std::tolower(static_cast<unsigned char>(c)));
  return t == "application/json";
}

// What the pages may load: their own scripts and styles only, API calls to
// this server only. ECharts' tooltips set style attributes, hence
// 'unsafe-inline' for styles (never for scripts).
constexpr const char* kPageSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// GET / and GET /assets/NAME: a file of the pages, revalidated by its ETag.
WebResponse assetResponse(const WebAsset& asset, const WebRequest& request) {
  WebResponse r;
  r.contentType = std::string(asset.contentType);
  r.headers.emplace_back("ETag", std::string(asset.etag));
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("Content-Security-Policy", kPageSecurityPolicy);
  if (request.ifNoneMatch == asset.etag) {
    r.status = 304;
    return r;
  }
  r.body = std::string(asset.bytes);
  return r;
}

WebResponse methodNotAllowed() {
  return errorResponse(405, "method_not_allowed", i18n::tr("web.err.method"));
}

}  // namespace

i18n::Lang pageLanguage(const std::string& header) {
  return header == "en" ? i18n::Lang::kEn : i18n::Lang::kZh;
}

WebResponse errorResponse(int status, const std::string& code, const std::string& message,
                          const std::string& field) {
  Json j;
  j.beginObject().field("error", message).field("code", code);
  if (!field.empty()) j.field("field", field);
  j.endObject();
  WebResponse r;
  r.status = status;
  r.body = j.text();
  return r;
}

WebResponse statusResponse(const Status& s, const std::string& lead) {
  // A core refusal that reached here in its English is put into the page's
  // words (domainMessage leaves any other text as it is).
  std::string message = i18n::trf("web.err.lead", {lead, domainMessage(s.message())});
  switch (s.code()) {
    case Code::kUsage:
    case Code::kInvalidInput: return errorResponse(400, "invalid", message);
    case Code::kNotFound: return errorResponse(404, "not_found", message);
    case Code::kRefused: return errorResponse(403, "refused", message);
    default: return errorResponse(500, "internal", message);
  }
}

Status WebApp::reloadAccounts() {
  std::string path = AccountBook::pathIn(node_.dir());
  FileStamp now;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    now.inode = st.st_ino;
    now.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    now.size = st.st_size;
  } else if (errno != ENOENT) {
    return Status::ioError("cannot read " + path);
  }
  if (accounts_ && now == accountsStamp_) return Status::ok();
  auto book = AccountBook::load(node_.dir());
  if (!book) return book.status();
  // A password set (or an account made) at the command line while serve runs
  // lifts the sign-in wait on that name: the way out of a lock-out.
  if (accounts_)
    for (const auto& a : book->all())
      if (const Account* was = accounts_->find(a.name); !was || was->hash != a.hash)
        throttle_.forgive(a.name);
  accounts_ = std::move(*book);
  accountsStamp_ = now;
  return Status::ok();
}

WebSession* WebApp::sessionOf(const WebRequest& request) {
  if (request.sessionCookie.empty()) return nullptr;
  WebSession* s = sessions_.find(request.sessionCookie, steadyMs());
  if (!s) return nullptr;
  const Account* a = accounts_ ? accounts_->find(s->account) : nullptr;
  if (!a || a->role != s->role || a->hash != s->accountStamp) {
    sessions_.closeAccount(s->account);
    return nullptr;
  }
  return s;
}

WebResponse WebApp::handle(const WebRequest& request) {
  // The checks below word their errors for the web: in the page's language
  // (X-Renda-Lang, Chinese unless "en"), and without command-line flags
  // (app/i18n/strings.h).
  i18n::WebMessages webMessages(pageLanguage(request.lang));
  try {
    WebResponse r = route(request);
    bool cacheSet = false;
    for (const auto& h : r.headers) cacheSet = cacheSet || h.first == "Cache-Control";
    if (!cacheSet) r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  } catch (const std::exception& e) {
    log_(std::string("web: internal error: ") + e.what());
    return errorResponse(500, "internal", i18n::tr("web.err.internal"));
  }
}

WebResponse WebApp::route(const WebRequest& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path.rfind("/api/", 0) != 0) {
    std::string name = path == "/" ? "index.html"
                       : path.rfind("/assets/", 0) == 0 ? path.substr(8)
                                                        : std::string();
    const WebAsset* asset = name.empty() ? nullptr : findWebAsset(name);
    if (!asset) return errorResponse(404, "not_found", i18n::tr("web.err.no-page"));
    if (method != "GET" && method != "HEAD") return methodNotAllowed();
    return assetResponse(*asset, request);
  }
  if (Status s = reloadAccounts(); !s) return statusResponse(s, i18n::tr("web.err.read-accounts"));
  if (isWrite(method)) {
    if (request.body.size() > kMaxBodyBytes)
      return errorResponse(413, "too_large", i18n::tr("web.err.too-large"));
    if (!request.body.empty() && !isJson(request.contentType))
      return errorResponse(415, "unsupported_media_type", i18n::tr("web.err.not-json"));
  }
  if (path == "/api/login") return method == "POST" ? login(request) : methodNotAllowed();
  // Answered without sign-in: the sign-in page needs its words too.
  if (path == "/api/strings") return method == "GET" ? apiStrings(request) : methodNotAllowed();

  WebSession* session = sessionOf(request);
  if (!session) return errorResponse(401, "unauthorized", i18n::tr("web.err.sign-in"));
  if (isWrite(method) && !SessionTable::csrfMatches(*session, request.csrfHeader))
    return errorResponse(403, "csrf", i18n::tr("web.err.csrf"));
  bool admin = session->role == AccountRole::kAdmin;

  if (path == "/api/logout") return method == "POST" ? logout(request) : methodNotAllowed();
  if (path == "/api/session") return method == "GET" ? sessionInfo(*session) : methodNotAllowed();
  if (path == "/api/accounts" || path.rfind("/api/accounts/", 0) == 0) {
    if (!admin) return errorResponse(403, "forbidden", i18n::tr("web.err.admin-accounts"));
    if (path == "/api/accounts") {
      if (method == "GET") return accountList();
      if (method == "POST") return accountAdd(request);
      return methodNotAllowed();
    }
    if (method != "DELETE") return methodNotAllowed();
    return accountRemove(path.substr(std::string("/api/accounts/").size()), *session);
  }

  ApiCall call{node_, request, *session, &ops_};
  if (auto r = routeOps(call)) return std::move(*r);
  auto idAfter = [&](const std::string& prefix) -> std::optional<std::string> {
    if (path.rfind(prefix, 0) != 0 || path.size() == prefix.size()) return std::nullopt;
    std::string id = path.substr(prefix.size());
    if (id.find('/') != std::string::npos) return std::nullopt;
    return id;
  };
  if (path == "/api/status") return method == "GET" ? apiStatus(call) : methodNotAllowed();
  if (path == "/api/deputies") {
    if (method == "GET") return apiDeputyList(call);
    if (method == "POST") return apiDeputyAdd(call);
    return methodNotAllowed();
  }
  if (auto id = idAfter("/api/deputies/"))
    return method == "GET" ? apiDeputyGet(call, *id) : methodNotAllowed();
  if (path == "/api/suggestions")
    return method == "GET" ? apiSuggestionList(call) : methodNotAllowed();
  if (auto id = idAfter("/api/suggestions/"))
    return method == "GET" ? apiSuggestionGet(call, *id) : methodNotAllowed();
  if (path == "/api/reports/summary")
    return method == "GET" ? apiReportSummary(call) : methodNotAllowed();
  if (auto r = routeRecords(call)) return *r;
  return errorResponse(404, "not_found", i18n::tr("web.err.no-endpoint"));
}

// /api/meta, /api/records/KIND[/REF], /api/suggestions/REF/actions/ACTION,
// /api/conflicts; nullopt for any other path.
std::optional<WebResponse> WebApp::routeRecords(ApiCall& call) {
  const std::string& path = call.request.path;
  const std::string& method = call.request.method;
  if (path == "/api/meta") return method == "GET" ? apiMeta(call) : methodNotAllowed();
  if (path == "/api/conflicts") return method == "GET" ? apiConflicts(call) : methodNotAllowed();
  std::vector<std::string> parts;  // the path's parts after /api/, each decoded
  for (size_t at = 5; at <= path.size();) {
    size_t slash = std::min(path.find('/', at), path.size());
    parts.push_back(percentDecode(path.substr(at, slash - at), false));
    at = slash + 1;
  }
  for (const auto& part : parts)
    if (part.empty()) return std::nullopt;
  if (parts.size() == 4 && parts[0] == "suggestions" && parts[2] == "actions")
    return method == "POST" ? apiSuggestionAction(call, parts[1], parts[3]) : methodNotAllowed();
  if (parts[0] != "records" || parts.size() < 2 || parts.size() > 3) return std::nullopt;
  if (parts.size() == 2) {
    if (method == "GET") return apiRecordList(call, parts[1]);
    if (method == "POST") return apiRecordAdd(call, parts[1]);
    return methodNotAllowed();
  }
  if (method == "GET") return apiRecordGet(call, parts[1], parts[2]);
  if (method == "PUT") return apiRecordEdit(call, parts[1], parts[2]);
  return methodNotAllowed();
}

WebResponse WebApp::login(const WebRequest& request) {
  auto body = parseJsonObject(request.body);
  if (!body) return errorResponse(400, "invalid", body.status().message());
  const std::string* name = jsonValue(*body, "name");
  const std::string* password = jsonValue(*body, "password");
  if (!name || name->empty()) return errorResponse(400, "invalid", i18n::tr("web.err.give-name"), "name");
  if (!password || password->empty())
    return errorResponse(400, "invalid", i18n::tr("web.err.give-password"), "password");
  uint64_t now = steadyMs();
  if (uint64_t wait = throttle_.waitMs(*name, request.clientAddress, now)) {
    uint64_t seconds = (wait + 999) / 1000;
    WebResponse r = errorResponse(429, "rate_limited",
                                  i18n::trf("web.err.throttled", {std::to_string(seconds)}));
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
  }
  if (accounts_->all().empty())
    return errorResponse(401, "no_accounts",
                         i18n::tr("web.err.no-accounts"));
  if (uint64_t wait = throttle_.budgetWaitMs(now)) {
    uint64_t seconds = (wait + 999) / 1000;
    WebResponse r = errorResponse(429, "rate_limited",
                                  i18n::trf("web.err.throttled-all", {std::to_string(seconds)}));
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
  }
  throttle_.checking(now);
  std::optional<Account> account = accounts_->check(*name, *password);
  if (!account) {
    throttle_.failed(*name, request.clientAddress, now);
    // A name that is no account is not logged: it may be a password typed
    // into the wrong box, or lines forged for the log.
    log_("web: sign-in refused for " +
         (accounts_->find(*name) ? "account " + *name : std::string("a name that is no account")) +
         " from " + request.clientAddress);
    return errorResponse(401, "bad_credentials", i18n::tr("web.err.bad-credentials"));
  }
  throttle_.succeeded(*name, request.clientAddress);
  SessionTable::Opened opened = sessions_.open(*account, now);
  log_("web: " + account->name + " (" + accountRoleName(account->role) + ") signed in from " +
       request.clientAddress);
  Json j;
  j.beginObject().field("name", account->name).field("role", accountRoleName(account->role));
  j.field("csrf", opened.csrfToken).endObject();
  WebResponse r;
  r.body = j.text();
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + opened.cookieToken +
                                           "; HttpOnly; SameSite=Strict; Path=/");
  return r;
}

WebResponse WebApp::logout(const WebRequest& request) {
  if (WebSession* s = sessionOf(request))
    log_("web: " + s->account + " signed out from " + request.clientAddress);
  sessions_.close(request.sessionCookie);
  WebResponse r;
  r.body = "{\"ok\":true}";
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                           "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  return r;
}

WebResponse WebApp::sessionInfo(const WebSession& session) {
  Json j;
  j.beginObject().field("name", session.account).field("role", accountRoleName(session.role));
  j.field("csrf", session.csrfToken).endObject();
  WebResponse r;
  r.body = j.text();
  return r;
}

}  // namespace renda::app
