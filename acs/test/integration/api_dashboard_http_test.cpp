// The dashboard endpoints (issue 7) over real HTTP on loopback, on each store backend: the
// overview numbers and charts, the parameter tree, and the file store shared by two servers
// on one database (two ACS processes).
#include "integration/api_dashboard_http_test.h"

#include <chrono>
#include <string>

#include "api/dashboard_api.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace acs::api::testing {

void DashboardHttpTest::SetUp() {
  db_ = GetParam().create();
  if (!db_) {
    if (HasFailure()) FAIL() << "no database for " << GetParam().name;
    GTEST_SKIP() << "no database for " << GetParam().name << " (set ACS_TEST_PG_DSN)";
  }
  server_ = openServer();
}

void DashboardHttpTest::TearDown() {
  server_.reset();
  db_.reset();
}

std::unique_ptr<ApiTestServer> DashboardHttpTest::openServer() const {
  ApiTestServerOptions options;
  options.database_url = db_->url();
  options.max_file_bytes = kMaxFileBytes;
  return std::make_unique<ApiTestServer>(options);
}

namespace {

using namespace std::chrono_literals;
using Object = Poco::JSON::Object::Ptr;

Object json(const HttpResult& result) {
  Poco::JSON::Parser parser;
  auto parsed = parser.parse(result.body);
  EXPECT_EQ(parsed.type(), typeid(Object)) << result.body;
  return parsed.extract<Object>();
}

std::string binaryContent(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 31 + i / 1000) & 0xFF);
  return out;
}

store::Device addDeviceWith(store::Store& store, const std::string& serial,
                            const std::string& product_class, store::TimePoint when) {
  DeviceSpec spec;
  spec.serial = serial;
  spec.product_class = product_class;
  spec.when = when;
  spec.parameters = {{"Device.DeviceInfo.SoftwareVersion", "1.0", "xsd:string", false, {}},
                     {"Device.IP.Interface.2.Enable", "true", "xsd:boolean", true, {}},
                     {"Device.IP.Interface.10.Enable", "false", "xsd:boolean", true, {}}};
  return addDevice(store, spec);
}

TEST_P(DashboardHttpTest, OverviewNumbersAndChartsMatchTheStore) {
  const store::TimePoint now = store::nowMs();
  const store::Device a = addDeviceWith(server_->store(), "A", "Box", now - 5min);
  addDeviceWith(server_->store(), "B", "Box", now - 3h);
  addDeviceWith(server_->store(), "C", "Router", now - 1min);
  for (int i = 0; i < 3; ++i) {
    store::SessionRecord s;
    s.id = "00000000000000000000000000000a0" + std::to_string(i);
    s.device_id = a.id;
    s.started_at = now - std::chrono::minutes(i * 20);
    s.last_activity = s.started_at;
    ASSERT_TRUE(server_->store().createSession(s).ok());
  }

  auto stats = server_->request("GET", "/api/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(json(stats)->getValue<std::int64_t>("devices_total"), 3);
  EXPECT_EQ(json(stats)->getValue<std::int64_t>("devices_seen_last_hour"), 2);

  auto series = server_->request("GET", "/api/stats/timeseries?minutes=120&step=900");
  ASSERT_EQ(series.status, 200) << series.body;
  auto points = json(series)->getArray("points");
  ASSERT_EQ(points->size(), 8U);
  std::int64_t informs = 0;
  for (std::size_t i = 0; i < points->size(); ++i) {
    informs += points->getObject(static_cast<unsigned>(i))->getValue<std::int64_t>("informs");
  }
  EXPECT_EQ(informs, 3);
  EXPECT_EQ(server_->request("GET", "/api/stats/timeseries?minutes=2000").status, 400);

  auto classes = server_->request("GET", "/api/stats/breakdown?field=product_class&limit=1");
  ASSERT_EQ(classes.status, 200) << classes.body;
  auto breakdown = json(classes);
  EXPECT_EQ(breakdown->getValue<std::int64_t>("total"), 3);
  EXPECT_EQ(breakdown->getValue<std::int64_t>("other"), 1);
  auto top = breakdown->getArray("items")->getObject(0);
  EXPECT_EQ(top->getValue<std::string>("value"), "Box");
  EXPECT_EQ(top->getValue<std::int64_t>("count"), 2);
  EXPECT_EQ(top->getValue<std::int64_t>("online"), 1);
}

TEST_P(DashboardHttpTest, ParameterTreeListsOneLevelInNumericOrder) {
  const store::Device device = addDeviceWith(server_->store(), "T", "Box", store::nowMs());
  auto tree = server_->request("GET", "/api/devices/" + percentEncode(device.id) +
                                          "/parameter-tree?prefix=Device.IP.Interface.");
  ASSERT_EQ(tree.status, 200) << tree.body;
  auto items = json(tree)->getArray("items");
  ASSERT_EQ(items->size(), 2U);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("name"), "Device.IP.Interface.2.");
  EXPECT_EQ(items->getObject(1)->getValue<std::string>("name"), "Device.IP.Interface.10.");
  EXPECT_EQ(items->getObject(1)->getValue<std::int64_t>("child_count"), 1);
  EXPECT_EQ(server_->request("GET", "/api/devices/nobody/parameter-tree").status, 404);
}

