#include "acs/src/session/acs_session.h"

#include <set>

#include <gtest/gtest.h>

#include "acs/src/core/json_value.h"
#include "acs/test/session/fake_clock.h"
#include "cwmp/codec.h"

namespace acs::session {
namespace {

using acs::testing::FakeClock;
using std::chrono::seconds;

// Tasks in memory; claim() can be told to refuse (a task cancelled meanwhile).
class FakeTasks final : public TaskSource {
 public:
  void add(std::int64_t id, std::string type, std::string args) {
    store::Task t;
    t.id = id;
    t.device_id = "dev";
    t.type = std::move(type);
    t.args_json = std::move(args);
    pending_.push_back(std::move(t));
  }
  std::optional<store::Task> next() override {
    for (const auto& t : pending_) {
      if (!returned_.contains(t.id)) {
        returned_.insert(t.id);
        return t;
      }
    }
    return std::nullopt;
  }
  bool claim(const store::Task& task, std::string_view command_key) override {
    if (refuse_.contains(task.id)) return false;
    claimed.emplace_back(task.id, std::string(command_key));
    return true;
  }
  void refuseClaim(std::int64_t id) { refuse_.insert(id); }

  std::vector<std::pair<std::int64_t, std::string>> claimed;

 private:
  std::vector<store::Task> pending_;
  std::set<std::int64_t> returned_;
  std::set<std::int64_t> refuse_;
};

cwmp::Envelope informEnvelope(cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2,
                              std::optional<std::string> versions = std::nullopt) {
  cwmp::Envelope env;
  env.ns = ns;
  env.header.id = "inform-1";
  env.header.supported_cwmp_versions = std::move(versions);
  cwmp::Inform inform;
  inform.device_id = {"Acme", "00A0C9", "RG1", "SN-1"};
  inform.event = {{"1 BOOT", ""}, {"M Reboot", "task-3"}};
  inform.current_time = "2024-01-01T00:00:00Z";
  inform.parameter_list = {{"Device.DeviceInfo.SoftwareVersion", "1.2.3", "xsd:string"}};
  env.body = std::move(inform);
  return env;
}

cwmp::Envelope cpeMessage(cwmp::Body body, std::optional<std::string> id = "c-1",
                          cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2) {
  cwmp::Envelope env;
  env.ns = ns;
  env.header.id = std::move(id);
  env.body = std::move(body);
  return env;
}

template <class T>
const T* findEffect(const Step& step) {
  for (const auto& e : step.effects) {
    if (const auto* p = std::get_if<T>(&e)) return p;
  }
  return nullptr;
}

template <class T>
std::size_t countEffects(const Step& step) {
  std::size_t n = 0;
  for (const auto& e : step.effects) n += std::holds_alternative<T>(e) ? 1u : 0u;
  return n;
}

template <class T>
const T& bodyOf(const Step& step) {
  EXPECT_EQ(step.action.http_status, 200);
  EXPECT_TRUE(step.action.envelope.has_value());
  return std::get<T>(step.action.envelope->body);
}

class AcsSessionTest : public ::testing::Test {
 protected:
  Step inform(cwmp::Envelope env = informEnvelope()) { return session_.onEnvelope(env, tasks_); }
  // Inform, then the CPE's empty POST.
  Step startAndEmptyPost() {
    Step s = inform();
    EXPECT_EQ(s.action.http_status, 200);
    return session_.onEmptyPost(tasks_);
  }

