// Parameter RPCs on the device model: GetRPCMethods, GPV, SPV, GPN, GPA, SPA
// (checklist 4.3, 5.2, 10).

#include <algorithm>

#include "profile/profile_loader.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::faultCode;
using test::names;
using test::run;
using test::t0;
using test::valueOf;

class RpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile_ = test::smallProfile();
    ASSERT_TRUE(profile_);
    device_ = test::bootedDevice(*profile_);
  }
  cwmp::Body exec(cwmp::Body request) { return run(device_, *profile_, std::move(request)); }
  std::string value(const std::string& name) { return valueOf(device_, *profile_, name); }

  cwmp::SetParameterValues spv(std::vector<cwmp::ParameterValueStruct> list,
                               std::string key = "k1") {
    cwmp::SetParameterValues r;
    r.parameter_list = std::move(list);
    r.parameter_key = std::move(key);
    return r;
  }

  ProfilePtr profile_;
  Device device_{0};
};

// --- GetRPCMethods / unsupported -----------------------------------------------------------

TEST_F(RpcTest, GetRpcMethodsListsEveryMethodTheProfileAnswers) {
  auto body = exec(cwmp::GetRPCMethods{});
  const auto* r = std::get_if<cwmp::GetRPCMethodsResponse>(&body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method_list, profile_->rpcMethods());
  for (const char* m :
       {"GetRPCMethods", "SetParameterValues", "GetParameterValues", "GetParameterNames",
        "SetParameterAttributes", "GetParameterAttributes", "AddObject", "DeleteObject", "Reboot",
        "Download", "Upload", "FactoryReset", "GetAllQueuedTransfers", "ScheduleInform",
        "ScheduleDownload", "CancelTransfer"}) {
    EXPECT_NE(std::find(r->method_list.begin(), r->method_list.end(), m), r->method_list.end())
        << m;
  }
}

TEST_F(RpcTest, MethodsOutsideTheProfileGetFault9000) {
  EXPECT_EQ(faultCode(exec(cwmp::SetVouchers{{"AAAA"}})), 9000u);
  EXPECT_EQ(faultCode(exec(cwmp::GetOptions{""})), 9000u);
  EXPECT_EQ(faultCode(exec(cwmp::ChangeDUState{})), 9000u);
  EXPECT_EQ(faultCode(exec(cwmp::Inform{})), 9000u);          // a CPE -> ACS method
  EXPECT_EQ(faultCode(exec(cwmp::InformResponse{})), 9000u);  // a response
  auto spec = parseProfileYaml(test::smallProfileYaml(), "s.yaml");
  ASSERT_TRUE(spec.ok());
  spec->rpcs = {"GetParameterValues", "SetParameterValues"};
  auto limited = Profile::build(std::move(*spec));
  ASSERT_TRUE(limited.ok()) << limited.error().message;
  Device d = test::bootedDevice(**limited);
  EXPECT_EQ(faultCode(run(d, **limited, cwmp::Upload{})), 9000u);
  EXPECT_EQ(faultCode(run(d, **limited, cwmp::Reboot{"x"})), 9000u);
  // GetRPCMethods cannot be dropped: it is required of every CPE.
  auto methods = run(d, **limited, cwmp::GetRPCMethods{});
  ASSERT_TRUE(std::holds_alternative<cwmp::GetRPCMethodsResponse>(methods));
  EXPECT_EQ(std::get<cwmp::GetRPCMethodsResponse>(methods).method_list.size(), 3u);
}

TEST_F(RpcTest, QuirkFaultAnswersTheChosenMethod) {
  auto spec = parseProfileYaml(test::smallProfileYaml(), "s.yaml");
  ASSERT_TRUE(spec.ok());
  spec->quirks.rpc_faults.push_back(RpcFaultQuirk{"GetParameterValues", 9002, "busy"});
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok());
  Device d = test::bootedDevice(**p);
  auto body = run(d, **p, cwmp::GetParameterValues{{"Device.LAN.MTU"}});
  EXPECT_EQ(faultCode(body), 9002u);
  EXPECT_EQ(std::get<cwmp::Fault>(body).fault_string, "busy");
  EXPECT_EQ(faultCode(run(d, **p, cwmp::GetParameterNames{"", true})), 0u);
}

