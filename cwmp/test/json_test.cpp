// Tests of the JSON mapping (cwmp/json.h): round trips for every message type, the exact
// output format, defaults and required members, and the errors strict input gets.
#include "cwmp/json.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "encode_golden_messages.h"
#include "encode_samples.h"
#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cwmp {
namespace {

using test_samples::NamedSample;

std::string sampleName(const testing::TestParamInfo<NamedSample>& param) {
  return param.param.name;
}

// --- Round trips ------------------------------------------------------------------------------

class JsonRoundTrip : public testing::TestWithParam<NamedSample> {};

// The envelope as compact and as pretty JSON, and its body alone, all read back equal.
TEST_P(JsonRoundTrip, SurvivesEveryJsonForm) {
  const Envelope& envelope = GetParam().envelope;
  for (const bool pretty : {false, true}) {
    const std::string json = envelopeToJson(envelope, pretty);
    const Result<Envelope> parsed = envelopeFromJson(json);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << json;
    EXPECT_EQ(*parsed, envelope) << json;

    const std::string body_json = bodyToJson(envelope.body, pretty);
    const Result<Body> body = bodyFromJson(methodName(envelope.body), body_json);
    ASSERT_TRUE(body.ok()) << body.error().message << "\n" << body_json;
    EXPECT_EQ(*body, envelope.body) << body_json;
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, JsonRoundTrip, testing::ValuesIn(test_samples::allSamples()),
                         sampleName);
INSTANTIATE_TEST_SUITE_P(GoldenMessages, JsonRoundTrip,
                         testing::ValuesIn(golden_messages::allGoldenMessages()), sampleName);

// Everything the decoder accepts must be representable: cwmp-tool decode prints it and
// cwmp-tool encode must take it back.
TEST(JsonFromDecoded, EveryDecodableTestInputSurvivesJson) {
  namespace fs = std::filesystem;
  std::size_t checked = 0;
  std::error_code error;
  for (const fs::directory_entry& entry :
       fs::recursive_directory_iterator(CWMP_TESTDATA_DIR, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".xml") continue;
    const std::string relative = fs::relative(entry.path(), CWMP_TESTDATA_DIR).generic_string();
    const Result<Envelope> decoded = decodeEnvelope(readTestData(relative));
    if (!decoded) continue;  // negative inputs are the decoder's tests
    const Result<Envelope> parsed = envelopeFromJson(envelopeToJson(*decoded, true));
    ASSERT_TRUE(parsed.ok()) << relative << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, *decoded) << relative;
    ++checked;
  }
  EXPECT_GE(checked, std::variant_size_v<Body>);
}

// --- Output format ------------------------------------------------------------------------------

Envelope smallEnvelope() {
  Envelope envelope;
  envelope.header.id = "1";
  GetParameterValues gpv;
  gpv.parameter_names = {"Device."};
  envelope.body = gpv;
  return envelope;
}

TEST(JsonOutput, CompactEnvelope) {
  EXPECT_EQ(envelopeToJson(smallEnvelope()),
            R"({"cwmp":"urn:dslforum-org:cwmp-1-2","header":{"ID":"1"},)"
            R"("method":"GetParameterValues","body":{"ParameterNames":["Device."]}})");
}

TEST(JsonOutput, PrettyEnvelopeIndentsByTwoSpaces) {
  EXPECT_EQ(envelopeToJson(smallEnvelope(), true),
            "{\n"
            "  \"cwmp\": \"urn:dslforum-org:cwmp-1-2\",\n"
            "  \"header\": {\n"
            "    \"ID\": \"1\"\n"
            "  },\n"
            "  \"method\": \"GetParameterValues\",\n"
            "  \"body\": {\n"
            "    \"ParameterNames\": [\n"
            "      \"Device.\"\n"
            "    ]\n"
            "  }\n"
            "}");
}

TEST(JsonOutput, EmptyContainersStayOnOneLine) {
  Envelope envelope;
  envelope.body = GetParameterValues{};
  EXPECT_EQ(envelopeToJson(envelope, true),
            "{\n"
            "  \"cwmp\": \"urn:dslforum-org:cwmp-1-2\",\n"
            "  \"header\": {},\n"
            "  \"method\": \"GetParameterValues\",\n"
            "  \"body\": {\n"
            "    \"ParameterNames\": []\n"
            "  }\n"
            "}");
  EXPECT_EQ(envelopeToJson(Envelope{}),
            R"({"cwmp":"urn:dslforum-org:cwmp-1-2","header":{},"method":"","body":{}})");
}

TEST(JsonOutput, HeaderKeysAreTheElementNames) {
  Envelope envelope;
  envelope.ns = CwmpNamespace::V1_0;
  envelope.header.id = "7";
  envelope.header.hold_requests = true;
  envelope.header.no_more_requests = false;
  envelope.header.session_timeout = 30;
  envelope.header.supported_cwmp_versions = "1.0,1.4";
  envelope.header.use_cwmp_version = "1.4";
  envelope.header.not_understood = {"{urn:example}Extra"};
  envelope.body = RebootResponse{};
  EXPECT_EQ(envelopeToJson(envelope),
            R"({"cwmp":"urn:dslforum-org:cwmp-1-0","header":{"ID":"7","HoldRequests":true,)"
            R"("NoMoreRequests":false,"SessionTimeout":30,"SupportedCWMPVersions":"1.0,1.4",)"
            R"("UseCWMPVersion":"1.4","NotUnderstood":["{urn:example}Extra"]},)"
            R"("method":"RebootResponse","body":{}})");
}

TEST(JsonOutput, ParameterValueStructHasNameValueAndType) {
  SetParameterValues spv;
  spv.parameter_list = {test_samples::pvs("Device.A", "1", "xsd:int"),
                        test_samples::pvs("Device.B", "x", "")};
  spv.parameter_key = "k";
  EXPECT_EQ(bodyToJson(spv),
            R"({"ParameterList":[{"Name":"Device.A","Value":"1","Type":"xsd:int"},)"
            R"({"Name":"Device.B","Value":"x"}],"ParameterKey":"k"})");
}

TEST(JsonOutput, NumbersAndBooleansAreJsonNumbersAndBooleans) {
  AllQueuedTransferStruct transfer;
  transfer.command_key = "c";
  transfer.state = -3;
  transfer.is_download = false;
  transfer.file_type = "1 Firmware Upgrade Image";
  transfer.file_size = 4294967295U;
  transfer.target_file_name = "";
  GetAllQueuedTransfersResponse response;
  response.transfer_list = {transfer};
  EXPECT_EQ(
      bodyToJson(response),
      R"({"TransferList":[{"CommandKey":"c","State":-3,"IsDownload":false,)"
      R"("FileType":"1 Firmware Upgrade Image","FileSize":4294967295,"TargetFileName":""}]})");
}

TEST(JsonOutput, OperationsCarryTheirKindAndLeaveOutAbsentOptionals) {
  UninstallOpStruct uninstall;
  uninstall.uuid = "u";
  uninstall.version = std::nullopt;
  uninstall.execution_env_ref = "Device.SoftwareModules.ExecEnv.1";
  ChangeDUState cdu;
  cdu.operations = {uninstall};
  cdu.command_key = "";
  EXPECT_EQ(bodyToJson(cdu),
            R"({"Operations":[{"Operation":"Uninstall","UUID":"u",)"
            R"("ExecutionEnvRef":"Device.SoftwareModules.ExecEnv.1"}],"CommandKey":""})");
}

TEST(JsonOutput, FaultHasSoapLevelAndDetailKeys) {
  EXPECT_EQ(bodyToJson(makeFault(9005, "no such parameter")),
            R"({"faultcode":"Client","faultstring":"CWMP fault","FaultCode":9005,)"
            R"("FaultString":"no such parameter","SetParameterValuesFault":[]})");
}

TEST(JsonOutput, EscapesStringsAndReplacesBytesThatAreNotUtf8) {
  Reboot reboot;
  reboot.command_key =
      "q\"b\\s/n\nt\tr\rc\x01\x1F"
      "d\x7F\xC3\xA9x\xFF"
      "y";
  EXPECT_EQ(bodyToJson(reboot),
            "{\"CommandKey\":\"q\\\"b\\\\s/n\\nt\\tr\\rc\\u0001\\u001fd\x7F\xC3\xA9x\\ufffdy\"}");
}

// --- Input: defaults and required members -------------------------------------------------------

TEST(JsonInput, AcceptsTheRestApiTaskExample) {
  const Result<Body> body =
      bodyFromJson("SetParameterValues",
                   R"({"ParameterList": [{"Name": "Device.WiFi.SSID.1.SSID", "Value": "lab",
                             "Type": "xsd:string"}], "ParameterKey": "k1"})");
  ASSERT_TRUE(body.ok()) << body.error().message;
  SetParameterValues expected;
  expected.parameter_list = {test_samples::pvs("Device.WiFi.SSID.1.SSID", "lab", "xsd:string")};
  expected.parameter_key = "k1";
  EXPECT_EQ(*body, Body{expected});
}

