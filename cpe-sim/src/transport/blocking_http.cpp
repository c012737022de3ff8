#include "transport/blocking_http.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <array>

namespace cpesim {

void BlockingHttpConnection::close() {
  if (!socket_) return;
  try {
    socket_->close();
  } catch (const Poco::Exception&) {
    // The descriptor is released either way.
  }
  socket_.reset();
}

const HttpOutcome& BlockingHttpConnection::run(CwmpHttpClient& client) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout_;
  auto remaining = [&]() -> Poco::Timespan {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    return Poco::Timespan(std::max<std::int64_t>(left.count(), 1000));
  };
  std::array<char, 16 * 1024> buffer;
  while (client.want() != CwmpHttpClient::Want::Done) {
    if (Clock::now() >= deadline) {
      close();
      client.ioError("timeout: no HTTP response within " + std::to_string(timeout_.count()) + " ms");
      continue;
    }
    switch (client.want()) {
      case CwmpHttpClient::Want::Idle:
      case CwmpHttpClient::Want::Done:
        return client.outcome();
      case CwmpHttpClient::Want::Connect: {
        close();
        const HttpUrl& endpoint = client.endpoint();
        if (endpoint.scheme != "http") {
          client.ioError("scheme '" + endpoint.scheme + "' is not supported by the simulator");
          break;
        }
        try {
          socket_.emplace();
          socket_->connect(Poco::Net::SocketAddress(endpoint.host, endpoint.port), remaining());
          socket_->setNoDelay(true);
          client.connected();
        } catch (const Poco::Exception& e) {
          close();
          client.ioError("cannot connect to " + endpoint.authority() + ": " + e.displayText());
        }
        break;
      }
      case CwmpHttpClient::Want::Send: {
        std::string_view out = client.pendingOutput();
        try {
          socket_->setSendTimeout(remaining());
          int n = socket_->sendBytes(out.data(), static_cast<int>(out.size()), MSG_NOSIGNAL);
          if (n <= 0) throw Poco::IOException("send returned " + std::to_string(n));
          client.wrote(static_cast<std::size_t>(n));
        } catch (const Poco::Exception& e) {
          close();
          client.ioError("send to " + client.endpoint().authority() + " failed: " + e.displayText());
        }
        break;
      }
      case CwmpHttpClient::Want::Receive: {
        try {
          socket_->setReceiveTimeout(remaining());
          int n = socket_->receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
          if (n == 0) {
            close();
            client.peerClosed();
          } else if (n > 0) {
            client.received(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
          }
        } catch (const Poco::TimeoutException&) {
          // Loop: the deadline check above turns this into a timeout failure.
        } catch (const Poco::Exception& e) {
          close();
          client.ioError("receive from " + client.endpoint().authority() + " failed: " +
                         e.displayText());
        }
        break;
      }
    }
  }
  if (!client.connectionOpen()) close();
  return client.outcome();
}

}  // namespace cpesim
