// quirks/quirk_parse.cpp: `name=value` quirk assignments (the --quirk flag and a profile's
// `quirks:` list) into the model's Quirks struct. Part of cpesim_core (no Poco, no IO), so the
// profile loader and the fleet's command line share one parser.

#include "quirks/quirk_parse.h"

#include <charconv>
#include <limits>

namespace cpesim {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <class T>
std::optional<T> parseNumber(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<bool> parseFlag(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return std::nullopt;
}

std::optional<cwmp::CwmpNamespace> parseNamespace(std::string_view text) {
  if (text.substr(0, 5) == "cwmp-") text.remove_prefix(5);
  if (text == "1.0" || text == "1-0") return cwmp::CwmpNamespace::V1_0;
  if (text == "1.1" || text == "1-1") return cwmp::CwmpNamespace::V1_1;
  if (text == "1.2" || text == "1-2") return cwmp::CwmpNamespace::V1_2;
  if (text == "1.3" || text == "1-3") return cwmp::CwmpNamespace::V1_3;
  if (text == "1.4" || text == "1-4") return cwmp::CwmpNamespace::V1_4;
  return std::nullopt;
}

bool validPrefix(std::string_view p) {
  if (p.empty()) return false;
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!letter(p.front())) return false;
  for (char c : p) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.') return false;
  }
  return true;
}

std::string bad(std::string_view name, std::string_view value, std::string_view expected) {
  return "quirk " + std::string(name) + ": '" + std::string(value) + "' is not " + std::string(expected);
}

}  // namespace

const std::vector<std::string_view>& protocolDefects() {
  // Each breaks one rule the conformance harness checks in CPE mode (conformance/README.md).
  static const std::vector<std::string_view> kProtocolDefects = {
      "inform-max-envelopes",    // Inform MaxEnvelopes 2 instead of 1
      "omit-forced-parameter",   // Inform lacks ManagementServer.ParameterKey
      "deviceid-mismatch",       // Inform SerialNumber differs from DeviceInfo.SerialNumber
      "retry-count-frozen",      // Inform RetryCount stays 0 after failed sessions
      "duplicate-event",         // the Inform's first event appears twice
      "no-empty-post",           // an empty SOAP envelope instead of the empty POST
      "id-not-echoed",           // responses carry a new cwmp:ID
      "post-after-204",          // one more empty POST after the ACS's 204
      "hold-requests-ignored",   // sends its requests although HoldRequests is true
      "unknown-method-dropped",  // an unknown ACS method fails the session instead of 9000
      "rpc-list-incomplete",     // GetRPCMethods leaves out Download
      "gpv-unknown-no-fault",    // GPV skips unknown names instead of 9005
      "spv-not-atomic",          // SPV applies the valid parameters of a faulty request
      "spv-no-parameter-faults", // SPV 9003 without SetParameterValuesFault entries
      "parameter-key-ignored",   // SPV/AddObject/DeleteObject leave the ParameterKey alone
      "parameter-key-on-fault",  // a faulty SPV still sets the ParameterKey
      "gpn-next-level-ignored",  // GPN NextLevel true lists the whole subtree
      "spa-ignored",             // SPA answers but stores nothing
      "notify-acs-change",       // SPV by the ACS raises 4 VALUE CHANGE
      "delete-object-ignored",   // DeleteObject answers but keeps the instance
      "transfer-failure-hidden", // a failed transfer is reported with FaultCode 0
      "spa-no-deny",             // SPA accepts Notification values a parameter must refuse
      "transfer-scheme-unchecked",  // Download accepts URL schemes the device cannot fetch
      "file-type-unchecked",     // Download accepts any FileType
  };
  return kProtocolDefects;
}

std::string_view quirkNames() {
  return "reply_delay_ms, drop_connection_after, stall_after, xml_declaration, soap_env_prefix, "
         "soap_enc_prefix, cwmp_prefix, namespace, omit_value_types, array_count_delta, "
         "zero_pad_array_counts, transfer_bytes_per_second, download_fault, upload_fault, "
         "rpc_fault, extra_event, omit_event, defect";
}

std::optional<std::string> applyQuirkShare(Quirks& quirks, std::string_view value) {
  auto share = parseNumber<double>(trim(value));
  if (!share || *share < 0.0 || *share > 1.0) {
    return "quirk share: '" + std::string(value) + "' is not a number between 0 and 1";
  }
  quirks.share = *share;
  return std::nullopt;
}

