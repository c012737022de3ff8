// fleet/options.h: the command line of `cpe-sim run` (the default subcommand), parsed into
// a FleetConfig. Pure: no IO; errors are messages naming the flag.
//
//   ParsedOptions parsed = parseRunOptions({"--acs-url", "http://acs:7547/", "--profile",
//                                           "gw.yaml", "--count", "1000"});
//   if (!parsed.error.empty()) { std::cerr << parsed.error; return 2; }
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/fleet_config.h"

namespace cpesim {

struct ParsedOptions {
  FleetConfig config;
  bool help = false;
  std::string error;  // empty on success
};

ParsedOptions parseRunOptions(const std::vector<std::string>& args);
std::string runUsage();

// "30", "2.5", "250ms", "30s", "5m", "1h" -> milliseconds. nullopt if malformed or negative.
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);

// Splits "--name=value" into name and value; leaves other arguments alone. Helper for the
// subcommands' parsers: returns the value for flag `i` (from "=value" or the next argument)
// and advances `i`, or nullopt (with `error` set) when it is missing.
std::optional<std::string> takeValue(const std::vector<std::string>& args, std::size_t& i,
                                     std::string_view flag, std::optional<std::string>& inline_value,
                                     std::string& error);

}  // namespace cpesim