  FakeClock clock_;
  FakeTasks tasks_;
  SessionConfig config_;
  AcsSession session_{config_, clock_};
};

// --- Inform first (checklist 3.1.1, 3.1.2) -------------------------------------------------

TEST_F(AcsSessionTest, InformIsAnsweredWithInformResponseMaxEnvelopesOne) {
  Step s = inform();
  const auto& ir = bodyOf<cwmp::InformResponse>(s);
  EXPECT_EQ(ir.max_envelopes, 1u);
  EXPECT_EQ(s.action.envelope->header.id, "inform-1");
  EXPECT_EQ(s.action.envelope->ns, cwmp::CwmpNamespace::V1_2);
  EXPECT_FALSE(s.action.envelope->header.hold_requests.has_value());
  const auto* rec = findEffect<RecordInformEffect>(s);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->device_id, "00A0C9-RG1-SN%2D1");
  EXPECT_EQ(rec->inform.parameter_list.size(), 1u);
  EXPECT_EQ(session_.state().phase, Phase::CpeRequests);
  EXPECT_EQ(session_.state().device_id, "00A0C9-RG1-SN%2D1");
  EXPECT_EQ(session_.state().events, (std::vector<std::string>{"1 BOOT", "M Reboot"}));
  EXPECT_EQ(session_.state().messages_in, 1);
  EXPECT_EQ(session_.state().messages_out, 1);
}

TEST_F(AcsSessionTest, InformResponseEncodesWithMaxEnvelopesOne) {
  Step s = inform();
  std::string xml = cwmp::encodeEnvelope(*s.action.envelope);
  EXPECT_NE(xml.find("<MaxEnvelopes>1</MaxEnvelopes>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("urn:dslforum-org:cwmp-1-2"), std::string::npos);
  EXPECT_NE(xml.find(">inform-1<"), std::string::npos);
}

TEST_F(AcsSessionTest, AnythingButInformFirstIsRefusedWith400) {
  cwmp::TransferComplete tc;
  tc.command_key = "k";
  Step s = session_.onEnvelope(cpeMessage(tc), tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_FALSE(s.action.envelope.has_value());
  EXPECT_NE(s.action.reason.find("Inform"), std::string::npos) << s.action.reason;
  EXPECT_NE(s.action.reason.find("TransferComplete"), std::string::npos);
  EXPECT_TRUE(s.effects.empty());
  EXPECT_EQ(session_.state().phase, Phase::AwaitInform);
}

TEST_F(AcsSessionTest, EmptyPostFirstIsRefusedWith400) {
  Step s = session_.onEmptyPost(tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_NE(s.action.reason.find("Inform"), std::string::npos);
  EXPECT_TRUE(s.effects.empty());
}

TEST_F(AcsSessionTest, SecondInformInSessionIsRefusedAndEndsTheSession) {
  inform();
  Step s = inform();
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_NE(s.action.reason.find("second Inform"), std::string::npos);
  const auto* end = findEffect<EndSessionEffect>(s);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->outcome, SessionOutcome::Aborted);
  EXPECT_TRUE(end->requeue_sent_tasks);
  EXPECT_TRUE(session_.ended());
}

TEST_F(AcsSessionTest, InformWithoutSerialNumberGetsFault8003) {
  cwmp::Envelope env = informEnvelope();
  std::get<cwmp::Inform>(env.body).device_id.serial_number.clear();
  Step s = inform(env);
  const auto& fault = bodyOf<cwmp::Fault>(s);
  EXPECT_EQ(fault.fault_code, 8003u);
  EXPECT_EQ(s.action.envelope->header.id, "inform-1");
  EXPECT_EQ(findEffect<RecordInformEffect>(s), nullptr);
  ASSERT_NE(findEffect<EndSessionEffect>(s), nullptr);
  EXPECT_EQ(findEffect<EndSessionEffect>(s)->outcome, SessionOutcome::Fault);
}

TEST_F(AcsSessionTest, UnderstoodNothingMustUnderstandHeaderGetsFault) {
  cwmp::Envelope env = informEnvelope();
  env.header.not_understood = {"{urn:x}Weird"};
  Step s = inform(env);
  const auto& fault = bodyOf<cwmp::Fault>(s);
  EXPECT_EQ(fault.faultcode, "MustUnderstand");
  EXPECT_NE(fault.fault_string.find("{urn:x}Weird"), std::string::npos);
  EXPECT_TRUE(session_.ended());
}

// --- Namespaces and versions (checklist 2.3) -----------------------------------------------

TEST_F(AcsSessionTest, RepliesInTheNamespaceTheCpeUsed) {
  for (auto ns : {cwmp::CwmpNamespace::V1_0, cwmp::CwmpNamespace::V1_1, cwmp::CwmpNamespace::V1_2,
                  cwmp::CwmpNamespace::V1_3, cwmp::CwmpNamespace::V1_4}) {
    AcsSession session(config_, clock_);
    Step s = session.onEnvelope(informEnvelope(ns), tasks_);
    ASSERT_EQ(s.action.http_status, 200);
    EXPECT_EQ(s.action.envelope->ns, ns);
    std::string xml = cwmp::encodeEnvelope(*s.action.envelope);
    EXPECT_NE(xml.find(std::string(cwmp::namespaceUri(ns))), std::string::npos) << xml;
    // Later messages of the session keep that namespace.
    Step tc = session.onEnvelope(cpeMessage(cwmp::TransferComplete{}, "t", ns), tasks_);
    EXPECT_EQ(tc.action.envelope->ns, ns);
  }
}

TEST_F(AcsSessionTest, NegotiatesHighestCommonVersion) {
  Step s = inform(informEnvelope(cwmp::CwmpNamespace::V1_2, "1.0, 1.1,1.2,1.3,1.4"));
  ASSERT_EQ(s.action.http_status, 200);
  EXPECT_EQ(s.action.envelope->header.use_cwmp_version, "1.4");
  EXPECT_EQ(session_.state().cwmp_version, "1.4");
  std::string xml = cwmp::encodeEnvelope(*s.action.envelope);
  auto pos = xml.find("UseCWMPVersion");
  ASSERT_NE(pos, std::string::npos) << xml;
  EXPECT_NE(xml.find("mustUnderstand=\"1\"", xml.rfind('<', pos)), std::string::npos) << xml;
}

TEST_F(AcsSessionTest, NegotiatesWithinAConfiguredSubset) {
  SessionConfig limited;
  limited.supported_versions = {"1.0", "1.1", "1.2"};
  AcsSession session(limited, clock_);
  Step s = session.onEnvelope(informEnvelope(cwmp::CwmpNamespace::V1_2, "1.0,1.1,1.2,1.3"), tasks_);
  ASSERT_EQ(s.action.http_status, 200);
  EXPECT_EQ(s.action.envelope->header.use_cwmp_version, "1.2");
}

TEST_F(AcsSessionTest, NoCommonVersionGetsFault8006) {
  SessionConfig limited;
  limited.supported_versions = {"1.0", "1.1", "1.2"};
  AcsSession session(limited, clock_);
  Step s = session.onEnvelope(informEnvelope(cwmp::CwmpNamespace::V1_2, "1.4"), tasks_);
  const auto& fault = bodyOf<cwmp::Fault>(s);
  EXPECT_EQ(fault.fault_code, 8006u);
  EXPECT_EQ(fault.faultcode, "Server");
  EXPECT_EQ(s.action.envelope->header.id, "inform-1");
  EXPECT_FALSE(s.action.envelope->header.use_cwmp_version.has_value());
  const auto* rec = findEffect<RecordFaultEffect>(s);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->code, 8006u);
  EXPECT_EQ(findEffect<EndSessionEffect>(s)->outcome, SessionOutcome::Fault);
  EXPECT_TRUE(session.ended());
}

TEST_F(AcsSessionTest, WithoutSupportedVersionsHeaderNoUseCwmpVersionIsSent) {
  Step s = inform(informEnvelope(cwmp::CwmpNamespace::V1_1));
  ASSERT_EQ(s.action.http_status, 200);
  EXPECT_FALSE(s.action.envelope->header.use_cwmp_version.has_value());
  EXPECT_EQ(session_.state().cwmp_version, "1.1");
}

TEST_F(AcsSessionTest, NamespaceImpliedVersionOutsideSupportedSetGetsFault8006) {
  SessionConfig only14;
  only14.supported_versions = {"1.4"};
  AcsSession session(only14, clock_);
  Step s = session.onEnvelope(informEnvelope(cwmp::CwmpNamespace::V1_0), tasks_);
  EXPECT_EQ(bodyOf<cwmp::Fault>(s).fault_code, 8006u);
}

TEST(AcsSessionVersions, HighestCommonVersionComparesNumerically) {
  EXPECT_EQ(highestCommonVersion({"1.2", "1.10", "1.4"}, {"1.4", "1.10"}), "1.10");
  EXPECT_EQ(highestCommonVersion({"1.0"}, {"junk", "1.1"}), "");
  EXPECT_EQ(impliedVersion(cwmp::CwmpNamespace::V1_3), "1.3");
}

// --- CPE requests (checklist 3.1.5, 3.1.9, 4.4) --------------------------------------------

TEST_F(AcsSessionTest, TransferCompleteIsAnsweredAndLinkedByCommandKey) {
  inform();
  cwmp::TransferComplete tc;
  tc.command_key = "task-8";
  tc.fault_struct = {9010, "download failed"};
  Step s = session_.onEnvelope(cpeMessage(tc, "tc-7"), tasks_);
  bodyOf<cwmp::TransferCompleteResponse>(s);
  EXPECT_EQ(s.action.envelope->header.id, "tc-7");
  const auto* link = findEffect<LinkedCompletionEffect>(s);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->command_key, "task-8");
  EXPECT_EQ(link->report_key, "TransferComplete");
  EXPECT_EQ(link->fault_code, 9010u);
  EXPECT_EQ(link->fault_string, "download failed");
  const auto* rpc = findEffect<CpeRequestEffect>(s);
  ASSERT_NE(rpc, nullptr);
  EXPECT_EQ(rpc->method, "TransferComplete");
  EXPECT_EQ(session_.state().phase, Phase::CpeRequests);
  EXPECT_FALSE(session_.ended());
}

TEST_F(AcsSessionTest, EveryCpeRequestGetsItsResponseAndIsRecorded) {
  inform();
  struct Case {
    cwmp::Body request;
    std::string response;
  };
  cwmp::DUStateChangeComplete du;
  du.command_key = "task-9";
  du.results.push_back({});
  cwmp::Kicked kicked;
  kicked.next = "http://lan/next";
  std::vector<Case> cases = {
      {cwmp::TransferComplete{}, "TransferCompleteResponse"},
      {cwmp::AutonomousTransferComplete{}, "AutonomousTransferCompleteResponse"},
      {cwmp::GetRPCMethods{}, "GetRPCMethodsResponse"},
      {du, "DUStateChangeCompleteResponse"},
      {cwmp::AutonomousDUStateChangeComplete{}, "AutonomousDUStateChangeCompleteResponse"},
      {cwmp::RequestDownload{}, "RequestDownloadResponse"},
      {kicked, "KickedResponse"},
  };
  int n = 0;
  for (const auto& c : cases) {
    std::string id = "req-" + std::to_string(++n);
    Step s = session_.onEnvelope(cpeMessage(c.request, id), tasks_);
    ASSERT_EQ(s.action.http_status, 200) << c.response;
    EXPECT_EQ(cwmp::methodName(s.action.envelope->body), c.response);
    EXPECT_EQ(s.action.envelope->header.id, id);
    const auto* rpc = findEffect<CpeRequestEffect>(s);
    ASSERT_NE(rpc, nullptr) << c.response;
    EXPECT_EQ(rpc->method, cwmp::methodName(c.request));
  }
  EXPECT_EQ(std::get<cwmp::KickedResponse>(
                session_.onEnvelope(cpeMessage(kicked), tasks_).action.envelope->body)
                .next_url,
            "http://lan/next");
}

TEST_F(AcsSessionTest, GetRpcMethodsListsTheAcsMethods) {
  inform();
  Step s = session_.onEnvelope(cpeMessage(cwmp::GetRPCMethods{}), tasks_);
  const auto& r = bodyOf<cwmp::GetRPCMethodsResponse>(s);
  EXPECT_NE(std::find(r.method_list.begin(), r.method_list.end(), "Inform"), r.method_list.end());
  EXPECT_NE(std::find(r.method_list.begin(), r.method_list.end(), "TransferComplete"),
            r.method_list.end());
}

TEST_F(AcsSessionTest, DuStateChangeCompleteWithFailedOperationCarriesItsFault) {
  inform();
  cwmp::DUStateChangeComplete du;
  du.command_key = "task-4";
  du.results.resize(2);
  du.results[1].fault = {9022, "Invalid UUID"};
  Step s = session_.onEnvelope(cpeMessage(du), tasks_);
  const auto* link = findEffect<LinkedCompletionEffect>(s);
  ASSERT_NE(link, nullptr);
  EXPECT_EQ(link->report_key, "DUStateChangeComplete");
  EXPECT_EQ(link->fault_code, 9022u);
}

TEST_F(AcsSessionTest, UnknownCpeRequestGetsFault8000WithItsId) {
  inform();
  Step s = session_.onEnvelope(cpeMessage(cwmp::GetParameterValues{{"Device."}}, "odd-1"), tasks_);
  const auto& fault = bodyOf<cwmp::Fault>(s);
  EXPECT_EQ(fault.fault_code, 8000u);
  EXPECT_EQ(fault.faultcode, "Server");
  EXPECT_EQ(s.action.envelope->header.id, "odd-1");
  const auto* rec = findEffect<RecordFaultEffect>(s);
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->code, 8000u);
  EXPECT_FALSE(session_.ended());
}

// --- ACS requests after the empty POST (checklist 3.1.6, 3.1.7) ----------------------------

TEST_F(AcsSessionTest, EmptyPostWithNothingQueuedGets204AndEndsOk) {
  Step s = startAndEmptyPost();
  EXPECT_EQ(s.action.http_status, 204);
  EXPECT_FALSE(s.action.envelope.has_value());
  const auto* end = findEffect<EndSessionEffect>(s);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->outcome, SessionOutcome::Ok);
  EXPECT_FALSE(end->requeue_sent_tasks);
  EXPECT_TRUE(session_.ended());
  EXPECT_EQ(session_.state().outcome, "ok");
}

