#include "fleet/options.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace cpesim {
namespace {

template <class T>
std::optional<T> parseInteger(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  double scale = 1000.0;  // seconds by default
  if (text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    scale = 1.0;
    text.remove_suffix(2);
  } else if (!text.empty() && text.back() == 's') {
    text.remove_suffix(1);
  } else if (!text.empty() && text.back() == 'm') {
    scale = 60'000.0;
    text.remove_suffix(1);
  } else if (!text.empty() && text.back() == 'h') {
    scale = 3'600'000.0;
    text.remove_suffix(1);
  }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !(value >= 0) ||
      value * scale > 1e15) {
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(value * scale)));
}

std::optional<std::string> takeValue(const std::vector<std::string>& args, std::size_t& i,
                                     std::string_view flag, std::optional<std::string>& inline_value,
                                     std::string& error) {
  if (inline_value) {
    std::string v = std::move(*inline_value);
    inline_value.reset();
    return v;
  }
  if (i + 1 >= args.size()) {
    error = std::string(flag) + " needs a value";
    return std::nullopt;
  }
  return args[++i];
}

std::string runUsage() {
  return R"(usage: cpe-sim [run] --acs-url URL --profile FILE [--count N] [options]
       cpe-sim replay CAPTURE --acs-url URL [options]     (cpe-sim replay --help)
       cpe-sim bench idle|sessions [options]              (cpe-sim bench --help)

Runs a fleet of simulated TR-069 CPEs against an ACS until SIGINT/SIGTERM (or --duration),
then saves the device state (--state) and exits.

Devices (repeat --profile for several device types; the flags after a --profile apply to it):
  --profile FILE           device profile: .yaml, or a parameter dump (.csv, .json)
  --count N                devices of this profile (default 1)
  --serial-pattern P       serial numbers, e.g. "SIM{index:08}" (default: the profile's)
  --start-index I          first device index of this profile (default 0)
  --set NAME=VALUE         replace a parameter's default (repeatable), e.g.
                           --set Device.ManagementServer.PeriodicInformInterval=300
  --quirk NAME=VALUE       misbehave on purpose (repeatable; before any --profile: all
                           profiles). Names: reply_delay_ms, drop_connection_after,
                           stall_after, xml_declaration, soap_env_prefix, soap_enc_prefix,
                           cwmp_prefix, namespace, omit_value_types, array_count_delta,
                           zero_pad_array_counts, transfer_bytes_per_second, download_fault,
                           upload_fault, rpc_fault=Method:Code[:msg], extra_event, omit_event,
                           defect=NAME (one broken protocol rule; names in cpe-sim/README.md)
  --quirk-share X          fraction of the profile's devices that have the quirks (0..1)

ACS and sessions:
  --acs-url URL            the ACS (http:// or https://); the profiles' {acs_url}
  --ca-file FILE           PEM CA certificates that sign the ACS's certificate (default:
                           the system store)
  --insecure               do not verify the ACS's certificate (self-signed test servers)
  --max-sessions N         sessions in flight over the whole fleet (default 2000)
  --threads N              event-loop threads, devices split among them (default 1)
  --timeout DURATION       wait for each HTTP reply (default 30s)
  --seed N                 seeds power-on jitter, retry waits, digest nonces (default 1)
  --jitter DURATION        devices power on at random offsets within this window; their
                           periodic informs keep that phase (default 0: all at once)
  --state FILE             load device state at start, save it at exit (absent: BOOTSTRAP)

Connection requests (one listener for the whole fleet, http://HOST:PORT/cr/<serial>):
  --cr-bind HOST           listen address (default 0.0.0.0)
  --cr-port N              listen port (default 0: any free port, printed at start)
  --cr-host HOST           host put into ConnectionRequestURL (default: from --cr-bind)
  --cr-rate N/DURATION     accepted requests per device per window (default 10/60s);
                           more are answered 503

Observability:
  --metrics-port N         Prometheus endpoint at http://HOST:N/metrics (0: any port)
  --metrics-bind HOST      (default 0.0.0.0)
  --summary-interval D     one-line summary on stderr every D (default 10s; 0: off)

Transfers and shutdown:
  --transfer-threads N     parallel Download/Upload transfers (default 4)
  --transfer-timeout D     whole-transfer timeout (default 300s)
  --drain-timeout D        on stop, let running sessions finish for D (default 5s)
  --duration D             stop after D (default: run until SIGINT/SIGTERM)
  -h, --help               this text

Durations: 30, 2.5, 250ms, 30s, 5m, 1h (plain numbers are seconds).
)";
}

ParsedOptions parseRunOptions(const std::vector<std::string>& args) {
  ParsedOptions out;
  FleetConfig& c = out.config;
  std::vector<std::string> global_quirks;
  std::optional<std::string> global_share;
  bool count_given_for_group = false;

  auto group = [&](std::string_view flag) -> ProfileGroupConfig* {
    if (c.groups.empty()) {
      out.error = std::string(flag) + " must follow a --profile";
      return nullptr;
    }
    return &c.groups.back();
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      std::size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    auto value = [&]() { return takeValue(args, i, arg, inline_value, out.error); };
    auto u32 = [&](std::uint32_t& field, std::uint32_t min, std::uint32_t max) -> bool {
      auto v = value();
      if (!v) return false;
      auto n = parseInteger<std::uint32_t>(*v);
      if (!n || *n < min || *n > max) {
        out.error = arg + ": '" + *v + "' is not an integer between " + std::to_string(min) +
                    " and " + std::to_string(max);
        return false;
      }
      field = *n;
      return true;
    };
    auto duration = [&](std::chrono::milliseconds& field) -> bool {
      auto v = value();
      if (!v) return false;
      auto d = parseDuration(*v);
      if (!d) {
        out.error = arg + ": '" + *v + "' is not a duration (e.g. 30, 250ms, 5m)";
        return false;
      }
      field = *d;
      return true;
    };
    auto text = [&](std::string& field) -> bool {
      auto v = value();
      if (!v) return false;
      field = *v;
      return true;
    };
    auto port = [&](std::uint16_t& field) -> bool {
      std::uint32_t p = 0;
      if (!u32(p, 0, 65535)) return false;
      field = static_cast<std::uint16_t>(p);
      return true;
    };

    bool ok = true;
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      return out;
    } else if (arg == "--profile") {
      ProfileGroupConfig g;
      ok = text(g.path);
      if (ok) c.groups.push_back(std::move(g));
      count_given_for_group = false;
    } else if (arg == "--count") {
      ProfileGroupConfig* g = group(arg);
      ok = g != nullptr && u32(g->count, 0, 16'000'000);
      if (ok && count_given_for_group) {
        out.error = "--count given twice for profile '" + g->path + "'";
        ok = false;
      }
      count_given_for_group = true;
    } else if (arg == "--serial-pattern") {
      ProfileGroupConfig* g = group(arg);
      ok = g != nullptr && text(g->serial_pattern);
      if (ok && g->serial_pattern.empty()) {
        out.error = "--serial-pattern must not be empty";
        ok = false;
      }
    } else if (arg == "--start-index") {
      ProfileGroupConfig* g = group(arg);
      ok = g != nullptr && u32(g->start_index, 0, UINT32_MAX);
    } else if (arg == "--set") {
      ProfileGroupConfig* g = group(arg);
      std::string assignment;
      ok = g != nullptr && text(assignment);
      if (ok && assignment.find('=') == std::string::npos) {
        out.error = "--set: '" + assignment + "' is not NAME=VALUE";
        ok = false;
      }
      if (ok) g->set_values.push_back(assignment);
    } else if (arg == "--quirk") {
      std::string q;
      ok = text(q);
      if (ok) (c.groups.empty() ? global_quirks : c.groups.back().quirks).push_back(q);
    } else if (arg == "--quirk-share") {
      std::string s;
      ok = text(s);
      if (ok) {
        if (c.groups.empty()) global_share = s; else c.groups.back().quirk_share = s;
      }
    } else if (arg == "--acs-url") {
      ok = text(c.acs_url);
    } else if (arg == "--ca-file") {
      ok = text(c.tls.ca_file);
    } else if (arg == "--insecure") {
      c.tls.verify_peer = false;
    } else if (arg == "--max-sessions") {
      ok = u32(c.max_sessions, 1, 1'000'000);
    } else if (arg == "--threads") {
      ok = u32(c.threads, 1, 64);
    } else if (arg == "--timeout") {
      ok = duration(c.http_timeout);
      if (ok && c.http_timeout.count() == 0) {
        out.error = "--timeout must be more than 0";
        ok = false;
      }
    } else if (arg == "--seed") {
      auto v = value();
      ok = v.has_value();
      if (ok) {
        auto n = parseInteger<std::uint64_t>(*v);
        if (!n) {
          out.error = "--seed: '" + *v + "' is not a non-negative integer";
          ok = false;
        } else {
          c.seed = *n;
        }
      }
    } else if (arg == "--jitter") {
      ok = duration(c.jitter);
    } else if (arg == "--state") {
      ok = text(c.state_file);
    } else if (arg == "--cr-bind") {
      ok = text(c.cr_bind);
    } else if (arg == "--cr-port") {
      ok = port(c.cr_port);
    } else if (arg == "--cr-host") {
      ok = text(c.cr_host);
    } else if (arg == "--cr-rate") {
      auto v = value();
      ok = v.has_value();
      if (ok) {
        std::size_t slash = v->find('/');
        auto n = parseInteger<std::uint32_t>(std::string_view(*v).substr(0, slash));
        std::optional<std::chrono::milliseconds> window =
            slash == std::string::npos ? std::nullopt : parseDuration(std::string_view(*v).substr(slash + 1));
        if (!n || *n == 0 || !window || window->count() < 1000) {
          out.error = "--cr-rate: '" + *v + "' is not N/DURATION with N >= 1 and a window of at least 1s";
          ok = false;
        } else {
          c.cr_max_per_window = *n;
          c.cr_window = std::chrono::duration_cast<std::chrono::seconds>(*window);
        }
      }
    } else if (arg == "--metrics-port") {
      std::uint16_t p = 0;
      ok = port(p);
      if (ok) c.metrics_port = p;
    } else if (arg == "--metrics-bind") {
      ok = text(c.metrics_bind);
    } else if (arg == "--summary-interval") {
      ok = duration(c.summary_interval);
    } else if (arg == "--transfer-threads") {
      std::uint32_t n = 0;
      ok = u32(n, 1, 256);
      if (ok) c.transfer_threads = n;
    } else if (arg == "--transfer-timeout") {
      ok = duration(c.transfer_timeout);
    } else if (arg == "--drain-timeout") {
      ok = duration(c.drain_timeout);
    } else if (arg == "--duration") {
      ok = duration(c.duration);
    } else if (arg.rfind("-", 0) == 0) {
      out.error = "unknown option '" + arg + "'";
      ok = false;
    } else {
      out.error = "unexpected argument '" + arg + "'";
      ok = false;
    }
    if (!ok) {
      if (out.error.empty()) out.error = arg + ": invalid";
      return out;
    }
    if (inline_value) {
      out.error = arg + " takes no value";
      return out;
    }
  }
  for (ProfileGroupConfig& g : c.groups) {
    g.quirks.insert(g.quirks.begin(), global_quirks.begin(), global_quirks.end());
    if (!g.quirk_share && global_share) g.quirk_share = global_share;
  }
  if (c.groups.empty()) {
    out.error = "no devices: give at least one --profile";
  } else if (c.acs_url.empty()) {
    out.error = "--acs-url is required";
  }
  return out;
}

}  // namespace cpesim
