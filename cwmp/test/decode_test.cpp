// Golden decode tests: every message type of the Body variant decoded from a hand-written
// envelope in testdata/, compared as a whole against the values written in the file.

#include <string>
#include <string_view>
#include <variant>

#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace cwmp {
namespace {

// Decodes testdata/`file`; fails the test (and returns an empty Envelope) on error.
Envelope decodeFile(std::string_view file) {
  const std::string xml = readTestData(file);
  Result<Envelope> result = decodeEnvelope(xml);
  if (!result) {
    ADD_FAILURE() << file << ": " << result.error().message;
    return {};
  }
  return std::move(result).value();
}

// The message of type T in `file`, checking the envelope's ID and namespace on the way.
template <class T>
T decodeMessage(std::string_view file, std::string_view id, CwmpNamespace ns) {
  const Envelope env = decodeFile(file);
  EXPECT_EQ(env.header.id, std::optional<std::string>(std::string(id))) << file;
  EXPECT_EQ(env.ns, ns) << file;
  const T* message = std::get_if<T>(&env.body);
  if (message == nullptr) {
    ADD_FAILURE() << file << " decoded as " << methodName(env.body) << ", expected " << T::kMethod;
    return T{};
  }
  return *message;
}

ParameterValueStruct pv(std::string name, std::string value, std::string type) {
  return ParameterValueStruct{std::move(name), std::move(value), std::move(type)};
}

TEST(DecodeGolden, Inform) {
  const Envelope env = decodeFile("inform.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_2);
  Header header;
  header.id = "inform-0001";
  header.session_timeout = 60;
  header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
  EXPECT_EQ(env.header, header);

  Inform expected;
  expected.device_id = {"Lab Networks", "00A0C9", "HG-2400", "LAB0000001"};
  expected.event = {{"0 BOOTSTRAP", ""}, {"1 BOOT", ""}};
  expected.max_envelopes = 1;
  expected.current_time = "2024-03-05T14:07:09+01:00";
  expected.retry_count = 0;
  expected.parameter_list = {
      pv("Device.RootDataModelVersion", "2.17", "xsd:string"),
      pv("Device.DeviceInfo.HardwareVersion", "rev B", "xsd:string"),
      pv("Device.DeviceInfo.SoftwareVersion", "4.2.1-build 7", "xsd:string"),
      pv("Device.DeviceInfo.UpTime", "86400", "xsd:unsignedInt"),
      pv("Device.ManagementServer.ConnectionRequestURL", "http://192.0.2.10:7547/cr/LAB0000001",
         "xsd:string"),
      pv("Device.ManagementServer.ParameterKey", "", "xsd:string"),
  };
  ASSERT_TRUE(std::holds_alternative<Inform>(env.body));
  EXPECT_EQ(std::get<Inform>(env.body), expected);
}

TEST(DecodeGolden, InformTr098With25Parameters) {
  const Inform inform = decodeMessage<Inform>("inform_tr098_25.xml", "2741", CwmpNamespace::V1_0);
  EXPECT_EQ(inform.device_id,
            (DeviceIdStruct{"Lab Broadband", "0014BF", "VDSL-R7", "R7A1C0002741"}));
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"2 PERIODIC", ""}, {"4 VALUE CHANGE", ""}}));
  ASSERT_EQ(inform.parameter_list.size(), 25u);
  EXPECT_EQ(inform.parameter_list.front(),
            pv("InternetGatewayDevice.DeviceSummary",
               "InternetGatewayDevice:1.4[](Baseline:1, EthernetLAN:1, WiFiLAN:1, ADSLWAN:1, "
               "Time:1, IPPing:1)",
               "xsd:string"));
  EXPECT_EQ(inform.parameter_list[17],
            pv("InternetGatewayDevice.WANDevice.1.WANDSLInterfaceConfig.UpstreamNoiseMargin", "87",
               "xsd:int"));
  EXPECT_EQ(inform.parameter_list.back(), pv("InternetGatewayDevice.Time.CurrentLocalTime",
                                             "2024-03-05T15:07:09+01:00", "xsd:dateTime"));
}

