#include "api/api_requests.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <sstream>
#include <system_error>

#include "api/json_input.h"
#include "core/task_planner.h"
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include "cwmp/json.h"
#include "cwmp/messages.h"

namespace acs::api {

namespace {

constexpr std::size_t kMaxRefreshPathLength = 256;

std::string joinTaskTypes() {
  std::string out;
  for (std::string_view type : acs::taskTypes()) {
    if (!out.empty()) out += ", ";
    out += type;
  }
  return out;
}

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

// refresh: {"ParameterPath": p} or {"ObjectName": p}, exactly one, a string.
ApiResult<std::string> refreshArgs(const Poco::JSON::Object::Ptr& parameters) {
  if (parameters.isNull()) {
    return ApiError::badRequest("missing_field",
                                "field 'parameters' is required for refresh: "
                                "{\"ObjectName\": \"Device.WiFi.\"} or {\"ParameterPath\": ...}");
  }
  JsonFields fields(*parameters, "parameters.");
  auto path = fields.optionalString("ParameterPath");
  if (!path.ok()) return path.error();
  auto object_name = fields.optionalString("ObjectName");
  if (!object_name.ok()) return object_name.error();
  if (auto unknown = fields.unknownField()) return *unknown;
  if (path->has_value() == object_name->has_value()) {
    return ApiError::badRequest(
        "invalid_parameters",
        "refresh takes exactly one of 'parameters.ObjectName' or 'parameters.ParameterPath'");
  }
  const bool by_path = path->has_value();
  const std::string& value = by_path ? **path : **object_name;
  if (value.size() > kMaxRefreshPathLength) {
    return ApiError::badRequest("invalid_field", std::string("field 'parameters.") +
                                                     (by_path ? "ParameterPath" : "ObjectName") +
                                                     "': longer than 256 characters");
  }
  // The task planner reads refresh's subtree from ParameterPath only.
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("ParameterPath", value);
  return stringify(out);
}

ApiResult<std::string> rpcArgs(const std::string& type, const Poco::JSON::Object::Ptr& parameters) {
  const std::string text = parameters.isNull() ? std::string("{}") : stringify(*parameters);
  cwmp::Result<cwmp::Body> body = cwmp::bodyFromJson(type, text);
  if (!body.ok()) {
    return ApiError::badRequest("invalid_parameters", "parameters." + body.error().message);
  }
  if (cwmp::methodName(*body) != type || cwmp::isResponse(*body)) {
    // Cannot happen for the planner's task types; a guard against a table mistake.
    return ApiError::internal("task type " + type + " did not map to its own request");
  }
  return cwmp::bodyToJson(*body);
}

}  // namespace

store::Task TaskCreateRequest::toTask(std::string_view device_id, store::TimePoint now) const {
  store::Task task;
  task.device_id = std::string(device_id);
  task.type = task_type;
  task.args_json = args_json;
  if (expires_in)
    task.expires_at = now + std::chrono::duration_cast<std::chrono::milliseconds>(*expires_in);
  task.max_attempts = max_attempts.value_or(0);
  return task;
}

ApiResult<TaskCreateRequest> parseTaskCreateRequest(std::string_view body,
                                                    const TaskCreateOptions& options) {
  std::string text(body);
  if (options.fixed_type && std::all_of(text.begin(), text.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
      })) {
    text = "{}";
  }
  auto object = parseJsonObject(text);
  if (!object.ok()) return object.error();
  JsonFields fields(**object, "");

  TaskCreateRequest request;
  auto type = fields.optionalString("task_type");
  if (!type.ok()) return type.error();
  if (options.fixed_type) {
    if (type->has_value() && **type != *options.fixed_type) {
      return ApiError::badRequest("invalid_field", "field 'task_type': this endpoint creates " +
                                                       std::string(*options.fixed_type) +
                                                       " tasks, got '" + **type + "'");
    }
    request.task_type = std::string(*options.fixed_type);
  } else {
    if (!type->has_value()) {
      return ApiError::badRequest("missing_field",
                                  "field 'task_type' is required (one of " + joinTaskTypes() + ")");
    }
    request.task_type = **type;
    if (!acs::isTaskType(request.task_type)) {
      return ApiError::badRequest("unknown_task_type", "field 'task_type': unknown task type '" +
                                                           request.task_type + "' (one of " +
                                                           joinTaskTypes() + ")");
    }
  }

  auto parameters = fields.optionalObject("parameters");
  if (!parameters.ok()) return parameters.error();
  auto connection_request = fields.optionalBool("connection_request");
  if (!connection_request.ok()) return connection_request.error();
  auto expires_in = fields.optionalInt("expires_in", 1, kMaxExpiresInSeconds);
  if (!expires_in.ok()) return expires_in.error();
  auto max_attempts = fields.optionalInt("max_attempts", 1, kMaxAttemptsLimit);
  if (!max_attempts.ok()) return max_attempts.error();
  if (auto unknown = fields.unknownField()) return *unknown;

