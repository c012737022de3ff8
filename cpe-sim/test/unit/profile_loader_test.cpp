#include "profile/profile_loader.h"

#include "device/model_template.h"
#include "quirks/quirk_parse.h"
#include "test_support.h"
#include <gtest/gtest.h>

namespace cpesim {
namespace {

using test::t0;

// Loads `yaml` and returns the error message ("" when it loaded).
std::string loadError(const std::string& yaml) {
  auto p = loadProfileYaml(yaml, "bad.yaml");
  return p.ok() ? std::string() : p.error().message;
}

const char* kMinimalHead = R"(name: t
device_id: {oui: "00A0C9"}
model:
  Device.:
)";

TEST(ProfileLoader, ShippedTr181GatewayHasAboutAThousandParameters) {
  auto p = test::shippedProfile("tr181-gateway");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rootName(), "Device.");
  EXPECT_GE(p->parameterCount(), 950u);
  EXPECT_LE(p->parameterCount(), 1150u);
  const auto& m = p->model();
  for (const char* name :
       {"Device.ManagementServer.URL", "Device.ManagementServer.PeriodicInformInterval",
        "Device.ManagementServer.CWMPRetryMinimumWaitInterval",
        "Device.ManagementServer.CWMPRetryIntervalMultiplier", "Device.WiFi.Radio.2.Channel",
        "Device.WiFi.AccessPoint.4.AssociatedDevice.2.SignalStrength",
        "Device.Hosts.Host.24.HostName", "Device.DHCPv4.Server.Pool.1.MinAddress",
        "Device.NAT.PortMapping.2.InternalClient", "Device.IP.Interface.3.IPv4Address.1.IPAddress",
        "Device.Time.CurrentLocalTime", "Device.Ethernet.Interface.5.Stats.BytesSent"}) {
    EXPECT_NE(m.find(name), kNoNode) << name;
  }
  // Forced inform parameters of TR-181 Issue 2 (checklist 7.3).
  std::vector<std::string> forced;
  for (auto n : m.forcedInform()) forced.push_back(m.node(n).name);
  EXPECT_EQ(forced, (std::vector<std::string>{
                        "Device.RootDataModelVersion", "Device.DeviceInfo.HardwareVersion",
                        "Device.DeviceInfo.SoftwareVersion", "Device.DeviceInfo.ProvisioningCode",
                        "Device.ManagementServer.ParameterKey",
                        "Device.ManagementServer.ConnectionRequestURL",
                        "Device.ManagementServer.AliasBasedAddressing"}));
}

TEST(ProfileLoader, ShippedTr098GatewayHasAboutSixHundredParameters) {
  auto p = test::shippedProfile("tr098-gateway");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rootName(), "InternetGatewayDevice.");
  EXPECT_GE(p->parameterCount(), 550u);
  EXPECT_LE(p->parameterCount(), 700u);
  const auto& m = p->model();
  std::vector<std::string> forced;
  for (auto n : m.forcedInform()) forced.push_back(m.node(n).name);
  // The default WAN connection's ExternalIPAddress is forced; the PPP connection of the
  // second connection device is not the default one.
  EXPECT_NE(std::find(forced.begin(), forced.end(),
                      "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1."
                      "ExternalIPAddress"),
            forced.end());
  EXPECT_NE(m.find("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANPPPConnection.1."
                   "Username"),
            kNoNode);
  EXPECT_EQ(m.find("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANIPConnection.1."),
            kNoNode);
  EXPECT_NE(std::find(forced.begin(), forced.end(), "InternetGatewayDevice.DeviceInfo.SpecVersion"),
            forced.end());
}

TEST(ProfileLoader, ShippedProfilesExpandTheirPlaceholdersPerDevice) {
  auto p = test::shippedProfile("tr181-gateway");
  ASSERT_TRUE(p);
  Device d = test::bootedDevice(*p, 12);
  EXPECT_EQ(test::valueOf(d, *p, "Device.DeviceInfo.SerialNumber"), "CL1810000012");
  EXPECT_EQ(test::valueOf(d, *p, "Device.ManagementServer.ConnectionRequestURL"),
            "http://100.64.0.13:7547/cr/CL1810000012");
  EXPECT_EQ(test::valueOf(d, *p, "Device.WiFi.SSID.3.SSID"), "CwmpLab-CL1810000012-5G");
  EXPECT_EQ(test::valueOf(d, *p, "Device.Hosts.HostNumberOfEntries"), "24");
  EXPECT_EQ(p->deviceId(12).oui, "00D09E");
}

