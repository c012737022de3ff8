// transport/url.h: the parts of an http:// URL the simulator's HTTP clients need.
//
//   auto url = cpesim::parseHttpUrl("http://acs.example:7547/cwmp?x=1");
//   if (!url) fail(url.error());
//   connect(url->host, url->port); send("POST " + url->target + " HTTP/1.1...");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cpesim {

struct HttpUrl {
  std::string scheme;  // "http" (lower case); "https" parses but callers may refuse it
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 80;
  std::string target;  // path and query, never empty ("/" at least)

  // "host" or "host:port" (port omitted when it is the scheme default), IPv6 in brackets:
  // the value of the Host header.
  std::string authority() const;
  // scheme://authority/target
  std::string toString() const;
  bool sameOrigin(const HttpUrl& other) const {
    return scheme == other.scheme && host == other.host && port == other.port;
  }
  bool operator==(const HttpUrl&) const = default;
};

// Result of parsing: a URL or a message saying what is wrong with the text.
struct ParsedUrl {
  bool ok = false;
  HttpUrl url;
  std::string error;
  explicit operator bool() const { return ok; }
  const HttpUrl* operator->() const { return &url; }
  const HttpUrl& operator*() const { return url; }
};

// Parses an absolute http:// or https:// URL. User info in the URL is rejected (TR-069
// puts credentials in separate arguments, never in the URL). Never throws.
ParsedUrl parseHttpUrl(std::string_view text);

// Resolves a Location header value against the URL of the request it answered (RFC 7231
// 7.1.2 allows relative references). Never throws.
ParsedUrl resolveLocation(const HttpUrl& base, std::string_view location);

}  // namespace cpesim
