#include "bench/null_acs.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <sys/socket.h>

#include <array>
#include <charconv>

#include "cwmp/codec.h"
#include "transport/http_parser.h"

namespace cpesim {
namespace {

// Finds "Content-Length" in a request head (case-insensitive); 0 when absent.
std::size_t contentLength(std::string_view head) {
  std::size_t pos = 0;
  while ((pos = head.find('\n', pos)) != std::string_view::npos) {
    ++pos;
    std::string_view line = head.substr(pos, head.find('\n', pos) - pos);
    if (line.size() > 15 && equalsIgnoreCase(line.substr(0, 15), "Content-Length:")) {
      std::string_view v = line.substr(15);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      std::size_t n = 0;
      std::from_chars(v.data(), v.data() + v.size(), n);
      return n;
    }
  }
  return 0;
}

std::string httpResponse(int status, const std::string& body) {
  std::string out = status == 204 ? "HTTP/1.1 204 No Content\r\n" : "HTTP/1.1 200 OK\r\n";
  if (!body.empty()) out += "Content-Type: text/xml; charset=\"utf-8\"\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace

NullAcs::NullAcs() : listener_(Poco::Net::SocketAddress("127.0.0.1", 0), 1024) {
  listener_.setBlocking(false);
}

NullAcs::~NullAcs() { stop(); }

std::string NullAcs::url() const {
  return "http://127.0.0.1:" + std::to_string(listener_.address().port()) + "/cwmp";
}

void NullAcs::start() {
  loop_.watch(listener_.impl()->sockfd(), EventLoop::kRead, [this](std::uint32_t) { onAccept(); });
  thread_ = std::thread([this] { loop_.run(); });
}

void NullAcs::stop() {
  if (!thread_.joinable()) return;
  loop_.post([this] {
    for (auto& [fd, c] : connections_) {
      loop_.unwatch(fd);
      c->socket.close();
    }
    connections_.clear();
    loop_.unwatch(listener_.impl()->sockfd());
    loop_.stop();
  });
  thread_.join();
}

void NullAcs::onAccept() {
  // One connection per readiness event: the listener is level-triggered, so the loop comes
  // back for the next one, and Poco's accept never reaches the EAGAIN it would throw for.
  {
    Poco::Net::StreamSocket socket;
    try {
      socket = listener_.acceptConnection();
    } catch (const Poco::Exception&) {
      return;  // the client gave up before we accepted
    }
    socket.setBlocking(false);
    socket.setNoDelay(true);
    const int fd = socket.impl()->sockfd();
    auto c = std::make_unique<Connection>();
    c->socket = socket;
    connections_[fd] = std::move(c);
    loop_.watch(fd, EventLoop::kRead, [this, fd](std::uint32_t events) { onConnection(fd, events); });
  }
}

void NullAcs::close(int fd) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  loop_.unwatch(fd);
  try {
    it->second->socket.close();
  } catch (const Poco::Exception&) {
  }
  connections_.erase(it);
}

bool NullAcs::serve(Connection& c) {
  while (true) {
    std::size_t head_end = c.in.find("\r\n\r\n");
    if (head_end == std::string::npos) return c.in.size() < 64 * 1024;
    std::size_t length = contentLength(std::string_view(c.in).substr(0, head_end));
    if (c.in.size() < head_end + 4 + length) return true;
    std::string_view body(c.in.data() + head_end + 4, length);
    ++requests_;
    std::string reply;
    if (body.empty()) {
      reply = httpResponse(204, "");
    } else {
      cwmp::Result<cwmp::Envelope> request = cwmp::decodeEnvelope(body);
      if (!request) {
        reply = httpResponse(204, "");
      } else {
        cwmp::Envelope response;
        response.ns = request->ns;
        response.header.id = request->header.id;
        if (std::holds_alternative<cwmp::Inform>(request->body)) {
          ++informs_;
          response.body = cwmp::InformResponse{};
          reply = httpResponse(200, cwmp::encodeEnvelope(response));
        } else if (std::holds_alternative<cwmp::TransferComplete>(request->body)) {
          response.body = cwmp::TransferCompleteResponse{};
          reply = httpResponse(200, cwmp::encodeEnvelope(response));
        } else {
          reply = httpResponse(204, "");
        }
      }
    }
    c.out += reply;
    c.in.erase(0, head_end + 4 + length);
  }
}

void NullAcs::onConnection(int fd, std::uint32_t events) {
  auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (events & EventLoop::kRead) {
    std::array<char, 16 * 1024> buffer;
    while (true) {
      int n = 0;
      try {
        n = c.socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size()));
      } catch (const Poco::Exception&) {
        close(fd);
        return;
      }
      if (n < 0) break;
      if (n == 0) {
        close(fd);
        return;
      }
      c.in.append(buffer.data(), static_cast<std::size_t>(n));
    }
    if (!serve(c)) {
      close(fd);
      return;
    }
  }
  while (c.out_pos < c.out.size()) {
    int n = 0;
    try {
      n = c.socket.sendBytes(c.out.data() + c.out_pos, static_cast<int>(c.out.size() - c.out_pos),
                             MSG_NOSIGNAL);
    } catch (const Poco::Exception&) {
      close(fd);
      return;
    }
    if (n < 0) break;
    c.out_pos += static_cast<std::size_t>(n);
  }
  if (c.out_pos == c.out.size()) {
    c.out.clear();
    c.out_pos = 0;
    loop_.modify(fd, EventLoop::kRead);
  } else {
    loop_.modify(fd, EventLoop::kRead | EventLoop::kWrite);
  }
}

}  // namespace cpesim
