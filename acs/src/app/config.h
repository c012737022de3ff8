// acs/app/config.h: the ACS configuration and how it is assembled from its four sources.
//
// Precedence, highest first: command-line flags > environment variables > config file >
// built-in defaults. loadConfig() is pure (it is handed the flags, the environment and the
// file's text), so every rule here is unit-tested; the application gathers the inputs.
//
//   acs::ConfigSources sources;
//   sources.env = {{"ACS_PORT", "0"}, {"DATABASE_URL", "sqlite:///tmp/acs.db"}};
//   sources.flags = {{"host", "127.0.0.1"}};
//   cwmp::Result<acs::AcsConfig> config = acs::loadConfig(sources);
//   if (!config) { std::cerr << config.error().message; return EXIT_CONFIG; }
//
// Config file format: one `key = value` per line, `#` comments, keys as in the table in
// acs/deploy/acs.conf.example (the same names the flags use, e.g. `port`, `session_timeout`,
// `cpe_auth.mode`). Unknown keys are an error, so a typo never goes unnoticed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cwmp/status.h"

namespace acs {

enum class LogFormat : std::uint8_t { Text, Json };
enum class CpeAuthMode : std::uint8_t { None, Digest, Basic };
// When the InformResponse carries HoldRequests=true (the ACS's queued requests go first).
enum class HoldRequestsPolicy : std::uint8_t { Never, Always, WhenTasksPending };

// How the ACS authenticates CPEs on /cwmp (checklist §1.4).
struct CpeAuthConfig {
  CpeAuthMode mode = CpeAuthMode::None;
  std::string realm = "cwmp-lab";
  // Shared credentials: every CPE uses these (when username is non-empty).
  std::string username;
  std::string password;
  // Per-device credentials: CPE username (usually `<OUI>-<ProductClass>-<SerialNumber>`)
  // -> password. Looked up first; the shared pair is the fallback.
  std::map<std::string, std::string> per_device;
  // Basic sends the password in clear; TR-069 allows it only over TLS (checklist 1.4.2).
  // With TLS configured (AcsConfig::tls) Basic needs nothing more; over plain HTTP,
  // mode=basic needs this set explicitly.
  bool allow_basic_without_tls = false;
  // Digest nonces older than this are answered with stale=true (a fresh challenge).
  std::uint32_t nonce_lifetime_s = 300;
  // Key that signs Digest nonces. ACS processes sharing one database should share it, so a
  // nonce issued by one verifies in the others; "" = a random key per process.
  std::string nonce_secret;
};

// HTTPS on every listener (the main one and the separate CWMP one). Both files are PEM;
// `cert_file` may hold the chain (server certificate first). The files are checked when the
// server starts (readable, key matches the certificate), not by loadConfig(), which reads
// no files.
struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  bool enabled() const { return !cert_file.empty(); }
};

struct AcsConfig {
  // --- Listeners
  std::string host = "127.0.0.1";
  std::uint16_t port = 7547;               // /cwmp, /api/*, /metrics, / (0 = any free port)
  std::optional<std::uint16_t> cwmp_port;  // when set, /cwmp is served here only
  TlsConfig tls;                           // set: every listener speaks HTTPS only
  // --- Store
  std::string data_dir = "./data";
  std::string database_url;  // default: sqlite:///<abs data_dir>/acs.db
  // --- REST API security
  bool enable_auth = false;  // require API_KEY on /api/* and /metrics
  std::string api_key;
  bool allow_insecure = false;            // permit a non-loopback bind with auth off
  std::vector<std::string> cors_origins;  // exact origins; none by default
  // --- Logging
  std::string log_level = "information";  // Poco levels: fatal..trace (also warn, info)
  LogFormat log_format = LogFormat::Text;
  // --- CWMP sessions
  std::uint32_t session_timeout_s = 30;            // idle time before a session (and lease) is dead
  std::uint32_t max_threads = 64;                  // HTTP worker threads
  std::uint32_t max_queued = 256;                  // accepted connections waiting for a thread
  std::uint64_t max_body_bytes = 4 * 1024 * 1024;  // larger /cwmp bodies get 413
  std::uint64_t max_file_bytes = 64 * 1024 * 1024;  // larger PUT /api/files uploads get 413
  std::vector<std::string> supported_cwmp_versions = {"1.0", "1.1", "1.2", "1.3", "1.4"};
  HoldRequestsPolicy hold_requests = HoldRequestsPolicy::Never;
  std::uint32_t shutdown_grace_s = 10;  // how long SIGTERM waits for running sessions
  CpeAuthConfig cpe_auth;
  // --- Devices and tasks
  double online_multiple = 2.5;            // online = Inform within multiple * interval
  std::uint32_t default_max_attempts = 3;  // tasks requeued after a dead session
  // --- Protocol capture
  std::string capture_pattern;                        // glob on device id ('*', '?'); "" = none
  std::uint32_t capture_max_per_device = 1000;        // newest exchanges kept per device
  std::uint32_t capture_max_body_bytes = 256 * 1024;  // longer bodies are truncated
  // --- Operations
  std::uint32_t retention_days = 30;           // purge sessions/tasks/captures/faults older
  std::uint32_t cr_timeout_ms = 3000;          // connection request timeout
  std::string instance_id;                     // lease owner name; default "<hostname>:<pid>"
  std::uint32_t store_busy_timeout_ms = 5000;  // wait for a database lock before "busy"
  // Skip rewriting Inform parameters unchanged since this process stored them
  // (core/inform_cache.h). Auto: on for SQLite (one process owns the file), off for
  // PostgreSQL (other ACS processes write the same devices).
  enum class InformCacheMode : std::uint8_t { Auto, On, Off };
  InformCacheMode inform_cache = InformCacheMode::Auto;

  // The URL the store is opened with (database_url, or the default under data_dir).
  std::string effectiveDatabaseUrl() const;
};

// Everything loadConfig() reads. Keys of `flags` are the long option names without
// dashes (e.g. "port", "data-dir", "config"); keys of `env` are environment variable names.
struct ConfigSources {
  std::map<std::string, std::string> flags;
  std::map<std::string, std::string> env;
  // Text of the config file named by flags["config"] or env["ACS_CONFIG"]; the caller reads
  // the file (so loadConfig stays pure) and puts its name in `file_name` for messages.
  std::optional<std::string> file_text;
  std::string file_name;
};

// Builds the configuration. Errors (code InvalidArgument) name the source and key, e.g.
// "ACS_PORT: '70000' is not a port number (0-65535)" or "acs.conf:12: unknown key 'prot'".
// Also enforces the cross-field rules: enable_auth needs a non-empty api_key; digest/basic
// CPE auth needs credentials; basic needs TLS or allow_basic_without_tls; tls.cert_file and
// tls.key_file come together.
// Does NOT apply the "secure by default" bind rule (see checkBindSecurity) so tests can
// build any configuration.
cwmp::Result<AcsConfig> loadConfig(const ConfigSources& sources);

// "Secure by default": a non-loopback bind with API auth off is refused unless
// allow_insecure. Returns the refusal message, or "" when the configuration may start.
std::string checkBindSecurity(const AcsConfig& config);

// True for 127.0.0.0/8, ::1 and "localhost".
bool isLoopbackHost(const std::string& host);

// The environment variables loadConfig() reads, with a one-line description each (for --help).
const std::vector<std::pair<std::string, std::string>>& configEnvironmentVariables();

}  // namespace acs
