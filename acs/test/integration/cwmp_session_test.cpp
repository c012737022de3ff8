// CWMP sessions over real HTTP on loopback against an ACS with a real store (SQLite, and
// PostgreSQL in acs_integration_pg_tests): the rules of checklist sections 1-3 and 7 end to
// end, task delivery and results, device records, session rows.
#include <memory>
#include <sstream>
#include <thread>

#include <Poco/DeflatingStream.h>

#include "acs/src/core/json_value.h"
#include "acs/test/integration/cwmp_fixture.h"
#include "cwmp/codec.h"
#include "cwmp/json.h"

namespace acs::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

store::Task makeTask(const std::string& device_id, std::string type, std::string args) {
  store::Task t;
  t.device_id = device_id;
  t.type = std::move(type);
  t.args_json = std::move(args);
  return t;
}

std::int64_t createTask(store::Store& store, const std::string& device_id, std::string type,
                        std::string args) {
  auto t = store.createTask(makeTask(device_id, std::move(type), std::move(args)), store::nowMs());
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? t->id : 0;
}

store::Task taskOf(store::Store& store, std::int64_t id) {
  auto t = store.getTask(id);
  EXPECT_TRUE(t.ok() && t->has_value());
  return t.ok() && t->has_value() ? **t : store::Task{};
}

// A whole periodic session: Inform, empty POST, 204.
void periodicSession(CpeClient& cpe, const std::string& serial) {
  Reply ir = cpe.send(informEnvelope(serial, {"2 PERIODIC"}));
  ASSERT_EQ(ir.status, 200) << ir.body;
  ASSERT_NE(ir.as<cwmp::InformResponse>(), nullptr) << ir.body;
  Reply end = cpe.emptyPost();
  ASSERT_EQ(end.status, 204) << end.body;
  cpe.forgetCookie();
}

TEST_P(CwmpBackendTest, FullSessionWithTransferCompleteQueuedRpcsAnd204) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("FULL");
  const std::string device = deviceIdFor(serial);

  // Session 1 (bootstrap) creates the device.
  Reply ir = cpe.send(informEnvelope(serial, {"0 BOOTSTRAP", "1 BOOT"}, 3, "boot-1"));
  ASSERT_EQ(ir.status, 200) << ir.body;
  const auto* response = ir.as<cwmp::InformResponse>();
  ASSERT_NE(response, nullptr) << ir.body;
  EXPECT_EQ(response->max_envelopes, 1u);
  EXPECT_EQ(ir.envelope->header.id, "boot-1");
  EXPECT_NE(ir.body.find("urn:dslforum-org:cwmp-1-2"), std::string::npos);
  EXPECT_FALSE(cpe.cookie().empty());
  EXPECT_EQ(cpe.cookie().size(), 44u);
  EXPECT_NE(ir.header("content-type").find("text/xml"), std::string::npos);
  Reply end = cpe.emptyPost();
  ASSERT_EQ(end.status, 204);
  EXPECT_TRUE(end.body.empty());
  cpe.forgetCookie();

  auto dev = acs.store().getDevice(device, store::nowMs());
  ASSERT_TRUE(dev.ok() && dev->has_value());
  EXPECT_EQ((*dev)->software_version, "2.0.1");
  EXPECT_EQ((*dev)->hardware_version, "hw-3");
  EXPECT_EQ((*dev)->connection_request_url, "http://127.0.0.1:1/cr/" + serial);
  EXPECT_EQ((*dev)->parameter_key, "pk-0");
  EXPECT_EQ((*dev)->periodic_inform_interval, 300);
  EXPECT_EQ((*dev)->ip, "127.0.0.1");
  EXPECT_TRUE((*dev)->online);
  auto params = acs.store().getParameters(device, "Device.X_Test.");
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->size(), 3u);

  // Queue a Download and a GetParameterValues.
  const std::int64_t download =
      createTask(acs.store(), device, "Download",
                 R"({"FileType":"1 Firmware Upgrade Image","URL":"http://files/fw.bin"})");
  const std::int64_t gpv = createTask(acs.store(), device, "GetParameterValues",
                                      R"({"ParameterNames":["Device.DeviceInfo."]})");

  // Session 2: the ACS sends both, one per reply, then 204.
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"6 CONNECTION REQUEST"})).status, 200);
  Reply r1 = cpe.emptyPost();
  ASSERT_EQ(r1.status, 200) << r1.body;
  const auto* dl = r1.as<cwmp::Download>();
  ASSERT_NE(dl, nullptr) << r1.body;
  EXPECT_EQ(dl->url, "http://files/fw.bin");
  const std::string key = dl->command_key;
  EXPECT_EQ(key, "task-" + std::to_string(download));
  EXPECT_EQ(taskOf(acs.store(), download).state, store::TaskState::Sent);
  cwmp::DownloadResponse accepted;
  accepted.status = 1;  // will finish later with a TransferComplete
  Reply r2 = cpe.send(envelopeOf(accepted, *r1.envelope->header.id));
  ASSERT_EQ(r2.status, 200) << r2.body;
  ASSERT_NE(r2.as<cwmp::GetParameterValues>(), nullptr) << r2.body;
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.DeviceInfo.UpTime", "1234", "xsd:unsignedInt"}};
  Reply r3 = cpe.send(envelopeOf(values, *r2.envelope->header.id));
  EXPECT_EQ(r3.status, 204) << r3.body;
  cpe.forgetCookie();

  store::Task dl_task = taskOf(acs.store(), download);
  EXPECT_EQ(dl_task.state, store::TaskState::Completed);
  EXPECT_EQ(dl_task.command_key, key);
  EXPECT_NE(dl_task.result_json.find("\"Status\":1"), std::string::npos) << dl_task.result_json;
  store::Task gpv_task = taskOf(acs.store(), gpv);
  EXPECT_EQ(gpv_task.state, store::TaskState::Completed);
  auto uptime = acs.store().getParameters(device, "Device.DeviceInfo.UpTime");
  ASSERT_TRUE(uptime.ok());
  ASSERT_EQ(uptime->size(), 1u);
  EXPECT_EQ((*uptime)[0].value, "1234");
  EXPECT_EQ((*uptime)[0].type, "xsd:unsignedInt");

  // Session 3: TRANSFER COMPLETE, the TransferComplete RPC, then the ACS's queued Reboot.
  const std::int64_t reboot = createTask(acs.store(), device, "Reboot", "{}");
  Reply ir3 =
      cpe.send(informEnvelope(serial, {"1 BOOT", "7 TRANSFER COMPLETE", "M Download|" + key}));
  ASSERT_EQ(ir3.status, 200) << ir3.body;
  cwmp::TransferComplete tc;
  tc.command_key = key;
  tc.start_time = "2024-01-01T00:00:10Z";
  tc.complete_time = "2024-01-01T00:01:00Z";
  Reply tcr = cpe.send(envelopeOf(tc, "tc-1"));
  ASSERT_EQ(tcr.status, 200) << tcr.body;
  ASSERT_NE(tcr.as<cwmp::TransferCompleteResponse>(), nullptr) << tcr.body;
  EXPECT_EQ(tcr.envelope->header.id, "tc-1");
  Reply rb = cpe.emptyPost();
  ASSERT_EQ(rb.status, 200) << rb.body;
  ASSERT_NE(rb.as<cwmp::Reboot>(), nullptr) << rb.body;
  EXPECT_EQ(rb.as<cwmp::Reboot>()->command_key, "task-" + std::to_string(reboot));
  Reply last = cpe.send(envelopeOf(cwmp::RebootResponse{}, *rb.envelope->header.id));
  EXPECT_EQ(last.status, 204);

  dl_task = taskOf(acs.store(), download);
  EXPECT_EQ(dl_task.state, store::TaskState::Completed);
  auto result = json::parse(dl_task.result_json);
  ASSERT_TRUE(result.ok()) << dl_task.result_json;
  EXPECT_EQ(result->get("TransferComplete").get("CommandKey").asString(), key);
  EXPECT_EQ(result->get("TransferComplete").get("CompleteTime").asString(), "2024-01-01T00:01:00Z");
  EXPECT_EQ(taskOf(acs.store(), reboot).state, store::TaskState::Completed);

  // Session rows: three sessions, all ended ok, messages counted, events kept.
  auto sessions = acs.store().listSessions(device, 10, 0);
  ASSERT_TRUE(sessions.ok());
  ASSERT_EQ(sessions->items.size(), 3u);
  for (const auto& s : sessions->items) {
    EXPECT_EQ(s.outcome, "ok") << s.id;
    EXPECT_TRUE(s.ended_at.has_value());
    EXPECT_GE(s.messages_in, 2);
  }
  const auto& newest = sessions->items.front();
  EXPECT_EQ(newest.messages_in, 4);   // Inform, TransferComplete, empty POST, RebootResponse
  EXPECT_EQ(newest.messages_out, 3);  // InformResponse, TransferCompleteResponse, Reboot
  EXPECT_NE(std::find(newest.events.begin(), newest.events.end(), "7 TRANSFER COMPLETE"),
            newest.events.end());
  EXPECT_NE(std::find(newest.events.begin(), newest.events.end(), "rpc:TransferComplete"),
            newest.events.end());
}

