// Tests of cwmp::encodeEnvelope: golden bytes for every message, EncodeOptions, escaping and
// the envelope shell.
//
// Golden files end with one newline, which the encoder does not write (so editors and git
// leave the files alone); golden() strips it. They were produced by this encoder and then
// checked by eye against cwmp-checklist.md 2.1-2.2, 5.1 and 8.3 before being committed.
#include <cstddef>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "encode_golden_messages.h"
#include "encode_samples.h"
#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"

namespace cwmp {
namespace {

using test_samples::NamedSample;

std::string golden(const std::string& relative_path) {
  std::string bytes = readTestData("golden/" + relative_path);
  if (bytes.empty() || bytes.back() != '\n') {
    ADD_FAILURE() << "golden/" << relative_path << " must end with exactly one newline";
    return bytes;
  }
  bytes.pop_back();
  return bytes;
}

std::string sampleName(const testing::TestParamInfo<NamedSample>& param) {
  return param.param.name;
}

// --- Golden bytes -------------------------------------------------------------------------

// Each message built in C++ with the content of the hand-written input
// testdata/<file>.xml; round_trip_test.cpp checks that decoding that input and encoding it
// again gives the same golden bytes.
class EncodeGolden : public testing::TestWithParam<NamedSample> {};

TEST_P(EncodeGolden, MatchesGoldenFileByteForByte) {
  const NamedSample& sample = GetParam();
  EXPECT_EQ(encodeEnvelope(sample.envelope), golden(sample.file_stem + ".xml"));
}

INSTANTIATE_TEST_SUITE_P(AllMessages, EncodeGolden,
                         testing::ValuesIn(golden_messages::allGoldenMessages()), sampleName);

// The edge-case samples of encode_samples.h: escaping, UTF-8, schema-limit strings,
// present-but-empty optionals, every header element.
class EncodeSampleGolden : public testing::TestWithParam<NamedSample> {};

TEST_P(EncodeSampleGolden, MatchesGoldenFileByteForByte) {
  const NamedSample& sample = GetParam();
  EXPECT_EQ(encodeEnvelope(sample.envelope), golden("samples/" + sample.file_stem + ".xml"));
}

INSTANTIATE_TEST_SUITE_P(AllMessages, EncodeSampleGolden,
                         testing::ValuesIn(test_samples::allSamples()), sampleName);

// Which Body alternatives a list of samples holds, each counted once.
std::set<std::size_t> bodyKinds(const std::vector<NamedSample>& samples) {
  std::set<std::size_t> kinds;
  for (const NamedSample& sample : samples) kinds.insert(sample.envelope.body.index());
  return kinds;
}

TEST(EncodeGoldenSet, CoversEveryMessageTypeOnce) {
  const std::vector<NamedSample> golden_messages = golden_messages::allGoldenMessages();
  EXPECT_EQ(golden_messages.size(), std::variant_size_v<Body>);
  EXPECT_EQ(bodyKinds(golden_messages).size(), std::variant_size_v<Body>);
  const std::vector<NamedSample> samples = test_samples::allSamples();
  EXPECT_EQ(samples.size(), std::variant_size_v<Body>);
  EXPECT_EQ(bodyKinds(samples).size(), std::variant_size_v<Body>);
}

// --- Envelope shell -----------------------------------------------------------------------

constexpr std::string_view kDefaultOpen =
    R"(<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" )"
    R"(xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" )"
    R"(xmlns:cwmp="urn:dslforum-org:cwmp-1-2" xmlns:xsd="http://www.w3.org/2001/XMLSchema" )"
    R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">)";

TEST(EncodeEnvelope, EmptyBodyHasNoHeaderAndAnEmptyBodyElement) {
  EXPECT_EQ(encodeEnvelope(Envelope{}),
            std::string(kDefaultOpen) + "<SOAP-ENV:Body></SOAP-ENV:Body></SOAP-ENV:Envelope>");
}

