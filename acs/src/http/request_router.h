// acs/http/request_router.h: which handler serves which request.
//
// On the main listener: /cwmp (and /cwmp/...) -> the CWMP endpoint; paths the REST API claims
// (ApiRouter::handles: /api/*, /metrics, ...) -> the API router when it is built in; anything
// else -> 404. On a dedicated CWMP listener (ACS_CWMP_PORT) every path is CWMP, since CPEs
// are often configured with a bare URL such as http://acs:7548/.
#pragma once

#include <cstdint>
#include <string_view>

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "acs/src/core/metrics.h"
#include "acs/src/http/cwmp_service.h"

namespace acs::api {
class ApiRouter;
}

namespace acs::http {

// True when `uri` (path, maybe with a query) is the CWMP endpoint on the main listener.
bool isCwmpPath(std::string_view uri);

class RequestRouter final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  // `api` may be null (no REST API in this build, or a CWMP-only listener).
  RequestRouter(CwmpService& cwmp, Metrics& metrics, std::uint64_t max_body_bytes,
                api::ApiRouter* api, bool cwmp_only);

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  CwmpService& cwmp_;
  Metrics& metrics_;
  std::uint64_t max_body_bytes_;
  api::ApiRouter* api_;
  bool cwmp_only_;
};

}  // namespace acs::http
