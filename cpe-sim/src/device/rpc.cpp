// Device::execute(): every ACS -> CPE RPC the model answers, with its results and faults
// (TR-069 A.3.2 / A.4.1; checklist 4.3 and 5.2).

#include <algorithm>
#include <set>
#include <type_traits>

#include "device/device_internal.h"
#include "device/file_types.h"

#include "cwmp/value.h"

namespace cpesim {
namespace {

cwmp::Body fault(std::uint32_t code, std::string message = {}) {
  return cwmp::makeFault(code, std::move(message));
}

std::string_view trimXml(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool isActive(std::int32_t n) { return n == 2 || n == 5 || n == 6; }

class Rpc {
 public:
  Rpc(Device& d, const Profile& p, TimePoint now, SessionEffects& effects)
      : d_(d), p_(p), now_(now), effects_(effects), quirks_(p.quirksFor(d.index())) {}

  cwmp::Body operator()(const cwmp::GetRPCMethods&) {
    cwmp::GetRPCMethodsResponse r;
    r.method_list = p_.rpcMethods();
    if (defect("rpc-list-incomplete")) std::erase(r.method_list, "Download");
    return r;
  }

  cwmp::Body operator()(const cwmp::GetParameterValues& req) {
    cwmp::GetParameterValuesResponse r;
    for (const auto& name : req.parameter_names) {
      auto ref = name.empty() ? std::optional<NodeRef>(DeviceAccess::root(p_))
                              : DeviceAccess::resolve(d_, p_, name);
      if (!ref && defect("gpv-unknown-no-fault")) continue;
      if (!ref) return fault(9005, "Invalid parameter name: " + name);
      DeviceAccess::walk(d_, p_, *ref, [&](const NodeRef& n) {
        if (n.kind == NodeKind::Parameter) {
          r.parameter_list.push_back(DeviceAccess::valueStruct(d_, p_, n, now_));
        }
      });
    }
    return r;
  }

  cwmp::Body operator()(const cwmp::SetParameterValues& req) {
    std::vector<cwmp::SetParameterValuesFault> faults;
    std::vector<NodeRef> targets;
    std::vector<std::size_t> target_index;  // position of each target in the request
    std::set<std::string_view> seen;
    for (const auto& pv : req.parameter_list) {
      if (!seen.insert(pv.name).second) {
        return fault(9003, "Invalid arguments: " + pv.name + " appears twice");
      }
      auto ref = DeviceAccess::resolve(d_, p_, pv.name);
      std::uint32_t code = 0;
      std::string reason;
      if (!ref || ref->kind != NodeKind::Parameter) {
        code = 9005;
        reason = "Invalid parameter name";
      } else if (!DeviceAccess::writable(p_, *ref)) {
        code = 9008;
        reason = "Attempt to set a non-writable parameter";
      } else {
        code = DeviceAccess::validate(DeviceAccess::info(p_, *ref), pv.type, pv.value, reason);
      }
      if (code != 0) {
        faults.push_back(cwmp::SetParameterValuesFault{pv.name, code, reason});
      } else {
        targets.push_back(std::move(*ref));
        target_index.push_back(static_cast<std::size_t>(&pv - req.parameter_list.data()));
      }
    }
    if (!faults.empty()) {
      if (defect("spv-not-atomic")) apply(req, targets, target_index);
      if (defect("parameter-key-on-fault")) DeviceAccess::setParameterKey(d_, req.parameter_key);
      // All or nothing: nothing is applied and the ParameterKey stays (A.3.2.1).
      auto f = cwmp::makeFault(9003);
      if (!defect("spv-no-parameter-faults")) f.set_parameter_values_fault = std::move(faults);
      return f;
    }
    std::int32_t status = apply(req, targets, target_index);
    setParameterKey(req.parameter_key);
    cwmp::SetParameterValuesResponse r;
    r.status = status;
    return r;
  }

  // Stores the SPV values of `targets` (request positions `index`); returns the SPV Status.
  std::int32_t apply(const cwmp::SetParameterValues& req, const std::vector<NodeRef>& targets,
                     const std::vector<std::size_t>& index) {
    std::int32_t status = 0;
    const auto url_node = p_.model().wellKnown().url;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const auto& ref = targets[i];
      const auto& info = DeviceAccess::info(p_, ref);
      std::string_view text = req.parameter_list[index[i]].value;
      if (info.type != cwmp::ValueType::String) text = trimXml(text);
      if (ref.node != kNoNode && ref.node == url_node &&
          DeviceAccess::value(d_, p_, ref, now_) != text) {
        effects_.acs_url_changed = true;
      }
      store(ref, std::string(text));
      // Changes the ACS makes are not reported back to it (checklist 10.1).
      DeviceAccess::forgetChange(d_, ref.key);
      if (defect("notify-acs-change")) DeviceAccess::noteChange(d_, p_, ref);
      if (info.reboot_required) status = 1;
    }
    return status;
  }

  cwmp::Body operator()(const cwmp::GetParameterNames& req) {
    cwmp::GetParameterNamesResponse r;
    auto info = [&](const NodeRef& n) {
      return cwmp::ParameterInfoStruct{n.name, DeviceAccess::writable(p_, n)};
    };
    if (req.parameter_path.empty()) {
      NodeRef root = DeviceAccess::root(p_);
      if (req.next_level) {
        r.parameter_list.push_back(info(root));
      } else {
        DeviceAccess::walk(d_, p_, root,
                           [&](const NodeRef& n) { r.parameter_list.push_back(info(n)); });
      }
      return r;
    }
    auto ref = DeviceAccess::resolve(d_, p_, req.parameter_path);
    if (!ref) return fault(9005, "Invalid parameter name: " + req.parameter_path);
    if (ref->kind == NodeKind::Parameter) {
      // NextLevel true is only meaningful for a partial path (checklist 4.3 table).
      if (req.next_level) {
        return fault(9003, "NextLevel true with a full parameter name: " + req.parameter_path);
      }
      r.parameter_list.push_back(info(*ref));
      return r;
    }
    if (req.next_level && !defect("gpn-next-level-ignored")) {
      for (const auto& c : DeviceAccess::children(d_, p_, *ref))
        r.parameter_list.push_back(info(c));
    } else {
      DeviceAccess::walk(d_, p_, *ref,
                         [&](const NodeRef& n) { r.parameter_list.push_back(info(n)); });
    }
    return r;
  }

  cwmp::Body operator()(const cwmp::GetParameterAttributes& req) {
    cwmp::GetParameterAttributesResponse r;
    for (const auto& name : req.parameter_names) {
      auto ref = name.empty() ? std::optional<NodeRef>(DeviceAccess::root(p_))
                              : DeviceAccess::resolve(d_, p_, name);
      if (!ref) return fault(9005, "Invalid parameter name: " + name);
      DeviceAccess::walk(d_, p_, *ref, [&](const NodeRef& n) {
        if (n.kind != NodeKind::Parameter) return;
        cwmp::ParameterAttributeStruct a;
        a.name = n.name;
        a.notification = DeviceAccess::notification(d_, p_, n);
        if (DeviceAccess::subscriber(d_, n)) a.access_list.push_back("Subscriber");
        r.parameter_list.push_back(std::move(a));
      });
    }
    return r;
  }

  cwmp::Body operator()(const cwmp::SetParameterAttributes& req) {
    struct Change {
      NodeRef ref;
      std::optional<std::uint8_t> notification;
      std::optional<bool> subscriber;
    };
    std::vector<Change> plan;
    const bool v14 = p_.cwmp().version == "1.4";
    for (const auto& s : req.parameter_list) {
      auto ref = s.name.empty() ? std::optional<NodeRef>(DeviceAccess::root(p_))
                                : DeviceAccess::resolve(d_, p_, s.name);
      if (!ref) return fault(9005, "Invalid parameter name: " + s.name);
      if (s.notification_change) {
        // 3..6 are lightweight notification, defined from CWMP 1.4 on (checklist 10).
        if (s.notification < 0 || s.notification > (v14 ? 6 : 2)) {
          return fault(9003, "Notification " + std::to_string(s.notification) +
                                 " is not supported for " + s.name);
        }
      }
      std::optional<bool> subscriber;
      if (s.access_list_change) {
        for (const auto& entry : s.access_list) {
          if (entry != "Subscriber") {
            return fault(9003, "AccessList entry '" + entry + "' is not supported");
          }
        }
        subscriber = !s.access_list.empty();
      }
      const bool partial = ref->kind != NodeKind::Parameter;
      std::uint32_t denied = 0;
      std::string denied_name;
      DeviceAccess::walk(d_, p_, *ref, [&](const NodeRef& n) {
        if (n.kind != NodeKind::Parameter || denied != 0) return;
        std::optional<std::uint8_t> notify;
        if (s.notification_change) {
          ActiveNotify an = DeviceAccess::info(p_, n).active_notify;
          bool refused = ((an == ActiveNotify::ForceEnabled && s.notification != 2) ||
                          (an == ActiveNotify::CanDeny && isActive(s.notification))) &&
                         !defect("spa-no-deny");
          if (refused && !partial) {
            denied = 9009;
            denied_name = n.name;
            return;
          }
          // On a partial path the request covers many parameters; those that refuse keep
          // their attribute rather than failing the call ([M] TR-069 A.3.2.4).
          if (!refused) notify = static_cast<std::uint8_t>(s.notification);
        }
        plan.push_back(Change{n, notify, subscriber});
      });
      if (denied != 0) {
        return fault(9009, "Notification request rejected for " + denied_name);
      }
    }
    if (defect("spa-ignored")) return cwmp::SetParameterAttributesResponse{};
    for (const auto& c : plan)
      DeviceAccess::setAttributes(d_, p_, c.ref, c.notification, c.subscriber);
    return cwmp::SetParameterAttributesResponse{};
  }

  cwmp::Body operator()(const cwmp::AddObject& req) {
    if (!req.object_name.ends_with('.')) {
      return fault(9005, "Invalid parameter name: " + req.object_name + " is not an object path");
    }
    auto ref = DeviceAccess::resolve(d_, p_, req.object_name);
    if (!ref) return fault(9005, "Invalid parameter name: " + req.object_name);
    if (ref->kind != NodeKind::Table) {
      return fault(9005, req.object_name + " is not a multi-instance object");
    }
    if (!DeviceAccess::writable(p_, *ref)) {
      return fault(9005, req.object_name + " does not allow AddObject");
    }
    const auto max = p_.model().schemaNode(ref->schema).max_instances;
    if (max != 0 && DeviceAccess::instanceCount(d_, p_, *ref) >= max) {
      return fault(9004, req.object_name + " already holds its maximum of " + std::to_string(max) +
                             " instances");
    }
    auto number = DeviceAccess::addInstance(d_, p_, *ref);
    if (!number) return fault(9004, number.error().message);
    setParameterKey(req.parameter_key);
    cwmp::AddObjectResponse r;
    r.instance_number = *number;
    r.status = 0;
    return r;
  }

  cwmp::Body operator()(const cwmp::DeleteObject& req) {
    auto ref = req.object_name.ends_with('.') ? DeviceAccess::resolve(d_, p_, req.object_name)
                                              : std::nullopt;
    if (!ref || ref->kind != NodeKind::Instance) {
      return fault(9005, "Invalid parameter name: " + req.object_name + " is not an instance");
    }
    if (!DeviceAccess::writable(p_, *ref)) {
      return fault(9005, req.object_name + " does not allow DeleteObject");
    }
    if (!defect("delete-object-ignored")) DeviceAccess::deleteInstance(d_, p_, *ref);
    setParameterKey(req.parameter_key);
    return cwmp::DeleteObjectResponse{};
  }

  cwmp::Body operator()(const cwmp::Reboot& req) {
    effects_.reboot_command_key = req.command_key;
    return cwmp::RebootResponse{};
  }

  cwmp::Body operator()(const cwmp::FactoryReset&) {
    effects_.factory_reset = true;
    return cwmp::FactoryResetResponse{};
  }

  cwmp::Body operator()(const cwmp::Download& req) {
    if (!isDownloadFileType(req.file_type) && !defect("file-type-unchecked")) {
      return fault(9003, "Unsupported FileType '" + req.file_type + "'");
    }
    if (auto f = checkUrl(req.url)) return *f;
    if (auto f = checkQueue()) return *f;
    TransferJob job = baseJob(req.command_key, req.file_type, req.url, req.username, req.password);
    job.is_download = true;
    job.file_size = req.file_size;
    job.target_file_name = req.target_file_name;
    job.start_at = now_ + std::chrono::seconds(req.delay_seconds);
    DeviceAccess::transfers(d_).push_back(std::move(job));
    // Status 1: the transfer completes later, reported by TransferComplete; the times are
    // then the Unknown Time (A.3.2.8).
    cwmp::DownloadResponse r;
    r.status = 1;
    return r;
  }

  cwmp::Body operator()(const cwmp::Upload& req) {
    if (!isUploadFileType(req.file_type)) {
      return fault(9003, "Unsupported FileType '" + req.file_type + "'");
    }
    if (auto instance = uploadFileInstance(req.file_type)) {
      // "3 Vendor Configuration File <i>" names DeviceInfo.VendorConfigFile.<i>.
      bool config = req.file_type.starts_with("3 ");
      std::string object = p_.rootName() + "DeviceInfo." +
                           (config ? "VendorConfigFile." : "VendorLogFile.") +
                           std::to_string(*instance) + ".";
      if (!DeviceAccess::resolve(d_, p_, object)) {
        return fault(9003, "FileType '" + req.file_type + "' names no instance " + object);
      }
    }
    if (auto f = checkUrl(req.url)) return *f;
    if (auto f = checkQueue()) return *f;
    TransferJob job = baseJob(req.command_key, req.file_type, req.url, req.username, req.password);
    job.is_download = false;
    job.start_at = now_ + std::chrono::seconds(req.delay_seconds);
    DeviceAccess::transfers(d_).push_back(std::move(job));
    cwmp::UploadResponse r;
    r.status = 1;
    return r;
  }

  cwmp::Body operator()(const cwmp::ScheduleDownload& req) {
    if (!isDownloadFileType(req.file_type)) {
      return fault(9003, "Unsupported FileType '" + req.file_type + "'");
    }
    const auto& w = req.time_window_list;
    if (w.empty() || w.size() > 2) {
      return fault(9003, "TimeWindowList must hold 1 or 2 windows");
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      if (w[i].window_end <= w[i].window_start) {
        return fault(9003, "time window " + std::to_string(i + 1) + " ends before it starts");
      }
      if (i > 0 && w[i].window_start < w[i - 1].window_end) {
        return fault(9003, "time windows overlap or are out of order");
      }
      if (!isWindowMode(w[i].window_mode)) {
        return fault(9003, "unknown WindowMode '" + w[i].window_mode + "'");
      }
      if (w[i].max_retries < -1) return fault(9003, "MaxRetries below -1");
    }
    if (auto f = checkUrl(req.url)) return *f;
    if (auto f = checkQueue()) return *f;
    TransferJob job = baseJob(req.command_key, req.file_type, req.url, req.username, req.password);
    job.is_download = true;
    job.scheduled = true;
    job.file_size = req.file_size;
    job.target_file_name = req.target_file_name;
    // The simulated device has no user and is always idle: every mode starts the transfer
    // at the start of the first window.
    job.start_at = now_ + std::chrono::seconds(w.front().window_start);
    job.deadline = now_ + std::chrono::seconds(w.back().window_end);
    DeviceAccess::transfers(d_).push_back(std::move(job));
    return cwmp::ScheduleDownloadResponse{};
  }

  cwmp::Body operator()(const cwmp::ScheduleInform& req) {
    if (req.delay_seconds == 0) return fault(9003, "DelaySeconds must be greater than 0");
    DeviceAccess::addScheduledInform(d_, now_ + std::chrono::seconds(req.delay_seconds),
                                     req.command_key);
    return cwmp::ScheduleInformResponse{};
  }

  cwmp::Body operator()(const cwmp::GetQueuedTransfers&) {
    cwmp::GetQueuedTransfersResponse r;
    for (const auto& t : DeviceAccess::transfers(d_)) {
      if (t.du_operation) continue;  // a ChangeDUState download, not a queued transfer
      if (r.transfer_list.size() == 16) break;
      r.transfer_list.push_back(cwmp::QueuedTransferStruct{t.command_key, t.state});
    }
    return r;
  }

  cwmp::Body operator()(const cwmp::GetAllQueuedTransfers&) {
    cwmp::GetAllQueuedTransfersResponse r;
    for (const auto& t : DeviceAccess::transfers(d_)) {
      if (t.du_operation) continue;  // a ChangeDUState download, not a queued transfer
      if (r.transfer_list.size() == 16) break;
      cwmp::AllQueuedTransferStruct s;
      s.command_key = t.command_key;
      s.state = t.state;
      s.is_download = t.is_download;
      s.file_type = t.file_type;
      s.file_size = t.file_size;
      s.target_file_name = t.target_file_name;
      r.transfer_list.push_back(std::move(s));
    }
    return r;
  }

  cwmp::Body operator()(const cwmp::CancelTransfer& req) {
    auto& transfers = DeviceAccess::transfers(d_);
    bool found = false;
    for (const auto& t : transfers) {
      if (t.du_operation || t.command_key != req.command_key) continue;
      found = true;
      if (t.state != 1) {
        return fault(9021, "transfer '" + req.command_key + "' is already in progress");
      }
    }
    if (!found) {
      for (const auto& c : d_.pendingTransferCompletes()) {
        if (c.command_key == req.command_key) {
          return fault(9021, "transfer '" + req.command_key + "' has completed");
        }
      }
      return fault(9003, "no transfer with CommandKey '" + req.command_key + "'");
    }
    // Every transfer with this key goes ([M] checklist 4.3 CancelTransfer).
    std::erase_if(transfers, [&](const TransferJob& t) {
      return !t.du_operation && t.command_key == req.command_key;
    });
    return cwmp::CancelTransferResponse{};
  }

  cwmp::Body operator()(const cwmp::ChangeDUState& req) {
    return DeviceAccess::changeDuState(d_, p_, req, now_);
  }

  template <class T>
  cwmp::Body operator()(const T&) {
    return fault(9000, "Method not supported");
  }

 private:
  bool defect(std::string_view name) const {
    return quirks_ != nullptr && quirks_->hasDefect(name);
  }
  void setParameterKey(const std::string& key) {
    if (!defect("parameter-key-ignored")) DeviceAccess::setParameterKey(d_, key);
  }

  void store(const NodeRef& ref, std::string value) {
    // Keep only what differs from the profile: a value equal to the template's literal
    // default (not generated, no placeholders) is not stored.
    const auto& info = DeviceAccess::info(p_, ref);
    if (info.generator.kind == GeneratorKind::None && ref.node != kNoNode &&
        ref.node != p_.model().wellKnown().parameter_key) {
      const std::string& base = p_.model().node(ref.node).value;
      if (base.find('{') == std::string::npos && base.find('}') == std::string::npos &&
          base == value) {
        DeviceAccess::eraseValue(d_, ref.key);
        return;
      }
    }
    DeviceAccess::setValue(d_, ref.key, std::move(value));
  }

  std::optional<cwmp::Body> checkUrl(const std::string& url) {
    auto scheme = urlScheme(url);
    if (!scheme) return fault(9003, "URL '" + url + "' is not an absolute URL");
    const auto& allowed = p_.transfers().schemes;
    if (defect("transfer-scheme-unchecked")) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *scheme) == allowed.end()) {
      return fault(9013, "Unsupported protocol for file transfer: " + *scheme);
    }
    return std::nullopt;
  }

