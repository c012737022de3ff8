// test/integration/file_server.h: an HTTP file server for Download/Upload tests on
// 127.0.0.1:<any port>: GET /files/<name> serves what add() put there (404 otherwise),
// PUT /upload/<name> stores the body (201). With credentials set, every request needs Basic
// authentication (401 otherwise). Records every request.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cpesim::testing {

class FileServer {
 public:
  struct Hit {
    std::string method;
    std::string uri;
    std::string authorization;
    int status = 0;
  };

  FileServer(std::string username = {}, std::string password = {});
  ~FileServer();

  std::string url(const std::string& path) const;  // http://127.0.0.1:<port><path>
  void add(const std::string& name, std::string content);
  // Uploaded bodies by name.
  std::map<std::string, std::string> uploads() const;
  std::vector<Hit> hits() const;
  bool waitForHits(std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // Serves one request; returns the status and fills `body` (called by the handler).
  int serve(const std::string& method, const std::string& uri, const std::string& authorization,
            const std::string& request_body, std::string& body);
  const std::string& realm() const { return realm_; }

 private:
  std::string username_;
  std::string password_;
  std::string realm_ = "files";
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, std::string> files_;    // guarded by mutex_
  std::map<std::string, std::string> uploads_;  // guarded by mutex_
  std::vector<Hit> hits_;                       // guarded by mutex_
};

}  // namespace cpesim::testing
