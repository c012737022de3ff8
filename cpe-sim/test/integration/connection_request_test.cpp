// Connection requests end to end: an ACS-side HTTP client with Poco's Digest credentials
// against the fleet's listener, and the `6 CONNECTION REQUEST` session that follows.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPDigestCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <thread>

#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

// The ACS side: GET, answer the Digest challenge, return the final status.
int sendConnectionRequest(const std::string& url, const std::string& user, const std::string& password) {
  Poco::URI uri(url);
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathEtc(), Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  session.sendRequest(request);
  Poco::NullOutputStream sink;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), sink);
  if (response.getStatus() != 401) return response.getStatus();
  Poco::Net::HTTPDigestCredentials credentials(user, password);
  credentials.authenticate(request, response);
  session.sendRequest(request);
  Poco::Net::HTTPResponse second;
  Poco::StreamCopier::copyStream(session.receiveResponse(second), sink);
  return second.getStatus();
}

class ConnectionRequestFleet : public ::testing::Test {
 protected:
  void SetUp() override {
    FleetConfig config = testFleetConfig(writeTestProfile(dir_), stub_.url(), 2);
    config.cr_max_per_window = 3;
    fleet_ = startFleet(config);
    ASSERT_TRUE(fleet_);
    ASSERT_TRUE(stub_.waitForInforms(2));
    // Both boot sessions must be over before a CR is a clean test.
    ASSERT_TRUE(stub_.waitFor([](const auto& all) {
      int ended = 0;
      for (const auto& r : all) ended += r.reply_status == 204 ? 1 : 0;
      return ended >= 2;
    }));
  }

  TempDir dir_;
  AcsStub stub_;
  std::unique_ptr<Fleet> fleet_;
};

TEST_F(ConnectionRequestFleet, DigestAuthenticatedRequestStartsConnectionRequestSession) {
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0001"), "cr-TB0001", "crpass"), 200);
  ASSERT_TRUE(stub_.waitForInforms(3));
  auto informs = stub_.informs("TB0001");
  ASSERT_EQ(informs.size(), 2u);
  EXPECT_TRUE(informs[1].hasEvent("6 CONNECTION REQUEST"));
  EXPECT_FALSE(informs[1].hasEvent("1 BOOT"));
  EXPECT_EQ(stub_.informs("TB0000").size(), 1u);  // the other device stays quiet
  EXPECT_EQ(fleet_->connectionRequestStats().accepted, 1u);
}

TEST_F(ConnectionRequestFleet, WrongCredentialsStartNoSession) {
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0000", "guess"), 401);
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0001", "crpass"), 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(stub_.informs().size(), 2u);
  EXPECT_EQ(fleet_->connectionRequestStats().auth_failed, 2u);
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB9999"), "x", "y"), 404);
}

TEST_F(ConnectionRequestFleet, CredentialsChangedByTheAcsApplyAtOnce) {
  cwmp::SetParameterValues spv;
  spv.parameter_list = {{"Device.ManagementServer.ConnectionRequestPassword", "rotated", "xsd:string"}};
  stub_.queue("TB0000", spv);
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0000", "crpass"), 200);
  ASSERT_TRUE(stub_.waitFor([](const auto& all) {
    for (const auto& r : all) {
      if (r.methodName() == "SetParameterValuesResponse" && r.reply_status == 204) return true;
    }
    return false;
  }));
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0000", "crpass"), 401);
  EXPECT_EQ(sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0000", "rotated"), 200);
  ASSERT_TRUE(stub_.waitForInforms(4));
}

TEST_F(ConnectionRequestFleet, BurstIsRateLimitedAndCoalesced) {
  int accepted = 0;
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    int status = sendConnectionRequest(fleet_->connectionRequestUrl("TB0000"), "cr-TB0000", "crpass");
    accepted += status == 200 ? 1 : 0;
    limited += status == 503 ? 1 : 0;
  }
  EXPECT_EQ(accepted, 3);
  EXPECT_EQ(limited, 2);
  ASSERT_TRUE(stub_.waitForInforms(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto informs = stub_.informs("TB0000");
  // Requests that arrive before or during a session lead to at most one more session each
  // time, never one per request beyond the accepted ones.
  EXPECT_GE(informs.size(), 2u);
  EXPECT_LE(informs.size(), 1u + 3u);
  for (std::size_t i = 1; i < informs.size(); ++i) EXPECT_TRUE(informs[i].hasEvent("6 CONNECTION REQUEST"));
}

}  // namespace
}  // namespace cpesim::testing
