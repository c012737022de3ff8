// acs/api/api_error.h: the error value of the REST API and a small result type carrying it.
//
// Every failure the API reports is an ApiError: an HTTP status, a stable machine-readable
// code (snake_case, documented in the OpenAPI document) and a message for humans that names
// the offending field or parameter. The router renders it as
// {"error":{"code":"...","message":"..."}}.
//
//   ApiResult<int> limit = parseLimit(text);
//   if (!limit.ok()) return limit.error();          // e.g. 400 invalid_parameter
//   use(*limit);
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace acs::api {

struct ApiError {
  int status = 500;
  std::string code;
  std::string message;

  bool operator==(const ApiError&) const = default;

  static ApiError badRequest(std::string code, std::string message) {
    return {400, std::move(code), std::move(message)};
  }
  static ApiError notFound(std::string message) { return {404, "not_found", std::move(message)}; }
  static ApiError conflict(std::string message) { return {409, "conflict", std::move(message)}; }
  static ApiError internal(std::string message) {
    return {500, "internal_error", std::move(message)};
  }
};

// A value of type T or an ApiError; check ok() before value().
template <class T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  ApiResult(ApiError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

}  // namespace acs::api
