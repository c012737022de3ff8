// transport/session_connection.h: drives a CwmpHttpClient over a non-blocking Poco
// StreamSocket inside an EventLoop. One per session in flight; many share one loop.
//
//   SessionConnection conn(loop, resolver, std::chrono::seconds(30));
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
#include <mutex>
#include <optional>
#include <string>

#include "transport/cwmp_http_client.h"
#include "transport/event_loop.h"

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
  SessionConnection(EventLoop& loop, AddressResolver& resolver, std::chrono::milliseconds timeout);
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

 private:
  void pump();
  void onIo(std::uint32_t events);
  void startConnect();
  void setInterest(std::uint32_t interest);
  void complete();
  void closeSocket();

  EventLoop& loop_;
  AddressResolver& resolver_;
  std::chrono::milliseconds timeout_;
  std::optional<Poco::Net::StreamSocket> socket_;
  int fd_ = -1;
  bool connecting_ = false;
  std::uint32_t interest_ = 0;
  CwmpHttpClient* client_ = nullptr;
  std::function<void()> done_;
  std::optional<EventLoop::TimerId> timer_;
  std::size_t connects_ = 0;
  bool completing_ = false;
};

}  // namespace cpesim
