// Unit tests of the pure parts: catalogue shape, id selection and the report renderings.
#include "report.h"

#include <fstream>
#include <set>
#include <sstream>

#include "acs_stub.h"
#include "catalogue.h"
#include <gtest/gtest.h>

namespace conformance {
namespace {

TEST(ConformanceCatalogue, HasAtLeastEightyCasesWithUniqueIds) {
  const auto& cases = catalogue();
  EXPECT_GE(cases.size(), 80u);
  std::set<std::string> ids;
  for (const auto& c : cases) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate id " << c.id;
    EXPECT_FALSE(c.title.empty()) << c.id;
    EXPECT_FALSE(c.rule.empty()) << c.id;
    EXPECT_TRUE(c.run) << c.id;
  }
}

TEST(ConformanceCatalogue, EveryAcsCaseNamesADefectTheStubKnows) {
  for (const auto& c : catalogue()) {
    if (c.side != Side::Acs) continue;
    EXPECT_EQ(test::stubDefects().count(c.defect), 1u) << c.id << " names '" << c.defect << "'";
  }
}

TEST(ConformanceCatalogue, CoversTheChecklistGroups) {
  std::string rules;
  for (const auto& c : catalogue()) rules += c.rule + "\n";
  for (const char* group : {"T-HTTP", "T-SOAP", "T-SESS", "T-EVT", "T-INF", "T-XFER", "RPC table",
                            "Robustness", "13."}) {
    EXPECT_NE(rules.find(group), std::string::npos) << group;
  }
}

TEST(ConformanceSelect, GlobMatchesIdsAndSelectsBySide) {
  EXPECT_TRUE(globMatch("ACS-SESS-*", "ACS-SESS-01"));
  EXPECT_TRUE(globMatch("*NS1-?", "ACS-SOAP-NS1-4"));
  EXPECT_FALSE(globMatch("ACS-SESS-*", "ACS-SOAP-ID-01"));
  auto sess = selectCases(Side::Acs, "ACS-SESS-*");
  EXPECT_GE(sess.size(), 8u);
  for (const Case* c : sess) EXPECT_EQ(c->id.rfind("ACS-SESS-", 0), 0u);
  auto cpe = selectCases(Side::Cpe, "");
  EXPECT_GE(cpe.size(), 25u);
  for (const Case* c : cpe) EXPECT_EQ(c->id.rfind("CPE-", 0), 0u);
  EXPECT_EQ(selectCases(Side::Cpe, "CPE-SPV-*").size(), 4u);
}

RunReport sampleReport(const Case& pass_case, const Case& fail_case, const Case& skip_case) {
  RunReport report;
  report.target = "http://127.0.0.1:1/cwmp";
  report.started = "2026-01-01T00:00:00Z";
  CaseResult pass{&pass_case, Outcome::Pass, "", {}, 0.01};
  CaseResult fail{&fail_case, Outcome::Fail, "[rule] expected <204> & got 200", {}, 0.02};
  Exchange ex;
  ex.note = "empty POST";
  ex.method = "POST";
  ex.target = report.target;
  ex.status = 200;
  ex.reason = "OK";
  ex.response_body = "<soap:Envelope/>\x01 bad \xC3\x28 utf8";
  fail.exchanges.push_back(ex);
  CaseResult skip{&skip_case, Outcome::Skip, "[rule] skipped: no trigger", {}, 0};
  report.results = {pass, fail, skip};
  return report;
}

TEST(ConformanceReport, JunitHasOneTestcasePerCaseAndTheExchangeInTheFailure) {
  const auto& c = catalogue();
  RunReport report = sampleReport(c[0], c[1], c[2]);
  std::string xml = junitXml(report);
  std::size_t count = 0;
  for (std::size_t at = xml.find("<testcase "); at != std::string::npos;
       at = xml.find("<testcase ", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3u);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("skipped=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("expected &lt;204&gt; &amp; got 200"), std::string::npos);
  EXPECT_NE(xml.find("&lt;soap:Envelope/&gt;"), std::string::npos);  // the wire
  EXPECT_EQ(xml.find('\x01'), std::string::npos);                    // not XML 1.0
}

TEST(ConformanceReport, JsonAndMarkdownCarryOutcomesAndCoverage) {
  const auto& c = catalogue();
  RunReport report = sampleReport(c[0], c[1], c[2]);
  EXPECT_EQ(report.count(Outcome::Pass), 1);
  EXPECT_EQ(report.mandatoryFailures(), c[1].level == Level::Mandatory ? 1 : 0);
  std::string json = jsonReport(report);
  EXPECT_NE(json.find("\"outcome\":\"fail\""), std::string::npos);
  EXPECT_NE(json.find("\"outcome\":\"skip\""), std::string::npos);
  EXPECT_NE(json.find("\\u0001"), std::string::npos);
  EXPECT_EQ(json.find("\xC3\x28"), std::string::npos);  // not UTF-8: replaced
  EXPECT_NE(json.find("\\ufffd("), std::string::npos);  // U+FFFD, escaped
  EXPECT_NE(junitXml(report).find("\xEF\xBF\xBD("), std::string::npos);
  std::string md = markdownReport(report);
  EXPECT_NE(md.find("| Rule | Case | Level | Result |"), std::string::npos);
  EXPECT_NE(md.find(c[1].id), std::string::npos);
  EXPECT_NE(md.find("**fail**"), std::string::npos);
  EXPECT_NE(md.find("| Group | Cases | Pass | Fail | Skip |"), std::string::npos);
  std::string table = markdownCatalogue(catalogue());
  EXPECT_NE(table.find("| " + c.back().id + " |"), std::string::npos);
}

}  // namespace
}  // namespace conformance

namespace conformance {
namespace {

TEST(ConformanceReadme, CatalogueTableIsUpToDate) {
  std::ifstream in(CONFORMANCE_README);
  ASSERT_TRUE(in) << "cannot read " << CONFORMANCE_README;
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string begin = "<!-- catalogue:begin -->\n";
  const std::string end = "<!-- catalogue:end -->";
  auto a = readme.find(begin);
  auto b = readme.find(end);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_EQ(readme.substr(a + begin.size(), b - a - begin.size()), markdownCatalogue(catalogue()))
      << "regenerate the table with `conformance list --markdown`";
}

}  // namespace
}  // namespace conformance
