// conformance/http_client.h: a small recording HTTP/1.1 client for playing a CPE.
//
// Keeps the session's cookies (Set-Cookie name=value pairs, sent back on every request as
// a CPE must, T-HTTP-05) and either one keep-alive connection or a new TCP connection per
// request. Every request and response is appended to the Exchange list it was given.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "case_model.h"
#include "lab/tls_client.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace conformance {

struct HttpResponse {
  int status = 0;  // 0 when no response arrived
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;  // transport error
  // First header named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
};

struct HttpRequestOptions {
  std::string method = "POST";
  std::string content_type = "text/xml; charset=utf-8";  // "" = no Content-Type
  std::optional<std::string> soap_action;                // nullopt = no SOAPAction header
  std::vector<std::pair<std::string, std::string>> extra_headers;
  bool send_cookies = true;
};

class HttpClient {
 public:
  // `tls` applies to https:// URLs (verification against the system's CAs by default).
  HttpClient(std::string url, std::vector<Exchange>& log, std::chrono::milliseconds timeout,
             lab::ClientTls tls = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and records it as `note`. Never throws for transport errors: they
  // come back as status 0 with `error` set.
  HttpResponse send(const std::string& note, const std::string& body,
                    const HttpRequestOptions& options = {});
  // Drops the connection; the next request opens a new one (cookies are kept).
  void reconnect();
  void setNewConnectionPerRequest(bool on) { new_connection_each_ = on; }
  void clearCookies() { cookies_.clear(); }
  const std::map<std::string, std::string>& cookies() const { return cookies_; }
  // Adds HTTP Digest/Basic credentials answering 401 challenges (one retry per request).
  void setCredentials(std::string username, std::string password);

 private:
  HttpResponse sendOnce(const std::string& note, const std::string& body,
                        const HttpRequestOptions& options, const std::string& authorization);

  std::string url_;
  std::string scheme_;
  lab::ClientTls tls_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string path_;
  std::vector<Exchange>& log_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  bool new_connection_each_ = false;
  std::map<std::string, std::string> cookies_;
  std::string username_;
  std::string password_;
  unsigned nonce_count_ = 0;
};

// Splits "http://host:port/path" or "https://..." into its parts (port 80 or 443 when
// absent); throws std::invalid_argument otherwise.
struct ParsedUrl {
  std::string scheme, host, path;
  std::uint16_t port = 80;
};
ParsedUrl parseUrl(const std::string& url);
// The https trust of a run's configuration.
lab::ClientTls clientTls(const RunConfig& config);

// HTTP Digest helpers shared by the client and the Connection Request listener.
// The MD5 of `text` as 32 lowercase hex digits.
std::string md5Hex(const std::string& text);
// Reads `key="value"` or `key=value` from a WWW-Authenticate or Authorization header;
// "" when absent.
std::string authParam(const std::string& header, const std::string& key);

}  // namespace conformance
