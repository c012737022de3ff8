// Device: the tree a device shows (template minus deleted plus added instances), values
// and attributes, events and their retention, wake-ups, transfers' completion.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "device/device_internal.h"
#include "device/stable_hash.h"
#include "session/cpe_session.h"

#include "cwmp/value.h"

namespace cpesim {

std::int64_t toMs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint fromMs(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

namespace {

// Codes of events that do not survive a reboot (checklist 6.2; icwmp policy).
bool droppedOnBoot(std::string_view code) {
  return code == "1 BOOT" || code == "4 VALUE CHANGE" || code == "6 CONNECTION REQUEST" ||
         code == "8 DIAGNOSTICS COMPLETE";
}

// Inform order: standard single events by number, then "M ..." and vendor "X ..." events in
// arrival order.
int eventRank(std::string_view code) {
  if (!code.empty() && code[0] >= '0' && code[0] <= '9') {
    int n = 0;
    for (char c : code) {
      if (c < '0' || c > '9') break;
      n = n * 10 + (c - '0');
      if (n > 999) break;
    }
    return n;
  }
  return code.starts_with("M ") ? 1000 : 2000;
}

bool singleEvent(std::string_view code) {
  return !code.empty() && code[0] >= '0' && code[0] <= '9';
}

std::uint32_t instanceNumberOf(std::string_view path) {
  // "....Table.12." -> 12
  if (path.size() < 2) return 0;
  auto end = path.size() - 1;
  auto start = path.rfind('.', end - 1);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::uint32_t n = 0;
  for (auto i = start; i < end; ++i) {
    if (path[i] < '0' || path[i] > '9') return 0;
    n = n * 10 + static_cast<std::uint32_t>(path[i] - '0');
  }
  return n;
}

// Notification values that put a change into the Inform: passive (1), active (2) and the
// 1.4 combinations with lightweight notification (4 = 1+3, 6 = 1+5).
bool reportedInInform(std::uint8_t n) { return n == 1 || n == 2 || n == 4 || n == 6; }

template <class V, class K>
auto findKey(V& v, const K& key) {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const auto& e, const K& k) { return e.key < k; });
  return it != v.end() && it->key == key ? it : v.end();
}

std::size_t heapOf(const std::string& s) {
  // libstdc++ keeps up to 15 characters inside the object.
  return s.capacity() > 15 ? s.capacity() + 1 + 16 : 0;
}

template <class T>
std::size_t heapOfVector(const std::vector<T>& v) {
  return v.capacity() == 0 ? 0 : v.capacity() * sizeof(T) + 16;  // + allocator header
}

}  // namespace

// --- tree ---------------------------------------------------------------------------------

NodeRef DeviceAccess::fromTemplate(const Profile& p, std::uint32_t node) {
  const auto& m = p.model();
  const auto& n = m.node(node);
  NodeRef r;
  r.kind = m.kind(node);
  r.key = {0, node};
  r.schema = n.schema;
  r.node = node;
  r.instance = n.instance;
  r.name = n.name;
  return r;
}

NodeRef DeviceAccess::root(const Profile& p) { return fromTemplate(p, 0); }

std::optional<NodeRef> DeviceAccess::resolve(const Device& d, const Profile& p,
                                             std::string_view name) {
  const auto& m = p.model();
  auto id = m.find(name);
  if (id != kNoNode) {
    if (!d.deleted_.empty()) {
      for (auto n = id; n != kNoNode; n = m.node(n).parent) {
        if (m.kind(n) == NodeKind::Instance &&
            std::binary_search(d.deleted_.begin(), d.deleted_.end(), n)) {
          return std::nullopt;
        }
      }
    }
    return fromTemplate(p, id);
  }
  const Device::AddedInstance* best = nullptr;
  for (const auto& a : d.added_) {
    if (name.starts_with(a.path) && (!best || a.path.size() > best->path.size())) best = &a;
  }
  if (!best) return std::nullopt;
  std::uint32_t cur = best->schema;
  std::string_view rest = name.substr(best->path.size());
  while (!rest.empty()) {
    const auto& sn = m.schemaNode(cur);
    // A table's instances inside an added instance are added instances themselves: had it
    // existed, it would have been the longest prefix.
    if (sn.kind == NodeKind::Table || sn.kind == NodeKind::Parameter) return std::nullopt;
    auto dot = rest.find('.');
    std::string_view seg = rest.substr(0, dot);
    std::uint32_t child = kNoNode;
    for (auto c : sn.children) {
      if (m.schemaNode(c).name == seg) child = c;
    }
    if (child == kNoNode) return std::nullopt;
    bool is_param = m.schemaNode(child).kind == NodeKind::Parameter;
    if ((dot == std::string_view::npos) != is_param) return std::nullopt;
    cur = child;
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  }
  NodeRef r;
  r.kind = m.schemaNode(cur).kind;
  r.key = {best->uid, cur};
  r.schema = cur;
  r.instance = instanceNumberOf(best->path);
  r.name = std::string(name);
  return r;
}

std::vector<NodeRef> DeviceAccess::children(const Device& d, const Profile& p, const NodeRef& n) {
  std::vector<NodeRef> out;
  if (n.kind == NodeKind::Parameter) return out;
  const auto& m = p.model();
  if (n.node != kNoNode) {
    const auto& nodes = m.nodes();
    for (auto j = n.node + 1; j < nodes[n.node].end; j = nodes[j].end) {
      if (m.kind(j) == NodeKind::Instance &&
          std::binary_search(d.deleted_.begin(), d.deleted_.end(), j)) {
        continue;
      }
      out.push_back(fromTemplate(p, j));
    }
  } else if (n.kind != NodeKind::Table) {
    for (auto c : m.schemaNode(n.schema).children) {
      const auto& sc = m.schemaNode(c);
      NodeRef r;
      r.kind = sc.kind;
      r.key = {n.key.instance_uid, c};
      r.schema = c;
      r.instance = n.instance;
      r.name = n.name + sc.name;
      if (sc.kind != NodeKind::Parameter) r.name += '.';
      out.push_back(std::move(r));
    }
  }
  if (n.kind == NodeKind::Table) {
    std::vector<const Device::AddedInstance*> mine;
    for (const auto& a : d.added_) {
      if (a.path.size() <= n.name.size() || !std::string_view(a.path).starts_with(n.name)) {
        continue;
      }
      std::string_view rest = std::string_view(a.path).substr(n.name.size());
      if (rest.find('.') == rest.size() - 1) mine.push_back(&a);
    }
    std::sort(mine.begin(), mine.end(), [](const auto* a, const auto* b) {
      return instanceNumberOf(a->path) < instanceNumberOf(b->path);
    });
    for (const auto* a : mine) {
      NodeRef r;
      r.kind = NodeKind::Instance;
      r.key = {a->uid, a->schema};
      r.schema = a->schema;
      r.instance = instanceNumberOf(a->path);
      r.name = a->path;
      out.push_back(std::move(r));
    }
  }
  return out;
}

