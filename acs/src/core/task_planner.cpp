#include "acs/src/core/task_planner.h"

#include <algorithm>
#include <utility>

#include "acs/src/core/json_value.h"
#include "cwmp/json.h"

namespace acs {

namespace {

constexpr std::string_view kRefresh = "refresh";

cwmp::Error invalid(std::string message) {
  cwmp::Error e;
  e.code = cwmp::ErrorCode::InvalidArgument;
  e.message = std::move(message);
  return e;
}

// The data-model root of a path: "Device." for "Device.WiFi.SSID.1.SSID"; "" without a dot.
std::string rootOf(std::string_view path) {
  auto dot = path.find('.');
  if (dot == std::string_view::npos) return {};
  return std::string(path.substr(0, dot + 1));
}

// The ParameterKey parameter the CPE sets after a successful SPV/AddObject/DeleteObject
// (TR-069 A.3.2.1: ManagementServer.ParameterKey).
std::optional<store::Parameter> parameterKeyParameter(std::string_view any_path,
                                                      std::string_view key) {
  std::string root = rootOf(any_path);
  if (root.empty()) return std::nullopt;
  store::Parameter p;
  p.name = root + "ManagementServer.ParameterKey";
  p.value = std::string(key);
  p.type = "xsd:string";
  return p;
}

// Refresh's arguments: {"ParameterPath": "Device.WiFi."}; strict like cwmp_json.
cwmp::Result<std::string> refreshPath(std::string_view args_json) {
  std::string_view text = args_json.empty() ? std::string_view("{}") : args_json;
  auto doc = json::parse(text);
  if (!doc) return invalid("arguments: " + doc.error().message);
  if (!doc->isObject()) return invalid("arguments: expected a JSON object");
  std::string path;
  for (const auto& [key, value] : doc->asObject()) {
    if (key != "ParameterPath") return invalid(key + ": unknown key (refresh takes ParameterPath)");
    if (!value.isString()) return invalid("ParameterPath: expected a string");
    path = value.asString();
  }
  if (path.size() > 256) return invalid("ParameterPath: longer than 256 characters");
  return path;
}

// Puts the command key into the body of the methods that carry one.
std::string applyCommandKey(cwmp::Body& body, std::int64_t task_id) {
  std::string* key = std::visit(
      [](auto& msg) -> std::string* {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, cwmp::Download> || std::is_same_v<T, cwmp::Upload> ||
                      std::is_same_v<T, cwmp::ScheduleInform> || std::is_same_v<T, cwmp::Reboot> ||
                      std::is_same_v<T, cwmp::ScheduleDownload> ||
                      std::is_same_v<T, cwmp::ChangeDUState>) {
          return &msg.command_key;
        } else {
          return nullptr;
        }
      },
      body);
  if (key == nullptr) {
    // CancelTransfer names another transfer's key; it is not this task's own.
    return {};
  }
  if (key->empty()) *key = generatedCommandKey(task_id);
  return *key;
}

store::Parameter toParameter(const cwmp::ParameterValueStruct& p) {
  store::Parameter out;
  out.name = p.name;
  out.value = p.value;
  out.type = p.type.empty() ? "xsd:string" : p.type;
  return out;
}

std::string objectJson(std::initializer_list<std::pair<std::string_view, json::Value>> items) {
  json::Value v = json::Value::object();
  for (const auto& [k, val] : items) v.set(k, val);
  return v.dump();
}

}  // namespace

const std::vector<std::string_view>& taskTypes() {
  static const std::vector<std::string_view> kTypes = {"GetParameterValues",
                                                       "SetParameterValues",
                                                       "GetParameterNames",
                                                       "GetParameterAttributes",
                                                       "SetParameterAttributes",
                                                       "AddObject",
                                                       "DeleteObject",
                                                       "Reboot",
                                                       "FactoryReset",
                                                       "Download",
                                                       "Upload",
                                                       "ScheduleInform",
                                                       "GetRPCMethods",
                                                       "GetAllQueuedTransfers",
                                                       "CancelTransfer",
                                                       "ScheduleDownload",
                                                       "ChangeDUState",
                                                       kRefresh};
  return kTypes;
}

