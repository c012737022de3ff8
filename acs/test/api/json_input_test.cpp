#include "api/json_input.h"

#include <string>

#include <gtest/gtest.h>

namespace acs::api {
namespace {

TEST(ParseJsonObject, RejectsSyntaxErrorsWithInvalidJson) {
  for (const char* text : {"", "{", "{\"a\":}", "{\"a\":1} trailing", "{\"a\":[1,]}", "{'a':1}"}) {
    auto parsed = parseJsonObject(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().status, 400) << text;
    EXPECT_EQ(parsed.error().code, "invalid_json") << text;
  }
}

TEST(ParseJsonObject, RejectsValidJsonThatIsNotAnObject) {
  for (const char* text : {"[]", "1", "\"x\"", "null", "true"}) {
    auto parsed = parseJsonObject(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, "invalid_body") << text;
  }
}

TEST(ParseJsonObject, RejectsNestingDeeperThanTheLimit) {
  std::string deep(kMaxJsonDepth + 10, '[');
  deep = "{\"a\":" + deep + std::string(kMaxJsonDepth + 10, ']') + "}";
  auto parsed = parseJsonObject(deep);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, "invalid_json");
}

TEST(JsonFields, ReadsTypedFieldsAndReportsUnknownOnes) {
  auto parsed = parseJsonObject(R"({"s":"x","b":true,"i":42,"o":{"k":1},"extra":1})");
  ASSERT_TRUE(parsed.ok());
  JsonFields fields(**parsed, "");
  EXPECT_EQ(*fields.requiredString("s"), "x");
  EXPECT_TRUE(*fields.requiredBool("b"));
  EXPECT_EQ(**fields.optionalInt("i", 0, 100), 42);
  EXPECT_FALSE(fields.optionalObject("o")->isNull());
  auto unknown = fields.unknownField();
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->code, "unknown_field");
  EXPECT_EQ(unknown->message, "unknown field 'extra'");
}

TEST(JsonFields, NamesTheFieldAndTypesOnWrongType) {
  auto parsed = parseJsonObject(R"({"enabled":"yes","n":"3","m":3.5,"o":[]})");
  ASSERT_TRUE(parsed.ok());
  JsonFields fields(**parsed, "parameters.");
  auto enabled = fields.requiredBool("enabled");
  ASSERT_FALSE(enabled.ok());
  EXPECT_EQ(enabled.error().code, "invalid_field");
  EXPECT_EQ(enabled.error().message,
            "field 'parameters.enabled': expected true or false, got string");
  auto n = fields.optionalInt("n", 1, 10);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("'parameters.n'"), std::string::npos);
  EXPECT_NE(n.error().message.find("got string"), std::string::npos);
  auto m = fields.optionalInt("m", 1, 10);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("got number"), std::string::npos);
  auto o = fields.optionalObject("o");
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.error().message.find("got array"), std::string::npos);
}

TEST(JsonFields, RejectsIntegersOutOfRange) {
  auto parsed = parseJsonObject(R"({"a":0,"b":101,"c":18446744073709551615,"d":-1})");
  ASSERT_TRUE(parsed.ok());
  JsonFields fields(**parsed, "");
  EXPECT_FALSE(fields.optionalInt("a", 1, 100).ok());
  EXPECT_FALSE(fields.optionalInt("b", 1, 100).ok());
  EXPECT_FALSE(fields.optionalInt("c", 1, 100).ok());
  EXPECT_FALSE(fields.optionalInt("d", 0, 100).ok());
}

TEST(JsonFields, TreatsNullAndAbsenceAlikeForOptionalFields) {
  auto parsed = parseJsonObject(R"({"s":null})");
  ASSERT_TRUE(parsed.ok());
  JsonFields fields(**parsed, "");
  EXPECT_FALSE(fields.optionalString("s")->has_value());
  EXPECT_FALSE(fields.optionalBool("missing")->has_value());
  auto required = fields.requiredString("s");
  ASSERT_FALSE(required.ok());
  EXPECT_EQ(required.error().code, "missing_field");
  EXPECT_FALSE(fields.unknownField().has_value());
}

}  // namespace
}  // namespace acs::api
