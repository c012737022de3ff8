// acs/http/connection_request.h: asking a CPE to open a session (TR-069 Amd 6 §3.2.2,
// checklist §9.1): an HTTP GET to the device's ConnectionRequestURL, answered with 200/204.
//
// `ConnectionRequester` is the seam: the REST API (POST /api/devices/{id}/connection-request,
// tasks created with "connection_request": true) calls request(device) and records the outcome;
// tests substitute a fake. `HttpConnectionRequester` is the real one.
//
//   acs::HttpConnectionRequester requester(store, {.timeout = std::chrono::milliseconds(3000)});
//   acs::ConnectionRequestOutcome outcome = requester.request(*store.getDevice(id).value());
//   if (!outcome.ok) log(outcome.message);   // e.g. "device offline: connection refused"
#pragma once

#include <chrono>
#include <string>

namespace acs::store {
struct Device;
class Store;
}  // namespace acs::store

namespace acs {

struct ConnectionRequestOutcome {
  bool ok = false;      // the CPE answered 200 or 204
  int http_status = 0;  // the final HTTP status; 0 when no HTTP response arrived
  std::string message;  // one line for humans and for the task's connection_request_result
};

// Thread-safe: request() may be called from many threads at once.
class ConnectionRequester {
 public:
  virtual ~ConnectionRequester();
  // Sends one connection request to `device` and waits (bounded by the implementation's
  // timeout) for the answer. Never throws.
  virtual ConnectionRequestOutcome request(const store::Device& device) = 0;
};

struct HttpConnectionRequesterOptions {
  std::chrono::milliseconds timeout{3000};  // connect + whole exchange
  // Used when the device has no ConnectionRequestUsername/Password parameters stored.
  std::string default_username;
  std::string default_password;
  // Basic is non-conformant for connection requests (checklist 9.1.4); Digest is always
  // tried when challenged, Basic only when this is set.
  bool allow_basic = false;
};

// GET to device.connection_request_url with HTTP Digest (MD5, qop=auth) or, when allowed,
// Basic, using the device's `*.ManagementServer.ConnectionRequestUsername` / `...Password`
// parameters from the store (TR-181 `Device.` or TR-098 `InternetGatewayDevice.` root).
// Outcomes: ok on 200/204; otherwise ok=false with the status (401 after a failed
// challenge, 503 = device busy or rate-limited) or, when no HTTP answer came, a message
// such as "device offline: connection refused" or "timeout after 3000 ms".
// Thread-safe; `store` must outlive the requester.
class HttpConnectionRequester final : public ConnectionRequester {
 public:
  HttpConnectionRequester(store::Store& store, HttpConnectionRequesterOptions options);
  ConnectionRequestOutcome request(const store::Device& device) override;

 private:
  store::Store& store_;
  HttpConnectionRequesterOptions options_;
};

}  // namespace acs
