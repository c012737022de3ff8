#include "web/static_handler.h"

#include "web/static_assets.h"
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

namespace acs::web {

namespace {

constexpr std::string_view kCacheControl = "no-cache";
constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::string_view kNotFoundBody =
    "404 not found: the dashboard has no file at this path\n";
constexpr std::string_view kMethodBody =
    "405 method not allowed: the dashboard answers GET and HEAD\n";

// Same origin only: scripts, styles, images (inline SVG is DOM, not an image load), fetch().
// No inline scripts or style attributes either: the pages set styles through the CSSOM.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

std::string_view pathOf(std::string_view uri) { return uri.substr(0, uri.find('?')); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// If-None-Match is "*" or a comma-separated list of entity tags, weak ones prefixed "W/"
// (RFC 9110 13.1.2: the comparison for If-None-Match is the weak one).
bool etagMatches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view candidate = trim(header.substr(0, comma));
    if (candidate == "*") return true;
    if (candidate.starts_with("W/")) candidate.remove_prefix(2);
    if (candidate == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

StaticResponse textReply(int status, std::string_view body) {
  StaticResponse response;
  response.status = status;
  response.content_type = kTextPlain;
  response.body = body;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace

StaticResponse respondStatic(const StaticRequest& request) {
  if (request.method != "GET" && request.method != "HEAD") {
    StaticResponse response = textReply(405, kMethodBody);
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  const std::string_view path = pathOf(request.uri);
  if (path == "/ui" || path == "/ui/") {
    StaticResponse response;
    response.status = 308;
    response.headers.emplace_back("Location", "/");
    return response;
  }
  const std::optional<std::string> asset_path = assetPathForUrl(path);
  const std::optional<Asset> asset = asset_path ? findAsset(*asset_path) : std::nullopt;
  if (!asset) return textReply(404, kNotFoundBody);

  StaticResponse response;
  response.headers.emplace_back("ETag", std::string(asset->etag));
  response.headers.emplace_back("Cache-Control", std::string(kCacheControl));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (asset->content_type.starts_with("text/html")) {
    response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
    response.headers.emplace_back("X-Frame-Options", "DENY");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
  }
  if (!request.if_none_match.empty() && etagMatches(request.if_none_match, asset->etag)) {
    response.status = 304;
    return response;
  }
  response.status = 200;
  response.content_type = asset->content_type;
  response.body = asset->content;
  return response;
}

bool StaticHandler::handles(std::string_view uri) {
  const std::string_view path = pathOf(uri);
  return path == "/" || path == "/ui" || path.starts_with("/ui/");
}

void StaticHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                  Poco::Net::HTTPServerResponse& response) {
  try {
    const std::string& method = request.getMethod();
    const std::string& uri = request.getURI();
    const std::string if_none_match = request.get("If-None-Match", "");
    const StaticResponse reply = respondStatic({method, uri, if_none_match});

    // A request body is never read here; it would be taken for the next request.
    if (request.hasContentLength() ? request.getContentLength64() > 0
                                   : request.getChunkedTransferEncoding()) {
      response.setKeepAlive(false);
    }
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    if (reply.content_type.empty()) {
      response.setContentLength(0);
      response.send();
      return;
    }
    response.setContentType(std::string(reply.content_type));
    if (method == "HEAD") {
      response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
      response.send();
    } else {
      response.sendBuffer(reply.body.data(), reply.body.size());
    }
  } catch (const Poco::Exception& e) {
    // The client went away mid-reply; there is nobody left to tell.
    Poco::Logger::get("acs.web").information("sending a dashboard file failed: " + e.displayText());
  }
}

}  // namespace acs::web
