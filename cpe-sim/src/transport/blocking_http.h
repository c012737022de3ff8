// transport/blocking_http.h: drives a CwmpHttpClient over a blocking Poco StreamSocket, for
// one-off sessions where a thread per session costs nothing (cpe-sim replay, tools); in
// clear (http://) or over TLS (https://, given a TlsContext: tls.h).
//
//   BlockingHttpConnection conn(std::chrono::seconds(30), &tls_context);
//   client.post(xml, "");
//   const HttpOutcome& out = conn.run(client);
//   ...
//   conn.close();
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <memory>
#include <optional>

#include "transport/cwmp_http_client.h"
#include "transport/tls.h"

namespace cpesim {

class BlockingHttpConnection {
 public:
  // `tls` (outlives the connection) is needed for https:// endpoints; without it an https
  // POST fails with a clear error.
  explicit BlockingHttpConnection(std::chrono::milliseconds timeout, TlsContext* tls = nullptr)
      : timeout_(timeout), tls_context_(tls) {}
  ~BlockingHttpConnection() { close(); }
  BlockingHttpConnection(const BlockingHttpConnection&) = delete;
  BlockingHttpConnection& operator=(const BlockingHttpConnection&) = delete;

  // Runs the POST `client` has started until it is Done; returns client.outcome(). The whole
  // POST must finish within the timeout. Never throws.
  const HttpOutcome& run(CwmpHttpClient& client);
  void close();

 private:
  // Runs the TLS handshake on the connected socket; "" when done, else why it failed.
  std::string handshake(const HttpUrl& endpoint, std::chrono::steady_clock::time_point deadline);

  std::chrono::milliseconds timeout_;
  TlsContext* tls_context_;
  std::optional<Poco::Net::StreamSocket> socket_;
  std::unique_ptr<TlsStream> tls_;  // while an https connection is open
};

}  // namespace cpesim
