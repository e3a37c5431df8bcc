// SPDX-License-Identifier: Apache-2.0
// The web interface's HTTP listener inside `renda serve`, on the server's one
// KJ event loop (kj::HttpServer): it turns each request into a WebRequest for
// app/web/web_app.h and sends the WebResponse back.
//
// Who may connect: by default it listens on 127.0.0.1 and answers only
// clients on this computer. A client from any other address gets 403 unless
// the interface is opened to the LAN, by --web-open or by giving a specific
// non-loopback address to listen on (a wildcard such as 0.0.0.0 alone does
// not open it). While it is not opened, a request must also name this
// computer in its Host header (127.x.x.x, [::1] or localhost), so that a web
// page elsewhere cannot reach it through a DNS name that points here.
#pragma once

#include <kj/async-io.h>

#include <functional>
#include <memory>
#include <string>

#include "app/node/node.h"
#include "app/web/serve_control.h"

namespace renda::app {

struct WebOptions {
  std::string listen = "127.0.0.1:7480";  // "" or "off": no web interface
  bool open = false;                      // --web-open: clients from the LAN too
  // Given with --web: renda serve fails when it cannot listen there. The
  // default address is tried only: another renda serve on this computer may
  // hold it (then this one logs so and runs without the web interface).
  bool required = false;
};

// Whether `address` ("HOST:PORT") names one specific address that is not
// loopback, so that listening there opens the interface to the LAN.
bool opensToLan(const std::string& address);

class WebServer {
 public:
  WebServer(Node& node, const WebOptions& options, kj::AsyncIoContext& io,
            std::function<void(const std::string&)> log);
  ~WebServer();

  // Listens. Usage, with words for the clerk, when the address cannot be used.
  Status start();
  // "http://127.0.0.1:7480/", as bound (port 0 in the options: the one chosen).
  const std::string& url() const;
  // Whether clients from other computers are answered.
  bool open() const;
  // renda serve's scheduler, for the sync endpoints; it must outlive this server.
  void setServeControl(ServeControl* control);
  // Serves until the promise is dropped.
  kj::Promise<void> run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace renda::app
