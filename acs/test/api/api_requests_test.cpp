#include "api/api_requests.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "cwmp/json.h"

namespace acs::api {
namespace {

ApiResult<TaskCreateRequest> create(const std::string& body) {
  return parseTaskCreateRequest(body, TaskCreateOptions{});
}

void expectError(const ApiResult<TaskCreateRequest>& result, const std::string& code,
                 const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "expected " << code;
  EXPECT_EQ(result.error().status, 400);
  EXPECT_EQ(result.error().code, code);
  EXPECT_NE(result.error().message.find(fragment), std::string::npos)
      << result.error().message << " does not contain " << fragment;
}

TEST(TaskCreateRequest, AcceptsTheIssueExampleAndCanonicalisesArguments) {
  auto request = create(R"({"task_type": "SetParameterValues",
      "parameters": {"ParameterList": [{"Name": "Device.WiFi.SSID.1.SSID", "Value": "lab",
                                        "Type": "xsd:string"}], "ParameterKey": "k1"},
      "connection_request": true})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->task_type, "SetParameterValues");
  EXPECT_TRUE(request->connection_request);
  EXPECT_FALSE(request->expires_in.has_value());
  EXPECT_FALSE(request->max_attempts.has_value());
  // The stored arguments decode back to the same RPC.
  auto body = cwmp::bodyFromJson("SetParameterValues", request->args_json);
  ASSERT_TRUE(body.ok()) << body.error().message;
  const auto& spv = std::get<cwmp::SetParameterValues>(*body);
  ASSERT_EQ(spv.parameter_list.size(), 1U);
  EXPECT_EQ(spv.parameter_list[0].name, "Device.WiFi.SSID.1.SSID");
  EXPECT_EQ(spv.parameter_list[0].value, "lab");
  EXPECT_EQ(spv.parameter_key, "k1");
}

TEST(TaskCreateRequest, FillsDefaultsOfOptionalRpcArguments) {
  auto request = create(R"({"task_type": "Reboot"})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_FALSE(request->connection_request);
  EXPECT_EQ(request->args_json, R"({"CommandKey":""})");
}

TEST(TaskCreateRequest, ReadsExpiryAndAttempts) {
  auto request = create(
      R"({"task_type": "GetParameterValues", "parameters": {"ParameterNames": ["Device."]},
          "expires_in": 3600, "max_attempts": 5})");
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->expires_in, std::chrono::seconds(3600));
  EXPECT_EQ(request->max_attempts, 5);
  const store::TimePoint now{std::chrono::milliseconds(1'000'000)};
  store::Task task = request->toTask("dev-1", now);
  EXPECT_EQ(task.device_id, "dev-1");
  EXPECT_EQ(task.type, "GetParameterValues");
  ASSERT_TRUE(task.expires_at.has_value());
  EXPECT_EQ(*task.expires_at, now + std::chrono::hours(1));
  EXPECT_EQ(task.max_attempts, 5);
}

TEST(TaskCreateRequest, RejectsUnknownTaskTypeNamingTheField) {
  expectError(create(R"({"task_type": "Rebooot"})"), "unknown_task_type", "'task_type'");
  expectError(create(R"({"task_type": "Inform"})"), "unknown_task_type", "Inform");
  expectError(create(R"({"task_type": "GetParameterValuesResponse"})"), "unknown_task_type",
              "GetParameterValuesResponse");
}

TEST(TaskCreateRequest, RejectsMissingTaskType) {
  expectError(create(R"({"parameters": {}})"), "missing_field", "'task_type'");
}

TEST(TaskCreateRequest, RejectsUnknownTopLevelFields) {
  expectError(create(R"({"task_type": "Reboot", "paramters": {}})"), "unknown_field",
              "'paramters'");
}

TEST(TaskCreateRequest, RejectsWrongTopLevelTypes) {
  expectError(create(R"({"task_type": 5})"), "invalid_field", "'task_type'");
  expectError(create(R"({"task_type": "Reboot", "connection_request": "yes"})"), "invalid_field",
              "'connection_request'");
  expectError(create(R"({"task_type": "Reboot", "parameters": []})"), "invalid_field",
              "'parameters'");
  expectError(create(R"({"task_type": "Reboot", "expires_in": 0})"), "invalid_field",
              "'expires_in'");
  expectError(create(R"({"task_type": "Reboot", "max_attempts": 101})"), "invalid_field",
              "'max_attempts'");
  expectError(create(R"({"task_type": "Reboot", "max_attempts": 2.5})"), "invalid_field",
              "'max_attempts'");
}

