// device/model_template.h (internal): the parameter tree of a profile, built once and shared
// by every device of the profile.
//
// Two views of the same tree:
//  - the schema: one node per element of the profile (a table's instance is one node,
//    `{i}`), used for instances a device adds at run time;
//  - the template: the schema expanded with the table's initial instances, in depth-first
//    order, one node per concrete object, table, instance and parameter, each with its full
//    name. Node i's subtree is [i, nodes[i].end).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "device/profile_spec.h"

#include "cwmp/status.h"

namespace cpesim {

enum class NodeKind : std::uint8_t {
  Object,     // a single-instance object ("Device.DeviceInfo.")
  Table,      // a multi-instance table ("Device.Hosts.Host.")
  Instance,   // one instance of a table ("Device.Hosts.Host.3.")
  Parameter,  // a leaf
};

inline constexpr std::uint32_t kNoNode = UINT32_MAX;

// True for generators whose value changes while the device runs (a Count changes only
// with instances, a Choice without a period never).
inline bool generatorVaries(const GeneratorSpec& g) {
  return g.kind == GeneratorKind::Uptime || g.kind == GeneratorKind::Now ||
         g.kind == GeneratorKind::Counter || (g.kind == GeneratorKind::Choice && g.period_s != 0);
}

struct ParamInfo {
  cwmp::ValueType type = cwmp::ValueType::String;
  bool writable = false;
  bool forced_inform = false;
  std::uint8_t notification = 0;
  ActiveNotify active_notify = ActiveNotify::Normal;
  bool reboot_required = false;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
  std::uint32_t max_length = 0;
  std::vector<std::string> enumeration;
  GeneratorSpec generator;
  std::string value;  // schema default (instances added at run time)
};

struct SchemaNode {
  std::string name;  // segment; "{i}" for a table's instance node
  NodeKind kind = NodeKind::Object;
  std::uint32_t parent = kNoNode;
  std::vector<std::uint32_t> children;
  std::uint32_t param = kNoNode;  // index into ModelTemplate::params_ for parameters
  // Tables: whether AddObject/DeleteObject are allowed, and the instance limit.
  bool writable = false;
  std::uint32_t max_instances = 0;
};

struct TemplateNode {
  std::string name;  // full name; objects end with '.'
  std::uint32_t schema = kNoNode;
  std::uint32_t parent = kNoNode;
  std::uint32_t end = 0;            // one past the subtree
  std::uint32_t instance = 0;       // innermost instance number ({i}); 0 outside tables
  std::uint32_t next_instance = 1;  // tables: highest initial instance + 1
  std::string value;                // parameters: default for this concrete node
};

class ModelTemplate {
 public:
  ModelTemplate() = default;
  // Move only: the name index holds views into the nodes' strings.
  ModelTemplate(ModelTemplate&&) = default;
  ModelTemplate& operator=(ModelTemplate&&) = default;
  ModelTemplate(const ModelTemplate&) = delete;
  ModelTemplate& operator=(const ModelTemplate&) = delete;

  // Template nodes of the parameters the device itself interprets, kNoNode when the
  // profile lacks them (<root>ManagementServer.* unless noted).
  struct WellKnown {
    std::uint32_t enable_cwmp = kNoNode;
    std::uint32_t url = kNoNode;
    std::uint32_t username = kNoNode;
    std::uint32_t password = kNoNode;
    std::uint32_t parameter_key = kNoNode;
    std::uint32_t connection_request_url = kNoNode;
    std::uint32_t connection_request_username = kNoNode;
    std::uint32_t connection_request_password = kNoNode;
    std::uint32_t periodic_inform_enable = kNoNode;
    std::uint32_t periodic_inform_interval = kNoNode;
    std::uint32_t periodic_inform_time = kNoNode;
    std::uint32_t retry_minimum_wait_interval = kNoNode;
    std::uint32_t retry_interval_multiplier = kNoNode;
    std::uint32_t software_version = kNoNode;  // TransferSettings::firmware_version_param
  };
  // Expands `root`. Errors (InvalidArgument) name the element and its origin.
  static cwmp::Result<ModelTemplate> build(const ObjectSpec& root);

  const std::vector<SchemaNode>& schema() const { return schema_; }
  const std::vector<TemplateNode>& nodes() const { return nodes_; }
  const SchemaNode& schemaNode(std::uint32_t id) const { return schema_[id]; }
  const TemplateNode& node(std::uint32_t id) const { return nodes_[id]; }
  const ParamInfo& param(std::uint32_t schema_id) const {
    return params_[schema_[schema_id].param];
  }
  NodeKind kind(std::uint32_t node_id) const { return schema_[nodes_[node_id].schema].kind; }

  // Template node with this full name, or kNoNode.
  std::uint32_t find(std::string_view name) const;
  // Schema child of `schema_id` named `segment`, or kNoNode. For a table, the child is its
  // instance node whatever the segment.
  std::uint32_t schemaChild(std::uint32_t schema_id, std::string_view segment) const;
  // Template node ids of the forced inform parameters, in tree order.
  const std::vector<std::uint32_t>& forcedInform() const { return forced_; }
  const std::string& rootName() const { return nodes_.front().name; }
  std::size_t parameterCount() const { return parameter_count_; }
  const WellKnown& wellKnown() const { return well_known_; }
  std::uint64_t fingerprint() const { return fingerprint_; }
  // Fills wellKnown() by name; `firmware_param` is relative to the root.
  void bindWellKnown(const std::string& firmware_param);
  // Template parameters whose generator changes the value over time (uptime, now,
  // counter, choice with a period) and whose factory Notification attribute is not 0: the
  // candidates for `4 VALUE CHANGE` every device has without storing anything.
  const std::vector<std::uint32_t>& notifiedGenerated() const { return notified_generated_; }
  void indexNotifiedGenerated();

 private:
  std::vector<SchemaNode> schema_;
  std::vector<ParamInfo> params_;
  std::vector<TemplateNode> nodes_;
  std::unordered_map<std::string_view, std::uint32_t> by_name_;  // views into nodes_
  std::vector<std::uint32_t> forced_;
  std::vector<std::uint32_t> notified_generated_;
  std::size_t parameter_count_ = 0;
  WellKnown well_known_;
  std::uint64_t fingerprint_ = 0;

  friend class TemplateBuilder;
};

}  // namespace cpesim