TEST_P(CwmpBackendTest, TransferCompleteWithFaultFaultsTheDownloadTask) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("TCF");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t download =
      createTask(acs.store(), device, "Download",
                 R"({"FileType":"1 Firmware Upgrade Image","URL":"http://x"})");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply r = cpe.emptyPost();
  ASSERT_NE(r.as<cwmp::Download>(), nullptr);
  cwmp::DownloadResponse later;
  later.status = 1;
  ASSERT_EQ(cpe.send(envelopeOf(later, *r.envelope->header.id)).status, 204);
  cpe.forgetCookie();

  ASSERT_EQ(cpe.send(informEnvelope(serial, {"7 TRANSFER COMPLETE"})).status, 200);
  cwmp::TransferComplete tc;
  tc.command_key = "task-" + std::to_string(download);
  tc.fault_struct = {9016, "cannot access file"};
  ASSERT_EQ(cpe.send(envelopeOf(tc)).status, 200);
  ASSERT_EQ(cpe.emptyPost().status, 204);
  store::Task t = taskOf(acs.store(), download);
  EXPECT_EQ(t.state, store::TaskState::Faulted);
  EXPECT_EQ(t.fault_code, 9016u);
  auto faults = acs.store().listFaults(device, 10, 0);
  ASSERT_TRUE(faults.ok());
  ASSERT_FALSE(faults->items.empty());
  EXPECT_EQ(faults->items.front().code, 9016u);
}

