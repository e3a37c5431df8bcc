// SPDX-License-Identifier: Apache-2.0
#include "app/serve/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <kj/async-io.h>
#include <kj/async-unix.h>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "app/serve/neighbours.h"
#include "app/web/serve_control.h"
#include "net/beacon.h"
#include "app/i18n/strings.h"
#include "app/serve/session.h"
#include "core/limits.h"

namespace renda::app {

namespace {

uint64_t wallMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
}

uint64_t steadyMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// One line in the log: the local time, then the text.
void logLine(const std::string& text) {
  std::string line = formatTime(Node::nowMs()) + "  " + text + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string hostOf(const std::string& address) {
  size_t colon = address.rfind(':');
  return colon == std::string::npos ? address : address.substr(0, colon);
}

// One neighbour the scheduler syncs with.
struct Neighbour {
  std::string address;
  bool configured = true;  // from the file or a flag (else found on the LAN, or learned)
  bool learned = false;    // it connected here and said where it listens: synced when this
                           // node has news (it comes here on its own schedule otherwise)
  bool discovered = false; // its beacon on the LAN named it (forgotten when the beacons stop)
  uint64_t dueMs = 0;      // steady clock
  uint32_t failures = 0;
  bool running = false;
  uint64_t seenMs = 0;     // found on the LAN: the last beacon
};

// One session under way (incoming or outgoing) on its own thread.
struct Active {
  uint64_t id = 0;
  bool incoming = false;
  std::string address;  // outgoing: the neighbour; incoming: where it came from
  std::optional<PublicKey> peer;  // once admitted
  net::Channel* channel = nullptr;
  bool handshaking = true;
  bool cut = false;  // the watch ended it (revoked)
  bool unreachable = false;  // an outgoing one that could not connect
  std::thread thread;
  std::optional<net::SyncReport> report;
};

class Server {
 public:
  Server(Node& node, const ServeOptions& options, std::unique_ptr<SessionKeys> keys,
         kj::AsyncIoContext& io)
      : node_(node), options_(options), keys_(std::move(keys)), io_(io),
        rng_(std::random_device{}()) {}

  ~Server() {
    stopAll();
    // The observers leave the event port before their descriptors close.
    listenObserver_ = nullptr;
    doneObserver_ = nullptr;
    beaconObserver_ = nullptr;
    if (listenFd_ >= 0) ::close(listenFd_);
    if (doneFd_ >= 0) ::close(doneFd_);
  }

  Status start() {
    doneFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (doneFd_ < 0) return Status::ioError(std::string("eventfd: ") + std::strerror(errno));
    doneObserver_ = kj::heap<kj::UnixEventPort::FdObserver>(
        io_.unixEventPort, doneFd_, kj::UnixEventPort::FdObserver::OBSERVE_READ);
    if (!options_.listen.empty() && options_.listen != "off") {
      auto fd = listenOn(options_.listen);
      if (!fd) return fd.status();
      listenFd_ = *fd;
      // The address as bound (port 0 in --listen: the system picks one).
      sockaddr_storage bound{};
      socklen_t len = sizeof bound;
      if (::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&bound), &len) == 0)
        listening_ = socketAddressName(bound);
      listenObserver_ = kj::heap<kj::UnixEventPort::FdObserver>(
          io_.unixEventPort, listenFd_, kj::UnixEventPort::FdObserver::OBSERVE_READ);
    }
    if (listenFd_ >= 0) {
      auto hp = splitHostPort(listening_);
      if (hp) listenPort_ = hp->second;
      listeningOnLoopback_ = hp && (hp->first.rfind("127.", 0) == 0 || hp->first == "[::1]");
    }
    for (const auto& a : options_.neighbours) addNeighbour(a, true);
    RENDA_TRY(reloadNeighbourFile());
    if (options_.discovery) RENDA_TRY(startDiscovery());
    auto count = node_.store().changeCount();
    if (!count) return count.status();
    lastCount_ = *count;
    std::string township;
    if (auto m = node_.self(); m && !m->township.empty()) township = " (" + m->township + ")";
    else if (m) township = " (county office)";
    std::string list;
    for (const auto& n : neighbours_) list += (list.empty() ? "" : ", ") + n.address;
    std::string web = webUrl_.empty() ? ", no web interface"
                                      : ", web at " + webUrl_ + (webOpen_ ? " (open to the LAN)" : "");
    logLine("renda serve: node " + shortKey(keys_->self) + township + " of " +
            keys_->network.countyName + (listenFd_ >= 0 ? ", listening on " + listening_
                                                         : ", not listening") + web +
            "; neighbours: " + (list.empty() ? "none yet" : list));
    return Status::ok();
  }