TEST(EncodeEnvelope, OmitsHeaderWhenOnlyNotUnderstoodIsSet) {
  Envelope envelope;
  envelope.header.not_understood = {"{urn:example}Extra"};
  envelope.body = RebootResponse{};
  const std::string xml = encodeEnvelope(envelope);
  EXPECT_EQ(xml.find("Header"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("Extra"), std::string::npos) << xml;
}

TEST(EncodeEnvelope, WritesEveryHeaderElementWithItsMustUnderstand) {
  Envelope envelope;
  envelope.header.id = "42";
  envelope.header.hold_requests = false;
  envelope.header.no_more_requests = true;
  envelope.header.session_timeout = 4294967295U;
  envelope.header.supported_cwmp_versions = "1.0,1.4";
  envelope.header.use_cwmp_version = "1.4";
  envelope.body = InformResponse{};
  EXPECT_EQ(
      encodeEnvelope(envelope),
      std::string(kDefaultOpen) +
          "<SOAP-ENV:Header>"
          R"(<cwmp:ID SOAP-ENV:mustUnderstand="1">42</cwmp:ID>)"
          R"(<cwmp:HoldRequests SOAP-ENV:mustUnderstand="1">0</cwmp:HoldRequests>)"
          "<cwmp:NoMoreRequests>1</cwmp:NoMoreRequests>"
          R"(<cwmp:SessionTimeout SOAP-ENV:mustUnderstand="0">4294967295</cwmp:SessionTimeout>)"
          R"(<cwmp:SupportedCWMPVersions SOAP-ENV:mustUnderstand="0">1.0,1.4</cwmp:SupportedCWMPVersions>)"
          R"(<cwmp:UseCWMPVersion SOAP-ENV:mustUnderstand="1">1.4</cwmp:UseCWMPVersion>)"
          "</SOAP-ENV:Header><SOAP-ENV:Body><cwmp:InformResponse><MaxEnvelopes>1"
          "</MaxEnvelopes></cwmp:InformResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>");
}

TEST(EncodeEnvelope, UsesTheNamespaceOfTheEnvelope) {
  for (const auto& [ns, uri] : std::vector<std::pair<CwmpNamespace, std::string>>{
           {CwmpNamespace::V1_0, "urn:dslforum-org:cwmp-1-0"},
           {CwmpNamespace::V1_1, "urn:dslforum-org:cwmp-1-1"},
           {CwmpNamespace::V1_2, "urn:dslforum-org:cwmp-1-2"},
           {CwmpNamespace::V1_3, "urn:dslforum-org:cwmp-1-3"},
           {CwmpNamespace::V1_4, "urn:dslforum-org:cwmp-1-4"}}) {
    Envelope envelope;
    envelope.ns = ns;
    EXPECT_NE(encodeEnvelope(envelope).find(R"( xmlns:cwmp=")" + uri + '"'), std::string::npos)
        << uri;
  }
}

TEST(EncodeEnvelope, AppendsToTheCallersString) {
  const Envelope envelope = test_samples::sampleEnvelopeOf<GetParameterValues>();
  std::string out = "already here";
  encodeEnvelope(envelope, out);
  EXPECT_EQ(out, "already here" + encodeEnvelope(envelope));
}

TEST(EncodeEnvelope, IsDeterministic) {
  for (const NamedSample& sample : test_samples::allSamples()) {
    EXPECT_EQ(encodeEnvelope(sample.envelope), encodeEnvelope(sample.envelope)) << sample.name;
  }
}

// --- EncodeOptions --------------------------------------------------------------------------

TEST(EncodeOptions, XmlDeclarationOnlyWhenAsked) {
  const Envelope envelope = test_samples::sampleEnvelopeOf<InformResponse>();
  const std::string plain = encodeEnvelope(envelope);
  EXPECT_EQ(plain.rfind("<SOAP-ENV:Envelope ", 0), 0U);
  EncodeOptions options;
  options.xml_declaration = true;
  EXPECT_EQ(encodeEnvelope(envelope, options), R"(<?xml version="1.0" encoding="UTF-8"?>)" + plain);
}

TEST(EncodeOptions, PrefixesComeFromTheOptions) {
  EncodeOptions options;
  options.soap_env_prefix = "soapenv";
  options.soap_enc_prefix = "soapenc";
  options.cwmp_prefix = "c";
  Envelope envelope;
  envelope.header.id = "7";
  GetParameterValues gpv;
  gpv.parameter_names = {"Device.DeviceInfo."};
  envelope.body = gpv;
  EXPECT_EQ(encodeEnvelope(envelope, options),
            R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )"
            R"(xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" )"
            R"(xmlns:c="urn:dslforum-org:cwmp-1-2" xmlns:xsd="http://www.w3.org/2001/XMLSchema" )"
            R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">)"
            R"(<soapenv:Header><c:ID soapenv:mustUnderstand="1">7</c:ID></soapenv:Header>)"
            "<soapenv:Body><c:GetParameterValues>"
            R"(<ParameterNames soapenc:arrayType="xsd:string[1]">)"
            "<string>Device.DeviceInfo.</string></ParameterNames></c:GetParameterValues>"
            "</soapenv:Body></soapenv:Envelope>");
}