TEST(JsonInput, MissingOptionalMembersTakeTheirDefaults) {
  const Result<Envelope> envelope = envelopeFromJson(R"({"method": "InformResponse"})");
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_EQ(*envelope, (Envelope{CwmpNamespace::V1_2, Header{}, InformResponse{}}));

  const Result<Body> spv = bodyFromJson(
      "SetParameterValues", R"({"ParameterList": [{"Name": "Device.A", "Value": "v"}]})");
  ASSERT_TRUE(spv.ok()) << spv.error().message;
  SetParameterValues expected;
  expected.parameter_list = {test_samples::pvs("Device.A", "v", "")};
  expected.parameter_key = "";
  EXPECT_EQ(*spv, Body{expected});

  const Result<Body> inform = bodyFromJson(
      "Inform", R"({"DeviceId": {"Manufacturer": "M", "OUI": "00A0C9", "SerialNumber": "S"},
                    "Event": [{"EventCode": "2 PERIODIC"}]})");
  ASSERT_TRUE(inform.ok()) << inform.error().message;
  const Inform& message = std::get<Inform>(*inform);
  EXPECT_EQ(message.device_id.product_class, "");
  EXPECT_EQ(message.event.at(0).command_key, "");
  EXPECT_EQ(message.max_envelopes, 1U);
  EXPECT_EQ(message.current_time, "0001-01-01T00:00:00Z");
  EXPECT_TRUE(message.parameter_list.empty());
}