// --- GetParameterValues --------------------------------------------------------------------

TEST_F(RpcTest, GetParameterValuesReturnsTypedValues) {
  auto body = exec(cwmp::GetParameterValues{
      {"Device.LAN.MTU", "Device.DeviceInfo.SerialNumber", "Device.LAN.Enable"}});
  const auto* r = std::get_if<cwmp::GetParameterValuesResponse>(&body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->parameter_list.size(), 3u);
  EXPECT_EQ(r->parameter_list[0],
            (cwmp::ParameterValueStruct{"Device.LAN.MTU", "1500", "xsd:unsignedInt"}));
  EXPECT_EQ(r->parameter_list[1],
            (cwmp::ParameterValueStruct{"Device.DeviceInfo.SerialNumber", "SN0007", "xsd:string"}));
  EXPECT_EQ(r->parameter_list[2].type, "xsd:boolean");
}

TEST_F(RpcTest, GetParameterValuesOfAPartialPathIsRecursive) {
  auto body = exec(cwmp::GetParameterValues{{"Device.LAN.Host.2."}});
  EXPECT_EQ(names(body),
            (std::vector<std::string>{"Device.LAN.Host.2.Name", "Device.LAN.Host.2.Active",
                                      "Device.LAN.Host.2.PortNumberOfEntries",
                                      "Device.LAN.Host.2.Port.1.Speed"}));
  const auto& list = std::get<cwmp::GetParameterValuesResponse>(body).parameter_list;
  EXPECT_EQ(list[0].value, "nas");                      // per-instance value from the profile
  EXPECT_EQ(list[3].value, "100");                      // nested per-instance value
  EXPECT_EQ(value("Device.LAN.Host.5.Name"), "host5");  // {i}
}

TEST_F(RpcTest, GetParameterValuesOfTheEmptyPathReturnsEveryParameter) {
  auto body = exec(cwmp::GetParameterValues{{""}});
  EXPECT_EQ(names(body).size(), profile_->parameterCount());
}

TEST_F(RpcTest, GetParameterValuesFaults9005OnAnyUnknownName) {
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{"Device.LAN.MTU", "Device.LAN.Nope"}})),
            9005u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{"Device.LAN"}})),
            9005u);  // object without '.'
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{"Device.LAN.MTU."}})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{"Device.LAN.Host.3."}})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{"Other."}})), 9005u);
}

