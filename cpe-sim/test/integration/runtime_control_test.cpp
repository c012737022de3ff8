// Changes to a running fleet, as the scenario runner makes them:
// - wire quirks switched on and off (Fleet::setWireQuirks, `faults: enable_quirk /
//   disable_quirk`): visible on the wire in the sessions that start afterwards, gone again
//   once switched off, and only on the devices named;
// - parameter values changed on the device side (Fleet::changeValues, `periodic` phases): a
//   new PeriodicInformInterval takes effect at once;
// - devices powered on one by one (Fleet::powerOn, `boot_storm` with `share` < 1 or
//   `event: boot`): a device not powered on stays silent, a power-cycled one boots with
//   `1 BOOT` only.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPDigestCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

// The ACS side of a connection request: GET, answer the Digest challenge, final status.
int sendConnectionRequest(const Fleet& fleet, const std::string& serial) {
  Poco::URI uri(fleet.connectionRequestUrl(serial));
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  session.sendRequest(request);
  Poco::NullOutputStream sink;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), sink);
  if (response.getStatus() != 401) return response.getStatus();
  Poco::Net::HTTPDigestCredentials credentials("cr-" + serial, "crpass");
  credentials.authenticate(request, response);
  session.sendRequest(request);
  Poco::Net::HTTPResponse second;
  Poco::StreamCopier::copyStream(session.receiveResponse(second), sink);
  return second.getStatus();
}

bool startsWithXmlDeclaration(const RecordedRequest& r) { return r.body.rfind("<?xml", 0) == 0; }

// Waits until `count` sessions have ended (the stub answered 204 to the empty POST).
bool sessionsEnded(const AcsStub& stub, int count) {
  return stub.waitFor([count](const auto& all) {
    int ended = 0;
    for (const auto& r : all) ended += r.reply_status == 204 ? 1 : 0;
    return ended >= count;
  });
}

class RunningFleet : public ::testing::Test {
 protected:
  void SetUp() override {
    FleetConfig config = testFleetConfig(writeTestProfile(dir_), stub_.url(), 2);
    fleet_ = startFleet(config);
    ASSERT_TRUE(fleet_);
    ASSERT_TRUE(stub_.waitForInforms(2));
    ASSERT_TRUE(sessionsEnded(stub_, 2));
  }

  TempDir dir_;
  AcsStub stub_;
  std::unique_ptr<Fleet> fleet_;
};

TEST_F(RunningFleet, SwitchedOnQuirkShowsInLaterSessionsOfTheNamedDevicesAndGoesWhenSwitchedOff) {
  for (const auto& inform : stub_.informs()) EXPECT_FALSE(startsWithXmlDeclaration(inform));

  ASSERT_EQ(fleet_->setWireQuirks({"TB0000"}, {"xml_declaration=true", "cwmp_prefix=c"}), "");
  ASSERT_EQ(sendConnectionRequest(*fleet_, "TB0000"), 200);
  ASSERT_EQ(sendConnectionRequest(*fleet_, "TB0001"), 200);
  ASSERT_TRUE(stub_.waitForInforms(4));
  ASSERT_TRUE(sessionsEnded(stub_, 4));
  const auto on0 = stub_.informs("TB0000");
  const auto on1 = stub_.informs("TB0001");
  ASSERT_EQ(on0.size(), 2u);
  ASSERT_EQ(on1.size(), 2u);
  EXPECT_TRUE(on0[1].hasEvent("6 CONNECTION REQUEST"));
  EXPECT_TRUE(startsWithXmlDeclaration(on0[1])) << on0[1].body.substr(0, 80);
  EXPECT_NE(on0[1].body.find("<c:Inform>"), std::string::npos);
  ASSERT_NE(on0[1].inform(), nullptr) << on0[1].decode_error;  // still decodes
  EXPECT_FALSE(startsWithXmlDeclaration(on1[1]));              // not named: unchanged

  ASSERT_EQ(fleet_->setWireQuirks({"TB0000"}, {}), "");
  ASSERT_EQ(sendConnectionRequest(*fleet_, "TB0000"), 200);
  ASSERT_TRUE(stub_.waitForInforms(5));
  const auto off0 = stub_.informs("TB0000");
  ASSERT_EQ(off0.size(), 3u);
  EXPECT_FALSE(startsWithXmlDeclaration(off0[2])) << off0[2].body.substr(0, 80);
  EXPECT_NE(off0[2].body.find("<cwmp:Inform>"), std::string::npos);
}

TEST_F(RunningFleet, ModelQuirksBadValuesAndUnknownDevicesAreRefusedAndChangeNothing) {
  EXPECT_EQ(fleet_->setWireQuirks({"TB0000"}, {"xml_declaration=true", "rpc_fault=Reboot:9001"}),
            "quirk 'rpc_fault=Reboot:9001' changes the device model (rpc_fault, extra_event, "
            "omit_event, defect) and cannot be switched while the fleet runs; only wire and "
            "transfer quirks can");
  EXPECT_EQ(fleet_->setWireQuirks({"TB0000", "NOPE"}, {"xml_declaration=true"}), "no device 'NOPE' in this fleet");
  const std::string bad = fleet_->setWireQuirks({"TB0000"}, {"reply_delay_ms=soon"});
  EXPECT_NE(bad.find("reply_delay_ms"), std::string::npos) << bad;

  ASSERT_EQ(sendConnectionRequest(*fleet_, "TB0000"), 200);
  ASSERT_TRUE(stub_.waitForInforms(3));
  const auto informs = stub_.informs("TB0000");
  ASSERT_EQ(informs.size(), 2u);
  EXPECT_FALSE(startsWithXmlDeclaration(informs[1]));
}

