// ChangeDUState on the CPE side (TR-069 A.4.1.10, A.3.3.4; checklist 4.3, 5.2, 6): the
// deployment units are instances of <root>SoftwareModules.DeploymentUnit.{i}., stored as
// per-device diffs like any instance the ACS adds; the execution environments are the
// profile's <root>SoftwareModules.ExecEnv.{i}. instances.
//
// Operations run after the session, one at a time in request order (poll() ->
// advanceDu()); Install and Update fetch their URL through a TransferJob the fleet runs like
// a Download, so the file really crosses the network. Deployment-unit names and versions
// come from the file name in the URL: ".../<name>-<version>.<ext>" ("vpn-client-1.4.2.ipk"
// is Name "vpn-client", Version "1.4.2"); without a "-<digit>" part the whole base name is
// the Name and the Version is empty.

#include "device/software_modules.h"

#include <algorithm>
#include <cstdio>

#include "device/device_internal.h"
#include "device/file_types.h"
#include "device/stable_hash.h"

namespace cpesim {

std::optional<std::string> softwareModulesProblem(const ModelTemplate& model) {
  const std::string table = model.rootName() + "SoftwareModules.DeploymentUnit.";
  const std::uint32_t node = model.find(table);
  if (node == kNoNode || model.kind(node) != NodeKind::Table) {
    return "the profile has no " + table + "{i}. table";
  }
  const std::uint32_t instance = model.schemaNode(model.node(node).schema).children.front();
  for (std::string_view name : kDuRequiredParameters) {
    const std::uint32_t child = model.schemaChild(instance, name);
    if (child == kNoNode || model.schemaNode(child).kind != NodeKind::Parameter ||
        model.param(child).type != cwmp::ValueType::String) {
      return table + "{i}." + std::string(name) + " is missing or not a string parameter";
    }
  }
  return std::nullopt;
}

bool Device::DuBatch::complete() const {
  return std::all_of(operations.begin(), operations.end(),
                     [](const DuOperation& op) { return op.done; });
}

namespace {

std::string stamp(TimePoint t) {
  return cwmp::formatDateTime(std::chrono::time_point_cast<std::chrono::seconds>(t));
}

// 8-4-4-4-12 hexadecimal digits (RFC 4122 text form; TR-069 A.4.1.10 UUID).
bool validUuid(std::string_view u) {
  if (u.size() != 36) return false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const char c = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::uint64_t textHash(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// The UUID a device gives a unit installed without one: stable for (device, URL), in the
// version-5 layout TR-181 asks for (the hash is ours, not SHA-1 of a namespace).
std::string generatedUuid(const Profile& p, std::uint32_t index, std::string_view url) {
  const std::uint64_t a = stableHash({p.seed(), index, textHash(url), 1});
  const std::uint64_t b = stableHash({p.seed(), index, textHash(url), 2});
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-5%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

struct NameVersion {
  std::string name;
  std::string version;
};

NameVersion fromUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  std::string_view base = url.substr(url.rfind('/') + 1);
  if (auto dot = base.rfind('.'); dot != std::string_view::npos && dot > 0) {
    // Keep "1.4.2" whole: only a final segment that is not all digits is an extension.
    std::string_view ext = base.substr(dot + 1);
    bool numeric = !ext.empty() &&
                   std::all_of(ext.begin(), ext.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!numeric) base = base.substr(0, dot);
  }
  for (std::size_t i = base.size(); i-- > 1;) {
    if (base[i - 1] == '-' && base[i] >= '0' && base[i] <= '9') {
      return {std::string(base.substr(0, i - 1)), std::string(base.substr(i))};
    }
  }
  return {std::string(base), {}};
}

// Negative, zero or positive as `a` is older than, the same as or newer than `b`: dotted
// segments compared as numbers when both are numbers, else as text.
int compareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    auto seg = [](std::string_view& v) {
      auto dot = v.find('.');
      std::string_view s = v.substr(0, dot);
      v = dot == std::string_view::npos ? std::string_view{} : v.substr(dot + 1);
      return s;
    };
    std::string_view x = seg(a);
    std::string_view y = seg(b);
    auto digits = [](std::string_view s) {
      return !s.empty() &&
             std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (digits(x) && digits(y)) {
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    }
    if (int c = x.compare(y); c != 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

// The transfer's fault as a DU fault (checklist 5.2: 9012, 9013, 9015-9018 carry over;
// other download failures are "cannot complete download").
std::uint32_t duTransferFault(std::uint32_t code) {
  switch (code) {
    case 9012:
    case 9013:
    case 9015:
    case 9016:
    case 9017:
    case 9018:
      return code;
    default:
      return code >= 9800 && code <= 9899 ? code : 9017;
  }
}

// One installed deployment unit as the model stores it.
struct Unit {
  std::string path;  // "Device.SoftwareModules.DeploymentUnit.3." (instance object)
  std::string uuid;
  std::string version;
  std::string url;
  std::string env_ref;
};

class Units {
 public:
  Units(Device& d, const Profile& p, TimePoint now) : d_(d), p_(p), now_(now) {}

  std::string tableName() const { return p_.rootName() + "SoftwareModules.DeploymentUnit."; }

  std::vector<Unit> all() const {
    std::vector<Unit> out;
    auto table = DeviceAccess::resolve(d_, p_, tableName());
    if (!table) return out;
    for (const NodeRef& inst : DeviceAccess::children(d_, p_, *table)) {
      Unit u;
      u.path = inst.name;
      u.uuid = get(inst.name, "UUID");
      u.version = get(inst.name, "Version");
      u.url = get(inst.name, "URL");
      u.env_ref = get(inst.name, "ExecutionEnvRef");
      out.push_back(std::move(u));
    }
    return out;
  }

  std::optional<Unit> find(std::string_view uuid, std::string_view version,
                           std::string_view env_ref) const {
    for (auto& u : all()) {
      if (!uuid.empty() && !equalUuid(u.uuid, uuid)) continue;
      if (!version.empty() && u.version != version) continue;
      if (!env_ref.empty() && stripDot(u.env_ref) != stripDot(env_ref)) continue;
      return u;
    }
    return std::nullopt;
  }

  std::optional<Unit> findByUrl(std::string_view url) const {
    for (auto& u : all()) {
      if (u.url == url) return u;
    }
    return std::nullopt;
  }

  std::string get(const std::string& instance, std::string_view param) const {
    auto ref = DeviceAccess::resolve(d_, p_, instance + std::string(param));
    return ref ? DeviceAccess::value(d_, p_, *ref, now_) : std::string();
  }

  void set(const std::string& instance, std::string_view param, std::string value) {
    if (auto ref = DeviceAccess::resolve(d_, p_, instance + std::string(param))) {
      DeviceAccess::setValue(d_, ref->key, std::move(value));
    }
  }

  // The execution environment `ref` names ("" = the first one the device has), without a
  // trailing dot; 9023 when there is no such environment, 9024 when it is disabled.
  std::uint32_t resolveEnv(std::string& ref) const {
    const std::string table = p_.rootName() + "SoftwareModules.ExecEnv.";
    if (ref.empty()) {
      auto t = DeviceAccess::resolve(d_, p_, table);
      if (!t) return 0;  // a profile without environments: units have no ExecutionEnvRef
      auto envs = DeviceAccess::children(d_, p_, *t);
      if (envs.empty()) return 9023;
      ref = stripDot(envs.front().name);
    }
    std::string name = stripDot(ref) + ".";
    auto env = DeviceAccess::resolve(d_, p_, name);
    if (!name.starts_with(table) || !env || env->kind != NodeKind::Instance) return 9023;
    ref = stripDot(name);
    std::string enable = get(name, "Enable");
    if (enable == "false" || enable == "0") return 9024;
    return 0;
  }

  bool full() const {
    auto table = DeviceAccess::resolve(d_, p_, tableName());
    if (!table) return true;
    const std::uint32_t max = p_.model().schemaNode(table->schema).max_instances;
    return max != 0 && DeviceAccess::instanceCount(d_, p_, *table) >= max;
  }

  // Adds a unit; "" when the table cannot take it.
  std::string add() {
    auto table = DeviceAccess::resolve(d_, p_, tableName());
    if (!table) return {};
    auto number = DeviceAccess::addInstance(d_, p_, *table);
    if (!number) return {};
    return table->name + std::to_string(*number) + ".";
  }

  void remove(const std::string& path) {
    if (auto inst = DeviceAccess::resolve(d_, p_, path); inst && inst->kind == NodeKind::Instance) {
      DeviceAccess::deleteInstance(d_, p_, *inst);
    }
  }

  static std::string stripDot(std::string_view s) {
    if (s.ends_with('.')) s.remove_suffix(1);
    return std::string(s);
  }

 private:
  static bool equalUuid(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      auto lower = [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; };
      if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
  }

  Device& d_;
  const Profile& p_;
  TimePoint now_;
};

}  // namespace

cwmp::Body DeviceAccess::changeDuState(Device& d, const Profile& p, const cwmp::ChangeDUState& req,
                                       TimePoint now) {
  if (req.operations.empty()) return cwmp::makeFault(9003, "ChangeDUState without Operations");
  Units units(d, p, now);
  Device::DuBatch batch;
  batch.command_key = req.command_key;
  for (std::size_t i = 0; i < req.operations.size(); ++i) {
    const std::string where = "operation " + std::to_string(i + 1) + ": ";
    Device::DuOperation op;
    if (const auto* in = std::get_if<cwmp::InstallOpStruct>(&req.operations[i])) {
      if (in->url.empty()) return cwmp::makeFault(9003, where + "InstallOpStruct without URL");
      op.kind = 'I';
      op.uuid = in->uuid.value_or("");
      op.url = in->url;
      op.username = in->username;
      op.password = in->password;
      op.env_ref = in->execution_env_ref;
      batch.operations.push_back(std::move(op));
    } else if (const auto* up = std::get_if<cwmp::UpdateOpStruct>(&req.operations[i])) {
      op.kind = 'U';
      op.version = up->version.value_or("");
      op.username = up->username;
      op.password = up->password;
      if (up->uuid.value_or("").empty() && up->url.value_or("").empty()) {
        // Neither UUID nor URL: every unit is updated from its own URL, one result each.
        auto all = units.all();
        if (all.empty()) {
          op.done = true;
          op.result.current_state = "Failed";
          op.result.fault = {9028, "no deployment unit to update"};
          batch.operations.push_back(std::move(op));
        }
        for (const auto& u : all) {
          Device::DuOperation each = op;
          each.uuid = u.uuid;
          batch.operations.push_back(std::move(each));
        }
      } else {
        op.uuid = up->uuid.value_or("");
        op.url = up->url.value_or("");
        batch.operations.push_back(std::move(op));
      }
    } else {
      const auto& un = std::get<cwmp::UninstallOpStruct>(req.operations[i]);
      if (un.uuid.empty()) return cwmp::makeFault(9003, where + "UninstallOpStruct without UUID");
      op.kind = 'X';
      op.uuid = un.uuid;
      op.version = un.version.value_or("");
      op.env_ref = un.execution_env_ref.value_or("");
      batch.operations.push_back(std::move(op));
    }
  }
  std::size_t pending = 0;
  for (const auto& b : d.du_) {
    pending += static_cast<std::size_t>(std::count_if(b.operations.begin(), b.operations.end(),
                                                      [](const auto& op) { return !op.done; }));
  }
  if (pending + batch.operations.size() > kMaxDuOperations) {
    return cwmp::makeFault(9004, "more than " + std::to_string(kMaxDuOperations) +
                                     " deployment-unit operations pending");
  }
  d.du_.push_back(std::move(batch));
  return cwmp::ChangeDUStateResponse{};
}

bool DeviceAccess::duRunnable(const Device& d) {
  for (const auto& b : d.du_) {
    for (const auto& op : b.operations) {
      if (!op.done) return op.transfer == 0;
    }
  }
  return false;
}

void DeviceAccess::advanceDu(Device& d, const Profile& p, TimePoint now) {
  Units units(d, p, now);
  bool finished_batch = false;
  auto fail = [&](Device::DuOperation& op, std::uint32_t code, std::string text,
                  const char* state) {
    op.done = true;
    op.result.current_state = state;
    op.result.fault.fault_code = code;
    op.result.fault.fault_string =
        text.empty() ? std::string(cwmp::faultCodeMessage(code)) : std::move(text);
    if (op.result.fault.fault_string.size() > 256) op.result.fault.fault_string.resize(256);
    op.result.complete_time = stamp(now);
  };
  auto startDownload = [&](Device::DuOperation& op, const std::string& command_key) {
    TransferJob job;
    job.id = nextTransferId(d);
    job.is_download = true;
    job.du_operation = true;
    job.command_key = command_key;
    job.url = op.url;
    job.username = op.username;
    job.password = op.password;
    job.start_at = now;
    op.transfer = job.id;
    d.transfers_.push_back(std::move(job));
  };
  auto schemeFault = [&](const std::string& url) -> std::uint32_t {
    auto scheme = urlScheme(url);
    if (!scheme) return 9003;
    const auto& allowed = p.transfers().schemes;
    return std::find(allowed.begin(), allowed.end(), *scheme) == allowed.end() ? 9013 : 0;
  };

  for (auto& batch : d.du_) {
    if (batch.complete()) continue;
    for (auto& op : batch.operations) {
      if (op.done) continue;
      if (op.transfer != 0) return;  // waits for its download; later operations wait too
      op.result.start_time = stamp(now);
      op.result.uuid = op.uuid;
      op.result.version = op.version;
      if (!op.uuid.empty() && !validUuid(op.uuid)) {
        fail(op, 9022, "", "Failed");
        continue;
      }
      if (op.kind == 'I') {
        if (std::uint32_t e = units.resolveEnv(op.env_ref)) {
          fail(op, e, "", "Failed");
        } else if (!op.uuid.empty() && units.find(op.uuid, "", op.env_ref)) {
          fail(op, 9026, "", "Failed");
        } else if (std::uint32_t s = schemeFault(op.url)) {
          fail(op, s, s == 9003 ? "URL '" + op.url + "' is not an absolute URL" : "", "Failed");
        } else if (units.full()) {
          fail(op, 9027, "", "Failed");
        } else {
          startDownload(op, batch.command_key);
          return;
        }
        continue;
      }
      if (op.kind == 'U') {
        auto unit = op.uuid.empty() ? units.findByUrl(op.url) : units.find(op.uuid, op.version, "");
        if (!unit) {
          fail(op, 9028, "", "Failed");
          continue;
        }
        op.uuid = unit->uuid;
        op.result.uuid = unit->uuid;
        op.result.version = unit->version;
        op.result.deployment_unit_ref = Units::stripDot(unit->path);
        if (op.url.empty()) op.url = unit->url;
        if (op.url.empty()) {
          fail(op, 9003, "the unit has no URL to update from", "Installed");
          continue;
        }
        if (std::uint32_t s = schemeFault(op.url)) {
          fail(op, s, s == 9003 ? "URL '" + op.url + "' is not an absolute URL" : "", "Installed");
          continue;
        }
        units.set(unit->path, "Status", "Updating");
        startDownload(op, batch.command_key);
        return;
      }
      // Uninstall.
      if (!op.env_ref.empty()) {
        if (std::uint32_t e = units.resolveEnv(op.env_ref); e == 9023) {
          fail(op, e, "", "Failed");
          continue;
        }
      }
      auto unit = units.find(op.uuid, op.version, op.env_ref);
      if (!unit) {
        fail(op, 9028, "", "Failed");
        continue;
      }
      op.result.version = unit->version;
      op.result.deployment_unit_ref = Units::stripDot(unit->path);
      op.result.resolved = true;
      op.result.current_state = "Uninstalled";
      op.result.complete_time = stamp(now);
      op.done = true;
      units.remove(unit->path);
    }
    finished_batch = true;
  }
  // A finished ChangeDUState opens a session to report it, like a TransferComplete.
  if (finished_batch) d.flags_ = static_cast<std::uint8_t>(d.flags_ | kCompletionDue);
}

bool DeviceAccess::finishDuTransfer(Device& d, const Profile& p, const TransferJob& job,
                                    std::uint32_t fault_code, std::string fault_string,
                                    TimePoint complete) {
  Device::DuOperation* op = nullptr;
  Device::DuBatch* batch = nullptr;
  for (auto& b : d.du_) {
    for (auto& o : b.operations) {
      if (!o.done && o.transfer == job.id) {
        op = &o;
        batch = &b;
      }
    }
  }
  if (op == nullptr) return false;
  op->transfer = 0;
  Units units(d, p, complete);
  auto finish = [&](std::uint32_t code, std::string text, const char* state) {
    op->done = true;
    op->result.current_state = state;
    op->result.complete_time = stamp(complete);
    op->result.fault.fault_code = code;
    if (code != 0 && text.empty()) text = std::string(cwmp::faultCodeMessage(code));
    if (text.size() > 256) text.resize(256);
    op->result.fault.fault_string = std::move(text);
    // The last operation of its ChangeDUState: report it, like a TransferComplete.
    if (batch->complete()) d.flags_ = static_cast<std::uint8_t>(d.flags_ | kCompletionDue);
  };
  const NameVersion file = fromUrl(op->url);
  if (op->kind == 'I') {
    if (fault_code != 0) {
      finish(duTransferFault(fault_code), std::move(fault_string), "Failed");
      return true;
    }
    std::string uuid = op->uuid.empty() ? generatedUuid(p, d.index(), op->url) : op->uuid;
    if (units.find(uuid, "", op->env_ref)) {
      op->result.uuid = uuid;
      finish(9026, "", "Failed");
      return true;
    }
    std::string path = units.full() ? std::string() : units.add();
    if (path.empty()) {
      finish(9027, "", "Failed");
      return true;
    }
    units.set(path, "UUID", uuid);
    units.set(path, "Name", file.name);
    units.set(path, "Version", file.version);
    units.set(path, "URL", op->url);
    units.set(path, "ExecutionEnvRef", op->env_ref);
    units.set(path, "Status", "Installed");
    units.set(path, "Resolved", "true");
    op->result.uuid = uuid;
    op->result.version = file.version;
    op->result.deployment_unit_ref = Units::stripDot(path);
    op->result.resolved = true;
    finish(0, "", "Installed");
    return true;
  }
  // Update: the unit may have gone while its file downloaded.
  auto unit = units.find(op->uuid, "", "");
  if (!unit) {
    finish(9028, "", "Failed");
    return true;
  }
  op->result.resolved = true;
  units.set(unit->path, "Status", "Installed");
  if (fault_code != 0) {
    finish(duTransferFault(fault_code), std::move(fault_string), "Installed");
  } else if (file.version.empty()) {
    finish(9031, "the file '" + op->url + "' names no version", "Installed");
  } else if (int c = compareVersions(file.version, unit->version); c == 0) {
    finish(9032, "", "Installed");
  } else if (c < 0) {
    finish(9030, "", "Installed");
  } else {
    units.set(unit->path, "Version", file.version);
    units.set(unit->path, "URL", op->url);
    op->result.version = file.version;
    finish(0, "", "Installed");
  }
  return true;
}

std::vector<cwmp::DUStateChangeComplete> Device::pendingDuStateChangeCompletes() const {
  std::vector<cwmp::DUStateChangeComplete> out;
  for (const auto& b : du_) {
    if (!b.complete()) continue;
    cwmp::DUStateChangeComplete m;
    m.command_key = b.command_key;
    for (const auto& op : b.operations) m.results.push_back(op.result);
    out.push_back(std::move(m));
  }
  return out;
}

void Device::duStateChangeCompleteDelivered(const cwmp::DUStateChangeComplete& message) {
  for (auto it = du_.begin(); it != du_.end(); ++it) {
    if (!it->complete() || it->command_key != message.command_key ||
        it->operations.size() != message.results.size()) {
      continue;
    }
    bool same = true;
    for (std::size_t i = 0; i < message.results.size(); ++i) {
      same = same && it->operations[i].result == message.results[i];
    }
    if (same) {
      du_.erase(it);
      break;
    }
  }
  if (du_.empty()) du_.shrink_to_fit();
}

std::size_t Device::pendingDuOperations() const {
  std::size_t n = 0;
  for (const auto& b : du_) {
    n += static_cast<std::size_t>(std::count_if(b.operations.begin(), b.operations.end(),
                                                [](const auto& op) { return !op.done; }));
  }
  return n;
}

}  // namespace cpesim
