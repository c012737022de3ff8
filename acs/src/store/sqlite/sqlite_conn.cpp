#include "store/sqlite/sqlite_conn.h"

#include <Poco/Data/SQLite/Utility.h>

namespace acs::store::sql {
namespace {
// Dynamic statements (IN lists) would grow the cache without bound; past this size it is
// emptied and refilled by the statements still in use.
constexpr std::size_t kMaxCachedStatements = 128;
}  // namespace

SqliteConn::SqliteConn(Poco::Data::Session session)
    : session_(std::move(session)), db_(Poco::Data::SQLite::Utility::dbHandle(session_)) {}

SqliteConn::~SqliteConn() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
}

sqlite3_stmt* SqliteConn::prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  const std::string key(sql);
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    Poco::Data::SQLite::Utility::throwException(db_, rc, key);
  }
  cache_.emplace(key, stmt);
  return stmt;
}

void SqliteConn::bind(sqlite3_stmt* stmt, const SqlParams& params, std::string_view sql) {
  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt)) != params.size()) {
    throw StoreFailure(StoreErrc::Invalid, "statement expects " +
                                               std::to_string(sqlite3_bind_parameter_count(stmt)) +
                                               " parameters, got " + std::to_string(params.size()) +
                                               ": " + std::string(sql));
  }
  int index = 1;
  for (const SqlValue& value : params) {
    int rc = SQLITE_OK;
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      rc = sqlite3_bind_int64(stmt, index, *number);
    } else {
      const std::string& text = std::get<std::string>(value);
      // SQLITE_STATIC: `params` outlives the statement's use (reset before returning).
      rc =
          sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) fail(stmt, rc, sql);
    ++index;
  }
}

void SqliteConn::fail(sqlite3_stmt* stmt, int rc, std::string_view sql) {
  const std::string message = std::string(sqlite3_errmsg(db_)) + " in: " + std::string(sql);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  Poco::Data::SQLite::Utility::throwException(db_, rc, message);
  throw StoreFailure(StoreErrc::Unavailable, message);  // not reached: throwException throws
}

std::int64_t SqliteConn::exec(std::string_view sql, const SqlParams& params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params, sql);
  int rc = SQLITE_ROW;
  while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);  // rows (e.g. from a PRAGMA) are dropped
  if (rc != SQLITE_DONE) fail(stmt, rc, sql);
  const std::int64_t changes = sqlite3_stmt_readonly(stmt) != 0 ? 0 : sqlite3_changes(db_);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return changes;
}

Rows SqliteConn::query(std::string_view sql, const SqlParams& params, std::size_t columns) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params, sql);
  if (static_cast<std::size_t>(sqlite3_column_count(stmt)) != columns) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    throw StoreFailure(StoreErrc::Invalid, "statement returns " +
                                               std::to_string(sqlite3_column_count(stmt)) +
                                               " columns, expected " + std::to_string(columns) +
                                               ": " + std::string(sql));
  }
  std::vector<std::vector<std::string>> out(columns);
  int rc = sqlite3_step(stmt);
  while (rc == SQLITE_ROW) {
    for (std::size_t c = 0; c < columns; ++c) {
      const int col = static_cast<int>(c);
      const auto* text = sqlite3_column_text(stmt, col);  // integers come back in decimal
      const int size = sqlite3_column_bytes(stmt, col);
      out[c].emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text),
                          static_cast<std::size_t>(size));
    }
    rc = sqlite3_step(stmt);
  }
  if (rc != SQLITE_DONE) fail(stmt, rc, sql);
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return Rows(std::move(out));
}

}  // namespace acs::store::sql
