// acs_bench: periodic CWMP sessions per second through the real ACS (HTTP stack + AcsSession +
// SQLite store) against the same exchange on a minimal Poco server that does no work (the
// ceiling), in one run on the same machine.
//
// A session is: POST Inform (25 parameters, "2 PERIODIC") -> 200 InformResponse + cookie,
// POST empty -> 204. `--clients` threads each keep one HTTP/1.1 keep-alive connection and run
// sessions back to back for their own devices (so no two clients contend for one lease).
//
//   acs_bench [--seconds 10] [--warmup 2] [--clients 64] [--devices-per-client 4]
//             [--json FILE] [--acs-only] [--database-url URL]
//   acs_bench --store-only [--store-params 25] [--database-url URL]
//
// --database-url runs the ACS (or the store-only loop) on that database instead of a fresh
// SQLite file, e.g. a throw-away PostgreSQL from ci/pg.sh (its tables are shared with
// whatever else uses it: use an empty database).
// --store-only runs the store calls of one session twice: as separate calls (lease, Inform,
// session row, update, release: five write transactions) and combined (startSession +
// saveSession: two), to show what the combined calls save.
//
// Output: sessions/s, reply latency p50/p99/max per HTTP exchange for each server, and the
// ratio ACS / ceiling. Exit status 0 unless a run had errors.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lab/server_shutdown.h"
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <unistd.h>

#include "acs/src/core/allocator.h"
#include "acs/src/http/acs_server.h"
#include "acs/src/http/cwmp_service.h"
#include "acs/src/store/sql/sql_store.h"
#include "acs/src/store/store_factory.h"
#include "cwmp/codec.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 10;
  double warmup = 2;
  int clients = 64;
  int devices_per_client = 4;
  std::string json;
  bool ceiling = true;       // --acs-only: skip the do-nothing server (for profiling)
  bool store_only = false;   // --store-only: the store calls of a session, without HTTP
  int store_params = 25;     // --store-params N: parameters recordInform writes (store-only)
  std::string database_url;  // --database-url: instead of a fresh SQLite file
};

std::string informXml(const std::string& serial) {
  cwmp::Envelope env;
  env.ns = cwmp::CwmpNamespace::V1_2;
  env.header.id = "1";
  cwmp::Inform inform;
  inform.device_id = {"BenchCo", "00B0C0", "BENCH", serial};
  inform.event = {{"2 PERIODIC", ""}};
  inform.current_time = "2024-01-01T00:00:00Z";
  inform.parameter_list = {
      {"Device.RootDataModelVersion", "2.17", "xsd:string"},
      {"Device.DeviceInfo.HardwareVersion", "hw-1", "xsd:string"},
      {"Device.DeviceInfo.SoftwareVersion", "1.0.0", "xsd:string"},
      {"Device.DeviceInfo.ProvisioningCode", "bench", "xsd:string"},
      {"Device.ManagementServer.ParameterKey", "", "xsd:string"},
      {"Device.ManagementServer.ConnectionRequestURL", "http://10.0.0.1:7547/cr/" + serial,
       "xsd:string"},
      {"Device.ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt"},
  };
  for (int i = static_cast<int>(inform.parameter_list.size()); i < 25; ++i) {
    inform.parameter_list.push_back({"Device.X_Bench.Counter" + std::to_string(i),
                                     std::to_string(i * 1000), "xsd:unsignedInt"});
  }
  env.body = std::move(inform);
  return cwmp::encodeEnvelope(env);
}

// --- The ceiling: answers the same exchange and does nothing else. ------------------------

class NullHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit NullHandler(const std::string& reply) : reply_(reply) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    if (body.empty()) {
      response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
      response.setContentLength(0);
      response.send();
      return;
    }
    response.setContentType("text/xml; charset=\"utf-8\"");
    response.add("Set-Cookie", "session=00000000000000000000000000000000; Path=/; HttpOnly");
    response.setContentLength64(static_cast<Poco::Int64>(reply_.size()));
    response.send() << reply_;
  }

 private:
  const std::string& reply_;
};

class NullFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit NullFactory(std::string reply) : reply_(std::move(reply)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new NullHandler(reply_);
  }

 private:
  std::string reply_;
};

// --- Load -------------------------------------------------------------------------------------

