#include "store/postgres/postgres_store.h"

#include <algorithm>

#include "store/postgres/pg_conn.h"
#include "store/sql/sql_store.h"

namespace acs::store {
namespace {

using sql::Classified;
using sql::ConnPtr;
using sql::Dialect;

ConnPtr connect(const std::string& connector) { return std::make_unique<sql::PgConn>(connector); }

Classified classify(const std::exception& e) {
  if (const auto* pg = dynamic_cast<const sql::PgError*>(&e)) {
    const std::string& state = pg->sqlstate();
    const std::string message = pg->what();
    if (!pg->connectionOk() || state.empty()) {
      return {storeError(StoreErrc::Unavailable, "PostgreSQL unavailable: " + message), true,
              false};
    }
    const std::string klass = state.substr(0, 2);
    if (state == "40P01" || state == "40001") {  // deadlock, serialization: retry the batch
      return {storeError(StoreErrc::Busy, "PostgreSQL transaction conflict: " + message), false,
              true};
    }
    if (state == "55P03" || state == "57014") {  // lock not available, statement timeout
      return {storeError(StoreErrc::Busy, "PostgreSQL busy: " + message), false, false};
    }
    if (klass == "23") {
      return {storeError(StoreErrc::Conflict, "constraint violated: " + message), false, false};
    }
    if (klass == "22" || klass == "54") {  // data exception (e.g. invalid UTF-8), too large
      return {storeError(StoreErrc::Invalid, "value rejected by PostgreSQL: " + message), false,
              false};
    }
    if (klass == "08" || klass == "57" || klass == "53") {  // connection, shutdown, resources
      return {storeError(StoreErrc::Unavailable, "PostgreSQL unavailable: " + message), true,
              false};
    }
    return {storeError(StoreErrc::Unavailable, "PostgreSQL error: " + message), false, false};
  }
  return {storeError(StoreErrc::Unavailable, std::string("PostgreSQL error: ") + e.what()), true,
          false};
}

}  // namespace

Result<StorePtr> openPostgresStore(const std::string& connector, const StoreOptions& options) {
  sql::SqlBackend backend;
  backend.dialect = Dialect::Postgres;
  backend.name = "postgresql";
  backend.connect = [connector] { return connect(connector); };
  backend.classify = classify;
  // Lanes beyond a handful add connections (and server processes) more than throughput:
  // each lane already batches, and the server merges concurrent commit flushes.
  backend.writers = std::clamp(options.pool_size / 2, 1, 8);
  backend.readers = std::max(1, options.pool_size);
  backend.begin_sql = "BEGIN";
  return sql::openSqlStore(std::move(backend), options);
}

}  // namespace acs::store