TEST(DecodeGolden, InformResponse) {
  const Envelope env = decodeFile("inform_response.xml");
  Header header;
  header.id = "inform-0001";
  header.hold_requests = true;
  header.use_cwmp_version = "1.4";
  EXPECT_EQ(env.header, header);
  EXPECT_EQ(env.body, Body(InformResponse{1}));
}

TEST(DecodeGolden, GetRPCMethods) {
  decodeMessage<GetRPCMethods>("get_rpc_methods.xml", "rpc-17", CwmpNamespace::V1_0);
}

TEST(DecodeGolden, GetRPCMethodsResponse) {
  const auto m = decodeMessage<GetRPCMethodsResponse>("get_rpc_methods_response.xml", "rpc-17",
                                                      CwmpNamespace::V1_0);
  EXPECT_EQ(m.method_list,
            (std::vector<std::string>{"GetRPCMethods", "SetParameterValues", "GetParameterValues",
                                      "Reboot", "X_00A0C9_Diagnose"}));
}

TEST(DecodeGolden, SetParameterValues) {
  const auto m =
      decodeMessage<SetParameterValues>("set_parameter_values.xml", "spv-3", CwmpNamespace::V1_2);
  SetParameterValues expected;
  expected.parameter_list = {
      pv("Device.ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt"),
      pv("Device.ManagementServer.PeriodicInformEnable", "true", "xsd:boolean"),
      pv("Device.WiFi.SSID.1.SSID", "Lab & Guests <5G>", "xsd:string"),
      pv("Device.Time.LocalTimeZone", "CET-1CEST,M3.5.0,M10.5.0/3", "xsd:string"),
  };
  expected.parameter_key = "cfg-2024-03-05";
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, SetParameterValuesResponse) {
  const auto m = decodeMessage<SetParameterValuesResponse>("set_parameter_values_response.xml",
                                                           "spv-3", CwmpNamespace::V1_2);
  EXPECT_EQ(m.status, 1);
}

TEST(DecodeGolden, GetParameterValues) {
  const auto m =
      decodeMessage<GetParameterValues>("get_parameter_values.xml", "gpv-8", CwmpNamespace::V1_2);
  EXPECT_EQ(m.parameter_names,
            (std::vector<std::string>{"Device.DeviceInfo.SoftwareVersion", "Device.IP.Interface.",
                                      "Device.WiFi.Radio.*.Channel"}));
}

TEST(DecodeGolden, GetParameterValuesResponse) {
  const auto m = decodeMessage<GetParameterValuesResponse>("get_parameter_values_response.xml",
                                                           "gpv-8", CwmpNamespace::V1_2);
  const std::vector<ParameterValueStruct> expected = {
      pv("Device.DeviceInfo.SoftwareVersion", "4.2.1-build 7", "xsd:string"),
      pv("Device.IP.Interface.1.Enable", "1", "xsd:boolean"),
      pv("Device.IP.Interface.1.MaxMTUSize", "1500", "xsd:unsignedInt"),
      pv("Device.IP.Interface.1.Stats.BytesSent", "18446744073709551615", "xsd:unsignedLong"),
      pv("Device.IP.Interface.1.LastChange", "-1", "xsd:int"),
      pv("Device.Time.CurrentLocalTime", "2024-03-05T14:07:09Z", "xsd:dateTime"),
      pv("Device.WiFi.Radio.1.Channel", "36", ""),  // no xsi:type sent
  };
  EXPECT_EQ(m.parameter_list, expected);
}

TEST(DecodeGolden, GetParameterNames) {
  const auto m =
      decodeMessage<GetParameterNames>("get_parameter_names.xml", "gpn-1", CwmpNamespace::V1_1);
  EXPECT_EQ(m, (GetParameterNames{"InternetGatewayDevice.LANDevice.", false}));
}

TEST(DecodeGolden, GetParameterNamesResponse) {
  const auto m = decodeMessage<GetParameterNamesResponse>("get_parameter_names_response.xml",
                                                          "gpn-1", CwmpNamespace::V1_1);
  const std::vector<ParameterInfoStruct> expected = {
      {"InternetGatewayDevice.LANDevice.", false},
      {"InternetGatewayDevice.LANDevice.1.", true},
      {"InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.DHCPServerEnable", true},
  };
  EXPECT_EQ(m.parameter_list, expected);
}

