// Whole sessions: the fleet (event loop, scheduler, device model, HTTP over loopback)
// against the ACS stub.
#include <gtest/gtest.h>

#include <fstream>

#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

const cwmp::ParameterValueStruct* findParam(const cwmp::Inform& inform, std::string_view name) {
  for (const auto& p : inform.parameter_list) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// The requests of the stub's session `session`, in order.
std::vector<RecordedRequest> sessionRequests(const AcsStub& stub, std::uint64_t session) {
  std::vector<RecordedRequest> out;
  for (auto& r : stub.requests()) {
    if (r.session == session) out.push_back(r);
  }
  return out;
}

bool sessionEnded(const std::vector<RecordedRequest>& all, std::uint64_t session) {
  for (const auto& r : all) {
    if (r.session == session && r.reply_status == 204) return true;
  }
  return false;
}

TEST(FleetSession, BootstrapSessionIsWellFormedOnTheWire) {
  TempDir dir;
  AcsStub stub;
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 1); }));
  auto session = sessionRequests(stub, 1);
  ASSERT_EQ(session.size(), 2u);

  const RecordedRequest& inform_post = session[0];
  ASSERT_NE(inform_post.inform(), nullptr) << inform_post.decode_error;
  const cwmp::Inform& inform = *inform_post.inform();
  EXPECT_TRUE(inform_post.hasEvent("0 BOOTSTRAP"));
  EXPECT_TRUE(inform_post.hasEvent("1 BOOT"));
  EXPECT_EQ(inform.device_id.serial_number, "TB0000");
  EXPECT_EQ(inform.device_id.oui, "00D09E");
  EXPECT_EQ(inform.retry_count, 0u);
  EXPECT_EQ(inform.max_envelopes, 1u);
  const auto* cr_url = findParam(inform, "Device.ManagementServer.ConnectionRequestURL");
  ASSERT_NE(cr_url, nullptr);
  EXPECT_EQ(cr_url->value, fleet->connectionRequestUrl("TB0000"));
  EXPECT_EQ(inform_post.header("Content-Type").rfind("text/xml", 0), 0u);
  EXPECT_TRUE(inform_post.hasHeader("SOAPAction"));
  EXPECT_FALSE(inform_post.hasHeader("Cookie"));

  // The empty POST (checklist 1.1.6) with the session cookie, on the same connection.
  const RecordedRequest& empty = session[1];
  EXPECT_EQ(empty.body, "");
  EXPECT_EQ(empty.header("Content-Length"), "0");
  EXPECT_FALSE(empty.hasHeader("Content-Type"));
  EXPECT_FALSE(empty.hasHeader("SOAPAction"));
  EXPECT_EQ(empty.header("Cookie"), "session=1");
  EXPECT_EQ(empty.client_port, inform_post.client_port);
  EXPECT_EQ(empty.reply_status, 204);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (fleet->metrics().sessions_succeeded.load() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(fleet->metrics().sessions_succeeded.load(), 1u);
  EXPECT_EQ(fleet->metrics().sessions_failed.load(), 0u);
  EXPECT_NE(fleet->prometheusText().find("cpesim_sessions_total{result=\"success\"} 1"), std::string::npos);
}

TEST(FleetSession, PeriodicInformsFollowTheIntervalWithFreshCookies) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url());
  config.groups[0].set_values.push_back("Device.ManagementServer.PeriodicInformInterval=1");
  auto fleet = startFleet(config);
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    int periodic = 0;
    for (const auto& r : all) periodic += r.hasEvent("2 PERIODIC") ? 1 : 0;
    return periodic >= 2;
  }, std::chrono::seconds(6)));
  auto informs = stub.informs("TB0000");
  ASSERT_GE(informs.size(), 3u);
  EXPECT_TRUE(informs[0].hasEvent("0 BOOTSTRAP"));
  EXPECT_TRUE(informs[1].hasEvent("2 PERIODIC"));
  EXPECT_FALSE(informs[1].hasEvent("0 BOOTSTRAP"));
  // Cookies belong to one session (checklist 1.3.4): a new session starts without one.
  EXPECT_FALSE(informs[1].hasHeader("Cookie"));
  EXPECT_FALSE(informs[2].hasHeader("Cookie"));
  auto gap = informs[2].at - informs[1].at;
  EXPECT_GE(gap, std::chrono::milliseconds(700));
  EXPECT_LE(gap, std::chrono::milliseconds(2500));
}