  // Where the web interface listens, for the first log line ("" for none).
  void setWeb(const std::string& url, bool open) {
    webUrl_ = url;
    webOpen_ = open;
  }

  // Everything the loop waits on, until one of them fails.
  kj::Promise<void> run() {
    kj::Promise<void> all = tickLoop().exclusiveJoin(doneLoop());
    if (listenObserver_) all = all.exclusiveJoin(acceptLoop());
    if (beaconObserver_) all = all.exclusiveJoin(beaconLoop());
    return all;
  }

  void stopAll() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      for (auto& [id, a] : active_)
        if (a.channel) a.channel->shutdown();
    }
    for (auto& [id, a] : active_)
      if (a.thread.joinable()) a.thread.join();
    active_.clear();
  }

  // --- ServeControl (the web API's sync page), on the loop ---------------
  ServeControl* control() { return &control_; }
  std::vector<LiveNeighbour> liveNeighbours() const {
    std::vector<LiveNeighbour> out;
    for (const auto& n : neighbours_)
      out.push_back({n.address, n.running, n.configured, n.discovered, n.failures});
    return out;
  }
  bool discoveryOn() const { return options_.discovery; }
  Status syncNow(const std::string& address,
                 std::function<void(std::vector<SyncOutcome>)> done) {
    AskedSync asked;
    asked.done = std::move(done);
    for (auto& n : neighbours_) {
      if (!address.empty() && n.address != address) continue;
      asked.waiting.insert(n.address);
      if (n.running) continue;
      n.running = true;
      startSession(-1, false, n.address);
    }
    if (!address.empty() && asked.waiting.empty())
      return Status::notFound(i18n::trf("serve.unknown-neighbour", {address}));
    if (asked.waiting.empty()) asked.done({});
    else asked_.push_back(std::move(asked));
    return Status::ok();
  }

 private:
  kj::Promise<void> acceptLoop() {
    return listenObserver_->whenBecomesReadable().then([this]() {
      acceptAll();
      return acceptLoop();
    });
  }

  kj::Promise<void> doneLoop() {
    return doneObserver_->whenBecomesReadable().then([this]() {
      uint64_t n;
      while (::read(doneFd_, &n, sizeof n) == sizeof n) {
      }
      collect();
      return doneLoop();
    });
  }

  kj::Promise<void> tickLoop() {
    return io_.provider->getTimer()
        .afterDelay(options_.tickMs * kj::MILLISECONDS)
        .then([this]() {
          tick();
          return tickLoop();
        });
  }

  // LAN discovery (net/beacon.h): beacons go out every kBeaconIntervalMs
  // when this node listens; beacons of this county's other nodes make them
  // neighbours while they keep coming.
  Status startDiscovery() {
    beaconKey_.emplace(net::BeaconKey::derive(keys_->network.network, keys_->secret));
    auto socket = net::BeaconSocket::open(options_.discoveryPort);
    if (!socket)
      return Status::usage(i18n::trf("serve.discovery-port", {std::to_string(options_.discoveryPort),
                                                              socket.status().message()}));
    beaconSocket_.emplace(std::move(*socket));
    if (listenPort_) beaconSender_.emplace(*beaconKey_, keys_->self, listenPort_);
    beaconListener_.emplace(*beaconKey_, keys_->self);
    beaconObserver_ = kj::heap<kj::UnixEventPort::FdObserver>(
        io_.unixEventPort, beaconSocket_->fd(), kj::UnixEventPort::FdObserver::OBSERVE_READ);
    return Status::ok();
  }

  kj::Promise<void> beaconLoop() {
    // Drained before waiting: an edge-triggered observer reports only new data.
    auto drained = beaconSocket_->drain([this](std::string_view packet, const net::Ipv4Address& from) {
      onBeacon(packet, from);
    });
    if (drained && *drained == 64) return kj::evalLater([this] { return beaconLoop(); });
    return beaconObserver_->whenBecomesReadable().then([this] { return beaconLoop(); });
  }

  void onBeacon(std::string_view packet, const net::Ipv4Address& from) {
    uint64_t now = steadyMs();
    net::BeaconOutcome out = beaconListener_->receive(packet, from, wallMs());
    if (!out.peer) {
      if (out.ignored == net::BeaconIgnored::kOwn) return;
      // Said at most once a minute per sender and reason.
      std::string key = from.toString() + "/" + std::to_string(int(out.ignored));
      auto& last = ignoredLogged_[key];
      if (last && now - last < 60'000) return;
      last = now;
      if (ignoredLogged_.size() > 1024) ignoredLogged_.clear();
      logLine("ignored a beacon from " + from.toString() + ": " + net::describe(out.ignored));
      return;
    }
    std::string address = out.peer->address.toString() + ":" + std::to_string(out.peer->port);
    if (Neighbour* known = find(address)) {
      known->seenMs = now;
      if (known->discovered && out.peer->fresh && !known->running) known->dueMs = now;
      return;
    }
    Neighbour& n = add(address, false);
    n.discovered = true;
    n.seenMs = now;
    logLine("found node " + shortKey(out.peer->device) + " at " + address + " on the LAN");
  }

  Neighbour* find(const std::string& address) {
    for (auto& n : neighbours_)
      if (n.address == address) return &n;
    return nullptr;
  }
  Neighbour& add(const std::string& address, bool configured) {
    Neighbour n;
    n.address = address;
    n.configured = configured;
    neighbours_.push_back(n);
    return neighbours_.back();
  }
  void addNeighbour(const std::string& address, bool configured) {
    if (Neighbour* n = find(address)) n->configured = n->configured || configured;
    else add(address, configured);
  }

  Status reloadNeighbourFile() {
    auto list = readNeighbours(node_.dir());
    if (!list) return list.status();
    if (*list == fileNeighbours_) return Status::ok();
    // Dropped from the file (and not given as a flag): no longer synced.
    for (const auto& old : fileNeighbours_)
      if (std::find(list->begin(), list->end(), old) == list->end() &&
          std::find(options_.neighbours.begin(), options_.neighbours.end(), old) ==
              options_.neighbours.end())
        neighbours_.erase(std::remove_if(neighbours_.begin(), neighbours_.end(),
                                         [&](const Neighbour& n) {
                                           return n.address == old && !n.running;
                                         }),
                          neighbours_.end());
    for (const auto& a : *list) addNeighbour(a, true);
    fileNeighbours_ = *list;
    return Status::ok();
  }

  void acceptAll() {
    for (;;) {
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // EAGAIN: all taken; anything else: try again when readable
      }
      std::string where = socketAddressName(from);
      std::string host = hostOf(where);
      uint64_t now = steadyMs();
      auto banned = penalty_.find(host);
      size_t handshakes = 0, sessions = 0, fromHost = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& [id, a] : active_) {
          ++sessions;
          if (a.handshaking) ++handshakes;
          if (a.handshaking && a.incoming && hostOf(a.address) == host) ++fromHost;
        }
      }
      std::string refuse;
      if (banned != penalty_.end() && banned->second > now)
        refuse = "it broke the protocol a moment ago; turned away for a while";
      else if (sessions >= limits::kMaxSessions)
        refuse = "too many sessions under way (" + std::to_string(sessions) + ")";
      else if (fromHost >= kMaxHandshakesPerHost)
        refuse = "too many handshakes under way from " + host;
      else if (handshakes >= kMaxHandshakes)
        refuse = "too many handshakes under way";
      if (!refuse.empty()) {
        ::close(fd);
        logLine("turned away " + where + ": " + refuse);
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      startSession(fd, true, where);
    }
  }

  void startSession(int fd, bool incoming, const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t id = ++lastId_;
    Active& a = active_[id];
    a.id = id;
    a.incoming = incoming;
    a.address = address;
    a.thread = std::thread([this, id, fd, incoming] { sessionThread(id, fd, incoming); });
  }

  // On the session's own thread (an outgoing one connects first: fd -1).
  void sessionThread(uint64_t id, int fd, bool incoming) {
    if (fd < 0) {
      std::string address;
      {
        std::lock_guard<std::mutex> lock(mu_);
        address = active_[id].address;
      }
      auto connected = connectTo(address, kConnectTimeoutMs);
      if (!connected) {
        net::SyncReport r;
        r.status = connected.status();
        finish(id, std::move(r), true);
        return;
      }
      fd = *connected;
    }
    SessionOptions so;
    so.initiator = !incoming;
    so.handshakeTimeoutMs = options_.handshakeTimeoutMs;
    so.listenPort = listenPort_;
    so.admit = [this, id](Result<PublicKey> who) -> Result<PublicKey> {
      if (!who) return who;
      std::lock_guard<std::mutex> lock(mu_);
      size_t same = 0;
      for (auto& [other, a] : active_)
        if (other != id && a.peer == *who) ++same;
      if (same >= limits::kMaxSessionsPerKey)
        return Status::error(Code::kOverloaded, "node " + shortKey(*who) + " already has " +
                                                    std::to_string(same) + " sessions open here");
      active_[id].peer = *who;
      return who;
    };
    so.onChannel = [this, id](net::Channel* ch) {
      std::lock_guard<std::mutex> lock(mu_);
      Active& a = active_[id];
      a.channel = ch;
      a.handshaking = false;
      if (ch && stopping_) ch->shutdown();
    };
    finish(id, runSession(node_, *keys_, fd, so), false);
  }

  void finish(uint64_t id, net::SyncReport r, bool unreachable) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      active_[id].report = std::move(r);
      active_[id].unreachable = unreachable;
    }
    uint64_t one = 1;
    (void)::write(doneFd_, &one, sizeof one);
  }

  // On the loop: sessions that ended.
  void collect() {
    std::vector<Active> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = active_.begin(); it != active_.end();) {
        if (it->second.report) {
          done.push_back(std::move(it->second));
          it = active_.erase(it);
        } else {
          ++it;
        }
      }
    }
    uint64_t now = steadyMs();
    for (auto& a : done) {
      a.thread.join();
      net::SyncReport& r = *a.report;
      if (a.cut && r.status)
        r.status = Status::refused(i18n::trf("serve.cut-off", {shortKey(r.peer)}));
      // A peer that broke the protocol (not merely a cut link) is turned away a while.
      if (a.incoming && r.status.code() == Code::kInvalidInput)
        penalty_[hostOf(a.address)] = now + kPenaltyMs;
      std::string address = a.incoming ? "node " + toHex(r.peer) : a.address;
      if (a.incoming && r.status && r.peerListenPort) learn(a.address, r.peerListenPort);
      if (!a.incoming || r.peer != PublicKey{}) {
        Status noted = notePeer(node_.store(), address, r, Node::nowMs());
        if (!noted) logLine("could not note the session: " + noted.message());
      }
      for (auto& n : neighbours_) {
        if (a.incoming || n.address != a.address) continue;
        n.running = false;
        if (r.status) {
          n.failures = 0;
          n.dueMs = n.learned ? UINT64_MAX : now + options_.routineMs;
        } else {
          ++n.failures;
          uint64_t wait = std::min<uint64_t>(options_.maxBackoffMs,
                                             1000ull << std::min<uint32_t>(n.failures, 16));
          n.dueMs = now + wait / 2 + rng_() % (wait / 2 + 1);
        }
      }
      if (!a.incoming) noteAsked(a.address, r);
      bool nothing = r.status && r.summariesEqual;
      uint32_t failures = 0;
      for (auto& n : neighbours_)
        if (!a.incoming && n.address == a.address) failures = n.failures;
      if (a.unreachable) {
        // Said once, then every tenth try, not every few seconds.
        if (failures == 1 || failures % 10 == 0)
          logLine(r.status.message() + " (trying again)");
      } else if (!(nothing && options_.quiet))
        logLine(std::string(a.incoming ? "session from " : "session to ") + a.address + " " +
                describeSession(r) + " (" + std::to_string(r.durationMs) + " ms)");
    }
  }

  // A session that a sync asked for (syncNow) waited on ended.
  void noteAsked(const std::string& address, const net::SyncReport& r) {
    for (auto it = asked_.begin(); it != asked_.end();) {
      if (!it->waiting.erase(address)) {
        ++it;
        continue;
      }
      it->outcomes.push_back({address, bool(r.status), describeSession(r), r.sentChanges,
                              r.receivedChanges, r.received.notApplied});
      if (!it->waiting.empty()) {
        ++it;
        continue;
      }
      auto done = std::move(it->done);
      auto outcomes = std::move(it->outcomes);
      it = asked_.erase(it);
      done(std::move(outcomes));
    }
  }

  // A node that connected from `from` and listens on `port`: this one goes
  // to it with news. Forgotten after a few failed tries.
  void learn(const std::string& from, uint16_t port) {
    std::string address = hostOf(from) + ":" + std::to_string(port);
    if (find(address)) return;
    Neighbour& n = add(address, false);
    n.learned = true;
    n.dueMs = UINT64_MAX;
  }

  void tick() {
    uint64_t now = steadyMs();
    (void)reloadNeighbourFile();
    // The store gained changes (here, from another process, or from a
    // neighbour): every neighbour not backed off is synced now.
    bool changed = false;
    if (auto count = node_.store().changeCount(); count && *count != lastCount_) {
      lastCount_ = *count;
      changed = true;
    }
    if (beaconSender_ && now - lastBeaconMs_ >= net::kBeaconIntervalMs) {
      lastBeaconMs_ = now;
      // A node that listens on loopback only is found on this computer only.
      std::string beacon = beaconSender_->next(wallMs());
      Result<size_t> sent = size_t(1);
      if (listeningOnLoopback_) {
        Status s = beaconSocket_->sendTo(beacon, net::Ipv4Address::of(127, 255, 255, 255),
                                         options_.discoveryPort);
        if (!s) sent = s;
      } else {
        sent = beaconSocket_->broadcast(beacon, options_.discoveryPort, options_.loopbackDiscovery);
      }
      if (!sent && !beaconSendFailed_) logLine("cannot send beacons: " + sent.status().message());
      beaconSendFailed_ = !sent;
    }
    // Learned nodes that stopped answering, and found ones whose beacons
    // stopped, are forgotten.
    neighbours_.erase(std::remove_if(neighbours_.begin(), neighbours_.end(),
                                     [&](const Neighbour& n) {
                                       if (n.running || n.configured) return false;
                                       if (n.discovered)
                                         return now - n.seenMs > 6 * net::kBeaconIntervalMs;
                                       return n.learned && n.failures >= 3;
                                     }),
                      neighbours_.end());
    for (auto& n : neighbours_) {
      if (n.running) continue;
      if (changed && n.failures == 0) n.dueMs = std::min(n.dueMs, now);
      if (now < n.dueMs) continue;
      n.running = true;
      startSession(-1, false, n.address);
    }
    watchRevocations();
  }

  // A key the county revoked is cut off at once, whichever session brought the revocation.
  void watchRevocations() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, a] : active_) {
      if (!a.peer || !a.channel || a.cut) continue;
      if (!peerStillAllowed(node_.store(), *a.peer)) {
        a.cut = true;
        a.channel->shutdown();
      }
    }
  }

  static constexpr size_t kMaxHandshakes = 8;
  // One address may not take every handshake slot (a flood from one host
  // would shut honest nodes out until its handshakes time out).
  static constexpr size_t kMaxHandshakesPerHost = 2;
  static constexpr uint64_t kConnectTimeoutMs = 5'000;
  static constexpr uint64_t kPenaltyMs = 30'000;

  Node& node_;
  const ServeOptions& options_;
  std::unique_ptr<SessionKeys> keys_;
  kj::AsyncIoContext& io_;
  std::mt19937_64 rng_;
  int listenFd_ = -1, doneFd_ = -1;
  kj::Own<kj::UnixEventPort::FdObserver> listenObserver_, doneObserver_;
  std::vector<Neighbour> neighbours_;
  std::vector<std::string> fileNeighbours_;
  std::map<std::string, uint64_t> penalty_;  // host -> turned away until (steady ms)
  uint64_t lastCount_ = 0;
  std::optional<net::BeaconKey> beaconKey_;
  std::optional<net::BeaconSocket> beaconSocket_;
  std::optional<net::BeaconSender> beaconSender_;
  std::optional<net::BeaconListener> beaconListener_;
  kj::Own<kj::UnixEventPort::FdObserver> beaconObserver_;
  std::map<std::string, uint64_t> ignoredLogged_;  // "ip/reason" -> when last logged
  uint64_t lastBeaconMs_ = 0;
  bool beaconSendFailed_ = false;
  bool listeningOnLoopback_ = false;
  uint16_t listenPort_ = 0;  // told to peers
  std::string listening_;    // where it listens, as bound
  std::string webUrl_;       // the web interface's address ("" for none)
  bool webOpen_ = false;
  std::mutex mu_;  // guards active_ and stopping_
  std::map<uint64_t, Active> active_;
  uint64_t lastId_ = 0;
  bool stopping_ = false;
  // Syncs the web API asked for, waiting for their sessions to end.
  struct AskedSync {
    std::set<std::string> waiting;
    std::vector<SyncOutcome> outcomes;
    std::function<void(std::vector<SyncOutcome>)> done;
  };
  std::vector<AskedSync> asked_;
  struct Control : ServeControl {
    explicit Control(Server& s) : server(s) {}
    std::vector<LiveNeighbour> liveNeighbours() const override { return server.liveNeighbours(); }
    bool discoveryOn() const override { return server.discoveryOn(); }
    Status syncNow(const std::string& address,
                   std::function<void(std::vector<SyncOutcome>)> done) override {
      return server.syncNow(address, std::move(done));
    }
    Server& server;
  } control_{*this};
};

}  // namespace

