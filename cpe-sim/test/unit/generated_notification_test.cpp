// Value-change notification of generated parameters (uptime, counters, choices with a
// period): only with notification on and a value that really changed since the last
// Inform; passive waits for the next session, active opens one after
// DefaultActiveNotificationThrottle (checklist 10.1, 10.2, 10.6).

#include <algorithm>

#include "profile/profile_loader.h"
#include "session/cpe_session.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::at;
using test::t0;

const char* kYaml = R"(
name: gen
seed: 5
device_id: {oui: "00A0C9", serial: "G{index:04}"}
model:
  Device.:
    DeviceInfo.:
      SerialNumber: {type: string, value: "{serial}", forced: true}
      UpTime: {type: unsignedInt, generator: uptime}
    ManagementServer.:
      ParameterKey: {type: string(32), value: "", forced: true}
      PeriodicInformInterval: {type: "unsignedInt[1:]", value: "3600", writable: true}
      DefaultActiveNotificationThrottle: {type: unsignedInt, value: "0", writable: true}
    Stats.:
      Bytes: {type: unsignedInt, generator: {counter: {rate: 0.5}}}
      Band: {type: string, generator: {choice: {values: [a, b, c, d, e, f, g, h], period: 60}}}
      Colour: {type: string, generator: {choice: [red, green, blue]}}
      Quiet: {type: unsignedInt, generator: uptime, notification: 1}
)";

cwmp::Envelope fromAcs(cwmp::Body body) {
  cwmp::Envelope e;
  e.header.id = "acs-1";
  e.body = std::move(body);
  return e;
}

class GeneratedNotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = loadProfileYaml(kYaml, "gen.yaml");
    ASSERT_TRUE(p.ok()) << p.error().message;
    profile_ = *p;
    device_ = test::bootedDevice(*profile_);
  }

  // A whole session at `now` answering `requests`; returns the Inform.
  cwmp::Inform session(TimePoint now, std::vector<cwmp::Body> requests = {}) {
    CpeSession s(device_, *profile_);
    cwmp::Inform inform = std::get<cwmp::Inform>(s.start(now).body);
    Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), now);
    for (auto& r : requests) {
      step = s.onResponse(200, fromAcs(std::move(r)), now);
      EXPECT_FALSE(std::holds_alternative<cwmp::Fault>(step.to_send->body));
    }
    step = s.onResponse(204, std::nullopt, now);
    EXPECT_TRUE(step.done && !step.failed) << step.error;
    s.finish(now, rng_);
    return inform;
  }

  static cwmp::SetParameterAttributes notify(const std::string& name, std::int32_t n) {
    cwmp::SetParameterAttributes spa;
    spa.parameter_list.push_back({name, true, n, false, {}});
    return spa;
  }

  static bool valueChange(const cwmp::Inform& inform) {
    return std::any_of(inform.event.begin(), inform.event.end(),
                       [](const auto& e) { return e.event_code == "4 VALUE CHANGE"; });
  }
  static std::optional<std::string> reported(const cwmp::Inform& inform, const std::string& name) {
    for (const auto& p : inform.parameter_list) {
      if (p.name == name) return p.value;
    }
    return std::nullopt;
  }

  ProfilePtr profile_;
  Device device_{0};
  Rng rng_{3};
};

TEST_F(GeneratedNotificationTest, FactoryNotificationOnAGeneratedParameterReportsItsChanges) {
  // Quiet has notification 1 in the profile: the boot Inform is the baseline.
  cwmp::Inform boot = session(t0());
  EXPECT_FALSE(valueChange(boot));
  EXPECT_FALSE(device_.poll(*profile_, at(30)).start_session);  // passive: no session
  cwmp::Inform later = session(at(30));
  EXPECT_TRUE(valueChange(later));
  EXPECT_EQ(reported(later, "Device.Stats.Quiet"), "30");
  // Nothing else generated is reported: their notification is off.
  EXPECT_FALSE(reported(later, "Device.Stats.Bytes"));
  EXPECT_FALSE(reported(later, "Device.DeviceInfo.UpTime"));
}

TEST_F(GeneratedNotificationTest, PassiveCounterIsReportedOnlyWhenItReallyChanged) {
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.Stats.Bytes", 1)});
  // 0.5 per second: still 0 after one second, so no change to report.
  cwmp::Inform early = session(at(1));
  EXPECT_FALSE(valueChange(early));
  EXPECT_FALSE(device_.poll(*profile_, at(9)).start_session);
  cwmp::Inform later = session(at(9));
  EXPECT_TRUE(valueChange(later));
  EXPECT_EQ(reported(later, "Device.Stats.Bytes"), "4");
  // The baseline moved with the delivered Inform.
  EXPECT_FALSE(valueChange(session(at(9))));
}

