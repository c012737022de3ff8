// conformance/report.h: JUnit XML, JSON and Markdown renderings of a run, and the catalogue
// table. Pure: strings in, strings out.
#pragma once

#include <string>
#include <vector>

#include "case_model.h"

namespace conformance {

struct RunReport {
  Side side = Side::Acs;
  std::string target;   // URL of the peer under test
  std::string trigger;  // trigger description, "" when none
  std::string started;  // ISO 8601 UTC
  std::vector<CaseResult> results;

  int count(Outcome outcome) const;
  // Mandatory cases that failed: the run's verdict is "conformant" when this is 0.
  int mandatoryFailures() const;
};

// One <testcase> per case; a failure's message is the case message, its text the full
// exchange; skips are <skipped message=...>.
std::string junitXml(const RunReport& report);
std::string jsonReport(const RunReport& report);
// Summary, coverage table (rule -> cases -> result) and each failure with its exchange.
std::string markdownReport(const RunReport& report);
// The case catalogue as a Markdown table (conformance list --markdown).
std::string markdownCatalogue(const std::vector<Case>& cases);
// The exchanges of a case as readable text (HTTP request lines, headers, bodies).
std::string formatExchanges(const std::vector<Exchange>& exchanges);

}  // namespace conformance
