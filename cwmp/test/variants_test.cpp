// Real-world variant tests: envelopes in testdata/variants/ written in the styles field CPEs
// and ACSs use (prefix spellings, quoting, array counts, namespaces, whitespace...), each
// asserting exactly what the decoder makes of it. See cwmp/doc/tolerance.md.

#include <string>
#include <string_view>
#include <variant>

#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"
#include "cwmp/value.h"

namespace cwmp {
namespace {

Envelope decodeVariant(std::string_view file) {
  const std::string path = "variants/" + std::string(file);
  const std::string xml = readTestData(path);
  Result<Envelope> result = decodeEnvelope(xml);
  if (!result) {
    ADD_FAILURE() << path << ": " << result.error().message;
    return {};
  }
  return std::move(result).value();
}

template <class T>
const T& bodyAs(const Envelope& env) {
  static const T empty_message{};
  const T* message = std::get_if<T>(&env.body);
  if (message == nullptr) {
    ADD_FAILURE() << "decoded " << methodName(env.body) << ", expected " << T::kMethod;
    return empty_message;
  }
  return *message;
}

ParameterValueStruct pv(std::string name, std::string value, std::string type) {
  return ParameterValueStruct{std::move(name), std::move(value), std::move(type)};
}

TEST(DecodeVariants, EasycwmpSoapUnderscorePrefix) {
  const Envelope env = decodeVariant("easycwmp_inform.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_2);
  EXPECT_EQ(env.header.id, "1");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id, (DeviceIdStruct{"easycwmp", "FFFFFF", "easycwmp", "FFFFFF123456"}));
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"6 CONNECTION REQUEST", ""}}));
  EXPECT_EQ(inform.current_time, "2024-03-05T14:07:09+00:00");
  EXPECT_EQ(
      inform.parameter_list,
      (std::vector<ParameterValueStruct>{
          pv("InternetGatewayDevice.DeviceInfo.SoftwareVersion", "easycwmp-1.8.6", "xsd:string"),
          pv("InternetGatewayDevice.ManagementServer.ConnectionRequestURL", "http://10.0.0.2:7547/",
             "xsd:string"),
          pv("InternetGatewayDevice.ManagementServer.ParameterKey", "", "xsd:string")}));
}

TEST(DecodeVariants, GsoapTypesEverywhereAndEncodingStyleOnEnvelope) {
  const Envelope env = decodeVariant("gsoap_inform.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_0);
  EXPECT_EQ(env.header.id, "4711");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id,
            (DeviceIdStruct{"Lab gSOAP Router", "001A2B", "GS-100", "GS100-0099"}));
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"1 BOOT", ""}, {"M Reboot", "reboot-42"}}));
  EXPECT_EQ(inform.retry_count, 2u);
  EXPECT_EQ(inform.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("InternetGatewayDevice.DeviceInfo.HardwareVersion", "GS-100 v2", "xsd:string"),
                pv("InternetGatewayDevice.DeviceInfo.UpTime", "42", "xsd:unsignedInt")}));
}

TEST(DecodeVariants, MikrotikSingleQuotesAndSoapPrefixForEncoding) {
  const Envelope env = decodeVariant("mikrotik_inform.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_1);
  EXPECT_EQ(env.header.id, "mt-77");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id.serial_number, "B8F10A2C9D41");
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"2 PERIODIC", ""}}));
  EXPECT_EQ(inform.current_time, "2024-03-05T16:07:09+02:00");
  EXPECT_EQ(inform.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("Device.DeviceInfo.SoftwareVersion", "7.13.5", "xsd:string"),
                pv("Device.ManagementServer.PeriodicInformInterval", "600", "xsd:unsignedInt")}));
}

TEST(DecodeVariants, ZyxelZeroPaddedCountsAndExtraDeviceIdElement) {
  const Envelope env = decodeVariant("zyxel_inform.xml");
  EXPECT_EQ(env.header.id, "1804289383");
  const Inform& inform = bodyAs<Inform>(env);
  // <WanIPAddress> inside DeviceId is ignored.
  EXPECT_EQ(inform.device_id, (DeviceIdStruct{"Lab ZX", "5067F0", "VMG-LAB", "S200Z47000123"}));
  ASSERT_EQ(inform.event.size(), 1u);           // arrayType "[0001]"
  ASSERT_EQ(inform.parameter_list.size(), 8u);  // arrayType "[0008]"
  EXPECT_EQ(inform.parameter_list[4],
            pv("InternetGatewayDevice.DeviceInfo.ProvisioningCode", "", "xsd:string"));
  EXPECT_EQ(inform.parameter_list[7].value, "203.0.113.9");
  const auto t = parseDateTime(inform.current_time);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->utc_offset_minutes, 0);
}

