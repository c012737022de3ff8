// The REST API over real HTTP on loopback: Poco's HTTPServer, ApiRouter, a SQLite file.
// Every endpoint, its success shape and its error cases.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "api/api_requests.h"
#include "integration/api_test_server.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

namespace acs::api::testing {
namespace {

using Object = Poco::JSON::Object::Ptr;
using std::chrono::hours;
using std::chrono::milliseconds;

Object json(const HttpResult& result) {
  Poco::JSON::Parser parser;
  auto parsed = parser.parse(result.body);
  EXPECT_EQ(parsed.type(), typeid(Object)) << result.body;
  return parsed.extract<Object>();
}

std::string errorCode(const HttpResult& result) {
  return json(result)->getObject("error")->getValue<std::string>("code");
}

std::string errorMessage(const HttpResult& result) {
  return json(result)->getObject("error")->getValue<std::string>("message");
}

std::vector<std::string> ids(const HttpResult& result) {
  std::vector<std::string> out;
  auto items = json(result)->getArray("items");
  for (std::size_t i = 0; i < items->size(); ++i) {
    out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
  }
  return out;
}

class ApiHttpTest : public ::testing::Test {
 protected:
  HttpResult get(const std::string& target) { return server_.request("GET", target); }
  HttpResult post(const std::string& target, const std::string& body) {
    return server_.request("POST", target, body);
  }

  store::Device device(const std::string& serial) {
    DeviceSpec spec;
    spec.serial = serial;
    return addDevice(server_.store(), spec);
  }

  std::int64_t createTask(const std::string& device_id, const std::string& body) {
    auto created = post("/api/devices/" + device_id + "/tasks", body);
    EXPECT_EQ(created.status, 201) << created.body;
    return json(created)->getValue<std::int64_t>("id");
  }

