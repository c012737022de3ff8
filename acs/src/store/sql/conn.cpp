#include "store/sql/conn.h"

#include <charconv>

namespace acs::store::sql {

Rows::Rows(std::vector<std::vector<std::string>> columns) : columns_(std::move(columns)) {
  rows_ = columns_.empty() ? 0 : columns_.front().size();
}

const std::string& Rows::text(std::size_t row, std::size_t column) const {
  return columns_.at(column).at(row);
}

std::int64_t Rows::integer(std::size_t row, std::size_t column) const {
  const std::string& s = text(row, column);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw StoreFailure(StoreErrc::Unavailable,
                       "database returned '" + s + "' where a number was expected");
  }
  return value;
}

}  // namespace acs::store::sql
