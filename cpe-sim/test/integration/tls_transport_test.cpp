// The event-loop transport over TLS (https ACS URLs), on loopback against a Poco HTTPS
// server (SecureServerSocket) that fronts the ACS stub: a throw-away self-signed
// certificate for "localhost" is made with the `openssl` command in a temporary directory
// once per run. Full CWMP sessions (Inform, empty POST, 204), Digest, refused certificates
// (untrusted, wrong host), --insecure, session resumption, many sessions interleaved on one
// loop, an https URL pointed at a plain HTTP server or at one that never answers the
// handshake; and the blocking driver (replay) over TLS.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lab/server_shutdown.h"
#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"
#include "transport/blocking_http.h"
#include "transport/session_connection.h"
#include "transport/tls.h"
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <unistd.h>

#include "cwmp/codec.h"

namespace cpesim::testing {
namespace {

// A self-signed certificate and key for "localhost" (DNS name only, no IP address), made
// once with the openssl command and removed at exit.
class TestCertificate {
 public:
  static const TestCertificate& get() {
    static TestCertificate certificate;
    return certificate;
  }
  const std::string& certFile() const { return cert_; }
  const std::string& keyFile() const { return key_; }
  const std::string& error() const { return error_; }

 private:
  TestCertificate() {
    char pattern[] = "/tmp/cpesim-tls-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    cert_ = dir_ + "/cert.pem";
    key_ = dir_ + "/key.pem";
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -subj /CN=localhost -addext subjectAltName=DNS:localhost"
        " -keyout " +
        key_ + " -out " + cert_ + " > " + dir_ + "/openssl.log 2>&1";
    if (std::system(command.c_str()) != 0)
      error_ = "openssl req failed (see " + dir_ + "/openssl.log)";
  }
  ~TestCertificate() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::string dir_;
  std::string cert_;
  std::string key_;
  std::string error_;
};

// Poco's HTTPS server in front of an AcsStub: each request is handed to the stub, which
// records it and answers as it does over plain HTTP. Records the SNI names clients sent.
class HttpsAcs {
 public:
  explicit HttpsAcs(AcsStub::Options options = {}) : stub_(std::move(options)) {
    const TestCertificate& cert = TestCertificate::get();
    Poco::Net::Context::Params params;
    params.privateKeyFile = cert.keyFile();
    params.certificateFile = cert.certFile();
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    // Resumption on the server side too (Poco turns the server session cache off by default).
    context_->enableSessionCache(true, "cpesim-tls-test");
    SSL_CTX* native = context_->sslContext();
    SSL_CTX_callback_ctrl(native, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
                          reinterpret_cast<void (*)()>(&HttpsAcs::onServerName));
    SSL_CTX_ctrl(native, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, this);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context_);
    port_ = socket.address().port();
    auto* server_params = new Poco::Net::HTTPServerParams;
    server_params->setMaxThreads(8);
    server_params->setKeepAlive(true);
    server_params->setTimeout(Poco::Timespan(10, 0));
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(stub_.newHandlerFactory(), socket, server_params);
    server_->start();
  }
  ~HttpsAcs() { lab::stopAndDrain(*server_, true); }

  std::string url(const std::string& host = "localhost") const {
    return "https://" + host + ":" + std::to_string(port_) + "/acs";
  }
  std::uint16_t port() const { return port_; }
  AcsStub& stub() { return stub_; }
  std::vector<std::string> serverNames() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return server_names_;
  }

 private:
  static int onServerName(SSL* ssl, int*, void* arg) {
    auto* self = static_cast<HttpsAcs*>(arg);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->server_names_.push_back(name != nullptr ? name : "");
    return SSL_TLSEXT_ERR_OK;
  }

  AcsStub stub_;
  Poco::Net::Context::Ptr context_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::vector<std::string> server_names_;  // guarded by mutex_
};

std::unique_ptr<TlsContext> makeContext(TlsConfig config) {
  std::string error;
  auto context = TlsContext::create(config, error);
  EXPECT_NE(context, nullptr) << error;
  return context;
}

TlsConfig trustingTestCa() {
  return {.verify_peer = true, .ca_file = TestCertificate::get().certFile()};
}

// One CWMP session (Inform, then the empty POST) through one SessionConnection on its own
// loop; returns both outcomes (one when the Inform failed).
struct SessionResult {
  std::vector<HttpOutcome> outcomes;
  std::string protocol;  // TLS protocol seen while the connection was open
  bool resumed = false;
  std::size_t connections = 0;
};