TEST(DecodeVariants, CurrentTimeIn1970WithMicrosecondsAndNoZone) {
  const Envelope env = decodeVariant("inform_1970_microseconds.xml");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.current_time, "1970-01-01T00:05:12.123456");
  const auto t = parseDateTime(inform.current_time);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->year, 1970);
  EXPECT_EQ(t->second, 12);
  EXPECT_EQ(t->microsecond, 123456u);
  EXPECT_FALSE(t->utc_offset_minutes.has_value());
  EXPECT_EQ(t->toSysTime().time_since_epoch().count(), 312'123'456);
}

TEST(DecodeVariants, NewlineInsideManufacturerIsKept) {
  const Envelope env = decodeVariant("inform_newline_in_manufacturer.xml");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id.manufacturer, "Lab Telecom\n");
  EXPECT_EQ(inform.device_id.product_class, " HG 8 ");  // strings are never trimmed
  ASSERT_EQ(inform.parameter_list.size(), 1u);
  EXPECT_EQ(inform.parameter_list[0].value, "line one\n  line two\ttabbed\n");
}

TEST(DecodeVariants, NullTextAndMissingOrNilValuesAreKeptAsSent) {
  const Envelope env = decodeVariant("gpv_response_null_values.xml");
  const auto& response = bodyAs<GetParameterValuesResponse>(env);
  EXPECT_EQ(
      response.parameter_list,
      (std::vector<ParameterValueStruct>{
          pv("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.KeyPassphrase", "(null)",
             "xsd:string"),
          pv("InternetGatewayDevice.Services.VoiceService.1.VoiceProfile.1.Line.1.DirectoryNumber",
             "(null)", ""),
          pv("InternetGatewayDevice.DeviceInfo.X_LAB_Temperature", "", "xsd:int"),
          pv("InternetGatewayDevice.DeviceInfo.ModelName", "", "xsd:string")}));
  // Typed interpretation is the receiver's business: an empty xsd:int is not a valid int.
  EXPECT_FALSE(isValidValue(valueTypeFromName(response.parameter_list[2].type),
                            response.parameter_list[2].value));
}

TEST(DecodeVariants, DefaultNamespacesInsteadOfPrefixes) {
  const Envelope env = decodeVariant("inform_default_namespace.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_3);
  EXPECT_EQ(env.header.id, "dflt-5");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id.manufacturer, "Lab Default NS");
  EXPECT_EQ(inform.retry_count, 1u);
  EXPECT_EQ(inform.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("Device.DeviceInfo.SoftwareVersion", "dn-1.0", "xsd:string")}));
}

TEST(DecodeVariants, XmlSchema1999NamespacesNormaliseToXsd) {
  const Envelope env = decodeVariant("inform_xsd1999.xml");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("InternetGatewayDevice.DeviceInfo.SoftwareVersion", "LG-1.0.3", "xsd:string"),
                pv("InternetGatewayDevice.ManagementServer.PeriodicInformEnable", "false",
                   "xsd:boolean")}));
}

TEST(DecodeVariants, InformChildrenInAnotherOrder) {
  const Envelope env = decodeVariant("inform_children_reordered.xml");
  EXPECT_FALSE(env.header.id.has_value());  // no Header at all
  Inform expected;
  expected.device_id = {"Lab Reorder", "00A0C9", "Reorder", "RO-1"};
  expected.event = {{"3 SCHEDULED", "sched-9"}};
  expected.max_envelopes = 1;
  expected.current_time = "2024-03-05T14:07:09-03:30";
  expected.retry_count = 3;
  expected.parameter_list = {pv("Device.DeviceInfo.SoftwareVersion", "ro-2.0", "xsd:string")};
  EXPECT_EQ(bodyAs<Inform>(env), expected);
}

TEST(DecodeVariants, ArrayCountsThatLieAndOddItemNamesAreIgnored) {
  const Envelope env = decodeVariant("inform_lying_array_counts.xml");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.event.size(), 2u);  // arrayType said [0]
  EXPECT_EQ(inform.parameter_list,     // arrayType said [10]
            (std::vector<ParameterValueStruct>{
                pv("Device.WiFi.SSID.1.SSID", "liar", "xsd:string"),
                pv("Device.WiFi.SSID.2.SSID", "other item name", "xsd:string"),
                pv("Device.WiFi.SSID.3.SSID", "three", "xsd:string")}));
}

