// Profiles from a parameter dump of one real device: CSV `name,type,writable,value` or our
// ACS's JSON export. The dump's tree becomes the template (numeric segments are table
// instances), its values the defaults; standard attributes of the root data model (forced
// inform, activeNotify, generators for uptime and clock) are set by name.

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "profile/profile_loader.h"
#include "profile/yaml_util.h"
#include <yaml-cpp/yaml.h>

#include "cwmp/value.h"

namespace cpesim {
namespace {

using yamlutil::LoadError;

struct Row {
  std::string name;
  std::string type;
  std::optional<bool> writable;
  std::string value;
  std::string origin;
};

[[noreturn]] void failAt(const std::string& origin, const std::string& what) {
  throw LoadError(origin + ": " + what);
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string neutralValue(cwmp::ValueType t) {
  using cwmp::ValueType;
  switch (t) {
    case ValueType::Int:
    case ValueType::UnsignedInt:
    case ValueType::Long:
    case ValueType::UnsignedLong:
      return "0";
    case ValueType::Boolean:
      return "false";
    case ValueType::DateTime:
      return std::string(cwmp::kUnknownTime);
    default:
      return "";
  }
}

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto dot = s.find('.', pos);
    if (dot == std::string_view::npos) dot = s.size();
    out.emplace_back(s.substr(pos, dot - pos));
    if (dot == s.size()) break;
    pos = dot + 1;
  }
  return out;
}

// Literal braces in dumped values are not placeholders.
std::string escapeBraces(std::string_view v) {
  std::string out;
  for (char c : v) {
    out += c;
    if (c == '{' || c == '}') out += c;
  }
  return out;
}

cwmp::ValueType importType(const std::string& text, const std::string& origin) {
  std::string t = text;
  auto colon = t.find(':');
  if (colon != std::string::npos) t = t.substr(colon + 1);  // xsd:int, cwmp:..., xs:int
  if (t.empty()) return cwmp::ValueType::String;
  static const std::pair<std::string_view, cwmp::ValueType> kTypes[] = {
      {"string", cwmp::ValueType::String},
      {"int", cwmp::ValueType::Int},
      {"unsignedInt", cwmp::ValueType::UnsignedInt},
      {"long", cwmp::ValueType::Long},
      {"unsignedLong", cwmp::ValueType::UnsignedLong},
      {"boolean", cwmp::ValueType::Boolean},
      {"dateTime", cwmp::ValueType::DateTime},
      {"base64", cwmp::ValueType::Base64},
      {"base64Binary", cwmp::ValueType::Base64},
      {"hexBinary", cwmp::ValueType::HexBinary},
      {"object", cwmp::ValueType::Other}};
  for (const auto& [n, type] : kTypes) {
    if (n == t) return type;
  }
  failAt(origin, "unknown type '" + text + "'");
}

ObjectSpec& child(ObjectSpec& parent, const std::string& name, bool table,
                  const std::string& origin) {
  for (auto& c : parent.children) {
    if (c.name == name) {
      if (c.is_table != table) {
        failAt(origin, "'" + name + "' is used both as a table and as a single object");
      }
      return c;
    }
  }
  ObjectSpec o;
  o.name = name;
  o.is_table = table;
  o.origin = origin;
  parent.children.push_back(std::move(o));
  return parent.children.back();
}

// Finds a parameter by a generic relative path ("DeviceInfo.SoftwareVersion",
// "WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.ExternalIPAddress").
ParamSpec* findParam(ObjectSpec& root, std::string_view rel) {
  ObjectSpec* cur = &root;
  auto segs = split(rel);
  for (std::size_t i = 0; i + 1 < segs.size(); ++i) {
    if (segs[i] == "{i}") {
      if (!cur->is_table) return nullptr;
      continue;
    }
    auto it = std::find_if(cur->children.begin(), cur->children.end(),
                           [&](const ObjectSpec& c) { return c.name == segs[i]; });
    if (it == cur->children.end()) return nullptr;
    bool table_next = i + 1 < segs.size() - 1 && segs[i + 1] == "{i}";
    if (it->is_table != table_next) return nullptr;
    cur = &*it;
  }
  auto it = std::find_if(cur->params.begin(), cur->params.end(),
                         [&](const ParamSpec& p) { return p.name == segs.back(); });
  return it == cur->params.end() ? nullptr : &*it;
}

std::string valueOf(const std::vector<Row>& rows, const std::string& name) {
  for (const auto& r : rows) {
    if (r.name == name) return r.value;
  }
  return {};
}

// Forced inform parameters and activeNotify defaults of the standard root models
// (checklist 7.3 and 10.4).
void applyStandardAttributes(ProfileSpec& spec, const std::vector<Row>& rows,
                             const ImportOptions& options) {
  const bool tr098 = spec.root.name == "InternetGatewayDevice";
  std::vector<std::string> forced;
  if (tr098) {
    forced = {"DeviceSummary",
              "DeviceInfo.HardwareVersion",
              "DeviceInfo.SoftwareVersion",
              "DeviceInfo.SpecVersion",
              "DeviceInfo.ProvisioningCode",
              "ManagementServer.ConnectionRequestURL",
              "ManagementServer.ParameterKey",
              "ManagementServer.AliasBasedAddressing"};
  } else {
    forced = {"RootDataModelVersion",
              "DeviceSummary",
              "DeviceInfo.HardwareVersion",
              "DeviceInfo.SoftwareVersion",
              "DeviceInfo.ProvisioningCode",
              "ManagementServer.ParameterKey",
              "ManagementServer.ConnectionRequestURL",
              "ManagementServer.AliasBasedAddressing"};
  }
  for (const auto& f : forced) {
    if (auto* p = findParam(spec.root, f)) p->forced_inform = true;
  }
  if (tr098) {
    // The default WAN connection's address is forced too; the template marks it on every
    // instance of the first connection type the dump has.
    for (const char* rel :
         {"WANDevice.{i}.WANConnectionDevice.{i}.WANIPConnection.{i}.ExternalIPAddress",
          "WANDevice.{i}.WANConnectionDevice.{i}.WANPPPConnection.{i}.ExternalIPAddress"}) {
      if (auto* p = findParam(spec.root, rel)) {
        p->forced_inform = true;
        p->active_notify = ActiveNotify::ForceDefaultEnabled;
        break;
      }
    }
  }
  for (const char* rel : {"DeviceInfo.SoftwareVersion", "DeviceInfo.ProvisioningCode"}) {
    if (auto* p = findParam(spec.root, rel)) p->active_notify = ActiveNotify::ForceEnabled;
  }
  if (auto* p = findParam(spec.root, "ManagementServer.ConnectionRequestURL")) {
    p->active_notify = ActiveNotify::ForceDefaultEnabled;
  }
  if (auto* p = findParam(spec.root, "DeviceInfo.UpTime")) {
    p->generator.kind = GeneratorKind::Uptime;
    p->active_notify = ActiveNotify::CanDeny;
  }
  if (auto* p = findParam(spec.root, "Time.CurrentLocalTime")) {
    if (p->type == cwmp::ValueType::DateTime) p->generator.kind = GeneratorKind::Now;
  }
  const std::string root = spec.root.name + ".";
  spec.device_id.manufacturer = escapeBraces(valueOf(rows, root + "DeviceInfo.Manufacturer"));
  std::string oui = valueOf(rows, root + "DeviceInfo.ManufacturerOUI");
  if (!oui.empty()) spec.device_id.oui = escapeBraces(oui);
  spec.device_id.product_class = escapeBraces(valueOf(rows, root + "DeviceInfo.ProductClass"));
  std::string serial = valueOf(rows, root + "DeviceInfo.SerialNumber");
  spec.device_id.serial = !options.serial_pattern.empty()
                              ? options.serial_pattern
                              : escapeBraces(serial.empty() ? "SIM" : serial) + "-{index:06}";
  auto bind = [&](const char* rel, const char* placeholder) {
    if (auto* p = findParam(spec.root, rel)) p->value = placeholder;
  };
  bind("DeviceInfo.Manufacturer", "{manufacturer}");
  bind("DeviceInfo.ManufacturerOUI", "{oui}");
  bind("DeviceInfo.ProductClass", "{product_class}");
  bind("DeviceInfo.SerialNumber", "{serial}");
  if (options.bind_management_urls) {
    std::string url = valueOf(rows, root + "ManagementServer.URL");
    spec.variables["acs_url"] = url.empty() ? "http://127.0.0.1:7547/" : escapeBraces(url);
    spec.variables["cr_url"] = "http://{ip}:7547/cr/{serial}";
    bind("ManagementServer.URL", "{acs_url}");
    bind("ManagementServer.ConnectionRequestURL", "{cr_url}");
  }
}

ProfileSpec buildFromRows(const std::vector<Row>& rows, std::string_view source,
                          const ImportOptions& options) {
  if (rows.empty()) failAt(std::string(source), "the dump holds no parameters");
  ProfileSpec spec;
  spec.origin = std::string(source);
  spec.name = options.name;
  if (spec.name.empty()) {
    std::string_view base = source.substr(source.find_last_of('/') + 1);
    spec.name = std::string(base.substr(0, base.find('.')));
    if (spec.name.empty()) spec.name = "imported";
  }
  spec.description = "imported from " + std::string(source);
  const std::string root_name = split(rows.front().name).front();
  spec.root.name = root_name;
  spec.root.origin = rows.front().origin;
  // Generic paths ("Device.Hosts.Host") of everything followed by an instance number.
  std::set<std::string> tables;
  for (const auto& row : rows) {
    auto segs = split(row.name);
    std::string generic = segs.front();
    for (std::size_t i = 1; i < segs.size(); ++i) {
      if (allDigits(segs[i])) {
        tables.insert(generic);
        generic += ".{i}";
      } else {
        generic += "." + segs[i];
      }
    }
  }
  // Tables whose object or instance rows say whether they are writable, by generic path.
  std::map<std::string, bool> table_writable;
  std::set<std::string> seen;
  for (const auto& row : rows) {
    if (!seen.insert(row.name).second) failAt(row.origin, "'" + row.name + "' appears twice");
    auto segs = split(row.name);
    if (segs.front() != root_name) {
      failAt(row.origin, "'" + row.name + "' is not under the root '" + root_name + ".'");
    }
    const bool is_object = row.name.ends_with('.');
    if (is_object) segs.pop_back();  // the empty segment after the final dot
    ObjectSpec* cur = &spec.root;
    ObjectSpec* outer_table = nullptr;  // outermost table: it holds the instance values
    std::uint32_t outer_instance = 0;
    std::string relative;  // path below the outer instance
    std::string concrete = root_name + ".";
    std::string generic = root_name;
    const std::size_t last = segs.size() - 1;
    for (std::size_t i = 1; i < segs.size(); ++i) {
      const std::string& seg = segs[i];
      if (seg.empty()) failAt(row.origin, "'" + row.name + "' has an empty name segment");
      if (allDigits(seg)) failAt(row.origin, "'" + row.name + "': instance number without a table");
      if (!is_object && i == last) {
        auto type = importType(row.type, row.origin);
        if (type == cwmp::ValueType::Other)
          failAt(row.origin, "a parameter cannot have type object");
        auto it = std::find_if(cur->params.begin(), cur->params.end(),
                               [&](const ParamSpec& p) { return p.name == seg; });
        if (it == cur->params.end()) {
          ParamSpec p;
          p.name = seg;
          p.type = type;
          p.writable = row.writable.value_or(false);
          p.origin = row.origin;
          // Instances the ACS adds start from the type's neutral value.
          if (outer_table) p.value = neutralValue(type);
          cur->params.push_back(std::move(p));
          it = cur->params.end() - 1;
        }
        if (!cwmp::isValidValue(it->type, row.value)) {
          failAt(row.origin, "value '" + row.value + "' of '" + row.name + "' is not a valid " +
                                 std::string(cwmp::valueTypeName(it->type)));
        }
        if (outer_table) {
          outer_table->instance_values[outer_instance][relative + seg] = escapeBraces(row.value);
        } else {
          it->value = escapeBraces(row.value);
        }
        break;
      }
      generic += "." + seg;
      const bool table = tables.contains(generic);
      ObjectSpec& next = child(*cur, seg, table, row.origin);
      concrete += seg + ".";
      cur = &next;
      if (!table) {
        if (outer_table) relative += seg + ".";
        continue;
      }
      if (i == last) {
        // The table's own row ("Device.Hosts.Host."): Writable means AddObject is allowed.
        if (row.writable) table_writable[generic] = *row.writable;
        break;
      }
      auto n = yamlutil::toUnsigned(segs[i + 1]);
      if (!allDigits(segs[i + 1]) || !n || *n == 0 || *n > UINT32_MAX) {
        failAt(row.origin, "'" + row.name + "': '" + seg +
                               "' is a table, so an instance number "
                               "must follow it");
      }
      auto number = static_cast<std::uint32_t>(*n);
      std::vector<std::uint32_t>& list = outer_table ? next.instances_at[concrete] : next.instances;
      if (std::find(list.begin(), list.end(), number) == list.end()) list.push_back(number);
      if (!outer_table) {
        outer_table = &next;
        outer_instance = number;
        relative.clear();
      } else {
        relative += seg + "." + segs[i + 1] + ".";
      }
      concrete += segs[i + 1] + ".";
      ++i;
      // An instance row ("Device.Hosts.Host.3."): Writable means DeleteObject is allowed.
      if (is_object && i == last && row.writable) {
        table_writable[generic] = table_writable[generic] || *row.writable;
      }
      generic += ".{i}";
    }
  }
  std::function<void(ObjectSpec&, const std::string&)> finish = [&](ObjectSpec& o,
                                                                    const std::string& path) {
    if (o.is_table) {
      auto it = table_writable.find(path);
      o.writable = it != table_writable.end() ? it->second : options.tables_writable_by_default;
      std::sort(o.instances.begin(), o.instances.end());
    }
    for (auto& c : o.children) finish(c, path + (o.is_table ? ".{i}." : ".") + c.name);
  };
  for (auto& c : spec.root.children) finish(c, root_name + "." + c.name);
  applyStandardAttributes(spec, rows, options);
  return spec;
}

// RFC 4180 CSV: fields separated by commas, optionally quoted with "" as an escaped quote.
std::vector<std::vector<std::string>> parseCsv(std::string_view text, std::string_view source,
                                               std::vector<std::size_t>& line_of) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  std::size_t line = 1;
  std::size_t row_line = 1;
  auto end_row = [&]() {
    row.push_back(std::move(field));
    field.clear();
    bool blank = row.size() == 1 && row[0].empty() && !field_started;
    bool comment = !row.empty() && !row[0].empty() && row[0][0] == '#';
    if (!blank && !comment) {
      rows.push_back(std::move(row));
      line_of.push_back(row_line);
    }
    row.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      end_row();
      ++line;
      row_line = line;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted)
    failAt(std::string(source) + ":" + std::to_string(row_line), "unterminated quoted field");
  if (!field.empty() || !row.empty() || field_started) end_row();
  return rows;
}

