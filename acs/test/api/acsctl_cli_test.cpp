// acsctl's pure parts: task parameter building, table output and command-line errors (which
// never reach the network).
#include <sstream>
#include <string>

#include "cli/acsctl_app.h"
#include "cli/table.h"
#include "cli/task_args.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cwmp/json.h"

namespace acs::cli {
namespace {

TEST(TaskTypeNames, AcceptsExactCaseInsensitiveAndShortForms) {
  EXPECT_EQ(canonicalTaskType("SetParameterValues"), "SetParameterValues");
  EXPECT_EQ(canonicalTaskType("setparametervalues"), "SetParameterValues");
  EXPECT_EQ(canonicalTaskType("spv"), "SetParameterValues");
  EXPECT_EQ(canonicalTaskType("reboot"), "Reboot");
  EXPECT_EQ(canonicalTaskType("factory-reset"), "FactoryReset");
  EXPECT_EQ(canonicalTaskType("refresh"), "refresh");
  EXPECT_EQ(canonicalTaskType("Inform"), std::nullopt);
  EXPECT_EQ(canonicalTaskType("nope"), std::nullopt);
}

TEST(TaskArgSpecs, ComeFromTheMessageDescriptions) {
  auto download = taskArgSpecs("Download");
  ASSERT_TRUE(download.has_value());
  auto kind = [&](const std::string& name) {
    for (const ArgSpec& spec : *download) {
      if (spec.name == name) return spec.kind;
    }
    ADD_FAILURE() << "no argument " << name;
    return ArgKind::Object;
  };
  EXPECT_EQ(kind("CommandKey"), ArgKind::String);
  EXPECT_EQ(kind("FileSize"), ArgKind::UnsignedInt);
  EXPECT_EQ(kind("DelaySeconds"), ArgKind::UnsignedInt);
  EXPECT_EQ(taskArgSpecs("GetParameterValues")->front().kind, ArgKind::StringList);
  EXPECT_EQ(taskArgSpecs("SetParameterValues")->front().kind, ArgKind::ObjectList);
  EXPECT_TRUE(taskArgSpecs("Reboot").has_value());
  EXPECT_FALSE(taskArgSpecs("Inform").has_value());
}

// Every built object must be accepted by the codec's JSON mapping, as the API will check.
void expectValid(const std::string& type, const TaskParameters& built) {
  ASSERT_TRUE(built.ok()) << built.error;
  auto body = cwmp::bodyFromJson(type, built.json);
  EXPECT_TRUE(body.ok()) << type << " " << built.json << ": "
                         << (body.ok() ? "" : body.error().message);
}

TEST(BuildTaskParameters, MakesSetParameterValuesEntriesFromPaths) {
  auto built = buildTaskParameters(
      "SetParameterValues",
      {"Device.WiFi.SSID.1.SSID=lab net",
       "Device.ManagementServer.PeriodicInformInterval:unsignedInt=300", "ParameterKey=k1"},
      std::nullopt);
  expectValid("SetParameterValues", built);
  auto body = cwmp::bodyFromJson("SetParameterValues", built.json);
  const auto& spv = std::get<cwmp::SetParameterValues>(*body);
  ASSERT_EQ(spv.parameter_list.size(), 2U);
  EXPECT_EQ(spv.parameter_list[0].value, "lab net");
  EXPECT_EQ(spv.parameter_list[0].type, "xsd:string");
  EXPECT_EQ(spv.parameter_list[1].name, "Device.ManagementServer.PeriodicInformInterval");
  EXPECT_EQ(spv.parameter_list[1].type, "xsd:unsignedInt");
  EXPECT_EQ(spv.parameter_key, "k1");
}

TEST(BuildTaskParameters, ConvertsArgumentsToTheirJsonTypes) {
  auto built = buildTaskParameters("Download",
                                   {"URL=http://f/x.bin", "FileType=1 Firmware Upgrade Image",
                                    "FileSize=1024", "CommandKey=123", "DelaySeconds=0"},
                                   std::nullopt);
  expectValid("Download", built);
  Poco::JSON::Parser parser;
  auto object = parser.parse(built.json).extract<Poco::JSON::Object::Ptr>();
  EXPECT_TRUE(object->get("FileSize").isInteger());
  EXPECT_TRUE(object->get("CommandKey").isString());

  auto gpn = buildTaskParameters("GetParameterNames", {"Device.WiFi."}, std::nullopt);
  expectValid("GetParameterNames", gpn);
  auto gpv = buildTaskParameters("GetParameterValues", {"Device.A.", "Device.B.C"}, std::nullopt);
  expectValid("GetParameterValues", gpv);
  auto add = buildTaskParameters("AddObject", {"Device.IP.Interface."}, std::nullopt);
  expectValid("AddObject", add);
  auto spa = buildTaskParameters("SetParameterAttributes", {"Device.X.Y=2"}, std::nullopt);
  expectValid("SetParameterAttributes", spa);
  auto next = buildTaskParameters("GetParameterNames", {"Device.", "NextLevel=true"}, std::nullopt);
  expectValid("GetParameterNames", next);
  EXPECT_NE(next.json.find("\"NextLevel\":true"), std::string::npos);
}

TEST(BuildTaskParameters, MergesJsonFirstThenParams) {
  auto built = buildTaskParameters("ScheduleInform", {"CommandKey=x"},
                                   std::string(R"({"DelaySeconds": 30})"));
  expectValid("ScheduleInform", built);
  EXPECT_NE(built.json.find("\"DelaySeconds\":30"), std::string::npos);
  EXPECT_NE(built.json.find("\"CommandKey\":\"x\""), std::string::npos);
}

TEST(BuildTaskParameters, ExplainsMistakes) {
  EXPECT_NE(buildTaskParameters("Reboot", {"Commandkey=x"}, std::nullopt)
                .error.find("has no argument 'Commandkey'"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("ScheduleInform", {"DelaySeconds=soon"}, std::nullopt)
                .error.find("DelaySeconds"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("SetParameterValues", {"Device.X"}, std::nullopt)
                .error.find("PATH=VALUE"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("Reboot", {"Device.X"}, std::nullopt).error.find("no parameter"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("ScheduleDownload", {"TimeWindowList=x"}, std::nullopt)
                .error.find("--json"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("Reboot", {}, std::string("[1]")).error.find("object"),
            std::string::npos);
  EXPECT_NE(buildTaskParameters("Reboot", {}, std::string("{")).error.find("not valid JSON"),
            std::string::npos);
}

TEST(Table, AlignsColumnsByCodePoints) {
  EXPECT_EQ(renderTable({"ID", "NAME"}, {{"1", "caf\xC3\xA9"}, {"22", "x\ny"}}),
            "ID  NAME\n"
            "1   caf\xC3\xA9\n"
            "22  x y\n");
  EXPECT_EQ(renderTable({"A", "B", "C"}, {{"1"}}), "A  B  C\n1\n");
  EXPECT_EQ(renderFields({{"id", "1"}, {"status", "ok"}}), "id:     1\nstatus: ok\n");
}

int run(const std::vector<std::string>& args, std::string& out, std::string& err) {
  std::ostringstream o;
  std::ostringstream e;
  const int code = runAcsctl(args, {}, o, e);
  out = o.str();
  err = e.str();
  return code;
}

TEST(AcsctlCommandLine, PrintsHelp) {
  std::string out;
  std::string err;
  EXPECT_EQ(run({"--help"}, out, err), kExitOk);
  EXPECT_NE(out.find("task wait TASK_ID"), std::string::npos);
  EXPECT_NE(out.find("files put PATH [NAME]"), std::string::npos);
  EXPECT_NE(out.find("stats [--series"), std::string::npos);
  EXPECT_NE(out.find("exit codes"), std::string::npos);
}

TEST(AcsctlCommandLine, RejectsBadUsageWithExitCode2) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"devices"},
      {"devices", "explode"},
      {"devices", "show"},
      {"devices", "show", "a", "b"},
      {"devices", "list", "--colour", "red"},
      {"devices", "list", "--limit"},
      {"devices", "list", "--online", "--offline"},
      {"task", "create", "dev", "Rebooot"},
      {"task", "create", "dev", "Reboot", "--param", "Bogus=1"},
      {"task", "show", "abc"},
      {"task", "wait", "5", "--timeout", "soon"},
      {"capture", "dev", "maybe"},
      {"--url", "ftp://host", "stats"},
      {"--oui", "x", "devices", "list"},
      {"stats", "--series", "--step", "120"},
      {"stats", "--minutes", "5"},
      {"files"},
      {"files", "put"},
      {"files", "rm", "a", "b"},
  };
  for (const auto& args : cases) {
    std::string out;
    std::string err;
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(run(args, out, err), kExitUsage) << joined;
    EXPECT_NE(err.find("acsctl: "), std::string::npos) << joined;
    EXPECT_TRUE(out.empty()) << joined;
  }
}

TEST(AcsctlCommandLine, ReportsAnUnreachableServerWithExitCode1) {
  // A loopback port that is bound but not listening: connecting to it is refused at once.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  std::string out;
  std::string err;
  EXPECT_EQ(run({"--url", url, "stats"}, out, err), kExitError);
  EXPECT_NE(err.find("cannot reach " + url), std::string::npos) << err;
  ::close(fd);
}

}  // namespace
}  // namespace acs::cli
