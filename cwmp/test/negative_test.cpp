// Negative decode tests: hostile, broken and out-of-schema input. Each returns the error
// documented in cwmp/doc/tolerance.md (code, element path, byte offset, fault mapping) and
// never crashes.

#include <string>
#include <string_view>

#include "test_data.h"
#include <gtest/gtest.h>

#include "cwmp/codec.h"
#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cwmp {
namespace {

constexpr std::string_view kEnvelopeOpen =
    "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" "
    "xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" "
    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
    "xmlns:cwmp=\"urn:dslforum-org:cwmp-1-2\">";

// A complete envelope around `body` (the Body's content).
std::string envelope(std::string_view body) {
  std::string xml(kEnvelopeOpen);
  xml += "<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand=\"1\">n-1</cwmp:ID></SOAP-ENV:Header>";
  xml += "<SOAP-ENV:Body>";
  xml += body;
  xml += "</SOAP-ENV:Body></SOAP-ENV:Envelope>";
  return xml;
}

std::string informWithDeviceId(std::string_view device_id) {
  std::string body = "<cwmp:Inform><DeviceId>";
  body += device_id;
  body +=
      "</DeviceId><Event/><MaxEnvelopes>1</MaxEnvelopes>"
      "<CurrentTime>2024-01-01T00:00:00Z</CurrentTime><RetryCount>0</RetryCount>"
      "<ParameterList/></cwmp:Inform>";
  return envelope(body);
}

constexpr std::string_view kGoodDeviceId =
    "<Manufacturer>M</Manufacturer><OUI>00A0C9</OUI><ProductClass>P</ProductClass>"
    "<SerialNumber>S</SerialNumber>";

Error expectError(std::string_view xml, ErrorCode code, const DecodeOptions& options = {}) {
  Result<Envelope> result = decodeEnvelope(xml, options);
  if (result.ok()) {
    ADD_FAILURE() << "decoded " << methodName(result->body) << " where " << errorCodeName(code)
                  << " was expected";
    return Error{};
  }
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_FALSE(result.error().message.empty());
  return result.error();
}

TEST(DecodeNegative, SanityTheBaseEnvelopesDecode) {
  ASSERT_TRUE(decodeEnvelope(informWithDeviceId(kGoodDeviceId)).ok());
  ASSERT_TRUE(
      decodeEnvelope(envelope("<cwmp:Reboot><CommandKey>k</CommandKey></cwmp:Reboot>")).ok());
}

TEST(DecodeNegative, EmptyInputIsMalformed) {
  const Error e = expectError("", ErrorCode::MalformedXml);
  EXPECT_EQ(e.acsFaultCode(), 8002u);
  EXPECT_EQ(e.cpeFaultCode(), 9002u);
}

TEST(DecodeNegative, WhitespaceOnlyInputIsMalformed) {
  expectError(" \r\n\t ", ErrorCode::MalformedXml);
}

TEST(DecodeNegative, MismatchedTagIsMalformedWithPositionAndPath) {
  const std::string xml = envelope("<cwmp:Reboot><CommandKey>k</Commandkey></cwmp:Reboot>");
  const Error e = expectError(xml, ErrorCode::MalformedXml);
  // Expat points into the offending end tag.
  EXPECT_GE(e.offset, xml.find("</Commandkey>"));
  EXPECT_LT(e.offset, xml.find("</Commandkey>") + std::string_view("</Commandkey>").size());
  EXPECT_EQ(e.element, "Reboot/CommandKey");
  EXPECT_NE(e.message.find("mismatched tag"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("Reboot/CommandKey"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("byte " + std::to_string(e.offset)), std::string::npos) << e.message;
}

TEST(DecodeNegative, EveryTruncationOfAValidEnvelopeIsRejected) {
  const std::string xml = readTestData("inform.xml");
  ASSERT_TRUE(decodeEnvelope(xml).ok());
  // Cutting anywhere before the root's end tag completes leaves an unfinished document.
  const std::size_t end =
      xml.rfind("</SOAP-ENV:Envelope>") + std::string_view("</SOAP-ENV:Envelope").size();
  for (std::size_t cut = 0; cut < end; ++cut) {
    Result<Envelope> r = decodeEnvelope(std::string_view(xml).substr(0, cut));
    ASSERT_FALSE(r.ok()) << "prefix of " << cut << " bytes decoded";
    ASSERT_EQ(r.error().code, ErrorCode::MalformedXml) << cut << ": " << r.error().message;
    ASSERT_LE(r.error().offset, cut);
  }
}

TEST(DecodeNegative, JunkAfterTheEnvelopeIsMalformed) {
  expectError(envelope("") + "<extra/>", ErrorCode::MalformedXml);
}

TEST(DecodeNegative, InvalidUtf8IsMalformed) {
  expectError(envelope("<cwmp:Reboot><CommandKey>\xC3\x28</CommandKey></cwmp:Reboot>"),
              ErrorCode::MalformedXml);
}

TEST(DecodeNegative, NulByteIsMalformed) {
  std::string xml = envelope("<cwmp:Reboot><CommandKey>ab</CommandKey></cwmp:Reboot>");
  xml[xml.find("ab") + 1] = '\0';
  expectError(xml, ErrorCode::MalformedXml);
}

TEST(DecodeNegative, UnboundPrefixIsMalformed) {
  expectError(
      "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
      "<cwmp:Reboot><CommandKey/></cwmp:Reboot></soap:Body></soap:Envelope>",
      ErrorCode::MalformedXml);
}

TEST(DecodeNegative, BillionLaughsIsRejectedAtTheDoctype) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  xml += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
  for (int i = 2; i <= 9; ++i) {
    xml += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j) {
      xml += "&lol" + std::to_string(i - 1) + ";";
    }
    xml += "\">\n";
  }
  xml += "]>\n";
  xml += envelope("<cwmp:Reboot><CommandKey>&lol9;</CommandKey></cwmp:Reboot>");
  const Error e = expectError(xml, ErrorCode::ForbiddenConstruct);
  // Reported inside the declaration, before any entity is declared.
  EXPECT_GE(e.offset, xml.find("<!DOCTYPE"));
  EXPECT_LT(e.offset, xml.find("<!ENTITY"));
  EXPECT_NE(e.message.find("DOCTYPE"), std::string::npos) << e.message;
  EXPECT_EQ(e.acsFaultCode(), 8002u);
  EXPECT_EQ(e.cpeFaultCode(), 9002u);
}

TEST(DecodeNegative, ExternalEntityIsRejected) {
  const std::string xml = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
                          envelope("<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>");
  expectError(xml, ErrorCode::ForbiddenConstruct);
}

TEST(DecodeNegative, ExternalDtdIsRejected) {
  const std::string xml = "<!DOCTYPE Envelope SYSTEM \"http://attacker.example/x.dtd\">" +
                          envelope("<cwmp:FactoryReset/>");
  expectError(xml, ErrorCode::ForbiddenConstruct);
}

TEST(DecodeNegative, UndeclaredEntityReferenceIsMalformed) {
  expectError(envelope("<cwmp:Reboot><CommandKey>&xxe;</CommandKey></cwmp:Reboot>"),
              ErrorCode::MalformedXml);
}

TEST(DecodeNegative, ProcessingInstructionIsRejected) {
  const std::string xml = envelope("<?php system('id'); ?><cwmp:FactoryReset/>");
  const Error e = expectError(xml, ErrorCode::ForbiddenConstruct);
  EXPECT_EQ(e.offset, xml.find("<?php"));
  EXPECT_EQ(e.element, "Envelope/Body");
  EXPECT_NE(e.message.find("<?php?>"), std::string::npos) << e.message;
}

TEST(DecodeNegative, StylesheetProcessingInstructionBeforeTheRootIsRejected) {
  expectError("<?xml version=\"1.0\"?><?xml-stylesheet href=\"a.xsl\"?>" + envelope(""),
              ErrorCode::ForbiddenConstruct);
}

TEST(DecodeNegative, OversizeInputIsRejectedBeforeParsing) {
  const std::string xml = readTestData("inform.xml");
  DecodeOptions options;
  options.max_bytes = xml.size() - 1;
  const Error e = expectError(xml, ErrorCode::LimitExceeded, options);
  EXPECT_EQ(e.acsFaultCode(), 8004u);
  EXPECT_EQ(e.cpeFaultCode(), 9004u);
  EXPECT_NE(e.message.find(std::to_string(xml.size())), std::string::npos) << e.message;
  options.max_bytes = xml.size();
  EXPECT_TRUE(decodeEnvelope(xml, options).ok());
}

TEST(DecodeNegative, OversizeGarbageIsRejectedWithoutParsing) {
  // Not even XML: the size check comes first.
  const std::string junk(std::size_t{9} * 1024 * 1024, '<');
  expectError(junk, ErrorCode::LimitExceeded);
}

TEST(DecodeNegative, TooDeepNestingIsRejected) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += "<a>";
  }
  const std::string xml = envelope("<cwmp:Reboot><CommandKey>" + deep);
  const Error e = expectError(xml, ErrorCode::LimitExceeded);
  // Envelope, Body, Reboot, CommandKey and 28 <a>: the 29th <a> is level 33.
  EXPECT_EQ(e.offset, xml.find("<a>") + std::size_t{28} * 3);
  EXPECT_EQ(e.element.rfind("Reboot/CommandKey/a/a/", 0), 0u) << e.element;
  EXPECT_EQ(e.acsFaultCode(), 8004u);
}

