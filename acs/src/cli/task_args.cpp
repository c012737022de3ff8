#include "cli/task_args.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <sstream>
#include <system_error>
#include <utility>
#include <variant>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "cwmp/messages.h"

namespace acs::cli {

namespace {

// Records the JSON kind of each top-level member a message's fields() visits.
struct KindCollector {
  std::vector<ArgSpec>& out;

  void add(const cwmp::Field& field, ArgKind kind) {
    out.push_back({std::string(field.name), kind});
  }
  void operator()(const cwmp::Field& f, std::string&) { add(f, ArgKind::String); }
  void operator()(const cwmp::Field& f, std::optional<std::string>&) { add(f, ArgKind::String); }
  void operator()(const cwmp::Field& f, std::string&, std::string&) { add(f, ArgKind::String); }
  void operator()(const cwmp::Field& f, bool&) { add(f, ArgKind::Bool); }
  void operator()(const cwmp::Field& f, std::int32_t&) { add(f, ArgKind::Int); }
  void operator()(const cwmp::Field& f, std::uint32_t&) { add(f, ArgKind::UnsignedInt); }
  void operator()(const cwmp::Field& f, std::vector<std::string>&) { add(f, ArgKind::StringList); }
  template <class T>
  void operator()(const cwmp::Field& f, std::vector<T>&) {
    add(f, ArgKind::ObjectList);
  }
  template <class T>
  void operator()(const cwmp::Field& f, T&) {
    add(f, ArgKind::Object);
  }
};

template <std::size_t I = 0>
bool collectSpecs(std::string_view method, std::vector<ArgSpec>& out) {
  if constexpr (I < std::variant_size_v<cwmp::Body>) {
    using T = std::variant_alternative_t<I, cwmp::Body>;
    if (!T::kIsResponse && !T::kMethod.empty() && T::kMethod == method) {
      T value{};
      KindCollector collector{out};
      T::fields(value, collector);
      return true;
    }
    return collectSpecs<I + 1>(method, out);
  } else {
    return false;
  }
}

// The task types the ACS accepts (the REST API is the judge; this list drives the CLI's help
// and name completion only).
constexpr std::array<std::string_view, 18> kTaskTypes = {"GetParameterValues",
                                                         "SetParameterValues",
                                                         "GetParameterNames",
                                                         "GetParameterAttributes",
                                                         "SetParameterAttributes",
                                                         "AddObject",
                                                         "DeleteObject",
                                                         "Reboot",
                                                         "FactoryReset",
                                                         "Download",
                                                         "Upload",
                                                         "ScheduleInform",
                                                         "GetRPCMethods",
                                                         "GetAllQueuedTransfers",
                                                         "CancelTransfer",
                                                         "ScheduleDownload",
                                                         "ChangeDUState",
                                                         "refresh"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kShortNames = {{
    {"gpv", "GetParameterValues"},
    {"spv", "SetParameterValues"},
    {"gpn", "GetParameterNames"},
    {"gpa", "GetParameterAttributes"},
    {"spa", "SetParameterAttributes"},
    {"add", "AddObject"},
    {"add-object", "AddObject"},
    {"delete", "DeleteObject"},
    {"delete-object", "DeleteObject"},
    {"factory-reset", "FactoryReset"},
    {"schedule-inform", "ScheduleInform"},
    {"rpc-methods", "GetRPCMethods"},
    {"get-rpc-methods", "GetRPCMethods"},
    {"queued-transfers", "GetAllQueuedTransfers"},
    {"get-all-queued-transfers", "GetAllQueuedTransfers"},
    {"cancel-transfer", "CancelTransfer"},
    {"schedule-download", "ScheduleDownload"},
    {"change-du-state", "ChangeDUState"},
    {"cdus", "ChangeDUState"},
    {"refresh", "refresh"},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

template <class Int>
std::optional<Int> parseNumber(std::string_view text) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Poco::JSON::Array::Ptr arrayMember(Poco::JSON::Object& object, const std::string& name,
                                   std::string& error) {
  if (!object.has(name) || object.get(name).isEmpty()) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    object.set(name, array);
    return array;
  }
  if (object.get(name).type() != typeid(Poco::JSON::Array::Ptr)) {
    error = name + " in --json is not an array";
    return {};
  }
  return object.getArray(name);
}

std::optional<ArgSpec> findSpec(const std::vector<ArgSpec>& specs, std::string_view name) {
  for (const ArgSpec& spec : specs) {
    if (spec.name == name) return spec;
  }
  return std::nullopt;
}

// A data-model PATH item (see buildTaskParameters).
std::string applyPath(std::string_view type, std::string_view item, Poco::JSON::Object& out) {
  const std::size_t eq = item.find('=');
  const bool has_value = eq != std::string_view::npos;
  std::string path(item.substr(0, eq));
  const std::string value = has_value ? std::string(item.substr(eq + 1)) : std::string();
  std::string error;

  if (type == "SetParameterValues") {
    if (!has_value) return "--param " + std::string(item) + ": expected PATH=VALUE";
    std::string value_type = "xsd:string";
    if (const std::size_t colon = path.find(':'); colon != std::string::npos) {
      value_type = path.substr(colon + 1);
      path.resize(colon);
      if (value_type.find(':') == std::string::npos) value_type = "xsd:" + value_type;
    }
    auto list = arrayMember(out, "ParameterList", error);
    if (!list) return error;
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    entry->set("Name", path);
    entry->set("Value", value);
    entry->set("Type", value_type);
    list->add(entry);
    return {};
  }
  if (type == "SetParameterAttributes") {
    auto notification = parseNumber<std::int32_t>(value);
    if (!has_value || !notification) {
      return "--param " + std::string(item) +
             ": expected PATH=NOTIFICATION (0 off, 1 passive, "
             "2 active)";
    }
    auto list = arrayMember(out, "ParameterList", error);
    if (!list) return error;
    Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    entry->set("Name", path);
    entry->set("NotificationChange", true);
    entry->set("Notification", *notification);
    list->add(entry);
    return {};
  }
  if (has_value) {
    return "--param " + std::string(item) + ": " + std::string(type) +
           " takes a path without '=VALUE'";
  }
  if (type == "GetParameterValues" || type == "GetParameterAttributes") {
    auto names = arrayMember(out, "ParameterNames", error);
    if (!names) return error;
    names->add(path);
    return {};
  }
  if (type == "GetParameterNames" || type == "refresh") {
    out.set("ParameterPath", path);
    return {};
  }
  if (type == "AddObject" || type == "DeleteObject") {
    out.set("ObjectName", path);
    return {};
  }
  return "--param " + std::string(item) + ": " + std::string(type) +
         " takes no parameter paths (use NAME=VALUE for its arguments)";
}

std::string applyArgument(const std::vector<ArgSpec>& specs, std::string_view type,
                          std::string_view item, Poco::JSON::Object& out) {
  const std::size_t eq = item.find('=');
  if (eq == std::string_view::npos) {
    return "--param " + std::string(item) + ": expected NAME=VALUE";
  }
  const std::string name(item.substr(0, eq));
  const std::string value(item.substr(eq + 1));
  auto spec = findSpec(specs, name);
  if (!spec) {
    std::string names;
    for (const ArgSpec& s : specs) names += (names.empty() ? "" : ", ") + s.name;
    return "--param " + name + ": " + std::string(type) + " has no argument '" + name + "'" +
           (names.empty() ? std::string(" (it takes none)") : " (arguments: " + names + ")");
  }
  std::string error;
  switch (spec->kind) {
    case ArgKind::String:
      out.set(name, value);
      return {};
    case ArgKind::Bool:
      if (value == "true" || value == "1") {
        out.set(name, true);
      } else if (value == "false" || value == "0") {
        out.set(name, false);
      } else {
        return "--param " + name + ": expected true or false, got '" + value + "'";
      }
      return {};
    case ArgKind::Int: {
      auto number = parseNumber<std::int32_t>(value);
      if (!number) return "--param " + name + ": expected an integer, got '" + value + "'";
      out.set(name, *number);
      return {};
    }
    case ArgKind::UnsignedInt: {
      auto number = parseNumber<std::uint32_t>(value);
      if (!number) {
        return "--param " + name + ": expected a non-negative integer, got '" + value + "'";
      }
      out.set(name, *number);
      return {};
    }
    case ArgKind::StringList: {
      auto list = arrayMember(out, name, error);
      if (!list) return error;
      list->add(value);
      return {};
    }
    case ArgKind::Object:
    case ArgKind::ObjectList:
      return "--param " + name + ": a structured argument; give it with --json";
  }
  return "--param " + name + ": unsupported argument";
}

}  // namespace

std::optional<std::vector<ArgSpec>> taskArgSpecs(std::string_view task_type) {
  if (task_type == "refresh") return std::vector<ArgSpec>{{"ParameterPath", ArgKind::String}};
  if (std::find(kTaskTypes.begin(), kTaskTypes.end(), task_type) == kTaskTypes.end()) {
    return std::nullopt;
  }
  std::vector<ArgSpec> specs;
  if (!collectSpecs(task_type, specs)) return std::nullopt;
  return specs;
}

std::optional<std::string> canonicalTaskType(std::string_view typed) {
  const std::string wanted = lower(typed);
  for (std::string_view type : kTaskTypes) {
    if (lower(type) == wanted) return std::string(type);
  }
  for (const auto& [short_name, type] : kShortNames) {
    if (short_name == wanted) return std::string(type);
  }
  return std::nullopt;
}

TaskParameters buildTaskParameters(std::string_view task_type,
                                   const std::vector<std::string>& params,
                                   const std::optional<std::string>& json_text) {
  TaskParameters result;
  auto specs = taskArgSpecs(task_type);
  if (!specs) {
    result.error = "unknown task type '" + std::string(task_type) + "'";
    return result;
  }
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (json_text) {
    try {
      Poco::JSON::Parser parser;
      Poco::Dynamic::Var parsed = parser.parse(*json_text);
      if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        result.error = "--json: expected a JSON object";
        return result;
      }
      out = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
      result.error = "--json: not valid JSON: " + e.message();
      return result;
    }
  }
  for (const std::string& item : params) {
    const std::string key = item.substr(0, item.find('='));
    const std::string error = key.find('.') != std::string::npos
                                  ? applyPath(task_type, item, *out)
                                  : applyArgument(*specs, task_type, item, *out);
    if (!error.empty()) {
      result.error = error;
      return result;
    }
  }
  // GetParameterNames requires NextLevel; the common case is the whole subtree.
  if (task_type == "GetParameterNames" && out->has("ParameterPath") && !out->has("NextLevel")) {
    out->set("NextLevel", false);
  }
  std::ostringstream text;
  out->stringify(text);
  result.json = text.str();
  return result;
}

}  // namespace acs::cli