TEST(DecodeGolden, SetParameterAttributes) {
  const auto m = decodeMessage<SetParameterAttributes>("set_parameter_attributes.xml", "spa-5",
                                                       CwmpNamespace::V1_2);
  const std::vector<SetParameterAttributesStruct> expected = {
      {"Device.DeviceInfo.SoftwareVersion", true, 2, true, {"Subscriber"}},
      // <Notification></Notification> decodes as 0; an empty AccessList as no entries.
      {"Device.Hosts.Host.", false, 0, false, {}},
  };
  EXPECT_EQ(m.parameter_list, expected);
}

TEST(DecodeGolden, SetParameterAttributesResponse) {
  decodeMessage<SetParameterAttributesResponse>("set_parameter_attributes_response.xml", "spa-5",
                                                CwmpNamespace::V1_2);
}

TEST(DecodeGolden, GetParameterAttributes) {
  const auto m = decodeMessage<GetParameterAttributes>("get_parameter_attributes.xml", "gpa-2",
                                                       CwmpNamespace::V1_2);
  EXPECT_EQ(m.parameter_names, (std::vector<std::string>{"Device.DeviceInfo.SoftwareVersion",
                                                         "Device.ManagementServer."}));
}

TEST(DecodeGolden, GetParameterAttributesResponse) {
  const auto m = decodeMessage<GetParameterAttributesResponse>(
      "get_parameter_attributes_response.xml", "gpa-2", CwmpNamespace::V1_2);
  const std::vector<ParameterAttributeStruct> expected = {
      {"Device.DeviceInfo.SoftwareVersion", 2, {}},
      {"Device.ManagementServer.PeriodicInformInterval", 0, {"Subscriber"}},
  };
  EXPECT_EQ(m.parameter_list, expected);
}

TEST(DecodeGolden, AddObject) {
  const auto m = decodeMessage<AddObject>("add_object.xml", "add-9", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (AddObject{"Device.NAT.PortMapping.", "pm-add-1"}));
}

TEST(DecodeGolden, AddObjectResponse) {
  const auto m =
      decodeMessage<AddObjectResponse>("add_object_response.xml", "add-9", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (AddObjectResponse{12, 0}));
}

TEST(DecodeGolden, DeleteObject) {
  const auto m = decodeMessage<DeleteObject>("delete_object.xml", "del-4", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (DeleteObject{"Device.NAT.PortMapping.12.", "pm-del-12"}));
}

TEST(DecodeGolden, DeleteObjectResponse) {
  const auto m = decodeMessage<DeleteObjectResponse>("delete_object_response.xml", "del-4",
                                                     CwmpNamespace::V1_2);
  EXPECT_EQ(m.status, 1);
}

TEST(DecodeGolden, Reboot) {
  const auto m = decodeMessage<Reboot>("reboot.xml", "reboot-1", CwmpNamespace::V1_0);
  EXPECT_EQ(m.command_key, "reboot after upgrade");
}

TEST(DecodeGolden, RebootResponse) {
  decodeMessage<RebootResponse>("reboot_response.xml", "reboot-1", CwmpNamespace::V1_0);
}

TEST(DecodeGolden, Download) {
  const auto m = decodeMessage<Download>("download.xml", "dl-77", CwmpNamespace::V1_2);
  Download expected;
  expected.command_key = "fw-4.3.0";
  expected.file_type = "1 Firmware Upgrade Image";
  expected.url = "https://files.example.net/fw/hg2400-4.3.0.bin";
  expected.username = "cpe";
  expected.password = "s3cret!";
  expected.file_size = 16777216;
  expected.target_file_name = "hg2400.bin";
  expected.delay_seconds = 30;
  expected.success_url = "https://portal.example.net/ok";
  expected.failure_url = "";
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, DownloadResponse) {
  const auto m =
      decodeMessage<DownloadResponse>("download_response.xml", "dl-77", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (DownloadResponse{1, "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"}));
}

