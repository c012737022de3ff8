#include "store/postgres/pg_conn.h"

#include <memory>

#include "store/sql/sql_text.h"

namespace acs::store::sql {
namespace {

// Statements built with a variable number of placeholders (IN lists) are not worth keeping
// prepared forever: past this many, new statements run unprepared (PQexecParams).
constexpr std::size_t kMaxPrepared = 128;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

PgConn::PgConn(const std::string& connector) : conn_(PQconnectdb(connector.c_str())) {
  if (conn_ == nullptr) throw PgError("cannot allocate a PostgreSQL connection", "", false);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("cannot connect to PostgreSQL: " + message, "", false);
  }
}

PgConn::~PgConn() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool PgConn::usable() { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }

PGresult* PgConn::run(std::string_view sql, const SqlParams& params) {
  if (!usable()) throw PgError("PostgreSQL connection is not open", "", false);
  std::vector<std::string> texts;
  texts.reserve(params.size());
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const SqlValue& value : params) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      texts.push_back(std::to_string(*number));
      values.push_back(texts.back().c_str());
    } else {
      values.push_back(std::get<std::string>(value).c_str());
    }
  }
  // The texts vector never reallocates (reserved), so the c_str() pointers stay valid.
  const std::string text = toDollarPlaceholders(sql);
  const int count = static_cast<int>(params.size());
  PGresult* result = nullptr;
  auto it = prepared_.find(text);
  if (it == prepared_.end() && prepared_.size() < kMaxPrepared) {
    std::string name = "acs" + std::to_string(prepared_.size());
    ResultPtr prepared(PQprepare(conn_, name.c_str(), text.c_str(), count, nullptr));
    if (prepared && PQresultStatus(prepared.get()) == PGRES_COMMAND_OK) {
      it = prepared_.emplace(text, std::move(name)).first;
    } else {
      result = prepared.release();  // report the preparation error below
    }
  }
  if (result == nullptr) {
    if (it != prepared_.end()) {
      result = PQexecPrepared(conn_, it->second.c_str(), count, values.data(), nullptr, nullptr, 0);
    } else {
      result =
          PQexecParams(conn_, text.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0);
    }
  }
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  ResultPtr failed(result);
  const char* state = failed ? PQresultErrorField(failed.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string message = failed ? PQresultErrorMessage(failed.get()) : PQerrorMessage(conn_);
  if (message.empty()) message = PQerrorMessage(conn_);
  message = trimmed(std::move(message));
  throw PgError(message + " (in: " + std::string(sql).substr(0, 200) + ")",
                state != nullptr ? state : "", usable());
}

std::int64_t PgConn::exec(std::string_view sql, const SqlParams& params) {
  ResultPtr result(run(sql, params));
  const char* tuples = PQcmdTuples(result.get());
  return tuples != nullptr && *tuples != '\0' ? std::stoll(tuples) : 0;
}

Rows PgConn::query(std::string_view sql, const SqlParams& params, std::size_t columns) {
  ResultPtr result(run(sql, params));
  if (static_cast<std::size_t>(PQnfields(result.get())) != columns) {
    throw StoreFailure(StoreErrc::Invalid, "statement returns " +
                                               std::to_string(PQnfields(result.get())) +
                                               " columns, expected " + std::to_string(columns));
  }
  const int rows = PQntuples(result.get());
  std::vector<std::vector<std::string>> out(columns);
  for (auto& column : out) column.reserve(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      const int col = static_cast<int>(c);
      out[c].emplace_back(PQgetvalue(result.get(), r, col),
                          static_cast<std::size_t>(PQgetlength(result.get(), r, col)));
    }
  }
  return Rows(std::move(out));
}

}  // namespace acs::store::sql
