// acs_web_seed: fills an ACS store with synthetic devices, through the Store interface (so it
// works with any backend and any schema version), for the dashboard's browser tests.
//
//   acs_web_seed --database-url sqlite:///tmp/x/acs.db --count 100000 [--threads 32]
//                [--no-parameters]
//
// Device i: OUI 00D09E, product class from a small set, serial "SEED<i:07>", software
// version from a small set, periodic interval 300 s; every third device informed two hours
// ago (offline), the others within the last minutes (online). Each Inform carries three
// parameters unless --no-parameters (faster: the device list does not need them). Prints
// "seeded N devices in T ms" and exits 0, or an error and exits 1.
//
// Many threads on purpose: the store groups concurrent writes into one commit.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_factory.h"

namespace {

constexpr std::string_view kUsage =
    "usage: acs_web_seed --database-url URL --count N [--threads T] [--no-parameters]\n";

constexpr std::string_view kProductClasses[] = {"HomeGateway", "ONT-200", "WiFi6-AP", "IGD"};
constexpr std::string_view kVersions[] = {"1.0.3", "1.2.0", "2.0.1", "2.1.0-beta", "2.1.1"};

bool parseCount(std::string_view text, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

acs::store::InformRecord makeInform(std::int64_t i, acs::store::TimePoint now, bool parameters) {
  using namespace std::chrono_literals;
  acs::store::InformRecord inform;
  char serial[32];
  std::snprintf(serial, sizeof serial, "SEED%07lld", static_cast<long long>(i));
  const auto index = static_cast<std::size_t>(i);
  inform.oui = "00D09E";
  inform.product_class = std::string(kProductClasses[index % std::size(kProductClasses)]);
  inform.serial_number = serial;
  inform.manufacturer = "cwmp-lab";
  inform.hardware_version = "hw1";
  inform.software_version = std::string(kVersions[index % std::size(kVersions)]);
  inform.ip = "127.0.0.1";
  inform.periodic_inform_interval = 300;
  inform.events = {"2 PERIODIC"};
  // Every third device last informed two hours ago: offline under any sane multiple.
  inform.now = i % 3 == 0 ? now - 2h : now - std::chrono::milliseconds((i % 240) * 1000);
  if (!parameters) return inform;
  const std::string root = "Device.";
  inform.parameters = {
      {root + "DeviceInfo.SoftwareVersion", inform.software_version, "xsd:string", false, {}},
      {root + "DeviceInfo.HardwareVersion", "hw1", "xsd:string", false, {}},
      {root + "ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt", true, {}},
  };
  return inform;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  std::int64_t count = 0;
  std::int64_t threads = 32;
  bool parameters = true;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--database-url" && has_value) {
      url = argv[++i];
    } else if (arg == "--count" && has_value) {
      if (!parseCount(argv[++i], count)) {
        std::cerr << "acs_web_seed: --count needs a positive integer\n";
        return 1;
      }
    } else if (arg == "--threads" && has_value) {
      if (!parseCount(argv[++i], threads) || threads > 64) {
        std::cerr << "acs_web_seed: --threads needs an integer in 1..64\n";
        return 1;
      }
    } else if (arg == "--no-parameters") {
      parameters = false;
    } else {
      std::cerr << "acs_web_seed: unknown or incomplete argument '" << arg << "'\n" << kUsage;
      return 1;
    }
  }
  if (url.empty() || count == 0) {
    std::cerr << kUsage;
    return 1;
  }

  auto opened = acs::store::openStore(url, acs::store::StoreOptions{});
  if (!opened.ok()) {
    std::cerr << "acs_web_seed: cannot open " << acs::store::redactDatabaseUrl(url) << ": "
              << opened.error().message << "\n";
    return 1;
  }
  acs::store::Store& store = **opened;

  const auto started = std::chrono::steady_clock::now();
  const acs::store::TimePoint now = acs::store::nowMs();
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  std::string first_error;
  std::atomic_flag error_taken = ATOMIC_FLAG_INIT;
  std::vector<std::thread> workers;
  for (std::int64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (!failed.load()) {
        const std::int64_t i = next.fetch_add(1);
        if (i >= count) return;
        auto device = store.recordInform(makeInform(i, now, parameters));
        if (!device.ok()) {
          if (!error_taken.test_and_set()) first_error = device.error().message;
          failed.store(true);
          return;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failed.load()) {
    std::cerr << "acs_web_seed: recordInform failed: " << first_error << "\n";
    return 1;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  std::cout << "seeded " << count << " devices in " << ms << " ms" << std::endl;
  return 0;
}
