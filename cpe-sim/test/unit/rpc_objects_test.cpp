// AddObject / DeleteObject, Reboot, FactoryReset, ScheduleInform, Download, Upload,
// ScheduleDownload, GetQueuedTransfers, GetAllQueuedTransfers, CancelTransfer.

#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::at;
using test::faultCode;
using test::names;
using test::run;
using test::t0;

class ObjectRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    profile_ = test::smallProfile();
    ASSERT_TRUE(profile_);
    device_ = test::bootedDevice(*profile_);
  }
  cwmp::Body exec(cwmp::Body request, TimePoint now = t0()) {
    return run(device_, *profile_, std::move(request), now);
  }
  std::uint32_t add(const std::string& table, const std::string& key = "add") {
    auto body = exec(cwmp::AddObject{table, key});
    const auto* r = std::get_if<cwmp::AddObjectResponse>(&body);
    EXPECT_TRUE(r) << table << " fault " << faultCode(body);
    return r ? r->instance_number : 0;
  }
  bool exists(const std::string& name) { return device_.parameter(*profile_, name, t0()).ok(); }
  cwmp::Download download(std::string key, std::string type = "3 Vendor Configuration File",
                          std::string url = "http://files.example/cfg.xml") {
    cwmp::Download d;
    d.command_key = std::move(key);
    d.file_type = std::move(type);
    d.url = std::move(url);
    return d;
  }

  ProfilePtr profile_;
  Device device_{0};
};

// --- AddObject / DeleteObject -----------------------------------------------------------------

TEST_F(ObjectRpcTest, AddObjectCreatesAnInstanceWithDefaultsAndSetsTheParameterKey) {
  EXPECT_EQ(add("Device.LAN.Host.", "k-add"), 6u);  // after the profile's 1, 2, 5
  EXPECT_EQ(device_.parameterKey(), "k-add");
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.Host.6.Name"), "host6");
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.Host.6.Active"), "true");
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.Host.6.PortNumberOfEntries"), "0");
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.HostNumberOfEntries"), "4");
  auto table = exec(cwmp::GetParameterNames{"Device.LAN.Host.", true});
  EXPECT_EQ(names(table).back(), "Device.LAN.Host.6.");
  auto inst = exec(cwmp::GetParameterNames{"Device.LAN.Host.6.", false});
  EXPECT_EQ(names(inst),
            (std::vector<std::string>{
                "Device.LAN.Host.6.", "Device.LAN.Host.6.Name", "Device.LAN.Host.6.Active",
                "Device.LAN.Host.6.PortNumberOfEntries", "Device.LAN.Host.6.Port."}));
  // The new instance's parameters are settable like any other.
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.Host.6.Name", "tv", "xsd:string"}};
  ASSERT_EQ(faultCode(exec(spv)), 0u);
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.Host.6.Name"), "tv");
}

TEST_F(ObjectRpcTest, InstanceNumbersAreNeverReused) {
  EXPECT_EQ(add("Device.LAN.Host."), 6u);
  ASSERT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.6.", "del"})), 0u);
  ASSERT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.5.", "del"})), 0u);
  EXPECT_EQ(add("Device.LAN.Host."), 7u);
  EXPECT_FALSE(exists("Device.LAN.Host.6.Name"));
  EXPECT_FALSE(exists("Device.LAN.Host.5.Name"));
  // And across save/load (the counter is part of the state).
  auto loaded = Device::load(*profile_, device_.save());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  device_ = std::move(*loaded);
  EXPECT_EQ(add("Device.LAN.Host."), 8u);
}

TEST_F(ObjectRpcTest, AddObjectWorksInNestedTablesOfTemplateAndAddedInstances) {
  EXPECT_EQ(add("Device.LAN.Host.1.Port."), 2u);
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.Host.1.PortNumberOfEntries"), "2");
  auto host = add("Device.LAN.Host.");
  std::string prefix = "Device.LAN.Host." + std::to_string(host) + ".";
  EXPECT_EQ(add(prefix + "Port."), 1u);
  EXPECT_EQ(add(prefix + "Port."), 2u);
  EXPECT_EQ(test::valueOf(device_, *profile_, prefix + "Port.2.Speed"), "1000");
  EXPECT_EQ(test::valueOf(device_, *profile_, prefix + "PortNumberOfEntries"), "2");
  // Deleting the host removes its ports with it.
  ASSERT_EQ(faultCode(exec(cwmp::DeleteObject{prefix, ""})), 0u);
  EXPECT_FALSE(exists(prefix + "Port.1.Speed"));
  EXPECT_EQ(faultCode(exec(cwmp::GetParameterValues{{prefix}})), 9005u);
}

