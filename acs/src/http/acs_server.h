// acs/http/acs_server.h: one running ACS: the store, the metrics, the CWMP service, the REST
// API (when built in), the HTTP listeners and the maintenance thread (stale-session reaper,
// leases of sessions whose CPE closed the connection, retention purge). The `acs` application and the in-process integration tests use it alike.
//
//   acs::AcsConfig config = ...;                 // port 0 picks a free port
//   acs::http::AcsServer server(config);
//   if (std::string err = server.start(); !err.empty()) die(err);
//   std::cout << server.urls()[0];               // http://127.0.0.1:41234 (https:// with TLS)
//   server.stop(std::chrono::seconds(10));       // graceful: in-flight requests finish
//
// Thread-safety: start() and stop() from one controlling thread; the accessors are safe from
// any thread once start() has returned.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "acs/src/app/config.h"
#include "acs/src/core/clock.h"
#include "acs/src/core/inform_cache.h"
#include "acs/src/core/metrics.h"
#include "acs/src/http/connection_request.h"
#include "acs/src/http/cwmp_service.h"
#include "acs/src/store/store.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace acs::api {
class ApiRouter;
}

namespace acs::http {

class AcsServer {
 public:
  // `config.instance_id` empty: "<hostname>:<pid>".
  explicit AcsServer(AcsConfig config);
  ~AcsServer();
  AcsServer(const AcsServer&) = delete;
  AcsServer& operator=(const AcsServer&) = delete;

  // Loads the TLS certificate and key (when config.tls is set), opens the store (applying
  // migrations), binds the listeners and starts serving and the maintenance thread. Returns
  // "" on success, otherwise a message saying what failed; TLS problems (unreadable file,
  // not PEM, key not matching the certificate) start with kTlsErrorPrefix.
  std::string start();
  static constexpr std::string_view kTlsErrorPrefix = "invalid TLS configuration: ";

  // Stops accepting connections, lets requests in flight finish for up to `grace`, then
  // closes the rest, stops the maintenance thread and closes the store. Open CWMP sessions
  // keep their state in the store (another ACS process may continue them); their leases
  // expire after the session timeout. Idempotent.
  void stop(std::chrono::milliseconds grace);

  // The bound ports (after start()).
  std::uint16_t port() const { return port_; }
  std::optional<std::uint16_t> cwmpPort() const { return cwmp_port_; }
  // "http://host:port" (https:// with TLS) of the main listener, then the CWMP URL.
  std::vector<std::string> urls() const;

  const AcsConfig& config() const { return config_; }
  store::Store& store() { return *store_; }
  Metrics& metrics() { return metrics_; }
  CwmpService& cwmp() { return *cwmp_; }
  ConnectionRequester& connectionRequester() { return *requester_; }

  // Accepted connections waiting for a worker thread, over all listeners.
  int queuedConnections() const;

  // One pass of the maintenance work, for tests: reap stale sessions, purge by retention.
  void runMaintenance();

 private:
  void maintenanceLoop();
  bool overloaded() const;

  AcsConfig config_;
  SystemClock clock_;
  Metrics metrics_;
  store::StorePtr store_;
  std::unique_ptr<InformCache> inform_cache_;
  std::unique_ptr<CwmpService> cwmp_;
  std::unique_ptr<ConnectionRequester> requester_;
  std::unique_ptr<api::ApiRouter> api_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> main_server_;
  std::unique_ptr<Poco::Net::HTTPServer> cwmp_server_;
  std::uint16_t port_ = 0;
  std::optional<std::uint16_t> cwmp_port_;
  bool ssl_initialized_ = false;  // Poco::Net::initializeSSL() called (undone by stop())

  std::thread maintenance_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool started_ = false;
  store::TimePoint last_purge_{};
};

// "<hostname>:<pid>".
std::string defaultInstanceId();

}  // namespace acs::http