TEST(FleetSession, AnswersAcsRequestsAndRebootsAfterTheSession) {
  TempDir dir;
  AcsStub stub;
  stub.queue("TB0000", cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}});
  stub.queue("TB0000", cwmp::Reboot{"rk-1"});
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(2));
  auto informs = stub.informs("TB0000");
  EXPECT_TRUE(informs[1].hasEvent("1 BOOT"));
  EXPECT_TRUE(informs[1].hasEvent("M Reboot", "rk-1"));
  EXPECT_FALSE(informs[1].hasEvent("0 BOOTSTRAP"));

  auto first = sessionRequests(stub, 1);
  ASSERT_EQ(first.size(), 4u);  // Inform, empty POST, GPV response, Reboot response
  ASSERT_EQ(first[2].methodName(), "GetParameterValuesResponse");
  const auto& gpv = std::get<cwmp::GetParameterValuesResponse>(first[2].envelope->body);
  ASSERT_EQ(gpv.parameter_list.size(), 1u);
  EXPECT_EQ(gpv.parameter_list[0].value, "1.0.0");
  EXPECT_EQ(first[2].envelope->header.id, "stub-1");  // responses echo the request's ID
  EXPECT_TRUE(first[2].hasHeader("SOAPAction"));
  EXPECT_EQ(first[2].header("SOAPAction"), "");  // checklist 1.1.8
  EXPECT_EQ(first[3].methodName(), "RebootResponse");
  EXPECT_EQ(first[3].reply_status, 204);
  EXPECT_EQ(fleet->metrics().reboots.load(), 1u);
}

TEST(FleetSession, FactoryResetComesBackAsBootstrapWithFactoryValues) {
  TempDir dir;
  AcsStub stub;
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.DeviceInfo.ProvisioningCode", "site-42", "xsd:string"}};
  spv.parameter_key = "pk-1";
  stub.queue("TB0000", spv);
  stub.queue("TB0000", cwmp::ScheduleInform{1, "si-1"});
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  // ScheduleInform after 1 s: the second session carries the set value and ParameterKey.
  ASSERT_TRUE(stub.waitForInforms(2, std::chrono::seconds(5)));
  auto informs = stub.informs("TB0000");
  EXPECT_TRUE(informs[1].hasEvent("3 SCHEDULED"));
  EXPECT_TRUE(informs[1].hasEvent("M ScheduleInform", "si-1"));
  EXPECT_EQ(findParam(*informs[1].inform(), "Device.DeviceInfo.ProvisioningCode")->value, "site-42");
  EXPECT_EQ(findParam(*informs[1].inform(), "Device.ManagementServer.ParameterKey")->value, "pk-1");

  ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 2); }));
  stub.queue("TB0000", cwmp::FactoryReset{});
  // Start the session that fetches the FactoryReset: the listener's entry point, as an
  // authenticated connection request would.
  fleet->connectionRequested("TB0000");
  ASSERT_TRUE(stub.waitForInforms(4, std::chrono::seconds(5)));
  informs = stub.informs("TB0000");
  EXPECT_TRUE(informs[2].hasEvent("6 CONNECTION REQUEST"));
  EXPECT_TRUE(informs[3].hasEvent("0 BOOTSTRAP"));
  EXPECT_TRUE(informs[3].hasEvent("1 BOOT"));
  EXPECT_EQ(findParam(*informs[3].inform(), "Device.DeviceInfo.ProvisioningCode")->value, "");
  EXPECT_EQ(findParam(*informs[3].inform(), "Device.ManagementServer.ParameterKey")->value, "");
  EXPECT_EQ(fleet->metrics().factory_resets.load(), 1u);
}

