// Unit tests of the HTTP layer's pure helpers: cookies, capture globs, session ids, Digest
// authentication (checked against a client computing RFC 2617 answers with Poco).
#include <set>
#include <thread>

#include <Poco/Net/HTTPCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include "acs/src/http/cpe_auth.h"
#include "acs/src/http/cwmp_handler.h"
#include "acs/src/http/cwmp_service.h"
#include "acs/src/http/request_router.h"
#include "acs/test/session/fake_clock.h"

namespace acs::http {
namespace {

using std::chrono::seconds;

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  EXPECT_EQ(cookieValue("session=abc", "session"), "abc");
  EXPECT_EQ(cookieValue("a=1; session=xyz; b=2", "session"), "xyz");
  EXPECT_EQ(cookieValue("a=1;session=\"q\"", "session"), "q");
  EXPECT_EQ(cookieValue("mysession=1", "session"), "");
  EXPECT_EQ(cookieValue("", "session"), "");
}

TEST(GlobMatch, StarsAndQuestionMarks) {
  EXPECT_TRUE(globMatch("*", "anything"));
  EXPECT_TRUE(globMatch("00A0C9-*", "00A0C9-RG1-SN1"));
  EXPECT_TRUE(globMatch("*SN?", "00A0C9-RG1-SN1"));
  EXPECT_TRUE(globMatch("*RG1*SN*", "00A0C9-RG1-SN1"));
  EXPECT_FALSE(globMatch("00A0C9-*", "00B0C9-RG1"));
  EXPECT_FALSE(globMatch("*SN?", "00A0C9-RG1-SN12"));
  EXPECT_FALSE(globMatch("", "x"));
  EXPECT_TRUE(globMatch("", ""));
}

TEST(SessionId, TimeThen128RandomBitsUniqueAndOrdered) {
  std::set<std::string> ids;
  std::string first = newSessionId();
  for (int i = 0; i < 200; ++i) {
    std::string id = newSessionId();
    ASSERT_EQ(id.size(), 44u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    // Same millisecond or later: the time prefix never goes back.
    EXPECT_GE(id.substr(0, 12), first.substr(0, 12));
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 200u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GT(newSessionId(), first);
  // The random part differs between ids of the same millisecond.
  EXPECT_NE(newSessionId().substr(12), newSessionId().substr(12));
}

TEST(CwmpPath, OnlyTheCwmpEndpoint) {
  EXPECT_TRUE(isCwmpPath("/cwmp"));
  EXPECT_TRUE(isCwmpPath("/cwmp?x=1"));
  EXPECT_TRUE(isCwmpPath("/cwmp/dev1"));
  EXPECT_FALSE(isCwmpPath("/cwmpx"));
  EXPECT_FALSE(isCwmpPath("/api/devices"));
}

TEST(InflateBody, BoundsTheDecompressedSize) {
  std::string out;
  EXPECT_EQ(inflateBody("br", "x", 100, out).rfind("unsupported", 0), 0u);
  out.clear();
  EXPECT_NE(inflateBody("gzip", "definitely not gzip", 100, out), "");
}

TEST(AuthParams, ParsesQuotedAndBareValues) {
  auto p = parseAuthParams(
      R"(username="Mufasa", realm="a, b", nonce="n1", uri="/cwmp", qop=auth, nc=00000001, )"
      R"(cnonce="0a4f", response="6629", Algorithm=MD5)");
  EXPECT_EQ(p["username"], "Mufasa");
  EXPECT_EQ(p["realm"], "a, b");
  EXPECT_EQ(p["qop"], "auth");
  EXPECT_EQ(p["nc"], "00000001");
  EXPECT_EQ(p["algorithm"], "MD5");
}

class DigestAuthTest : public ::testing::Test {
 protected:
  static CpeAuthConfig config() {
    CpeAuthConfig c;
    c.mode = CpeAuthMode::Digest;
    c.realm = "lab";
    c.username = "cpe";
    c.password = "pw";
    c.per_device["00A0C9-RG1-SN1"] = "devpw";
    c.nonce_lifetime_s = 60;
    return c;
  }
  // What a CPE would send back for `challenge` (computed by Poco's RFC 2617 client).
  static std::string answer(const std::string& challenge, const std::string& user,
                            const std::string& password, const std::string& uri = "/cwmp") {
    Poco::Net::HTTPResponse response(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
    response.set("WWW-Authenticate", challenge);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri);
    Poco::Net::HTTPCredentials creds(user, password);
    creds.authenticate(request, response);
    return request.get("Authorization");
  }

  testing::FakeClock clock_;
  CpeAuthenticator auth_{config(), "secret"};
};

TEST_F(DigestAuthTest, AcceptsACorrectAnswerAndRejectsAWrongPassword) {
  std::string challenge = auth_.challenge(clock_.now());
  auto ok = auth_.check("POST", "/cwmp", answer(challenge, "cpe", "pw"), clock_.now());
  EXPECT_EQ(ok.kind, AuthResult::Kind::Ok) << ok.reason;
  EXPECT_EQ(ok.username, "cpe");
  EXPECT_FALSE(ok.per_device);
  auto bad = auth_.check("POST", "/cwmp", answer(auth_.challenge(clock_.now()), "cpe", "nope"),
                         clock_.now());
  EXPECT_EQ(bad.kind, AuthResult::Kind::Challenge);
  EXPECT_EQ(bad.www_authenticate.rfind("Digest ", 0), 0u);
}

TEST_F(DigestAuthTest, NonceFromAnotherSecretIsRefused) {
  CpeAuthenticator other(config(), "another secret");
  std::string challenge = other.challenge(clock_.now());
  auto r = auth_.check("POST", "/cwmp", answer(challenge, "cpe", "pw"), clock_.now());
  EXPECT_EQ(r.kind, AuthResult::Kind::Challenge);
  EXPECT_NE(r.reason.find("nonce"), std::string::npos);
  // The same secret in two processes: nonces verify in both.
  CpeAuthenticator twin(config(), "secret");
  std::string mine = auth_.challenge(clock_.now());
  EXPECT_EQ(twin.check("POST", "/cwmp", answer(mine, "cpe", "pw"), clock_.now()).kind,
            AuthResult::Kind::Ok);
}

TEST_F(DigestAuthTest, ExpiredNonceGetsAStaleChallenge) {
  std::string challenge = auth_.challenge(clock_.now());
  clock_.advance(seconds(61));
  auto r = auth_.check("POST", "/cwmp", answer(challenge, "cpe", "pw"), clock_.now());
  EXPECT_EQ(r.kind, AuthResult::Kind::Challenge);
  EXPECT_NE(r.www_authenticate.find("stale=true"), std::string::npos);
}

TEST_F(DigestAuthTest, ReplayedNonceCountIsRefused) {
  std::string auth = answer(auth_.challenge(clock_.now()), "cpe", "pw");
  EXPECT_EQ(auth_.check("POST", "/cwmp", auth, clock_.now()).kind, AuthResult::Kind::Ok);
  EXPECT_EQ(auth_.check("POST", "/cwmp", auth, clock_.now()).kind, AuthResult::Kind::Challenge);
}

TEST_F(DigestAuthTest, UriMustMatchTheRequest) {
  std::string auth = answer(auth_.challenge(clock_.now()), "cpe", "pw", "/other");
  EXPECT_EQ(auth_.check("POST", "/cwmp", auth, clock_.now()).kind, AuthResult::Kind::Challenge);
}

TEST_F(DigestAuthTest, PerDeviceCredentialsAreBoundToTheirDevice) {
  auto r =
      auth_.check("POST", "/cwmp", answer(auth_.challenge(clock_.now()), "00A0C9-RG1-SN1", "devpw"),
                  clock_.now());
  ASSERT_EQ(r.kind, AuthResult::Kind::Ok) << r.reason;
  EXPECT_TRUE(r.per_device);
  EXPECT_TRUE(CpeAuthenticator::mayActAs(r, "00A0C9", "RG1", "SN1"));
  EXPECT_FALSE(CpeAuthenticator::mayActAs(r, "00A0C9", "RG1", "SN2"));
  AuthResult shared;
  shared.per_device = false;
  EXPECT_TRUE(CpeAuthenticator::mayActAs(shared, "X", "Y", "Z"));
}

TEST_F(DigestAuthTest, BasicIsRefusedInDigestModeAndGarbageIsChallenged) {
  EXPECT_EQ(auth_.check("POST", "/cwmp", "Basic Y3BlOnB3", clock_.now()).kind,
            AuthResult::Kind::Challenge);
  EXPECT_EQ(auth_.check("POST", "/cwmp", "", clock_.now()).kind, AuthResult::Kind::Challenge);
  EXPECT_EQ(auth_.check("POST", "/cwmp", "Digest", clock_.now()).kind, AuthResult::Kind::Challenge);
  EXPECT_EQ(auth_
                .check("POST", "/cwmp",
                       "Digest username=\"cpe\", nonce=\"a:b:c\", response=\"x\", realm=\"lab\"",
                       clock_.now())
                .kind,
            AuthResult::Kind::Challenge);
}

TEST(BasicAuth, AcceptsRightCredentialsOnly) {
  CpeAuthConfig c;
  c.mode = CpeAuthMode::Basic;
  c.realm = "lab";
  c.username = "cpe";
  c.password = "pw";
  c.allow_basic_without_tls = true;
  CpeAuthenticator auth(c, "s");
  testing::FakeClock clock;
  EXPECT_EQ(auth.check("POST", "/cwmp", "Basic Y3BlOnB3", clock.now()).kind,  // cpe:pw
            AuthResult::Kind::Ok);
  EXPECT_EQ(auth.check("POST", "/cwmp", "Basic Y3BlOnB4", clock.now()).kind,  // cpe:px
            AuthResult::Kind::Challenge);
  EXPECT_EQ(auth.challenge(clock.now()), "Basic realm=\"lab\"");
}

TEST(NoAuth, EverythingPasses) {
  CpeAuthenticator auth(CpeAuthConfig{}, "");
  testing::FakeClock clock;
  EXPECT_FALSE(auth.enabled());
  EXPECT_EQ(auth.check("POST", "/cwmp", "", clock.now()).kind, AuthResult::Kind::Ok);
}

}  // namespace
}  // namespace acs::http