TEST_F(ObjectRpcTest, AddObjectFaults) {
  EXPECT_EQ(faultCode(exec(cwmp::AddObject{"Device.LAN.", ""})), 9005u);         // not a table
  EXPECT_EQ(faultCode(exec(cwmp::AddObject{"Device.LAN.Host.1.", ""})), 9005u);  // an instance
  EXPECT_EQ(faultCode(exec(cwmp::AddObject{"Device.LAN.Host", ""})), 9005u);     // no final dot
  EXPECT_EQ(faultCode(exec(cwmp::AddObject{"Device.LAN.Nope.", ""})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::AddObject{"Device.LAN.Fixed.", ""})), 9005u);  // read-only table
  add("Device.LAN.Host.");
  add("Device.LAN.Host.");  // five instances now: the profile's maximum
  auto full = exec(cwmp::AddObject{"Device.LAN.Host.", "k"});
  EXPECT_EQ(faultCode(full), 9004u);
  EXPECT_EQ(device_.parameterKey(), "add");  // not moved by the failed call
}

TEST_F(ObjectRpcTest, DeleteObjectRemovesTheInstanceAndItsStoredValues) {
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.LAN.Host.2.Name", "gone", "xsd:string"},
                        {"Device.LAN.Host.2.Port.1.Speed", "10", "xsd:unsignedInt"}};
  ASSERT_EQ(faultCode(exec(spv)), 0u);
  auto body = exec(cwmp::DeleteObject{"Device.LAN.Host.2.", "k-del"});
  ASSERT_TRUE(std::holds_alternative<cwmp::DeleteObjectResponse>(body));
  EXPECT_EQ(std::get<cwmp::DeleteObjectResponse>(body).status, 0);
  EXPECT_EQ(device_.parameterKey(), "k-del");
  EXPECT_FALSE(exists("Device.LAN.Host.2.Name"));
  EXPECT_FALSE(exists("Device.LAN.Host.2.Port.1.Speed"));
  EXPECT_EQ(test::valueOf(device_, *profile_, "Device.LAN.HostNumberOfEntries"), "2");
  EXPECT_EQ(device_.save().find(" D "), std::string::npos);  // the stored values went too
}

TEST_F(ObjectRpcTest, DeleteObjectFaults) {
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.", ""})), 9005u);    // the table
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.3.", ""})), 9005u);  // no such
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.1", ""})), 9005u);
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Fixed.1.", ""})), 9005u);  // read-only
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.MTU", ""})), 9005u);
  EXPECT_EQ(device_.parameterKey(), "");
  ASSERT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.1.", ""})), 0u);
  EXPECT_EQ(faultCode(exec(cwmp::DeleteObject{"Device.LAN.Host.1.", ""})), 9005u);  // twice
}

// --- Reboot / FactoryReset / ScheduleInform
// -------------------------------------------------------

TEST_F(ObjectRpcTest, RebootAndFactoryResetWaitForTheEndOfTheSession) {
  SessionEffects effects;
  EXPECT_TRUE(std::holds_alternative<cwmp::RebootResponse>(
      run(device_, *profile_, cwmp::Reboot{"rb-1"}, t0(), effects)));
  EXPECT_EQ(effects.reboot_command_key, "rb-1");
  EXPECT_TRUE(std::holds_alternative<cwmp::FactoryResetResponse>(
      run(device_, *profile_, cwmp::FactoryReset{}, t0(), effects)));
  EXPECT_TRUE(effects.factory_reset);
  EXPECT_FALSE(device_.rebooting());  // nothing happens before the session ends
}

TEST_F(ObjectRpcTest, ScheduleInformNeedsAPositiveDelay) {
  EXPECT_EQ(faultCode(exec(cwmp::ScheduleInform{0, "si"})), 9003u);
  EXPECT_TRUE(
      std::holds_alternative<cwmp::ScheduleInformResponse>(exec(cwmp::ScheduleInform{90, "si"})));
  auto wake = device_.nextWakeup(*profile_, t0());
  // Undelivered boot events want a session now; the schedule is due at +90 s.
  ASSERT_TRUE(wake.has_value());
  EXPECT_EQ(*wake, t0());
}

// --- Download / Upload ---------------------------------------------------------------------------

TEST_F(ObjectRpcTest, DownloadAnswersStatus1WithUnknownTimesAndQueuesAJob) {
  auto req = download("dl-1", "1 Firmware Upgrade Image", "https://files.example/fw-2.0.bin");
  req.username = "u";
  req.password = "p";
  req.file_size = 1234;
  req.delay_seconds = 30;
  auto body = exec(req);
  const auto* r = std::get_if<cwmp::DownloadResponse>(&body);
  ASSERT_TRUE(r) << faultCode(body);
  EXPECT_EQ(r->status, 1);
  EXPECT_EQ(r->start_time, cwmp::kUnknownTime);
  EXPECT_EQ(r->complete_time, cwmp::kUnknownTime);
  ASSERT_EQ(device_.transfers().size(), 1u);
  const TransferJob& job = device_.transfers()[0];
  EXPECT_TRUE(job.is_download);
  EXPECT_EQ(job.command_key, "dl-1");
  EXPECT_EQ(job.url, "https://files.example/fw-2.0.bin");
  EXPECT_EQ(job.username, "u");
  EXPECT_EQ(job.password, "p");
  EXPECT_EQ(job.file_size, 1234u);
  EXPECT_EQ(job.start_at, at(30));
  EXPECT_EQ(job.state, 1);
}

