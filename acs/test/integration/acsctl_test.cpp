// acsctl as a user runs it: the real binary as a subprocess against the REST API served over
// loopback HTTP by ApiRouter on a SQLite file.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <istream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/api_test_server.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <unistd.h>

#ifndef ACSCTL_PATH
#error "ACSCTL_PATH must name the acsctl binary"
#endif

namespace acs::api::testing {
namespace {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs acsctl with `args` and only the given environment variables (plus PATH).
CliResult acsctl(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {}) {
  // Whatever the test runner's environment holds, acsctl sees only what the test gives it.
  Poco::Process::Env environment{{"ACS_URL", ""}, {"ACS_API_KEY", ""}};
  for (const auto& [name, value] : env) environment[name] = value;
  Poco::Pipe out_pipe;
  Poco::Pipe err_pipe;
  Poco::ProcessHandle handle =
      Poco::Process::launch(ACSCTL_PATH, args, ".", nullptr, &out_pipe, &err_pipe, environment);
  CliResult result;
  Poco::PipeInputStream out(out_pipe);
  Poco::PipeInputStream err(err_pipe);
  Poco::StreamCopier::copyToString(out, result.out);
  Poco::StreamCopier::copyToString(err, result.err);
  result.code = handle.wait();
  return result;
}

Poco::JSON::Object::Ptr json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

class AcsctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DeviceSpec spec;
    spec.serial = "SN1";
    spec.parameters = {{"Device.WiFi.SSID.1.SSID", "lab", "xsd:string", true, {}},
                       {"Device.DeviceInfo.UpTime", "42", "xsd:unsignedInt", false, {}}};
    device_ = addDevice(server_.store(), spec).id;
    DeviceSpec other;
    other.serial = "SN2";
    other.oui = "001122";
    addDevice(server_.store(), other);
  }

  CliResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--url", server_.baseUrl()});
    return acsctl(args);
  }

  std::int64_t createdTaskId(const CliResult& result) {
    EXPECT_EQ(result.code, 0) << result.err;
    const auto start = result.out.find("task ");
    const auto end = result.out.find(" created");
    EXPECT_NE(end, std::string::npos) << result.out;
    return std::stoll(result.out.substr(start + 5, end - start - 5));
  }

  ApiTestServer server_;
  std::string device_;
};

TEST_F(AcsctlTest, ListsDevicesAsATableOrJson) {
  auto table = run({"devices", "list"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("ID", 0), 0U) << table.out;
  EXPECT_NE(table.out.find("00D09E-Box-SN1"), std::string::npos);
  EXPECT_NE(table.out.find("2 of 2 devices"), std::string::npos);

  auto filtered = run({"devices", "list", "--oui", "001122", "--json"});
  ASSERT_EQ(filtered.code, 0) << filtered.err;
  EXPECT_EQ(json(filtered.out)->getValue<int>("total"), 1);

  auto by_param = run({"--json", "devices", "list", "--param", "Device.WiFi.SSID.1.SSID=lab"});
  ASSERT_EQ(by_param.code, 0) << by_param.err;
  EXPECT_EQ(json(by_param.out)->getValue<int>("total"), 1);
}

TEST_F(AcsctlTest, ShowsADeviceAndItsParameters) {
  auto shown = run({"devices", "show", device_});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("serial number:"), std::string::npos);
  EXPECT_NE(shown.out.find("SN1"), std::string::npos);

  auto params = run({"params", device_, "Device.WiFi."});
  ASSERT_EQ(params.code, 0) << params.err;
  EXPECT_NE(params.out.find("Device.WiFi.SSID.1.SSID"), std::string::npos);
  EXPECT_EQ(params.out.find("UpTime"), std::string::npos);
  EXPECT_NE(params.out.find("1 parameters"), std::string::npos);
}

