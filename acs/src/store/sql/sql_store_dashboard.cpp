#include "store/sql/sql_store_dashboard.h"

#include <algorithm>
#include <utility>

#include "store/sql/sql_text.h"

namespace acs::store::sql::dashboard {
namespace {

constexpr std::size_t kMaxFileNameBytes = 255;
constexpr std::string_view kFileCols = "name, size, sha256, file_type, uploaded_at";
constexpr std::size_t kFileColCount = 5;

std::int64_t ms(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint tp(std::int64_t v) { return TimePoint(std::chrono::milliseconds(v)); }

[[noreturn]] void fail(StoreErrc code, std::string message) {
  throw StoreFailure(code, std::move(message));
}

StoredFile fileFrom(const Rows& rows, std::size_t r) {
  StoredFile f;
  f.name = rows.text(r, 0);
  f.size = rows.integer(r, 1);
  f.sha256 = rows.text(r, 2);
  f.file_type = rows.text(r, 3);
  f.uploaded_at = tp(rows.integer(r, 4));
  return f;
}

// "online at now" as SQL with its parameters.
std::pair<std::string, SqlParams> onlineCondition(const OnlineRule& rule, TimePoint now) {
  if (rule.use_stored) return {"online_until >= ?", {ms(now)}};
  return {
      "last_inform + CASE WHEN periodic_inform_interval > 0 THEN periodic_inform_interval * ? "
      "ELSE ? END >= ?",
      {rule.multiple_milli, rule.default_window_ms, ms(now)}};
}

}  // namespace

std::int64_t countDevicesSeen(Conn& c, TimePoint since, TimePoint until) {
  if (since > until) fail(StoreErrc::Invalid, "since must not be after until");
  // Over devices_last_inform (last_inform, id): a range count on the index.
  return c
      .query("SELECT COUNT(*) FROM devices WHERE last_inform >= ? AND last_inform <= ?",
             {ms(since), ms(until)}, 1)
      .integer(0, 0);
}

std::vector<ActivityBucket> activitySeries(Conn& c, TimePoint start, TimePoint end,
                                           std::chrono::milliseconds step) {
  const std::int64_t step_ms = step.count();
  if (step_ms <= 0) fail(StoreErrc::Invalid, "step must be positive");
  if (start >= end) fail(StoreErrc::Invalid, "start must be before end");
  const std::int64_t span = ms(end) - ms(start);
  const std::int64_t buckets = span / step_ms + (span % step_ms != 0 ? 1 : 0);
  if (buckets > kMaxActivityBuckets) {
    fail(StoreErrc::Invalid, "at most " + std::to_string(kMaxActivityBuckets) +
                                 " buckets, asked for " + std::to_string(buckets));
  }
  std::vector<ActivityBucket> out(static_cast<std::size_t>(buckets));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].start = tp(ms(start) + static_cast<std::int64_t>(i) * step_ms);
  }
  // Over sessions_started (started_at): a range scan, grouped by bucket number.
  Rows rows = c.query(
      "SELECT (started_at - ?) / ? AS bucket, COUNT(*), "
      "SUM(CASE WHEN outcome <> 'refused' THEN 1 ELSE 0 END) FROM sessions "
      "WHERE started_at >= ? AND started_at < ? GROUP BY 1",
      {ms(start), step_ms, ms(start), ms(end)}, 3);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::int64_t bucket = rows.integer(r, 0);
    if (bucket < 0 || bucket >= buckets) continue;  // cannot happen given the WHERE clause
    out[static_cast<std::size_t>(bucket)].informs = rows.integer(r, 1);
    out[static_cast<std::size_t>(bucket)].sessions = rows.integer(r, 2);
  }
  return out;
}

Breakdown deviceBreakdown(Conn& c, const BreakdownQuery& query, const OnlineRule& rule) {
  const auto& fields = deviceBreakdownFields();
  if (std::find(fields.begin(), fields.end(), query.field) == fields.end()) {
    fail(StoreErrc::Invalid, "cannot break devices down by '" + query.field + "'");
  }
  if (query.limit < 1 || query.limit > kMaxBreakdownLimit) {
    fail(StoreErrc::Invalid, "limit must be between 1 and " + std::to_string(kMaxBreakdownLimit) +
                                 ", got " + std::to_string(query.limit));
  }
  // `field` is one of the whitelisted column names above, never client text.
  const std::string& column = query.field;
  auto [online_sql, online_params] = onlineCondition(rule, query.now);
  std::string where;
  SqlParams filter_params;
  if (query.online) {
    where = *query.online ? " WHERE " + online_sql : " WHERE NOT (" + online_sql + ")";
    filter_params = online_params;
  }

  Breakdown out;
  out.total = c.query("SELECT COUNT(*) FROM devices" + where, filter_params, 1).integer(0, 0);

  SqlParams params = online_params;
  params.insert(params.end(), filter_params.begin(), filter_params.end());
  params.emplace_back(query.limit);
  // Ties in byte order on both backends (hardware_version has no "C" collation on PostgreSQL).
  const std::string order_value =
      c.dialect() == Dialect::Postgres ? column + " COLLATE \"C\"" : column;
  Rows rows = c.query("SELECT " + column + ", COUNT(*), SUM(CASE WHEN " + online_sql +
                          " THEN 1 ELSE 0 END) FROM devices" + where + " GROUP BY " + column +
                          " ORDER BY COUNT(*) DESC, " + order_value + " ASC LIMIT ?",
                      params, 3);
  std::int64_t listed = 0;
  out.items.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    BreakdownItem item{rows.text(r, 0), rows.integer(r, 1), rows.integer(r, 2)};
    listed += item.count;
    out.items.push_back(std::move(item));
  }
  out.other = out.total - listed;
  return out;
}