TEST_P(CwmpBackendTest, CpeFaultIsRecordedOnTheTask) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("FLT");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t spv = createTask(
      acs.store(), device, "SetParameterValues",
      R"({"ParameterList":[{"Name":"Device.DeviceInfo.ProvisioningCode","Value":"x","Type":"xsd:string"}],"ParameterKey":"k9"})");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply r = cpe.emptyPost();
  ASSERT_NE(r.as<cwmp::SetParameterValues>(), nullptr) << r.body;
  EXPECT_EQ(r.as<cwmp::SetParameterValues>()->parameter_key, "k9");
  cwmp::Fault fault = cwmp::makeFault(9003, "Invalid arguments");
  fault.set_parameter_values_fault.push_back(
      {"Device.DeviceInfo.ProvisioningCode", 9008, "not writable"});
  Reply end = cpe.send(envelopeOf(fault, *r.envelope->header.id));
  EXPECT_EQ(end.status, 204);
  store::Task t = taskOf(acs.store(), spv);
  EXPECT_EQ(t.state, store::TaskState::Faulted);
  EXPECT_EQ(t.fault_code, 9003u);
  EXPECT_EQ(t.fault_string, "Invalid arguments");
  auto faults = acs.store().listFaults(device, 10, 0);
  ASSERT_TRUE(faults.ok());
  ASSERT_FALSE(faults->items.empty());
  EXPECT_EQ(faults->items.front().task_id, spv);
  EXPECT_NE(faults->items.front().detail_json.find("9008"), std::string::npos);
}

TEST_P(CwmpBackendTest, ProtocolErrorFailsTheTaskWithItsReason) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("PROTO");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t id = createTask(acs.store(), device, "Reboot", "{}");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply r = cpe.emptyPost();
  ASSERT_NE(r.as<cwmp::Reboot>(), nullptr) << r.body;
  // An empty POST instead of the RebootResponse: not a CPE fault, the task Failed.
  EXPECT_EQ(cpe.emptyPost().status, 204);
  store::Task t = taskOf(acs.store(), id);
  EXPECT_EQ(t.state, store::TaskState::Failed);
  EXPECT_EQ(t.fault_code, 0u);
  EXPECT_NE(t.fault_string.find("protocol error: empty POST instead of RebootResponse"),
            std::string::npos)
      << t.fault_string;
  // Counted as failed, not as a CPE fault.
  const std::string metrics = acs.server().metrics().renderPrometheus();
  EXPECT_NE(metrics.find("acs_tasks_failed_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("acs_tasks_faulted_total 0\n"), std::string::npos) << metrics;
  auto faults = acs.store().listFaults(device, 10, 0);
  ASSERT_TRUE(faults.ok());
  ASSERT_FALSE(faults->items.empty());
  EXPECT_EQ(faults->items.front().task_id, id);
  EXPECT_EQ(faults->items.front().code, 0u);
}

TEST_P(CwmpBackendTest, AnsweredTaskIsCompletedWithTheSessionsLastSave) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("LAST");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t id = createTask(acs.store(), device, "Reboot", "{}");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply r = cpe.emptyPost();
  ASSERT_NE(r.as<cwmp::Reboot>(), nullptr) << r.body;
  Reply end = cpe.send(envelopeOf(cwmp::RebootResponse{}, *r.envelope->header.id));
  EXPECT_EQ(end.status, 204) << end.body;
  store::Task t = taskOf(acs.store(), id);
  EXPECT_EQ(t.state, store::TaskState::Completed);
  // The session ended and its lease is free for the next one.
  auto sessions = acs.store().listSessions(device, 1, 0);
  ASSERT_TRUE(sessions.ok());
  ASSERT_FALSE(sessions->items.empty());
  EXPECT_EQ(sessions->items.front().outcome, "ok");
  EXPECT_TRUE(sessions->items.front().ended_at.has_value());
  EXPECT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  EXPECT_EQ(cpe.emptyPost().status, 204);
}

TEST_P(CwmpBackendTest, RefreshStoresNamesAndValuesOfTheSubtree) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("REF");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t refresh =
      createTask(acs.store(), device, "refresh", R"({"ParameterPath":"Device.WiFi."})");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply gpn = cpe.emptyPost();
  ASSERT_NE(gpn.as<cwmp::GetParameterNames>(), nullptr) << gpn.body;
  cwmp::GetParameterNamesResponse names;
  names.parameter_list = {{"Device.WiFi.", false},
                          {"Device.WiFi.SSID.1.", false},
                          {"Device.WiFi.SSID.1.SSID", true},
                          {"Device.WiFi.SSID.1.Status", false}};
  Reply gpv = cpe.send(envelopeOf(names, *gpn.envelope->header.id));
  ASSERT_NE(gpv.as<cwmp::GetParameterValues>(), nullptr) << gpv.body;
  EXPECT_EQ(gpv.as<cwmp::GetParameterValues>()->parameter_names.size(), 2u);
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.WiFi.SSID.1.SSID", "lab", "xsd:string"},
                           {"Device.WiFi.SSID.1.Status", "Up", "xsd:string"}};
  EXPECT_EQ(cpe.send(envelopeOf(values, *gpv.envelope->header.id)).status, 204);
  EXPECT_EQ(taskOf(acs.store(), refresh).state, store::TaskState::Completed);
  auto params = acs.store().getParameters(device, "Device.WiFi.");
  ASSERT_TRUE(params.ok());
  std::map<std::string, store::Parameter> by_name;
  for (const auto& p : *params) by_name[p.name] = p;
  ASSERT_TRUE(by_name.count("Device.WiFi.SSID.1.SSID"));
  EXPECT_EQ(by_name["Device.WiFi.SSID.1.SSID"].value, "lab");
  EXPECT_EQ(by_name["Device.WiFi.SSID.1.SSID"].writable, true);
  EXPECT_EQ(by_name["Device.WiFi.SSID.1.Status"].writable, false);
  EXPECT_TRUE(by_name.count("Device.WiFi.SSID.1."));
}

