// The positive runs: ACS mode against our real `acs` (child process, real HTTP on loopback).
// Built twice: conformance_acs_tests (SQLite, label conformance) and, with
// CONFORMANCE_PG defined, conformance_acs_pg_tests (PostgreSQL from ACS_TEST_PG_DSN, label
// pg; each run gets its own schema).
#include <cstdlib>
#include <filesystem>
#include <istream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <gtest/gtest.h>
#include <unistd.h>

#if defined(CONFORMANCE_PG)
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#endif

#include "catalogue.h"
#include "http_client.h"
#include "report.h"
#include "runner.h"
#include "trigger.h"

namespace conformance {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "conformance.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Our `acs` as a child process on 127.0.0.1 with port 0; the base URL comes from its
// "acs: listening on http://..." line.
class AcsProcess {
 public:
  AcsProcess(const std::string& database_url, Poco::Process::Env extra) {
    Poco::Process::Env env = std::move(extra);
    env["ACS_HOST"] = "127.0.0.1";
    env["ACS_PORT"] = "0";
    env["DATABASE_URL"] = database_url;
    env["LOG_LEVEL"] = "warning";
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(ACS_BINARY_PATH, {}, "", nullptr, &out_, nullptr, env));
    stream_ = std::make_unique<Poco::PipeInputStream>(out_);
    std::string line;
    const std::string marker = "acs: listening on ";
    while (std::getline(*stream_, line)) {
      if (line.rfind(marker, 0) == 0) {
        base_ = line.substr(marker.size());
        break;
      }
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    drain_ = std::thread([this] {
      std::string rest;
      while (std::getline(*stream_, rest)) {
      }
    });
    if (base_.empty()) throw std::runtime_error("acs did not report its listening address");
  }
  ~AcsProcess() {
    Poco::Process::requestTermination(handle_->id());
    handle_->wait();
    drain_.join();
  }
  const std::string& base() const { return base_; }

 private:
  Poco::Pipe out_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::unique_ptr<Poco::PipeInputStream> stream_;
  std::thread drain_;
  std::string base_;
};

// Runs `pattern` against `acs`; returns the report. Every case that ran must pass and only
// the ids in `may_skip` may be skipped. `ca_file`: the certificate to trust (https).
void expectAllPass(const AcsProcess& acs, const std::string& pattern,
                   const std::set<std::string>& may_skip, bool credentials,
                   const std::string& ca_file = "") {
  RunConfig config;
  config.acs_url = acs.base() + "/cwmp";
  config.ca_file = ca_file;
  config.trigger = makeApiTrigger(acs.base() + "/api", "", clientTls(config));
  config.run_tag = makeRunTag();
  if (credentials) {
    config.cpe_username = "cpe";
    config.cpe_password = "secret";
  }
  RunReport report = runCases(Side::Acs, selectCases(Side::Acs, pattern), config);
  ASSERT_FALSE(report.results.empty());
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::Skip && may_skip.count(r.c->id) != 0) continue;
    EXPECT_EQ(r.outcome, Outcome::Pass)
        << r.c->id << " (" << levelName(r.c->level) << "): " << r.message << "\n"
        << formatExchanges(r.exchanges);
  }
  EXPECT_EQ(report.mandatoryFailures(), 0);
}

#if defined(CONFORMANCE_PG)
// postgresql://user[:password]@host[:port]/db -> libpq keywords for the admin session.
std::string connectorString(const std::string& dsn) {
  std::string rest = dsn.substr(dsn.find("://") + 3);
  rest = rest.substr(0, rest.find('?'));
  std::string userinfo, hostport = rest;
  if (auto at = rest.find('@'); at != std::string::npos) {
    userinfo = rest.substr(0, at);
    hostport = rest.substr(at + 1);
  }
  std::string db = hostport.substr(hostport.find('/') + 1);
  hostport = hostport.substr(0, hostport.find('/'));
  std::string out = "dbname=" + db;
  auto colon = hostport.rfind(':');
  out += " host=" + hostport.substr(0, colon);
  if (colon != std::string::npos) out += " port=" + hostport.substr(colon + 1);
  auto pc = userinfo.find(':');
  if (!userinfo.empty()) out += " user=" + userinfo.substr(0, pc);
  if (pc != std::string::npos) out += " password=" + userinfo.substr(pc + 1);
  return out;
}