TEST_F(AcsSessionTest, SendsOneQueuedRequestPerResponseThen204) {
  tasks_.add(1, "GetParameterValues", R"({"ParameterNames":["Device.DeviceInfo."]})");
  tasks_.add(2, "Reboot", "{}");
  Step s1 = startAndEmptyPost();
  const auto& gpv = bodyOf<cwmp::GetParameterValues>(s1);
  EXPECT_EQ(gpv.parameter_names, std::vector<std::string>{"Device.DeviceInfo."});
  ASSERT_TRUE(s1.action.envelope->header.id.has_value());
  std::string id1 = *s1.action.envelope->header.id;
  ASSERT_EQ(tasks_.claimed.size(), 1u);
  EXPECT_EQ(tasks_.claimed[0].first, 1);
  EXPECT_EQ(session_.state().phase, Phase::AcsRequests);
  ASSERT_TRUE(session_.state().in_flight.has_value());
  EXPECT_EQ(session_.state().in_flight->task_id, 1);

  cwmp::GetParameterValuesResponse r;
  r.parameter_list = {{"Device.DeviceInfo.UpTime", "42", "xsd:unsignedInt"}};
  Step s2 = session_.onEnvelope(cpeMessage(r, id1), tasks_);
  const auto* done = findEffect<TaskCompletedEffect>(s2);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->task_id, 1);
  ASSERT_NE(findEffect<UpsertParametersEffect>(s2), nullptr);
  const auto& reboot = bodyOf<cwmp::Reboot>(s2);
  EXPECT_EQ(reboot.command_key, "task-2");
  EXPECT_NE(*s2.action.envelope->header.id, id1);
  ASSERT_EQ(tasks_.claimed.size(), 2u);
  EXPECT_EQ(tasks_.claimed[1], (std::pair<std::int64_t, std::string>{2, "task-2"}));

  Step s3 = session_.onEnvelope(cpeMessage(cwmp::RebootResponse{}, *s2.action.envelope->header.id),
                                tasks_);
  ASSERT_NE(findEffect<TaskCompletedEffect>(s3), nullptr);
  EXPECT_EQ(s3.action.http_status, 204);
  EXPECT_TRUE(session_.ended());
}

