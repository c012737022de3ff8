// HttpConnectionRequester against a real HTTP listener on loopback that plays the CPE's
// connection-request endpoint (checklist 9.1): Digest-authenticated GET, 200/204 accepted,
// failures reported with a reason (wrong credentials, busy CPE, offline, timeout).
#include "lab/server_shutdown.h"
#include <atomic>
#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include "acs/src/http/connection_request.h"
#include "acs/src/http/cpe_auth.h"
#include "acs/src/store/store_factory.h"
#include "acs/test/integration/cwmp_test_support.h"

namespace acs::itest {
namespace {

// The CPE side: answers GET /cr/<serial> per `mode`, checking Digest credentials with the
// ACS's own authenticator configured as the CPE would be. The handlers share the endpoint's
// state through a shared_ptr; the destructor waits for handlers still running.
class CrEndpoint {
 public:
  enum class Mode { Digest, Basic, NoAuth, Busy, Slow };

  CrEndpoint(Mode mode, std::string user, std::string password)
      : state_(std::make_shared<State>()) {
    CpeAuthConfig c;
    c.mode = mode == Mode::Basic ? CpeAuthMode::Basic : CpeAuthMode::Digest;
    c.realm = "cpe";
    c.username = std::move(user);
    c.password = std::move(password);
    c.allow_basic_without_tls = true;
    state_->mode = mode;
    state_->auth = std::make_unique<http::CpeAuthenticator>(c, "cpe-secret");
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    socket_ = Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket_, params);
    server_->start();
  }
  ~CrEndpoint() { lab::stopAndDrain(*server_, true); }

  std::string url(const std::string& serial) const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/cr/" + serial;
  }
  int accepted() const { return state_->accepted.load(); }

 private:
  struct State {
    Mode mode = Mode::Digest;
    std::unique_ptr<http::CpeAuthenticator> auth;
    std::atomic<int> accepted{0};

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
      if (mode == Mode::Slow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      } else if (mode == Mode::Busy) {
        response.setStatus(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
        response.setContentLength(0);
        response.send();
        return;
      } else if (mode != Mode::NoAuth) {
        auto r = auth->check(request.getMethod(), request.getURI(),
                             request.get("Authorization", ""), store::nowMs());
        if (r.kind != http::AuthResult::Kind::Ok) {
          response.setStatus(Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
          response.set("WWW-Authenticate", r.www_authenticate);
          response.setContentLength(0);
          response.send();
          return;
        }
      }
      ++accepted;
      response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
      response.setContentLength(0);
      response.send();
    }
  };

  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(std::shared_ptr<State> state) : state_(std::move(state)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      state_->handle(request, response);
    }

   private:
    std::shared_ptr<State> state_;
  };
  class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(std::shared_ptr<State> state) : state_(std::move(state)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(state_);
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

class ConnectionRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::openStore("sqlite://" + (dir_.path() / "acs.db").string(), {});
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }

  // A device whose Inform reported `cr_url`; the ACS knows its CR credentials when given.
  store::Device device(const std::string& serial, const std::string& cr_url,
                       const std::string& user = "", const std::string& password = "") {
    store::InformRecord r;
    r.oui = "00A0C9";
    r.product_class = "RG1";
    r.serial_number = serial;
    r.connection_request_url = cr_url;
    r.now = store::nowMs();
    if (!user.empty()) {
      r.parameters.push_back({"Device.ManagementServer.ConnectionRequestUsername", user,
                              "xsd:string", std::nullopt, r.now});
      r.parameters.push_back({"Device.ManagementServer.ConnectionRequestPassword", password,
                              "xsd:string", std::nullopt, r.now});
    }
    auto d = store_->recordInform(r);
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : store::Device{};
  }

  HttpConnectionRequester requester(long timeout_ms = 1000, bool allow_basic = false) {
    HttpConnectionRequesterOptions o;
    o.timeout = std::chrono::milliseconds(timeout_ms);
    o.allow_basic = allow_basic;
    return HttpConnectionRequester(*store_, o);
  }