TEST(ProfileLoader, PlaceholdersExpandMacIpAndEscapes) {
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->serialNumber(3), "SN0003");
  EXPECT_EQ(p->expand("{index}/{index:06}", 300), "300/000300");
  EXPECT_EQ(p->expand("{mac}", 300), "02:00:00:00:11:2C");
  EXPECT_EQ(p->expand("{mac_hex}", 300), "02000000112C");
  EXPECT_EQ(p->expand("{ip}", 300), "10.1.1.45");
  EXPECT_EQ(p->expand("{oui}-{product_class}-{serial}", 1), "00A0C9-RG1-SN0001");
  EXPECT_EQ(p->expand("{{literal}} {cr_url}", 2), "{literal} http://10.1.0.3:7547/cr/SN0002");
  EXPECT_EQ(p->expand("{nope}", 2), "{nope}");
}

TEST(ProfileLoader, WithVariablesRebindsUrlsAndSerialWithoutCopyingTheTemplate) {
  auto p = test::smallProfile();
  ASSERT_TRUE(p);
  auto bound =
      p->withVariables({{"acs_url", "http://127.0.0.1:9/x"}, {"serial", "LAB-{index:03}"}});
  ASSERT_TRUE(bound.ok()) << bound.error().message;
  EXPECT_EQ(&(*bound)->model(), &p->model());
  Device d = test::bootedDevice(**bound, 5);
  EXPECT_EQ(test::valueOf(d, **bound, "Device.ManagementServer.URL"), "http://127.0.0.1:9/x");
  EXPECT_EQ(test::valueOf(d, **bound, "Device.DeviceInfo.SerialNumber"), "LAB-005");
  EXPECT_FALSE(p->withVariables({{"serial", "{serial}x"}}).ok());
  EXPECT_FALSE(p->withVariables({{"index", "1"}}).ok());
  EXPECT_FALSE(p->withVariables({{"acs_url", "{undefined}"}}).ok());
}

TEST(ProfileLoaderErrors, UnknownTypeNamesTheLineAndTheChoices) {
  std::string e = loadError(std::string(kMinimalHead) + "    Enable: {type: bool, value: \"1\"}\n");
  EXPECT_NE(e.find("bad.yaml:5:"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown type 'bool'"), std::string::npos) << e;
  EXPECT_NE(e.find("boolean"), std::string::npos) << e;
}

TEST(ProfileLoaderErrors, YamlSyntaxErrorNamesTheLine) {
  std::string e = loadError("name: t\nmodel:\n  Device.:\n    A: [unclosed\n");
  EXPECT_NE(e.find("bad.yaml:"), std::string::npos) << e;
  EXPECT_EQ(e.find("bad.yaml: "), std::string::npos) << "no line in: " << e;
}

TEST(ProfileLoaderErrors, InvalidDefaultValueNamesTheParameterLine) {
  std::string e =
      loadError(std::string(kMinimalHead) + "    A: \"x\"\n    N: {type: int, value: \"12x\"}\n");
  EXPECT_NE(e.find("bad.yaml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("'12x' is not a valid xsd:int"), std::string::npos) << e;
}

TEST(ProfileLoaderErrors, RejectsUnknownKeysAndOptions) {
  EXPECT_NE(loadError("name: t\ncolour: red\nmodel: {Device.: {}}\n")
                .find("bad.yaml:2:1: unknown profile key 'colour'"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) + "    A: {type: string, colour: red}\n")
                .find("unknown option 'colour'"),
            std::string::npos);
  EXPECT_NE(
      loadError(std::string(kMinimalHead) + "    Obj.:\n      instances: 3\n").find("only tables"),
      std::string::npos);
  EXPECT_NE(loadError("name: t\nquirks: {explode: true}\nmodel: {Device.: {}}\n")
                .find("unknown quirk 'explode'"),
            std::string::npos);
}

TEST(ProfileLoaderErrors, RejectsStructuralMistakes) {
  EXPECT_NE(loadError(std::string(kMinimalHead) + "    A: \"1\"\n    A: \"2\"\n")
                .find("duplicate name 'A'"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) +
                      "    N: {type: unsignedInt, generator: {count: Nope}}\n")
                .find("counts 'Nope'"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) +
                      "    T.{i}.:\n      instances: 1\n      values: {3: {A: x}}\n      A: \"\"\n")
                .find("instance 3"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) +
                      "    T.{i}.:\n      instances: 1\n      values: {1: {B: x}}\n      A: \"\"\n")
                .find("has no parameter 'B'"),
            std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) + "    A: \"{nothing}\"\n")
                .find("unknown placeholder {nothing}"),
            std::string::npos);
  EXPECT_NE(loadError("name: t\ndevice_id: {oui: \"00a0c9\"}\nmodel: {Device.: {}}\n")
                .find("6 upper-case hex"),
            std::string::npos);
  EXPECT_NE(loadError("name: t\n").find("no model"), std::string::npos);
  EXPECT_NE(loadError(std::string(kMinimalHead) + "    M: {type: \"int[5:1]\", value: \"3\"}\n")
                .find("minimum is above"),
            std::string::npos);
  EXPECT_NE(loadError("name: t\nrpcs: [GetRPCMethods, Teleport]\nmodel: {Device.: {}}\n")
                .find("rpc 'Teleport'"),
            std::string::npos);
}