  auto args = request.task_type == "refresh" ? refreshArgs(*parameters)
                                             : rpcArgs(request.task_type, *parameters);
  if (!args.ok()) return args.error();
  // The planner is the final word on what it can send; with the checks above this only fails
  // if the two ever drift apart.
  if (auto plannable = acs::validateTaskArgs(request.task_type, *args); !plannable.ok()) {
    return ApiError::badRequest("invalid_parameters", "parameters." + plannable.error().message);
  }
  request.args_json = std::move(*args);
  request.connection_request = connection_request->value_or(options.default_connection_request);
  if (expires_in->has_value()) request.expires_in = std::chrono::seconds(**expires_in);
  request.max_attempts = *max_attempts;
  return request;
}

ApiResult<bool> parseCaptureRequest(std::string_view body) {
  auto object = parseJsonObject(body);
  if (!object.ok()) return object.error();
  JsonFields fields(**object, "");
  auto enabled = fields.requiredBool("enabled");
  if (!enabled.ok()) return enabled.error();
  if (auto unknown = fields.unknownField()) return *unknown;
  return *enabled;
}

std::optional<ApiError> checkEmptyBody(std::string_view body) {
  if (std::all_of(body.begin(), body.end(),
                  [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; })) {
    return std::nullopt;
  }
  auto object = parseJsonObject(body);
  if (!object.ok()) return object.error();
  JsonFields fields(**object, "");
  return fields.unknownField();
}

std::optional<ApiError> checkTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) {
    return ApiError::badRequest("invalid_tag", "a tag is 1 to 128 characters long");
  }
  for (char c : tag) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':' || c == '@';
    if (!ok) {
      return ApiError::badRequest(
          "invalid_tag", "tag '" + std::string(tag) + "': only letters, digits and -_.:@ allowed");
    }
  }
  return std::nullopt;
}

// --- Query parameters ---------------------------------------------------------------------------

ApiResult<std::optional<std::string>> QueryReader::text(std::string_view key) {
  known_.emplace_back(key);
  std::optional<std::string> found;
  for (const auto& [name, value] : params_) {
    if (name != key) continue;
    if (found) {
      return ApiError::badRequest("invalid_parameter",
                                  "query parameter '" + std::string(key) + "' given twice");
    }
    found = value;
  }
  return found;
}

ApiResult<std::optional<bool>> QueryReader::boolean(std::string_view key) {
  auto value = text(key);
  if (!value.ok()) return value.error();
  if (!value->has_value()) return std::optional<bool>();
  const std::string& v = **value;
  if (v == "true" || v == "1") return std::optional<bool>(true);
  if (v == "false" || v == "0") return std::optional<bool>(false);
  return ApiError::badRequest(
      "invalid_parameter",
      "query parameter '" + std::string(key) + "': expected true or false, got '" + v + "'");
}

ApiResult<std::optional<std::int64_t>> QueryReader::integer(std::string_view key, std::int64_t min,
                                                            std::int64_t max) {
  auto value = text(key);
  if (!value.ok()) return value.error();
  if (!value->has_value()) return std::optional<std::int64_t>();
  const std::string& v = **value;
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size() || number < min ||
      number > max) {
    return ApiError::badRequest("invalid_parameter", "query parameter '" + std::string(key) +
                                                         "': expected an integer between " +
                                                         std::to_string(min) + " and " +
                                                         std::to_string(max) + ", got '" + v + "'");
  }
  return std::optional<std::int64_t>(number);
}

std::optional<ApiError> QueryReader::unknownParameter() const {
  for (const auto& [name, value] : params_) {
    if (std::find(known_.begin(), known_.end(), name) == known_.end()) {
      return ApiError::badRequest("unknown_parameter", "unknown query parameter '" + name + "'");
    }
  }
  return std::nullopt;
}

ApiResult<PageParams> readPageParams(QueryReader& reader) {
  PageParams page;
  auto limit = reader.integer("limit", 1, store::kMaxPageLimit);
  if (!limit.ok()) return limit.error();
  auto offset = reader.integer("offset", 0, std::numeric_limits<std::int32_t>::max());
  if (!offset.ok()) return offset.error();
  page.limit = limit->value_or(kDefaultPageLimit);
  page.offset = offset->value_or(0);
  return page;
}

