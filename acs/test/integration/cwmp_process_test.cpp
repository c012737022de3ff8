// The `acs` executable as a process: start-up output, configuration errors, secure-by-default
// binding, graceful SIGTERM, and a lease left by a killed ACS expiring after the session
// timeout.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>

#include "acs/src/store/store_factory.h"
#include "acs/test/integration/cwmp_test_support.h"

namespace acs::itest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kExitConfig = 78;  // Poco::Util::Application::EXIT_CONFIG

std::map<std::string, std::string> baseEnv(const TempDir& dir) {
  return {{"ACS_PORT", "0"},
          {"ACS_HOST", "127.0.0.1"},
          {"ACS_DATA_DIR", (dir.path() / "data").string()},
          {"LOG_LEVEL", "warning"}};
}

TEST(AcsProcess, HelpListsOptionsAndEnvironment) {
  AcsProcess acs({}, {"--help"});
  EXPECT_EQ(acs.wait(), 0);
  const std::string out = acs.output();
  for (const char* s : {"--config", "--port", "ACS_PORT", "DATABASE_URL", "ENABLE_AUTH",
                        "ACS_SESSION_TIMEOUT", "ACS_ALLOW_INSECURE"}) {
    EXPECT_NE(out.find(s), std::string::npos) << s;
  }
}

TEST(AcsProcess, StartsOnAFreePortWithTheDefaultSqliteDatabase) {
  TempDir dir;
  AcsProcess acs(baseEnv(dir));
  ASSERT_TRUE(acs.waitUntilListening()) << acs.output();
  EXPECT_GT(acs.port(), 0);
  EXPECT_NE(acs.output().find("/cwmp"), std::string::npos);
  CpeClient cpe(acs.port());
  EXPECT_EQ(cpe.send(informEnvelope(uniqueSerial("PROC"), {"1 BOOT"})).status, 200);
  EXPECT_EQ(cpe.emptyPost().status, 204);
  EXPECT_EQ(acs.stop(SIGTERM), 0) << acs.output();
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "data" / "acs.db"));
}

TEST(AcsProcess, InvalidConfigurationStopsStartUpWithExitConfig) {
  TempDir dir;
  auto env = baseEnv(dir);
  env["ACS_PORT"] = "seventy";
  AcsProcess bad_port(env);
  EXPECT_EQ(bad_port.wait(), kExitConfig);
  EXPECT_NE(bad_port.output().find("ACS_PORT"), std::string::npos) << bad_port.output();

  auto env2 = baseEnv(dir);
  env2["DATABASE_URL"] = "mysql://nope";
  AcsProcess bad_url(env2);
  EXPECT_EQ(bad_url.wait(), kExitConfig);
  EXPECT_NE(bad_url.output().find("DATABASE_URL"), std::string::npos) << bad_url.output();

  const auto file = dir.path() / "acs.conf";
  std::ofstream(file) << "port = 0\nsesion_timeout = 5\n";
  AcsProcess bad_file(baseEnv(dir), {"--config", file.string()});
  EXPECT_EQ(bad_file.wait(), kExitConfig);
  EXPECT_NE(bad_file.output().find("sesion_timeout"), std::string::npos) << bad_file.output();
}

TEST(AcsProcess, FlagsOverrideEnvironmentAndConfigFile) {
  TempDir dir;
  const auto file = dir.path() / "acs.conf";
  std::ofstream(file) << "port = 1\nlog_level = warning\n";
  auto env = baseEnv(dir);
  env["ACS_PORT"] = "2";  // overridden by the flag below
  AcsProcess acs(env, {"--config", file.string(), "--port", "0"});
  ASSERT_TRUE(acs.waitUntilListening()) << acs.output();
  EXPECT_NE(acs.port(), 1);
  EXPECT_NE(acs.port(), 2);
  EXPECT_EQ(acs.stop(SIGTERM), 0);
}

TEST(AcsProcess, RefusesNonLoopbackBindWithoutApiAuth) {
  TempDir dir;
  auto env = baseEnv(dir);
  env["ACS_HOST"] = "0.0.0.0";
  AcsProcess refused(env);
  EXPECT_EQ(refused.wait(), kExitConfig);
  EXPECT_NE(refused.output().find("ACS_ALLOW_INSECURE"), std::string::npos) << refused.output();

  env["ACS_ALLOW_INSECURE"] = "1";
  AcsProcess allowed(env);
  ASSERT_TRUE(allowed.waitUntilListening()) << allowed.output();
  EXPECT_EQ(allowed.stop(SIGTERM), 0);

  auto authed = baseEnv(dir);
  authed["ACS_HOST"] = "0.0.0.0";
  authed["ENABLE_AUTH"] = "1";
  authed["API_KEY"] = "a-long-enough-test-key";
  AcsProcess with_auth(authed);
  ASSERT_TRUE(with_auth.waitUntilListening()) << with_auth.output();
  EXPECT_EQ(with_auth.stop(SIGINT), 0);
}

