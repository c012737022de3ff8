// SqlStore: the Store implementation shared by the SQLite and PostgreSQL backends. The
// backends provide connections, error classification and a few dialect switches; the SQL
// itself is written once (with `?` placeholders, translated for PostgreSQL) in sql_store.cpp.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "store/sql/conn.h"
#include "store/sql/write_queue.h"
#include "store/store.h"

namespace acs::store::sql {

struct SqlBackend {
  Dialect dialect = Dialect::Sqlite;
  std::string name;            // backendName()
  ConnFactory connect;         // opens one connection (throws on failure)
  ConnFactory connect_reader;  // for read connections; empty: `connect`
  ErrorClassifier classify;
  int writers = 1;  // write lanes (each with its own connection; see write_queue.h)
  int readers = 0;  // read connections; 0: reads go through the writer
  std::size_t max_batch = 64;
  std::string begin_sql = "BEGIN";
  // Run after the migrations at open and after each purge: refreshes the query planner's
  // statistics (SQLite has no autovacuum/autoanalyze; PostgreSQL needs none).
  std::vector<std::string> maintenance_sql;
  // Run every background_period on a connection of their own, off the request path (SQLite:
  // the WAL checkpoint, so that no writer's commit pays for copying the WAL back). A failure
  // drops that connection; the next round reconnects. Empty: no background thread.
  std::vector<std::string> background_sql;
  std::chrono::milliseconds background_period{0};
};

// Opens the store: applies pending migrations (Invalid when the database is newer than
// this build) and starts the writers.
Result<StorePtr> openSqlStore(SqlBackend backend, const StoreOptions& options);

// Counters of the group-commit writers, for the benchmark: batches committed and operations
// run. {0, 0} for a store that is not a SqlStore.
struct WriteCounters {
  std::uint64_t batches = 0;
  std::uint64_t operations = 0;
};
WriteCounters writeCounters(const Store& store);

}  // namespace acs::store::sql