TEST(JsonInput, NullMeansAbsentForOptionalMembers) {
  const Result<Body> body = bodyFromJson(
      "ChangeDUState",
      R"({"Operations": [{"Operation": "Update", "UUID": null, "Version": "2", "URL": null}]})");
  ASSERT_TRUE(body.ok()) << body.error().message;
  const auto& update = std::get<UpdateOpStruct>(std::get<ChangeDUState>(*body).operations.at(0));
  EXPECT_FALSE(update.uuid.has_value());
  EXPECT_EQ(update.version, std::optional<std::string>("2"));
  EXPECT_FALSE(update.url.has_value());

  const Result<Envelope> envelope =
      envelopeFromJson(R"({"method": "Reboot", "header": {"ID": null, "HoldRequests": null}})");
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_EQ(envelope->header, Header{});
}

TEST(JsonInput, FaultWithoutSoapFieldsGetsThemFromTheCode) {
  const Result<Body> client = bodyFromJson("Fault", R"({"FaultCode": 9005})");
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ(std::get<Fault>(*client).faultcode, "Client");
  EXPECT_EQ(std::get<Fault>(*client).faultstring, "CWMP fault");
  EXPECT_EQ(std::get<Fault>(*client).fault_string, "");

  const Result<Body> server = bodyFromJson("Fault", R"({"FaultCode": 8005})");
  ASSERT_TRUE(server.ok()) << server.error().message;
  EXPECT_EQ(std::get<Fault>(*server).faultcode, "Server");
}

