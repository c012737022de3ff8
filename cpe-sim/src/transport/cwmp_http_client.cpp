#include "transport/cwmp_http_client.h"

#include <utility>

namespace cpesim {

CwmpHttpClient::CwmpHttpClient(HttpUrl url, HttpClientConfig config)
    : url_(std::move(url)),
      config_(std::move(config)),
      auth_(config_.username, config_.password, config_.cnonce_seed),
      parser_(HttpResponseParser::Limits{64 * 1024, config_.max_body_bytes}) {}

void CwmpHttpClient::post(std::string body, std::optional<std::string> soap_action) {
  body_ = std::move(body);
  soap_action_ = std::move(soap_action);
  outcome_ = HttpOutcome{};
  resent_after_close_ = false;
  sendOrConnect();
}

void CwmpHttpClient::sendOrConnect() {
  parser_.reset();
  if (connection_open_) {
    buildRequest();
    want_ = Want::Send;
  } else {
    want_ = Want::Connect;
  }
}

void CwmpHttpClient::connected() {
  connection_open_ = true;
  requests_on_connection_ = 0;
  ++connections_opened_;
  auth_.newConnection();
  buildRequest();
  want_ = Want::Send;
}

void CwmpHttpClient::buildRequest() {
  request_.clear();
  written_ = 0;
  request_.reserve(body_.size() + 512);
  request_ += "POST ";
  request_ += url_.target;
  request_ += " HTTP/1.1\r\nHost: ";
  request_ += url_.authority();
  request_ += "\r\nUser-Agent: ";
  request_ += config_.user_agent;
  request_ += "\r\n";
  if (!body_.empty()) {
    request_ += "Content-Type: text/xml; charset=\"utf-8\"\r\n";
    if (soap_action_) {
      // The literal `SOAPAction:` with no value for responses and faults (checklist 1.1.8).
      request_ += soap_action_->empty() ? "SOAPAction:\r\n" : "SOAPAction: \"" + *soap_action_ + "\"\r\n";
    }
  }
  request_ += "Content-Length: ";
  request_ += std::to_string(body_.size());
  request_ += "\r\n";
  if (!cookies_.empty()) {
    request_ += "Cookie: ";
    request_ += cookies_.header();
    request_ += "\r\n";
  }
  if (auth_.active()) {
    request_ += "Authorization: ";
    request_ += auth_.authorization("POST", url_.target);
    request_ += "\r\n";
  }
  request_ += "\r\n";
  request_ += body_;
}

void CwmpHttpClient::wrote(std::size_t bytes) {
  written_ += bytes;
  if (written_ >= request_.size()) {
    ++requests_on_connection_;
    want_ = Want::Receive;
  }
}

void CwmpHttpClient::received(std::string_view bytes) {
  if (want_ != Want::Receive) {
    if (!bytes.empty() && want_ == Want::Send) {
      // The server answered before we finished sending (an early 4xx or a close notice).
      want_ = Want::Receive;
      ++requests_on_connection_;
    } else {
      return;
    }
  }
  switch (parser_.feed(bytes)) {
    case HttpResponseParser::State::Incomplete:
      return;
    case HttpResponseParser::State::Error:
      failTransport("bad HTTP response from " + url_.authority() + ": " + parser_.error());
      return;
    case HttpResponseParser::State::Complete:
      if (!parser_.leftover().empty()) {
        failTransport("unexpected bytes after the HTTP response from " + url_.authority());
        return;
      }
      handleResponse();
      return;
  }
}

void CwmpHttpClient::peerClosed() {
  if (want_ == Want::Done || want_ == Want::Idle) {
    connection_open_ = false;
    return;
  }
  if (want_ == Want::Receive && parser_.started()) {
    if (parser_.finish() == HttpResponseParser::State::Complete) {
      connection_open_ = false;
      handleResponse();
      return;
    }
    failTransport("connection closed by " + url_.authority() + " mid-response: " + parser_.error());
    return;
  }
  ioError("connection closed by " + url_.authority() + " before any response");
}

void CwmpHttpClient::ioError(std::string reason) {
  const bool reused = requests_on_connection_ > 1 ||
                      (requests_on_connection_ == 1 && want_ == Want::Send);
  connection_open_ = false;
  if ((want_ == Want::Send || want_ == Want::Receive) && reused && !parser_.started() &&
      !resent_after_close_) {
    // A keep-alive connection the server closed while idle: the session goes on over a new
    // connection (TR-069 3.4.2), with the same request.
    resent_after_close_ = true;
    parser_.reset();
    want_ = Want::Connect;
    return;
  }
  failTransport(std::move(reason));
}

void CwmpHttpClient::failTransport(std::string reason) {
  connection_open_ = false;
  HttpOutcome outcome;
  outcome.ok = false;
  outcome.error = std::move(reason);
  outcome.redirects = outcome_.redirects;
  outcome.auth_rounds = outcome_.auth_rounds;
  finish(std::move(outcome));
}

void CwmpHttpClient::finish(HttpOutcome outcome) {
  outcome_ = std::move(outcome);
  want_ = Want::Done;
}

void CwmpHttpClient::handleResponse() {
  HttpResponse response = parser_.takeResponse();
  if (!response.keep_alive) connection_open_ = false;
  cookies_.store(response.headerValues("Set-Cookie"));

  if (response.status == 401) {
    if (!config_.username.empty() || !config_.password.empty()) {
      if (outcome_.auth_rounds < 3 && auth_.acceptChallenges(response.headerValues("WWW-Authenticate"))) {
        ++outcome_.auth_rounds;
        resent_after_close_ = false;
        sendOrConnect();
        return;
      }
    }
  } else if (auth_.active()) {
    auth_.succeeded();
  }

  if (response.status == 302 || response.status == 307) {
    auto location = response.header("Location");
    if (!location) {
      failTransport("HTTP " + std::to_string(response.status) + " from " + url_.authority() +
                    " without a Location header");
      return;
    }
    if (static_cast<std::size_t>(outcome_.redirects) >= config_.max_redirects) {
      failTransport("more than " + std::to_string(config_.max_redirects) + " redirects");
      return;
    }
    ParsedUrl next = resolveLocation(url_, *location);
    if (!next) {
      failTransport(next.error);
      return;
    }
    ++outcome_.redirects;
    if (!next->sameOrigin(url_)) {
      connection_open_ = false;
      auth_.reset();
    }
    // The redirect holds for the rest of this session only: the client dies with it.
    url_ = *next;
    resent_after_close_ = false;
    sendOrConnect();
    return;
  }

  HttpOutcome outcome;
  outcome.ok = true;
  outcome.status = response.status;
  outcome.content_type = std::string(response.header("Content-Type").value_or(""));
  outcome.body = std::move(response.body);
  outcome.redirects = outcome_.redirects;
  outcome.auth_rounds = outcome_.auth_rounds;
  finish(std::move(outcome));
}

}  // namespace cpesim
