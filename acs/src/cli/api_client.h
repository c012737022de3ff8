// acs/cli/api_client.h: the HTTP side of acsctl: one request to the ACS REST API at a time.
//
//   ApiClient client({.base_url = "http://127.0.0.1:7547", .api_key = key});
//   HttpReply reply = client.call("GET", "/api/devices?limit=10", "");
//   if (!reply.transport_error.empty()) die(reply.transport_error);  // no HTTP answer
//   if (reply.status >= 400) die(errorMessage(reply));
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace acs::cli {

struct ApiClientOptions {
  std::string base_url = "http://127.0.0.1:7547";  // http[s]://host[:port][/prefix]
  std::string api_key;                             // sent as Authorization: Bearer
  std::chrono::milliseconds timeout{10000};
  // https:// only. By default the server's certificate must chain to a system CA and name
  // the URL's host. `ca_file`: trust the PEM certificates in this file instead of the system
  // CAs (e.g. the ACS's self-signed certificate). `insecure`: check nothing (the connection
  // is encrypted but the server unauthenticated).
  std::string ca_file;
  bool insecure = false;
};

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string transport_error;  // set when no HTTP answer arrived (refused, timeout, ...)
};

// Not thread-safe; acsctl makes one call at a time. A new connection per call keeps the
// client simple and robust against servers closing idle connections. https:// URLs use TLS
// 1.2 or newer.
class ApiClient {
 public:
  explicit ApiClient(ApiClientOptions options);

  // `path` starts with "/" and may carry a query string. A non-empty `body` is sent as
  // application/json.
  HttpReply call(std::string_view method, std::string_view path, std::string_view body) const;
  // The same with the body sent as `content_type` (e.g. application/octet-stream for files).
  HttpReply call(std::string_view method, std::string_view path, std::string_view body,
                 std::string_view content_type) const;

  // "" when base_url (and, for https, ca_file) is usable; otherwise what is wrong with it.
  std::string checkUrl() const;

 private:
  struct Tls;  // the TLS client context of https:// calls (made on first use)
  const Tls& tls() const;

  ApiClientOptions options_;
  mutable std::shared_ptr<Tls> tls_;
};

// The message of an error reply: the API's {"error":{"code","message"}} as "message (code)",
// or the HTTP status and body text when the reply is not in that shape.
std::string errorMessage(const HttpReply& reply);

}  // namespace acs::cli
