// TlsStream's state machine and TlsContext's configuration errors, in process: the client
// stream and an OpenSSL server endpoint share a non-blocking socketpair and are stepped by
// hand, so every WantRead/WantWrite is deterministic (no network, no threads, no timing).
// The server's certificate is made here with OpenSSL (EC P-256, CN and SAN "localhost").
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "transport/tls.h"

namespace cpesim {
namespace {

// A self-signed server identity, its PEM in a temporary file (the client's --ca-file).
class ServerIdentity {
 public:
  static const ServerIdentity& get() {
    static ServerIdentity identity;
    return identity;
  }
  EVP_PKEY* key() const { return key_; }
  X509* cert() const { return cert_; }
  const std::string& pemFile() const { return pem_file_; }
  const std::string& dir() const { return dir_; }

 private:
  ServerIdentity() {
    key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert_), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 86400);
    X509_set_pubkey(cert_, key_);
    X509_NAME* name = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert_, name);
    char san[] = "DNS:localhost";
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san);
    X509_add_ext(cert_, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(cert_, key_, EVP_sha256());
    char pattern[] = "/tmp/cpesim-tls-unit-XXXXXX";
    if (::mkdtemp(pattern) != nullptr) dir_ = pattern;
    pem_file_ = dir_ + "/ca.pem";
    if (FILE* f = std::fopen(pem_file_.c_str(), "w")) {
      PEM_write_X509(f, cert_);
      std::fclose(f);
    }
  }
  ~ServerIdentity() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  std::string dir_;
  std::string pem_file_;
};

// The server end: an OpenSSL SSL_CTX with the identity above; one per test so session
// tickets stay within the test.
class Server {
 public:
  Server() {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx_, ServerIdentity::get().cert());
    SSL_CTX_use_PrivateKey(ctx_, ServerIdentity::get().key());
  }
  ~Server() { SSL_CTX_free(ctx_); }
  SSL_CTX* ctx() const { return ctx_; }

 private:
  SSL_CTX* ctx_;
};

// A client TlsStream and a server SSL over one socketpair.
class Pair {
 public:
  Pair(TlsContext& client_context, const Server& server, const std::string& host) {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
    client_ = std::make_unique<TlsStream>(client_context, fds_[0], host, 443);
    server_ = SSL_new(server.ctx());
    SSL_set_fd(server_, fds_[1]);
  }
  ~Pair() {
    client_.reset();
    SSL_free(server_);
    if (fds_[0] >= 0) ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  TlsStream& client() { return *client_; }
  SSL* server() { return server_; }
  void closeServerSocket() {
    ::close(fds_[1]);
    fds_[1] = -1;
  }

  // Steps both sides until the client is no longer waiting; returns its last status.
  TlsStream::Status handshake() {
    TlsStream::Status status = TlsStream::Status::WantRead;
    for (int round = 0; round < 10; ++round) {
      status = client_->handshake();
      if (status != TlsStream::Status::WantRead && status != TlsStream::Status::WantWrite) break;
      SSL_accept(server_);
    }
    return status;
  }

 private:
  int fds_[2] = {-1, -1};
  std::unique_ptr<TlsStream> client_;
  SSL* server_ = nullptr;
};

std::unique_ptr<TlsContext> contextOrFail(const TlsConfig& config) {
  std::string error;
  auto context = TlsContext::create(config, error);
  EXPECT_NE(context, nullptr) << error;
  return context;
}

TlsConfig trusting() { return {.verify_peer = true, .ca_file = ServerIdentity::get().pemFile()}; }

TEST(TlsStream, HandshakeWaitsForTheServerAndSendsTheHostAsSni) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "localhost");
  // ClientHello written, nothing to read yet.
  EXPECT_EQ(pair.client().handshake(), TlsStream::Status::WantRead);
  EXPECT_FALSE(pair.client().established());
  // The server reads it and answers, then waits for the client's Finished.
  EXPECT_EQ(SSL_get_error(pair.server(), SSL_accept(pair.server())), SSL_ERROR_WANT_READ);
  EXPECT_EQ(pair.client().handshake(), TlsStream::Status::Ok);
  EXPECT_TRUE(pair.client().established());
  EXPECT_EQ(pair.client().protocol(), "TLSv1.3");
  EXPECT_EQ(SSL_accept(pair.server()), 1);
  const char* sni = SSL_get_servername(pair.server(), TLSEXT_NAMETYPE_host_name);
  ASSERT_NE(sni, nullptr);
  EXPECT_STREQ(sni, "localhost");
  EXPECT_EQ(context->handshakes(), 1u);
}

