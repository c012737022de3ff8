// Text helpers of the SQL backends.
#include "store/sql/sql_text.h"

#include <gtest/gtest.h>

namespace acs::store::sql {
namespace {

TEST(SqlText, DollarPlaceholdersSkipLiteralsAndComments) {
  EXPECT_EQ(toDollarPlaceholders("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(toDollarPlaceholders("SELECT '?', \"?\" -- ?\nFROM t WHERE x = ?"),
            "SELECT '?', \"?\" -- ?\nFROM t WHERE x = $1");
  EXPECT_EQ(toDollarPlaceholders("SELECT 'it''s ?' WHERE a = ?"), "SELECT 'it''s ?' WHERE a = $1");
}

TEST(SqlText, ListsRoundTripIncludingSeparatorsAndEmptyItems) {
  for (const std::vector<std::string>& list :
       {std::vector<std::string>{}, std::vector<std::string>{""}, std::vector<std::string>{"", ""},
        std::vector<std::string>{"0 BOOTSTRAP", "1 BOOT"},
        std::vector<std::string>{"a,b", "50%", "%2C", "%00"}}) {
    EXPECT_EQ(decodeList(encodeList(list)), list) << encodeList(list);
  }
  EXPECT_EQ(encodeList({"a", "b"}), "a,b");
}

TEST(SqlText, PrefixUpperBound) {
  EXPECT_EQ(prefixUpperBound("Device.WiFi."), std::optional<std::string>("Device.WiFi/"));
  EXPECT_FALSE(prefixUpperBound("").has_value());
  EXPECT_FALSE(prefixUpperBound("Device.\xC3\x9C").has_value());
  EXPECT_FALSE(prefixUpperBound("a\x7F").has_value());
}

TEST(SqlText, StorableTextIsUtf8WithoutNul) {
  EXPECT_TRUE(isStorableText("plain <xml/> \xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(isStorableText(std::string("a\0b", 3)));
  EXPECT_FALSE(isStorableText("latin1 \xE9 text"));
  EXPECT_FALSE(isStorableText("\xC0\xAF"));      // overlong
  EXPECT_FALSE(isStorableText("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(isStorableText("\xF0\x9F\x98"));  // truncated
}

TEST(SqlText, CutKeepsWholeUtf8Sequences) {
  EXPECT_EQ(cutUtf8("abc", 5), "abc");
  EXPECT_EQ(cutUtf8("ab\xC3\xA9z", 3), "ab");
  EXPECT_EQ(cutUtf8("ab\xC3\xA9z", 4), "ab\xC3\xA9");
}

TEST(SqlText, Base64RoundTrip) {
  for (const std::string& bytes : {std::string(), std::string("f"), std::string("fo"),
                                   std::string("foo"), std::string("\x00\xff\x10\x80", 4)}) {
    auto decoded = base64Decode(base64Encode(bytes));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, bytes);
  }
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(base64Decode("abc").has_value());
  EXPECT_FALSE(base64Decode("ab=c").has_value());
  EXPECT_FALSE(base64Decode("a!bc").has_value());
}

}  // namespace
}  // namespace acs::store::sql
