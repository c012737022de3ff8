// transport/tls.h: TLS for the simulator's CWMP connections (https ACS URLs), with OpenSSL
// directly so the handshake and the records move inside the shard's non-blocking event loop.
//
// TlsContext is the fleet's one SSL_CTX (trust store, verification policy, the cache of
// sessions for resumption); it is created once and shared by every shard thread. TlsStream
// is the client side of one TLS connection over a connected TCP socket: each call does what
// it can without blocking and says what it waits for (the nghttp2 want_read/want_write
// shape), so the driver only maps WantRead/WantWrite onto its readiness interest.
//
//   std::string error;
//   auto tls = TlsContext::create({.verify_peer = true, .ca_file = "acs-ca.pem"}, error);
//   if (!tls) fail(error);   // "CA file 'acs-ca.pem': No such file or directory"
//   TlsStream stream(*tls, fd, "acs.example", 443);   // fd: a connected TCP socket
//   switch (stream.handshake()) { WantRead: wait readable; WantWrite: wait writable; ... }
//   stream.write(bytes, n); stream.read(buffer, size, n);   // the same statuses
//
// Memory: a TlsStream exists only while its session's connection is open (idle devices hold
// no TLS state). Its two record buffers (about 34 KB) are released when empty
// (SSL_MODE_RELEASE_BUFFERS, and releaseBuffers() whenever the driver starts waiting), so a
// connection waiting for the ACS holds about 20 KB of OpenSSL state (measured: README).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

struct ssl_ctx_st;
struct ssl_st;
struct ssl_session_st;

namespace cpesim {

struct TlsConfig {
  // Verify the ACS certificate chain and that it names the URL's host (DNS name or IP
  // address). false only for self-signed test servers: anyone on the path could then read
  // and change the session.
  bool verify_peer = true;
  // PEM file of trusted CA certificates; empty: the system store (/etc/ssl/certs).
  std::string ca_file = {};
  // Offer a session ticket the same host:port gave earlier, so later connections to the
  // same ACS skip the certificate exchange (a few tickets kept per host:port, each TLS 1.3
  // ticket used once).
  bool resume_sessions = true;
};

class TlsContext {
 public:
  // Returns nullptr and sets `error` when the trust store cannot be loaded (a missing or
  // unreadable --ca-file, a file with no certificate) or OpenSSL fails to initialise.
  static std::unique_ptr<TlsContext> create(const TlsConfig& config, std::string& error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  const TlsConfig& config() const { return config_; }
  ssl_ctx_st* native() const { return ctx_; }

  // Thread-safe counters: handshakes completed, and how many of them resumed a session.
  std::uint64_t handshakes() const { return handshakes_.load(std::memory_order_relaxed); }
  std::uint64_t resumedHandshakes() const { return resumed_.load(std::memory_order_relaxed); }

 private:
  friend class TlsStream;
  explicit TlsContext(TlsConfig config) : config_(std::move(config)) {}

  static constexpr std::size_t kMaxSessionsPerPeer = 64;

  // A cached session for `key` with a reference for the caller, or nullptr. Thread-safe.
  ssl_session_st* findSession(const std::string& key);
  // Keeps `session` (takes the caller's reference) to offer for `key`; the newest is offered
  // first, the oldest dropped beyond kMaxSessionsPerPeer.
  void storeSession(const std::string& key, ssl_session_st* session);
  static int onNewSession(ssl_st* ssl, ssl_session_st* session);

  TlsConfig config_;
  ssl_ctx_st* ctx_ = nullptr;
  std::mutex sessions_mutex_;
  std::map<std::string, std::deque<ssl_session_st*>> sessions_;  // guarded by sessions_mutex_
  std::atomic<std::uint64_t> handshakes_{0};
  std::atomic<std::uint64_t> resumed_{0};
};

// The client side of one TLS connection. Not thread-safe (one event-loop thread drives it).
// `fd` stays owned by the caller and must outlive the stream; the stream reads and writes
// it with recv/send(MSG_NOSIGNAL), so a peer reset never raises SIGPIPE.
class TlsStream {
 public:
  enum class Status {
    Ok,         // done (handshake complete / n bytes moved)
    WantRead,   // call again when the socket is readable
    WantWrite,  // call again when the socket is writable
    Closed,     // the peer ended the TLS stream (close_notify or EOF after the handshake)
    Failed,     // fatal: error() says why; the connection is unusable
  };

  // `host` is sent as SNI (unless it is an IP literal, which SNI does not allow) and is the
  // name the certificate must match when the context verifies.
  TlsStream(TlsContext& context, int fd, std::string host, std::uint16_t port);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  Status handshake();
  // Precondition for both: handshake() returned Ok. `n` is set to the bytes moved (0 unless
  // Ok). write() may move fewer bytes than given (partial writes are on).
  Status read(char* buffer, std::size_t capacity, std::size_t& n);
  Status write(std::string_view data, std::size_t& n);
  // Sends close_notify when the stream is healthy; never waits for the peer's.
  void shutdown();
  // Frees the record buffers (about 34 KB) when they hold nothing; they come back at the
  // next read or write. For a connection about to wait (for the ACS, or between POSTs).
  void releaseBuffers();

  bool established() const { return established_; }
  bool resumed() const { return resumed_; }
  // Why the last call returned Failed, e.g. "certificate verify failed: self-signed
  // certificate" or "hostname mismatch".
  const std::string& error() const { return error_; }
  // "TLSv1.3" once established, "" before.
  std::string protocol() const;

 private:
  friend class TlsContext;  // its new-session callback files sessions under session_key_
  Status fail(std::string reason);
  Status classify(int ret, const char* operation);

  TlsContext& context_;
  int fd_;  // the BIO reads it through a pointer, so the stream never moves
  ssl_st* ssl_ = nullptr;
  std::string host_;
  std::string session_key_;
  bool established_ = false;
  bool resumed_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace cpesim