std::optional<bool> parseWritable(const std::string& text, const std::string& origin) {
  if (text.empty()) return std::nullopt;
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "true" || t == "1" || t == "yes") return true;
  if (t == "false" || t == "0" || t == "no") return false;
  failAt(origin, "writable must be true or false, not '" + text + "'");
}

}  // namespace

Result<ProfileSpec> parseParameterCsv(std::string_view text, std::string_view source,
                                      const ImportOptions& options) {
  try {
    std::vector<std::size_t> lines;
    auto table = parseCsv(text, source, lines);
    std::size_t first = 0;
    // Column order from an optional header line.
    std::array<int, 4> col = {0, 1, 2, 3};  // name, type, writable, value
    if (!table.empty()) {
      std::vector<std::string> lower;
      for (auto f : table[0]) {
        std::transform(f.begin(), f.end(), f.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        lower.push_back(f);
      }
      auto pos = [&](const char* n) {
        auto it = std::find(lower.begin(), lower.end(), n);
        return it == lower.end() ? -1 : static_cast<int>(it - lower.begin());
      };
      if (pos("name") >= 0) {
        col = {pos("name"), pos("type"), pos("writable"), pos("value")};
        if (col[3] < 0) {
          failAt(std::string(source) + ":1", "the header names no 'value' column");
        }
        first = 1;
      }
    }
    std::vector<Row> rows;
    for (std::size_t i = first; i < table.size(); ++i) {
      const auto& f = table[i];
      std::string origin = std::string(source) + ":" + std::to_string(lines[i]);
      auto get = [&](int c) -> std::string {
        if (c < 0) return {};
        if (static_cast<std::size_t>(c) >= f.size()) {
          failAt(origin,
                 "expected 4 fields (name,type,writable,value), got " + std::to_string(f.size()));
        }
        return f[static_cast<std::size_t>(c)];
      };
      Row r;
      r.origin = origin;
      r.name = get(col[0]);
      if (r.name.empty()) failAt(origin, "empty parameter name");
      r.type = get(col[1]);
      r.writable = parseWritable(get(col[2]), origin);
      r.value = get(col[3]);
      rows.push_back(std::move(r));
    }
    return buildFromRows(rows, source, options);
  } catch (const LoadError& e) {
    return yamlutil::toError(e.what());
  }
}

Result<ProfileSpec> parseParameterExport(std::string_view text, std::string_view source,
                                         const ImportOptions& options) {
  yamlutil::Reader r{std::string(source)};
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    YAML::Node items = doc;
    if (doc.IsMap()) {
      items = doc["items"];
      if (!items) r.fail(doc, "expected {\"items\": [...]} or a list of parameters");
    }
    if (!items.IsSequence()) r.fail(items, "the parameter list must be a list");
    std::vector<Row> rows;
    for (const auto& item : items) {
      r.expectMap(item, "a parameter");
      Row row;
      row.origin = r.where(item);
      bool has_name = false;
      for (const auto& kv : item) {
        std::string k = r.string(kv.first, "field");
        const YAML::Node& v = kv.second;
        if (k == "name") {
          row.name = r.string(v, "name");
          has_name = true;
        } else if (k == "value") {
          row.value = v.IsNull() ? "" : r.string(v, "value");
        } else if (k == "type") {
          row.type = v.IsNull() ? "" : r.string(v, "type");
        } else if (k == "writable") {
          if (!v.IsNull()) row.writable = r.boolean(v, "writable");
        }
        // Other fields (last_updated, ...) are not part of a profile.
      }
      if (!has_name || row.name.empty()) r.fail(item, "a parameter without a name");
      rows.push_back(std::move(row));
    }
    return buildFromRows(rows, source, options);
  } catch (const LoadError& e) {
    return yamlutil::toError(e.what());
  } catch (const YAML::Exception& e) {
    return yamlutil::toError(r.where(e.mark) + ": " + e.msg);
  }
}

}  // namespace cpesim