TEST_F(RpcTest, GeneratedValuesFollowTheClockAndTheSeed) {
  EXPECT_EQ(valueOf(device_, *profile_, "Device.DeviceInfo.UpTime", test::at(125)), "125");
  EXPECT_EQ(valueOf(device_, *profile_, "Device.LAN.Counter", test::at(100)), "1000");
  std::string pick = value("Device.LAN.Pick");
  EXPECT_TRUE(pick == "red" || pick == "green" || pick == "blue") << pick;
  EXPECT_EQ(valueOf(device_, *profile_, "Device.LAN.Pick", test::at(9999)), pick);  // period 0
  // Another device draws independently, the same device always the same.
  std::set<std::string> seen;
  for (std::uint32_t i = 0; i < 40; ++i) {
    Device other = test::bootedDevice(*profile_, i);
    seen.insert(valueOf(other, *profile_, "Device.LAN.Pick"));
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(value("Device.LAN.HostNumberOfEntries"), "3");
}

// --- SetParameterValues ---------------------------------------------------------------------

TEST_F(RpcTest, SetParameterValuesAppliesAndStoresTheParameterKey) {
  auto body = exec(spv({{"Device.LAN.MTU", "1400", "xsd:unsignedInt"},
                        {"Device.LAN.Host.1.Name", "laptop", "xsd:string"},
                        {"Device.LAN.Enable", "0", "xsd:boolean"}},
                       "key-1"));
  const auto* r = std::get_if<cwmp::SetParameterValuesResponse>(&body);
  ASSERT_TRUE(r) << faultCode(body);
  EXPECT_EQ(r->status, 0);
  EXPECT_EQ(value("Device.LAN.MTU"), "1400");
  EXPECT_EQ(value("Device.LAN.Host.1.Name"), "laptop");
  EXPECT_EQ(value("Device.LAN.Enable"), "0");
  EXPECT_EQ(value("Device.ManagementServer.ParameterKey"), "key-1");
  EXPECT_EQ(device_.parameterKey(), "key-1");
}

TEST_F(RpcTest, SetParameterValuesAcceptsAMissingXsiType) {
  auto body = exec(spv({{"Device.LAN.MTU", " 1300 ", ""}}));
  ASSERT_TRUE(std::holds_alternative<cwmp::SetParameterValuesResponse>(body));
  EXPECT_EQ(value("Device.LAN.MTU"), "1300");  // surrounding whitespace trimmed for numbers
}

TEST_F(RpcTest, SetParameterValuesReportsStatus1WhenAParameterNeedsAReboot) {
  auto body = exec(spv({{"Device.LAN.Rebooting", "true", "xsd:boolean"}}));
  ASSERT_TRUE(std::holds_alternative<cwmp::SetParameterValuesResponse>(body));
  EXPECT_EQ(std::get<cwmp::SetParameterValuesResponse>(body).status, 1);
}

TEST_F(RpcTest, SetParameterValuesFaultListsEveryBadParameterWithItsCode) {
  auto body = exec(spv({{"Device.LAN.MTU", "1400", "xsd:unsignedInt"},      // fine
                        {"Device.LAN.Nope", "1", "xsd:string"},             // 9005
                        {"Device.LAN.IPAddress", "1.2.3.4", "xsd:string"},  // 9008
                        {"Device.LAN.Enable", "true", "xsd:string"},        // 9006
                        {"Device.LAN.Offset", "abc", "xsd:int"},            // 9007
                        {"Device.LAN.MTU.", "1", "xsd:string"},             // 9005
                        {"Device.LAN.Host.1.", "x", "xsd:string"}},         // 9005: object
                       "bad"));
  ASSERT_EQ(faultCode(body), 9003u);
  const auto& f = std::get<cwmp::Fault>(body);
  EXPECT_EQ(f.faultcode, "Client");
  std::vector<std::pair<std::string, std::uint32_t>> got;
  for (const auto& e : f.set_parameter_values_fault)
    got.emplace_back(e.parameter_name, e.fault_code);
  EXPECT_EQ(got,
            (std::vector<std::pair<std::string, std::uint32_t>>{{"Device.LAN.Nope", 9005},
                                                                {"Device.LAN.IPAddress", 9008},
                                                                {"Device.LAN.Enable", 9006},
                                                                {"Device.LAN.Offset", 9007},
                                                                {"Device.LAN.MTU.", 9005},
                                                                {"Device.LAN.Host.1.", 9005}}));
  for (const auto& e : f.set_parameter_values_fault) EXPECT_FALSE(e.fault_string.empty());
  // Atomic: the valid change was not applied and the ParameterKey did not move.
  EXPECT_EQ(value("Device.LAN.MTU"), "1500");
  EXPECT_EQ(device_.parameterKey(), "");
}

TEST_F(RpcTest, SetParameterValuesChecksRangesEnumerationsAndLengths) {
  auto code = [&](const char* name, const char* v, const char* type) {
    auto body = exec(spv({{name, v, type}}));
    if (faultCode(body) != 9003) return faultCode(body);
    return std::get<cwmp::Fault>(body).set_parameter_values_fault.at(0).fault_code;
  };
  EXPECT_EQ(code("Device.LAN.MTU", "575", "xsd:unsignedInt"), 9007u);
  EXPECT_EQ(code("Device.LAN.MTU", "1501", "xsd:unsignedInt"), 9007u);
  EXPECT_EQ(code("Device.LAN.MTU", "-5", "xsd:unsignedInt"), 9007u);
  EXPECT_EQ(code("Device.LAN.MTU", "576", "xsd:unsignedInt"), 0u);
  EXPECT_EQ(code("Device.LAN.Mode", "Semi", "xsd:string"), 9007u);
  EXPECT_EQ(code("Device.LAN.Mode", "Manual", "xsd:string"), 0u);
  EXPECT_EQ(code("Device.LAN.Note", "123456789", "xsd:string"), 9007u);
  EXPECT_EQ(code("Device.LAN.Note", "12345678", "xsd:string"), 0u);
  EXPECT_EQ(code("Device.LAN.Stamp", "yesterday", "xsd:dateTime"), 9007u);
  EXPECT_EQ(code("Device.LAN.Stamp", "2024-05-01T10:00:00Z", "xsd:dateTime"), 0u);
  EXPECT_EQ(code("Device.LAN.Blob", "!!", "xsd:base64"), 9007u);
  EXPECT_EQ(code("Device.LAN.Offset", "2147483648", "xsd:int"), 9007u);
  EXPECT_EQ(code("Device.LAN.Offset", "-2147483648", "xsd:int"), 0u);
  EXPECT_EQ(code("Device.ManagementServer.PeriodicInformInterval", "0", "xsd:unsignedInt"), 9007u);
  EXPECT_EQ(code("Device.ManagementServer.CWMPRetryIntervalMultiplier", "999", "xsd:unsignedInt"),
            9007u);
  EXPECT_EQ(
      code("Device.ManagementServer.CWMPRetryMinimumWaitInterval", "65536", "xsd:unsignedInt"),
      9007u);
  EXPECT_EQ(code("Device.LAN.MTU", "1400", "xsd:int"), 9006u);
  EXPECT_EQ(code("Device.LAN.MTU", "1400", "urn:other:thing"), 9006u);
}

TEST_F(RpcTest, SetParameterValuesWithADuplicateNameIsFault9003) {
  auto body = exec(spv({{"Device.LAN.MTU", "1400", "xsd:unsignedInt"},
                        {"Device.LAN.MTU", "1300", "xsd:unsignedInt"}}));
  EXPECT_EQ(faultCode(body), 9003u);
  EXPECT_EQ(value("Device.LAN.MTU"), "1500");
  EXPECT_EQ(device_.parameterKey(), "");
}

TEST_F(RpcTest, SetParameterValuesOfTheAcsUrlMeansBootstrapAfterTheSession) {
  SessionEffects effects;
  auto same =
      run(device_, *profile_, spv({{"Device.ManagementServer.URL", "http://acs.example/cwmp", ""}}),
          t0(), effects);
  ASSERT_TRUE(std::holds_alternative<cwmp::SetParameterValuesResponse>(same));
  EXPECT_FALSE(effects.acs_url_changed);
  run(device_, *profile_, spv({{"Device.ManagementServer.URL", "http://new.example/", ""}}), t0(),
      effects);
  EXPECT_TRUE(effects.acs_url_changed);
}

TEST_F(RpcTest, ValuesEqualToTheProfileDefaultAreNotStored) {
  std::size_t fresh = device_.memoryFootprint();
  exec(spv({{"Device.LAN.MTU", "1400", ""}}));
  EXPECT_GT(device_.memoryFootprint(), fresh);
  exec(spv({{"Device.LAN.MTU", "1500", ""}}, ""));
  EXPECT_EQ(value("Device.LAN.MTU"), "1500");
  EXPECT_EQ(device_.save().find(" D "), std::string::npos) << device_.save();
}

// --- GetParameterNames ----------------------------------------------------------------------

TEST_F(RpcTest, GetParameterNamesFollowsTheNextLevelRules) {
  // "" + NextLevel true: the root object only.
  auto root = exec(cwmp::GetParameterNames{"", true});
  EXPECT_EQ(names(root), (std::vector<std::string>{"Device."}));
  // "" + NextLevel false: every object and parameter.
  auto all = exec(cwmp::GetParameterNames{"", false});
  EXPECT_EQ(names(all).size(), profile_->nodeCount());
  EXPECT_EQ(names(all).front(), "Device.");
  // Partial path + NextLevel true: direct children only.
  auto children = exec(cwmp::GetParameterNames{"Device.LAN.Host.1.", true});
  EXPECT_EQ(names(children),
            (std::vector<std::string>{"Device.LAN.Host.1.Name", "Device.LAN.Host.1.Active",
                                      "Device.LAN.Host.1.PortNumberOfEntries",
                                      "Device.LAN.Host.1.Port."}));
  auto table = exec(cwmp::GetParameterNames{"Device.LAN.Host.", true});
  EXPECT_EQ(names(table), (std::vector<std::string>{"Device.LAN.Host.1.", "Device.LAN.Host.2.",
                                                    "Device.LAN.Host.5."}));
  // Partial path + NextLevel false: itself and everything below.
  auto subtree = exec(cwmp::GetParameterNames{"Device.LAN.Host.2.Port.", false});
  EXPECT_EQ(names(subtree),
            (std::vector<std::string>{"Device.LAN.Host.2.Port.", "Device.LAN.Host.2.Port.1.",
                                      "Device.LAN.Host.2.Port.1.Speed"}));
  // Full parameter name: NextLevel false gives it, true is fault 9003.
  auto one = exec(cwmp::GetParameterNames{"Device.LAN.MTU", false});
  ASSERT_EQ(names(one), (std::vector<std::string>{"Device.LAN.MTU"}));
  EXPECT_TRUE(std::get<cwmp::GetParameterNamesResponse>(one).parameter_list[0].writable);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterNames{"Device.LAN.MTU", true})), 9003u);
  // Unknown: 9005 either way.
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterNames{"Device.Nope.", true})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterNames{"Device.Nope.", false})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterNames{"Device.LAN.Host.3.", false})), 9005u);
}

