// CPE mode against our simulator, in process: one device of the TR-181 profile pointed at
// the harness's ACS endpoint. With no quirk every mandatory case passes; with the quirk a
// case names in `defect` switched on, that case fails naming its rule (negative control).
#include <chrono>
#include <memory>
#include <string>

#include "catalogue.h"
#include "cpe_harness.h"
#include "fleet/fleet.h"
#include "lab/server_shutdown.h"
#include "report.h"
#include "runner.h"
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

namespace conformance {
namespace {

constexpr const char* kSerial = "CL1810000000";  // tr181-gateway.yaml, device index 0

// A Connection Request endpoint with the defect "lax-cr-endpoint": it accepts any GET
// without authentication and passes it to the simulated device.
class LaxCrEndpoint {
 public:
  explicit LaxCrEndpoint(cpesim::Fleet& fleet) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(fleet), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~LaxCrEndpoint() { lab::stopAndDrain(*server_, true); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/cr"; }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(cpesim::Fleet& fleet) : fleet_(fleet) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      std::string ignored;
      Poco::StreamCopier::copyToString(request.stream(), ignored);
      response.setContentLength(0);
      response.send();
      fleet_.connectionRequested(kSerial);
    }

   private:
    cpesim::Fleet& fleet_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(cpesim::Fleet& fleet) : fleet_(fleet) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(fleet_);
    }

   private:
    cpesim::Fleet& fleet_;
  };
  std::uint16_t port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// The harness's ACS side plus one simulated device with `quirks`, running.
class SimulatedCpe {
 public:
  explicit SimulatedCpe(const std::string& defect) {
    target_ = std::make_shared<CpeTarget>();
    target_->acs = std::make_unique<AcsEndpoint>("127.0.0.1", 0);
    target_->files = std::make_unique<FileServer>("127.0.0.1");
    target_->slow_timeout = std::chrono::seconds(30);
    target_->notify_wait = std::chrono::milliseconds(300);

    cpesim::FleetConfig fc;
    cpesim::ProfileGroupConfig group;
    group.path = std::string(CPESIM_PROFILES_DIR) + "/tr181-gateway.yaml";
    group.count = 1;
    // Retries after a failed session come after 1-2 s instead of 5-10 s.
    group.set_values = {"Device.ManagementServer.CWMPRetryMinimumWaitInterval=1"};
    if (!defect.empty() && defect != "lax-cr-endpoint") group.quirks = {defect};
    fc.groups.push_back(group);
    fc.acs_url = target_->acs->url();
    fc.cr_bind = "127.0.0.1";
    fc.cr_max_per_window = 1000;  // the run sends a Connection Request per case
    fc.summary_interval = std::chrono::milliseconds(0);
    fc.http_timeout = std::chrono::seconds(10);
    fc.drain_timeout = std::chrono::milliseconds(500);
    fc.transfer_timeout = std::chrono::seconds(10);
    std::string error;
    fleet_ = cpesim::Fleet::create(fc, error);
    if (!fleet_) throw std::runtime_error("cannot build the simulated CPE: " + error);

    target_->cr_username = std::string("cr-") + kSerial;
    target_->cr_password = std::string("crpw-") + kSerial;
    if (defect == "lax-cr-endpoint") {
      lax_ = std::make_unique<LaxCrEndpoint>(*fleet_);
      target_->cr_url = lax_->url();
      target_->cr_url_given = true;
    }
    cpesim::Fleet* fleet = fleet_.get();
    target_->change_value = [fleet](const std::string& name, const std::string& value) {
      std::string failure;
      bool found = fleet->inspect(kSerial, [&](cpesim::Device& d, const cpesim::Profile& p) {
        auto r = d.changeValue(p, name, value, std::chrono::system_clock::now());
        if (!r) failure = r.error().message;
      });
      return found ? failure : std::string("no device ") + kSerial;
    };
    fleet_->start();
  }

