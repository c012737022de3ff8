// The runner's own file server for firmware_rollout: our ACS has no file store the runner can
// upload to, so the runner serves the scenario's firmware file itself over loopback HTTP.
// GET /firmware/<serial>/<name> answers the file, or 404 for the serial numbers chosen to fail
// (the scenario's fail_share): those devices then report a failed TransferComplete.
//
//   FirmwareServer server(content, "fw-2.0.bin");
//   server.setFailing({"SN3", "SN9"});
//   if (auto e = server.start(); !e.empty()) fail(e);
//   server.urlFor("SN1");            // http://127.0.0.1:PORT/firmware/SN1/fw-2.0.bin
//   server.stop();                   // through lab::stopAndDrain
// Thread-safe after start().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace Poco::Net {
class HTTPServer;
}

namespace scenario {

class FirmwareServer {
 public:
  FirmwareServer(std::string content, std::string name);
  ~FirmwareServer();
  FirmwareServer(const FirmwareServer&) = delete;
  FirmwareServer& operator=(const FirmwareServer&) = delete;

  // Serial numbers that get 404 from now on (replaces the previous set).
  void setFailing(std::set<std::string> serials);
  // Binds 127.0.0.1, port 0. Returns "" or the error.
  std::string start();
  void stop();

  std::string urlFor(const std::string& serial) const;
  std::uint64_t served() const { return served_.load(); }
  std::uint64_t refused() const { return refused_.load(); }

  // The handler's view (request threads).
  bool answer(const std::string& uri, std::string& body);

 private:
  std::string content_;
  std::string name_;
  mutable std::mutex mutex_;
  std::set<std::string> failing_;  // percent-encoded, as in the URLs
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace scenario