TEST_F(RpcTest, GetParameterNamesMarksTablesAndInstancesWritableWhenTheyMayChange) {
  auto body = exec(cwmp::GetParameterNames{"Device.LAN.", false});
  const auto& list = std::get<cwmp::GetParameterNamesResponse>(body).parameter_list;
  auto writable = [&](const std::string& name) {
    auto it = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.name == name; });
    EXPECT_NE(it, list.end()) << name;
    return it != list.end() && it->writable;
  };
  EXPECT_FALSE(writable("Device.LAN."));
  EXPECT_TRUE(writable("Device.LAN.Host."));    // AddObject allowed
  EXPECT_TRUE(writable("Device.LAN.Host.2."));  // DeleteObject allowed
  EXPECT_FALSE(writable("Device.LAN.Fixed."));
  EXPECT_FALSE(writable("Device.LAN.Fixed.1."));
  EXPECT_FALSE(writable("Device.LAN.IPAddress"));
  EXPECT_TRUE(writable("Device.LAN.Enable"));
}

// --- Attributes -------------------------------------------------------------------------------

TEST_F(RpcTest, GetParameterAttributesReportsProfileDefaults) {
  auto body = exec(cwmp::GetParameterAttributes{{"Device.DeviceInfo.SoftwareVersion",
                                                 "Device.ManagementServer.ConnectionRequestURL",
                                                 "Device.LAN.MTU"}});
  const auto* r = std::get_if<cwmp::GetParameterAttributesResponse>(&body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->parameter_list.size(), 3u);
  EXPECT_EQ(r->parameter_list[0].notification, 2);  // forceEnabled
  EXPECT_EQ(r->parameter_list[1].notification, 2);  // forceDefaultEnabled
  EXPECT_EQ(r->parameter_list[2].notification, 0);
  EXPECT_TRUE(r->parameter_list[2].access_list.empty());
  EXPECT_EQ(names(exec(cwmp::GetParameterAttributes{{"Device.LAN.Host.2."}})).size(), 4u);
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterAttributes{{"Device.Nope"}})), 9005u);
}

