// ChangeDUState on the CPE side: deployment units as instances of
// Device.SoftwareModules.DeploymentUnit.{i}., operations in request order, per-operation
// faults, downloads through transfer jobs, 11 DU STATE CHANGE COMPLETE + M ChangeDUState
// and DUStateChangeComplete kept until delivered (checklist 4.3, 4.4, 5.2, 6).

#include <algorithm>

#include "profile/profile_loader.h"
#include "session/cpe_session.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::at;
using test::faultCode;
using test::t0;

constexpr const char* kBaseUuid = "6ba7b810-9dad-51d1-80b4-00c04fd430c8";

std::string profileYaml(const std::string& rpcs, std::uint32_t max_units = 4) {
  return R"(
name: apps
seed: 3
device_id: {oui: "00A0C9", serial: "AP{index:04}"}
)" + rpcs +
         R"(
model:
  Device.:
    DeviceInfo.:
      SerialNumber: {type: string, value: "{serial}", forced: true}
    ManagementServer.:
      URL: {type: string(256), value: "http://acs.example/", writable: true}
      ParameterKey: {type: string(32), value: "", forced: true}
    SoftwareModules.:
      ExecEnv.{i}.:
        instances: [1, 2]
        values:
          2: {Enable: "false", Name: "sandbox"}
        Enable: {type: boolean, value: "true"}
        Name: {type: string, value: "linux"}
      DeploymentUnit.{i}.:
        instances: [1]
        max_instances: )" +
         std::to_string(max_units) + R"(
        values:
          1: {UUID: ")" +
         kBaseUuid + R"(", Name: "base", Version: "2.0",
              URL: "http://files.example/base-2.0.ipk", Status: "Installed",
              ExecutionEnvRef: "Device.SoftwareModules.ExecEnv.1"}
        UUID: {type: string(36), value: ""}
        Name: {type: string(64), value: ""}
        Version: {type: string(32), value: ""}
        Status: {type: string, value: "Installing"}
        Resolved: {type: boolean, value: "false"}
        URL: {type: string(1024), value: ""}
        ExecutionEnvRef: {type: string, value: ""}
)";
}

ProfilePtr appsProfile(std::uint32_t max_units = 4) {
  auto p = loadProfileYaml(profileYaml("rpcs: [GetParameterValues, ChangeDUState, Download, "
                                       "CancelTransfer, GetAllQueuedTransfers]",
                                       max_units),
                           "apps.yaml");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : nullptr;
}

cwmp::InstallOpStruct install(std::string url, std::optional<std::string> uuid = std::nullopt,
                              std::string env = {}) {
  cwmp::InstallOpStruct op;
  op.url = std::move(url);
  op.uuid = std::move(uuid);
  op.execution_env_ref = std::move(env);
  return op;
}

cwmp::UpdateOpStruct update(std::optional<std::string> uuid, std::optional<std::string> url) {
  cwmp::UpdateOpStruct op;
  op.uuid = std::move(uuid);
  op.url = std::move(url);
  return op;
}

cwmp::UninstallOpStruct uninstall(std::string uuid) {
  cwmp::UninstallOpStruct op;
  op.uuid = std::move(uuid);
  return op;
}