struct Result {
  double sessions_per_s = 0;
  std::uint64_t sessions = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

Result drive(std::uint16_t port, const Options& opt, const std::string& label) {
  std::vector<std::vector<std::string>> informs(static_cast<std::size_t>(opt.clients));
  for (int c = 0; c < opt.clients; ++c) {
    for (int d = 0; d < opt.devices_per_client; ++d) {
      informs[static_cast<std::size_t>(c)].push_back(
          informXml(label + "-" + std::to_string(c) + "-" + std::to_string(d)));
    }
  }
  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> sessions{0};
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::vector<float>> latencies(static_cast<std::size_t>(opt.clients));

  auto client = [&](std::size_t c) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(30, 0));
    auto& lat = latencies[c];
    lat.reserve(200000);
    std::size_t device = 0;
    std::string body;
    auto exchange = [&](const std::string& payload, const std::string& cookie) -> int {
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      if (!payload.empty()) req.setContentType("text/xml; charset=\"utf-8\"");
      if (!cookie.empty()) req.set("Cookie", cookie);
      req.setContentLength64(static_cast<Poco::Int64>(payload.size()));
      const auto t0 = Clock::now();
      session.sendRequest(req).write(payload.data(), static_cast<std::streamsize>(payload.size()));
      Poco::Net::HTTPResponse resp;
      std::istream& in = session.receiveResponse(resp);
      body.clear();
      Poco::StreamCopier::copyToString(in, body);
      const auto t1 = Clock::now();
      if (measuring.load(std::memory_order_relaxed)) {
        lat.push_back(std::chrono::duration<float, std::milli>(t1 - t0).count());
      }
      if (!payload.empty()) {
        std::string set_cookie = resp.get("Set-Cookie", "");
        if (set_cookie.rfind("session=", 0) == 0) {
          body = set_cookie.substr(0, set_cookie.find(';'));
        } else {
          body.clear();
        }
      }
      return static_cast<int>(resp.getStatus());
    };
    while (!stop.load(std::memory_order_relaxed)) {
      try {
        const auto& inform = informs[c][device++ % informs[c].size()];
        int s1 = exchange(inform, "");
        std::string cookie = body;
        if (s1 != 200 || cookie.empty()) {
          errors.fetch_add(1);
          continue;
        }
        int s2 = exchange("", cookie);
        if (s2 != 204) {
          errors.fetch_add(1);
          continue;
        }
        if (measuring.load(std::memory_order_relaxed)) sessions.fetch_add(1);
      } catch (const Poco::Exception& e) {
        errors.fetch_add(1);
        session.reset();
      }
    }
  };

  std::vector<std::thread> threads;
  for (int c = 0; c < opt.clients; ++c) threads.emplace_back(client, static_cast<std::size_t>(c));
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.warmup));
  measuring = true;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  for (auto& t : threads) t.join();

  std::vector<float> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Result r;
  r.sessions = sessions.load();
  r.errors = errors.load();
  r.sessions_per_s = static_cast<double>(r.sessions) / elapsed;
  if (!all.empty()) {
    auto at = [&](double q) {
      return static_cast<double>(
          all[static_cast<std::size_t>(q * static_cast<double>(all.size() - 1))]);
    };
    r.p50_ms = at(0.50);
    r.p99_ms = at(0.99);
    r.max_ms = static_cast<double>(all.back());
  }
  return r;
}

void print(const std::string& name, const Result& r) {
  std::printf(
      "%-28s %9.0f sessions/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms  (%llu sessions, "
      "%llu errors)\n",
      name.c_str(), r.sessions_per_s, r.p50_ms, r.p99_ms, r.max_ms,
      static_cast<unsigned long long>(r.sessions), static_cast<unsigned long long>(r.errors));
  std::fflush(stdout);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "acs_bench: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--seconds") {
      o.seconds = std::stod(next());
    } else if (a == "--warmup") {
      o.warmup = std::stod(next());
    } else if (a == "--clients") {
      o.clients = std::stoi(next());
    } else if (a == "--devices-per-client") {
      o.devices_per_client = std::stoi(next());
    } else if (a == "--store-params") {
      o.store_params = std::stoi(next());
    } else if (a == "--store-only") {
      o.store_only = true;
    } else if (a == "--acs-only") {
      o.ceiling = false;
    } else if (a == "--json") {
      o.json = next();
    } else if (a == "--database-url") {
      o.database_url = next();
    } else {
      std::cerr << "usage: acs_bench [--seconds S] [--warmup S] [--clients N] "
                   "[--devices-per-client N] [--json FILE] [--acs-only] [--store-only] "
                   "[--store-params N] [--database-url URL]\n";
      std::exit(a == "--help" || a == "-h" ? 0 : 2);
    }
  }
  return o;
}

}  // namespace

