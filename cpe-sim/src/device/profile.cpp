// Profile: build and validation, placeholders, identity, quirks.

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "device/device_model.h"
#include "device/model_template.h"
#include "device/software_modules.h"
#include "device/stable_hash.h"

namespace cpesim {

// The methods the model implements, in GetRPCMethods order (TR-069 Table 5 order).
const std::vector<std::string>& implementedRpcs() {
  static const std::vector<std::string> kAll = {
      "GetRPCMethods",
      "SetParameterValues",
      "GetParameterValues",
      "GetParameterNames",
      "SetParameterAttributes",
      "GetParameterAttributes",
      "AddObject",
      "DeleteObject",
      "Reboot",
      "Download",
      "Upload",
      "FactoryReset",
      "GetQueuedTransfers",
      "GetAllQueuedTransfers",
      "ScheduleInform",
      "ScheduleDownload",
      "CancelTransfer",
      "ChangeDUState",
  };
  return kAll;
}

namespace {

cwmp::Error invalid(const std::string& origin, const std::string& what) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = origin.empty() ? what : origin + ": " + what;
  return e;
}

std::optional<std::uint64_t> parseMac(std::string_view text) {
  std::uint64_t v = 0;
  int digits = 0;
  for (char c : text) {
    if (c == ':' || c == '-') continue;
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return std::nullopt;
    v = (v << 4) | static_cast<std::uint64_t>(d);
    if (++digits > 12) return std::nullopt;
  }
  if (digits != 12) return std::nullopt;
  return v;
}

std::optional<std::uint32_t> parseIpv4(std::string_view text) {
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t dot = text.find('.', pos);
    if (dot == std::string_view::npos) dot = text.size();
    std::string_view part = text.substr(pos, dot - pos);
    unsigned octet = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size() || octet > 255) {
      return std::nullopt;
    }
    v = (v << 8) | octet;
    ++parts;
    pos = dot + 1;
    if (dot == text.size()) break;
  }
  if (parts != 4) return std::nullopt;
  return v;
}

bool isUpperHex6(std::string_view s) {
  return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
         });
}

std::string formatMac(std::uint64_t v, bool colons) {
  std::array<char, 18> buf{};
  if (colons) {
    std::snprintf(buf.data(), buf.size(), "%02X:%02X:%02X:%02X:%02X:%02X",
                  static_cast<unsigned>((v >> 40) & 0xff), static_cast<unsigned>((v >> 32) & 0xff),
                  static_cast<unsigned>((v >> 24) & 0xff), static_cast<unsigned>((v >> 16) & 0xff),
                  static_cast<unsigned>((v >> 8) & 0xff), static_cast<unsigned>(v & 0xff));
  } else {
    std::snprintf(buf.data(), buf.size(), "%012llX",
                  static_cast<unsigned long long>(v & 0xffffffffffffULL));
  }
  return buf.data();
}

std::string formatIp(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string((v >> 16) & 0xff) + "." +
         std::to_string((v >> 8) & 0xff) + "." + std::to_string(v & 0xff);
}

std::string padded(std::uint64_t value, std::string_view format) {
  std::string digits = std::to_string(value);
  if (format.empty()) return digits;
  std::size_t width = 0;
  auto [p, ec] = std::from_chars(format.data(), format.data() + format.size(), width);
  if (ec != std::errc() || p != format.data() + format.size() || width > 32) return digits;
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

const std::vector<std::string_view>& builtinPlaceholders() {
  static const std::vector<std::string_view> k = {
      "serial", "index", "mac", "mac_hex", "ip", "oui", "manufacturer", "product_class", "i"};
  return k;
}

// Names used as {name} in `text` ("{{" escapes skipped).
std::vector<std::string> placeholdersIn(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    if (i + 1 < text.size() && text[i + 1] == '{') {
      ++i;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string_view::npos) break;
    std::string_view inner = text.substr(i + 1, close - i - 1);
    out.emplace_back(inner.substr(0, inner.find(':')));
    i = close;
  }
  return out;
}

cwmp::Result<bool> checkPlaceholders(std::string_view text, const std::string& where,
                                     const std::map<std::string, std::string>& variables) {
  for (const auto& name : placeholdersIn(text)) {
    if (std::find(builtinPlaceholders().begin(), builtinPlaceholders().end(), name) !=
            builtinPlaceholders().end() ||
        variables.contains(name)) {
      continue;
    }
    return invalid(where, "unknown placeholder {" + name + "}");
  }
  return true;
}

}  // namespace

