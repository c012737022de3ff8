#include "transport/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cpesim {
namespace {

// The reasons OpenSSL queued on this thread, oldest first, joined with "; " (then cleared).
std::string drainErrors() {
  std::string out;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    char text[256];
    if (reason == nullptr) {
      ERR_error_string_n(code, text, sizeof text);
      reason = text;
    }
    if (!out.empty()) out += "; ";
    out += reason;
  }
  return out;
}

bool isIpLiteral(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

// A socket BIO that uses recv/send with MSG_NOSIGNAL (OpenSSL's own socket BIO writes with
// write(), which raises SIGPIPE on a reset connection in a process that did not ignore it).
// Its data is a pointer to the caller's descriptor.
int socketFd(BIO* bio) { return *static_cast<const int*>(BIO_get_data(bio)); }

int bioWrite(BIO* bio, const char* data, std::size_t length, std::size_t* written) {
  BIO_clear_retry_flags(bio);
  *written = 0;
  ssize_t n = 0;
  do {
    n = ::send(socketFd(bio), data, length, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n >= 0) {
    *written = static_cast<std::size_t>(n);
    return 1;
  }
  if (errno == EAGAIN || errno == EWOULDBLOCK) BIO_set_retry_write(bio);
  return 0;
}

int bioRead(BIO* bio, char* buffer, std::size_t capacity, std::size_t* read_bytes) {
  BIO_clear_retry_flags(bio);
  *read_bytes = 0;
  ssize_t n = 0;
  do {
    n = ::recv(socketFd(bio), buffer, capacity, 0);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    *read_bytes = static_cast<std::size_t>(n);
    return 1;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_read(bio);
  return 0;  // n == 0: end of stream (no retry flag)
}

long bioCtrl(BIO*, int command, long, void*) {
  // OpenSSL asks to flush after each record it writes; send() has nothing buffered.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

const BIO_METHOD* socketBioMethod() {
  static const BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cpesim socket");
    if (m == nullptr) return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write_ex(m, bioWrite);
    BIO_meth_set_read_ex(m, bioRead);
    BIO_meth_set_ctrl(m, bioCtrl);
    return m;
  }();
  return method;
}

}  // namespace

std::unique_ptr<TlsContext> TlsContext::create(const TlsConfig& config, std::string& error) {
  std::unique_ptr<TlsContext> context(new TlsContext(config));
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = "cannot create the TLS context: " + drainErrors();
    return nullptr;
  }
  context->ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  // HTTP frames its messages itself (Content-Length, chunks), so a server that closes the
  // TCP connection without close_notify loses nothing: treat it as an orderly end.
  SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (!config.ca_file.empty()) {
    if (::access(config.ca_file.c_str(), R_OK) != 0) {
      error = "CA file '" + config.ca_file + "': " + std::strerror(errno);
      return nullptr;
    }
    if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) != 1) {
      error = "CA file '" + config.ca_file + "': " + drainErrors() + " (expected PEM certificates)";
      return nullptr;
    }
  } else if (config.verify_peer && SSL_CTX_set_default_verify_paths(ctx) != 1) {
    error = "cannot load the system's trusted certificates: " + drainErrors();
    return nullptr;
  }
  SSL_CTX_set_verify(ctx, config.verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
  if (config.resume_sessions) {
    // Client-side cache only through our callback: one session per host:port, kept by us.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, &TlsContext::onNewSession);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  return context;
}

TlsContext::~TlsContext() {
  for (auto& [key, sessions] : sessions_) {
    for (SSL_SESSION* session : sessions) SSL_SESSION_free(session);
  }
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

ssl_session_st* TlsContext::findSession(const std::string& key) {
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || it->second.empty()) return nullptr;
  SSL_SESSION* session = it->second.back();
  // TLS 1.3 tickets are for one connection each (RFC 8446 C.4; servers with single-use
  // tickets refuse a second use), and every connection brings new ones: take it. A TLS 1.2
  // session is shared, since a resumed 1.2 handshake brings no new session.
  if (SSL_SESSION_get_protocol_version(session) >= TLS1_3_VERSION) {
    it->second.pop_back();
  } else {
    SSL_SESSION_up_ref(session);
  }
  return session;
}

void TlsContext::storeSession(const std::string& key, ssl_session_st* session) {
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  std::deque<SSL_SESSION*>& sessions = sessions_[key];
  if (SSL_SESSION_get_protocol_version(session) < TLS1_3_VERSION) {
    for (SSL_SESSION* old : sessions) SSL_SESSION_free(old);
    sessions.clear();
  }
  sessions.push_back(session);
  if (sessions.size() > kMaxSessionsPerPeer) {
    SSL_SESSION_free(sessions.front());
    sessions.pop_front();
  }
}

int TlsContext::onNewSession(ssl_st* ssl, ssl_session_st* session) {
  auto* stream = static_cast<TlsStream*>(SSL_get_ex_data(ssl, 0));
  if (stream == nullptr || SSL_SESSION_is_resumable(session) != 1) return 0;
  // A copy: `session` stays the connection's own, and OpenSSL marks it unusable when the
  // connection is freed without close_notify (a session the ACS dropped, a timeout), which
  // must not cost the next connection its resumption.
  if (SSL_SESSION* copy = SSL_SESSION_dup(session)) stream->context_.storeSession(stream->session_key_, copy);
  return 0;  // OpenSSL keeps (and releases) its reference
}

TlsStream::TlsStream(TlsContext& context, int fd, std::string host, std::uint16_t port)
    : context_(context), fd_(fd), host_(std::move(host)) {
  session_key_ = host_ + ":" + std::to_string(port);
  ERR_clear_error();
  ssl_ = SSL_new(context_.native());
  const BIO_METHOD* method = socketBioMethod();
  BIO* bio = ssl_ != nullptr && method != nullptr ? BIO_new(method) : nullptr;
  if (bio == nullptr) {
    fail("cannot create a TLS connection: " + drainErrors());
    return;
  }
  BIO_set_data(bio, &fd_);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_, bio, bio);
  SSL_set_ex_data(ssl_, 0, this);
  const bool ip = isIpLiteral(host_);
  // SNI carries DNS names only (RFC 6066 3): an IP-literal URL sends none.
  // (SSL_set_tlsext_host_name is a macro with a C cast; this is its expansion.)
  if (!ip && SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                      const_cast<char*>(host_.c_str())) != 1) {
    fail("cannot send the server name '" + host_ + "': " + drainErrors());
    return;
  }
  if (context_.config().verify_peer) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str())
                      : X509_VERIFY_PARAM_set1_host(param, host_.c_str(), host_.size());
    if (ok != 1) {
      fail("cannot check the certificate against '" + host_ + "': " + drainErrors());
      return;
    }
  }
  if (context_.config().resume_sessions) {
    if (SSL_SESSION* session = context_.findSession(session_key_)) {
      SSL_set_session(ssl_, session);  // takes its own reference
      SSL_SESSION_free(session);
    }
  }
}

