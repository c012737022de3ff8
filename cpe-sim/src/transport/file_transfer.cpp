#include "transport/file_transfer.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/String.h>

#include <array>
#include <istream>
#include <memory>
#include <ostream>

#include "transport/http_auth.h"
#include "transport/url.h"

namespace cpesim {
namespace {

using Clock = std::chrono::steady_clock;

Poco::Net::Context::Ptr clientContext() {
  // One TLS client context for every HTTPS transfer: system CAs, relaxed verification (the
  // server certificate must chain to a trusted CA; TR-069 3.3 asks for validation).
  static Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    return Poco::Net::Context::Ptr(new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9,
        true, "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH"));
  }();
  return context;
}

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const HttpUrl& url) {
  if (url.scheme == "https") {
    return std::make_unique<Poco::Net::HTTPSClientSession>(url.host, url.port, clientContext());
  }
  return std::make_unique<Poco::Net::HTTPClientSession>(url.host, url.port);
}

std::vector<std::string> headerValues(const Poco::Net::HTTPResponse& response,
                                      const std::string& name) {
  std::vector<std::string> out;
  for (auto it = response.find(name); it != response.end() && Poco::icompare(it->first, name) == 0;
       ++it) {
    out.push_back(it->second);
  }
  return out;
}

// Sleeps as needed so that `bytes` over the time since `start` stays at `rate` bytes/s.
void throttle(std::uint32_t rate, std::uint64_t bytes, Clock::time_point start) {
  if (rate == 0) return;
  auto due = start + std::chrono::microseconds(bytes * 1'000'000 / rate);
  auto now = Clock::now();
  if (due > now) std::this_thread::sleep_for(due - now);
}

struct Failure {
  std::uint32_t code;
  std::string message;
};

}  // namespace

