// conformance: checks an ACS (by playing CPEs) or a CPE (by playing its ACS) against TR-069
// (see conformance/README.md).
//
//   conformance acs --url http(s)://host:port/cwmp [--trigger-api URL [--api-key K] |
//                   --trigger-cmd 'cmd {device} {rpc} {args}'] [--cpe-username U
//                   --cpe-password P] [--ca-file F | --insecure] [--out DIR] [--only PATTERN]
//                   [--timeout-ms N]
//   conformance cpe --listen HOST:PORT [--cr-url URL] [--cr-user U --cr-password P]
//                   [--device SERIAL] [--cases PATTERN] [--timeout-ms N] [--slow-timeout-ms N]
//                   [--change-cmd CMD] [--notify-param P] [--spv-param P] [--object PATH]
//                   [--out DIR]
//   conformance list [--markdown]
//
// Exit status: 0 when every mandatory case that ran passed, 1 when one failed, 2 on usage
// errors.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "catalogue.h"
#include "cpe_harness.h"
#include "http_client.h"
#include "report.h"
#include "runner.h"
#include "trigger.h"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  conformance acs --url http(s)://host:port/cwmp [options]\n"
    "      --trigger-api URL      REST API base (e.g. http://host:port/api) to queue RPCs\n"
    "      --api-key KEY          key for --trigger-api (sent as X-API-Key)\n"
    "      --trigger-cmd CMD      shell command queuing an RPC; {device} {rpc} {args} are\n"
    "                             replaced (also in env CONFORMANCE_DEVICE/RPC/ARGS)\n"
    "      --cpe-username U, --cpe-password P   credentials the ACS expects from CPEs\n"
    "      --ca-file FILE         https: trust the CA certificates in FILE (PEM) instead of\n"
    "                             the system's\n"
    "      --insecure             https: do not verify the ACS certificate (test ACSs only)\n"
    "      --out DIR              write junit.xml, result.json, summary.md (default "
    "./conformance-out)\n"
    "      --only PATTERN         run cases whose id matches the glob (e.g. 'ACS-SESS-*')\n"
    "      --timeout-ms N         per-request timeout (default 5000)\n"
    "  conformance cpe --listen HOST:PORT [options]   play the ACS for a CPE pointed at\n"
    "                             http://HOST:PORT/cwmp\n"
    "      --cr-url URL           the CPE's Connection Request URL (default: from its Inform)\n"
    "      --cr-user U, --cr-password P   Connection Request credentials of the CPE\n"
    "      --device SERIAL        only this device (Informs of others get fault 8005)\n"
    "      --cases PATTERN        run cases whose id matches the glob (e.g. 'CPE-SPV-*')\n"
    "      --timeout-ms N         wait for each CPE message this long (default 30000)\n"
    "      --slow-timeout-ms N    wait for reboots, retries, transfers (default 180000)\n"
    "      --change-cmd CMD       shell command changing a value on the device, {name} and\n"
    "                             {value} replaced (env CONFORMANCE_NAME/VALUE)\n"
    "      --notify-param P       boolean parameter for notification cases (relative to the\n"
    "                             root; default ManagementServer.UpgradesManaged)\n"
    "      --spv-param P          writable string parameter (default DeviceInfo.ProvisioningCode)\n"
    "      --object PATH          writable table for Add/DeleteObject (default: found by GPN)\n"
    "      --out DIR              reports (default ./conformance-out)\n"
    "  conformance list [--markdown]   print the case catalogue\n";

int usage(const std::string& error) {
  std::cerr << "conformance: " << error << "\n" << kUsage;
  return 2;
}

void printResult(const conformance::CaseResult& r) {
  std::cout << (r.outcome == conformance::Outcome::Pass   ? "PASS "
                : r.outcome == conformance::Outcome::Fail ? "FAIL "
                                                          : "SKIP ")
            << r.c->id << "  " << r.c->title;
  if (!r.message.empty()) std::cout << "\n     " << r.message;
  std::cout << std::endl;
}