TEST(JsonInput, EmptyBodyIsTheEmptyMethod) {
  const Result<Body> body = bodyFromJson("", "{}");
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_TRUE(std::holds_alternative<EmptyBody>(*body));
}

TEST(JsonInput, DecodesUnicodeEscapes) {
  const Result<Body> body = bodyFromJson("Reboot", R"({"CommandKey": "caf\u00e9 \ud834\udd1e"})");
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(std::get<Reboot>(*body).command_key, "caf\xC3\xA9 \xF0\x9D\x84\x9E");
}

TEST(JsonInput, CountsSchemaLimitsInCharacters) {
  // 32 characters, 64 bytes.
  std::string key;
  for (int i = 0; i < 32; ++i) key += "\xC3\xA9";
  const Result<Body> body = bodyFromJson("Reboot", R"({"CommandKey": ")" + key + R"("})");
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(std::get<Reboot>(*body).command_key, key);
}

TEST(JsonInput, AcceptsIntegersAtTheirLimits) {
  const Result<Body> body =
      bodyFromJson("SetParameterAttributes",
                   R"({"ParameterList": [{"Name": "a", "Notification": -2147483648},
                            {"Name": "b", "Notification": 2147483647}]})");
  ASSERT_TRUE(body.ok()) << body.error().message;
  const auto& list = std::get<SetParameterAttributes>(*body).parameter_list;
  EXPECT_EQ(list.at(0).notification, -2147483647 - 1);
  EXPECT_EQ(list.at(1).notification, 2147483647);

  const Result<Body> delay = bodyFromJson("ScheduleInform", R"({"DelaySeconds": 4294967295})");
  ASSERT_TRUE(delay.ok()) << delay.error().message;
  EXPECT_EQ(std::get<ScheduleInform>(*delay).delay_seconds, 4294967295U);
}

// Drops the top-level member `index` from a pretty-printed JSON object; returns its key.
std::string dropMember(const std::string& pretty, std::size_t index, std::string& key) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= pretty.size();) {
    const std::size_t end = std::min(pretty.find('\n', start), pretty.size());
    lines.push_back(pretty.substr(start, end - start));
    start = end + 1;
  }
  std::vector<std::size_t> member_starts;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("  \"", 0) == 0) member_starts.push_back(i);
  }
  const std::size_t from = member_starts.at(index);
  const std::size_t to =
      index + 1 < member_starts.size() ? member_starts[index + 1] : lines.size() - 1;
  key = lines[from].substr(3, lines[from].find('"', 3) - 3);
  lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(from),
              lines.begin() + static_cast<std::ptrdiff_t>(to));
  if (from + 1 == lines.size() && from > 1 && lines[from - 1].back() == ',') {
    lines[from - 1].pop_back();  // the new last member
  }
  std::string out;
  for (const std::string& line : lines) out += line + '\n';
  return out;
}

class JsonMissingMember : public testing::TestWithParam<NamedSample> {};

