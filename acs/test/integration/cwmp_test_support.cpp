#include "acs/test/integration/cwmp_test_support.h"

#if defined(ACS_ITEST_POSTGRES)
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#endif
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acs/src/store/store_factory.h"
#include "cwmp/codec.h"

namespace acs::itest {

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

#if defined(ACS_ITEST_POSTGRES)
Poco::Data::Session pgAdmin(const std::string& dsn) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
  auto url = store::parseDatabaseUrl(dsn);
  if (!url) throw std::runtime_error("bad ACS_TEST_PG_DSN: " + url.error().message);
  return Poco::Data::Session("PostgreSQL", store::postgresConnectorString(*url));
}
#endif

}  // namespace

bool inCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/acs-cwmp-test.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

PgSchema::PgSchema() {
#if defined(ACS_ITEST_POSTGRES)
  const char* dsn = std::getenv("ACS_TEST_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') return;
  dsn_ = dsn;
  static std::atomic<int> counter{0};
  schema_ = "acs_cwmp_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
  Poco::Data::Session admin = pgAdmin(dsn_);
  admin << "CREATE SCHEMA " + schema_, Poco::Data::Keywords::now;
#endif
}

PgSchema::~PgSchema() {
#if defined(ACS_ITEST_POSTGRES)
  if (dsn_.empty()) return;
  try {
    Poco::Data::Session admin = pgAdmin(dsn_);
    admin << "DROP SCHEMA " + schema_ + " CASCADE", Poco::Data::Keywords::now;
  } catch (const std::exception&) {
    // The server may already be gone at the end of a failed run; nothing to keep.
  }
#endif
}

std::string PgSchema::url() const {
  const char sep = dsn_.find('?') == std::string::npos ? '?' : '&';
  return dsn_ + sep + "options=-csearch_path%3D" + schema_;
}

AcsConfig testConfig(const std::string& database_url) {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Logger::root().setLevel("error"); });
  AcsConfig c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.database_url = database_url;
  c.log_level = "error";
  c.session_timeout_s = 2;
  c.max_threads = 16;
  c.retention_days = 0;
  return c;
}

TestServer::TestServer(AcsConfig config)
    : server_(std::make_unique<http::AcsServer>(std::move(config))) {
  std::string error = server_->start();
  if (!error.empty()) throw std::runtime_error("ACS did not start: " + error);
}

TestServer::~TestServer() { server_->stop(std::chrono::milliseconds(2000)); }

CpeClient::CpeClient(std::uint16_t port, std::string path) : port_(port), path_(std::move(path)) {}

void CpeClient::newConnection() { session_.reset(); }

void CpeClient::setPort(std::uint16_t port) {
  port_ = port;
  newConnection();
}

void CpeClient::setCredentials(std::string username, std::string password) {
  credentials_ = std::make_unique<Poco::Net::HTTPCredentials>(username, password);
}

Reply CpeClient::exchange(Poco::Net::HTTPRequest& request, const std::string& body) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!session_) {
      session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port_);
      session_->setTimeout(Poco::Timespan(30, 0));
      session_->setKeepAlive(true);
    }
    if (!cookie_.empty()) request.set("Cookie", "session=" + cookie_);
    request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    Reply reply;
    try {
      std::ostream& out = session_->sendRequest(request);
      out.write(body.data(), static_cast<std::streamsize>(body.size()));
      Poco::Net::HTTPResponse response;
      std::istream& in = session_->receiveResponse(response);
      std::ostringstream text;
      Poco::StreamCopier::copyStream(in, text);
      reply.status = static_cast<int>(response.getStatus());
      reply.body = text.str();
      for (const auto& [name, value] : response) reply.headers[lower(name)] = value;
      if (!response.getKeepAlive()) session_.reset();
      if (reply.status == 401 && credentials_ && attempt == 0) {
        credentials_->authenticate(request, response);
        continue;
      }
    } catch (const Poco::Net::NetException&) {
      // A kept-alive connection the server closed meanwhile: retry once on a new one.
      session_.reset();
      if (attempt == 0) continue;
      throw;
    }
    std::string set_cookie = reply.header("set-cookie");
    if (set_cookie.rfind("session=", 0) == 0) {
      cookie_ = set_cookie.substr(8, set_cookie.find(';') - 8);
    }
    if (reply.status == 200 && !reply.body.empty()) {
      auto decoded = cwmp::decodeEnvelope(reply.body);
      if (decoded.ok()) reply.envelope = std::move(*decoded);
    }
    return reply;
  }
  throw std::runtime_error("unreachable");
}

Reply CpeClient::send(const cwmp::Envelope& envelope) {
  return post(cwmp::encodeEnvelope(envelope),
              {{"Content-Type", "text/xml; charset=\"utf-8\""}, {"SOAPAction", ""}});
}