TEST_F(AcsctlTest, ReportsApiErrorsWithExitCode1) {
  auto missing = run({"devices", "show", "ghost"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("unknown device 'ghost'"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("HTTP 404"), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty());

  auto bad_limit = run({"devices", "list", "--limit", "5000"});
  EXPECT_EQ(bad_limit.code, 1);
  EXPECT_NE(bad_limit.err.find("'limit'"), std::string::npos) << bad_limit.err;

  auto usage = run({"task", "create", device_, "NoSuchType"});
  EXPECT_EQ(usage.code, 2);
}

TEST_F(AcsctlTest, CreatesTasksOfEveryType) {
  const std::vector<std::vector<std::string>> cases = {
      {"gpv", "--param", "Device.DeviceInfo."},
      {"spv", "--param", "Device.WiFi.SSID.1.SSID=new", "--param", "ParameterKey=k1"},
      {"gpn", "--param", "Device.WiFi."},
      {"gpa", "--param", "Device.WiFi.SSID.1.SSID"},
      {"spa", "--param", "Device.WiFi.SSID.1.SSID=2"},
      {"AddObject", "--param", "Device.IP.Interface."},
      {"DeleteObject", "--param", "Device.IP.Interface.2."},
      {"Reboot", "--param", "CommandKey=maint"},
      {"FactoryReset"},
      {"Download", "--param", "FileType=1 Firmware Upgrade Image", "--param",
       "URL=http://files.example/fw.bin", "--param", "FileSize=1048576"},
      {"Upload", "--param", "FileType=1 Vendor Configuration File", "--param",
       "URL=http://files.example/up"},
      {"ScheduleInform", "--param", "DelaySeconds=30"},
      {"GetRPCMethods"},
      {"GetAllQueuedTransfers"},
      {"CancelTransfer", "--param", "CommandKey=dl-1"},
      {"ScheduleDownload", "--json",
       R"({"FileType": "1 Firmware Upgrade Image", "URL": "http://files.example/fw.bin",
           "TimeWindowList": [{"WindowStart": 0, "WindowEnd": 3600,
                               "WindowMode": "1 At Any Time", "MaxRetries": 0}]})"},
      {"ChangeDUState", "--json",
       R"({"Operations": [{"Operation": "Install", "URL": "http://files.example/du.ipk"}]})"},
      {"refresh", "--param", "Device.WiFi."},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"task", "create", device_};
    args.insert(args.end(), c.begin(), c.end());
    auto result = run(args);
    EXPECT_EQ(result.code, 0) << c[0] << ": " << result.err;
    EXPECT_NE(result.out.find(" created: "), std::string::npos) << c[0] << ": " << result.out;
  }
  auto all = run({"--json", "tasks", device_, "--limit", "100"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(json(all.out)->getValue<int>("total"), static_cast<int>(cases.size()));
}

TEST_F(AcsctlTest, ReportsInvalidTaskArgumentsFromTheServer) {
  // Valid for the CLI, refused by the API (FileType is required): exit 1 naming the field.
  auto result = run({"task", "create", device_, "Download", "--param", "URL=http://x/fw"});
  EXPECT_EQ(result.code, 1);
  EXPECT_NE(result.err.find("FileType"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("invalid_parameters"), std::string::npos) << result.err;
}

TEST_F(AcsctlTest, RequestsConnectionsAndUsesShortcuts) {
  auto created = run({"task", "create", device_, "gpv", "--param", "Device.", "--cr"});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_NE(created.out.find("connection request: ok"), std::string::npos) << created.out;

  auto reboot = run({"reboot", device_});
  ASSERT_EQ(reboot.code, 0) << reboot.err;
  EXPECT_NE(reboot.out.find("Reboot for " + device_), std::string::npos);
  auto reset = run({"factory-reset", device_, "--no-cr"});
  ASSERT_EQ(reset.code, 0) << reset.err;
  EXPECT_EQ(server_.requester().requestedDevices().size(), 2U);

  auto cr = run({"cr", device_});
  EXPECT_EQ(cr.code, 0) << cr.err;
  EXPECT_NE(cr.out.find("ok"), std::string::npos);
  server_.requester().setOutcome({false, 0, "timeout after 3000 ms"});
  auto failed = run({"cr", device_});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("timeout after 3000 ms"), std::string::npos) << failed.err;
}

TEST_F(AcsctlTest, ShowsListsAndCancelsTasks) {
  const auto id = createdTaskId(run({"reboot", device_, "--no-cr"}));
  auto shown = run({"task", "show", std::to_string(id)});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("status:"), std::string::npos);
  EXPECT_NE(shown.out.find("pending"), std::string::npos);

  auto listed = run({"tasks", device_, "--status", "pending"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find("Reboot"), std::string::npos);
  EXPECT_NE(listed.out.find("1 of 1 tasks"), std::string::npos);

  auto cancelled = run({"task", "cancel", std::to_string(id)});
  ASSERT_EQ(cancelled.code, 0) << cancelled.err;
  EXPECT_NE(cancelled.out.find("cancelled"), std::string::npos);
  auto missing = run({"task", "show", "999999"});
  EXPECT_EQ(missing.code, 1);
}

TEST_F(AcsctlTest, WaitFollowsATaskToItsEndAndReflectsTheOutcome) {
  const auto done = createdTaskId(run({"task", "create", device_, "GetRPCMethods"}));
  const auto faulted = createdTaskId(run({"reboot", device_, "--no-cr"}));
  // The "CPE" answers while acsctl is polling.
  std::thread cpe([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto now = store::nowMs();
    ASSERT_TRUE(server_.store().markTaskSent(done, "s1", "", now).ok());
    ASSERT_TRUE(server_.store().completeTask(done, R"({"MethodList":["Inform"]})", now).ok());
    ASSERT_TRUE(server_.store().markTaskSent(faulted, "s1", "k", now).ok());
    ASSERT_TRUE(server_.store().faultTask(faulted, 9001, "Request denied", "{}", now).ok());
  });
  auto waited =
      run({"task", "wait", std::to_string(done), "--timeout", "20", "--interval-ms", "50"});
  cpe.join();
  EXPECT_EQ(waited.code, 0) << waited.err;
  EXPECT_NE(waited.out.find("completed"), std::string::npos) << waited.out;

  auto fault = run({"task", "wait", std::to_string(faulted), "--json"});
  EXPECT_EQ(fault.code, 3) << fault.err;
  EXPECT_EQ(json(fault.out)->getObject("fault")->getValue<int>("code"), 9001);

  const auto cancelled = createdTaskId(run({"reboot", device_, "--no-cr"}));
  ASSERT_EQ(run({"task", "cancel", std::to_string(cancelled)}).code, 0);
  EXPECT_EQ(run({"task", "wait", std::to_string(cancelled)}).code, 6);

  const auto stuck = createdTaskId(run({"reboot", device_, "--no-cr"}));
  auto timeout =
      run({"task", "wait", std::to_string(stuck), "--timeout", "1", "--interval-ms", "100"});
  EXPECT_EQ(timeout.code, 7);
  EXPECT_NE(timeout.err.find("still pending"), std::string::npos) << timeout.err;
}

TEST_F(AcsctlTest, PrintsStats) {
  run({"reboot", device_, "--no-cr"});
  auto human = run({"stats"});
  ASSERT_EQ(human.code, 0) << human.err;
  EXPECT_NE(human.out.find("devices:"), std::string::npos);
  EXPECT_NE(human.out.find("tasks pending:"), std::string::npos);
  auto machine = run({"stats", "--json"});
  ASSERT_EQ(machine.code, 0);
  EXPECT_EQ(json(machine.out)->getValue<int>("devices_total"), 2);
  EXPECT_EQ(json(machine.out)->getObject("tasks_by_state")->getValue<int>("pending"), 1);
}

TEST_F(AcsctlTest, PrintsTheActivitySeries) {
  auto human = run({"stats", "--series", "--minutes", "30", "--step", "300"});
  ASSERT_EQ(human.code, 0) << human.err;
  EXPECT_NE(human.out.find("BUCKET START"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("6 buckets of 300 s"), std::string::npos) << human.out;
  auto machine = run({"--json", "stats", "--series", "--minutes", "30", "--step", "300"});
  ASSERT_EQ(machine.code, 0) << machine.err;
  EXPECT_EQ(json(machine.out)->getArray("points")->size(), 6U);
  auto seen = run({"stats"});
  EXPECT_NE(seen.out.find("seen (last hour):"), std::string::npos) << seen.out;
}

TEST_F(AcsctlTest, PutsListsAndRemovesStoredFiles) {
  const std::string path =
      ::testing::TempDir() + "acsctl_fw_" + std::to_string(::getpid()) + ".bin";
  const std::string content(
      "\x7f"
      "ELF\x00\x01\x02 firmware",
      16);
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  auto put = run({"files", "put", path, "gw.bin", "--file-type", "1 Firmware Upgrade Image"});
  std::remove(path.c_str());
  ASSERT_EQ(put.code, 0) << put.err;
  EXPECT_NE(put.out.find("stored gw.bin (16 bytes"), std::string::npos) << put.out;
  EXPECT_NE(put.out.find(server_.baseUrl() + "/files/gw.bin"), std::string::npos) << put.out;
  auto stored = server_.store().getFile("gw.bin");
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->size, 16);

  auto list = run({"files", "ls"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("gw.bin"), std::string::npos);
  EXPECT_NE(list.out.find("1 files"), std::string::npos) << list.out;
  auto listed = run({"--json", "files", "ls"});
  EXPECT_EQ(json(listed.out)->getArray("items")->size(), 1U);

  EXPECT_EQ(run({"files", "put", "/nonexistent/fw.bin"}).code, 1);
  ASSERT_EQ(run({"files", "rm", "gw.bin"}).code, 0);
  auto again = run({"files", "rm", "gw.bin"});
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("unknown file"), std::string::npos) << again.err;
}

TEST_F(AcsctlTest, ManagesTagsCaptureAndDeletion) {
  ASSERT_EQ(run({"tag", "add", device_, "north"}).code, 0);
  EXPECT_EQ(json(run({"--json", "devices", "list", "--tag", "north"}).out)->getValue<int>("total"),
            1);
  ASSERT_EQ(run({"tag", "remove", device_, "north"}).code, 0);
  EXPECT_EQ(run({"tag", "remove", device_, "north"}).code, 1);
  ASSERT_EQ(run({"capture", device_, "on"}).code, 0);
  auto captures = run({"captures", device_});
  ASSERT_EQ(captures.code, 0) << captures.err;
  EXPECT_EQ(json(captures.out)->getValue<std::string>("format"), "cwmp-lab-capture/1");
  auto sessions = run({"sessions", device_});
  EXPECT_EQ(sessions.code, 0) << sessions.err;
  auto faults = run({"faults", device_});
  EXPECT_EQ(faults.code, 0) << faults.err;
  ASSERT_EQ(run({"devices", "delete", device_}).code, 0);
  EXPECT_EQ(run({"devices", "show", device_}).code, 1);
}

TEST(AcsctlAuth, SendsTheKeyFromTheEnvironment) {
  ApiTestServerOptions options;
  options.enable_auth = true;
  options.api_key = "k-123";
  ApiTestServer server(options);
  auto denied = acsctl({"stats"}, {{"ACS_URL", server.baseUrl()}});
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("missing API key"), std::string::npos) << denied.err;
  auto wrong = acsctl({"--api-key", "nope", "stats"}, {{"ACS_URL", server.baseUrl()}});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("invalid API key"), std::string::npos) << wrong.err;
  auto allowed = acsctl({"stats"}, {{"ACS_URL", server.baseUrl()}, {"ACS_API_KEY", "k-123"}});
  EXPECT_EQ(allowed.code, 0) << allowed.err;
  auto health = acsctl({"health"}, {{"ACS_URL", server.baseUrl()}});
  EXPECT_EQ(health.code, 0) << health.err;
  EXPECT_NE(health.out.find("status: ok"), std::string::npos);
}

}  // namespace
}  // namespace acs::api::testing
