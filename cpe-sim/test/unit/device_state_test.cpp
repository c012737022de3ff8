// Device state: save/load round trip, load errors, memory footprint.

#include "session/cpe_session.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::at;
using test::faultCode;
using test::run;
using test::t0;

// Everything the ACS can read from a device: values, names and attributes of the whole tree.
struct View {
  cwmp::Body values;
  cwmp::Body names;
  cwmp::Body attributes;
  bool operator==(const View&) const = default;
};

View viewOf(Device& d, const Profile& p, TimePoint now) {
  return View{run(d, p, cwmp::GetParameterValues{{""}}, now),
              run(d, p, cwmp::GetParameterNames{"", false}, now),
              run(d, p, cwmp::GetParameterAttributes{{""}}, now)};
}

TEST(DeviceState, FreshDeviceSavesAndLoadsAsBootstrap) {
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  Device fresh(9);
  auto loaded = Device::load(*p, fresh.save());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  loaded->powerOn(*p, t0());
  auto content = loaded->informContent(*p, t0());
  ASSERT_EQ(content.events.size(), 2u);
  EXPECT_EQ(content.events[0].event_code, "0 BOOTSTRAP");
  EXPECT_EQ(loaded->index(), 9u);
}

TEST(DeviceState, RoundTripKeepsEverythingTheDeviceStores) {
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p, 21);
  Rng rng(3);
  // Deliver BOOTSTRAP, then build up state of every kind.
  {
    CpeSession s(d, *p);
    s.start(t0());
    cwmp::Envelope ok;
    ok.body = cwmp::InformResponse{};
    s.onResponse(200, ok, t0());
    s.onResponse(204, std::nullopt, t0());
    s.finish(t0(), rng);
  }
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.MTU", "1400", ""},
                        {"Device.LAN.Note", "a b%c~\n", ""},  // needs escaping
                        {"Device.LAN.Host.2.Port.1.Speed", "10", ""}};
  spv.parameter_key = "key with space";
  ASSERT_EQ(faultCode(run(d, *p, spv)), 0u);
  ASSERT_EQ(faultCode(run(d, *p, cwmp::AddObject{"Device.LAN.Host.", "k2"})), 0u);
  ASSERT_EQ(faultCode(run(d, *p, cwmp::AddObject{"Device.LAN.Host.6.Port.", "k3"})), 0u);
  cwmp::SetParameterValues spv2;
  spv2.parameter_list = {{"Device.LAN.Host.6.Port.1.Speed", "2500", ""},
                         {"Device.LAN.Host.6.Name", "", ""}};
  spv2.parameter_key = "k4";
  ASSERT_EQ(faultCode(run(d, *p, spv2)), 0u);
  ASSERT_EQ(faultCode(run(d, *p, cwmp::DeleteObject{"Device.LAN.Host.1.", "k5"})), 0u);
  cwmp::SetParameterAttributes spa;
  spa.parameter_list.push_back({"Device.LAN.Enable", true, 2, true, {"Subscriber"}});
  spa.parameter_list.push_back({"Device.LAN.Host.6.Port.1.Speed", true, 1, false, {}});
  ASSERT_EQ(faultCode(run(d, *p, spa)), 0u);
  ASSERT_TRUE(d.changeValue(*p, "Device.LAN.Host.6.Port.1.Speed", "100", at(1)).ok());
  cwmp::Download dl;
  dl.command_key = "dl";
  dl.file_type = "3 Vendor Configuration File";
  dl.url = "http://f.example/c.xml";
  dl.username = "user name";
  dl.delay_seconds = 60;
  ASSERT_EQ(faultCode(run(d, *p, dl)), 0u);
  dl.command_key = "done";
  dl.delay_seconds = 0;
  ASSERT_EQ(faultCode(run(d, *p, dl)), 0u);
  auto started = d.poll(*p, at(2)).start_transfers;
  ASSERT_EQ(started.size(), 1u);
  d.completeTransfer(*p, started[0], 9016, "not found", at(2), at(3));
  cwmp::ScheduleDownload sd;
  sd.command_key = "sd";
  sd.file_type = "1 Firmware Upgrade Image";
  sd.url = "http://f.example/fw.bin";
  sd.time_window_list = {{100, 200, "1 At Any Time", "", -1}};
  ASSERT_EQ(faultCode(run(d, *p, sd)), 0u);
  ASSERT_EQ(faultCode(run(d, *p, cwmp::ScheduleInform{500, "si"})), 0u);
  d.connectionRequest();
  {
    CpeSession s(d, *p);
    s.start(at(4));
    s.onTransportError("down");
    s.finish(at(4), rng);  // retry state and RetryCount
  }

  const std::string saved = d.save();
  EXPECT_EQ(saved.find('\n'), std::string::npos);
  auto loaded = Device::load(*p, saved);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message << "\n" << saved;
  EXPECT_EQ(loaded->save(), saved);
  EXPECT_EQ(viewOf(*loaded, *p, at(5)), viewOf(d, *p, at(5)));
  EXPECT_EQ(loaded->parameterKey(), "k5");
  EXPECT_EQ(loaded->retryCount(), d.retryCount());
  EXPECT_EQ(loaded->transfers(), d.transfers());
  EXPECT_EQ(loaded->pendingTransferCompletes(), d.pendingTransferCompletes());
  EXPECT_EQ(loaded->nextWakeup(*p, at(5)), d.nextWakeup(*p, at(5)));
  auto a = loaded->informContent(*p, at(5));
  auto b = d.informContent(*p, at(5));
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.parameters, b.parameters);
  EXPECT_EQ(test::valueOf(*loaded, *p, "Device.LAN.Note"), "a b%c~\n");
  // Both go on the same way: the next instance number, the scheduled inform.
  EXPECT_EQ(
      std::get<cwmp::AddObjectResponse>(run(*loaded, *p, cwmp::AddObject{"Device.LAN.Host.", ""}))
          .instance_number,
      7u);
  EXPECT_EQ(std::get<cwmp::AddObjectResponse>(run(d, *p, cwmp::AddObject{"Device.LAN.Host.", ""}))
                .instance_number,
            7u);
}