void DeviceAccess::walk(const Device& d, const Profile& p, const NodeRef& n,
                        const std::function<void(const NodeRef&)>& visit) {
  visit(n);
  if (n.kind == NodeKind::Parameter) return;
  for (const auto& c : children(d, p, n)) walk(d, p, c, visit);
}

bool DeviceAccess::writable(const Profile& p, const NodeRef& n) {
  const auto& m = p.model();
  switch (n.kind) {
    case NodeKind::Parameter:
      return m.param(n.schema).writable;
    case NodeKind::Table:
      return m.schemaNode(n.schema).writable;
    case NodeKind::Instance:
      return m.schemaNode(m.schemaNode(n.schema).parent).writable;
    case NodeKind::Object:
      return false;
  }
  return false;
}

std::uint32_t DeviceAccess::instanceCount(const Device& d, const Profile& p, const NodeRef& table) {
  return static_cast<std::uint32_t>(children(d, p, table).size());
}

// --- values ---------------------------------------------------------------------------------

const ParamInfo& DeviceAccess::info(const Profile& p, const NodeRef& n) {
  return p.model().param(n.schema);
}

double DeviceAccess::counterFactor(const Device& d, const Profile& p, const NodeRef& n) {
  double u = unitInterval(stableHash({p.seed(), d.index_, n.key.instance_uid, n.key.id}));
  return 1.0 + info(p, n).generator.spread * (2.0 * u - 1.0);
}

std::string DeviceAccess::value(const Device& d, const Profile& p, const NodeRef& n,
                                TimePoint now) {
  auto it = findKey(d.diffs_, n.key);
  if (it != d.diffs_.end()) return it->value;
  const auto& m = p.model();
  if (n.node != kNoNode && n.node == m.wellKnown().parameter_key) return d.parameter_key_;
  const ParamInfo& pi = info(p, n);
  const std::int64_t up_ms = std::max<std::int64_t>(0, toMs(now) - d.boot_ms_);
  switch (pi.generator.kind) {
    case GeneratorKind::Uptime:
      return std::to_string(up_ms / 1000);
    case GeneratorKind::Now:
      return cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(now));
    case GeneratorKind::Counter: {
      const auto& g = pi.generator;
      double grown = g.rate * counterFactor(d, p, n) * (static_cast<double>(up_ms) / 1000.0);
      long double total = static_cast<long double>(g.start) + static_cast<long double>(grown);
      if (!(total >= 0)) total = 0;
      using cwmp::ValueType;
      // Counters wrap like the hardware registers they model.
      switch (pi.type) {
        case ValueType::UnsignedInt:
          return std::to_string(static_cast<std::uint64_t>(std::fmod(total, 4294967296.0L)));
        case ValueType::Int:
          return std::to_string(static_cast<std::uint64_t>(std::fmod(total, 2147483648.0L)));
        case ValueType::Long:
          return std::to_string(
              static_cast<std::uint64_t>(std::fmod(total, 9223372036854775808.0L)));
        default:
          return std::to_string(
              static_cast<std::uint64_t>(std::fmod(total, 18446744073709551616.0L)));
      }
    }
    case GeneratorKind::Choice: {
      const auto& g = pi.generator;
      std::uint64_t epoch =
          g.period_s == 0 ? 0 : static_cast<std::uint64_t>(up_ms / 1000) / g.period_s;
      auto h = stableHash({p.seed(), d.index_, n.key.instance_uid, n.key.id, epoch});
      const auto& choice = g.choices[h % g.choices.size()];
      return expandForInstance(p, choice, d.index_, n.instance);
    }
    case GeneratorKind::Count: {
      std::string object = n.name.substr(0, n.name.rfind('.') + 1);
      auto table = resolve(d, p, object + pi.generator.count_path + ".");
      return std::to_string(table ? instanceCount(d, p, *table) : 0);
    }
    case GeneratorKind::None:
      break;
  }
  const std::string& text = n.node != kNoNode ? m.node(n.node).value : pi.value;
  if (text.find('{') == std::string::npos && text.find('}') == std::string::npos) return text;
  return expandForInstance(p, text, d.index_, n.instance);
}

std::string DeviceAccess::templateValue(const Device& d, const Profile& p, std::uint32_t node,
                                        TimePoint now) {
  return value(d, p, fromTemplate(p, node), now);
}

cwmp::ParameterValueStruct DeviceAccess::valueStruct(const Device& d, const Profile& p,
                                                     const NodeRef& n, TimePoint now) {
  cwmp::ParameterValueStruct v;
  v.name = n.name;
  v.value = value(d, p, n, now);
  v.type = std::string(cwmp::valueTypeName(info(p, n).type));
  return v;
}

void DeviceAccess::setValue(Device& d, const Device::Key& key, std::string value) {
  auto it = std::lower_bound(d.diffs_.begin(), d.diffs_.end(), key,
                             [](const auto& e, const Device::Key& k) { return e.key < k; });
  if (it != d.diffs_.end() && it->key == key) {
    it->value = std::move(value);
  } else {
    d.diffs_.insert(it, Device::ValueDiff{key, std::move(value)});
  }
}

