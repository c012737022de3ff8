#include "acs/src/http/cwmp_handler.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include <Poco/InflatingStream.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>

namespace acs::http {

namespace {

// The connection of one request, watched from other threads: closed once the server ended it
// (its descriptor is gone) or once the CPE shut it down (readable with nothing left to read).
// Only looks; it never reads data or changes the socket.
class SocketWatch final : public ConnectionWatch {
 public:
  explicit SocketWatch(Poco::Net::StreamSocket socket) : socket_(std::move(socket)) {}
  bool closed() const override {
    const poco_socket_t fd = socket_.impl()->sockfd();
    if (fd == POCO_INVALID_SOCKET) return true;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return false;  // nothing pending: open and idle
    if ((p.revents & (POLLERR | POLLHUP)) != 0) return true;
    char byte = 0;
    return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;  // the CPE's FIN
  }

 private:
  Poco::Net::StreamSocket socket_;
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

void sendText(Poco::Net::HTTPServerResponse& response, int status, const std::string& text,
              bool close) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("text/plain; charset=utf-8");
  if (close) response.setKeepAlive(false);
  std::string body = text + "\n";
  response.setContentLength64(static_cast<Poco::Int64>(body.size()));
  response.send() << body;
}

// How much of an oversize body the handler reads and discards so the 413 reaches the client.
constexpr std::uint64_t kDrainBytes = 1024 * 1024;

// Reads and discards at most `limit` bytes; true when the stream ended within the limit.
bool discardBounded(std::istream& in, std::uint64_t limit) {
  char buf[16384];
  std::uint64_t total = 0;
  while (in) {
    in.read(buf, sizeof buf);
    auto n = static_cast<std::uint64_t>(in.gcount());
    if (n == 0) return true;
    total += n;
    if (total > limit) return false;
  }
  return true;
}

}  // namespace

bool readBounded(std::istream& in, std::uint64_t limit, std::string& out) {
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    if (out.size() + n > limit) return false;
    out.append(buf, n);
  }
  return true;
}

std::string inflateBody(const std::string& encoding, const std::string& in, std::uint64_t limit,
                        std::string& out) {
  std::string enc = lower(encoding);
  Poco::InflatingStreamBuf::StreamType type = Poco::InflatingStreamBuf::STREAM_ZLIB;
  if (enc == "gzip" || enc == "x-gzip") {
    type = Poco::InflatingStreamBuf::STREAM_GZIP;
  } else if (enc != "deflate") {
    return "unsupported Content-Encoding '" + encoding + "'";
  }
  try {
    std::istringstream raw(in);
    Poco::InflatingInputStream inflater(raw, type);
    // The stream buffer reports zlib errors by throwing; make the istream pass them on
    // instead of turning them into a silent end of input.
    inflater.exceptions(std::ios::badbit);
    if (!readBounded(inflater, limit, out)) return "too large";
  } catch (const Poco::Exception& e) {
    return "cannot decode " + enc + " body: " + e.displayText();
  } catch (const std::ios_base::failure& e) {
    return "cannot decode " + enc + " body: " + e.what();
  }
  return {};
}

void CwmpRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request,
                                       Poco::Net::HTTPServerResponse& response) {
  auto& log = Poco::Logger::get("acs.cwmp");
  try {
    CwmpRequest in;
    in.method = request.getMethod();
    in.uri = request.getURI();
    in.authorization = request.get("Authorization", "");
    in.cookie = request.get("Cookie", "");
    in.peer_ip = request.clientAddress().host().toString();
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
      in.connection = std::make_shared<SocketWatch>(impl->socket());
    }

    const auto declared = request.getContentLength64();
    const std::uint64_t drain_cap = std::max<std::uint64_t>(max_body_bytes_, kDrainBytes);
    if (declared != Poco::Net::HTTPMessage::UNKNOWN_CONTENT_LENGTH &&
        static_cast<std::uint64_t>(declared) > max_body_bytes_) {
      metrics_.cwmpHttpError(413);
      // Reading the body (up to a bound) lets the client finish sending and see the answer;
      // a body beyond that bound is left unread and the connection closed.
      bool drained = static_cast<std::uint64_t>(declared) <= drain_cap &&
                     discardBounded(request.stream(), drain_cap);
      sendText(response, 413,
               "request body of " + std::to_string(declared) + " bytes exceeds the limit of " +
                   std::to_string(max_body_bytes_),
               !drained);
      return;
    }
    std::string raw;
    if (!readBounded(request.stream(), max_body_bytes_, raw)) {
      metrics_.cwmpHttpError(413);
      bool drained = discardBounded(request.stream(), drain_cap);
      sendText(response, 413,
               "request body exceeds the limit of " + std::to_string(max_body_bytes_) + " bytes",
               !drained);
      return;
    }
    const std::string encoding = request.get("Content-Encoding", "");
    if (!encoding.empty() && lower(encoding) != "identity" && !raw.empty()) {
      std::string error = inflateBody(encoding, raw, max_body_bytes_, in.body);
      if (error == "too large") {
        metrics_.cwmpHttpError(413);
        sendText(
            response, 413,
            "decompressed body exceeds the limit of " + std::to_string(max_body_bytes_) + " bytes",
            false);
        return;
      }
      if (!error.empty()) {
        metrics_.cwmpHttpError(error.rfind("unsupported", 0) == 0 ? 415 : 400);
        sendText(response, error.rfind("unsupported", 0) == 0 ? 415 : 400, error, false);
        return;
      }
    } else {
      in.body = std::move(raw);
    }

    const auto t0 = std::chrono::steady_clock::now();
    CwmpReply reply = service_.process(in);
    metrics_.observeReplyLatency(std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0));

    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status));
    for (const auto& [name, value] : reply.headers) response.add(name, value);
    if (reply.status == 204) {
      response.setContentLength(0);
      response.send();
      return;
    }
    if (!reply.content_type.empty()) response.setContentType(reply.content_type);
    response.setContentLength64(static_cast<Poco::Int64>(reply.body.size()));
    response.send().write(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
  } catch (const Poco::Net::NetException& e) {
    // The CPE went away mid-request: nothing can be sent back.
    log.information("connection error: %s", e.displayText());
  } catch (const Poco::Exception& e) {
    log.error("%s", e.displayText());
    if (!response.sent()) sendText(response, 500, "internal error", true);
  } catch (const std::exception& e) {
    log.error("%s", std::string(e.what()));
    if (!response.sent()) sendText(response, 500, "internal error", true);
  }
}

}  // namespace acs::http
