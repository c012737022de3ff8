// ApiRouter::dispatch() without the HTTP transport: authentication, CORS, routing, error
// mapping and the handlers against a real (temporary) SQLite store.
#include "api/api_router.h"

#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "api/api_test_support.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace acs::api {
namespace {

using testing::addDevice;
using testing::DeviceSpec;
using testing::FakeConnectionRequester;
using testing::TempDatabase;

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string header(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

std::string errorCode(const ApiResponse& response) {
  return parse(response.body)->getObject("error")->getValue<std::string>("code");
}

class ApiRouterTest : public ::testing::Test {
 protected:
  ApiRouterTest() : store_(db_.open()) {}

  ApiRouter& router() {
    if (!router_) router_ = std::make_unique<ApiRouter>(ApiDeps{*store_, metrics_, config_, cr_});
    return *router_;
  }

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& content_type = "") {
    ApiRequest request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.body = body;
    request.content_type =
        content_type.empty() && !body.empty() ? "application/json" : content_type;
    request.authorization = authorization_;
    request.api_key = api_key_;
    request.origin = origin_;
    return router().dispatch(request);
  }

  TempDatabase db_;
  store::StorePtr store_;
  Metrics metrics_;
  AcsConfig config_;
  FakeConnectionRequester cr_;
  std::unique_ptr<ApiRouter> router_;
  std::string authorization_;
  std::string api_key_;
  std::string origin_;
};

TEST(ApiRouterPaths, HandlesApiAndMetricsOnly) {
  EXPECT_TRUE(ApiRouter::handles("/api/devices"));
  EXPECT_TRUE(ApiRouter::handles("/api/devices?limit=1"));
  EXPECT_TRUE(ApiRouter::handles("/api"));
  EXPECT_TRUE(ApiRouter::handles("/metrics"));
  EXPECT_FALSE(ApiRouter::handles("/cwmp"));
  EXPECT_FALSE(ApiRouter::handles("/apiary"));
  EXPECT_FALSE(ApiRouter::handles("/"));
  EXPECT_FALSE(ApiRouter::handles("/metrics/x"));
  EXPECT_TRUE(ApiRouter::handles("/files/fw.bin"));
  EXPECT_FALSE(ApiRouter::handles("/files"));
}

TEST(ApiRouterPaths, ListsEachRouteOnce) {
  std::set<std::string> seen;
  for (const RouteSpec& route : ApiRouter::routes()) {
    EXPECT_TRUE(seen.insert(std::string(route.method) + " " + std::string(route.pattern)).second)
        << route.pattern;
    EXPECT_TRUE(ApiRouter::handles(route.pattern)) << route.pattern;
  }
  EXPECT_EQ(seen.size(), 31U);
}

TEST_F(ApiRouterTest, AnswersUnknownPathsWith404AndWrongMethodsWith405) {
  auto missing = call("GET", "/api/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");

  auto wrong = call("PATCH", "/api/devices");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(errorCode(wrong), "method_not_allowed");
  EXPECT_EQ(header(wrong, "Allow"), "GET, OPTIONS");

  auto device_methods = call("POST", "/api/devices/x");
  EXPECT_EQ(device_methods.status, 405);
  EXPECT_EQ(header(device_methods, "Allow"), "GET, DELETE, OPTIONS");
}

TEST_F(ApiRouterTest, OpenWithoutAuth) {
  EXPECT_EQ(call("GET", "/api/devices").status, 200);
  EXPECT_EQ(call("GET", "/metrics").status, 200);
}

TEST_F(ApiRouterTest, RequiresTheKeyWhenAuthIsEnabled) {
  config_.enable_auth = true;
  config_.api_key = "s3cret-key";

  auto anonymous = call("GET", "/api/devices");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(errorCode(anonymous), "unauthorized");
  EXPECT_EQ(header(anonymous, "WWW-Authenticate"), "Bearer realm=\"acs\"");
  EXPECT_EQ(call("GET", "/metrics").status, 401);
  // Unknown paths do not reveal themselves to anonymous clients.
  EXPECT_EQ(call("GET", "/api/nothing").status, 401);

  authorization_ = "Bearer s3cret-key";
  EXPECT_EQ(call("GET", "/api/devices").status, 200);
  authorization_ = "bearer s3cret-key";
  EXPECT_EQ(call("GET", "/api/devices").status, 200);
  authorization_ = "Bearer s3cret-kez";
  EXPECT_EQ(call("GET", "/api/devices").status, 401);
  authorization_ = "Bearer s3cret-key-longer";
  EXPECT_EQ(call("GET", "/api/devices").status, 401);
  authorization_ = "Basic czNjcmV0LWtleQ==";
  EXPECT_EQ(call("GET", "/api/devices").status, 401);

  authorization_.clear();
  api_key_ = "s3cret-key";
  EXPECT_EQ(call("GET", "/api/devices").status, 200);
  EXPECT_EQ(call("GET", "/api/nothing").status, 404);
  api_key_ = "S3CRET-KEY";
  EXPECT_EQ(call("GET", "/api/devices").status, 401);
}

TEST_F(ApiRouterTest, KeepsHealthAndTheOpenApiDocumentOpen) {
  config_.enable_auth = true;
  config_.api_key = "k";
  EXPECT_EQ(call("GET", "/api/health").status, 200);
  EXPECT_EQ(call("GET", "/api/openapi.json").status, 200);
  // Open means that route only: another method on the same path still needs the key.
  EXPECT_EQ(call("POST", "/api/health").status, 401);
}

TEST_F(ApiRouterTest, SendsCorsHeadersToConfiguredOriginsOnly) {
  config_.cors_origins = {"https://ops.example"};
  origin_ = "https://ops.example";
  auto allowed = call("GET", "/api/stats");
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(header(allowed, "Access-Control-Allow-Origin"), "https://ops.example");
  EXPECT_EQ(header(allowed, "Vary"), "Origin");

  origin_ = "https://evil.example";
  auto other = call("GET", "/api/stats");
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(header(other, "Access-Control-Allow-Origin"), "");
}

TEST_F(ApiRouterTest, AnswersPreflightForAllowedOrigins) {
  config_.cors_origins = {"https://ops.example"};
  config_.enable_auth = true;
  config_.api_key = "k";
  origin_ = "https://ops.example";
  auto preflight = call("OPTIONS", "/api/devices/d1/tasks");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(header(preflight, "Access-Control-Allow-Origin"), "https://ops.example");
  EXPECT_EQ(header(preflight, "Access-Control-Allow-Methods"), "POST, GET, OPTIONS");
  EXPECT_NE(header(preflight, "Access-Control-Allow-Headers").find("X-API-Key"), std::string::npos);

  origin_ = "https://evil.example";
  auto refused = call("OPTIONS", "/api/devices/d1/tasks");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(errorCode(refused), "origin_not_allowed");
  EXPECT_EQ(header(refused, "Access-Control-Allow-Origin"), "");
}

TEST_F(ApiRouterTest, RejectsBodiesThatAreNotJson) {
  addDevice(*store_, DeviceSpec{});
  auto response = call("POST", "/api/devices/00D09E-Box-SN0001/tasks", R"({"task_type":"Reboot"})",
                       "text/plain");
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(errorCode(response), "unsupported_media_type");
  auto with_charset = call("POST", "/api/devices/00D09E-Box-SN0001/tasks",
                           R"({"task_type":"Reboot"})", "application/json; charset=utf-8");
  EXPECT_EQ(with_charset.status, 201);
}

TEST_F(ApiRouterTest, CreatesTasksAndRecordsTheConnectionRequest) {
  const store::Device device = addDevice(*store_, DeviceSpec{});
  auto response = call("POST", "/api/devices/" + device.id + "/tasks",
                       R"({"task_type":"GetParameterValues",
                           "parameters":{"ParameterNames":["Device.DeviceInfo."]},
                           "connection_request":true})");
  ASSERT_EQ(response.status, 201) << response.body;
  auto task = parse(response.body);
  const auto id = task->getValue<std::int64_t>("id");
  EXPECT_EQ(header(response, "Location"), "/api/tasks/" + std::to_string(id));
  EXPECT_EQ(task->getValue<std::string>("status"), "pending");
  EXPECT_TRUE(task->getObject("connection_request")->getValue<bool>("ok"));
  EXPECT_EQ(cr_.requestedDevices(), std::vector<std::string>{device.id});
  // Stored too, so a later GET shows it.
  auto stored = store_->getTask(id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->connection_request_result,
            task->getValue<std::string>("connection_request_result"));
  EXPECT_EQ((*stored)->max_attempts, config_.default_max_attempts);
}