TEST(DecodeNegative, MaxDepthIsConfigurable) {
  const std::string xml = readTestData("inform.xml");  // deepest: Inform/.../Value = level 6
  DecodeOptions options;
  options.max_depth = 6;
  EXPECT_TRUE(decodeEnvelope(xml, options).ok());
  options.max_depth = 5;
  const Error e = expectError(xml, ErrorCode::LimitExceeded, options);
  EXPECT_EQ(e.element, "Inform/Event/EventStruct/EventCode");
}

TEST(DecodeNegative, TooManyArrayItemsIsRejected) {
  std::string items;
  for (int i = 0; i < 11; ++i) {
    items += "<string>Device.</string>";
  }
  const std::string xml = envelope("<cwmp:GetParameterValues><ParameterNames>" + items +
                                   "</ParameterNames></cwmp:GetParameterValues>");
  DecodeOptions options;
  options.max_items = 10;
  const Error e = expectError(xml, ErrorCode::LimitExceeded, options);
  EXPECT_EQ(e.element, "GetParameterValues/ParameterNames");
  options.max_items = 11;
  EXPECT_TRUE(decodeEnvelope(xml, options).ok());
}

TEST(DecodeNegative, MoreThan64EventsExceedsTheSchema) {
  std::string events;
  for (int i = 0; i < 65; ++i) {
    events += "<EventStruct><EventCode>2 PERIODIC</EventCode><CommandKey/></EventStruct>";
  }
  std::string xml = informWithDeviceId(kGoodDeviceId);
  xml.replace(xml.find("<Event/>"), 8, "<Event>" + events + "</Event>");
  const Error e = expectError(xml, ErrorCode::LimitExceeded);
  EXPECT_EQ(e.element, "Inform/Event");
  EXPECT_NE(e.message.find("65 items"), std::string::npos) << e.message;
  DecodeOptions lenient;
  lenient.enforce_string_limits = false;
  Result<Envelope> r = decodeEnvelope(xml, lenient);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::get<Inform>(r->body).event.size(), 65u);
}