TEST_P(CwmpBackendTest, HoldRequestsLetsTheAcsGoFirstAndTheCpeAfterwards) {
  TestServer& acs = start([](AcsConfig& c) { c.hold_requests = HoldRequestsPolicy::Always; });
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("HOLD");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  createTask(acs.store(), device, "GetRPCMethods", "{}");

  Reply ir = cpe.send(informEnvelope(serial, {"7 TRANSFER COMPLETE"}));
  ASSERT_EQ(ir.status, 200);
  ASSERT_TRUE(ir.envelope->header.hold_requests.has_value());
  EXPECT_TRUE(*ir.envelope->header.hold_requests);
  EXPECT_NE(ir.body.find("HoldRequests"), std::string::npos);
  // Held: the CPE sends an empty POST instead of its TransferComplete.
  Reply req = cpe.emptyPost();
  ASSERT_NE(req.as<cwmp::GetRPCMethods>(), nullptr) << req.body;
  EXPECT_EQ(req.envelope->header.hold_requests, true);
  Reply done = cpe.send(
      envelopeOf(cwmp::GetRPCMethodsResponse{{"Inform", "Reboot"}}, *req.envelope->header.id));
  EXPECT_EQ(done.status, 204);
  // Released by the 204, the CPE now sends what it held back, in the same session.
  cwmp::TransferComplete tc;
  tc.command_key = "old";
  Reply tcr = cpe.send(envelopeOf(tc, "tc-held"));
  ASSERT_EQ(tcr.status, 200) << tcr.body;
  ASSERT_NE(tcr.as<cwmp::TransferCompleteResponse>(), nullptr);
  EXPECT_FALSE(tcr.envelope->header.hold_requests.has_value());
  EXPECT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();

  auto sessions = acs.store().listSessions(device, 1, 0);
  ASSERT_TRUE(sessions.ok());
  ASSERT_EQ(sessions->items.size(), 1u);
  EXPECT_EQ(sessions->items[0].outcome, "ok");
  EXPECT_TRUE(sessions->items[0].ended_at.has_value());
  // The lease is free again: a new session starts at once.
  periodicSession(cpe, serial);
}

// A session of `serial` on `cpe` that has sent a queued Reboot; the CPE then drops the
// connection instead of answering. Returns the Reboot task's id; `dead` gets the session id.
std::int64_t sendRebootAndDrop(TestServer& acs, CpeClient& cpe, const std::string& serial,
                               std::string& dead) {
  periodicSession(cpe, serial);
  const std::int64_t id = createTask(acs.store(), deviceIdFor(serial), "Reboot", "{}");
  EXPECT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  EXPECT_NE(cpe.emptyPost().as<cwmp::Reboot>(), nullptr);  // the task is sent
  dead = cpe.cookie();
  cpe.newConnection();  // the CPE drops the connection instead of answering
  return id;
}

// The retry's session gets the Reboot of the dead one again (its attempt counted) and
// completes it; the dead session ended as aborted.
void expectRebootRedoneAfterDrop(TestServer& acs, CpeClient& retry, std::int64_t id,
                                 const std::string& dead) {
  ASSERT_NE(retry.emptyPost().as<cwmp::Reboot>(), nullptr);
  EXPECT_EQ(retry.send(envelopeOf(cwmp::RebootResponse{})).status, 204);
  store::Task t = taskOf(acs.store(), id);
  EXPECT_EQ(t.state, store::TaskState::Completed);
  EXPECT_EQ(t.attempts, 2);
  auto old = acs.store().getSession(dead);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_TRUE((*old)->ended_at.has_value());
  EXPECT_EQ((*old)->outcome, "aborted");
}