TEST_F(ApiRouterTest, ReportsAHealthyStore) {
  auto health = call("GET", "/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(parse(health.body)->getValue<std::string>("status"), "ok");
  EXPECT_EQ(parse(health.body)->getValue<std::string>("store"), "sqlite");
}

// A store that breaks its no-throw contract: the router still answers (500), never crashes.
class ThrowingStore final : public testing::UnavailableStore {
 public:
  store::Result<store::Page<store::Device>> listDevices(const store::DeviceQuery&) override {
    throw std::runtime_error("bug in a store");
  }
};

TEST(ApiRouterFailures, TurnsUnexpectedExceptionsInto500) {
  ThrowingStore store;
  Metrics metrics;
  AcsConfig config;
  FakeConnectionRequester cr;
  ApiRouter router(ApiDeps{store, metrics, config, cr});
  ApiRequest request;
  request.method = "GET";
  request.path = "/api/devices";
  auto response = router.dispatch(request);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(errorCode(response), "internal_error");
  // The message does not leak the exception text to the client.
  EXPECT_EQ(response.body.find("bug in a store"), std::string::npos);
}

TEST(ApiRouterStoreDown, Answers503WithRetryAfterAndKeepsMetricsScrapeable) {
  testing::UnavailableStore store;
  Metrics metrics;
  AcsConfig config;
  FakeConnectionRequester cr;
  ApiRouter router(ApiDeps{store, metrics, config, cr});
  auto get = [&](const std::string& path) {
    ApiRequest request;
    request.method = "GET";
    request.path = path;
    return router.dispatch(request);
  };
  for (const char* path : {"/api/devices", "/api/devices/x", "/api/stats", "/api/tasks/1",
                           "/api/devices/x/parameters"}) {
    auto response = get(path);
    EXPECT_EQ(response.status, 503) << path;
    EXPECT_EQ(errorCode(response), "store_unavailable") << path;
    EXPECT_EQ(header(response, "Retry-After"), "1") << path;
  }
  auto health = get("/api/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(parse(health.body)->getValue<std::string>("status"), "unavailable");
  auto metrics_reply = get("/metrics");
  EXPECT_EQ(metrics_reply.status, 200);
  EXPECT_NE(metrics_reply.body.find("acs_store_up 0"), std::string::npos);
}

TEST_F(ApiRouterTest, CountsRequestsInTheMetrics) {
  call("GET", "/api/devices");
  call("GET", "/api/nothing");
  auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("acs_store_up 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("acs_tasks{state=\"pending\"} 0"), std::string::npos);
  EXPECT_NE(metrics.body.find("acs_devices 0"), std::string::npos);
  // The process's own memory, for monitors (and scenario-run) that did not start the ACS.
  EXPECT_NE(metrics.body.find("\nprocess_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(metrics.body.find("\nacs_process_peak_resident_memory_bytes "), std::string::npos);
}

}  // namespace
}  // namespace acs::api
