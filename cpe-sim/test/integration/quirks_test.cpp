// Quirks visible on the wire: each one switched on for a fleet against the ACS stub.
#include <gtest/gtest.h>

#include <regex>

#include "test/integration/acs_stub.h"
#include "test/integration/file_server.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

std::unique_ptr<Fleet> fleetWithQuirks(const TempDir& dir, const AcsStub& stub,
                                       std::vector<std::string> quirks, std::uint32_t count = 1,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url(), count);
  config.groups[0].quirks = std::move(quirks);
  config.http_timeout = timeout;
  return startFleet(config);
}

TEST(WireQuirks, SoapStyleQuirksChangeTheBytesButStillDecode) {
  TempDir dir;
  AcsStub stub;
  auto fleet = fleetWithQuirks(dir, stub,
                               {"xml_declaration=true", "cwmp_prefix=c", "soap_env_prefix=soapenv",
                                "omit_value_types=true", "namespace=1.0", "array_count_delta=2"});
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(1));
  const RecordedRequest inform = stub.informs()[0];
  const std::string& xml = inform.body;
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("<soapenv:Envelope"), std::string::npos);
  EXPECT_NE(xml.find("<c:Inform>"), std::string::npos);
  EXPECT_NE(xml.find("urn:dslforum-org:cwmp-1-0"), std::string::npos);
  EXPECT_EQ(xml.find("xsi:type"), std::string::npos);  // no types on Value elements
  // arrayType counts lie by 2.
  ASSERT_NE(inform.inform(), nullptr) << inform.decode_error;
  const std::size_t events = inform.inform()->event.size();
  EXPECT_NE(xml.find("EventStruct[" + std::to_string(events + 2) + "]"), std::string::npos);
  EXPECT_EQ(inform.envelope->ns, cwmp::CwmpNamespace::V1_0);
}

TEST(WireQuirks, DroppedConnectionFailsTheSessionAndTheRetryCountsIt) {
  TempDir dir;
  AcsStub stub;
  auto fleet = fleetWithQuirks(dir, stub, {"drop_connection_after=1"});
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(2, std::chrono::seconds(5)));
  auto informs = stub.informs();
  EXPECT_EQ(informs[0].inform()->retry_count, 0u);
  EXPECT_EQ(informs[1].inform()->retry_count, 1u);
  // The first session never reached the empty POST.
  for (const auto& r : stub.requests()) {
    if (r.session == 1) {
      EXPECT_NE(r.body, "") << "empty POST in the dropped session";
    }
  }
  EXPECT_GE(fleet->metrics().quirk_drops.load(), 1u);
  EXPECT_GE(fleet->metrics().sessions_failed.load(), 1u);
}

TEST(WireQuirks, ReplyDelayHoldsEveryPost) {
  TempDir dir;
  AcsStub stub;
  auto fleet = fleetWithQuirks(dir, stub, {"reply_delay_ms=300"});
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    for (const auto& r : all) {
      if (r.reply_status == 204) return true;
    }
    return false;
  }));
  auto all = stub.requests();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_GE(all[1].at - all[0].at, std::chrono::milliseconds(280));
}

TEST(WireQuirks, StalledDeviceGivesUpAtItsTimeoutAndRetries) {
  TempDir dir;
  AcsStub stub;
  auto fleet = fleetWithQuirks(dir, stub, {"stall_after=1"}, 1, std::chrono::milliseconds(500));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(2, std::chrono::seconds(6)));
  auto informs = stub.informs();
  EXPECT_EQ(informs[1].inform()->retry_count, 1u);
  // Silence of at least the device's timeout, then the retry wait (1 s).
  EXPECT_GE(informs[1].at - informs[0].at, std::chrono::milliseconds(1400));
  for (const auto& r : stub.requests()) EXPECT_NE(r.body, "");  // it never sent the empty POST
}

TEST(WireQuirks, RpcFaultAndExtraEventsComeFromTheProfileQuirks) {
  TempDir dir;
  AcsStub stub;
  stub.queue("TB0000", cwmp::GetParameterValues{{"Device.DeviceInfo."}});
  FleetConfig config = testFleetConfig(
      writeTestProfile(dir, "  rpc_faults:\n    - {method: GetParameterValues, code: 9002}\n"
                            "  extra_events: [\"X 00D09E Hello\"]\n"),
      stub.url());
  auto fleet = startFleet(config);
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    for (const auto& r : all) {
      if (r.methodName() == "Fault") return true;
    }
    return false;
  }));
  EXPECT_TRUE(stub.informs()[0].hasEvent("X 00D09E Hello"));
  for (const auto& r : stub.requests()) {
    if (r.methodName() == "Fault") {
      EXPECT_EQ(std::get<cwmp::Fault>(r.envelope->body).fault_code, 9002u);
      EXPECT_EQ(r.header("SOAPAction"), "");
    }
  }
}

TEST(WireQuirks, ShareSelectsSomeDevicesOnly) {
  TempDir dir;
  AcsStub stub;
  FleetConfig config = testFleetConfig(writeTestProfile(dir), stub.url(), 20);
  config.groups[0].quirks = {"cwmp_prefix=q"};
  config.groups[0].quirk_share = "0.5";
  auto fleet = startFleet(config);
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitForInforms(20));
  int quirky = 0;
  for (const auto& r : stub.informs()) quirky += r.body.find("<q:Inform>") != std::string::npos ? 1 : 0;
  EXPECT_GT(quirky, 0);
  EXPECT_LT(quirky, 20);
}

TEST(WireQuirks, DownloadFaultQuirkReportsFailureAfterARealTransfer) {
  TempDir dir;
  AcsStub stub;
  FileServer files;
  files.add("cfg", "abc");
  cwmp::Download d;
  d.command_key = "q";
  d.file_type = "3 Vendor Configuration File";
  d.url = files.url("/files/cfg");
  stub.queue("TB0000", d);
  auto fleet = fleetWithQuirks(dir, stub, {"download_fault=9010"});
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    for (const auto& r : all) {
      if (r.methodName() == "TransferComplete") return true;
    }
    return false;
  }));
  EXPECT_EQ(files.hits().size(), 1u);
  for (const auto& r : stub.requests()) {
    if (r.methodName() == "TransferComplete") {
      EXPECT_EQ(std::get<cwmp::TransferComplete>(r.envelope->body).fault_struct.fault_code, 9010u);
    }
  }
}

}  // namespace
}  // namespace cpesim::testing
