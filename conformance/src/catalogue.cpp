#include "catalogue.h"

#include "cpe_harness.h"

namespace conformance {

const std::vector<Case>& catalogue() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> all = acsCases();
    for (Case& c : cpeCases()) all.push_back(std::move(c));
    return all;
  }();
  return cases;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (globMatch(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  if (pattern[0] == '?' || pattern[0] == text[0]) {
    return globMatch(pattern.substr(1), text.substr(1));
  }
  return false;
}

std::vector<const Case*> selectCases(Side side, const std::string& pattern) {
  std::vector<const Case*> out;
  for (const Case& c : catalogue()) {
    if (c.side != side) continue;
    if (!pattern.empty() && !globMatch(pattern, c.id)) continue;
    out.push_back(&c);
  }
  return out;
}

}  // namespace conformance
