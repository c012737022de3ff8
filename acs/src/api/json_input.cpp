#include "api/json_input.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace acs::api {

namespace {

ApiError invalidField(const std::string& path, const std::string& expected,
                      const Poco::Dynamic::Var& got) {
  return ApiError::badRequest(
      "invalid_field", "field '" + path + "': expected " + expected + ", got " + jsonTypeName(got));
}

}  // namespace

std::string jsonTypeName(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "null";
  if (value.isBoolean()) return "boolean";
  if (value.isString()) return "string";
  if (value.isNumeric()) return "number";
  if (value.type() == typeid(Poco::JSON::Object::Ptr) ||
      value.type() == typeid(Poco::JSON::Object)) {
    return "object";
  }
  if (value.type() == typeid(Poco::JSON::Array::Ptr) || value.type() == typeid(Poco::JSON::Array)) {
    return "array";
  }
  return "value";
}

ApiResult<Poco::JSON::Object::Ptr> parseJsonObject(std::string_view text) {
  // Poco's parser refuses scalars at the top level as syntax errors; name the real problem.
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] != '{') {
    return ApiError::badRequest("invalid_body", "request body must be a JSON object");
  }
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(kMaxJsonDepth);
    parsed = parser.parse(std::string(text));
  } catch (const Poco::Exception& e) {
    return ApiError::badRequest("invalid_json", "request body is not valid JSON: " + e.message());
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    return ApiError::badRequest("invalid_body",
                                "request body must be a JSON object, got " + jsonTypeName(parsed));
  }
  auto object = parsed.extract<Poco::JSON::Object::Ptr>();
  if (object.isNull()) {
    return ApiError::badRequest("invalid_body", "request body must be a JSON object");
  }
  return object;
}

JsonFields::JsonFields(const Poco::JSON::Object& object, std::string path)
    : object_(object), path_(std::move(path)) {}

std::string JsonFields::fieldPath(std::string_view name) const { return path_ + std::string(name); }

ApiResult<std::optional<std::string>> JsonFields::optionalString(const std::string& name) {
  known_.insert(name);
  if (!object_.has(name)) return std::optional<std::string>();
  const Poco::Dynamic::Var value = object_.get(name);
  if (value.isEmpty()) return std::optional<std::string>();
  if (!value.isString()) return invalidField(fieldPath(name), "a string", value);
  return std::optional<std::string>(value.extract<std::string>());
}

ApiResult<std::string> JsonFields::requiredString(const std::string& name) {
  auto value = optionalString(name);
  if (!value.ok()) return value.error();
  if (!value->has_value()) {
    return ApiError::badRequest("missing_field", "field '" + fieldPath(name) + "' is required");
  }
  return std::move(**value);
}

ApiResult<std::optional<bool>> JsonFields::optionalBool(const std::string& name) {
  known_.insert(name);
  if (!object_.has(name)) return std::optional<bool>();
  const Poco::Dynamic::Var value = object_.get(name);
  if (value.isEmpty()) return std::optional<bool>();
  if (!value.isBoolean()) return invalidField(fieldPath(name), "true or false", value);
  return std::optional<bool>(value.extract<bool>());
}

ApiResult<bool> JsonFields::requiredBool(const std::string& name) {
  auto value = optionalBool(name);
  if (!value.ok()) return value.error();
  if (!value->has_value()) {
    return ApiError::badRequest("missing_field", "field '" + fieldPath(name) + "' is required");
  }
  return **value;
}

ApiResult<std::optional<std::int64_t>> JsonFields::optionalInt(const std::string& name,
                                                               std::int64_t min, std::int64_t max) {
  known_.insert(name);
  if (!object_.has(name)) return std::optional<std::int64_t>();
  const Poco::Dynamic::Var value = object_.get(name);
  if (value.isEmpty()) return std::optional<std::int64_t>();
  const std::string expected =
      "an integer between " + std::to_string(min) + " and " + std::to_string(max);
  if (!value.isInteger() || value.isBoolean())
    return invalidField(fieldPath(name), expected, value);
  std::int64_t number = 0;
  try {
    number = value.convert<std::int64_t>();
  } catch (const Poco::Exception&) {
    // Only an unsigned value above INT64_MAX gets here: out of any range we accept.
    return ApiError::badRequest("invalid_field",
                                "field '" + fieldPath(name) + "': expected " + expected);
  }
  if (number < min || number > max) {
    return ApiError::badRequest("invalid_field", "field '" + fieldPath(name) + "': expected " +
                                                     expected + ", got " + std::to_string(number));
  }
  return std::optional<std::int64_t>(number);
}

ApiResult<Poco::JSON::Object::Ptr> JsonFields::optionalObject(const std::string& name) {
  known_.insert(name);
  if (!object_.has(name)) return Poco::JSON::Object::Ptr();
  const Poco::Dynamic::Var value = object_.get(name);
  if (value.isEmpty()) return Poco::JSON::Object::Ptr();
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    return invalidField(fieldPath(name), "an object", value);
  }
  return value.extract<Poco::JSON::Object::Ptr>();
}

std::optional<ApiError> JsonFields::unknownField() const {
  std::vector<std::string> names;
  object_.getNames(names);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    if (!known_.contains(name)) {
      return ApiError::badRequest("unknown_field", "unknown field '" + fieldPath(name) + "'");
    }
  }
  return std::nullopt;
}

}  // namespace acs::api
