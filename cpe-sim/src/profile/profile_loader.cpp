// YAML profiles (format: cpe-sim/profiles/README.md) and loadProfileFile().
//
// yaml-cpp reports errors by exception; they are caught here and never leave this file.
// Every error names "<source>:<line>:<column>".

#include "profile/profile_loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "profile/yaml_util.h"
#include "quirks/quirk_parse.h"
#include <yaml-cpp/yaml.h>

#include "cwmp/value.h"

namespace cpesim {
namespace {

using yamlutil::LoadError;
using yamlutil::Reader;

struct TypeInfo {
  cwmp::ValueType type = cwmp::ValueType::String;
  std::uint32_t max_length = 0;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

std::optional<cwmp::ValueType> baseType(std::string_view name) {
  using cwmp::ValueType;
  if (name.starts_with("xsd:")) name.remove_prefix(4);
  static const std::pair<std::string_view, ValueType> kTypes[] = {
      {"string", ValueType::String},
      {"int", ValueType::Int},
      {"unsignedInt", ValueType::UnsignedInt},
      {"long", ValueType::Long},
      {"unsignedLong", ValueType::UnsignedLong},
      {"boolean", ValueType::Boolean},
      {"dateTime", ValueType::DateTime},
      {"base64", ValueType::Base64},
      {"base64Binary", ValueType::Base64},
      {"hexBinary", ValueType::HexBinary},
  };
  for (const auto& [n, t] : kTypes) {
    if (n == name) return t;
  }
  return std::nullopt;
}

bool isNumeric(cwmp::ValueType t) {
  using cwmp::ValueType;
  return t == ValueType::Int || t == ValueType::UnsignedInt || t == ValueType::Long ||
         t == ValueType::UnsignedLong;
}

// "string(64)", "unsignedInt[1:65535]", "int[-1:]", "xsd:boolean".
TypeInfo parseType(const Reader& r, const YAML::Node& node) {
  std::string text = r.string(node, "type");
  TypeInfo info;
  std::string_view base = text;
  if (auto open = base.find('('); open != std::string_view::npos) {
    if (!base.ends_with(')')) r.fail(node, "type '" + text + "': missing ')'");
    std::string_view inner = base.substr(open + 1, base.size() - open - 2);
    auto n = yamlutil::toUnsigned(inner);
    if (!n || *n == 0 || *n > 1'000'000) r.fail(node, "type '" + text + "': bad length");
    info.max_length = static_cast<std::uint32_t>(*n);
    base = base.substr(0, open);
  } else if (auto open_r = base.find('['); open_r != std::string_view::npos) {
    if (!base.ends_with(']')) r.fail(node, "type '" + text + "': missing ']'");
    std::string_view inner = base.substr(open_r + 1, base.size() - open_r - 2);
    auto colon = inner.find(':');
    if (colon == std::string_view::npos) r.fail(node, "type '" + text + "': range needs 'min:max'");
    auto lo = inner.substr(0, colon);
    auto hi = inner.substr(colon + 1);
    if (!lo.empty()) {
      info.min = yamlutil::toSigned(lo);
      if (!info.min) r.fail(node, "type '" + text + "': bad minimum");
    }
    if (!hi.empty()) {
      info.max = yamlutil::toSigned(hi);
      if (!info.max) r.fail(node, "type '" + text + "': bad maximum");
    }
    base = base.substr(0, open_r);
  }
  auto t = baseType(base);
  if (!t) {
    r.fail(node, "unknown type '" + text +
                     "' (expected string, int, unsignedInt, long, unsignedLong, boolean, "
                     "dateTime, base64 or hexBinary, optionally string(N) or int[min:max])");
  }
  info.type = *t;
  if (info.max_length != 0 && (isNumeric(info.type) || info.type == cwmp::ValueType::Boolean ||
                               info.type == cwmp::ValueType::DateTime)) {
    r.fail(node, "type '" + text + "': a length limit needs string, base64 or hexBinary");
  }
  if ((info.min || info.max) && !isNumeric(info.type)) {
    r.fail(node, "type '" + text + "': a range needs a numeric type");
  }
  return info;
}

std::string defaultValue(cwmp::ValueType t) {
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

ActiveNotify parseActiveNotify(const Reader& r, const YAML::Node& node) {
  std::string s = r.string(node, "active_notify");
  if (s == "normal") return ActiveNotify::Normal;
  if (s == "forceEnabled") return ActiveNotify::ForceEnabled;
  if (s == "forceDefaultEnabled") return ActiveNotify::ForceDefaultEnabled;
  if (s == "canDeny") return ActiveNotify::CanDeny;
  r.fail(node, "active_notify '" + s +
                   "' is not one of normal, forceEnabled, forceDefaultEnabled, canDeny");
}

GeneratorSpec parseGenerator(const Reader& r, const YAML::Node& node) {
  GeneratorSpec g;
  if (node.IsScalar()) {
    std::string s = node.Scalar();
    if (s == "uptime")
      g.kind = GeneratorKind::Uptime;
    else if (s == "now")
      g.kind = GeneratorKind::Now;
    else
      r.fail(node, "generator '" + s + "' is not uptime, now, counter, choice or count");
    return g;
  }
  if (!node.IsMap() || node.size() != 1) {
    r.fail(node,
           "a generator is 'uptime', 'now' or one of {counter: ...}, {choice: ...}, "
           "{count: Table}");
  }
  // yaml-cpp iterators hand out temporaries: copy the (reference-counted) nodes.
  auto it = node.begin();
  const YAML::Node key = it->first;
  const YAML::Node body = it->second;
  std::string kind = r.string(key, "generator");
  if (kind == "counter") {
    g.kind = GeneratorKind::Counter;
    r.expectMap(body, "counter");
    for (const auto& kv : body) {
      std::string k = r.string(kv.first, "counter option");
      if (k == "rate")
        g.rate = r.number(kv.second, "rate");
      else if (k == "start")
        g.start = r.unsignedValue(kv.second, "start", UINT64_MAX);
      else if (k == "spread")
        g.spread = r.number(kv.second, "spread");
      else
        r.fail(kv.first, "unknown counter option '" + k + "' (rate, start, spread)");
    }
    if (g.rate < 0) r.fail(body, "counter rate must not be negative");
    if (g.spread < 0 || g.spread > 1) r.fail(body, "counter spread must be 0..1");
  } else if (kind == "choice") {
    g.kind = GeneratorKind::Choice;
    if (body.IsSequence()) {
      g.choices = r.strings(body, "choice");
    } else {
      r.expectMap(body, "choice");
      for (const auto& kv : body) {
        std::string k = r.string(kv.first, "choice option");
        if (k == "values")
          g.choices = r.strings(kv.second, "values");
        else if (k == "period")
          g.period_s = static_cast<std::uint32_t>(r.unsignedValue(kv.second, "period", UINT32_MAX));
        else
          r.fail(kv.first, "unknown choice option '" + k + "' (values, period)");
      }
    }
    if (g.choices.empty()) r.fail(body, "choice needs at least one value");
  } else if (kind == "count") {
    g.kind = GeneratorKind::Count;
    g.count_path = r.string(body, "count");
    if (g.count_path.ends_with(".{i}.")) g.count_path.resize(g.count_path.size() - 5);
    if (g.count_path.ends_with(".")) g.count_path.pop_back();
  } else {
    r.fail(key, "generator '" + kind + "' is not uptime, now, counter, choice or count");
  }
  return g;
}

ParamSpec parseParam(const Reader& r, const std::string& name, const YAML::Node& key,
                     const YAML::Node& v) {
  ParamSpec p;
  p.name = name;
  p.origin = r.where(key);
  if (v.IsNull()) r.fail(key, "parameter '" + name + "' has no value (write \"\" for empty)");
  if (v.IsScalar()) {
    p.value = v.Scalar();
    return p;
  }
  if (!v.IsMap()) r.fail(v, "parameter '" + name + "' must be a value or a mapping");
  bool has_value = false;
  TypeInfo type;
  for (const auto& kv : v) {
    std::string k = r.string(kv.first, "parameter option");
    const YAML::Node& val = kv.second;
    if (k == "type") {
      type = parseType(r, val);
    } else if (k == "value") {
      if (!val.IsScalar()) r.fail(val, "value of '" + name + "' must be a scalar");
      p.value = val.Scalar();
      has_value = true;
    } else if (k == "writable") {
      p.writable = r.boolean(val, "writable");
    } else if (k == "forced") {
      p.forced_inform = r.boolean(val, "forced");
    } else if (k == "notification") {
      p.notification = static_cast<std::int32_t>(r.unsignedValue(val, "notification", 6));
    } else if (k == "active_notify") {
      p.active_notify = parseActiveNotify(r, val);
    } else if (k == "max_length") {
      p.max_length = static_cast<std::uint32_t>(r.unsignedValue(val, "max_length", 1'000'000));
    } else if (k == "range") {
      if (!val.IsSequence() || val.size() != 2) r.fail(val, "range must be [min, max]");
      if (!val[0].IsNull()) p.min = r.signedValue(val[0], "range minimum");
      if (!val[1].IsNull()) p.max = r.signedValue(val[1], "range maximum");
    } else if (k == "enum") {
      p.enumeration = r.strings(val, "enum");
    } else if (k == "generator") {
      p.generator = parseGenerator(r, val);
    } else if (k == "reboot_required") {
      p.reboot_required = r.boolean(val, "reboot_required");
    } else {
      r.fail(kv.first, "unknown option '" + k + "' of parameter '" + name +
                           "' (type, value, writable, forced, notification, active_notify, "
                           "range, max_length, enum, generator, reboot_required)");
    }
  }
  p.type = type.type;
  if (type.max_length != 0) p.max_length = type.max_length;
  if (type.min) p.min = type.min;
  if (type.max) p.max = type.max;
  if (!has_value) p.value = defaultValue(p.type);
  return p;
}

ObjectSpec parseObject(const Reader& r, const std::string& key, const YAML::Node& key_node,
                       const YAML::Node& body) {
  ObjectSpec o;
  o.origin = r.where(key_node);
  if (key.ends_with(".{i}.")) {
    o.is_table = true;
    o.name = key.substr(0, key.size() - 5);
  } else {
    o.name = key.substr(0, key.size() - 1);
  }
  if (o.name.find('.') != std::string::npos || o.name.find('{') != std::string::npos) {
    r.fail(key_node, "object key '" + key + "' must be one name followed by '.' or '.{i}.'");
  }
  if (body.IsNull()) return o;
  r.expectMap(body, "object '" + key + "'");
  for (const auto& kv : body) {
    std::string k = r.string(kv.first, "name");
    if (k.empty()) r.fail(kv.first, "empty name");
    if (k.ends_with('.')) {
      o.children.push_back(parseObject(r, k, kv.first, kv.second));
      continue;
    }
    if (std::islower(static_cast<unsigned char>(k[0]))) {
      if (!o.is_table) {
        r.fail(kv.first, "'" + k +
                             "': only tables (Name.{i}.) take options; parameter names "
                             "start with an upper-case letter");
      }
      if (k == "instances") {
        if (kv.second.IsSequence()) {
          for (const auto& n : kv.second) {
            o.instances.push_back(
                static_cast<std::uint32_t>(r.unsignedValue(n, "instance", UINT32_MAX)));
          }
        } else {
          auto count = r.unsignedValue(kv.second, "instances", 100'000);
          for (std::uint32_t i = 1; i <= count; ++i) o.instances.push_back(i);
        }
      } else if (k == "writable") {
        o.writable = r.boolean(kv.second, "writable");
      } else if (k == "max_instances") {
        o.max_instances =
            static_cast<std::uint32_t>(r.unsignedValue(kv.second, "max_instances", UINT32_MAX));
      } else if (k == "values") {
        r.expectMap(kv.second, "values");
        for (const auto& inst : kv.second) {
          auto n = static_cast<std::uint32_t>(r.unsignedValue(inst.first, "instance", UINT32_MAX));
          r.expectMap(inst.second, "values of instance " + std::to_string(n));
          for (const auto& pv : inst.second) {
            if (!pv.second.IsScalar()) r.fail(pv.second, "instance values must be scalars");
            o.instance_values[n][r.string(pv.first, "parameter")] = pv.second.Scalar();
          }
        }
      } else if (k == "instances_at") {
        r.expectMap(kv.second, "instances_at");
        for (const auto& at : kv.second) {
          auto& list = o.instances_at[r.string(at.first, "table occurrence")];
          for (const auto& n : at.second) {
            list.push_back(static_cast<std::uint32_t>(r.unsignedValue(n, "instance", UINT32_MAX)));
          }
        }
      } else {
        r.fail(kv.first, "unknown table option '" + k +
                             "' (instances, writable, max_instances, values, instances_at)");
      }
      continue;
    }
    o.params.push_back(parseParam(r, k, kv.first, kv.second));
  }
  return o;
}

std::optional<cwmp::CwmpNamespace> parseNamespace(std::string_view v) {
  static const std::pair<std::string_view, cwmp::CwmpNamespace> kNs[] = {
      {"1.0", cwmp::CwmpNamespace::V1_0},
      {"1.1", cwmp::CwmpNamespace::V1_1},
      {"1.2", cwmp::CwmpNamespace::V1_2},
      {"1.3", cwmp::CwmpNamespace::V1_3},
      {"1.4", cwmp::CwmpNamespace::V1_4}};
  for (const auto& [n, ns] : kNs) {
    if (n == v) return ns;
  }
  return std::nullopt;
}

void parseCwmp(const Reader& r, const YAML::Node& node, CwmpSettings& c) {
  r.expectMap(node, "cwmp");
  for (const auto& kv : node) {
    std::string k = r.string(kv.first, "cwmp option");
    if (k == "version") {
      c.version = r.string(kv.second, "version");
    } else if (k == "namespace") {
      auto ns = parseNamespace(r.string(kv.second, "namespace"));
      if (!ns) r.fail(kv.second, "namespace must be 1.0 .. 1.4 (urn:dslforum-org:cwmp-1-N)");
      c.ns = *ns;
    } else if (k == "supported_versions") {
      c.supported_versions = kv.second.IsNull() ? "" : r.string(kv.second, "supported_versions");
    } else if (k == "session_timeout") {
      c.session_timeout =
          static_cast<std::uint32_t>(r.unsignedValue(kv.second, "session_timeout", UINT32_MAX));
    } else {
      r.fail(kv.first, "unknown cwmp option '" + k +
                           "' (version, namespace, supported_versions, session_timeout)");
    }
  }
}

void parseTransfers(const Reader& r, const YAML::Node& node, TransferSettings& t) {
  r.expectMap(node, "transfers");
  for (const auto& kv : node) {
    std::string k = r.string(kv.first, "transfers option");
    if (k == "schemes") {
      t.schemes = r.strings(kv.second, "schemes");
      for (auto& s : t.schemes) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
    } else if (k == "max_queued") {
      t.max_queued = static_cast<std::uint32_t>(r.unsignedValue(kv.second, "max_queued", 16));
    } else if (k == "firmware_version_param") {
      t.firmware_version_param = r.string(kv.second, "firmware_version_param");
    } else if (k == "reboot_seconds") {
      t.reboot_seconds =
          static_cast<std::uint32_t>(r.unsignedValue(kv.second, "reboot_seconds", 86400));
    } else {
      r.fail(kv.first, "unknown transfers option '" + k +
                           "' (schemes, max_queued, firmware_version_param, reboot_seconds)");
    }
  }
}

// A quirk value as the text after `name=`: a scalar as written.
void applyQuirkNode(const Reader& r, const YAML::Node& node, const std::string& name, Quirks& q) {
  if (auto error = applyQuirk(q, name + "=" + r.string(node, name))) r.fail(node, *error);
}

// The list form: `["reply_delay_ms=250", "defect=spv-not-atomic", "share=0.1"]`, the same
// assignments `--quirk` takes, plus `share=X`.
void parseQuirkList(const Reader& r, const YAML::Node& node, Quirks& q) {
  for (const auto& item : node) {
    std::string assignment = r.string(item, "quirks entry");
    std::string_view text = assignment;
    std::size_t eq = text.find('=');
    std::string_view name = text.substr(0, eq);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::optional<std::string> error;
    if (eq != std::string_view::npos && name == "share") {
      error = applyQuirkShare(q, text.substr(eq + 1));
    } else {
      error = applyQuirk(q, text);
    }
    if (error) r.fail(item, *error);
  }
}

// The map form: `share:` plus any quirk name of `--quirk` as a key (the repeatable ones,
// defect, rpc_fault, extra_event, omit_event, also take a list), and the older spellings
// rpc_faults (a list of {method, code, message}), extra_events and omitted_events.
void parseQuirks(const Reader& r, const YAML::Node& node, Quirks& q) {
  if (node.IsSequence()) {
    parseQuirkList(r, node, q);
    return;
  }
  if (!node.IsMap()) {
    r.fail(node, "quirks must be a mapping (name: value) or a list of \"name=value\" entries");
  }
  for (const auto& kv : node) {
    std::string k = r.string(kv.first, "quirk");
    const YAML::Node& v = kv.second;
    if (k == "share") {
      if (auto error = applyQuirkShare(q, r.string(v, "share"))) r.fail(v, *error);
    } else if (k == "rpc_faults") {
      if (!v.IsSequence()) r.fail(v, "rpc_faults must be a list of {method, code, message}");
      for (const auto& f : v) {
        r.expectMap(f, "rpc_faults entry");
        RpcFaultQuirk q_f;
        bool has_method = false;
        for (const auto& fk : f) {
          std::string name = r.string(fk.first, "rpc_faults option");
          if (name == "method") {
            q_f.method = r.string(fk.second, "method");
            has_method = true;
          } else if (name == "code") {
            q_f.code = static_cast<std::uint32_t>(r.unsignedValue(fk.second, "code", 9899));
            if (q_f.code < 9000) r.fail(fk.second, "code must be a CPE fault code 9000..9899");
          } else if (name == "message") {
            q_f.message = r.string(fk.second, "message");
          } else {
            r.fail(fk.first, "unknown rpc_faults option '" + name + "' (method, code, message)");
          }
        }
        if (!has_method) r.fail(f, "rpc_faults entry without a method");
        q.rpc_faults.push_back(std::move(q_f));
      }
    } else if (k == "extra_events" || k == "omitted_events") {
      if (!v.IsSequence()) r.fail(v, k + " must be a list");
      for (const auto& item : v) {
        applyQuirkNode(r, item, k == "extra_events" ? "extra_event" : "omit_event", q);
      }
    } else if (v.IsSequence() &&
               (k == "defect" || k == "rpc_fault" || k == "extra_event" || k == "omit_event")) {
      for (const auto& item : v) applyQuirkNode(r, item, k, q);
    } else if (!v.IsScalar()) {
      r.fail(v, "quirk " + k + " takes a single value");
    } else {
      applyQuirkNode(r, v, k, q);
    }
  }
}

ProfileSpec parseDocument(const Reader& r, const YAML::Node& doc) {
  if (!doc.IsMap()) r.fail(doc, "a profile is a mapping (name:, device_id:, model:, ...)");
  ProfileSpec spec;
  spec.origin = r.where(doc);
  bool has_model = false;
  for (const auto& kv : doc) {
    std::string k = r.string(kv.first, "key");
    const YAML::Node& v = kv.second;
    if (k == "name") {
      spec.name = r.string(v, "name");
    } else if (k == "description") {
      spec.description = r.string(v, "description");
    } else if (k == "seed") {
      spec.seed = r.unsignedValue(v, "seed", UINT64_MAX);
    } else if (k == "device_id") {
      r.expectMap(v, "device_id");
      for (const auto& d : v) {
        std::string dk = r.string(d.first, "device_id field");
        if (dk == "manufacturer")
          spec.device_id.manufacturer = r.string(d.second, dk);
        else if (dk == "oui")
          spec.device_id.oui = r.string(d.second, dk);
        else if (dk == "product_class")
          spec.device_id.product_class = r.string(d.second, dk);
        else if (dk == "serial")
          spec.device_id.serial = r.string(d.second, dk);
        else
          r.fail(d.first,
                 "unknown device_id field '" + dk + "' (manufacturer, oui, product_class, serial)");
      }
    } else if (k == "variables") {
      r.expectMap(v, "variables");
      for (const auto& var : v)
        spec.variables[r.string(var.first, "variable")] = r.string(var.second, "variable value");
    } else if (k == "mac_base") {
      spec.mac_base = r.string(v, "mac_base");
    } else if (k == "ip_base") {
      spec.ip_base = r.string(v, "ip_base");
    } else if (k == "cwmp") {
      parseCwmp(r, v, spec.cwmp);
    } else if (k == "rpcs") {
      spec.rpcs = r.strings(v, "rpcs");
    } else if (k == "transfers") {
      parseTransfers(r, v, spec.transfers);
    } else if (k == "quirks") {
      parseQuirks(r, v, spec.quirks);
    } else if (k == "model") {
      r.expectMap(v, "model");
      if (v.size() != 1) r.fail(v, "model holds exactly one root object, e.g. 'Device.:'");
      auto root = v.begin();
      const YAML::Node root_key_node = root->first;
      const YAML::Node root_body = root->second;
      std::string root_key = r.string(root_key_node, "root object");
      if (!root_key.ends_with('.') || root_key.ends_with(".{i}.")) {
        r.fail(root_key_node, "the root object key must end with '.', e.g. 'Device.'");
      }
      spec.root = parseObject(r, root_key, root_key_node, root_body);
      has_model = true;
    } else {
      r.fail(kv.first, "unknown profile key '" + k +
                           "' (name, description, seed, device_id, variables, mac_base, "
                           "ip_base, cwmp, rpcs, transfers, quirks, model)");
    }
  }
  if (spec.name.empty()) r.fail(doc, "the profile has no name");
  if (!has_model) r.fail(doc, "the profile has no model");
  return spec;
}

std::string readFile(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ok = false;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  ok = static_cast<bool>(in) || in.eof();
  return s.str();
}

}  // namespace

Result<ProfileSpec> parseProfileYaml(std::string_view text, std::string_view source) {
  Reader r{std::string(source)};
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    return parseDocument(r, doc);
  } catch (const LoadError& e) {
    return yamlutil::toError(e.what());
  } catch (const YAML::Exception& e) {
    return yamlutil::toError(r.where(e.mark) + ": " + e.msg);
  }
}

Result<ProfilePtr> loadProfileYaml(std::string_view text, std::string_view source) {
  auto spec = parseProfileYaml(text, source);
  if (!spec) return spec.error();
  return Profile::build(std::move(*spec));
}

Result<ProfilePtr> loadProfileFile(const std::string& path, const ImportOptions& options) {
  bool ok = true;
  std::string text = readFile(path, ok);
  if (!ok) return yamlutil::toError(path + ": cannot read the file");
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Result<ProfileSpec> spec = yamlutil::toError("");
  if (lower.ends_with(".yaml") || lower.ends_with(".yml")) {
    spec = parseProfileYaml(text, path);
  } else if (lower.ends_with(".csv")) {
    spec = parseParameterCsv(text, path, options);
  } else if (lower.ends_with(".json")) {
    spec = parseParameterExport(text, path, options);
  } else {
    return yamlutil::toError(path + ": unknown profile format (use .yaml, .yml, .csv or .json)");
  }
  if (!spec) return spec.error();
  return Profile::build(std::move(*spec));
}

}  // namespace cpesim