TEST(DeviceState, LoadRejectsDamagedOrForeignState) {
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p);
  ASSERT_EQ(faultCode(run(d, *p, cwmp::AddObject{"Device.LAN.Host.", ""})), 0u);
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.MTU", "1400", ""}};
  run(d, *p, spv);
  std::string good = d.save();
  ASSERT_TRUE(Device::load(*p, good).ok());
  EXPECT_FALSE(Device::load(*p, "").ok());
  EXPECT_FALSE(Device::load(*p, "hello world").ok());
  EXPECT_FALSE(Device::load(*p, good.substr(0, good.size() / 2) + " Z 1").ok());
  EXPECT_FALSE(Device::load(*p, good + " D 0 999999 x").ok());  // no such node
  EXPECT_FALSE(Device::load(*p, good + " D 0 0 x").ok());       // node 0 is the root object
  EXPECT_FALSE(Device::load(*p, good + " D 77 3 x").ok());      // unknown added instance
  EXPECT_FALSE(Device::load(*p, good + " E %4").ok());          // broken escape
  // State saved with one profile does not load into another.
  auto other = test::shippedProfile("tr098-gateway");
  ASSERT_TRUE(other);
  auto foreign = Device::load(*other, good);
  EXPECT_FALSE(foreign.ok());
  if (!foreign.ok()) {
    EXPECT_NE(foreign.error().message.find("device state"), std::string::npos);
  }
}

TEST(DeviceMemory, FreshDeviceStaysFarBelowFourKilobytes) {
  for (const char* name : {"tr181-gateway", "tr098-gateway"}) {
    auto p = test::shippedProfile(name);
    ASSERT_TRUE(p);
    Device d(123456);
    d.powerOn(*p, t0());
    // The Device object plus the two boot events; no per-parameter storage.
    EXPECT_LT(d.memoryFootprint(), 1024u) << name << ": " << d.memoryFootprint();
    EXPECT_GT(d.memoryFootprint(), sizeof(Device)) << name;
    // Reading the whole tree stores nothing.
    std::size_t before = d.memoryFootprint();
    (void)run(d, *p, cwmp::GetParameterValues{{""}});
    EXPECT_EQ(d.memoryFootprint(), before);
  }
}

TEST(DeviceMemory, FootprintGrowsOnlyWithWhatTheDeviceStores) {
  auto p = test::shippedProfile("tr181-gateway");
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p);
  std::size_t fresh = d.memoryFootprint();
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.WiFi.SSID.1.SSID", "a-long-ssid-name-for-the-house", ""},
                        {"Device.ManagementServer.PeriodicInformInterval", "600", ""}};
  ASSERT_EQ(faultCode(run(d, *p, spv)), 0u);
  std::size_t after = d.memoryFootprint();
  EXPECT_GT(after, fresh);
  EXPECT_LT(after - fresh, 256u);
  EXPECT_LT(after, 4096u);
}

}  // namespace
}  // namespace cpesim