TEST(TaskCreateRequest, RejectsBadRpcArgumentsNamingTheField) {
  expectError(create(R"({"task_type": "SetParameterValues",
                         "parameters": {"ParameterList": [{"Name": "Device.X", "Value": 5}]}})"),
              "invalid_parameters", "parameters.ParameterList[0].Value");
  expectError(create(R"({"task_type": "GetParameterValues", "parameters": {"Names": ["x"]}})"),
              "invalid_parameters", "parameters.");
  expectError(create(R"({"task_type": "GetParameterValues", "parameters": {}})"),
              "invalid_parameters", "ParameterNames");
  expectError(create(R"({"task_type": "ScheduleInform", "parameters": {"DelaySeconds": "x"}})"),
              "invalid_parameters", "DelaySeconds");
  expectError(create(R"({"task_type": "Reboot",
                         "parameters": {"CommandKey": "0123456789012345678901234567890123"}})"),
              "invalid_parameters", "CommandKey");
}

TEST(TaskCreateRequest, AcceptsEveryTaskTypeWithMinimalArguments) {
  const std::pair<const char*, const char*> cases[] = {
      {"GetParameterValues", R"({"ParameterNames": ["Device."]})"},
      {"SetParameterValues", R"({"ParameterList": []})"},
      {"GetParameterNames", R"({"ParameterPath": "Device.", "NextLevel": true})"},
      {"GetParameterAttributes", R"({"ParameterNames": ["Device."]})"},
      {"SetParameterAttributes", R"({"ParameterList": [{"Name": "Device.X"}]})"},
      {"AddObject", R"({"ObjectName": "Device.IP.Interface."})"},
      {"DeleteObject", R"({"ObjectName": "Device.IP.Interface.2."})"},
      {"Reboot", "{}"},
      {"FactoryReset", "{}"},
      {"Download", R"({"FileType": "1 Firmware Upgrade Image", "URL": "http://f/x.bin"})"},
      {"Upload", R"({"FileType": "1 Vendor Configuration File", "URL": "http://f/up"})"},
      {"ScheduleInform", R"({"DelaySeconds": 30})"},
      {"GetRPCMethods", "{}"},
      {"GetAllQueuedTransfers", "{}"},
      {"CancelTransfer", R"({"CommandKey": "dl-1"})"},
      {"ScheduleDownload",
       R"({"FileType": "1 Firmware Upgrade Image", "URL": "http://f/x.bin", "TimeWindowList":
          [{"WindowStart": 0, "WindowEnd": 3600, "WindowMode": "1 At Any Time",
            "MaxRetries": 0}]})"},
      {"ChangeDUState", R"({"Operations": [{"Operation": "Install", "URL": "http://f/du"}]})"},
      {"refresh", R"({"ObjectName": "Device.WiFi."})"},
  };
  for (const auto& [type, parameters] : cases) {
    auto request = create(std::string(R"({"task_type": ")") + type + R"(", "parameters": )" +
                          parameters + "}");
    EXPECT_TRUE(request.ok()) << type << ": " << (request.ok() ? "" : request.error().message);
  }
}

TEST(TaskCreateRequest, StoresRefreshPathUnderParameterPath) {
  auto by_object =
      create(R"({"task_type": "refresh", "parameters": {"ObjectName": "Device.WiFi."}})");
  ASSERT_TRUE(by_object.ok()) << by_object.error().message;
  EXPECT_EQ(by_object->args_json, R"({"ParameterPath":"Device.WiFi."})");
  auto by_path =
      create(R"({"task_type": "refresh", "parameters": {"ParameterPath": "Device.IP."}})");
  ASSERT_TRUE(by_path.ok());
  EXPECT_EQ(by_path->args_json, R"({"ParameterPath":"Device.IP."})");
}

TEST(TaskCreateRequest, RejectsRefreshWithoutExactlyOnePath) {
  expectError(create(R"({"task_type": "refresh"})"), "missing_field", "'parameters'");
  expectError(create(R"({"task_type": "refresh", "parameters": {}})"), "invalid_parameters",
              "exactly one");
  expectError(create(R"({"task_type": "refresh", "parameters":
                         {"ObjectName": "Device.", "ParameterPath": "Device."}})"),
              "invalid_parameters", "exactly one");
  expectError(create(R"({"task_type": "refresh", "parameters": {"Path": "Device."}})"),
              "unknown_field", "'parameters.Path'");
  expectError(create(R"({"task_type": "refresh", "parameters": {"ObjectName": 1}})"),
              "invalid_field", "'parameters.ObjectName'");
}

TEST(TaskCreateRequest, RejectsBadJsonAndNonObjects) {
  expectError(create("{"), "invalid_json", "not valid JSON");
  expectError(create("[]"), "invalid_body", "object");
}

TEST(TaskCreateShortcut, AcceptsAnEmptyBodyAndDefaultsToAConnectionRequest) {
  TaskCreateOptions options{.fixed_type = "Reboot", .default_connection_request = true};
  auto empty = parseTaskCreateRequest("", options);
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(empty->task_type, "Reboot");
  EXPECT_TRUE(empty->connection_request);

  auto explicit_off = parseTaskCreateRequest(
      R"({"connection_request": false, "parameters": {"CommandKey": "m1"}})", options);
  ASSERT_TRUE(explicit_off.ok()) << explicit_off.error().message;
  EXPECT_FALSE(explicit_off->connection_request);
  EXPECT_EQ(explicit_off->args_json, R"({"CommandKey":"m1"})");
}

TEST(TaskCreateShortcut, RejectsAnotherTaskType) {
  TaskCreateOptions options{.fixed_type = "FactoryReset", .default_connection_request = true};
  auto other = parseTaskCreateRequest(R"({"task_type": "Reboot"})", options);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "invalid_field");
  auto same = parseTaskCreateRequest(R"({"task_type": "FactoryReset"})", options);
  EXPECT_TRUE(same.ok());
}

TEST(CaptureRequest, ReadsEnabledStrictly) {
  EXPECT_TRUE(*parseCaptureRequest(R"({"enabled": true})"));
  EXPECT_FALSE(*parseCaptureRequest(R"({"enabled": false})"));
  EXPECT_EQ(parseCaptureRequest(R"({})").error().code, "missing_field");
  EXPECT_EQ(parseCaptureRequest(R"({"enabled": 1})").error().code, "invalid_field");
  EXPECT_EQ(parseCaptureRequest(R"({"enabled": true, "x": 1})").error().code, "unknown_field");
}

TEST(EmptyBody, AcceptsNothingOrAnEmptyObject) {
  EXPECT_FALSE(checkEmptyBody("").has_value());
  EXPECT_FALSE(checkEmptyBody(" \n").has_value());
  EXPECT_FALSE(checkEmptyBody("{}").has_value());
  EXPECT_EQ(checkEmptyBody(R"({"force": true})")->code, "unknown_field");
  EXPECT_EQ(checkEmptyBody("nope")->code, "invalid_body");
  EXPECT_EQ(checkEmptyBody("{nope")->code, "invalid_json");
}

TEST(Tags, AllowsUrlSafeCharactersOnly) {
  EXPECT_FALSE(checkTag("lab-1_a.b:c@d").has_value());
  EXPECT_TRUE(checkTag("").has_value());
  EXPECT_TRUE(checkTag(std::string(129, 'a')).has_value());
  EXPECT_TRUE(checkTag("with space").has_value());
  EXPECT_TRUE(checkTag("a/b").has_value());
}

TEST(QueryString, DecodesPercentEscapesAndPlus) {
  auto params = parseQueryString("a=1&b=x%20y+z&&c&d=%2B");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 4U);
  EXPECT_EQ((*params)[1], (std::pair<std::string, std::string>{"b", "x y z"}));
  EXPECT_EQ((*params)[2], (std::pair<std::string, std::string>{"c", ""}));
  EXPECT_EQ((*params)[3].second, "+");
  EXPECT_EQ(parseQueryString("a=%zz").error().code, "invalid_query");
  EXPECT_EQ(parseQueryString("a=%2").error().code, "invalid_query");
}

