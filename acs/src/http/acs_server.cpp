#include "acs/src/http/acs_server.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "lab/server_shutdown.h"
#include <Poco/Environment.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Process.h>
#include <Poco/ThreadPool.h>
#include <openssl/ssl.h>

#include "acs/src/api/api_router.h"
#include "acs/src/http/request_router.h"
#include "acs/src/store/store_factory.h"

namespace acs::http {

namespace {

// How often the maintenance thread looks for stale sessions.
std::chrono::milliseconds reaperInterval(const AcsConfig& c) {
  auto half = std::chrono::milliseconds(std::int64_t{c.session_timeout_s} * 500);
  return std::clamp(half, std::chrono::milliseconds(500), std::chrono::milliseconds(10'000));
}

constexpr auto kPurgeInterval = std::chrono::hours(1);
// How often the maintenance thread looks at the connections of open sessions
// (CwmpService::sweepClosedConnections): a CPE retrying after a dropped session waits a few
// seconds before its next Inform (TR-069 3.2.1.1's retry back-off).
constexpr std::chrono::milliseconds kConnectionSweep{1000};
// Devices whose last Inform parameters are remembered (about 0.5 KB each).
constexpr std::size_t kInformCacheDevices = 200'000;

std::string hostForUrl(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  if (host == "0.0.0.0") return "127.0.0.1";
  return host;
}

// "" when `path` can be opened for reading, else why not.
std::string unreadable(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (in) return {};
  const int error = errno;
  return error != 0 ? std::strerror(error) : "cannot be opened";
}

// The TLS server context of every listener: the configured certificate (chain) and key, TLS
// 1.2 or newer, no client certificates (CPEs authenticate with Digest/Basic over the TLS
// connection). Returns "" and sets `out`, or what is wrong with the files.
std::string makeServerContext(const TlsConfig& tls, Poco::Net::Context::Ptr& out) {
  if (std::string why = unreadable(tls.cert_file); !why.empty()) {
    return "tls.cert_file '" + tls.cert_file + "' cannot be read: " + why;
  }
  if (std::string why = unreadable(tls.key_file); !why.empty()) {
    return "tls.key_file '" + tls.key_file + "' cannot be read: " + why;
  }
  Poco::Net::Context::Params params;
  params.certificateFile = tls.cert_file;
  params.privateKeyFile = tls.key_file;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    // CPEs often open a new connection per request of a session: resumed TLS sessions
    // spare them (and us) a full handshake each time.
    context->enableSessionCache(true, "cwmp-lab-acs");
  } catch (const Poco::Exception& e) {
    // A file that is not PEM, or not a certificate / key (OpenSSL's reason is in the text).
    return "cannot load tls.cert_file '" + tls.cert_file + "' with tls.key_file '" + tls.key_file +
           "' (PEM files, the key matching the certificate): " + e.displayText();
  }
  // The loader takes any well-formed key; a key that is not the certificate's would only
  // fail later, in every handshake.
  if (SSL_CTX_check_private_key(context->sslContext()) != 1) {
    return "tls.key_file '" + tls.key_file + "' does not match the certificate in tls.cert_file '" +
           tls.cert_file + "'";
  }
  out = std::move(context);
  return {};
}

}  // namespace

std::string defaultInstanceId() {
  std::string host;
  try {
    host = Poco::Environment::nodeName();
  } catch (const Poco::Exception&) {
    host = "acs";
  }
  return host + ":" + std::to_string(Poco::Process::id());
}

AcsServer::AcsServer(AcsConfig config) : config_(std::move(config)) {
  if (config_.instance_id.empty()) config_.instance_id = defaultInstanceId();
}

AcsServer::~AcsServer() {
  stop(std::chrono::milliseconds(0));
  if (ssl_initialized_) Poco::Net::uninitializeSSL();
}

int AcsServer::queuedConnections() const {
  int queued = 0;
  if (main_server_) queued += main_server_->queuedConnections();
  if (cwmp_server_) queued += cwmp_server_->queuedConnections();
  return queued;
}

bool AcsServer::overloaded() const {
  return queuedConnections() >= static_cast<int>(config_.max_queued);
}

std::string AcsServer::start() {
  auto& log = Poco::Logger::get("acs");
  // TLS first: a bad certificate is a configuration error, found before anything is opened.
  Poco::Net::Context::Ptr tls_context;
  if (config_.tls.enabled()) {
    if (!ssl_initialized_) {
      Poco::Net::initializeSSL();
      ssl_initialized_ = true;
    }
    if (std::string error = makeServerContext(config_.tls, tls_context); !error.empty()) {
      return std::string(kTlsErrorPrefix) + error;
    }
  }
  store::StoreOptions options;
  options.online_multiple = config_.online_multiple;
  options.default_max_attempts = config_.default_max_attempts;
  options.capture_max_per_device = config_.capture_max_per_device;
  options.capture_max_body_bytes = config_.capture_max_body_bytes;
  options.busy_timeout = std::chrono::milliseconds(config_.store_busy_timeout_ms);
  options.pool_size = static_cast<int>(std::clamp<std::uint32_t>(config_.max_threads / 4, 4, 32));
  const std::string url = config_.effectiveDatabaseUrl();
  if (config_.database_url.empty()) {
    // The default database lives in the data directory, which is ours to create.
    std::error_code ec;
    std::filesystem::create_directories(config_.data_dir, ec);
    if (ec) return "cannot create the data directory '" + config_.data_dir + "': " + ec.message();
  }
  auto opened = store::openStore(url, options);
  if (!opened.ok()) {
    return "cannot open the store " + store::redactDatabaseUrl(url) + ": " + opened.error().message;
  }
  store_ = std::move(*opened);
  log.information("store %s (%s)", store::redactDatabaseUrl(url),
                  std::string(store_->backendName()));

  cwmp_ = std::make_unique<CwmpService>(*store_, metrics_, config_, clock_);
  cwmp_->setOverloadProbe([this] { return overloaded(); });
  const bool cache_on = config_.inform_cache == AcsConfig::InformCacheMode::On ||
                        (config_.inform_cache == AcsConfig::InformCacheMode::Auto &&
                         store_->backendName() == "sqlite");
  if (cache_on) {
    inform_cache_ = std::make_unique<InformCache>(kInformCacheDevices);
    cwmp_->setInformCache(inform_cache_.get());
  }
  HttpConnectionRequesterOptions cr;
  cr.timeout = std::chrono::milliseconds(config_.cr_timeout_ms);
  requester_ = std::make_unique<HttpConnectionRequester>(*store_, cr);
  api_ = std::make_unique<api::ApiRouter>(
      api::ApiDeps{*store_, metrics_, config_, *requester_, config_.max_file_bytes});

  pool_ = std::make_unique<Poco::ThreadPool>(2, static_cast<int>(config_.max_threads) + 4, 60);
  auto makeParams = [&] {
    Poco::Net::HTTPServerParams::Ptr p = new Poco::Net::HTTPServerParams;
    p->setMaxThreads(static_cast<int>(config_.max_threads));
    // Poco closes connections beyond its queue without a word; keep its limit above ours so
    // the CWMP handler answers 8005/503 first.
    p->setMaxQueued(static_cast<int>(config_.max_queued) * 2 + 16);
    p->setKeepAlive(true);
    p->setKeepAliveTimeout(Poco::Timespan(5, 0));
    p->setMaxKeepAliveRequests(10'000);
    p->setTimeout(Poco::Timespan(static_cast<long>(config_.session_timeout_s), 0));
    p->setServerName("cwmp-lab-acs");
    return p;
  };
  try {
    // With TLS both listeners are TLS-only: the handshake runs lazily on the worker thread
    // at the first read, so a slow or plain-HTTP client never blocks the acceptor.
    auto bindSocket = [&](std::uint16_t wanted_port) -> Poco::Net::ServerSocket {
      const Poco::Net::SocketAddress address(config_.host, wanted_port);
      if (tls_context) return Poco::Net::SecureServerSocket(address, 256, tls_context);
      return Poco::Net::ServerSocket(address, 256);
    };
    Poco::Net::ServerSocket main_socket = bindSocket(config_.port);
    port_ = main_socket.address().port();
    main_server_ = std::make_unique<Poco::Net::HTTPServer>(
        new RequestRouter(*cwmp_, metrics_, config_.max_body_bytes, api_.get(), false), *pool_,
        main_socket, makeParams());
    if (config_.cwmp_port) {
      Poco::Net::ServerSocket cwmp_socket = bindSocket(*config_.cwmp_port);
      cwmp_port_ = cwmp_socket.address().port();
      cwmp_server_ = std::make_unique<Poco::Net::HTTPServer>(
          new RequestRouter(*cwmp_, metrics_, config_.max_body_bytes, nullptr, true), *pool_,
          cwmp_socket, makeParams());
    }
  } catch (const Poco::Exception& e) {
    main_server_.reset();
    cwmp_server_.reset();
    return "cannot listen on " + config_.host + ": " + e.displayText();
  }
  main_server_->start();
  if (cwmp_server_) cwmp_server_->start();
  started_ = true;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  maintenance_ = std::thread([this] { maintenanceLoop(); });
  return {};
}

std::vector<std::string> AcsServer::urls() const {
  std::vector<std::string> out;
  const std::string host = hostForUrl(config_.host);
  const std::string scheme = config_.tls.enabled() ? "https://" : "http://";
  out.push_back(scheme + host + ":" + std::to_string(port_));
  out.push_back(scheme + host + ":" + std::to_string(cwmp_port_.value_or(port_)) + "/cwmp");
  return out;
}

void AcsServer::runMaintenance() {
  if (!cwmp_ || !store_) return;
  cwmp_->reapStaleSessions();
  if (config_.retention_days == 0) return;
  const store::TimePoint now = clock_.now();
  if (last_purge_ != store::TimePoint{} && now - last_purge_ < kPurgeInterval) return;
  last_purge_ = now;
  const auto cutoff = now - std::chrono::hours(24) * config_.retention_days;
  auto purged = store_->purgeOlderThan(cutoff);
  auto& log = Poco::Logger::get("acs");
  if (!purged.ok()) {
    log.warning("retention purge failed: %s", purged.error().message);
    return;
  }
  if (purged->sessions + purged->tasks + purged->captures + purged->faults > 0) {
    log.information(
        "retention purge (older than %u days): %d sessions, %d tasks, "
        "%d captures, %d faults",
        static_cast<unsigned>(config_.retention_days), static_cast<int>(purged->sessions),
        static_cast<int>(purged->tasks), static_cast<int>(purged->captures),
        static_cast<int>(purged->faults));
  }
}

void AcsServer::maintenanceLoop() {
  const auto interval = reaperInterval(config_);
  auto next_reap = std::chrono::steady_clock::now() + interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::min<std::chrono::milliseconds>(interval, kConnectionSweep),
                   [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      if (cwmp_) cwmp_->sweepClosedConnections();
      if (std::chrono::steady_clock::now() >= next_reap) {
        next_reap = std::chrono::steady_clock::now() + interval;
        runMaintenance();
      }
    } catch (const std::exception& e) {
      Poco::Logger::get("acs").error("maintenance: %s", std::string(e.what()));
    }
    lock.lock();
  }
}

void AcsServer::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  auto& log = Poco::Logger::get("acs");
  // 1. Stop accepting; connections in keep-alive close after their current request.
  // 2. Let requests in flight finish, bounded; then abort what is left and wait for the
  //    worker threads, so none outlives the handlers' state.
  int left = 0;
  if (main_server_) left += lab::stopAndDrain(*main_server_, false, grace);
  if (cwmp_server_) left += lab::stopAndDrain(*cwmp_server_, false, grace);
  if (left > 0) {
    log.warning("%d connection(s) still open after the shutdown grace period; closing", left);
  }
  if (main_server_) lab::stopAndDrain(*main_server_, true);
  if (cwmp_server_) lab::stopAndDrain(*cwmp_server_, true);
  // 3. Sessions left half-way (the CPE will retry with a new session): end them so their
  //    leases are free and their sent tasks pending again.
  if (cwmp_) {
    if (auto n = cwmp_->abandonOpenSessions(); n > 0) {
      log.information("shutdown: %d open session(s) ended", static_cast<int>(n));
    }
  }
  // 4. Maintenance thread.
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
  if (pool_) pool_->joinAll();
  main_server_.reset();
  cwmp_server_.reset();
  api_.reset();
  requester_.reset();
  cwmp_.reset();
  inform_cache_.reset();
  store_.reset();
  pool_.reset();
}

}  // namespace acs::http
