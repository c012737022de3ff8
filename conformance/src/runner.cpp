#include "runner.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cpe_harness.h"

namespace conformance {
namespace {

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string makeRunTag() {
  auto ticks = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  auto value = static_cast<unsigned long long>(ticks);
  while (value > 0) {
    out.insert(out.begin(), kDigits[value % 36]);
    value /= 36;
  }
  return out;
}

RunReport runCases(Side side, const std::vector<const Case*>& cases, const RunConfig& config,
                   const std::function<void(const CaseResult&)>& progress) {
  RunReport report;
  report.side = side;
  report.target = config.cpe ? config.cpe->acs->url() : config.acs_url;
  report.trigger = config.trigger ? config.trigger->describe() : "";
  report.started = utcNow();
  for (const Case* c : cases) {
    report.results.push_back(runCase(*c, config));
    if (progress) progress(report.results.back());
  }
  return report;
}

std::string writeReports(const RunReport& report, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create " + dir + ": " + ec.message();
  const std::pair<const char*, std::string> files[] = {
      {"junit.xml", junitXml(report)},
      {"result.json", jsonReport(report)},
      {"summary.md", markdownReport(report)},
  };
  for (const auto& [name, text] : files) {
    std::filesystem::path path = std::filesystem::path(dir) / name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return "cannot write " + path.string();
  }
  return "";
}

}  // namespace conformance
