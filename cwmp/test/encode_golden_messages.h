// encode_golden_messages.h: every CWMP message built in C++ with exactly the content of the
// hand-written input cwmp/test/testdata/<file_stem>.xml.
//
// encode_test.cpp encodes these and compares with golden/<file_stem>.xml, and
// round_trip_test.cpp decodes testdata/<file_stem>.xml, encodes it and compares with the
// same golden file: one golden file thus ties the C++ value, the decoder and the encoder
// together. When a testdata input changes, its message here must change with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "encode_samples.h"

#include "cwmp/messages.h"

namespace cwmp::golden_messages {

using test_samples::NamedSample;
using test_samples::pvs;

inline NamedSample named(std::string name, std::string file_stem, std::string id, Body body,
                         CwmpNamespace ns = CwmpNamespace::V1_2) {
  Envelope envelope;
  envelope.ns = ns;
  envelope.header.id = std::move(id);
  envelope.body = std::move(body);
  return NamedSample{std::move(name), std::move(file_stem), std::move(envelope)};
}

template <class Message>
NamedSample named(std::string id, Message message, CwmpNamespace ns = CwmpNamespace::V1_2) {
  return named(std::string(Message::kMethod), test_samples::snakeCase(Message::kMethod),
               std::move(id), Body{std::move(message)}, ns);
}

inline FaultStruct fault(std::uint32_t code, std::string text) {
  return test_samples::faultStruct(code, std::move(text));
}

inline std::vector<NamedSample> requestsToTheCpe() {
  std::vector<NamedSample> out;
  out.push_back(named("rpc-17", GetRPCMethods{}, CwmpNamespace::V1_0));
  {
    GetRPCMethodsResponse m;
    m.method_list = {"GetRPCMethods", "SetParameterValues", "GetParameterValues", "Reboot",
                     "X_00A0C9_Diagnose"};
    out.push_back(named("rpc-17", m, CwmpNamespace::V1_0));
  }
  {
    SetParameterValues m;
    m.parameter_list = {
        pvs("Device.ManagementServer.PeriodicInformInterval", "300", "xsd:unsignedInt"),
        pvs("Device.ManagementServer.PeriodicInformEnable", "true", "xsd:boolean"),
        pvs("Device.WiFi.SSID.1.SSID", "Lab & Guests <5G>", "xsd:string"),
        pvs("Device.Time.LocalTimeZone", "CET-1CEST,M3.5.0,M10.5.0/3", "xsd:string")};
    m.parameter_key = "cfg-2024-03-05";
    out.push_back(named("spv-3", m));
  }
  {
    SetParameterValuesResponse m;
    m.status = 1;
    out.push_back(named("spv-3", m));
  }
  {
    GetParameterValues m;
    m.parameter_names = {"Device.DeviceInfo.SoftwareVersion", "Device.IP.Interface.",
                         "Device.WiFi.Radio.*.Channel"};
    out.push_back(named("gpv-8", m));
  }
  {
    GetParameterValuesResponse m;
    m.parameter_list = {
        pvs("Device.DeviceInfo.SoftwareVersion", "4.2.1-build 7", "xsd:string"),
        pvs("Device.IP.Interface.1.Enable", "1", "xsd:boolean"),
        pvs("Device.IP.Interface.1.MaxMTUSize", "1500", "xsd:unsignedInt"),
        pvs("Device.IP.Interface.1.Stats.BytesSent", "18446744073709551615", "xsd:unsignedLong"),
        pvs("Device.IP.Interface.1.LastChange", "-1", "xsd:int"),
        pvs("Device.Time.CurrentLocalTime", "2024-03-05T14:07:09Z", "xsd:dateTime"),
        pvs("Device.WiFi.Radio.1.Channel", "36", "")};  // sent without xsi:type
    out.push_back(named("gpv-8", m));
  }
  {
    GetParameterNames m;
    m.parameter_path = "InternetGatewayDevice.LANDevice.";
    m.next_level = false;
    out.push_back(named("gpn-1", m, CwmpNamespace::V1_1));
  }
  {
    GetParameterNamesResponse m;
    const auto info = [](std::string name, bool writable) {
      ParameterInfoStruct p;
      p.name = std::move(name);
      p.writable = writable;
      return p;
    };
    m.parameter_list = {
        info("InternetGatewayDevice.LANDevice.", false),
        info("InternetGatewayDevice.LANDevice.1.", true),
        info("InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.DHCPServerEnable", true)};
    out.push_back(named("gpn-1", m, CwmpNamespace::V1_1));
  }
  {
    SetParameterAttributes m;
    SetParameterAttributesStruct version;
    version.name = "Device.DeviceInfo.SoftwareVersion";
    version.notification_change = true;
    version.notification = 2;
    version.access_list_change = true;
    version.access_list = {"Subscriber"};
    SetParameterAttributesStruct hosts;
    hosts.name = "Device.Hosts.Host.";
    hosts.notification_change = false;
    hosts.notification = 0;  // sent as an empty <Notification/>
    hosts.access_list_change = false;
    hosts.access_list = {};
    m.parameter_list = {version, hosts};
    out.push_back(named("spa-5", m));
  }
  out.push_back(named("spa-5", SetParameterAttributesResponse{}));
  {
    GetParameterAttributes m;
    m.parameter_names = {"Device.DeviceInfo.SoftwareVersion", "Device.ManagementServer."};
    out.push_back(named("gpa-2", m));
  }
  {
    GetParameterAttributesResponse m;
    ParameterAttributeStruct version;
    version.name = "Device.DeviceInfo.SoftwareVersion";
    version.notification = 2;
    version.access_list = {};
    ParameterAttributeStruct interval;
    interval.name = "Device.ManagementServer.PeriodicInformInterval";
    interval.notification = 0;
    interval.access_list = {"Subscriber"};
    m.parameter_list = {version, interval};
    out.push_back(named("gpa-2", m));
  }
  {
    AddObject m;
    m.object_name = "Device.NAT.PortMapping.";
    m.parameter_key = "pm-add-1";
    out.push_back(named("add-9", m));
  }
  {
    AddObjectResponse m;
    m.instance_number = 12;
    m.status = 0;
    out.push_back(named("add-9", m));
  }
  {
    DeleteObject m;
    m.object_name = "Device.NAT.PortMapping.12.";
    m.parameter_key = "pm-del-12";
    out.push_back(named("del-4", m));
  }
  {
    DeleteObjectResponse m;
    m.status = 1;
    out.push_back(named("del-4", m));
  }
  {
    Reboot m;
    m.command_key = "reboot after upgrade";
    out.push_back(named("reboot-1", m, CwmpNamespace::V1_0));
  }
  out.push_back(named("reboot-1", RebootResponse{}, CwmpNamespace::V1_0));
  {
    Download m;
    m.command_key = "fw-4.3.0";
    m.file_type = "1 Firmware Upgrade Image";
    m.url = "https://files.example.net/fw/hg2400-4.3.0.bin";
    m.username = "cpe";
    m.password = "s3cret!";
    m.file_size = 16777216;
    m.target_file_name = "hg2400.bin";
    m.delay_seconds = 30;
    m.success_url = "https://portal.example.net/ok";
    m.failure_url = "";
    out.push_back(named("dl-77", m));
  }
  {
    DownloadResponse m;
    m.status = 1;
    m.start_time = "0001-01-01T00:00:00Z";
    m.complete_time = "0001-01-01T00:00:00Z";
    out.push_back(named("dl-77", m));
  }
  {
    Upload m;
    m.command_key = "backup-weekly";
    m.file_type = "1 Vendor Configuration File";
    m.url = "https://files.example.net/upload/LAB0000001.cfg";
    m.username = "uploader";
    m.password = "pw";
    m.delay_seconds = 0;
    out.push_back(named("ul-2", m));
  }
  {
    UploadResponse m;
    m.status = 0;
    m.start_time = "2024-03-05T14:10:00Z";
    m.complete_time = "2024-03-05T14:10:02.5Z";
    out.push_back(named("ul-2", m));
  }
  out.push_back(named("fr-1", FactoryReset{}));
  out.push_back(named("fr-1", FactoryResetResponse{}));
  out.push_back(named("gqt-1", GetQueuedTransfers{}, CwmpNamespace::V1_0));
  {
    GetQueuedTransfersResponse m;
    QueuedTransferStruct firmware;
    firmware.command_key = "fw-4.3.0";
    firmware.state = 2;
    QueuedTransferStruct config;
    config.command_key = "cfg-1";
    config.state = 1;
    m.transfer_list = {firmware, config};
    out.push_back(named("gqt-1", m, CwmpNamespace::V1_0));
  }
  out.push_back(named("gaqt-1", GetAllQueuedTransfers{}));
  {
    GetAllQueuedTransfersResponse m;
    AllQueuedTransferStruct firmware;
    firmware.command_key = "fw-4.3.0";
    firmware.state = 2;
    firmware.is_download = true;
    firmware.file_type = "1 Firmware Upgrade Image";
    firmware.file_size = 16777216;
    firmware.target_file_name = "hg2400.bin";
    AllQueuedTransferStruct log;
    log.command_key = "";
    log.state = 1;
    log.is_download = false;
    log.file_type = "2 Vendor Log File";
    log.file_size = 0;
    log.target_file_name = "";
    m.transfer_list = {firmware, log};
    out.push_back(named("gaqt-1", m));
  }
  {
    ScheduleInform m;
    m.delay_seconds = 3600;
    m.command_key = "hourly-check";
    out.push_back(named("si-6", m));
  }
  out.push_back(named("si-6", ScheduleInformResponse{}));
  {
    ScheduleDownload m;
    m.command_key = "night-fw";
    m.file_type = "1 Firmware Upgrade Image";
    m.url = "http://files.example.net/fw/4.3.1.bin";
    m.username = "";
    m.password = "";
    m.file_size = 20000000;
    m.target_file_name = "";
    TimeWindowStruct idle;
    idle.window_start = 3600;
    idle.window_end = 7200;
    idle.window_mode = "3 When Idle";
    idle.user_message = "";
    idle.max_retries = -1;
    TimeWindowStruct confirm;
    confirm.window_start = 86400;
    confirm.window_end = 90000;
    confirm.window_mode = "4 Confirmation Needed";
    confirm.user_message = "A firmware update is ready. Install now?";
    confirm.max_retries = 2;
    m.time_window_list = {idle, confirm};
    out.push_back(named("sd-1", m));
  }
  out.push_back(named("sd-1", ScheduleDownloadResponse{}));
  {
    CancelTransfer m;
    m.command_key = "night-fw";
    out.push_back(named("ct-1", m));
  }
  out.push_back(named("ct-1", CancelTransferResponse{}));
  {
    ChangeDUState m;
    InstallOpStruct install;
    install.url = "https://apps.example.net/du/speedtest-1.2.ipk";
    install.uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    install.username = "apps";
    install.password = "apps-pw";
    install.execution_env_ref = "Device.SoftwareModules.ExecEnv.1";
    UpdateOpStruct update;
    update.uuid = "16fd2706-8baf-433b-82eb-8c7fada847da";
    update.version = "2.0";
    update.url = std::nullopt;
    update.username = "";
    update.password = "";
    UninstallOpStruct uninstall;
    uninstall.uuid = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
    uninstall.version = std::nullopt;
    uninstall.execution_env_ref = "Device.SoftwareModules.ExecEnv.2";
    m.operations = {install, update, uninstall};
    m.command_key = "du-batch-7";
    out.push_back(named("cdu-1", m));
  }
  out.push_back(named("cdu-1", ChangeDUStateResponse{}));
  {
    SetVouchers m;
    // The second voucher is split over two lines in the input; base64 text is kept as sent.
    m.voucher_list = {"TGFiIHZvdWNoZXIgb25l", "TGFiIHZv\ndWNoZXIgdHdvIQ=="};
    out.push_back(named("sv-1", m, CwmpNamespace::V1_0));
  }
  out.push_back(named("sv-1", SetVouchersResponse{}, CwmpNamespace::V1_0));
  {
    GetOptions m;
    m.option_name = "X_LAB_Premium";
    out.push_back(named("go-1", m, CwmpNamespace::V1_0));
  }
  {
    GetOptionsResponse m;
    OptionStruct premium;
    premium.option_name = "X_LAB_Premium";
    premium.voucher_sn = 1001;
    premium.state = 1;
    premium.mode = 2;
    premium.start_date = "2024-01-01T00:00:00Z";
    premium.expiration_date = "2025-01-01T00:00:00Z";
    premium.is_transferable = true;
    OptionStruct basic;
    basic.option_name = "X_LAB_Basic";
    basic.voucher_sn = 7;
    basic.state = 0;
    basic.mode = 0;
    basic.start_date = "2023-06-30T12:00:00-05:00";
    basic.expiration_date = std::nullopt;
    basic.is_transferable = false;
    m.option_list = {premium, basic};
    out.push_back(named("go-1", m, CwmpNamespace::V1_0));
  }
  return out;
}

inline std::vector<NamedSample> requestsToTheAcs() {
  std::vector<NamedSample> out;
  {
    Inform m;
    m.device_id.manufacturer = "Lab Networks";
    m.device_id.oui = "00A0C9";
    m.device_id.product_class = "HG-2400";
    m.device_id.serial_number = "LAB0000001";
    EventStruct bootstrap;
    bootstrap.event_code = "0 BOOTSTRAP";
    EventStruct boot;
    boot.event_code = "1 BOOT";
    m.event = {bootstrap, boot};
    m.max_envelopes = 1;
    m.current_time = "2024-03-05T14:07:09+01:00";
    m.retry_count = 0;
    m.parameter_list = {pvs("Device.RootDataModelVersion", "2.17", "xsd:string"),
                        pvs("Device.DeviceInfo.HardwareVersion", "rev B", "xsd:string"),
                        pvs("Device.DeviceInfo.SoftwareVersion", "4.2.1-build 7", "xsd:string"),
                        pvs("Device.DeviceInfo.UpTime", "86400", "xsd:unsignedInt"),
                        pvs("Device.ManagementServer.ConnectionRequestURL",
                            "http://192.0.2.10:7547/cr/LAB0000001", "xsd:string"),
                        pvs("Device.ManagementServer.ParameterKey", "", "xsd:string")};
    NamedSample sample = named("inform-0001", m);
    sample.envelope.header.session_timeout = 60;
    sample.envelope.header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
    out.push_back(std::move(sample));
  }
  {
    NamedSample sample = named("inform-0001", InformResponse{});
    sample.envelope.header.hold_requests = true;
    sample.envelope.header.use_cwmp_version = "1.4";
    out.push_back(std::move(sample));
  }
  {
    TransferComplete m;
    m.command_key = "fw-4.3.0";
    m.fault_struct = fault(0, "");
    m.start_time = "2024-03-05T14:08:00Z";
    m.complete_time = "2024-03-05T14:09:41Z";
    out.push_back(named("tc-100", m));
  }
  out.push_back(named("tc-100", TransferCompleteResponse{}));
  {
    AutonomousTransferComplete m;
    m.announce_url = "http://announce.example.net/feed";
    m.transfer_url = "http://files.example.net/fw/auto-4.3.2.bin";
    m.is_download = true;
    m.file_type = "1 Firmware Upgrade Image";
    m.file_size = 4096;
    m.target_file_name = "auto.bin";
    m.fault_struct = fault(0, "");
    m.start_time = "2024-03-06T01:00:00Z";
    m.complete_time = "2024-03-06T01:00:07Z";
    out.push_back(named("atc-1", m));
  }
  out.push_back(named("atc-1", AutonomousTransferCompleteResponse{}));
  {
    DUStateChangeComplete m;
    OpResultStruct installed;
    installed.uuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    installed.deployment_unit_ref = "Device.SoftwareModules.DeploymentUnit.3";
    installed.version = "1.2";
    installed.current_state = "Installed";
    installed.resolved = true;
    installed.execution_unit_ref_list =
        "Device.SoftwareModules.ExecutionUnit.3,Device.SoftwareModules.ExecutionUnit.4";
    installed.start_time = "2024-03-05T15:00:00Z";
    installed.complete_time = "2024-03-05T15:00:12Z";
    installed.fault = fault(0, "");
    OpResultStruct failed;
    failed.uuid = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
    failed.deployment_unit_ref = "";
    failed.version = "";
    failed.current_state = "Failed";
    failed.resolved = false;
    failed.execution_unit_ref_list = "";
    failed.start_time = "0001-01-01T00:00:00Z";
    failed.complete_time = "0001-01-01T00:00:00Z";
    failed.fault = fault(9028, "Unknown Deployment Unit");
    m.results = {installed, failed};
    m.command_key = "du-batch-7";
    out.push_back(named("dsc-1", m));
  }
  out.push_back(named("dsc-1", DUStateChangeCompleteResponse{}));
  {
    AutonomousDUStateChangeComplete m;
    AutonOpResultStruct updated;
    updated.uuid = "16fd2706-8baf-433b-82eb-8c7fada847da";
    updated.deployment_unit_ref = "Device.SoftwareModules.DeploymentUnit.5";
    updated.version = "2.0";
    updated.current_state = "Installed";
    updated.resolved = true;
    updated.execution_unit_ref_list = "Device.SoftwareModules.ExecutionUnit.9";
    updated.start_time = "2024-03-07T08:00:00+02:00";
    updated.complete_time = "2024-03-07T08:00:03+02:00";
    updated.fault = fault(0, "");
    updated.operation_performed = "Update";
    m.results = {updated};
    out.push_back(named("adsc-1", m));
  }
  out.push_back(named("adsc-1", AutonomousDUStateChangeCompleteResponse{}));
  {
    RequestDownload m;
    m.file_type = "3 Vendor Configuration File";
    ArgStruct version;
    version.name = "Version";
    version.value = "4.3.0";
    ArgStruct profile;
    profile.name = "Profile";
    profile.value = "residential gold";
    m.file_type_arg = {version, profile};
    out.push_back(named("rd-1", m));
  }
  out.push_back(named("rd-1", RequestDownloadResponse{}));
  {
    Kicked m;
    m.command = "activate";
    m.referer = "http://portal.example.net/welcome";
    m.arg = "plan=gold&months=12";
    m.next = "http://portal.example.net/done";
    out.push_back(named("k-1", m, CwmpNamespace::V1_0));
  }
  {
    KickedResponse m;
    m.next_url = "http://portal.example.net/done?ok=1";
    out.push_back(named("k-1", m, CwmpNamespace::V1_0));
  }
  return out;
}

// One message per Body alternative. The Fault is testdata/fault_spv.xml; the empty body
// carries only the deprecated NoMoreRequests header, as testdata/empty_body.xml does.
inline std::vector<NamedSample> allGoldenMessages() {
  std::vector<NamedSample> out;
  {
    Envelope empty;
    empty.ns = CwmpNamespace::V1_3;
    empty.header.no_more_requests = true;
    out.push_back(NamedSample{"EmptyBody", "empty_body", empty});
  }
  for (NamedSample& sample : requestsToTheCpe()) out.push_back(std::move(sample));
  for (NamedSample& sample : requestsToTheAcs()) out.push_back(std::move(sample));
  {
    Fault m;
    m.faultcode = "Client";
    m.faultstring = "CWMP fault";
    m.fault_code = 9003;
    m.fault_string = "Invalid arguments";
    SetParameterValuesFault interval;
    interval.parameter_name = "Device.ManagementServer.PeriodicInformInterval";
    interval.fault_code = 9007;
    interval.fault_string = "Invalid parameter value";
    SetParameterValuesFault version;
    version.parameter_name = "Device.DeviceInfo.SoftwareVersion";
    version.fault_code = 9008;
    version.fault_string = "Attempt to set a non-writable parameter";
    m.set_parameter_values_fault = {interval, version};
    out.push_back(named("Fault", "fault_spv", "spv-3", Body{m}));
  }
  return out;
}

}  // namespace cwmp::golden_messages
