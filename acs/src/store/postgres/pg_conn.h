// Conn over one libpq connection.
//
// Poco::Data::PostgreSQL (1.11) is not used for connections or statements, for two measured
// reasons: (1) its SessionHandle never calls PQfinish on a connection whose status is bad -
// neither after a failed connect nor after the server went away - so every reconnection
// during an outage leaked the PGconn (about 35 kB) and its socket (found by LeakSanitizer in
// the restart test); (2) it prepares, describes, executes and deallocates every statement
// (four round trips, plus a UUID and a regular expression per statement). Here each statement
// is one round trip (prepared once per connection, then PQexecPrepared). Parameters and
// results are text, as with Poco; the server infers parameter types.
#pragma once

#include <stdexcept>
#include <string>
#include <unordered_map>

#include "store/sql/conn.h"
#include <libpq-fe.h>

namespace acs::store::sql {

// A failed statement: SQLSTATE ("" when the client failed, e.g. the connection is gone) and
// whether the connection is still usable.
class PgError : public std::runtime_error {
 public:
  PgError(std::string message, std::string sqlstate, bool connection_ok)
      : std::runtime_error(std::move(message)),
        sqlstate_(std::move(sqlstate)),
        connection_ok_(connection_ok) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connectionOk() const { return connection_ok_; }

 private:
  std::string sqlstate_;
  bool connection_ok_;
};

class PgConn final : public Conn {
 public:
  // Connects with libpq's "host=... port=..." string; throws PgError when it cannot.
  explicit PgConn(const std::string& connector);
  ~PgConn() override;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  Dialect dialect() const override { return Dialect::Postgres; }
  std::int64_t exec(std::string_view sql, const SqlParams& params = {}) override;
  Rows query(std::string_view sql, const SqlParams& params, std::size_t columns) override;
  bool usable() override;

 private:
  PGresult* run(std::string_view sql, const SqlParams& params);

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL (with $n) -> statement name
};

}  // namespace acs::store::sql
