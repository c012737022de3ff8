// Download and Upload end to end: the RPC in one session, the HTTP transfer against a file
// server, and TransferComplete in the next session.
#include <gtest/gtest.h>

#include "test/integration/acs_stub.h"
#include "test/integration/file_server.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

const cwmp::TransferComplete* transferComplete(const std::vector<RecordedRequest>& all) {
  for (const auto& r : all) {
    if (r.envelope) {
      if (const auto* tc = std::get_if<cwmp::TransferComplete>(&r.envelope->body)) return tc;
    }
  }
  return nullptr;
}

bool hasTransferComplete(const std::vector<RecordedRequest>& all) { return transferComplete(all) != nullptr; }

const cwmp::ParameterValueStruct* findParam(const cwmp::Inform& inform, std::string_view name) {
  for (const auto& p : inform.parameter_list) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

cwmp::Download download(const std::string& key, const std::string& type, const std::string& url,
                        std::uint32_t size) {
  cwmp::Download d;
  d.command_key = key;
  d.file_type = type;
  d.url = url;
  d.username = "fs";
  d.password = "fspw";
  d.file_size = size;
  return d;
}

TEST(FleetTransfer, DownloadsWithCredentialsAndReportsTransferComplete) {
  TempDir dir;
  AcsStub stub;
  FileServer files("fs", "fspw");
  files.add("config.xml", std::string(2048, 'c'));
  stub.queue("TB0000", download("dl-1", "3 Vendor Configuration File", files.url("/files/config.xml"), 2048));
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor(hasTransferComplete));
  auto hits = files.hits();
  ASSERT_GE(hits.size(), 2u);
  EXPECT_EQ(hits.back().method, "GET");
  EXPECT_EQ(hits.back().status, 200);
  const auto recorded = stub.requests();
  const cwmp::TransferComplete* tc = transferComplete(recorded);
  ASSERT_NE(tc, nullptr);
  EXPECT_EQ(tc->command_key, "dl-1");
  EXPECT_EQ(tc->fault_struct.fault_code, 0u) << tc->fault_struct.fault_string;
  EXPECT_NE(tc->start_time, std::string(cwmp::kUnknownTime));
  auto informs = stub.informs("TB0000");
  ASSERT_GE(informs.size(), 2u);
  EXPECT_TRUE(informs[1].hasEvent("7 TRANSFER COMPLETE"));
  EXPECT_TRUE(informs[1].hasEvent("M Download", "dl-1"));
  // The DownloadResponse of the first session said "not done yet" (Status 1).
  bool status_one = false;
  for (const auto& r : stub.requests()) {
    if (r.envelope && std::holds_alternative<cwmp::DownloadResponse>(r.envelope->body)) {
      status_one = std::get<cwmp::DownloadResponse>(r.envelope->body).status == 1;
    }
  }
  EXPECT_TRUE(status_one);
  EXPECT_EQ(fleet->metrics().transfers_succeeded.load(), 1u);
}

TEST(FleetTransfer, FailedDownloadsReportTheirFaultCodes) {
  TempDir dir;
  AcsStub stub;
  FileServer files("fs", "fspw");
  files.add("small.bin", "12345");
  stub.queue("TB0000", download("missing", "3 Vendor Configuration File", files.url("/files/none"), 0));
  stub.queue("TB0001", download("size", "3 Vendor Configuration File", files.url("/files/small.bin"), 6));
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url(), 2));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor([](const auto& all) {
    int n = 0;
    for (const auto& r : all) n += r.envelope && std::holds_alternative<cwmp::TransferComplete>(r.envelope->body);
    return n >= 2;
  }));
  std::map<std::string, std::uint32_t> codes;
  for (const auto& r : stub.requests()) {
    if (r.envelope) {
      if (const auto* tc = std::get_if<cwmp::TransferComplete>(&r.envelope->body)) {
        codes[tc->command_key] = tc->fault_struct.fault_code;
      }
    }
  }
  EXPECT_EQ(codes["missing"], 9016u);
  EXPECT_EQ(codes["size"], 9018u);
  EXPECT_EQ(fleet->metrics().transfers_failed.load(), 2u);
}

TEST(FleetTransfer, FirmwareDownloadRebootsAndReportsInOneInform) {
  TempDir dir;
  AcsStub stub;
  FileServer files("fs", "fspw");
  files.add("fw-2.0.0.bin", std::string(4096, 'f'));
  stub.queue("TB0000", download("fw", "1 Firmware Upgrade Image", files.url("/files/fw-2.0.0.bin"), 4096));
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor(hasTransferComplete));
  auto informs = stub.informs("TB0000");
  ASSERT_GE(informs.size(), 2u);
  const RecordedRequest& after = informs[1];
  EXPECT_TRUE(after.hasEvent("1 BOOT"));
  EXPECT_TRUE(after.hasEvent("7 TRANSFER COMPLETE"));
  EXPECT_TRUE(after.hasEvent("M Download", "fw"));
  EXPECT_NE(findParam(*after.inform(), "Device.DeviceInfo.SoftwareVersion")->value, "1.0.0");
  EXPECT_EQ(transferComplete(stub.requests())->fault_struct.fault_code, 0u);
}

TEST(FleetTransfer, UploadsWithPut) {
  TempDir dir;
  AcsStub stub;
  FileServer files;
  cwmp::Upload upload;
  upload.command_key = "ul-1";
  upload.file_type = "1 Vendor Configuration File";
  upload.url = files.url("/upload/TB0000.cfg");
  stub.queue("TB0000", upload);
  auto fleet = startFleet(testFleetConfig(writeTestProfile(dir), stub.url()));
  ASSERT_TRUE(fleet);
  ASSERT_TRUE(stub.waitFor(hasTransferComplete));
  auto uploads = files.uploads();
  ASSERT_EQ(uploads.count("TB0000.cfg"), 1u);
  EXPECT_NE(uploads["TB0000.cfg"].find("Device.DeviceInfo.SoftwareVersion"), std::string::npos);
  const auto recorded = stub.requests();
  const cwmp::TransferComplete* tc = transferComplete(recorded);
  ASSERT_NE(tc, nullptr);
  EXPECT_EQ(tc->command_key, "ul-1");
  EXPECT_EQ(tc->fault_struct.fault_code, 0u);
  EXPECT_TRUE(stub.informs("TB0000")[1].hasEvent("M Upload", "ul-1"));
}

}  // namespace
}  // namespace cpesim::testing
