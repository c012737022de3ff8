#include "scenario/schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace scenario {
namespace {

std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(d.toString());
  return out;
}

// A valid scenario; tests replace one line to make it invalid.
const char* kMinimal =
    "name: t\n"
    "acs:\n"
    "  embedded: {database: sqlite}\n"
    "fleets:\n"
    "  - {name: gw, profile: tr181-gateway, count: 3}\n"
    "phases:\n"
    "  - sleep: {duration: 1s}\n";

std::vector<std::string> errorsOf(const std::string& text) {
  return messages(parseScenario(text, "s.yaml"));
}

TEST(ScenarioSchema, AcceptsTheFullExampleWithEveryPhaseKind) {
  const auto result = loadScenario(std::string(SCENARIO_TEST_DATA) + "/full.yaml");
  ASSERT_TRUE(result.diagnostics.empty()) << ::testing::PrintToString(messages(result));
  ASSERT_TRUE(result.scenario.has_value());
  const Scenario& s = *result.scenario;
  EXPECT_EQ(s.name, "full-example");
  EXPECT_EQ(s.seed, 1234u);
  EXPECT_EQ(s.acs.mode, AcsMode::kUrl);
  EXPECT_EQ(s.acs.api_key, "secret");
  ASSERT_EQ(s.fleets.size(), 2u);
  EXPECT_EQ(s.fleets[0].count, 100);
  EXPECT_EQ(s.fleets[0].serial_pattern, "A{index}");
  ASSERT_EQ(s.fleets[0].quirks.size(), 1u);
  EXPECT_DOUBLE_EQ(s.fleets[0].quirks[0].share, 0.05);
  EXPECT_EQ(s.fleets[1].serial_pattern, "b-{index}");
  ASSERT_EQ(s.phases.size(), 8u);
  EXPECT_EQ(s.phases[0].kind, PhaseKind::kBootStorm);
  EXPECT_EQ(s.phases[0].event, BootEvent::kBoot);
  EXPECT_DOUBLE_EQ(s.phases[0].duration_s, 30.0);
  EXPECT_EQ(s.phases[0].line, 20);
  EXPECT_DOUBLE_EQ(s.phases[1].interval_s, 60.0);
  EXPECT_DOUBLE_EQ(s.phases[1].duration_s, 300.0);
  EXPECT_EQ(s.phases[2].task_type, "SetParameterValues");
  EXPECT_TRUE(s.phases[2].connection_request);
  EXPECT_EQ(s.phases[2].parameters_json,
            R"({"ParameterList":[{"Name":"Device.X","Value":"1","Type":"xsd:int"}],"ParameterKey":"k1"})");
  EXPECT_EQ(s.phases[3].waves, 3);
  EXPECT_EQ(s.phases[5].action, FaultAction::kEnableQuirk);
  EXPECT_EQ(s.phases[6].condition, WaitCondition::kAllTasksEnded);
  EXPECT_DOUBLE_EQ(s.phases[7].duration_s, 1.5);
  EXPECT_DOUBLE_EQ(*s.targets.session_time.p50_ms, 50.0);
  EXPECT_DOUBLE_EQ(*s.targets.session_time.p99_ms, 1000.0);
  EXPECT_FALSE(s.targets.reply_time.p50_ms.has_value());
  EXPECT_DOUBLE_EQ(*s.targets.sessions_per_second_min, 500.0);
  EXPECT_TRUE(s.targets.zero_lost_tasks);
  EXPECT_DOUBLE_EQ(*s.targets.acs_rss_max_mib, 2048.0);
}

TEST(ScenarioSchema, AcceptsEveryLibraryScenario) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SCENARIO_LIBRARY)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    const auto result = loadScenario(entry.path().string());
    EXPECT_TRUE(result.diagnostics.empty()) << ::testing::PrintToString(messages(result));
    ASSERT_TRUE(result.scenario.has_value()) << entry.path();
    EXPECT_EQ(result.scenario->name, entry.path().stem().string());
  }
  EXPECT_GE(count, 3);
}