TEST_F(ObjectRpcTest, DownloadFaults) {
  EXPECT_EQ(faultCode(exec(download("a", "9 Foo"))), 9003u);
  EXPECT_EQ(faultCode(exec(download("a", "1 Vendor Log File"))), 9003u);  // an upload type
  EXPECT_EQ(faultCode(exec(download("a", "X 00A0C9"))), 9003u);
  EXPECT_EQ(faultCode(exec(download("a", "3 Vendor Configuration File", "ftp://files/x"))), 9013u);
  EXPECT_EQ(faultCode(exec(download("a", "3 Vendor Configuration File", "tftp://files/x"))), 9013u);
  EXPECT_EQ(faultCode(exec(download("a", "3 Vendor Configuration File", "files/x"))), 9003u);
  EXPECT_TRUE(device_.transfers().empty());
  EXPECT_EQ(faultCode(exec(download("v", "X 00A0C9 Blob"))), 0u);
  EXPECT_EQ(faultCode(exec(download("v", "X ACME-EXAMPLE Blob", "HTTP://files/y"))), 0u);
  EXPECT_EQ(faultCode(exec(download("w", "2 Web Content"))), 0u);
  // The profile queues at most 3 transfers.
  EXPECT_EQ(faultCode(exec(download("full"))), 9004u);
}

TEST_F(ObjectRpcTest, UploadValidatesItsFileTypeAndQueuesAPut) {
  cwmp::Upload up;
  up.command_key = "up-1";
  up.file_type = "1 Vendor Configuration File";
  up.url = "http://files.example/up";
  auto body = exec(up);
  ASSERT_TRUE(std::holds_alternative<cwmp::UploadResponse>(body)) << faultCode(body);
  EXPECT_EQ(std::get<cwmp::UploadResponse>(body).status, 1);
  ASSERT_EQ(device_.transfers().size(), 1u);
  EXPECT_FALSE(device_.transfers()[0].is_download);
  up.file_type = "3 Vendor Configuration File 1";  // DeviceInfo.VendorConfigFile.1 exists
  EXPECT_EQ(faultCode(exec(up)), 0u);
  up.file_type = "3 Vendor Configuration File 2";
  EXPECT_EQ(faultCode(exec(up)), 9003u);
  up.file_type = "1 Firmware Upgrade Image";
  EXPECT_EQ(faultCode(exec(up)), 9003u);
  up.file_type = "2 Vendor Log File";
  up.url = "sftp://files.example/up";
  EXPECT_EQ(faultCode(exec(up)), 9013u);
}

TEST_F(ObjectRpcTest, UploadContentIsAConfigurationDumpOrALog) {
  TransferJob cfg;
  cfg.file_type = "1 Vendor Configuration File";
  std::string text = device_.uploadContent(*profile_, cfg, t0());
  EXPECT_NE(text.find("Device.LAN.MTU=1500\n"), std::string::npos);
  EXPECT_NE(text.find("Device.DeviceInfo.SerialNumber=SN0007\n"), std::string::npos);
  TransferJob log;
  log.file_type = "2 Vendor Log File";
  log.command_key = "lg";
  std::string logs = device_.uploadContent(*profile_, log, t0());
  EXPECT_NE(logs.find("SN0007"), std::string::npos);
  EXPECT_NE(logs.find("'lg'"), std::string::npos);
}

// --- Queued transfers and CancelTransfer
// -----------------------------------------------------------

TEST_F(ObjectRpcTest, QueuedTransferListsReportStates) {
  auto first = download("one");
  first.target_file_name = "cfg.xml";
  first.file_size = 10;
  exec(first);
  auto later = download("two");
  later.delay_seconds = 600;
  exec(later);
  DueWork due = device_.poll(*profile_, t0());  // "one" starts now
  ASSERT_EQ(due.start_transfers.size(), 1u);
  EXPECT_EQ(due.start_transfers[0].command_key, "one");
  auto all = exec(cwmp::GetAllQueuedTransfers{});
  const auto& list = std::get<cwmp::GetAllQueuedTransfersResponse>(all).transfer_list;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (cwmp::AllQueuedTransferStruct{"one", 2, true, "3 Vendor Configuration File",
                                                    10, "cfg.xml"}));
  EXPECT_EQ(list[1].state, 1);
  auto old = exec(cwmp::GetQueuedTransfers{});
  const auto& short_list = std::get<cwmp::GetQueuedTransfersResponse>(old).transfer_list;
  EXPECT_EQ(short_list, (std::vector<cwmp::QueuedTransferStruct>{{"one", 2}, {"two", 1}}));
}

