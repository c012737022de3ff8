#include "cr_listener.h"

#include <condition_variable>
#include <mutex>

#include "http_client.h"
#include "lab/server_shutdown.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

namespace conformance {
namespace {

constexpr const char* kRealm = "conformance-cpe";
constexpr const char* kNonce = "cr-nonce-4f1c";

}  // namespace

struct CrListener::Impl {
  std::string username;
  std::string password;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<CrRequest> requests;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  std::uint16_t port = 0;

  bool authorized(const std::string& method, const std::string& auth) const {
    if (username.empty()) return true;
    if (auth.rfind("Digest ", 0) != 0) return false;
    if (authParam(auth, "username") != username || authParam(auth, "nonce") != kNonce) {
      return false;
    }
    std::string ha1 = md5Hex(username + ":" + kRealm + ":" + password);
    std::string ha2 = md5Hex(method + ":" + authParam(auth, "uri"));
    std::string qop = authParam(auth, "qop");
    std::string expected = qop.empty()
                               ? md5Hex(ha1 + ":" + kNonce + ":" + ha2)
                               : md5Hex(ha1 + ":" + kNonce + ":" + authParam(auth, "nc") + ":" +
                                        authParam(auth, "cnonce") + ":" + qop + ":" + ha2);
    return authParam(auth, "response") == expected;
  }
};

namespace {

class CrHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit CrHandler(CrListener::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string ignored;
    Poco::StreamCopier::copyToString(request.stream(), ignored);
    CrRequest seen;
    seen.method = request.getMethod();
    seen.uri = request.getURI();
    seen.authorization = request.get("Authorization", "");
    seen.accepted = impl_.authorized(seen.method, seen.authorization);
    if (seen.accepted) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    } else {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
      response.set("WWW-Authenticate", std::string("Digest realm=\"") + kRealm +
                                           "\", qop=\"auth\", nonce=\"" + kNonce +
                                           "\", algorithm=MD5");
    }
    response.setContentLength(0);
    response.send();
    std::lock_guard lock(impl_.mutex);
    impl_.requests.push_back(std::move(seen));
    impl_.changed.notify_all();
  }

 private:
  CrListener::Impl& impl_;
};

class CrFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit CrFactory(CrListener::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new CrHandler(impl_);
  }

 private:
  CrListener::Impl& impl_;
};

}  // namespace

CrListener::CrListener(std::string username, std::string password)
    : impl_(std::make_unique<Impl>()) {
  impl_->username = std::move(username);
  impl_->password = std::move(password);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  impl_->port = socket.address().port();
  auto params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new CrFactory(*impl_), socket, params);
  impl_->server->start();
}

CrListener::~CrListener() { lab::stopAndDrain(*impl_->server, true); }

std::string CrListener::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/cr";
}

std::vector<CrRequest> CrListener::waitForAccepted(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [this] {
    for (const auto& r : impl_->requests) {
      if (r.accepted) return true;
    }
    return false;
  });
  return impl_->requests;
}

}  // namespace conformance