cwmp::Envelope fromAcs(cwmp::Body body) {
  cwmp::Envelope e;
  e.header.id = "acs-1";
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

class SoftwareModulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile_ = appsProfile();
    ASSERT_TRUE(profile_);
    device_ = test::bootedDevice(*profile_);
    settle(t0());
  }

  cwmp::Body exec(cwmp::Body request, TimePoint now = t0()) {
    return test::run(device_, *profile_, std::move(request), now);
  }

  cwmp::Body change(std::vector<cwmp::DuOperation> ops, std::string key = "cdus") {
    cwmp::ChangeDUState req;
    req.operations = std::move(ops);
    req.command_key = std::move(key);
    return exec(std::move(req));
  }

  // A session that delivers the Inform and acknowledges every request the device sends.
  cwmp::Inform settle(TimePoint now) {
    CpeSession s(device_, *profile_);
    cwmp::Inform inform = std::get<cwmp::Inform>(s.start(now).body);
    Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), now);
    while (!step.done && step.to_send) {
      const auto& body = step.to_send->body;
      if (std::holds_alternative<cwmp::DUStateChangeComplete>(body)) {
        sent_.push_back(std::get<cwmp::DUStateChangeComplete>(body));
        step = s.onResponse(200, fromAcs(cwmp::DUStateChangeCompleteResponse{}), now);
      } else {
        step = s.onResponse(200, fromAcs(cwmp::TransferCompleteResponse{}), now);
      }
    }
    step = s.onResponse(204, std::nullopt, now);
    EXPECT_TRUE(step.done && !step.failed) << step.error;
    s.finish(now, rng_);
    return inform;
  }

  // Polls at `now` and finishes every download it starts with `fault`, until no operation
  // is left. Returns the URLs fetched, in order.
  std::vector<std::string> runOperations(TimePoint now, std::uint32_t fault = 0) {
    std::vector<std::string> urls;
    for (int guard = 0; guard < 20; ++guard) {
      DueWork due = device_.poll(*profile_, now);
      if (due.start_transfers.empty()) break;
      for (const auto& job : due.start_transfers) {
        EXPECT_TRUE(job.du_operation);
        EXPECT_TRUE(job.is_download);
        urls.push_back(job.url);
        EXPECT_TRUE(device_.completeTransfer(*profile_, job, fault, "", now, now));
      }
    }
    return urls;
  }

  std::string value(const std::string& name) {
    auto v = device_.parameter(*profile_, name, t0());
    return v.ok() ? v->value : "<" + name + " missing>";
  }
  bool exists(const std::string& name) { return device_.parameter(*profile_, name, t0()).ok(); }

  ProfilePtr profile_;
  Device device_{0};
  Rng rng_{7};
  std::vector<cwmp::DUStateChangeComplete> sent_;
};

TEST(SoftwareModulesProfile, ChangeDUStateNeedsTheDeploymentUnitTable) {
  auto p = loadProfileYaml("name: t\nrpcs: [ChangeDUState]\nmodel: {Device.: {DeviceInfo.: {}}}\n",
                           "t.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("Device.SoftwareModules.DeploymentUnit.{i}."), std::string::npos)
      << p.error().message;
  // The table without Version is refused too.
  std::string yaml = profileYaml("rpcs: [ChangeDUState]");
  yaml.erase(yaml.find("        Version: {type: string(32)"),
             std::string("        Version: {type: string(32), value: \"\"}\n").size());
  auto q = loadProfileYaml(yaml, "t.yaml");
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message.find("Version"), std::string::npos) << q.error().message;
}

TEST(SoftwareModulesProfile, WithoutDeclaringItTheMethodGets9000) {
  auto p = loadProfileYaml(profileYaml(""), "t.yaml");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_FALSE((*p)->supports("ChangeDUState"));
  Device d = test::bootedDevice(**p);
  cwmp::ChangeDUState req;
  req.operations.emplace_back(install("http://files.example/a-1.0.ipk"));
  EXPECT_EQ(faultCode(test::run(d, **p, req)), 9000u);
  auto declared = appsProfile();
  ASSERT_TRUE(declared);
  EXPECT_TRUE(declared->supports("ChangeDUState"));
  const auto& list = declared->rpcMethods();
  EXPECT_NE(std::find(list.begin(), list.end(), "ChangeDUState"), list.end());
}