TEST(DecodeGolden, Upload) {
  const auto m = decodeMessage<Upload>("upload.xml", "ul-2", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (Upload{"backup-weekly", "1 Vendor Configuration File",
                       "https://files.example.net/upload/LAB0000001.cfg", "uploader", "pw", 0}));
}

TEST(DecodeGolden, UploadResponse) {
  const auto m = decodeMessage<UploadResponse>("upload_response.xml", "ul-2", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (UploadResponse{0, "2024-03-05T14:10:00Z", "2024-03-05T14:10:02.5Z"}));
}

TEST(DecodeGolden, FactoryReset) {
  decodeMessage<FactoryReset>("factory_reset.xml", "fr-1", CwmpNamespace::V1_2);
}

TEST(DecodeGolden, FactoryResetResponse) {
  decodeMessage<FactoryResetResponse>("factory_reset_response.xml", "fr-1", CwmpNamespace::V1_2);
}

TEST(DecodeGolden, GetQueuedTransfers) {
  decodeMessage<GetQueuedTransfers>("get_queued_transfers.xml", "gqt-1", CwmpNamespace::V1_0);
}

TEST(DecodeGolden, GetQueuedTransfersResponse) {
  const auto m = decodeMessage<GetQueuedTransfersResponse>("get_queued_transfers_response.xml",
                                                           "gqt-1", CwmpNamespace::V1_0);
  EXPECT_EQ(m.transfer_list, (std::vector<QueuedTransferStruct>{{"fw-4.3.0", 2}, {"cfg-1", 1}}));
}

TEST(DecodeGolden, GetAllQueuedTransfers) {
  decodeMessage<GetAllQueuedTransfers>("get_all_queued_transfers.xml", "gaqt-1",
                                       CwmpNamespace::V1_2);
}

TEST(DecodeGolden, GetAllQueuedTransfersResponse) {
  const auto m = decodeMessage<GetAllQueuedTransfersResponse>(
      "get_all_queued_transfers_response.xml", "gaqt-1", CwmpNamespace::V1_2);
  const std::vector<AllQueuedTransferStruct> expected = {
      {"fw-4.3.0", 2, true, "1 Firmware Upgrade Image", 16777216, "hg2400.bin"},
      {"", 1, false, "2 Vendor Log File", 0, ""},
  };
  EXPECT_EQ(m.transfer_list, expected);
}

TEST(DecodeGolden, ScheduleInform) {
  const auto m = decodeMessage<ScheduleInform>("schedule_inform.xml", "si-6", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (ScheduleInform{3600, "hourly-check"}));
}

TEST(DecodeGolden, ScheduleInformResponse) {
  decodeMessage<ScheduleInformResponse>("schedule_inform_response.xml", "si-6",
                                        CwmpNamespace::V1_2);
}

TEST(DecodeGolden, ScheduleDownload) {
  const auto m =
      decodeMessage<ScheduleDownload>("schedule_download.xml", "sd-1", CwmpNamespace::V1_2);
  ScheduleDownload expected;
  expected.command_key = "night-fw";
  expected.file_type = "1 Firmware Upgrade Image";
  expected.url = "http://files.example.net/fw/4.3.1.bin";
  expected.file_size = 20000000;
  expected.time_window_list = {
      {3600, 7200, "3 When Idle", "", -1},
      {86400, 90000, "4 Confirmation Needed", "A firmware update is ready. Install now?", 2},
  };
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, ScheduleDownloadResponse) {
  decodeMessage<ScheduleDownloadResponse>("schedule_download_response.xml", "sd-1",
                                          CwmpNamespace::V1_2);
}

TEST(DecodeGolden, CancelTransfer) {
  const auto m = decodeMessage<CancelTransfer>("cancel_transfer.xml", "ct-1", CwmpNamespace::V1_2);
  EXPECT_EQ(m.command_key, "night-fw");
}

TEST(DecodeGolden, CancelTransferResponse) {
  decodeMessage<CancelTransferResponse>("cancel_transfer_response.xml", "ct-1",
                                        CwmpNamespace::V1_2);
}

