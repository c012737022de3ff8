// transport/blocking_http.h: drives a CwmpHttpClient over a blocking Poco StreamSocket, for
// one-off sessions where a thread per session costs nothing (cpe-sim replay, tools).
//
//   BlockingHttpConnection conn(std::chrono::seconds(30));
//   client.post(xml, "");
//   const HttpOutcome& out = conn.run(client);
//   ...
//   conn.close();
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <optional>

#include "transport/cwmp_http_client.h"

namespace cpesim {

class BlockingHttpConnection {
 public:
  explicit BlockingHttpConnection(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  ~BlockingHttpConnection() { close(); }
  BlockingHttpConnection(const BlockingHttpConnection&) = delete;
  BlockingHttpConnection& operator=(const BlockingHttpConnection&) = delete;

  // Runs the POST `client` has started until it is Done; returns client.outcome(). The whole
  // POST must finish within the timeout. Never throws.
  const HttpOutcome& run(CwmpHttpClient& client);
  void close();

 private:
  std::chrono::milliseconds timeout_;
  std::optional<Poco::Net::StreamSocket> socket_;
};

}  // namespace cpesim