TEST(SoftwareModulesProfile, ShippedTr181GatewayInstallsAndUninstalls) {
  auto p = test::shippedProfile("tr181-gateway");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->supports("ChangeDUState"));
  Device d = test::bootedDevice(*p);
  cwmp::ChangeDUState req;
  req.command_key = "apps";
  req.operations.emplace_back(install("http://apps.example/speedtest-2.3.ipk"));
  req.operations.emplace_back(uninstall("3c5b5a7e-2f1d-5a8e-9c41-7d2a60b3e001"));
  ASSERT_EQ(faultCode(test::run(d, *p, req)), 0u);
  DueWork due = d.poll(*p, at(1));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  ASSERT_TRUE(d.completeTransfer(*p, due.start_transfers[0], 0, "", at(1), at(2)));
  d.poll(*p, at(2));
  auto pending = d.pendingDuStateChangeCompletes();
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_EQ(pending[0].results.size(), 2u);
  EXPECT_EQ(pending[0].results[0].deployment_unit_ref, "Device.SoftwareModules.DeploymentUnit.2");
  EXPECT_EQ(pending[0].results[1].current_state, "Uninstalled");
  EXPECT_EQ(test::valueOf(d, *p, "Device.SoftwareModules.DeploymentUnitNumberOfEntries", at(2)),
            "1");
  EXPECT_EQ(test::valueOf(d, *p, "Device.SoftwareModules.DeploymentUnit.2.Name", at(2)),
            "speedtest");
  EXPECT_EQ(test::valueOf(d, *p, "Device.SoftwareModules.DeploymentUnit.2.Version", at(2)), "2.3");
}

TEST_F(SoftwareModulesTest, InstallDownloadsTheFileAndReportsWithDuStateChangeComplete) {
  auto r = change({install("http://files.example/apps/vpn-client-1.4.2.ipk")}, "cdus-1");
  ASSERT_TRUE(std::holds_alternative<cwmp::ChangeDUStateResponse>(r)) << faultCode(r);
  EXPECT_FALSE(exists("Device.SoftwareModules.DeploymentUnit.2.UUID"));  // not before the session
  EXPECT_EQ(device_.pendingDuOperations(), 1u);
  ASSERT_EQ(device_.nextWakeup(*profile_, at(5)), at(5));

  DueWork due = device_.poll(*profile_, at(5));
  EXPECT_FALSE(due.start_session);
  ASSERT_EQ(due.start_transfers.size(), 1u);
  const TransferJob job = due.start_transfers[0];
  EXPECT_TRUE(job.du_operation);
  EXPECT_EQ(job.url, "http://files.example/apps/vpn-client-1.4.2.ipk");
  // The download is not a queued transfer.
  auto queued = exec(cwmp::GetAllQueuedTransfers{});
  EXPECT_TRUE(std::get<cwmp::GetAllQueuedTransfersResponse>(queued).transfer_list.empty());

  EXPECT_TRUE(device_.completeTransfer(*profile_, job, 0, "", at(6), at(7)));
  const std::string du = "Device.SoftwareModules.DeploymentUnit.2.";
  EXPECT_EQ(value(du + "Name"), "vpn-client");
  EXPECT_EQ(value(du + "Version"), "1.4.2");
  EXPECT_EQ(value(du + "Status"), "Installed");
  EXPECT_EQ(value(du + "Resolved"), "true");
  EXPECT_EQ(value(du + "URL"), "http://files.example/apps/vpn-client-1.4.2.ipk");
  EXPECT_EQ(value(du + "ExecutionEnvRef"), "Device.SoftwareModules.ExecEnv.1");
  const std::string uuid = value(du + "UUID");
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '5');  // version-5 layout

  EXPECT_TRUE(device_.poll(*profile_, at(7)).start_session);
  cwmp::Inform inform = settle(at(7));
  EXPECT_EQ(codes(inform.event),
            (std::vector<std::string>{"11 DU STATE CHANGE COMPLETE", "M ChangeDUState/cdus-1"}));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].command_key, "cdus-1");
  ASSERT_EQ(sent_[0].results.size(), 1u);
  const auto& res = sent_[0].results[0];
  EXPECT_EQ(res.uuid, uuid);
  EXPECT_EQ(res.deployment_unit_ref, "Device.SoftwareModules.DeploymentUnit.2");
  EXPECT_EQ(res.version, "1.4.2");
  EXPECT_EQ(res.current_state, "Installed");
  EXPECT_TRUE(res.resolved);
  EXPECT_EQ(res.start_time, "2024-03-01T12:00:05Z");
  EXPECT_EQ(res.complete_time, "2024-03-01T12:00:07Z");
  EXPECT_EQ(res.fault.fault_code, 0u);
  // Delivered: gone from the device and from the next Inform.
  EXPECT_TRUE(device_.pendingDuStateChangeCompletes().empty());
  EXPECT_TRUE(codes(settle(at(8)).event).empty());
}