// Leaving out any one member either gives its default or a "required field missing" error
// naming exactly that member.
TEST_P(JsonMissingMember, IsDefaultedOrReportedByName) {
  const Body& body = GetParam().envelope.body;
  const std::string pretty = bodyToJson(body, true);
  std::size_t count = 0;  // top-level members: lines indented by exactly two spaces
  for (std::size_t pos = 0; (pos = pretty.find("\n  \"", pos)) != std::string::npos; ++pos) {
    ++count;
  }
  for (std::size_t i = 0; i < count; ++i) {
    std::string key;
    const std::string json = dropMember(pretty, i, key);
    const Result<Body> parsed = bodyFromJson(methodName(body), json);
    if (parsed) continue;
    EXPECT_EQ(parsed.error().message, key + ": required field missing") << json;
    EXPECT_EQ(parsed.error().element, key);
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, JsonMissingMember, testing::ValuesIn(test_samples::allSamples()),
                         sampleName);

TEST(JsonInput, DocumentedRequiredMembersAreRequired) {
  const auto missing = [](std::string_view method, std::string_view json) {
    const Result<Body> body = bodyFromJson(method, json);
    return body.ok() ? std::string("(accepted)") : body.error().message;
  };
  EXPECT_EQ(missing("GetParameterValues", "{}"), "ParameterNames: required field missing");
  EXPECT_EQ(missing("SetParameterValues", R"({"ParameterKey": "k"})"),
            "ParameterList: required field missing");
  EXPECT_EQ(missing("SetParameterValues", R"({"ParameterList": [{"Value": "v"}]})"),
            "ParameterList[0].Name: required field missing");
  EXPECT_EQ(missing("SetParameterValues", R"({"ParameterList": [{"Name": "n"}]})"),
            "ParameterList[0].Value: required field missing");
  EXPECT_EQ(missing("GetParameterNames", R"({"ParameterPath": "Device."})"),
            "NextLevel: required field missing");
  EXPECT_EQ(missing("Download", R"({"FileType": "1 Firmware Upgrade Image"})"),
            "URL: required field missing");
  EXPECT_EQ(missing("ChangeDUState", R"({"Operations": [{"Operation": "Install"}]})"),
            "Operations[0].URL: required field missing");
  EXPECT_EQ(missing("Fault", "{}"), "FaultCode: required field missing");
  EXPECT_EQ(missing("Reboot", "{}"), "(accepted)");
  EXPECT_EQ(missing("FactoryReset", "{}"), "(accepted)");
}

// --- Input: errors ------------------------------------------------------------------------------

// The error of envelopeFromJson(json); fails the test when the JSON is accepted.
Error envelopeError(std::string_view json) {
  const Result<Envelope> envelope = envelopeFromJson(json);
  if (envelope.ok()) {
    ADD_FAILURE() << "accepted: " << json;
    return Error{};
  }
  EXPECT_EQ(envelope.error().code, ErrorCode::InvalidArgument) << json;
  return envelope.error();
}

Error bodyError(std::string_view method, std::string_view json) {
  const Result<Body> body = bodyFromJson(method, json);
  if (body.ok()) {
    ADD_FAILURE() << "accepted: " << json;
    return Error{};
  }
  EXPECT_EQ(body.error().code, ErrorCode::InvalidArgument) << json;
  return body.error();
}

TEST(JsonErrors, MalformedJsonIsReported) {
  for (const std::string_view json :
       {"", "{", R"({"method": "Reboot",})", "{} trailing", R"({"method": 'Reboot'})"}) {
    const Error error = envelopeError(json);
    EXPECT_EQ(error.message.rfind("invalid JSON", 0), 0U) << json << " -> " << error.message;
    EXPECT_EQ(error.element, "");
  }
}

TEST(JsonErrors, EnvelopeMustBeAnObjectWithAMethod) {
  EXPECT_EQ(envelopeError("[]").message, "expected an envelope object, got an array");
  EXPECT_EQ(envelopeError("{}").message, "method: required field missing");
  EXPECT_EQ(envelopeError(R"({"method": 5})").message, "method: expected a string, got an integer");
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "body": []})").message,
            "body: expected an object, got an array");
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "header": "x"})").message,
            "header: expected an object, got a string");
}

TEST(JsonErrors, UnknownMethodIsNamed) {
  const Error error = envelopeError(R"({"method": "Rebot"})");
  EXPECT_EQ(error.message, R"(method: unknown method "Rebot")");
  EXPECT_EQ(error.element, "method");
  EXPECT_EQ(bodyError("GetParameterValue", "{}").message,
            R"(method: unknown method "GetParameterValue")");
}

