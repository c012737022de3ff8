// profile/yaml_util.h (internal): typed reads from yaml-cpp nodes with errors that name
// "<source>:<line>:<column>". Reader::fail() throws LoadError, which the loaders catch at
// their entry points; nothing here escapes the profile library.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "cwmp/status.h"

namespace cpesim::yamlutil {

class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

cwmp::Error toError(std::string message);
std::optional<std::uint64_t> toUnsigned(std::string_view text);
std::optional<std::int64_t> toSigned(std::string_view text);
std::optional<double> toDouble(std::string_view text);

struct Reader {
  std::string source;

  std::string where(const YAML::Mark& mark) const;
  std::string where(const YAML::Node& node) const { return where(node.Mark()); }
  [[noreturn]] void fail(const YAML::Node& node, const std::string& what) const;
  void expectMap(const YAML::Node& node, const std::string& what) const;
  std::string string(const YAML::Node& node, const std::string& what) const;
  std::vector<std::string> strings(const YAML::Node& node, const std::string& what) const;
  bool boolean(const YAML::Node& node, const std::string& what) const;
  double number(const YAML::Node& node, const std::string& what) const;
  std::uint64_t unsignedValue(const YAML::Node& node, const std::string& what,
                              std::uint64_t max) const;
  std::int64_t signedValue(const YAML::Node& node, const std::string& what) const;
};

}  // namespace cpesim::yamlutil
