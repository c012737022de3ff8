// The CPE session engine: Inform contents, session flow, HoldRequests, TransferComplete,
// events and their retention, retries, after-session actions (checklist 3, 6, 7).

#include "session/cpe_session.h"

#include <algorithm>

#include "profile/profile_loader.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::at;
using test::t0;

cwmp::Envelope fromAcs(cwmp::Body body, std::optional<bool> hold = std::nullopt,
                       std::string id = "acs-1") {
  cwmp::Envelope e;
  e.header.id = std::move(id);
  e.header.hold_requests = hold;
  e.body = std::move(body);
  return e;
}

std::vector<std::string> codes(const std::vector<cwmp::EventStruct>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    out.push_back(e.command_key.empty() ? e.event_code : e.event_code + "/" + e.command_key);
  }
  return out;
}

const cwmp::Inform& informOf(const cwmp::Envelope& e) { return std::get<cwmp::Inform>(e.body); }

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile_ = test::smallProfile();
    ASSERT_TRUE(profile_);
    device_ = test::bootedDevice(*profile_);
  }

  // Runs a whole session: Inform, InformResponse, then `acs_requests` one by one after the
  // empty POST, then 204. Returns the Inform and collects the CPE's responses.
  AfterSession session(TimePoint now, std::vector<cwmp::Body> acs_requests = {},
                       cwmp::Inform* inform_out = nullptr,
                       std::vector<cwmp::Body>* responses = nullptr) {
    CpeSession s(device_, *profile_);
    cwmp::Envelope inform = s.start(now);
    if (inform_out) *inform_out = informOf(inform);
    Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), now);
    // The device's own requests first (TransferComplete), each acknowledged.
    while (!step.done && step.to_send &&
           std::holds_alternative<cwmp::TransferComplete>(step.to_send->body)) {
      step = s.onResponse(200, fromAcs(cwmp::TransferCompleteResponse{}), now);
    }
    EXPECT_FALSE(step.to_send.has_value()) << "expected the empty POST";
    for (auto& request : acs_requests) {
      step = s.onResponse(200, fromAcs(std::move(request)), now);
      EXPECT_TRUE(step.to_send.has_value());
      if (responses && step.to_send) responses->push_back(step.to_send->body);
    }
    step = s.onResponse(204, std::nullopt, now);
    EXPECT_TRUE(step.done);
    EXPECT_FALSE(step.failed) << step.error;
    return s.finish(now, rng_);
  }

  ProfilePtr profile_;
  Device device_{0};
  Rng rng_{12345};
};

// --- Inform
// ---------------------------------------------------------------------------------------

TEST_F(SessionTest, FirstInformCarriesBootstrapBootAndEveryForcedParameter) {
  CpeSession s(device_, *profile_);
  cwmp::Envelope e = s.start(at(3));
  const cwmp::Inform& inform = informOf(e);
  EXPECT_EQ(e.ns, cwmp::CwmpNamespace::V1_2);
  ASSERT_TRUE(e.header.id.has_value());
  EXPECT_EQ(e.header.session_timeout, 30u);
  EXPECT_EQ(e.header.supported_cwmp_versions, "1.0,1.1,1.2,1.3,1.4");
  EXPECT_EQ(inform.device_id, (cwmp::DeviceIdStruct{"Acme", "00A0C9", "RG1", "SN0007"}));
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP", "1 BOOT"}));
  EXPECT_EQ(inform.max_envelopes, 1u);
  EXPECT_EQ(inform.retry_count, 0u);
  EXPECT_EQ(inform.current_time, "2024-03-01T12:00:03Z");
  std::vector<std::string> params;
  for (const auto& p : inform.parameter_list) params.push_back(p.name);
  EXPECT_EQ(params, (std::vector<std::string>{
                        "Device.RootDataModelVersion", "Device.DeviceInfo.HardwareVersion",
                        "Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.ProvisioningCode",
                        "Device.ManagementServer.ParameterKey",
                        "Device.ManagementServer.ConnectionRequestURL"}));
  EXPECT_EQ(inform.parameter_list[5].value, "http://10.1.0.8:7547/cr/SN0007");
  for (const auto& p : inform.parameter_list) EXPECT_FALSE(p.type.empty());
}