TEST(ProfileLoaderErrors, UnreadableFileIsAnError) {
  auto p = loadProfileFile("/nonexistent/profile.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("/nonexistent/profile.yaml"), std::string::npos);
  auto q = loadProfileFile(test::profilePath("tr181-gateway") + ".txt");
  EXPECT_FALSE(q.ok());
}

TEST(ProfileLoader, ParsesTypeShorthandsIntoConstraints) {
  auto spec = parseProfileYaml(std::string(kMinimalHead) +
                                   "    S: {type: \"string(8)\", value: \"ab\"}\n"
                                   "    R: {type: \"unsignedInt[1:65535]\", value: \"5\"}\n"
                                   "    L: {type: \"int[-1:]\", value: \"-1\"}\n",
                               "t.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const auto& params = spec->root.params;
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].max_length, 8u);
  EXPECT_EQ(params[1].type, cwmp::ValueType::UnsignedInt);
  EXPECT_EQ(params[1].min, 1);
  EXPECT_EQ(params[1].max, 65535);
  EXPECT_EQ(params[2].min, -1);
  EXPECT_FALSE(params[2].max.has_value());
  EXPECT_EQ(params[0].origin, "t.yaml:5:5");
}

TEST(ProfileLoader, ReadsQuirksForTheFleetAndTheModel) {
  auto spec = parseProfileYaml(R"(name: q
quirks:
  share: 0.25
  reply_delay_ms: 150
  drop_connection_after: 2
  xml_declaration: true
  soap_env_prefix: soapenv
  namespace: "1.0"
  array_count_delta: -1
  download_fault: 9010
  rpc_faults:
    - {method: GetParameterValues, code: 9002, message: "busy"}
  extra_events: ["X 00A0C9 Hello"]
  omitted_events: ["M Reboot"]
model: {Device.: {}}
)",
                               "q.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Quirks& q = spec->quirks;
  EXPECT_DOUBLE_EQ(q.share, 0.25);
  EXPECT_EQ(q.reply_delay_ms, 150u);
  EXPECT_EQ(q.drop_connection_after, 2u);
  EXPECT_EQ(q.ns, cwmp::CwmpNamespace::V1_0);
  ASSERT_EQ(q.rpc_faults.size(), 1u);
  EXPECT_EQ(q.rpc_faults[0].code, 9002u);
  auto o = q.encodeOptions();
  EXPECT_TRUE(o.xml_declaration);
  EXPECT_EQ(o.soap_env_prefix, "soapenv");
  EXPECT_EQ(o.array_count_delta, -1);
}

TEST(ProfileLoader, QuirksListTakesTheCommandLineAssignmentsIncludingDefects) {
  auto spec = parseProfileYaml(R"(name: q
quirks:
  - reply_delay_ms=150
  - defect=spv-not-atomic
  - defect=duplicate-event
  - rpc_fault=Download:9010:busy
  - omit_event=M Reboot
  - share=0.5
model: {Device.: {}}
)",
                               "q.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Quirks& q = spec->quirks;
  EXPECT_DOUBLE_EQ(q.share, 0.5);
  EXPECT_EQ(q.reply_delay_ms, 150u);
  EXPECT_EQ(q.defects, (std::vector<std::string>{"spv-not-atomic", "duplicate-event"}));
  ASSERT_EQ(q.rpc_faults.size(), 1u);
  EXPECT_EQ(q.rpc_faults[0].method, "Download");
  EXPECT_EQ(q.rpc_faults[0].code, 9010u);
  EXPECT_EQ(q.rpc_faults[0].message, "busy");
  EXPECT_EQ(q.omitted_events, std::vector<std::string>{"M Reboot"});
  EXPECT_TRUE(q.hasDefect("spv-not-atomic"));
}

