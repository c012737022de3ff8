#include "runner/rest_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <istream>
#include <ostream>

namespace scenario {

std::string HttpReply::describe() const {
  if (status == 0) return error;
  std::string text = body.size() > 300 ? body.substr(0, 300) + "..." : body;
  return "HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + text);
}

RestClient::RestClient(const std::string& base_url, std::string api_key, int timeout_ms)
    : api_key_(std::move(api_key)), timeout_ms_(timeout_ms) {
  rebase(base_url);
}

RestClient::~RestClient() = default;

void RestClient::rebase(const std::string& base_url) {
  Poco::URI uri(base_url);
  host_ = uri.getHost();
  port_ = uri.getPort();
  prefix_ = uri.getPath();
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  session_.reset();
}

HttpReply RestClient::get(const std::string& path) { return send("GET", path, nullptr); }

HttpReply RestClient::post(const std::string& path, const std::string& json_body) {
  return send("POST", path, &json_body);
}

HttpReply RestClient::send(const std::string& method, const std::string& path, const std::string* body) {
  HttpReply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!session_) {
        session_ = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
        session_->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout_ms_) * 1000));
        session_->setKeepAlive(true);
      }
      Poco::Net::HTTPRequest request(method, prefix_ + path, Poco::Net::HTTPMessage::HTTP_1_1);
      if (!api_key_.empty()) request.set("Authorization", "Bearer " + api_key_);
      if (body != nullptr) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body->size()));
      }
      std::ostream& out = session_->sendRequest(request);
      if (body != nullptr) out << *body;
      Poco::Net::HTTPResponse response;
      std::istream& in = session_->receiveResponse(response);
      reply.body.clear();
      Poco::StreamCopier::copyToString(in, reply.body);
      reply.status = static_cast<int>(response.getStatus());
      reply.error.clear();
      if (!response.getKeepAlive()) session_.reset();
      return reply;
    } catch (const Poco::Exception& e) {
      session_.reset();
      reply.status = 0;
      reply.error = method + " " + prefix_ + path + ": " + e.displayText();
    } catch (const std::exception& e) {
      session_.reset();
      reply.status = 0;
      reply.error = method + " " + prefix_ + path + ": " + e.what();
    }
  }
  return reply;
}

std::string encodePathSegment(const std::string& segment) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace scenario