TEST_F(SessionTest, Cwmp12DeviceSendsNoSupportedVersionsHeader) {
  auto p = test::shippedProfile("tr098-gateway");
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p, 3);
  CpeSession s(d, *p);
  cwmp::Envelope e = s.start(t0());
  EXPECT_FALSE(e.header.supported_cwmp_versions.has_value());
  // The default WAN connection's address is in the Inform (checklist 7.3, TR-098).
  const auto& list = informOf(e).parameter_list;
  EXPECT_NE(std::find_if(list.begin(), list.end(),
                         [](const auto& v) {
                           return v.name ==
                                      "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1."
                                      "WANIPConnection.1.ExternalIPAddress" &&
                                  v.value == "100.96.0.4";
                         }),
            list.end());
}

// --- Session flow
// ------------------------------------------------------------------------------------

TEST_F(SessionTest, AnswersEveryAcsRequestEchoingItsIdAndEndsOn204) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
  ASSERT_FALSE(step.done);
  EXPECT_FALSE(step.to_send.has_value());  // the empty POST
  step = s.onResponse(
      200, fromAcs(cwmp::GetParameterValues{{"Device.LAN.MTU"}}, std::nullopt, "77"), t0());
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_EQ(step.to_send->header.id, "77");
  EXPECT_TRUE(std::holds_alternative<cwmp::GetParameterValuesResponse>(step.to_send->body));
  step = s.onResponse(
      200, fromAcs(cwmp::GetParameterNames{"Device.Nope.", false}, std::nullopt, "78"), t0());
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_EQ(step.to_send->header.id, "78");
  EXPECT_EQ(test::faultCode(step.to_send->body), 9005u);
  step = s.onResponse(204, std::nullopt, t0());
  EXPECT_TRUE(step.done);
  EXPECT_FALSE(step.failed);
  AfterSession after = s.finish(t0(), rng_);
  EXPECT_TRUE(after.success);
  EXPECT_EQ(after.rpcs_answered, 2u);
  EXPECT_EQ(after.faults_sent, 1u);
  EXPECT_FALSE(after.retry_at.has_value());
  // Boot events are delivered: the next wake-up is the periodic inform, 600 s after boot.
  EXPECT_EQ(after.next_wakeup, at(600));
  EXPECT_FALSE(after.start_new_session);
}

TEST_F(SessionTest, AnEmpty200EndsTheSessionLikeA204) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
  Step step = s.onResponse(200, std::nullopt, t0());
  EXPECT_TRUE(step.done);
  EXPECT_FALSE(step.failed);
}

TEST_F(SessionTest, UndecodableAcsRequestGetsTheMatchingFault) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
  cwmp::Error unknown;
  unknown.code = cwmp::ErrorCode::UnknownMethod;
  unknown.message = "unknown method X_ACME_Teleport";
  unknown.header_id = "acs-7";  // the Header decoded: the fault echoes its ID
  Step step = s.onUndecodable(200, unknown, t0());
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_EQ(test::faultCode(step.to_send->body), 9000u);
  EXPECT_EQ(step.to_send->header.id, std::optional<std::string>("acs-7"));
  cwmp::Error bad;
  bad.code = cwmp::ErrorCode::InvalidValue;
  step = s.onUndecodable(200, bad, t0());
  EXPECT_EQ(test::faultCode(step.to_send->body), 9003u);
  EXPECT_FALSE(step.to_send->header.id.has_value());
}

TEST_F(SessionTest, ProtocolViolationsFailTheSession) {
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    Step step = s.onResponse(200, fromAcs(cwmp::GetParameterValues{{"Device."}}), t0());
    EXPECT_TRUE(step.failed);  // a request instead of the InformResponse
  }
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    EXPECT_TRUE(s.onResponse(204, std::nullopt, t0()).failed);  // no InformResponse
  }
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    EXPECT_TRUE(s.onResponse(401, std::nullopt, t0()).failed);
  }
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
    EXPECT_TRUE(s.onResponse(500, std::nullopt, t0()).failed);
  }
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
    EXPECT_TRUE(s.onResponse(200, fromAcs(cwmp::makeFault(8002)), t0()).failed);
  }
  {
    CpeSession s(device_, *profile_);
    s.start(t0());
    cwmp::Envelope reply = fromAcs(cwmp::InformResponse{});
    reply.header.use_cwmp_version = "1.5";
    EXPECT_TRUE(s.onResponse(200, reply, t0()).failed);
  }
}

TEST_F(SessionTest, UseCwmpVersionIsAdopted) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  cwmp::Envelope reply = fromAcs(cwmp::InformResponse{});
  reply.header.use_cwmp_version = "1.3";
  EXPECT_FALSE(s.onResponse(200, reply, t0()).failed);
  EXPECT_EQ(s.version(), "1.3");
}

