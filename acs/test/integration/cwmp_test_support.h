// acs/test/integration/cwmp_test_support.h: helpers for the CWMP integration tests: a
// temporary directory, an in-process ACS on 127.0.0.1:0 with a real SQLite file (or the
// PostgreSQL server named by ACS_TEST_PG_DSN), a minimal CPE that talks HTTP to it (cookies,
// keep-alive or new connections, Digest), the `acs` binary as a child process, and envelope
// builders. Real HTTP over loopback throughout; no fakes.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Process.h>

#include "acs/src/app/config.h"
#include "acs/src/http/acs_server.h"
#include "acs/src/store/store.h"
#include "cwmp/messages.h"

namespace acs::itest {

// A directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// PostgreSQL: a schema of its own in the ACS_TEST_PG_DSN database, dropped on destruction.
class PgSchema {
 public:
  // Empty dsn(): no server configured (the test skips locally, fails when CI=true).
  PgSchema();
  ~PgSchema();
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;
  bool available() const { return !dsn_.empty(); }
  // The DATABASE_URL of the schema.
  std::string url() const;

 private:
  std::string dsn_;
  std::string schema_;
};

bool inCi();

// The default test configuration: loopback, port 0, quiet logs, 2 s session timeout.
AcsConfig testConfig(const std::string& database_url);

// An ACS in this process.
class TestServer {
 public:
  explicit TestServer(AcsConfig config);
  ~TestServer();
  std::uint16_t port() const { return server_->port(); }
  std::uint16_t cwmpPort() const { return server_->cwmpPort().value_or(server_->port()); }
  http::AcsServer& server() { return *server_; }
  store::Store& store() { return server_->store(); }

 private:
  std::unique_ptr<http::AcsServer> server_;
};

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  std::optional<cwmp::Envelope> envelope;      // decoded when the body is an envelope

  template <class T>
  const T* as() const {
    return envelope ? std::get_if<T>(&envelope->body) : nullptr;
  }
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// One CPE's HTTP side: keeps the session cookie, reuses its connection unless told.
class CpeClient {
 public:
  CpeClient(std::uint16_t port, std::string path = "/cwmp");

  Reply send(const cwmp::Envelope& envelope);
  Reply emptyPost();
  // A raw POST; `headers` are added as given.
  Reply post(const std::string& body,
             const std::vector<std::pair<std::string, std::string>>& headers = {});
  // An arbitrary request (e.g. GET).
  Reply request(const std::string& method, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Closes the TCP connection; the next request opens a new one (the cookie is kept).
  void newConnection();
  // Talk to another ACS from now on (two-process tests); implies newConnection().
  void setPort(std::uint16_t port);
  void forgetCookie() { cookie_.clear(); }
  const std::string& cookie() const { return cookie_; }
  void setCookie(std::string cookie) { cookie_ = std::move(cookie); }
  // Answers Digest/Basic challenges with these credentials (one retry per request).
  void setCredentials(std::string username, std::string password);

 private:
  Reply exchange(Poco::Net::HTTPRequest& request, const std::string& body);

  std::uint16_t port_;
  std::string path_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::string cookie_;
  std::unique_ptr<Poco::Net::HTTPCredentials> credentials_;
};

// Envelope builders (namespace cwmp-1-2 unless given).
cwmp::Envelope informEnvelope(const std::string& serial, std::vector<std::string> events,
                              std::size_t extra_parameters = 0, const std::string& id = "inform-1");
cwmp::Envelope envelopeOf(cwmp::Body body, const std::string& id = "cpe-1");
std::string deviceIdFor(const std::string& serial);  // "00A0C9-RG1-<serial escaped>"
// A serial number unique to this process and call (PG tests share a database).
std::string uniqueSerial(const std::string& prefix);

// Polls `condition` every 20 ms until true or `timeout` passes.
bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// The `acs` binary as a child process; reads "acs: listening on http://host:PORT".
class AcsProcess {
 public:
  // `env` is added to the child's environment (e.g. ACS_PORT=0, DATABASE_URL=...).
  AcsProcess(const std::map<std::string, std::string>& env,
             const std::vector<std::string>& args = {});
  ~AcsProcess();
  // Waits for the listening line; false when the process exited or timed out first.
  bool waitUntilListening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::uint16_t port() const { return port_; }
  // Sends `signal` and waits for exit; returns the exit code (or 128+signal when killed).
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits for the process to exit by itself.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Everything the child wrote to stdout and stderr so far.
  std::string output() const;

 private:
  void readAvailable(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string output_;
  std::uint16_t port_ = 0;
  int exit_code_ = -1;
};

// Path of the built `acs` executable.
std::string acsBinary();

}  // namespace acs::itest