void DeviceAccess::eraseValue(Device& d, const Device::Key& key) {
  auto it = findKey(d.diffs_, key);
  if (it != d.diffs_.end()) d.diffs_.erase(it);
}

std::uint8_t DeviceAccess::notification(const Device& d, const Profile& p, const NodeRef& n) {
  auto it = findKey(d.attributes_, n.key);
  return it != d.attributes_.end() ? it->notification : info(p, n).notification;
}

bool DeviceAccess::subscriber(const Device& d, const NodeRef& n) {
  auto it = findKey(d.attributes_, n.key);
  return it != d.attributes_.end() && it->subscriber;
}

void DeviceAccess::setAttributes(Device& d, const Profile& p, const NodeRef& n,
                                 std::optional<std::uint8_t> notify,
                                 std::optional<bool> subscribe) {
  std::uint8_t new_n = notify ? *notify : notification(d, p, n);
  bool new_s = subscribe ? *subscribe : subscriber(d, n);
  auto it = std::lower_bound(d.attributes_.begin(), d.attributes_.end(), n.key,
                             [](const auto& e, const Device::Key& k) { return e.key < k; });
  bool present = it != d.attributes_.end() && it->key == n.key;
  // Store only what differs from the profile.
  if (new_n == info(p, n).notification && !new_s) {
    if (present) d.attributes_.erase(it);
    return;
  }
  if (present) {
    it->notification = new_n;
    it->subscriber = new_s;
  } else {
    d.attributes_.insert(it, Device::AttributeDiff{n.key, new_n, new_s});
  }
}

std::uint32_t DeviceAccess::validate(const ParamInfo& pi, std::string_view declared_type,
                                     std::string_view text, std::string& reason) {
  using cwmp::ValueType;
  if (!declared_type.empty()) {
    ValueType declared = cwmp::valueTypeFromName(declared_type);
    if (declared != ValueType::Unspecified && declared != pi.type) {
      reason = "value type " + std::string(declared_type) + " does not match the parameter's " +
               std::string(cwmp::valueTypeName(pi.type));
      return 9006;
    }
  }
  if (!cwmp::isValidValue(pi.type, text)) {
    reason =
        "'" + std::string(text) + "' is not a valid " + std::string(cwmp::valueTypeName(pi.type));
    return 9007;
  }
  if (pi.min || pi.max) {
    bool below = false;
    bool above = false;
    switch (pi.type) {
      case ValueType::Int:
      case ValueType::Long: {
        auto v = pi.type == ValueType::Int ? std::optional<std::int64_t>(cwmp::parseInt(text))
                                           : cwmp::parseLong(text);
        if (v) {
          below = pi.min && *v < *pi.min;
          above = pi.max && *v > *pi.max;
        }
        break;
      }
      case ValueType::UnsignedInt:
      case ValueType::UnsignedLong: {
        auto v = pi.type == ValueType::UnsignedInt
                     ? std::optional<std::uint64_t>(cwmp::parseUnsignedInt(text))
                     : cwmp::parseUnsignedLong(text);
        if (v) {
          below = pi.min && *pi.min > 0 && *v < static_cast<std::uint64_t>(*pi.min);
          above = pi.max && (*pi.max < 0 || *v > static_cast<std::uint64_t>(*pi.max));
        }
        break;
      }
      default:
        break;
    }
    if (below || above) {
      reason = "'" + std::string(text) + "' is outside " +
               (pi.min ? std::to_string(*pi.min) : std::string("-inf")) + ".." +
               (pi.max ? std::to_string(*pi.max) : std::string("inf"));
      return 9007;
    }
  }
  if (pi.max_length != 0) {
    // Characters, not bytes: count UTF-8 lead bytes.
    std::size_t chars =
        static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
          return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        }));
    if (chars > pi.max_length) {
      reason = "longer than " + std::to_string(pi.max_length) + " characters";
      return 9007;
    }
  }
  if (!pi.enumeration.empty() &&
      std::find(pi.enumeration.begin(), pi.enumeration.end(), text) == pi.enumeration.end()) {
    reason = "'" + std::string(text) + "' is not one of the allowed values";
    return 9007;
  }
  return 0;
}

bool DeviceAccess::noteChange(Device& d, const Profile& p, const NodeRef& n) {
  std::uint8_t notify = notification(d, p, n);
  if (!reportedInInform(notify)) return false;
  bool active = notify == 2 || notify == 6;
  auto it = std::lower_bound(d.changed_.begin(), d.changed_.end(), n.key,
                             [](const auto& e, const Device::Key& k) { return e.key < k; });
  std::uint32_t mark = ++d.change_seq_;
  if (it != d.changed_.end() && it->key == n.key) {
    it->mark = mark;
    it->active = active;
  } else {
    d.changed_.insert(it, Device::Change{n.key, mark, active});
  }
  return active;
}

void DeviceAccess::forgetChange(Device& d, const Device::Key& key) {
  auto it = findKey(d.changed_, key);
  if (it != d.changed_.end()) d.changed_.erase(it);
}

// --- instances ----------------------------------------------------------------------------

Result<std::uint32_t> DeviceAccess::addInstance(Device& d, const Profile& p, const NodeRef& table) {
  const auto& m = p.model();
  auto it = std::lower_bound(d.counters_.begin(), d.counters_.end(), table.key,
                             [](const auto& e, const Device::Key& k) { return e.table < k; });
  bool present = it != d.counters_.end() && it->table == table.key;
  std::uint32_t number =
      present ? it->next : (table.node != kNoNode ? m.node(table.node).next_instance : 1);
  if (number == std::numeric_limits<std::uint32_t>::max()) {
    cwmp::Error e;
    e.code = cwmp::ErrorCode::LimitExceeded;
    e.message = "instance numbers of " + table.name + " are exhausted";
    return e;
  }
  if (present) {
    it->next = number + 1;
  } else {
    d.counters_.insert(it, Device::InstanceCounter{table.key, number + 1});
  }
  Device::AddedInstance a;
  a.uid = d.next_uid_++;
  a.schema = m.schemaNode(table.schema).children.front();
  a.path = table.name + std::to_string(number) + ".";
  auto pos = std::lower_bound(d.added_.begin(), d.added_.end(), a.path,
                              [](const auto& e, const std::string& k) { return e.path < k; });
  d.added_.insert(pos, std::move(a));
  return number;
}

