// Tests of value.h (XML Schema simple types) and of the helper functions of messages.h.

#include "cwmp/value.h"

#include <chrono>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "cwmp/messages.h"

namespace cwmp {
namespace {

TEST(ValueTypes, NamesMapBothWays) {
  EXPECT_EQ(valueTypeFromName(""), ValueType::Unspecified);
  EXPECT_EQ(valueTypeFromName("xsd:string"), ValueType::String);
  EXPECT_EQ(valueTypeFromName("xsd:int"), ValueType::Int);
  EXPECT_EQ(valueTypeFromName("xsd:unsignedInt"), ValueType::UnsignedInt);
  EXPECT_EQ(valueTypeFromName("xsd:long"), ValueType::Long);
  EXPECT_EQ(valueTypeFromName("xsd:unsignedLong"), ValueType::UnsignedLong);
  EXPECT_EQ(valueTypeFromName("xsd:boolean"), ValueType::Boolean);
  EXPECT_EQ(valueTypeFromName("xsd:dateTime"), ValueType::DateTime);
  EXPECT_EQ(valueTypeFromName("xsd:base64"), ValueType::Base64);
  EXPECT_EQ(valueTypeFromName("xsd:base64Binary"), ValueType::Base64);
  EXPECT_EQ(valueTypeFromName("xsd:hexBinary"), ValueType::HexBinary);
  EXPECT_EQ(valueTypeFromName("xsd:decimal"), ValueType::Other);
  EXPECT_EQ(valueTypeFromName("cwmp:percent"), ValueType::Other);
  EXPECT_EQ(valueTypeFromName("int"), ValueType::Other);

  for (ValueType t : {ValueType::String, ValueType::Int, ValueType::UnsignedInt, ValueType::Long,
                      ValueType::UnsignedLong, ValueType::Boolean, ValueType::DateTime,
                      ValueType::Base64, ValueType::HexBinary}) {
    EXPECT_EQ(valueTypeFromName(valueTypeName(t)), t) << valueTypeName(t);
  }
  EXPECT_EQ(valueTypeName(ValueType::Unspecified), "xsd:string");
  EXPECT_EQ(valueTypeName(ValueType::Other), "xsd:string");
}

TEST(ValueParse, BooleanAcceptsTheFourLexicalFormsWithWhitespace) {
  EXPECT_EQ(parseBoolean("true"), true);
  EXPECT_EQ(parseBoolean("1"), true);
  EXPECT_EQ(parseBoolean("false"), false);
  EXPECT_EQ(parseBoolean("0"), false);
  EXPECT_EQ(parseBoolean(" \n\ttrue\r\n"), true);
  EXPECT_FALSE(parseBoolean("True"));
  EXPECT_FALSE(parseBoolean("yes"));
  EXPECT_FALSE(parseBoolean(""));
  EXPECT_FALSE(parseBoolean("01"));
  EXPECT_FALSE(parseBoolean("t rue"));
}

TEST(ValueParse, IntRangeAndLexicalForms) {
  EXPECT_EQ(parseInt("0"), 0);
  EXPECT_EQ(parseInt("-2147483648"), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(parseInt("2147483647"), std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(parseInt("+17"), 17);
  EXPECT_EQ(parseInt("007"), 7);
  EXPECT_EQ(parseInt("  -5\n"), -5);
  EXPECT_FALSE(parseInt("2147483648"));
  EXPECT_FALSE(parseInt("-2147483649"));
  EXPECT_FALSE(parseInt(""));
  EXPECT_FALSE(parseInt("-"));
  EXPECT_FALSE(parseInt("+-1"));
  EXPECT_FALSE(parseInt("1.0"));
  EXPECT_FALSE(parseInt("1e3"));
  EXPECT_FALSE(parseInt("0x10"));
  EXPECT_FALSE(parseInt("1 2"));
}

TEST(ValueParse, UnsignedIntRange) {
  EXPECT_EQ(parseUnsignedInt("4294967295"), 4294967295u);
  EXPECT_EQ(parseUnsignedInt("+1"), 1u);
  EXPECT_EQ(parseUnsignedInt("-0"), 0u);
  EXPECT_FALSE(parseUnsignedInt("4294967296"));
  EXPECT_FALSE(parseUnsignedInt("-1"));
}

TEST(ValueParse, LongAndUnsignedLongRange) {
  EXPECT_EQ(parseLong("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parseLong("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_FALSE(parseLong("9223372036854775808"));
  EXPECT_FALSE(parseLong("-9223372036854775809"));
  EXPECT_EQ(parseUnsignedLong("18446744073709551615"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_FALSE(parseUnsignedLong("18446744073709551616"));
  EXPECT_FALSE(parseUnsignedLong("-3"));
}

TEST(DateTimeParse, UtcWithZ) {
  const auto t = parseDateTime("2024-01-01T10:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, (DateTime{2024, 1, 1, 10, 0, 0, 0, 0}));
}

TEST(DateTimeParse, NoZoneMeansLocalTime) {
  const auto t = parseDateTime("2024-06-30T23:59:59");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->utc_offset_minutes.has_value());
  EXPECT_EQ(t->day, 30);
}

TEST(DateTimeParse, FractionalSecondsOfAnyLength) {
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00.1Z")->microsecond, 100000u);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00.123456+02:00")->microsecond, 123456u);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00.123456789Z")->microsecond, 123456u);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00.000000Z")->microsecond, 0u);
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00.Z"));
}

TEST(DateTimeParse, OffsetsIncludingNegativeAndHalfHours) {
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00+02:00")->utc_offset_minutes, 120);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00-03:30")->utc_offset_minutes, -210);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00-00:00")->utc_offset_minutes, 0);
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00+14:00")->utc_offset_minutes, 840);
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00+14:01"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00+0200"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00+2:00"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00 Z"));
}