TEST(DecodeNegative, CommandKeyLongerThan32CharactersIsTooLong) {
  const std::string key33(33, 'k');
  const std::string xml =
      envelope("<cwmp:Reboot><CommandKey>" + key33 + "</CommandKey></cwmp:Reboot>");
  const Error e = expectError(xml, ErrorCode::TooLong);
  EXPECT_EQ(e.element, "Reboot/CommandKey");
  EXPECT_EQ(e.offset, xml.find("<CommandKey>"));
  EXPECT_EQ(e.acsFaultCode(), 8003u);
  EXPECT_EQ(e.cpeFaultCode(), 9003u);
  DecodeOptions lenient;
  lenient.enforce_string_limits = false;
  EXPECT_TRUE(decodeEnvelope(xml, lenient).ok());
  // Exactly 32 is fine.
  EXPECT_TRUE(decodeEnvelope(envelope("<cwmp:Reboot><CommandKey>" + std::string(32, 'k') +
                                      "</CommandKey></cwmp:Reboot>"))
                  .ok());
}

TEST(DecodeNegative, StringLimitsCountCharactersNotBytes) {
  // 32 two-byte characters: 64 bytes, 32 characters.
  std::string key;
  for (int i = 0; i < 32; ++i) {
    key += "\xC3\xA9";
  }
  EXPECT_TRUE(
      decodeEnvelope(envelope("<cwmp:Reboot><CommandKey>" + key + "</CommandKey></cwmp:Reboot>"))
          .ok());
  key += "\xC3\xA9";
  expectError(envelope("<cwmp:Reboot><CommandKey>" + key + "</CommandKey></cwmp:Reboot>"),
              ErrorCode::TooLong);
}