TEST(DecodeVariants, SingleLetterPrefixesAndEncodingStyleOnBody) {
  const Envelope env = decodeVariant("inform_s_prefix_no_header.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_1);
  EXPECT_EQ(env.header, Header{});
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id, (DeviceIdStruct{"Lab S", "001122", "", "S-1"}));
  // xsi:type="d:unsignedInt" with d bound to XML Schema.
  EXPECT_EQ(
      inform.parameter_list,
      (std::vector<ParameterValueStruct>{pv("Device.DeviceInfo.UpTime", "77", "xsd:unsignedInt")}));
}

TEST(DecodeVariants, Cwmp14LowerCaseSessionTimeoutAndSpacedVersions) {
  const Envelope env = decodeVariant("inform_soap_env_cwmp14.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_4);
  EXPECT_EQ(env.header.id, "ic-9");
  EXPECT_EQ(env.header.session_timeout, 45u);
  EXPECT_EQ(env.header.supported_cwmp_versions, "1.0, 1.1, 1.2, 1.3, 1.4");
  EXPECT_EQ(parseCwmpVersions(*env.header.supported_cwmp_versions),
            (std::vector<std::string>{"1.0", "1.1", "1.2", "1.3", "1.4"}));
  EXPECT_TRUE(env.header.not_understood.empty());
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"0 BOOTSTRAP", ""}, {"1 BOOT", ""}}));
  EXPECT_EQ(
      inform.parameter_list,
      (std::vector<ParameterValueStruct>{pv("Device.RootDataModelVersion", "2.15", "xsd:string")}));
}

TEST(DecodeVariants, GenieacsStyleSetParameterValues) {
  const Envelope env = decodeVariant("spv_genieacs_style.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_0);
  EXPECT_EQ(env.header.id, "18d3a0b1c2e");
  const auto& spv = bodyAs<SetParameterValues>(env);
  EXPECT_EQ(spv.parameter_key, "18d3a0b1c2e");
  EXPECT_EQ(spv.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("InternetGatewayDevice.ManagementServer.PeriodicInformInterval", "300",
                   "xsd:unsignedInt"),
                pv("InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Enable", "true",
                   "xsd:boolean")}));
}

TEST(DecodeVariants, GenieacsEmptyNotificationDecodesAsOff) {
  const Envelope env = decodeVariant("spa_genieacs_empty_notification.xml");
  const auto& spa = bodyAs<SetParameterAttributes>(env);
  EXPECT_EQ(spa.parameter_list,
            (std::vector<SetParameterAttributesStruct>{
                {"InternetGatewayDevice.LANDevice.1.Hosts.", false, 0, true, {"Subscriber"}}}));
}

TEST(DecodeVariants, FaultcodeWithPrefixAndDetailWithoutFaultString) {
  const Envelope env = decodeVariant("fault_prefixed_faultcode_no_faultstring.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_1);
  EXPECT_EQ(env.header.id, "gpv-99");
  Fault expected;
  expected.faultcode = "Client";
  expected.faultstring = "CWMP fault";
  expected.fault_code = 9005;
  expected.fault_string = "";
  EXPECT_EQ(bodyAs<Fault>(env), expected);
}

TEST(DecodeVariants, SoapFaultWithoutCwmpDetail) {
  const Envelope env = decodeVariant("fault_without_detail.xml");
  const Fault& fault = bodyAs<Fault>(env);
  EXPECT_EQ(fault.faultcode, "MustUnderstand");
  EXPECT_EQ(fault.faultstring,
            "The data in element 'X_Vendor_Session' must be understood but cannot be processed");
  EXPECT_EQ(fault.fault_code, 0u);
  EXPECT_TRUE(fault.set_parameter_values_fault.empty());
}

TEST(DecodeVariants, ChangeDUStateOperationsNamedByXsiType) {
  const Envelope env = decodeVariant("change_du_state_operation_xsi_type.xml");
  const auto& cdu = bodyAs<ChangeDUState>(env);
  UninstallOpStruct uninstall;
  uninstall.uuid = "886313e1-3b8a-5372-9b90-0c9aee199e5d";
  uninstall.version = "1.0";
  InstallOpStruct install;
  install.url = "http://apps.example.net/du/monitor.ipk";
  EXPECT_EQ(cdu.operations, (std::vector<DuOperation>{uninstall, install}));
  EXPECT_EQ(cdu.command_key, "du-typed");
}

TEST(DecodeVariants, Iso88591DeclaredEncodingBecomesUtf8) {
  const Envelope env = decodeVariant("gpv_response_iso_8859_1.xml");
  EXPECT_EQ(env.header.id, "latin-1");
  const auto& gpv = bodyAs<GetParameterValuesResponse>(env);
  EXPECT_EQ(gpv.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("InternetGatewayDevice.DeviceInfo.Manufacturer",
                   "T\xC3\xA9l\xC3\xA9"
                   "com Lab",
                   "xsd:string"),
                pv("InternetGatewayDevice.DeviceInfo.ModelName", "Box 5", "xsd:string")}));
}