ApiResult<store::DeviceQuery> parseDeviceListQuery(const QueryParams& params, store::TimePoint now,
                                                   double online_multiple) {
  QueryReader reader(params);
  store::DeviceQuery query;
  query.now = now;
  query.online_multiple = online_multiple;

  auto online = reader.boolean("online");
  if (!online.ok()) return online.error();
  query.online = *online;

  struct TextFilter {
    std::string_view key;
    std::string* target;
  };
  const TextFilter filters[] = {{"oui", &query.oui},
                                {"product_class", &query.product_class},
                                {"software_version", &query.software_version},
                                {"tag", &query.tag},
                                {"param", &query.param_name},
                                {"value", &query.param_value},
                                {"q", &query.text}};
  bool has_param = false;
  bool has_value = false;
  for (const TextFilter& filter : filters) {
    auto value = reader.text(filter.key);
    if (!value.ok()) return value.error();
    if (!value->has_value()) continue;
    *filter.target = **value;
    if (filter.key == "param") has_param = true;
    if (filter.key == "value") has_value = true;
  }
  if (has_param != has_value) {
    return ApiError::badRequest("invalid_parameter",
                                "query parameters 'param' and 'value' must be given together");
  }
  if (has_param && query.param_name.empty()) {
    return ApiError::badRequest("invalid_parameter", "query parameter 'param' must not be empty");
  }

  auto sort = reader.text("sort");
  if (!sort.ok()) return sort.error();
  if (sort->has_value()) {
    std::string_view field = **sort;
    query.descending = !field.empty() && field.front() == '-';
    if (query.descending) field.remove_prefix(1);
    const auto& allowed = store::deviceSortFields();
    if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
      std::string names;
      for (std::string_view name : allowed) {
        if (!names.empty()) names += ", ";
        names += name;
      }
      return ApiError::badRequest("invalid_parameter",
                                  "query parameter 'sort': unknown field '" + std::string(field) +
                                      "' (one of " + names + ", '-' in front for descending)");
    }
    query.sort_by = std::string(field);
  }

  auto page = readPageParams(reader);
  if (!page.ok()) return page.error();
  query.limit = page->limit;
  query.offset = page->offset;
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return query;
}

ApiResult<store::TaskQuery> parseTaskListQuery(const QueryParams& params,
                                               bool allow_device_filter) {
  QueryReader reader(params);
  store::TaskQuery query;
  auto status = reader.text("status");
  if (!status.ok()) return status.error();
  if (status->has_value()) {
    query.state = store::parseTaskState(**status);
    if (!query.state) {
      std::string names;
      for (store::TaskState state : store::kAllTaskStates) {
        if (!names.empty()) names += ", ";
        names += store::taskStateName(state);
      }
      return ApiError::badRequest("invalid_parameter", "query parameter 'status': unknown state '" +
                                                           **status + "' (one of " + names + ")");
    }
  }
  auto type = reader.text("type");
  if (!type.ok()) return type.error();
  if (type->has_value()) {
    if (!acs::isTaskType(**type)) {
      return ApiError::badRequest("invalid_parameter",
                                  "query parameter 'type': unknown task type '" + **type + "'");
    }
    query.type = **type;
  }
  if (allow_device_filter) {
    auto device = reader.text("device_id");
    if (!device.ok()) return device.error();
    if (device->has_value()) query.device_id = **device;
  }
  auto sort = reader.text("sort");
  if (!sort.ok()) return sort.error();
  if (sort->has_value()) {
    if (**sort == "created_at") {
      query.newest_first = false;
    } else if (**sort == "-created_at") {
      query.newest_first = true;
    } else {
      return ApiError::badRequest("invalid_parameter",
                                  "query parameter 'sort': expected created_at or -created_at, "
                                  "got '" +
                                      **sort + "'");
    }
  }
  auto page = readPageParams(reader);
  if (!page.ok()) return page.error();
  query.limit = page->limit;
  query.offset = page->offset;
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return query;
}

ApiResult<std::string> parseParameterQuery(const QueryParams& params) {
  QueryReader reader(params);
  auto prefix = reader.text("prefix");
  if (!prefix.ok()) return prefix.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return prefix->value_or("");
}

ApiResult<std::optional<std::string>> parseCaptureQuery(const QueryParams& params) {
  QueryReader reader(params);
  auto session = reader.text("session_id");
  if (!session.ok()) return session.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return *session;
}

ApiResult<PageParams> parsePageQuery(const QueryParams& params) {
  QueryReader reader(params);
  auto page = readPageParams(reader);
  if (!page.ok()) return page.error();
  if (auto unknown = reader.unknownParameter()) return *unknown;
  return *page;
}

// --- URL encoding -------------------------------------------------------------------------------

namespace {
int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hexValue(text[i + 1]);
      const int lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

ApiResult<QueryParams> parseQueryString(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const std::size_t eq = piece.find('=');
    auto name = percentDecode(piece.substr(0, eq), true);
    auto value = percentDecode(
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1), true);
    if (!name || !value) {
      return ApiError::badRequest("invalid_query", "malformed percent escape in the query string");
    }
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace acs::api
