#include "test_support.h"

#include "profile/profile_loader.h"
#include <gtest/gtest.h>

namespace cpesim::test {

TimePoint t0() { return TimePoint(std::chrono::seconds(1709294400)); }

const std::string& smallProfileYaml() {
  static const std::string kYaml = R"(
name: small
seed: 42
device_id:
  manufacturer: "Acme"
  oui: "00A0C9"
  product_class: "RG1"
  serial: "SN{index:04}"
variables:
  acs_url: "http://acs.example/cwmp"
  cr_url: "http://{ip}:7547/cr/{serial}"
mac_base: "02:00:00:00:10:00"
ip_base: "10.1.0.1"
cwmp:
  version: "1.4"
  namespace: "1.2"
  session_timeout: 30
transfers:
  max_queued: 3
model:
  Device.:
    RootDataModelVersion: {type: string, value: "2.12", forced: true}
    DeviceInfo.:
      Manufacturer: "{manufacturer}"
      ManufacturerOUI: "{oui}"
      ProductClass: "{product_class}"
      SerialNumber: "{serial}"
      HardwareVersion: {type: string, value: "HW1", forced: true}
      SoftwareVersion: {type: string, value: "1.0.0", forced: true, active_notify: forceEnabled}
      ProvisioningCode: {type: string(16), value: "", writable: true, forced: true, active_notify: forceEnabled}
      UpTime: {type: unsignedInt, generator: uptime, active_notify: canDeny}
      VendorConfigFile.{i}.:
        instances: 1
        Name: "config{i}"
    ManagementServer.:
      EnableCWMP: {type: boolean, value: "true", writable: true}
      URL: {type: string(256), value: "{acs_url}", writable: true}
      Username: {type: string(256), value: "user-{serial}", writable: true}
      Password: {type: string(256), value: "secret", writable: true}
      PeriodicInformEnable: {type: boolean, value: "true", writable: true}
      PeriodicInformInterval: {type: "unsignedInt[1:]", value: "600", writable: true}
      PeriodicInformTime: {type: dateTime, value: "0001-01-01T00:00:00Z", writable: true}
      ParameterKey: {type: string(32), value: "", forced: true}
      ConnectionRequestURL: {type: string(256), value: "{cr_url}", forced: true, active_notify: forceDefaultEnabled}
      ConnectionRequestUsername: {type: string(256), value: "cr", writable: true}
      ConnectionRequestPassword: {type: string(256), value: "crpw", writable: true}
      CWMPRetryMinimumWaitInterval: {type: "unsignedInt[1:65535]", value: "5", writable: true}
      CWMPRetryIntervalMultiplier: {type: "unsignedInt[1000:65535]", value: "2000", writable: true}
    LAN.:
      MACAddress: "{mac}"
      IPAddress: "{ip}"
      Enable: {type: boolean, value: "true", writable: true}
      MTU: {type: "unsignedInt[576:1500]", value: "1500", writable: true}
      Mode: {type: string, value: "Auto", writable: true, enum: [Auto, Manual]}
      Offset: {type: int, value: "-3", writable: true}
      Counter: {type: unsignedInt, generator: {counter: {rate: 10}}, active_notify: canDeny}
      Pick: {type: string, generator: {choice: [red, green, blue]}}
      Stamp: {type: dateTime, value: "2024-01-01T00:00:00Z", writable: true}
      Blob: {type: base64, value: "", writable: true}
      Note: {type: string(8), value: "", writable: true}
      Rebooting: {type: boolean, value: "false", writable: true, reboot_required: true}
      HostNumberOfEntries: {type: unsignedInt, generator: {count: Host}}
      Host.{i}.:
        instances: [1, 2, 5]
        writable: true
        max_instances: 5
        values:
          2: {Name: "nas", Port.1.Speed: "100"}
        Name: {type: string(32), value: "host{i}", writable: true}
        Active: {type: boolean, value: "true", writable: true}
        PortNumberOfEntries: {type: unsignedInt, generator: {count: Port}}
        Port.{i}.:
          instances: 1
          writable: true
          Speed: {type: unsignedInt, value: "1000", writable: true}
      Fixed.{i}.:
        instances: 2
        Label: "fixed{i}"
)";
  return kYaml;
}

ProfilePtr smallProfile() {
  auto p = loadProfileYaml(smallProfileYaml(), "small.yaml");
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : nullptr;
}

std::string profilePath(const std::string& name) {
  return std::string(CPESIM_PROFILES_DIR) + "/" + name + ".yaml";
}

ProfilePtr shippedProfile(const std::string& name) {
  auto p = loadProfileFile(profilePath(name));
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : nullptr;
}

Device bootedDevice(const Profile& profile, std::uint32_t index) {
  Device d(index);
  d.powerOn(profile, t0());
  return d;
}

cwmp::Body run(Device& device, const Profile& profile, cwmp::Body request, TimePoint now) {
  SessionEffects effects;
  return device.execute(profile, request, now, effects);
}

cwmp::Body run(Device& device, const Profile& profile, cwmp::Body request, TimePoint now,
               SessionEffects& effects) {
  return device.execute(profile, request, now, effects);
}

std::uint32_t faultCode(const cwmp::Body& body) {
  const auto* f = std::get_if<cwmp::Fault>(&body);
  return f ? f->fault_code : 0;
}

std::vector<std::string> names(const cwmp::Body& body) {
  std::vector<std::string> out;
  if (const auto* n = std::get_if<cwmp::GetParameterNamesResponse>(&body)) {
    for (const auto& p : n->parameter_list) out.push_back(p.name);
  } else if (const auto* v = std::get_if<cwmp::GetParameterValuesResponse>(&body)) {
    for (const auto& p : v->parameter_list) out.push_back(p.name);
  } else if (const auto* a = std::get_if<cwmp::GetParameterAttributesResponse>(&body)) {
    for (const auto& p : a->parameter_list) out.push_back(p.name);
  } else {
    ADD_FAILURE() << "not a name list: " << cwmp::methodName(body);
  }
  return out;
}

std::string valueOf(const Device& device, const Profile& profile, const std::string& name,
                    TimePoint now) {
  auto v = device.parameter(profile, name, now);
  EXPECT_TRUE(v.ok()) << name;
  return v.ok() ? v->value : std::string("<missing>");
}

}  // namespace cpesim::test