// --- Retries
// ---------------------------------------------------------------------------------------------

TEST(RetryWaitRange, DefaultsFollowTheTable) {
  const double expected[][2] = {{5, 10},      {10, 20},     {20, 40},     {40, 80},
                                {80, 160},    {160, 320},   {320, 640},   {640, 1280},
                                {1280, 2560}, {2560, 5120}, {2560, 5120}, {2560, 5120}};
  for (std::uint32_t n = 1; n <= 12; ++n) {
    WaitRange r = retryWaitRange(n, 5, 2000);
    EXPECT_DOUBLE_EQ(r.min_seconds, expected[n - 1][0]) << "retry " << n;
    EXPECT_DOUBLE_EQ(r.max_seconds, expected[n - 1][1]) << "retry " << n;
  }
}

TEST(RetryWaitRange, CustomMinimumAndMultiplier) {
  WaitRange r1 = retryWaitRange(1, 10, 2500);
  EXPECT_DOUBLE_EQ(r1.min_seconds, 10);
  EXPECT_DOUBLE_EQ(r1.max_seconds, 25);
  WaitRange r2 = retryWaitRange(2, 10, 2500);
  EXPECT_DOUBLE_EQ(r2.min_seconds, 25);
  EXPECT_DOUBLE_EQ(r2.max_seconds, 62.5);
  WaitRange r3 = retryWaitRange(3, 10, 2500);
  EXPECT_DOUBLE_EQ(r3.min_seconds, 62.5);
  EXPECT_DOUBLE_EQ(r3.max_seconds, 156.25);
  // k = 1000 keeps the wait flat; values out of range are clamped into it.
  EXPECT_DOUBLE_EQ(retryWaitRange(7, 30, 1000).max_seconds, 30);
  EXPECT_DOUBLE_EQ(retryWaitRange(1, 0, 500).min_seconds, 1);
  EXPECT_DOUBLE_EQ(retryWaitRange(1, 0, 500).max_seconds, 1);
  EXPECT_DOUBLE_EQ(retryWaitRange(0, 5, 2000).min_seconds, 5);
}

TEST(RetryWaitRange, DrawsStayInsideTheRangeAndSpreadOverIt) {
  Rng rng(7);
  WaitRange r = retryWaitRange(2, 5, 2000);
  std::int64_t lo = INT64_MAX;
  std::int64_t hi = 0;
  for (int i = 0; i < 500; ++i) {
    auto ms = drawWait(r, rng).count();
    EXPECT_GE(ms, 10000);
    EXPECT_LE(ms, 20000);
    lo = std::min(lo, ms);
    hi = std::max(hi, ms);
  }
  EXPECT_LT(lo, 11000);
  EXPECT_GT(hi, 19000);
}

TEST_F(SessionTest, FaultToInformFailsTheSessionKeepsEventsAndRetriesByTheTable) {
  for (std::uint32_t attempt = 1; attempt <= 3; ++attempt) {
    TimePoint now = at(1000 * attempt);
    device_.poll(*profile_, now);
    CpeSession s(device_, *profile_);
    cwmp::Inform inform = informOf(s.start(now));
    EXPECT_EQ(inform.retry_count, attempt - 1);
    EXPECT_EQ(codes(inform.event)[0], "0 BOOTSTRAP");
    Step step = s.onResponse(200, fromAcs(cwmp::makeFault(8005)), now);
    EXPECT_TRUE(step.done);
    EXPECT_TRUE(step.failed);
    AfterSession after = s.finish(now, rng_);
    EXPECT_FALSE(after.success);
    EXPECT_EQ(after.retry_count, attempt);
    ASSERT_TRUE(after.retry_at.has_value());
    WaitRange r = retryWaitRange(attempt, 5, 2000);
    auto wait = std::chrono::duration<double>(*after.retry_at - now).count();
    EXPECT_GE(wait, r.min_seconds);
    EXPECT_LE(wait, r.max_seconds);
    EXPECT_EQ(after.next_wakeup, after.retry_at);
    EXPECT_FALSE(
        device_.poll(*profile_, *after.retry_at - std::chrono::milliseconds(1)).start_session);
  }
  // A success resets RetryCount.
  device_.poll(*profile_, at(5000));
  AfterSession ok = session(at(5000));
  EXPECT_TRUE(ok.success);
  EXPECT_EQ(device_.retryCount(), 0u);
}