TEST_P(DashboardHttpTest, FilesStoredThroughOneServerAreServedByAnother) {
  std::unique_ptr<ApiTestServer> other = openServer();
  const std::string content = binaryContent(600'000);  // three storage chunks
  auto put =
      server_->request("PUT", "/api/files/gw-2.1.0.bin", content, {}, "application/octet-stream");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(json(put)->getValue<std::string>("sha256"), sha256Hex(content));

  auto list = other->request("GET", "/api/files");
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = json(list)->getArray("items");
  ASSERT_EQ(items->size(), 1U);
  auto file = items->getObject(0);
  EXPECT_EQ(file->getValue<std::int64_t>("size"), 600'000);
  EXPECT_EQ(file->getValue<std::string>("url"),
            "http://127.0.0.1:" + std::to_string(other->port()) + "/files/gw-2.1.0.bin");

  auto whole = other->request("GET", "/files/gw-2.1.0.bin");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("content-type"), "application/octet-stream");
  EXPECT_EQ(whole.header("content-length"), "600000");
  EXPECT_TRUE(whole.body == content) << "content differs";

  auto part = other->request("GET", "/files/gw-2.1.0.bin", "", {{"Range", "bytes=262140-262149"}});
  ASSERT_EQ(part.status, 206);
  EXPECT_EQ(part.body, content.substr(262'140, 10));
  EXPECT_EQ(part.header("content-range"), "bytes 262140-262149/600000");

  auto head = other->request("HEAD", "/files/gw-2.1.0.bin");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "600000");
  EXPECT_TRUE(head.body.empty());

  EXPECT_EQ(other->request("DELETE", "/api/files/gw-2.1.0.bin").status, 204);
  EXPECT_EQ(server_->request("GET", "/files/gw-2.1.0.bin").status, 404);
}

TEST_P(DashboardHttpTest, LargeFilesAreStreamedWhole) {
  // Over the 1 MiB streaming threshold: the body is written piece by piece.
  const std::string content = binaryContent(kMaxFileBytes);
  ASSERT_EQ(server_->request("PUT", "/api/files/large.img", content, {}, "application/octet-stream")
                .status,
            201);
  auto whole = server_->request("GET", "/files/large.img");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("content-length"), std::to_string(kMaxFileBytes));
  EXPECT_EQ(whole.body.size(), content.size());
  EXPECT_TRUE(whole.body == content) << "content differs";
  auto tail = server_->request("GET", "/files/large.img", "", {{"Range", "bytes=1000000-"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_TRUE(tail.body == content.substr(1'000'000)) << "range content differs";
}

TEST_P(DashboardHttpTest, UploadsOverTheLimitGet413AndStoreNothing) {
  // A declared length over the limit is refused before the body is read: send the headers
  // only and read the answer (a client still writing 1 MiB could see the connection reset
  // before it reads the 413).
  {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("PUT", "/api/files/big.bin", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/octet-stream");
    request.setContentLength64(static_cast<Poco::Int64>(kMaxFileBytes + 1));
    session.sendRequest(request).flush();
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(static_cast<int>(response.getStatus()), 413) << body;
    EXPECT_NE(body.find("payload_too_large"), std::string::npos) << body;
    EXPECT_NE(body.find(std::to_string(kMaxFileBytes)), std::string::npos) << body;
  }
  // Chunked: no length to look at, the limit applies while reading.
  const std::string content = binaryContent(kMaxFileBytes + 1);
  {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("PUT", "/api/files/big.bin", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/octet-stream");
    request.setChunkedTransferEncoding(true);
    session.sendRequest(request) << content;
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(static_cast<int>(response.getStatus()), 413) << body;
  }
  EXPECT_EQ(server_->request("GET", "/files/big.bin").status, 404);
  // Exactly the limit is accepted.
  auto fits = server_->request("PUT", "/api/files/big.bin", content.substr(0, kMaxFileBytes), {},
                               "application/octet-stream");
  EXPECT_EQ(fits.status, 201) << fits.body;
}

}  // namespace
}  // namespace acs::api::testing
