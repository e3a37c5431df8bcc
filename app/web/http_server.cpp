// SPDX-License-Identifier: Apache-2.0
#include "app/web/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <kj/compat/http.h>

#include "app/serve/session.h"
#include "app/web/url.h"
#include "app/web/web_app.h"

namespace renda::app {

namespace {

bool loopbackHost(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1" || host == "[::1]" ||
         host.rfind("::ffff:127.", 0) == 0 || host == "localhost";
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
    return close == std::string::npos ? h : h.substr(1, close - 1);
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

  kj::Promise<void> send(Response& response, WebResponse r) {
    kj::HttpHeaders h(*table);
    h.set(kj::HttpHeaderId::CONTENT_TYPE, kj::str(r.contentType.c_str()));
    h.add("X-Content-Type-Options", "nosniff");
    h.add("X-Frame-Options", "DENY");
    h.add("Referrer-Policy", "no-referrer");
    bool policySet = false;
    for (auto& [name, value] : r.headers) {
      policySet = policySet || name == "Content-Security-Policy";
      h.add(kj::str(name.c_str()), kj::str(value.c_str()));
    }
    if (!policySet) h.add("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (r.status == 304) {
      response.send(304, statusText(304), h, uint64_t(0));
      return kj::READY_NOW;
    }
    auto body = kj::heap<std::string>(std::move(r.body));
    auto stream = response.send(uint(r.status), statusText(r.status), h, uint64_t(body->size()));
    auto done = stream->write(body->data(), body->size());
    return done.attach(kj::mv(stream), kj::mv(body));
  }

  kj::Promise<void> serve(const std::string& client, kj::HttpMethod method, kj::StringPtr url,
                          const kj::HttpHeaders& headers, kj::AsyncInputStream& body,
                          Response& response) {
    std::string host = hostPart(client);
    if (!options.open && !loopbackHost(host))
      return send(response, errorResponse(403, "forbidden",
                                          "此节点的网页只接受本机访问（可用 renda serve --web-open "
                                          "向局域网开放）"));
    std::string hostHeader;
    KJ_IF_MAYBE(h, headers.get(kj::HttpHeaderId::HOST)) hostHeader = h->cStr();
    if (!options.open && !loopbackHost(hostOfHeader(hostHeader)))
      return send(response, errorResponse(403, "forbidden", "请用 127.0.0.1 或 localhost 访问此节点"));
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
    req->clientAddress = host;
    KJ_IF_MAYBE(len, headers.get(kj::HttpHeaderId::CONTENT_LENGTH)) {
      if (std::strtoull(len->cStr(), nullptr, 10) > WebApp::kMaxBodyBytes)
        return send(response, errorResponse(413, "too_large", "请求内容过大"));
    }
    auto read = body.readAllText(WebApp::kMaxBodyBytes + 1);
    return read.then(
        [this, req = kj::mv(req), &response](kj::String text) mutable {
          req->body = text.cStr();
          return send(response, app.handle(*req));
        },
        [this, &response](kj::Exception&&) {
          return send(response, errorResponse(413, "too_large", "请求内容过大"));
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
                   ifNoneMatch = kj::HttpHeaderId::HOST;
  kj::Own<kj::HttpHeaderTable> table;
  kj::Own<kj::ConnectionReceiver> receiver;
  kj::Own<kj::HttpServer> server;
  std::string url;
};

WebServer::WebServer(Node& node, const WebOptions& options, kj::AsyncIoContext& io,
                     std::function<void(const std::string&)> log)
    : impl_(std::make_unique<Impl>(node, options, io, std::move(log))) {}

WebServer::~WebServer() = default;

Status WebServer::start() {
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
      });
  return Status::ok();
}

const std::string& WebServer::url() const { return impl_->url; }

bool WebServer::open() const { return impl_->options.open; }

kj::Promise<void> WebServer::run() { return impl_->server->listenHttp(*impl_->receiver); }

}  // namespace renda::app
