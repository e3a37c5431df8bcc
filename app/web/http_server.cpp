// SPDX-License-Identifier: Apache-2.0
#include "app/web/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <list>
#include <thread>

#include <kj/compat/http.h>

#include "app/i18n/strings.h"
#include "app/serve/session.h"
#include "app/web/ops_state.h"
#include "app/web/url.h"
#include "app/web/web_app.h"

namespace renda::app {

namespace {

// A loopback address written out in full (127.x.x.x, ::1, ::ffff:127.x.x.x) or
// "localhost": nothing else, so that a DNS name such as 127.0.0.1.example.com
// (which may point anywhere) is not taken for this computer.
bool loopbackHost(std::string host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

// The host part of a socket address name ("1.2.3.4:5" -> "1.2.3.4",
// "[::1]:5" -> "::1").
std::string hostPart(const std::string& name) {
  size_t colon = name.rfind(':');
  std::string host = colon == std::string::npos ? name : name.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host;
}

const char* statusText(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    default: return status >= 500 ? "Internal Server Error" : "Status";
  }
}

// The value of cookie `name` in a Cookie header, or "".
std::string cookieValue(kj::StringPtr header, const std::string& name) {
  std::string h = header.cStr();
  size_t at = 0;
  while (at < h.size()) {
    size_t end = h.find(';', at);
    if (end == std::string::npos) end = h.size();
    std::string part = h.substr(at, end - at);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// The host a Host header names: "127.0.0.1:7480" -> "127.0.0.1",
// "[::1]:7480" -> "::1", "localhost" -> "localhost".
std::string hostOfHeader(const std::string& h) {
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    if (close == std::string::npos || (close + 1 < h.size() && h[close + 1] != ':')) return h;
    return h.substr(1, close - 1);
  }
  size_t colon = h.find(':');
  if (colon != std::string::npos && h.find(':', colon + 1) == std::string::npos)
    return h.substr(0, colon);
  return h;
}

}  // namespace

bool opensToLan(const std::string& address) {
  auto hp = splitHostPort(address, true);
  if (!hp) return false;
  std::string host = hostOfHeader(hp->first + ":0");
  return !loopbackHost(host) && host != "0.0.0.0" && host != "::" && !host.empty();
}

struct WebServer::Impl : public kj::HttpService {
  Impl(Node& node, const WebOptions& options, kj::AsyncIoContext& io,
       std::function<void(const std::string&)> log)
      : options(options), io(io), log(log), app(node, log) {
    kj::HttpHeaderTable::Builder builder;
    cookie = builder.add("Cookie");
    csrf = builder.add("X-CSRF-Token");
    ifNoneMatch = builder.add("If-None-Match");
    lang = builder.add("X-Renda-Lang");
    table = builder.build();
  }

  // One connection's service: knows where the client is.
  struct Connection : public kj::HttpService {
    Connection(Impl& impl, std::string client) : impl(impl), client(std::move(client)) {}
    kj::Promise<void> request(kj::HttpMethod method, kj::StringPtr url,
                              const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                              Response& response) override {
      return impl.serve(client, method, url, headers, body, response);
    }
    Impl& impl;
    std::string client;
  };