  ~SimulatedCpe() {
    target_->acs->answerAllWith204();
    fleet_->stop();
    lax_.reset();
  }

  RunConfig config() const {
    RunConfig c;
    c.cpe = target_;
    c.run_tag = makeRunTag();
    c.timeout = std::chrono::seconds(15);  // only a broken run waits this long
    return c;
  }
  CpeTarget& target() { return *target_; }

 private:
  std::shared_ptr<CpeTarget> target_;
  std::unique_ptr<cpesim::Fleet> fleet_;
  std::unique_ptr<LaxCrEndpoint> lax_;
};

TEST(ConformanceCpeMode, EveryMandatoryCasePassesAgainstThePlainSimulator) {
  SimulatedCpe cpe("");
  RunConfig config = cpe.config();
  auto cases = selectCases(Side::Cpe, "");
  ASSERT_GE(cases.size(), 25u);
  RunReport report = runCases(Side::Cpe, cases, config, [&](const CaseResult& r) {
    if (r.c->level == Level::Mandatory) {
      EXPECT_EQ(r.outcome, Outcome::Pass) << r.c->id << ": " << r.message << "\n"
                                          << formatExchanges(r.exchanges);
    } else {
      EXPECT_NE(r.outcome, Outcome::Fail) << r.c->id << ": " << r.message;
    }
  });
  EXPECT_EQ(report.mandatoryFailures(), 0);
  EXPECT_NE(junitXml(report).find("CPE-SPV-02"), std::string::npos);
}

TEST(ConformanceCpeMode, NotificationCaseIsSkippedWithoutAWayToChangeValues) {
  SimulatedCpe cpe("");
  cpe.target().change_value = nullptr;
  auto cases = selectCases(Side::Cpe, "CPE-NOT-02");
  ASSERT_EQ(cases.size(), 1u);
  CaseResult r = runCase(*cases[0], cpe.config());
  EXPECT_EQ(r.outcome, Outcome::Skip) << r.message;
  EXPECT_NE(r.message.find("--change-cmd"), std::string::npos) << r.message;
}

TEST(ConformanceCpeMode, CpeCasesAreSkippedWithoutTheHarnessEndpoint) {
  RunConfig config;  // ACS-mode settings only
  for (const Case* c : selectCases(Side::Cpe, "")) {
    CaseResult r = runCase(*c, config);
    EXPECT_EQ(r.outcome, Outcome::Skip) << c->id << ": " << r.message;
  }
}

class CpeNegativeControl : public testing::TestWithParam<std::string> {};

TEST_P(CpeNegativeControl, CaseFailsAgainstTheSimulatorWithItsDefect) {
  auto cases = selectCases(Side::Cpe, GetParam());
  ASSERT_EQ(cases.size(), 1u);
  const Case& c = *cases[0];
  ASSERT_FALSE(c.defect.empty()) << c.id;
  SimulatedCpe cpe(c.defect);
  CaseResult r = runCase(c, cpe.config());
  EXPECT_EQ(r.outcome, Outcome::Fail)
      << c.id << " did not fail against defect '" << c.defect << "': " << r.message << "\n"
      << formatExchanges(r.exchanges);
  EXPECT_EQ(r.message.rfind("[" + c.rule + "]", 0), 0u) << r.message;
  EXPECT_EQ(r.message.find("harness error"), std::string::npos) << r.message;
  EXPECT_FALSE(r.exchanges.empty());
  RecordProperty("failure", r.message);
}

std::vector<std::string> cpeIds() {
  std::vector<std::string> ids;
  for (const Case* c : selectCases(Side::Cpe, "")) ids.push_back(c->id);
  return ids;
}

INSTANTIATE_TEST_SUITE_P(EveryCpeCase, CpeNegativeControl, testing::ValuesIn(cpeIds()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name;
                           for (char ch : param.param) {
                             if (ch != '-') name.push_back(ch);
                           }
                           return name;
                         });

}  // namespace
}  // namespace conformance
