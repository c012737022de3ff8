// CPE authentication on the CWMP endpoint over real HTTP (checklist 1.4): Digest with fresh
// nonces and stale handling, Basic only when explicitly allowed, per-device credentials.
#include <sstream>
#include <thread>

#include <Poco/Data/Session.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCredentials.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "acs/src/http/cpe_auth.h"
#include "acs/test/integration/cwmp_test_support.h"
#include "cwmp/codec.h"

namespace acs::itest {
namespace {

class CwmpAuthTest : public ::testing::Test {
 protected:
  TestServer& start(const std::function<void(AcsConfig&)>& tweak) {
    AcsConfig c = testConfig("sqlite://" + (dir_.path() / "acs.db").string());
    c.cpe_auth.mode = CpeAuthMode::Digest;
    c.cpe_auth.realm = "lab";
    c.cpe_auth.username = "shared";
    c.cpe_auth.password = "s3cret";
    if (tweak) tweak(c);
    server_ = std::make_unique<TestServer>(c);
    return *server_;
  }

  TempDir dir_;
  std::unique_ptr<TestServer> server_;
};

struct RawReply {
  int status = 0;
  std::string www_authenticate;
  std::string body;
};

RawReply rawPost(Poco::Net::HTTPClientSession& session, Poco::Net::HTTPRequest& request,
                 const std::string& body, Poco::Net::HTTPResponse& response) {
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(request) << body;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  return {static_cast<int>(response.getStatus()), response.get("WWW-Authenticate", ""), text.str()};
}

TEST_F(CwmpAuthTest, DigestChallengeThenAcceptedWithSharedCredentials) {
  TestServer& acs = start({});
  CpeClient anonymous(acs.port());
  Reply challenge = anonymous.send(informEnvelope(uniqueSerial("DIG"), {"1 BOOT"}));
  EXPECT_EQ(challenge.status, 401);
  const std::string www = challenge.header("www-authenticate");
  EXPECT_EQ(www.rfind("Digest ", 0), 0u) << www;
  EXPECT_NE(www.find("realm=\"lab\""), std::string::npos);
  EXPECT_NE(www.find("qop=\"auth\""), std::string::npos);
  EXPECT_NE(www.find("algorithm=MD5"), std::string::npos);
  EXPECT_TRUE(anonymous.cookie().empty());

  // Fresh nonce per challenge.
  Reply again = anonymous.send(informEnvelope(uniqueSerial("DIG"), {"1 BOOT"}));
  auto n1 = http::parseAuthParams(www.substr(7))["nonce"];
  auto n2 = http::parseAuthParams(again.header("www-authenticate").substr(7))["nonce"];
  EXPECT_FALSE(n1.empty());
  EXPECT_NE(n1, n2);

  CpeClient cpe(acs.port());
  cpe.setCredentials("shared", "s3cret");
  Reply ok = cpe.send(informEnvelope(uniqueSerial("DIG"), {"1 BOOT"}));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.as<cwmp::InformResponse>(), nullptr);
  // Later requests of the session ride on the session cookie.
  EXPECT_EQ(cpe.emptyPost().status, 204);
}

TEST_F(CwmpAuthTest, WrongPasswordIsChallengedAgain) {
  TestServer& acs = start({});
  CpeClient cpe(acs.port());
  cpe.setCredentials("shared", "wrong");
  Reply r = cpe.send(informEnvelope(uniqueSerial("DIG"), {"1 BOOT"}));
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(cpe.cookie().empty());
  CpeClient nobody(acs.port());
  nobody.setCredentials("nobody", "s3cret");
  EXPECT_EQ(nobody.send(informEnvelope(uniqueSerial("DIG"), {"1 BOOT"})).status, 401);
}

TEST_F(CwmpAuthTest, PerDeviceCredentialsOnlySpeakForTheirDevice) {
  const std::string serial = uniqueSerial("PD");
  const std::string device = deviceIdFor(serial);
  TestServer& acs = start([&](AcsConfig& c) {
    c.cpe_auth.username.clear();
    c.cpe_auth.per_device[device] = "dev-pass";
  });
  CpeClient cpe(acs.port());
  cpe.setCredentials(device, "dev-pass");
  Reply ok = cpe.send(informEnvelope(serial, {"1 BOOT"}));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(cpe.emptyPost().status, 204);

  CpeClient impostor(acs.port());
  impostor.setCredentials(device, "dev-pass");
  Reply denied = impostor.send(informEnvelope(uniqueSerial("OTHER"), {"1 BOOT"}));
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find(device), std::string::npos) << denied.body;
}

TEST_F(CwmpAuthTest, BasicIsRefusedWhenDigestIsRequired) {
  TestServer& acs = start({});
  CpeClient cpe(acs.port());
  Reply r = cpe.post(cwmp::encodeEnvelope(informEnvelope(uniqueSerial("B"), {"1 BOOT"})),
                     {{"Authorization", "Basic c2hhcmVkOnMzY3JldA=="}});  // shared:s3cret
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("www-authenticate").rfind("Digest ", 0), 0u);
}