  // KJ's own answers to a request it could not parse, or to one whose
  // handling threw, in the API's JSON and the page's language: a malformed
  // request (two Content-Length headers, a length that is not a number) is
  // the client's error, 400, not the server's.
  struct Errors : public kj::HttpServerErrorHandler {
    explicit Errors(Impl& impl) : impl(impl) {}
    kj::Promise<void> handleClientProtocolError(kj::HttpHeaders::ProtocolError error,
                                                kj::HttpService::Response& response) override {
      i18n::WebMessages web;
      return impl.send(response, errorResponse(int(error.statusCode), "bad_request",
                                               i18n::tr("web.err.bad-request")));
    }
    kj::Promise<void> handleApplicationError(
        kj::Exception exception, kj::Maybe<kj::HttpService::Response&> response) override {
      if (exception.getType() == kj::Exception::Type::DISCONNECTED) return kj::READY_NOW;
      std::string what = exception.getDescription().cStr();
      std::string lower = what;
      for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
      bool malformed = lower.find("content-length") != std::string::npos ||
                       lower.find("transfer-encoding") != std::string::npos ||
                       lower.find("transfer encoding") != std::string::npos;
      if (!malformed) impl.log("web: a request failed: " + what);
      KJ_IF_MAYBE(r, response) {
        i18n::WebMessages web;
        return impl.send(*r, malformed ? errorResponse(400, "bad_request", i18n::tr("web.err.bad-request"))
                                       : errorResponse(500, "internal", i18n::tr("web.err.internal")));
      }
      return kj::READY_NOW;
    }
    Impl& impl;
  };