TEST_F(SessionTest, RetryUsesTheRetryParametersOfTheModel) {
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.CWMPRetryMinimumWaitInterval", "10", ""},
                        {"Device.ManagementServer.CWMPRetryIntervalMultiplier", "2500", ""}};
  session(t0(), {spv});
  device_.connectionRequest();
  for (std::uint32_t n = 1; n <= 2; ++n) {
    CpeSession s(device_, *profile_);
    s.start(at(100 * n));
    s.onTransportError("connection refused");
    AfterSession after = s.finish(at(100 * n), rng_);
    WaitRange r = retryWaitRange(n, 10, 2500);
    auto wait = std::chrono::duration<double>(*after.retry_at - at(100 * n)).count();
    EXPECT_GE(wait, r.min_seconds);
    EXPECT_LE(wait, r.max_seconds);
  }
}

TEST_F(SessionTest, ConnectionRequestIsNotRetriedAfterAFailedSession) {
  session(t0());  // deliver the boot events
  device_.connectionRequest();
  DueWork due = device_.poll(*profile_, at(10));
  EXPECT_TRUE(due.start_session);
  CpeSession s(device_, *profile_);
  EXPECT_EQ(codes(informOf(s.start(at(10))).event),
            (std::vector<std::string>{"6 CONNECTION REQUEST"}));
  s.onTransportError("timeout");
  AfterSession after = s.finish(at(10), rng_);
  ASSERT_TRUE(after.retry_at);
  // Nothing is left to deliver: the wake-up is the periodic inform, not the retry of a CR.
  device_.poll(*profile_, *after.retry_at);
  CpeSession retry(device_, *profile_);
  auto inform = informOf(retry.start(*after.retry_at));
  EXPECT_TRUE(inform.event.empty());
  EXPECT_EQ(inform.retry_count, 1u);
}

TEST_F(SessionTest, BootstrapSurvivesRebootsUntilDelivered) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  s.onTransportError("unreachable");
  s.finish(t0(), rng_);
  device_.powerOn(*profile_, at(50));
  CpeSession again(device_, *profile_);
  auto inform = informOf(again.start(at(50)));
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP", "1 BOOT"}));
  EXPECT_EQ(inform.retry_count, 0u);  // reset by the reboot
}

// --- Periodic and scheduled informs
// --------------------------------------------------------------------

TEST_F(SessionTest, PeriodicInformFollowsIntervalAndPhaseChangesAtOnce) {
  session(t0());
  EXPECT_EQ(device_.nextPeriodicInform(*profile_, t0()), at(600));
  DueWork due = device_.poll(*profile_, at(600));
  EXPECT_TRUE(due.start_session);
  cwmp::Inform inform;
  session(at(600), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"2 PERIODIC"}));
  EXPECT_EQ(device_.nextPeriodicInform(*profile_, at(600)), at(1200));
  // The ACS changes the interval and sets a phase: the next time moves at once.
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.PeriodicInformInterval", "300", ""},
                        {"Device.ManagementServer.PeriodicInformTime", "2024-03-01T12:11:40Z", ""}};
  session(at(610), {spv});
  // Phase 12:11:40 + n * 300 s; the first after 12:10:00 (the last periodic) is 12:11:40.
  EXPECT_EQ(device_.nextPeriodicInform(*profile_, at(610)), at(700));
  cwmp::SetParameterValues off;
  off.parameter_list = {{"Device.ManagementServer.PeriodicInformEnable", "false", ""}};
  session(at(620), {off});
  EXPECT_FALSE(device_.nextPeriodicInform(*profile_, at(620)).has_value());
}

TEST_F(SessionTest, ScheduleInformComesBackAsScheduledWithItsCommandKey) {
  session(t0(), {cwmp::ScheduleInform{30, "sched-1"}});
  EXPECT_EQ(device_.nextWakeup(*profile_, t0()), at(30));
  EXPECT_FALSE(device_.poll(*profile_, at(29)).start_session);
  EXPECT_TRUE(device_.poll(*profile_, at(30)).start_session);
  cwmp::Inform inform;
  session(at(30), {}, &inform);
  EXPECT_EQ(codes(inform.event),
            (std::vector<std::string>{"3 SCHEDULED", "M ScheduleInform/sched-1"}));
}

// --- Value changes
// ------------------------------------------------------------------------------------------

