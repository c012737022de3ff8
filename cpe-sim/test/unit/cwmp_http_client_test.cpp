#include "transport/cwmp_http_client.h"

#include <gtest/gtest.h>

#include <string>

namespace cpesim {
namespace {

using Want = CwmpHttpClient::Want;

HttpUrl acsUrl() { return *parseHttpUrl("http://acs.test:7547/cwmp"); }

// Takes everything the client wants to write and returns it as one request.
std::string drainRequest(CwmpHttpClient& client) {
  EXPECT_EQ(client.want(), Want::Send);
  std::string out(client.pendingOutput());
  client.wrote(out.size());
  EXPECT_EQ(client.want(), Want::Receive);
  return out;
}

bool hasHeaderLine(const std::string& request, const std::string& line) {
  return request.find("\r\n" + line + "\r\n") != std::string::npos;
}

TEST(CwmpHttpClient, EmptyPostCarriesZeroLengthAndNoSoapHeaders) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("", std::string());
  ASSERT_EQ(client.want(), Want::Connect);
  client.connected();
  std::string request = drainRequest(client);
  EXPECT_EQ(request.rfind("POST /cwmp HTTP/1.1\r\n", 0), 0u);
  EXPECT_TRUE(hasHeaderLine(request, "Host: acs.test:7547"));
  EXPECT_TRUE(hasHeaderLine(request, "Content-Length: 0"));
  EXPECT_EQ(request.find("Content-Type"), std::string::npos);
  EXPECT_EQ(request.find("SOAPAction"), std::string::npos);
  EXPECT_EQ(request.substr(request.size() - 4), "\r\n\r\n");
}

TEST(CwmpHttpClient, ResponsePostCarriesEmptySoapAction) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<x/>", std::string());
  client.connected();
  std::string request = drainRequest(client);
  EXPECT_TRUE(hasHeaderLine(request, "SOAPAction:"));
  EXPECT_TRUE(hasHeaderLine(request, "Content-Type: text/xml; charset=\"utf-8\""));
  EXPECT_TRUE(hasHeaderLine(request, "Content-Length: 4"));
  EXPECT_EQ(request.substr(request.size() - 4), "<x/>");
}

TEST(CwmpHttpClient, EchoesCookiesOnEveryLaterPostOverOneConnection) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 200 OK\r\nSet-Cookie: session=s1; Path=/\r\nContent-Length: 3\r\n\r\n<a>");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_TRUE(client.outcome().ok);
  EXPECT_EQ(client.outcome().status, 200);
  EXPECT_EQ(client.outcome().body, "<a>");
  EXPECT_TRUE(client.connectionOpen());

  client.post("", std::string());
  std::string request = drainRequest(client);  // no Connect: the connection is reused
  EXPECT_TRUE(hasHeaderLine(request, "Cookie: session=s1"));
  client.received("HTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_EQ(client.outcome().status, 204);
  EXPECT_EQ(client.connectionsOpened(), 1u);
}