TlsStream::~TlsStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees the BIO too
}

TlsStream::Status TlsStream::fail(std::string reason) {
  failed_ = true;
  error_ = std::move(reason);
  return Status::Failed;
}

TlsStream::Status TlsStream::classify(int ret, const char* operation) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return Status::WantRead;
    case SSL_ERROR_WANT_WRITE:
      return Status::WantWrite;
    case SSL_ERROR_ZERO_RETURN:
      if (!established_) return fail("the server closed the connection during the TLS handshake");
      return Status::Closed;
    case SSL_ERROR_SYSCALL: {
      std::string queued = drainErrors();
      if (!queued.empty()) return fail(std::string(operation) + ": " + queued);
      if (saved_errno == 0) {
        if (established_) return Status::Closed;
        return fail("the server closed the connection during the TLS handshake");
      }
      return fail(std::string(operation) + ": " + std::strerror(saved_errno));
    }
    case SSL_ERROR_SSL: {
      const long verify = SSL_get_verify_result(ssl_);
      if (!established_ && context_.config().verify_peer && verify != X509_V_OK) {
        drainErrors();
        return fail("certificate verify failed: " + std::string(X509_verify_cert_error_string(verify)));
      }
      std::string queued = drainErrors();
      return fail(std::string(operation) + ": " + (queued.empty() ? "TLS protocol error" : queued));
    }
    default:
      drainErrors();
      return fail(std::string(operation) + ": unexpected TLS error");
  }
}

TlsStream::Status TlsStream::handshake() {
  if (failed_) return Status::Failed;
  if (established_) return Status::Ok;
  ERR_clear_error();
  errno = 0;
  const int ret = SSL_connect(ssl_);
  if (ret != 1) return classify(ret, "TLS handshake");
  established_ = true;
  resumed_ = SSL_session_reused(ssl_) == 1;
  context_.handshakes_.fetch_add(1, std::memory_order_relaxed);
  if (resumed_) context_.resumed_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok;
}

TlsStream::Status TlsStream::read(char* buffer, std::size_t capacity, std::size_t& n) {
  n = 0;
  if (failed_) return Status::Failed;
  if (!established_) return fail("internal: TLS read before the handshake");
  ERR_clear_error();
  errno = 0;
  std::size_t got = 0;
  const int ret = SSL_read_ex(ssl_, buffer, capacity, &got);
  if (ret == 1) {
    n = got;
    return Status::Ok;
  }
  return classify(ret, "TLS read");
}

TlsStream::Status TlsStream::write(std::string_view data, std::size_t& n) {
  n = 0;
  if (failed_) return Status::Failed;
  if (!established_) return fail("internal: TLS write before the handshake");
  if (data.empty()) return Status::Ok;
  ERR_clear_error();
  errno = 0;
  std::size_t sent = 0;
  const int ret = SSL_write_ex(ssl_, data.data(), data.size(), &sent);
  if (ret == 1) {
    n = sent;
    return Status::Ok;
  }
  return classify(ret, "TLS write");
}

void TlsStream::shutdown() {
  if (ssl_ == nullptr || !established_ || failed_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // one attempt: sends close_notify if the socket takes it
  ERR_clear_error();
}

void TlsStream::releaseBuffers() {
  if (ssl_ != nullptr && established_ && !failed_) SSL_free_buffers(ssl_);  // refuses when in use
}

std::string TlsStream::protocol() const {
  return established_ ? std::string(SSL_get_version(ssl_)) : std::string();
}

}  // namespace cpesim
