// conformance: checks an ACS against TR-069 by playing CPEs (see conformance/README.md).
//
//   conformance acs --url http://host:port/cwmp [--trigger-api URL [--api-key K] |
//                   --trigger-cmd 'cmd {device} {rpc} {args}'] [--cpe-username U
//                   --cpe-password P] [--out DIR] [--only PATTERN] [--timeout-ms N]
//   conformance list [--markdown]
//
// Exit status: 0 when every mandatory case that ran passed, 1 when one failed, 2 on usage
// errors.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "catalogue.h"
#include "http_client.h"
#include "report.h"
#include "runner.h"
#include "trigger.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  conformance acs --url http://host:port/cwmp [options]\n"
    "      --trigger-api URL      REST API base (e.g. http://host:port/api) to queue RPCs\n"
    "      --api-key KEY          key for --trigger-api (sent as X-API-Key)\n"
    "      --trigger-cmd CMD      shell command queuing an RPC; {device} {rpc} {args} are\n"
    "                             replaced (also in env CONFORMANCE_DEVICE/RPC/ARGS)\n"
    "      --cpe-username U, --cpe-password P   credentials the ACS expects from CPEs\n"
    "      --out DIR              write junit.xml, result.json, summary.md (default "
    "./conformance-out)\n"
    "      --only PATTERN         run cases whose id matches the glob (e.g. 'ACS-SESS-*')\n"
    "      --timeout-ms N         per-request timeout (default 5000)\n"
    "  conformance list [--markdown]   print the case catalogue\n";

int usage(const std::string& error) {
  std::cerr << "conformance: " << error << "\n" << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string mode = args[0];
  if (mode == "list") {
    bool markdown = args.size() > 1 && args[1] == "--markdown";
    if (args.size() > (markdown ? 2u : 1u)) return usage("unexpected argument to list");
    if (markdown) {
      std::cout << conformance::markdownCatalogue(conformance::catalogue());
    } else {
      for (const auto& c : conformance::catalogue()) {
        std::cout << c.id << "  [" << conformance::levelName(c.level) << "] " << c.title << "  ("
                  << c.rule << ")\n";
      }
    }
    return 0;
  }
  if (mode != "acs") return usage("unknown mode '" + mode + "' (acs or list)");

  conformance::RunConfig config;
  std::string out_dir = "conformance-out";
  std::string only, trigger_api, api_key, trigger_cmd;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    bool ok = true;
    std::string timeout;
    if (a == "--url") {
      ok = value(config.acs_url);
    } else if (a == "--trigger-api") {
      ok = value(trigger_api);
    } else if (a == "--api-key") {
      ok = value(api_key);
    } else if (a == "--trigger-cmd") {
      ok = value(trigger_cmd);
    } else if (a == "--cpe-username") {
      ok = value(config.cpe_username);
    } else if (a == "--cpe-password") {
      ok = value(config.cpe_password);
    } else if (a == "--out") {
      ok = value(out_dir);
    } else if (a == "--only") {
      ok = value(only);
    } else if (a == "--timeout-ms") {
      ok = value(timeout);
      char* end = nullptr;
      long ms = ok ? std::strtol(timeout.c_str(), &end, 10) : 0;
      if (!ok || end == timeout.c_str() || *end != '\0' || ms < 100 || ms > 600000) {
        return usage("--timeout-ms needs a number of milliseconds (100..600000)");
      }
      config.timeout = std::chrono::milliseconds(ms);
    } else {
      return usage("unknown option '" + a + "'");
    }
    if (!ok) return usage(a + " needs a value");
  }
  if (config.acs_url.empty()) return usage("acs mode needs --url");
  if (!trigger_api.empty() && !trigger_cmd.empty()) {
    return usage("use either --trigger-api or --trigger-cmd, not both");
  }
  if (config.cpe_username.empty() != config.cpe_password.empty()) {
    return usage("--cpe-username and --cpe-password go together");
  }
  try {
    (void)conformance::parseUrl(config.acs_url);
    if (!trigger_api.empty()) config.trigger = conformance::makeApiTrigger(trigger_api, api_key);
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  if (!trigger_cmd.empty()) config.trigger = conformance::makeCommandTrigger(trigger_cmd);
  config.run_tag = conformance::makeRunTag();

  auto cases = conformance::selectCases(conformance::Side::Acs, only);
  if (cases.empty()) return usage("no case matches '" + only + "'");
  auto report = conformance::runCases(
      conformance::Side::Acs, cases, config, [](const conformance::CaseResult& r) {
        std::cout << (r.outcome == conformance::Outcome::Pass   ? "PASS "
                      : r.outcome == conformance::Outcome::Fail ? "FAIL "
                                                                : "SKIP ")
                  << r.c->id << "  " << r.c->title;
        if (!r.message.empty()) std::cout << "\n     " << r.message;
        std::cout << std::endl;
      });
  std::string error = conformance::writeReports(report, out_dir);
  if (!error.empty()) {
    std::cerr << "conformance: " << error << "\n";
    return 2;
  }
  std::cout << "\n"
            << report.results.size() << " cases: " << report.count(conformance::Outcome::Pass)
            << " passed, " << report.count(conformance::Outcome::Fail) << " failed, "
            << report.count(conformance::Outcome::Skip) << " skipped; reports in " << out_dir
            << "\n";
  return report.mandatoryFailures() == 0 ? 0 : 1;
}
