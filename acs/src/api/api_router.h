// acs/api/api_router.h: the REST API (/api/*) and the Prometheus endpoint (/metrics).
//
// One ApiRouter serves every API request of one server; the HTTP request handler factory
// (acs/src/http) asks handles(path) and, when true, hands the request to handle(). The router
// checks the API key (when auth is enabled), applies CORS for the configured origins only,
// parses and validates the JSON body into plain DTOs, calls the store and writes a JSON reply
// (errors as {"error":{"code":"...","message":"..."}}).
//
//   acs::api::ApiRouter router({store, metrics, config, connection_requester});
//   if (acs::api::ApiRouter::handles(request.getURI())) router.handle(request, response);
//
// Thread-safety: handle() may be called from any number of HTTP threads at once; the router
// holds no mutable state of its own and every dependency is itself thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/config.h"
#include "core/metrics.h"
#include "http/connection_request.h"
#include "store/store.h"

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace acs::api {

// Long-lived services the router uses. All references must outlive the router.
struct ApiDeps {
  store::Store& store;
  Metrics& metrics;
  const AcsConfig& config;
  ConnectionRequester& connection_requester;
  // Largest PUT /api/files/{name} upload (the ACS's max_file_bytes setting); 0: 64 MiB.
  // Larger uploads get 413.
  std::uint64_t max_file_bytes = 0;
};

// One API request with the HTTP transport taken off: what dispatch() needs. `path` and `query`
// are raw (still percent-encoded); header fields are "" when absent.
struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // e.g. "/api/devices/00D09E-Box-1/tasks"
  std::string query;   // without the '?'
  std::string body;
  std::string content_type;
  std::string authorization;  // Authorization header
  std::string api_key;        // X-API-Key header
  std::string origin;         // Origin header (CORS)
  std::string host;           // Host header (URLs of stored files)
  std::string range;          // Range header (GET /files/{name})
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";  // "" for no body (204)
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // HEAD: the Content-Length the GET would have; the body is empty and not sent. -1 otherwise.
  std::int64_t head_content_length = -1;
  // Large downloads (GET /files/{name}): set instead of `body`. Writes exactly
  // `stream_length` bytes to the stream piece by piece, so a file is never held in memory
  // whole; false when it could not (the store failed or the file changed mid-way: the
  // connection is then closed and the client sees fewer bytes than Content-Length).
  std::function<bool(std::ostream&)> stream_body;
  std::int64_t stream_length = 0;
};

// True when an Accept-Encoding header value accepts gzip ("gzip", "x-gzip" or "*" with a
// q-value above zero). Replies of /api/* and /metrics of 1 KiB or more are then sent with
// Content-Encoding: gzip; those replies always carry Vary: Accept-Encoding.
bool acceptsGzip(std::string_view accept_encoding);

// One route the router serves, e.g. {"GET", "/api/devices/{id}"}.
struct RouteSpec {
  std::string_view method;
  std::string_view pattern;
};

// Handles /api/*, /metrics and /files/* (stored files served to CPEs). Thread-safe; one
// instance per server.
class ApiRouter {
 public:
  explicit ApiRouter(ApiDeps deps);
  ~ApiRouter();
  ApiRouter(const ApiRouter&) = delete;
  ApiRouter& operator=(const ApiRouter&) = delete;

  // True when the path belongs to the API (so the factory routes it here). `path` may carry a
  // query string; only the part before '?' is looked at.
  static bool handles(std::string_view path);

  // Answers one request completely (status, headers, body). Never throws: every error becomes
  // a JSON error reply (500 for unexpected ones).
  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  // The transport-free core of handle(): authentication, CORS, routing, validation and the
  // store calls. Never throws.
  ApiResponse dispatch(const ApiRequest& request);

  // Every route served, in the order they are matched (the OpenAPI test walks this list).
  static std::span<const RouteSpec> routes();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace acs::api
