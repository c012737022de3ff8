#include "case_model.h"

#include <exception>

#include <Poco/Exception.h>

namespace conformance {

std::string_view levelName(Level level) {
  return level == Level::Mandatory ? "mandatory" : "optional";
}
std::string_view sideName(Side side) { return side == Side::Acs ? "acs" : "cpe"; }
std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::Pass:
      return "pass";
    case Outcome::Fail:
      return "fail";
    case Outcome::Skip:
      return "skip";
  }
  return "fail";
}

void CaseContext::fail(const std::string& message) const {
  throw CaseStop{Outcome::Fail, "[" + case_.rule + "] " + message};
}

void CaseContext::skip(const std::string& message) const {
  throw CaseStop{Outcome::Skip, "[" + case_.rule + "] skipped: " + message};
}

std::string CaseContext::serial(const std::string& suffix) const {
  std::string out = "CONF_" + config_.run_tag + "_";
  for (char ch : case_.id) {
    if (ch != '-') out.push_back(ch);
  }
  if (!suffix.empty()) out += "_" + suffix;
  return out;
}

CaseResult runCase(const Case& c, const RunConfig& config) {
  CaseResult result;
  result.c = &c;
  CaseContext ctx(c, config);
  auto start = std::chrono::steady_clock::now();
  try {
    c.run(ctx);
    result.outcome = Outcome::Pass;
  } catch (const CaseStop& stop) {
    result.outcome = stop.outcome;
    result.message = stop.message;
  } catch (const Poco::Exception& e) {
    result.outcome = Outcome::Fail;
    result.message = "[" + c.rule + "] harness error: " + e.displayText();
  } catch (const std::exception& e) {
    result.outcome = Outcome::Fail;
    result.message = "[" + c.rule + "] harness error: " + e.what();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.exchanges = std::move(ctx.exchanges());
  return result;
}

}  // namespace conformance
