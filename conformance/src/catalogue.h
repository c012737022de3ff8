// conformance/catalogue.h: every conformance case the harness knows.
#pragma once

#include <string>
#include <vector>

#include "case_model.h"

namespace conformance {

// The ACS-mode cases (the harness plays CPEs), in catalogue order.
std::vector<Case> acsCases();

// The whole catalogue (ACS-mode cases, then CPE-mode cases: cpe_harness.h), built once.
const std::vector<Case>& catalogue();

// Cases whose id matches `pattern` (glob with '*' and '?'; "" matches all) and side.
std::vector<const Case*> selectCases(Side side, const std::string& pattern);

bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace conformance