TEST_F(SessionTest, PassiveAndActiveNotificationReportExternalChanges) {
  cwmp::SetParameterAttributes spa;
  spa.parameter_list.push_back({"Device.LAN.MTU", true, 1, false, {}});
  spa.parameter_list.push_back({"Device.LAN.Enable", true, 2, false, {}});
  session(t0(), {spa});
  // Passive: no session of its own, reported with the next one.
  auto passive = device_.changeValue(*profile_, "Device.LAN.MTU", "1400", at(5));
  ASSERT_TRUE(passive.ok());
  EXPECT_FALSE(*passive);
  EXPECT_FALSE(device_.poll(*profile_, at(5)).start_session);
  // Active: the fleet should open a session now.
  auto active = device_.changeValue(*profile_, "Device.LAN.Enable", "false", at(6));
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(*active);
  EXPECT_EQ(device_.nextWakeup(*profile_, at(6)), at(6));
  EXPECT_TRUE(device_.poll(*profile_, at(6)).start_session);
  cwmp::Inform inform;
  session(at(6), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"4 VALUE CHANGE"}));
  auto find = [&](const std::string& name) {
    return std::find_if(inform.parameter_list.begin(), inform.parameter_list.end(),
                        [&](const auto& p) { return p.name == name; });
  };
  ASSERT_NE(find("Device.LAN.MTU"), inform.parameter_list.end());
  EXPECT_EQ(find("Device.LAN.MTU")->value, "1400");
  ASSERT_NE(find("Device.LAN.Enable"), inform.parameter_list.end());
  // Delivered: the next periodic inform has no value change.
  device_.poll(*profile_, at(600));
  cwmp::Inform next;
  session(at(600), {}, &next);
  EXPECT_EQ(codes(next.event), (std::vector<std::string>{"2 PERIODIC"}));
}

TEST_F(SessionTest, ChangesMadeByTheAcsRaiseNoValueChange) {
  cwmp::SetParameterAttributes spa;
  spa.parameter_list.push_back({"Device.LAN.MTU", true, 2, false, {}});
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.MTU", "1300", ""}};
  AfterSession after = session(t0(), {spa, spv});
  EXPECT_FALSE(after.start_new_session);
  EXPECT_FALSE(device_.poll(*profile_, at(1)).start_session);
  // An external change made during a session, then overwritten by the ACS in the same
  // session, is not reported: the value the ACS set is the one the device has.
  CpeSession s(device_, *profile_);
  s.start(at(2));
  ASSERT_TRUE(device_.changeValue(*profile_, "Device.LAN.MTU", "1350", at(2)).ok());
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(2));
  s.onResponse(200, fromAcs(spv), at(2));
  s.onResponse(204, std::nullopt, at(2));
  AfterSession again = s.finish(at(2), rng_);
  EXPECT_FALSE(again.start_new_session);
  device_.poll(*profile_, at(600));
  cwmp::Inform next;
  session(at(600), {}, &next);
  EXPECT_EQ(codes(next.event), (std::vector<std::string>{"2 PERIODIC"}));
}

TEST_F(SessionTest, ExternalChangesAreValidated) {
  EXPECT_FALSE(device_.changeValue(*profile_, "Device.LAN.Nope", "1", t0()).ok());
  EXPECT_FALSE(device_.changeValue(*profile_, "Device.LAN.MTU", "big", t0()).ok());
  EXPECT_FALSE(device_.changeValue(*profile_, "Device.LAN.MTU", "100", t0()).ok());
  // Read-only parameters can change on the device itself.
  EXPECT_TRUE(device_.changeValue(*profile_, "Device.LAN.IPAddress", "10.9.9.9", t0()).ok());
}

TEST_F(SessionTest, ChangesDuringASessionWaitForTheNextOne) {
  cwmp::SetParameterAttributes spa;
  spa.parameter_list.push_back({"Device.LAN.Enable", true, 2, false, {}});
  session(t0(), {spa});
  CpeSession s(device_, *profile_);
  s.start(at(10));
  ASSERT_TRUE(device_.changeValue(*profile_, "Device.LAN.Enable", "false", at(10)).ok());
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(10));
  s.onResponse(204, std::nullopt, at(10));
  AfterSession after = s.finish(at(10), rng_);
  EXPECT_TRUE(after.start_new_session);
  cwmp::Inform inform;
  session(at(11), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"4 VALUE CHANGE"}));
}

// --- Reboot and factory reset
// --------------------------------------------------------------------------------