Reply CpeClient::emptyPost() { return post(""); }

Reply CpeClient::post(const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  return request("POST", body, headers);
}

Reply CpeClient::request(const std::string& method, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
  Poco::Net::HTTPRequest req(method, path_, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [name, value] : headers) req.set(name, value);
  return exchange(req, body);
}

std::string deviceIdFor(const std::string& serial) {
  return store::makeDeviceId("00A0C9", "RG1", serial);
}

std::string uniqueSerial(const std::string& prefix) {
  static std::atomic<int> counter{0};
  static const std::string run = [] {
    std::random_device rd;
    return std::to_string(rd() % 100000);
  }();
  return prefix + "_" + std::to_string(::getpid()) + "_" + run + "_" +
         std::to_string(counter.fetch_add(1));
}

cwmp::Envelope informEnvelope(const std::string& serial, std::vector<std::string> events,
                              std::size_t extra_parameters, const std::string& id) {
  cwmp::Envelope env;
  env.ns = cwmp::CwmpNamespace::V1_2;
  env.header.id = id;
  cwmp::Inform inform;
  inform.device_id = {"Acme", "00A0C9", "RG1", serial};
  for (auto& e : events) {
    std::string key;
    if (e.rfind("M ", 0) == 0) {
      auto bar = e.find('|');
      if (bar != std::string::npos) {
        key = e.substr(bar + 1);
        e = e.substr(0, bar);
      }
    }
    inform.event.push_back({e, key});
  }
  inform.current_time = "2024-01-01T00:00:00Z";
  inform.parameter_list = {
      {"Device.DeviceInfo.SoftwareVersion", "2.0.1", "xsd:string"},
      {"Device.DeviceInfo.HardwareVersion", "hw-3", "xsd:string"},
      {"Device.ManagementServer.ConnectionRequestURL", "http://127.0.0.1:1/cr/" + serial,
       "xsd:string"},
      {"Device.ManagementServer.ParameterKey", "pk-0", "xsd:string"},
      {"Device.ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt"},
  };
  for (std::size_t i = 0; i < extra_parameters; ++i) {
    inform.parameter_list.push_back(
        {"Device.X_Test.Param" + std::to_string(i), "value-" + std::to_string(i), "xsd:string"});
  }
  env.body = std::move(inform);
  return env;
}

cwmp::Envelope envelopeOf(cwmp::Body body, const std::string& id) {
  cwmp::Envelope env;
  env.ns = cwmp::CwmpNamespace::V1_2;
  env.header.id = id;
  env.body = std::move(body);
  return env;
}

bool waitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

std::string acsBinary() { return ACS_BINARY_PATH; }

AcsProcess::AcsProcess(const std::map<std::string, std::string>& env,
                       const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close(fds[0]);
    ::close(fds[1]);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<std::string> argv_text = {acsBinary()};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_fd_ = fds[0];
  ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
}

AcsProcess::~AcsProcess() {
  if (pid_ > 0 && exit_code_ < 0) stop(SIGKILL, std::chrono::seconds(10));
  if (out_fd_ >= 0) ::close(out_fd_);
}

void AcsProcess::readAvailable(std::chrono::milliseconds timeout) {
  pollfd p{out_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    output_.append(buf, static_cast<std::size_t>(n));
  }
}

bool AcsProcess::waitUntilListening(std::chrono::milliseconds timeout) {
  // "acs: listening on http://HOST:PORT" (no std::regex: g++ 12 warns inside it at -O1).
  static constexpr std::string_view kListening = "acs: listening on http://";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    readAvailable(std::chrono::milliseconds(50));
    const std::size_t at = output_.find(kListening);
    const std::size_t eol = at == std::string::npos ? at : output_.find('\n', at);
    if (eol != std::string::npos) {
      const std::string line = output_.substr(at, eol - at);
      port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
      // The start-up lines are written together; take the rest of them too.
      while (output_.find("acs: REST API") == std::string::npos &&
             std::chrono::steady_clock::now() < deadline) {
        readAvailable(std::chrono::milliseconds(50));
      }
      return true;
    }
    int status = 0;
    if (exit_code_ < 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      readAvailable(std::chrono::milliseconds(0));
      return false;
    }
  }
  return false;
}

int AcsProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_code_ >= 0) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    readAvailable(std::chrono::milliseconds(20));
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      readAvailable(std::chrono::milliseconds(0));
      return exit_code_;
    }
  }
  return -1;
}

int AcsProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (exit_code_ >= 0) return exit_code_;
  ::kill(pid_, signal);
  int code = wait(timeout);
  if (code < 0) {
    ::kill(pid_, SIGKILL);
    code = wait(std::chrono::seconds(10));
  }
  return code;
}

std::string AcsProcess::output() const { return output_; }

}  // namespace acs::itest
