#include "transport/http_parser.h"

#include <algorithm>
#include <charconv>

namespace cpesim {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c > 32 && c < 127 && std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
  });
}

// True when the comma-separated list `value` holds `token` (case-insensitive).
bool listContains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    if (equalsIgnoreCase(trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::vector<std::string_view> HttpResponse::headerValues(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [key, value] : headers) {
    if (equalsIgnoreCase(key, name)) out.emplace_back(value);
  }
  return out;
}

void HttpResponseParser::reset() {
  state_ = State::Incomplete;
  phase_ = Phase::StatusLine;
  buffer_.clear();
  pos_ = 0;
  header_bytes_ = 0;
  remaining_ = 0;
  started_ = false;
  response_ = HttpResponse{};
  error_.clear();
}

HttpResponseParser::State HttpResponseParser::fail(std::string message) {
  error_ = std::move(message);
  state_ = State::Error;
  return state_;
}

HttpResponseParser::State HttpResponseParser::feed(std::string_view data) {
  if (state_ != State::Incomplete) return state_;
  if (!data.empty()) started_ = true;
  // Drop what was parsed already so the buffer holds only unparsed bytes.
  if (pos_ > 0 && pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 64 * 1024) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(data);
  return parse();
}

HttpResponseParser::State HttpResponseParser::finish() {
  if (state_ != State::Incomplete) return state_;
  if (phase_ == Phase::CloseDelimitedBody) {
    phase_ = Phase::Done;
    state_ = State::Complete;
    return state_;
  }
  if (!started_) return fail("connection closed before any response");
  return fail("connection closed in the middle of the response");
}

std::optional<std::string_view> HttpResponseParser::nextLine() {
  std::size_t eol = buffer_.find('\n', pos_);
  if (eol == std::string::npos) return std::nullopt;
  std::string_view line(buffer_.data() + pos_, eol - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  header_bytes_ += eol + 1 - pos_;
  pos_ = eol + 1;
  return line;
}

bool HttpResponseParser::parseStatusLine(std::string_view line) {
  // HTTP/1.1 200 OK
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    fail("malformed status line '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  response_.version_minor = line[7] - '0';
  if (response_.version_minor < 0 || response_.version_minor > 9) {
    fail("malformed HTTP version in '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  int status = 0;
  auto [end, ec] = std::from_chars(line.data() + 9, line.data() + 12, status);
  if (ec != std::errc() || end != line.data() + 12 || status < 100 || status > 999) {
    fail("malformed status code in '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  if (line.size() > 12 && line[12] != ' ') {
    fail("malformed status line '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  response_.status = status;
  response_.reason = std::string(trim(line.size() > 13 ? line.substr(13) : std::string_view()));
  return true;
}

bool HttpResponseParser::parseHeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    // Obsolete line folding (RFC 7230 3.2.4): a user agent may replace it with a space.
    if (response_.headers.empty()) {
      fail("header continuation line before any header");
      return false;
    }
    response_.headers.back().second += ' ';
    response_.headers.back().second += trim(line);
    return true;
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
    fail("malformed header line '" + std::string(line.substr(0, 80)) + "'");
    return false;
  }
  response_.headers.emplace_back(std::string(line.substr(0, colon)),
                                 std::string(trim(line.substr(colon + 1))));
  return true;
}

HttpResponseParser::State HttpResponseParser::headersDone() {
  const int status = response_.status;
  if (status >= 100 && status < 200) {
    // Interim response (100 Continue, 102...): discard it and parse the real one.
    std::string rest = buffer_.substr(pos_);
    reset();
    started_ = true;
    buffer_ = std::move(rest);
    return parse();
  }
  auto connection = response_.header("Connection");
  if (response_.version_minor == 0) {
    response_.keep_alive = connection && listContains(*connection, "keep-alive");
  } else {
    response_.keep_alive = !(connection && listContains(*connection, "close"));
  }
  if (status == 204 || status == 304) {
    phase_ = Phase::Done;
    state_ = State::Complete;
    return state_;
  }
  auto encoding = response_.header("Transfer-Encoding");
  if (encoding && !equalsIgnoreCase(*encoding, "identity")) {
    if (!listContains(*encoding, "chunked")) {
      return fail("unsupported Transfer-Encoding '" + std::string(*encoding) + "'");
    }
    phase_ = Phase::ChunkSize;
    return parse();
  }
  auto lengths = response_.headerValues("Content-Length");
  if (!lengths.empty()) {
    std::size_t length = 0;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      std::string_view text = lengths[i];
      std::size_t value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return fail("invalid Content-Length '" + std::string(text) + "'");
      }
      if (i > 0 && value != length) {
        return fail("conflicting Content-Length headers");
      }
      length = value;
    }
    if (length > limits_.max_body_bytes) {
      return fail("response body of " + std::to_string(length) + " bytes is over the limit of " +
                  std::to_string(limits_.max_body_bytes));
    }
    remaining_ = length;
    phase_ = Phase::FixedBody;
    response_.body.reserve(length);
    return parse();
  }
  // No length and not chunked: the body runs until the server closes (RFC 7230 3.3.3 #7),
  // so the connection cannot be reused.
  response_.keep_alive = false;
  phase_ = Phase::CloseDelimitedBody;
  return parse();
}

HttpResponseParser::State HttpResponseParser::parse() {
  while (state_ == State::Incomplete) {
    switch (phase_) {
      case Phase::StatusLine: {
        auto line = nextLine();
        if (!line) {
          if (buffer_.size() - pos_ + header_bytes_ > limits_.max_header_bytes) {
            return fail("response header is over the limit");
          }
          return state_;
        }
        if (line->empty() && response_.status == 0) continue;  // tolerate a stray CRLF
        if (!parseStatusLine(*line)) return state_;
        phase_ = Phase::Headers;
        break;
      }
      case Phase::Headers: {
        auto line = nextLine();
        if (header_bytes_ > limits_.max_header_bytes ||
            (!line && buffer_.size() - pos_ + header_bytes_ > limits_.max_header_bytes)) {
          return fail("response header is over the limit");
        }
        if (!line) return state_;
        if (line->empty()) return headersDone();
        if (!parseHeaderLine(*line)) return state_;
        break;
      }
      case Phase::FixedBody: {
        std::size_t take = std::min(remaining_, buffer_.size() - pos_);
        response_.body.append(buffer_, pos_, take);
        pos_ += take;
        remaining_ -= take;
        if (remaining_ > 0) return state_;
        phase_ = Phase::Done;
        state_ = State::Complete;
        return state_;
      }
      case Phase::ChunkSize: {
        auto line = nextLine();
        if (!line) return state_;
        std::string_view text = *line;
        text = text.substr(0, text.find(';'));  // chunk extensions are ignored
        text = trim(text);
        std::size_t size = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), size, 16);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
          return fail("invalid chunk size '" + std::string(line->substr(0, 40)) + "'");
        }
        if (size > limits_.max_body_bytes - response_.body.size()) {
          return fail("chunked response body is over the limit of " +
                      std::to_string(limits_.max_body_bytes) + " bytes");
        }
        remaining_ = size;
        phase_ = size == 0 ? Phase::Trailers : Phase::ChunkData;
        break;
      }
      case Phase::ChunkData: {
        std::size_t take = std::min(remaining_, buffer_.size() - pos_);
        response_.body.append(buffer_, pos_, take);
        pos_ += take;
        remaining_ -= take;
        if (remaining_ > 0) return state_;
        phase_ = Phase::ChunkDataEnd;
        break;
      }
      case Phase::ChunkDataEnd: {
        auto line = nextLine();
        if (!line) return state_;
        if (!line->empty()) return fail("missing CRLF after chunk data");
        phase_ = Phase::ChunkSize;
        break;
      }
      case Phase::Trailers: {
        auto line = nextLine();
        if (!line) return state_;
        if (line->empty()) {
          phase_ = Phase::Done;
          state_ = State::Complete;
          return state_;
        }
        break;  // trailer fields carry nothing we use
      }
      case Phase::CloseDelimitedBody: {
        std::size_t take = buffer_.size() - pos_;
        if (response_.body.size() + take > limits_.max_body_bytes) {
          return fail("response body is over the limit of " +
                      std::to_string(limits_.max_body_bytes) + " bytes");
        }
        response_.body.append(buffer_, pos_, take);
        pos_ += take;
        return state_;
      }
      case Phase::Done:
        state_ = State::Complete;
        return state_;
    }
  }
  return state_;
}

}  // namespace cpesim