TEST(JsonErrors, UnknownNamespaceIsRejected) {
  EXPECT_EQ(envelopeError(R"({"cwmp": "urn:dslforum-org:cwmp-1-9", "method": "Reboot"})").element,
            "cwmp");
}

TEST(JsonErrors, UnknownFieldsAreNamedWithTheirPath) {
  Error error = envelopeError(R"({"method": "Reboot", "bogus": 1})");
  EXPECT_EQ(error.message, "bogus: unknown field");
  error = envelopeError(R"({"method": "Reboot", "header": {"Id": "1"}})");
  EXPECT_EQ(error.message, "header.Id: unknown field");
  error = envelopeError(R"({"method": "Reboot", "body": {"Commandkey": "x"}})");
  EXPECT_EQ(error.message, "body.Commandkey: unknown field");
  EXPECT_EQ(error.element, "body.Commandkey");
  EXPECT_EQ(bodyError("SetParameterValues",
                      R"({"ParameterList": [{"Name": "a", "Value": "b", "Nmae": "c"}]})")
                .message,
            "ParameterList[0].Nmae: unknown field");
  EXPECT_EQ(bodyError("", R"({"x": 1})").message, "x: unknown field");
}

TEST(JsonErrors, DuplicateKeysAreRejected) {
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "method": "Reboot"})").message,
            "method: duplicate key");
  EXPECT_EQ(bodyError("Reboot", R"({"CommandKey": "a", "CommandKey": "b"})").message,
            "CommandKey: duplicate key");
}

TEST(JsonErrors, WrongTypesAreNamedWithTheirPath) {
  const Error error = bodyError("SetParameterValues",
                                R"({"ParameterList": [{"Name": "a", "Value": "1"},
                                                      {"Name": "b", "Value": "2"},
                                                      {"Name": "c", "Value": 3}]})");
  EXPECT_EQ(error.message, "ParameterList[2].Value: expected a string, got an integer");
  EXPECT_EQ(error.element, "ParameterList[2].Value");

  EXPECT_EQ(bodyError("GetParameterValues", R"({"ParameterNames": "Device."})").message,
            "ParameterNames: expected an array, got a string");
  EXPECT_EQ(bodyError("GetParameterValues", R"({"ParameterNames": ["a", 1]})").message,
            "ParameterNames[1]: expected a string, got an integer");
  EXPECT_EQ(
      bodyError("GetParameterNames", R"({"ParameterPath": "a", "NextLevel": "true"})").message,
      "NextLevel: expected a boolean, got a string");
  EXPECT_EQ(bodyError("InformResponse", R"({"MaxEnvelopes": "1"})").message,
            "MaxEnvelopes: expected an integer, got a string");
  EXPECT_EQ(bodyError("InformResponse", R"({"MaxEnvelopes": 1.5})").message,
            "MaxEnvelopes: expected an integer, got a fractional number");
  EXPECT_EQ(bodyError("Reboot", R"({"CommandKey": null})").message,
            "CommandKey: expected a string, got null");
  EXPECT_EQ(bodyError("Inform", R"({"DeviceId": [], "Event": []})").message,
            "DeviceId: expected an object, got an array");
  EXPECT_EQ(bodyError("GetParameterNamesResponse", R"({"ParameterList": [["a"]]})").message,
            "ParameterList[0]: expected an object, got an array");
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "header": {"HoldRequests": "1"}})").message,
            "header.HoldRequests: expected a boolean, got a string");
}