bool isTaskType(std::string_view type) {
  const auto& types = taskTypes();
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::string generatedCommandKey(std::int64_t task_id) { return "task-" + std::to_string(task_id); }

cwmp::Result<cwmp::Body> validateTaskArgs(std::string_view type, std::string_view args_json) {
  if (!isTaskType(type)) return invalid("unknown task type '" + std::string(type) + "'");
  if (type == kRefresh) {
    auto path = refreshPath(args_json);
    if (!path) return path.error();
    return cwmp::Body(cwmp::GetParameterNames{*path, false});
  }
  return cwmp::bodyFromJson(type, args_json.empty() ? std::string_view("{}") : args_json);
}

cwmp::Result<PlannedRequest> planTask(const store::Task& task) {
  auto body = validateTaskArgs(task.type, task.args_json);
  if (!body) return body.error();
  PlannedRequest planned;
  planned.body = std::move(*body);
  planned.command_key = applyCommandKey(planned.body, task.id);
  planned.step = 0;
  return planned;
}

std::string expectedResponseMethod(std::string_view method) {
  return std::string(method) + "Response";
}

TaskStepResult onTaskResponse(const TaskInFlight& in_flight, const cwmp::Body& response) {
  TaskStepResult out;
  const std::int64_t id = in_flight.task_id;
  auto complete = [&](std::string result_json) {
    out.effects.push_back(TaskCompletedEffect{id, std::move(result_json)});
  };

  if (const auto* gpn = std::get_if<cwmp::GetParameterNamesResponse>(&response)) {
    out.effects.push_back(UpsertParameterNamesEffect{gpn->parameter_list});
    if (in_flight.task_type == kRefresh) {
      cwmp::GetParameterValues gpv;
      for (const auto& info : gpn->parameter_list) {
        if (!info.name.empty() && info.name.back() != '.') gpv.parameter_names.push_back(info.name);
      }
      if (gpv.parameter_names.empty()) {
        complete(
            objectJson({{"ParameterNames", static_cast<std::int64_t>(gpn->parameter_list.size())},
                        {"ParameterValues", std::int64_t{0}}}));
      } else {
        PlannedRequest next;
        next.body = std::move(gpv);
        next.step = 1;
        out.follow_up = std::move(next);
      }
      return out;
    }
    complete(cwmp::bodyToJson(response));
    return out;
  }

  if (const auto* gpv = std::get_if<cwmp::GetParameterValuesResponse>(&response)) {
    UpsertParametersEffect upsert;
    upsert.parameters.reserve(gpv->parameter_list.size());
    for (const auto& p : gpv->parameter_list) upsert.parameters.push_back(toParameter(p));
    out.effects.push_back(std::move(upsert));
    if (in_flight.task_type == kRefresh) {
      complete(
          objectJson({{"ParameterValues", static_cast<std::int64_t>(gpv->parameter_list.size())}}));
    } else {
      complete(cwmp::bodyToJson(response));
    }
    return out;
  }

  if (const auto* spv = std::get_if<cwmp::SetParameterValuesResponse>(&response)) {
    auto request = cwmp::bodyFromJson("SetParameterValues", in_flight.args_json);
    if (request) {
      if (const auto* req = std::get_if<cwmp::SetParameterValues>(&*request)) {
        UpsertParametersEffect upsert;
        for (const auto& p : req->parameter_list) upsert.parameters.push_back(toParameter(p));
        if (!req->parameter_list.empty()) {
          if (auto key =
                  parameterKeyParameter(req->parameter_list.front().name, req->parameter_key)) {
            upsert.parameters.push_back(std::move(*key));
          }
        }
        out.effects.push_back(std::move(upsert));
      }
    }
    complete(objectJson({{"Status", spv->status}}));
    return out;
  }

  if (const auto* add = std::get_if<cwmp::AddObjectResponse>(&response)) {
    auto request = cwmp::bodyFromJson("AddObject", in_flight.args_json);
    if (request) {
      if (const auto* req = std::get_if<cwmp::AddObject>(&*request)) {
        UpsertParametersEffect upsert;
        store::Parameter object;
        object.name = req->object_name + std::to_string(add->instance_number) + ".";
        object.type = "object";
        upsert.parameters.push_back(std::move(object));
        if (auto key = parameterKeyParameter(req->object_name, req->parameter_key)) {
          upsert.parameters.push_back(std::move(*key));
        }
        out.effects.push_back(std::move(upsert));
      }
    }
    complete(objectJson({{"InstanceNumber", add->instance_number}, {"Status", add->status}}));
    return out;
  }

  if (const auto* del = std::get_if<cwmp::DeleteObjectResponse>(&response)) {
    auto request = cwmp::bodyFromJson("DeleteObject", in_flight.args_json);
    if (request) {
      if (const auto* req = std::get_if<cwmp::DeleteObject>(&*request)) {
        if (!req->object_name.empty()) {
          out.effects.push_back(DeleteParameterSubtreeEffect{req->object_name});
        }
        if (auto key = parameterKeyParameter(req->object_name, req->parameter_key)) {
          out.effects.push_back(UpsertParametersEffect{{std::move(*key)}});
        }
      }
    }
    complete(objectJson({{"Status", del->status}}));
    return out;
  }

  // Download/Upload: Status 0 = done; 1 = a TransferComplete will follow in a later session,
  // linked by CommandKey (TR-069 A.3.2.8). Either way the request itself succeeded.
  if (std::holds_alternative<cwmp::DownloadResponse>(response) ||
      std::holds_alternative<cwmp::UploadResponse>(response)) {
    auto doc = json::parse(cwmp::bodyToJson(response));
    json::Value result = doc ? *doc : json::Value::object();
    result.set("CommandKey", in_flight.command_key);
    complete(result.dump());
    return out;
  }

  auto doc = json::parse(cwmp::bodyToJson(response));
  json::Value result = doc ? *doc : json::Value::object();
  if (!in_flight.command_key.empty()) result.set("CommandKey", in_flight.command_key);
  complete(result.dump());
  return out;
}

TaskStepResult onTaskFault(const TaskInFlight& in_flight, const cwmp::Fault& fault) {
  TaskStepResult out;
  std::string message = fault.fault_string.empty()
                            ? std::string(cwmp::faultCodeMessage(fault.fault_code))
                            : fault.fault_string;
  out.effects.push_back(TaskFaultedEffect{in_flight.task_id, fault.fault_code, std::move(message),
                                          cwmp::bodyToJson(cwmp::Body(fault))});
  return out;
}

}  // namespace acs
