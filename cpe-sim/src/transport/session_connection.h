// transport/session_connection.h: drives a CwmpHttpClient over a non-blocking Poco
// StreamSocket inside an EventLoop, in clear (http://) or over TLS (https://, given the
// fleet's TlsContext). One per session in flight; many share one loop.
//
// TLS: after the TCP connect, the handshake runs in the loop (SNI and certificate check
// against the endpoint's host, tls.h); the socket's readiness interest follows what OpenSSL
// waits for, which is not always what the HTTP side wants (a TLS write can wait for the
// socket to be readable, a read for it to be writable). The TLS state lives only while the
// connection is open, so a device between sessions holds none.
//
//   SessionConnection conn(loop, resolver, std::chrono::seconds(30), &tls_context);
//   client.post(xml, "");
//   conn.drive(client, [&] { onPostDone(client.outcome()); });
//   ...
//   conn.close();   // session over: the CPE closes the TCP connection (TR-069 3.2.1)
#pragma once

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "transport/cwmp_http_client.h"
#include "transport/event_loop.h"
#include "transport/tls.h"

namespace cpesim {

// Host name resolution with a cache: ACS and file-server host names are few, so each is
// resolved once (blocking, in the calling thread) and kept. Thread-safe.
class AddressResolver {
 public:
  // Throws Poco::Exception when the host cannot be resolved.
  Poco::Net::SocketAddress resolve(const std::string& host, std::uint16_t port);

 private:
  std::mutex mutex_;
  std::map<std::string, Poco::Net::SocketAddress> cache_;  // guarded by mutex_
};

class SessionConnection {
 public:
  // `tls` (shared, outlives the connection) is needed for https:// endpoints; without it an
  // https POST fails with a clear error. http:// endpoints never use it.
  SessionConnection(EventLoop& loop, AddressResolver& resolver, std::chrono::milliseconds timeout,
                    TlsContext* tls = nullptr);
  ~SessionConnection();
  SessionConnection(const SessionConnection&) = delete;
  SessionConnection& operator=(const SessionConnection&) = delete;

  // Moves the POST `client` has started until client.want() is Done, then calls `done` on
  // the loop thread (never from inside drive()). The whole POST, including auth rounds and
  // redirects, must finish within the timeout or fails with "timeout". `client` must
  // outlive the call to `done`.
  void drive(CwmpHttpClient& client, std::function<void()> done);

  // Closes the TCP connection now, abandoning any POST in progress (its `done` never runs).
  void close();
  bool isOpen() const { return socket_.has_value(); }
  std::size_t connectsAttempted() const { return connects_; }
  // The open connection's TLS protocol ("TLSv1.3"), "" in clear or when closed.
  std::string tlsProtocol() const { return tls_ ? tls_->protocol() : std::string(); }
  // Whether the open connection's TLS handshake resumed a cached session.
  bool tlsResumed() const { return tls_ && tls_->resumed(); }

 private:
  void pump();
  void onIo(std::uint32_t events);
  void startConnect();
  void connectDone();
  void continueHandshake();
  bool sendSome();  // false: would block (interest set)
  void receiveSome();
  void setInterest(std::uint32_t interest);
  void complete();
  void closeSocket();

  EventLoop& loop_;
  AddressResolver& resolver_;
  std::chrono::milliseconds timeout_;
  TlsContext* tls_context_;
  std::optional<Poco::Net::StreamSocket> socket_;
  std::unique_ptr<TlsStream> tls_;  // while an https connection is open
  int fd_ = -1;
  bool connecting_ = false;   // TCP connect in progress
  bool handshaking_ = false;  // TLS handshake in progress
  // The interest the last TLS read/write asked for when it differs from the HTTP side's
  // (0: none pending).
  std::uint32_t tls_interest_ = 0;
  std::uint32_t interest_ = 0;
  CwmpHttpClient* client_ = nullptr;
  std::function<void()> done_;
  std::optional<EventLoop::TimerId> timer_;
  std::size_t connects_ = 0;
  bool completing_ = false;
};

}  // namespace cpesim
