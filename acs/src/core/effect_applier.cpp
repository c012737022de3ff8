#include "acs/src/core/effect_applier.h"

#include <charconv>
#include <map>
#include <string_view>
#include <utility>

#include "acs/src/core/json_value.h"
#include "acs/src/core/store_errors.h"

namespace acs {

namespace {

// "Device.DeviceInfo.SoftwareVersion" -> "DeviceInfo.SoftwareVersion": the path below the
// data-model root, so TR-098 and TR-181 names match alike.
std::string_view belowRoot(std::string_view name) {
  auto dot = name.find('.');
  return dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
}


// The longest prefix ending in '.' shared by every name ("" when they share none).
std::string commonObjectPrefix(const std::vector<cwmp::ParameterInfoStruct>& names) {
  if (names.empty()) return {};
  std::string_view prefix = names.front().name;
  for (const auto& n : names) {
    std::size_t i = 0;
    while (i < prefix.size() && i < n.name.size() && prefix[i] == n.name[i]) ++i;
    prefix = prefix.substr(0, i);
  }
  auto dot = prefix.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(prefix.substr(0, dot + 1));
}

class Applier {
 public:
  Applier(store::Store& store, const EffectContext& ctx, Metrics* metrics)
      : store_(store), ctx_(ctx), metrics_(metrics) {}

  ApplyOutcome run(const std::vector<Effect>& effects) {
    for (const auto& effect : effects) {
      bool ok = std::visit([this](const auto& e) { return apply(e); }, effect);
      if (!ok) break;
    }
    return std::move(out_);
  }

 private:
  // Returns false to stop (a Busy/Unavailable store); otherwise notes the problem.
  template <class T>
  bool check(const store::Result<T>& r, std::string_view what) {
    if (r.ok()) return true;
    return onError(r.error(), what);
  }

  bool onError(const store::StoreError& e, std::string_view what) {
    if (metrics_ != nullptr) metrics_->storeError(storeErrorKind(e.code));
    if (isTransient(e)) {
      out_.status = e;
      return false;
    }
    out_.notes.push_back(std::string(what) + ": " + e.message);
    return true;
  }

  bool apply(const RecordInformEffect& e) {
    store::InformRecord record = informRecord(e.inform, e.device_id, ctx_.ip, ctx_.now);
    InformCache* cache = ctx_.inform_cache;
    std::vector<store::Parameter> all;
    if (cache != nullptr) {
      all = std::move(record.parameters);
      record.parameters = cache->changed(e.device_id, all);
    }
    auto r = store_.recordInform(record);
    if (!r.ok()) {
      if (cache != nullptr) cache->invalidate(e.device_id);
      // Without the device row nothing else of the session can be stored.
      if (metrics_ != nullptr) metrics_->storeError(storeErrorKind(r.error().code));
      out_.status = r.error();
      return false;
    }
    if (cache != nullptr) {
      // A device created by this very Inform (e.g. deleted through the API meanwhile) has
      // none of the parameters the cache left out.
      if (record.parameters.size() < all.size() && r->first_seen == record.now) {
        auto written = store_.upsertParameters(e.device_id, all, ctx_.now);
        if (!written.ok()) {
          cache->invalidate(e.device_id);
          if (!check(written, "store Inform parameters")) return false;
        }
      }
      // Nothing changed: what is remembered is what was stored.
      if (!record.parameters.empty()) cache->remember(e.device_id, all);
    }
    out_.device = std::move(*r);
    return true;
  }

  void invalidateCache() {
    if (ctx_.inform_cache != nullptr) ctx_.inform_cache->invalidate(ctx_.device_id);
  }

  bool apply(const TaskCompletedEffect& e) {
    auto r = store_.completeTask(e.task_id, e.result_json, ctx_.now);
    if (r.ok() && metrics_ != nullptr) metrics_->taskCompleted();
    return check(r, "complete task " + std::to_string(e.task_id));
  }

  bool apply(const TaskFaultedEffect& e) {
    // Code 0 is no CPE fault (a protocol error, an unplannable task): the task Failed.
    auto r = e.code == 0 ? store_.failTask(e.task_id, e.message, ctx_.now)
                         : store_.faultTask(e.task_id, e.code, e.message, e.detail_json, ctx_.now);
    if (!check(r, (e.code == 0 ? "fail task " : "fault task ") + std::to_string(e.task_id))) {
      return false;
    }
    if (metrics_ != nullptr) {
      if (e.code == 0) {
        metrics_->taskFailed();
      } else {
        metrics_->taskFaulted();
        metrics_->cwmpFaultReceived();
      }
    }
    store::FaultRecord f;
    f.device_id = ctx_.device_id;
    f.task_id = e.task_id;
    f.session_id = ctx_.session_id;
    f.code = e.code;
    f.message = e.message;
    f.detail_json = e.detail_json;
    f.at = ctx_.now;
    return check(store_.recordFault(f), "record fault");
  }

  bool apply(const UpsertParametersEffect& e) {
    invalidateCache();
    return check(store_.upsertParameters(ctx_.device_id, e.parameters, ctx_.now),
                 "store parameters");
  }