TEST_F(SessionTest, RebootHappensAfterTheSessionAndComesBackWithBootAndMReboot) {
  session(t0());
  AfterSession after = session(at(100), {cwmp::Reboot{"rb-7"}});
  EXPECT_TRUE(after.success);
  EXPECT_TRUE(after.rebooting);
  EXPECT_TRUE(device_.rebooting());
  EXPECT_EQ(after.next_wakeup, at(100));  // reboot_seconds 0
  DueWork due = device_.poll(*profile_, at(130));
  EXPECT_TRUE(due.booted);
  EXPECT_TRUE(due.start_session);
  EXPECT_FALSE(device_.rebooting());
  cwmp::Inform inform;
  session(at(130), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"1 BOOT", "M Reboot/rb-7"}));
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.DeviceInfo.UpTime", at(140)), "10");
}

TEST_F(SessionTest, RebootOrderedInAFailedSessionDoesNotHappen) {
  session(t0());
  CpeSession s(device_, *profile_);
  s.start(at(5));
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(5));
  s.onResponse(200, fromAcs(cwmp::Reboot{"x"}), at(5));
  s.onTransportError("reset by peer");
  AfterSession after = s.finish(at(5), rng_);
  EXPECT_FALSE(after.success);
  EXPECT_FALSE(device_.rebooting());
}

TEST_F(SessionTest, FactoryResetRestoresTheModelAndBootstrapsAgain) {
  session(t0());
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.MTU", "1400", ""}};
  spv.parameter_key = "pk";
  session(at(1), {spv, cwmp::AddObject{"Device.LAN.Host.", "pk2"}, cwmp::ScheduleInform{999, "s"}});
  EXPECT_EQ(device_.parameterKey(), "pk2");
  AfterSession after = session(at(2), {cwmp::FactoryReset{}});
  EXPECT_TRUE(after.factory_reset);
  EXPECT_TRUE(after.rebooting);
  device_.poll(*profile_, at(3));
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.MTU", at(3)), "1500");
  EXPECT_FALSE(device_.parameter(*profile_, "Device.LAN.Host.6.Name", at(3)).ok());
  EXPECT_EQ(device_.parameterKey(), "");
  cwmp::Inform inform;
  session(at(3), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP", "1 BOOT"}));
  // The scheduled inform went with the reset.
  EXPECT_EQ(device_.nextWakeup(*profile_, at(3)), at(603));
}

TEST_F(SessionTest, NewAcsUrlMeansBootstrapToTheNewAcsAtOnce) {
  session(t0());
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.URL", "http://other.example/acs", ""}};
  AfterSession after = session(at(1), {spv});
  EXPECT_TRUE(after.start_new_session);
  EXPECT_EQ(device_.managementServer(*profile_, at(1)).url, "http://other.example/acs");
  cwmp::Inform inform;
  session(at(1), {}, &inform);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP"}));
}

TEST_F(SessionTest, NewAcsUrlSetInAFailedSessionStillBootstraps) {
  session(t0());
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.URL", "http://other.example/acs", ""}};
  CpeSession s(device_, *profile_);
  s.start(at(1));
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(1));
  s.onResponse(200, fromAcs(spv), at(1));
  s.onTransportError("connection reset");
  AfterSession after = s.finish(at(1), rng_);
  ASSERT_TRUE(after.retry_at.has_value());
  device_.poll(*profile_, *after.retry_at);
  CpeSession retry(device_, *profile_);
  auto inform = informOf(retry.start(*after.retry_at));
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP"}));
}

// --- Transfers and TransferComplete
// -----------------------------------------------------------------------------

cwmp::Download configDownload(std::string key) {
  cwmp::Download d;
  d.command_key = std::move(key);
  d.file_type = "3 Vendor Configuration File";
  d.url = "http://files.example/c.xml";
  return d;
}

TEST_F(SessionTest, DownloadCompletesWithTransferCompleteInTheNextSession) {
  session(t0());
  session(at(10), {configDownload("dl-1")});
  DueWork due = device_.poll(*profile_, at(10));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  const TransferJob job = due.start_transfers[0];
  EXPECT_EQ(job.state, 2);
  EXPECT_TRUE(device_.completeTransfer(*profile_, job, 0, "", at(11), at(12)));
  EXPECT_FALSE(device_.completeTransfer(*profile_, job, 0, "", at(11), at(12)));  // once
  EXPECT_TRUE(device_.poll(*profile_, at(12)).start_session);

  CpeSession s(device_, *profile_);
  auto inform = informOf(s.start(at(12)));
  EXPECT_EQ(codes(inform.event),
            (std::vector<std::string>{"7 TRANSFER COMPLETE", "M Download/dl-1"}));
  Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(12));
  ASSERT_TRUE(step.to_send.has_value());
  const auto& tc = std::get<cwmp::TransferComplete>(step.to_send->body);
  EXPECT_EQ(tc.command_key, "dl-1");
  EXPECT_EQ(tc.fault_struct, (cwmp::FaultStruct{0, ""}));
  EXPECT_EQ(tc.start_time, "2024-03-01T12:00:11Z");
  EXPECT_EQ(tc.complete_time, "2024-03-01T12:00:12Z");
  step = s.onResponse(200, fromAcs(cwmp::TransferCompleteResponse{}), at(12));
  EXPECT_FALSE(step.to_send.has_value());  // empty POST
  s.onResponse(204, std::nullopt, at(12));
  s.finish(at(12), rng_);
  EXPECT_TRUE(device_.pendingTransferCompletes().empty());
}

