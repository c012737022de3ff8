// acs/web/static_handler.h: serves the embedded dashboard over HTTP.
//
//   GET /          -> index.html
//   GET /ui/<path> -> the asset <path> (acs/web/static/<path>)
//   /ui, /ui/      -> 308 to /
//   anything else under those prefixes that is not an asset -> 404
//
// GET and HEAD only (405 otherwise). Every asset has a strong ETag; a matching If-None-Match
// gets 304. Caching is "no-cache" (the browser keeps a copy but revalidates each time), since
// the file names carry no version and an upgraded ACS must never run old scripts against a new
// API. HTML replies carry a Content-Security-Policy that allows only same-origin resources, so
// the page can make no request to another host even by mistake.
//
// The request handler factory routes to it:
//   if (acs::web::StaticHandler::handles(request.getURI())) return new acs::web::StaticHandler;
//
// Thread-safe: the handler holds no state; the assets are immutable static data.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>

namespace acs::web {

// One request with the transport taken off: what respondStatic() needs.
struct StaticRequest {
  std::string_view method;         // "GET", "HEAD", ...
  std::string_view uri;            // as received, may carry "?query"
  std::string_view if_none_match;  // If-None-Match header, "" when absent
};

struct StaticResponse {
  int status = 200;
  std::string_view content_type;  // "" when there is no body (304, 308)
  std::string_view body;          // static storage; not sent for HEAD
  std::vector<std::pair<std::string, std::string>> headers;
};

// The reply for `request`. Pure and total: every input gets a reply.
StaticResponse respondStatic(const StaticRequest& request);

class StaticHandler : public Poco::Net::HTTPRequestHandler {
 public:
  // True for "/", "/ui" and "/ui/..." (a query string is ignored).
  static bool handles(std::string_view uri);

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override;
};

}  // namespace acs::web
