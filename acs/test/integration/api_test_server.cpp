#include "integration/api_test_server.h"

#include <algorithm>
#include <cctype>
#include <istream>
#include <stdexcept>
#include <utility>

#include "lab/server_shutdown.h"
#include "store/store_factory.h"
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

namespace acs::api::testing {

namespace {

class RouterHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RouterHandler(ApiRouter& router) : router_(router) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    router_.handle(request, response);
  }

 private:
  ApiRouter& router_;
};

// Everything goes to the router, as the ACS's factory does for ApiRouter::handles() paths.
class RouterFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RouterFactory(ApiRouter& router) : router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RouterHandler(router_);
  }

 private:
  ApiRouter& router_;
};

}  // namespace

ApiTestServer::ApiTestServer(ApiTestServerOptions options) {
  if (options.database_url.empty()) {
    db_ = std::make_unique<TempDatabase>();
    store_ = db_->open();
  } else {
    auto opened = store::openStore(options.database_url, {});
    if (!opened.ok()) throw std::runtime_error("openStore: " + opened.error().message);
    store_ = std::move(*opened);
  }
  config_.enable_auth = options.enable_auth;
  config_.api_key = options.api_key;
  config_.cors_origins = options.cors_origins;
  config_.max_body_bytes = options.max_body_bytes;
  ApiDeps deps{*store_, metrics_, config_, requester_};
  deps.max_file_bytes = options.max_file_bytes;
  router_ = std::make_unique<ApiRouter>(deps);

  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options.threads);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RouterFactory(*router_), socket, params);
  server_->start();
}

ApiTestServer::~ApiTestServer() { lab::stopAndDrain(*server_, true); }

HttpResult ApiTestServer::request(const std::string& method, const std::string& target,
                                  const std::string& body,
                                  const std::map<std::string, std::string>& headers,
                                  std::optional<std::string> content_type) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", port_);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT") {
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    if (!body.empty()) request.setContentType(content_type.value_or("application/json"));
  }
  std::ostream& out = session.sendRequest(request);
  out << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  HttpResult result;
  Poco::StreamCopier::copyToString(in, result.body);
  result.status = static_cast<int>(response.getStatus());
  for (const auto& [name, value] : response) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    result.headers[lower] = value;
  }
  return result;
}

}  // namespace acs::api::testing
