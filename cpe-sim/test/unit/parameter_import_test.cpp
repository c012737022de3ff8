// Profiles imported from a device's parameter dump (CSV and our ACS's JSON export).

#include "device/model_template.h"
#include "profile/profile_loader.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::faultCode;
using test::run;
using test::t0;

const char* kCsv = R"(name,type,writable,value
Device.DeviceInfo.Manufacturer,xsd:string,false,Acme Networks
Device.DeviceInfo.ManufacturerOUI,xsd:string,false,00A0C9
Device.DeviceInfo.ProductClass,xsd:string,false,RG9
Device.DeviceInfo.SerialNumber,xsd:string,false,ABC123
Device.DeviceInfo.SoftwareVersion,xsd:string,false,9.1
Device.DeviceInfo.UpTime,xsd:unsignedInt,false,4711
Device.ManagementServer.URL,xsd:string,true,http://real-acs.example/
Device.ManagementServer.ConnectionRequestURL,xsd:string,false,http://203.0.113.9:7547/abc
Device.ManagementServer.ParameterKey,xsd:string,false,
Device.ManagementServer.PeriodicInformInterval,xsd:unsignedInt,true,900
Device.Hosts.Host.,object,true,
Device.Hosts.Host.1.HostName,xsd:string,true,"printer, 2nd floor"
Device.Hosts.Host.1.Active,xsd:boolean,false,true
Device.Hosts.Host.3.HostName,xsd:string,true,"say ""hi"" {x}"
Device.Hosts.Host.3.Active,xsd:boolean,false,false
Device.WiFi.AccessPoint.1.AssociatedDevice.1.MACAddress,string,false,AA:BB:CC:00:00:01
Device.WiFi.AccessPoint.1.AssociatedDevice.2.MACAddress,string,false,AA:BB:CC:00:00:02
Device.WiFi.AccessPoint.2.SSIDReference,string,true,Device.WiFi.SSID.2
)";

TEST(ParameterImport, CsvDumpBecomesAWorkingProfile) {
  auto spec = parseParameterCsv(kCsv, "dumps/rg9.csv");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_EQ(spec->name, "rg9");
  EXPECT_EQ(spec->device_id.manufacturer, "Acme Networks");
  EXPECT_EQ(spec->device_id.oui, "00A0C9");
  EXPECT_EQ(spec->device_id.serial, "ABC123-{index:06}");
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok()) << p.error().message;
  Device d = test::bootedDevice(**p, 4);
  auto v = [&](const char* name) { return test::valueOf(d, **p, name, test::at(10)); };
  EXPECT_EQ(v("Device.DeviceInfo.SerialNumber"), "ABC123-000004");
  EXPECT_EQ(v("Device.DeviceInfo.UpTime"), "10");  // a generator now, not the dumped 4711
  EXPECT_EQ(v("Device.ManagementServer.URL"), "http://real-acs.example/");
  EXPECT_EQ(v("Device.ManagementServer.ConnectionRequestURL"),
            "http://10.0.0.5:7547/cr/ABC123-000004");
  EXPECT_EQ(v("Device.Hosts.Host.1.HostName"), "printer, 2nd floor");
  EXPECT_EQ(v("Device.Hosts.Host.3.HostName"), "say \"hi\" {x}");
  EXPECT_EQ(v("Device.Hosts.Host.3.Active"), "false");
  EXPECT_EQ(v("Device.WiFi.AccessPoint.1.AssociatedDevice.2.MACAddress"), "AA:BB:CC:00:00:02");
  // Nested instances exist only where the dump had them.
  EXPECT_FALSE(
      d.parameter(**p, "Device.WiFi.AccessPoint.2.AssociatedDevice.1.MACAddress", t0()).ok());
  EXPECT_EQ(v("Device.WiFi.AccessPoint.2.SSIDReference"), "Device.WiFi.SSID.2");
  // The object row made Hosts.Host writable: AddObject continues after the highest instance.
  auto added = run(d, **p, cwmp::AddObject{"Device.Hosts.Host.", ""});
  ASSERT_TRUE(std::holds_alternative<cwmp::AddObjectResponse>(added)) << faultCode(added);
  EXPECT_EQ(std::get<cwmp::AddObjectResponse>(added).instance_number, 4u);
  EXPECT_EQ(test::valueOf(d, **p, "Device.Hosts.Host.4.Active"), "false");
  // Tables without an object row are read-only by default.
  EXPECT_EQ(faultCode(run(d, **p, cwmp::AddObject{"Device.WiFi.AccessPoint.", ""})), 9005u);
  // Standard attributes were applied by name.
  std::vector<std::string> forced;
  for (auto n : (*p)->model().forcedInform()) forced.push_back((*p)->model().node(n).name);
  EXPECT_EQ(forced, (std::vector<std::string>{"Device.DeviceInfo.SoftwareVersion",
                                              "Device.ManagementServer.ConnectionRequestURL",
                                              "Device.ManagementServer.ParameterKey"}));
  auto attrs = run(d, **p, cwmp::GetParameterAttributes{{"Device.DeviceInfo.SoftwareVersion"}});
  EXPECT_EQ(std::get<cwmp::GetParameterAttributesResponse>(attrs).parameter_list[0].notification,
            2);
  // Writability came from the dump.
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.PeriodicInformInterval", "60", ""},
                        {"Device.Hosts.Host.1.Active", "false", ""}};
  auto body = run(d, **p, spv);
  ASSERT_EQ(faultCode(body), 9003u);
  ASSERT_EQ(std::get<cwmp::Fault>(body).set_parameter_values_fault.size(), 1u);
  EXPECT_EQ(std::get<cwmp::Fault>(body).set_parameter_values_fault[0].fault_code, 9008u);
}

