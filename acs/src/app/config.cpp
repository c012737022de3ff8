#include "acs/src/app/config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <limits>
#include <set>
#include <string_view>

namespace acs {

namespace {

cwmp::Error configError(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = std::move(message);
  return e;
}

std::string trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// One configurable setting: its key (file and flag name), environment variable, help line
// and how a text value is applied to the configuration.
struct Setting {
  std::string_view key;
  std::string_view env;  // "" when there is none
  std::string_view help;
  // Returns "" on success or what is wrong with the value.
  std::function<std::string(AcsConfig&, const std::string&)> apply;
};

template <class T>
std::string parseUnsigned(const std::string& text, T min, T max, T& out) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < min || v > max) {
    return "'" + text + "' is not a whole number in " + std::to_string(min) + ".." +
           std::to_string(max);
  }
  out = static_cast<T>(v);
  return {};
}

std::string parseBool(const std::string& text, bool& out) {
  std::string t = lower(text);
  if (t == "1" || t == "true" || t == "yes" || t == "on") {
    out = true;
  } else if (t == "0" || t == "false" || t == "no" || t == "off" || t.empty()) {
    out = false;
  } else {
    return "'" + text + "' is not a boolean (1/0, true/false, yes/no, on/off)";
  }
  return {};
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = trim(std::string_view(text).substr(start, comma - start));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

std::string port(const std::string& text, std::uint16_t& out) {
  std::uint32_t v = 0;
  std::string err = parseUnsigned<std::uint32_t>(text, 0, 65535, v);
  if (!err.empty()) return "'" + text + "' is not a port number (0-65535)";
  out = static_cast<std::uint16_t>(v);
  return {};
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> kSettings = {
      {"host", "ACS_HOST", "address to listen on (default 127.0.0.1)",
       [](AcsConfig& c, const std::string& v) {
         if (v.empty()) return std::string("must not be empty");
         c.host = v;
         return std::string();
       }},
      {"port", "ACS_PORT", "port for /cwmp, /api, /metrics and / (default 7547; 0 = any free)",
       [](AcsConfig& c, const std::string& v) { return port(v, c.port); }},
      {"cwmp_port", "ACS_CWMP_PORT", "optional separate port serving /cwmp only",
       [](AcsConfig& c, const std::string& v) {
         if (v.empty()) {
           c.cwmp_port.reset();
           return std::string();
         }
         std::uint16_t p = 0;
         std::string err = port(v, p);
         if (err.empty()) c.cwmp_port = p;
         return err;
       }},
      {"tls.cert_file", "ACS_TLS_CERT",
       "PEM certificate (chain) file: every listener speaks HTTPS (TLS 1.2+); needs "
       "ACS_TLS_KEY",
       [](AcsConfig& c, const std::string& v) {
         c.tls.cert_file = v;
         return std::string();
       }},
      {"tls.key_file", "ACS_TLS_KEY", "PEM private key file of the ACS_TLS_CERT certificate",
       [](AcsConfig& c, const std::string& v) {
         c.tls.key_file = v;
         return std::string();
       }},
      {"data_dir", "ACS_DATA_DIR", "directory of the default SQLite database (default ./data)",
       [](AcsConfig& c, const std::string& v) {
         if (v.empty()) return std::string("must not be empty");
         c.data_dir = v;
         return std::string();
       }},
      {"database_url", "DATABASE_URL",
       "sqlite:///abs/path.db or postgresql://user:pass@host:port/db "
       "(default sqlite:///<data dir>/acs.db)",
       [](AcsConfig& c, const std::string& v) {
         c.database_url = v;
         return std::string();
       }},
      {"enable_auth", "ENABLE_AUTH", "require API_KEY on /api and /metrics (default 0)",
       [](AcsConfig& c, const std::string& v) { return parseBool(v, c.enable_auth); }},
      {"api_key", "API_KEY", "the REST API key (Authorization: Bearer <key> or X-API-Key)",
       [](AcsConfig& c, const std::string& v) {
         c.api_key = v;
         return std::string();
       }},
      {"allow_insecure", "ACS_ALLOW_INSECURE",
       "allow a non-loopback bind with API auth off (default 0)",
       [](AcsConfig& c, const std::string& v) { return parseBool(v, c.allow_insecure); }},
      {"cors_origins", "ACS_CORS_ORIGINS", "comma-separated origins allowed by CORS (default none)",
       [](AcsConfig& c, const std::string& v) {
         c.cors_origins = splitList(v);
         return std::string();
       }},
      {"log_level", "LOG_LEVEL",
       "fatal, critical, error, warning, notice, information, debug, trace (default information)",
       [](AcsConfig& c, const std::string& v) {
         std::string l = lower(v);
         if (l == "warn") l = "warning";
         if (l == "info") l = "information";
         static const std::set<std::string, std::less<>> kLevels = {
             "fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"};
         if (!kLevels.contains(l)) return "'" + v + "' is not a log level";
         c.log_level = l;
         return std::string();
       }},
      {"log_format", "LOG_FORMAT", "text or json (default text)",
       [](AcsConfig& c, const std::string& v) {
         std::string l = lower(v);
         if (l == "text") {
           c.log_format = LogFormat::Text;
         } else if (l == "json") {
           c.log_format = LogFormat::Json;
         } else {
           return "'" + v + "' is not a log format (text or json)";
         }
         return std::string();
       }},
      {"session_timeout", "ACS_SESSION_TIMEOUT",
       "seconds a CWMP session may be idle before it is dead (default 30)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 86400, c.session_timeout_s);
       }},
      {"max_threads", "ACS_MAX_THREADS",
       "HTTP worker threads; one per open keep-alive connection (default 64)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 1024, c.max_threads);
       }},
      {"max_queued", "ACS_MAX_QUEUED",
       "connections waiting for a worker before new ones get 503 (default 256)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 100000, c.max_queued);
       }},
      {"max_body_bytes", "ACS_MAX_BODY_BYTES", "largest /cwmp request body (default 4194304)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint64_t>(v, 1024, std::uint64_t{1} << 32, c.max_body_bytes);
       }},
      {"max_file_bytes", "ACS_MAX_FILE_BYTES",
       "largest file PUT /api/files/{name} accepts (default 67108864)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint64_t>(v, 1, std::uint64_t{1} << 40, c.max_file_bytes);
       }},
      {"cwmp_versions", "ACS_CWMP_VERSIONS",
       "CWMP versions the ACS speaks (default 1.0,1.1,1.2,1.3,1.4)",
       [](AcsConfig& c, const std::string& v) {
         auto list = splitList(v);
         if (list.empty()) return std::string("must name at least one version");
         for (const auto& item : list) {
           if (item != "1.0" && item != "1.1" && item != "1.2" && item != "1.3" && item != "1.4") {
             return "'" + item + "' is not a CWMP version (1.0 .. 1.4)";
           }
         }
         c.supported_cwmp_versions = list;
         return std::string();
       }},
      {"hold_requests", "ACS_HOLD_REQUESTS",
       "HoldRequests in the InformResponse: never, always, when_tasks_pending (default never)",
       [](AcsConfig& c, const std::string& v) {
         std::string l = lower(v);
         if (l == "never") {
           c.hold_requests = HoldRequestsPolicy::Never;
         } else if (l == "always") {
           c.hold_requests = HoldRequestsPolicy::Always;
         } else if (l == "when_tasks_pending") {
           c.hold_requests = HoldRequestsPolicy::WhenTasksPending;
         } else {
           return "'" + v + "' is not one of never, always, when_tasks_pending";
         }
         return std::string();
       }},
      {"shutdown_grace", "ACS_SHUTDOWN_GRACE",
       "seconds SIGTERM waits for running requests (default 10)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 0, 3600, c.shutdown_grace_s);
       }},
      {"cpe_auth.mode", "ACS_CPE_AUTH", "CPE authentication: none, digest, basic (default none)",
       [](AcsConfig& c, const std::string& v) {
         std::string l = lower(v);
         if (l == "none") {
           c.cpe_auth.mode = CpeAuthMode::None;
         } else if (l == "digest") {
           c.cpe_auth.mode = CpeAuthMode::Digest;
         } else if (l == "basic") {
           c.cpe_auth.mode = CpeAuthMode::Basic;
         } else {
           return "'" + v + "' is not one of none, digest, basic";
         }
         return std::string();
       }},
      {"cpe_auth.realm", "ACS_CPE_AUTH_REALM", "realm of the CPE challenge (default cwmp-lab)",
       [](AcsConfig& c, const std::string& v) {
         if (v.empty() || v.find('"') != std::string::npos) {
           return std::string("must be non-empty and contain no '\"'");
         }
         c.cpe_auth.realm = v;
         return std::string();
       }},
      {"cpe_auth.username", "ACS_CPE_USERNAME", "username every CPE uses (shared credentials)",
       [](AcsConfig& c, const std::string& v) {
         c.cpe_auth.username = v;
         return std::string();
       }},
      {"cpe_auth.password", "ACS_CPE_PASSWORD", "password of the shared CPE credentials",
       [](AcsConfig& c, const std::string& v) {
         c.cpe_auth.password = v;
         return std::string();
       }},
      {"cpe_auth.allow_basic_without_tls", "ACS_CPE_ALLOW_BASIC",
       "permit Basic CPE auth over plain HTTP (default 0)",
       [](AcsConfig& c, const std::string& v) {
         return parseBool(v, c.cpe_auth.allow_basic_without_tls);
       }},
      {"cpe_auth.nonce_lifetime", "ACS_CPE_NONCE_LIFETIME",
       "seconds a Digest nonce stays valid (default 300)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 86400, c.cpe_auth.nonce_lifetime_s);
       }},
      {"cpe_auth.nonce_secret", "ACS_CPE_NONCE_SECRET",
       "key signing Digest nonces; share it between ACS processes (default random)",
       [](AcsConfig& c, const std::string& v) {
         c.cpe_auth.nonce_secret = v;
         return std::string();
       }},
      {"online_multiple", "ACS_ONLINE_MULTIPLE",
       "a device is online if it informed within this many periodic intervals (default 2.5)",
       [](AcsConfig& c, const std::string& v) {
         double d = 0;
         auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
         if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !(d > 0) || d > 1000) {
           return "'" + v + "' is not a number in (0, 1000]";
         }
         c.online_multiple = d;
         return std::string();
       }},
      {"max_attempts", "ACS_MAX_ATTEMPTS",
       "times a task is sent before it fails for good (default 3)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 1000, c.default_max_attempts);
       }},
      {"capture_pattern", "ACS_CAPTURE_PATTERN",
       "capture every SOAP exchange of devices whose id matches this glob (default none)",
       [](AcsConfig& c, const std::string& v) {
         c.capture_pattern = v;
         return std::string();
       }},
      {"capture_max_per_device", "ACS_CAPTURE_MAX",
       "captured messages kept per device (default 1000)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 1000000, c.capture_max_per_device);
       }},
      {"capture_max_body_bytes", "ACS_CAPTURE_MAX_BODY",
       "longest captured body; longer ones are cut (default 262144)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 256, 64u * 1024 * 1024, c.capture_max_body_bytes);
       }},
      {"retention_days", "ACS_RETENTION_DAYS",
       "purge sessions, finished tasks, captures and faults older than this (default 30; 0 = "
       "never)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 0, 36500, c.retention_days);
       }},
      {"cr_timeout_ms", "ACS_CR_TIMEOUT_MS", "connection request timeout (default 3000)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 100, 600000, c.cr_timeout_ms);
       }},
      {"store_busy_timeout_ms", "ACS_STORE_BUSY_TIMEOUT_MS",
       "how long a store call waits for a database lock before the ACS answers 8005/503 "
       "(default 5000)",
       [](AcsConfig& c, const std::string& v) {
         return parseUnsigned<std::uint32_t>(v, 1, 600000, c.store_busy_timeout_ms);
       }},
      {"inform_cache", "ACS_INFORM_CACHE",
       "skip rewriting unchanged Inform parameters: auto (on for SQLite), on, off (default auto)",
       [](AcsConfig& c, const std::string& v) {
         std::string l = lower(v);
         if (l == "auto") {
           c.inform_cache = AcsConfig::InformCacheMode::Auto;
         } else if (l == "on" || l == "1" || l == "true") {
           c.inform_cache = AcsConfig::InformCacheMode::On;
         } else if (l == "off" || l == "0" || l == "false") {
           c.inform_cache = AcsConfig::InformCacheMode::Off;
         } else {
           return "'" + v + "' is not one of auto, on, off";
         }
         return std::string();
       }},
      {"instance_id", "ACS_INSTANCE_ID", "name of this ACS process in leases (default host:pid)",
       [](AcsConfig& c, const std::string& v) {
         c.instance_id = v;
         return std::string();
       }},
  };
  return kSettings;
}

