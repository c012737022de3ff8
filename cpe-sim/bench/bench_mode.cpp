#include "bench/bench_mode.h"

#include <malloc.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "bench/null_acs.h"
#include "fleet/fleet.h"
#include "fleet/options.h"

namespace cpesim {
namespace {

const char* kUsage = R"(usage: cpe-sim bench idle|sessions --profile FILE [options]

  idle       boot N devices against an in-process do-nothing ACS, wait until every boot
             session is done, then report RSS per device and CPU per idle device
  sessions   N devices with PeriodicInformInterval=--interval against the do-nothing ACS;
             after --warmup, report sessions/s, p50/p99 session time and CPU over --seconds

  --profile FILE        device profile (required)
  --count N             devices (default 10000)
  --threads N           fleet event-loop threads (default 1)
  --max-sessions N      sessions in flight (default 2000)
  --seconds D           measuring window (default 10s)
  --warmup D            sessions: time before measuring (default 5s)
  --interval D          sessions: periodic inform interval (default 1s)
)";

long rssKilobytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string rootOf(const std::string& profile_path, std::string& error) {
  Result<ProfileSpec> spec = readProfileSpec(profile_path);
  if (!spec) {
    error = spec.error().message;
    return {};
  }
  return spec->root.name;
}

struct BenchOptions {
  std::string mode;
  std::string profile;
  std::uint32_t count = 10'000;
  std::uint32_t threads = 1;
  std::uint32_t max_sessions = 2000;
  std::chrono::milliseconds seconds{10'000};
  std::chrono::milliseconds warmup{5'000};
  std::chrono::milliseconds interval{1'000};
};

void waitUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

int benchCommand(const std::vector<std::string>& args) {
  BenchOptions o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    std::string error;
    auto fail = [&](const std::string& message) {
      std::cerr << "cpe-sim bench: error: " << message << "\n(see 'cpe-sim bench --help')\n";
      return 2;
    };
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "idle" || arg == "sessions") {
      o.mode = arg;
      continue;
    }
    auto v = takeValue(args, i, arg, inline_value, error);
    if (!v) return fail(error.empty() ? "unknown argument '" + arg + "'" : error);
    auto number = [&](std::uint32_t& field) {
      try {
        std::size_t used = 0;
        unsigned long n = std::stoul(*v, &used);
        if (used != v->size() || n == 0 || n > 16'000'000) return false;
        field = static_cast<std::uint32_t>(n);
        return true;
      } catch (const std::exception&) {
        return false;
      }
    };
    auto duration = [&](std::chrono::milliseconds& field) {
      auto d = parseDuration(*v);
      if (!d || d->count() == 0) return false;
      field = *d;
      return true;
    };
    bool ok = true;
    if (arg == "--profile") o.profile = *v;
    else if (arg == "--count") ok = number(o.count);
    else if (arg == "--threads") ok = number(o.threads);
    else if (arg == "--max-sessions") ok = number(o.max_sessions);
    else if (arg == "--seconds") ok = duration(o.seconds);
    else if (arg == "--warmup") ok = duration(o.warmup);
    else if (arg == "--interval") ok = duration(o.interval);
    else return fail("unknown option '" + arg + "'");
    if (!ok) return fail(arg + ": bad value '" + *v + "'");
  }
  if (o.mode.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (o.profile.empty()) {
    std::cerr << "cpe-sim bench: error: --profile is required\n";
    return 2;
  }
  std::string error;
  const std::string root = rootOf(o.profile, error);
  if (!error.empty()) {
    std::cerr << "cpe-sim bench: error: " << error << "\n";
    return 2;
  }

  NullAcs acs;
  acs.start();
  malloc_trim(0);
  const long rss_before = rssKilobytes();

  FleetConfig config;
  ProfileGroupConfig group;
  group.path = o.profile;
  group.count = o.count;
  if (o.mode == "sessions") {
    const auto interval_s = std::max<std::int64_t>(1, o.interval.count() / 1000);
    group.set_values.push_back(root + ".ManagementServer.PeriodicInformInterval=" + std::to_string(interval_s));
  }
  config.groups.push_back(group);
  config.acs_url = acs.url();
  config.threads = o.threads;
  config.max_sessions = o.max_sessions;
  config.cr_bind = "127.0.0.1";
  config.summary_interval = std::chrono::milliseconds(0);
  config.http_timeout = std::chrono::seconds(30);

  const auto created_at = std::chrono::steady_clock::now();
  std::unique_ptr<Fleet> fleet = Fleet::create(config, error);
  if (!fleet) {
    std::cerr << "cpe-sim bench: error: " << error << "\n";
    return 2;
  }
  fleet->start();
  const FleetMetrics& m = fleet->metrics();
  auto finished = [&] { return m.sessions_succeeded.load() + m.sessions_failed.load(); };

  std::printf("mode=%s devices=%u threads=%u max_sessions=%u profile=%s\n", o.mode.c_str(), o.count,
              o.threads, o.max_sessions, o.profile.c_str());
  // Boot storm: every device's BOOTSTRAP session. (In the sessions mode periodic sessions
  // follow at once, so in-flight never drops to zero there.)
  waitUntil([&] {
    return finished() >= o.count && (o.mode == "sessions" || m.sessions_in_flight.load() == 0);
  }, std::chrono::seconds(600));
  const double boot_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - created_at).count();
  std::printf("boot_storm_seconds=%.2f boot_sessions=%llu boot_failed=%llu boot_sessions_per_second=%.0f\n",
              boot_seconds, static_cast<unsigned long long>(finished()),
              static_cast<unsigned long long>(m.sessions_failed.load()),
              static_cast<double>(finished()) / boot_seconds);

  int rc = 0;
  if (o.mode == "idle") {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    malloc_trim(0);
    const long rss_after = rssKilobytes();
    std::size_t footprint = 0;
    fleet->visitDevices([&](Device& d, const Profile&) { footprint += d.memoryFootprint(); });
    const double cpu0 = cpuSeconds();
    const std::uint64_t sessions0 = finished();
    std::this_thread::sleep_for(o.seconds);
    const double cpu = cpuSeconds() - cpu0;
    const double window = static_cast<double>(o.seconds.count()) / 1000.0;
    std::printf("rss_before_kb=%ld rss_after_kb=%ld rss_per_device_bytes=%.0f "
                "model_footprint_per_device_bytes=%.0f\n",
                rss_before, rss_after,
                static_cast<double>(rss_after - rss_before) * 1024.0 / o.count,
                static_cast<double>(footprint) / o.count);
    std::printf("idle_seconds=%.1f idle_cpu_seconds=%.3f cpu_per_device_us_per_s=%.4f idle_sessions=%llu\n",
                window, cpu, cpu * 1e6 / (window * o.count),
                static_cast<unsigned long long>(finished() - sessions0));
  } else {
    std::this_thread::sleep_for(o.warmup);
    const auto histogram0 = m.session_seconds.snapshot();
    const std::uint64_t ok0 = m.sessions_succeeded.load();
    const std::uint64_t failed0 = m.sessions_failed.load();
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(o.seconds);
    const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    const auto interval = m.session_seconds.snapshot().minus(histogram0);
    const std::uint64_t ok = m.sessions_succeeded.load() - ok0;
    const std::uint64_t failed = m.sessions_failed.load() - failed0;
    std::printf("window_seconds=%.1f sessions=%llu failed=%llu sessions_per_second=%.0f "
                "p50_ms=%.2f p99_ms=%.2f process_cpu_percent=%.0f in_flight=%lld waiting=%lld\n",
                window, static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed),
                static_cast<double>(ok) / window, interval.quantile(0.5) * 1e3,
                interval.quantile(0.99) * 1e3, 100.0 * cpu / window,
                static_cast<long long>(m.sessions_in_flight.load()),
                static_cast<long long>(m.sessions_waiting.load()));
    if (failed > 0) rc = 1;
  }
  fleet->stop();
  acs.stop();
  std::printf("null_acs_informs=%llu null_acs_requests=%llu\n",
              static_cast<unsigned long long>(acs.informs()), static_cast<unsigned long long>(acs.requests()));
  return rc;
}

}  // namespace cpesim
