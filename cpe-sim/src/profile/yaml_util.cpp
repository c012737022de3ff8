#include "profile/yaml_util.h"

#include <charconv>

namespace cpesim::yamlutil {

cwmp::Error toError(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = std::move(message);
  return e;
}

std::optional<std::uint64_t> toUnsigned(std::string_view text) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> toSigned(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> toDouble(std::string_view text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string Reader::where(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0) return source;
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void Reader::fail(const YAML::Node& node, const std::string& what) const {
  throw LoadError(where(node) + ": " + what);
}

void Reader::expectMap(const YAML::Node& node, const std::string& what) const {
  if (!node.IsMap()) fail(node, what + " must be a mapping");
}

std::string Reader::string(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) fail(node, what + " must be a scalar");
  return node.Scalar();
}

std::vector<std::string> Reader::strings(const YAML::Node& node, const std::string& what) const {
  if (!node.IsSequence()) fail(node, what + " must be a list");
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(string(item, what + " entry"));
  return out;
}

bool Reader::boolean(const YAML::Node& node, const std::string& what) const {
  std::string s = string(node, what);
  if (s == "true" || s == "yes" || s == "1") return true;
  if (s == "false" || s == "no" || s == "0") return false;
  fail(node, what + " must be true or false, not '" + s + "'");
}

double Reader::number(const YAML::Node& node, const std::string& what) const {
  auto v = toDouble(string(node, what));
  if (!v) fail(node, what + " must be a number");
  return *v;
}

std::uint64_t Reader::unsignedValue(const YAML::Node& node, const std::string& what,
                                    std::uint64_t max) const {
  auto v = toUnsigned(string(node, what));
  if (!v || *v > max) {
    fail(node, what + " must be a whole number 0.." + std::to_string(max));
  }
  return *v;
}

std::int64_t Reader::signedValue(const YAML::Node& node, const std::string& what) const {
  auto v = toSigned(string(node, what));
  if (!v) fail(node, what + " must be a whole number");
  return *v;
}

}  // namespace cpesim::yamlutil