TEST(ParameterImport, CsvWithoutHeaderUsesTheDefaultColumnOrder) {
  auto spec = parseParameterCsv(
      "InternetGatewayDevice.DeviceInfo.SerialNumber,string,false,X1\r\n"
      "InternetGatewayDevice.DeviceInfo.SpecVersion,string,false,1.0\r\n"
      "\r\n"
      "# comment lines are skipped\n"
      "InternetGatewayDevice.ManagementServer.URL,string,true,http://a/\n",
      "igd.csv");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ((*p)->rootName(), "InternetGatewayDevice.");
  EXPECT_EQ((*p)->parameterCount(), 3u);
  EXPECT_EQ((*p)->model().forcedInform().size(), 1u);  // SpecVersion
}

TEST(ParameterImport, CsvErrorsNameTheLine) {
  auto expectError = [](const std::string& csv, const std::string& what) {
    auto spec = parseParameterCsv(csv, "d.csv");
    ASSERT_FALSE(spec.ok()) << csv;
    EXPECT_NE(spec.error().message.find(what), std::string::npos) << spec.error().message;
  };
  expectError("name,type,writable,value\nDevice.A,xsd:float,false,1\n",
              "d.csv:2: unknown type 'xsd:float'");
  expectError("Device.A,int,maybe,1\n", "d.csv:1: writable must be true or false");
  expectError("Device.A,int,false,1\nDevice.A,int,false,2\n", "d.csv:2: 'Device.A' appears twice");
  expectError("Device.A,int,false\n", "d.csv:1: expected 4 fields");
  expectError("Device.A,int,false,one\n",
              "d.csv:1: value 'one' of 'Device.A' is not a valid xsd:int");
  expectError("Device.A,string,false,x\nOther.B,string,false,y\n", "d.csv:2:");
  expectError("Device.A,string,false,\"open\n", "unterminated");
  expectError("Device.T.,object,true,\nDevice.T.1.X,string,false,a\nDevice.T.Y,string,false,b\n",
              "d.csv:3: 'Device.T.Y': 'T' is a table");
  expectError("", "no parameters");
}

