#include "cli/api_client.h"

#include <fstream>
#include <istream>
#include <memory>
#include <sstream>
#include <utility>

#include "lab/tls_client.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

namespace acs::cli {

struct ApiClient::Tls {
  Poco::Net::Context::Ptr context;
};

ApiClient::ApiClient(ApiClientOptions options) : options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') {
    options_.base_url.pop_back();
  }
}

std::string ApiClient::checkUrl() const {
  try {
    Poco::URI uri(options_.base_url);
    if (uri.getScheme() != "http" && uri.getScheme() != "https") {
      return "unsupported URL '" + options_.base_url + "': use http:// or https://";
    }
    if (uri.getScheme() == "https" && !options_.ca_file.empty() && !options_.insecure &&
        !std::ifstream(options_.ca_file)) {
      return "cannot read the CA file '" + options_.ca_file + "'";
    }
    if (uri.getHost().empty()) return "URL '" + options_.base_url + "' has no host";
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
      return "URL '" + options_.base_url + "' must not have a query or fragment";
    }
  } catch (const Poco::Exception& e) {
    return "invalid URL '" + options_.base_url + "': " + e.message();
  }
  return {};
}

HttpReply ApiClient::call(std::string_view method, std::string_view path,
                          std::string_view body) const {
  return call(method, path, body, "application/json");
}

HttpReply ApiClient::call(std::string_view method, std::string_view path, std::string_view body,
                          std::string_view content_type) const {
  HttpReply reply;
  try {
    Poco::URI uri(options_.base_url);
    std::unique_ptr<Poco::Net::HTTPClientSession> session_ptr =
        lab::openClientSession(uri.getScheme(), uri.getHost(), uri.getPort(), {},
                               uri.getScheme() == "https" ? tls().context : nullptr);
    Poco::Net::HTTPClientSession& session = *session_ptr;
    const Poco::Timespan timeout(
        std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout).count());
    session.setTimeout(timeout);
    Poco::Net::HTTPRequest request(std::string(method), uri.getPath() + std::string(path),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json");
    if (!options_.api_key.empty()) request.set("Authorization", "Bearer " + options_.api_key);
    if (!body.empty()) {
      request.setContentType(std::string(content_type));
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    } else if (method == "POST" || method == "PUT") {
      request.setContentLength(0);
    }
    std::ostream& out = session.sendRequest(request);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = static_cast<int>(response.getStatus());
    reply.content_type = response.getContentType();
  } catch (const Poco::Net::SSLException& e) {
    reply.transport_error = "TLS with " + options_.base_url + " failed: " + e.displayText() +
                            (options_.insecure ? std::string() : std::string(lab::kTrustHint));
  } catch (const Poco::TimeoutException&) {
    reply.transport_error = "no answer from " + options_.base_url + " within " +
                            std::to_string(options_.timeout.count()) + " ms";
  } catch (const Poco::Exception& e) {
    reply.transport_error = "cannot reach " + options_.base_url + ": " + e.displayText();
  }
  return reply;
}

const ApiClient::Tls& ApiClient::tls() const {
  if (!tls_) {
    auto made = std::make_shared<Tls>();
    made->context =
        lab::makeClientContext({.insecure = options_.insecure, .ca_file = options_.ca_file});
    tls_ = std::move(made);
  }
  return *tls_;
}

std::string errorMessage(const HttpReply& reply) {
  if (!reply.transport_error.empty()) return reply.transport_error;
  try {
    Poco::JSON::Parser parser;
    auto parsed = parser.parse(reply.body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) {
      auto object = parsed.extract<Poco::JSON::Object::Ptr>();
      if (auto error = object->getObject("error")) {
        return error->optValue<std::string>("message", "") + " (HTTP " +
               std::to_string(reply.status) + ", " + error->optValue<std::string>("code", "") + ")";
      }
    }
  } catch (const Poco::Exception&) {
    // Not JSON: fall through to the raw text.
  }
  std::string text = reply.body.substr(0, 200);
  return "HTTP " + std::to_string(reply.status) + (text.empty() ? "" : ": " + text);
}

}  // namespace acs::cli