TEST_F(SoftwareModulesTest, OperationsRunInRequestOrderEachWithItsOwnResult) {
  const std::string other = "00000000-0000-5000-8000-000000000000";
  auto r = change({
      install("http://files.example/a-1.0.ipk", "not-a-uuid"),
      install("http://files.example/a-1.0.ipk", std::nullopt, "Device.SoftwareModules.ExecEnv.9"),
      install("http://files.example/a-1.0.ipk", std::nullopt, "Device.SoftwareModules.ExecEnv.2"),
      install("http://files.example/a-1.0.ipk", std::string(kBaseUuid)),
      install("ftp://files.example/a-1.0.ipk"),
      uninstall(other),
      update(std::string(kBaseUuid), "http://files.example/base-2.0.ipk"),
      update(std::string(kBaseUuid), "http://files.example/base-1.9.ipk"),
      update(std::string(kBaseUuid), "http://files.example/base-2.10.ipk"),
      uninstall(kBaseUuid),
  });
  ASSERT_TRUE(std::holds_alternative<cwmp::ChangeDUStateResponse>(r)) << faultCode(r);
  EXPECT_EQ(runOperations(at(1)), (std::vector<std::string>{"http://files.example/base-2.0.ipk",
                                                            "http://files.example/base-1.9.ipk",
                                                            "http://files.example/base-2.10.ipk"}));
  auto pending = device_.pendingDuStateChangeCompletes();
  ASSERT_EQ(pending.size(), 1u);
  const auto& results = pending[0].results;
  ASSERT_EQ(results.size(), 10u);
  std::vector<std::uint32_t> faults;
  std::vector<std::string> states;
  for (const auto& res : results) {
    faults.push_back(res.fault.fault_code);
    states.push_back(res.current_state);
    if (res.fault.fault_code != 0) {
      EXPECT_FALSE(res.fault.fault_string.empty());
    }
  }
  EXPECT_EQ(faults,
            (std::vector<std::uint32_t>{9022, 9023, 9024, 9026, 9013, 9028, 9032, 9030, 0, 0}));
  EXPECT_EQ(states,
            (std::vector<std::string>{"Failed", "Failed", "Failed", "Failed", "Failed", "Failed",
                                      "Installed", "Installed", "Installed", "Uninstalled"}));
  EXPECT_EQ(results[8].version, "2.10");  // 2.10 is newer than 2.0 (numeric segments)
  EXPECT_EQ(results[9].version, "2.10");
  EXPECT_EQ(results[9].deployment_unit_ref, "Device.SoftwareModules.DeploymentUnit.1");
  EXPECT_FALSE(exists("Device.SoftwareModules.DeploymentUnit.1.UUID"));
}

TEST_F(SoftwareModulesTest, DownloadFailuresBecomeDuFaultsAndInstallNothing) {
  change({install("http://files.example/a-1.0.ipk"), install("http://files.example/b-1.0.ipk")});
  DueWork due = device_.poll(*profile_, at(1));
  ASSERT_EQ(due.start_transfers.size(), 1u);  // one at a time
  device_.completeTransfer(*profile_, due.start_transfers[0], 9010, "", at(1), at(2));
  due = device_.poll(*profile_, at(2));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  device_.completeTransfer(*profile_, due.start_transfers[0], 9015, "no route", at(2), at(3));
  auto pending = device_.pendingDuStateChangeCompletes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].results.at(0).fault.fault_code, 9017u);  // not a DU code: 9017
  EXPECT_EQ(pending[0].results.at(1).fault, (cwmp::FaultStruct{9015, "no route"}));
  EXPECT_EQ(pending[0].results.at(1).current_state, "Failed");
  EXPECT_FALSE(exists("Device.SoftwareModules.DeploymentUnit.2.UUID"));
}

