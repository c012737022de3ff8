// `cpe-sim replay`: a recorded session played against the ACS stub, through the library and
// through the binary's exit code.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "cwmp/codec.h"
#include "replay/replayer.h"
#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"

namespace cpesim::testing {
namespace {

std::string responseXml(const std::string& id) {
  cwmp::Envelope e;
  e.header.id = id;
  cwmp::GetParameterValuesResponse r;
  r.parameter_list = {{"Device.DeviceInfo.SoftwareVersion", "1.0.0", "xsd:string"}};
  e.body = r;
  return cwmp::encodeEnvelope(e);
}

std::string reply(const cwmp::Body& body, const std::string& id) {
  cwmp::Envelope e;
  e.header.id = id;
  e.body = body;
  return cwmp::encodeEnvelope(e);
}

// A session as the stub answers it when it has a GetParameterValues queued for RP0001.
std::string captureFile() {
  return "# RP0001, periodic session\n"
         ">>> cpe\n" + informXml("RP0001", "2 PERIODIC", "42") + "\n<<< acs 200\n" +
         reply(cwmp::InformResponse{}, "42") +
         "\n>>> cpe\n\n<<< acs 200\n" +
         reply(cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}}, "recorded-id") +
         "\n>>> cpe\n" + responseXml("recorded-id") + "\n<<< acs 204\n";
}

int runBinary(const std::string& args, std::string& output) {
  std::string command = std::string(CPESIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Replay, MatchingAcsReportsNoDifferenceAndEchoesTheNewRequestId) {
  AcsStub stub;
  stub.queue("RP0001", cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}});
  auto capture = parseCapture(captureFile(), "capture.txt");
  ASSERT_TRUE(capture) << capture.error().message;
  ReplayReport report = replay(*capture, {.acs_url = stub.url()});
  EXPECT_EQ(report.differences, 0u) << report.text(true);
  auto all = stub.requests();
  ASSERT_EQ(all.size(), 3u);
  // The recorded response carried "recorded-id"; the ACS's request this time was stub-1.
  EXPECT_EQ(all[2].envelope->header.id, "stub-1");
  EXPECT_EQ(all[2].header("Cookie"), "session=1");
}

TEST(Replay, ChangedAcsBehaviourIsReportedPerExchange) {
  AcsStub stub;
  stub.queue("RP0001", cwmp::GetParameterValues{{"Device.DeviceInfo.HardwareVersion"}});
  auto capture = parseCapture(captureFile(), "capture.txt");
  ASSERT_TRUE(capture);
  ReplayReport report = replay(*capture, {.acs_url = stub.url()});
  ASSERT_EQ(report.differences, 1u) << report.text(true);
  const std::string text = report.text();
  EXPECT_NE(text.find("#2"), std::string::npos) << text;
  EXPECT_NE(text.find("ParameterNames[0]"), std::string::npos) << text;
  EXPECT_NE(text.find("Device.DeviceInfo.HardwareVersion"), std::string::npos) << text;

  AcsStub quiet;  // nothing queued: the ACS now ends the session after the empty POST
  ReplayReport ended = replay(*capture, {.acs_url = quiet.url()});
  EXPECT_GE(ended.differences, 1u);
  EXPECT_NE(ended.text().find("the ACS ended the session here"), std::string::npos) << ended.text();
}

TEST(Replay, BinaryExitCodeSaysWhetherTheAcsChanged) {
  TempDir dir;
  const std::string path = dir.file("capture.txt");
  std::ofstream(path) << captureFile();
  {
    AcsStub stub;
    stub.queue("RP0001", cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}});
    std::string out;
    EXPECT_EQ(runBinary("replay " + path + " --acs-url " + stub.url(), out), 0) << out;
    EXPECT_NE(out.find("as recorded"), std::string::npos) << out;
  }
  {
    AcsStub stub;
    std::string out;
    EXPECT_EQ(runBinary("replay " + path + " --acs-url " + stub.url(), out), 1) << out;
    EXPECT_NE(out.find("differ"), std::string::npos) << out;
  }
  std::string out;
  EXPECT_EQ(runBinary("replay " + dir.file("missing.json") + " --acs-url http://127.0.0.1:1/", out), 2);
  EXPECT_NE(out.find("missing.json"), std::string::npos) << out;
}

TEST(Replay, ReadsTheAcsCaptureJson) {
  AcsStub stub;
  stub.queue("RP0001", cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}});
  auto json_string = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  auto exchange = [&](int seq, const char* direction, int status, const std::string& body) {
    return "{\"seq\": " + std::to_string(seq) + ", \"direction\": \"" + direction +
           "\", \"at\": \"2024-01-01T00:00:00Z\", \"http_status\": " + std::to_string(status) +
           ", \"encoding\": \"utf-8\", \"body\": " + json_string(body) + ", \"truncated\": false}";
  };
  const std::string json =
      "{\"format\": \"cwmp-lab-capture/1\", \"device_id\": \"00D09E-TestBox-RP0001\", \"sessions\": "
      "[{\"session_id\": \"s\", \"started_at\": \"2024-01-01T00:00:00Z\", \"exchanges\": [" +
      exchange(1, "in", 0, informXml("RP0001", "2 PERIODIC", "42")) + ", " +
      exchange(2, "out", 200, reply(cwmp::InformResponse{}, "42")) +
      ", " + exchange(3, "in", 0, "") + ", " +
      exchange(4, "out", 200, reply(cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}}, "x")) +
      ", " + exchange(5, "in", 0, responseXml("x")) + ", " + exchange(6, "out", 204, "") + "]}]}";
  auto capture = parseCapture(json, "capture.json");
  ASSERT_TRUE(capture) << capture.error().message;
  ReplayReport report = replay(*capture, {.acs_url = stub.url()});
  EXPECT_EQ(report.differences, 0u) << report.text(true);
  EXPECT_EQ(report.exchanges.size(), 3u);
}

}  // namespace
}  // namespace cpesim::testing