SessionResult runSession(const std::string& url, TlsContext* tls, HttpClientConfig config = {},
                         const std::string& serial = "TLS1") {
  SessionResult result;
  EventLoop loop;
  AddressResolver resolver;
  SessionConnection connection(loop, resolver, std::chrono::seconds(5), tls);
  CwmpHttpClient client(*parseHttpUrl(url), std::move(config));
  client.post(informXml(serial, "1 BOOT"), std::string());
  connection.drive(client, [&] {
    result.outcomes.push_back(client.outcome());
    result.protocol = connection.tlsProtocol();
    result.resumed = connection.tlsResumed();
    if (!client.outcome().ok) {
      loop.stop();
      return;
    }
    client.post("", std::string());
    connection.drive(client, [&] {
      result.outcomes.push_back(client.outcome());
      connection.close();
      loop.stop();
    });
  });
  loop.run();
  result.connections = client.connectionsOpened();
  return result;
}

class TlsTransport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { Poco::Net::initializeSSL(); }
  static void TearDownTestSuite() { Poco::Net::uninitializeSSL(); }
  void SetUp() override { ASSERT_EQ(TestCertificate::get().error(), ""); }
};

TEST_F(TlsTransport, RunsACwmpSessionOverHttps) {
  HttpsAcs acs;
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  SessionResult result = runSession(acs.url(), tls.get());
  ASSERT_EQ(result.outcomes.size(), 2u);
  ASSERT_TRUE(result.outcomes[0].ok) << result.outcomes[0].error;
  EXPECT_EQ(result.outcomes[0].status, 200);
  EXPECT_NE(result.outcomes[0].body.find("InformResponse"), std::string::npos);
  ASSERT_TRUE(result.outcomes[1].ok) << result.outcomes[1].error;
  EXPECT_EQ(result.outcomes[1].status, 204);
  EXPECT_EQ(result.protocol, "TLSv1.3");
  EXPECT_EQ(result.connections, 1u);

  auto requests = acs.stub().requests();
  ASSERT_EQ(requests.size(), 2u);
  ASSERT_NE(requests[0].inform(), nullptr) << requests[0].decode_error;
  EXPECT_EQ(requests[0].inform()->device_id.serial_number, "TLS1");
  EXPECT_EQ(requests[0].header("Host"), "localhost:" + std::to_string(acs.port()));
  EXPECT_EQ(requests[1].body, "");
  EXPECT_EQ(requests[1].header("Cookie"), "session=1");
  // Both POSTs on one TLS connection, and the URL's host was sent as SNI.
  EXPECT_EQ(requests[0].client_port, requests[1].client_port);
  EXPECT_EQ(acs.serverNames(), std::vector<std::string>{"localhost"});
}

TEST_F(TlsTransport, AFleetBootsAgainstAnHttpsAcs) {
  HttpsAcs acs;
  TempDir dir;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), acs.url(), 3);
  config.tls = trustingTestCa();
  auto fleet = startFleet(config);
  ASSERT_NE(fleet, nullptr);
  EXPECT_TRUE(acs.stub().waitForInforms(3));
  fleet->stop();
  std::set<std::string> serials;
  for (const auto& request : acs.stub().requests()) {
    if (request.inform() != nullptr) serials.insert(request.inform()->device_id.serial_number);
  }
  EXPECT_EQ(serials.size(), 3u);
  EXPECT_EQ(fleet->metrics().sessions_failed.load(), 0u);
}

TEST_F(TlsTransport, AnswersADigestChallengeOverHttps) {
  HttpsAcs acs({.auth = AcsStub::Auth::Digest, .username = "cpe", .password = "secret"});
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  SessionResult result =
      runSession(acs.url(), tls.get(), {.username = "cpe", .password = "secret"});
  ASSERT_EQ(result.outcomes.size(), 2u);
  ASSERT_TRUE(result.outcomes[0].ok) << result.outcomes[0].error;
  EXPECT_EQ(result.outcomes[0].status, 200);
  EXPECT_EQ(result.outcomes[0].auth_rounds, 1);
  EXPECT_EQ(result.outcomes[1].status, 204);
  auto requests = acs.stub().requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].reply_status, 401);
  EXPECT_EQ(requests[1].reply_status, 200);
  EXPECT_EQ(requests[1].header("Authorization").rfind("Digest ", 0), 0u);
  EXPECT_EQ(requests[2].reply_status, 204);
  // The challenge, the answer and the empty POST share the TLS connection.
  EXPECT_EQ(requests[0].client_port, requests[1].client_port);
  EXPECT_EQ(requests[1].client_port, requests[2].client_port);
}

TEST_F(TlsTransport, RefusesASelfSignedCertificateTheSystemStoreDoesNotTrust) {
  HttpsAcs acs;
  auto tls = makeContext({.verify_peer = true});
  ASSERT_NE(tls, nullptr);
  SessionResult result = runSession(acs.url(), tls.get());
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_FALSE(result.outcomes[0].ok);
  const std::string& error = result.outcomes[0].error;
  EXPECT_NE(error.find("TLS handshake with localhost:"), std::string::npos) << error;
  EXPECT_NE(error.find("certificate verify failed: self-signed certificate"), std::string::npos)
      << error;
  EXPECT_TRUE(acs.stub().requests().empty());  // nothing was sent in clear or otherwise
}

