#include "transport/http_auth.h"

#include <gtest/gtest.h>

#include <string>

namespace cpesim {
namespace {

TEST(AuthChallengeParse, SplitsSeveralChallengesInOneHeader) {
  auto challenges = parseAuthChallenges(
      {"Basic realm=\"acs\", Digest realm=\"acs, inc\", qop=\"auth,auth-int\", nonce=abc, "
       "algorithm=MD5"});
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "Basic");
  EXPECT_EQ(challenges[0].param("realm"), "acs");
  EXPECT_EQ(challenges[1].scheme, "Digest");
  EXPECT_EQ(challenges[1].param("REALM"), "acs, inc");
  EXPECT_EQ(challenges[1].param("qop"), "auth,auth-int");
  EXPECT_EQ(challenges[1].param("nonce"), "abc");
}

TEST(Md5Hex, MatchesKnownDigest) {
  EXPECT_EQ(md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5Hex("Mufasa:testrealm@host.com:Circle Of Life"), "939e7578ed9e3c518a452acee763bce9");
}

TEST(ClientAuthenticator, AnswersBasicChallenge) {
  ClientAuthenticator auth("Aladdin", "open sesame", 1);
  EXPECT_FALSE(auth.active());
  ASSERT_TRUE(auth.acceptChallenges({"Basic realm=\"WallyWorld\""}));
  EXPECT_EQ(auth.authorization("POST", "/"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(ClientAuthenticator, PrefersDigestAndProducesVerifiableResponses) {
  DigestServer server("acs", 7);
  ClientAuthenticator auth("cpe", "secret", 3);
  ASSERT_TRUE(auth.acceptChallenges({"Basic realm=\"acs\"", server.challenge(0)}));
  std::string first = auth.authorization("POST", "/cwmp");
  EXPECT_EQ(first.rfind("Digest ", 0), 0u);
  EXPECT_NE(first.find("nc=00000001"), std::string::npos);
  EXPECT_NE(first.find("qop=auth"), std::string::npos);
  EXPECT_EQ(server.verify(first, "POST", "/cwmp", "cpe", "secret", 1), DigestServer::Verdict::Ok);
  // Every later request carries a fresh nonce count (TR-069 3.4.5: keep sending it).
  std::string second = auth.authorization("POST", "/cwmp");
  EXPECT_NE(second.find("nc=00000002"), std::string::npos);
  EXPECT_EQ(server.verify(second, "POST", "/cwmp", "cpe", "secret", 1), DigestServer::Verdict::Ok);
  // Replaying a captured header is refused.
  EXPECT_EQ(server.verify(second, "POST", "/cwmp", "cpe", "secret", 1),
            DigestServer::Verdict::Replayed);
}

TEST(ClientAuthenticator, UsesFreshClientNonceOnNewConnection) {
  DigestServer server("acs", 7);
  ClientAuthenticator auth("cpe", "secret", 3);
  ASSERT_TRUE(auth.acceptChallenges({server.challenge(0)}));
  std::string a = auth.authorization("POST", "/cwmp");
  auth.newConnection();
  std::string b = auth.authorization("POST", "/cwmp");
  auto cnonce = [](const std::string& h) { return parseAuthChallenges({h}).front().param("cnonce"); };
  EXPECT_NE(cnonce(a), cnonce(b));
  EXPECT_EQ(server.verify(b, "POST", "/cwmp", "cpe", "secret", 1), DigestServer::Verdict::Ok);
}

TEST(ClientAuthenticator, GivesUpWhenTheSameCredentialsAreRefusedAgain) {
  DigestServer server("acs", 7);
  ClientAuthenticator auth("cpe", "wrong", 3);
  ASSERT_TRUE(auth.acceptChallenges({server.challenge(0)}));
  (void)auth.authorization("POST", "/");
  // One more attempt with a new challenge is allowed, then it stops looping.
  ASSERT_TRUE(auth.acceptChallenges({server.challenge(0)}));
  (void)auth.authorization("POST", "/");
  EXPECT_FALSE(auth.acceptChallenges({server.challenge(0)}));
}

TEST(ClientAuthenticator, RetriesOnStaleNonce) {
  DigestServer server("acs", 7);
  ClientAuthenticator auth("cpe", "secret", 3);
  ASSERT_TRUE(auth.acceptChallenges({server.challenge(0)}));
  for (int i = 0; i < 5; ++i) {
    (void)auth.authorization("POST", "/");
    ASSERT_TRUE(auth.acceptChallenges({server.challenge(0, /*stale=*/true)})) << i;
  }
}

TEST(ClientAuthenticator, RejectsUnsupportedDigestAlgorithm) {
  ClientAuthenticator auth("cpe", "secret", 3);
  EXPECT_FALSE(auth.acceptChallenges({"Digest realm=\"x\", nonce=\"n\", algorithm=SHA-256"}));
  EXPECT_FALSE(auth.acceptChallenges({"Negotiate"}));
}

TEST(DigestServer, ChecksRfc2617ExampleResponse) {
  // RFC 2617 3.5: the response is right, but the nonce was not issued by this server.
  DigestServer server("testrealm@host.com", 1);
  const std::string header =
      "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, "
      "nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
      "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
  EXPECT_EQ(server.verify(header, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", 0),
            DigestServer::Verdict::StaleNonce);
  EXPECT_EQ(server.verify(header, "GET", "/dir/index.html", "Mufasa", "Circle of life", 0),
            DigestServer::Verdict::WrongResponse);
  EXPECT_EQ(server.verify(header, "GET", "/other", "Mufasa", "Circle Of Life", 0),
            DigestServer::Verdict::Malformed);
  EXPECT_EQ(server.verify(header, "GET", "/dir/index.html", "Simba", "Circle Of Life", 0),
            DigestServer::Verdict::UnknownUser);
}

TEST(DigestServer, ExpiresNonces) {
  DigestServer server("acs", 7, /*nonce_lifetime_seconds=*/10);
  ClientAuthenticator auth("cpe", "secret", 3);
  ASSERT_TRUE(auth.acceptChallenges({server.challenge(0)}));
  EXPECT_EQ(server.verify(auth.authorization("GET", "/cr/x"), "GET", "/cr/x", "cpe", "secret", 11),
            DigestServer::Verdict::StaleNonce);
  EXPECT_EQ(server.verify("", "GET", "/cr/x", "cpe", "secret", 11), DigestServer::Verdict::Missing);
  EXPECT_EQ(server.verify("Basic abc", "GET", "/cr/x", "cpe", "secret", 11),
            DigestServer::Verdict::Malformed);
}

}  // namespace
}  // namespace cpesim