namespace {

template <class V, class Pred>
void eraseIf(V& v, Pred pred) {
  v.erase(std::remove_if(v.begin(), v.end(), pred), v.end());
}

}  // namespace

void DeviceAccess::deleteInstance(Device& d, const Profile& p, const NodeRef& inst) {
  const auto& m = p.model();
  auto in_subtree = [&](const Device::Key& k) {
    if (inst.node == kNoNode) return false;
    return k.instance_uid == 0 && k.id >= inst.node && k.id < m.node(inst.node).end;
  };
  if (inst.node != kNoNode) {
    auto pos = std::lower_bound(d.deleted_.begin(), d.deleted_.end(), inst.node);
    d.deleted_.insert(pos, inst.node);
  }
  std::vector<std::uint32_t> gone;  // uids of added instances inside
  eraseIf(d.added_, [&](const Device::AddedInstance& a) {
    if (!std::string_view(a.path).starts_with(inst.name)) return false;
    gone.push_back(a.uid);
    return true;
  });
  std::sort(gone.begin(), gone.end());
  auto affected = [&](const Device::Key& k) {
    return in_subtree(k) || std::binary_search(gone.begin(), gone.end(), k.instance_uid);
  };
  eraseIf(d.diffs_, [&](const auto& e) { return affected(e.key); });
  eraseIf(d.attributes_, [&](const auto& e) { return affected(e.key); });
  eraseIf(d.changed_, [&](const auto& e) { return affected(e.key); });
  eraseIf(d.counters_, [&](const auto& e) { return affected(e.table); });
}

// --- events -------------------------------------------------------------------------------

void DeviceAccess::addEvent(Device& d, std::string code, std::string command_key) {
  bool single = singleEvent(code);
  for (const auto& e : d.events_) {
    if (e.event_code == code && (single || e.command_key == command_key)) return;
  }
  d.events_.push_back(cwmp::EventStruct{std::move(code), std::move(command_key)});
}

void DeviceAccess::addScheduledInform(Device& d, TimePoint at, std::string command_key) {
  Device::ScheduledInform s{toMs(at), std::move(command_key)};
  auto pos = std::upper_bound(d.scheduled_.begin(), d.scheduled_.end(), s.at_ms,
                              [](std::int64_t t, const auto& e) { return t < e.at_ms; });
  d.scheduled_.insert(pos, std::move(s));
}

std::vector<cwmp::TransferComplete> DeviceAccess::completions(const Device& d) {
  std::vector<cwmp::TransferComplete> out;
  out.reserve(d.completions_.size());
  for (const auto& c : d.completions_) out.push_back(c.message);
  return out;
}

// --- Device -------------------------------------------------------------------------------

Device::Device(std::uint32_t index) : index_(index), flags_(DeviceAccess::kFactoryFresh) {}

void Device::powerOn(const Profile&, TimePoint now) {
  std::erase_if(events_, [](const cwmp::EventStruct& e) { return droppedOnBoot(e.event_code); });
  changed_.clear();
  boot_ms_ = toMs(now);
  periodic_done_ms_ = boot_ms_;
  notify_base_ms_ = boot_ms_;
  retry_count_ = 0;
  retry_at_ms_ = kNever;
  boot_at_ms_ = kNever;
  // A transfer cut by the power loss starts again.
  for (auto& t : transfers_) {
    if (t.state == 2) {
      t.state = 1;
      if (t.start_at > now) t.start_at = now;
    }
  }
  if (flags_ & DeviceAccess::kFactoryFresh) {
    DeviceAccess::addEvent(*this, "0 BOOTSTRAP");
    flags_ = static_cast<std::uint8_t>(flags_ & ~DeviceAccess::kFactoryFresh);
  }
  DeviceAccess::addEvent(*this, "1 BOOT");
  flags_ = static_cast<std::uint8_t>(flags_ | DeviceAccess::kPoweredOn);
}

void Device::connectionRequest() { DeviceAccess::addEvent(*this, "6 CONNECTION REQUEST"); }

bool Device::rebooting() const { return boot_at_ms_ != kNever; }

Result<cwmp::ParameterValueStruct> Device::parameter(const Profile& profile, std::string_view name,
                                                     TimePoint now) const {
  auto ref = DeviceAccess::resolve(*this, profile, name);
  if (!ref || ref->kind != NodeKind::Parameter) {
    cwmp::Error e;
    e.code = cwmp::ErrorCode::InvalidArgument;
    e.message = "no parameter '" + std::string(name) + "' on device " + std::to_string(index_);
    return e;
  }
  return DeviceAccess::valueStruct(*this, profile, *ref, now);
}

Result<bool> Device::changeValue(const Profile& profile, std::string_view name, std::string value,
                                 TimePoint) {
  auto ref = DeviceAccess::resolve(*this, profile, name);
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  if (!ref || ref->kind != NodeKind::Parameter) {
    e.message = "no parameter '" + std::string(name) + "' on device " + std::to_string(index_);
    return e;
  }
  std::string reason;
  if (DeviceAccess::validate(DeviceAccess::info(profile, *ref), "", value, reason) != 0) {
    e.message = std::string(name) + ": " + reason;
    return e;
  }
  DeviceAccess::setValue(*this, ref->key, std::move(value));
  return DeviceAccess::noteChange(*this, profile, *ref);
}