class PgSchema {
 public:
  PgSchema() {
    const char* dsn = std::getenv("ACS_TEST_PG_DSN");
    if (dsn == nullptr || *dsn == '\0') return;
    dsn_ = dsn;
    Poco::Data::PostgreSQL::Connector::registerConnector();
    schema_ = "conformance_" + std::to_string(::getpid()) + "_" + std::to_string(++counter_);
    Poco::Data::Session admin("PostgreSQL", connectorString(dsn_));
    admin << "CREATE SCHEMA " + schema_, Poco::Data::Keywords::now;
  }
  ~PgSchema() {
    if (dsn_.empty()) return;
    try {
      Poco::Data::Session admin("PostgreSQL", connectorString(dsn_));
      admin << "DROP SCHEMA " + schema_ + " CASCADE", Poco::Data::Keywords::now;
    } catch (const std::exception&) {
      // The server may be gone at the end of a failed run; nothing to keep.
    }
  }
  bool available() const { return !dsn_.empty(); }
  std::string url() const {
    const char sep = dsn_.find('?') == std::string::npos ? '?' : '&';
    return dsn_ + sep + "options=-csearch_path%3D" + schema_;
  }

 private:
  static inline int counter_ = 0;
  std::string dsn_;
  std::string schema_;
};

#define CONFORMANCE_STORE_SETUP(url_var)                                             \
  PgSchema schema;                                                                   \
  if (!schema.available()) {                                                         \
    const char* ci = std::getenv("CI");                                              \
    if (ci != nullptr && std::string(ci) == "true") {                                \
      FAIL() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL must run in CI"; \
    }                                                                                \
    GTEST_SKIP() << "ACS_TEST_PG_DSN is not set (start a server with ci/pg.sh)";     \
  }                                                                                  \
  const std::string url_var = schema.url()
#else
#define CONFORMANCE_STORE_SETUP(url_var) \
  TempDir dir;                           \
  const std::string url_var = "sqlite://" + (dir.path() / "acs.db").string()
#endif

// Distinct suite names keep the two binaries' ctest names apart.
#if defined(CONFORMANCE_PG)
#define CONFORMANCE_SUITE ConformanceAgainstOurAcsOnPostgres
#else
#define CONFORMANCE_SUITE ConformanceAgainstOurAcsOnSqlite
#endif

TEST(CONFORMANCE_SUITE, EveryCasePassesWithDefaultSettings) {
  CONFORMANCE_STORE_SETUP(url);
  AcsProcess acs(url, {});
  // Skipped by design: HoldRequests is off by default and CPE auth is not configured.
  expectAllPass(acs, "", {"ACS-SESS-09", "ACS-AUTH-01", "ACS-AUTH-02"}, false);
}

TEST(CONFORMANCE_SUITE, DigestAuthAndHoldRequestsCasesPassWhenEnabled) {
  CONFORMANCE_STORE_SETUP(url);
  AcsProcess acs(url, {{"ACS_CPE_AUTH", "digest"},
                       {"ACS_CPE_USERNAME", "cpe"},
                       {"ACS_CPE_PASSWORD", "secret"},
                       {"ACS_HOLD_REQUESTS", "always"}});
  expectAllPass(acs, "ACS-AUTH-*", {}, true);
  expectAllPass(acs, "ACS-SESS-*", {}, true);
  expectAllPass(acs, "ACS-RPC-TC-*", {}, true);
}

#if !defined(CONFORMANCE_PG)
// A throw-away self-signed certificate for 127.0.0.1 made by the `openssl` command.
struct SelfSigned {
  TempDir dir;
  std::string cert = (dir.path() / "cert.pem").string();
  std::string key = (dir.path() / "key.pem").string();
  bool made = false;
  SelfSigned() {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" +
        key + "' -out '" + cert +
        "' -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
        ">/dev/null 2>&1";
    made = std::system(command.c_str()) == 0;
  }
};

TEST(CONFORMANCE_SUITE, CasesRunOverHttpsAgainstATlsAcs) {
  SelfSigned tls;
  ASSERT_TRUE(tls.made) << "openssl could not make a test certificate";
  CONFORMANCE_STORE_SETUP(url);
  AcsProcess acs(url, {{"ACS_TLS_CERT", tls.cert}, {"ACS_TLS_KEY", tls.key}});
  ASSERT_EQ(acs.base().rfind("https://", 0), 0u) << acs.base();
  expectAllPass(acs, "ACS-SESS-*", {"ACS-SESS-09"}, false, tls.cert);
  expectAllPass(acs, "ACS-RPC-*", {}, false, tls.cert);

  // Without trusting the certificate every request fails verification, and says how to fix it.
  RunConfig untrusted;
  untrusted.acs_url = acs.base() + "/cwmp";
  untrusted.run_tag = makeRunTag();
  RunReport report = runCases(Side::Acs, selectCases(Side::Acs, "ACS-SESS-01"), untrusted);
  ASSERT_EQ(report.results.size(), 1u);
  EXPECT_NE(report.results.front().outcome, Outcome::Pass);
  const std::string log = formatExchanges(report.results.front().exchanges);
  EXPECT_NE(log.find("--ca-file"), std::string::npos) << log;
}
#endif

}  // namespace
}  // namespace conformance