TEST(FleetSession, AuthenticatesToTheAcsWithDigest) {
  TempDir dir;
  AcsStub stub({.auth = AcsStub::Auth::Digest, .username = "cpe-TB0000", .password = "secret"});
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 1); }));
  auto all = stub.requests();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].reply_status, 401);
  EXPECT_EQ(all[1].reply_status, 200);
  EXPECT_NE(all[1].header("Authorization").find("username=\"cpe-TB0000\""), std::string::npos);
  EXPECT_NE(all[2].header("Authorization").find("nc=00000002"), std::string::npos);
}

TEST(FleetSession, FollowsRedirectForTheWholeSession) {
  TempDir dir;
  AcsStub stub({.redirect_first_post = true});
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 1); }));
  auto all = stub.requests();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].reply_status, 307);
  EXPECT_EQ(all[1].uri, "/acs2");
  EXPECT_EQ(all[1].body, all[0].body);
  EXPECT_EQ(all[2].uri, "/acs2");
}

TEST(FleetSession, RetriesAfterFault8005WithRetryCountAndKeptEvents) {
  TempDir dir;
  AcsStub stub({.inform_fault = 8005, .inform_faults = 1});
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(2, std::chrono::seconds(5)));
  auto informs = stub.informs();
  EXPECT_EQ(informs[0].inform()->retry_count, 0u);
  EXPECT_EQ(informs[1].inform()->retry_count, 1u);
  EXPECT_TRUE(informs[1].hasEvent("0 BOOTSTRAP"));
  EXPECT_TRUE(informs[1].hasEvent("1 BOOT"));
  // m = 1 s, k = 1000: the first retry waits 1 s (checklist 3.3).
  EXPECT_GE(informs[1].at - informs[0].at, std::chrono::milliseconds(900));
  EXPECT_GE(fleet->metrics().session_retries.load(), 1u);
}

TEST(FleetSession, StateFileResumesTheFleetWithoutBootstrap) {
  TempDir dir;
  AcsStub stub;
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.DeviceInfo.ProvisioningCode", "kept", "xsd:string"}};
  spv.parameter_key = "pk-state";
  stub.queue("TB0001", spv);
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url(), 2);
  config.state_file = dir.file("fleet.state");
  {
    auto fleet = startFleet(config);
    ASSERT_TRUE(fleet);
    EXPECT_FALSE(fleet->stateFileExisted());
    ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 1) && sessionEnded(all, 2); }));
    fleet->stop();
    EXPECT_EQ(fleet->saveState(), "");
  }
  std::ifstream saved(config.state_file);
  std::string header;
  std::getline(saved, header);
  EXPECT_EQ(header, "cpe-sim-state 1");

  {
    auto fleet = startFleet(config);
    ASSERT_TRUE(fleet);
    EXPECT_TRUE(fleet->stateFileExisted());
    ASSERT_TRUE(stub.waitForInforms(4));
    for (const std::string serial : {"TB0000", "TB0001"}) {
      auto informs = stub.informs(serial);
      ASSERT_EQ(informs.size(), 2u) << serial;
      EXPECT_TRUE(informs[1].hasEvent("1 BOOT")) << serial;
      EXPECT_FALSE(informs[1].hasEvent("0 BOOTSTRAP")) << serial;
    }
    auto resumed = stub.informs("TB0001")[1];
    EXPECT_EQ(findParam(*resumed.inform(), "Device.DeviceInfo.ProvisioningCode")->value, "kept");
    EXPECT_EQ(findParam(*resumed.inform(), "Device.ManagementServer.ParameterKey")->value, "pk-state");
  }
}