ManagementServerConfig Device::managementServer(const Profile& profile, TimePoint now) const {
  ManagementServerConfig c;
  const auto& w = profile.model().wellKnown();
  auto text = [&](std::uint32_t node, std::string& out) {
    if (node != kNoNode) out = DeviceAccess::templateValue(*this, profile, node, now);
  };
  auto boolean = [&](std::uint32_t node, bool& out) {
    if (node == kNoNode) return;
    if (auto b = cwmp::parseBoolean(DeviceAccess::templateValue(*this, profile, node, now)))
      out = *b;
  };
  auto number = [&](std::uint32_t node, std::uint32_t& out) {
    if (node == kNoNode) return;
    if (auto v = cwmp::parseUnsignedInt(DeviceAccess::templateValue(*this, profile, node, now))) {
      out = *v;
    }
  };
  boolean(w.enable_cwmp, c.enable_cwmp);
  text(w.url, c.url);
  text(w.username, c.username);
  text(w.password, c.password);
  text(w.connection_request_url, c.connection_request_url);
  text(w.connection_request_username, c.connection_request_username);
  text(w.connection_request_password, c.connection_request_password);
  boolean(w.periodic_inform_enable, c.periodic_inform_enable);
  number(w.periodic_inform_interval, c.periodic_inform_interval);
  text(w.periodic_inform_time, c.periodic_inform_time);
  number(w.retry_minimum_wait_interval, c.retry_minimum_wait_interval);
  number(w.retry_interval_multiplier, c.retry_interval_multiplier);
  return c;
}

std::optional<TimePoint> Device::nextPeriodicInform(const Profile& profile, TimePoint now) const {
  ManagementServerConfig c = managementServer(profile, now);
  if (!c.enable_cwmp || !c.periodic_inform_enable || c.periodic_inform_interval == 0) {
    return std::nullopt;
  }
  std::int64_t ref = boot_ms_;
  if (auto t = cwmp::parseDateTime(c.periodic_inform_time); t && !t->isUnknown()) {
    ref = std::chrono::duration_cast<std::chrono::milliseconds>(t->toSysTime().time_since_epoch())
              .count();
  }
  const std::int64_t interval = static_cast<std::int64_t>(c.periodic_inform_interval) * 1000;
  // The first ref + n * interval strictly after the last periodic inform handled.
  std::int64_t diff = periodic_done_ms_ - ref;
  std::int64_t n = diff / interval;  // floor division
  if (diff % interval != 0 && diff < 0) --n;
  return fromMs(ref + (n + 1) * interval);
}

void DeviceAccess::acsChanged(Device& d) {
  // A new ACS: what was owed to the old one is dropped ([M] checklist 6.2).
  std::erase_if(d.events_, [](const cwmp::EventStruct& e) { return !singleEvent(e.event_code); });
  d.completions_.clear();
  std::erase_if(d.du_, [](const Device::DuBatch& b) { return b.complete(); });
  addEvent(d, "0 BOOTSTRAP");
}

bool DeviceAccess::needsSession(const Device& d) {
  return !d.events_.empty() || (d.flags_ & kCompletionDue) != 0;
}

std::optional<NodeRef> DeviceAccess::refOfKey(const Device& d, const Profile& p,
                                              const Device::Key& key) {
  const auto& m = p.model();
  if (key.instance_uid == 0) return resolve(d, p, m.node(key.id).name);
  for (const auto& a : d.added_) {
    if (a.uid != key.instance_uid) continue;
    // Name of the schema node below the added instance.
    std::vector<std::string_view> segs;
    for (auto s = key.id; s != a.schema && s != kNoNode; s = m.schemaNode(s).parent) {
      segs.push_back(m.schemaNode(s).name);
    }
    std::string name = a.path;
    for (auto it = segs.rbegin(); it != segs.rend(); ++it) {
      name += *it;
      if (it + 1 != segs.rend()) name += '.';
    }
    return resolve(d, p, name);
  }
  return std::nullopt;
}

namespace {

bool activeNotification(std::uint8_t n) { return n == 2 || n == 6; }

// The generated parameters that may notify: the profile's (factory notification on) and
// those the ACS switched on (attributes), each once, without a stored value.
std::vector<NodeRef> notifiedGenerated(const Device& d, const Profile& p, bool active_only,
                                       const std::vector<Device::Key>& attribute_keys) {
  std::vector<NodeRef> out;
  auto consider = [&](std::optional<NodeRef> ref) {
    if (!ref || ref->kind != NodeKind::Parameter) return;
    if (!generatorVaries(DeviceAccess::info(p, *ref).generator)) return;
    const std::uint8_t n = DeviceAccess::notification(d, p, *ref);
    if (!reportedInInform(n) || (active_only && !activeNotification(n))) return;
    for (const auto& o : out) {
      if (o.key == ref->key) return;
    }
    out.push_back(std::move(*ref));
  };
  for (auto node : p.model().notifiedGenerated()) {
    consider(DeviceAccess::resolve(d, p, p.model().node(node).name));
  }
  for (const auto& key : attribute_keys) consider(DeviceAccess::refOfKey(d, p, key));
  return out;
}

}  // namespace

std::vector<NodeRef> DeviceAccess::generatedChanges(const Device& d, const Profile& p,
                                                    TimePoint now, bool active_only) {
  std::vector<Device::Key> keys;
  for (const auto& a : d.attributes_) {
    if (reportedInInform(a.notification)) keys.push_back(a.key);
  }
  std::vector<NodeRef> out;
  if (keys.empty() && p.model().notifiedGenerated().empty()) return out;
  const TimePoint base = fromMs(d.notify_base_ms_);
  for (auto& ref : notifiedGenerated(d, p, active_only, keys)) {
    if (findKey(d.diffs_, ref.key) != d.diffs_.end()) continue;  // a stored value stays put
    if (value(d, p, ref, now) != value(d, p, ref, base)) out.push_back(std::move(ref));
  }
  return out;
}

