// Two `acs` processes sharing one PostgreSQL database serve the requests of one CWMP session
// alternately (label pg): the session cookie, the session state and the device lease live in
// the store, and Digest nonces verify across processes that share the nonce secret.
#include <gtest/gtest.h>
#include <signal.h>

#include "acs/src/store/store_factory.h"
#include "acs/test/integration/cwmp_test_support.h"
#include "cwmp/codec.h"

namespace acs::itest {
namespace {

class TwoAcsOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!schema_.available()) {
      if (inCi()) FAIL() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL tests must run";
      GTEST_SKIP() << "ACS_TEST_PG_DSN is not set (start a server with ci/pg.sh)";
    }
  }
  std::map<std::string, std::string> env(const std::string& instance) const {
    return {{"ACS_PORT", "0"},
            {"ACS_HOST", "127.0.0.1"},
            {"DATABASE_URL", schema_.url()},
            {"LOG_LEVEL", "warning"},
            {"ACS_INSTANCE_ID", instance},
            {"ACS_CPE_AUTH", "digest"},
            {"ACS_CPE_AUTH_REALM", "lab"},
            {"ACS_CPE_USERNAME", "cpe"},
            {"ACS_CPE_PASSWORD", "pw"},
            {"ACS_CPE_NONCE_SECRET", "shared-between-the-two"}};
  }

  PgSchema schema_;
};

TEST_F(TwoAcsOnPostgres, AlternatingRequestsOfOneSession) {
  AcsProcess a(env("acs-a"));
  ASSERT_TRUE(a.waitUntilListening()) << a.output();
  AcsProcess b(env("acs-b"));
  ASSERT_TRUE(b.waitUntilListening()) << b.output();

  const std::string serial = uniqueSerial("PG2");
  const std::string device = deviceIdFor(serial);
  CpeClient cpe(a.port());
  cpe.setCredentials("cpe", "pw");
  // Bootstrap session entirely on A, so the device exists for tasks.
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"0 BOOTSTRAP"})).status, 200);
  ASSERT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();

  auto store = store::openStore(schema_.url(), {});
  ASSERT_TRUE(store.ok()) << store.error().message;
  std::vector<std::int64_t> ids;
  for (const char* args : {R"({"ParameterNames":["Device.DeviceInfo."]})",
                           R"({"ParameterNames":["Device.ManagementServer."]})"}) {
    store::Task t;
    t.device_id = device;
    t.type = "GetParameterValues";
    t.args_json = args;
    auto created = (*store)->createTask(t, store::nowMs());
    ASSERT_TRUE(created.ok());
    ids.push_back(created->id);
  }

  // Inform on B (the Digest challenge comes from B, its nonce verified by B)...
  cpe.setPort(b.port());
  Reply ir = cpe.send(informEnvelope(serial, {"2 PERIODIC"}));
  ASSERT_EQ(ir.status, 200) << ir.body;
  const std::string cookie = cpe.cookie();
  // ...a concurrent Inform of the same device on A is refused through the shared lease...
  CpeClient rival(a.port());
  rival.setCredentials("cpe", "pw");
  Reply refused = rival.send(informEnvelope(serial, {"2 PERIODIC"}));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("acs-b"), std::string::npos) << refused.body;
  // ...empty POST on A, first answer on B, second answer on A: the session moves freely.
  cpe.setPort(a.port());
  Reply r1 = cpe.emptyPost();
  ASSERT_NE(r1.as<cwmp::GetParameterValues>(), nullptr) << r1.body;
  cpe.setPort(b.port());
  cwmp::GetParameterValuesResponse v1;
  v1.parameter_list = {{"Device.DeviceInfo.UpTime", "77", "xsd:unsignedInt"}};
  Reply r2 = cpe.send(envelopeOf(v1, *r1.envelope->header.id));
  ASSERT_NE(r2.as<cwmp::GetParameterValues>(), nullptr) << r2.body;
  EXPECT_EQ(r2.as<cwmp::GetParameterValues>()->parameter_names,
            std::vector<std::string>{"Device.ManagementServer."});
  cpe.setPort(a.port());
  cwmp::GetParameterValuesResponse v2;
  v2.parameter_list = {
      {"Device.ManagementServer.PeriodicInformInterval", "600", "xsd:unsignedInt"}};
  Reply r3 = cpe.send(envelopeOf(v2, *r2.envelope->header.id));
  EXPECT_EQ(r3.status, 204) << r3.body;
  EXPECT_EQ(cpe.cookie(), cookie);

  for (std::int64_t id : ids) {
    auto t = (*store)->getTask(id);
    ASSERT_TRUE(t.ok() && t->has_value());
    EXPECT_EQ((**t).state, store::TaskState::Completed) << id;
    EXPECT_EQ((**t).session_id, cookie);
  }
  auto params = (*store)->getParameters(device, "Device.DeviceInfo.UpTime");
  ASSERT_TRUE(params.ok());
  ASSERT_EQ(params->size(), 1u);
  EXPECT_EQ((*params)[0].value, "77");
  auto session = (*store)->getSession(cookie);
  ASSERT_TRUE(session.ok() && session->has_value());
  EXPECT_EQ((**session).outcome, "ok");
  EXPECT_EQ((**session).owner, "acs-b");
  EXPECT_EQ((**session).messages_in, 4);
  // The lease is released: the next session may start on either process.
  CpeClient next(a.port());
  next.setCredentials("cpe", "pw");
  EXPECT_EQ(next.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  EXPECT_EQ(next.emptyPost().status, 204);

  EXPECT_EQ(a.stop(SIGTERM), 0);
  EXPECT_EQ(b.stop(SIGTERM), 0);
}

TEST_F(TwoAcsOnPostgres, DigestNonceFromOneProcessVerifiesOnTheOther) {
  AcsProcess a(env("acs-a"));
  ASSERT_TRUE(a.waitUntilListening()) << a.output();
  AcsProcess b(env("acs-b"));
  ASSERT_TRUE(b.waitUntilListening()) << b.output();
  const std::string body = cwmp::encodeEnvelope(informEnvelope(uniqueSerial("NONCE"), {"1 BOOT"}));
  CpeClient on_a(a.port());
  Reply challenge = on_a.post(body);
  ASSERT_EQ(challenge.status, 401);
  Poco::Net::HTTPResponse response;
  response.set("WWW-Authenticate", challenge.header("www-authenticate"));
  Poco::Net::HTTPCredentials creds("cpe", "pw");
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  creds.authenticate(request, response);
  CpeClient on_b(b.port());
  Reply ok = on_b.post(body, {{"Authorization", request.get("Authorization")}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(a.stop(SIGTERM), 0);
  EXPECT_EQ(b.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace acs::itest
