// Store benchmark: recordInform throughput (one Inform with 25 parameters per call) on
// SQLite and PostgreSQL, from 1 and 8 threads, and GET /api/devices-style filtered listing
// with 100,000 devices stored.
//
//   cmake -DACS_BUILD_BENCHMARKS=ON ... && cmake --build ... --target acs_store_bench
//   ACS_BENCH_PG_DSN=$(ci/pg.sh start /tmp/pg) ./acs_store_bench --benchmark_min_time=3
//
// The SQLite databases are fresh files under $TMPDIR, removed at the end. PostgreSQL runs only
// when ACS_BENCH_PG_DSN (or ACS_TEST_PG_DSN) names a server: use a throw-away database (it
// keeps the benchmark's devices).
// Counters: items_per_second = Informs recorded per second (wall clock); ops_per_commit = how
// many operations the group-commit writers put in one transaction on average.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "store/sql/sql_store.h"
#include "store/store_factory.h"
#include <benchmark/benchmark.h>
#include <unistd.h>

namespace {

using acs::store::DeviceQuery;
using acs::store::InformRecord;
using acs::store::Store;
using acs::store::StorePtr;
using acs::store::TimePoint;

constexpr int kDevicesPerThread = 1000;
constexpr int kListDevices = 100'000;

InformRecord makeInform(int device, TimePoint now) {
  InformRecord r;
  r.oui = "00A0C" + std::to_string(device % 10);
  r.product_class = device % 4 == 0 ? "RG2" : "RG1";
  r.serial_number = "SN" + std::to_string(device);
  r.manufacturer = "Acme";
  r.hardware_version = "HW1";
  r.software_version = device % 10 == 0 ? "2.0.0" : "1.0.0";
  r.connection_request_url = "http://10.0.0.1:7547/cr/" + std::to_string(device);
  r.parameter_key = "pk";
  r.ip = "127.0.0.1";
  r.periodic_inform_interval = 300;
  r.events = {"2 PERIODIC"};
  r.now = now;
  for (int p = 0; p < 25; ++p) {
    r.parameters.push_back(
        {"Device.Bench.Group" + std::to_string(p / 5) + ".Value" + std::to_string(p),
         std::to_string(device * 31 + p),
         "xsd:string",
         std::nullopt,
         {}});
  }
  return r;
}

StorePtr open(const std::string& url, int pool_size = 8) {
  acs::store::StoreOptions options;
  options.pool_size = pool_size;
  auto store = acs::store::openStore(url, options);
  if (!store) {
    std::cerr << "cannot open " << acs::store::redactDatabaseUrl(url) << ": "
              << store.error().message << "\n";
    std::exit(1);
  }
  return std::move(*store);
}

std::string benchDir() {
  auto dir =
      std::filesystem::temp_directory_path() / ("acs_store_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

void recordInforms(benchmark::State& state, Store* store) {
  const int base = state.thread_index() * kDevicesPerThread;
  int i = 0;
  const auto before = acs::store::sql::writeCounters(*store);
  for (auto _ : state) {
    auto r = store->recordInform(makeInform(base + (i % kDevicesPerThread), acs::store::nowMs()));
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    const auto after = acs::store::sql::writeCounters(*store);
    const auto batches = after.batches - before.batches;
    if (batches > 0) {
      state.counters["ops_per_commit"] =
          static_cast<double>(after.operations - before.operations) / static_cast<double>(batches);
    }
  }
}

// Seeds `count` devices (ten OUIs, 10% on 2.0.0, a quarter RG2, every 7th tagged "lab").
// spread_informs: last Informs spread over two hours, so about one in twelve is online
// (interval 300 s, multiple 2); otherwise all at once.
void seed(Store& store, int count, bool spread_informs = false) {
  std::vector<std::thread> threads;
  std::atomic<int> next{0};
  const TimePoint now = acs::store::nowMs();
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int d = next++; d < count; d = next++) {
        const TimePoint at =
            spread_informs ? now - std::chrono::seconds(static_cast<std::int64_t>(d % 7200)) : now;
        auto r = store.recordInform(makeInform(d, at));
        if (!r.ok()) {
          std::cerr << "seeding failed: " << r.error().message << "\n";
          std::exit(1);
        }
        if (d % 7 == 0) (void)store.addTag(r->id, "lab");
      }
    });
  }
  for (auto& th : threads) th.join();
}