TEST(ScenarioSchema, ReportsEveryProblemOfAFileWithFileLineAndColumn) {
  const std::string path = std::string(SCENARIO_TEST_DATA) + "/bad-several.yaml";
  const auto result = loadScenario(path);
  EXPECT_FALSE(result.scenario.has_value());
  const std::vector<std::string> expected = {
      path + ":3:24: acs.embedded.database: unknown value 'mysql' (expected one of: sqlite, postgresql)",
      path + ":7:5: fleets[0]: unknown key 'colour' (expected one of: count, max_in_flight, name, profile, quirks, serial)",
      path + ":6:12: fleets[0].count: -5 is out of range [1, 1000000]",
      path + ":9:23: phases[0].sleep.duration: expected a duration such as 250ms, 30s, 5m or 1h, got 'soon'",
  };
  EXPECT_EQ(messages(result), expected);
}

TEST(ScenarioSchema, ReportsAnUnreadableFile) {
  const auto result = loadScenario("/nonexistent/dir/x.yaml");
  EXPECT_EQ(messages(result), std::vector<std::string>{"/nonexistent/dir/x.yaml: cannot open the file"});
}

TEST(ScenarioSchema, ReportsAYamlSyntaxErrorAtItsPosition) {
  const auto errors = errorsOf("name: t\nacs: {embedded: [\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("s.yaml:3:1: YAML syntax error: ", 0), 0u) << errors[0];
}

TEST(ScenarioSchema, ReportsAnEmptyFile) {
  EXPECT_EQ(errorsOf(""), std::vector<std::string>{"s.yaml: the file is empty"});
}

TEST(ScenarioSchema, ReportsADuplicateKey) {
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "name: u\n"),
            std::vector<std::string>{"s.yaml:8:1: scenario: duplicate key 'name'"});
}

TEST(ScenarioSchema, ReportsADocumentThatIsNotAMapping) {
  EXPECT_EQ(errorsOf("- a\n- b\n"),
            std::vector<std::string>{"s.yaml:1:1: scenario: expected a mapping"});
  EXPECT_EQ(errorsOf("just text\n"),
            std::vector<std::string>{"s.yaml:1:1: scenario: expected a mapping"});
}

TEST(ScenarioSchema, SurvivesSectionsOfTheWrongShape) {
  const std::string text =
      "name: t\n"
      "acs: [1, 2]\n"
      "fleets: {profile: p}\n"
      "phases: [sleep, {sleep: 3}, {sleep: [1]}, {}]\n"
      "targets: [p99]\n";
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:2:6: acs: expected a mapping",
                "s.yaml:3:9: fleets: expected a non-empty sequence of fleets",
                "s.yaml:4:10: phases[0]: expected a mapping with exactly one phase kind as its key",
                "s.yaml:4:25: phases[1].sleep: expected a mapping",
                "s.yaml:4:37: phases[2].sleep: expected a mapping",
                "s.yaml:4:43: phases[3]: expected a mapping with exactly one phase kind as its key",
                "s.yaml:5:10: targets: expected a mapping"}));
}

TEST(ScenarioSchema, ReportsUnknownTopLevelKeys) {
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targte: {}\n"),
            std::vector<std::string>{"s.yaml:8:1: scenario: unknown key 'targte' (expected one of: "
                                     "acs, description, fleets, name, phases, seed, targets)"});
}

TEST(ScenarioSchema, ReportsMissingRequiredSections) {
  EXPECT_EQ(errorsOf("name: t\n"),
            (std::vector<std::string>{"s.yaml:1:1: scenario: missing required key 'acs'",
                                      "s.yaml:1:1: scenario: missing required key 'fleets'",
                                      "s.yaml:1:1: scenario: missing required key 'phases'"}));
}

TEST(ScenarioSchema, ReportsWrongTypes) {
  std::string text = kMinimal;
  text.replace(text.find("count: 3"), 8, "count: many");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:5:47: fleets[0].count: expected an integer, got 'many'"});
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "seed: [1]\n"),
            std::vector<std::string>{"s.yaml:8:7: scenario.seed: expected an integer, got '<sequence>'"});
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targets: {zero_lost_tasks: maybe}\n"),
            std::vector<std::string>{
                "s.yaml:8:28: targets.zero_lost_tasks: expected true or false, got 'maybe'"});
}

