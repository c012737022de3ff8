// acsctl: command-line client of the ACS REST API (see acsctlUsage() or `acsctl --help`).
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/acsctl_app.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (const char* name : {"ACS_URL", "ACS_API_KEY", "ACS_CA_FILE"}) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return acs::cli::runAcsctl(args, env, std::cout, std::cerr);
}