TEST_F(SoftwareModulesTest, AFullTableGivesSystemResourcesExceeded) {
  profile_ = appsProfile(2);
  ASSERT_TRUE(profile_);
  device_ = test::bootedDevice(*profile_);
  change({install("http://files.example/a-1.0.ipk"), install("http://files.example/b-1.0.ipk")});
  EXPECT_EQ(runOperations(at(1)).size(), 1u);
  auto results = device_.pendingDuStateChangeCompletes().at(0).results;
  EXPECT_EQ(results.at(0).fault.fault_code, 0u);
  EXPECT_EQ(results.at(1).fault.fault_code, 9027u);
}

TEST_F(SoftwareModulesTest, UpdateWithoutUuidOrUrlUpdatesEveryUnitFromItsOwnUrl) {
  change({install("http://files.example/tools-3.1.ipk")});
  runOperations(at(1));
  settle(at(2));
  ASSERT_TRUE(std::holds_alternative<cwmp::ChangeDUStateResponse>(
      change({update(std::nullopt, std::nullopt)}, "all")));
  // Their own URLs name the versions they have: both report 9032 in table order.
  EXPECT_EQ(runOperations(at(3)), (std::vector<std::string>{"http://files.example/base-2.0.ipk",
                                                            "http://files.example/tools-3.1.ipk"}));
  auto results = device_.pendingDuStateChangeCompletes().at(0).results;
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].uuid, kBaseUuid);
  EXPECT_EQ(results[0].fault.fault_code, 9032u);
  EXPECT_EQ(results[1].fault.fault_code, 9032u);
  // An update whose file names no version: 9031.
  settle(at(4));
  change({update(std::string(kBaseUuid), "http://files.example/base.ipk")});
  runOperations(at(5));
  EXPECT_EQ(device_.pendingDuStateChangeCompletes().at(0).results.at(0).fault.fault_code, 9031u);
}

TEST_F(SoftwareModulesTest, MalformedRequestsAreFaultedAsAWhole) {
  EXPECT_EQ(faultCode(change({})), 9003u);
  EXPECT_EQ(faultCode(change({install("")})), 9003u);
  EXPECT_EQ(faultCode(change({uninstall("")})), 9003u);
  std::vector<cwmp::DuOperation> many(17, install("http://files.example/a-1.0.ipk"));
  EXPECT_EQ(faultCode(change(many)), 9004u);
  EXPECT_EQ(device_.pendingDuOperations(), 0u);  // nothing of a faulted request stays
}

TEST_F(SoftwareModulesTest, DuDownloadsAreNotQueuedTransfers) {
  change({install("http://files.example/a-1.0.ipk")}, "same");
  DueWork due = device_.poll(*profile_, at(1));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  cwmp::CancelTransfer cancel;
  cancel.command_key = "same";
  EXPECT_EQ(faultCode(exec(cancel)), 9003u);  // no transfer with that key
  // The profile queues 16 transfers; the DU download does not take a place.
  for (int i = 0; i < 16; ++i) {
    cwmp::Download d;
    d.command_key = "dl" + std::to_string(i);
    d.file_type = "3 Vendor Configuration File";
    d.url = "http://files.example/c.xml";
    EXPECT_EQ(faultCode(exec(d)), 0u) << i;
  }
}