std::optional<std::int64_t> DeviceAccess::activeNotifyAt(const Device& d, const Profile& p,
                                                         TimePoint now) {
  const std::int64_t t = toMs(now);
  std::optional<std::int64_t> first;
  auto consider = [&](std::int64_t at) { first = first ? std::min(*first, at) : at; };
  if (std::any_of(d.changed_.begin(), d.changed_.end(), [](const auto& c) { return c.active; })) {
    consider(t);
  }
  std::vector<Device::Key> keys;
  for (const auto& a : d.attributes_) {
    if (activeNotification(a.notification)) keys.push_back(a.key);
  }
  if (!keys.empty() || !p.model().notifiedGenerated().empty()) {
    const TimePoint base = fromMs(d.notify_base_ms_);
    const std::int64_t up = std::max<std::int64_t>(0, t - d.boot_ms_);
    for (const auto& ref : notifiedGenerated(d, p, true, keys)) {
      if (findKey(d.diffs_, ref.key) != d.diffs_.end()) continue;
      if (value(d, p, ref, now) != value(d, p, ref, base)) {
        consider(t);
        continue;
      }
      // Not changed yet: when it next changes.
      const GeneratorSpec& g = info(p, ref).generator;
      switch (g.kind) {
        case GeneratorKind::Uptime:
          consider(t + 1000 - up % 1000);
          break;
        case GeneratorKind::Now:
          consider(t + 1000 - ((t % 1000) + 1000) % 1000);
          break;
        case GeneratorKind::Choice: {
          const std::int64_t period = static_cast<std::int64_t>(g.period_s) * 1000;
          consider(d.boot_ms_ + (up / period + 1) * period);
          break;
        }
        case GeneratorKind::Counter: {
          const double rate = g.rate * counterFactor(d, p, ref);
          if (!(rate > 0)) break;
          const double total =
              static_cast<double>(g.start) + rate * static_cast<double>(up) / 1000.0;
          const double next_up_s = (std::floor(total) + 1.0 - static_cast<double>(g.start)) / rate;
          const auto next = d.boot_ms_ + static_cast<std::int64_t>(std::ceil(next_up_s * 1000.0));
          consider(std::max(next, t + 1));
          break;
        }
        default:
          break;
      }
    }
  }
  if (!first) return std::nullopt;
  std::int64_t throttle_s = 0;
  if (auto ref =
          resolve(d, p, p.rootName() + "ManagementServer.DefaultActiveNotificationThrottle")) {
    const std::string v = value(d, p, *ref, now);
    std::from_chars(v.data(), v.data() + v.size(), throttle_s);
  }
  return std::max(*first, d.notify_base_ms_ + throttle_s * 1000);
}

std::optional<TimePoint> Device::nextWakeup(const Profile& profile, TimePoint now) const {
  if (rebooting()) return fromMs(boot_at_ms_);
  std::optional<std::int64_t> best;
  auto consider = [&](std::int64_t t) { best = best ? std::min(*best, t) : t; };
  ManagementServerConfig c = managementServer(profile, now);
  if (c.enable_cwmp) {
    if (retry_at_ms_ != kNever) {
      consider(retry_at_ms_);
    } else {
      if (DeviceAccess::needsSession(*this)) consider(toMs(now));
      if (auto active = DeviceAccess::activeNotifyAt(*this, profile, now)) consider(*active);
    }
    if (auto per = nextPeriodicInform(profile, now)) consider(toMs(*per));
    for (const auto& s : scheduled_) consider(s.at_ms);
  }
  for (const auto& t : transfers_) {
    if (t.state == 1) consider(toMs(t.start_at));
    if (t.deadline) consider(toMs(*t.deadline));
  }
  if (DeviceAccess::duRunnable(*this)) consider(toMs(now));
  if (!best) return std::nullopt;
  return fromMs(*best);
}

DueWork Device::poll(const Profile& profile, TimePoint now) {
  DueWork w;
  const std::int64_t t = toMs(now);
  if (rebooting()) {
    if (boot_at_ms_ > t) return w;
    powerOn(profile, now);
    w.booted = true;
  }
  // ScheduleDownloads whose windows passed without a start: 9020 (checklist 11.2.7).
  std::vector<TransferJob> expired;
  for (const auto& job : transfers_) {
    if (job.state == 1 && job.deadline && toMs(*job.deadline) <= t) expired.push_back(job);
  }
  for (const auto& job : expired) {
    completeTransfer(profile, job, 9020, "", TimePoint{}, TimePoint{});
  }
  // ChangeDUState operations run after the session that asked for them, in order; an
  // Install or Update adds its download to the transfers started below.
  DeviceAccess::advanceDu(*this, profile, now);
  for (auto& job : transfers_) {
    if (job.state == 1 && toMs(job.start_at) <= t) {
      job.state = 2;
      w.start_transfers.push_back(job);
    }
  }
  ManagementServerConfig c = managementServer(profile, now);
  if (!c.enable_cwmp) return w;
  bool triggered = w.booted;
  if (auto per = nextPeriodicInform(profile, now); per && toMs(*per) <= t) {
    DeviceAccess::addEvent(*this, "2 PERIODIC");
    periodic_done_ms_ = t;
    triggered = true;
  }
  while (!scheduled_.empty() && scheduled_.front().at_ms <= t) {
    DeviceAccess::addEvent(*this, "3 SCHEDULED");
    DeviceAccess::addEvent(*this, "M ScheduleInform", scheduled_.front().command_key);
    scheduled_.erase(scheduled_.begin());
    triggered = true;
  }
  if (retry_at_ms_ != kNever) {
    // A new session-triggering event ends the wait early (checklist 3.3.5, common reading);
    // RetryCount keeps counting.
    if (retry_at_ms_ <= t || triggered) {
      retry_at_ms_ = kNever;
      w.start_session = true;
    }
  } else if (DeviceAccess::needsSession(*this)) {
    w.start_session = true;
  } else if (auto active = DeviceAccess::activeNotifyAt(*this, profile, now);
             active && *active <= t) {
    w.start_session = true;
  }
  return w;
}