// The store calls the ACS makes for one periodic session, from `clients` threads, without
// HTTP: the floor under what the HTTP path can reach. `combined`: startSession + saveSession
// (what the ACS does); otherwise the same writes as five separate calls.
int storeOnlyRun(const Options& opt, acs::store::Store& store, bool combined) {
  std::atomic<bool> stop{false};
  std::atomic<bool> measuring{false};
  std::atomic<std::uint64_t> sessions{0};
  std::atomic<std::uint64_t> errors{0};
  std::array<std::atomic<std::uint64_t>, 7> op_ns{};
  auto worker = [&](int c) {
    std::uint64_t n = 0;
    while (!stop) {
      const std::string serial = "S" + std::to_string(c) + "-" + std::to_string(n++ % 4);
      acs::store::InformRecord r;
      r.oui = "00B0C0";
      r.product_class = "BENCH";
      r.serial_number = serial;
      r.now = acs::store::nowMs();
      for (int i = 0; i < opt.store_params; ++i) {
        r.parameters.push_back({"Device.X.P" + std::to_string(i), std::to_string(i), "xsd:string",
                                std::nullopt, r.now});
      }
      const std::string id = acs::store::makeDeviceId(r.oui, r.product_class, serial);
      const std::string sid = acs::http::newSessionId();
      acs::store::SessionRecord row;
      row.id = sid;
      row.device_id = id;
      row.owner = "bench";
      row.started_at = row.last_activity = r.now;
      row.state_json = std::string(600, 'x');
      bool ok = true;
      auto timed = [&](int op, auto&& call) {
        const auto t0 = Clock::now();
        ok = ok && call();
        op_ns[static_cast<std::size_t>(op)] += static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count());
      };
      if (combined) {
        acs::store::SessionStart start;
        start.inform = r;
        start.inform.device_id = id;
        start.session = row;
        start.owner = "bench";
        start.lease_ttl = std::chrono::seconds(30);
        timed(0, [&] {
          auto started = store.startSession(start);
          return started.ok() && started->lease.acquired();
        });
      } else {
        timed(0, [&] {
          return store.acquireLease(id, sid, "bench", r.now, std::chrono::seconds(30)).ok();
        });
        timed(1, [&] { return store.recordInform(r).ok(); });
        timed(2, [&] { return store.createSession(row).ok(); });
      }
      timed(3, [&] { return store.getSession(sid).ok(); });
      timed(4, [&] { return store.nextPendingTask(id, r.now).ok(); });
      row.ended_at = r.now;
      row.outcome = "ok";
      if (combined) {
        acs::store::SessionSave save;
        save.session = row;
        save.now = r.now;
        save.lease = acs::store::SessionSave::LeaseAction::Release;
        timed(5, [&] {
          auto saved = store.saveSession(save);
          return saved.ok() && saved->lease_held;
        });
      } else {
        timed(5, [&] { return store.updateSession(row).ok(); });
        timed(6, [&] { return store.releaseLease(id, sid).ok(); });
      }
      if (!ok) errors++;
      if (measuring) sessions++;
    }
  };
  std::vector<std::thread> threads;
  for (int c = 0; c < opt.clients; ++c) threads.emplace_back(worker, c);
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.warmup));
  measuring = true;
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(opt.seconds));
  measuring = false;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  stop = true;
  for (auto& t : threads) t.join();
  std::printf("store only, %s (%d threads): %.0f sessions/s (%llu errors)\n",
              combined ? "combined calls" : "separate calls", opt.clients,
              static_cast<double>(sessions.load()) / elapsed,
              static_cast<unsigned long long>(errors.load()));
  static const char* kSeparate[] = {"acquireLease", "recordInform",    "createSession",
                                    "getSession",   "nextPendingTask", "updateSession",
                                    "releaseLease"};
  static const char* kCombined[] = {"startSession",    "-",           "-", "getSession",
                                    "nextPendingTask", "saveSession", "-"};
  const char* const* kOps = combined ? kCombined : kSeparate;
  std::uint64_t total = 0;
  for (const auto& ns : op_ns) total += ns.load();
  for (std::size_t i = 0; i < op_ns.size(); ++i) {
    if (std::string_view(kOps[i]) == "-") continue;
    std::printf(
        "  %-18s %5.1f%% of store time\n", kOps[i],
        total ? 100.0 * static_cast<double>(op_ns[i].load()) / static_cast<double>(total) : 0.0);
  }
  return errors.load() == 0 ? 0 : 1;
}

