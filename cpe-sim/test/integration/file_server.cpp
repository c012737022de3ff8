#include "test/integration/file_server.h"
#include "lab/server_shutdown.h"

#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <sstream>

namespace cpesim::testing {
namespace {

class FileHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FileHandler(FileServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
    std::ostringstream in;
    Poco::StreamCopier::copyStream(request.stream(), in);
    std::string body;
    int status = server_.serve(request.getMethod(), request.getURI(),
                               request.has("Authorization") ? request.get("Authorization") : "", in.str(), body);
    response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    if (status == 401) response.set("WWW-Authenticate", "Basic realm=\"" + server_.realm() + "\"");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

 private:
  FileServer& server_;
};

class FileFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit FileFactory(FileServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FileHandler(server_);
  }

 private:
  FileServer& server_;
};

}  // namespace

FileServer::FileServer(std::string username, std::string password)
    : username_(std::move(username)), password_(std::move(password)) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new FileFactory(*this), socket, params);
  server_->start();
}

FileServer::~FileServer() { lab::stopAndDrain(*server_, true); }

std::string FileServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void FileServer::add(const std::string& name, std::string content) {
  std::lock_guard<std::mutex> lock(mutex_);
  files_[name] = std::move(content);
}

std::map<std::string, std::string> FileServer::uploads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return uploads_;
}

std::vector<FileServer::Hit> FileServer::hits() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

bool FileServer::waitForHits(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return hits_.size() >= count; });
}

int FileServer::serve(const std::string& method, const std::string& uri, const std::string& authorization,
                      const std::string& request_body, std::string& body) {
  std::lock_guard<std::mutex> lock(mutex_);
  int status = 200;
  bool allowed = username_.empty() && password_.empty();
  if (!allowed && authorization.rfind("Basic ", 0) == 0) {
    Poco::Net::HTTPBasicCredentials credentials(authorization.substr(6));
    allowed = credentials.getUsername() == username_ && credentials.getPassword() == password_;
  }
  if (!allowed) {
    status = 401;
  } else if (method == "GET" && uri.rfind("/files/", 0) == 0) {
    auto it = files_.find(uri.substr(7));
    if (it == files_.end()) {
      status = 404;
    } else {
      body = it->second;
    }
  } else if (method == "PUT" && uri.rfind("/upload/", 0) == 0) {
    uploads_[uri.substr(8)] = request_body;
    status = 201;
  } else {
    status = 405;
  }
  hits_.push_back(Hit{method, uri, authorization, status});
  changed_.notify_all();
  return status;
}

}  // namespace cpesim::testing