TEST_P(CwmpBackendTest, AnInformAfterTheCpeDroppedItsConnectionEndsTheDeadSession) {
  TestServer& acs = start();
  const std::string serial = uniqueSerial("DROP");
  CpeClient first(acs.port());
  std::string dead;
  const std::int64_t id = sendRebootAndDrop(acs, first, serial, dead);

  // The CPE's retry: a new session, not refused until the dead one's lease expires. (The
  // server may need a moment to see the FIN; a refusal meanwhile is the old behaviour.)
  CpeClient retry(acs.port());
  Reply informed;
  for (int attempt = 0; attempt < 40; ++attempt) {
    retry.forgetCookie();
    informed = retry.send(informEnvelope(serial, {"2 PERIODIC"}));
    if (informed.status == 200) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(informed.status, 200) << informed.body;
  ASSERT_NE(informed.as<cwmp::InformResponse>(), nullptr);
  expectRebootRedoneAfterDrop(acs, retry, id, dead);
}

// The CPE's retry after a dropped connection reaches the other ACS process.
TEST_P(CwmpBackendTest, AfterADroppedConnectionTheNextInformStartsOnAnotherAcs) {
  auto [a, b] = startTwo();
  const std::string serial = uniqueSerial("XDROP");
  CpeClient first(a->port());
  std::string dead;
  const std::int64_t id = sendRebootAndDrop(*a, first, serial, dead);

  // B refuses until A's maintenance thread (about once a second) sees the closed connection
  // and cuts the lease; then B starts the new session instead of waiting for the timeout.
  CpeClient retry(b->port());
  Reply informed;
  for (int attempt = 0; attempt < 100; ++attempt) {
    retry.forgetCookie();
    informed = retry.send(informEnvelope(serial, {"2 PERIODIC"}));
    if (informed.status == 200) break;
    ASSERT_EQ(informed.status, 400) << informed.body;
    EXPECT_NE(informed.body.find("acs-a"), std::string::npos) << informed.body;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(informed.status, 200) << informed.body;
  expectRebootRedoneAfterDrop(*b, retry, id, dead);
  // A stops tracking the session B ended: its active-session gauge goes back to zero.
  for (int i = 0; i < 100 && a->server().metrics().activeSessions() != 0; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(a->server().metrics().activeSessions(), 0);
  EXPECT_EQ(a->server().metrics().sessionsEnded(SessionOutcome::Aborted), 1u);
}

// A CPE without keep-alive continues its session on a new connection: its next request
// renews the lease that the closed connection let go, and a rival Inform is refused again.
TEST_P(CwmpBackendTest, ASessionContinuedOnANewConnectionKeepsItsLease) {
  auto [a, b] = startTwo();
  const std::string serial = uniqueSerial("NOKA");
  CpeClient first(a->port());
  periodicSession(first, serial);
  createTask(a->store(), deviceIdFor(serial), "GetParameterValues",
             R"({"ParameterNames":["Device."]})");
  ASSERT_EQ(first.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  first.newConnection();
  // Two sweeps of A's maintenance thread (about one a second) see the closed connection.
  std::this_thread::sleep_for(milliseconds(2500));
  Reply gpv = first.emptyPost();  // same session, new connection
  ASSERT_NE(gpv.as<cwmp::GetParameterValues>(), nullptr) << gpv.body;
  CpeClient rival(b->port());
  Reply refused = rival.send(informEnvelope(serial, {"2 PERIODIC"}));
  EXPECT_EQ(refused.status, 400) << refused.body;
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.DeviceInfo.UpTime", "5", "xsd:unsignedInt"}};
  EXPECT_EQ(first.send(envelopeOf(values, *gpv.envelope->header.id)).status, 204);
}

// A session whose connection stays open keeps its lease however long the other ACS waits.
TEST_P(CwmpBackendTest, AnOpenConnectionKeepsTheLeaseAcrossAcsProcesses) {
  auto [a, b] = startTwo();
  const std::string serial = uniqueSerial("KEEP");
  CpeClient first(a->port());
  ASSERT_EQ(first.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  std::this_thread::sleep_for(milliseconds(2500));  // two sweeps of A's maintenance thread
  CpeClient rival(b->port());
  Reply refused = rival.send(informEnvelope(serial, {"2 PERIODIC"}));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("acs-a"), std::string::npos) << refused.body;
  EXPECT_EQ(first.emptyPost().status, 204);
}

TEST_P(CwmpBackendTest, SecondConcurrentInformIsRefusedClearly) {
  TestServer& acs = start();
  const std::string serial = uniqueSerial("DUP");
  CpeClient first(acs.port());
  CpeClient second(acs.port());
  ASSERT_EQ(first.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  Reply refused = second.send(informEnvelope(serial, {"2 PERIODIC"}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("already in session"), std::string::npos) << refused.body;
  EXPECT_TRUE(second.cookie().empty());
  // The first session is unaffected.
  EXPECT_EQ(first.emptyPost().status, 204);
  // Now the device is free.
  periodicSession(second, serial);
  auto sessions = acs.store().listSessions(deviceIdFor(serial), 10, 0);
  ASSERT_TRUE(sessions.ok());
  int refused_rows = 0;
  for (const auto& s : sessions->items) refused_rows += s.outcome == "refused" ? 1 : 0;
  EXPECT_EQ(refused_rows, 1);
  EXPECT_GE(acs.server().metrics().sessionsEnded(SessionOutcome::Refused), 1u);
}

TEST_P(CwmpBackendTest, ConcurrentInformsOfOneDeviceGetExactlyOneSession) {
  TestServer& acs = start();
  const std::string serial = uniqueSerial("RACE");
  constexpr int kCpes = 6;
  std::vector<int> statuses(kCpes);
  // Every client keeps its connection open until all have answers: a session whose CPE
  // closed its connection may be taken over by the next Inform (the test above).
  std::vector<std::unique_ptr<CpeClient>> cpes;
  for (int i = 0; i < kCpes; ++i) cpes.push_back(std::make_unique<CpeClient>(acs.port()));
  std::vector<std::thread> threads;
  for (int i = 0; i < kCpes; ++i) {
    threads.emplace_back([&, i] {
      statuses[static_cast<std::size_t>(i)] =
          cpes[static_cast<std::size_t>(i)]->send(informEnvelope(serial, {"2 PERIODIC"})).status;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 400), kCpes - 1);
}

TEST_P(CwmpBackendTest, SessionContinuesOnANewConnectionWithItsCookie) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("RECONN");
  periodicSession(cpe, serial);
  createTask(acs.store(), deviceIdFor(serial), "FactoryReset", "{}");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  cpe.newConnection();
  Reply r = cpe.emptyPost();
  ASSERT_NE(r.as<cwmp::FactoryReset>(), nullptr) << r.body;
  cpe.newConnection();
  EXPECT_EQ(cpe.send(envelopeOf(cwmp::FactoryResetResponse{}, *r.envelope->header.id)).status, 204);
}

TEST_P(CwmpBackendTest, TaskIsRequeuedWhenItsSessionDiesAndFailsAfterMaxAttempts) {
  TestServer& acs = start([](AcsConfig& c) {
    c.session_timeout_s = 1;
    c.default_max_attempts = 2;
  });
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("DEAD");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  const std::int64_t id = createTask(acs.store(), device, "Reboot", "{}");

  for (int attempt = 1; attempt <= 2; ++attempt) {
    ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
    Reply r = cpe.emptyPost();
    ASSERT_NE(r.as<cwmp::Reboot>(), nullptr) << "attempt " << attempt << ": " << r.body;
    EXPECT_EQ(taskOf(acs.store(), id).state, store::TaskState::Sent);
    // The CPE vanishes without answering. After the session timeout the reaper (or the
    // next Inform, whichever comes first) puts the task back.
    cpe.forgetCookie();
    cpe.newConnection();
    ASSERT_TRUE(waitFor(
        [&] {
          acs.server().runMaintenance();
          return taskOf(acs.store(), id).state != store::TaskState::Sent;
        },
        seconds(5)));
    store::Task t = taskOf(acs.store(), id);
    EXPECT_EQ(t.attempts, attempt);
    if (attempt == 1) {
      EXPECT_EQ(t.state, store::TaskState::Pending);
    } else {
      EXPECT_EQ(t.state, store::TaskState::Failed);
      EXPECT_NE(t.fault_string.find("max attempts"), std::string::npos) << t.fault_string;
    }
  }
  auto sessions = acs.store().listSessions(device, 10, 0);
  ASSERT_TRUE(sessions.ok());
  int timeouts = 0;
  for (const auto& s : sessions->items) timeouts += s.outcome == "timeout" ? 1 : 0;
  EXPECT_EQ(timeouts, 2);
}

TEST_P(CwmpBackendTest, ExpiredSessionLeaseIsTakenOverByTheNextInform) {
  TestServer& acs = start([](AcsConfig& c) { c.session_timeout_s = 1; });
  CpeClient stuck(acs.port());
  const std::string serial = uniqueSerial("TAKE");
  const std::string device = deviceIdFor(serial);
  periodicSession(stuck, serial);
  const std::int64_t id = createTask(acs.store(), device, "Reboot", "{}");
  ASSERT_EQ(stuck.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  ASSERT_NE(stuck.emptyPost().as<cwmp::Reboot>(), nullptr);
  const std::string dead_cookie = stuck.cookie();

  CpeClient fresh(acs.port());
  EXPECT_EQ(fresh.send(informEnvelope(serial, {"2 PERIODIC"})).status, 400);  // still leased
  std::this_thread::sleep_for(milliseconds(1300));
  Reply ir = fresh.send(informEnvelope(serial, {"2 PERIODIC"}));
  ASSERT_EQ(ir.status, 200) << ir.body;
  // The task of the dead session came back and is sent again in the new one.
  Reply r = fresh.emptyPost();
  ASSERT_NE(r.as<cwmp::Reboot>(), nullptr) << r.body;
  EXPECT_EQ(taskOf(acs.store(), id).attempts, 2);
  auto old = acs.store().getSession(dead_cookie);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->outcome, "timeout");
  // The dead session's cookie no longer works.
  Reply late = stuck.send(envelopeOf(cwmp::RebootResponse{}));
  EXPECT_EQ(late.status, 400);
}

TEST_P(CwmpBackendTest, NonInformFirstAndMalformedXmlGet400WithReason) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  Reply empty = cpe.emptyPost();
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("Inform"), std::string::npos) << empty.body;
  Reply tc = cpe.send(envelopeOf(cwmp::TransferComplete{}));
  EXPECT_EQ(tc.status, 400);
  EXPECT_NE(tc.body.find("TransferComplete"), std::string::npos) << tc.body;
  Reply garbage = cpe.post("<soap:Envelope><unclosed>", {{"Content-Type", "text/xml"}});
  EXPECT_EQ(garbage.status, 400);
  EXPECT_NE(garbage.body.find("cannot decode"), std::string::npos) << garbage.body;
  Reply dtd = cpe.post(R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>)");
  EXPECT_EQ(dtd.status, 400);
}

TEST_P(CwmpBackendTest, MalformedMessageMidSessionIsAnsweredWithAFault) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("BAD");
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"1 BOOT"})).status, 200);
  const std::string vendor =
      R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" )"
      R"(xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap:Header>)"
      R"(<cwmp:ID soap:mustUnderstand="1">v-1</cwmp:ID></soap:Header>)"
      R"(<soap:Body><cwmp:X_ACME_Hello><A>1</A></cwmp:X_ACME_Hello></soap:Body></soap:Envelope>)";
  Reply r = cpe.post(vendor, {{"Content-Type", "text/xml"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto* fault = r.as<cwmp::Fault>();
  ASSERT_NE(fault, nullptr) << r.body;
  EXPECT_EQ(fault->fault_code, 8000u);
  EXPECT_EQ(r.envelope->header.id, "v-1");
  // The session goes on.
  EXPECT_EQ(cpe.emptyPost().status, 204);
}

TEST_P(CwmpBackendTest, OversizeBodyGets413) {
  TestServer& acs = start([](AcsConfig& c) { c.max_body_bytes = 4096; });
  CpeClient cpe(acs.port());
  std::string big = cwmp::encodeEnvelope(informEnvelope(uniqueSerial("BIG"), {"1 BOOT"}, 200));
  ASSERT_GT(big.size(), 4096u);
  Reply r = cpe.post(big, {{"Content-Type", "text/xml"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("4096"), std::string::npos) << r.body;
  // Chunked (no Content-Length) is bounded too.
  Poco::Net::HTTPClientSession raw("127.0.0.1", acs.port());
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/cwmp",
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.setChunkedTransferEncoding(true);
  raw.sendRequest(req) << big;
  Poco::Net::HTTPResponse resp;
  raw.receiveResponse(resp);
  EXPECT_EQ(static_cast<int>(resp.getStatus()), 413);
  // A small Inform still works.
  EXPECT_EQ(cpe.send(informEnvelope(uniqueSerial("SMALL"), {"1 BOOT"})).status, 200);
}

TEST_P(CwmpBackendTest, GzipAndDeflateBodiesAreAccepted) {
  TestServer& acs = start();
  for (auto type : {Poco::DeflatingStreamBuf::STREAM_GZIP, Poco::DeflatingStreamBuf::STREAM_ZLIB}) {
    CpeClient cpe(acs.port());
    std::string xml = cwmp::encodeEnvelope(informEnvelope(uniqueSerial("GZ"), {"1 BOOT"}, 25));
    std::ostringstream packed;
    {
      Poco::DeflatingOutputStream deflater(packed, type);
      deflater << xml;
      deflater.close();
    }
    const char* encoding = type == Poco::DeflatingStreamBuf::STREAM_GZIP ? "gzip" : "deflate";
    Reply r =
        cpe.post(packed.str(), {{"Content-Type", "text/xml"}, {"Content-Encoding", encoding}});
    ASSERT_EQ(r.status, 200) << encoding << ": " << r.body;
    EXPECT_NE(r.as<cwmp::InformResponse>(), nullptr);
    EXPECT_EQ(cpe.emptyPost().status, 204);
  }
  CpeClient cpe(acs.port());
  Reply bad = cpe.post("not gzip at all", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(bad.status, 400);
  Reply unknown = cpe.post("x", {{"Content-Encoding", "br"}});
  EXPECT_EQ(unknown.status, 415);
}

TEST_P(CwmpBackendTest, ExpectContinueIsTolerated) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  Reply r = cpe.post(cwmp::encodeEnvelope(informEnvelope(uniqueSerial("EXP"), {"1 BOOT"})),
                     {{"Content-Type", "text/xml"}, {"Expect", "100-continue"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.as<cwmp::InformResponse>(), nullptr);
}

TEST_P(CwmpBackendTest, OnlyPostIsAccepted) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  Reply r = cpe.request("GET", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
}

TEST_P(CwmpBackendTest, VersionNegotiationAndFault8006OverHttp) {
  TestServer& acs = start([](AcsConfig& c) { c.supported_cwmp_versions = {"1.0", "1.1", "1.2"}; });
  CpeClient cpe(acs.port());
  cwmp::Envelope inform = informEnvelope(uniqueSerial("VER"), {"1 BOOT"});
  inform.header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
  Reply ok = cpe.send(inform);
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.envelope->header.use_cwmp_version, "1.2");
  EXPECT_EQ(cpe.emptyPost().status, 204);

  CpeClient newer(acs.port());
  cwmp::Envelope only14 = informEnvelope(uniqueSerial("VER"), {"1 BOOT"}, 0, "v14");
  only14.header.supported_cwmp_versions = "1.4";
  Reply fault = newer.send(only14);
  ASSERT_EQ(fault.status, 200);
  ASSERT_NE(fault.as<cwmp::Fault>(), nullptr) << fault.body;
  EXPECT_EQ(fault.as<cwmp::Fault>()->fault_code, 8006u);
  EXPECT_EQ(fault.envelope->header.id, "v14");
  EXPECT_TRUE(newer.cookie().empty());
}

TEST_P(CwmpBackendTest, RepliesInEachNamespaceTheCpeUses) {
  TestServer& acs = start();
  for (auto ns : {cwmp::CwmpNamespace::V1_0, cwmp::CwmpNamespace::V1_1, cwmp::CwmpNamespace::V1_2,
                  cwmp::CwmpNamespace::V1_3, cwmp::CwmpNamespace::V1_4}) {
    CpeClient cpe(acs.port());
    cwmp::Envelope inform = informEnvelope(uniqueSerial("NS"), {"1 BOOT"});
    inform.ns = ns;
    Reply r = cpe.send(inform);
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(std::string(cwmp::namespaceUri(ns))), std::string::npos) << r.body;
    EXPECT_EQ(cpe.emptyPost().status, 204);
  }
}

TEST_P(CwmpBackendTest, CaptureByDevicePatternKeepsEveryExchange) {
  TestServer& acs = start([](AcsConfig& c) { c.capture_pattern = "*CAPME*"; });
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("CAPME");
  const std::string device = deviceIdFor(serial);
  periodicSession(cpe, serial);
  auto captures = acs.store().listCaptures(device, std::nullopt);
  ASSERT_TRUE(captures.ok());
  ASSERT_EQ(captures->size(), 4u);  // Inform, InformResponse, empty POST, 204
  EXPECT_EQ((*captures)[0].direction, "in");
  EXPECT_NE((*captures)[0].body.find("Inform"), std::string::npos);
  EXPECT_EQ((*captures)[1].direction, "out");
  EXPECT_EQ((*captures)[1].http_status, 200);
  EXPECT_NE((*captures)[1].body.find("InformResponse"), std::string::npos);
  EXPECT_EQ((*captures)[2].body, "");
  EXPECT_EQ((*captures)[3].http_status, 204);
  for (std::size_t i = 0; i < captures->size(); ++i) {
    EXPECT_EQ((*captures)[i].seq, static_cast<std::int64_t>(i + 1));
  }

  // Another device: not captured, until capture is switched on for it in the store.
  const std::string other = uniqueSerial("PLAIN");
  periodicSession(cpe, other);
  auto none = acs.store().listCaptures(deviceIdFor(other), std::nullopt);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  ASSERT_TRUE(acs.store().setCapture(deviceIdFor(other), true).ok());
  periodicSession(cpe, other);
  auto now_on = acs.store().listCaptures(deviceIdFor(other), std::nullopt);
  ASSERT_TRUE(now_on.ok());
  EXPECT_EQ(now_on->size(), 4u);
}

TEST_P(CwmpBackendTest, UnknownCookieAndEndedSessionNeedAnInform) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  cpe.setCookie("00000000000000000000000000000000");
  Reply r = cpe.emptyPost();
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown or has ended"), std::string::npos) << r.body;
  // A stale cookie with an Inform simply starts a new session.
  Reply ir = cpe.send(informEnvelope(uniqueSerial("STALE"), {"1 BOOT"}));
  EXPECT_EQ(ir.status, 200);
  EXPECT_NE(cpe.cookie(), "00000000000000000000000000000000");
}

TEST_P(CwmpBackendTest, SeparateCwmpListenerServesEveryPath) {
  TestServer& acs = start([](AcsConfig& c) { c.cwmp_port = 0; });
  ASSERT_NE(acs.cwmpPort(), acs.port());
  CpeClient cpe(acs.cwmpPort(), "/");
  Reply r = cpe.send(informEnvelope(uniqueSerial("PORT"), {"1 BOOT"}));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(cpe.emptyPost().status, 204);
  // The main listener still serves /cwmp.
  CpeClient main(acs.port());
  EXPECT_EQ(main.send(informEnvelope(uniqueSerial("PORT"), {"1 BOOT"})).status, 200);
  // ...and nothing at an unknown path.
  CpeClient nowhere(acs.port(), "/nowhere");
  EXPECT_EQ(nowhere.request("GET", "").status, 404);
}

TEST_P(CwmpBackendTest, GracefulStopEndsOpenSessionsAndFreesLeases) {
  const std::string serial = uniqueSerial("STOP");
  const std::string device = deviceIdFor(serial);
  std::int64_t task_id = 0;
  std::string cookie;
  {
    TestServer& acs = start();
    CpeClient cpe(acs.port());
    periodicSession(cpe, serial);
    task_id = createTask(acs.store(), device, "Reboot", "{}");
    ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
    ASSERT_NE(cpe.emptyPost().as<cwmp::Reboot>(), nullptr);
    cookie = cpe.cookie();
    acs.server().stop(seconds(2));
  }
  // A new ACS on the same database: the device is not locked, the task is pending again.
  TestServer& again = start();
  auto old = again.store().getSession(cookie);
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->outcome, "aborted");
  store::Task t = taskOf(again.store(), task_id);
  EXPECT_EQ(t.state, store::TaskState::Pending);
  CpeClient cpe(again.port());
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  EXPECT_NE(cpe.emptyPost().as<cwmp::Reboot>(), nullptr);
}

}  // namespace
}  // namespace acs::itest