TEST_F(CwmpAuthTest, BasicWorksWhenExplicitlyAllowed) {
  TestServer& acs = start([](AcsConfig& c) {
    c.cpe_auth.mode = CpeAuthMode::Basic;
    c.cpe_auth.allow_basic_without_tls = true;
  });
  CpeClient cpe(acs.port());
  Reply challenge = cpe.send(informEnvelope(uniqueSerial("B"), {"1 BOOT"}));
  EXPECT_EQ(challenge.status, 401);
  EXPECT_EQ(challenge.header("www-authenticate"), "Basic realm=\"lab\"");
  Reply ok = cpe.post(cwmp::encodeEnvelope(informEnvelope(uniqueSerial("B"), {"1 BOOT"})),
                      {{"Authorization", "Basic c2hhcmVkOnMzY3JldA=="}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(CwmpAuthTest, OldNonceGetsStaleChallengeAndReplayedCountIsRefused) {
  TestServer& acs = start([](AcsConfig& c) { c.cpe_auth.nonce_lifetime_s = 1; });
  const std::string body = cwmp::encodeEnvelope(informEnvelope(uniqueSerial("ST"), {"1 BOOT"}));
  Poco::Net::HTTPClientSession session("127.0.0.1", acs.port());
  Poco::Net::HTTPRequest first(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                               Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse challenge;
  ASSERT_EQ(rawPost(session, first, body, challenge).status, 401);

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  Poco::Net::HTTPCredentials creds("shared", "s3cret");
  Poco::Net::HTTPRequest late(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                              Poco::Net::HTTPMessage::HTTP_1_1);
  creds.authenticate(late, challenge);
  Poco::Net::HTTPResponse stale;
  RawReply r = rawPost(session, late, body, stale);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.www_authenticate.find("stale=true"), std::string::npos) << r.www_authenticate;

  // With the fresh nonce the same credentials work; sending the very same Authorization
  // again (same nonce count) is a replay and is refused.
  Poco::Net::HTTPRequest retry(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                               Poco::Net::HTTPMessage::HTTP_1_1);
  creds.authenticate(retry, stale);
  const std::string authorization = retry.get("Authorization");
  Poco::Net::HTTPResponse accepted;
  RawReply ok = rawPost(session, retry, body, accepted);
  ASSERT_EQ(ok.status, 200) << ok.body;

  Poco::Net::HTTPClientSession other("127.0.0.1", acs.port());
  Poco::Net::HTTPRequest replay(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                                Poco::Net::HTTPMessage::HTTP_1_1);
  replay.set("Authorization", authorization);
  Poco::Net::HTTPResponse refused;
  const std::string body2 = cwmp::encodeEnvelope(informEnvelope(uniqueSerial("ST"), {"1 BOOT"}));
  EXPECT_EQ(rawPost(other, replay, body2, refused).status, 401);
}

// --- Overload -----------------------------------------------------------------------------

TEST(CwmpOverload, NewInformsGetFault8005WhenTheQueueIsFull) {
  TempDir dir;
  AcsConfig c = testConfig("sqlite://" + (dir.path() / "acs.db").string());
  c.max_threads = 1;
  c.max_queued = 1;
  TestServer acs(c);

  // A keeps the only worker thread busy with its kept-alive connection.
  CpeClient a(acs.port());
  ASSERT_EQ(a.send(informEnvelope(uniqueSerial("OVL"), {"1 BOOT"})).status, 200);
  ASSERT_EQ(a.emptyPost().status, 204);

  std::vector<Reply> replies(3);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    threads.emplace_back([&, i] {
      CpeClient cpe(acs.port());
      replies[i] = cpe.send(informEnvelope(uniqueSerial("OVL"), {"2 PERIODIC"}));
    });
  }
  // Let the three connections queue up behind A, then free the worker.
  EXPECT_TRUE(
      waitFor([&] { return acs.server().queuedConnections() >= 3; }, std::chrono::seconds(10)));
  a.newConnection();
  for (auto& t : threads) t.join();

  int faults = 0;
  int accepted = 0;
  for (const auto& r : replies) {
    ASSERT_EQ(r.status, 200) << r.body;  // never a hang, never a dropped connection
    if (const auto* f = r.as<cwmp::Fault>()) {
      EXPECT_EQ(f->fault_code, 8005u);
      EXPECT_EQ(r.envelope->header.id, "inform-1");
      ++faults;
    } else if (r.as<cwmp::InformResponse>() != nullptr) {
      ++accepted;
    }
  }
  EXPECT_GE(faults, 1);
  EXPECT_GE(accepted, 1);
  EXPECT_EQ(faults + accepted, 3);
}

TEST(CwmpOverload, BusyStoreGives8005ToInformsAnd503MidSession) {
  TempDir dir;
  const std::string path = (dir.path() / "acs.db").string();
  AcsConfig c = testConfig("sqlite://" + path);
  c.store_busy_timeout_ms = 200;
  TestServer acs(c);

  const std::string serial = uniqueSerial("BUSY");
  CpeClient running(acs.port());
  ASSERT_EQ(running.send(informEnvelope(serial, {"1 BOOT"})).status, 200);

  // Another writer holds the database lock.
  Poco::Data::Session lock("SQLite", path);
  lock << "BEGIN EXCLUSIVE", Poco::Data::Keywords::now;

  CpeClient fresh(acs.port());
  Reply inform = fresh.send(informEnvelope(uniqueSerial("BUSY"), {"2 PERIODIC"}));
  ASSERT_EQ(inform.status, 200) << inform.body;
  ASSERT_NE(inform.as<cwmp::Fault>(), nullptr) << inform.body;
  EXPECT_EQ(inform.as<cwmp::Fault>()->fault_code, 8005u);

  Reply mid = running.emptyPost();
  EXPECT_EQ(mid.status, 503) << mid.body;
  EXPECT_FALSE(mid.header("retry-after").empty());

  lock << "COMMIT", Poco::Data::Keywords::now;
  // Once the lock is gone, the session that got 503 can finish, and new ones start.
  EXPECT_EQ(running.emptyPost().status, 204);
  CpeClient later(acs.port());
  EXPECT_EQ(later.send(informEnvelope(uniqueSerial("BUSY"), {"2 PERIODIC"})).status, 200);
}

}  // namespace
}  // namespace acs::itest