TEST_F(SessionTest, FailedDownloadReportsItsFaultWithUnknownTimes) {
  session(t0());
  session(at(1), {configDownload("dl-bad")});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.completeTransfer(*profile_, job, 9016, "", TimePoint{}, TimePoint{});
  auto pending = device_.pendingTransferCompletes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].fault_struct.fault_code, 9016u);
  EXPECT_FALSE(pending[0].fault_struct.fault_string.empty());
  EXPECT_EQ(pending[0].start_time, cwmp::kUnknownTime);
}

TEST_F(SessionTest, HoldRequestsDefersTransferCompleteUntilTheAcsIsDone) {
  session(t0());
  session(at(1), {configDownload("held")});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.completeTransfer(*profile_, job, 0, "", at(1), at(2));
  CpeSession s(device_, *profile_);
  s.start(at(3));
  Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}, true), at(3));
  EXPECT_TRUE(s.holdRequests());
  EXPECT_FALSE(step.to_send.has_value());  // empty POST instead of TransferComplete
  step = s.onResponse(200, fromAcs(cwmp::GetParameterValues{{"Device.LAN.MTU"}}, true), at(3));
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_TRUE(std::holds_alternative<cwmp::GetParameterValuesResponse>(step.to_send->body));
  // The ACS is done: the held TransferComplete goes out before the session can end.
  step = s.onResponse(204, std::nullopt, at(3));
  EXPECT_FALSE(step.done);
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_TRUE(std::holds_alternative<cwmp::TransferComplete>(step.to_send->body));
  step = s.onResponse(200, fromAcs(cwmp::TransferCompleteResponse{}), at(3));
  EXPECT_FALSE(step.to_send.has_value());
  step = s.onResponse(204, std::nullopt, at(3));
  EXPECT_TRUE(step.done);
  EXPECT_TRUE(s.finish(at(3), rng_).success);
  EXPECT_TRUE(device_.pendingTransferCompletes().empty());
}

TEST_F(SessionTest, Fault8005ToTransferCompleteKeepsItForALaterSession) {
  session(t0());
  session(at(1), {configDownload("again")});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.completeTransfer(*profile_, job, 0, "", at(1), at(2));
  {
    CpeSession s(device_, *profile_);
    s.start(at(3));
    Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(3));
    ASSERT_TRUE(std::holds_alternative<cwmp::TransferComplete>(step.to_send->body));
    step = s.onResponse(200, fromAcs(cwmp::makeFault(8005)), at(3));
    EXPECT_FALSE(step.done);
    EXPECT_FALSE(step.to_send.has_value());  // carries on with the empty POST
    step = s.onResponse(204, std::nullopt, at(3));
    EXPECT_TRUE(step.done);
    AfterSession after = s.finish(at(3), rng_);
    EXPECT_TRUE(after.success);
    // Not retried at once: it waits for the next session.
    EXPECT_FALSE(after.start_new_session);
  }
  ASSERT_EQ(device_.pendingTransferCompletes().size(), 1u);
  device_.poll(*profile_, at(600));
  CpeSession s(device_, *profile_);
  auto inform = informOf(s.start(at(600)));
  EXPECT_EQ(codes(inform.event),
            (std::vector<std::string>{"2 PERIODIC", "7 TRANSFER COMPLETE", "M Download/again"}));
  Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(600));
  ASSERT_TRUE(step.to_send.has_value());
  EXPECT_EQ(std::get<cwmp::TransferComplete>(step.to_send->body).command_key, "again");
}

TEST_F(SessionTest, OtherFaultsToTransferCompleteDropIt) {
  session(t0());
  session(at(1), {configDownload("refused")});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.completeTransfer(*profile_, job, 0, "", at(1), at(2));
  CpeSession s(device_, *profile_);
  s.start(at(3));
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(3));
  Step step = s.onResponse(200, fromAcs(cwmp::makeFault(8003)), at(3));
  EXPECT_FALSE(step.to_send.has_value());
  s.onResponse(204, std::nullopt, at(3));
  s.finish(at(3), rng_);
  EXPECT_TRUE(device_.pendingTransferCompletes().empty());
}