std::optional<std::string> applyQuirk(Quirks& quirks, std::string_view assignment) {
  std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return "quirk '" + std::string(assignment) + "': expected name=value (names: " +
           std::string(quirkNames()) + ")";
  }
  const std::string_view name = trim(assignment.substr(0, eq));
  const std::string_view value = trim(assignment.substr(eq + 1));
  auto u32 = [&](std::uint32_t& field) -> std::optional<std::string> {
    auto n = parseNumber<std::uint32_t>(value);
    if (!n) return bad(name, value, "a non-negative integer");
    field = *n;
    return std::nullopt;
  };
  auto flag = [&](bool& field) -> std::optional<std::string> {
    auto b = parseFlag(value);
    if (!b) return bad(name, value, "true or false");
    field = *b;
    return std::nullopt;
  };
  auto prefix = [&](std::string& field) -> std::optional<std::string> {
    if (!validPrefix(value)) return bad(name, value, "an XML namespace prefix");
    field = std::string(value);
    return std::nullopt;
  };
  auto fault = [&](std::uint32_t& field) -> std::optional<std::string> {
    auto n = parseNumber<std::uint32_t>(value);
    if (!n || (*n != 0 && (*n < 9000 || *n > 9899))) return bad(name, value, "0 or a fault code 9000-9899");
    field = *n;
    return std::nullopt;
  };

  if (name == "reply_delay_ms") return u32(quirks.reply_delay_ms);
  if (name == "drop_connection_after") return u32(quirks.drop_connection_after);
  if (name == "stall_after") return u32(quirks.stall_after);
  if (name == "xml_declaration") return flag(quirks.xml_declaration);
  if (name == "soap_env_prefix") return prefix(quirks.soap_env_prefix);
  if (name == "soap_enc_prefix") return prefix(quirks.soap_enc_prefix);
  if (name == "cwmp_prefix") return prefix(quirks.cwmp_prefix);
  if (name == "omit_value_types") return flag(quirks.omit_value_types);
  if (name == "zero_pad_array_counts") return flag(quirks.zero_pad_array_counts);
  if (name == "transfer_bytes_per_second") return u32(quirks.transfer_bytes_per_second);
  if (name == "download_fault") return fault(quirks.download_fault);
  if (name == "upload_fault") return fault(quirks.upload_fault);
  if (name == "array_count_delta") {
    auto n = parseNumber<std::int32_t>(value);
    if (!n || *n < -1000 || *n > 1000) return bad(name, value, "an integer between -1000 and 1000");
    quirks.array_count_delta = *n;
    return std::nullopt;
  }
  if (name == "namespace") {
    auto ns = parseNamespace(value);
    if (!ns) return bad(name, value, "a CWMP version 1.0 .. 1.4");
    quirks.ns = *ns;
    return std::nullopt;
  }
  if (name == "rpc_fault") {
    // Method:Code[:message]
    std::size_t c1 = value.find(':');
    if (c1 == std::string_view::npos || c1 == 0) return bad(name, value, "Method:Code[:message]");
    std::string_view rest = value.substr(c1 + 1);
    std::size_t c2 = rest.find(':');
    auto code = parseNumber<std::uint32_t>(rest.substr(0, c2));
    if (!code || *code < 9000 || *code > 9899) return bad(name, value, "Method:Code with Code 9000-9899");
    RpcFaultQuirk q;
    q.method = std::string(value.substr(0, c1));
    q.code = *code;
    if (c2 != std::string_view::npos) q.message = std::string(rest.substr(c2 + 1));
    quirks.rpc_faults.push_back(std::move(q));
    return std::nullopt;
  }
  if (name == "defect") {
    for (std::string_view known : protocolDefects()) {
      if (known == value) {
        quirks.defects.emplace_back(value);
        return std::nullopt;
      }
    }
    std::string list;
    for (std::string_view known : protocolDefects()) {
      if (!list.empty()) list += ", ";
      list += known;
    }
    return bad(name, value, "a known protocol defect (" + list + ")");
  }
  if (name == "extra_event" || name == "omit_event") {
    if (value.empty() || value.size() > 64) return bad(name, value, "an event code of 1..64 characters");
    (name == "extra_event" ? quirks.extra_events : quirks.omitted_events).emplace_back(value);
    return std::nullopt;
  }
  return "unknown quirk '" + std::string(name) + "' (known: " + std::string(quirkNames()) + ")";
}

}  // namespace cpesim
