// The store contract on PostgreSQL (label pg), plus recovery from a server restart.
//
// ACS_TEST_PG_DSN names a server (ci/test starts one with ci/pg.sh). Every test case gets its
// own schema (search_path set through the connection's `options`), dropped afterwards. Without
// the variable the cases skip locally and fail when CI=true.
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "contract/store_contract.h"
#include "store/postgres/pg_conn.h"
#include "store/store_factory.h"
#include <unistd.h>

namespace acs::store::contract {
namespace {

bool inCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// Fails (CI) or skips (local runs) the current test when no server is configured.
#define ACS_REQUIRE_PG_DSN(dsn_var)                                                \
  do {                                                                             \
    if (dsn_var.empty()) {                                                         \
      if (inCi())                                                                  \
        FAIL() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL "            \
                  "tests must run in CI (ci/test starts a server)";                \
      GTEST_SKIP() << "ACS_TEST_PG_DSN is not set (start a server with ci/pg.sh)"; \
    }                                                                              \
  } while (false)

std::string pgDsn() {
  const char* dsn = std::getenv("ACS_TEST_PG_DSN");
  return dsn == nullptr ? std::string() : std::string(dsn);
}

std::unique_ptr<sql::PgConn> adminConnection(const std::string& dsn) {
  auto url = parseDatabaseUrl(dsn);
  if (!url) throw std::runtime_error("bad ACS_TEST_PG_DSN: " + url.error().message);
  return std::make_unique<sql::PgConn>(postgresConnectorString(*url));
}

class PgDatabase final : public ContractDatabase {
 public:
  explicit PgDatabase(std::string dsn) : dsn_(std::move(dsn)) {
    static std::atomic<int> counter{0};
    schema_ =
        "acs_contract_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    adminConnection(dsn_)->exec("CREATE SCHEMA " + schema_);
  }
  ~PgDatabase() override {
    try {
      adminConnection(dsn_)->exec("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "cannot drop schema " << schema_ << ": " << e.what();
    }
  }
  std::string url() const override {
    const char sep = dsn_.find('?') == std::string::npos ? '?' : '&';
    return dsn_ + sep + "options=-csearch_path%3D" + schema_;
  }
  bool shared() const override { return true; }

 private:
  std::string dsn_;
  std::string schema_;
};

std::unique_ptr<ContractDatabase> createPgDatabase() {
  const std::string dsn = pgDsn();
  if (dsn.empty()) {
    if (inCi()) {
      ADD_FAILURE() << "ACS_TEST_PG_DSN is not set but CI=true: PostgreSQL tests must run in CI";
      return nullptr;
    }
    return nullptr;  // the fixture skips
  }
  return std::make_unique<PgDatabase>(dsn);
}

INSTANTIATE_TEST_SUITE_P(Pg, StoreContract,
                         ::testing::Values(ContractBackend{"Postgres", createPgDatabase}),
                         backendName);
INSTANTIATE_TEST_SUITE_P(Pg, SharedStoreContract,
                         ::testing::Values(ContractBackend{"Postgres", createPgDatabase}),
                         backendName);

// --- Recovery from a server restart
// ---------------------------------------------------------------- Uses its own throw-away cluster
// (ci/pg.sh) because it stops and starts the server.

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 256> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr) {
    out += buffer.data();
  }
  const int status = ::pclose(pipe);
  if (status != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string pgBinDir() {
  const char* dir = std::getenv("PG_BINDIR");
  return dir != nullptr ? dir : "/usr/lib/postgresql/15/bin";
}

std::string asOwner(const std::string& command) {
  return ::geteuid() == 0 ? "runuser -u postgres -- " + command : command;
}

class PgRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    ACS_REQUIRE_PG_DSN(pgDsn());
    dir_ = "/tmp/acs_store_pg_restart_" + std::to_string(::getpid());
    dsn_ = run(std::string(ACS_SOURCE_DIR) + "/ci/pg.sh start " + dir_ + " 2>/dev/null");
    ASSERT_FALSE(dsn_.empty()) << "ci/pg.sh could not start a cluster in " << dir_;
    std::ifstream port_file(dir_ + "/port");
    port_file >> port_;
    ASSERT_FALSE(port_.empty());
  }
  void TearDown() override {
    if (!dsn_.empty()) {
      run(std::string(ACS_SOURCE_DIR) + "/ci/pg.sh stop " + dir_ + " 2>/dev/null");
    }
  }
  bool stopServer() {
    return std::system(asOwner(pgBinDir() + "/pg_ctl -D " + dir_ + "/data -m fast -w -t 60 stop " +
                               ">/dev/null 2>&1")
                           .c_str()) == 0;
  }
  bool startServer() {
    return std::system(asOwner(pgBinDir() + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                               "/postgres.log -w -t 60 -o \"-h 127.0.0.1 -p " + port_ + " -k " +
                               dir_ + "\" start >/dev/null 2>&1")
                           .c_str()) == 0;
  }

  std::string dir_;
  std::string dsn_;
  std::string port_;
};

InformRecord informAt(TimePoint now) {
  InformRecord inform;
  inform.oui = "00A0C9";
  inform.product_class = "RG1";
  inform.serial_number = "RESTART1";
  inform.events = {"2 PERIODIC"};
  inform.now = now;
  return inform;
}

TEST_F(PgRestart, StoreReportsUnavailableWhileServerIsDownAndRecoversAfter) {
  StoreOptions options;
  options.pool_size = 2;
  auto store = openStore(dsn_, options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  const TimePoint t0 = nowMs();
  ASSERT_TRUE((*store)->recordInform(informAt(t0)).ok());
  ASSERT_TRUE((*store)->health().ok());

  ASSERT_TRUE(stopServer());
  auto during = (*store)->recordInform(informAt(t0 + std::chrono::seconds(1)));
  ASSERT_FALSE(during.ok());
  EXPECT_EQ(during.error().code, StoreErrc::Unavailable) << during.error().message;
  auto read = (*store)->getDevice(makeDeviceId("00A0C9", "RG1", "RESTART1"), t0);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, StoreErrc::Unavailable);
  EXPECT_FALSE((*store)->health().ok());

  ASSERT_TRUE(startServer());
  // The first call on each stale pooled connection may still fail; the store replaces them.
  bool recovered = false;
  for (int i = 0; i < 20 && !recovered; ++i) {
    recovered = (*store)->recordInform(informAt(t0 + std::chrono::seconds(2))).ok();
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(recovered);
  bool read_ok = false;
  for (int i = 0; i < 20 && !read_ok; ++i) {
    auto device = (*store)->getDevice(makeDeviceId("00A0C9", "RG1", "RESTART1"), t0);
    read_ok = device.ok() && device->has_value() &&
              (**device).last_inform == t0 + std::chrono::seconds(2);
  }
  EXPECT_TRUE(read_ok);
  EXPECT_TRUE((*store)->health().ok());
}

TEST(PgOpen, UnreachableServerIsUnavailable) {
  ACS_REQUIRE_PG_DSN(pgDsn());
  // A port nobody listens on (bound then closed is racy; port 1 needs root to listen on).
  auto store = openStore("postgresql://postgres@127.0.0.1:1/acs_test", {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, StoreErrc::Unavailable) << store.error().message;
}

}  // namespace
}  // namespace acs::store::contract