TEST_F(SessionTest, FirmwareDownloadUpgradesRebootsAndReportsInOneInform) {
  session(t0());
  cwmp::Download fw;
  fw.command_key = "fw-2";
  fw.file_type = "1 Firmware Upgrade Image";
  fw.url = "http://files.example/images/acme-2.0.1.bin?token=1";
  session(at(1), {fw});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.completeTransfer(*profile_, job, 0, "", at(2), at(20));
  EXPECT_TRUE(device_.rebooting());
  EXPECT_FALSE(device_.poll(*profile_, at(19)).start_session);
  DueWork due = device_.poll(*profile_, at(20));
  EXPECT_TRUE(due.booted);
  cwmp::Inform inform;
  session(at(20), {}, &inform);
  EXPECT_EQ(codes(inform.event),
            (std::vector<std::string>{"1 BOOT", "7 TRANSFER COMPLETE", "M Download/fw-2"}));
  auto sv =
      std::find_if(inform.parameter_list.begin(), inform.parameter_list.end(),
                   [](const auto& p) { return p.name == "Device.DeviceInfo.SoftwareVersion"; });
  ASSERT_NE(sv, inform.parameter_list.end());
  EXPECT_EQ(sv->value, "acme-2.0.1");
}

TEST_F(SessionTest, UploadCompletionUsesMUpload) {
  session(t0());
  cwmp::Upload up;
  up.command_key = "up";
  up.file_type = "2 Vendor Log File";
  up.url = "http://files.example/logs/";
  session(at(1), {up});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  EXPECT_FALSE(job.is_download);
  device_.completeTransfer(*profile_, job, 9011, "server said 500", at(1), at(2));
  auto content = device_.informContent(*profile_, at(3));
  EXPECT_EQ(codes(content.events),
            (std::vector<std::string>{"7 TRANSFER COMPLETE", "M Upload/up"}));
  EXPECT_EQ(device_.pendingTransferCompletes()[0].fault_struct.fault_string, "server said 500");
}

TEST_F(SessionTest, TransfersSurviveAPowerCycle) {
  session(t0());
  session(at(1), {configDownload("cut")});
  auto job = device_.poll(*profile_, at(1)).start_transfers.at(0);
  device_.powerOn(*profile_, at(5));  // power lost mid-transfer
  DueWork due = device_.poll(*profile_, at(5));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  EXPECT_EQ(due.start_transfers[0].id, job.id);
}

// --- Quirks on events
// -------------------------------------------------------------------------------------------------

TEST(SessionQuirks, NonStandardEventCombinations) {
  auto spec = parseProfileYaml(test::smallProfileYaml(), "s.yaml");
  ASSERT_TRUE(spec.ok());
  spec->quirks.extra_events = {"X 00A0C9 Hello"};
  spec->quirks.omitted_events = {"1 BOOT"};
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok());
  Device d = test::bootedDevice(**p);
  Rng rng(1);
  CpeSession s(d, **p);
  auto inform = informOf(s.start(t0()));
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"0 BOOTSTRAP", "X 00A0C9 Hello"}));
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
  s.onResponse(204, std::nullopt, t0());
  AfterSession after = s.finish(t0(), rng);
  // The omitted BOOT is dropped rather than waiting forever.
  EXPECT_FALSE(after.start_new_session);
  EXPECT_EQ(after.next_wakeup, test::at(600));
}

TEST_F(SessionTest, FinishTwiceIsReportedAndHarmless) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  s.onResponse(200, fromAcs(cwmp::InformResponse{}), t0());
  s.onResponse(204, std::nullopt, t0());
  EXPECT_TRUE(s.finish(t0(), rng_).success);
  AfterSession twice = s.finish(t0(), rng_);
  EXPECT_FALSE(twice.success);
  EXPECT_FALSE(twice.retry_at.has_value());
  EXPECT_EQ(device_.retryCount(), 0u);
}

TEST_F(SessionTest, AbandonedSessionCountsAsFailed) {
  CpeSession s(device_, *profile_);
  s.start(t0());
  AfterSession after = s.finish(t0(), rng_);
  EXPECT_FALSE(after.success);
  EXPECT_TRUE(after.retry_at.has_value());
  EXPECT_EQ(device_.retryCount(), 1u);
}

}  // namespace
}  // namespace cpesim
