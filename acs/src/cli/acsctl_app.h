// acs/cli/acsctl_app.h: acsctl, the command-line client of the ACS REST API.
//
// runAcsctl() is the whole program minus main(): it parses the arguments, talks to the API
// and writes human tables (or, with --json, the API's JSON) to `out` and diagnostics to `err`.
//
//   std::ostringstream out, err;
//   int code = acs::cli::runAcsctl({"--url", url, "devices", "list", "--online"}, env, out, err);
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace acs::cli {

// Exit codes (also listed in `acsctl --help`).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;      // the API answered with an error, or no answer
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitFaulted = 3;    // task wait: the CPE answered with a fault
inline constexpr int kExitFailed = 4;     // task wait: failed (max attempts reached, ...)
inline constexpr int kExitExpired = 5;    // task wait: expired before it could be sent
inline constexpr int kExitCancelled = 6;  // task wait: cancelled
inline constexpr int kExitTimeout = 7;    // task wait: still pending/sent at --timeout

// `args` excludes the program name; `env` supplies ACS_URL, ACS_API_KEY and ACS_CA_FILE.
int runAcsctl(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
              std::ostream& out, std::ostream& err);

// The --help text.
std::string acsctlUsage();

}  // namespace acs::cli