// Builds profiles and reaches into their private state; one place so Profile's public
// surface stays read-only.
class ProfileAccess {
 public:
  static cwmp::Result<std::shared_ptr<const Profile>> build(ProfileSpec spec);
  static std::string expand(const Profile& p, std::string_view text, std::uint32_t index,
                            std::uint32_t instance, int depth);
  static cwmp::Result<bool> checkSpecPlaceholders(const ObjectSpec& o,
                                                  const std::map<std::string, std::string>& vars);
};

cwmp::Result<bool> ProfileAccess::checkSpecPlaceholders(
    const ObjectSpec& o, const std::map<std::string, std::string>& vars) {
  for (const auto& p : o.params) {
    auto r = checkPlaceholders(p.value, p.origin.empty() ? o.origin : p.origin, vars);
    if (!r) return r;
  }
  for (const auto& [n, values] : o.instance_values) {
    for (const auto& [path, value] : values) {
      auto r = checkPlaceholders(value, o.origin, vars);
      if (!r) return r;
    }
  }
  for (const auto& c : o.children) {
    auto r = checkSpecPlaceholders(c, vars);
    if (!r) return r;
  }
  return true;
}

cwmp::Result<std::shared_ptr<const Profile>> ProfileAccess::build(ProfileSpec spec) {
  const std::string& origin = spec.origin;
  if (spec.name.empty()) return invalid(origin, "the profile has no name");
  if (spec.root.name.empty()) return invalid(origin, "the profile has no data model");
  auto mac = parseMac(spec.mac_base);
  if (!mac) return invalid(origin, "mac_base '" + spec.mac_base + "' is not a MAC address");
  auto ip = parseIpv4(spec.ip_base);
  if (!ip) return invalid(origin, "ip_base '" + spec.ip_base + "' is not an IPv4 address");
  if (spec.device_id.oui.find('{') == std::string::npos && !isUpperHex6(spec.device_id.oui)) {
    return invalid(origin, "device_id.oui '" + spec.device_id.oui +
                               "' must be 6 upper-case hex digits (checklist 7.2)");
  }
  for (const auto& name : placeholdersIn(spec.device_id.serial)) {
    if (name == "serial") return invalid(origin, "device_id.serial cannot use {serial}");
  }
  for (const auto& [name, value] : spec.variables) {
    if (std::find(builtinPlaceholders().begin(), builtinPlaceholders().end(), name) !=
            builtinPlaceholders().end() &&
        name != "serial") {
      return invalid(origin, "variable '" + name + "' would hide a built-in placeholder");
    }
    auto r = checkPlaceholders(value, origin + " variable '" + name + "'", spec.variables);
    if (!r) return r.error();
  }
  for (const auto* text : {&spec.device_id.manufacturer, &spec.device_id.oui,
                           &spec.device_id.product_class, &spec.device_id.serial}) {
    auto r = checkPlaceholders(*text, origin + " device_id", spec.variables);
    if (!r) return r.error();
  }
  auto ph = checkSpecPlaceholders(spec.root, spec.variables);
  if (!ph) return ph.error();

  if (spec.cwmp.version.size() != 3 || spec.cwmp.version[0] != '1' || spec.cwmp.version[1] != '.' ||
      spec.cwmp.version[2] < '0' || spec.cwmp.version[2] > '4') {
    return invalid(origin, "cwmp version '" + spec.cwmp.version + "' is not 1.0 .. 1.4");
  }
  std::vector<std::string> rpcs;
  if (spec.rpcs.empty()) {
    // ChangeDUState needs a software-module table, so a profile asks for it by name.
    rpcs = implementedRpcs();
    std::erase(rpcs, "ChangeDUState");
  } else {
    for (const auto& m : spec.rpcs) {
      if (std::find(implementedRpcs().begin(), implementedRpcs().end(), m) ==
          implementedRpcs().end()) {
        return invalid(origin, "rpc '" + m + "' is not one the simulator implements");
      }
      if (std::find(rpcs.begin(), rpcs.end(), m) == rpcs.end()) rpcs.push_back(m);
    }
    // GetRPCMethods is REQUIRED for a CPE (TR-069 Table 5); a profile cannot drop it.
    if (std::find(rpcs.begin(), rpcs.end(), "GetRPCMethods") == rpcs.end()) {
      rpcs.insert(rpcs.begin(), "GetRPCMethods");
    }
  }
  if (spec.transfers.max_queued == 0 || spec.transfers.max_queued > 16) {
    return invalid(origin, "transfers.max_queued must be 1..16 (TransferList holds at most 16)");
  }
  const Quirks& q = spec.quirks;
  if (!(q.share >= 0.0 && q.share <= 1.0)) return invalid(origin, "quirks.share must be 0..1");
  for (const auto& f : q.rpc_faults) {
    if (f.code < 9000 || f.code > 9899) {
      return invalid(origin, "quirks.rpc_faults: code " + std::to_string(f.code) +
                                 " is not a CPE fault code (9000..9899)");
    }
  }
  for (auto code : {q.download_fault, q.upload_fault}) {
    if (code != 0 && (code < 9000 || code > 9899)) {
      return invalid(origin, "quirks: transfer fault " + std::to_string(code) +
                                 " is not a CPE fault code (9000..9899)");
    }
  }

  auto model = ModelTemplate::build(spec.root);
  if (!model) return model.error();
  model->bindWellKnown(spec.transfers.firmware_version_param);
  model->indexNotifiedGenerated();
  if (std::find(rpcs.begin(), rpcs.end(), "ChangeDUState") != rpcs.end()) {
    if (auto problem = softwareModulesProblem(*model)) {
      return invalid(origin, "rpc ChangeDUState: " + *problem);
    }
  }

  std::shared_ptr<Profile> p(new Profile());
  p->name_ = std::move(spec.name);
  p->description_ = std::move(spec.description);
  p->seed_ = spec.seed;
  p->device_id_ = std::move(spec.device_id);
  p->variables_ = std::move(spec.variables);
  p->mac_base_ = *mac;
  p->ip_base_ = *ip;
  p->cwmp_ = std::move(spec.cwmp);
  p->rpcs_ = std::move(rpcs);
  p->transfers_ = std::move(spec.transfers);
  p->quirks_ = std::move(spec.quirks);
  p->model_ = std::make_shared<const ModelTemplate>(std::move(*model));
  return std::shared_ptr<const Profile>(std::move(p));
}

