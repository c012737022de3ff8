// DATABASE_URL parsing and the PostgreSQL connector string.
#include "store/store_factory.h"
#include <gtest/gtest.h>

namespace acs::store {
namespace {

TEST(DatabaseUrl, SqliteForms) {
  auto abs = parseDatabaseUrl("sqlite:///var/lib/acs/acs.db");
  ASSERT_TRUE(abs.ok());
  EXPECT_EQ(abs->backend, DatabaseUrl::Backend::Sqlite);
  EXPECT_EQ(abs->sqlite_path, "/var/lib/acs/acs.db");
  auto rel = parseDatabaseUrl("sqlite://data/acs.db");
  ASSERT_TRUE(rel.ok());
  EXPECT_EQ(rel->sqlite_path, "data/acs.db");
  auto memory = parseDatabaseUrl("sqlite::memory:");
  ASSERT_TRUE(memory.ok());
  EXPECT_EQ(memory->sqlite_path, ":memory:");
  auto spaced = parseDatabaseUrl("sqlite:///tmp/my%20dir/a.db");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->sqlite_path, "/tmp/my dir/a.db");
}

TEST(DatabaseUrl, PostgresForms) {
  auto full =
      parseDatabaseUrl("postgresql://acs:s%40cret@db.example:6543/acs_prod?sslmode=require");
  ASSERT_TRUE(full.ok()) << full.error().message;
  EXPECT_EQ(full->backend, DatabaseUrl::Backend::Postgres);
  EXPECT_EQ(full->user, "acs");
  EXPECT_EQ(full->password, "s@cret");
  EXPECT_EQ(full->host, "db.example");
  EXPECT_EQ(full->port, 6543);
  EXPECT_EQ(full->dbname, "acs_prod");
  EXPECT_EQ(full->options.at("sslmode"), "require");
  auto minimal = parseDatabaseUrl("postgres://u@127.0.0.1/db");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->port, 5432);
  EXPECT_EQ(minimal->password, "");
  auto v6 = parseDatabaseUrl("postgresql://u@[::1]:5433/db");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5433);
}

TEST(DatabaseUrl, RejectsEverythingElseWithAClearMessage) {
  for (const char* bad :
       {"", "mysql://u@h/db", "acs.db", "sqlite://", "sqlite:///", "sqlite:///tmp/",
        "sqlite:///a.db?mode=ro", "postgresql://u@h", "postgresql://u@h:99999/db",
        "postgresql://u@h:abc/db", "postgresql://u@:5432/db", "postgresql://u@h/",
        "postgresql://u:%zz@h/db", "postgresql://u@h/db?novalue", "postgresql://u@h/db?BAD=1"}) {
    auto url = parseDatabaseUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.error().code, StoreErrc::Invalid) << bad;
    EXPECT_NE(url.error().message.find("expected"), std::string::npos) << url.error().message;
  }
}

TEST(DatabaseUrl, ConnectorStringQuotesValues) {
  auto url = parseDatabaseUrl("postgresql://o'neil:a%5Cb%20c@localhost:5432/acs?connect_timeout=3");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(postgresConnectorString(*url),
            "host='localhost' port='5432' user='o\\'neil' password='a\\\\b c' dbname='acs' "
            "connect_timeout='3'");
}

TEST(DatabaseUrl, RedactsPassword) {
  EXPECT_EQ(redactDatabaseUrl("postgresql://acs:secret@h:5432/db"),
            "postgresql://acs:***@h:5432/db");
  EXPECT_EQ(redactDatabaseUrl("postgresql://acs@h/db"), "postgresql://acs@h/db");
  EXPECT_EQ(redactDatabaseUrl("sqlite:///tmp/a.db"), "sqlite:///tmp/a.db");
}

TEST(OpenStore, UnknownSchemeIsInvalid) {
  auto store = openStore("redis://localhost/0", {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, StoreErrc::Invalid);
}

}  // namespace
}  // namespace acs::store
