#include "web/static_handler.h"
#include "lab/server_shutdown.h"

#include <istream>
#include <iterator>
#include <memory>
#include <string>

#include "web/static_assets.h"
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

namespace acs::web {
namespace {

std::string header(const StaticResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

// --- respondStatic ---------------------------------------------------------------------------

TEST(RespondStatic, RootServesTheIndexPageWithSecurityHeaders) {
  const StaticResponse response = respondStatic({"GET", "/", ""});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.body, findAsset("index.html")->content);
  EXPECT_EQ(header(response, "ETag"), findAsset("index.html")->etag);
  EXPECT_EQ(header(response, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(response, "X-Content-Type-Options"), "nosniff");
  const std::string csp = header(response, "Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos);
  EXPECT_EQ(header(response, "X-Frame-Options"), "DENY");
}

TEST(RespondStatic, QueryStringIsIgnored) {
  const StaticResponse response = respondStatic({"GET", "/ui/js/app.js?v=3", ""});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, findAsset("js/app.js")->content);
  EXPECT_TRUE(header(response, "Content-Security-Policy").empty());
}

TEST(RespondStatic, MatchingIfNoneMatchGets304WithoutBody) {
  const std::string etag(findAsset("app.css")->etag);
  for (const std::string& condition : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const StaticResponse response = respondStatic({"GET", "/ui/app.css", condition});
    EXPECT_EQ(response.status, 304) << condition;
    EXPECT_TRUE(response.body.empty());
    EXPECT_TRUE(response.content_type.empty());
    EXPECT_EQ(header(response, "ETag"), etag);
  }
}

TEST(RespondStatic, StaleIfNoneMatchGetsTheFile) {
  const StaticResponse response = respondStatic({"GET", "/ui/app.css", "\"0123456789abcdef\""});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, findAsset("app.css")->content);
}

TEST(RespondStatic, UnknownFilesAre404) {
  for (const char* uri : {"/ui/nope.js", "/ui/../index.html", "/ui/js//app.js", "/ui/%zz"}) {
    const StaticResponse response = respondStatic({"GET", uri, ""});
    EXPECT_EQ(response.status, 404) << uri;
    EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(header(response, "Cache-Control"), "no-store");
  }
}

TEST(RespondStatic, OtherMethodsAre405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    const StaticResponse response = respondStatic({method, "/", ""});
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(header(response, "Allow"), "GET, HEAD");
  }
}

TEST(RespondStatic, BareUiPrefixRedirectsToRoot) {
  for (const char* uri : {"/ui", "/ui/"}) {
    const StaticResponse response = respondStatic({"GET", uri, ""});
    EXPECT_EQ(response.status, 308) << uri;
    EXPECT_EQ(header(response, "Location"), "/");
  }
}

TEST(StaticHandlerRouting, HandlesRootAndUiPrefixOnly) {
  EXPECT_TRUE(StaticHandler::handles("/"));
  EXPECT_TRUE(StaticHandler::handles("/?x=1"));
  EXPECT_TRUE(StaticHandler::handles("/ui"));
  EXPECT_TRUE(StaticHandler::handles("/ui/js/app.js"));
  EXPECT_FALSE(StaticHandler::handles("/api/devices"));
  EXPECT_FALSE(StaticHandler::handles("/cwmp"));
  EXPECT_FALSE(StaticHandler::handles("/metrics"));
  EXPECT_FALSE(StaticHandler::handles("/uix"));
  EXPECT_FALSE(StaticHandler::handles("/favicon.ico"));
}

// --- Over real HTTP on loopback ------------------------------------------------------------------

class StaticOnlyFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override {
    if (StaticHandler::handles(request.getURI())) return new StaticHandler;
    return nullptr;  // Poco answers a missing handler by closing; never reached in these tests
  }
};

class StaticHandlerHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(2);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new StaticOnlyFactory, socket, params);
    server_->start();
    port_ = socket.address().port();
  }
  void TearDown() override { lab::stopAndDrain(*server_, true); }

  struct Reply {
    int status = 0;
    Poco::Net::HTTPResponse response;
    std::string body;
  };

  Reply request(const std::string& method, const std::string& uri,
                const std::string& if_none_match = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port_);
    Poco::Net::HTTPRequest http_request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!if_none_match.empty()) http_request.set("If-None-Match", if_none_match);
    session.sendRequest(http_request);
    Reply reply;
    std::istream& in = session.receiveResponse(reply.response);
    reply.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    reply.status = static_cast<int>(reply.response.getStatus());
    return reply;
  }

  std::unique_ptr<Poco::Net::HTTPServer> server_;
  Poco::UInt16 port_ = 0;
};

TEST_F(StaticHandlerHttpTest, ServesEveryAssetUnderUi) {
  for (const Asset& asset : allAssets()) {
    const Reply reply = request("GET", "/ui/" + std::string(asset.path));
    EXPECT_EQ(reply.status, 200) << asset.path;
    EXPECT_EQ(reply.body, asset.content) << asset.path;
    EXPECT_EQ(reply.response.getContentType(), asset.content_type) << asset.path;
    EXPECT_EQ(reply.response.get("ETag", ""), asset.etag) << asset.path;
  }
}

TEST_F(StaticHandlerHttpTest, RootServesIndexAndRevalidatesWith304) {
  const Reply first = request("GET", "/");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, findAsset("index.html")->content);
  const std::string etag = first.response.get("ETag", "");
  ASSERT_FALSE(etag.empty());
  const Reply second = request("GET", "/", etag);
  EXPECT_EQ(second.status, 304);
  EXPECT_TRUE(second.body.empty());
}

TEST_F(StaticHandlerHttpTest, HeadSendsLengthButNoBody) {
  const Reply reply = request("HEAD", "/ui/app.css");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(reply.response.getContentLength64(),
            static_cast<Poco::Int64>(findAsset("app.css")->content.size()));
}

TEST_F(StaticHandlerHttpTest, UnknownAssetIs404AndPostIs405) {
  const Reply missing = request("GET", "/ui/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("404"), std::string::npos);
  const Reply post = request("POST", "/");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.response.get("Allow", ""), "GET, HEAD");
}

}  // namespace
}  // namespace acs::web
