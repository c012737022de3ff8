// transport/cwmp_http_client.h: the HTTP side of one CWMP session, as a state machine with
// no IO (the nghttp2 / Envoy codec shape). A driver moves the bytes: the event-loop driver
// (session_connection.h) for the fleet, where thousands of sessions share a few threads, and
// the blocking driver (blocking_http.h) for replay and tools.
//
// What it does for the session, so no caller has to:
//  - keep-alive: one TCP connection for the whole session; a connection the ACS closed
//    between exchanges is reopened and the POST sent again (TR-069 3.4.2, checklist 1.2);
//  - cookies: every cookie the ACS sets is echoed on every later POST of the session,
//    including the empty POST, and dropped with the client (checklist 1.3);
//  - 401: Basic and Digest (MD5, MD5-sess, qop=auth, cnonce per connection, nc), the
//    retry on the same connection unless the ACS said Connection: close (checklist 1.4);
//  - 302/307: the same POST re-sent to Location, up to 5 hops, for this session only
//    (checklist 1.5); other 3xx are final answers the session treats as failure;
//  - the empty POST carries Content-Length: 0 and neither Content-Type nor SOAPAction;
//    a POST carrying a response has `SOAPAction:` with an empty value (checklist 1.1.6/8).
//
//   CwmpHttpClient client(url, config);
//   client.post(xml, "");                       // Want::Connect
//   driver: connect(client.endpoint()); client.connected();            // Want::Send
//   driver: n = write(client.pendingOutput()); client.wrote(n);        // ... Want::Receive
//   driver: client.received(bytes) / client.peerClosed() / client.ioError("...")
//   until client.want() == Want::Done; then client.outcome().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "transport/cookie_jar.h"
#include "transport/http_auth.h"
#include "transport/http_parser.h"
#include "transport/url.h"

namespace cpesim {

struct HttpClientConfig {
  std::string username = {};  // ManagementServer.Username; empty: answer no challenge
  std::string password = {};
  std::size_t max_redirects = 5;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::string user_agent = "cpe-sim/0.1";
  std::uint64_t cnonce_seed = 0;
};

// How one POST ended.
struct HttpOutcome {
  bool ok = false;  // a final HTTP response arrived (any status); false: transport failure
  int status = 0;
  std::string body;
  std::string content_type;
  std::string error;         // why !ok, for logs and metrics
  int redirects = 0;         // hops followed for this POST
  int auth_rounds = 0;       // 401 challenges answered for this POST
};

class CwmpHttpClient {
 public:
  enum class Want { Idle, Connect, Send, Receive, Done };

  CwmpHttpClient(HttpUrl url, HttpClientConfig config);

  // Starts one POST. `soap_action`: nullopt sends no SOAPAction; "" sends `SOAPAction:` with
  // an empty value; anything else is sent quoted. An empty body is the empty POST and never
  // carries Content-Type or SOAPAction. Precondition: want() is Idle or Done.
  void post(std::string body, std::optional<std::string> soap_action);

  Want want() const { return want_; }
  // Where to connect when want() is Connect (the ACS URL, or a redirect target).
  const HttpUrl& endpoint() const { return url_; }
  // True while the client counts on the current TCP connection. When want() becomes Connect
  // or Done with this false, the driver closes its socket.
  bool connectionOpen() const { return connection_open_; }

  // Driver callbacks.
  void connected();
  std::string_view pendingOutput() const {
    return std::string_view(request_).substr(written_);
  }
  void wrote(std::size_t bytes);
  void received(std::string_view bytes);
  void peerClosed();
  // A connect/send/receive error or a timeout: the POST fails unless it can be re-sent on a
  // new connection (a reused keep-alive connection that died before any response byte).
  void ioError(std::string reason);

  const HttpOutcome& outcome() const { return outcome_; }
  std::size_t cookieCount() const { return cookies_.size(); }
  // Connections opened over the client's life; requests written (including auth retries).
  std::size_t connectionsOpened() const { return connections_opened_; }

 private:
  void buildRequest();
  void sendOrConnect();
  void handleResponse();
  void finish(HttpOutcome outcome);
  void failTransport(std::string reason);

  HttpUrl url_;
  HttpClientConfig config_;
  CookieJar cookies_;
  ClientAuthenticator auth_;
  HttpResponseParser parser_;

  Want want_ = Want::Idle;
  bool connection_open_ = false;
  std::size_t requests_on_connection_ = 0;  // requests written on the current connection
  std::size_t connections_opened_ = 0;
  bool resent_after_close_ = false;         // this POST was re-sent once already

  std::string body_;
  std::optional<std::string> soap_action_;
  std::string request_;
  std::size_t written_ = 0;
  HttpOutcome outcome_;
};

}  // namespace cpesim