TEST_F(TlsTransport, RefusesACertificateThatDoesNotNameTheUrlHost) {
  HttpsAcs acs;
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  // The certificate names DNS:localhost only; the URL uses the IP address.
  SessionResult result = runSession(acs.url("127.0.0.1"), tls.get());
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_FALSE(result.outcomes[0].ok);
  EXPECT_NE(result.outcomes[0].error.find("certificate verify failed: IP address mismatch"),
            std::string::npos)
      << result.outcomes[0].error;
  EXPECT_TRUE(acs.stub().requests().empty());
  // An IP-literal URL sends no SNI (RFC 6066 3 allows DNS names only).
  EXPECT_EQ(acs.serverNames(), std::vector<std::string>{""});
}

TEST_F(TlsTransport, InsecureModeAcceptsTheSelfSignedCertificate) {
  HttpsAcs acs;
  auto tls = makeContext({.verify_peer = false});
  ASSERT_NE(tls, nullptr);
  SessionResult result = runSession(acs.url("127.0.0.1"), tls.get());
  ASSERT_EQ(result.outcomes.size(), 2u);
  ASSERT_TRUE(result.outcomes[0].ok) << result.outcomes[0].error;
  EXPECT_EQ(result.outcomes[1].status, 204);
}

TEST_F(TlsTransport, ResumesTheTlsSessionOnTheNextConnection) {
  HttpsAcs acs;
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  SessionResult first = runSession(acs.url(), tls.get(), {}, "TLS-A");
  SessionResult second = runSession(acs.url(), tls.get(), {}, "TLS-A");
  ASSERT_EQ(first.outcomes.size(), 2u);
  ASSERT_EQ(second.outcomes.size(), 2u);
  EXPECT_EQ(second.outcomes[1].status, 204);
  EXPECT_FALSE(first.resumed);
  EXPECT_TRUE(second.resumed);
  EXPECT_EQ(tls->handshakes(), 2u);
  EXPECT_EQ(tls->resumedHandshakes(), 1u);
}

TEST_F(TlsTransport, DoesNotResumeWhenResumptionIsOff) {
  HttpsAcs acs;
  TlsConfig config = trustingTestCa();
  config.resume_sessions = false;
  auto tls = makeContext(config);
  ASSERT_NE(tls, nullptr);
  runSession(acs.url(), tls.get());
  SessionResult second = runSession(acs.url(), tls.get());
  ASSERT_EQ(second.outcomes.size(), 2u);
  EXPECT_EQ(second.outcomes[1].status, 204);
  EXPECT_FALSE(second.resumed);
  EXPECT_EQ(tls->resumedHandshakes(), 0u);
}

TEST_F(TlsTransport, InterleavesManySessionsOnOneLoop) {
  HttpsAcs acs;
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  constexpr int kSessions = 24;
  EventLoop loop;
  AddressResolver resolver;
  struct Slot {
    std::unique_ptr<CwmpHttpClient> client;
    std::unique_ptr<SessionConnection> connection;
    std::vector<int> statuses;
  };
  std::vector<Slot> slots(kSessions);
  int finished = 0;
  for (int i = 0; i < kSessions; ++i) {
    Slot& slot = slots[static_cast<std::size_t>(i)];
    slot.client = std::make_unique<CwmpHttpClient>(*parseHttpUrl(acs.url()), HttpClientConfig{});
    slot.connection =
        std::make_unique<SessionConnection>(loop, resolver, std::chrono::seconds(10), tls.get());
    slot.client->post(informXml("MANY" + std::to_string(i), "1 BOOT"), std::string());
    slot.connection->drive(*slot.client, [&, i] {
      Slot& s = slots[static_cast<std::size_t>(i)];
      s.statuses.push_back(s.client->outcome().ok ? s.client->outcome().status : -1);
      s.client->post("", std::string());
      s.connection->drive(*s.client, [&, i] {
        Slot& t = slots[static_cast<std::size_t>(i)];
        t.statuses.push_back(t.client->outcome().ok ? t.client->outcome().status : -1);
        t.connection->close();
        if (++finished == kSessions) loop.stop();
      });
    });
  }
  loop.run();
  std::set<std::string> serials;
  for (const RecordedRequest& r : acs.stub().informs())
    serials.insert(r.inform()->device_id.serial_number);
  EXPECT_EQ(serials.size(), static_cast<std::size_t>(kSessions));
  for (const Slot& slot : slots) EXPECT_EQ(slot.statuses, (std::vector<int>{200, 204}));
}

