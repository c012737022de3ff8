#include "acs/src/http/request_router.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "acs/src/api/api_router.h"
#include "acs/src/http/cwmp_handler.h"
#include "acs/src/web/static_handler.h"

namespace acs::http {

namespace {

class NotFoundHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    response.setContentType("application/json");
    std::string path = request.getURI().substr(0, request.getURI().find('?'));
    std::string escaped;
    for (char c : path) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      if (static_cast<unsigned char>(c) >= 0x20) escaped.push_back(c);
    }
    std::string body =
        R"({"error":{"code":"not_found","message":"no such endpoint: )" + escaped + R"("}})" + "\n";
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    response.send() << body;
  }
};

class ApiHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(api::ApiRouter& router) : router_(router) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    router_.handle(request, response);
  }

 private:
  api::ApiRouter& router_;
};

}  // namespace

bool isCwmpPath(std::string_view uri) {
  std::string_view path = uri.substr(0, uri.find('?'));
  return path == "/cwmp" || path.rfind("/cwmp/", 0) == 0;
}

RequestRouter::RequestRouter(CwmpService& cwmp, Metrics& metrics, std::uint64_t max_body_bytes,
                             api::ApiRouter* api, bool cwmp_only)
    : cwmp_(cwmp),
      metrics_(metrics),
      max_body_bytes_(max_body_bytes),
      api_(api),
      cwmp_only_(cwmp_only) {}

Poco::Net::HTTPRequestHandler* RequestRouter::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  const std::string& uri = request.getURI();
  if (cwmp_only_ || isCwmpPath(uri)) {
    return new CwmpRequestHandler(cwmp_, metrics_, max_body_bytes_);
  }
  if (api_ != nullptr && api::ApiRouter::handles(uri)) return new ApiHandler(*api_);
  if (web::StaticHandler::handles(uri)) return new web::StaticHandler;
  return new NotFoundHandler();
}

}  // namespace acs::http