  ApiTestServer server_;
};

// --- Operations ---------------------------------------------------------------------------------

TEST_F(ApiHttpTest, HealthReportsTheStore) {
  auto health = get("/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.header("content-type"), "application/json");
  EXPECT_EQ(json(health)->getValue<std::string>("status"), "ok");
  EXPECT_EQ(json(health)->getValue<std::string>("store"), "sqlite");
}

TEST_F(ApiHttpTest, ServesTheOpenApiDocument) {
  auto doc = get("/api/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(json(doc)->getValue<std::string>("openapi"), "3.0.3");
  EXPECT_TRUE(json(doc)->getObject("paths")->has("/api/devices/{id}/tasks"));
}

TEST_F(ApiHttpTest, MetricsAppendStoreGaugesToTheRegistry) {
  device("SN1");
  createTask("00D09E-Box-SN1", R"({"task_type":"Reboot"})");
  server_.metrics().sessionStarted();
  auto metrics = get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("acs_store_up 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("acs_devices 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("acs_tasks{state=\"pending\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("acs_tasks{state=\"completed\"} 0\n"), std::string::npos);
  // The registry's own metrics come first, e.g. the active-session gauge.
  EXPECT_LT(metrics.body.find("acs_"), metrics.body.find("acs_store_up"));
  EXPECT_EQ(get("/metrics?x=1").status, 400);
}

TEST_F(ApiHttpTest, StatsCountDevicesTasksSessionsAndFaults) {
  device("SN1");
  device("SN2");
  createTask("00D09E-Box-SN1", R"({"task_type":"Reboot"})");
  store::FaultRecord fault;
  fault.device_id = "00D09E-Box-SN1";
  fault.code = 9002;
  fault.message = "Internal error";
  fault.at = store::nowMs();
  ASSERT_TRUE(server_.store().recordFault(fault).ok());
  auto stats = get("/api/stats");
  ASSERT_EQ(stats.status, 200);
  auto body = json(stats);
  EXPECT_EQ(body->getValue<int>("devices_total"), 2);
  EXPECT_EQ(body->getValue<int>("devices_online"), 2);
  EXPECT_EQ(body->getObject("tasks_by_state")->getValue<int>("pending"), 1);
  EXPECT_EQ(body->getObject("tasks_by_state")->getValue<int>("sent"), 0);
  EXPECT_EQ(body->getValue<int>("faults_last_24h"), 1);
  EXPECT_EQ(body->getValue<std::string>("store_backend"), "sqlite");
  EXPECT_TRUE(body->has("active_sessions"));
  EXPECT_TRUE(body->has("sessions_last_hour"));
}

// --- Devices ------------------------------------------------------------------------------------

class DeviceListTest : public ApiHttpTest {
 protected:
  void SetUp() override {
    const auto now = store::nowMs();
    auto add = [&](const std::string& serial, const std::string& oui, const std::string& pc,
                   const std::string& sw, std::string ssid, store::TimePoint when) {
      DeviceSpec spec;
      spec.serial = serial;
      spec.oui = oui;
      spec.product_class = pc;
      spec.software_version = sw;
      spec.when = when;
      spec.parameters = {{"Device.WiFi.SSID.1.SSID", std::move(ssid), "xsd:string", true, {}}};
      addDevice(server_.store(), spec);
    };
    add("A1", "00D09E", "Box", "1.0", "home", now);
    add("A2", "00D09E", "Box", "2.0", "lab", now - milliseconds(1000));
    add("B1", "001122", "Router", "2.0", "lab", now - milliseconds(2000));
    // Periodic interval 300 s: an Inform 2 hours ago is long past any online window.
    add("B2", "001122", "Router", "1.0", "office", now - hours(2));
    add("C1", "AABBCC", "Box", "3.0", "lab", now - milliseconds(3000));
    ASSERT_TRUE(server_.store().addTag("00D09E-Box-A2", "north").ok());
    ASSERT_TRUE(server_.store().addTag("001122-Router-B1", "north").ok());
  }
};

TEST_F(DeviceListTest, ListsAllWithTotalsSortedById) {
  auto list = get("/api/devices");
  ASSERT_EQ(list.status, 200);
  auto body = json(list);
  EXPECT_EQ(body->getValue<int>("total"), 5);
  EXPECT_EQ(body->getValue<int>("limit"), 100);
  EXPECT_EQ(body->getValue<int>("offset"), 0);
  EXPECT_EQ(ids(list),
            (std::vector<std::string>{"001122-Router-B1", "001122-Router-B2", "00D09E-Box-A1",
                                      "00D09E-Box-A2", "AABBCC-Box-C1"}));
}

TEST_F(DeviceListTest, FiltersByEachCriterion) {
  EXPECT_EQ(ids(get("/api/devices?oui=001122")),
            (std::vector<std::string>{"001122-Router-B1", "001122-Router-B2"}));
  EXPECT_EQ(ids(get("/api/devices?product_class=Box&software_version=2.0")),
            (std::vector<std::string>{"00D09E-Box-A2"}));
  EXPECT_EQ(ids(get("/api/devices?tag=north")),
            (std::vector<std::string>{"001122-Router-B1", "00D09E-Box-A2"}));
  EXPECT_EQ(ids(get("/api/devices?param=Device.WiFi.SSID.1.SSID&value=lab")),
            (std::vector<std::string>{"001122-Router-B1", "00D09E-Box-A2", "AABBCC-Box-C1"}));
  EXPECT_EQ(ids(get("/api/devices?online=false")), (std::vector<std::string>{"001122-Router-B2"}));
  EXPECT_EQ(json(get("/api/devices?online=true"))->getValue<int>("total"), 4);
  EXPECT_EQ(ids(get("/api/devices?q=C1")), (std::vector<std::string>{"AABBCC-Box-C1"}));
  EXPECT_EQ(ids(get("/api/devices?q=nothing-like-this")), std::vector<std::string>{});
}

TEST_F(DeviceListTest, SortsAndPaginates) {
  EXPECT_EQ(ids(get("/api/devices?sort=-last_inform&limit=2")),
            (std::vector<std::string>{"00D09E-Box-A1", "00D09E-Box-A2"}));
  auto second = get("/api/devices?sort=-last_inform&limit=2&offset=2");
  EXPECT_EQ(ids(second), (std::vector<std::string>{"001122-Router-B1", "AABBCC-Box-C1"}));
  EXPECT_EQ(json(second)->getValue<int>("total"), 5);
  EXPECT_EQ(json(second)->getValue<int>("offset"), 2);
  EXPECT_EQ(ids(get("/api/devices?offset=10")), std::vector<std::string>{});
}

TEST_F(DeviceListTest, BoundsPaginationAndRejectsUnknownParameters) {
  EXPECT_EQ(get("/api/devices?limit=1000").status, 200);
  for (const char* target : {"/api/devices?limit=1001", "/api/devices?limit=0",
                             "/api/devices?offset=-1", "/api/devices?limit=ten"}) {
    auto result = get(target);
    EXPECT_EQ(result.status, 400) << target;
    EXPECT_EQ(errorCode(result), "invalid_parameter") << target;
  }
  auto unknown = get("/api/devices?colour=red");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(errorCode(unknown), "unknown_parameter");
  EXPECT_NE(errorMessage(unknown).find("colour"), std::string::npos);
  EXPECT_EQ(errorCode(get("/api/devices?sort=secret")), "invalid_parameter");
  EXPECT_EQ(errorCode(get("/api/devices?param=Device.X")), "invalid_parameter");
  EXPECT_EQ(errorCode(get("/api/devices?q=%zz")), "invalid_query");
}

TEST_F(ApiHttpTest, ShowsOneDeviceAndAnswers404ForUnknownIds) {
  DeviceSpec spec;
  spec.serial = "SN 1/x";  // makeDeviceId escapes the space and the slash
  spec.product_class = "Home Gateway";
  const store::Device stored = addDevice(server_.store(), spec);
  ASSERT_NE(stored.id.find('%'), std::string::npos);
  auto shown = get("/api/devices/" + percentEncode(stored.id));
  ASSERT_EQ(shown.status, 200) << shown.body;
  auto body = json(shown);
  EXPECT_EQ(body->getValue<std::string>("id"), stored.id);
  EXPECT_EQ(body->getValue<std::string>("serial_number"), "SN 1/x");
  EXPECT_EQ(body->getValue<std::string>("product_class"), "Home Gateway");
  EXPECT_TRUE(body->getValue<bool>("online"));

  auto missing = get("/api/devices/no-such-device");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");
  EXPECT_NE(errorMessage(missing).find("no-such-device"), std::string::npos);
}

TEST_F(ApiHttpTest, DeletesDevices) {
  device("SN1");
  createTask("00D09E-Box-SN1", R"({"task_type":"Reboot"})");
  EXPECT_EQ(server_.request("DELETE", "/api/devices/00D09E-Box-SN1").status, 204);
  EXPECT_EQ(get("/api/devices/00D09E-Box-SN1").status, 404);
  EXPECT_EQ(json(get("/api/tasks"))->getValue<int>("total"), 0);
  EXPECT_EQ(server_.request("DELETE", "/api/devices/00D09E-Box-SN1").status, 404);
}

TEST_F(ApiHttpTest, ListsParametersByPrefix) {
  DeviceSpec spec;
  spec.parameters = {{"Device.WiFi.SSID.1.SSID", "lab", "xsd:string", true, {}},
                     {"Device.WiFi.SSID.1.Enable", "true", "xsd:boolean", std::nullopt, {}},
                     {"Device.DeviceInfo.UpTime", "42", "xsd:unsignedInt", false, {}}};
  const store::Device d = addDevice(server_.store(), spec);
  auto all = get("/api/devices/" + d.id + "/parameters");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(json(all)->getValue<int>("total"), 3);
  auto wifi = get("/api/devices/" + d.id + "/parameters?prefix=Device.WiFi.");
  ASSERT_EQ(wifi.status, 200);
  auto body = json(wifi);
  EXPECT_EQ(body->getValue<std::string>("prefix"), "Device.WiFi.");
  auto items = body->getArray("items");
  ASSERT_EQ(items->size(), 2U);
  auto first = items->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("name"), "Device.WiFi.SSID.1.Enable");
  EXPECT_EQ(first->getValue<std::string>("type"), "xsd:boolean");
  EXPECT_TRUE(first->isNull("writable"));
  EXPECT_TRUE(items->getObject(1)->getValue<bool>("writable"));
  EXPECT_EQ(get("/api/devices/nope/parameters").status, 404);
  EXPECT_EQ(get("/api/devices/" + d.id + "/parameters?prefx=D").status, 400);
}

// --- Tasks --------------------------------------------------------------------------------------

TEST_F(ApiHttpTest, CreatesATaskWithTheIssueShape) {
  const store::Device d = device("SN1");
  auto created = post("/api/devices/" + d.id + "/tasks", R"({"task_type": "SetParameterValues",
      "parameters": {"ParameterList": [{"Name": "Device.WiFi.SSID.1.SSID", "Value": "lab",
                                        "Type": "xsd:string"}], "ParameterKey": "k1"},
      "connection_request": true})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto task = json(created);
  const auto id = task->getValue<std::int64_t>("id");
  EXPECT_GT(id, 0);
  EXPECT_EQ(created.header("location"), "/api/tasks/" + std::to_string(id));
  EXPECT_EQ(task->getValue<std::string>("status"), "pending");
  EXPECT_EQ(task->getValue<std::string>("task_type"), "SetParameterValues");
  EXPECT_EQ(task->getValue<std::string>("device_id"), d.id);
  EXPECT_FALSE(task->getValue<std::string>("created_at").empty());
  EXPECT_EQ(task->getObject("parameters")->getValue<std::string>("ParameterKey"), "k1");
  EXPECT_EQ(task->getValue<int>("attempts"), 0);
  EXPECT_EQ(task->getValue<int>("max_attempts"), 3);
  auto cr = task->getObject("connection_request");
  ASSERT_FALSE(cr.isNull());
  EXPECT_TRUE(cr->getValue<bool>("ok"));
  EXPECT_EQ(cr->getValue<int>("http_status"), 200);
  EXPECT_EQ(server_.requester().requestedDevices(), std::vector<std::string>{d.id});

  auto fetched = get("/api/tasks/" + std::to_string(id));
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(json(fetched)->getValue<std::string>("connection_request_result"),
            task->getValue<std::string>("connection_request_result"));
}

TEST_F(ApiHttpTest, KeepsTheTaskQueuedWhenTheConnectionRequestFails) {
  const store::Device d = device("SN1");
  server_.requester().setOutcome({false, 0, "device offline: connection refused"});
  auto created = post("/api/devices/" + d.id + "/tasks",
                      R"({"task_type":"GetRPCMethods","connection_request":true,
                          "expires_in":600,"max_attempts":2})");
  ASSERT_EQ(created.status, 201) << created.body;
  auto task = json(created);
  EXPECT_EQ(task->getValue<std::string>("status"), "pending");
  EXPECT_FALSE(task->getObject("connection_request")->getValue<bool>("ok"));
  EXPECT_NE(task->getValue<std::string>("connection_request_result").find("connection refused"),
            std::string::npos);
  EXPECT_FALSE(task->isNull("expires_at"));
  EXPECT_EQ(task->getValue<int>("max_attempts"), 2);
}

TEST_F(ApiHttpTest, CreatesNoConnectionRequestUnlessAsked) {
  const store::Device d = device("SN1");
  auto created = post("/api/devices/" + d.id + "/tasks", R"({"task_type":"FactoryReset"})");
  ASSERT_EQ(created.status, 201);
  EXPECT_FALSE(json(created)->has("connection_request"));
  EXPECT_TRUE(server_.requester().requestedDevices().empty());
}

TEST_F(ApiHttpTest, RejectsBadTaskRequestsNamingTheField) {
  const store::Device d = device("SN1");
  const std::string path = "/api/devices/" + d.id + "/tasks";
  struct Case {
    const char* body;
    const char* code;
    const char* field;
  };
  const Case cases[] = {
      {"{not json", "invalid_json", "JSON"},
      {"[1]", "invalid_body", "object"},
      {R"({"task_type":"Reboot","colour":"red"})", "unknown_field", "'colour'"},
      {R"({"task_type":7})", "invalid_field", "'task_type'"},
      {R"({"task_type":"Reboot","connection_request":1})", "invalid_field", "'connection_request'"},
      {R"({"task_type":"TurnItOff"})", "unknown_task_type", "'task_type'"},
      {R"({"parameters":{}})", "missing_field", "'task_type'"},
      {R"({"task_type":"GetParameterValues","parameters":{"ParameterNames":"Device."}})",
       "invalid_parameters", "parameters.ParameterNames"},
      {R"({"task_type":"SetParameterValues","parameters":{"ParameterList":[{"Name":"X"}]}})",
       "invalid_parameters", "parameters.ParameterList[0]"},
      {R"({"task_type":"Reboot","parameters":{"CommandKey":"k","Extra":1}})", "invalid_parameters",
       "Extra"},
      {R"({"task_type":"Reboot","max_attempts":0})", "invalid_field", "'max_attempts'"},
  };
  for (const Case& c : cases) {
    auto result = post(path, c.body);
    EXPECT_EQ(result.status, 400) << c.body;
    EXPECT_EQ(errorCode(result), c.code) << c.body;
    EXPECT_NE(errorMessage(result).find(c.field), std::string::npos)
        << c.body << " -> " << errorMessage(result);
  }
  EXPECT_EQ(json(get(path))->getValue<int>("total"), 0);  // nothing was queued
}

TEST_F(ApiHttpTest, AnswersTaskCreationForUnknownDevicesWith404) {
  auto result = post("/api/devices/ghost/tasks", R"({"task_type":"Reboot"})");
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(errorCode(result), "not_found");
}

TEST_F(ApiHttpTest, Rejects415AndOversizedBodies) {
  const store::Device d = device("SN1");
  auto text = server_.request("POST", "/api/devices/" + d.id + "/tasks",
                              R"({"task_type":"Reboot"})", {}, std::string("text/plain"));
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(errorCode(text), "unsupported_media_type");
}

TEST(ApiHttpLimits, RejectsBodiesOverTheLimitWith413) {
  ApiTestServerOptions options;
  options.max_body_bytes = 2048;
  ApiTestServer server(options);
  const store::Device d = addDevice(server.store(), DeviceSpec{});
  std::string big = R"({"task_type":"GetParameterValues","parameters":{"ParameterNames":[)";
  for (int i = 0; i < 200; ++i) big += (i ? "," : "") + std::string("\"Device.X.Y.Z.\"");
  big += "]}}";
  ASSERT_GT(big.size(), 2048U);
  auto declared = server.request("POST", "/api/devices/" + d.id + "/tasks", big);
  EXPECT_EQ(declared.status, 413);
  EXPECT_EQ(errorCode(declared), "payload_too_large");

  // Chunked: no Content-Length to look at, the limit applies while reading.
  Poco::Net::HTTPClientSession session("127.0.0.1", server.port());
  Poco::Net::HTTPRequest request("POST", "/api/devices/" + d.id + "/tasks",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setChunkedTransferEncoding(true);
  request.setContentType("application/json");
  session.sendRequest(request) << big;
  Poco::Net::HTTPResponse response;
  std::string body;
  Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
  EXPECT_EQ(static_cast<int>(response.getStatus()), 413);

  EXPECT_EQ(json(server.request("GET", "/api/devices/" + d.id + "/tasks"))->getValue<int>("total"),
            0);
  EXPECT_EQ(
      server.request("POST", "/api/devices/" + d.id + "/tasks", R"({"task_type":"Reboot"})").status,
      201);
}

TEST_F(ApiHttpTest, ListsTasksOfADeviceWithFilters) {
  const store::Device d = device("SN1");
  device("SN2");
  const auto first = createTask(d.id, R"({"task_type":"Reboot"})");
  createTask(d.id, R"({"task_type":"GetRPCMethods"})");
  createTask("00D09E-Box-SN2", R"({"task_type":"Reboot"})");
  ASSERT_TRUE(server_.store().cancelTask(first, store::nowMs()).ok());

  auto all = get("/api/devices/" + d.id + "/tasks");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(json(all)->getValue<int>("total"), 2);
  auto pending = get("/api/devices/" + d.id + "/tasks?status=pending");
  EXPECT_EQ(json(pending)->getValue<int>("total"), 1);
  EXPECT_EQ(json(pending)->getArray("items")->getObject(0)->getValue<std::string>("task_type"),
            "GetRPCMethods");
  auto newest = get("/api/devices/" + d.id + "/tasks?sort=-created_at&limit=1");
  EXPECT_EQ(json(newest)->getArray("items")->size(), 1U);
  EXPECT_EQ(json(get("/api/devices/" + d.id + "/tasks?type=Reboot"))->getValue<int>("total"), 1);
  EXPECT_EQ(get("/api/devices/ghost/tasks").status, 404);
  EXPECT_EQ(get("/api/devices/" + d.id + "/tasks?status=done").status, 400);

  auto global = get("/api/tasks?type=Reboot");
  EXPECT_EQ(json(global)->getValue<int>("total"), 2);
  EXPECT_EQ(json(get("/api/tasks?device_id=00D09E-Box-SN2"))->getValue<int>("total"), 1);
}

TEST_F(ApiHttpTest, RebootAndFactoryResetShortcutsQueueTasks) {
  const store::Device d = device("SN1");
  auto reboot = server_.request("POST", "/api/devices/" + d.id + "/reboot");
  ASSERT_EQ(reboot.status, 201) << reboot.body;
  EXPECT_EQ(json(reboot)->getValue<std::string>("task_type"), "Reboot");
  EXPECT_TRUE(json(reboot)->getObject("connection_request")->getValue<bool>("ok"));

  auto reset = post("/api/devices/" + d.id + "/factory-reset", R"({"connection_request":false})");
  ASSERT_EQ(reset.status, 201) << reset.body;
  EXPECT_EQ(json(reset)->getValue<std::string>("task_type"), "FactoryReset");
  EXPECT_FALSE(json(reset)->has("connection_request"));
  EXPECT_EQ(server_.requester().requestedDevices().size(), 1U);

  EXPECT_EQ(errorCode(post("/api/devices/" + d.id + "/reboot", R"({"task_type":"FactoryReset"})")),
            "invalid_field");
  EXPECT_EQ(post("/api/devices/ghost/reboot", "").status, 404);
}

TEST_F(ApiHttpTest, GetsAndCancelsTasks) {
  const store::Device d = device("SN1");
  const auto pending = createTask(d.id, R"({"task_type":"Reboot"})");
  const auto sent = createTask(d.id, R"({"task_type":"GetRPCMethods"})");
  ASSERT_TRUE(server_.store().markTaskSent(sent, "session-1", "", store::nowMs()).ok());

  auto cancelled = server_.request("DELETE", "/api/tasks/" + std::to_string(pending));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(json(cancelled)->getValue<std::string>("status"), "cancelled");
  // Cancelling again is harmless.
  EXPECT_EQ(server_.request("DELETE", "/api/tasks/" + std::to_string(pending)).status, 200);

  auto conflict = server_.request("DELETE", "/api/tasks/" + std::to_string(sent));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(errorCode(conflict), "task_not_cancellable");
  EXPECT_NE(errorMessage(conflict).find("sent"), std::string::npos);
  EXPECT_EQ(json(get("/api/tasks/" + std::to_string(sent)))->getValue<std::string>("status"),
            "sent");

  EXPECT_EQ(get("/api/tasks/999999").status, 404);
  EXPECT_EQ(get("/api/tasks/abc").status, 404);
  EXPECT_EQ(server_.request("DELETE", "/api/tasks/999999").status, 404);
}

TEST_F(ApiHttpTest, ShowsResultsAndFaultsOfFinishedTasks) {
  const store::Device d = device("SN1");
  const auto done = createTask(d.id, R"({"task_type":"GetRPCMethods"})");
  const auto bad = createTask(d.id, R"({"task_type":"Reboot"})");
  const auto now = store::nowMs();
  ASSERT_TRUE(server_.store().markTaskSent(done, "s1", "", now).ok());
  ASSERT_TRUE(
      server_.store().completeTask(done, R"({"MethodList":["GetRPCMethods","Reboot"]})", now).ok());
  ASSERT_TRUE(server_.store().markTaskSent(bad, "s1", "task-2", now).ok());
  ASSERT_TRUE(server_.store().faultTask(bad, 9001, "Request denied", "{}", now).ok());

  auto completed = json(get("/api/tasks/" + std::to_string(done)));
  EXPECT_EQ(completed->getValue<std::string>("status"), "completed");
  EXPECT_EQ(completed->getObject("result")->getArray("MethodList")->size(), 2U);
  EXPECT_EQ(completed->getValue<int>("attempts"), 1);
  auto faulted = json(get("/api/tasks/" + std::to_string(bad)));
  EXPECT_EQ(faulted->getValue<std::string>("status"), "faulted");
  EXPECT_EQ(faulted->getObject("fault")->getValue<int>("code"), 9001);
  EXPECT_EQ(faulted->getValue<std::string>("command_key"), "task-2");
}

// --- Connection requests, sessions, faults, tags, captures ---------------------------------------

TEST_F(ApiHttpTest, ConnectionRequestReportsTheOutcome) {
  const store::Device d = device("SN1");
  auto ok = server_.request("POST", "/api/devices/" + d.id + "/connection-request");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(json(ok)->getObject("connection_request")->getValue<bool>("ok"));

  server_.requester().setOutcome({false, 401, "digest authentication failed"});
  auto failed = post("/api/devices/" + d.id + "/connection-request", "{}");
  EXPECT_EQ(failed.status, 502);
  EXPECT_EQ(errorCode(failed), "connection_request_failed");
  EXPECT_EQ(json(failed)->getObject("connection_request")->getValue<int>("http_status"), 401);
  EXPECT_EQ(server_.requester().requestedDevices().size(), 2U);

  EXPECT_EQ(post("/api/devices/" + d.id + "/connection-request", R"({"now":true})").status, 400);
  EXPECT_EQ(post("/api/devices/ghost/connection-request", "").status, 404);

  DeviceSpec no_url;
  no_url.serial = "SN2";
  no_url.connection_request_url = "";
  const store::Device silent = addDevice(server_.store(), no_url);
  auto conflict = post("/api/devices/" + silent.id + "/connection-request", "");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(errorCode(conflict), "no_connection_request_url");
  EXPECT_EQ(server_.requester().requestedDevices().size(), 2U);
}

TEST_F(ApiHttpTest, ListsSessionsNewestFirst) {
  const store::Device d = device("SN1");
  const auto now = store::nowMs();
  for (int i = 0; i < 3; ++i) {
    store::SessionRecord session;
    session.id = "session-" + std::to_string(i);
    session.device_id = d.id;
    session.owner = "acs-test";
    session.started_at = now + milliseconds(i * 10);
    session.last_activity = session.started_at;
    session.events = {"2 PERIODIC"};
    ASSERT_TRUE(server_.store().createSession(session).ok());
    session.ended_at = session.started_at + milliseconds(5);
    session.outcome = "ok";
    session.messages_in = 2;
    session.messages_out = 2;
    ASSERT_TRUE(server_.store().updateSession(session).ok());
  }
  auto page = get("/api/devices/" + d.id + "/sessions?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(json(page)->getValue<int>("total"), 3);
  EXPECT_EQ(ids(page), (std::vector<std::string>{"session-2", "session-1"}));
  auto first = json(page)->getArray("items")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("outcome"), "ok");
  EXPECT_EQ(first->getValue<int>("messages_in"), 2);
  EXPECT_FALSE(first->isNull("ended_at"));
  EXPECT_EQ(get("/api/devices/ghost/sessions").status, 404);
  EXPECT_EQ(get("/api/devices/" + d.id + "/sessions?limit=5000").status, 400);
}

TEST_F(ApiHttpTest, ListsFaults) {
  const store::Device d = device("SN1");
  const auto task = createTask(d.id, R"({"task_type":"Reboot"})");
  store::FaultRecord fault;
  fault.device_id = d.id;
  fault.task_id = task;
  fault.session_id = "s1";
  fault.code = 9003;
  fault.message = "Invalid arguments";
  fault.detail_json = R"({"SetParameterValuesFault":[]})";
  fault.at = store::nowMs();
  ASSERT_TRUE(server_.store().recordFault(fault).ok());
  auto page = get("/api/devices/" + d.id + "/faults");
  ASSERT_EQ(page.status, 200);
  auto item = json(page)->getArray("items")->getObject(0);
  EXPECT_EQ(item->getValue<int>("code"), 9003);
  EXPECT_EQ(item->getValue<std::int64_t>("task_id"), task);
  EXPECT_TRUE(item->getObject("detail")->has("SetParameterValuesFault"));
  EXPECT_EQ(get("/api/devices/ghost/faults").status, 404);
}

TEST_F(ApiHttpTest, AddsAndRemovesTags) {
  const store::Device d = device("SN1");
  EXPECT_EQ(server_.request("PUT", "/api/devices/" + d.id + "/tags/lab-1").status, 204);
  EXPECT_EQ(server_.request("PUT", "/api/devices/" + d.id + "/tags/lab-1").status, 204);
  auto shown = json(get("/api/devices/" + d.id));
  ASSERT_EQ(shown->getArray("tags")->size(), 1U);
  EXPECT_EQ(shown->getArray("tags")->getElement<std::string>(0), "lab-1");
  EXPECT_EQ(json(get("/api/devices?tag=lab-1"))->getValue<int>("total"), 1);

  EXPECT_EQ(server_.request("DELETE", "/api/devices/" + d.id + "/tags/lab-1").status, 204);
  EXPECT_EQ(server_.request("DELETE", "/api/devices/" + d.id + "/tags/lab-1").status, 404);
  EXPECT_EQ(json(get("/api/devices/" + d.id))->getArray("tags")->size(), 0U);

  auto bad = server_.request("PUT", "/api/devices/" + d.id + "/tags/has%20space");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errorCode(bad), "invalid_tag");
  EXPECT_EQ(server_.request("PUT", "/api/devices/ghost/tags/x").status, 404);
}

TEST_F(ApiHttpTest, SwitchesCaptureAndDownloadsCaptures) {
  const store::Device d = device("SN1");
  auto on = server_.request("PUT", "/api/devices/" + d.id + "/capture", R"({"enabled":true})");
  ASSERT_EQ(on.status, 200) << on.body;
  EXPECT_TRUE(json(on)->getValue<bool>("capture_enabled"));
  EXPECT_TRUE(json(get("/api/devices/" + d.id))->getValue<bool>("capture_enabled"));
  EXPECT_EQ(
      server_.request("PUT", "/api/devices/" + d.id + "/capture", R"({"enabled":"yes"})").status,
      400);
  EXPECT_EQ(server_.request("PUT", "/api/devices/ghost/capture", R"({"enabled":true})").status,
            404);

  const auto now = store::nowMs();
  auto capture = [&](const std::string& session, std::int64_t seq, const std::string& direction,
                     int status, const std::string& body) {
    store::CaptureRecord record;
    record.device_id = d.id;
    record.session_id = session;
    record.seq = seq;
    record.direction = direction;
    record.http_status = status;
    record.body = body;
    record.at = now + milliseconds(seq);
    ASSERT_TRUE(server_.store().appendCapture(record).ok());
  };
  capture("s1", 1, "in", 0, "<soap:Envelope>Inform</soap:Envelope>");
  capture("s1", 2, "out", 200, "<soap:Envelope>InformResponse</soap:Envelope>");
  capture("s1", 3, "in", 0, "");
  capture("s1", 4, "out", 204, "");
  capture("s2", 1, "in", 0, "<soap:Envelope>Inform 2</soap:Envelope>");

  auto all = get("/api/devices/" + d.id + "/captures");
  ASSERT_EQ(all.status, 200) << all.body;
  auto body = json(all);
  EXPECT_EQ(body->getValue<std::string>("format"), "cwmp-lab-capture/1");
  auto sessions = body->getArray("sessions");
  ASSERT_EQ(sessions->size(), 2U);
  auto exchanges = sessions->getObject(0)->getArray("exchanges");
  ASSERT_EQ(exchanges->size(), 4U);
  EXPECT_EQ(exchanges->getObject(1)->getValue<std::string>("body"),
            "<soap:Envelope>InformResponse</soap:Envelope>");
  EXPECT_EQ(exchanges->getObject(3)->getValue<int>("http_status"), 204);

  auto one = get("/api/devices/" + d.id + "/captures?session_id=s2");
  EXPECT_EQ(json(one)->getArray("sessions")->size(), 1U);
  EXPECT_EQ(get("/api/devices/ghost/captures").status, 404);
}

// --- Cross-cutting ------------------------------------------------------------------------------

TEST_F(ApiHttpTest, Answers404And405WithJsonErrors) {
  auto missing = get("/api/unknown");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errorCode(missing), "not_found");
  auto wrong = server_.request("PUT", "/api/stats");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, OPTIONS");
  EXPECT_EQ(errorCode(wrong), "method_not_allowed");
}

TEST(ApiHttpAuth, RequiresTheApiKeyWhenEnabled) {
  ApiTestServerOptions options;
  options.enable_auth = true;
  options.api_key = "correct horse battery staple";
  ApiTestServer server(options);

  auto anonymous = server.request("GET", "/api/devices");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(errorCode(anonymous), "unauthorized");
  EXPECT_EQ(anonymous.header("www-authenticate"), "Bearer realm=\"acs\"");
  EXPECT_EQ(server.request("GET", "/metrics").status, 401);
  EXPECT_EQ(server.request("POST", "/api/devices/x/reboot").status, 401);
  EXPECT_EQ(server
                .request("GET", "/api/devices", "",
                         {{"Authorization", "Bearer correct horse battery stapl"}})
                .status,
            401);
  EXPECT_EQ(server
                .request("GET", "/api/devices", "",
                         {{"Authorization", "Bearer correct horse battery staple"}})
                .status,
            200);
  EXPECT_EQ(
      server.request("GET", "/api/devices", "", {{"X-API-Key", "correct horse battery staple"}})
          .status,
      200);
  // Health and the API description stay open for probes and tooling.
  EXPECT_EQ(server.request("GET", "/api/health").status, 200);
  EXPECT_EQ(server.request("GET", "/api/openapi.json").status, 200);
}

TEST(ApiHttpAuth, ChecksTheKeyBeforeRejectingAnOversizedBody) {
  ApiTestServerOptions options;
  options.enable_auth = true;
  options.api_key = "k";
  options.max_body_bytes = 16;
  ApiTestServer server(options);
  auto result = server.request("POST", "/api/devices/x/tasks", std::string(100, ' '));
  EXPECT_EQ(result.status, 401);
}

TEST(ApiHttpCors, AllowsConfiguredOriginsOnly) {
  ApiTestServerOptions options;
  options.cors_origins = {"http://dashboard.example"};
  ApiTestServer server(options);
  auto preflight = server.request(
      "OPTIONS", "/api/devices", "",
      {{"Origin", "http://dashboard.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.header("access-control-allow-origin"), "http://dashboard.example");
  EXPECT_EQ(preflight.header("access-control-allow-methods"), "GET, OPTIONS");

  auto simple = server.request("GET", "/api/devices", "", {{"Origin", "http://dashboard.example"}});
  EXPECT_EQ(simple.header("access-control-allow-origin"), "http://dashboard.example");
  auto other = server.request("GET", "/api/devices", "", {{"Origin", "http://elsewhere.example"}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.header("access-control-allow-origin"), "");
  auto refused =
      server.request("OPTIONS", "/api/devices", "", {{"Origin", "http://elsewhere.example"}});
  EXPECT_EQ(refused.status, 403);
}

TEST_F(ApiHttpTest, ServesConcurrentClients) {
  device("SN1");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (post("/api/devices/00D09E-Box-SN1/tasks", R"({"task_type":"Reboot"})").status == 201 &&
            get("/api/devices").status == 200) {
          ok.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(json(get("/api/tasks"))->getValue<int>("total"), 40);
}

}  // namespace
}  // namespace acs::api::testing
