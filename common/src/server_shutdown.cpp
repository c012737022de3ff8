#include "lab/server_shutdown.h"

#include <Poco/Net/HTTPServer.h>

#include <thread>

namespace lab {

int stopAndDrain(Poco::Net::HTTPServer& server, bool abort_open,
                 std::chrono::milliseconds grace) {
  server.stopAll(abort_open);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  // currentConnections() drops when a worker has finished a connection (after its handler
  // returned and any error response was written).
  while (server.currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return server.currentConnections();
}

}  // namespace lab
