// Unit tests of the runner's pure parts: reading /metrics, timestamps, and what the runner
// refuses to run (before anything starts).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "runner/prometheus.h"
#include "runner/rest_client.h"
#include "runner/runner.h"
#include "scenario/schema.h"

namespace scenario {
namespace {

const char* kMetrics =
    "# HELP acs_sessions_started_total CWMP sessions accepted (Inform answered).\n"
    "# TYPE acs_sessions_started_total counter\n"
    "acs_sessions_started_total 120\n"
    "acs_sessions_ended_total{outcome=\"ok\"} 100\n"
    "acs_sessions_ended_total{outcome=\"timeout\"} 5\n"
    "acs_cwmp_reply_seconds_bucket{le=\"0.001\"} 10\n"
    "acs_cwmp_reply_seconds_bucket{le=\"0.01\"} 90\n"
    "acs_cwmp_reply_seconds_bucket{le=\"0.1\"} 99\n"
    "acs_cwmp_reply_seconds_bucket{le=\"+Inf\"} 100\n"
    "acs_cwmp_reply_seconds_sum 0.5\n"
    "acs_cwmp_reply_seconds_count 100\n"
    "label_with_space{path=\"a b\"} 7 1700000000000\n"
    "broken_line notanumber\n";

TEST(PrometheusText, ReadsEverySampleWithItsLabels) {
  const Samples s = parsePrometheus(kMetrics);
  EXPECT_EQ(s.at("acs_sessions_started_total"), 120.0);
  EXPECT_EQ(s.at("acs_sessions_ended_total{outcome=\"timeout\"}"), 5.0);
  EXPECT_EQ(s.at("label_with_space{path=\"a b\"}"), 7.0);
  EXPECT_EQ(s.count("broken_line"), 0u);
}

TEST(PrometheusText, SumsAllLabelSetsOfASeries) {
  const Samples s = parsePrometheus(kMetrics);
  EXPECT_EQ(sumSeries(s, "acs_sessions_ended_total").value_or(-1), 105.0);
  EXPECT_EQ(sumSeries(s, "acs_sessions_started_total").value_or(-1), 120.0);
  EXPECT_FALSE(sumSeries(s, "acs_sessions").has_value());
}

TEST(PrometheusText, HistogramQuantileIsTheUpperBoundOfItsBucket) {
  const Samples s = parsePrometheus(kMetrics);
  EXPECT_EQ(histogramQuantile(s, "acs_cwmp_reply_seconds", 0.05).value_or(-1), 0.001);
  EXPECT_EQ(histogramQuantile(s, "acs_cwmp_reply_seconds", 0.5).value_or(-1), 0.01);
  EXPECT_EQ(histogramQuantile(s, "acs_cwmp_reply_seconds", 0.99).value_or(-1), 0.1);
  // In the +Inf bucket: the largest finite bound is all the histogram can say.
  EXPECT_EQ(histogramQuantile(s, "acs_cwmp_reply_seconds", 1.0).value_or(-1), 0.1);
  EXPECT_FALSE(histogramQuantile(s, "no_such_histogram", 0.5).has_value());
}

TEST(PrometheusText, DifferenceOfTwoScrapesIsWhatHappenedBetweenThem) {
  const Samples start = parsePrometheus("c 10\nh_bucket{le=\"1\"} 4\nh_bucket{le=\"+Inf\"} 4\n");
  const Samples end = parsePrometheus("c 25\nh_bucket{le=\"1\"} 4\nh_bucket{le=\"+Inf\"} 8\nnew 3\n");
  const Samples run = subtractSamples(end, start);
  EXPECT_EQ(run.at("c"), 15.0);
  EXPECT_EQ(run.at("new"), 3.0);
  // The 4 new samples all lie above 1: the median of the run is in the +Inf bucket.
  EXPECT_EQ(run.at("h_bucket{le=\"+Inf\"}"), 4.0);
  EXPECT_EQ(histogramQuantile(run, "h", 0.5).value_or(-1), 1.0);
  const Samples both = addSamples(run, parsePrometheus("c 5\n"));
  EXPECT_EQ(both.at("c"), 20.0);
}

TEST(PrometheusText, EmptyHistogramHasNoQuantile) {
  const Samples s = parsePrometheus("h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\n");
  EXPECT_FALSE(histogramQuantile(s, "h", 0.5).has_value());
}

TEST(RunnerTimestamps, ParsesIsoUtcWithAndWithoutFraction) {
  EXPECT_EQ(parseIsoTimestamp("1970-01-01T00:00:10Z").value_or(-1), 10.0);
  EXPECT_NEAR(parseIsoTimestamp("2026-11-27T20:55:27.250Z").value_or(-1), 1795812927.25, 1e-6);
  EXPECT_NEAR(parseIsoTimestamp("2026-11-27T20:55:27.250+00:00").value_or(-1), 1795812927.25, 1e-6);
  EXPECT_FALSE(parseIsoTimestamp("2026-11-27 20:55:27Z").has_value());
  EXPECT_FALSE(parseIsoTimestamp("2026-11-27T20:55:27+01:00").has_value());
  EXPECT_FALSE(parseIsoTimestamp("2026-11-27T20:55:27.Z").has_value());
  EXPECT_FALSE(parseIsoTimestamp("").has_value());
}

TEST(RunnerPaths, EncodesDeviceIdsAsOnePathSegment) {
  EXPECT_EQ(encodePathSegment("00D09E-Home%20Gateway-SN1"), "00D09E-Home%2520Gateway-SN1");
  EXPECT_EQ(encodePathSegment("a/b c"), "a%2Fb%20c");
}

std::vector<std::string> unsupported(const std::string& phases, const std::string& fleets =
                                         "  - {name: gw, profile: tr181-gateway, count: 3}\n") {
  const std::string text = "name: t\nacs:\n  embedded: {database: sqlite}\nfleets:\n" + fleets +
                           "phases:\n" + phases;
  const auto loaded = parseScenario(text, "s.yaml");
  EXPECT_TRUE(loaded.diagnostics.empty()) << text;
  std::vector<std::string> out;
  if (!loaded.scenario) return out;
  for (const auto& d : checkRunnable(*loaded.scenario, "s.yaml", SCENARIO_PROFILE_DIR)) out.push_back(d.toString());
  return out;
}

TEST(RunnerSupport, AcceptsTheLibraryKindsInAWorkableOrder) {
  EXPECT_TRUE(unsupported("  - boot_storm: {window: 1s}\n"
                          "  - tasks: {task_type: GetRPCMethods, connection_request: true}\n"
                          "  - connection_requests: {share: 0.5}\n"
                          "  - faults: {action: kill_acs}\n"
                          "  - periodic: {interval: 10s, duration: 20s}\n"
                          "  - wait_until: {condition: all_tasks_ended, timeout: 10s}\n"
                          "  - sleep: {duration: 1s}\n")
                  .empty());
}

TEST(RunnerSupport, RefusesAFirmwareFileThatDoesNotExist) {
  const auto out = unsupported("  - boot_storm: {window: 1s}\n  - firmware_rollout: {file: no-such-fw.bin}\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "s.yaml:8:5: phases[1].firmware_rollout.file: no file 'no-such-fw.bin' (a path relative to the scenario file)");
}

TEST(RunnerSupport, RefusesPhasesOnAFleetThatNeverBooted) {
  const auto out = unsupported("  - tasks: {task_type: GetRPCMethods}\n  - boot_storm: {window: 1s}\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], "s.yaml:7:5: phases[0].tasks: fleet 'gw' has not been started by an earlier boot_storm");
}

TEST(RunnerSupport, BootsAFleetInPartsAndPowerCyclesIt) {
  EXPECT_TRUE(unsupported("  - boot_storm: {window: 1s, share: 0.3}\n"
                          "  - tasks: {task_type: GetRPCMethods, connection_request: true}\n"
                          "  - boot_storm: {window: 1s, share: 0.5}\n"
                          "  - boot_storm: {window: 1s, event: boot, share: 0.5}\n"
                          "  - boot_storm: {window: 1s}\n"
                          "  - boot_storm: {window: 1s, event: boot}\n")
                  .empty());
}

TEST(RunnerSupport, RefusesBootBeforeBootstrapAndBootstrapOfAFleetAlreadyOn) {
  const auto out = unsupported("  - boot_storm: {window: 1s, event: boot}\n"
                               "  - boot_storm: {window: 1s}\n"
                               "  - boot_storm: {window: 1s, share: 0.5}\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0],
            "s.yaml:7:5: phases[0].boot_storm.event: 'boot' power-cycles devices that already bootstrapped, and "
            "fleet 'gw' has not been started by an earlier boot_storm");
  EXPECT_EQ(out[1],
            "s.yaml:9:5: phases[2].boot_storm: every device of fleet 'gw' was already powered on by an earlier "
            "boot_storm (use event: boot to power-cycle them)");
}

TEST(RunnerSupport, RunsPeriodicPhasesWithJitterSharesAndSeveralIntervalsForOneFleet) {
  EXPECT_TRUE(unsupported("  - boot_storm: {window: 1s}\n"
                          "  - periodic: {interval: 10s, duration: 20s}\n"
                          "  - periodic: {interval: 5s, jitter: 2s, duration: 20s, share: 0.5}\n"
                          "  - periodic: {interval: 30s, jitter: 20s, duration: 20s}\n")
                  .empty());
}

TEST(RunnerSupport, RefusesPeriodicJitterLongerThanThePhase) {
  const auto out = unsupported("  - boot_storm: {window: 1s}\n"
                               "  - periodic: {interval: 60s, jitter: 30s, duration: 10s}\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            "s.yaml:8:5: phases[1].periodic.jitter: 30.0 s is longer than the phase's duration 10.0 s (the "
            "devices' informs are spread within the phase)");
}

TEST(RunnerSupport, SwitchesWireQuirksOnAndOffDuringARun) {
  EXPECT_TRUE(unsupported("  - boot_storm: {window: 1s}\n"
                          "  - faults: {action: enable_quirk, quirk: reply_delay_ms=10, share: 0.5}\n"
                          "  - faults: {action: enable_quirk, quirk: xml_declaration=true}\n"
                          "  - faults: {action: disable_quirk, quirk: reply_delay_ms=10}\n"
                          "  - faults: {action: disable_quirk, quirk: xml_declaration=true}\n")
                  .empty());
}

TEST(RunnerSupport, RefusesRuntimeModelQuirksBadQuirksAndDisablingWhatWasNeverOn) {
  const auto out = unsupported(
      "  - boot_storm: {window: 1s}\n"
      "  - faults: {action: enable_quirk, quirk: rpc_fault=Reboot:9001}\n"
      "  - faults: {action: enable_quirk, quirk: reply_delay_ms=soon}\n"
      "  - faults: {action: enable_quirk, quirk: colour=blue}\n"
      "  - faults: {action: disable_quirk, quirk: reply_delay_ms=10}\n"
      "  - faults: {action: disable_quirk, quirk: rpc_fault=Reboot:9001}\n");
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0],
            "s.yaml:8:5: phases[1].faults.quirk: quirk 'rpc_fault=Reboot:9001' changes the device model "
            "(rpc_fault, extra_event, omit_event, defect) and cannot be switched while the fleet runs; only "
            "wire and transfer quirks can");
  EXPECT_EQ(out[1], "s.yaml:9:5: phases[2].faults.quirk: quirk reply_delay_ms: 'soon' is not a non-negative integer");
  EXPECT_EQ(out[2].rfind("s.yaml:10:5: phases[3].faults.quirk: unknown quirk 'colour'", 0), 0u) << out[2];
  EXPECT_EQ(out[3],
            "s.yaml:11:5: phases[4].faults.quirk: 'reply_delay_ms=10' was not switched on for fleet 'gw' by an "
            "earlier enable_quirk (a fleet's own quirks stay on for the whole run)");
  EXPECT_EQ(out[4],
            "s.yaml:12:5: phases[5].faults.quirk: 'rpc_fault=Reboot:9001' was not switched on for fleet 'gw' by "
            "an earlier enable_quirk (a fleet's own quirks stay on for the whole run)");
}

TEST(RunnerSupport, RefusesAFleetNobodyStartsAndAnUnknownProfile) {
  const auto out = unsupported("  - boot_storm: {window: 1s, fleet: a}\n",
                               "  - {name: a, profile: tr181-gateway, count: 1}\n"
                               "  - {name: b, profile: no-such-profile, count: 1}\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].find("s.yaml: fleets[1] 'b': no profile 'no-such-profile'"), std::string::npos) << out[0];
  EXPECT_EQ(out[1], "s.yaml: fleet 'b' is never started: add a boot_storm phase for it");
}

TEST(RunnerSupport, RefusesQuirkSharesAboveOne) {
  const auto out = unsupported("  - boot_storm: {window: 1s}\n",
                               "  - name: gw\n    profile: tr181-gateway\n    count: 10\n    quirks:\n"
                               "      - {quirk: reply_delay_ms=5, share: 0.7}\n"
                               "      - {quirk: xml_declaration=true, share: 0.5}\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("quirks: the shares add up to more than 1"), std::string::npos) << out[0];
}

}  // namespace
}  // namespace scenario

namespace scenario {
namespace {

TEST(ScenarioSchema, MaxInFlightDefaultsTo2000AndIsRangeChecked) {
  const std::string head = "name: t\nacs:\n  embedded: {database: sqlite}\nfleets:\n";
  const std::string tail = "phases:\n  - sleep: {duration: 1s}\n";
  auto plain = parseScenario(head + "  - {name: gw, profile: tr181-gateway, count: 3}\n" + tail, "s.yaml");
  ASSERT_TRUE(plain.scenario.has_value());
  EXPECT_EQ(plain.scenario->fleets[0].max_in_flight, 2000);
  auto set = parseScenario(head + "  - {name: gw, profile: tr181-gateway, count: 3, max_in_flight: 64}\n" + tail, "s.yaml");
  ASSERT_TRUE(set.scenario.has_value());
  EXPECT_EQ(set.scenario->fleets[0].max_in_flight, 64);
  auto bad = parseScenario(head + "  - {name: gw, profile: tr181-gateway, count: 3, max_in_flight: 0}\n" + tail, "s.yaml");
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_EQ(bad.diagnostics[0].toString(), "s.yaml:5:65: fleets[0].max_in_flight: 0 is out of range [1, 100000]");
}

}  // namespace
}  // namespace scenario

namespace scenario {
namespace {

TEST(ScenarioSchema, SeveralAcsNodesNeedPostgresql) {
  const std::string tail =
      "fleets:\n  - {name: gw, profile: tr181-gateway, count: 3}\nphases:\n  - sleep: {duration: 1s}\n";
  auto two = parseScenario("name: t\nacs:\n  embedded: {database: postgresql, postgresql_url: \"postgresql://u@h/db\", nodes: 2}\n" + tail, "s.yaml");
  ASSERT_TRUE(two.scenario.has_value());
  EXPECT_EQ(two.scenario->acs.nodes, 2);
  auto one = parseScenario("name: t\nacs:\n  embedded: {database: sqlite}\n" + tail, "s.yaml");
  ASSERT_TRUE(one.scenario.has_value());
  EXPECT_EQ(one.scenario->acs.nodes, 1);
  auto sqlite = parseScenario("name: t\nacs:\n  embedded: {database: sqlite, nodes: 2}\n" + tail, "s.yaml");
  ASSERT_EQ(sqlite.diagnostics.size(), 1u);
  EXPECT_EQ(sqlite.diagnostics[0].toString(),
            "s.yaml:3:39: acs.embedded.nodes: several ACS processes need database: postgresql (they share it)");
  auto nine = parseScenario("name: t\nacs:\n  embedded: {database: postgresql, postgresql_url: \"postgresql://u@h/db\", nodes: 9}\n" + tail, "s.yaml");
  ASSERT_EQ(nine.diagnostics.size(), 1u);
  EXPECT_NE(nine.diagnostics[0].toString().find("acs.embedded.nodes: 9 is out of range [1, 8]"), std::string::npos);
}

}  // namespace
}  // namespace scenario

namespace scenario {
namespace {

TEST(ScenarioSchema, TaskFilterTakesTheAcsDeviceFilters) {
  const std::string head =
      "name: t\nacs:\n  embedded: {database: sqlite}\nfleets:\n  - {name: gw, profile: tr181-gateway, count: 3}\n"
      "phases:\n  - boot_storm: {window: 1s}\n";
  auto ok = parseScenario(head + "  - tasks: {task_type: GetRPCMethods, filter: {software_version: 5.4.1, online: true}}\n", "s.yaml");
  ASSERT_TRUE(ok.scenario.has_value()) << ::testing::PrintToString(ok.diagnostics.size());
  const auto& filter = ok.scenario->phases[1].filter;
  ASSERT_EQ(filter.size(), 2u);
  EXPECT_EQ(filter[0], (std::pair<std::string, std::string>("software_version", "5.4.1")));
  EXPECT_EQ(filter[1], (std::pair<std::string, std::string>("online", "true")));
  auto bad = parseScenario(head + "  - tasks: {task_type: GetRPCMethods, filter: {colour: red}}\n", "s.yaml");
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_NE(bad.diagnostics[0].toString().find("phases[1].tasks.filter: unknown key 'colour'"), std::string::npos)
      << bad.diagnostics[0].toString();
  auto half = parseScenario(head + "  - connection_requests: {filter: {param: Device.X}}\n", "s.yaml");
  ASSERT_EQ(half.diagnostics.size(), 1u);
  EXPECT_NE(half.diagnostics[0].toString().find("filter: 'param' and 'value' go together"), std::string::npos);
}

}  // namespace
}  // namespace scenario
