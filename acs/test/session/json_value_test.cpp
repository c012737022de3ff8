#include "acs/src/core/json_value.h"

#include <gtest/gtest.h>

namespace acs::json {
namespace {

TEST(JsonValue, RoundTripsNestedDocument) {
  Value v = Value::object();
  Value arr = Value::array();
  arr.push("a").push(std::int64_t{-5}).push(true).push(Value());
  v.set("name", "x\"y\\z\n").set("list", arr).set("n", 1.5).set("big", std::int64_t{1} << 53);
  std::string text = v.dump();
  auto back = parse(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, v);
  EXPECT_EQ(back->get("name").asString(), "x\"y\\z\n");
  EXPECT_EQ(back->get("big").asInt(), std::int64_t{1} << 53);
  EXPECT_DOUBLE_EQ(back->get("n").asDouble(), 1.5);
}

TEST(JsonValue, SetReplacesExistingKeyAndKeepsOrder) {
  Value v = Value::object();
  v.set("a", 1).set("b", 2).set("a", 3);
  EXPECT_EQ(v.dump(), R"({"a":3,"b":2})");
}

TEST(JsonValue, DecodesUnicodeEscapesIncludingSurrogatePairs) {
  auto v = parse(R"("\u00e9\ud83d\ude00\n")");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->asString(), "\xC3\xA9\xF0\x9F\x98\x80\n");
}

TEST(JsonValue, RejectsMalformedInputWithOffset) {
  for (const char* bad :
       {"", "{", "{\"a\" 1}", "[1,]", "tru", "\"abc", "{\"a\":1} x", "01x", "\"\\ud800\""}) {
    auto v = parse(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_NE(v.error().message.find("offset"), std::string::npos) << bad;
    }
  }
}

TEST(JsonValue, RejectsNestingDeeperThanLimit) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_FALSE(parse(deep).ok());
}

TEST(JsonValue, WrongTypeAccessYieldsFallback) {
  auto v = parse(R"({"s":"x","i":3})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->get("s").asInt(7), 7);
  EXPECT_EQ(v->get("i").asString(), "");
  EXPECT_TRUE(v->get("missing").isNull());
  EXPECT_FALSE(v->get("i").asBool());
}

TEST(JsonValue, EscapesControlCharacters) {
  Value v(
      std::string("a\x01"
                  "b"));
  EXPECT_EQ(v.dump(), "\"a\\u0001b\"");
}

}  // namespace
}  // namespace acs::json