TEST(DateTimeParse, TheUnknownTime) {
  const auto t = parseDateTime(kUnknownTime);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->isUnknown());
  EXPECT_TRUE(parseDateTime("0001-01-01T00:00:00")->isUnknown());
  EXPECT_TRUE(parseDateTime("0001-01-01T00:00:00.000000Z")->isUnknown());
  EXPECT_TRUE(parseDateTime("0001-01-01T00:00:00+05:00")->isUnknown());
  EXPECT_FALSE(parseDateTime("0001-01-03T03:04:05")->isUnknown());  // boot-relative time
  EXPECT_FALSE(parseDateTime("0001-01-01T00:00:00.5Z")->isUnknown());
}

TEST(DateTimeParse, Epoch1970WithMicroseconds) {
  const auto t = parseDateTime("1970-01-01T00:00:01.000001Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->toSysTime().time_since_epoch().count(), 1'000'001);
}

TEST(DateTimeParse, TrimsWhitespaceAndRejectsJunk) {
  EXPECT_TRUE(parseDateTime("\n  2024-01-01T10:00:00Z  \n"));
  EXPECT_FALSE(parseDateTime(""));
  EXPECT_FALSE(parseDateTime("2024-01-01"));
  EXPECT_FALSE(parseDateTime("2024-01-01 10:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-1-01T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("24-01-01T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("-2024-01-01T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("0000-01-01T00:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-13-01T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-00-01T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("2023-02-29T10:00:00Z"));
  EXPECT_TRUE(parseDateTime("2024-02-29T10:00:00Z"));
  EXPECT_TRUE(parseDateTime("2000-02-29T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("1900-02-29T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-04-31T10:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-01-01T24:00:00Z"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:60:00Z"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:60Z"));
  EXPECT_FALSE(parseDateTime("2024-01-01T10:00:00ZZ"));
  EXPECT_FALSE(parseDateTime("(null)"));
}

TEST(DateTimeConvert, ToSysTimeAppliesTheOffset) {
  using namespace std::chrono;
  const auto a = parseDateTime("2024-01-01T12:00:00+02:00")->toSysTime();
  const auto b = parseDateTime("2024-01-01T10:00:00Z")->toSysTime();
  const auto c = parseDateTime("2024-01-01T06:30:00-03:30")->toSysTime();
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, c);
  EXPECT_EQ(b, sys_days{2024y / January / 1} + 10h);
  // No zone: taken as UTC.
  EXPECT_EQ(parseDateTime("2024-01-01T10:00:00")->toSysTime(), b);
  // Before 1970.
  EXPECT_EQ(parseDateTime(kUnknownTime)->toSysTime(), sys_days{year{1} / January / 1});
}

TEST(DateTimeFormat, RoundTripsThroughText) {
  for (const char* text :
       {"2024-01-01T10:00:00Z", "2024-01-01T10:00:00.123456+02:00", "1970-01-01T00:05:12.123456",
        "0001-01-01T00:00:00Z", "2024-06-30T23:59:59-03:30", "9999-12-31T23:59:59Z"}) {
    const auto t = parseDateTime(text);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(formatDateTime(*t), text);
  }
  // A fraction that is zero is not written; -00:00 is written as Z.
  EXPECT_EQ(formatDateTime(*parseDateTime("2024-01-01T10:00:00.000Z")), "2024-01-01T10:00:00Z");
  EXPECT_EQ(formatDateTime(*parseDateTime("2024-01-01T10:00:00-00:00")), "2024-01-01T10:00:00Z");
  EXPECT_EQ(formatDateTime(*parseDateTime("2024-01-01T10:00:00.5Z")),
            "2024-01-01T10:00:00.500000Z");
}

TEST(DateTimeFormat, InstantIsUtcWithoutFraction) {
  using namespace std::chrono;
  const system_clock::time_point t = sys_days{2024y / March / 5} + 14h + 7min + 9s + 999ms;
  EXPECT_EQ(formatDateTime(t), "2024-03-05T14:07:09Z");
  EXPECT_EQ(formatDateTime(system_clock::time_point{}), "1970-01-01T00:00:00Z");
  // Before the epoch the seconds are floored, not truncated towards zero.
  EXPECT_EQ(formatDateTime(system_clock::time_point{} - 500ms), "1969-12-31T23:59:59Z");
}

TEST(Base64, RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    const std::string encoded = encodeBase64(bytes);
    EXPECT_EQ(encoded.size() % 4, 0u);
    EXPECT_EQ(decodeBase64(encoded), bytes) << encoded;
    bytes.push_back(static_cast<char>(i * 37 + 200));
  }
  EXPECT_EQ(encodeBase64("Lab"), "TGFi");
  EXPECT_EQ(encodeBase64("La"), "TGE=");
  EXPECT_EQ(encodeBase64("L"), "TA==");
}

TEST(Base64, WhitespaceInsideIsIgnored) {
  EXPECT_EQ(decodeBase64(" TGFi\r\nIHZv\tdWNo\nZXI= "), "Lab voucher");
}

TEST(Base64, RejectsJunkAndBadPadding) {
  EXPECT_FALSE(decodeBase64("TGF"));    // not a multiple of four
  EXPECT_FALSE(decodeBase64("TG=i"));   // data after padding
  EXPECT_FALSE(decodeBase64("T==="));   // three padding characters
  EXPECT_FALSE(decodeBase64("TGFi!"));  // not in the alphabet
  EXPECT_FALSE(decodeBase64("TGFi===="));
  EXPECT_EQ(decodeBase64(""), std::string());
}

TEST(HexBinary, RoundTripsEitherCase) {
  EXPECT_EQ(encodeHexBinary(std::string("\x00\x0A\xFF", 3)), "000AFF");
  EXPECT_EQ(decodeHexBinary("000aFf"), std::string("\x00\x0A\xFF", 3));
  EXPECT_EQ(decodeHexBinary(" 0A \n"), std::string("\x0A"));
  EXPECT_EQ(decodeHexBinary(""), std::string());
  EXPECT_FALSE(decodeHexBinary("0"));
  EXPECT_FALSE(decodeHexBinary("0G"));
  EXPECT_FALSE(decodeHexBinary("0 A"));
}

TEST(ValueValidity, ChecksTheLexicalSpaceOfEachType) {
  EXPECT_TRUE(isValidValue(ValueType::Unspecified, "anything <at> all"));
  EXPECT_TRUE(isValidValue(ValueType::String, ""));
  EXPECT_TRUE(isValidValue(ValueType::Other, "x"));
  EXPECT_TRUE(isValidValue(ValueType::Int, "-1"));
  EXPECT_FALSE(isValidValue(ValueType::Int, "(null)"));
  EXPECT_TRUE(isValidValue(ValueType::UnsignedInt, "1500"));
  EXPECT_FALSE(isValidValue(ValueType::UnsignedInt, "-1"));
  EXPECT_TRUE(isValidValue(ValueType::Long, "-9000000000"));
  EXPECT_TRUE(isValidValue(ValueType::UnsignedLong, "18446744073709551615"));
  EXPECT_TRUE(isValidValue(ValueType::Boolean, "1"));
  EXPECT_FALSE(isValidValue(ValueType::Boolean, "on"));
  EXPECT_TRUE(isValidValue(ValueType::DateTime, "2024-01-01T00:00:00Z"));
  EXPECT_FALSE(isValidValue(ValueType::DateTime, "now"));
  EXPECT_TRUE(isValidValue(ValueType::Base64, "TGFi"));
  EXPECT_FALSE(isValidValue(ValueType::Base64, "TGF"));
  EXPECT_TRUE(isValidValue(ValueType::HexBinary, "0a"));
  EXPECT_FALSE(isValidValue(ValueType::HexBinary, "0g"));
}

TEST(MessageHelpers, NamespaceUrisBothWays) {
  for (CwmpNamespace ns : {CwmpNamespace::V1_0, CwmpNamespace::V1_1, CwmpNamespace::V1_2,
                           CwmpNamespace::V1_3, CwmpNamespace::V1_4}) {
    EXPECT_EQ(namespaceFromUri(namespaceUri(ns)), ns);
  }
  EXPECT_EQ(namespaceUri(CwmpNamespace::V1_0), "urn:dslforum-org:cwmp-1-0");
  EXPECT_EQ(namespaceUri(CwmpNamespace::V1_4), "urn:dslforum-org:cwmp-1-4");
  EXPECT_FALSE(namespaceFromUri("urn:dslforum-org:cwmp-1-5"));
  EXPECT_FALSE(namespaceFromUri("urn:dslforum-org:cwmp-1-2 "));
  EXPECT_FALSE(namespaceFromUri(""));
}

TEST(MessageHelpers, MethodNameAndDirection) {
  EXPECT_EQ(methodName(Body{Inform{}}), "Inform");
  EXPECT_EQ(methodName(Body{GetRPCMethodsResponse{}}), "GetRPCMethodsResponse");
  EXPECT_EQ(methodName(Body{EmptyBody{}}), "");
  EXPECT_EQ(methodName(Body{Fault{}}), "Fault");
  EXPECT_FALSE(isResponse(Body{Inform{}}));
  EXPECT_TRUE(isResponse(Body{InformResponse{}}));
  EXPECT_TRUE(isResponse(Body{Fault{}}));
  EXPECT_FALSE(isResponse(Body{EmptyBody{}}));
  EXPECT_TRUE(isResponse(Body{DownloadResponse{}}));
  EXPECT_FALSE(isResponse(Body{GetRPCMethods{}}));
}

TEST(MessageHelpers, FaultCodeMessages) {
  EXPECT_EQ(faultCodeMessage(9005), "Invalid parameter name");
  EXPECT_EQ(faultCodeMessage(8005), "Retry request");
  EXPECT_EQ(faultCodeMessage(8006), "ACS version incompatible with CPE");
  EXPECT_EQ(faultCodeMessage(9032), "Invalid Deployment Unit update: version already exists");
  EXPECT_EQ(faultCodeMessage(9033), "");
  EXPECT_EQ(faultCodeMessage(9850), "");
  EXPECT_EQ(faultCodeMessage(0), "");
  for (std::uint32_t code = 8000; code <= 8006; ++code) {
    EXPECT_NE(faultCodeMessage(code), "") << code;
  }
  for (std::uint32_t code = 9000; code <= 9032; ++code) {
    EXPECT_NE(faultCodeMessage(code), "") << code;
  }
}

TEST(MessageHelpers, MakeFaultChoosesClientOrServer) {
  for (std::uint32_t code : {8003u, 9003u, 9005u, 9006u, 9007u, 9008u}) {
    EXPECT_EQ(makeFault(code).faultcode, "Client") << code;
  }
  for (std::uint32_t code :
       {8000u, 8002u, 8004u, 8005u, 9000u, 9001u, 9002u, 9004u, 9010u, 9850u}) {
    EXPECT_EQ(makeFault(code).faultcode, "Server") << code;
  }
  const Fault f = makeFault(9005);
  EXPECT_EQ(f.faultstring, "CWMP fault");
  EXPECT_EQ(f.fault_code, 9005u);
  EXPECT_EQ(f.fault_string, "Invalid parameter name");
  EXPECT_TRUE(f.set_parameter_values_fault.empty());
  EXPECT_EQ(makeFault(8002, "store unavailable").fault_string, "store unavailable");
}

TEST(MessageHelpers, ParseCwmpVersionsIsLenient) {
  EXPECT_EQ(parseCwmpVersions("1.0,1.1,1.2,1.3,1.4"),
            (std::vector<std::string>{"1.0", "1.1", "1.2", "1.3", "1.4"}));
  EXPECT_EQ(parseCwmpVersions("1.0, 1.1,\t1.4 "), (std::vector<std::string>{"1.0", "1.1", "1.4"}));
  EXPECT_EQ(parseCwmpVersions("01.04,1.x,,2,abc,1.2.3,.5,1.,-1.0,1.2"),
            (std::vector<std::string>{"1.4", "1.2"}));
  EXPECT_TRUE(parseCwmpVersions("").empty());
  EXPECT_TRUE(parseCwmpVersions(" , ").empty());
}

}  // namespace
}  // namespace cwmp