TEST(DecodeGolden, ChangeDUState) {
  const auto m = decodeMessage<ChangeDUState>("change_du_state.xml", "cdu-1", CwmpNamespace::V1_2);
  InstallOpStruct install;
  install.url = "https://apps.example.net/du/speedtest-1.2.ipk";
  install.uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
  install.username = "apps";
  install.password = "apps-pw";
  install.execution_env_ref = "Device.SoftwareModules.ExecEnv.1";
  UpdateOpStruct update;
  update.uuid = "16fd2706-8baf-433b-82eb-8c7fada847da";
  update.version = "2.0";  // no URL element: stays absent
  UninstallOpStruct uninstall;
  uninstall.uuid = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
  uninstall.execution_env_ref = "Device.SoftwareModules.ExecEnv.2";
  EXPECT_EQ(m.operations, (std::vector<DuOperation>{install, update, uninstall}));
  EXPECT_EQ(m.command_key, "du-batch-7");
}

TEST(DecodeGolden, ChangeDUStateResponse) {
  decodeMessage<ChangeDUStateResponse>("change_du_state_response.xml", "cdu-1",
                                       CwmpNamespace::V1_2);
}

TEST(DecodeGolden, SetVouchers) {
  const auto m = decodeMessage<SetVouchers>("set_vouchers.xml", "sv-1", CwmpNamespace::V1_0);
  // Base64 text is kept as sent, line break included; decodeBase64 ignores it.
  EXPECT_EQ(m.voucher_list,
            (std::vector<std::string>{"TGFiIHZvdWNoZXIgb25l", "TGFiIHZv\ndWNoZXIgdHdvIQ=="}));
  EXPECT_EQ(decodeBase64(m.voucher_list[1]), std::optional<std::string>("Lab voucher two!"));
}

TEST(DecodeGolden, SetVouchersResponse) {
  decodeMessage<SetVouchersResponse>("set_vouchers_response.xml", "sv-1", CwmpNamespace::V1_0);
}

TEST(DecodeGolden, GetOptions) {
  const auto m = decodeMessage<GetOptions>("get_options.xml", "go-1", CwmpNamespace::V1_0);
  EXPECT_EQ(m.option_name, "X_LAB_Premium");
}