  kj::Promise<void> send(Response& response, WebResponse r) {
    kj::HttpHeaders h(*table);
    h.set(kj::HttpHeaderId::CONTENT_TYPE, kj::str(r.contentType.c_str()));
    h.add("X-Content-Type-Options", "nosniff");
    h.add("X-Frame-Options", "DENY");
    h.add("Referrer-Policy", "no-referrer");
    bool policySet = false, cacheControl = false;
    for (auto& [name, value] : r.headers) {
      policySet = policySet || name == "Content-Security-Policy";
      cacheControl = cacheControl || name == "Cache-Control";
      h.add(kj::str(name.c_str()), kj::str(value.c_str()));
    }
    if (!policySet) h.add("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (!cacheControl) h.add("Cache-Control", "no-store");
    if (r.status == 304) {
      response.send(304, statusText(304), h, uint64_t(0));
      return kj::READY_NOW;
    }
    if (r.makeFile) return makeThenSend(response, std::move(r));
    if (!r.file.empty()) return sendFile(response, h, r);
    auto body = kj::heap<std::string>(std::move(r.body));
    auto stream = response.send(uint(r.status), statusText(r.status), h, uint64_t(body->size()));
    auto done = stream->write(body->data(), body->size());
    return done.attach(kj::mv(stream), kj::mv(body));
  }

  // A download made on a thread of its own (WebResponse::makeFile); sent
  // from the loop once made. The threads are joined when the server ends.
  struct Maker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::list<Maker> makers;
  kj::Promise<void> makeThenSend(Response& response, WebResponse r) {
    makers.remove_if([](Maker& m) {
      if (!m.done.load()) return false;
      m.thread.join();
      return true;
    });
    auto paf = kj::newPromiseAndCrossThreadFulfiller<void>();
    // What the thread says, and its fulfiller (shared: a thread's function
    // must not have a destructor that may throw, as kj::Own's may).
    struct Outcome {
      std::string failed;
      kj::Own<kj::CrossThreadPromiseFulfiller<void>> fulfiller;
    };
    auto outcome = std::make_shared<Outcome>();
    outcome->fulfiller = kj::mv(paf.fulfiller);
    Maker& m = makers.emplace_back();
    m.thread = std::thread([&m, make = std::move(r.makeFile), outcome, path = r.file]() {
      try {
        Status s = make();
        if (!s) outcome->failed = s.message().empty() ? "?" : s.message();
      } catch (const std::exception& e) {
        outcome->failed = e.what();
      }
      // A client that went away meanwhile: nobody will send the file.
      if (!outcome->fulfiller->isWaiting()) ::unlink(path.c_str());
      outcome->fulfiller->fulfill();
      outcome->fulfiller = nullptr;
      m.done = true;
    });
    r.makeFile = nullptr;
    return paf.promise.then([this, &response, r = std::move(r), outcome]() mutable {
      if (!outcome->failed.empty()) {
        ::unlink(r.file.c_str());
        log("web: a download could not be made: " + outcome->failed);
        return send(response, errorResponse(500, "internal",
                                            i18n::trf("web.err.make-file", {outcome->failed})));
      }
      return send(response, std::move(r));
    });
  }
  ~Impl() {
    for (auto& m : makers) m.thread.join();
  }

  // A download: the file r.file, sent in pieces, then removed.
  struct Download {
    int fd = -1;
    std::string path;
    kj::Own<kj::AsyncOutputStream> stream;
    kj::Array<kj::byte> buffer = kj::heapArray<kj::byte>(size_t(1) << 16);
    ~Download() {
      if (fd >= 0) ::close(fd);
      ::unlink(path.c_str());
    }
  };
  kj::Promise<void> sendFile(Response& response, kj::HttpHeaders& h, WebResponse& r) {
    auto d = kj::heap<Download>();
    d->path = r.file;
    d->fd = ::open(r.file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (d->fd < 0 || ::fstat(d->fd, &st) != 0)
      return send(response, errorResponse(500, "internal", i18n::tr("web.err.read-download")));
    d->stream = response.send(uint(r.status), statusText(r.status), h, uint64_t(st.st_size));
    return pump(kj::mv(d));
  }
  kj::Promise<void> pump(kj::Own<Download> d) {
    ssize_t n = ::read(d->fd, d->buffer.begin(), d->buffer.size());
    if (n <= 0) return kj::READY_NOW;  // the end (a read error: the client sees a short file)
    auto written = d->stream->write(d->buffer.begin(), size_t(n));
    return written.then([this, d = kj::mv(d)]() mutable { return pump(kj::mv(d)); });
  }

  // An upload (WebApp::isUpload): the body goes to a file in the data folder
  // as it comes, never whole into memory, up to WebApp::kMaxUploadBytes.
  struct Upload {
    int fd = -1;
    std::string path;
    uint64_t bytes = 0;
    bool handedOver = false;
    kj::Own<WebRequest> request;
    kj::Array<kj::byte> buffer = kj::heapArray<kj::byte>(size_t(1) << 16);
    ~Upload() {
      if (fd >= 0) ::close(fd);
      if (!handedOver) ::unlink(path.c_str());
    }
  };
  kj::Promise<void> upload(kj::Own<WebRequest> req, const kj::HttpHeaders& headers,
                           kj::AsyncInputStream& body, Response& response) {
    KJ_IF_MAYBE(len, headers.get(kj::HttpHeaderId::CONTENT_LENGTH)) {
      if (std::strtoull(len->cStr(), nullptr, 10) > WebApp::kMaxUploadBytes)
        return send(response, tooLargeUpload());
    }
    if (auto refused = app.uploadCheck(*req)) return send(response, std::move(*refused));
    auto up = kj::heap<Upload>();
    up->path = app.uploadPath();
    up->fd = ::open(up->path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (up->fd < 0)
      return send(response, errorResponse(500, "internal", i18n::trf("web.err.save-upload",
                                                                        {std::strerror(errno)})));
    up->request = kj::mv(req);
    return receive(kj::mv(up), body, response);
  }
  static WebResponse tooLargeUpload() {
    return errorResponse(413, "too_large", i18n::tr("web.err.upload-too-large"));
  }
  kj::Promise<void> receive(kj::Own<Upload> up, kj::AsyncInputStream& body, Response& response) {
    Upload& u = *up;
    return body.tryRead(u.buffer.begin(), 1, u.buffer.size())
        .then(
            [this, up = kj::mv(up), &body, &response](size_t n) mutable -> kj::Promise<void> {
              i18n::WebMessages webMessages(pageLanguage(up->request->lang));
              if (n == 0) {
                bool ok = ::fsync(up->fd) == 0;
                ok = ::close(up->fd) == 0 && ok;
                up->fd = -1;
                if (!ok)
                  return send(response, errorResponse(500, "internal", i18n::tr("web.err.disk-full")));
                up->handedOver = true;
                return send(response, app.uploadDone(*up->request, up->path));
              }
              up->bytes += n;
              if (up->bytes > WebApp::kMaxUploadBytes) return send(response, tooLargeUpload());
              for (size_t at = 0; at < n;) {
                ssize_t w = ::write(up->fd, up->buffer.begin() + at, n - at);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0)
                  return send(response, errorResponse(500, "internal",
                                                      i18n::trf("web.err.disk-full-why",
                                                                {std::strerror(errno)})));
                at += size_t(w);
              }
              return receive(kj::mv(up), body, response);
            },
            [this, &response, lang = pageLanguage(u.request->lang)](kj::Exception&&) {
              i18n::WebMessages webMessages(lang);
              return send(response, errorResponse(400, "invalid", i18n::tr("web.err.upload-broken")));
            });
  }

  kj::Promise<void> serve(const std::string& client, kj::HttpMethod method, kj::StringPtr url,
                          const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                          Response& response) {
    // Errors in the page's language (X-Renda-Lang), here and in the
    // continuations below, each of which opens its own scope.
    std::string pageLang;
    KJ_IF_MAYBE(c, headers.get(lang)) pageLang = c->cStr();
    i18n::WebMessages webMessages(pageLanguage(pageLang));
    std::string host = hostPart(client);
    if (!options.open && !loopbackHost(host))
      return send(response, errorResponse(403, "forbidden", i18n::tr("web.err.local-only")));
    std::string hostHeader;
    KJ_IF_MAYBE(h, headers.get(kj::HttpHeaderId::HOST)) hostHeader = h->cStr();
    if (!options.open && !loopbackHost(hostOfHeader(hostHeader)))
      return send(response, errorResponse(403, "forbidden", i18n::tr("web.err.use-localhost")));
    auto req = kj::heap<WebRequest>();
    req->method = kj::str(method).cStr();
    std::string u = url.cStr();
    size_t q = u.find('?');
    req->path = percentDecodePath(u.substr(0, q));
    if (q != std::string::npos) req->query = parseQuery(u.substr(q + 1));
    KJ_IF_MAYBE(c, headers.get(cookie)) req->sessionCookie = cookieValue(*c, WebApp::kSessionCookie);
    KJ_IF_MAYBE(c, headers.get(csrf)) req->csrfHeader = c->cStr();
    KJ_IF_MAYBE(c, headers.get(kj::HttpHeaderId::CONTENT_TYPE)) req->contentType = c->cStr();
    KJ_IF_MAYBE(c, headers.get(ifNoneMatch)) req->ifNoneMatch = c->cStr();
    req->lang = pageLang;
    req->clientAddress = host;
    if (WebApp::isUpload(req->method, req->path)) return upload(kj::mv(req), headers, body, response);
    KJ_IF_MAYBE(len, headers.get(kj::HttpHeaderId::CONTENT_LENGTH)) {
      std::string n = len->cStr();
      if (n.empty() || n.size() > 19 || n.find_first_not_of("0123456789") != std::string::npos)
        return send(response, errorResponse(400, "bad_request", i18n::tr("web.err.bad-request")));
      if (std::strtoull(n.c_str(), nullptr, 10) > WebApp::kMaxBodyBytes)
        return send(response, errorResponse(413, "too_large", i18n::tr("web.err.too-large")));
    }
    auto read = body.readAllText(WebApp::kMaxBodyBytes + 1);
    return read.then(
        [this, req = kj::mv(req), &response](kj::String text) mutable {
          req->body = text.cStr();
          i18n::WebMessages webMessages(pageLanguage(req->lang));
          return send(response, app.handle(*req));
        },
        [this, &response, pageLang](kj::Exception&& e) {
          i18n::WebMessages webMessages(pageLanguage(pageLang));
          // Over the limit is 413; a body cut short or coded wrongly is the
          // client's malformed request.
          std::string what = e.getDescription().cStr();
          if (what.find("limit") != std::string::npos)
            return send(response, errorResponse(413, "too_large", i18n::tr("web.err.too-large")));
          return send(response, errorResponse(400, "bad_request", i18n::tr("web.err.bad-request")));
        });
  }

  // The path with %XX decoded except %2F, which stays (it separates nothing).
  static std::string percentDecodePath(const std::string& path) {
    std::string out;
    size_t at = 0;
    while (at <= path.size()) {
      size_t next = path.find("%2F", at), lower = path.find("%2f", at);
      next = std::min(next, lower);
      if (next == std::string::npos) {
        out += percentDecode(path.substr(at), false);
        break;
      }
      out += percentDecode(path.substr(at, next - at), false) + "%2F";
      at = next + 3;
    }
    return out;
  }

  kj::Promise<void> request(kj::HttpMethod, kj::StringPtr, const kj::HttpHeaders&,
                            kj::AsyncInputStream&, Response&) override {
    KJ_UNREACHABLE;  // every connection has its own Connection service
  }

  const WebOptions& options;
  kj::AsyncIoContext& io;
  std::function<void(const std::string&)> log;
  WebApp app;
  kj::HttpHeaderId cookie = kj::HttpHeaderId::HOST, csrf = kj::HttpHeaderId::HOST,
                   ifNoneMatch = kj::HttpHeaderId::HOST, lang = kj::HttpHeaderId::HOST;
  kj::Own<kj::HttpHeaderTable> table;
  kj::Own<kj::ConnectionReceiver> receiver;
  Errors errors{*this};
  kj::Own<kj::HttpServer> server;
  std::string url;
};

WebServer::WebServer(Node& node, const WebOptions& options, kj::AsyncIoContext& io,
                     std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>(node, options, io, std::move(log))) {}

WebServer::~WebServer() = default;

Status WebServer::start() {
  if (size_t n = removeWebTempFiles(impl_->app.nodeDir()))
    impl_->log("web: removed " + std::to_string(n) +
               " unfinished download or upload file(s) an earlier run left in the data folder");
  auto fd = listenOn(impl_->options.listen);
  if (!fd)
    return Status::usage(fd.status().message() + " (the web interface: choose another address "
                                                  "with --web, or --web off)");
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  std::string where = impl_->options.listen;
  if (::getsockname(*fd, reinterpret_cast<sockaddr*>(&bound), &len) == 0)
    where = socketAddressName(bound);
  impl_->url = "http://" + where + "/";
  impl_->receiver = impl_->io.lowLevelProvider->wrapListenSocketFd(
      *fd, kj::LowLevelAsyncIoProvider::TAKE_OWNERSHIP |
               kj::LowLevelAsyncIoProvider::ALREADY_CLOEXEC |
               kj::LowLevelAsyncIoProvider::ALREADY_NONBLOCK);
  Impl* impl = impl_.get();
  kj::HttpServerSettings settings;
  settings.errorHandler = impl_->errors;
  impl_->server = kj::heap<kj::HttpServer>(
      impl_->io.provider->getTimer(), *impl_->table,
      [impl](kj::AsyncIoStream& connection) -> kj::Own<kj::HttpService> {
        sockaddr_storage peer{};
        uint peerLen = sizeof peer;
        std::string client = "?";
        try {
          connection.getpeername(reinterpret_cast<sockaddr*>(&peer), &peerLen);
          client = socketAddressName(peer);
        } catch (const kj::Exception&) {
        }
        return kj::heap<Impl::Connection>(*impl, client);
      },
      settings);
  return Status::ok();
}

const std::string& WebServer::url() const { return impl_->url; }

bool WebServer::open() const { return impl_->options.open; }

void WebServer::setServeControl(ServeControl* control) { impl_->app.setServeControl(control); }

kj::Promise<void> WebServer::run() { return impl_->server->listenHttp(*impl_->receiver); }

}  // namespace renda::app