const Setting* findSetting(std::string_view key) {
  for (const auto& s : settings()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

// "data-dir" -> "data_dir"; "cpe-auth-mode" -> "cpe_auth.mode" and "tls-cert-file" ->
// "tls.cert_file" also accepted, and "tls-cert"/"tls-key" (the names of the acs flags).
std::string normaliseFlag(std::string_view flag) {
  std::string key(flag);
  std::replace(key.begin(), key.end(), '-', '_');
  if (key == "tls_cert") return "tls.cert_file";
  if (key == "tls_key") return "tls.key_file";
  if (findSetting(key) == nullptr && key.rfind("cpe_auth_", 0) == 0) {
    key = "cpe_auth." + key.substr(9);
  }
  if (findSetting(key) == nullptr && key.rfind("tls_", 0) == 0) key = "tls." + key.substr(4);
  return key;
}

constexpr std::string_view kPerDevicePrefix = "cpe_auth.user.";

}  // namespace

std::string AcsConfig::effectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::absolute(data_dir, ec);
  if (ec) dir = data_dir;
  return "sqlite://" + (dir.lexically_normal() / "acs.db").string();
}

cwmp::Result<AcsConfig> loadConfig(const ConfigSources& sources) {
  AcsConfig config;

  // 1. The config file.
  if (sources.file_text) {
    const std::string file = sources.file_name.empty() ? "config file" : sources.file_name;
    std::set<std::string, std::less<>> seen;
    std::string_view text = *sources.file_text;
    int line_no = 0;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) nl = text.size();
      std::string line = trim(text.substr(start, nl - start));
      start = nl + 1;
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      const std::string where = file + ":" + std::to_string(line_no) + ": ";
      std::size_t eq = line.find('=');
      if (eq == std::string::npos) return configError(where + "expected 'key = value'");
      std::string key = trim(std::string_view(line).substr(0, eq));
      std::string value = trim(std::string_view(line).substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (!seen.insert(key).second) return configError(where + "duplicate key '" + key + "'");
      if (key.rfind(kPerDevicePrefix, 0) == 0) {
        std::string user = key.substr(kPerDevicePrefix.size());
        if (user.empty()) return configError(where + "cpe_auth.user. needs a username after it");
        config.cpe_auth.per_device[user] = value;
        continue;
      }
      const Setting* s = findSetting(key);
      if (s == nullptr) return configError(where + "unknown key '" + key + "'");
      std::string err = s->apply(config, value);
      if (!err.empty()) return configError(where + key + ": " + err);
    }
  }

  // 2. The environment.
  for (const auto& s : settings()) {
    if (s.env.empty()) continue;
    auto it = sources.env.find(std::string(s.env));
    if (it == sources.env.end()) continue;
    std::string err = s.apply(config, trim(it->second));
    if (!err.empty()) return configError(std::string(s.env) + ": " + err);
  }

  // 3. Command-line flags.
  for (const auto& [flag, value] : sources.flags) {
    if (flag == "config") continue;
    std::string key = normaliseFlag(flag);
    const Setting* s = findSetting(key);
    if (s == nullptr) return configError("--" + flag + ": unknown option");
    std::string err = s->apply(config, value);
    if (!err.empty()) return configError("--" + flag + ": " + err);
  }

  // 4. Rules across settings.
  if (config.enable_auth && config.api_key.empty()) {
    return configError("ENABLE_AUTH is on but API_KEY is empty: set API_KEY (or api_key)");
  }
  if (config.cwmp_port && *config.cwmp_port != 0 && *config.cwmp_port == config.port) {
    return configError("ACS_CWMP_PORT equals ACS_PORT (" + std::to_string(config.port) +
                       "): leave ACS_CWMP_PORT unset to serve /cwmp on the main port");
  }
  if (config.cpe_auth.mode != CpeAuthMode::None) {
    bool shared = !config.cpe_auth.username.empty();
    if (!shared && config.cpe_auth.per_device.empty()) {
      return configError(
          "cpe_auth.mode needs credentials: set ACS_CPE_USERNAME/ACS_CPE_PASSWORD or "
          "cpe_auth.user.<username> entries in the config file");
    }
  }
  if (config.tls.cert_file.empty() != config.tls.key_file.empty()) {
    return configError(config.tls.cert_file.empty()
                           ? "tls.key_file (ACS_TLS_KEY) is set but tls.cert_file (ACS_TLS_CERT) "
                             "is not: HTTPS needs both"
                           : "tls.cert_file (ACS_TLS_CERT) is set but tls.key_file (ACS_TLS_KEY) "
                             "is not: HTTPS needs both");
  }
  if (config.cpe_auth.mode == CpeAuthMode::Basic && !config.tls.enabled() &&
      !config.cpe_auth.allow_basic_without_tls) {
    return configError(
        "cpe_auth.mode=basic sends passwords in clear over plain HTTP (TR-069 allows Basic only "
        "over TLS): configure TLS (ACS_TLS_CERT, ACS_TLS_KEY), use digest, or set "
        "ACS_CPE_ALLOW_BASIC=1 to accept the risk");
  }
  if (!config.database_url.empty() && config.database_url.rfind("sqlite:", 0) != 0 &&
      config.database_url.rfind("postgresql://", 0) != 0 &&
      config.database_url.rfind("postgres://", 0) != 0) {
    return configError("DATABASE_URL: '" + config.database_url +
                       "' is not a sqlite:///path or postgresql://user:pass@host:port/db URL");
  }
  return config;
}

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  return host.rfind("127.", 0) == 0;
}

std::string checkBindSecurity(const AcsConfig& config) {
  if (config.enable_auth || config.allow_insecure || isLoopbackHost(config.host)) return {};
  return "refusing to listen on " + config.host +
         " with API authentication off: anyone who can reach it could manage every device. "
         "Set ENABLE_AUTH=1 and API_KEY, bind to 127.0.0.1, or set ACS_ALLOW_INSECURE=1 to "
         "accept the risk";
}

const std::vector<std::pair<std::string, std::string>>& configEnvironmentVariables() {
  static const std::vector<std::pair<std::string, std::string>> kVars = [] {
    std::vector<std::pair<std::string, std::string>> v;
    v.emplace_back("ACS_CONFIG", "config file to read (same as --config)");
    for (const auto& s : settings()) {
      if (!s.env.empty()) v.emplace_back(std::string(s.env), std::string(s.help));
    }
    return v;
  }();
  return kVars;
}

}  // namespace acs