TEST_F(ObjectRpcTest, CancelTransferRemovesQueuedTransfersOnly) {
  exec(download("now"));
  auto later = download("later");
  later.delay_seconds = 600;
  exec(later);
  exec(later);                    // a second transfer with the same key
  device_.poll(*profile_, t0());  // "now" is in progress
  EXPECT_EQ(faultCode(exec(cwmp::CancelTransfer{"unknown"})), 9003u);
  EXPECT_EQ(faultCode(exec(cwmp::CancelTransfer{"now"})), 9021u);
  EXPECT_TRUE(
      std::holds_alternative<cwmp::CancelTransferResponse>(exec(cwmp::CancelTransfer{"later"})));
  ASSERT_EQ(device_.transfers().size(), 1u);
  EXPECT_EQ(device_.transfers()[0].command_key, "now");
  // Completed but not yet reported: too late to cancel.
  device_.completeTransfer(*profile_, device_.transfers()[0], 0, "", t0(), at(1));
  EXPECT_EQ(faultCode(exec(cwmp::CancelTransfer{"now"})), 9021u);
}

// --- ScheduleDownload
// ---------------------------------------------------------------------------------

TEST_F(ObjectRpcTest, ScheduleDownloadValidatesItsTimeWindows) {
  cwmp::ScheduleDownload sd;
  sd.command_key = "sd";
  sd.file_type = "1 Firmware Upgrade Image";
  sd.url = "http://files.example/fw.bin";
  EXPECT_EQ(faultCode(exec(sd)), 9003u);  // no window
  sd.time_window_list = {{100, 50, "1 At Any Time", "", -1}};
  EXPECT_EQ(faultCode(exec(sd)), 9003u);  // ends before it starts
  sd.time_window_list = {{0, 100, "1 At Any Time", "", -1}, {50, 200, "1 At Any Time", "", -1}};
  EXPECT_EQ(faultCode(exec(sd)), 9003u);  // overlap
  sd.time_window_list = {{300, 400, "1 At Any Time", "", -1}, {0, 100, "1 At Any Time", "", -1}};
  EXPECT_EQ(faultCode(exec(sd)), 9003u);  // out of order
  sd.time_window_list = {{0, 100, "7 Whenever", "", -1}};
  EXPECT_EQ(faultCode(exec(sd)), 9003u);
  sd.time_window_list = {{0, 100, "1 At Any Time", "", -2}};
  EXPECT_EQ(faultCode(exec(sd)), 9003u);
  sd.time_window_list = {{60, 120, "2 Immediately", "", 0}, {300, 600, "3 When Idle", "", -1}};
  sd.url = "ftp://files.example/fw.bin";
  EXPECT_EQ(faultCode(exec(sd)), 9013u);
  sd.url = "http://files.example/fw.bin";
  ASSERT_TRUE(std::holds_alternative<cwmp::ScheduleDownloadResponse>(exec(sd)));
  ASSERT_EQ(device_.transfers().size(), 1u);
  const auto& job = device_.transfers()[0];
  EXPECT_TRUE(job.scheduled);
  EXPECT_EQ(job.start_at, at(60));
  EXPECT_EQ(job.deadline, at(600));
}

TEST_F(ObjectRpcTest, ScheduleDownloadThatMissesItsWindowsCompletesWith9020) {
  cwmp::ScheduleDownload sd;
  sd.command_key = "late";
  sd.file_type = "3 Vendor Configuration File";
  sd.url = "http://files.example/c.xml";
  sd.time_window_list = {{10, 20, "1 At Any Time", "", -1}};
  ASSERT_EQ(faultCode(exec(sd)), 0u);
  // The fleet never got to start it: at the end of the window it fails.
  device_.poll(*profile_, at(25));
  EXPECT_TRUE(device_.transfers().empty());
  auto pending = device_.pendingTransferCompletes();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].command_key, "late");
  EXPECT_EQ(pending[0].fault_struct.fault_code, 9020u);
  EXPECT_EQ(pending[0].start_time, cwmp::kUnknownTime);
  auto content = device_.informContent(*profile_, at(25));
  EXPECT_NE(std::find(content.events.begin(), content.events.end(),
                      cwmp::EventStruct{"M ScheduleDownload", "late"}),
            content.events.end());
}

}  // namespace
}  // namespace cpesim