TransferResult runTransfer(const TransferRequest& request, const std::atomic<bool>* cancelled) {
  TransferResult result;
  result.start = std::chrono::system_clock::now();
  const Clock::time_point started = Clock::now();
  const Clock::time_point deadline = started + request.timeout;
  const std::uint32_t generic = request.is_download ? 9010 : 9011;
  auto finish = [&](std::uint32_t code, std::string message) {
    result.fault_code = code;
    result.fault_string = std::move(message);
    result.complete = std::chrono::system_clock::now();
    return result;
  };
  auto is_cancelled = [&] { return cancelled != nullptr && cancelled->load(); };

  ParsedUrl url = parseHttpUrl(request.url);
  if (!url) {
    const bool scheme = url.error.find("scheme") != std::string::npos;
    return finish(scheme ? 9013 : generic, url.error);
  }
  ClientAuthenticator auth(request.username, request.password, std::hash<std::string>{}(request.url));
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session = openSession(*url);
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
      if (left.count() <= 0) return finish(request.is_download ? 9017 : 9011, "transfer timed out");
      session->setTimeout(Poco::Timespan(left.count()));
      Poco::Net::HTTPRequest http(request.is_download ? Poco::Net::HTTPRequest::HTTP_GET
                                                      : Poco::Net::HTTPRequest::HTTP_PUT,
                                  url->target, Poco::Net::HTTPMessage::HTTP_1_1);
      http.setHost(url->host, url->port);
      http.set("User-Agent", "cpe-sim/0.1");
      if (auth.active()) http.set("Authorization", auth.authorization(http.getMethod(), url->target));
      if (!request.is_download) {
        http.setContentType("application/octet-stream");
        http.setContentLength(static_cast<std::streamsize>(request.upload_body.size()));
      }
      std::ostream* out = nullptr;
      try {
        out = &session->sendRequest(http);
      } catch (const Poco::Net::NetException& e) {
        if (attempt == 0) {
          return finish(request.is_download ? 9015 : 9011,
                        "cannot contact " + url->authority() + ": " + e.displayText());
        }
        throw;
      }
      if (!request.is_download) {
        constexpr std::size_t kChunk = 16 * 1024;
        for (std::size_t sent = 0; sent < request.upload_body.size(); sent += kChunk) {
          if (is_cancelled()) return finish(9011, "upload cancelled");
          std::size_t n = std::min(kChunk, request.upload_body.size() - sent);
          out->write(request.upload_body.data() + sent, static_cast<std::streamsize>(n));
          throttle(request.bytes_per_second, sent + n, started);
        }
        out->flush();
        result.bytes = request.upload_body.size();
      }
      Poco::Net::HTTPResponse response;
      std::istream& in = session->receiveResponse(response);
      result.http_status = response.getStatus();
      if (response.getStatus() == Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED) {
        // Drain so the connection can be reused for the authenticated retry.
        std::array<char, 4096> sink;
        while (in.read(sink.data(), sink.size()) || in.gcount() > 0) {
        }
        std::vector<std::string> challenges = headerValues(response, "WWW-Authenticate");
        std::vector<std::string_view> views(challenges.begin(), challenges.end());
        if ((request.username.empty() && request.password.empty()) || !auth.acceptChallenges(views)) {
          return finish(9012, "file server " + url->authority() + " refused the credentials");
        }
        continue;
      }
      if (response.getStatus() < 200 || response.getStatus() > 299) {
        return finish(request.is_download ? 9016 : 9011,
                      "file server answered HTTP " + std::to_string(response.getStatus()) + " " +
                          response.getReason());
      }
      if (!request.is_download) return finish(0, "");
      // Download body: counted, not kept (the simulator only needs its size).
      std::array<char, 16 * 1024> buffer;
      std::uint64_t bytes = 0;
      while (true) {
        if (is_cancelled()) return finish(9010, "download cancelled");
        if (Clock::now() > deadline) return finish(9017, "download timed out after " + std::to_string(bytes) + " bytes");
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        std::streamsize n = in.gcount();
        if (n <= 0) break;
        bytes += static_cast<std::uint64_t>(n);
        if (bytes > request.max_bytes) return finish(9010, "file is larger than the device can store");
        throttle(request.bytes_per_second, bytes, started);
      }
      result.bytes = bytes;
      if (response.hasContentLength() &&
          static_cast<std::uint64_t>(response.getContentLength64()) != bytes) {
        return finish(9017, "connection lost after " + std::to_string(bytes) + " of " +
                                std::to_string(response.getContentLength64()) + " bytes");
      }
      if (request.expected_size != 0 && bytes != request.expected_size) {
        return finish(9018, "file has " + std::to_string(bytes) + " bytes, FileSize said " +
                                std::to_string(request.expected_size));
      }
      return finish(0, "");
    }
    return finish(9012, "file server " + url->authority() + " kept asking for credentials");
  } catch (const Poco::TimeoutException& e) {
    return finish(request.is_download ? 9017 : 9011, "transfer timed out: " + e.displayText());
  } catch (const Poco::Net::NetException& e) {
    return finish(request.is_download ? 9017 : 9011, "transfer failed: " + e.displayText());
  } catch (const Poco::Exception& e) {
    return finish(generic, "transfer failed: " + e.displayText());
  } catch (const std::exception& e) {
    return finish(generic, std::string("transfer failed: ") + e.what());
  }
}

TransferPool::TransferPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

TransferPool::~TransferPool() {
  std::deque<std::pair<TransferRequest, Callback>> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    pending.swap(queue_);
  }
  cancelled_ = true;
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  for (auto& [request, done] : pending) {
    TransferResult result;
    result.start = result.complete = std::chrono::system_clock::now();
    result.fault_code = request.is_download ? 9010 : 9011;
    result.fault_string = "simulator shutting down";
    done(std::move(result));
  }
}

void TransferPool::submit(TransferRequest request, Callback done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stopping_) {
      queue_.emplace_back(std::move(request), std::move(done));
      wake_.notify_one();
      return;
    }
  }
  TransferResult result;
  result.start = result.complete = std::chrono::system_clock::now();
  result.fault_code = request.is_download ? 9010 : 9011;
  result.fault_string = "simulator shutting down";
  done(std::move(result));
}

std::size_t TransferPool::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

void TransferPool::work() {
  while (true) {
    std::pair<TransferRequest, Callback> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    TransferResult result = runTransfer(job.first, &cancelled_);
    job.second(std::move(result));
  }
}

}  // namespace cpesim