std::string ProfileAccess::expand(const Profile& p, std::string_view text, std::uint32_t index,
                                  std::uint32_t instance, int depth) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      out += '}';
      ++i;
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    std::string_view inner = text.substr(i + 1, close - i - 1);
    std::string_view name = inner.substr(0, inner.find(':'));
    std::string_view format =
        inner.size() > name.size() ? inner.substr(name.size() + 1) : std::string_view{};
    auto var = p.variables_.find(std::string(name));
    if (var != p.variables_.end() && depth < 4) {
      out += expand(p, var->second, index, instance, depth + 1);
    } else if (name == "serial") {
      out += expand(p, p.device_id_.serial, index, instance, depth + 1);
    } else if (name == "index") {
      out += padded(index, format);
    } else if (name == "i" && instance != 0) {
      out += padded(instance, format);
    } else if (name == "mac") {
      out += formatMac((p.mac_base_ + index) & 0xffffffffffffULL, true);
    } else if (name == "mac_hex") {
      out += formatMac((p.mac_base_ + index) & 0xffffffffffffULL, false);
    } else if (name == "ip") {
      out += formatIp(p.ip_base_ + index);
    } else if (name == "oui") {
      out += expand(p, p.device_id_.oui, index, instance, depth + 1);
    } else if (name == "manufacturer") {
      out += expand(p, p.device_id_.manufacturer, index, instance, depth + 1);
    } else if (name == "product_class") {
      out += expand(p, p.device_id_.product_class, index, instance, depth + 1);
    } else {
      out.append(text.substr(i, close - i + 1));  // unknown: verbatim
    }
    i = close;
  }
  return out;
}

Result<std::shared_ptr<const Profile>> Profile::build(ProfileSpec spec) {
  return ProfileAccess::build(std::move(spec));
}

