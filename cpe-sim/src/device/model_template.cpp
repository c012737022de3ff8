#include "device/model_template.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "device/stable_hash.h"

#include "cwmp/value.h"

namespace cpesim {
namespace {

cwmp::Error invalid(const std::string& origin, const std::string& what) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = origin.empty() ? what : origin + ": " + what;
  return e;
}

// Segments are what TR-106 allows in names: letters, digits, '_' and '-'; they start with a
// letter or '_' (vendor names are X_...).
bool validSegment(std::string_view s) {
  if (s.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool hasPlaceholder(std::string_view v) { return v.find('{') != std::string_view::npos; }

}  // namespace

class TemplateBuilder {
 public:
  explicit TemplateBuilder(ModelTemplate& t) : t_(t) {}

  cwmp::Result<bool> run(const ObjectSpec& root) {
    if (!validSegment(root.name)) {
      return invalid(root.origin, "root object name '" + root.name + "' is not a valid name");
    }
    if (root.is_table) return invalid(root.origin, "the root object cannot be a table");
    auto r = addSchema(root, kNoNode, NodeKind::Object);
    if (!r) return r.error();
    std::vector<Context> contexts;
    auto e = expand(root, *r, root.name + ".", kNoNode, 0, contexts);
    if (!e) return e.error();
    for (const ObjectSpec* spec : with_values_) {
      const auto& used = overrides_used_[spec];
      for (const auto& [instance, values] : spec->instance_values) {
        for (const auto& [path, value] : values) {
          if (!used.contains(std::to_string(instance) + "." + path)) {
            return invalid(spec->origin, "instance " + std::to_string(instance) + " of '" +
                                             spec->name + "' has no parameter '" + path + "'");
          }
        }
      }
    }
    for (const ObjectSpec* spec : with_instances_at_) {
      const auto& used = instances_at_used_[spec];
      for (const auto& [name, numbers] : spec->instances_at) {
        if (!used.contains(name)) {
          return invalid(spec->origin, "table '" + spec->name + "': instances_at names '" + name +
                                           "', which is not an occurrence of the table");
        }
      }
    }
    std::uint64_t h = 0;
    for (const auto& n : t_.nodes_) {
      for (char c : n.name) h = mix64(h ^ static_cast<unsigned char>(c));
      const auto& sn = t_.schema_[n.schema];
      h = mix64(h ^ (static_cast<std::uint64_t>(sn.kind) << 8) ^ (sn.writable ? 1u : 0u));
      if (sn.kind == NodeKind::Parameter) {
        h = mix64(h ^ static_cast<std::uint64_t>(t_.params_[sn.param].type));
      }
    }
    for (const auto& sn : t_.schema_) {
      for (char c : sn.name) h = mix64(h ^ static_cast<unsigned char>(c));
      h = mix64(h ^ sn.parent);
    }
    t_.fingerprint_ = h;
    t_.by_name_.reserve(t_.nodes_.size());
    for (std::uint32_t i = 0; i < t_.nodes_.size(); ++i) {
      t_.by_name_.emplace(t_.nodes_[i].name, i);
      if (t_.kind(i) == NodeKind::Parameter) {
        ++t_.parameter_count_;
        if (t_.param(t_.nodes_[i].schema).forced_inform) t_.forced_.push_back(i);
      }
    }
    return true;
  }

 private:
  struct Context {
    const ObjectSpec* table;  // whose instance_values apply
    std::uint32_t instance;
    std::string relative;  // path from that instance to the current object
  };

  cwmp::Result<std::uint32_t> addSchema(const ObjectSpec& spec, std::uint32_t parent,
                                        NodeKind kind) {
    auto id = static_cast<std::uint32_t>(t_.schema_.size());
    SchemaNode node;
    node.name = spec.name;
    node.kind = kind;
    node.parent = parent;
    t_.schema_.push_back(std::move(node));
    std::uint32_t holder = id;  // the node whose children are the spec's members
    if (spec.is_table) {
      t_.schema_[id].writable = spec.writable;
      t_.schema_[id].max_instances = spec.max_instances;
      holder = static_cast<std::uint32_t>(t_.schema_.size());
      SchemaNode inst;
      inst.name = "{i}";
      inst.kind = NodeKind::Instance;
      inst.parent = id;
      t_.schema_.push_back(std::move(inst));
      t_.schema_[id].children.push_back(holder);
      auto ok = checkTable(spec);
      if (!ok) return ok.error();
      if (!spec.instances_at.empty()) with_instances_at_.push_back(&spec);
      if (!spec.instance_values.empty()) with_values_.push_back(&spec);
    }
    spec_schema_[&spec] = holder;
    std::set<std::string> seen;
    for (const auto& p : spec.params) {
      if (!validSegment(p.name)) {
        return invalid(p.origin, "parameter name '" + p.name + "' is not a valid name");
      }
      if (!seen.insert(p.name).second) {
        return invalid(p.origin, "duplicate name '" + p.name + "' in object '" + spec.name + "'");
      }
      auto ok = checkParam(p, spec);
      if (!ok) return ok.error();
      auto pid = static_cast<std::uint32_t>(t_.schema_.size());
      SchemaNode node_p;
      node_p.name = p.name;
      node_p.kind = NodeKind::Parameter;
      node_p.parent = holder;
      node_p.param = static_cast<std::uint32_t>(t_.params_.size());
      ParamInfo info;
      info.type = p.type;
      info.writable = p.writable;
      info.forced_inform = p.forced_inform;
      info.active_notify = p.active_notify;
      info.notification =
          static_cast<std::uint8_t>(p.active_notify == ActiveNotify::ForceEnabled ||
                                            p.active_notify == ActiveNotify::ForceDefaultEnabled
                                        ? 2
                                        : p.notification);
      info.reboot_required = p.reboot_required;
      info.min = p.min;
      info.max = p.max;
      info.max_length = p.max_length;
      info.enumeration = p.enumeration;
      info.generator = p.generator;
      info.value = p.value;
      t_.params_.push_back(std::move(info));
      t_.schema_.push_back(std::move(node_p));
      t_.schema_[holder].children.push_back(pid);
    }
    for (const auto& c : spec.children) {
      if (!validSegment(c.name)) {
        return invalid(c.origin, "object name '" + c.name + "' is not a valid name");
      }
      if (!seen.insert(c.name).second) {
        return invalid(c.origin, "duplicate name '" + c.name + "' in object '" + spec.name + "'");
      }
      auto child = addSchema(c, holder, c.is_table ? NodeKind::Table : NodeKind::Object);
      if (!child) return child.error();
      t_.schema_[holder].children.push_back(*child);
    }
    // Count generators name a sibling table: check it exists now that siblings are known.
    for (const auto& p : spec.params) {
      if (p.generator.kind != GeneratorKind::Count) continue;
      auto it = std::find_if(spec.children.begin(), spec.children.end(),
                             [&](const ObjectSpec& c) { return c.name == p.generator.count_path; });
      if (it == spec.children.end() || !it->is_table) {
        return invalid(p.origin, "parameter '" + p.name + "' counts '" + p.generator.count_path +
                                     "', which is not a table in the same object");
      }
    }
    return id;
  }

  static cwmp::Result<bool> checkTable(const ObjectSpec& spec) {
    std::set<std::uint32_t> seen;
    for (auto n : spec.instances) {
      if (n == 0)
        return invalid(spec.origin, "table '" + spec.name + "': instance numbers start at 1");
      if (!seen.insert(n).second) {
        return invalid(spec.origin, "table '" + spec.name + "': instance " + std::to_string(n) +
                                        " is listed twice");
      }
    }
    if (spec.max_instances != 0 && spec.instances.size() > spec.max_instances) {
      return invalid(spec.origin, "table '" + spec.name + "' has " +
                                      std::to_string(spec.instances.size()) +
                                      " instances, more than max_instances " +
                                      std::to_string(spec.max_instances));
    }
    for (const auto& [name, numbers] : spec.instances_at) {
      std::set<std::uint32_t> here;
      for (auto n : numbers) {
        if (n == 0 || !here.insert(n).second) {
          return invalid(spec.origin, "table '" + spec.name + "': bad instance list for " + name);
        }
        seen.insert(n);
      }
      if (spec.max_instances != 0 && numbers.size() > spec.max_instances) {
        return invalid(spec.origin,
                       "table '" + spec.name + "': more instances than max_instances at " + name);
      }
    }
    for (const auto& [n, values] : spec.instance_values) {
      if (!seen.contains(n)) {
        return invalid(spec.origin, "table '" + spec.name + "': values given for instance " +
                                        std::to_string(n) + ", which is not listed");
      }
    }
    return true;
  }

  static cwmp::Result<bool> checkValue(const ParamSpec& p, const std::string& value,
                                       const std::string& origin) {
    if (hasPlaceholder(value)) return true;  // checked per device when read
    if (!cwmp::isValidValue(p.type, value)) {
      return invalid(origin, "parameter '" + p.name + "': value '" + value + "' is not a valid " +
                                 std::string(cwmp::valueTypeName(p.type)));
    }
    if (!p.enumeration.empty() &&
        std::find(p.enumeration.begin(), p.enumeration.end(), value) == p.enumeration.end()) {
      return invalid(origin, "parameter '" + p.name + "': value '" + value +
                                 "' is not one of its allowed values");
    }
    return true;
  }

  static cwmp::Result<bool> checkParam(const ParamSpec& p, const ObjectSpec&) {
    using cwmp::ValueType;
    switch (p.type) {
      case ValueType::String:
      case ValueType::Int:
      case ValueType::UnsignedInt:
      case ValueType::Long:
      case ValueType::UnsignedLong:
      case ValueType::Boolean:
      case ValueType::DateTime:
      case ValueType::Base64:
      case ValueType::HexBinary:
        break;
      default:
        return invalid(p.origin, "parameter '" + p.name + "': unsupported type");
    }
    if (p.notification < 0 || p.notification > 6) {
      return invalid(p.origin, "parameter '" + p.name + "': notification must be 0..6");
    }
    if (p.min && p.max && *p.min > *p.max) {
      return invalid(p.origin, "parameter '" + p.name + "': range minimum is above its maximum");
    }
    if ((p.min || p.max) && (p.type == ValueType::String || p.type == ValueType::Boolean ||
                             p.type == ValueType::DateTime || p.type == ValueType::Base64 ||
                             p.type == ValueType::HexBinary)) {
      return invalid(p.origin, "parameter '" + p.name + "': a range needs a numeric type");
    }
    if (p.generator.kind == GeneratorKind::Choice && p.generator.choices.empty()) {
      return invalid(p.origin, "parameter '" + p.name + "': choice generator without values");
    }
    if (p.generator.kind == GeneratorKind::Choice) {
      for (const auto& c : p.generator.choices) {
        auto ok = checkValue(p, c, p.origin);
        if (!ok) return ok;
      }
    }
    if (p.generator.kind == GeneratorKind::None) return checkValue(p, p.value, p.origin);
    return true;
  }

  cwmp::Result<bool> expand(const ObjectSpec& spec, std::uint32_t schema_holder,
                            const std::string& name, std::uint32_t parent, std::uint32_t instance,
                            std::vector<Context>& contexts) {
    // `name` is this object's (or instance's) full name; the node was pushed by the caller
    // except for the root.
    std::uint32_t self = parent;
    if (parent == kNoNode) {
      self = push(name, schema_holder, kNoNode, instance);
    }
    const auto& holder = t_.schema_[schema_holder];
    std::size_t child_index = 0;
    for (const auto& p : spec.params) {
      std::uint32_t sid = holder.children[child_index++];
      std::string value = p.value;
      for (auto& ctx : contexts) {
        auto it_i = ctx.table->instance_values.find(ctx.instance);
        if (it_i == ctx.table->instance_values.end()) continue;
        std::string rel = ctx.relative + p.name;
        auto it_v = it_i->second.find(rel);
        if (it_v == it_i->second.end()) continue;
        auto ok = checkValue(p, it_v->second, ctx.table->origin);
        if (!ok) return ok;
        value = it_v->second;
        overrides_used_[ctx.table].insert(std::to_string(ctx.instance) + "." + rel);
      }
      auto id = push(name + p.name, sid, self, instance);
      t_.nodes_[id].value = std::move(value);
    }
    for (const auto& c : spec.children) {
      std::uint32_t sid = holder.children[child_index++];
      std::string child_name = name + c.name + ".";
      auto id = push(child_name, sid, self, instance);
      if (!c.is_table) {
        for (auto& ctx : contexts) ctx.relative += c.name + ".";
        auto ok = expand(c, spec_schema_.at(&c), child_name, id, instance, contexts);
        for (auto& ctx : contexts) ctx.relative.resize(ctx.relative.size() - c.name.size() - 1);
        if (!ok) return ok;
      } else {
        auto at = c.instances_at.find(child_name);
        std::vector<std::uint32_t> numbers = at != c.instances_at.end() ? at->second : c.instances;
        if (at != c.instances_at.end()) instances_at_used_[&c].insert(child_name);
        std::sort(numbers.begin(), numbers.end());
        std::uint32_t inst_schema = spec_schema_.at(&c);
        for (auto n : numbers) {
          std::string inst_name = child_name + std::to_string(n) + ".";
          auto inst_id = push(inst_name, inst_schema, id, n);
          std::string seg = c.name + "." + std::to_string(n) + ".";
          for (auto& ctx : contexts) ctx.relative += seg;
          contexts.push_back(Context{&c, n, ""});
          auto ok = expand(c, inst_schema, inst_name, inst_id, n, contexts);
          contexts.pop_back();
          for (auto& ctx : contexts) ctx.relative.resize(ctx.relative.size() - seg.size());
          if (!ok) return ok;
          t_.nodes_[inst_id].end = static_cast<std::uint32_t>(t_.nodes_.size());
        }
        t_.nodes_[id].next_instance = numbers.empty() ? 1 : numbers.back() + 1;
      }
      t_.nodes_[id].end = static_cast<std::uint32_t>(t_.nodes_.size());
    }
    if (parent == kNoNode) t_.nodes_[self].end = static_cast<std::uint32_t>(t_.nodes_.size());
    return true;
  }

  std::uint32_t push(std::string name, std::uint32_t schema, std::uint32_t parent,
                     std::uint32_t instance) {
    auto id = static_cast<std::uint32_t>(t_.nodes_.size());
    TemplateNode n;
    n.name = std::move(name);
    n.schema = schema;
    n.parent = parent;
    n.instance = instance;
    n.end = id + 1;
    t_.nodes_.push_back(std::move(n));
    return id;
  }

  ModelTemplate& t_;
  std::map<const ObjectSpec*, std::uint32_t> spec_schema_;
  std::map<const ObjectSpec*, std::set<std::string>> overrides_used_;
  std::map<const ObjectSpec*, std::set<std::string>> instances_at_used_;
  std::vector<const ObjectSpec*> with_instances_at_;
  std::vector<const ObjectSpec*> with_values_;
};

cwmp::Result<ModelTemplate> ModelTemplate::build(const ObjectSpec& root) {
  ModelTemplate t;
  TemplateBuilder builder(t);
  auto r = builder.run(root);
  if (!r) return r.error();
  return t;
}

std::uint32_t ModelTemplate::find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? kNoNode : it->second;
}

std::uint32_t ModelTemplate::schemaChild(std::uint32_t schema_id, std::string_view segment) const {
  const auto& node = schema_[schema_id];
  if (node.kind == NodeKind::Table) return node.children.empty() ? kNoNode : node.children[0];
  for (auto c : node.children) {
    if (schema_[c].name == segment) return c;
  }
  return kNoNode;
}

}  // namespace cpesim

