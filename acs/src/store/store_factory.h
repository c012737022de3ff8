// acs/store/store_factory.h: opens a Store from a DATABASE_URL (pure interface, no Poco).
//
//   sqlite:///abs/path/acs.db           SQLite file at an absolute path
//   sqlite://relative/path/acs.db       SQLite file relative to the working directory
//   sqlite::memory:                     private in-memory SQLite database (tests)
//   postgresql://user[:pass]@host[:port]/dbname[?sslmode=...&connect_timeout=...]
//   postgres://...                      same as postgresql://
//
// Anything else is StoreErrc::Invalid with a message naming the accepted forms. The store
// applies its migrations before openStore returns; a database that cannot be reached is
// StoreErrc::Unavailable.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "store/store.h"

namespace acs::store {

Result<StorePtr> openStore(std::string_view database_url, const StoreOptions& options);

// Same as openStore (the name used in the first sketch of the design).
inline Result<StorePtr> makeStore(std::string_view database_url, const StoreOptions& options) {
  return openStore(database_url, options);
}

// A parsed DATABASE_URL.
struct DatabaseUrl {
  enum class Backend : unsigned char { Sqlite, Postgres };
  Backend backend = Backend::Sqlite;
  std::string sqlite_path;  // ":memory:" for the in-memory database
  std::string user;         // PostgreSQL parts, percent-decoded
  std::string password;
  std::string host;
  int port = 5432;
  std::string dbname;
  std::map<std::string, std::string> options;  // query parameters, passed to libpq as-is
};

Result<DatabaseUrl> parseDatabaseUrl(std::string_view database_url);

// The URL with its password replaced by "***", for logs.
std::string redactDatabaseUrl(std::string_view database_url);

// libpq's "host=... port=... user=... password=... dbname=..." form of a PostgreSQL URL,
// values quoted and escaped as libpq requires.
std::string postgresConnectorString(const DatabaseUrl& url);

}  // namespace acs::store
