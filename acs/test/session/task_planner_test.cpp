#include "acs/src/core/task_planner.h"

#include <gtest/gtest.h>

#include "acs/src/core/json_value.h"

namespace acs {
namespace {

store::Task task(std::int64_t id, std::string type, std::string args) {
  store::Task t;
  t.id = id;
  t.device_id = "00A0C9-RG1-SN1";
  t.type = std::move(type);
  t.args_json = std::move(args);
  return t;
}

TaskInFlight inFlight(const store::Task& t, std::string method, std::string command_key = {}) {
  TaskInFlight f;
  f.task_id = t.id;
  f.task_type = t.type;
  f.args_json = t.args_json;
  f.method = std::move(method);
  f.command_key = std::move(command_key);
  return f;
}

template <class T>
const T* find(const std::vector<Effect>& effects) {
  for (const auto& e : effects) {
    if (const auto* p = std::get_if<T>(&e)) return p;
  }
  return nullptr;
}

TEST(TaskPlanner, KnowsEveryAcsIssuedRpcAndRefresh) {
  for (const char* type :
       {"GetParameterValues", "SetParameterValues", "GetParameterNames", "GetParameterAttributes",
        "SetParameterAttributes", "AddObject", "DeleteObject", "Reboot", "FactoryReset", "Download",
        "Upload", "ScheduleInform", "GetRPCMethods", "GetAllQueuedTransfers", "CancelTransfer",
        "ScheduleDownload", "ChangeDUState", "refresh"}) {
    EXPECT_TRUE(isTaskType(type)) << type;
  }
  EXPECT_FALSE(isTaskType("Inform"));
  EXPECT_FALSE(isTaskType("TransferComplete"));
  EXPECT_FALSE(isTaskType("GetParameterValuesResponse"));
}

TEST(TaskPlanner, PlansGetParameterValuesFromJsonArguments) {
  auto p = planTask(task(1, "GetParameterValues", R"({"ParameterNames":["Device.DeviceInfo."]})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto* gpv = std::get_if<cwmp::GetParameterValues>(&p->body);
  ASSERT_NE(gpv, nullptr);
  EXPECT_EQ(gpv->parameter_names, std::vector<std::string>{"Device.DeviceInfo."});
  EXPECT_EQ(p->command_key, "");
  EXPECT_EQ(p->step, 0);
}

TEST(TaskPlanner, GeneratesCommandKeyWhenArgumentsLeaveItEmpty) {
  auto reboot = planTask(task(42, "Reboot", "{}"));
  ASSERT_TRUE(reboot.ok());
  EXPECT_EQ(std::get<cwmp::Reboot>(reboot->body).command_key, "task-42");
  EXPECT_EQ(reboot->command_key, "task-42");

  auto dl = planTask(
      task(7, "Download", R"({"FileType":"1 Firmware Upgrade Image","URL":"http://f/x.bin"})"));
  ASSERT_TRUE(dl.ok()) << dl.error().message;
  EXPECT_EQ(std::get<cwmp::Download>(dl->body).command_key, "task-7");

  for (
      const auto& [type, args] : std::vector<std::pair<std::string, std::string>>{
          {"Upload", R"({"FileType":"1 Vendor Configuration File","URL":"http://u/"})"},
          {"ScheduleInform", R"({"DelaySeconds":5})"},
          {"ScheduleDownload",
           R"({"FileType":"1 Firmware Upgrade Image","URL":"http://f","TimeWindowList":[{"WindowStart":0,"WindowEnd":60,"WindowMode":"1 At Any Time","MaxRetries":0}]})"},
          {"ChangeDUState", R"({"Operations":[{"Operation":"Install","URL":"http://d/u"}]})"}}) {
    auto p = planTask(task(9, type, args));
    ASSERT_TRUE(p.ok()) << type << ": " << p.error().message;
    EXPECT_EQ(p->command_key, "task-9") << type;
  }
}

TEST(TaskPlanner, KeepsCommandKeyGivenInArguments) {
  auto p = planTask(task(3, "Reboot", R"({"CommandKey":"mine"})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->command_key, "mine");
  // CancelTransfer names another transfer's key: it is not this task's key.
  auto c = planTask(task(4, "CancelTransfer", R"({"CommandKey":"task-7"})"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(std::get<cwmp::CancelTransfer>(c->body).command_key, "task-7");
  EXPECT_EQ(c->command_key, "");
}

TEST(TaskPlanner, BadArgumentsNameTheField) {
  auto p = planTask(
      task(1, "SetParameterValues", R"({"ParameterList":[{"Name":"Device.X","Value":5}]})"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("ParameterList[0].Value"), std::string::npos)
      << p.error().message;
  auto unknown = planTask(task(1, "Frobnicate", "{}"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("Frobnicate"), std::string::npos);
}

TEST(TaskPlanner, RefreshStartsWithGetParameterNamesOfTheSubtree) {
  auto p = planTask(task(1, "refresh", R"({"ParameterPath":"Device.WiFi."})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto& gpn = std::get<cwmp::GetParameterNames>(p->body);
  EXPECT_EQ(gpn.parameter_path, "Device.WiFi.");
  EXPECT_FALSE(gpn.next_level);
  EXPECT_FALSE(planTask(task(1, "refresh", R"({"Path":"x"})")).ok());
  EXPECT_FALSE(planTask(task(1, "refresh", R"({"ParameterPath":3})")).ok());
  EXPECT_TRUE(planTask(task(1, "refresh", "")).ok());  // whole data model
}

TEST(TaskPlanner, RefreshFollowsNamesWithValuesOfTheLeaves) {
  store::Task t = task(5, "refresh", R"({"ParameterPath":"Device.WiFi."})");
  cwmp::GetParameterNamesResponse names;
  names.parameter_list = {{"Device.WiFi.", false},
                          {"Device.WiFi.SSID.1.", false},
                          {"Device.WiFi.SSID.1.SSID", true},
                          {"Device.WiFi.SSID.1.Enable", true}};
  auto step1 = onTaskResponse(inFlight(t, "GetParameterNames"), names);
  ASSERT_TRUE(step1.follow_up.has_value());
  EXPECT_EQ(step1.follow_up->step, 1);
  const auto& gpv = std::get<cwmp::GetParameterValues>(step1.follow_up->body);
  EXPECT_EQ(gpv.parameter_names,
            (std::vector<std::string>{"Device.WiFi.SSID.1.SSID", "Device.WiFi.SSID.1.Enable"}));
  const auto* upsert_names = find<UpsertParameterNamesEffect>(step1.effects);
  ASSERT_NE(upsert_names, nullptr);
  EXPECT_EQ(upsert_names->names.size(), 4u);
  EXPECT_EQ(find<TaskCompletedEffect>(step1.effects), nullptr);

  TaskInFlight second = inFlight(t, "GetParameterValues");
  second.step = 1;
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.WiFi.SSID.1.SSID", "lab", "xsd:string"},
                           {"Device.WiFi.SSID.1.Enable", "1", "xsd:boolean"}};
  auto step2 = onTaskResponse(second, values);
  EXPECT_FALSE(step2.follow_up.has_value());
  const auto* upsert = find<UpsertParametersEffect>(step2.effects);
  ASSERT_NE(upsert, nullptr);
  ASSERT_EQ(upsert->parameters.size(), 2u);
  EXPECT_EQ(upsert->parameters[1].type, "xsd:boolean");
  const auto* done = find<TaskCompletedEffect>(step2.effects);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->task_id, 5);
  EXPECT_EQ(done->result_json, R"({"ParameterValues":2})");
}

TEST(TaskPlanner, RefreshOfObjectsOnlyCompletesWithoutValues) {
  store::Task t = task(5, "refresh", R"({"ParameterPath":"Device.X."})");
  cwmp::GetParameterNamesResponse names;
  names.parameter_list = {{"Device.X.", false}};
  auto step = onTaskResponse(inFlight(t, "GetParameterNames"), names);
  EXPECT_FALSE(step.follow_up.has_value());
  EXPECT_NE(find<TaskCompletedEffect>(step.effects), nullptr);
}

TEST(TaskPlanner, GetParameterValuesStoresValuesWithDefaultType) {
  store::Task t = task(2, "GetParameterValues", R"({"ParameterNames":["Device."]})");
  cwmp::GetParameterValuesResponse r;
  r.parameter_list = {{"Device.A", "1", ""}};
  auto step = onTaskResponse(inFlight(t, "GetParameterValues"), r);
  const auto* upsert = find<UpsertParametersEffect>(step.effects);
  ASSERT_NE(upsert, nullptr);
  EXPECT_EQ(upsert->parameters[0].type, "xsd:string");
  const auto* done = find<TaskCompletedEffect>(step.effects);
  ASSERT_NE(done, nullptr);
  auto result = json::parse(done->result_json);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->get("ParameterList").asArray().size(), 1u);
}

TEST(TaskPlanner, SetParameterValuesStoresTheValuesAndParameterKey) {
  store::Task t = task(
      3, "SetParameterValues",
      R"({"ParameterList":[{"Name":"InternetGatewayDevice.X.Y","Value":"7","Type":"xsd:int"}],"ParameterKey":"k1"})");
  auto step =
      onTaskResponse(inFlight(t, "SetParameterValues"), cwmp::SetParameterValuesResponse{0});
  const auto* upsert = find<UpsertParametersEffect>(step.effects);
  ASSERT_NE(upsert, nullptr);
  ASSERT_EQ(upsert->parameters.size(), 2u);
  EXPECT_EQ(upsert->parameters[0].name, "InternetGatewayDevice.X.Y");
  EXPECT_EQ(upsert->parameters[0].value, "7");
  EXPECT_EQ(upsert->parameters[0].type, "xsd:int");
  EXPECT_EQ(upsert->parameters[1].name, "InternetGatewayDevice.ManagementServer.ParameterKey");
  EXPECT_EQ(upsert->parameters[1].value, "k1");
  const auto* done = find<TaskCompletedEffect>(step.effects);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->result_json, R"({"Status":0})");
}

TEST(TaskPlanner, AddObjectStoresTheNewInstance) {
  store::Task t =
      task(4, "AddObject", R"({"ObjectName":"Device.NAT.PortMapping.","ParameterKey":"k"})");
  auto step = onTaskResponse(inFlight(t, "AddObject"), cwmp::AddObjectResponse{3, 0});
  const auto* upsert = find<UpsertParametersEffect>(step.effects);
  ASSERT_NE(upsert, nullptr);
  EXPECT_EQ(upsert->parameters[0].name, "Device.NAT.PortMapping.3.");
  EXPECT_EQ(upsert->parameters[0].type, "object");
  EXPECT_EQ(upsert->parameters[1].name, "Device.ManagementServer.ParameterKey");
  const auto* done = find<TaskCompletedEffect>(step.effects);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->result_json, R"({"InstanceNumber":3,"Status":0})");
}

TEST(TaskPlanner, DeleteObjectForgetsTheSubtree) {
  store::Task t = task(4, "DeleteObject", R"({"ObjectName":"Device.NAT.PortMapping.3."})");
  auto step = onTaskResponse(inFlight(t, "DeleteObject"), cwmp::DeleteObjectResponse{0});
  const auto* del = find<DeleteParameterSubtreeEffect>(step.effects);
  ASSERT_NE(del, nullptr);
  EXPECT_EQ(del->prefix, "Device.NAT.PortMapping.3.");
  EXPECT_NE(find<TaskCompletedEffect>(step.effects), nullptr);
}

TEST(TaskPlanner, DownloadResultCarriesStatusAndCommandKey) {
  store::Task t =
      task(8, "Download", R"({"FileType":"1 Firmware Upgrade Image","URL":"http://f"})");
  cwmp::DownloadResponse r;
  r.status = 1;
  auto step = onTaskResponse(inFlight(t, "Download", "task-8"), r);
  const auto* done = find<TaskCompletedEffect>(step.effects);
  ASSERT_NE(done, nullptr);
  auto result = json::parse(done->result_json);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->get("Status").asInt(), 1);
  EXPECT_EQ(result->get("CommandKey").asString(), "task-8");
}

TEST(TaskPlanner, FaultFaultsTheTaskWithCodeAndDetail) {
  store::Task t = task(9, "SetParameterValues", R"({"ParameterList":[]})");
  cwmp::Fault f = cwmp::makeFault(9003, "Invalid arguments");
  f.set_parameter_values_fault.push_back({"Device.X", 9007, "Invalid parameter value"});
  auto step = onTaskFault(inFlight(t, "SetParameterValues"), f);
  const auto* faulted = find<TaskFaultedEffect>(step.effects);
  ASSERT_NE(faulted, nullptr);
  EXPECT_EQ(faulted->task_id, 9);
  EXPECT_EQ(faulted->code, 9003u);
  EXPECT_EQ(faulted->message, "Invalid arguments");
  EXPECT_NE(faulted->detail_json.find("9007"), std::string::npos);
}

TEST(TaskPlanner, ExpectedResponseName) {
  EXPECT_EQ(expectedResponseMethod("Reboot"), "RebootResponse");
}

}  // namespace
}  // namespace acs