TEST(AcsProcess, SigtermEndsOpenSessionsCleanly) {
  TempDir dir;
  const std::string url = "sqlite://" + (dir.path() / "acs.db").string();
  auto env = baseEnv(dir);
  env["DATABASE_URL"] = url;
  AcsProcess acs(env);
  ASSERT_TRUE(acs.waitUntilListening()) << acs.output();
  const std::string serial = uniqueSerial("TERM");
  const std::string device = deviceIdFor(serial);
  CpeClient cpe(acs.port());
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"1 BOOT"})).status, 200);
  ASSERT_EQ(cpe.emptyPost().status, 204);

  std::int64_t task_id = 0;
  {
    auto store = store::openStore(url, {});
    ASSERT_TRUE(store.ok());
    store::Task t;
    t.device_id = device;
    t.type = "Reboot";
    t.args_json = "{}";
    auto created = (*store)->createTask(t, store::nowMs());
    ASSERT_TRUE(created.ok());
    task_id = created->id;
  }
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  ASSERT_NE(cpe.emptyPost().as<cwmp::Reboot>(), nullptr);  // sent, no answer yet

  EXPECT_EQ(acs.stop(SIGTERM), 0) << acs.output();
  EXPECT_NE(acs.output().find("acs: stopped"), std::string::npos) << acs.output();

  auto store = store::openStore(url, {});
  ASSERT_TRUE(store.ok());
  auto task = (*store)->getTask(task_id);
  ASSERT_TRUE(task.ok() && task->has_value());
  EXPECT_EQ((**task).state, store::TaskState::Pending);
  auto lease = (*store)->acquireLease(device, "probe", "test", store::nowMs(), seconds(5));
  ASSERT_TRUE(lease.ok());
  EXPECT_TRUE(lease->acquired());
}

TEST(AcsProcess, LeaseOfAKilledAcsExpiresAfterTheSessionTimeout) {
  TempDir dir;
  const std::string url = "sqlite://" + (dir.path() / "acs.db").string();
  auto env = baseEnv(dir);
  env["DATABASE_URL"] = url;
  env["ACS_SESSION_TIMEOUT"] = "3";
  const std::string serial = uniqueSerial("KILL");
  const std::string device = deviceIdFor(serial);

  AcsProcess first(env);
  ASSERT_TRUE(first.waitUntilListening()) << first.output();
  CpeClient cpe(first.port());
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"1 BOOT"})).status, 200);
  ASSERT_EQ(cpe.emptyPost().status, 204);
  std::int64_t task_id = 0;
  {
    auto store = store::openStore(url, {});
    ASSERT_TRUE(store.ok());
    store::Task t;
    t.device_id = device;
    t.type = "FactoryReset";
    t.args_json = "{}";
    auto created = (*store)->createTask(t, store::nowMs());
    ASSERT_TRUE(created.ok());
    task_id = created->id;
  }
  cpe.forgetCookie();
  ASSERT_EQ(cpe.send(informEnvelope(serial, {"2 PERIODIC"})).status, 200);
  ASSERT_NE(cpe.emptyPost().as<cwmp::FactoryReset>(), nullptr);
  const auto killed_at = std::chrono::steady_clock::now();
  EXPECT_EQ(first.stop(SIGKILL), 128 + SIGKILL);

  AcsProcess second(env);
  ASSERT_TRUE(second.waitUntilListening()) << second.output();
  CpeClient again(second.port());
  if (std::chrono::steady_clock::now() - killed_at < milliseconds(2500)) {
    Reply refused = again.send(informEnvelope(serial, {"2 PERIODIC"}));
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("already in session"), std::string::npos);
  }
  Reply accepted;
  ASSERT_TRUE(waitFor(
      [&] {
        again.forgetCookie();
        accepted = again.send(informEnvelope(serial, {"2 PERIODIC"}));
        if (accepted.status == 200) return true;
        std::this_thread::sleep_for(milliseconds(200));
        return false;
      },
      seconds(6)))
      << accepted.body;
  EXPECT_GE(std::chrono::steady_clock::now() - killed_at, milliseconds(2900));
  // The task the killed ACS had sent comes again.
  Reply r = again.emptyPost();
  ASSERT_NE(r.as<cwmp::FactoryReset>(), nullptr) << r.body;
  auto store = store::openStore(url, {});
  ASSERT_TRUE(store.ok());
  auto task = (*store)->getTask(task_id);
  ASSERT_TRUE(task.ok() && task->has_value());
  EXPECT_EQ((**task).attempts, 2);
  EXPECT_EQ(second.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace acs::itest