TEST(ScenarioSchema, RejectsAQuotedNumberWhereANumberIsExpected) {
  std::string text = kMinimal;
  text.replace(text.find("count: 3"), 8, "count: \"3\"");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:5:47: fleets[0].count: expected an integer, got '3'"});
}

TEST(ScenarioSchema, ReportsImpossibleTargets) {
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targets:\n  session_time: {p50: 2s, p95: 1s}\n"),
            std::vector<std::string>{
                "s.yaml:9:32: targets.session_time.p95: smaller than p50, which can never hold"});
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targets:\n  task_completion_ratio: {min: 1.5}\n"),
            std::vector<std::string>{
                "s.yaml:9:32: targets.task_completion_ratio.min: 1.5 is out of range (0, 1]"});
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targets:\n  acs_rss: {max: lots}\n"),
            std::vector<std::string>{
                "s.yaml:9:18: targets.acs_rss.max: expected a size such as 512MiB or 2GiB, got 'lots'"});
  EXPECT_EQ(errorsOf(std::string(kMinimal) + "targets:\n  reply_time: {}\n"),
            std::vector<std::string>{
                "s.yaml:9:15: targets.reply_time: give at least one of p50, p95, p99"});
}

TEST(ScenarioSchema, ReportsImpossiblePhaseValues) {
  std::string text = kMinimal;
  text.replace(text.find("sleep: {duration: 1s}"), 21,
               "periodic: {interval: 10s, jitter: 10s, duration: 0s}");
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:7:54: phases[0].periodic.duration: must be greater than zero",
                "s.yaml:7:39: phases[0].periodic.jitter: must be smaller than the interval"}));
}

TEST(ScenarioSchema, AcceptsTheBootPeriodicAndQuirkSwitchOptions) {
  std::string text = kMinimal;
  text.replace(text.find("  - sleep: {duration: 1s}\n"), 26,
               "  - boot_storm: {window: 1s, share: 0.5}\n"
               "  - boot_storm: {window: 2s, event: boot, share: 0.25, fleet: gw}\n"
               "  - periodic: {interval: 10s, jitter: 2s, share: 0.5, duration: 20s}\n"
               "  - periodic: {interval: 5s, duration: 20s}\n"
               "  - faults: {action: enable_quirk, quirk: reply_delay_ms=100, share: 0.2}\n"
               "  - faults: {action: disable_quirk, quirk: reply_delay_ms=100}\n");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{});
}

TEST(ScenarioSchema, ReportsBadBootPeriodicAndQuirkSwitchOptions) {
  std::string text = kMinimal;
  text.replace(text.find("  - sleep: {duration: 1s}\n"), 26,
               "  - boot_storm: {window: 1s, event: reboot, share: 0}\n"
               "  - periodic: {interval: 10s, share: 1.5, duration: 20s}\n"
               "  - faults: {action: enable_quirk}\n"
               "  - faults: {action: disable_quirk, quirk: slow}\n"
               "  - faults: {action: restart_acs, quirk: reply_delay_ms=1}\n");
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:7:52: phases[0].boot_storm.share: 0 is out of range (0, 1]",
                "s.yaml:7:37: phases[0].boot_storm.event: unknown value 'reboot' (expected one of: bootstrap, boot)",
                "s.yaml:8:38: phases[1].periodic.share: 1.5 is out of range (0, 1]",
                "s.yaml:9:13: phases[2].faults: missing required key 'quirk'",
                "s.yaml:10:44: phases[3].faults.quirk: expected name=value (a cpe-sim --quirk), got 'slow'",
                "s.yaml:11:42: phases[4].faults.quirk: only allowed with enable_quirk or disable_quirk"}));
}