TEST(CwmpHttpClient, AnswersDigestChallengeOnTheSameConnection) {
  DigestServer server("acs", 9);
  CwmpHttpClient client(acsUrl(), {.username = "cpe", .password = "pw"});
  client.post("<Inform/>", std::string());
  client.connected();
  std::string first = drainRequest(client);
  EXPECT_EQ(first.find("Authorization"), std::string::npos);
  client.received("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: " + server.challenge(0) +
                  "\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Send);  // same connection, no reconnect
  std::string second = drainRequest(client);
  std::size_t at = second.find("Authorization: ");
  ASSERT_NE(at, std::string::npos);
  std::string header = second.substr(at + 15, second.find("\r\n", at) - at - 15);
  EXPECT_EQ(server.verify(header, "POST", "/cwmp", "cpe", "pw", 0), DigestServer::Verdict::Ok);
  EXPECT_EQ(second.substr(second.size() - 9), "<Inform/>");
  client.received("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_EQ(client.outcome().auth_rounds, 1);

  // Later POSTs of the session keep sending credentials.
  client.post("", std::string());
  std::string third = drainRequest(client);
  EXPECT_NE(third.find("Authorization: Digest"), std::string::npos);
  EXPECT_NE(third.find("nc=00000002"), std::string::npos);
}

TEST(CwmpHttpClient, ReconnectsForChallengeWithConnectionClose) {
  CwmpHttpClient client(acsUrl(), {.username = "cpe", .password = "pw"});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received(
      "HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
      "Content-Length: 0\r\n\r\n");
  EXPECT_FALSE(client.connectionOpen());
  ASSERT_EQ(client.want(), Want::Connect);
  client.connected();
  EXPECT_NE(drainRequest(client).find("Authorization: Basic Y3BlOnB3"), std::string::npos);
}

TEST(CwmpHttpClient, FailsWhenCredentialsAreRefused) {
  CwmpHttpClient client(acsUrl(), {.username = "cpe", .password = "pw"});
  client.post("<Inform/>", std::string());
  client.connected();
  const std::string challenge =
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\n\r\n";
  int rounds = 0;
  while (client.want() == Want::Send && rounds < 10) {
    drainRequest(client);
    client.received(challenge);
    ++rounds;
  }
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_TRUE(client.outcome().ok);
  EXPECT_EQ(client.outcome().status, 401);
  EXPECT_LE(rounds, 3);
}

TEST(CwmpHttpClient, WithoutCredentialsA401IsFinal) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\n"
                  "Content-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_EQ(client.outcome().status, 401);
}

TEST(CwmpHttpClient, FollowsRedirectKeepingMethodAndBody) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 307 Temporary Redirect\r\nLocation: http://other.test:8080/acs2\r\n"
                  "Set-Cookie: lb=1\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Connect);
  EXPECT_EQ(client.endpoint().host, "other.test");
  EXPECT_EQ(client.endpoint().port, 8080);
  client.connected();
  std::string request = drainRequest(client);
  EXPECT_EQ(request.rfind("POST /acs2 HTTP/1.1\r\n", 0), 0u);
  EXPECT_TRUE(hasHeaderLine(request, "Host: other.test:8080"));
  EXPECT_TRUE(hasHeaderLine(request, "Cookie: lb=1"));
  EXPECT_EQ(request.substr(request.size() - 9), "<Inform/>");
  client.received("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(client.outcome().redirects, 1);
  // The rest of the session stays at the new location.
  client.post("", std::string());
  EXPECT_EQ(drainRequest(client).rfind("POST /acs2 ", 0), 0u);
}

TEST(CwmpHttpClient, FollowsRelativeRedirectOnSameConnection) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Send);
  EXPECT_EQ(drainRequest(client).rfind("POST /elsewhere HTTP/1.1", 0), 0u);
}

TEST(CwmpHttpClient, StopsAfterFiveRedirects) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  for (int hop = 0; hop < 5; ++hop) {
    drainRequest(client);
    client.received("HTTP/1.1 302 Found\r\nLocation: /hop" + std::to_string(hop) +
                    "\r\nContent-Length: 0\r\n\r\n");
    ASSERT_EQ(client.want(), Want::Send) << hop;
  }
  drainRequest(client);
  client.received("HTTP/1.1 302 Found\r\nLocation: /hop5\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_FALSE(client.outcome().ok);
  EXPECT_NE(client.outcome().error.find("redirects"), std::string::npos);
}

TEST(CwmpHttpClient, Status301IsNotFollowed) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_EQ(client.outcome().status, 301);
}

TEST(CwmpHttpClient, ResendsOnNewConnectionWhenIdleKeepAliveWasClosed) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 200 OK\r\nSet-Cookie: s=1\r\nContent-Length: 0\r\n\r\n");
  client.post("<Next/>", std::string());
  drainRequest(client);
  client.peerClosed();  // the ACS had closed the idle connection
  ASSERT_EQ(client.want(), Want::Connect);
  client.connected();
  std::string request = drainRequest(client);
  EXPECT_TRUE(hasHeaderLine(request, "Cookie: s=1"));
  EXPECT_EQ(request.substr(request.size() - 7), "<Next/>");
  EXPECT_EQ(client.connectionsOpened(), 2u);
}

TEST(CwmpHttpClient, ConnectionLostOnFreshConnectionFailsThePost) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.peerClosed();
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_FALSE(client.outcome().ok);
  EXPECT_NE(client.outcome().error.find("closed"), std::string::npos);
}

TEST(CwmpHttpClient, TruncatedResponseFails) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<partial");
  client.peerClosed();
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_FALSE(client.outcome().ok);
}

TEST(CwmpHttpClient, TimeoutFailsThePost) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.ioError("timeout");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_FALSE(client.outcome().ok);
  EXPECT_EQ(client.outcome().error, "timeout");
}

TEST(CwmpHttpClient, ExtraBytesAfterResponseAreAProtocolError) {
  CwmpHttpClient client(acsUrl(), {});
  client.post("<Inform/>", std::string());
  client.connected();
  drainRequest(client);
  client.received("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
  ASSERT_EQ(client.want(), Want::Done);
  EXPECT_FALSE(client.outcome().ok);
}

}  // namespace
}  // namespace cpesim
