#include "api/json_writer.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace acs::api {
namespace {

TEST(JsonWriter, WritesNestedContainersWithCommas) {
  JsonWriter w;
  w.beginObject();
  w.key("id").value("dev-1");
  w.key("n").value(std::int64_t{-5});
  w.key("u").value(std::uint64_t{7});
  w.key("ok").value(true);
  w.key("none").null();
  w.key("tags").beginArray().value("a").value("b").endArray();
  w.key("empty").beginObject().endObject();
  w.key("list")
      .beginArray()
      .beginObject()
      .key("x")
      .value(1)
      .endObject()
      .beginArray()
      .endArray()
      .endArray();
  w.endObject();
  EXPECT_EQ(w.text(),
            R"({"id":"dev-1","n":-5,"u":7,"ok":true,"none":null,"tags":["a","b"],"empty":{},)"
            R"("list":[{"x":1},[]]})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  JsonWriter w;
  w.value(std::string("a\"b\\c\nd\te\x01\x7f", 11));
  // DEL needs no escape in JSON (RFC 8259 section 7) and passes through.
  EXPECT_EQ(w.text(), std::string(R"("a\"b\\c\nd\te\u0001)") + "\x7f\"");
}

TEST(JsonWriter, PassesValidUtf8Through) {
  JsonWriter w;
  w.value("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(w.text(), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
}

TEST(JsonWriter, ReplacesMalformedUtf8WithReplacementCharacter) {
  JsonWriter w;
  // A lone continuation byte, a truncated sequence, an overlong '/' and a surrogate.
  w.value(
      std::string("a\x80"
                  "b\xC3"
                  "c\xC0\xAF"
                  "d\xED\xA0\x80",
                  11));
  const std::string fffd = "\\ufffd";  // U+FFFD, escaped
  EXPECT_EQ(w.text(),
            "\"a" + fffd + "b" + fffd + "c" + fffd + fffd + "d" + fffd + fffd + fffd + "\"");
}

TEST(JsonWriter, WritesNonFiniteDoublesAsNull) {
  JsonWriter w;
  w.beginArray().value(1.5).value(std::numeric_limits<double>::infinity()).endArray();
  EXPECT_EQ(w.text(), "[1.5,null]");
}

TEST(JsonWriter, InsertsRawJsonAsOneValue) {
  JsonWriter w;
  w.beginObject().key("a").raw(R"({"x":[1,2]})").key("b").value(2).endObject();
  EXPECT_EQ(w.text(), R"({"a":{"x":[1,2]},"b":2})");
}

TEST(JsonWriter, WritesOptionalStringAsNullWhenAbsent) {
  JsonWriter w;
  w.beginArray()
      .value(std::optional<std::string>())
      .value(std::optional<std::string>("x"))
      .endArray();
  EXPECT_EQ(w.text(), R"([null,"x"])");
}

TEST(Utf8Validation, AcceptsWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain <soap/>"));
  EXPECT_TRUE(isValidUtf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xE0\x80\x80"));      // overlong
  EXPECT_FALSE(isValidUtf8("\xFF"));
  EXPECT_FALSE(isValidUtf8("\xE2\x82"));  // truncated
}

}  // namespace
}  // namespace acs::api