TEST(DecodeVariants, CrlfLineEndingsAreNormalisedButCharacterReferencesKept) {
  const Envelope env = decodeVariant("gpv_response_crlf.xml");
  const auto& gpv = bodyAs<GetParameterValuesResponse>(env);
  ASSERT_EQ(gpv.parameter_list.size(), 2u);
  EXPECT_EQ(gpv.parameter_list[0].value, "first line\nsecond line");  // XML 1.0 section 2.11
  EXPECT_EQ(gpv.parameter_list[1].value, "keep\r\nthis");
}

TEST(DecodeVariants, CdataSectionsCommentsAndCharacterReferences) {
  const Envelope env = decodeVariant("gpv_response_cdata_and_references.xml");
  const auto& gpv = bodyAs<GetParameterValuesResponse>(env);
  ASSERT_EQ(gpv.parameter_list.size(), 3u);
  EXPECT_EQ(gpv.parameter_list[0].value, "if [ $a < 3 ] && true; then echo \"<ok>\"; fi");
  EXPECT_EQ(gpv.parameter_list[1].value, "ABC \xE2\x82\xAC \"q\" 'a'");
  EXPECT_EQ(gpv.parameter_list[2].value, "onetwothree");
}

TEST(DecodeVariants, UnknownHeadersWithMustUnderstandAreReported) {
  const Envelope env = decodeVariant("inform_unknown_headers.xml");
  EXPECT_EQ(env.header.id, "hdr-1");
  EXPECT_EQ(
      env.header.not_understood,
      (std::vector<std::string>{"{urn:example:vendor-session}SessionToken",
                                "{urn:dslforum-org:cwmp-1-2}X_LAB_Extension", "Unqualified"}));
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_TRUE(inform.event.empty());
  EXPECT_TRUE(inform.parameter_list.empty());
}

TEST(DecodeVariants, RpcElementWithoutNamespaceTakesHeaderNamespace) {
  const Envelope env = decodeVariant("inform_rpc_without_namespace.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_1);
  EXPECT_EQ(env.header.id, "nons-1");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id.serial_number, "NN-1");
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"1 BOOT", ""}}));  // no arrayType at all
  EXPECT_EQ(inform.parameter_list.size(), 1u);
}

TEST(DecodeVariants, NamespaceQualifiedArgumentsAreAccepted) {
  const Envelope env = decodeVariant("inform_qualified_children.xml");
  const Inform& inform = bodyAs<Inform>(env);
  EXPECT_EQ(inform.device_id, (DeviceIdStruct{"Lab Qualified", "00A0C9", "QC", "QC-1"}));
  EXPECT_EQ(inform.event, (std::vector<EventStruct>{{"2 PERIODIC", ""}}));
  EXPECT_EQ(inform.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("Device.DeviceInfo.SoftwareVersion", "qc-1", "xsd:string")}));
}

TEST(DecodeVariants, SelfClosingBodyWithoutAnyCwmpNamespace) {
  const Envelope env = decodeVariant("empty_body_self_closing.xml");
  EXPECT_TRUE(std::holds_alternative<EmptyBody>(env.body));
  EXPECT_EQ(env.ns, CwmpNamespace::V1_0);
  EXPECT_EQ(env.header, Header{});
}

TEST(DecodeVariants, WhitespaceAroundNumbersAndBooleansIsTrimmed) {
  const Envelope env = decodeVariant("gpn_response_whitespace_numbers.xml");
  EXPECT_EQ(env.header.id, " ws-1 ");  // an opaque string, kept as sent
  EXPECT_EQ(env.header.hold_requests, false);
  const auto& gpn = bodyAs<GetParameterNamesResponse>(env);
  EXPECT_EQ(gpn.parameter_list, (std::vector<ParameterInfoStruct>{{" Device.Spaced. ", true},
                                                                  {"Device.Tabbed.", false}}));
}