TEST(EncodeOptions, PrefixesApplyToFaultsAndOperationTypes) {
  EncodeOptions options;
  options.soap_env_prefix = "s";
  options.cwmp_prefix = "c";
  const std::string fault = encodeEnvelope(test_samples::sampleEnvelopeOf<Fault>(), options);
  EXPECT_NE(fault.find("<s:Body><s:Fault><faultcode>Client</faultcode>"), std::string::npos);
  EXPECT_NE(fault.find("<detail><c:Fault><FaultCode>9003</FaultCode>"), std::string::npos);
  const std::string cdu = encodeEnvelope(test_samples::sampleEnvelopeOf<ChangeDUState>(), options);
  EXPECT_NE(cdu.find(R"(<Operations SOAP-ENC:arrayType="c:OperationStruct[3]">)"),
            std::string::npos);
  EXPECT_NE(cdu.find(R"(<InstallOpStruct xsi:type="c:InstallOpStruct">)"), std::string::npos);
  EXPECT_EQ(cdu.find("cwmp:"), std::string::npos);
  const std::string inform = encodeEnvelope(test_samples::sampleEnvelopeOf<Inform>(), options);
  EXPECT_NE(inform.find(R"(arrayType="c:EventStruct[3]")"), std::string::npos);
  EXPECT_NE(inform.find(R"(arrayType="c:ParameterValueStruct[8]")"), std::string::npos);
  EXPECT_EQ(inform.find("cwmp:"), std::string::npos);
}

TEST(EncodeOptions, EmptyPrefixFallsBackToTheDefault) {
  EncodeOptions options;
  options.soap_env_prefix = "";
  options.soap_enc_prefix = "";
  options.cwmp_prefix = "";
  const Envelope envelope = test_samples::sampleEnvelopeOf<SetParameterValues>();
  EXPECT_EQ(encodeEnvelope(envelope, options), encodeEnvelope(envelope));
}

TEST(EncodeOptions, OmitValueTypesDropsEveryXsiType) {
  EncodeOptions options;
  options.omit_value_types = true;
  const std::string xml =
      encodeEnvelope(test_samples::sampleEnvelopeOf<SetParameterValues>(), options);
  EXPECT_EQ(xml.find("xsi:type"), std::string::npos);
  EXPECT_NE(xml.find("<Value>true</Value>"), std::string::npos) << xml;
}

TEST(EncodeOptions, EmptyValueTypeIsWrittenAsXsdString) {
  Envelope envelope;
  SetParameterValues spv;
  spv.parameter_list = {test_samples::pvs("Device.X", "v", "")};
  envelope.body = spv;
  EXPECT_NE(encodeEnvelope(envelope).find(R"(<Value xsi:type="xsd:string">v</Value>)"),
            std::string::npos);
}

TEST(EncodeOptions, ArrayCountsTellTheTruthByDefault) {
  const std::string xml = encodeEnvelope(test_samples::sampleEnvelopeOf<SetParameterAttributes>());
  EXPECT_NE(xml.find(R"(arrayType="cwmp:SetParameterAttributesStruct[3]")"), std::string::npos);
  EXPECT_NE(xml.find(R"(arrayType="xsd:string[1]")"), std::string::npos);
  EXPECT_NE(xml.find(R"(arrayType="xsd:string[0]")"), std::string::npos);
}

TEST(EncodeOptions, ArrayCountDeltaMakesEveryCountLie) {
  const Envelope envelope = test_samples::sampleEnvelopeOf<SetParameterAttributes>();
  EncodeOptions more;
  more.array_count_delta = 2;
  const std::string inflated = encodeEnvelope(envelope, more);
  EXPECT_NE(inflated.find(R"(arrayType="cwmp:SetParameterAttributesStruct[5]")"),
            std::string::npos);
  EXPECT_NE(inflated.find(R"(arrayType="xsd:string[3]")"), std::string::npos);
  EXPECT_NE(inflated.find(R"(arrayType="xsd:string[2]")"), std::string::npos);

  EncodeOptions fewer;
  fewer.array_count_delta = -1;
  const std::string deflated = encodeEnvelope(envelope, fewer);
  EXPECT_NE(deflated.find(R"(arrayType="cwmp:SetParameterAttributesStruct[2]")"),
            std::string::npos);
  EXPECT_NE(deflated.find(R"(arrayType="xsd:string[-1]")"), std::string::npos);
}

TEST(EncodeOptions, ZeroPadArrayCountsWritesFourDigits) {
  EncodeOptions options;
  options.zero_pad_array_counts = true;
  const std::string xml =
      encodeEnvelope(test_samples::sampleEnvelopeOf<SetParameterValues>(), options);
  EXPECT_NE(xml.find(R"(arrayType="cwmp:ParameterValueStruct[0011]")"), std::string::npos);

  const std::string empty_list =
      encodeEnvelope(test_samples::sampleEnvelopeOf<SetParameterAttributes>(), options);
  EXPECT_NE(empty_list.find(R"(arrayType="xsd:string[0000]")"), std::string::npos);

  options.array_count_delta = 10000;
  EXPECT_NE(encodeEnvelope(test_samples::sampleEnvelopeOf<SetParameterValues>(), options)
                .find(R"(arrayType="cwmp:ParameterValueStruct[10011]")"),
            std::string::npos);
}

