#include "scenario/latency.h"
#include "scenario/report.h"
#include "scenario/targets.h"

#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/AutoPtr.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace scenario {
namespace {

TEST(LatencyHistogram, ReadsPercentilesFromItsBuckets) {
  LatencyHistogram h;
  for (int i = 1; i <= 100; ++i) h.record(static_cast<double>(i));  // 1..100 ms
  EXPECT_EQ(h.count(), 100u);
  EXPECT_DOUBLE_EQ(h.percentileMs(0.5), 50.0);   // 50 samples <= 50 ms
  EXPECT_DOUBLE_EQ(h.percentileMs(0.99), 100.0); // capped by the largest sample
  EXPECT_DOUBLE_EQ(h.percentileMs(0.10), 10.0);
  EXPECT_DOUBLE_EQ(h.maxMs(), 100.0);
  EXPECT_DOUBLE_EQ(h.sumMs(), 5050.0);
}

TEST(LatencyHistogram, IsEmptyAndZeroWithoutSamplesAndMerges) {
  LatencyHistogram a, b;
  EXPECT_DOUBLE_EQ(a.percentileMs(0.99), 0.0);
  a.record(0.3);
  b.record(700.0);
  b.record(-5.0);  // a clock step backwards counts as 0, never as a huge unsigned value
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_DOUBLE_EQ(a.percentileMs(1.0), 700.0);
  EXPECT_DOUBLE_EQ(a.percentileMs(0.34), 0.5);
  EXPECT_EQ(a.counts().size(), a.upperBoundsMs().size() + 1);
}

TEST(LatencyHistogram, CountsSamplesAboveTheLastBoundInTheOverflowBucket) {
  LatencyHistogram h;
  h.record(1e9);
  EXPECT_EQ(h.counts().back(), 1u);
  EXPECT_DOUBLE_EQ(h.percentileMs(0.5), 1e9);
}

TEST(Targets, PassAndFailWithMeasuredVersusWanted) {
  Targets t;
  t.session_time.p99_ms = 0.01;
  t.session_time.p50_ms = 100.0;
  t.sessions_per_second_min = 500.0;
  t.zero_lost_tasks = true;
  t.acs_rss_max_mib = 512.0;
  Measurements m;
  m.session_time.p50_ms = 12.5;
  m.session_time.p99_ms = 3.2;
  m.sessions_per_second = 812.0;
  m.lost_tasks = 2.0;
  const auto results = evaluateTargets(t, m);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].describe(), "session_time.p50: measured 12.5 ms, wanted <= 100 ms");
  EXPECT_TRUE(results[0].passed);
  EXPECT_EQ(results[1].describe(), "session_time.p99: measured 3.2 ms, wanted <= 0.01 ms");
  EXPECT_FALSE(results[1].passed);
  EXPECT_EQ(results[2].describe(), "sessions_per_second: measured 812 /s, wanted >= 500 /s");
  EXPECT_TRUE(results[2].passed);
  EXPECT_EQ(results[3].describe(), "zero_lost_tasks: measured 2, wanted <= 0");
  EXPECT_FALSE(results[3].passed);
  EXPECT_EQ(results[4].describe(), "acs_rss: measured not measured, wanted <= 512 MiB");
  EXPECT_FALSE(results[4].passed) << "a target must not pass on a number nobody measured";
}

TEST(Targets, ProduceNothingWhenNoTargetIsSet) {
  EXPECT_TRUE(evaluateTargets(Targets{}, Measurements{}).empty());
}

TEST(Targets, FormatNumbersCompactly) {
  EXPECT_EQ(formatNumber(0.01), "0.01");
  EXPECT_EQ(formatNumber(1200.0), "1200");
  EXPECT_EQ(formatNumber(3.14159), "3.142");
  EXPECT_EQ(formatNumber(-0.00001), "0");
  EXPECT_EQ(formatNumber(0.00012), "0.0001");
}