TEST_F(AcsSessionTest, NoAcsRequestIsSentBeforeTheEmptyPost) {
  tasks_.add(1, "Reboot", "{}");
  Step s = inform();
  bodyOf<cwmp::InformResponse>(s);
  Step tc = session_.onEnvelope(cpeMessage(cwmp::TransferComplete{}), tasks_);
  bodyOf<cwmp::TransferCompleteResponse>(tc);
  EXPECT_TRUE(tasks_.claimed.empty());
}

TEST_F(AcsSessionTest, CpeFaultFaultsTheTaskAndTheSessionMovesOn) {
  tasks_.add(1, "SetParameterValues",
             R"({"ParameterList":[{"Name":"Device.X","Value":"1","Type":"xsd:int"}]})");
  tasks_.add(2, "FactoryReset", "{}");
  Step s1 = startAndEmptyPost();
  bodyOf<cwmp::SetParameterValues>(s1);
  Step s2 = session_.onEnvelope(cpeMessage(cwmp::makeFault(9008, "read-only")), tasks_);
  const auto* faulted = findEffect<TaskFaultedEffect>(s2);
  ASSERT_NE(faulted, nullptr);
  EXPECT_EQ(faulted->task_id, 1);
  EXPECT_EQ(faulted->code, 9008u);
  EXPECT_EQ(findEffect<TaskCompletedEffect>(s2), nullptr);
  bodyOf<cwmp::FactoryReset>(s2);
}