// --- Escaping (checklist 1.6.1) ---------------------------------------------------------------

// The <Value> element the encoder writes for `value` with xsi:type `type`.
std::string encodedValue(const std::string& value, const std::string& type = "xsd:string") {
  Envelope envelope;
  GetParameterValuesResponse response;
  response.parameter_list = {test_samples::pvs("Device.X", value, type)};
  envelope.body = response;
  const std::string xml = encodeEnvelope(envelope);
  const std::size_t begin = xml.find("<Value ");
  const std::size_t end = xml.find("</Value>");
  if (begin == std::string::npos || end == std::string::npos) return "(no Value in " + xml + ")";
  return xml.substr(begin, end + 8 - begin);
}

TEST(EncodeEscaping, EscapesMarkupCharactersInText) {
  EXPECT_EQ(encodedValue(R"(a<b>&c"d'e)"),
            R"(<Value xsi:type="xsd:string">a&lt;b&gt;&amp;c&quot;d'e</Value>)");
}

TEST(EncodeEscaping, KeepsTabAndLineFeedButReferencesCarriageReturnInText) {
  EXPECT_EQ(encodedValue("a\tb\nc\r\nd"), "<Value xsi:type=\"xsd:string\">a\tb\nc&#13;\nd</Value>");
}

TEST(EncodeEscaping, ReferencesWhitespaceAndMarkupInAttributeValues) {
  EXPECT_EQ(encodedValue("v", "x:a\"b\tc\nd\re<&>"),
            R"(<Value xsi:type="x:a&quot;b&#9;c&#10;d&#13;e&lt;&amp;&gt;">v</Value>)");
}

TEST(EncodeEscaping, ReferencesDelete) {
  EXPECT_EQ(encodedValue("a\x7F"
                         "b"),
            R"(<Value xsi:type="xsd:string">a&#127;b</Value>)");
}

TEST(EncodeEscaping, PassesWellFormedUtf8Through) {
  const std::string text = "\xC3\xA9 \xE2\x82\xAC \xEF\xBF\xBD \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(encodedValue(text), "<Value xsi:type=\"xsd:string\">" + text + "</Value>");
}

TEST(EncodeEscaping, ReplacesWhatXmlCannotCarryWithReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  const std::string open = "<Value xsi:type=\"xsd:string\">";
  EXPECT_EQ(encodedValue(std::string("a\0b", 3)), open + "a" + fffd + "b</Value>");
  EXPECT_EQ(encodedValue("a\x01\x08\x0B\x0C\x1F"
                         "b"),
            open + "a" + fffd + fffd + fffd + fffd + fffd + "b</Value>");
  EXPECT_EQ(encodedValue("a\xFF"
                         "b"),
            open + "a" + fffd + "b</Value>");                                       // not UTF-8
  EXPECT_EQ(encodedValue("a\xC3"), open + "a" + fffd + "</Value>");                 // truncated
  EXPECT_EQ(encodedValue("\xC0\xAF"), open + fffd + fffd + "</Value>");             // overlong
  EXPECT_EQ(encodedValue("\xED\xA0\x80"), open + fffd + fffd + fffd + "</Value>");  // surrogate
  EXPECT_EQ(encodedValue("\xEF\xBF\xBE"), open + fffd + fffd + fffd + "</Value>");  // U+FFFE
  EXPECT_EQ(encodedValue("\xF4\x90\x80\x80"), open + fffd + fffd + fffd + fffd + "</Value>");
}

TEST(EncodeEscaping, OutputAlwaysDecodesWhateverBytesTheStringsHold) {
  std::mt19937 random(20240501);  // fixed seed: the same strings on every run
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 40);
  for (int round = 0; round < 500; ++round) {
    const auto text = [&] {
      std::string s(length(random), '\0');
      for (char& c : s) c = static_cast<char>(byte(random));
      return s;
    };
    Envelope envelope;
    envelope.header.id = text();
    GetParameterValuesResponse response;
    response.parameter_list = {test_samples::pvs("Device." + text(), text(), "xsd:" + text())};
    envelope.body = response;
    const std::string xml = encodeEnvelope(envelope);
    DecodeOptions options;
    options.enforce_string_limits = false;
    const Result<Envelope> decoded = decodeEnvelope(xml, options);
    ASSERT_TRUE(decoded.ok()) << "round " << round << ": " << decoded.error().message;
  }
}

}  // namespace
}  // namespace cwmp
