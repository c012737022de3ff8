// conformance/runner.h: runs selected cases and writes the reports.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "case_model.h"
#include "report.h"

namespace conformance {

// Runs `cases` in order against the peer in `config`; `progress` (may be empty) is called
// after each case.
RunReport runCases(Side side, const std::vector<const Case*>& cases, const RunConfig& config,
                   const std::function<void(const CaseResult&)>& progress = {});

// Writes junit.xml, result.json and summary.md into `dir` (created when missing). Returns ""
// or what could not be written.
std::string writeReports(const RunReport& report, const std::string& dir);

// A tag for device serials, unique per run (time-based, [A-Za-z0-9]).
std::string makeRunTag();

}  // namespace conformance