namespace acs::itest {
namespace {

std::string valueOf(store::Store& store, const std::string& device, const std::string& name) {
  auto p = store.getParameters(device, name);
  if (!p.ok() || p->empty()) return "<missing>";
  return (*p)[0].value;
}

// Whatever the Inform cache skips, the store must always end up with the values the device
// reported last (and with the device's parameters after it was deleted and came back).
TEST_P(CwmpBackendTest, InformParametersStayTruthfulAcrossRepeatsResultsAndDeletion) {
  TestServer& acs = start();
  CpeClient cpe(acs.port());
  const std::string serial = uniqueSerial("CACHE");
  const std::string device = deviceIdFor(serial);
  const std::string name = "Device.X_Test.Param0";
  auto session = [&](const std::string& value) {
    cwmp::Envelope inform = informEnvelope(serial, {"2 PERIODIC"}, 2);
    auto& list = std::get<cwmp::Inform>(inform.body).parameter_list;
    for (auto& p : list) {
      if (p.name == name) p.value = value;
    }
    ASSERT_EQ(cpe.send(inform).status, 200);
  };
  session("v1");
  ASSERT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();
  EXPECT_EQ(valueOf(acs.store(), device, name), "v1");

  // A GetParameterValues result changes the stored value; the next Inform says v1 again.
  createTask(acs.store(), device, "GetParameterValues", R"({"ParameterNames":["Device.X_Test."]})");
  session("v1");
  Reply gpv = cpe.emptyPost();
  ASSERT_NE(gpv.as<cwmp::GetParameterValues>(), nullptr) << gpv.body;
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{name, "from-gpv", "xsd:string"}};
  ASSERT_EQ(cpe.send(envelopeOf(values, *gpv.envelope->header.id)).status, 204);
  cpe.forgetCookie();
  EXPECT_EQ(valueOf(acs.store(), device, name), "from-gpv");
  session("v1");
  ASSERT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();
  EXPECT_EQ(valueOf(acs.store(), device, name), "v1");

  // A changed value is written.
  session("v2");
  ASSERT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();
  EXPECT_EQ(valueOf(acs.store(), device, name), "v2");

  // Deleted (e.g. through the REST API) and informing again with the same values.
  auto deleted = acs.store().deleteDevice(device);
  ASSERT_TRUE(deleted.ok() && *deleted);
  session("v2");
  ASSERT_EQ(cpe.emptyPost().status, 204);
  cpe.forgetCookie();
  EXPECT_EQ(valueOf(acs.store(), device, name), "v2");
  EXPECT_EQ(valueOf(acs.store(), device, "Device.DeviceInfo.SoftwareVersion"), "2.0.1");
  auto all = acs.store().getParameters(device, "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 7u);  // 5 well-known + 2 extra
}

}  // namespace
}  // namespace acs::itest