TEST(ProfileLoader, QuirksMapTakesDefectsAndEveryCommandLineName) {
  auto spec = parseProfileYaml(R"(name: q
quirks:
  share: 0.1
  defect: [rpc-list-incomplete, spa-ignored]
  rpc_fault: "GetParameterNames:9002"
  extra_event: "X 00A0C9 Hello"
  stall_after: 3
model: {Device.: {}}
)",
                               "q.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const Quirks& q = spec->quirks;
  EXPECT_DOUBLE_EQ(q.share, 0.1);
  EXPECT_EQ(q.defects, (std::vector<std::string>{"rpc-list-incomplete", "spa-ignored"}));
  ASSERT_EQ(q.rpc_faults.size(), 1u);
  EXPECT_EQ(q.rpc_faults[0].code, 9002u);
  EXPECT_EQ(q.extra_events, std::vector<std::string>{"X 00A0C9 Hello"});
  EXPECT_EQ(q.stall_after, 3u);
}

TEST(ProfileLoader, BadQuirkEntriesNameTheFileAndLine) {
  std::string e = loadError("name: t\nquirks:\n  - reply_delay_ms=5\n  - defect=no-such-defect\n"
                            "model: {Device.: {}}\n");
  EXPECT_NE(e.find("bad.yaml:4:5: "), std::string::npos) << e;
  EXPECT_NE(e.find("no-such-defect"), std::string::npos) << e;
  e = loadError("name: t\nquirks:\n  share: 2\nmodel: {Device.: {}}\n");
  EXPECT_NE(e.find("bad.yaml:3:10: "), std::string::npos) << e;
  EXPECT_NE(e.find("between 0 and 1"), std::string::npos) << e;
  e = loadError("name: t\nquirks:\n  - noequals\nmodel: {Device.: {}}\n");
  EXPECT_NE(e.find("bad.yaml:3:5: "), std::string::npos) << e;
  EXPECT_NE(e.find("expected name=value"), std::string::npos) << e;
  e = loadError("name: t\nquirks:\n  download_fault: 42\nmodel: {Device.: {}}\n");
  EXPECT_NE(e.find("bad.yaml:3:19: "), std::string::npos) << e;
  e = loadError("name: t\nquirks: 5\nmodel: {Device.: {}}\n");
  EXPECT_NE(e.find("bad.yaml:2:9: "), std::string::npos) << e;
}

TEST(ProfileLoader, CommandLineQuirksOverrideAndAddToTheProfiles) {
  // The fleet applies --quirk / --quirk-share to the loaded spec with the same parser.
  auto spec = parseProfileYaml(
      "name: q\nquirks: [reply_delay_ms=100, defect=spa-ignored, share=0.5]\n"
      "model: {Device.: {}}\n",
      "q.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  EXPECT_FALSE(applyQuirk(spec->quirks, "reply_delay_ms=7").has_value());
  EXPECT_FALSE(applyQuirk(spec->quirks, "defect=delete-object-ignored").has_value());
  EXPECT_FALSE(applyQuirkShare(spec->quirks, "1").has_value());
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const Quirks* q = (*p)->quirksFor(12);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->reply_delay_ms, 7u);
  EXPECT_TRUE(q->hasDefect("spa-ignored"));
  EXPECT_TRUE(q->hasDefect("delete-object-ignored"));
}

TEST(ProfileLoader, QuirkShareSelectsAStableFractionOfDevices) {
  auto spec = parseProfileYaml(
      "name: q\nquirks: {share: 0.25, reply_delay_ms: 5}\nmodel: {Device.: {}}\n", "q.yaml");
  ASSERT_TRUE(spec.ok());
  auto p = Profile::build(std::move(*spec));
  ASSERT_TRUE(p.ok());
  int hit = 0;
  for (std::uint32_t i = 0; i < 4000; ++i) {
    bool a = (*p)->quirksFor(i) != nullptr;
    EXPECT_EQ(a, (*p)->quirksFor(i) != nullptr);
    hit += a ? 1 : 0;
  }
  EXPECT_GT(hit, 850);
  EXPECT_LT(hit, 1150);
}

TEST(ProfileLoader, FingerprintFollowsTheTemplateShape) {
  auto a = test::smallProfile();
  auto b = loadProfileYaml(test::smallProfileYaml(), "again.yaml");
  ASSERT_TRUE(a && b.ok());
  EXPECT_EQ(a->fingerprint(), (*b)->fingerprint());
  std::string changed = test::smallProfileYaml();
  changed.replace(changed.find("instances: [1, 2, 5]"), 20, "instances: [1, 2, 6]");
  auto c = loadProfileYaml(changed, "changed.yaml");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_NE(a->fingerprint(), (*c)->fingerprint());
}

}  // namespace
}  // namespace cpesim