TEST_F(AcsSessionTest, WrongResponseTypeIsAProtocolErrorOnTheTask) {
  tasks_.add(1, "GetParameterValues", R"({"ParameterNames":["Device."]})");
  startAndEmptyPost();
  Step s = session_.onEnvelope(cpeMessage(cwmp::SetParameterValuesResponse{0}), tasks_);
  const auto* faulted = findEffect<TaskFaultedEffect>(s);
  ASSERT_NE(faulted, nullptr);
  EXPECT_EQ(faulted->task_id, 1);
  EXPECT_EQ(faulted->code, 0u);
  EXPECT_NE(faulted->message.find("protocol error"), std::string::npos);
  EXPECT_NE(faulted->message.find("GetParameterValuesResponse"), std::string::npos);
  EXPECT_NE(faulted->message.find("SetParameterValuesResponse"), std::string::npos);
  EXPECT_EQ(s.action.http_status, 204);
}

TEST_F(AcsSessionTest, ResponseWithNoRequestOutstandingIsRefused) {
  inform();
  Step s = session_.onEnvelope(cpeMessage(cwmp::RebootResponse{}), tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_NE(s.action.reason.find("RebootResponse"), std::string::npos);
  EXPECT_NE(findEffect<EndSessionEffect>(s), nullptr);
}

TEST_F(AcsSessionTest, EmptyPostInsteadOfResponseFaultsTheTask) {
  tasks_.add(1, "GetParameterValues", R"({"ParameterNames":["Device."]})");
  startAndEmptyPost();
  Step s = session_.onEmptyPost(tasks_);
  const auto* faulted = findEffect<TaskFaultedEffect>(s);
  ASSERT_NE(faulted, nullptr);
  EXPECT_NE(faulted->message.find("empty POST"), std::string::npos);
  EXPECT_EQ(s.action.http_status, 204);
}

TEST_F(AcsSessionTest, TaskThatCannotBeClaimedIsSkipped) {
  tasks_.add(1, "Reboot", "{}");
  tasks_.add(2, "FactoryReset", "{}");
  tasks_.refuseClaim(1);
  Step s = startAndEmptyPost();
  bodyOf<cwmp::FactoryReset>(s);
  EXPECT_EQ(session_.state().in_flight->task_id, 2);
}

TEST_F(AcsSessionTest, TaskWithInvalidArgumentsIsFaultedAndTheNextOneSent) {
  tasks_.add(1, "SetParameterValues", R"({"ParameterList":"nope"})");
  tasks_.add(2, "Reboot", "{}");
  Step s = startAndEmptyPost();
  const auto* faulted = findEffect<TaskFaultedEffect>(s);
  ASSERT_NE(faulted, nullptr);
  EXPECT_EQ(faulted->task_id, 1);
  EXPECT_NE(faulted->message.find("invalid task"), std::string::npos);
  bodyOf<cwmp::Reboot>(s);
}

TEST_F(AcsSessionTest, RefreshRunsNamesThenValuesWithinOneTask) {
  tasks_.add(1, "refresh", R"({"ParameterPath":"Device.DeviceInfo."})");
  Step s1 = startAndEmptyPost();
  EXPECT_EQ(bodyOf<cwmp::GetParameterNames>(s1).parameter_path, "Device.DeviceInfo.");
  cwmp::GetParameterNamesResponse names;
  names.parameter_list = {{"Device.DeviceInfo.", false}, {"Device.DeviceInfo.UpTime", false}};
  Step s2 = session_.onEnvelope(cpeMessage(names), tasks_);
  EXPECT_NE(findEffect<UpsertParameterNamesEffect>(s2), nullptr);
  EXPECT_EQ(findEffect<TaskCompletedEffect>(s2), nullptr);
  EXPECT_EQ(bodyOf<cwmp::GetParameterValues>(s2).parameter_names,
            std::vector<std::string>{"Device.DeviceInfo.UpTime"});
  EXPECT_EQ(tasks_.claimed.size(), 1u);  // the follow-up is the same task
  cwmp::GetParameterValuesResponse values;
  values.parameter_list = {{"Device.DeviceInfo.UpTime", "9", "xsd:unsignedInt"}};
  Step s3 = session_.onEnvelope(cpeMessage(values), tasks_);
  ASSERT_NE(findEffect<TaskCompletedEffect>(s3), nullptr);
  EXPECT_EQ(s3.action.http_status, 204);
}

TEST_F(AcsSessionTest, RepeatedEmptyPostAfterTheEndGetsAnother204) {
  startAndEmptyPost();
  Step s = session_.onEmptyPost(tasks_);
  EXPECT_EQ(s.action.http_status, 204);
  EXPECT_TRUE(s.effects.empty());
}

TEST_F(AcsSessionTest, RequestAfterTheEndWithoutHoldIsRefused) {
  startAndEmptyPost();
  Step s = session_.onEnvelope(cpeMessage(cwmp::TransferComplete{}), tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_FALSE(s.reopened);
}

// --- HoldRequests (checklist 2.2, 3.1.4, 3.2.1) --------------------------------------------

class AcsSessionHoldTest : public AcsSessionTest {
 protected:
  SessionConfig holdConfig() {
    SessionConfig c;
    c.hold_requests = true;
    return c;
  }
  AcsSession held_{holdConfig(), clock_};
};

TEST_F(AcsSessionHoldTest, HoldRequestsOnInformResponseAndRequestsUntilThe204) {
  tasks_.add(1, "Reboot", "{}");
  Step ir = held_.onEnvelope(informEnvelope(), tasks_);
  ASSERT_EQ(ir.action.http_status, 200);
  EXPECT_EQ(ir.action.envelope->header.hold_requests, true);
  std::string xml = cwmp::encodeEnvelope(*ir.action.envelope);
  EXPECT_NE(xml.find("HoldRequests"), std::string::npos) << xml;

  Step req = held_.onEmptyPost(tasks_);
  bodyOf<cwmp::Reboot>(req);
  EXPECT_EQ(req.action.envelope->header.hold_requests, true);

  Step end = held_.onEnvelope(cpeMessage(cwmp::RebootResponse{}), tasks_);
  EXPECT_EQ(end.action.http_status, 204);
  EXPECT_TRUE(held_.ended());
  EXPECT_TRUE(held_.state().cpe_may_continue);

  // The CPE kept its TransferComplete back while held and sends it now.
  cwmp::TransferComplete tc;
  tc.command_key = "task-1";
  Step more = held_.onEnvelope(cpeMessage(tc, "tc-1"), tasks_);
  EXPECT_TRUE(more.reopened);
  bodyOf<cwmp::TransferCompleteResponse>(more);
  EXPECT_FALSE(more.action.envelope->header.hold_requests.has_value());
  EXPECT_NE(findEffect<LinkedCompletionEffect>(more), nullptr);
  EXPECT_EQ(countEffects<RecordFaultEffect>(more), 0u);

  Step last = held_.onEmptyPost(tasks_);
  EXPECT_EQ(last.action.http_status, 204);
  EXPECT_TRUE(held_.ended());
  EXPECT_FALSE(held_.state().cpe_may_continue);
}

TEST_F(AcsSessionHoldTest, CpeRequestWhileHeldIsAnsweredAndRecordedAsViolation) {
  held_.onEnvelope(informEnvelope(), tasks_);
  Step s = held_.onEnvelope(cpeMessage(cwmp::TransferComplete{}), tasks_);
  bodyOf<cwmp::TransferCompleteResponse>(s);
  const auto* rec = findEffect<RecordFaultEffect>(s);
  ASSERT_NE(rec, nullptr);
  EXPECT_NE(rec->message.find("HoldRequests"), std::string::npos);
}

// --- Timeouts, decode errors, serialisation ------------------------------------------------

TEST_F(AcsSessionTest, IdleSessionExpiresAndRequeuesItsTasks) {
  tasks_.add(1, "Reboot", "{}");
  startAndEmptyPost();
  clock_.advance(config_.timeout + seconds(1));
  EXPECT_TRUE(session_.expired());
  Step s = session_.onEnvelope(cpeMessage(cwmp::RebootResponse{}), tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_NE(s.action.reason.find("expired"), std::string::npos);
  const auto* end = findEffect<EndSessionEffect>(s);
  ASSERT_NE(end, nullptr);
  EXPECT_EQ(end->outcome, SessionOutcome::Timeout);
  EXPECT_TRUE(end->requeue_sent_tasks);
}

TEST_F(AcsSessionTest, ActivityWithinTheTimeoutKeepsTheSessionAlive) {
  inform();
  clock_.advance(config_.timeout - seconds(1));
  Step s = session_.onEnvelope(cpeMessage(cwmp::TransferComplete{}), tasks_);
  EXPECT_EQ(s.action.http_status, 200);
  clock_.advance(config_.timeout - seconds(1));
  EXPECT_FALSE(session_.expired());
}

TEST_F(AcsSessionTest, UndecodableFirstMessageIs400WithTheDecoderMessage) {
  auto decoded = cwmp::decodeEnvelope("<not-xml");
  ASSERT_FALSE(decoded.ok());
  Step s = session_.onDecodeError(decoded.error(), "<not-xml", tasks_);
  EXPECT_EQ(s.action.http_status, 400);
  EXPECT_NE(s.action.reason.find(decoded.error().message), std::string::npos);
}

TEST_F(AcsSessionTest, UndecodableAnswerFaultsTheTaskInFlight) {
  tasks_.add(1, "Reboot", "{}");
  startAndEmptyPost();
  cwmp::Error err;
  err.code = cwmp::ErrorCode::MalformedXml;
  err.message = "bad bytes at offset 10";
  Step s = session_.onDecodeError(err, "<x", tasks_);
  const auto* faulted = findEffect<TaskFaultedEffect>(s);
  ASSERT_NE(faulted, nullptr);
  EXPECT_NE(faulted->message.find("bad bytes"), std::string::npos);
  EXPECT_EQ(s.action.http_status, 204);
}

TEST_F(AcsSessionTest, UnknownMethodMidSessionGetsFault8000EchoingItsId) {
  inform();
  const std::string xml =
      R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" )"
      R"(xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap:Header>)"
      R"(<cwmp:ID soap:mustUnderstand="1">vendor-5</cwmp:ID></soap:Header>)"
      R"(<soap:Body><cwmp:X_ACME_Hello/></soap:Body></soap:Envelope>)";
  auto decoded = cwmp::decodeEnvelope(xml);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, cwmp::ErrorCode::UnknownMethod);
  Step s = session_.onDecodeError(decoded.error(), xml, tasks_);
  const auto& fault = bodyOf<cwmp::Fault>(s);
  EXPECT_EQ(fault.fault_code, 8000u);
  EXPECT_EQ(s.action.envelope->header.id, "vendor-5");
}

TEST_F(AcsSessionTest, FaultForAnUndecodableRequestEchoesTheIdAsTheCodecDecodedIt) {
  inform();
  // An entity in the ID: the text scan would echo "v&amp;6" (then escaped again); the
  // decoder's header_id is the real value.
  const std::string xml =
      R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" )"
      R"(xmlns:cwmp="urn:dslforum-org:cwmp-1-2"><soap:Header>)"
      R"(<cwmp:ID soap:mustUnderstand="1">v&amp;6</cwmp:ID></soap:Header>)"
      R"(<soap:Body><cwmp:X_ACME_Hello/></soap:Body></soap:Envelope>)";
  auto decoded = cwmp::decodeEnvelope(xml);
  ASSERT_FALSE(decoded.ok());
  Step s = session_.onDecodeError(decoded.error(), xml, tasks_);
  EXPECT_EQ(bodyOf<cwmp::Fault>(s).fault_code, 8000u);
  EXPECT_EQ(s.action.envelope->header.id, "v&6");
}

TEST_F(AcsSessionTest, StateRoundTripsThroughJson) {
  tasks_.add(
      1, "SetParameterValues",
      R"({"ParameterList":[{"Name":"Device.X","Value":"1","Type":"xsd:int"}],"ParameterKey":"k"})");
  startAndEmptyPost();
  const SessionState& st = session_.state();
  auto back = SessionState::fromJson(st.toJson());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, st);
}

TEST(SessionStateJson, EveryFieldRoundTripsWithAwkwardText) {
  SessionState st;
  st.phase = Phase::AcsRequests;
  st.device_id = "00A0C9-R\"G\\1-SN\n\x01\xc3\xa9";
  st.ns = cwmp::CwmpNamespace::V1_4;
  st.cwmp_version = "1.4";
  st.hold_requests = true;
  st.cpe_may_continue = true;
  TaskInFlight f;
  f.task_id = 9'007'199'254'740'993;  // above 2^53: kept exactly
  f.task_type = "Download";
  f.args_json = R"({"URL":"http://x/\"q\"","FileSize":-1})";
  f.method = "Download";
  f.step = 3;
  f.command_key = "k,\t\u2028";
  f.request_id = "id <&> 7";
  st.in_flight = f;
  st.messages_in = 4;
  st.messages_out = 5;
  st.next_request_seq = 6;
  st.started_at = store::TimePoint(std::chrono::milliseconds(1'700'000'000'123));
  st.last_activity = store::TimePoint(std::chrono::milliseconds(1'700'000'000'456));
  st.events = {"0 BOOTSTRAP", "M X_ACME,\"odd\"", ""};
  st.outcome = "ok";
  st.capture = true;
  st.capture_seq = 12;
  const std::string text = st.toJson();
  EXPECT_TRUE(acs::json::parse(text).ok()) << text;
  auto back = SessionState::fromJson(text);
  ASSERT_TRUE(back.ok()) << back.error().message << " in " << text;
  EXPECT_EQ(*back, st);
  // No in-flight task: null, and it still reads back.
  st.in_flight.reset();
  st.events.clear();
  auto again = SessionState::fromJson(st.toJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, st);
}

TEST_F(AcsSessionTest, AnotherProcessContinuesFromTheStoredState) {
  tasks_.add(
      1, "SetParameterValues",
      R"({"ParameterList":[{"Name":"Device.X","Value":"1","Type":"xsd:int"}],"ParameterKey":"k"})");
  tasks_.add(2, "Reboot", "{}");
  Step s1 = startAndEmptyPost();
  std::string stored = session_.state().toJson();

  // A fresh session object (as in another ACS process) picks up the stored state.
  FakeClock other_clock;
  auto state = SessionState::fromJson(stored);
  ASSERT_TRUE(state.ok());
  AcsSession other(config_, other_clock, *state);
  Step s2 = other.onEnvelope(
      cpeMessage(cwmp::SetParameterValuesResponse{0}, *s1.action.envelope->header.id), tasks_);
  const auto* done = findEffect<TaskCompletedEffect>(s2);
  ASSERT_NE(done, nullptr);
  EXPECT_EQ(done->task_id, 1);
  const auto* upsert = findEffect<UpsertParametersEffect>(s2);
  ASSERT_NE(upsert, nullptr);
  EXPECT_EQ(upsert->parameters.back().name, "Device.ManagementServer.ParameterKey");
  bodyOf<cwmp::Reboot>(s2);
}

TEST(SessionStateJson, RejectsGarbageAndUnknownVersions) {
  EXPECT_FALSE(SessionState::fromJson("").ok());
  EXPECT_FALSE(SessionState::fromJson("{}").ok());
  EXPECT_FALSE(SessionState::fromJson(R"({"v":2})").ok());
  EXPECT_FALSE(SessionState::fromJson(R"({"v":1,"phase":"dancing","ns":2})").ok());
  EXPECT_FALSE(SessionState::fromJson(R"({"v":1,"phase":"ended","ns":9})").ok());
}

TEST(AcsSessionFaultReply, EchoesNamespaceAndId) {
  cwmp::Envelope inform = informEnvelope(cwmp::CwmpNamespace::V1_0);
  cwmp::Envelope f = AcsSession::faultReply(inform, 8005, "busy");
  EXPECT_EQ(f.ns, cwmp::CwmpNamespace::V1_0);
  EXPECT_EQ(f.header.id, "inform-1");
  const auto& fault = std::get<cwmp::Fault>(f.body);
  EXPECT_EQ(fault.fault_code, 8005u);
  EXPECT_EQ(fault.faultcode, "Server");
  EXPECT_EQ(fault.fault_string, "busy");
}

}  // namespace
}  // namespace acs::session
