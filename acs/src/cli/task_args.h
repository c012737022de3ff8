// acs/cli/task_args.h: turns acsctl's `--param` / `--json` options into the "parameters"
// object of a task (the cwmp_json body shape the REST API validates).
//
// The argument names and JSON types of every task type come from the field descriptions of
// cwmp/messages.h, so `--param DelaySeconds=30` becomes the number 30 and
// `--param CommandKey=30` the string "30" without a table of our own to keep in sync.
//
//   TaskParameters p = buildTaskParameters("SetParameterValues",
//       {"Device.WiFi.SSID.1.SSID=lab", "ParameterKey=k1"}, std::nullopt);
//   // p.json: {"ParameterList":[{"Name":"Device.WiFi.SSID.1.SSID","Value":"lab",
//   //          "Type":"xsd:string"}],"ParameterKey":"k1"}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acs::cli {

// The JSON type of one top-level argument of a task type.
enum class ArgKind { String, Bool, Int, UnsignedInt, StringList, Object, ObjectList };

struct ArgSpec {
  std::string name;  // CWMP element name, e.g. "ParameterKey"
  ArgKind kind = ArgKind::String;
};

// The arguments of `task_type` (a CWMP request method, or "refresh"); nullopt for a name
// that is neither.
std::optional<std::vector<ArgSpec>> taskArgSpecs(std::string_view task_type);

// The canonical spelling of a task type typed by a user: exact names, any letter case, and the
// short forms gpv, spv, gpn, gpa, spa, add, delete, reboot, factory-reset, download, upload,
// schedule-inform, ... ; nullopt when unknown.
std::optional<std::string> canonicalTaskType(std::string_view typed);

// Builds the parameters object (as JSON text) of a `task_type` task from `--json` text (an
// object, merged first) and `--param` items applied in order:
//   KEY=VALUE        an argument of the RPC (VALUE converted to its JSON type; list
//                    arguments such as ParameterNames collect repeated values)
//   PATH=VALUE       SetParameterValues: a ParameterList entry (type xsd:string, or
//                    PATH:TYPE=VALUE, e.g. Device.X.Interval:unsignedInt=300);
//                    SetParameterAttributes: a ParameterList entry with that Notification
//   PATH             GetParameterValues / GetParameterAttributes: a ParameterNames entry;
//                    GetParameterNames / refresh: ParameterPath; AddObject / DeleteObject:
//                    ObjectName
// A PATH is anything containing '.'; argument names never do.
struct TaskParameters {
  std::string json;   // the object, when error is empty
  std::string error;  // names the offending item
  bool ok() const { return error.empty(); }
};
TaskParameters buildTaskParameters(std::string_view task_type,
                                   const std::vector<std::string>& params,
                                   const std::optional<std::string>& json_text);

}  // namespace acs::cli
