#include "api/api_json.h"

#include <chrono>
#include <string>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace acs::api {
namespace {

using std::chrono::milliseconds;

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(FormatTime, WritesUtcWithMilliseconds) {
  EXPECT_EQ(formatTime(store::TimePoint{milliseconds(0)}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatTime(store::TimePoint{milliseconds(1714564800250)}), "2024-05-01T12:00:00.250Z");
}

TEST(DeviceJson, HasEveryDocumentedField) {
  store::Device device;
  device.id = "00D09E-Box-SN1";
  device.oui = "00D09E";
  device.product_class = "Box";
  device.serial_number = "SN1";
  device.software_version = "1.2";
  device.last_inform = store::TimePoint{milliseconds(1000)};
  device.first_seen = store::TimePoint{milliseconds(500)};
  device.periodic_inform_interval = 300;
  device.tags = {"lab", "north"};
  device.last_events = {"1 BOOT"};
  device.online = true;
  device.capture_enabled = true;
  JsonWriter w;
  writeDevice(w, device);
  auto json = parse(w.text());
  EXPECT_EQ(json->getValue<std::string>("id"), "00D09E-Box-SN1");
  EXPECT_EQ(json->getValue<std::string>("software_version"), "1.2");
  EXPECT_TRUE(json->getValue<bool>("online"));
  EXPECT_TRUE(json->getValue<bool>("capture_enabled"));
  EXPECT_EQ(json->getValue<std::string>("last_inform"), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(json->getValue<int>("periodic_inform_interval"), 300);
  EXPECT_EQ(json->getArray("tags")->size(), 2U);
  EXPECT_EQ(json->getArray("last_events")->getElement<std::string>(0), "1 BOOT");
  for (const char* key :
       {"oui", "product_class", "serial_number", "manufacturer", "hardware_version",
        "connection_request_url", "parameter_key", "ip", "first_seen"}) {
    EXPECT_TRUE(json->has(key)) << key;
  }
}

TEST(TaskJson, UsesStatusAndEmbedsStoredJson) {
  store::Task task;
  task.id = 42;
  task.device_id = "d1";
  task.type = "GetParameterValues";
  task.args_json = R"({"ParameterNames":["Device."]})";
  task.state = store::TaskState::Completed;
  task.created_at = store::TimePoint{milliseconds(1000)};
  task.updated_at = store::TimePoint{milliseconds(2000)};
  task.sent_at = store::TimePoint{milliseconds(1500)};
  task.attempts = 1;
  task.max_attempts = 3;
  task.session_id = "abc";
  task.result_json = R"({"ParameterList":[]})";
  JsonWriter w;
  writeTask(w, task);
  auto json = parse(w.text());
  EXPECT_EQ(json->getValue<int>("id"), 42);
  EXPECT_EQ(json->getValue<std::string>("task_type"), "GetParameterValues");
  EXPECT_EQ(json->getValue<std::string>("status"), "completed");
  EXPECT_EQ(json->getObject("parameters")->getArray("ParameterNames")->size(), 1U);
  EXPECT_TRUE(json->getObject("result")->has("ParameterList"));
  EXPECT_EQ(json->getValue<std::string>("sent_at"), "1970-01-01T00:00:01.500Z");
  EXPECT_TRUE(json->isNull("expires_at"));
  EXPECT_TRUE(json->isNull("fault"));
  EXPECT_TRUE(json->isNull("reason"));
  EXPECT_TRUE(json->isNull("command_key"));
  EXPECT_TRUE(json->isNull("connection_request_result"));
}

TEST(TaskJson, SeparatesCpeFaultsFromFailureReasons) {
  store::Task faulted;
  faulted.type = "SetParameterValues";
  faulted.state = store::TaskState::Faulted;
  faulted.fault_code = 9005;
  faulted.fault_string = "Invalid parameter name";
  JsonWriter w1;
  writeTask(w1, faulted);
  auto json1 = parse(w1.text());
  EXPECT_EQ(json1->getObject("fault")->getValue<int>("code"), 9005);
  EXPECT_EQ(json1->getObject("fault")->getValue<std::string>("message"), "Invalid parameter name");
  EXPECT_TRUE(json1->isNull("reason"));

  store::Task failed;
  failed.type = "Reboot";
  failed.state = store::TaskState::Failed;
  failed.fault_string = "max attempts reached";
  JsonWriter w2;
  writeTask(w2, failed);
  auto json2 = parse(w2.text());
  EXPECT_TRUE(json2->isNull("fault"));
  EXPECT_EQ(json2->getValue<std::string>("reason"), "max attempts reached");
}

TEST(StoredJson, NeverProducesInvalidOutput) {
  JsonWriter w;
  w.beginArray();
  writeStoredJson(w, "");
  writeStoredJson(w, R"({"a":1})");
  writeStoredJson(w, "not json {");
  w.endArray();
  EXPECT_EQ(w.text(), R"([null,{"a":1},"not json {"])");
}

TEST(CapturesJson, GroupsBySessionInTimeOrderAndKeepsBytes) {
  auto record = [](std::string session, std::int64_t seq, std::string direction, int status,
                   std::string body, std::int64_t at_ms) {
    store::CaptureRecord r;
    r.device_id = "d1";
    r.session_id = std::move(session);
    r.seq = seq;
    r.direction = std::move(direction);
    r.http_status = status;
    r.body = std::move(body);
    r.at = store::TimePoint{milliseconds(at_ms)};
    return r;
  };
  // The store orders by (session, seq): "aaa" sorts first but started later.
  std::vector<store::CaptureRecord> records = {
      record("aaa", 1, "in", 0, "<Inform2/>", 9000),
      record("aaa", 2, "out", 200, "<InformResponse/>", 9001),
      record("zzz", 1, "in", 0, "<Inform1/>", 1000),
      record("zzz", 2, "out", 204, "", 1002),
      record("zzz", 3, "in", 0, std::string("\xFF\xFE", 2), 1003),
  };
  JsonWriter w;
  writeCaptures(w, "d1", records);
  auto json = parse(w.text());
  EXPECT_EQ(json->getValue<std::string>("format"), "cwmp-lab-capture/1");
  EXPECT_EQ(json->getValue<std::string>("device_id"), "d1");
  auto sessions = json->getArray("sessions");
  ASSERT_EQ(sessions->size(), 2U);
  auto first = sessions->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("session_id"), "zzz");
  EXPECT_EQ(first->getValue<std::string>("started_at"), "1970-01-01T00:00:01.000Z");
  auto exchanges = first->getArray("exchanges");
  ASSERT_EQ(exchanges->size(), 3U);
  EXPECT_EQ(exchanges->getObject(0)->getValue<std::string>("direction"), "in");
  EXPECT_EQ(exchanges->getObject(0)->getValue<std::string>("body"), "<Inform1/>");
  EXPECT_EQ(exchanges->getObject(1)->getValue<int>("http_status"), 204);
  EXPECT_EQ(exchanges->getObject(1)->getValue<std::string>("encoding"), "utf-8");
  EXPECT_EQ(exchanges->getObject(2)->getValue<std::string>("encoding"), "base64");
  EXPECT_EQ(exchanges->getObject(2)->getValue<std::string>("body"), "//4=");
  EXPECT_FALSE(exchanges->getObject(2)->getValue<bool>("truncated"));
  EXPECT_EQ(sessions->getObject(1)->getValue<std::string>("session_id"), "aaa");
}

TEST(ErrorBody, HasCodeAndMessage) {
  auto json = parse(errorBody(ApiError{404, "not_found", "unknown device 'x\"'"}));
  EXPECT_EQ(json->getObject("error")->getValue<std::string>("code"), "not_found");
  EXPECT_EQ(json->getObject("error")->getValue<std::string>("message"), "unknown device 'x\"'");
}

TEST(StoreGauges, RenderEveryStateAndTheUpGauge) {
  store::Stats stats;
  stats.devices_total = 10;
  stats.devices_online = 4;
  stats.tasks_by_state = {{"pending", 3}, {"completed", 7}};
  stats.sessions_last_hour = 5;
  stats.faults_last_24h = 1;
  const std::string text = renderStoreGauges(&stats);
  EXPECT_NE(text.find("acs_store_up 1\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE acs_devices gauge\nacs_devices 10\n"), std::string::npos);
  EXPECT_NE(text.find("acs_devices_online 4\n"), std::string::npos);
  EXPECT_NE(text.find("acs_tasks{state=\"pending\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("acs_tasks{state=\"completed\"} 7\n"), std::string::npos);
  EXPECT_NE(text.find("acs_sessions_last_hour 5\n"), std::string::npos);
  EXPECT_NE(text.find("acs_faults_last_24h 1\n"), std::string::npos);
  EXPECT_EQ(renderStoreGauges(nullptr),
            "# HELP acs_store_up Whether the last store query for this scrape succeeded.\n"
            "# TYPE acs_store_up gauge\nacs_store_up 0\n");
}

}  // namespace
}  // namespace acs::api