  TempDir dir_;
  store::StorePtr store_;
};

TEST_F(ConnectionRequestTest, DigestAuthenticatedRequestIsAccepted) {
  CrEndpoint cpe(CrEndpoint::Mode::Digest, "cr-user", "cr-pass");
  auto outcome = requester().request(device("CR1", cpe.url("CR1"), "cr-user", "cr-pass"));
  EXPECT_TRUE(outcome.ok) << outcome.message;
  EXPECT_EQ(outcome.http_status, 204);
  EXPECT_NE(outcome.message.find("accepted"), std::string::npos);
  EXPECT_EQ(cpe.accepted(), 1);
}

TEST_F(ConnectionRequestTest, NoAuthenticationNeededIsAcceptedToo) {
  CrEndpoint cpe(CrEndpoint::Mode::NoAuth, "", "");
  auto outcome = requester().request(device("CR2", cpe.url("CR2")));
  EXPECT_TRUE(outcome.ok) << outcome.message;
}

TEST_F(ConnectionRequestTest, WrongCredentialsAreReported) {
  CrEndpoint cpe(CrEndpoint::Mode::Digest, "cr-user", "cr-pass");
  auto outcome = requester().request(device("CR3", cpe.url("CR3"), "cr-user", "wrong"));
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.http_status, 401);
  EXPECT_NE(outcome.message.find("rejected"), std::string::npos) << outcome.message;
  EXPECT_EQ(cpe.accepted(), 0);
  auto unknown = requester().request(device("CR4", cpe.url("CR4")));
  EXPECT_FALSE(unknown.ok);
  EXPECT_NE(unknown.message.find("ConnectionRequestUsername"), std::string::npos)
      << unknown.message;
}

TEST_F(ConnectionRequestTest, BasicOnlyWhenAllowed) {
  CrEndpoint cpe(CrEndpoint::Mode::Basic, "u", "p");
  store::Device d = device("CR5", cpe.url("CR5"), "u", "p");
  auto refused = requester().request(d);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.message.find("Basic"), std::string::npos) << refused.message;
  auto allowed = requester(1000, true).request(d);
  EXPECT_TRUE(allowed.ok) << allowed.message;
}

TEST_F(ConnectionRequestTest, BusyCpeAnswer503IsReported) {
  CrEndpoint cpe(CrEndpoint::Mode::Busy, "", "");
  auto outcome = requester().request(device("CR6", cpe.url("CR6")));
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.http_status, 503);
  EXPECT_NE(outcome.message.find("busy"), std::string::npos) << outcome.message;
}

TEST_F(ConnectionRequestTest, OfflineAndSlowDevicesAndBadUrls) {
  // A port nobody listens on.
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::uint16_t closed = probe.address().port();
  probe.close();
  auto offline =
      requester().request(device("CR7", "http://127.0.0.1:" + std::to_string(closed) + "/cr"));
  EXPECT_FALSE(offline.ok);
  EXPECT_EQ(offline.http_status, 0);
  EXPECT_NE(offline.message.find("offline"), std::string::npos) << offline.message;

  CrEndpoint slow(CrEndpoint::Mode::Slow, "", "");
  const auto t0 = std::chrono::steady_clock::now();
  auto timed_out = requester(300).request(device("CR8", slow.url("CR8")));
  EXPECT_FALSE(timed_out.ok);
  EXPECT_NE(timed_out.message.find("300 ms"), std::string::npos) << timed_out.message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1400));

  auto none = requester().request(device("CR9", ""));
  EXPECT_FALSE(none.ok);
  EXPECT_NE(none.message.find("ConnectionRequestURL"), std::string::npos);
  auto https = requester().request(device("CR10", "https://127.0.0.1/cr"));
  EXPECT_FALSE(https.ok);
  EXPECT_NE(https.message.find("http://"), std::string::npos) << https.message;
}

}  // namespace
}  // namespace acs::itest
