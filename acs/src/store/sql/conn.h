// A database connection as the SQL store uses it: run one statement with positional `?`
// parameters, get affected rows or text rows back. Implemented over Poco::Data (poco_conn.h).
//
// Errors are thrown (Poco exceptions from the driver, StoreFailure from our own checks) and
// turned into StoreError at the store's boundary; nothing here escapes the store.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.h"

namespace acs::store::sql {

enum class Dialect : std::uint8_t { Sqlite, Postgres };

// A statement parameter. The schema has no NULLs: "none" is 0 or "" by convention.
using SqlValue = std::variant<std::int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

// Rows of a query, every column as text (integers in decimal).
class Rows {
 public:
  Rows() = default;
  explicit Rows(std::vector<std::vector<std::string>> columns);

  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  const std::string& text(std::size_t row, std::size_t column) const;
  // Throws StoreFailure (Unavailable: the database returned something that is not a number).
  std::int64_t integer(std::size_t row, std::size_t column) const;

 private:
  std::vector<std::vector<std::string>> columns_;  // column-major, as Poco extracts them
  std::size_t rows_ = 0;
};

// Thrown inside store operations for a domain error; caught at the store boundary.
class StoreFailure : public std::runtime_error {
 public:
  explicit StoreFailure(StoreError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  StoreFailure(StoreErrc code, std::string message)
      : StoreFailure(StoreError{code, std::move(message)}) {}
  const StoreError& error() const { return error_; }

 private:
  StoreError error_;
};

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement that returns no rows; returns the number of rows it changed.
  virtual std::int64_t exec(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs a statement returning `columns` columns (every one NOT NULL or COALESCEd).
  virtual Rows query(std::string_view sql, const SqlParams& params, std::size_t columns) = 0;
  // False once the connection is known to be unusable (the pool then drops it).
  virtual bool usable() = 0;
};

using ConnPtr = std::unique_ptr<Conn>;

}  // namespace acs::store::sql
