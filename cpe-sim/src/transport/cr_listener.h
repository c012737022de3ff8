// transport/cr_listener.h: the one HTTP Connection Request listener of the whole fleet
// (TR-069 3.2.2; checklist 9.1). Every device's ConnectionRequestURL points here as
// http://host:port/cr/<device>.
//
// A request is answered as TR-069 asks:
//  - HTTP GET only (405 otherwise), any body ignored;
//  - Digest authentication with the device's ConnectionRequestUsername/Password as they are
//    at that moment (401 with a fresh challenge until the ACS proves them; a wrong answer
//    never starts a session);
//  - per-device rate limit: beyond `max_per_window` accepted requests in `window`, 503
//    without Retry-After (TR-069 3.2.2: "SHOULD NOT include the HTTP Retry-After header");
//  - otherwise 200 with an empty body, sent and flushed before the target is told, so the
//    session never overtakes the answer (checklist 13.10). The target coalesces several
//    requests into one `6 CONNECTION REQUEST` session (checklist 9.1.9).
//
//   ConnectionRequestListener listener(fleet, {.bind_host = "127.0.0.1"});
//   listener.start();
//   std::string url = listener.urlFor("SIM00000001");   // http://127.0.0.1:41873/cr/SIM00000001
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "transport/http_auth.h"

namespace cpesim {

struct CrCredentials {
  std::string username;
  std::string password;
};

// What a credential lookup found: the device's current ConnectionRequestUsername/Password,
// no such device (answered 404), or a device that cannot take a request now: powered off,
// rebooting, CWMP disabled (answered 503, as for the rate limit).
struct CrLookup {
  enum class Status { Ok, NotFound, Unavailable };
  Status status = Status::NotFound;
  CrCredentials credentials;
};

// What the listener needs from the fleet. Both calls come from listener threads.
class ConnectionRequestTarget {
 public:
  virtual ~ConnectionRequestTarget() = default;
  // Looks the device up. May block briefly (the fleet asks the device's thread).
  virtual CrLookup connectionRequestCredentials(std::string_view device) = 0;
  // An authenticated request within the rate limit was answered 200: start (or coalesce
  // into a pending) `6 CONNECTION REQUEST` session.
  virtual void connectionRequested(std::string_view device) = 0;
};

struct CrListenerConfig {
  std::string bind_host = "0.0.0.0";
  std::uint16_t port = 0;                 // 0: any free port (see port())
  std::string advertise_host = {};        // host put in URLs; empty: bind_host, or 127.0.0.1
  std::string path_prefix = "/cr/";
  std::uint32_t max_per_window = 10;      // accepted requests per device per window
  std::chrono::seconds window{60};
  std::string realm = "cpe-sim";
  int threads = 4;
  std::uint64_t seed = 1;                 // nonce generator
};

struct CrListenerStats {
  std::uint64_t accepted = 0;
  std::uint64_t challenged = 0;       // 401 sent (first contact or bad credentials)
  std::uint64_t auth_failed = 0;      // wrong credentials presented
  std::uint64_t rate_limited = 0;     // 503
  std::uint64_t not_found = 0;        // unknown device or path
  std::uint64_t unavailable = 0;      // device off, rebooting or CWMP disabled
};

class ConnectionRequestListener {
 public:
  ConnectionRequestListener(ConnectionRequestTarget& target, CrListenerConfig config);
  ~ConnectionRequestListener();
  ConnectionRequestListener(const ConnectionRequestListener&) = delete;
  ConnectionRequestListener& operator=(const ConnectionRequestListener&) = delete;

  // Binds and starts serving. Throws Poco::Exception when the port cannot be bound.
  void start();
  void stop();
  std::uint16_t port() const { return port_; }
  // http://<advertise host>:<port><prefix><percent-encoded device>
  std::string urlFor(std::string_view device) const;
  // The URL with a literal "{serial}" placeholder kept for the device model to expand.
  std::string urlTemplate(std::string_view placeholder) const;
  CrListenerStats stats() const;

  // Handles one request; public for the request handler class.
  struct Reply {
    int status = 200;
    std::string www_authenticate;
    std::string device;  // set on 200: tell the target once the reply is on the wire
  };
  Reply handle(std::string_view method, std::string_view uri, std::string_view authorization);
  void trigger(const std::string& device) { target_.connectionRequested(device); }

 private:
  std::optional<std::string> deviceFromUri(std::string_view uri) const;
  std::int64_t nowSeconds() const;

  ConnectionRequestTarget& target_;
  CrListenerConfig config_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;

  std::mutex mutex_;
  DigestServer digest_;                                              // guarded by mutex_
  std::map<std::string, std::deque<std::int64_t>, std::less<>> accepted_;  // guarded by mutex_

  std::atomic<std::uint64_t> accepted_count_{0};
  std::atomic<std::uint64_t> challenged_{0};
  std::atomic<std::uint64_t> auth_failed_{0};
  std::atomic<std::uint64_t> rate_limited_{0};
  std::atomic<std::uint64_t> not_found_{0};
  std::atomic<std::uint64_t> unavailable_{0};
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
};

}  // namespace cpesim
