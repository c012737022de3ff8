#include "transport/http_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace cpesim {
namespace {

using State = HttpResponseParser::State;

TEST(HttpResponseParser, ParsesContentLengthResponseFedByteByByte) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
      "Content-Length: 5\r\n\r\nhello";
  HttpResponseParser parser;
  State state = State::Incomplete;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    ASSERT_EQ(state, State::Incomplete) << "completed early at byte " << i;
    state = parser.feed(std::string_view(wire).substr(i, 1));
  }
  ASSERT_EQ(state, State::Complete) << parser.error();
  EXPECT_EQ(parser.response().status, 200);
  EXPECT_EQ(parser.response().reason, "OK");
  EXPECT_EQ(parser.response().body, "hello");
  EXPECT_TRUE(parser.response().keep_alive);
  EXPECT_EQ(parser.response().header("content-type").value_or(""), "text/xml");
  EXPECT_EQ(parser.response().headerValues("SET-COOKIE").size(), 2u);
}

TEST(HttpResponseParser, DechunksBodyWithExtensionsAndTrailers) {
  HttpResponseParser parser;
  State state = parser.feed(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n"
      "0\r\nX-Trailer: 1\r\n\r\n");
  ASSERT_EQ(state, State::Complete) << parser.error();
  EXPECT_EQ(parser.response().body, "Wikipedia");
}

TEST(HttpResponseParser, NoContentHasNoBodyEvenWithoutLength) {
  HttpResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n"), State::Complete);
  EXPECT_EQ(parser.response().status, 204);
  EXPECT_TRUE(parser.response().body.empty());
  EXPECT_TRUE(parser.leftover().empty());
}

TEST(HttpResponseParser, SkipsInterimContinueResponse) {
  HttpResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
            State::Complete);
  EXPECT_EQ(parser.response().status, 200);
  EXPECT_EQ(parser.response().body, "ok");
}

TEST(HttpResponseParser, BodyWithoutLengthRunsToCloseAndDisablesKeepAlive) {
  HttpResponseParser parser;
  EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\n\r\npart one "), State::Incomplete);
  EXPECT_EQ(parser.feed("part two"), State::Incomplete);
  ASSERT_EQ(parser.finish(), State::Complete);
  EXPECT_EQ(parser.response().body, "part one part two");
  EXPECT_FALSE(parser.response().keep_alive);
}

TEST(HttpResponseParser, ConnectionCloseAndHttp10DisableKeepAlive) {
  HttpResponseParser a;
  ASSERT_EQ(a.feed("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"), State::Complete);
  EXPECT_FALSE(a.response().keep_alive);
  HttpResponseParser b;
  ASSERT_EQ(b.feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), State::Complete);
  EXPECT_FALSE(b.response().keep_alive);
  HttpResponseParser c;
  ASSERT_EQ(c.feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"),
            State::Complete);
  EXPECT_TRUE(c.response().keep_alive);
}

TEST(HttpResponseParser, RejectsMalformedInput) {
  HttpResponseParser a;
  EXPECT_EQ(a.feed("HTTX/1.1 200 OK\r\n\r\n"), State::Error);
  EXPECT_NE(a.error().find("status line"), std::string::npos);
  HttpResponseParser b;
  EXPECT_EQ(b.feed("HTTP/1.1 200 OK\r\nContent-Length: 12x\r\n\r\n"), State::Error);
  HttpResponseParser c;
  EXPECT_EQ(c.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            State::Error);
  HttpResponseParser d;
  EXPECT_EQ(d.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), State::Error);
  HttpResponseParser e;
  EXPECT_EQ(e.feed("HTTP/1.1 200 OK\r\nbad header\r\n\r\n"), State::Error);
}

TEST(HttpResponseParser, EnforcesBodyAndHeaderLimits) {
  HttpResponseParser body_limited(HttpResponseParser::Limits{1024, 10});
  EXPECT_EQ(body_limited.feed("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"), State::Error);
  HttpResponseParser header_limited(HttpResponseParser::Limits{64, 10});
  EXPECT_EQ(header_limited.feed("HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a')), State::Error);
}

TEST(HttpResponseParser, TruncatedMessageIsAnErrorAtClose) {
  HttpResponseParser parser;
  EXPECT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), State::Incomplete);
  EXPECT_EQ(parser.finish(), State::Error);
  HttpResponseParser silent;
  EXPECT_EQ(silent.finish(), State::Error);
  EXPECT_FALSE(silent.started());
}

TEST(HttpResponseParser, KeepsBytesAfterTheMessageAsLeftover) {
  HttpResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1"), State::Complete);
  EXPECT_EQ(parser.leftover(), "HTTP/1.1");
}

TEST(HttpResponseParser, ResetAllowsTheNextResponse) {
  HttpResponseParser parser;
  ASSERT_EQ(parser.feed("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"), State::Complete);
  parser.reset();
  ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!"), State::Complete);
  EXPECT_EQ(parser.response().status, 200);
  EXPECT_EQ(parser.response().body, "!");
}

}  // namespace
}  // namespace cpesim