Result<std::shared_ptr<const Profile>> Profile::withVariables(
    const std::map<std::string, std::string>& variables, std::optional<std::uint64_t> seed) const {
  std::shared_ptr<Profile> p(new Profile(*this));
  for (const auto& [name, value] : variables) {
    if (name == "serial") {
      for (const auto& used : placeholdersIn(value)) {
        if (used == "serial") return invalid("", "the serial pattern cannot use {serial}");
      }
      p->device_id_.serial = value;
      continue;
    }
    if (std::find(builtinPlaceholders().begin(), builtinPlaceholders().end(), name) !=
        builtinPlaceholders().end()) {
      return invalid("", "variable '" + name + "' would hide a built-in placeholder");
    }
    p->variables_[name] = value;
  }
  for (const auto& [name, value] : p->variables_) {
    auto r = checkPlaceholders(value, "variable '" + name + "'", p->variables_);
    if (!r) return r.error();
  }
  auto r = checkPlaceholders(p->device_id_.serial, "serial pattern", p->variables_);
  if (!r) return r.error();
  if (seed) p->seed_ = *seed;
  return std::shared_ptr<const Profile>(std::move(p));
}

const std::string& Profile::rootName() const { return model_->rootName(); }

std::string Profile::expand(std::string_view text, std::uint32_t index) const {
  return ProfileAccess::expand(*this, text, index, 0, 0);
}

std::string expandForInstance(const Profile& profile, std::string_view text, std::uint32_t index,
                              std::uint32_t instance) {
  return ProfileAccess::expand(profile, text, index, instance, 0);
}

std::string Profile::serialNumber(std::uint32_t index) const {
  return expand(device_id_.serial, index);
}

cwmp::DeviceIdStruct Profile::deviceId(std::uint32_t index) const {
  cwmp::DeviceIdStruct id;
  id.manufacturer = expand(device_id_.manufacturer, index);
  id.oui = expand(device_id_.oui, index);
  id.product_class = expand(device_id_.product_class, index);
  id.serial_number = serialNumber(index);
  return id;
}

bool Profile::supports(std::string_view method) const {
  return std::find(rpcs_.begin(), rpcs_.end(), method) != rpcs_.end();
}

const Quirks* Profile::quirksFor(std::uint32_t index) const {
  if (!quirks_.any() || quirks_.share <= 0.0) return nullptr;
  if (quirks_.share >= 1.0) return &quirks_;
  double u = unitInterval(stableHash({seed_, index, 0x717569726bULL /* "quirk" */}));
  return u < quirks_.share ? &quirks_ : nullptr;
}

cwmp::CwmpNamespace Profile::namespaceFor(std::uint32_t index) const {
  const Quirks* q = quirksFor(index);
  return q && q->ns ? *q->ns : cwmp_.ns;
}

std::size_t Profile::parameterCount() const { return model_->parameterCount(); }
std::size_t Profile::nodeCount() const { return model_->nodes().size(); }
std::uint64_t Profile::fingerprint() const { return model_->fingerprint(); }

bool Quirks::any() const {
  const Quirks d;
  return reply_delay_ms != 0 || drop_connection_after != 0 || stall_after != 0 ||
         xml_declaration != d.xml_declaration || soap_env_prefix != d.soap_env_prefix ||
         soap_enc_prefix != d.soap_enc_prefix || cwmp_prefix != d.cwmp_prefix || omit_value_types ||
         array_count_delta != 0 || zero_pad_array_counts || ns.has_value() ||
         transfer_bytes_per_second != 0 || download_fault != 0 || upload_fault != 0 ||
         !rpc_faults.empty() || !extra_events.empty() || !omitted_events.empty() ||
         !defects.empty();
}

bool Quirks::hasDefect(std::string_view name) const {
  for (const auto& d : defects) {
    if (d == name) return true;
  }
  return false;
}

cwmp::EncodeOptions Quirks::encodeOptions() const {
  cwmp::EncodeOptions o;
  o.xml_declaration = xml_declaration;
  o.soap_env_prefix = soap_env_prefix;
  o.soap_enc_prefix = soap_enc_prefix;
  o.cwmp_prefix = cwmp_prefix;
  o.omit_value_types = omit_value_types;
  o.array_count_delta = array_count_delta;
  o.zero_pad_array_counts = zero_pad_array_counts;
  return o;
}

}  // namespace cpesim
