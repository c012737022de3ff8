#include "transport/blocking_http.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <array>

namespace cpesim {
namespace {

// Runs one TLS read or write; a Poco error setting the socket's timeout is a failure of the
// stream like any other (run() never throws).
template <typename Step>
TlsStream::Status tlsStep(Step step, std::string& error) {
  try {
    return step();
  } catch (const Poco::Exception& e) {
    error = e.displayText();
    return TlsStream::Status::Failed;
  }
}

// Why a TLS step failed: the socket error, else the stream's, else `fallback`.
std::string tlsFailure(const std::string& step_error, const TlsStream& stream, const char* fallback) {
  if (!step_error.empty()) return step_error;
  return stream.error().empty() ? std::string(fallback) : stream.error();
}

}  // namespace

void BlockingHttpConnection::close() {
  if (!socket_) return;
  if (tls_) {
    tls_->shutdown();
    tls_.reset();
  }
  try {
    socket_->close();
  } catch (const Poco::Exception&) {
    // The descriptor is released either way.
  }
  socket_.reset();
}

std::string BlockingHttpConnection::handshake(const HttpUrl& endpoint,
                                              std::chrono::steady_clock::time_point deadline) {
  tls_ = std::make_unique<TlsStream>(*tls_context_, socket_->impl()->sockfd(), endpoint.host, endpoint.port);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return "timeout: TLS handshake with " + endpoint.authority() + " not done within " +
             std::to_string(timeout_.count()) + " ms";
    }
    // The socket blocks; its timeouts bound each step, and a step that timed out asks again.
    const Poco::Timespan step(std::max<std::int64_t>(left.count(), 1000));
    socket_->setReceiveTimeout(step);
    socket_->setSendTimeout(step);
    const TlsStream::Status status = tls_->handshake();
    if (status == TlsStream::Status::Ok) return {};
    if (status == TlsStream::Status::Failed || status == TlsStream::Status::Closed) {
      return "TLS handshake with " + endpoint.authority() + " failed: " +
             (tls_->error().empty() ? "connection closed" : tls_->error());
    }
  }
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
        if (endpoint.scheme != "http" && endpoint.scheme != "https") {
          client.ioError("scheme '" + endpoint.scheme + "' is not supported by the simulator");
          break;
        }
        if (endpoint.scheme == "https" && tls_context_ == nullptr) {
          client.ioError("cannot connect to " + endpoint.toString() + ": https needs a TLS configuration");
          break;
        }
        try {
          socket_.emplace();
          socket_->connect(Poco::Net::SocketAddress(endpoint.host, endpoint.port), remaining());
          socket_->setNoDelay(true);
        } catch (const Poco::Exception& e) {
          close();
          client.ioError("cannot connect to " + endpoint.authority() + ": " + e.displayText());
          break;
        }
        if (endpoint.scheme == "https") {
          std::string failure;
          try {
            failure = handshake(endpoint, deadline);
          } catch (const Poco::Exception& e) {
            failure = "TLS handshake with " + endpoint.authority() + " failed: " + e.displayText();
          }
          if (!failure.empty()) {
            close();
            client.ioError(std::move(failure));
            break;
          }
        }
        client.connected();
        break;
      }
      case CwmpHttpClient::Want::Send: {
        std::string_view out = client.pendingOutput();
        if (tls_) {
          std::size_t n = 0;
          std::string step_error;
          const TlsStream::Status status = tlsStep(
              [&] {
                socket_->setSendTimeout(remaining());
                return tls_->write(out, n);
              },
              step_error);
          if (status == TlsStream::Status::Ok) {
            client.wrote(n);
          } else if (status == TlsStream::Status::Closed || status == TlsStream::Status::Failed) {
            std::string reason = "send to " + client.endpoint().authority() + " failed: " +
                                 tlsFailure(step_error, *tls_, "TLS connection closed by the server");
            close();
            client.ioError(std::move(reason));
          }
          break;  // WantRead/WantWrite: the socket timed out; the deadline check decides
        }
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
        if (tls_) {
          std::size_t n = 0;
          std::string step_error;
          const TlsStream::Status status = tlsStep(
              [&] {
                socket_->setReceiveTimeout(remaining());
                return tls_->read(buffer.data(), buffer.size(), n);
              },
              step_error);
          if (status == TlsStream::Status::Ok) {
            client.received(std::string_view(buffer.data(), n));
          } else if (status == TlsStream::Status::Closed) {
            close();
            client.peerClosed();
          } else if (status == TlsStream::Status::Failed) {
            std::string reason = "receive from " + client.endpoint().authority() + " failed: " +
                                 tlsFailure(step_error, *tls_, "TLS error");
            close();
            client.ioError(std::move(reason));
          }
          break;  // WantRead/WantWrite: the socket timed out; the deadline check decides
        }
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
