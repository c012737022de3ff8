// SQLite-specific behaviour: the file, WAL mode, migrations, errors from the file system.
#include <filesystem>

#include "store/sql/migrations.h"
#include "store/store_factory.h"
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace acs::store {
namespace {

class SqliteFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("acs_sqlite_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::permissions(dir_, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (dir_ / "acs.db").string(); }

  std::filesystem::path dir_;
};

// Reads one value straight from the file with a separate connection.
std::string scalar(const std::string& path, const std::string& sql) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session session("SQLite", path);
  std::string value;
  session << sql, Poco::Data::Keywords::into(value), Poco::Data::Keywords::now;
  return value;
}

// The "detail" lines of EXPLAIN QUERY PLAN, joined.
std::string plan(const std::string& path, const std::string& sql) {
  Poco::Data::Session session("SQLite", path);
  std::vector<std::string> id, parent, unused, detail;
  session << "EXPLAIN QUERY PLAN " + sql, Poco::Data::Keywords::into(id),
      Poco::Data::Keywords::into(parent), Poco::Data::Keywords::into(unused),
      Poco::Data::Keywords::into(detail), Poco::Data::Keywords::now;
  std::string out;
  for (const auto& line : detail) out += line + "\n";
  return out;
}

TEST_F(SqliteFile, CreatesAWalDatabaseWithMigrationsRecorded) {
  {
    auto store = openStore("sqlite://" + path(), {});
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ((*store)->backendName(), "sqlite");
  }
  EXPECT_TRUE(std::filesystem::exists(path()));
  EXPECT_EQ(scalar(path(), "PRAGMA journal_mode"), "wal");
  const std::string all = std::to_string(sql::migrationsFor(sql::Dialect::Sqlite).size());
  EXPECT_EQ(scalar(path(), "SELECT COUNT(*) FROM schema_migrations"), all);
  EXPECT_EQ(scalar(path(), "SELECT name FROM schema_migrations WHERE version = 1"),
            "initial schema");
  // Opening again applies nothing twice.
  auto again = openStore("sqlite://" + path(), {});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(scalar(path(), "SELECT COUNT(*) FROM schema_migrations"), all);
}

TEST_F(SqliteFile, AMigrationMissingBelowTheNewestIsStillApplied) {
  // A database that got version 3 from a build without version 2 (written in parallel and
  // shipped later): opening it applies 2.
  { ASSERT_TRUE(openStore("sqlite://" + path(), {}).ok()); }
  ASSERT_GT(sql::latestSchemaVersion(sql::Dialect::Sqlite), 2);
  {
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session session("SQLite", path());
    session << "DROP INDEX devices_class_version", Poco::Data::Keywords::now;
    session << "DELETE FROM schema_migrations WHERE version = 2", Poco::Data::Keywords::now;
  }
  EXPECT_EQ(scalar(path(), "SELECT COUNT(*) FROM schema_migrations WHERE version = 2"), "0");
  auto reopened = openStore("sqlite://" + path(), {});
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  EXPECT_EQ(scalar(path(), "SELECT name FROM schema_migrations WHERE version = 2"),
            "device list indexes");
  EXPECT_EQ(scalar(path(),
                   "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = "
                   "'devices_class_version'"),
            "1");
}

TEST_F(SqliteFile, EveryQueryFilterHasAnIndex) {
  { ASSERT_TRUE(openStore("sqlite://" + path(), {}).ok()); }
  for (const char* index :
       {"devices_oui", "devices_product_class", "devices_software_version", "devices_online_until",
        "devices_last_inform", "parameters_name_value", "device_tags_tag", "sessions_open",
        "tasks_device_state", "tasks_sent_session", "tasks_command_key", "captures_device",
        "faults_device", "devices_class_version"}) {
    EXPECT_EQ(scalar(path(), std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
                                         "AND name = '") +
                                 index + "'"),
              "1")
        << index;
  }
  // The hot lookups use them (EXPLAIN QUERY PLAN names the index).
  EXPECT_NE(plan(path(),
                 "SELECT id FROM tasks WHERE device_id = 'a' AND state = 'pending' "
                 "ORDER BY id LIMIT 1")
                .find("tasks_device_state"),
            std::string::npos);
  EXPECT_NE(plan(path(),
                 "SELECT id FROM devices WHERE id IN (SELECT device_id FROM parameters "
                 "WHERE name = 'a' AND value = 'b')")
                .find("parameters_name_value"),
            std::string::npos);
  EXPECT_NE(plan(path(), "SELECT COUNT(*) FROM devices WHERE online_until >= 5")
                .find("devices_online_until"),
            std::string::npos);
  EXPECT_NE(plan(path(),
                 "SELECT id FROM devices WHERE product_class = 'a' AND software_version = 'b' "
                 "ORDER BY id LIMIT 100")
                .find("devices_class_version"),
            std::string::npos);
}

TEST_F(SqliteFile, NewerSchemaThanThisBuildIsRefused) {
  { ASSERT_TRUE(openStore("sqlite://" + path(), {}).ok()); }
  {
    Poco::Data::Session session("SQLite", path());
    session << "INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'future', 0)",
        Poco::Data::Keywords::now;
  }
  auto store = openStore("sqlite://" + path(), {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, StoreErrc::Invalid);
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST_F(SqliteFile, WriterLockedByAnotherProcessIsBusyThenRecovers) {
  StoreOptions options;
  options.busy_timeout = std::chrono::milliseconds(200);
  auto store = openStore("sqlite://" + path(), options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  InformRecord inform;
  inform.oui = "00A0C9";
  inform.serial_number = "SN1";
  inform.now = nowMs();
  {
    // Another connection (e.g. the sqlite3 shell) holds the write lock.
    Poco::Data::Session other("SQLite", path());
    other << "BEGIN IMMEDIATE", Poco::Data::Keywords::now;
    auto blocked = (*store)->recordInform(inform);
    ASSERT_FALSE(blocked.ok());
    EXPECT_EQ(blocked.error().code, StoreErrc::Busy) << blocked.error().message;
    other << "ROLLBACK", Poco::Data::Keywords::now;
  }
  auto after = (*store)->recordInform(inform);
  EXPECT_TRUE(after.ok()) << after.error().message;
}

TEST_F(SqliteFile, MissingDirectoryIsUnavailable) {
  auto store = openStore("sqlite://" + (dir_ / "missing" / "acs.db").string(), {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, StoreErrc::Unavailable) << store.error().message;
}

TEST_F(SqliteFile, NotADatabaseIsUnavailable) {
  {
    FILE* f = std::fopen(path().c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just text long enough to be read as a header", f);
    std::fclose(f);
  }
  auto store = openStore("sqlite://" + path(), {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, StoreErrc::Unavailable) << store.error().message;
}

TEST_F(SqliteFile, RelativePathIsRelativeToTheWorkingDirectory) {
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_);
  {
    auto store = openStore("sqlite://rel.db", {});
    EXPECT_TRUE(store.ok()) << store.error().message;
  }
  std::filesystem::current_path(cwd);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "rel.db"));
}

}  // namespace
}  // namespace acs::store