TEST(DecodeGolden, GetOptionsResponse) {
  const auto m =
      decodeMessage<GetOptionsResponse>("get_options_response.xml", "go-1", CwmpNamespace::V1_0);
  const std::vector<OptionStruct> expected = {
      {"X_LAB_Premium", 1001, 1, 2, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", true},
      {"X_LAB_Basic", 7, 0, 0, "2023-06-30T12:00:00-05:00", std::nullopt, false},
  };
  EXPECT_EQ(m.option_list, expected);
}

TEST(DecodeGolden, TransferComplete) {
  const auto m =
      decodeMessage<TransferComplete>("transfer_complete.xml", "tc-100", CwmpNamespace::V1_2);
  EXPECT_EQ(
      m, (TransferComplete{"fw-4.3.0", {0, ""}, "2024-03-05T14:08:00Z", "2024-03-05T14:09:41Z"}));
}

TEST(DecodeGolden, TransferCompleteWithFault) {
  const auto m =
      decodeMessage<TransferComplete>("transfer_complete_fault.xml", "tc-101", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (TransferComplete{"fw-4.3.0",
                                 {9016, "File transfer failure: cannot access file (HTTP 404)"},
                                 "0001-01-01T00:00:00Z",
                                 "0001-01-01T00:00:00Z"}));
}

TEST(DecodeGolden, TransferCompleteResponse) {
  decodeMessage<TransferCompleteResponse>("transfer_complete_response.xml", "tc-100",
                                          CwmpNamespace::V1_2);
}

TEST(DecodeGolden, AutonomousTransferComplete) {
  const auto m = decodeMessage<AutonomousTransferComplete>("autonomous_transfer_complete.xml",
                                                           "atc-1", CwmpNamespace::V1_2);
  AutonomousTransferComplete expected;
  expected.announce_url = "http://announce.example.net/feed";
  expected.transfer_url = "http://files.example.net/fw/auto-4.3.2.bin";
  expected.is_download = true;
  expected.file_type = "1 Firmware Upgrade Image";
  expected.file_size = 4096;
  expected.target_file_name = "auto.bin";
  expected.fault_struct = {0, ""};
  expected.start_time = "2024-03-06T01:00:00Z";
  expected.complete_time = "2024-03-06T01:00:07Z";
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, AutonomousTransferCompleteResponse) {
  decodeMessage<AutonomousTransferCompleteResponse>("autonomous_transfer_complete_response.xml",
                                                    "atc-1", CwmpNamespace::V1_2);
}

TEST(DecodeGolden, DUStateChangeComplete) {
  const auto m = decodeMessage<DUStateChangeComplete>("du_state_change_complete.xml", "dsc-1",
                                                      CwmpNamespace::V1_2);
  const std::vector<OpResultStruct> expected = {
      {"6ba7b810-9dad-11d1-80b4-00c04fd430c8",
       "Device.SoftwareModules.DeploymentUnit.3",
       "1.2",
       "Installed",
       true,
       "Device.SoftwareModules.ExecutionUnit.3,Device.SoftwareModules.ExecutionUnit.4",
       "2024-03-05T15:00:00Z",
       "2024-03-05T15:00:12Z",
       {0, ""}},
      {"886313e1-3b8a-5372-9b90-0c9aee199e5d",
       "",
       "",
       "Failed",
       false,
       "",
       "0001-01-01T00:00:00Z",
       "0001-01-01T00:00:00Z",
       {9028, "Unknown Deployment Unit"}},
  };
  EXPECT_EQ(m.results, expected);
  EXPECT_EQ(m.command_key, "du-batch-7");
}

TEST(DecodeGolden, DUStateChangeCompleteResponse) {
  decodeMessage<DUStateChangeCompleteResponse>("du_state_change_complete_response.xml", "dsc-1",
                                               CwmpNamespace::V1_2);
}

TEST(DecodeGolden, AutonomousDUStateChangeComplete) {
  const auto m = decodeMessage<AutonomousDUStateChangeComplete>(
      "autonomous_du_state_change_complete.xml", "adsc-1", CwmpNamespace::V1_2);
  const std::vector<AutonOpResultStruct> expected = {
      {"16fd2706-8baf-433b-82eb-8c7fada847da",
       "Device.SoftwareModules.DeploymentUnit.5",
       "2.0",
       "Installed",
       true,
       "Device.SoftwareModules.ExecutionUnit.9",
       "2024-03-07T08:00:00+02:00",
       "2024-03-07T08:00:03+02:00",
       {0, ""},
       "Update"},
  };
  EXPECT_EQ(m.results, expected);
}

TEST(DecodeGolden, AutonomousDUStateChangeCompleteResponse) {
  decodeMessage<AutonomousDUStateChangeCompleteResponse>(
      "autonomous_du_state_change_complete_response.xml", "adsc-1", CwmpNamespace::V1_2);
}

TEST(DecodeGolden, RequestDownload) {
  const auto m =
      decodeMessage<RequestDownload>("request_download.xml", "rd-1", CwmpNamespace::V1_2);
  EXPECT_EQ(m, (RequestDownload{"3 Vendor Configuration File",
                                {{"Version", "4.3.0"}, {"Profile", "residential gold"}}}));
}

TEST(DecodeGolden, RequestDownloadResponse) {
  decodeMessage<RequestDownloadResponse>("request_download_response.xml", "rd-1",
                                         CwmpNamespace::V1_2);
}

TEST(DecodeGolden, Kicked) {
  const auto m = decodeMessage<Kicked>("kicked.xml", "k-1", CwmpNamespace::V1_0);
  EXPECT_EQ(m, (Kicked{"activate", "http://portal.example.net/welcome", "plan=gold&months=12",
                       "http://portal.example.net/done"}));
}

TEST(DecodeGolden, KickedResponse) {
  const auto m = decodeMessage<KickedResponse>("kicked_response.xml", "k-1", CwmpNamespace::V1_0);
  EXPECT_EQ(m.next_url, "http://portal.example.net/done?ok=1");
}

TEST(DecodeGolden, FaultWithSetParameterValuesFaults) {
  const auto m = decodeMessage<Fault>("fault_spv.xml", "spv-3", CwmpNamespace::V1_2);
  Fault expected;
  expected.faultcode = "Client";
  expected.faultstring = "CWMP fault";
  expected.fault_code = 9003;
  expected.fault_string = "Invalid arguments";
  expected.set_parameter_values_fault = {
      {"Device.ManagementServer.PeriodicInformInterval", 9007, "Invalid parameter value"},
      {"Device.DeviceInfo.SoftwareVersion", 9008, "Attempt to set a non-writable parameter"},
  };
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, AcsFaultWithQualifiedFaultcode) {
  const auto m = decodeMessage<Fault>("fault_acs.xml", "inform-0002", CwmpNamespace::V1_4);
  Fault expected;
  expected.faultcode = "Server";  // sent as SOAP-ENV:Server
  expected.faultstring = "CWMP fault";
  expected.fault_code = 8005;
  expected.fault_string = "Retry request";
  EXPECT_EQ(m, expected);
}

TEST(DecodeGolden, EmptyBodyTakesNamespaceFromHeader) {
  const Envelope env = decodeFile("empty_body.xml");
  EXPECT_TRUE(std::holds_alternative<EmptyBody>(env.body));
  EXPECT_EQ(env.ns, CwmpNamespace::V1_3);
  Header header;
  header.no_more_requests = true;
  EXPECT_EQ(env.header, header);
}

// Every alternative of the Body variant has a golden file above; this guards against a
// message type being added to messages.h without one.
TEST(DecodeGolden, CoversEveryMessageType) {
  const char* files[] = {
      "empty_body.xml",
      "get_rpc_methods.xml",
      "get_rpc_methods_response.xml",
      "set_parameter_values.xml",
      "set_parameter_values_response.xml",
      "get_parameter_values.xml",
      "get_parameter_values_response.xml",
      "get_parameter_names.xml",
      "get_parameter_names_response.xml",
      "set_parameter_attributes.xml",
      "set_parameter_attributes_response.xml",
      "get_parameter_attributes.xml",
      "get_parameter_attributes_response.xml",
      "add_object.xml",
      "add_object_response.xml",
      "delete_object.xml",
      "delete_object_response.xml",
      "reboot.xml",
      "reboot_response.xml",
      "download.xml",
      "download_response.xml",
      "upload.xml",
      "upload_response.xml",
      "factory_reset.xml",
      "factory_reset_response.xml",
      "get_queued_transfers.xml",
      "get_queued_transfers_response.xml",
      "get_all_queued_transfers.xml",
      "get_all_queued_transfers_response.xml",
      "schedule_inform.xml",
      "schedule_inform_response.xml",
      "schedule_download.xml",
      "schedule_download_response.xml",
      "cancel_transfer.xml",
      "cancel_transfer_response.xml",
      "change_du_state.xml",
      "change_du_state_response.xml",
      "set_vouchers.xml",
      "set_vouchers_response.xml",
      "get_options.xml",
      "get_options_response.xml",
      "inform.xml",
      "inform_response.xml",
      "transfer_complete.xml",
      "transfer_complete_response.xml",
      "autonomous_transfer_complete.xml",
      "autonomous_transfer_complete_response.xml",
      "du_state_change_complete.xml",
      "du_state_change_complete_response.xml",
      "autonomous_du_state_change_complete.xml",
      "autonomous_du_state_change_complete_response.xml",
      "request_download.xml",
      "request_download_response.xml",
      "kicked.xml",
      "kicked_response.xml",
      "fault_spv.xml",
  };
  std::vector<bool> seen(std::variant_size_v<Body>, false);
  for (const char* file : files) {
    const Envelope env = decodeFile(file);
    seen[env.body.index()] = true;
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_TRUE(seen[i]) << "no golden envelope decodes to Body alternative " << i;
  }
}

}  // namespace
}  // namespace cwmp