TEST_F(RpcTest, SetParameterAttributesStoresNotificationAndAccessList) {
  cwmp::SetParameterAttributes req;
  req.parameter_list.push_back({"Device.LAN.MTU", true, 1, true, {"Subscriber"}});
  req.parameter_list.push_back({"Device.LAN.Host.", true, 2, false, {}});
  ASSERT_TRUE(std::holds_alternative<cwmp::SetParameterAttributesResponse>(exec(req)));
  auto body = exec(cwmp::GetParameterAttributes{{"Device.LAN.MTU", "Device.LAN.Host.5.Name"}});
  const auto& list = std::get<cwmp::GetParameterAttributesResponse>(body).parameter_list;
  EXPECT_EQ(list[0].notification, 1);
  EXPECT_EQ(list[0].access_list, (std::vector<std::string>{"Subscriber"}));
  EXPECT_EQ(list[1].notification, 2);  // partial path reached the instance's parameters
  // NotificationChange false leaves Notification alone.
  cwmp::SetParameterAttributes keep;
  keep.parameter_list.push_back({"Device.LAN.MTU", false, 0, true, {}});
  exec(keep);
  auto again = exec(cwmp::GetParameterAttributes{{"Device.LAN.MTU"}});
  EXPECT_EQ(std::get<cwmp::GetParameterAttributesResponse>(again).parameter_list[0].notification,
            1);
  EXPECT_TRUE(
      std::get<cwmp::GetParameterAttributesResponse>(again).parameter_list[0].access_list.empty());
}