TEST_F(RunningFleet, NewPeriodicInformIntervalTakesEffectAtOnceOnTheNamedDevice) {
  const std::string ms = "Device.ManagementServer.";
  // From 86400 s to 1 s: the next periodic inform is due within a second, not in a day.
  ASSERT_EQ(fleet_->changeValues({{"TB0001", {{ms + "PeriodicInformEnable", "true"}, {ms + "PeriodicInformInterval", "1"}}}}),
            "");
  auto periodicInforms = [](const std::vector<RecordedRequest>& requests, const std::string& serial) {
    std::size_t n = 0;
    for (const auto& r : requests) {
      if (r.serial == serial && r.inform() != nullptr && r.hasEvent("2 PERIODIC")) ++n;
    }
    return n;
  };
  ASSERT_TRUE(stub_.waitFor([&](const auto& all) { return periodicInforms(all, "TB0001") >= 2; }));
  EXPECT_EQ(periodicInforms(stub_.requests(), "TB0000"), 0u);
  std::string held;
  ASSERT_TRUE(fleet_->inspect("TB0001", [&](Device& device, const Profile& profile) {
    held = device.managementServer(profile, std::chrono::system_clock::now()).periodic_inform_time;
    EXPECT_EQ(device.managementServer(profile, std::chrono::system_clock::now()).periodic_inform_interval, 1u);
  }));
  EXPECT_EQ(held, "0001-01-01T00:00:00Z");  // untouched: the phase still follows the boot time
}

TEST_F(RunningFleet, ValueChangesNameTheUnknownDeviceOrTheBadParameter) {
  const std::string ms = "Device.ManagementServer.";
  EXPECT_EQ(fleet_->changeValues({{"TB0000", {{ms + "PeriodicInformInterval", "60"}}}, {"NOPE", {}}}),
            "no device 'NOPE' in this fleet");
  const std::string unknown = fleet_->changeValues({{"TB0000", {{ms + "NoSuchThing", "1"}}}});
  EXPECT_EQ(unknown.rfind("TB0000: no parameter 'Device.ManagementServer.NoSuchThing'", 0), 0u) << unknown;
  const std::string bad = fleet_->changeValues({{"TB0000", {{ms + "PeriodicInformInterval", "0"}}}});
  EXPECT_EQ(bad.rfind("TB0000: Device.ManagementServer.PeriodicInformInterval: ", 0), 0u) << bad;
  ASSERT_TRUE(fleet_->inspect("TB0000", [&](Device& device, const Profile& profile) {
    EXPECT_EQ(device.managementServer(profile, std::chrono::system_clock::now()).periodic_inform_interval, 86400u);
  }));
}

TEST_F(RunningFleet, PowerCycledDeviceBootsAgainWithBootAndNoBootstrap) {
  ASSERT_EQ(fleet_->powerOn({"TB0000"}, std::chrono::milliseconds(0)), "");
  ASSERT_TRUE(stub_.waitForInforms(3));
  const auto informs = stub_.informs("TB0000");
  ASSERT_EQ(informs.size(), 2u);
  EXPECT_TRUE(informs[0].hasEvent("0 BOOTSTRAP"));
  EXPECT_TRUE(informs[1].hasEvent("1 BOOT"));
  EXPECT_FALSE(informs[1].hasEvent("0 BOOTSTRAP"));
  EXPECT_EQ(stub_.informs("TB0001").size(), 1u);
  EXPECT_EQ(fleet_->powerOn({"NOPE"}, std::chrono::milliseconds(0)), "no device 'NOPE' in this fleet");
}

TEST(PartlyPoweredFleet, OnlyDevicesPoweredOnContactTheAcs) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url(), 3);
  config.power_on_at_start = false;
  auto fleet = startFleet(config);
  ASSERT_TRUE(fleet);
  ASSERT_EQ(fleet->powerOn({"TB0001"}, std::chrono::milliseconds(200)), "");
  ASSERT_TRUE(sessionsEnded(stub, 1));
  std::vector<bool> powered(3, false);
  fleet->visitDevices([&](Device& device, const Profile&, bool on) { powered.at(device.index()) = on; });
  EXPECT_EQ(powered, (std::vector<bool>{false, true, false}));
  ASSERT_EQ(fleet->powerOn({"TB0000", "TB0002"}, std::chrono::milliseconds(0)), "");
  ASSERT_TRUE(stub.waitForInforms(3));
  const auto informs = stub.informs();
  ASSERT_EQ(informs.size(), 3u);
  EXPECT_EQ(informs[0].serial, "TB0001");  // alone until the others were powered on
  for (const auto& inform : informs) EXPECT_TRUE(inform.hasEvent("0 BOOTSTRAP")) << inform.serial;
}

}  // namespace
}  // namespace cpesim::testing