namespace cpesim {

void ModelTemplate::indexNotifiedGenerated() {
  notified_generated_.clear();
  for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
    if (kind(i) != NodeKind::Parameter) continue;
    const ParamInfo& pi = param(nodes_[i].schema);
    if (pi.notification != 0 && generatorVaries(pi.generator)) notified_generated_.push_back(i);
  }
}

void ModelTemplate::bindWellKnown(const std::string& firmware_param) {
  const std::string ms = rootName() + "ManagementServer.";
  auto param = [&](const std::string& name) {
    auto id = find(name);
    return id != kNoNode && kind(id) == NodeKind::Parameter ? id : kNoNode;
  };
  WellKnown& w = well_known_;
  w.enable_cwmp = param(ms + "EnableCWMP");
  w.url = param(ms + "URL");
  w.username = param(ms + "Username");
  w.password = param(ms + "Password");
  w.parameter_key = param(ms + "ParameterKey");
  w.connection_request_url = param(ms + "ConnectionRequestURL");
  w.connection_request_username = param(ms + "ConnectionRequestUsername");
  w.connection_request_password = param(ms + "ConnectionRequestPassword");
  w.periodic_inform_enable = param(ms + "PeriodicInformEnable");
  w.periodic_inform_interval = param(ms + "PeriodicInformInterval");
  w.periodic_inform_time = param(ms + "PeriodicInformTime");
  w.retry_minimum_wait_interval = param(ms + "CWMPRetryMinimumWaitInterval");
  w.retry_interval_multiplier = param(ms + "CWMPRetryIntervalMultiplier");
  w.software_version = param(rootName() + firmware_param);
}

}  // namespace cpesim
