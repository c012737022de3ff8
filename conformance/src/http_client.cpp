#include "http_client.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/MD5Engine.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

namespace conformance {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string cut(const std::string& body) {
  if (body.size() <= kMaxRecordedBody) return body;
  return body.substr(0, kMaxRecordedBody) + "... [" + std::to_string(body.size()) +
         " bytes in all]";
}

}  // namespace

std::string md5Hex(const std::string& text) {
  Poco::MD5Engine md5;
  md5.update(text);
  return Poco::DigestEngine::digestToHex(md5.digest());
}

std::string authParam(const std::string& header, const std::string& key) {
  std::size_t pos = 0;
  while ((pos = header.find(key + "=", pos)) != std::string::npos) {
    if (pos == 0 || header[pos - 1] == ' ' || header[pos - 1] == ',') {
      std::size_t start = pos + key.size() + 1;
      if (start < header.size() && header[start] == '"') {
        std::size_t end = header.find('"', start + 1);
        return header.substr(start + 1,
                             end == std::string::npos ? std::string::npos : end - start - 1);
      }
      std::size_t end = header.find(',', start);
      return header.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    pos += key.size();
  }
  return {};
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

ParsedUrl parseUrl(const std::string& url) {
  ParsedUrl out;
  std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) throw std::invalid_argument("not a URL: '" + url + "'");
  out.scheme = url.substr(0, scheme_end);
  if (out.scheme != "http" && out.scheme != "https") {
    throw std::invalid_argument("only http:// and https:// URLs are supported, not '" + url + "'");
  }
  if (out.scheme == "https") out.port = 443;
  std::string rest = url.substr(scheme_end + 3);
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    out.host = authority.substr(0, colon);
    unsigned port = 0;
    std::string p = authority.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (ec != std::errc() || ptr != p.data() + p.size() || port == 0 || port > 65535) {
      throw std::invalid_argument("bad port in URL '" + url + "'");
    }
    out.port = static_cast<std::uint16_t>(port);
  } else {
    out.host = authority;
  }
  if (out.host.empty()) throw std::invalid_argument("no host in URL '" + url + "'");
  return out;
}

lab::ClientTls clientTls(const RunConfig& config) {
  return {.insecure = config.insecure, .ca_file = config.ca_file};
}

HttpClient::HttpClient(std::string url, std::vector<Exchange>& log,
                       std::chrono::milliseconds timeout, lab::ClientTls tls)
    : url_(std::move(url)), tls_(std::move(tls)), log_(log), timeout_(timeout) {
  ParsedUrl parsed = parseUrl(url_);
  scheme_ = parsed.scheme;
  host_ = parsed.host;
  port_ = parsed.port;
  path_ = parsed.path;
}

HttpClient::~HttpClient() = default;

void HttpClient::reconnect() { session_.reset(); }

void HttpClient::setCredentials(std::string username, std::string password) {
  username_ = std::move(username);
  password_ = std::move(password);
}

HttpResponse HttpClient::send(const std::string& note, const std::string& body,
                              const HttpRequestOptions& options) {
  HttpResponse response = sendOnce(note, body, options, "");
  if (response.status == 401 && !username_.empty()) {
    std::string challenge = response.header("WWW-Authenticate").value_or("");
    std::string authorization;
    if (challenge.rfind("Digest", 0) == 0) {
      std::string realm = authParam(challenge, "realm");
      std::string nonce = authParam(challenge, "nonce");
      std::string opaque = authParam(challenge, "opaque");
      std::string qop = authParam(challenge, "qop");
      std::string ha1 = md5Hex(username_ + ":" + realm + ":" + password_);
      std::string ha2 = md5Hex(options.method + ":" + path_);
      char nc[16];
      std::snprintf(nc, sizeof nc, "%08x", ++nonce_count_);
      std::string cnonce = md5Hex(std::to_string(nonce_count_) + nonce).substr(0, 16);
      std::string digest;
      if (qop.find("auth") != std::string::npos) {
        digest = md5Hex(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
      } else {
        digest = md5Hex(ha1 + ":" + nonce + ":" + ha2);
      }
      authorization = "Digest username=\"" + username_ + "\", realm=\"" + realm + "\", nonce=\"" +
                      nonce + "\", uri=\"" + path_ + "\", response=\"" + digest +
                      "\", algorithm=MD5";
      if (qop.find("auth") != std::string::npos) {
        authorization += std::string(", qop=auth, nc=") + nc + ", cnonce=\"" + cnonce + "\"";
      }
      if (!opaque.empty()) authorization += ", opaque=\"" + opaque + "\"";
    } else {
      return response;  // the harness answers Digest challenges only
    }
    response = sendOnce(note + " (retry with credentials)", body, options, authorization);
  }
  return response;
}

HttpResponse HttpClient::sendOnce(const std::string& note, const std::string& body,
                                  const HttpRequestOptions& options,
                                  const std::string& authorization) {
  Exchange ex;
  ex.note = note;
  ex.method = options.method;
  ex.target = url_;
  ex.request_body = cut(body);
  HttpResponse out;
  try {
    if (new_connection_each_) session_.reset();
    if (!session_) {
      session_ = lab::openClientSession(scheme_, host_, port_, tls_);
      session_->setKeepAlive(true);
      Poco::Timespan t(static_cast<long>(timeout_.count() / 1000),
                       static_cast<long>((timeout_.count() % 1000) * 1000));
      session_->setTimeout(t);
    }
    Poco::Net::HTTPRequest request(options.method, path_, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(!new_connection_each_);
    if (!body.empty() || options.method == "POST") {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    if (!options.content_type.empty() && !body.empty()) {
      request.setContentType(options.content_type);
    }
    if (options.soap_action) request.set("SOAPAction", *options.soap_action);
    for (const auto& [k, v] : options.extra_headers) request.set(k, v);
    if (options.send_cookies && !cookies_.empty()) {
      Poco::Net::NameValueCollection jar;
      for (const auto& [k, v] : cookies_) jar.add(k, v);
      request.setCookies(jar);
    }
    if (!authorization.empty()) request.set("Authorization", authorization);
    for (const auto& [k, v] : request) ex.request_headers.emplace_back(k, v);
    std::ostream& os = session_->sendRequest(request);
    os.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& is = session_->receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(is, text);
    out.status = static_cast<int>(response.getStatus());
    out.reason = response.getReason();
    for (const auto& [k, v] : response) out.headers.emplace_back(k, v);
    out.body = std::move(text);
    std::vector<Poco::Net::HTTPCookie> set_cookies;
    response.getCookies(set_cookies);
    for (const auto& cookie : set_cookies) {
      if (cookie.getMaxAge() == 0) {
        cookies_.erase(cookie.getName());
      } else {
        cookies_[cookie.getName()] = cookie.getValue();
      }
    }
    if (!response.getKeepAlive()) session_.reset();
  } catch (const Poco::Net::SSLException& e) {
    out.status = 0;
    out.error = "TLS with " + url_ + " failed: " + e.displayText() +
                (tls_.insecure ? std::string() : std::string(lab::kTrustHint));
    session_.reset();
  } catch (const Poco::Exception& e) {
    out.status = 0;
    out.error = e.displayText();
    session_.reset();
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = e.what();
    session_.reset();
  }
  ex.status = out.status;
  ex.reason = out.reason;
  ex.response_headers = out.headers;
  ex.response_body = cut(out.body);
  ex.error = out.error;
  log_.push_back(std::move(ex));
  return out;
}

}  // namespace conformance
