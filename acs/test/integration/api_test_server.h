// A real HTTP server for the REST API tests: Poco's HTTPServer on 127.0.0.1 (port 0) whose
// every request goes to an ApiRouter over a real SQLite store in a temporary file, with a fake
// connection requester. Plus a small HTTP client for the tests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/api_router.h"
#include "api/api_test_support.h"

namespace Poco::Net {
class HTTPServer;
}

namespace acs::api::testing {

struct ApiTestServerOptions {
  bool enable_auth = false;
  std::string api_key;
  std::vector<std::string> cors_origins;
  std::uint64_t max_body_bytes = 1024 * 1024;
  std::uint64_t max_file_bytes = 0;  // ApiDeps::max_file_bytes (0: the default)
  // Open this database instead of a fresh temporary one (latency check).
  std::string database_url;
  int threads = 4;
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class ApiTestServer {
 public:
  explicit ApiTestServer(ApiTestServerOptions options = {});
  ~ApiTestServer();
  ApiTestServer(const ApiTestServer&) = delete;
  ApiTestServer& operator=(const ApiTestServer&) = delete;

  std::uint16_t port() const { return port_; }
  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  store::Store& store() { return *store_; }
  Metrics& metrics() { return metrics_; }
  FakeConnectionRequester& requester() { return requester_; }
  AcsConfig& config() { return config_; }

  // One request on a fresh connection. `body` is sent with `content_type` (default
  // application/json when the body is not empty); extra headers as given.
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {},
                     std::optional<std::string> content_type = std::nullopt) const;

 private:
  std::unique_ptr<TempDatabase> db_;
  store::StorePtr store_;
  Metrics metrics_;
  AcsConfig config_;
  FakeConnectionRequester requester_;
  std::unique_ptr<ApiRouter> router_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace acs::api::testing
