// acs/api/dashboard_api.h: the dashboard's endpoints (issue 7, acs/web/API-NEEDS.md) as pure
// pieces the router composes: query parsing, the time-series window, the one-level parameter
// tree, the stored-file helpers (name checks, sha256, Range headers) and their JSON shapes.
//
//   auto q = parseTimeseriesQuery(call.query);           // minutes, step (400 when bad)
//   auto window = timeseriesWindow(now, *q);             // aligned [start, end)
//   auto series = store.activitySeries(window.start, window.end, q->step);
//   writeTimeseries(w, window, q->step, *series);
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/api_requests.h"
#include "api/json_writer.h"
#include "store/store.h"

namespace acs::api {

// --- GET /api/stats/timeseries ------------------------------------------------------------------

struct TimeseriesQuery {
  std::int64_t minutes = 180;     // 1..1440
  std::chrono::seconds step{60};  // 60, 300, 900 or 3600
};
ApiResult<TimeseriesQuery> parseTimeseriesQuery(const QueryParams& params);

struct TimeWindow {
  store::TimePoint start{};
  store::TimePoint end{};
};
// end: the end of the bucket holding `now` (so the current, partial bucket is the last one);
// start: end minus `minutes` rounded up to whole steps. Both aligned to the step.
TimeWindow timeseriesWindow(store::TimePoint now, const TimeseriesQuery& query);

void writeTimeseries(JsonWriter& w, const TimeWindow& window, std::chrono::seconds step,
                     const std::vector<store::ActivityBucket>& points);

// --- GET /api/stats/breakdown -------------------------------------------------------------------

// field (required; store::deviceBreakdownFields()), limit (1..100, default 10), online.
ApiResult<store::BreakdownQuery> parseBreakdownQuery(const QueryParams& params,
                                                     store::TimePoint now, double online_multiple);
void writeBreakdown(JsonWriter& w, std::string_view field, const store::Breakdown& breakdown);

// --- GET /api/devices/{id}/parameter-tree -------------------------------------------------------

// prefix: "" (the roots) or an object path ending in '.'; 400 invalid_parameter otherwise.
ApiResult<std::string> parseParameterTreeQuery(const QueryParams& params);

struct TreeItem {
  std::string name;  // objects end in '.'
  bool object = false;
  std::int64_t child_count = 0;  // objects: direct children
  std::optional<bool> writable;  // objects: from a stored object row (GetParameterNames)
  const store::Parameter* parameter = nullptr;  // parameters: the stored row
};
// The direct children of `prefix` among `parameters` (every stored name under `prefix`,
// sorted or not): objects implied by deeper names appear with their child counts. Sorted by
// name with numeric segments in numeric order. Items point into `parameters`.
std::vector<TreeItem> parameterTree(std::string_view prefix,
                                    const std::vector<store::Parameter>& parameters);
// "a.2.x" < "a.10.x": compares segment by segment, numbers by value.
bool parameterNameLess(std::string_view a, std::string_view b);

void writeParameterTree(JsonWriter& w, std::string_view device_id, std::string_view prefix,
                        const std::vector<TreeItem>& items);

// --- Files: PUT/GET/DELETE /api/files[/{name}], GET /files/{name} --------------------------------

// Largest upload when ApiDeps::max_file_bytes is 0 (the ACS setting max_file_bytes).
inline constexpr std::uint64_t kDefaultMaxFileBytes = 64ULL * 1024 * 1024;

// PUT query: file_type (optional, default "1 Firmware Upgrade Image"; 1..64 bytes of printable
// text).
ApiResult<std::string> parseFilePutQuery(const QueryParams& params);
// 400 invalid_file_name for a name the store would refuse (empty, '/', '.', '..', control
// characters, over 255 bytes, not UTF-8).
std::optional<ApiError> checkFileName(std::string_view name);

// Lower-case hex SHA-256 of `content`.
std::string sha256Hex(std::string_view content);

// The URL CPEs download `name` from: "http://<host>/files/<percent-encoded name>".
std::string fileUrl(std::string_view host, std::string_view name);

void writeStoredFile(JsonWriter& w, const store::StoredFile& file, std::string_view url);

// A single byte range of a Range header (RFC 9110 14.2): "bytes=a-b", "bytes=a-", "bytes=-n".
struct ByteRange {
  std::int64_t offset = 0;
  std::int64_t length = 0;
};
enum class RangeKind : std::uint8_t { None, Satisfiable, Unsatisfiable };
struct RangeRequest {
  RangeKind kind = RangeKind::None;  // None: serve the whole file (no/ignored header)
  ByteRange range;
};
// Multiple ranges and malformed headers are ignored (the whole file is served), as RFC 9110
// allows; a well-formed range starting at or past `size` is Unsatisfiable (416).
RangeRequest parseRange(std::string_view header, std::int64_t size);

}  // namespace acs::api
