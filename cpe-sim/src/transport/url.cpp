#include "transport/url.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace cpesim {
namespace {

std::uint16_t defaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

ParsedUrl fromUri(const Poco::URI& uri, std::string_view text) {
  ParsedUrl result;
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    result.error = "unsupported URL scheme in '" + std::string(text) + "' (use http:// or https://)";
    return result;
  }
  if (uri.getHost().empty()) {
    result.error = "URL '" + std::string(text) + "' has no host";
    return result;
  }
  if (!uri.getUserInfo().empty()) {
    result.error = "URL '" + std::string(text) + "' carries credentials; pass them separately";
    return result;
  }
  result.url.scheme = uri.getScheme();
  result.url.host = uri.getHost();
  result.url.port = uri.getPort() != 0 ? uri.getPort() : defaultPort(uri.getScheme());
  result.url.target = uri.getPathEtc();
  if (result.url.target.empty() || result.url.target[0] != '/') {
    result.url.target = std::string(1, '/').append(result.url.target);
  }
  result.ok = true;
  return result;
}

}  // namespace

std::string HttpUrl::authority() const {
  std::string out;
  out.reserve(host.size() + 8);
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
  if (port != defaultPort(scheme)) out.append(1, ':').append(std::to_string(port));
  return out;
}

std::string HttpUrl::toString() const { return scheme + "://" + authority() + target; }

ParsedUrl parseHttpUrl(std::string_view text) {
  try {
    return fromUri(Poco::URI(std::string(text)), text);
  } catch (const Poco::Exception& e) {
    ParsedUrl result;
    result.error = "invalid URL '" + std::string(text) + "': " + e.message();
    return result;
  }
}

ParsedUrl resolveLocation(const HttpUrl& base, std::string_view location) {
  try {
    Poco::URI uri(base.toString());
    uri.resolve(std::string(location));
    return fromUri(uri, location);
  } catch (const Poco::Exception& e) {
    ParsedUrl result;
    result.error = "invalid Location '" + std::string(location) + "': " + e.message();
    return result;
  }
}

}  // namespace cpesim