int storeOnly(const Options& opt) {
  char tmpl[] = "/tmp/acs-bench.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::filesystem::path dir = tmpl;
  const std::string url =
      opt.database_url.empty() ? "sqlite://" + (dir / "acs.db").string() : opt.database_url;
  auto opened = acs::store::openStore(url, {});
  if (!opened.ok()) {
    std::cerr << opened.error().message << "\n";
    std::filesystem::remove_all(dir);
    return 1;
  }
  const int separate = storeOnlyRun(opt, **opened, false);
  const int combined = storeOnlyRun(opt, **opened, true);
  opened->reset();
  std::filesystem::remove_all(dir);
  return separate == 0 && combined == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  // The ACS's allocator settings for the whole process: the ceiling server gets them too.
  acs::tuneAllocator();
  const Options opt = parse(argc, argv);
  Poco::Logger::root().setLevel("error");
  if (opt.store_only) return storeOnly(opt);
  const int threads = opt.clients + 8;

  // 1. Ceiling: a Poco server with the same thread settings that does no work.
  Result ceiling;
  if (opt.ceiling) {
    cwmp::Envelope reply;
    reply.header.id = "1";
    reply.body = cwmp::InformResponse{1};
    Poco::ThreadPool pool(2, threads + 4, 60);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(100000);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 1024);
    Poco::Net::HTTPServer server(new NullFactory(cwmp::encodeEnvelope(reply)), pool, socket,
                                 params);
    server.start();
    ceiling = drive(socket.address().port(), opt, "null");
    lab::stopAndDrain(server, true);
    pool.joinAll();
  }
  print("ceiling (do-nothing Poco)", ceiling);

  // 2. The ACS with a fresh SQLite file.
  char tmpl[] = "/tmp/acs-bench.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::filesystem::path dir = tmpl;
  Result acs;
  {
    acs::AcsConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.database_url =
        opt.database_url.empty() ? "sqlite://" + (dir / "acs.db").string() : opt.database_url;
    config.log_level = "error";
    config.max_threads = static_cast<std::uint32_t>(threads);
    config.max_queued = 1024;
    config.retention_days = 0;
    acs::http::AcsServer server(config);
    if (std::string err = server.start(); !err.empty()) {
      std::cerr << "acs_bench: " << err << "\n";
      return 1;
    }
    const auto before = acs::store::sql::writeCounters(server.store());
    acs = drive(server.port(), opt, "acs");
    const auto after = acs::store::sql::writeCounters(server.store());
    server.stop(std::chrono::seconds(5));
    const auto batches = after.batches - before.batches;
    const auto operations = after.operations - before.operations;
    std::printf("store writes: %llu operations in %llu transactions (%.1f per commit)\n",
                static_cast<unsigned long long>(operations),
                static_cast<unsigned long long>(batches),
                batches > 0 ? static_cast<double>(operations) / static_cast<double>(batches) : 0.0);
  }
  std::filesystem::remove_all(dir);
  print(opt.database_url.empty() ? "acs (HTTP + session + SQLite)" : "acs (HTTP + session + db)",
        acs);
  const double ratio = ceiling.sessions_per_s > 0 ? acs.sessions_per_s / ceiling.sessions_per_s : 0;
  std::printf("ratio acs/ceiling: %.1f%%  (target >= 50%%; p99 target < 25 ms)\n", ratio * 100);

  if (!opt.json.empty()) {
    std::ofstream out(opt.json);
    auto obj = [](const Result& r) {
      std::ostringstream s;
      s << "{\"sessions_per_s\":" << r.sessions_per_s << ",\"sessions\":" << r.sessions
        << ",\"errors\":" << r.errors << ",\"p50_ms\":" << r.p50_ms << ",\"p99_ms\":" << r.p99_ms
        << ",\"max_ms\":" << r.max_ms << "}";
      return s.str();
    };
    out << "{\"clients\":" << opt.clients << ",\"seconds\":" << opt.seconds
        << ",\"ceiling\":" << obj(ceiling) << ",\"acs\":" << obj(acs) << ",\"ratio\":" << ratio
        << "}\n";
  }
  return acs.errors == 0 && ceiling.errors == 0 ? 0 : 1;
}