TEST_F(RpcTest, SetParameterAttributesRefusesWhatTheProfileDeniesAllOrNothing) {
  cwmp::SetParameterAttributes off;
  off.parameter_list.push_back({"Device.LAN.MTU", true, 2, false, {}});
  off.parameter_list.push_back(
      {"Device.DeviceInfo.SoftwareVersion", true, 0, false, {}});  // forceEnabled
  auto body = exec(off);
  EXPECT_EQ(faultCode(body), 9009u);
  EXPECT_EQ(std::get<cwmp::Fault>(body).faultcode, "Server");
  auto attrs = exec(cwmp::GetParameterAttributes{{"Device.LAN.MTU"}});
  EXPECT_EQ(std::get<cwmp::GetParameterAttributesResponse>(attrs).parameter_list[0].notification,
            0);

  cwmp::SetParameterAttributes active;
  active.parameter_list.push_back({"Device.DeviceInfo.UpTime", true, 2, false, {}});  // canDeny
  EXPECT_EQ(faultCode(exec(active)), 9009u);
  active.parameter_list[0].notification = 1;  // passive is fine
  EXPECT_EQ(faultCode(exec(active)), 0u);
}

TEST_F(RpcTest, SetParameterAttributesOnAPartialPathSkipsParametersThatRefuse) {
  cwmp::SetParameterAttributes req;
  req.parameter_list.push_back({"Device.DeviceInfo.", true, 0, false, {}});
  ASSERT_EQ(faultCode(exec(req)), 0u);
  auto body = exec(cwmp::GetParameterAttributes{
      {"Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.HardwareVersion"}});
  const auto& list = std::get<cwmp::GetParameterAttributesResponse>(body).parameter_list;
  EXPECT_EQ(list[0].notification, 2);  // forceEnabled kept
  EXPECT_EQ(list[1].notification, 0);
}

TEST_F(RpcTest, SetParameterAttributesValidatesItsArguments) {
  cwmp::SetParameterAttributes bad;
  bad.parameter_list.push_back({"Device.LAN.MTU", true, 7, false, {}});
  EXPECT_EQ(faultCode(exec(bad)), 9003u);
  bad.parameter_list[0] = {"Device.LAN.MTU", false, 0, true, {"Everyone"}};
  EXPECT_EQ(faultCode(exec(bad)), 9003u);
  bad.parameter_list[0] = {"Device.LAN.Nope", true, 1, false, {}};
  EXPECT_EQ(faultCode(exec(bad)), 9005u);
  // Lightweight notification (3..6) exists from CWMP 1.4 on; this profile speaks 1.4.
  bad.parameter_list[0] = {"Device.LAN.MTU", true, 4, false, {}};
  EXPECT_EQ(faultCode(exec(bad)), 0u);
}

TEST(RpcVersions, LightweightNotificationIsRefusedBeforeCwmp14) {
  auto p = test::shippedProfile("tr098-gateway");  // CWMP 1.2
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p);
  cwmp::SetParameterAttributes req;
  req.parameter_list.push_back({"InternetGatewayDevice.Time.NTPServer1", true, 3, false, {}});
  EXPECT_EQ(faultCode(run(d, *p, req)), 9003u);
}

}  // namespace
}  // namespace cpesim