bool Device::completeTransfer(const Profile& profile, const TransferJob& job,
                              std::uint32_t fault_code, std::string fault_string, TimePoint start,
                              TimePoint complete) {
  auto it = std::find_if(transfers_.begin(), transfers_.end(),
                         [&](const TransferJob& t) { return t.id == job.id; });
  if (it == transfers_.end()) return false;
  TransferJob mine = *it;
  transfers_.erase(it);
  if (mine.du_operation) {
    // A ChangeDUState download: its result goes into DUStateChangeComplete.
    DeviceAccess::finishDuTransfer(*this, profile, mine, fault_code, std::move(fault_string),
                                   complete);
    return true;
  }
  if (fault_code == 0 && mine.deadline && complete > *mine.deadline) fault_code = 9020;
  if (const Quirks* q = profile.quirksFor(index_);
      q != nullptr && q->hasDefect("transfer-failure-hidden")) {
    fault_code = 0;
    fault_string.clear();
  }
  Completion c;
  c.is_download = mine.is_download;
  c.scheduled = mine.scheduled;
  c.message.command_key = mine.command_key;
  c.message.fault_struct.fault_code = fault_code;
  if (fault_code != 0 && fault_string.empty()) {
    fault_string = std::string(cwmp::faultCodeMessage(fault_code));
  }
  if (fault_string.size() > 256) fault_string.resize(256);  // FaultString <= 256
  c.message.fault_struct.fault_string = std::move(fault_string);
  auto stamp = [](TimePoint tp) {
    return tp == TimePoint{}
               ? std::string(cwmp::kUnknownTime)
               : cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(tp));
  };
  c.message.start_time = stamp(start);
  c.message.complete_time = stamp(complete);
  completions_.push_back(std::move(c));
  // A TransferComplete opens a session once; after an 8005 it waits for the next one.
  flags_ = static_cast<std::uint8_t>(flags_ | DeviceAccess::kCompletionDue);
  if (mine.is_download && fault_code == 0 && mine.file_type == "1 Firmware Upgrade Image") {
    const auto sv = profile.model().wellKnown().software_version;
    if (sv != kNoNode) {
      std::string version = mine.target_file_name;
      if (version.empty()) {
        std::string_view url = mine.url;
        url = url.substr(0, url.find_first_of("?#"));
        version = std::string(url.substr(url.rfind('/') + 1));
      }
      if (auto dot = version.rfind('.'); dot != std::string::npos && dot > 0) version.resize(dot);
      if (!version.empty()) DeviceAccess::setValue(*this, Key{0, sv}, version);
    }
    // Applying a firmware image reboots the device (checklist 11.2).
    boot_at_ms_ =
        toMs(complete) + static_cast<std::int64_t>(profile.transfers().reboot_seconds) * 1000;
  }
  return true;
}

std::string Device::uploadContent(const Profile& profile, const TransferJob& job,
                                  TimePoint now) const {
  std::string out;
  bool log = job.file_type.starts_with("2 ") || job.file_type.starts_with("4 ");
  auto id = profile.deviceId(index_);
  if (log) {
    auto stamp = cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(now));
    auto booted =
        cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(fromMs(boot_ms_)));
    out += booted + " system: boot, " + id.manufacturer + " " + id.product_class + " serial " +
           id.serial_number + "\n";
    out += stamp + " cwmp: upload of " + job.file_type + " requested (CommandKey '" +
           job.command_key + "')\n";
    return out;
  }
  out += "# configuration of " + id.oui + "-" + id.product_class + "-" + id.serial_number + "\n";
  DeviceAccess::walk(*this, profile, DeviceAccess::root(profile), [&](const NodeRef& n) {
    if (n.kind != NodeKind::Parameter) return;
    out += n.name;
    out += '=';
    out += DeviceAccess::value(*this, profile, n, now);
    out += '\n';
  });
  return out;
}

Device::InformContent Device::informContent(const Profile& profile, TimePoint now) const {
  InformContent c;
  c.events = events_;
  auto add = [&](std::string code, std::string key) {
    bool single = singleEvent(code);
    for (const auto& e : c.events) {
      if (e.event_code == code && (single || e.command_key == key)) return;
    }
    c.events.push_back(cwmp::EventStruct{std::move(code), std::move(key)});
  };
  if (!completions_.empty()) {
    add("7 TRANSFER COMPLETE", "");
    for (const auto& done : completions_) {
      add(done.scheduled     ? "M ScheduleDownload"
          : done.is_download ? "M Download"
                             : "M Upload",
          done.message.command_key);
    }
  }
  for (const auto& batch : du_) {
    if (!batch.complete()) continue;
    add("11 DU STATE CHANGE COMPLETE", "");
    add("M ChangeDUState", batch.command_key);
  }
  std::vector<NodeRef> changed;
  for (const auto& ch : changed_) {
    std::optional<NodeRef> ref = DeviceAccess::refOfKey(*this, profile, ch.key);
    if (ref && reportedInInform(DeviceAccess::notification(*this, profile, *ref))) {
      changed.push_back(std::move(*ref));
    }
  }
  for (auto& ref : DeviceAccess::generatedChanges(*this, profile, now, false)) {
    bool listed = std::any_of(changed.begin(), changed.end(),
                              [&](const NodeRef& r) { return r.key == ref.key; });
    if (!listed) changed.push_back(std::move(ref));
  }
  if (!changed.empty()) add("4 VALUE CHANGE", "");
  if (const Quirks* q = profile.quirksFor(index_)) {
    for (const auto& code : q->omitted_events) {
      std::erase_if(c.events, [&](const cwmp::EventStruct& e) { return e.event_code == code; });
    }
    for (const auto& code : q->extra_events) add(code, "");
  }
  std::stable_sort(c.events.begin(), c.events.end(), [](const auto& a, const auto& b) {
    return eventRank(a.event_code) < eventRank(b.event_code);
  });
  if (c.events.size() > 64) c.events.resize(64);  // EventList holds at most 64
  // Stored events this Inform delivers: those it carries, and those a quirk leaves out (the
  // device "forgets" them rather than carrying them forever).
  for (const auto& e : events_) {
    bool carried = std::find(c.events.begin(), c.events.end(), e) != c.events.end();
    bool omitted = false;
    if (const Quirks* q = profile.quirksFor(index_)) {
      omitted = std::find(q->omitted_events.begin(), q->omitted_events.end(), e.event_code) !=
                q->omitted_events.end();
    }
    if (carried || omitted) c.consumed.push_back(e);
  }

  auto has_param = [&](const std::string& name) {
    return std::any_of(c.parameters.begin(), c.parameters.end(),
                       [&](const auto& v) { return v.name == name; });
  };
  for (auto node : profile.model().forcedInform()) {
    auto ref = DeviceAccess::resolve(*this, profile, profile.model().node(node).name);
    if (ref) c.parameters.push_back(DeviceAccess::valueStruct(*this, profile, *ref, now));
  }
  bool value_change = std::any_of(c.events.begin(), c.events.end(),
                                  [](const auto& e) { return e.event_code == "4 VALUE CHANGE"; });
  if (value_change) {
    for (const auto& ref : changed) {
      if (!has_param(ref.name))
        c.parameters.push_back(DeviceAccess::valueStruct(*this, profile, ref, now));
    }
  }
  c.change_mark = change_seq_;
  c.at_ms = toMs(now);
  return c;
}