// A synthetic run: two phases, a time series, both measurement sides, one missed target.
RunReport syntheticRun() {
  RunReport r;
  r.scenario = "synthetic";
  r.description = "a <synthetic> run & \"quotes\"";
  r.seed = 99;
  r.started_at = "2026-01-02T03:04:05Z";
  r.duration_s = 12.5;
  r.machine = "test-host, 2 cores";
  r.acs = "embedded sqlite";
  r.devices = 20;
  r.phases = {{"boot_storm", 7, 0.0, 4.0, "done"}, {"wait_until", 8, 4.0, 12.5, "done"}};
  for (int i = 1; i <= 20; ++i) r.session_time.record(10.0 * i);
  r.reply_time.record(2.0);
  r.sessions = 20;
  r.sim_errors = 1;
  r.errors_by_kind["connection refused"] = 1;
  r.acs_side.scraped = true;
  r.acs_side.rss_mib = 41.5;
  r.acs_side.sessions_total = 20;
  r.acs_side.reply_time.p99_ms = 5.0;
  r.acs_side.samples["acs_sessions_total"] = 20;
  r.acs_side.samples["acs_tasks{state=\"completed\"}"] = 5;
  for (int t = 0; t <= 12; ++t) {
    TimePoint p;
    p.t_s = t;
    p.sim_sessions_per_s = t < 4 ? 5.0 : 0.0;
    p.acs_sessions_per_s = p.sim_sessions_per_s;
    p.devices_online = std::min(20, 5 * t);
    p.errors = t >= 2 ? 1 : 0;
    p.tasks_by_state = {{"pending", t < 6 ? 5 - t / 2 : 0}, {"completed", t < 6 ? t / 2 : 5}};
    r.series.push_back(p);
  }
  Targets targets;
  targets.session_time.p99_ms = 0.01;
  targets.zero_lost_tasks = true;
  Measurements m;
  m.session_time.p99_ms = r.session_time.percentileMs(0.99);
  m.lost_tasks = 0.0;
  r.targets = evaluateTargets(targets, m);
  return r;
}

TEST(Report, FailsWhenAnyTargetFailsAndPassesWhenAllHold) {
  RunReport r = syntheticRun();
  EXPECT_FALSE(r.passed());
  r.targets.erase(r.targets.begin());
  EXPECT_TRUE(r.passed());
}

TEST(Report, JsonCarriesAllMetricsAndTheTimeSeries) {
  const RunReport r = syntheticRun();
  Poco::JSON::Parser parser;
  const auto root = parser.parse(renderJson(r)).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("scenario"), "synthetic");
  EXPECT_EQ(root->getValue<std::string>("description"), "a <synthetic> run & \"quotes\"");
  EXPECT_FALSE(root->getValue<bool>("passed"));
  EXPECT_EQ(root->getArray("phases")->size(), 2u);
  const auto sim = root->getObject("simulator");
  EXPECT_EQ(sim->getValue<int>("sessions"), 20);
  EXPECT_EQ(sim->getObject("session_time")->getValue<int>("count"), 20);
  EXPECT_DOUBLE_EQ(sim->getObject("session_time")->getValue<double>("p99_ms"), 200.0);
  EXPECT_EQ(sim->getObject("errors_by_kind")->getValue<int>("connection refused"), 1);
  const auto acs = root->getObject("acs_metrics");
  EXPECT_DOUBLE_EQ(acs->getValue<double>("rss_mib"), 41.5);
  EXPECT_DOUBLE_EQ(acs->getObject("samples")->getValue<double>("acs_tasks{state=\"completed\"}"), 5.0);
  EXPECT_TRUE(acs->getObject("reply_time")->isNull("p50_ms"));
  const auto series = root->getArray("series");
  ASSERT_EQ(series->size(), 13u);
  EXPECT_EQ(series->getObject(12)->getObject("tasks_by_state")->getValue<int>("completed"), 5);
  const auto targets = root->getArray("targets");
  ASSERT_EQ(targets->size(), 2u);
  EXPECT_EQ(targets->getObject(0)->getValue<std::string>("name"), "session_time.p99");
  EXPECT_FALSE(targets->getObject(0)->getValue<bool>("passed"));
  EXPECT_DOUBLE_EQ(targets->getObject(0)->getValue<double>("measured_value"), 200.0);
}

