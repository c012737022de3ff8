#include "transport/session_connection.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace cpesim {

Poco::Net::SocketAddress AddressResolver::resolve(const std::string& host, std::uint16_t port) {
  const std::string key = host + "|" + std::to_string(port);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  Poco::Net::SocketAddress address(host, port);
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.emplace(key, address);
  return address;
}

SessionConnection::SessionConnection(EventLoop& loop, AddressResolver& resolver,
                                     std::chrono::milliseconds timeout)
    : loop_(loop), resolver_(resolver), timeout_(timeout) {}

SessionConnection::~SessionConnection() {
  if (timer_) loop_.cancelTimer(*timer_);
  closeSocket();
}

void SessionConnection::closeSocket() {
  if (!socket_) return;
  if (fd_ >= 0 && interest_ != 0) loop_.unwatch(fd_);
  interest_ = 0;
  try {
    socket_->close();
  } catch (const Poco::Exception&) {
    // Closing a socket the peer reset can report an error; the descriptor is gone anyway.
  }
  socket_.reset();
  fd_ = -1;
  connecting_ = false;
}

void SessionConnection::close() {
  if (timer_) {
    loop_.cancelTimer(*timer_);
    timer_.reset();
  }
  client_ = nullptr;
  done_ = nullptr;
  closeSocket();
}

void SessionConnection::setInterest(std::uint32_t interest) {
  if (fd_ < 0 || interest == interest_) return;
  if (interest_ == 0) {
    loop_.watch(fd_, interest, [this](std::uint32_t events) { onIo(events); });
  } else if (interest == 0) {
    loop_.unwatch(fd_);
  } else {
    loop_.modify(fd_, interest);
  }
  interest_ = interest;
}

void SessionConnection::drive(CwmpHttpClient& client, std::function<void()> done) {
  client_ = &client;
  done_ = std::move(done);
  completing_ = false;
  if (timer_) loop_.cancelTimer(*timer_);
  timer_ = loop_.addTimer(loop_.now() + timeout_, [this] {
    timer_.reset();
    if (client_ == nullptr) return;
    client_->ioError("timeout: no HTTP response within " + std::to_string(timeout_.count()) + " ms");
    pump();
  });
  pump();
}

void SessionConnection::startConnect() {
  closeSocket();
  ++connects_;
  const HttpUrl& endpoint = client_->endpoint();
  if (endpoint.scheme != "http") {
    client_->ioError("scheme '" + endpoint.scheme + "' is not supported by the simulator");
    return;
  }
  try {
    Poco::Net::SocketAddress address = resolver_.resolve(endpoint.host, endpoint.port);
    socket_.emplace();
    socket_->connectNB(address);
    socket_->setNoDelay(true);
    fd_ = socket_->impl()->sockfd();
    connecting_ = true;
    setInterest(EventLoop::kWrite);
  } catch (const Poco::Exception& e) {
    closeSocket();
    client_->ioError("cannot connect to " + endpoint.authority() + ": " + e.displayText());
  }
}

void SessionConnection::pump() {
  while (client_ != nullptr) {
    switch (client_->want()) {
      case CwmpHttpClient::Want::Idle:
        return;
      case CwmpHttpClient::Want::Done:
        complete();
        return;
      case CwmpHttpClient::Want::Connect:
        if (connecting_) return;  // waiting for the connect to finish
        startConnect();
        if (connecting_) return;
        break;
      case CwmpHttpClient::Want::Send: {
        if (!socket_) {
          client_->ioError("internal: send without a socket");
          break;
        }
        std::string_view out = client_->pendingOutput();
        int n = 0;
        try {
          n = socket_->sendBytes(out.data(), static_cast<int>(out.size()), MSG_NOSIGNAL);
        } catch (const Poco::Exception& e) {
          closeSocket();
          client_->ioError("send to " + client_->endpoint().authority() + " failed: " + e.displayText());
          break;
        }
        if (n < 0) {  // would block
          setInterest(EventLoop::kWrite);
          return;
        }
        client_->wrote(static_cast<std::size_t>(n));
        break;
      }
      case CwmpHttpClient::Want::Receive: {
        if (!socket_) {
          client_->ioError("internal: receive without a socket");
          break;
        }
        setInterest(EventLoop::kRead);
        return;
      }
    }
  }
}

void SessionConnection::onIo(std::uint32_t events) {
  if (client_ == nullptr || !socket_) return;
  if (connecting_) {
    int error = 0;
    try {
      error = socket_->impl()->socketError();
    } catch (const Poco::Exception&) {
      error = ECONNREFUSED;
    }
    if (error == 0 && (events & (EventLoop::kError | EventLoop::kHangup)) != 0) error = ECONNREFUSED;
    connecting_ = false;
    if (error != 0) {
      const std::string where = client_->endpoint().authority();
      closeSocket();
      client_->ioError("cannot connect to " + where + ": " + std::strerror(error));
    } else {
      client_->connected();
    }
    pump();
    return;
  }
  const CwmpHttpClient::Want want = client_->want();
  if (want == CwmpHttpClient::Want::Send) {
    pump();
    return;
  }
  if (want != CwmpHttpClient::Want::Receive) return;
  std::array<char, 16 * 1024> buffer;
  while (client_ != nullptr && client_->want() == CwmpHttpClient::Want::Receive && socket_) {
    int n = 0;
    try {
      n = socket_->receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
    } catch (const Poco::Exception& e) {
      closeSocket();
      client_->ioError("receive from " + client_->endpoint().authority() + " failed: " + e.displayText());
      break;
    }
    if (n < 0) break;  // drained
    if (n == 0) {
      closeSocket();
      client_->peerClosed();
      break;
    }
    client_->received(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
  pump();
}

void SessionConnection::complete() {
  if (completing_) return;
  completing_ = true;
  if (timer_) {
    loop_.cancelTimer(*timer_);
    timer_.reset();
  }
  if (!client_->connectionOpen()) closeSocket();
  // Idle between POSTs: nothing to watch (a close by the ACS is noticed at the next send).
  setInterest(0);
  client_ = nullptr;
  std::function<void()> done = std::move(done_);
  done_ = nullptr;
  // Deferred to the loop's next turn so the owner may destroy this connection from `done`.
  loop_.addTimer(loop_.now(), std::move(done));
}

}  // namespace cpesim
