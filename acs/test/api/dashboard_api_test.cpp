// The dashboard endpoints (issue 7): their pure pieces (query parsing, time windows, the
// one-level parameter tree, Range headers) and ApiRouter::dispatch() against a real SQLite
// store.
#include "api/dashboard_api.h"

#include <memory>
#include <sstream>
#include <string>

#include "api/api_router.h"
#include "api/api_test_support.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace acs::api {
namespace {

using namespace std::chrono_literals;
using testing::addDevice;
using testing::DeviceSpec;
using testing::FakeConnectionRequester;
using testing::TempDatabase;

DeviceSpec spec(std::string serial, std::string software_version = "1.0",
                store::TimePoint when = store::nowMs(), std::vector<store::Parameter> params = {}) {
  DeviceSpec out;
  out.serial = std::move(serial);
  out.software_version = std::move(software_version);
  out.when = when;
  out.parameters = std::move(params);
  return out;
}

store::TimePoint at(std::int64_t ms) { return store::TimePoint(std::chrono::milliseconds(ms)); }

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string errorCode(const ApiResponse& response) {
  return parse(response.body)->getObject("error")->getValue<std::string>("code");
}

std::string header(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

// --- Pure pieces --------------------------------------------------------------------------------

TEST(TimeseriesQuery, DefaultsToThreeHoursOfMinutes) {
  auto q = parseTimeseriesQuery({});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->minutes, 180);
  EXPECT_EQ(q->step, 60s);
}

TEST(TimeseriesQuery, RejectsOutOfRangeMinutesAndSteps) {
  for (const QueryParams& params : {QueryParams{{"minutes", "0"}}, QueryParams{{"minutes", "1441"}},
                                    QueryParams{{"step", "120"}}, QueryParams{{"step", "x"}},
                                    QueryParams{{"minutes", "5"}, {"minutes", "6"}}}) {
    auto q = parseTimeseriesQuery(params);
    ASSERT_FALSE(q.ok()) << params.front().first << "=" << params.front().second;
    EXPECT_EQ(q.error().status, 400);
    EXPECT_EQ(q.error().code, "invalid_parameter");
  }
  auto unknown = parseTimeseriesQuery({{"minutez", "5"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown_parameter");
  auto ok = parseTimeseriesQuery({{"minutes", "1440"}, {"step", "3600"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->step, 3600s);
}

TEST(TimeseriesWindow, EndsAfterTheCurrentBucketAndCoversTheMinutesInWholeSteps) {
  // 14:05:30.250 on some day: end is 14:06:00, start 180 minutes earlier.
  const std::int64_t day = 1'700'006'400'000;  // a multiple of 1 h and 1 day in ms
  const store::TimePoint now = at(day + 14 * 3'600'000 + 5 * 60'000 + 30'250);
  TimeWindow w = timeseriesWindow(now, {180, 60s});
  EXPECT_EQ(w.end, at(day + 14 * 3'600'000 + 6 * 60'000));
  EXPECT_EQ(w.end - w.start, 180min);

  // 7 minutes in 5-minute steps: two whole buckets (10 minutes), aligned to 5 minutes.
  TimeWindow five = timeseriesWindow(now, {7, 300s});
  EXPECT_EQ(five.end, at(day + 14 * 3'600'000 + 10 * 60'000));
  EXPECT_EQ(five.end - five.start, 10min);
  EXPECT_EQ(five.start.time_since_epoch().count() % 300'000, 0);
}

TEST(BreakdownQuery, NeedsAKnownFieldAndALimitInRange) {
  auto missing = parseBreakdownQuery({}, at(0), 2.0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "invalid_parameter");
  auto unknown = parseBreakdownQuery({{"field", "serial_number"}}, at(0), 2.0);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("serial_number"), std::string::npos);
  auto limit = parseBreakdownQuery({{"field", "oui"}, {"limit", "101"}}, at(0), 2.0);
  ASSERT_FALSE(limit.ok());
  auto ok = parseBreakdownQuery({{"field", "oui"}, {"limit", "5"}, {"online", "true"}}, at(7), 3.0);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->field, "oui");
  EXPECT_EQ(ok->limit, 5);
  EXPECT_EQ(ok->online, true);
  EXPECT_EQ(ok->now, at(7));
  EXPECT_EQ(ok->online_multiple, 3.0);
}

TEST(ParameterTreeQuery, NeedsAnObjectPrefix) {
  auto roots = parseParameterTreeQuery({});
  ASSERT_TRUE(roots.ok());
  EXPECT_EQ(*roots, "");
  auto object = parseParameterTreeQuery({{"prefix", "Device.WiFi."}});
  ASSERT_TRUE(object.ok());
  EXPECT_EQ(*object, "Device.WiFi.");
  auto leaf = parseParameterTreeQuery({{"prefix", "Device.WiFi"}});
  ASSERT_FALSE(leaf.ok());
  EXPECT_EQ(leaf.error().code, "invalid_parameter");
}

TEST(ParameterNameOrder, ComparesNumericSegmentsByValue) {
  EXPECT_TRUE(parameterNameLess("Device.IP.Interface.2.", "Device.IP.Interface.10."));
  EXPECT_FALSE(parameterNameLess("Device.IP.Interface.10.", "Device.IP.Interface.2."));
  EXPECT_TRUE(parameterNameLess("Device.A", "Device.B"));
  EXPECT_TRUE(parameterNameLess("Device.", "Device.A"));
  EXPECT_TRUE(parameterNameLess("Device.X", "Device.X."));
  EXPECT_FALSE(parameterNameLess("Device.X.", "Device.X."));
  EXPECT_TRUE(parameterNameLess("Device.9.Name", "Device.10"));
}

std::vector<store::Parameter> sampleModel() {
  auto p = [](std::string name, std::optional<bool> writable = std::nullopt) {
    return store::Parameter{std::move(name), "v", "xsd:string", writable, at(1000)};
  };
  return {
      p("Device.DeviceInfo.SoftwareVersion"),  p("Device.DeviceInfo.HardwareVersion"),
      p("Device.WiFi.RadioNumberOfEntries"),   p("Device.WiFi.SSID.", false),
      p("Device.WiFi.SSID.10.SSID", true),     p("Device.WiFi.SSID.2.SSID", true),
      p("Device.WiFi.SSID.2.Enable", true),    p("Device.WiFi.AccessPoint.1.Security.ModeEnabled"),
      p("InternetGatewayDevice.DeviceSummary")};
}

TEST(ParameterTree, ListsRootObjectsImpliedByDeeperNames) {
  const auto model = sampleModel();
  auto items = parameterTree("", model);
  ASSERT_EQ(items.size(), 2U);
  EXPECT_EQ(items[0].name, "Device.");
  EXPECT_TRUE(items[0].object);
  EXPECT_EQ(items[0].child_count, 2);  // DeviceInfo., WiFi.
  EXPECT_FALSE(items[0].writable.has_value());
  EXPECT_EQ(items[1].name, "InternetGatewayDevice.");
  EXPECT_EQ(items[1].child_count, 1);
}

TEST(ParameterTree, ListsDirectChildrenWithChildCountsInNumericOrder) {
  const auto model = sampleModel();
  auto wifi = parameterTree("Device.WiFi.", model);
  ASSERT_EQ(wifi.size(), 3U);
  EXPECT_EQ(wifi[0].name, "Device.WiFi.AccessPoint.");
  EXPECT_EQ(wifi[0].child_count, 1);
  EXPECT_EQ(wifi[1].name, "Device.WiFi.RadioNumberOfEntries");
  EXPECT_FALSE(wifi[1].object);
  ASSERT_NE(wifi[1].parameter, nullptr);
  EXPECT_EQ(wifi[1].parameter->value, "v");
  EXPECT_EQ(wifi[2].name, "Device.WiFi.SSID.");
  EXPECT_EQ(wifi[2].child_count, 2);   // 2. and 10.
  EXPECT_EQ(wifi[2].writable, false);  // from the object's own row

  auto ssids = parameterTree("Device.WiFi.SSID.", model);
  ASSERT_EQ(ssids.size(), 2U);
  EXPECT_EQ(ssids[0].name, "Device.WiFi.SSID.2.");
  EXPECT_EQ(ssids[0].child_count, 2);
  EXPECT_EQ(ssids[1].name, "Device.WiFi.SSID.10.");

  EXPECT_TRUE(parameterTree("Device.Nothing.", model).empty());
}

TEST(RangeHeader, ParsesSingleByteRanges) {
  auto r = parseRange("bytes=0-9", 100);
  EXPECT_EQ(r.kind, RangeKind::Satisfiable);
  EXPECT_EQ(r.range.offset, 0);
  EXPECT_EQ(r.range.length, 10);
  r = parseRange("bytes=90-", 100);
  EXPECT_EQ(r.range.offset, 90);
  EXPECT_EQ(r.range.length, 10);
  r = parseRange("bytes=95-200", 100);
  EXPECT_EQ(r.range.length, 5);
  r = parseRange("bytes=-30", 100);
  EXPECT_EQ(r.range.offset, 70);
  EXPECT_EQ(r.range.length, 30);
  r = parseRange("bytes=-300", 100);
  EXPECT_EQ(r.range.offset, 0);
  EXPECT_EQ(r.range.length, 100);
}

TEST(RangeHeader, IgnoresWhatItCannotServeAndRefusesRangesPastTheEnd) {
  EXPECT_EQ(parseRange("", 100).kind, RangeKind::None);
  EXPECT_EQ(parseRange("bytes=0-1,5-6", 100).kind, RangeKind::None);
  EXPECT_EQ(parseRange("items=0-1", 100).kind, RangeKind::None);
  EXPECT_EQ(parseRange("bytes=9-2", 100).kind, RangeKind::None);
  EXPECT_EQ(parseRange("bytes=a-2", 100).kind, RangeKind::None);
  EXPECT_EQ(parseRange("bytes=100-", 100).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(parseRange("bytes=-0", 100).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(parseRange("bytes=0-", 0).kind, RangeKind::Unsatisfiable);
}

TEST(StoredFiles, NamesAndHashes) {
  EXPECT_FALSE(checkFileName("gw-2.1.0.bin").has_value());
  EXPECT_FALSE(checkFileName("firmware (beta).img").has_value());
  for (const std::string& bad : {std::string(), std::string("a/b"), std::string(".."),
                                 std::string("a\\b"), std::string("x\ty"), std::string(256, 'n')}) {
    auto error = checkFileName(bad);
    ASSERT_TRUE(error.has_value()) << bad;
    EXPECT_EQ(error->code, "invalid_file_name");
  }
  EXPECT_EQ(sha256Hex("test"), "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(fileUrl("acs.example:7547", "gw 2.bin"), "http://acs.example:7547/files/gw%202.bin");
  auto type = parseFilePutQuery({});
  ASSERT_TRUE(type.ok());
  EXPECT_EQ(*type, "1 Firmware Upgrade Image");
  EXPECT_FALSE(parseFilePutQuery({{"file_type", ""}}).ok());
  EXPECT_FALSE(parseFilePutQuery({{"file_type", "a\nb"}}).ok());
  EXPECT_FALSE(parseFilePutQuery({{"name", "x"}}).ok());
}

// --- Through the router -------------------------------------------------------------------------

class DashboardRouterTest : public ::testing::Test {
 protected:
  DashboardRouterTest() : store_(db_.open()) {}

  ApiRouter& router() {
    if (!router_) {
      ApiDeps deps{*store_, metrics_, config_, cr_};
      deps.max_file_bytes = max_file_bytes_;
      router_ = std::make_unique<ApiRouter>(deps);
    }
    return *router_;
  }

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& content_type = "",
                   const std::string& range = "") {
    ApiRequest request;
    request.method = method;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    request.body = body;
    request.content_type = content_type;
    request.host = "acs.test:7547";
    request.range = range;
    request.api_key = api_key_;
    return router().dispatch(request);
  }

  TempDatabase db_;
  store::StorePtr store_;
  Metrics metrics_;
  AcsConfig config_;
  FakeConnectionRequester cr_;
  std::uint64_t max_file_bytes_ = 0;
  std::unique_ptr<ApiRouter> router_;
  std::string api_key_;
};

TEST_F(DashboardRouterTest, StatsCountDevicesSeenInTheLastHour) {
  addDevice(*store_, spec("recent", "1.0", store::nowMs() - 10min));
  addDevice(*store_, spec("old", "1.0", store::nowMs() - 2h));
  auto reply = call("GET", "/api/stats");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto stats = parse(reply.body);
  EXPECT_EQ(stats->getValue<std::int64_t>("devices_total"), 2);
  EXPECT_EQ(stats->getValue<std::int64_t>("devices_seen_last_hour"), 1);
}

TEST_F(DashboardRouterTest, TimeseriesHasOnePointPerBucketWithTheSessionsInIt) {
  const store::Device device = addDevice(*store_, spec("A"));
  store::SessionRecord session;
  session.id = "0123456789abcdef0123456789abcdef";
  session.device_id = device.id;
  session.started_at = store::nowMs();
  session.last_activity = session.started_at;
  ASSERT_TRUE(store_->createSession(session).ok());

  auto reply = call("GET", "/api/stats/timeseries?minutes=60&step=300");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto series = parse(reply.body);
  EXPECT_EQ(series->getValue<std::int64_t>("step_seconds"), 300);
  auto points = series->getArray("points");
  ASSERT_EQ(points->size(), 12U);
  // The session is in the last bucket (the one holding now); every other bucket is empty.
  std::int64_t total = 0;
  for (std::size_t i = 0; i < points->size(); ++i) {
    total += points->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("sessions");
  }
  EXPECT_EQ(total, 1);
  EXPECT_EQ(points->getObject(11)->getValue<std::int64_t>("informs"), 1);
  EXPECT_EQ(points->getObject(0)->getValue<std::string>("t"),
            series->getValue<std::string>("start"));

  auto bad = call("GET", "/api/stats/timeseries?step=7");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errorCode(bad), "invalid_parameter");
}

TEST_F(DashboardRouterTest, BreakdownReportsTopValuesAndOther) {
  addDevice(*store_, spec("1", "2.1"));
  addDevice(*store_, spec("2", "2.1"));
  addDevice(*store_, spec("3", "2.0", store::nowMs() - 24h));
  addDevice(*store_, spec("4", "1.9"));
  auto reply = call("GET", "/api/stats/breakdown?field=software_version&limit=2");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto breakdown = parse(reply.body);
  EXPECT_EQ(breakdown->getValue<std::string>("field"), "software_version");
  EXPECT_EQ(breakdown->getValue<std::int64_t>("total"), 4);
  EXPECT_EQ(breakdown->getValue<std::int64_t>("other"), 1);
  auto items = breakdown->getArray("items");
  ASSERT_EQ(items->size(), 2U);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("value"), "2.1");
  EXPECT_EQ(items->getObject(0)->getValue<std::int64_t>("count"), 2);
  EXPECT_EQ(items->getObject(0)->getValue<std::int64_t>("online"), 2);
  EXPECT_EQ(items->getObject(1)->getValue<std::string>("value"), "1.9");

  auto offline =
      parse(call("GET", "/api/stats/breakdown?field=software_version&online=false").body);
  EXPECT_EQ(offline->getValue<std::int64_t>("total"), 1);

  auto bad = call("GET", "/api/stats/breakdown?field=ip");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'ip'"), std::string::npos);
}

TEST_F(DashboardRouterTest, ParameterTreeListsOneLevelAndRefusesUnknownDevices) {
  const store::Device device = addDevice(
      *store_, spec("T", "1.0", store::nowMs(),
                    {{"Device.DeviceInfo.SoftwareVersion", "1.0", "xsd:string", false, {}},
                     {"Device.WiFi.SSID.1.SSID", "lab", "xsd:string", true, {}},
                     {"Device.WiFi.SSID.2.SSID", "lab2", "xsd:string", true, {}}}));
  const std::string path = "/api/devices/" + percentEncode(device.id) + "/parameter-tree";
  auto roots = call("GET", path);
  ASSERT_EQ(roots.status, 200) << roots.body;
  auto items = parse(roots.body)->getArray("items");
  ASSERT_EQ(items->size(), 1U);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("name"), "Device.");
  EXPECT_TRUE(items->getObject(0)->getValue<bool>("object"));
  EXPECT_EQ(items->getObject(0)->getValue<std::int64_t>("child_count"), 2);
  EXPECT_TRUE(items->getObject(0)->isNull("writable"));

  auto info = parse(call("GET", path + "?prefix=Device.DeviceInfo.").body)->getArray("items");
  ASSERT_EQ(info->size(), 1U);
  auto leaf = info->getObject(0);
  EXPECT_FALSE(leaf->getValue<bool>("object"));
  EXPECT_EQ(leaf->getValue<std::string>("value"), "1.0");
  EXPECT_EQ(leaf->getValue<std::string>("type"), "xsd:string");
  EXPECT_FALSE(leaf->getValue<bool>("writable"));

  EXPECT_EQ(call("GET", path + "?prefix=Device.WiFi").status, 400);
  EXPECT_EQ(call("GET", "/api/devices/nobody/parameter-tree").status, 404);
}

TEST_F(DashboardRouterTest, FilesAreUploadedListedServedWithRangesAndDeleted) {
  const std::string content(
      "\x00\x01"
      "firmware"
      "\xff",
      11);
  auto put = call("PUT", "/api/files/gw-2.1.0.bin", content, "application/octet-stream");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(header(put, "Location"), "/api/files/gw-2.1.0.bin");
  auto stored = parse(put.body);
  EXPECT_EQ(stored->getValue<std::int64_t>("size"), 11);
  EXPECT_EQ(stored->getValue<std::string>("sha256"), sha256Hex(content));
  EXPECT_EQ(stored->getValue<std::string>("file_type"), "1 Firmware Upgrade Image");
  EXPECT_EQ(stored->getValue<std::string>("url"), "http://acs.test:7547/files/gw-2.1.0.bin");

  auto again = call("PUT", "/api/files/gw-2.1.0.bin?file_type=3%20Vendor%20Configuration%20File",
                    content, "application/octet-stream");
  EXPECT_EQ(again.status, 200) << again.body;

  auto list = parse(call("GET", "/api/files").body);
  auto items = list->getArray("items");
  ASSERT_EQ(items->size(), 1U);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("file_type"), "3 Vendor Configuration File");
  EXPECT_EQ(list->getValue<std::int64_t>("max_file_bytes"),
            static_cast<std::int64_t>(kDefaultMaxFileBytes));

  auto whole = call("GET", "/files/gw-2.1.0.bin");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, content);
  EXPECT_EQ(whole.content_type, "application/octet-stream");
  EXPECT_EQ(header(whole, "ETag"), "\"" + sha256Hex(content) + "\"");
  auto part = call("GET", "/files/gw-2.1.0.bin", "", "", "bytes=2-9");
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "firmware");
  EXPECT_EQ(header(part, "Content-Range"), "bytes 2-9/11");
  auto outside = call("GET", "/files/gw-2.1.0.bin", "", "", "bytes=11-");
  EXPECT_EQ(outside.status, 416);
  EXPECT_EQ(header(outside, "Content-Range"), "bytes */11");
  auto head = call("HEAD", "/files/gw-2.1.0.bin");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.head_content_length, 11);
  EXPECT_TRUE(head.body.empty());

  EXPECT_EQ(call("DELETE", "/api/files/gw-2.1.0.bin").status, 204);
  EXPECT_EQ(call("DELETE", "/api/files/gw-2.1.0.bin").status, 404);
  EXPECT_EQ(call("GET", "/files/gw-2.1.0.bin").status, 404);
  EXPECT_EQ(call("PUT", "/api/files/..", "x", "application/octet-stream").status, 400);
}

TEST_F(DashboardRouterTest, LargeDownloadsAreStreamedAndStopWhenTheFileChanges) {
  std::string content(3 * 1024 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i % 251);
  ASSERT_EQ(call("PUT", "/api/files/big.img", content, "application/octet-stream").status, 201);
  auto reply = call("GET", "/files/big.img");
  ASSERT_EQ(reply.status, 200);
  ASSERT_TRUE(reply.stream_body);
  EXPECT_TRUE(reply.body.empty());
  EXPECT_EQ(reply.stream_length, static_cast<std::int64_t>(content.size()));
  std::ostringstream out;
  EXPECT_TRUE(reply.stream_body(out));
  EXPECT_TRUE(out.str() == content) << "streamed content differs";

  // Replaced after the headers were decided: the stream stops rather than mixing versions.
  auto stale = call("GET", "/files/big.img");
  ASSERT_TRUE(stale.stream_body);
  ASSERT_EQ(call("PUT", "/api/files/big.img", content.substr(1), "application/octet-stream").status,
            200);
  std::ostringstream partial;
  EXPECT_FALSE(stale.stream_body(partial));
  EXPECT_LT(partial.str().size(), content.size());

  // Small files and ranges are answered in one piece.
  auto range = call("GET", "/files/big.img", "", "", "bytes=0-99");
  EXPECT_EQ(range.status, 206);
  EXPECT_FALSE(range.stream_body);
  EXPECT_EQ(range.body, content.substr(1, 100));
}

TEST_F(DashboardRouterTest, FilesNeedTheKeyToManageButNotToDownload) {
  config_.enable_auth = true;
  config_.api_key = "secret-key-0123456789";
  api_key_ = config_.api_key;
  ASSERT_EQ(call("PUT", "/api/files/a.bin", "abc", "application/octet-stream").status, 201);
  api_key_.clear();
  EXPECT_EQ(call("GET", "/api/files").status, 401);
  EXPECT_EQ(call("PUT", "/api/files/b.bin", "abc", "application/octet-stream").status, 401);
  EXPECT_EQ(call("DELETE", "/api/files/a.bin").status, 401);
  auto download = call("GET", "/files/a.bin");
  EXPECT_EQ(download.status, 200);
  EXPECT_EQ(download.body, "abc");
}

TEST(DeviceListTotals, SayWhetherTheTotalIsExact) {
  TempDatabase db;
  store::StoreOptions options;
  options.device_count_cap = 2;
  store::StorePtr store = db.open(options);
  for (const char* serial : {"1", "2", "3", "4", "5"}) addDevice(*store, spec(serial));
  Metrics metrics;
  AcsConfig config;
  FakeConnectionRequester cr;
  ApiRouter router(ApiDeps{*store, metrics, config, cr});
  ApiRequest request;
  request.method = "GET";
  request.path = "/api/devices";
  request.query = "limit=1";
  auto capped = parse(router.dispatch(request).body);
  EXPECT_FALSE(capped->getValue<bool>("total_exact"));
  EXPECT_GE(capped->getValue<std::int64_t>("total"), 2);
  EXPECT_LT(capped->getValue<std::int64_t>("total"), 5);
  request.query = "limit=10";
  auto all = parse(router.dispatch(request).body);
  EXPECT_TRUE(all->getValue<bool>("total_exact"));
  EXPECT_EQ(all->getValue<std::int64_t>("total"), 5);
}

TEST_F(DashboardRouterTest, UnavailableStoreGives503) {
  testing::UnavailableStore down;
  ApiRouter router(ApiDeps{down, metrics_, config_, cr_});
  for (const char* path : {"/api/stats/timeseries", "/api/stats/breakdown?field=oui", "/api/files",
                           "/files/x.bin", "/api/devices/x/parameter-tree"}) {
    ApiRequest request;
    request.method = "GET";
    const std::string target = path;
    const auto question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    EXPECT_EQ(router.dispatch(request).status, 503) << path;
  }
}

}  // namespace
}  // namespace acs::api