  std::optional<cwmp::Body> checkQueue() {
    const auto& jobs = DeviceAccess::transfers(d_);
    const auto queued = std::count_if(jobs.begin(), jobs.end(),
                                      [](const TransferJob& t) { return !t.du_operation; });
    if (static_cast<std::size_t>(queued) >= p_.transfers().max_queued) {
      return fault(9004, "transfer queue full (" + std::to_string(p_.transfers().max_queued) + ")");
    }
    return std::nullopt;
  }

  TransferJob baseJob(const std::string& key, const std::string& type, const std::string& url,
                      const std::string& user, const std::string& password) {
    TransferJob job;
    job.id = DeviceAccess::nextTransferId(d_);
    job.command_key = key;
    job.file_type = type;
    job.url = url;
    job.username = user;
    job.password = password;
    return job;
  }

  Device& d_;
  const Profile& p_;
  TimePoint now_;
  SessionEffects& effects_;
  const Quirks* quirks_;
};

}  // namespace

cwmp::Body Device::execute(const Profile& profile, const cwmp::Body& request, TimePoint now,
                           SessionEffects& effects) {
  std::string_view method = cwmp::methodName(request);
  if (method.empty() || cwmp::isResponse(request) || !profile.supports(method)) {
    return fault(9000, "Method not supported: " + std::string(method));
  }
  if (const Quirks* q = profile.quirksFor(index_)) {
    for (const auto& f : q->rpc_faults) {
      if (f.method == method) return fault(f.code, f.message);
    }
  }
  Rpc rpc(*this, profile, now, effects);
  return std::visit(rpc, request);
}

}  // namespace cpesim