TEST(JsonErrors, IntegersOutOfRangeAreRejected) {
  EXPECT_EQ(bodyError("InformResponse", R"({"MaxEnvelopes": -1})").message,
            "MaxEnvelopes: out of range for an unsigned 32-bit integer");
  EXPECT_EQ(bodyError("InformResponse", R"({"MaxEnvelopes": 4294967296})").message,
            "MaxEnvelopes: out of range for an unsigned 32-bit integer");
  EXPECT_EQ(bodyError("SetParameterValuesResponse", R"({"Status": 2147483648})").message,
            "Status: out of range for a 32-bit integer");
  EXPECT_EQ(bodyError("SetParameterValuesResponse", R"({"Status": -2147483649})").message,
            "Status: out of range for a 32-bit integer");
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "header": {"SessionTimeout": -5}})").message,
            "header.SessionTimeout: out of range for an unsigned 32-bit integer");
}

TEST(JsonErrors, SchemaLimitsAreEnforced) {
  EXPECT_EQ(bodyError("Reboot", R"({"CommandKey": "abcdefghijklmnopqrstuvwxyz0123456"})").message,
            "CommandKey: longer than 32 characters");
  EXPECT_EQ(
      bodyError("GetParameterValues", R"({"ParameterNames": [")" + std::string(257, 'a') + R"("]})")
          .message,
      "ParameterNames[0]: longer than 256 characters");
  std::string events = R"({"DeviceId": {"Manufacturer": "M", "OUI": "O", "SerialNumber": "S"},
                            "Event": [)";
  for (int i = 0; i < 65; ++i) events += std::string(i == 0 ? "" : ",") + R"({"EventCode": "x"})";
  events += "]}";
  EXPECT_EQ(bodyError("Inform", events).message, "Event: more than 64 items");
}

TEST(JsonErrors, TypedStringsMustHaveTheirType) {
  EXPECT_EQ(bodyError("DownloadResponse", R"({"Status": 0, "StartTime": "yesterday"})").message,
            "StartTime: expected an xsd:dateTime such as 2024-01-01T00:00:00Z");
  EXPECT_EQ(bodyError("SetVouchers", R"({"VoucherList": ["AAAA", "not base64!"]})").message,
            "VoucherList[1]: expected base64 text");
  EXPECT_EQ(bodyError("SetParameterValues",
                      R"({"ParameterList": [{"Name": "a", "Value": "1", "Type": "int"}]})")
                .message,
            "ParameterList[0].Type: expected an XML Schema type name such as xsd:string");
}

TEST(JsonErrors, TextXmlCannotCarryIsRejected) {
  EXPECT_EQ(bodyError("Reboot", R"({"CommandKey": "a\u0001b"})").message,
            "CommandKey: contains a character XML 1.0 cannot carry (byte 1)");
  EXPECT_EQ(bodyError("Reboot", R"({"CommandKey": "\u0000"})").message,
            "CommandKey: contains a character XML 1.0 cannot carry (byte 0)");
  // Bytes that are not UTF-8 do not even make valid JSON text.
  EXPECT_EQ(bodyError("Reboot", "{\"CommandKey\": \"ok\xFF\"}").message.rfind("invalid JSON", 0),
            0U);
  EXPECT_EQ(envelopeError(R"({"method": "Reboot", "header": {"ID": "\uffff"}})").message,
            "header.ID: contains a character XML 1.0 cannot carry (byte 0)");
}

TEST(JsonErrors, OperationsNeedAKnownKind) {
  EXPECT_EQ(bodyError("ChangeDUState", R"({"Operations": [{"URL": "u"}]})").message,
            "Operations[0].Operation: required field missing");
  EXPECT_EQ(bodyError("ChangeDUState", R"({"Operations": [{"Operation": "Remove"}]})").message,
            R"(Operations[0].Operation: expected "Install", "Update" or "Uninstall")");
  EXPECT_EQ(bodyError("ChangeDUState",
                      R"({"Operations": [{"Operation": "Uninstall", "UUID": "u", "URL": "x"}]})")
                .message,
            "Operations[0].URL: unknown field");
}

}  // namespace
}  // namespace cwmp
