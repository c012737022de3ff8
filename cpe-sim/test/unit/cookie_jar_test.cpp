#include "transport/cookie_jar.h"

#include <gtest/gtest.h>

namespace cpesim {
namespace {

TEST(CookieJar, EchoesEveryCookieWhateverItsPath) {
  CookieJar jar;
  jar.store({"session=abc; Path=/cwmp; HttpOnly", "lb=node1; Domain=other.example; Path=/x"});
  EXPECT_EQ(jar.header(), "session=abc; lb=node1");
}

TEST(CookieJar, ReplacesCookieOfTheSameName) {
  CookieJar jar;
  jar.store({"session=abc"});
  jar.store({"session=def", "n=1"});
  EXPECT_EQ(jar.header(), "session=def; n=1");
}

TEST(CookieJar, DeletesOnZeroMaxAgeOrPastExpiry) {
  CookieJar jar;
  jar.store({"a=1", "b=2", "c=3"});
  jar.store({"a=; Max-Age=0", "b=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
             "c=4; Expires=Fri, 01 Jan 2100 00:00:00 GMT"});
  EXPECT_EQ(jar.header(), "c=4");
}

TEST(CookieJar, IgnoresMalformedValues) {
  CookieJar jar;
  jar.store({"novalue", "=x", ""});
  EXPECT_TRUE(jar.empty());
}

}  // namespace
}  // namespace cpesim