void checkFileName(std::string_view name) {
  if (name.empty()) fail(StoreErrc::Invalid, "file name is empty");
  if (name.size() > kMaxFileNameBytes) {
    fail(StoreErrc::Invalid,
         "file name is longer than " + std::to_string(kMaxFileNameBytes) + " bytes");
  }
  if (name == "." || name == "..") fail(StoreErrc::Invalid, "file name must not be '.' or '..'");
  for (char ch : name) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '/' || ch == '\\' || byte < 0x20 || byte == 0x7F) {
      fail(StoreErrc::Invalid, "file name must not contain '/', '\\' or control characters");
    }
  }
  if (!isStorableText(name)) fail(StoreErrc::Invalid, "file name is not valid UTF-8");
}

StoredFile putFile(Conn& c, const StoredFile& file, std::string_view content, TimePoint now) {
  checkFileName(file.name);
  if (!isStorableText(file.file_type) || !isStorableText(file.sha256)) {
    fail(StoreErrc::Invalid, "file_type and sha256 must be valid UTF-8 text");
  }
  StoredFile stored = file;
  stored.size = static_cast<std::int64_t>(content.size());
  stored.uploaded_at = now;
  c.exec("DELETE FROM file_chunks WHERE name = ?", {stored.name});
  c.exec("DELETE FROM files WHERE name = ?", {stored.name});
  c.exec(
      "INSERT INTO files(name, size, sha256, file_type, uploaded_at, chunk_bytes) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {stored.name, stored.size, stored.sha256, stored.file_type, ms(now), kFileChunkBytes});
  const auto chunk = static_cast<std::size_t>(kFileChunkBytes);
  std::int64_t seq = 0;
  for (std::size_t at = 0; at < content.size(); at += chunk, ++seq) {
    c.exec("INSERT INTO file_chunks(name, seq, data) VALUES (?, ?, ?)",
           {stored.name, seq, base64Encode(content.substr(at, chunk))});
  }
  return stored;
}

std::vector<StoredFile> listFiles(Conn& c) {
  Rows rows =
      c.query("SELECT " + std::string(kFileCols) + " FROM files ORDER BY name", {}, kFileColCount);
  std::vector<StoredFile> out;
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out.push_back(fileFrom(rows, r));
  return out;
}

std::optional<StoredFile> getFile(Conn& c, std::string_view name) {
  checkFileName(name);
  Rows rows = c.query("SELECT " + std::string(kFileCols) + " FROM files WHERE name = ?",
                      {std::string(name)}, kFileColCount);
  if (rows.empty()) return std::nullopt;
  return fileFrom(rows, 0);
}

std::string readFileContent(Conn& c, std::string_view name, std::string_view sha256,
                            std::int64_t offset, std::int64_t length) {
  checkFileName(name);
  if (offset < 0 || length < 0) fail(StoreErrc::Invalid, "offset and length must not be negative");
  if (length == 0) return {};
  const std::int64_t first = offset / kFileChunkBytes;
  const std::int64_t last = (offset + length - 1) / kFileChunkBytes;
  // One statement, so the chunks and the sha256 check come from one snapshot even while
  // another request replaces the file.
  Rows rows = c.query(
      "SELECT c.seq, c.data, f.chunk_bytes FROM file_chunks c JOIN files f ON f.name = c.name "
      "WHERE c.name = ? AND f.sha256 = ? AND c.seq >= ? AND c.seq <= ? ORDER BY c.seq",
      {std::string(name), std::string(sha256), first, last}, 3);
  std::string out;
  std::int64_t expected_seq = first;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows.integer(r, 0) != expected_seq || rows.integer(r, 2) != kFileChunkBytes) {
      fail(StoreErrc::Unavailable, "file '" + std::string(name) + "' has a missing chunk");
    }
    auto bytes = base64Decode(rows.text(r, 1));
    if (!bytes) fail(StoreErrc::Unavailable, "file '" + std::string(name) + "' has a bad chunk");
    const std::int64_t chunk_start = expected_seq * kFileChunkBytes;
    const std::int64_t from = std::max<std::int64_t>(offset - chunk_start, 0);
    const std::int64_t to = std::min<std::int64_t>(offset + length - chunk_start,
                                                   static_cast<std::int64_t>(bytes->size()));
    if (from < to) {
      out.append(*bytes, static_cast<std::size_t>(from), static_cast<std::size_t>(to - from));
    }
    ++expected_seq;
  }
  if (rows.empty()) {
    // Past the end of the file, or the file is gone / was replaced.
    Rows found = c.query("SELECT size FROM files WHERE name = ? AND sha256 = ?",
                         {std::string(name), std::string(sha256)}, 1);
    if (found.empty()) {
      fail(StoreErrc::NotFound,
           "file '" + std::string(name) + "' with sha256 " + std::string(sha256) + " not found");
    }
  }
  return out;
}

bool deleteFile(Conn& c, std::string_view name) {
  checkFileName(name);
  c.exec("DELETE FROM file_chunks WHERE name = ?", {std::string(name)});
  return c.exec("DELETE FROM files WHERE name = ?", {std::string(name)}) > 0;
}

}  // namespace acs::store::sql::dashboard