TEST(PercentCoding, RoundTripsArbitraryBytes) {
  const std::string id = "00D09E-Home%20Gateway-SN/1?x";
  EXPECT_EQ(percentEncode(id), "00D09E-Home%2520Gateway-SN%2F1%3Fx");
  EXPECT_EQ(*percentDecode(percentEncode(id), false), id);
  EXPECT_EQ(*percentDecode("a+b", false), "a+b");
  EXPECT_FALSE(percentDecode("%", false).has_value());
}

QueryParams params(std::initializer_list<std::pair<std::string, std::string>> items) {
  return QueryParams(items);
}

TEST(DeviceListQuery, ReadsEveryFilter) {
  const store::TimePoint now{std::chrono::milliseconds(5000)};
  auto query = parseDeviceListQuery(params({{"online", "true"},
                                            {"oui", "00D09E"},
                                            {"product_class", "Box"},
                                            {"software_version", "1.2"},
                                            {"tag", "lab"},
                                            {"param", "Device.X"},
                                            {"value", "7"},
                                            {"q", "SN1"},
                                            {"sort", "-last_inform"},
                                            {"limit", "50"},
                                            {"offset", "100"}}),
                                    now, 3.0);
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->online, true);
  EXPECT_EQ(query->oui, "00D09E");
  EXPECT_EQ(query->product_class, "Box");
  EXPECT_EQ(query->software_version, "1.2");
  EXPECT_EQ(query->tag, "lab");
  EXPECT_EQ(query->param_name, "Device.X");
  EXPECT_EQ(query->param_value, "7");
  EXPECT_EQ(query->text, "SN1");
  EXPECT_EQ(query->sort_by, "last_inform");
  EXPECT_TRUE(query->descending);
  EXPECT_EQ(query->limit, 50);
  EXPECT_EQ(query->offset, 100);
  EXPECT_EQ(query->now, now);
  EXPECT_EQ(query->online_multiple, 3.0);
}

