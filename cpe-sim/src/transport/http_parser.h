// transport/http_parser.h: an incremental HTTP/1.1 response parser with no IO.
//
// The fleet drives thousands of sessions from a few threads over non-blocking sockets, so
// bytes arrive in arbitrary pieces; this parser takes them as they come (nghttp2's
// mem_recv shape) and says when one whole response is in.
//
//   HttpResponseParser parser;
//   parser.expectBody(true);                 // false for a response to HEAD
//   switch (parser.feed(bytes)) {            // call again with the next bytes
//     case HttpResponseParser::State::Complete: use(parser.response()); break;
//     case HttpResponseParser::State::Error: fail(parser.error()); break;
//     case HttpResponseParser::State::Incomplete: break;  // wait for more
//   }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cpesim {

struct HttpResponse {
  int status = 0;
  int version_minor = 1;  // HTTP/1.<minor>
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
  std::string body;      // de-chunked
  bool keep_alive = true;  // false: the server will close (Connection: close, or HTTP/1.0)

  // First header named `name` (case-insensitive), value trimmed; nullopt when absent.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every header named `name`, in order.
  std::vector<std::string_view> headerValues(std::string_view name) const;
};

// Case-insensitive ASCII comparison, for header names and tokens.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

class HttpResponseParser {
 public:
  enum class State { Incomplete, Complete, Error };

  struct Limits {
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_body_bytes = 16 * 1024 * 1024;
  };

  HttpResponseParser() : HttpResponseParser(Limits{}) {}
  explicit HttpResponseParser(Limits limits) : limits_(limits) {}

  // Clears all state for the next response on the same connection.
  void reset();

  // Appends `data`. Interim 1xx responses are skipped. Once Complete, bytes after the end of
  // the message are kept in leftover(): the client never pipelines, so any are a protocol
  // error the caller reports. After Error or Complete, further feeds return the same state.
  State feed(std::string_view data);

  // The peer closed the connection. Completes a body delimited by connection close (no
  // Content-Length, not chunked); otherwise an incomplete message becomes an Error.
  State finish();

  State state() const { return state_; }
  // True once any byte of this response has arrived.
  bool started() const { return started_; }
  const HttpResponse& response() const { return response_; }
  HttpResponse takeResponse() { return std::move(response_); }
  const std::string& error() const { return error_; }
  std::string_view leftover() const { return std::string_view(buffer_).substr(pos_); }

 private:
  enum class Phase { StatusLine, Headers, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers,
                     CloseDelimitedBody, Done };

  State fail(std::string message);
  State parse();
  bool parseStatusLine(std::string_view line);
  bool parseHeaderLine(std::string_view line);
  State headersDone();
  // Returns the next CRLF- (or LF-) terminated line, or nullopt when not all in yet.
  std::optional<std::string_view> nextLine();

  Limits limits_;
  State state_ = State::Incomplete;
  Phase phase_ = Phase::StatusLine;
  std::string buffer_;
  std::size_t pos_ = 0;           // parse position in buffer_
  std::size_t header_bytes_ = 0;  // bytes of status line + headers of this response
  std::size_t remaining_ = 0;     // body or chunk bytes still expected
  bool started_ = false;
  HttpResponse response_;
  std::string error_;
};

}  // namespace cpesim