int finish(const conformance::RunReport& report, const std::string& out_dir) {
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

bool parseMs(const std::string& text, std::chrono::milliseconds& out) {
  char* end = nullptr;
  long ms = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || ms < 100 || ms > 3600000) return false;
  out = std::chrono::milliseconds(ms);
  return true;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Runs `command` through /bin/sh with {name} and {value} replaced; "" when it exits 0,
// else its output.
conformance::ValueChanger commandChanger(std::string command) {
  return [command](const std::string& name, const std::string& value) -> std::string {
    std::string line = replaceAll(replaceAll(command, "{name}", name), "{value}", value);
    ::setenv("CONFORMANCE_NAME", name.c_str(), 1);
    ::setenv("CONFORMANCE_VALUE", value.c_str(), 1);
    FILE* pipe = ::popen((line + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return "cannot run " + line;
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    int status = ::pclose(pipe);
    if (status == 0) return "";
    return "'" + line + "' exited with status " + std::to_string(status) + ": " + output;
  };
}

int runCpeMode(const std::vector<std::string>& args) {
  conformance::RunConfig config;
  config.timeout = std::chrono::milliseconds(30000);
  auto target = std::make_shared<conformance::CpeTarget>();
  std::string listen, out_dir = "conformance-out", only, change_cmd;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    bool ok = true;
    std::string text;
    if (a == "--listen") {
      ok = value(listen);
    } else if (a == "--cr-url") {
      ok = value(target->cr_url);
      target->cr_url_given = true;
    } else if (a == "--cr-user") {
      ok = value(target->cr_username);
    } else if (a == "--cr-password") {
      ok = value(target->cr_password);
    } else if (a == "--device") {
      ok = value(target->device_serial);
    } else if (a == "--cases" || a == "--only") {
      ok = value(only);
    } else if (a == "--timeout-ms" || a == "--timeout") {
      if (!value(text) || !parseMs(text, config.timeout)) {
        return usage(a + " needs a number of milliseconds (100..3600000)");
      }
    } else if (a == "--slow-timeout-ms") {
      if (!value(text) || !parseMs(text, target->slow_timeout)) {
        return usage(a + " needs a number of milliseconds (100..3600000)");
      }
    } else if (a == "--change-cmd") {
      ok = value(change_cmd);
    } else if (a == "--notify-param") {
      ok = value(target->notify_param);
    } else if (a == "--spv-param") {
      ok = value(target->spv_param);
    } else if (a == "--object") {
      ok = value(target->object_path);
    } else if (a == "--out") {
      ok = value(out_dir);
    } else {
      return usage("unknown option '" + a + "'");
    }
    if (!ok) return usage(a + " needs a value");
  }
  const auto colon = listen.rfind(':');
  if (listen.empty() || colon == std::string::npos || colon == 0) {
    return usage("cpe mode needs --listen HOST:PORT");
  }
  const char* digits = listen.c_str() + colon + 1;
  char* end = nullptr;
  const long port = std::strtol(digits, &end, 10);
  if (end == digits || *end != '\0' || port < 0 || port > 65535) {
    return usage("--listen: bad port in '" + listen + "'");
  }
  if (target->cr_username.empty() != target->cr_password.empty()) {
    return usage("--cr-user and --cr-password go together");
  }
  if (!target->object_path.empty() && !target->object_path.ends_with('.')) {
    return usage("--object needs an object path ending in '.'");
  }
  if (!change_cmd.empty()) target->change_value = commandChanger(change_cmd);
  const std::string host = listen.substr(0, colon);
  try {
    target->acs =
        std::make_unique<conformance::AcsEndpoint>(host, static_cast<std::uint16_t>(port));
    target->files = std::make_unique<conformance::FileServer>(host);
  } catch (const std::exception& e) {
    std::cerr << "conformance: cannot listen on " << listen << ": " << e.what() << "\n";
    return 2;
  }
  config.cpe = target;
  config.run_tag = conformance::makeRunTag();
  auto cases = conformance::selectCases(conformance::Side::Cpe, only);
  if (cases.empty()) return usage("no case matches '" + only + "'");
  std::cout << "conformance: ACS for the CPE at " << target->acs->url()
            << " (set the device's ManagementServer.URL to it)" << std::endl;
  // POSTs a case leaves queued (a device's own session) are taken by the next case.
  auto report = conformance::runCases(conformance::Side::Cpe, cases, config, printResult);
  return finish(report, out_dir);
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
  if (mode == "cpe") return runCpeMode(args);
  if (mode != "acs") return usage("unknown mode '" + mode + "' (acs, cpe or list)");

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
    } else if (a == "--ca-file") {
      ok = value(config.ca_file);
    } else if (a == "--insecure") {
      config.insecure = true;
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
  if (config.insecure && !config.ca_file.empty()) {
    return usage("use either --ca-file or --insecure, not both");
  }
  if (!config.ca_file.empty() && !std::ifstream(config.ca_file)) {
    return usage("--ca-file: cannot read '" + config.ca_file + "'");
  }
  try {
    (void)conformance::parseUrl(config.acs_url);
    if (!trigger_api.empty()) {
      config.trigger =
          conformance::makeApiTrigger(trigger_api, api_key, conformance::clientTls(config));
    }
  } catch (const std::exception& e) {
    return usage(e.what());
  }
  if (!trigger_cmd.empty()) config.trigger = conformance::makeCommandTrigger(trigger_cmd);
  config.run_tag = conformance::makeRunTag();

  auto cases = conformance::selectCases(conformance::Side::Acs, only);
  if (cases.empty()) return usage("no case matches '" + only + "'");
  auto report = conformance::runCases(conformance::Side::Acs, cases, config, printResult);
  return finish(report, out_dir);
}