TEST(DecodeNegative, ParameterNameLongerThan256IsTooLong) {
  const std::string name = "Device." + std::string(250, 'X');  // 257 characters
  const Error e = expectError(envelope("<cwmp:GetParameterValues><ParameterNames><string>" + name +
                                       "</string></ParameterNames></cwmp:GetParameterValues>"),
                              ErrorCode::TooLong);
  EXPECT_EQ(e.element, "GetParameterValues/ParameterNames/string");
}

TEST(DecodeNegative, DownloadUrlLongerThan256IsTooLong) {
  std::string xml = readTestData("download.xml");
  const std::string url = "https://files.example.net/" + std::string(231, 'a');  // 257
  const std::size_t at = xml.find("https://files.example.net/fw/hg2400-4.3.0.bin");
  xml.replace(at, std::string_view("https://files.example.net/fw/hg2400-4.3.0.bin").size(), url);
  const Error e = expectError(xml, ErrorCode::TooLong);
  EXPECT_EQ(e.element, "Download/URL");
}

TEST(DecodeNegative, MissingRequiredElementNamesPathAndParentOffset) {
  const std::string xml = informWithDeviceId(
      "<Manufacturer>M</Manufacturer><ProductClass>P</ProductClass><SerialNumber>S</SerialNumber>");
  const Error e = expectError(xml, ErrorCode::MissingElement);
  EXPECT_EQ(e.element, "Inform/DeviceId/OUI");
  EXPECT_EQ(e.offset, xml.find("<DeviceId>"));
  EXPECT_NE(e.message.find("Inform/DeviceId/OUI"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("byte " + std::to_string(e.offset)), std::string::npos) << e.message;
  EXPECT_EQ(e.acsFaultCode(), 8003u);
  EXPECT_EQ(e.cpeFaultCode(), 9003u);
}

TEST(DecodeNegative, MissingNestedStructIsMissingElement) {
  const Error e = expectError(
      envelope("<cwmp:TransferComplete><CommandKey/><StartTime>2024-01-01T00:00:00Z</StartTime>"
               "<CompleteTime>2024-01-01T00:00:00Z</CompleteTime></cwmp:TransferComplete>"),
      ErrorCode::MissingElement);
  EXPECT_EQ(e.element, "TransferComplete/FaultStruct");
}

TEST(DecodeNegative, MissingValueInsideAnArrayItem) {
  const Error e = expectError(
      envelope("<cwmp:SetParameterValues><ParameterList><ParameterValueStruct><Name>Device.A</Name>"
               "</ParameterValueStruct></ParameterList><ParameterKey/></cwmp:SetParameterValues>"),
      ErrorCode::MissingElement);
  EXPECT_EQ(e.element, "SetParameterValues/ParameterList/ParameterValueStruct/Value");
}

TEST(DecodeNegative, WrongTypesAreInvalidValues) {
  struct Case {
    std::string body;
    std::string element;
  };
  const Case cases[] = {
      {"<cwmp:InformResponse><MaxEnvelopes>one</MaxEnvelopes></cwmp:InformResponse>",
       "InformResponse/MaxEnvelopes"},
      {"<cwmp:InformResponse><MaxEnvelopes>-1</MaxEnvelopes></cwmp:InformResponse>",
       "InformResponse/MaxEnvelopes"},
      {"<cwmp:InformResponse><MaxEnvelopes>4294967296</MaxEnvelopes></cwmp:InformResponse>",
       "InformResponse/MaxEnvelopes"},
      {"<cwmp:InformResponse><MaxEnvelopes></MaxEnvelopes></cwmp:InformResponse>",
       "InformResponse/MaxEnvelopes"},
      {"<cwmp:SetParameterValuesResponse><Status>2147483648</Status></"
       "cwmp:SetParameterValuesResponse>",
       "SetParameterValuesResponse/Status"},
      {"<cwmp:SetParameterValuesResponse><Status>1.0</Status></cwmp:SetParameterValuesResponse>",
       "SetParameterValuesResponse/Status"},
      {"<cwmp:GetParameterNames><ParameterPath/><NextLevel>yes</NextLevel></"
       "cwmp:GetParameterNames>",
       "GetParameterNames/NextLevel"},
      {"<cwmp:GetParameterNames><ParameterPath/><NextLevel>TRUE</NextLevel></"
       "cwmp:GetParameterNames>",
       "GetParameterNames/NextLevel"},
      {"<cwmp:DownloadResponse><Status>0</Status><StartTime>yesterday</StartTime>"
       "<CompleteTime>2024-01-01T00:00:00Z</CompleteTime></cwmp:DownloadResponse>",
       "DownloadResponse/StartTime"},
      {"<cwmp:DownloadResponse><Status>0</Status><StartTime>2024-01-01T00:00:00Z</StartTime>"
       "<CompleteTime>2024-02-30T00:00:00Z</CompleteTime></cwmp:DownloadResponse>",
       "DownloadResponse/CompleteTime"},
      {"<cwmp:SetVouchers><VoucherList><base64>not "
       "base64!</base64></VoucherList></cwmp:SetVouchers>",
       "SetVouchers/VoucherList/base64"},
      {"<cwmp:SetParameterAttributes><ParameterList><SetParameterAttributesStruct><Name>A</Name>"
       "<NotificationChange>1</NotificationChange><Notification>active</Notification>"
       "<AccessListChange>0</AccessListChange><AccessList/></SetParameterAttributesStruct>"
       "</ParameterList></cwmp:SetParameterAttributes>",
       "SetParameterAttributes/ParameterList/SetParameterAttributesStruct/Notification"},
  };
  for (const Case& c : cases) {
    const std::string xml = envelope(c.body);
    const Error e = expectError(xml, ErrorCode::InvalidValue);
    EXPECT_EQ(e.element, c.element) << c.body;
    EXPECT_EQ(e.acsFaultCode(), 8003u);
    EXPECT_EQ(e.cpeFaultCode(), 9003u);
    EXPECT_NE(e.message.find(c.element), std::string::npos) << e.message;
  }
}

TEST(DecodeNegative, ElementWhereTextIsExpectedIsInvalid) {
  const Error e =
      expectError(envelope("<cwmp:Reboot><CommandKey><b>bold</b></CommandKey></cwmp:Reboot>"),
                  ErrorCode::InvalidValue);
  EXPECT_EQ(e.element, "Reboot/CommandKey");
  EXPECT_NE(e.message.find("child element b"), std::string::npos) << e.message;
}

TEST(DecodeNegative, TextWhereAnArrayIsExpectedIsInvalid) {
  const Error e = expectError(envelope("<cwmp:GetParameterValues><ParameterNames>Device.</"
                                       "ParameterNames></cwmp:GetParameterValues>"),
                              ErrorCode::InvalidValue);
  EXPECT_EQ(e.element, "GetParameterValues/ParameterNames");
}

TEST(DecodeNegative, UnknownDuOperationIsInvalid) {
  const Error e = expectError(
      envelope("<cwmp:ChangeDUState><Operations><RestartOpStruct><UUID/></RestartOpStruct>"
               "</Operations><CommandKey/></cwmp:ChangeDUState>"),
      ErrorCode::InvalidValue);
  EXPECT_EQ(e.element, "ChangeDUState/Operations/RestartOpStruct");
}

TEST(DecodeNegative, UnknownMethodMapsToMethodNotSupported) {
  const std::string xml =
      envelope("<cwmp:X_00A0C9_Diagnose><Level>3</Level></cwmp:X_00A0C9_Diagnose>");
  const Error e = expectError(xml, ErrorCode::UnknownMethod);
  EXPECT_EQ(e.element, "X_00A0C9_Diagnose");
  EXPECT_EQ(e.offset, xml.find("<cwmp:X_00A0C9_Diagnose>"));
  EXPECT_EQ(e.acsFaultCode(), 8000u);
  EXPECT_EQ(e.cpeFaultCode(), 9000u);
  EXPECT_EQ(e.header_id, std::optional<std::string>("n-1"));  // the fault can echo it
}

TEST(DecodeNegative, ErrorCarriesTheHeaderIdOnlyWhenTheHeaderDecoded) {
  // A bad argument in the Body: the Header was read, its ID (entity-decoded) comes along.
  std::string xml = envelope("<cwmp:GetParameterValues><ParameterNames>x</ParameterNames>"
                             "</cwmp:GetParameterValues>");
  xml.replace(xml.find(">n-1<"), 5, ">a&amp;b<");
  EXPECT_EQ(expectError(xml, ErrorCode::InvalidValue).header_id,
            std::optional<std::string>("a&b"));
  // Malformed XML: no tree, no ID.
  const std::string broken = envelope("<cwmp:GetRPCMethods>");
  EXPECT_FALSE(expectError(broken, ErrorCode::MalformedXml).header_id.has_value());
}

TEST(DecodeNegative, CwmpFaultElementDirectlyInBodyIsNotASoapFault) {
  expectError(envelope("<cwmp:Fault><FaultCode>9002</FaultCode></cwmp:Fault>"),
              ErrorCode::UnknownMethod);
}

TEST(DecodeNegative, SoapFaultWithoutFaultcodeIsMissingElement) {
  const Error e =
      expectError(envelope("<SOAP-ENV:Fault><faultstring>x</faultstring></SOAP-ENV:Fault>"),
                  ErrorCode::MissingElement);
  EXPECT_EQ(e.element, "Fault/faultcode");
}

// Found by the decode fuzzer: "SOAP-ENV: Client" (space after the prefix) decoded as
// " Client", which the encoder wrote back bare and which then decoded as "Client".
TEST(DecodeNegative, SpaceAfterTheFaultcodePrefixIsDroppedSoItRoundTrips) {
  const std::string xml = envelope(
      "<SOAP-ENV:Fault><faultcode>SOAP-ENV: \tClient </faultcode><faultstring>x</faultstring>"
      "</SOAP-ENV:Fault>");
  auto first = decodeEnvelope(xml);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(std::get<Fault>(first->body).faultcode, "Client");
  auto again = decodeEnvelope(encodeEnvelope(*first));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *first);
}

