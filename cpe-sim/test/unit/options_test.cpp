#include "fleet/options.h"

#include <gtest/gtest.h>

namespace cpesim {
namespace {

TEST(ParseDuration, AcceptsUnitsAndPlainSeconds) {
  EXPECT_EQ(parseDuration("30"), std::chrono::milliseconds(30'000));
  EXPECT_EQ(parseDuration("2.5"), std::chrono::milliseconds(2'500));
  EXPECT_EQ(parseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(parseDuration("5m"), std::chrono::milliseconds(300'000));
  EXPECT_EQ(parseDuration("1h"), std::chrono::milliseconds(3'600'000));
  EXPECT_EQ(parseDuration("10s"), std::chrono::milliseconds(10'000));
  EXPECT_FALSE(parseDuration("-1"));
  EXPECT_FALSE(parseDuration("abc"));
  EXPECT_FALSE(parseDuration(""));
  EXPECT_FALSE(parseDuration("1x"));
}

TEST(RunOptions, GroupsFlagsByProfileAndAppliesGlobalQuirksToAll) {
  ParsedOptions p = parseRunOptions(
      {"--quirk", "reply_delay_ms=5", "--acs-url=http://acs:7547/", "--profile", "a.yaml", "--count",
       "100", "--serial-pattern", "A{index}", "--quirk", "omit_value_types=true", "--quirk-share",
       "0.5", "--profile", "b.yaml", "--start-index", "7", "--set",
       "Device.ManagementServer.PeriodicInformInterval=60", "--seed", "42", "--max-sessions", "3000",
       "--threads", "2", "--timeout", "500ms", "--cr-rate", "3/10s", "--metrics-port", "0",
       "--duration", "1m"});
  ASSERT_EQ(p.error, "");
  const FleetConfig& c = p.config;
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.groups[0].path, "a.yaml");
  EXPECT_EQ(c.groups[0].count, 100u);
  EXPECT_EQ(c.groups[0].serial_pattern, "A{index}");
  EXPECT_EQ(c.groups[0].quirks, (std::vector<std::string>{"reply_delay_ms=5", "omit_value_types=true"}));
  EXPECT_EQ(c.groups[0].quirk_share, "0.5");
  EXPECT_EQ(c.groups[1].count, 1u);
  EXPECT_EQ(c.groups[1].start_index, 7u);
  EXPECT_EQ(c.groups[1].quirks, (std::vector<std::string>{"reply_delay_ms=5"}));
  EXPECT_FALSE(c.groups[1].quirk_share);
  EXPECT_EQ(c.groups[1].set_values.size(), 1u);
  EXPECT_EQ(c.acs_url, "http://acs:7547/");
  EXPECT_EQ(c.seed, 42u);
  EXPECT_EQ(c.max_sessions, 3000u);
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.http_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(c.cr_max_per_window, 3u);
  EXPECT_EQ(c.cr_window, std::chrono::seconds(10));
  EXPECT_EQ(c.metrics_port, 0);
  EXPECT_EQ(c.duration, std::chrono::milliseconds(60'000));
}

TEST(RunOptions, RejectsBadInputWithTheFlagNamed) {
  auto error = [](std::vector<std::string> args) { return parseRunOptions(args).error; };
  EXPECT_NE(error({"--count", "5"}).find("--count must follow a --profile"), std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "--count", "many"}).find("--count"),
            std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "--frobnicate"}).find("unknown option '--frobnicate'"),
            std::string::npos);
  EXPECT_NE(error({"--profile", "a"}).find("--acs-url is required"), std::string::npos);
  EXPECT_NE(error({"--acs-url", "http://x/"}).find("--profile"), std::string::npos);
  EXPECT_NE(error({"--profile"}).find("--profile needs a value"), std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "--threads", "0"}).find("--threads"),
            std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "--cr-rate", "5"}).find("--cr-rate"),
            std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "--timeout", "0"}).find("--timeout"),
            std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--count", "1", "--count", "2"}).find("twice"), std::string::npos);
  EXPECT_NE(error({"--profile", "a", "--acs-url", "http://x/", "stray"}).find("unexpected argument"),
            std::string::npos);
}

TEST(RunOptions, RecognisesHelp) {
  EXPECT_TRUE(parseRunOptions({"--help"}).help);
  EXPECT_TRUE(parseRunOptions({"--profile", "a", "-h"}).help);
  EXPECT_NE(runUsage().find("--acs-url"), std::string::npos);
}

}  // namespace
}  // namespace cpesim