TEST_F(SoftwareModulesTest, ResultsSurviveStateFilesRebootsAndA8005) {
  change({install("http://files.example/a-1.0.ipk"), uninstall(kBaseUuid)}, "keep");
  DueWork due = device_.poll(*profile_, at(1));
  ASSERT_EQ(due.start_transfers.size(), 1u);
  // Saved while the download runs, then loaded: the job is still the DU operation's.
  auto loaded = Device::load(*profile_, device_.save());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  device_ = std::move(*loaded);
  EXPECT_EQ(device_.save(), Device::load(*profile_, device_.save())->save());
  ASSERT_EQ(device_.transfers().size(), 1u);
  EXPECT_TRUE(device_.transfers()[0].du_operation);
  ASSERT_TRUE(device_.completeTransfer(*profile_, device_.transfers()[0], 0, "", at(2), at(2)));
  runOperations(at(2));  // the uninstall
  ASSERT_EQ(device_.pendingDuStateChangeCompletes().size(), 1u);

  device_.powerOn(*profile_, at(3));  // a reboot keeps them (checklist 6.2)
  auto again = Device::load(*profile_, device_.save());
  ASSERT_TRUE(again.ok()) << again.error().message;
  device_ = std::move(*again);
  auto pending = device_.pendingDuStateChangeCompletes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].results.size(), 2u);
  EXPECT_EQ(pending[0].results[1].current_state, "Uninstalled");

  // 8005 to the DUStateChangeComplete: kept for a later session.
  CpeSession s(device_, *profile_);
  auto inform = std::get<cwmp::Inform>(s.start(at(4)).body);
  EXPECT_EQ(codes(inform.event), (std::vector<std::string>{"1 BOOT", "11 DU STATE CHANGE COMPLETE",
                                                           "M ChangeDUState/keep"}));
  Step step = s.onResponse(200, fromAcs(cwmp::InformResponse{}), at(4));
  ASSERT_TRUE(step.to_send &&
              std::holds_alternative<cwmp::DUStateChangeComplete>(step.to_send->body));
  step = s.onResponse(200, fromAcs(cwmp::makeFault(8005, "retry")), at(4));
  EXPECT_FALSE(step.to_send.has_value());
  s.onResponse(204, std::nullopt, at(4));
  s.finish(at(4), rng_);
  EXPECT_EQ(device_.pendingDuStateChangeCompletes().size(), 1u);
  cwmp::Inform next = settle(at(5));
  EXPECT_EQ(codes(next.event),
            (std::vector<std::string>{"11 DU STATE CHANGE COMPLETE", "M ChangeDUState/keep"}));
  EXPECT_TRUE(device_.pendingDuStateChangeCompletes().empty());
}

TEST_F(SoftwareModulesTest, DamagedDuStateIsRefused) {
  change({install("http://files.example/a-1.0.ipk")});
  device_.poll(*profile_, at(1));
  std::string state = device_.save();
  // The operation names a transfer the line does not have.
  auto t = state.find(" T ");
  auto u = state.find(" U ");
  ASSERT_NE(t, std::string::npos);
  ASSERT_NE(u, std::string::npos);
  std::string without_transfer = state.substr(0, t) + state.substr(u);
  EXPECT_FALSE(Device::load(*profile_, without_transfer).ok());
  EXPECT_FALSE(Device::load(*profile_, state + " O Z 0 0").ok());
  EXPECT_FALSE(Device::load(*profile_, state + " U ~").ok());  // no operations
}

TEST_F(SoftwareModulesTest, FactoryResetForgetsUnitsAndOperations) {
  change({install("http://files.example/a-1.0.ipk")});
  runOperations(at(1));
  ASSERT_TRUE(exists("Device.SoftwareModules.DeploymentUnit.2.UUID"));
  device_.factoryReset(*profile_, at(2));
  EXPECT_FALSE(exists("Device.SoftwareModules.DeploymentUnit.2.UUID"));
  EXPECT_TRUE(exists("Device.SoftwareModules.DeploymentUnit.1.UUID"));
  EXPECT_TRUE(device_.pendingDuStateChangeCompletes().empty());
  EXPECT_EQ(device_.pendingDuOperations(), 0u);
}

}  // namespace
}  // namespace cpesim
