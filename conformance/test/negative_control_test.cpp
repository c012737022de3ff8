// Every case against the in-test ACS stub: with no defect every case that can run passes,
// and with the case's own defect switched on it fails, naming its rule (negative control).
#include "acs_stub.h"
#include "catalogue.h"
#include "report.h"
#include "runner.h"
#include "trigger.h"
#include <gtest/gtest.h>

namespace conformance {
namespace {

bool needsCredentials(const Case& c) { return c.defect == "auth-not-enforced"; }

RunConfig configFor(const test::AcsStub& stub, bool credentials) {
  RunConfig config;
  config.acs_url = stub.cwmpUrl();
  config.trigger = makeApiTrigger(stub.apiUrl(), "");
  config.run_tag = makeRunTag();
  if (credentials) {
    config.cpe_username = "cpe";
    config.cpe_password = "secret";
  }
  return config;
}

TEST(ConformanceAgainstStub, EveryCasePassesAgainstTheStubWithoutDefects) {
  test::AcsStub stub({});
  RunConfig config = configFor(stub, false);
  for (const Case& c : catalogue()) {
    if (c.side != Side::Acs || needsCredentials(c)) continue;
    CaseResult r = runCase(c, config);
    if (c.id == "ACS-SESS-09") {  // the clean stub never sends HoldRequests
      EXPECT_EQ(r.outcome, Outcome::Skip) << c.id << ": " << r.message;
      continue;
    }
    EXPECT_EQ(r.outcome, Outcome::Pass) << c.id << ": " << r.message << "\n"
                                        << formatExchanges(r.exchanges);
  }
}

TEST(ConformanceAgainstStub, AuthCasesPassWithDigestAndSkipWithoutCredentials) {
  test::AcsStub stub({.defects = {}, .username = "cpe", .password = "secret"});
  RunConfig with = configFor(stub, true);
  RunConfig without = configFor(stub, false);
  for (const Case& c : catalogue()) {
    if (c.side != Side::Acs || !needsCredentials(c)) continue;
    CaseResult r = runCase(c, with);
    EXPECT_EQ(r.outcome, Outcome::Pass) << c.id << ": " << r.message << "\n"
                                        << formatExchanges(r.exchanges);
    EXPECT_EQ(runCase(c, without).outcome, Outcome::Skip) << c.id;
  }
}

TEST(ConformanceAgainstStub, TriggerCasesAreSkippedWithoutATrigger) {
  test::AcsStub stub({});
  RunConfig config = configFor(stub, false);
  config.trigger.reset();
  int skipped = 0;
  for (const Case* c : selectCases(Side::Acs, "ACS-RPC-GPV-*")) {
    CaseResult r = runCase(*c, config);
    EXPECT_EQ(r.outcome, Outcome::Skip) << r.message;
    EXPECT_NE(r.message.find("--trigger-api"), std::string::npos);
    ++skipped;
  }
  EXPECT_EQ(skipped, 1);
}

TEST(ConformanceAgainstStub, CommandTriggerQueuesThroughAShellCommand) {
  test::AcsStub stub({});
  RunConfig config = configFor(stub, false);
  // The command posts to the stub's REST endpoint itself, with the JSON from the environment.
  config.trigger = makeCommandTrigger(
      "printf '{\"task_type\":\"%s\",\"parameters\":%s}' \"$CONFORMANCE_RPC\" "
      "\"$CONFORMANCE_ARGS\" | curl -sf -X POST -H 'Content-Type: application/json' "
      "--data-binary @- " +
      stub.apiUrl() + "/devices/{device}/tasks >/dev/null");
  if (std::system("command -v curl >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "curl is not installed";
  }
  auto cases = selectCases(Side::Acs, "ACS-RPC-SPV-01");
  ASSERT_EQ(cases.size(), 1u);
  CaseResult r = runCase(*cases[0], config);
  EXPECT_EQ(r.outcome, Outcome::Pass) << r.message << "\n" << formatExchanges(r.exchanges);

  config.trigger = makeCommandTrigger("echo refused; exit 3");
  r = runCase(*cases[0], config);
  EXPECT_EQ(r.outcome, Outcome::Fail);
  EXPECT_NE(r.message.find("refused"), std::string::npos) << r.message;
}

class NegativeControl : public testing::TestWithParam<std::string> {};

TEST_P(NegativeControl, CaseFailsAgainstThePeerWithItsDefect) {
  const Case* c = nullptr;
  for (const Case& candidate : catalogue()) {
    if (candidate.id == GetParam()) c = &candidate;
  }
  ASSERT_NE(c, nullptr);
  test::StubOptions options;
  options.defects = {c->defect};
  if (needsCredentials(*c)) {
    options.username = "cpe";
    options.password = "secret";
  }
  test::AcsStub stub(options);
  CaseResult r = runCase(*c, configFor(stub, needsCredentials(*c)));
  EXPECT_EQ(r.outcome, Outcome::Fail)
      << c->id << " did not fail against defect '" << c->defect << "': " << r.message;
  EXPECT_EQ(r.message.rfind("[" + c->rule + "]", 0), 0u) << r.message;
  EXPECT_EQ(r.message.find("harness error"), std::string::npos) << r.message;
  EXPECT_FALSE(r.exchanges.empty());
}

std::vector<std::string> allIds() {
  std::vector<std::string> ids;
  for (const Case& c : catalogue()) {
    if (c.side == Side::Acs) ids.push_back(c.id);
  }
  return ids;
}

INSTANTIATE_TEST_SUITE_P(EveryCase, NegativeControl, testing::ValuesIn(allIds()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name;
                           for (char ch : param.param) {
                             if (ch != '-') name.push_back(ch);
                           }
                           return name;
                         });

}  // namespace
}  // namespace conformance