  bool apply(const UpsertParameterNamesEffect& e) {
    invalidateCache();
    // GetParameterNames says nothing about values: keep the stored ones.
    std::string prefix = commonObjectPrefix(e.names);
    auto existing = store_.getParameters(ctx_.device_id, prefix);
    if (!check(existing, "read parameters")) return false;
    std::map<std::string_view, const store::Parameter*> known;
    if (existing.ok()) {
      for (const auto& p : *existing) known.emplace(p.name, &p);
    }
    std::vector<store::Parameter> params;
    params.reserve(e.names.size());
    for (const auto& info : e.names) {
      if (info.name.empty()) continue;
      store::Parameter p;
      p.name = info.name;
      p.writable = info.writable;
      auto it = known.find(info.name);
      if (it != known.end()) {
        p.value = it->second->value;
        p.type = it->second->type;
      } else if (info.name.back() == '.') {
        p.type = "object";
      }
      params.push_back(std::move(p));
    }
    return check(store_.upsertParameters(ctx_.device_id, params, ctx_.now), "store names");
  }

  bool apply(const DeleteParameterSubtreeEffect& e) {
    invalidateCache();
    return check(store_.deleteParameterSubtree(ctx_.device_id, e.prefix), "delete subtree");
  }

  bool apply(const LinkedCompletionEffect& e) {
    auto found = store_.findTaskByCommandKey(ctx_.device_id, e.command_key);
    if (!check(found, "find task by CommandKey")) return false;
    if (!found.ok() || !found->has_value()) {
      out_.notes.push_back(e.report_key + ": no task with CommandKey '" + e.command_key + "'");
      return true;
    }
    const store::Task& task = **found;
    auto previous = json::parse(task.result_json.empty() ? "{}" : task.result_json);
    json::Value result = previous && previous->isObject() ? *previous : json::Value::object();
    auto report = json::parse(e.report_json);
    result.set(e.report_key, report ? *report : json::Value(e.report_json));
    const std::string merged = result.dump();
    if (e.fault_code != 0) {
      auto r = store_.faultTask(task.id, e.fault_code, e.fault_string, merged, ctx_.now);
      if (!check(r, "fault task " + std::to_string(task.id))) return false;
      store::FaultRecord f;
      f.device_id = ctx_.device_id;
      f.task_id = task.id;
      f.session_id = ctx_.session_id;
      f.code = e.fault_code;
      f.message = e.report_key + ": " + e.fault_string;
      f.detail_json = e.report_json;
      f.at = ctx_.now;
      return check(store_.recordFault(f), "record fault");
    }
    if (task.state == store::TaskState::Sent) {
      return check(store_.completeTask(task.id, merged, ctx_.now),
                   "complete task " + std::to_string(task.id));
    }
    return check(store_.setTaskResult(task.id, merged, ctx_.now),
                 "set result of task " + std::to_string(task.id));
  }

  bool apply(const CpeRequestEffect& e) {
    out_.notes.push_back("rpc:" + e.method);
    return true;
  }

  bool apply(const RecordFaultEffect& e) {
    if (metrics_ != nullptr && e.code >= 8000 && e.code < 9000) metrics_->cwmpFaultSent(e.code);
    if (ctx_.device_id.empty()) return true;  // no device row to attach it to
    store::FaultRecord f;
    f.device_id = ctx_.device_id;
    f.session_id = ctx_.session_id;
    f.code = e.code;
    f.message = e.message;
    f.detail_json = e.detail_json;
    f.at = ctx_.now;
    return check(store_.recordFault(f), "record fault");
  }

  bool apply(const EndSessionEffect& e) {
    out_.end = e;
    return true;
  }

  store::Store& store_;
  const EffectContext& ctx_;
  Metrics* metrics_;
  ApplyOutcome out_;
};

}  // namespace

store::InformRecord informRecord(cwmp::Inform inform, const std::string& device_id,
                                 const std::string& ip, store::TimePoint now) {
  store::InformRecord r;
  r.device_id = device_id;
  r.oui = std::move(inform.device_id.oui);
  r.product_class = std::move(inform.device_id.product_class);
  r.serial_number = std::move(inform.device_id.serial_number);
  r.manufacturer = std::move(inform.device_id.manufacturer);
  r.ip = ip;
  r.now = now;
  r.parameters.reserve(inform.parameter_list.size());
  for (auto& p : inform.parameter_list) {
    std::string_view tail = belowRoot(p.name);
    if (tail == "DeviceInfo.SoftwareVersion") {
      r.software_version = p.value;
    } else if (tail == "DeviceInfo.HardwareVersion") {
      r.hardware_version = p.value;
    } else if (tail == "ManagementServer.ConnectionRequestURL") {
      r.connection_request_url = p.value;
    } else if (tail == "ManagementServer.ParameterKey") {
      r.parameter_key = p.value;
    } else if (tail == "ManagementServer.PeriodicInformInterval") {
      std::int64_t seconds = 0;
      std::string_view v = p.value;
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
      if (ec == std::errc() && ptr == v.data() + v.size() && seconds > 0) {
        r.periodic_inform_interval = seconds;
      }
    }
    store::Parameter param;
    param.name = std::move(p.name);
    param.value = std::move(p.value);
    param.type = p.type.empty() ? std::string("xsd:string") : std::move(p.type);
    param.last_updated = now;
    r.parameters.push_back(std::move(param));
  }
  r.events.reserve(inform.event.size());
  for (auto& e : inform.event) r.events.push_back(std::move(e.event_code));
  return r;
}

ApplyOutcome applyEffects(store::Store& store, const EffectContext& context,
                          const std::vector<Effect>& effects, Metrics* metrics) {
  return Applier(store, context, metrics).run(effects);
}

}  // namespace acs