TEST(TlsStream, MovesBytesBothWaysAndSeesTheServersCloseNotify) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "localhost");
  ASSERT_EQ(pair.handshake(), TlsStream::Status::Ok) << pair.client().error();
  ASSERT_EQ(SSL_accept(pair.server()), 1);

  std::size_t n = 0;
  ASSERT_EQ(pair.client().write("POST / HTTP/1.1\r\n\r\n", n), TlsStream::Status::Ok);
  EXPECT_EQ(n, 19u);
  char server_buffer[64];
  ASSERT_EQ(SSL_read(pair.server(), server_buffer, sizeof server_buffer), 19);
  EXPECT_EQ(std::string(server_buffer, 19), "POST / HTTP/1.1\r\n\r\n");

  char buffer[64];
  // Only the server's session tickets are pending: they are consumed, no data.
  EXPECT_EQ(pair.client().read(buffer, sizeof buffer, n), TlsStream::Status::WantRead);
  EXPECT_EQ(n, 0u);
  ASSERT_EQ(SSL_write(pair.server(), "HTTP/1.1 204 \r\n\r\n", 17), 17);
  ASSERT_EQ(pair.client().read(buffer, sizeof buffer, n), TlsStream::Status::Ok);
  EXPECT_EQ(std::string(buffer, n), "HTTP/1.1 204 \r\n\r\n");

  SSL_shutdown(pair.server());
  EXPECT_EQ(pair.client().read(buffer, sizeof buffer, n), TlsStream::Status::Closed);
}

TEST(TlsStream, WriteWaitsWhenTheSocketIsFullAndLosesNothing) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "localhost");
  ASSERT_EQ(pair.handshake(), TlsStream::Status::Ok) << pair.client().error();
  ASSERT_EQ(SSL_accept(pair.server()), 1);

  std::string payload(2 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
  std::string received;
  std::size_t offset = 0;
  int would_block = 0;
  char buffer[16384];
  while (offset < payload.size()) {
    std::size_t n = 0;
    const TlsStream::Status status = pair.client().write(std::string_view(payload).substr(offset), n);
    if (status == TlsStream::Status::Ok) {
      ASSERT_GT(n, 0u);
      offset += n;
      continue;
    }
    ASSERT_EQ(status, TlsStream::Status::WantWrite) << pair.client().error();
    ++would_block;
    // The reader drains what the socket holds, then the writer goes on.
    for (int got = SSL_read(pair.server(), buffer, sizeof buffer); got > 0;
         got = SSL_read(pair.server(), buffer, sizeof buffer)) {
      received.append(buffer, static_cast<std::size_t>(got));
    }
  }
  for (int got = SSL_read(pair.server(), buffer, sizeof buffer); got > 0;
       got = SSL_read(pair.server(), buffer, sizeof buffer)) {
    received.append(buffer, static_cast<std::size_t>(got));
  }
  EXPECT_GT(would_block, 0);
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload);
}

TEST(TlsStream, RefusesACertificateNoTrustedAuthoritySigned) {
  auto context = contextOrFail({.verify_peer = true});  // the system store
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "localhost");
  EXPECT_EQ(pair.handshake(), TlsStream::Status::Failed);
  EXPECT_EQ(pair.client().error(), "certificate verify failed: self-signed certificate");
  EXPECT_FALSE(pair.client().established());
  std::size_t n = 0;
  EXPECT_EQ(pair.client().write("x", n), TlsStream::Status::Failed);
}