TEST_F(GeneratedNotificationTest, ActiveUptimeOpensASessionOnceTheThrottleHasPassed) {
  cwmp::SetParameterValues spv;
  spv.parameter_list.push_back(
      {"Device.ManagementServer.DefaultActiveNotificationThrottle", "30", "xsd:unsignedInt"});
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.DeviceInfo.UpTime", 2), spv});
  EXPECT_EQ(device_.nextWakeup(*profile_, at(1)), at(30));
  EXPECT_FALSE(device_.poll(*profile_, at(29)).start_session);
  EXPECT_TRUE(device_.poll(*profile_, at(30)).start_session);
  cwmp::Inform inform = session(at(30));
  EXPECT_TRUE(valueChange(inform));
  EXPECT_EQ(reported(inform, "Device.DeviceInfo.UpTime"), "30");
  // Without a throttle the next change (one second later) is due at once.
  cwmp::SetParameterValues off;
  off.parameter_list.push_back(
      {"Device.ManagementServer.DefaultActiveNotificationThrottle", "0", "xsd:unsignedInt"});
  session(at(40), {off});
  EXPECT_EQ(device_.nextWakeup(*profile_, at(40)), at(41));
}

TEST_F(GeneratedNotificationTest, ActiveCounterAndChoiceWakeWhenTheirValueCanChange) {
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.Stats.Bytes", 2)});
  // Bytes reaches 1 at 2 s.
  EXPECT_EQ(device_.nextWakeup(*profile_, at(1)), at(2));
  session(at(2));
  session(at(2), {notify("Device.Stats.Bytes", 0), notify("Device.Stats.Band", 2)});
  // Band is redrawn every 60 s of uptime; a wake-up at each boundary, a session only when
  // the draw differs.
  auto wake = device_.nextWakeup(*profile_, at(2));
  ASSERT_TRUE(wake.has_value());
  EXPECT_EQ(*wake, at(60));
  int sessions = 0;
  for (int minute = 1; minute <= 10; ++minute) {
    const auto now = at(60 * minute);
    const auto before = device_.parameter(*profile_, "Device.Stats.Band", at(60 * minute - 1));
    const auto after = device_.parameter(*profile_, "Device.Stats.Band", now);
    ASSERT_TRUE(before.ok() && after.ok());
    const bool start = device_.poll(*profile_, now).start_session;
    EXPECT_EQ(start, before->value != after->value) << minute;
    if (start) {
      ++sessions;
      EXPECT_EQ(reported(session(now), "Device.Stats.Band"), after->value);
    }
  }
  EXPECT_GT(sessions, 0);
}

TEST_F(GeneratedNotificationTest, ChoiceWithoutAPeriodNeverNotifies) {
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.Stats.Colour", 2)});
  // Only the periodic inform is scheduled.
  EXPECT_EQ(device_.nextWakeup(*profile_, at(5)), device_.nextPeriodicInform(*profile_, at(5)));
  EXPECT_FALSE(valueChange(session(at(3000))));
}

TEST_F(GeneratedNotificationTest, ThrottleAlsoHoldsActiveExternalChanges) {
  auto p = loadProfileYaml(
      std::string(kYaml) +
          "    LAN.:\n      Enable: {type: boolean, value: \"true\", writable: true}\n",
      "gen.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message;
  profile_ = *p;
  device_ = test::bootedDevice(*profile_);
  cwmp::SetParameterValues spv;
  spv.parameter_list.push_back(
      {"Device.ManagementServer.DefaultActiveNotificationThrottle", "20", "xsd:unsignedInt"});
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.LAN.Enable", 2), spv});
  ASSERT_TRUE(device_.changeValue(*profile_, "Device.LAN.Enable", "false", at(5)).ok());
  EXPECT_EQ(device_.nextWakeup(*profile_, at(5)), at(20));
  EXPECT_FALSE(device_.poll(*profile_, at(5)).start_session);
  EXPECT_TRUE(device_.poll(*profile_, at(20)).start_session);
}

TEST_F(GeneratedNotificationTest, TheBaselineSurvivesTheStateFile) {
  session(t0(), {notify("Device.Stats.Quiet", 0), notify("Device.Stats.Bytes", 1)});
  session(at(10));  // baseline: Bytes = 5
  auto loaded = Device::load(*profile_, device_.save());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  device_ = std::move(*loaded);
  EXPECT_FALSE(valueChange(session(at(11))));  // still 5
  EXPECT_EQ(reported(session(at(12)), "Device.Stats.Bytes"), "6");
}

}  // namespace
}  // namespace cpesim
