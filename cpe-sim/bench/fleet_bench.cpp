// Microbenchmarks of the fleet's hot paths (Google Benchmark; load figures come from
// `cpe-sim bench`, see README.md):
//   BM_ParseInformResponse   one HTTP response, fed in one piece or in 1 KB pieces
//   BM_BuildPost             the request bytes of one POST (headers, cookie, digest)
//   BM_WakeQueueReschedule   rescheduling one device among N
//   BM_DigestVerify          the listener's check of one Authorization header
#include <benchmark/benchmark.h>

#include <random>

#include "fleet/wake_queue.h"
#include "transport/cwmp_http_client.h"
#include "transport/http_auth.h"
#include "transport/http_parser.h"

namespace cpesim {
namespace {

std::string responseBytes() {
  std::string body(900, 'x');
  return "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nSet-Cookie: session=abc\r\n"
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void BM_ParseInformResponse(benchmark::State& state) {
  const std::string wire = responseBytes();
  const std::size_t piece = static_cast<std::size_t>(state.range(0));
  HttpResponseParser parser;
  for (auto _ : state) {
    parser.reset();
    for (std::size_t at = 0; at < wire.size(); at += piece) {
      parser.feed(std::string_view(wire).substr(at, piece));
    }
    benchmark::DoNotOptimize(parser.response().status);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
}
BENCHMARK(BM_ParseInformResponse)->Arg(1 << 20)->Arg(1024);

void BM_BuildPost(benchmark::State& state) {
  DigestServer server("acs", 1);
  const std::string challenge = server.challenge(0);
  const std::string body(5000, 'y');
  CwmpHttpClient client(*parseHttpUrl("http://127.0.0.1:7547/cwmp"), {.username = "u", .password = "p"});
  client.post("", std::string());
  client.connected();
  client.wrote(client.pendingOutput().size());
  client.received("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: " + challenge +
                  "\r\nSet-Cookie: session=1\r\nContent-Length: 0\r\n\r\n");
  for (auto _ : state) {
    client.post(body, std::string());
    benchmark::DoNotOptimize(client.pendingOutput().size());
    client.wrote(client.pendingOutput().size());
    client.received("HTTP/1.1 204 No Content\r\n\r\n");
  }
}
BENCHMARK(BM_BuildPost);

void BM_WakeQueueReschedule(benchmark::State& state) {
  const auto devices = static_cast<std::uint32_t>(state.range(0));
  WakeQueue queue(devices);
  std::mt19937_64 rng(1);
  for (std::uint32_t i = 0; i < devices; ++i) queue.schedule(i, static_cast<std::int64_t>(rng() % 86'400'000));
  std::int64_t now = 0;
  std::vector<std::uint32_t> due;
  for (auto _ : state) {
    // One device's session ends and it is rescheduled a day later; time moves on.
    now += 1;
    due.clear();
    queue.popDue(now, 1, due);
    std::uint32_t slot = due.empty() ? static_cast<std::uint32_t>(rng() % devices) : due[0];
    queue.schedule(slot, now + 86'400'000);
  }
}
BENCHMARK(BM_WakeQueueReschedule)->Arg(10'000)->Arg(100'000);

void BM_DigestVerify(benchmark::State& state) {
  DigestServer server("cpe-sim", 1);
  ClientAuthenticator client("cr-user", "cr-pass", 2);
  client.acceptChallenges({server.challenge(0)});
  for (auto _ : state) {
    std::string header = client.authorization("GET", "/cr/SN1");
    benchmark::DoNotOptimize(server.verify(header, "GET", "/cr/SN1", "cr-user", "cr-pass", 0));
  }
}
BENCHMARK(BM_DigestVerify);

}  // namespace
}  // namespace cpesim