TEST(FleetSession, StateOfDevicesNotSimulatedNowIsKept) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url());
  config.groups[0].serial_pattern = "XY{index:02}";
  config.state_file = dir.file("fleet.state");
  const std::string foreign = "OTHER-7\tsome-profile\tstate text kept as it was";
  std::ofstream(config.state_file) << "cpe-sim-state 1\n" << foreign << "\n";
  {
    auto fleet = startFleet(config);
    ASSERT_TRUE(fleet);
    ASSERT_TRUE(stub.waitFor([](const auto& all) { return sessionEnded(all, 1); }));
    EXPECT_EQ(stub.informs()[0].inform()->device_id.serial_number, "XY00");
    fleet->stop();
    ASSERT_EQ(fleet->saveState(), "");
  }
  std::ifstream saved(config.state_file);
  std::string content((std::istreambuf_iterator<char>(saved)), std::istreambuf_iterator<char>());
  EXPECT_NE(content.find(foreign + "\n"), std::string::npos) << content;
  EXPECT_NE(content.find("XY00\ttest-gateway\t"), std::string::npos) << content;
}

TEST(FleetSession, DamagedStateFileIsAClearErrorAndIsLeftAlone) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url());
  config.state_file = dir.file("fleet.state");
  std::ofstream(config.state_file) << "cpe-sim-state 1\nTB0000\ttest-gateway\tgarbage\n";
  std::string error;
  EXPECT_EQ(Fleet::create(config, error), nullptr);
  EXPECT_NE(error.find("TB0000"), std::string::npos) << error;
  std::ifstream again(config.state_file);
  std::string content((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "cpe-sim-state 1\nTB0000\ttest-gateway\tgarbage\n");
}

TEST(FleetSession, BoundsSessionsInFlight) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url(), 40);
  config.max_sessions = 4;
  auto fleet = startFleet(config);
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    int ended = 0;
    for (const auto& r : all) ended += r.reply_status == 204 ? 1 : 0;
    return ended >= 40;
  }, std::chrono::seconds(15)));
  // Open sessions at any time: Informs answered minus sessions ended, in arrival order.
  int open = 0;
  int most = 0;
  for (const auto& r : stub.requests()) {
    if (r.inform() != nullptr) most = std::max(most, ++open);
    if (r.reply_status == 204) --open;
  }
  EXPECT_LE(most, 4);
  EXPECT_GE(most, 2);  // they do run concurrently
  EXPECT_EQ(stub.informs().size(), 40u);
}

TEST(FleetSession, RejectsBadConfigurationClearly) {
  TempDir dir;
  const std::string profile = writeTestProfile(dir);
  std::string error;
  FleetConfig missing = testFleetConfig(dir.file("nope.yaml"), "http://127.0.0.1:1/");
  EXPECT_EQ(Fleet::create(missing, error), nullptr);
  EXPECT_NE(error.find("nope.yaml"), std::string::npos) << error;

  FleetConfig duplicate = testFleetConfig(profile, "http://127.0.0.1:1/");
  duplicate.groups.push_back(duplicate.groups[0]);
  EXPECT_EQ(Fleet::create(duplicate, error), nullptr);
  EXPECT_NE(error.find("TB0000"), std::string::npos) << error;

  FleetConfig quirk = testFleetConfig(profile, "http://127.0.0.1:1/");
  quirk.groups[0].quirks.push_back("no_such_quirk=1");
  EXPECT_EQ(Fleet::create(quirk, error), nullptr);
  EXPECT_NE(error.find("no_such_quirk"), std::string::npos) << error;

  FleetConfig set = testFleetConfig(profile, "http://127.0.0.1:1/");
  set.groups[0].set_values.push_back("Device.Nope=1");
  EXPECT_EQ(Fleet::create(set, error), nullptr);
  EXPECT_NE(error.find("Device.Nope"), std::string::npos) << error;

  // https is spoken (tls_transport_test.cpp); a trust store that cannot be read is refused.
  FleetConfig https = testFleetConfig(profile, "https://127.0.0.1:1/");
  https.tls.ca_file = "/nonexistent/acs-ca.pem";
  EXPECT_EQ(Fleet::create(https, error), nullptr);
  EXPECT_NE(error.find("--ca-file"), std::string::npos) << error;
  EXPECT_NE(error.find("/nonexistent/acs-ca.pem"), std::string::npos) << error;
  https.tls.ca_file.clear();
  EXPECT_NE(Fleet::create(https, error), nullptr) << error;
}

}  // namespace
}  // namespace cpesim::testing
