#include "runner/firmware_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <ostream>

#include "lab/server_shutdown.h"
#include "runner/rest_client.h"

namespace scenario {

namespace {

class FileHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FileHandler(FirmwareServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    try {
      std::string body;
      if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET || !server_.answer(request.getURI(), body)) {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        response.setContentLength(0);
        response.send();
        return;
      }
      response.setContentType("application/octet-stream");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      response.send() << body;
    } catch (const Poco::Exception&) {
      // The device went away mid-transfer: it reports that itself.
    }
  }

 private:
  FirmwareServer& server_;
};

class FileFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit FileFactory(FirmwareServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FileHandler(server_);
  }

 private:
  FirmwareServer& server_;
};

}  // namespace

FirmwareServer::FirmwareServer(std::string content, std::string name)
    : content_(std::move(content)), name_(std::move(name)) {}

FirmwareServer::~FirmwareServer() { stop(); }

void FirmwareServer::setFailing(std::set<std::string> serials) {
  std::set<std::string> encoded;
  for (const std::string& serial : serials) encoded.insert(encodePathSegment(serial));
  std::lock_guard<std::mutex> lock(mutex_);
  failing_ = std::move(encoded);
}

std::string FirmwareServer::start() {
  try {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 256);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setMaxQueued(1024);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new FileFactory(*this), socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    return "firmware file server: " + e.displayText();
  }
  return {};
}

void FirmwareServer::stop() {
  if (!server_) return;
  lab::stopAndDrain(*server_, true);
  server_.reset();
}

std::string FirmwareServer::urlFor(const std::string& serial) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/firmware/" + encodePathSegment(serial) + "/" +
         encodePathSegment(name_);
}

bool FirmwareServer::answer(const std::string& uri, std::string& body) {
  // /firmware/<serial>/<name>, the serial percent-encoded as urlFor() wrote it.
  const std::string prefix = "/firmware/";
  const std::string suffix = "/" + encodePathSegment(name_);
  if (uri.size() <= prefix.size() + suffix.size() || uri.compare(0, prefix.size(), prefix) != 0 ||
      uri.compare(uri.size() - suffix.size(), suffix.size(), suffix) != 0) {
    ++refused_;
    return false;
  }
  const std::string encoded = uri.substr(prefix.size(), uri.size() - prefix.size() - suffix.size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failing_.count(encoded) > 0) {
      ++refused_;
      return false;
    }
  }
  body = content_;
  ++served_;
  return true;
}

}  // namespace scenario
