// A small blocking HTTP client for the ACS's REST API and /metrics: one request at a time
// over a kept-alive loopback connection, with the API key when one is configured.
// Not thread-safe: give each thread its own RestClient.
#pragma once

#include <memory>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
}

namespace scenario {

struct HttpReply {
  int status = 0;        // 0: no HTTP answer (see error)
  std::string body;
  std::string error;     // transport error text when status == 0
  bool ok() const { return status >= 200 && status < 300; }
  // "HTTP 404: {...}" or the transport error, for messages.
  std::string describe() const;
};

class RestClient {
 public:
  // `base_url`: "http://host:port" optionally followed by a path prefix ("/acs").
  RestClient(const std::string& base_url, std::string api_key, int timeout_ms = 30'000);
  ~RestClient();
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // `path` starts with '/' and is appended to the base URL's path. A failed connection is
  // retried once on a fresh connection (a kept-alive one may have been closed by the server).
  HttpReply get(const std::string& path);
  HttpReply post(const std::string& path, const std::string& json_body);
  // Base URL changed (the embedded ACS came back on another port).
  void rebase(const std::string& base_url);

 private:
  HttpReply send(const std::string& method, const std::string& path, const std::string* body);

  std::string host_;
  std::uint16_t port_ = 0;
  std::string prefix_;
  std::string api_key_;
  int timeout_ms_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

// Percent-encodes a path segment (an ACS device id keeps the CPE's own escapes, so '%'
// becomes %25).
std::string encodePathSegment(const std::string& segment);

}  // namespace scenario