TEST(DecodeVariants, TypePrefixesResolveByNamespaceNotByText) {
  const Envelope env = decodeVariant("gpv_response_type_prefixes.xml");
  const auto& gpv = bodyAs<GetParameterValuesResponse>(env);
  EXPECT_EQ(gpv.parameter_list,
            (std::vector<ParameterValueStruct>{
                pv("Device.A", "7", "xsd:int"),                // xs: bound to XML Schema
                pv("Device.B", "TGFi", "SOAP-ENC:base64"),     // SOAP encoding type, as sent
                pv("Device.C", "55", "vnd:percent"),           // vendor type, as sent
                pv("Device.D", "local prefix", "xsd:string"),  // t: declared on Value
                pv("Device.E", "0A0b", "xsd:hexBinary")}));
  EXPECT_EQ(valueTypeFromName(gpv.parameter_list[2].type), ValueType::Other);
  EXPECT_EQ(valueTypeFromName(gpv.parameter_list[4].type), ValueType::HexBinary);
}

TEST(DecodeVariants, WhitespaceBeforeTheXmlDeclarationIsSkipped) {
  const Envelope env = decodeVariant("transfer_complete_response_leading_newline.xml");
  EXPECT_EQ(env.header.id, "lead-1");
  EXPECT_TRUE(std::holds_alternative<TransferCompleteResponse>(env.body));
}

TEST(DecodeVariants, IcwmpStyleTransferCompleteWithFractionsAndOffsets) {
  const Envelope env = decodeVariant("transfer_complete_icwmp_style.xml");
  EXPECT_EQ(env.ns, CwmpNamespace::V1_3);
  EXPECT_EQ(env.header.session_timeout, 60u);
  EXPECT_EQ(bodyAs<TransferComplete>(env),
            (TransferComplete{"fw-up",
                              {9010, "Download failure: checksum mismatch"},
                              "2024-03-05T14:08:00.000000Z",
                              "2024-03-05T14:09:00.5+05:30"}));
}

TEST(DecodeVariants, PrefixRebindingIsScopedToItsElement) {
  // p is XML Schema on the list, rebound inside the second item only, XML Schema again after.
  const std::string xml =
      "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><e:Body>"
      "<c:GetParameterValuesResponse xmlns:c=\"urn:dslforum-org:cwmp-1-2\">"
      "<ParameterList xmlns:p=\"http://www.w3.org/2001/XMLSchema\">"
      "<ParameterValueStruct><Name>A</Name><Value i:type=\"p:int\">1</Value></ParameterValueStruct>"
      "<ParameterValueStruct xmlns:p=\"urn:example:other\"><Name>B</Name>"
      "<Value i:type=\"p:int\">2</Value></ParameterValueStruct>"
      "<ParameterValueStruct><Name>C</Name><Value i:type=\"p:int\">3</Value></ParameterValueStruct>"
      "</ParameterList></c:GetParameterValuesResponse></e:Body></e:Envelope>";
  Result<Envelope> r = decodeEnvelope(xml);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(bodyAs<GetParameterValuesResponse>(*r).parameter_list,
            (std::vector<ParameterValueStruct>{pv("A", "1", "xsd:int"), pv("B", "2", "p:int"),
                                               pv("C", "3", "xsd:int")}));
}

TEST(DecodeVariants, UndeclaredTypePrefixIsKeptAsSent) {
  const std::string xml =
      "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><e:Body>"
      "<c:GetParameterValuesResponse xmlns:c=\"urn:dslforum-org:cwmp-1-2\"><ParameterList>"
      "<ParameterValueStruct><Name>A</Name><Value "
      "i:type=\"xsd:boolean\">true</Value></ParameterValueStruct>"
      "<ParameterValueStruct><Name>B</Name><Value i:type=\" string "
      "\">x</Value></ParameterValueStruct>"
      "</ParameterList></c:GetParameterValuesResponse></e:Body></e:Envelope>";
  Result<Envelope> r = decodeEnvelope(xml);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(
      bodyAs<GetParameterValuesResponse>(*r).parameter_list,
      (std::vector<ParameterValueStruct>{pv("A", "true", "xsd:boolean"), pv("B", "x", "string")}));
}

}  // namespace
}  // namespace cwmp