TEST(DecodeNegative, CwmpFaultDetailWithoutFaultCodeIsMissingElement) {
  const Error e = expectError(
      envelope("<SOAP-ENV:Fault><faultcode>Server</faultcode><faultstring>CWMP fault</faultstring>"
               "<detail><cwmp:Fault><FaultString>x</FaultString></cwmp:Fault></detail></"
               "SOAP-ENV:Fault>"),
      ErrorCode::MissingElement);
  EXPECT_EQ(e.element, "Fault/detail/Fault/FaultCode");
}

TEST(DecodeNegative, RootThatIsNotASoapEnvelope) {
  const Error e =
      expectError("<html><body>502 Bad Gateway</body></html>", ErrorCode::NotSoapEnvelope);
  EXPECT_EQ(e.element, "html");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_EQ(e.acsFaultCode(), 8002u);
}

TEST(DecodeNegative, Soap12EnvelopeIsNotASoap11Envelope) {
  expectError(
      "<env:Envelope "
      "xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body/></env:Envelope>",
      ErrorCode::NotSoapEnvelope);
}

TEST(DecodeNegative, EnvelopeWithoutNamespaceIsNotASoapEnvelope) {
  expectError("<Envelope><Body/></Envelope>", ErrorCode::NotSoapEnvelope);
}