TEST(TlsStream, RefusesACertificateForAnotherHostName) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "acs.example");
  EXPECT_EQ(pair.handshake(), TlsStream::Status::Failed);
  EXPECT_EQ(pair.client().error(), "certificate verify failed: hostname mismatch");
}

TEST(TlsStream, AcceptsAnyCertificateWhenVerificationIsOff) {
  auto context = contextOrFail({.verify_peer = false});
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "acs.example");
  EXPECT_EQ(pair.handshake(), TlsStream::Status::Ok) << pair.client().error();
}

TEST(TlsStream, SendsNoSniForAnIpAddress) {
  auto context = contextOrFail({.verify_peer = false});
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "192.0.2.7");
  ASSERT_EQ(pair.handshake(), TlsStream::Status::Ok) << pair.client().error();
  ASSERT_EQ(SSL_accept(pair.server()), 1);
  EXPECT_EQ(SSL_get_servername(pair.server(), TLSEXT_NAMETYPE_host_name), nullptr);
}

TEST(TlsStream, ResumesTheSessionOfTheSameHostAndPort) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  {
    Pair first(*context, server, "localhost");
    ASSERT_EQ(first.handshake(), TlsStream::Status::Ok) << first.client().error();
    ASSERT_EQ(SSL_accept(first.server()), 1);
    EXPECT_FALSE(first.client().resumed());
    char buffer[16];
    std::size_t n = 0;
    // TLS 1.3 tickets arrive after the handshake; reading them files the session.
    EXPECT_EQ(first.client().read(buffer, sizeof buffer, n), TlsStream::Status::WantRead);
  }
  Pair second(*context, server, "localhost");
  ASSERT_EQ(second.handshake(), TlsStream::Status::Ok) << second.client().error();
  EXPECT_TRUE(second.client().resumed());
  EXPECT_EQ(context->handshakes(), 2u);
  EXPECT_EQ(context->resumedHandshakes(), 1u);
  // Another host name does not get that session.
  Pair other(*context, server, "127.0.0.1");
  EXPECT_EQ(other.handshake(), TlsStream::Status::Failed);  // and fails the name check
  EXPECT_FALSE(other.client().resumed());
}

TEST(TlsStream, APeerThatVanishedIsAnErrorNotASignal) {
  auto context = contextOrFail(trusting());
  ASSERT_NE(context, nullptr);
  Server server;
  Pair pair(*context, server, "localhost");
  ASSERT_EQ(pair.handshake(), TlsStream::Status::Ok) << pair.client().error();
  pair.closeServerSocket();
  // The default SIGPIPE action would end this process if the stream wrote with write().
  std::size_t n = 0;
  EXPECT_EQ(pair.client().write("POST / HTTP/1.1\r\n\r\n", n), TlsStream::Status::Failed);
  EXPECT_NE(pair.client().error().find("TLS write: "), std::string::npos) << pair.client().error();
}

TEST(TlsContext, NamesAMissingCaFile) {
  std::string error;
  EXPECT_EQ(TlsContext::create({.ca_file = "/nonexistent/ca.pem"}, error), nullptr);
  EXPECT_EQ(error, "CA file '/nonexistent/ca.pem': No such file or directory");
}

TEST(TlsContext, RefusesACaFileWithNoCertificate) {
  const std::string path = ServerIdentity::get().dir() + "/not-a-cert.pem";
  std::ofstream(path) << "hello\n";
  std::string error;
  EXPECT_EQ(TlsContext::create({.ca_file = path}, error), nullptr);
  EXPECT_NE(error.find("CA file '" + path + "': "), std::string::npos) << error;
  EXPECT_NE(error.find("(expected PEM certificates)"), std::string::npos) << error;
}

}  // namespace
}  // namespace cpesim