TEST_F(TlsTransport, ReportsAPlainHttpServerBehindAnHttpsUrl) {
  // A plain HTTP server that answers whatever arrives with a 400, as a web server does when a
  // ClientHello reaches it. (Not Poco's HTTPServer: whether it answers a ClientHello at once
  // depends on the random bytes in it, as it waits for a space to end the method.)
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::thread plain([&listener] {
    Poco::Net::StreamSocket peer = listener.acceptConnection();
    char buffer[4096];
    peer.receiveBytes(buffer, sizeof buffer);
    const std::string reply =
        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    peer.sendBytes(reply.data(), static_cast<int>(reply.size()));
    peer.shutdown();
  });
  const std::string url = "https://localhost:" + std::to_string(listener.address().port()) + "/acs";
  SessionResult result = runSession(url, tls.get());
  plain.join();
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_FALSE(result.outcomes[0].ok);
  EXPECT_NE(result.outcomes[0].error.find("TLS handshake with localhost:"), std::string::npos)
      << result.outcomes[0].error;
}

TEST_F(TlsTransport, RefusesHttpsWithoutATlsConfiguration) {
  HttpsAcs acs;
  SessionResult result = runSession(acs.url(), nullptr);
  ASSERT_EQ(result.outcomes.size(), 1u);
  EXPECT_FALSE(result.outcomes[0].ok);
  EXPECT_NE(result.outcomes[0].error.find("https needs a TLS configuration"), std::string::npos)
      << result.outcomes[0].error;
  EXPECT_TRUE(acs.stub().requests().empty());
}

TEST_F(TlsTransport, TimesOutAServerThatNeverAnswersTheHandshake) {
  Poco::Net::ServerSocket silent(
      Poco::Net::SocketAddress("127.0.0.1", 0));  // accepts, says nothing
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  EventLoop loop;
  AddressResolver resolver;
  SessionConnection connection(loop, resolver, std::chrono::milliseconds(300), tls.get());
  CwmpHttpClient client(
      *parseHttpUrl("https://localhost:" + std::to_string(silent.address().port()) + "/"), {});
  client.post(informXml("SILENT", "1 BOOT"), std::string());
  connection.drive(client, [&] { loop.stop(); });
  loop.run();
  EXPECT_FALSE(client.outcome().ok);
  EXPECT_NE(client.outcome().error.find("timeout"), std::string::npos) << client.outcome().error;
  EXPECT_FALSE(connection.isOpen());
}

TEST_F(TlsTransport, BlockingDriverRunsASessionOverHttps) {
  HttpsAcs acs({.auth = AcsStub::Auth::Digest, .username = "cpe", .password = "pw"});
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  CwmpHttpClient client(*parseHttpUrl(acs.url()), {.username = "cpe", .password = "pw"});
  BlockingHttpConnection connection(std::chrono::seconds(5), tls.get());
  client.post(informXml("BLOCK1", "1 BOOT"), std::string());
  const HttpOutcome& first = connection.run(client);
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.auth_rounds, 1);
  client.post("", std::string());
  const HttpOutcome& second = connection.run(client);
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.status, 204);
  connection.close();
  auto requests = acs.stub().requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].client_port, requests[2].client_port);
  EXPECT_EQ(client.connectionsOpened(), 1u);
  EXPECT_EQ(acs.serverNames(), std::vector<std::string>{"localhost"});
}

TEST_F(TlsTransport, BlockingDriverRefusesAnUntrustedCertificate) {
  HttpsAcs acs;
  auto tls = makeContext({.verify_peer = true});
  ASSERT_NE(tls, nullptr);
  CwmpHttpClient client(*parseHttpUrl(acs.url()), {});
  BlockingHttpConnection connection(std::chrono::seconds(5), tls.get());
  client.post(informXml("BLOCK2", "1 BOOT"), std::string());
  const HttpOutcome& out = connection.run(client);
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("certificate verify failed: self-signed certificate"), std::string::npos)
      << out.error;
  EXPECT_TRUE(acs.stub().requests().empty());
}

TEST_F(TlsTransport, BlockingDriverTimesOutAServerThatNeverAnswersTheHandshake) {
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto tls = makeContext(trustingTestCa());
  ASSERT_NE(tls, nullptr);
  CwmpHttpClient client(
      *parseHttpUrl("https://localhost:" + std::to_string(silent.address().port()) + "/"), {});
  BlockingHttpConnection connection(std::chrono::milliseconds(300), tls.get());
  client.post(informXml("SILENT", "1 BOOT"), std::string());
  const HttpOutcome& out = connection.run(client);
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("timeout: TLS handshake with localhost:"), std::string::npos)
      << out.error;
}

}  // namespace
}  // namespace cpesim::testing