TEST(DecodeNegative, EnvelopeWithoutBody) {
  const Error e =
      expectError(std::string(kEnvelopeOpen) +
                      "<SOAP-ENV:Header><cwmp:ID>1</cwmp:ID></SOAP-ENV:Header></SOAP-ENV:Envelope>",
                  ErrorCode::NotSoapEnvelope);
  EXPECT_EQ(e.element, "Envelope");
}

TEST(DecodeNegative, EnvelopeWithTwoBodies) {
  expectError(std::string(kEnvelopeOpen) + "<SOAP-ENV:Body/><SOAP-ENV:Body/></SOAP-ENV:Envelope>",
              ErrorCode::NotSoapEnvelope);
}

TEST(DecodeNegative, BodyWithTwoRpcElements) {
  const Error e =
      expectError(envelope("<cwmp:FactoryReset/><cwmp:Reboot><CommandKey/></cwmp:Reboot>"),
                  ErrorCode::NotSoapEnvelope);
  EXPECT_EQ(e.element, "Envelope/Body");
  EXPECT_NE(e.message.find("2 elements"), std::string::npos) << e.message;
}

TEST(DecodeNegative, BodyWithTextInsteadOfAnElement) {
  expectError(envelope("Inform"), ErrorCode::NotSoapEnvelope);
}