TEST(DeviceListQuery, DefaultsToTheFirstPageSortedById) {
  auto query = parseDeviceListQuery({}, store::TimePoint{}, 2.0);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->limit, kDefaultPageLimit);
  EXPECT_EQ(query->offset, 0);
  EXPECT_EQ(query->sort_by, "id");
  EXPECT_FALSE(query->descending);
  EXPECT_FALSE(query->online.has_value());
}

TEST(DeviceListQuery, BoundsThePageSize) {
  EXPECT_TRUE(parseDeviceListQuery(params({{"limit", "1000"}}), {}, 2.0).ok());
  for (const char* bad : {"0", "1001", "-1", "abc", "", "10x"}) {
    auto query = parseDeviceListQuery(params({{"limit", bad}}), {}, 2.0);
    ASSERT_FALSE(query.ok()) << bad;
    EXPECT_EQ(query.error().code, "invalid_parameter");
    EXPECT_NE(query.error().message.find("'limit'"), std::string::npos);
  }
  EXPECT_FALSE(parseDeviceListQuery(params({{"offset", "-5"}}), {}, 2.0).ok());
}

TEST(DeviceListQuery, RejectsUnknownDuplicateAndMalformedParameters) {
  EXPECT_EQ(parseDeviceListQuery(params({{"onlin", "true"}}), {}, 2.0).error().code,
            "unknown_parameter");
  EXPECT_EQ(parseDeviceListQuery(params({{"oui", "a"}, {"oui", "b"}}), {}, 2.0).error().code,
            "invalid_parameter");
  EXPECT_EQ(parseDeviceListQuery(params({{"online", "maybe"}}), {}, 2.0).error().code,
            "invalid_parameter");
  EXPECT_EQ(parseDeviceListQuery(params({{"sort", "password"}}), {}, 2.0).error().code,
            "invalid_parameter");
  auto half = parseDeviceListQuery(params({{"param", "Device.X"}}), {}, 2.0);
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.error().message.find("together"), std::string::npos);
}

TEST(TaskListQuery, ReadsStatusTypeAndOrder) {
  auto query = parseTaskListQuery(params({{"status", "pending"},
                                          {"type", "Reboot"},
                                          {"sort", "-created_at"},
                                          {"device_id", "d1"}}),
                                  true);
  ASSERT_TRUE(query.ok()) << query.error().message;
  EXPECT_EQ(query->state, store::TaskState::Pending);
  EXPECT_EQ(query->type, "Reboot");
  EXPECT_TRUE(query->newest_first);
  EXPECT_EQ(query->device_id, "d1");
  EXPECT_EQ(parseTaskListQuery(params({{"device_id", "d1"}}), false).error().code,
            "unknown_parameter");
  EXPECT_EQ(parseTaskListQuery(params({{"status", "done"}}), true).error().code,
            "invalid_parameter");
  EXPECT_EQ(parseTaskListQuery(params({{"type", "Foo"}}), true).error().code, "invalid_parameter");
}

TEST(OtherQueries, AcceptOnlyTheirParameters) {
  EXPECT_EQ(*parseParameterQuery(params({{"prefix", "Device.WiFi."}})), "Device.WiFi.");
  EXPECT_EQ(*parseParameterQuery({}), "");
  EXPECT_EQ(parseParameterQuery(params({{"limit", "5"}})).error().code, "unknown_parameter");
  EXPECT_EQ(**parseCaptureQuery(params({{"session_id", "abc"}})), "abc");
  EXPECT_FALSE(parseCaptureQuery({})->has_value());
  EXPECT_EQ(parsePageQuery(params({{"limit", "7"}}))->limit, 7);
  EXPECT_EQ(parsePageQuery(params({{"prefix", "x"}})).error().code, "unknown_parameter");
}

}  // namespace
}  // namespace acs::api
