#include "cwmp/messages.h"

#include <array>
#include <charconv>
#include <system_error>

namespace cwmp {

namespace {

constexpr std::array<std::string_view, 5> kNamespaceUris = {
    "urn:dslforum-org:cwmp-1-0", "urn:dslforum-org:cwmp-1-1", "urn:dslforum-org:cwmp-1-2",
    "urn:dslforum-org:cwmp-1-3", "urn:dslforum-org:cwmp-1-4",
};

struct FaultText {
  std::uint32_t code;
  std::string_view text;
};

// Default FaultString texts: ACS faults (TR-069 A.5.1 table "ACS fault codes") and CPE faults
// (table "CPE fault codes") as listed in docs/cwmp-checklist.md 5.2 and 5.3.
constexpr std::array<FaultText, 40> kFaultTexts = {{
    {8000, "Method not supported"},
    {8001, "Request denied (no reason specified)"},
    {8002, "Internal error"},
    {8003, "Invalid arguments"},
    {8004, "Resources exceeded"},
    {8005, "Retry request"},
    {8006, "ACS version incompatible with CPE"},
    {9000, "Method not supported"},
    {9001, "Request denied (no reason specified)"},
    {9002, "Internal error"},
    {9003, "Invalid arguments"},
    {9004, "Resources exceeded"},
    {9005, "Invalid parameter name"},
    {9006, "Invalid parameter type"},
    {9007, "Invalid parameter value"},
    {9008, "Attempt to set a non-writable parameter"},
    {9009, "Notification request rejected"},
    {9010, "File transfer failure"},
    {9011, "Upload failure"},
    {9012, "File transfer server authentication failure"},
    {9013, "Unsupported protocol for file transfer"},
    {9014, "File transfer failure: cannot join multicast group"},
    {9015, "File transfer failure: cannot contact file server"},
    {9016, "File transfer failure: cannot access file"},
    {9017, "File transfer failure: cannot complete download"},
    {9018, "File transfer failure: file corrupted"},
    {9019, "File transfer failure: file authentication failure"},
    {9020, "File transfer failure: cannot complete download within the time windows"},
    {9021, "Cancelling the transfer is not allowed in its current state"},
    {9022, "Invalid UUID format"},
    {9023, "Unknown Execution Environment"},
    {9024, "Disabled Execution Environment"},
    {9025, "Deployment Unit does not match its Execution Environment"},
    {9026, "Duplicate Deployment Unit"},
    {9027, "System resources exceeded"},
    {9028, "Unknown Deployment Unit"},
    {9029, "Invalid Deployment Unit state"},
    {9030, "Invalid Deployment Unit update: downgrade not permitted"},
    {9031, "Invalid Deployment Unit update: version not specified"},
    {9032, "Invalid Deployment Unit update: version already exists"},
}};

constexpr bool isVersionSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string_view namespaceUri(CwmpNamespace ns) {
  const auto index = static_cast<std::size_t>(ns);
  if (index >= kNamespaceUris.size()) {
    return kNamespaceUris[2];
  }
  return kNamespaceUris[index];
}

std::optional<CwmpNamespace> namespaceFromUri(std::string_view uri) {
  for (std::size_t i = 0; i < kNamespaceUris.size(); ++i) {
    if (kNamespaceUris[i] == uri) {
      return static_cast<CwmpNamespace>(i);
    }
  }
  return std::nullopt;
}

std::string_view methodName(const Body& body) {
  return std::visit([](const auto& message) { return message.kMethod; }, body);
}

bool isResponse(const Body& body) {
  return std::visit([](const auto& message) { return message.kIsResponse; }, body);
}

std::string_view faultCodeMessage(std::uint32_t code) {
  for (const FaultText& entry : kFaultTexts) {
    if (entry.code == code) {
      return entry.text;
    }
  }
  return {};
}

Fault makeFault(std::uint32_t code, std::string message) {
  Fault fault;
  // TR-069 A.5.1: "Client" when the requester's arguments are at fault.
  const bool client =
      code == 8003 || code == 9003 || code == 9005 || code == 9006 || code == 9007 || code == 9008;
  fault.faultcode = client ? "Client" : "Server";
  fault.faultstring = "CWMP fault";
  fault.fault_code = code;
  fault.fault_string = message.empty() ? std::string(faultCodeMessage(code)) : std::move(message);
  return fault;
}

std::vector<std::string> parseCwmpVersions(std::string_view list) {
  std::vector<std::string> versions;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    while (!entry.empty() && isVersionSpace(entry.front())) {
      entry.remove_prefix(1);
    }
    while (!entry.empty() && isVersionSpace(entry.back())) {
      entry.remove_suffix(1);
    }
    const std::size_t dot = entry.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == entry.size()) {
      continue;
    }
    unsigned major = 0;
    unsigned minor = 0;
    const char* first = entry.data();
    const char* end = entry.data() + entry.size();
    auto major_result = std::from_chars(first, first + dot, major);
    if (major_result.ec != std::errc() || major_result.ptr != first + dot) {
      continue;
    }
    auto minor_result = std::from_chars(first + dot + 1, end, minor);
    if (minor_result.ec != std::errc() || minor_result.ptr != end) {
      continue;
    }
    versions.push_back(std::to_string(major) + "." + std::to_string(minor));
  }
  return versions;
}

}  // namespace cwmp
