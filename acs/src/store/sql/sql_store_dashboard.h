// The SQL of the dashboard queries (issue 7): device activity, breakdowns and the file store.
// SqlStore (sql_store.cpp) runs these on its read connections or write lanes; each function
// runs its statements on the connection it is given and throws StoreFailure (or a driver
// exception) on failure, like the rest of the SQL store.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/conn.h"
#include "store/store.h"

namespace acs::store::sql::dashboard {

// Content is stored in pieces of this many bytes (see migrations.cpp, file_chunks).
inline constexpr std::int64_t kFileChunkBytes = 256 * 1024;
// activitySeries answers at most this many buckets.
inline constexpr std::int64_t kMaxActivityBuckets = 10'000;

// How "online" is decided for a query: the stored online_until column (computed with the
// store's own multiple) or, for another multiple, from last_inform and the interval.
struct OnlineRule {
  bool use_stored = true;
  std::int64_t multiple_milli = 0;     // when !use_stored
  std::int64_t default_window_ms = 0;  // when !use_stored
};

std::int64_t countDevicesSeen(Conn& c, TimePoint since, TimePoint until);
std::vector<ActivityBucket> activitySeries(Conn& c, TimePoint start, TimePoint end,
                                           std::chrono::milliseconds step);
Breakdown deviceBreakdown(Conn& c, const BreakdownQuery& query, const OnlineRule& rule);

// Throws StoreFailure(Invalid) for a name the file store refuses.
void checkFileName(std::string_view name);
StoredFile putFile(Conn& c, const StoredFile& file, std::string_view content, TimePoint now);
std::vector<StoredFile> listFiles(Conn& c);
std::optional<StoredFile> getFile(Conn& c, std::string_view name);
std::string readFileContent(Conn& c, std::string_view name, std::string_view sha256,
                            std::int64_t offset, std::int64_t length);
bool deleteFile(Conn& c, std::string_view name);

}  // namespace acs::store::sql::dashboard
