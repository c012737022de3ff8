// acs/api/api_requests.h: REST requests turned into validated DTOs.
//
// Each parse function takes the raw input of one endpoint (a JSON body, or the decoded query
// parameters) and returns either a DTO the store and the task queue can use as is, or a 400
// ApiError naming the offending field or parameter. Unknown fields and unknown query
// parameters are errors, so a typo never silently changes what a request means.
//
//   auto request = parseTaskCreateRequest(body, {});
//   if (!request.ok()) return request.error();        // e.g. "unknown field 'paramters'"
//   store.createTask(request->toTask(device_id, now), now);
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_error.h"
#include "store/store.h"

namespace acs::api {

// Decoded query parameters in request order (a key may repeat; the readers reject that).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The task types a client may create are the task planner's (acs::taskTypes() in
// core/task_planner.h): every ACS-issued RPC of the codec plus "refresh".

// Longest time a task may wait for its device (expires_in), and the attempt bounds.
inline constexpr std::int64_t kMaxExpiresInSeconds = 366LL * 24 * 3600;
inline constexpr std::int64_t kMaxAttemptsLimit = 100;
// Default and maximum page sizes of every list endpoint.
inline constexpr std::int64_t kDefaultPageLimit = 100;

// POST /api/devices/{id}/tasks (and the reboot / factory-reset shortcuts).
struct TaskCreateRequest {
  std::string task_type;
  // The RPC's arguments in the cwmp_json body shape, canonicalised (bodyToJson of the parsed
  // body, so defaults are filled in and key order is fixed); for refresh {"ParameterPath": p}
  // (an "ObjectName" given by the client is stored under ParameterPath, the planner's key).
  std::string args_json;
  bool connection_request = false;
  std::optional<std::chrono::seconds> expires_in;
  std::optional<std::int64_t> max_attempts;

  // The store task for `device_id`; expires_at = now + expires_in.
  store::Task toTask(std::string_view device_id, store::TimePoint now) const;
};

// Body: {"task_type": T, "parameters": {...}, "connection_request": bool, "expires_in": s,
// "max_attempts": n}. `parameters` is validated with cwmp::bodyFromJson(T, ...) (400
// "invalid_parameters" naming the field), an unknown T is 400 "unknown_task_type".
//
// `fixed_type` serves the shortcuts (/reboot, /factory-reset): the body may then be empty,
// must not name another task_type, and connection_request defaults to
// `default_connection_request`.
struct TaskCreateOptions {
  std::optional<std::string_view> fixed_type;
  bool default_connection_request = false;
};
ApiResult<TaskCreateRequest> parseTaskCreateRequest(std::string_view body,
                                                    const TaskCreateOptions& options);

// PUT /api/devices/{id}/capture: {"enabled": bool}.
ApiResult<bool> parseCaptureRequest(std::string_view body);

// An empty body or {} (endpoints that take no arguments, e.g. connection-request).
std::optional<ApiError> checkEmptyBody(std::string_view body);

// Tags: 1..128 bytes of letters, digits and "-_.:@" (safe in a URL path without encoding).
std::optional<ApiError> checkTag(std::string_view tag);

// Reads query parameters by name and reports the first one nobody asked for. Not thread-safe.
class QueryReader {
 public:
  explicit QueryReader(const QueryParams& params) : params_(params) {}

  // The value of `key`, nullopt when absent; a key given twice is 400 "invalid_parameter".
  ApiResult<std::optional<std::string>> text(std::string_view key);
  // true/false/1/0.
  ApiResult<std::optional<bool>> boolean(std::string_view key);
  // A decimal integer in [min, max].
  ApiResult<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max);
  // 400 "unknown_parameter" naming the first parameter no accessor asked for.
  std::optional<ApiError> unknownParameter() const;

 private:
  const QueryParams& params_;
  std::vector<std::string> known_;
};

struct PageParams {
  std::int64_t limit = kDefaultPageLimit;
  std::int64_t offset = 0;
};

// limit (1..1000, default 100) and offset (>= 0); reads them from `reader`.
ApiResult<PageParams> readPageParams(QueryReader& reader);

// GET /api/devices: online, oui, product_class, software_version, tag, param + value, q,
// sort (a field of store::deviceSortFields(), "-" in front for descending), limit, offset.
// `now` and `online_multiple` are copied into the query.
ApiResult<store::DeviceQuery> parseDeviceListQuery(const QueryParams& params, store::TimePoint now,
                                                   double online_multiple);

// GET /api/devices/{id}/tasks and GET /api/tasks: status (a task state name), type, sort
// ("created_at" or "-created_at"), limit, offset; device_id only where `allow_device_filter`.
ApiResult<store::TaskQuery> parseTaskListQuery(const QueryParams& params, bool allow_device_filter);

// GET /api/devices/{id}/parameters: prefix (default "": all).
ApiResult<std::string> parseParameterQuery(const QueryParams& params);

// GET /api/devices/{id}/captures: session_id (optional).
ApiResult<std::optional<std::string>> parseCaptureQuery(const QueryParams& params);

// GET .../sessions and .../faults: limit, offset only.
ApiResult<PageParams> parsePageQuery(const QueryParams& params);

// Splits a raw query string ("a=1&b=x%20y") into decoded pairs; '+' decodes to a space.
// Malformed percent escapes are 400 "invalid_query".
ApiResult<QueryParams> parseQueryString(std::string_view query);

// Decodes %XX escapes of one path segment ('+' stays '+'). nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plus_is_space);

// Encodes every byte outside unreserved characters (RFC 3986 2.3), for building URLs.
std::string percentEncode(std::string_view text);

}  // namespace acs::api
