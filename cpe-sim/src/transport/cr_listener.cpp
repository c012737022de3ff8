#include "transport/cr_listener.h"
#include "lab/server_shutdown.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <istream>

namespace cpesim {
namespace {

class CrHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit CrHandler(ConnectionRequestListener& listener) : listener_(listener) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    try {
      // Any body is ignored (TR-069 3.2.2), but read so keep-alive stays in sync.
      std::istream& body = request.stream();
      char sink[1024];
      while (body.read(sink, sizeof sink) || body.gcount() > 0) {
      }
      ConnectionRequestListener::Reply reply = listener_.handle(
          request.getMethod(), request.getURI(),
          request.has("Authorization") ? request.get("Authorization") : std::string());
      response.setStatusAndReason(
          static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
      if (!reply.www_authenticate.empty()) response.set("WWW-Authenticate", reply.www_authenticate);
      response.setContentLength(0);
      response.send().flush();
      if (!reply.device.empty()) listener_.trigger(reply.device);
    } catch (const Poco::Exception&) {
      // The ACS went away mid-reply; nothing was triggered unless the reply was sent.
    } catch (const std::exception&) {
      if (!response.sent()) {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        response.setContentLength(0);
        response.send();
      }
    }
  }

 private:
  ConnectionRequestListener& listener_;
};

class CrHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit CrHandlerFactory(ConnectionRequestListener& listener) : listener_(listener) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new CrHandler(listener_);
  }

 private:
  ConnectionRequestListener& listener_;
};

}  // namespace

ConnectionRequestListener::ConnectionRequestListener(ConnectionRequestTarget& target,
                                                     CrListenerConfig config)
    : target_(target), config_(std::move(config)), digest_(config_.realm, config_.seed) {
  if (config_.path_prefix.empty() || config_.path_prefix.front() != '/') {
    config_.path_prefix = std::string(1, '/').append(config_.path_prefix);
  }
  if (config_.path_prefix.back() != '/') config_.path_prefix.push_back('/');
}

ConnectionRequestListener::~ConnectionRequestListener() { stop(); }

void ConnectionRequestListener::start() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(config_.bind_host, config_.port), 256);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(config_.threads);
  params->setMaxQueued(1024);
  params->setKeepAlive(true);
  params->setTimeout(Poco::Timespan(10, 0));
  server_ = std::make_unique<Poco::Net::HTTPServer>(new CrHandlerFactory(*this), socket, params);
  server_->start();
}

void ConnectionRequestListener::stop() {
  if (server_) {
    lab::stopAndDrain(*server_, true);
    server_.reset();
  }
}

std::string ConnectionRequestListener::urlTemplate(std::string_view placeholder) const {
  std::string host = config_.advertise_host;
  if (host.empty()) host = (config_.bind_host == "0.0.0.0" || config_.bind_host == "::")
                               ? "127.0.0.1" : config_.bind_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port_) + config_.path_prefix + std::string(placeholder);
}

std::string ConnectionRequestListener::urlFor(std::string_view device) const {
  std::string encoded;
  Poco::URI::encode(std::string(device), "/?#%;", encoded);
  return urlTemplate(encoded);
}

std::int64_t ConnectionRequestListener::nowSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - epoch_)
      .count();
}

std::optional<std::string> ConnectionRequestListener::deviceFromUri(std::string_view uri) const {
  std::string_view path = uri.substr(0, uri.find('?'));
  if (path.substr(0, config_.path_prefix.size()) != config_.path_prefix) return std::nullopt;
  path.remove_prefix(config_.path_prefix.size());
  if (path.empty() || path.find('/') != std::string_view::npos) return std::nullopt;
  std::string device;
  try {
    Poco::URI::decode(std::string(path), device);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
  return device;
}

CrListenerStats ConnectionRequestListener::stats() const {
  return CrListenerStats{accepted_count_.load(), challenged_.load(), auth_failed_.load(),
                         rate_limited_.load(), not_found_.load(), unavailable_.load()};
}

ConnectionRequestListener::Reply ConnectionRequestListener::handle(std::string_view method,
                                                                   std::string_view uri,
                                                                   std::string_view authorization) {
  Reply reply;
  if (method != "GET") {
    reply.status = 405;
    return reply;
  }
  std::optional<std::string> device = deviceFromUri(uri);
  CrLookup lookup;
  if (device) lookup = target_.connectionRequestCredentials(*device);
  if (lookup.status == CrLookup::Status::NotFound) {
    ++not_found_;
    reply.status = 404;
    return reply;
  }
  if (lookup.status == CrLookup::Status::Unavailable) {
    ++unavailable_;
    reply.status = 503;
    return reply;
  }
  const CrCredentials* credentials = &lookup.credentials;
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t now = nowSeconds();
  DigestServer::Verdict verdict =
      digest_.verify(authorization, method, uri, credentials->username, credentials->password, now);
  if (verdict != DigestServer::Verdict::Ok) {
    if (verdict != DigestServer::Verdict::Missing && verdict != DigestServer::Verdict::StaleNonce) {
      ++auth_failed_;
    }
    ++challenged_;
    reply.status = 401;
    reply.www_authenticate = digest_.challenge(now, verdict == DigestServer::Verdict::StaleNonce);
    return reply;
  }
  std::deque<std::int64_t>& times = accepted_[*device];
  const std::int64_t window = config_.window.count();
  while (!times.empty() && now - times.front() >= window) times.pop_front();
  if (times.size() >= config_.max_per_window) {
    ++rate_limited_;
    reply.status = 503;
    return reply;
  }
  times.push_back(now);
  ++accepted_count_;
  reply.status = 200;
  reply.device = *device;
  return reply;
}

}  // namespace cpesim