void listFiltered(benchmark::State& state, Store* store, DeviceQuery query) {
  std::vector<double> latencies;
  for (auto _ : state) {
    query.now = acs::store::nowMs();
    const auto start = std::chrono::steady_clock::now();
    auto page = store->listDevices(query);
    latencies.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!page.ok()) {
      state.SkipWithError(page.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(page->total);
  }
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    state.counters["p50_ms"] = latencies[latencies.size() / 2];
    state.counters["p99_ms"] =
        latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
  }
}

void registerLists(const std::string& backend, Store* store) {
  auto add = [&](const std::string& name, DeviceQuery q) {
    benchmark::RegisterBenchmark(("ListDevices100k/" + backend + "/" + name).c_str(), listFiltered,
                                 store, q)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  };
  DeviceQuery all;
  add("all_page1", all);
  DeviceQuery sw;
  sw.software_version = "2.0.0";
  add("software_version", sw);
  DeviceQuery pc_sorted;
  pc_sorted.product_class = "RG2";
  pc_sorted.sort_by = "last_inform";
  pc_sorted.descending = true;
  add("product_class_sorted_by_last_inform", pc_sorted);
  DeviceQuery tag;
  tag.tag = "lab";
  add("tag", tag);
  DeviceQuery param;
  param.param_name = "Device.Bench.Group0.Value3";
  param.param_value = std::to_string(4242 * 31 + 3);
  add("parameter_value", param);
  DeviceQuery online;
  online.online = true;
  online.offset = 50'000;
  add("online_offset_50000", online);
  DeviceQuery text;
  text.text = "SN4242";
  add("text", text);
  // The filters of GET /api/devices named in issue 3's latency target.
  DeviceQuery oui;
  oui.oui = "00A0C3";
  add("oui", oui);
  DeviceQuery class_version;
  class_version.product_class = "RG2";
  class_version.software_version = "2.0.0";
  add("product_class_software_version", class_version);
  DeviceQuery online_page1;
  online_page1.online = true;
  add("online", online_page1);
  DeviceQuery offline_oui;
  offline_oui.online = false;
  offline_oui.oui = "00A0C1";
  add("offline_oui", offline_oui);
  DeviceQuery dense_text;
  dense_text.text = "SN1";
  add("text_dense", dense_text);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::string dir = benchDir();
  StorePtr sqlite = open("sqlite://" + dir + "/informs.db");
  // The devices exist already: the benchmark measures periodic Informs, the steady state.
  seed(*sqlite, 8 * kDevicesPerThread);
  benchmark::RegisterBenchmark("RecordInform25/sqlite", recordInforms, sqlite.get())
      ->Threads(1)
      ->Threads(8)
      ->UseRealTime();

  StorePtr pg;
  const char* dsn = std::getenv("ACS_BENCH_PG_DSN");
  if (dsn == nullptr) dsn = std::getenv("ACS_TEST_PG_DSN");
  if (dsn != nullptr) {
    pg = open(dsn);
    seed(*pg, 8 * kDevicesPerThread);
    benchmark::RegisterBenchmark("RecordInform25/postgresql", recordInforms, pg.get())
        ->Threads(1)
        ->Threads(8)
        ->UseRealTime();
  } else {
    std::cerr << "ACS_BENCH_PG_DSN not set: PostgreSQL benchmarks skipped\n";
  }

  StorePtr listing;
  const bool lists = std::getenv("ACS_BENCH_SKIP_LIST") == nullptr;
  if (lists) {
    listing = open("sqlite://" + dir + "/list.db");
    const auto start = std::chrono::steady_clock::now();
    seed(*listing, kListDevices, true);
    std::cerr << "seeded " << kListDevices << " devices (25 parameters each) in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s\n";
    // The ACS's periodic retention run refreshes SQLite's planner statistics; do it once
    // here (a cutoff at the epoch deletes nothing).
    if (auto purged = listing->purgeOlderThan(TimePoint{}); !purged.ok()) {
      std::cerr << "purge failed: " << purged.error().message << "\n";
      return 1;
    }
    registerLists("sqlite", listing.get());
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  sqlite.reset();
  listing.reset();
  pg.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