Status serve(Node& node, const ServeOptions& options) {
  auto keys = loadSessionKeys(node);
  if (!keys) return keys.status();
  // A peer that closes while we write must not kill the process.
  ::signal(SIGPIPE, SIG_IGN);
  kj::UnixEventPort::captureSignal(SIGINT);
  kj::UnixEventPort::captureSignal(SIGTERM);
  Status result;
  try {
    auto io = kj::setupAsyncIo();
    Server server(node, options, std::move(*keys), io);
    std::unique_ptr<WebServer> web;
    if (!options.web.listen.empty() && options.web.listen != "off") {
      web = std::make_unique<WebServer>(node, options.web, io, logLine);
      Status started = web->start();
      if (started) {
        server.setWeb(web->url(), web->open());
        web->setServeControl(server.control());
      } else if (options.web.required) {
        return started;
      } else {
        logLine("renda serve: no web interface: " + started.message());
        web.reset();
      }
    }
    RENDA_TRY(server.start());
    auto stop = io.unixEventPort.onSignal(SIGINT)
                    .exclusiveJoin(io.unixEventPort.onSignal(SIGTERM))
                    .then([](siginfo_t) { logLine("renda serve: stopping"); });
    kj::Promise<void> running = server.run();
    if (web) running = running.exclusiveJoin(web->run());
    stop.exclusiveJoin(kj::mv(running)).wait(io.waitScope);
    server.stopAll();
  } catch (const kj::Exception& e) {
    result = Status::ioError(std::string("the server stopped: ") + e.getDescription().cStr());
  }
  return result;
}

}  // namespace renda::app
