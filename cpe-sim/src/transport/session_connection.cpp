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
                                     std::chrono::milliseconds timeout, TlsContext* tls)
    : loop_(loop), resolver_(resolver), timeout_(timeout), tls_context_(tls) {}

SessionConnection::~SessionConnection() {
  if (timer_) loop_.cancelTimer(*timer_);
  closeSocket();
}

void SessionConnection::closeSocket() {
  if (!socket_) return;
  if (fd_ >= 0 && interest_ != 0) loop_.unwatch(fd_);
  interest_ = 0;
  if (tls_) {
    tls_->shutdown();  // before the descriptor goes: close_notify, when the stream is healthy
    tls_.reset();
  }
  handshaking_ = false;
  tls_interest_ = 0;
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
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    client_->ioError("scheme '" + endpoint.scheme + "' is not supported by the simulator");
    return;
  }
  if (endpoint.scheme == "https" && tls_context_ == nullptr) {
    client_->ioError("cannot connect to " + endpoint.toString() + ": https needs a TLS configuration");
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
        if (connecting_ || handshaking_) return;  // waiting for the connect or the TLS handshake
        startConnect();
        if (connecting_) return;
        break;
      case CwmpHttpClient::Want::Send:
        if (!socket_) {
          client_->ioError("internal: send without a socket");
          break;
        }
        if (!sendSome()) return;  // would block
        break;
      case CwmpHttpClient::Want::Receive:
        if (!socket_) {
          client_->ioError("internal: receive without a socket");
          break;
        }
        // Waiting for the ACS, which is most of a session's life: hand back the TLS record
        // buffers in the meantime.
        if (tls_) tls_->releaseBuffers();
        setInterest(tls_interest_ != 0 ? tls_interest_ : EventLoop::kRead);
        return;
    }
  }
}

void SessionConnection::connectDone() {
  const HttpUrl& endpoint = client_->endpoint();
  if (endpoint.scheme != "https") {
    client_->connected();
    return;
  }
  tls_ = std::make_unique<TlsStream>(*tls_context_, fd_, endpoint.host, endpoint.port);
  handshaking_ = true;
  continueHandshake();
}

void SessionConnection::continueHandshake() {
  switch (tls_->handshake()) {
    case TlsStream::Status::Ok:
      handshaking_ = false;
      client_->connected();
      return;
    case TlsStream::Status::WantRead:
      setInterest(EventLoop::kRead);
      return;
    case TlsStream::Status::WantWrite:
      setInterest(EventLoop::kWrite);
      return;
    case TlsStream::Status::Closed:
    case TlsStream::Status::Failed: {
      std::string reason = "TLS handshake with " + client_->endpoint().authority() + " failed: " +
                           (tls_->error().empty() ? "connection closed" : tls_->error());
      closeSocket();
      client_->ioError(std::move(reason));
      return;
    }
  }
}

bool SessionConnection::sendSome() {
  std::string_view out = client_->pendingOutput();
  if (tls_) {
    std::size_t n = 0;
    switch (tls_->write(out, n)) {
      case TlsStream::Status::Ok:
        client_->wrote(n);
        return true;
      case TlsStream::Status::WantRead:  // e.g. a renegotiation: the write resumes when readable
        setInterest(EventLoop::kRead);
        return false;
      case TlsStream::Status::WantWrite:
        setInterest(EventLoop::kWrite);
        return false;
      case TlsStream::Status::Closed:
      case TlsStream::Status::Failed: {
        std::string reason = "send to " + client_->endpoint().authority() + " failed: " +
                             (tls_->error().empty() ? "TLS connection closed by the server" : tls_->error());
        closeSocket();
        client_->ioError(std::move(reason));
        return true;
      }
    }
  }
  int n = 0;
  try {
    n = socket_->sendBytes(out.data(), static_cast<int>(out.size()), MSG_NOSIGNAL);
  } catch (const Poco::Exception& e) {
    closeSocket();
    client_->ioError("send to " + client_->endpoint().authority() + " failed: " + e.displayText());
    return true;
  }
  if (n < 0) {  // would block
    setInterest(EventLoop::kWrite);
    return false;
  }
  client_->wrote(static_cast<std::size_t>(n));
  return true;
}

void SessionConnection::receiveSome() {
  std::array<char, 16 * 1024> buffer;
  while (client_ != nullptr && client_->want() == CwmpHttpClient::Want::Receive && socket_) {
    std::size_t got = 0;
    if (tls_) {
      const TlsStream::Status status = tls_->read(buffer.data(), buffer.size(), got);
      tls_interest_ = 0;
      if (status == TlsStream::Status::WantRead) break;  // drained
      if (status == TlsStream::Status::WantWrite) {      // the read resumes when writable
        tls_interest_ = EventLoop::kWrite;
        break;
      }
      if (status == TlsStream::Status::Closed) {
        closeSocket();
        client_->peerClosed();
        break;
      }
      if (status == TlsStream::Status::Failed) {
        std::string reason = "receive from " + client_->endpoint().authority() + " failed: " + tls_->error();
        closeSocket();
        client_->ioError(std::move(reason));
        break;
      }
    } else {
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
      got = static_cast<std::size_t>(n);
    }
    client_->received(std::string_view(buffer.data(), got));
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
      connectDone();
    }
    pump();
    return;
  }
  if (handshaking_) {
    continueHandshake();
    pump();
    return;
  }
  const CwmpHttpClient::Want want = client_->want();
  if (want == CwmpHttpClient::Want::Send) {
    pump();
    return;
  }
  if (want != CwmpHttpClient::Want::Receive) return;
  receiveSome();
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
  tls_interest_ = 0;
  setInterest(0);
  if (tls_) tls_->releaseBuffers();
  client_ = nullptr;
  std::function<void()> done = std::move(done_);
  done_ = nullptr;
  // Deferred to the loop's next turn so the owner may destroy this connection from `done`.
  loop_.addTimer(loop_.now(), std::move(done));
}

}  // namespace cpesim