TEST(DecodeNegative, InvalidHeaderValues) {
  const std::string open(kEnvelopeOpen);
  Error e = expectError(
      open +
          "<SOAP-ENV:Header><cwmp:HoldRequests>maybe</cwmp:HoldRequests></SOAP-ENV:Header>"
          "<SOAP-ENV:Body/></SOAP-ENV:Envelope>",
      ErrorCode::InvalidValue);
  EXPECT_EQ(e.element, "Header/HoldRequests");
  e = expectError(
      open +
          "<SOAP-ENV:Header><cwmp:SessionTimeout>-5</cwmp:SessionTimeout></SOAP-ENV:Header>"
          "<SOAP-ENV:Body/></SOAP-ENV:Envelope>",
      ErrorCode::InvalidValue);
  EXPECT_EQ(e.element, "Header/SessionTimeout");
}

TEST(DecodeNegative, ManyUnknownMustUnderstandHeadersAreAllReported) {
  // A hostile header list: each entry must be reported once, in order, in linear time.
  std::string header = "<SOAP-ENV:Header>";
  for (int i = 0; i < 20000; ++i) {
    header += "<v:H" + std::to_string(i) + " xmlns:v=\"urn:x\" SOAP-ENV:mustUnderstand=\"1\"/>";
  }
  header += "</SOAP-ENV:Header>";
  const std::string xml =
      std::string(kEnvelopeOpen) + header + "<SOAP-ENV:Body/></SOAP-ENV:Envelope>";
  Result<Envelope> r = decodeEnvelope(xml);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->header.not_understood.size(), 20000u);
  EXPECT_EQ(r->header.not_understood.front(), "{urn:x}H0");
  EXPECT_EQ(r->header.not_understood.back(), "{urn:x}H19999");
}

