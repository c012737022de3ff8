// acs_api_latency_check: how fast GET /api/devices answers with a large fleet stored.
//
// Fills a SQLite store with N devices (default 100,000) through the store API (many threads,
// so the store's group commit batches the writes), serves it with ApiRouter over loopback HTTP
// and times sequential keep-alive requests of several filtered listings. Prints p50/p99/max
// per query. A measuring tool run by hand (design.md target: p99 < 50 ms), not a test.
//
//   acs_api_latency_check [--devices N] [--requests N] [--db /path/file.db]
// With --db, an existing file that already holds devices is reused as is (no seeding).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "api/api_requests.h"
#include "integration/api_test_server.h"
#include "store/store_factory.h"
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace {

using Clock = std::chrono::steady_clock;
using acs::api::testing::ApiTestServer;
using acs::api::testing::ApiTestServerOptions;

constexpr int kOuis = 10;
constexpr int kClasses = 5;
constexpr int kVersions = 20;

std::string oui(int i) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "00%04X", i % kOuis);
  return buffer;
}

std::string serial(int i) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "SN%07d", i);
  return buffer;
}

void seed(acs::store::Store& store, int devices) {
  const auto now = acs::store::nowMs();
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  const auto started = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < 16; ++t) {
    workers.emplace_back([&] {
      for (int i = next.fetch_add(1); i < devices; i = next.fetch_add(1)) {
        acs::store::InformRecord inform;
        inform.oui = oui(i);
        inform.product_class = "Class" + std::to_string(i % kClasses);
        inform.serial_number = serial(i);
        inform.manufacturer = "Acme";
        inform.software_version = "v" + std::to_string(i % kVersions);
        inform.connection_request_url = "http://10.0.0.1:7547/cr/" + std::to_string(i);
        inform.ip = "10.0.0.1";
        inform.periodic_inform_interval = 300;
        inform.events = {"2 PERIODIC"};
        // Informs spread over two hours: about one device in ten is online.
        inform.now = now - std::chrono::milliseconds(static_cast<std::int64_t>(i % 7200) * 1000);
        inform.parameters = {
            {"Device.DeviceInfo.SoftwareVersion", inform.software_version, "xsd:string", false, {}},
            {"Device.WiFi.SSID.1.SSID", "ssid-" + std::to_string(i % 100), "xsd:string", true, {}}};
        if (!store.recordInform(inform).ok()) failures.fetch_add(1);
        if (i % 100 == 0 && !store
                                 .addTag(acs::store::makeDeviceId(inform.oui, inform.product_class,
                                                                  inform.serial_number),
                                         "north")
                                 .ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::cout << "seeded " << devices << " devices in " << seconds << " s ("
            << static_cast<int>(devices / seconds) << "/s), failures: " << failures.load() << "\n";
}

// The same listing straight from the store (no HTTP, no JSON), to tell the layers apart.
double storeP50(acs::store::Store& store, const std::string& target, int requests) {
  const auto question = target.find('?');
  auto params = acs::api::parseQueryString(question == std::string::npos
                                               ? std::string_view()
                                               : std::string_view(target).substr(question + 1));
  if (!params.ok()) return -1;
  auto query = acs::api::parseDeviceListQuery(*params, acs::store::nowMs(), 0);
  if (!query.ok()) return -1;
  std::vector<double> samples;
  for (int i = 0; i < requests; ++i) {
    const auto start = Clock::now();
    auto page = store.listDevices(*query);
    samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!page.ok()) return -1;
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

struct Stats {
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  std::size_t bytes = 0;
  int errors = 0;
};

Stats measure(std::uint16_t port, const std::string& target, int requests) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setKeepAlive(true);
  std::vector<double> samples;
  Stats stats;
  for (int i = 0; i < requests + 5; ++i) {
    const auto start = Clock::now();
    Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) ++stats.errors;
    if (i >= 5) samples.push_back(ms);  // the first few warm the caches
    stats.bytes = body.size();
  }
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1,
                            static_cast<std::size_t>(q * static_cast<double>(samples.size())))];
  };
  stats.p50_ms = at(0.50);
  stats.p99_ms = at(0.99);
  stats.max_ms = samples.back();
  return stats;
}

}  // namespace

int main(int argc, char** argv) {
  int devices = 100000;
  int requests = 200;
  std::string db;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--devices") {
      devices = std::atoi(argv[i + 1]);
    } else if (flag == "--requests") {
      requests = std::atoi(argv[i + 1]);
    } else if (flag == "--db") {
      db = argv[i + 1];
    } else {
      std::cerr << "usage: acs_api_latency_check [--devices N] [--requests N] [--db PATH]\n";
      return 2;
    }
  }
  try {
    std::unique_ptr<acs::api::testing::TempDatabase> temp;
    if (db.empty()) {
      temp = std::make_unique<acs::api::testing::TempDatabase>();
      db = temp->path();
    }
    ApiTestServerOptions options;
    options.database_url = "sqlite://" + db;
    ApiTestServer server(options);
    auto stats = server.store().stats(acs::store::nowMs(), 0);
    if (stats.ok() && stats->devices_total == 0) seed(server.store(), devices);
    stats = server.store().stats(acs::store::nowMs(), 0);
    if (!stats.ok()) {
      std::cerr << "stats: " << stats.error().message << "\n";
      return 1;
    }
    std::cout << "store: " << stats->devices_total << " devices, " << stats->devices_online
              << " online (db " << db << ")\n\n";
    const char* targets[] = {
        "/api/devices",
        "/api/devices?oui=000003",
        "/api/devices?online=true",
        "/api/devices?online=false&oui=000001",
        "/api/devices?product_class=Class2&software_version=v7",
        "/api/devices?tag=north",
        "/api/devices?param=Device.WiFi.SSID.1.SSID&value=ssid-42",
        "/api/devices?q=SN00420",
        "/api/devices?sort=-last_inform",
        "/api/devices?offset=50000",
        "/api/devices?limit=1000",
    };
    std::printf("%-56s %8s %8s %8s %9s %8s\n", "GET", "p50 ms", "p99 ms", "max ms", "bytes",
                "store ms");
    for (const char* target : targets) {
      Stats s = measure(server.port(), target, requests);
      const double store_ms = storeP50(server.store(), target, std::max(requests / 4, 10));
      std::printf("%-56s %8.2f %8.2f %8.2f %9zu %8.2f%s\n", target, s.p50_ms, s.p99_ms, s.max_ms,
                  s.bytes, store_ms, s.errors ? "  ERRORS" : "");
    }
  } catch (const std::exception& e) {
    std::cerr << "acs_api_latency_check: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