TEST(ParameterImport, AcsJsonExportBecomesAProfile) {
  const char* json = R"({"items": [
    {"name": "Device.DeviceInfo.SerialNumber", "value": "S1", "type": "xsd:string", "writable": false, "last_updated": "2024-01-01T00:00:00Z"},
    {"name": "Device.DeviceInfo.ManufacturerOUI", "value": "00A0C9", "type": "xsd:string", "writable": false},
    {"name": "Device.ManagementServer.PeriodicInformInterval", "value": 300, "type": "xsd:unsignedInt", "writable": true},
    {"name": "Device.ManagementServer.PeriodicInformEnable", "value": true, "type": "xsd:boolean", "writable": true},
    {"name": "Device.IP.Interface.1.Name", "value": "wan", "type": "xsd:string", "writable": false},
    {"name": "Device.IP.Interface.2.Name", "value": "lan", "type": "xsd:string", "writable": false},
    {"name": "Device.X_ACME_Note", "value": null, "type": "xsd:string", "writable": true}
  ], "total": 7})";
  auto spec = parseParameterExport(json, "export.json");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok()) << p.error().message;
  Device d = test::bootedDevice(**p);
  EXPECT_EQ(test::valueOf(d, **p, "Device.ManagementServer.PeriodicInformInterval"), "300");
  EXPECT_EQ(test::valueOf(d, **p, "Device.ManagementServer.PeriodicInformEnable"), "true");
  EXPECT_EQ(test::valueOf(d, **p, "Device.IP.Interface.2.Name"), "lan");
  EXPECT_EQ(test::valueOf(d, **p, "Device.X_ACME_Note"), "");
  EXPECT_EQ(d.nextPeriodicInform(**p, t0()), test::at(300));
  // A bare list works too.
  auto bare = parseParameterExport(R"([{"name": "Device.A", "value": "1"}])", "bare.json");
  ASSERT_TRUE(bare.ok()) << bare.error().message;
}

TEST(ParameterImport, JsonExportErrorsNameThePosition) {
  auto missing = parseParameterExport("{\"items\": [{\"value\": 1}]}", "e.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("e.json:1:"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("without a name"), std::string::npos);
  auto broken = parseParameterExport("{\"items\": [", "e.json");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("e.json:"), std::string::npos);
  auto shape = parseParameterExport("{\"devices\": []}", "e.json");
  EXPECT_FALSE(shape.ok());
}

TEST(ParameterImport, ADevicesOwnDumpImportsToTheSameTree) {
  // Dump a simulated device through GPN + GPV, import it, and compare.
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p, 3);
  auto names =
      std::get<cwmp::GetParameterNamesResponse>(run(d, *p, cwmp::GetParameterNames{"", false}));
  auto values =
      std::get<cwmp::GetParameterValuesResponse>(run(d, *p, cwmp::GetParameterValues{{""}}));
  std::string csv = "name,type,writable,value\n";
  std::size_t v = 0;
  for (const auto& n : names.parameter_list) {
    if (n.name.ends_with('.')) {
      csv += n.name + ",object," + (n.writable ? "true" : "false") + ",\n";
      continue;
    }
    const auto& pv = values.parameter_list.at(v++);
    ASSERT_EQ(pv.name, n.name);
    std::string quoted = "\"";
    for (char c : pv.value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    csv += n.name + "," + pv.type + "," + (n.writable ? "true" : "false") + "," + quoted + "\n";
  }
  ImportOptions options;
  options.bind_management_urls = false;
  auto spec = parseParameterCsv(csv, "self.csv", options);
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  auto imported = Profile::build(std::move(*spec));
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  Device copy = test::bootedDevice(**imported, 3);
  auto names2 = std::get<cwmp::GetParameterNamesResponse>(
      run(copy, **imported, cwmp::GetParameterNames{"", false}));
  std::vector<std::string> a;
  std::vector<std::string> b;
  for (const auto& n : names.parameter_list) a.push_back(n.name + (n.writable ? "+w" : ""));
  for (const auto& n : names2.parameter_list) b.push_back(n.name + (n.writable ? "+w" : ""));
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  auto values2 = std::get<cwmp::GetParameterValuesResponse>(
      run(copy, **imported, cwmp::GetParameterValues{{"Device.LAN."}}));
  auto values1 = std::get<cwmp::GetParameterValuesResponse>(
      run(d, *p, cwmp::GetParameterValues{{"Device.LAN."}}));
  EXPECT_EQ(values1.parameter_list, values2.parameter_list);
}

}  // namespace
}  // namespace cpesim
