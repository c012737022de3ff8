// bench/null_acs.h: a do-nothing CWMP responder for measuring how many sessions the fleet
// can drive: it answers an Inform with an InformResponse (same cwmp:ID and namespace), a
// TransferComplete with a TransferCompleteResponse, and everything else (the empty POST)
// with 204, over keep-alive HTTP/1.1. One epoll thread, like a fleet shard, so 2,000
// concurrent connections cost no threads.
//
//   NullAcs acs;                      // listens on 127.0.0.1:<any port>
//   acs.start();
//   run fleet against acs.url();
//   acs.stop(); acs.informs();
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "transport/event_loop.h"

namespace cpesim {

class NullAcs {
 public:
  NullAcs();
  ~NullAcs();
  NullAcs(const NullAcs&) = delete;
  NullAcs& operator=(const NullAcs&) = delete;

  void start();
  void stop();
  std::string url() const;
  std::uint64_t informs() const { return informs_.load(); }
  std::uint64_t requests() const { return requests_.load(); }

 private:
  struct Connection {
    Poco::Net::StreamSocket socket;
    std::string in;
    std::string out;
    std::size_t out_pos = 0;
  };
  void onAccept();
  void onConnection(int fd, std::uint32_t events);
  bool serve(Connection& c);  // answers every complete request in c.in; false: bad request
  void close(int fd);

  Poco::Net::ServerSocket listener_;
  EventLoop loop_;
  std::thread thread_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::atomic<std::uint64_t> informs_{0};
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace cpesim
