// acs/api/json_input.h: strict reading of JSON request bodies (Poco::JSON at the edge only).
//
// The REST API rejects what it does not understand instead of ignoring it: a body that is not
// JSON, a field of the wrong type, a value out of range and a field nobody asked for all give
// a 400 ApiError whose message names the field (with its path, e.g. "parameters.ParameterKey").
//
//   ApiResult<Poco::JSON::Object::Ptr> body = parseJsonObject(text);
//   if (!body.ok()) return body.error();
//   JsonFields fields(**body, "");
//   auto enabled = fields.requiredBool("enabled");
//   if (!enabled.ok()) return enabled.error();
//   if (auto unknown = fields.unknownField()) return *unknown;
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "api/api_error.h"
#include <Poco/JSON/Object.h>

namespace acs::api {

// Deepest nesting accepted in a request body; deeper documents are rejected before they can
// exhaust the parser's stack.
inline constexpr std::size_t kMaxJsonDepth = 32;

// Parses `text` as exactly one JSON object. Errors: 400 "invalid_json" (syntax, with the
// parser's reason) or 400 "invalid_body" (valid JSON that is not an object).
ApiResult<Poco::JSON::Object::Ptr> parseJsonObject(std::string_view text);

// Typed access to the fields of one object. Every accessor records the name as known, so
// unknownField() can report the first field that no accessor asked for. A JSON null counts as
// absent for the optional accessors. Not thread-safe; one per object being read.
class JsonFields {
 public:
  // `path` prefixes field names in messages ("" for the top level, "parameters." inside).
  JsonFields(const Poco::JSON::Object& object, std::string path);

  ApiResult<std::optional<std::string>> optionalString(const std::string& name);
  ApiResult<std::string> requiredString(const std::string& name);
  ApiResult<std::optional<bool>> optionalBool(const std::string& name);
  ApiResult<bool> requiredBool(const std::string& name);
  // Integers only (3.0 and "3" are rejected), within [min, max].
  ApiResult<std::optional<std::int64_t>> optionalInt(const std::string& name, std::int64_t min,
                                                     std::int64_t max);
  // A nested object; nullptr when absent or null.
  ApiResult<Poco::JSON::Object::Ptr> optionalObject(const std::string& name);

  // 400 "unknown_field" naming the first field (in name order) no accessor asked for.
  std::optional<ApiError> unknownField() const;

  // "path" + name, for messages.
  std::string fieldPath(std::string_view name) const;

 private:
  const Poco::JSON::Object& object_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// The JSON type of a value, for messages: "string", "number", "boolean", "object", "array",
// "null".
std::string jsonTypeName(const Poco::Dynamic::Var& value);

}  // namespace acs::api