TEST(ScenarioSchema, ReportsUnknownPhaseKindsAndKeysOfAnotherKind) {
  std::string text = kMinimal;
  text.replace(text.find("sleep: {duration: 1s}"), 21, "nap: {duration: 1s}");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:7:5: phases[0]: unknown phase 'nap' (expected one of: "
                                "boot_storm, periodic, tasks, firmware_rollout, connection_requests, "
                                "faults, wait_until, sleep)"});
  text = kMinimal;
  text.replace(text.find("sleep: {duration: 1s}"), 21, "sleep: {duration: 1s, rate: 5}");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:7:27: phases[0].sleep: unknown key 'rate' (expected one of: "
                                "duration)"});
}

TEST(ScenarioSchema, ReportsAnUnknownTaskTypeAndAFleetThatDoesNotExist) {
  std::string text = kMinimal;
  text.replace(text.find("sleep: {duration: 1s}"), 21,
               "tasks: {task_type: Reboots, fleet: other}");
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:7:40: phases[0].tasks.fleet: no fleet named 'other'",
                "s.yaml:7:24: phases[0].tasks.task_type: unknown task type 'Reboots'"}));
}

TEST(ScenarioSchema, RequiresAnApiUrlForRestPhasesAgainstAnExternalAcs) {
  const std::string text =
      "name: t\n"
      "acs: {url: http://127.0.0.1:7547/cwmp}\n"
      "fleets: [{profile: p, count: 1}]\n"
      "phases:\n"
      "  - tasks: {task_type: Reboot}\n"
      "  - faults: {action: kill_acs}\n";
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:2:6: acs: phase 'tasks' (line 5) needs acs.api_url",
                "s.yaml:6:5: faults: restart_acs and kill_acs need the embedded ACS"}));
}

TEST(ScenarioSchema, RequiresExactlyOneAcsMode) {
  std::string text = kMinimal;
  text.replace(text.find("  embedded: {database: sqlite}"), 30,
               "  embedded: {database: sqlite}\n  url: http://x/");
  auto errors = errorsOf(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "s.yaml:3:3: acs: give exactly one of 'url' or 'embedded'");
  text = kMinimal;
  text.replace(text.find("{database: sqlite}"), 18, "{database: postgresql}");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:3:13: acs.embedded: missing required key 'postgresql_url'"});
}

TEST(ScenarioSchema, RejectsAFleetSerialWithoutIndexAndADuplicateName) {
  std::string text = kMinimal;
  text.replace(text.find("  - {name: gw, profile: tr181-gateway, count: 3}"), 48,
               "  - {name: gw, profile: p, count: 3, serial: SAME}\n  - {name: gw, profile: p, count: 1}");
  EXPECT_EQ(errorsOf(text),
            (std::vector<std::string>{
                "s.yaml:5:46: fleets[0].serial: must contain {index} so every device gets its own serial",
                "s.yaml:6:5: fleets[1]: duplicate fleet name 'gw'"}));
}

TEST(ScenarioSchema, RejectsANameThatIsNotASafeDirectoryName) {
  std::string text = kMinimal;
  text.replace(0, 7, "name: ../x");
  EXPECT_EQ(errorsOf(text), std::vector<std::string>{
                                "s.yaml:1:7: name: use only letters, digits, '-', '_' and '.' (it "
                                "names the report directory), got '../x'"});
}

TEST(ScenarioDurations, ParsesUnitsAndRejectsMalformedText) {
  EXPECT_DOUBLE_EQ(*parseDurationSeconds("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parseDurationSeconds("30s"), 30.0);
  EXPECT_DOUBLE_EQ(*parseDurationSeconds("5m"), 300.0);
  EXPECT_DOUBLE_EQ(*parseDurationSeconds("1h"), 3600.0);
  EXPECT_DOUBLE_EQ(*parseDurationSeconds("2.5"), 2.5);
  for (const char* bad : {"", "s", "-1s", "1d", "1 s", "+1s", "0x10", "inf", "1e3s"}) {
    EXPECT_FALSE(parseDurationSeconds(bad).has_value()) << bad;
  }
  EXPECT_DOUBLE_EQ(*parseSizeMib("512MiB"), 512.0);
  EXPECT_DOUBLE_EQ(*parseSizeMib("1GiB"), 1024.0);
  EXPECT_FALSE(parseSizeMib("1TB").has_value());
}

}  // namespace
}  // namespace scenario