TEST(Report, JunitHasOneTestCasePerTargetAndNamesTheMissedOne) {
  const RunReport r = syntheticRun();
  Poco::XML::DOMParser parser;
  Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(renderJunit(r));
  Poco::AutoPtr<Poco::XML::NodeList> cases = doc->getElementsByTagName("testcase");
  ASSERT_EQ(cases->length(), 2ul);
  Poco::AutoPtr<Poco::XML::NodeList> failures = doc->getElementsByTagName("failure");
  ASSERT_EQ(failures->length(), 1ul);
  const auto* failure = dynamic_cast<Poco::XML::Element*>(failures->item(0));
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->getAttribute("message"), "session_time.p99: measured 200 ms, wanted <= 0.01 ms");
  // getElementsByTagName() returns a new, reference-counted list: AutoPtr releases it.
  Poco::AutoPtr<Poco::XML::NodeList> suites = doc->getElementsByTagName("testsuite");
  ASSERT_EQ(suites->length(), 1ul);
  const auto* suite = dynamic_cast<Poco::XML::Element*>(suites->item(0));
  ASSERT_NE(suite, nullptr);
  EXPECT_EQ(suite->getAttribute("failures"), "1");
  EXPECT_EQ(suite->getAttribute("tests"), "2");
}

TEST(Report, HtmlIsSelfContainedWithInlineSvgCharts) {
  const std::string html = renderHtml(syntheticRun());
  // Charts: session histogram, sessions/s, tasks by state, errors, devices online.
  std::size_t svgs = 0;
  for (auto pos = html.find("<svg"); pos != std::string::npos; pos = html.find("<svg", pos + 1)) ++svgs;
  EXPECT_EQ(svgs, 5u);
  EXPECT_NE(html.find("Sessions per second"), std::string::npos);
  EXPECT_NE(html.find("Tasks by state"), std::string::npos);
  EXPECT_NE(html.find("p50 100 ms, p95 200 ms, p99 200 ms"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  // Nothing fetched from elsewhere: no scripts, no links, no src, no URL other than SVG's xmlns.
  for (const char* forbidden : {"<script", "<link", "src=", "href=", "url(", "@import"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  std::string without_xmlns = html;
  const std::string xmlns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (auto pos = without_xmlns.find(xmlns); pos != std::string::npos; pos = without_xmlns.find(xmlns)) {
    without_xmlns.erase(pos, xmlns.size());
  }
  EXPECT_EQ(without_xmlns.find("http"), std::string::npos);
  // Every chart is well-formed XML (a browser forgives, an SVG viewer or a tool does not).
  for (auto begin = html.find("<svg"); begin != std::string::npos; begin = html.find("<svg", begin + 1)) {
    const auto end = html.find("</svg>", begin);
    ASSERT_NE(end, std::string::npos);
    Poco::XML::DOMParser parser;
    EXPECT_NO_THROW(Poco::AutoPtr<Poco::XML::Document> svg =
                        parser.parseString(html.substr(begin, end + 6 - begin)))
        << html.substr(begin, 200);
  }
  // User text is escaped.
  EXPECT_NE(html.find("a &lt;synthetic&gt; run &amp; &quot;quotes&quot;"), std::string::npos);
  EXPECT_NE(html.find("FAILED"), std::string::npos);
}

TEST(Report, HtmlSaysNoDataForAnEmptyRun) {
  RunReport r;
  r.scenario = "empty";
  const std::string html = renderHtml(r);
  EXPECT_NE(html.find("no data"), std::string::npos);
  EXPECT_NE(html.find("PASSED"), std::string::npos);  // no targets: nothing missed
  EXPECT_NE(html.find("not scraped"), std::string::npos);
}

TEST(Report, WritesTheThreeFilesIntoATimestampedDirectory) {
  const auto base = std::filesystem::temp_directory_path() /
                    ("scenario-report-test-" + std::to_string(::getpid()));
  const auto dir = reportDirectory(base, "synthetic", 1767323045);  // 2026-01-02T03:04:05Z
  EXPECT_EQ(dir.filename().string(), "synthetic-20260102T030405Z");
  ASSERT_EQ(writeReport(syntheticRun(), dir), "");
  for (const char* name : {"report.json", "junit.xml", "report.html"}) {
    std::ifstream in(dir / name);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_GT(content.str().size(), 100u) << name;
  }
  std::filesystem::remove_all(base);
}

TEST(Report, ReportsADirectoryItCannotCreate) {
  const std::string error = writeReport(syntheticRun(), "/proc/forbidden/x");
  EXPECT_EQ(error.rfind("cannot create /proc/forbidden/x: ", 0), 0u) << error;
}

}  // namespace
}  // namespace scenario
