// Conn over an SQLite connection opened by Poco::Data::SQLite. Statements run through the
// sqlite3 API on Poco's handle with a per-connection cache of prepared statements: Poco::Data
// compiles every statement again and allocates per binding, which cost about 1 ms of CPU per
// 25-parameter Inform; with cached statements the store's hot path is several times cheaper.
// Errors are thrown as Poco::Data::SQLite exceptions (Utility::throwException), the same
// types the rest of Poco::Data::SQLite throws.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql/conn.h"
#include <Poco/Data/Session.h>
#include <sqlite3.h>

namespace acs::store::sql {

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(Poco::Data::Session session);
  ~SqliteConn() override;
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  Dialect dialect() const override { return Dialect::Sqlite; }
  std::int64_t exec(std::string_view sql, const SqlParams& params = {}) override;
  Rows query(std::string_view sql, const SqlParams& params, std::size_t columns) override;
  bool usable() override { return db_ != nullptr; }

 private:
  sqlite3_stmt* prepare(std::string_view sql);
  void bind(sqlite3_stmt* stmt, const SqlParams& params, std::string_view sql);
  [[noreturn]] void fail(sqlite3_stmt* stmt, int rc, std::string_view sql);

  Poco::Data::Session session_;  // owns the connection
  sqlite3* db_ = nullptr;
  // Looked up by string_view (no key copy per statement run).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

}  // namespace acs::store::sql