TEST(DecodeNegative, ManyNamespaceDeclarationsStayLinear) {
  // 20,000 prefixes declared on the list, each Value using a different one.
  constexpr int kCount = 20000;
  std::string list = "<ParameterList";
  for (int i = 0; i < kCount; ++i) {
    list += " xmlns:p" + std::to_string(i) + "=\"http://www.w3.org/2001/XMLSchema\"";
  }
  list += ">";
  for (int i = 0; i < kCount; ++i) {
    list += "<ParameterValueStruct><Name>N</Name><Value xsi:type=\"p" + std::to_string(i) +
            ":int\">1</Value></ParameterValueStruct>";
  }
  list += "</ParameterList>";
  Result<Envelope> r = decodeEnvelope(
      envelope("<cwmp:GetParameterValuesResponse>" + list + "</cwmp:GetParameterValuesResponse>"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& params = std::get<GetParameterValuesResponse>(r->body).parameter_list;
  ASSERT_EQ(params.size(), static_cast<std::size_t>(kCount));
  EXPECT_EQ(params.front().type, "xsd:int");
  EXPECT_EQ(params.back().type, "xsd:int");
}

TEST(DecodeNegative, ErrorCodeNamesAreStable) {
  EXPECT_EQ(errorCodeName(ErrorCode::MalformedXml), "malformed_xml");
  EXPECT_EQ(errorCodeName(ErrorCode::NotSoapEnvelope), "not_soap_envelope");
  EXPECT_EQ(errorCodeName(ErrorCode::UnknownMethod), "unknown_method");
  EXPECT_EQ(errorCodeName(ErrorCode::MissingElement), "missing_element");
  EXPECT_EQ(errorCodeName(ErrorCode::InvalidValue), "invalid_value");
  EXPECT_EQ(errorCodeName(ErrorCode::TooLong), "too_long");
  EXPECT_EQ(errorCodeName(ErrorCode::LimitExceeded), "limit_exceeded");
  EXPECT_EQ(errorCodeName(ErrorCode::ForbiddenConstruct), "forbidden_construct");
  EXPECT_EQ(errorCodeName(ErrorCode::InvalidArgument), "invalid_argument");
}

TEST(DecodeNegative, FaultMappingTable) {
  struct Row {
    ErrorCode code;
    std::uint32_t acs;
    std::uint32_t cpe;
  };
  const Row rows[] = {
      {ErrorCode::UnknownMethod, 8000, 9000},
      {ErrorCode::LimitExceeded, 8004, 9004},
      {ErrorCode::MissingElement, 8003, 9003},
      {ErrorCode::InvalidValue, 8003, 9003},
      {ErrorCode::TooLong, 8003, 9003},
      {ErrorCode::InvalidArgument, 8003, 9003},
      {ErrorCode::MalformedXml, 8002, 9002},
      {ErrorCode::NotSoapEnvelope, 8002, 9002},
      {ErrorCode::ForbiddenConstruct, 8002, 9002},
  };
  for (const Row& row : rows) {
    Error e;
    e.code = row.code;
    EXPECT_EQ(e.acsFaultCode(), row.acs) << errorCodeName(row.code);
    EXPECT_EQ(e.cpeFaultCode(), row.cpe) << errorCodeName(row.code);
  }
}

// Every prefix of every byte-flip of a small envelope: no crash, and any error is well formed.
TEST(DecodeNegative, CorruptedBytesNeverCrash) {
  const std::string xml = readTestData("set_parameter_values.xml");
  const char replacements[] = {'<', '>', '&', '"', '\0', '/', ':', 'x', '\xFF'};
  for (std::size_t i = 0; i < xml.size(); i += 7) {
    for (char c : replacements) {
      std::string bad = xml;
      bad[i] = c;
      Result<Envelope> r = decodeEnvelope(bad);
      if (!r) {
        EXPECT_FALSE(r.error().message.empty());
        EXPECT_LE(r.error().offset, bad.size());
      }
    }
  }
}

}  // namespace
}  // namespace cwmp