void Device::informDelivered(const InformContent& content) {
  flags_ = static_cast<std::uint8_t>(flags_ & ~DeviceAccess::kCompletionDue);
  for (const auto& e : content.consumed) {
    auto it = std::find(events_.begin(), events_.end(), e);
    if (it != events_.end()) events_.erase(it);
  }
  std::erase_if(changed_, [&](const Change& ch) { return ch.mark <= content.change_mark; });
  notify_base_ms_ = std::max(notify_base_ms_, content.at_ms);
  // An idle device keeps no empty buffers: this is most of the fleet most of the time.
  if (events_.empty()) events_.shrink_to_fit();
  if (changed_.empty()) changed_.shrink_to_fit();
}

std::vector<cwmp::TransferComplete> Device::pendingTransferCompletes() const {
  return DeviceAccess::completions(*this);
}

void Device::transferCompleteDelivered(const cwmp::TransferComplete& message) {
  auto it = std::find_if(completions_.begin(), completions_.end(),
                         [&](const Completion& c) { return c.message == message; });
  if (it != completions_.end()) completions_.erase(it);
  if (completions_.empty()) completions_.shrink_to_fit();
}

TimePoint Device::sessionFailed(const Profile& profile, TimePoint now, Rng& rng) {
  // A Connection Request is not retried: it is stale by then (checklist 6.2).
  std::erase_if(events_,
                [](const cwmp::EventStruct& e) { return e.event_code == "6 CONNECTION REQUEST"; });
  ++retry_count_;
  ManagementServerConfig c = managementServer(profile, now);
  WaitRange range =
      retryWaitRange(retry_count_, c.retry_minimum_wait_interval, c.retry_interval_multiplier);
  TimePoint at = now + drawWait(range, rng);
  retry_at_ms_ = toMs(at);
  return at;
}

void Device::sessionSucceeded(const Profile& profile, const SessionEffects& effects,
                              TimePoint now) {
  retry_count_ = 0;
  retry_at_ms_ = kNever;
  if (effects.factory_reset) {
    factoryReset(profile, now);
    return;
  }
  if (effects.acs_url_changed) DeviceAccess::acsChanged(*this);
  if (effects.reboot_command_key) {
    DeviceAccess::addEvent(*this, "M Reboot", *effects.reboot_command_key);
    boot_at_ms_ = toMs(now) + static_cast<std::int64_t>(profile.transfers().reboot_seconds) * 1000;
  }
}

void Device::factoryReset(const Profile& profile, TimePoint now) {
  parameter_key_.clear();
  diffs_.clear();
  attributes_.clear();
  added_.clear();
  deleted_.clear();
  counters_.clear();
  events_.clear();
  changed_.clear();
  transfers_.clear();
  completions_.clear();
  scheduled_.clear();
  du_.clear();
  retry_count_ = 0;
  retry_at_ms_ = kNever;
  flags_ = DeviceAccess::kFactoryFresh;
  boot_at_ms_ = toMs(now) + static_cast<std::int64_t>(profile.transfers().reboot_seconds) * 1000;
}

std::string Device::nextMessageId() {
  return "cpe" + std::to_string(index_) + "-" + std::to_string(++message_seq_);
}

std::size_t Device::memoryFootprint() const {
  std::size_t n = sizeof(Device) + heapOf(parameter_key_);
  n += heapOfVector(diffs_);
  for (const auto& d : diffs_) n += heapOf(d.value);
  n += heapOfVector(attributes_);
  n += heapOfVector(added_);
  for (const auto& a : added_) n += heapOf(a.path);
  n += heapOfVector(deleted_) + heapOfVector(counters_) + heapOfVector(changed_);
  n += heapOfVector(events_);
  for (const auto& e : events_) n += heapOf(e.event_code) + heapOf(e.command_key);
  n += heapOfVector(transfers_);
  for (const auto& t : transfers_) {
    n += heapOf(t.command_key) + heapOf(t.file_type) + heapOf(t.url) + heapOf(t.username) +
         heapOf(t.password) + heapOf(t.target_file_name);
  }
  n += heapOfVector(completions_);
  for (const auto& c : completions_) {
    n += heapOf(c.message.command_key) + heapOf(c.message.fault_struct.fault_string) +
         heapOf(c.message.start_time) + heapOf(c.message.complete_time);
  }
  n += heapOfVector(scheduled_);
  for (const auto& s : scheduled_) n += heapOf(s.command_key);
  n += heapOfVector(du_);
  for (const auto& b : du_) {
    n += heapOf(b.command_key) + heapOfVector(b.operations);
    for (const auto& op : b.operations) {
      const auto& r = op.result;
      n += heapOf(op.uuid) + heapOf(op.version) + heapOf(op.url) + heapOf(op.username) +
           heapOf(op.password) + heapOf(op.env_ref) + heapOf(r.uuid) +
           heapOf(r.deployment_unit_ref) + heapOf(r.version) + heapOf(r.current_state) +
           heapOf(r.execution_unit_ref_list) + heapOf(r.start_time) + heapOf(r.complete_time) +
           heapOf(r.fault.fault_string);
    }
  }
  return n;
}

}  // namespace cpesim
