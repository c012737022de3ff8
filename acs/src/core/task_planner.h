// acs/core/task_planner.h: turns a stored task into the CWMP request the ACS sends, and the
// CPE's answer into store effects. Pure (no IO, no clock): the AcsSession calls it.
//
// A task is `type` (a CPE method name such as "SetParameterValues", or "refresh") plus
// `args_json`, the RPC's arguments in the cwmp_json body shape (cwmp/json.h), e.g.
//   {"ParameterList": [{"Name": "Device.X", "Value": "1", "Type": "xsd:int"}], "ParameterKey": "k"}
// `refresh` takes {"ParameterPath": "Device.WiFi."} and runs in two requests:
// GetParameterNames of the subtree, then GetParameterValues of the leaf names it returned.
//
//   auto planned = acs::planTask(task);              // Result<PlannedRequest>
//   if (!planned) fault the task with planned.error().message;
//   ... later, with the CPE's answer:
//   acs::TaskStepResult r = acs::onTaskResponse(in_flight, response_body);
//   // r.effects: parameters to store, TaskCompletedEffect; r.follow_up: next request, if any
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acs/src/core/effects.h"
#include "acs/src/store/store.h"
#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace acs {

// The task types the ACS accepts: every ACS-issued RPC of the codec plus "refresh":
// GetParameterValues, SetParameterValues, GetParameterNames, GetParameterAttributes,
// SetParameterAttributes, AddObject, DeleteObject, Reboot, FactoryReset, Download, Upload,
// ScheduleInform, GetRPCMethods, GetAllQueuedTransfers, CancelTransfer, ScheduleDownload,
// ChangeDUState, refresh.
const std::vector<std::string_view>& taskTypes();
bool isTaskType(std::string_view type);

// Checks `args_json` for a task of `type` without planning it (for the REST API). The error
// (InvalidArgument) names the offending field, e.g. "ParameterList[0].Value: expected a string",
// or the type: "unknown task type 'Foo'".
cwmp::Result<cwmp::Body> validateTaskArgs(std::string_view type, std::string_view args_json);

// The CommandKey the ACS uses for a task whose arguments leave it empty: "task-<id>". The
// methods that carry one: Download, Upload, ScheduleInform, Reboot, ScheduleDownload,
// ChangeDUState. A CommandKey given in the arguments is kept as it is.
std::string generatedCommandKey(std::int64_t task_id);

// One request of a task, ready to send.
struct PlannedRequest {
  cwmp::Body body;
  std::string command_key;  // "" for methods without one
  std::int32_t step = 0;    // 0 for the first request; refresh: 1 for its GetParameterValues
};

// What the session keeps about the request awaiting the CPE's answer. Serialised with the
// session state, so any ACS process can interpret the answer.
struct TaskInFlight {
  std::int64_t task_id = 0;
  std::string task_type;
  std::string args_json;
  std::string method;  // the RPC sent, e.g. "GetParameterNames"
  std::int32_t step = 0;
  std::string command_key;
  std::string request_id;  // the cwmp:ID the ACS put on the request
  bool operator==(const TaskInFlight&) const = default;
};

// The first request of `task`. InvalidArgument when the type is unknown or the arguments do
// not make a valid request (the message names the field).
cwmp::Result<PlannedRequest> planTask(const store::Task& task);

// "GetParameterValues" -> "GetParameterValuesResponse".
std::string expectedResponseMethod(std::string_view method);

struct TaskStepResult {
  std::vector<Effect> effects;              // parameters, TaskCompleted / TaskFaulted, ...
  std::optional<PlannedRequest> follow_up;  // the task's next request (refresh), if any
};

// The CPE answered `in_flight` with `response`, whose method is expectedResponseMethod() of
// the request (the session checks that first). Results (TR-069 A.3.2):
//   GetParameterValuesResponse  -> parameters upserted with value and type
//   GetParameterNamesResponse   -> names upserted with writable (values kept)
//   SetParameterValuesResponse  -> the values set and <root>.ManagementServer.ParameterKey
//   AddObjectResponse           -> "<ObjectName><InstanceNumber>." stored as an object, key
//   DeleteObjectResponse        -> the object's subtree deleted, key
//   Download/UploadResponse     -> result {"Status":..}; with Status 1 the later
//                                  TransferComplete adds to it (LinkedCompletionEffect)
//   others                      -> result = the response's arguments as JSON
TaskStepResult onTaskResponse(const TaskInFlight& in_flight, const cwmp::Body& response);

// The CPE answered `in_flight` with a SOAP Fault: the task is Faulted with its code.
TaskStepResult onTaskFault(const TaskInFlight& in_flight, const cwmp::Fault& fault);

}  // namespace acs
