// acs/core/json_value.h: a small JSON value type, parser and writer for the ACS's own
// documents (serialised session state, task results). Pure C++, no Poco, so the session
// state machine and the task planner stay free of framework types.
//
//   acs::json::Value v = acs::json::Value::object();
//   v.set("phase", "cpe_requests").set("messages_in", std::int64_t{3});
//   std::string text = v.dump();                    // {"phase":"cpe_requests","messages_in":3}
//   auto back = acs::json::parse(text);              // Result<Value>; error names the offset
//   std::int64_t n = back->get("messages_in").asInt();
//
// Numbers are kept as int64 when they have no fraction or exponent, double otherwise. Object
// keys keep their insertion order (output is deterministic). Thread-compatible value type.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cwmp/status.h"

namespace acs::json {

class Value {
 public:
  using Array = std::vector<Value>;
  using Object = std::vector<std::pair<std::string, Value>>;

  Value() = default;                                            // null
  Value(std::nullptr_t) {}                                      // NOLINT: implicit by design
  Value(bool b) : v_(b) {}                                      // NOLINT
  Value(std::int64_t i) : v_(i) {}                              // NOLINT
  Value(int i) : v_(static_cast<std::int64_t>(i)) {}            // NOLINT
  Value(std::uint32_t i) : v_(static_cast<std::int64_t>(i)) {}  // NOLINT
  Value(double d) : v_(d) {}                                    // NOLINT
  Value(std::string s) : v_(std::move(s)) {}                    // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}             // NOLINT
  Value(const char* s) : v_(std::string(s)) {}                  // NOLINT
  Value(Array a) : v_(std::move(a)) {}                          // NOLINT
  Value(Object o) : v_(std::move(o)) {}                         // NOLINT

  static Value object() { return Value(Object{}); }
  static Value array() { return Value(Array{}); }

  bool isNull() const { return v_.index() == 0; }
  bool isBool() const { return v_.index() == 1; }
  bool isInt() const { return v_.index() == 2; }
  bool isDouble() const { return v_.index() == 3; }
  bool isNumber() const { return isInt() || isDouble(); }
  bool isString() const { return v_.index() == 4; }
  bool isArray() const { return v_.index() == 5; }
  bool isObject() const { return v_.index() == 6; }

  // Typed access; a wrong type yields the fallback rather than throwing, so readers of
  // untrusted documents check types explicitly where it matters.
  bool asBool(bool fallback = false) const;
  std::int64_t asInt(std::int64_t fallback = 0) const;
  double asDouble(double fallback = 0) const;
  const std::string& asString() const;  // "" when not a string
  const Array& asArray() const;         // empty when not an array
  const Object& asObject() const;       // empty when not an object

  // Object access. get() returns a null Value for a missing key or a non-object.
  const Value& get(std::string_view key) const;
  bool has(std::string_view key) const;
  // Sets (replacing an existing key) and returns *this for chaining; turns a null into {}.
  Value& set(std::string_view key, Value value);
  // Appends to an array; turns a null into [].
  Value& push(Value value);

  // Compact JSON text.
  std::string dump() const;
  void dump(std::string& out) const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> v_;
};

// Parses one JSON document (RFC 8259; surrounding whitespace allowed, nothing after it).
// Depth is limited to 64. Errors are InvalidArgument with the byte offset in the message.
cwmp::Result<Value> parse(std::string_view text);

// Appends `text` as a quoted JSON string: cwmp::appendJsonString (control characters
// escaped, UTF-8 passed through, bytes that are not UTF-8 as U+FFFD).
void appendQuoted(std::string& out, std::string_view text);

}  // namespace acs::json
