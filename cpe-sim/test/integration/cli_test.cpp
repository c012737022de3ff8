// The cpe-sim binary: flags, errors, a timed run that saves state, and SIGTERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "test/integration/acs_stub.h"
#include "test/integration/fleet_fixture.h"

extern char** environ;

namespace cpesim::testing {
namespace {

int run(const std::string& args, std::string& output) {
  std::string command = std::string(CPESIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(CpeSimCli, BadFlagsAreClearErrorsWithExitCode2) {
  std::string out;
  EXPECT_EQ(run("--frobnicate", out), 2);
  EXPECT_NE(out.find("unknown option '--frobnicate'"), std::string::npos) << out;
  EXPECT_NE(out.find("--help"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run("--profile /nonexistent/p.yaml --acs-url http://127.0.0.1:1/", out), 2);
  EXPECT_NE(out.find("/nonexistent/p.yaml"), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(run("--help", out), 0);
  EXPECT_NE(out.find("--max-sessions"), std::string::npos);
  out.clear();
  EXPECT_EQ(run("bench", out), 2);
}

TEST(CpeSimCli, TimedRunBootsTheFleetAndSavesState) {
  TempDir dir;
  AcsStub stub;
  const std::string state = dir.file("state");
  std::string out;
  int rc = run("--profile " + writeTestProfile(dir) + " --count 3 --acs-url " + stub.url() +
                   " --cr-bind 127.0.0.1 --state " + state + " --duration 1.5s --summary-interval 500ms",
               out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(stub.informs().size(), 3u);
  EXPECT_NE(out.find("devices=3"), std::string::npos) << out;
  EXPECT_NE(out.find("state saved"), std::string::npos) << out;
  std::string saved = readFile(state);
  EXPECT_EQ(saved.rfind("cpe-sim-state 1\n", 0), 0u);
  EXPECT_NE(saved.find("TB0002\ttest-gateway\t"), std::string::npos);
}

TEST(CpeSimCli, SigtermStopsCleanlyAndSavesState) {
  TempDir dir;
  AcsStub stub;
  const std::string state = dir.file("state");
  const std::string log = dir.file("log");
  std::vector<std::string> args = {CPESIM_BINARY, "--profile", writeTestProfile(dir), "--acs-url", stub.url(),
                                   "--cr-bind", "127.0.0.1", "--state", state};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, CPESIM_BINARY, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_TRUE(stub.waitForInforms(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << readFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << readFile(log);
  EXPECT_NE(readFile(log).find("SIGTERM"), std::string::npos);
  EXPECT_NE(readFile(state).find("TB0000\ttest-gateway\t"), std::string::npos);
}

}  // namespace
}  // namespace cpesim::testing
