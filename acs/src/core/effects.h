// acs/core/effects.h: what a CWMP exchange asks the store to do.
//
// The pure AcsSession and the task planner never touch the store. They return a list of
// effects; the HTTP layer applies them in order with applyEffects() (effect_applier.h), in
// the same request, before the reply is sent, so a reply never announces something the store
// does not hold.
//
//   acs::session::Step step = session.onMessage(envelope);
//   acs::applyEffects(store, {.device_id = id, .session_id = sid, .now = now}, step.effects);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "acs/src/core/metrics.h"
#include "acs/src/store/store.h"
#include "cwmp/messages.h"

namespace acs {

// The Inform was accepted: upsert the device and the Inform's parameters.
struct RecordInformEffect {
  cwmp::Inform inform;
  std::string device_id;
};

// The CPE answered the task's last request (Sent -> Completed).
struct TaskCompletedEffect {
  std::int64_t task_id = 0;
  std::string result_json;
};

// The task ended without success: a CPE fault (its code, 9000..9899; the task becomes
// Faulted), a protocol error by the CPE (code 0, message "protocol error: ..."), or arguments
// that cannot be turned into a request (code 0, message "invalid task: ..."); code 0 makes the
// task Failed with the message as its reason (Store::failTask). Also recorded in the faults
// table.
struct TaskFaultedEffect {
  std::int64_t task_id = 0;
  std::uint32_t code = 0;
  std::string message;
  std::string detail_json;
};

// Values learnt from the CPE (GetParameterValues, SetParameterValues, Inform, AddObject).
struct UpsertParametersEffect {
  std::vector<store::Parameter> parameters;
};

// Names learnt from GetParameterNames: writable flags are set; a stored value is kept, and
// names not stored yet are added with an empty value ("object" type for names ending in ".").
struct UpsertParameterNamesEffect {
  std::vector<cwmp::ParameterInfoStruct> names;
};

// DeleteObject succeeded: forget the object's subtree.
struct DeleteParameterSubtreeEffect {
  std::string prefix;
};

// A completion the CPE reports later, linked to its task by CommandKey: TransferComplete
// (Download, Upload, ScheduleDownload) and DUStateChangeComplete (ChangeDUState).
// fault_code 0 means success: the task's result gets `report_json` added under `report_key`;
// otherwise the task is Faulted with the code.
struct LinkedCompletionEffect {
  std::string command_key;
  std::string report_key;   // "TransferComplete" or "DUStateChangeComplete"
  std::string report_json;  // the CPE request's arguments (cwmp_json body shape)
  std::uint32_t fault_code = 0;
  std::string fault_string;
};

// A CPE request the ACS answered that has no task to update (AutonomousTransferComplete,
// AutonomousDUStateChangeComplete, RequestDownload, Kicked, GetRPCMethods, and the linked
// completions too): kept on the session's event list as "rpc:<Method>" and in the log.
struct CpeRequestEffect {
  std::string method;
  std::string args_json;
};

// Something to keep in the device's fault list that is not a task fault: a fault the ACS
// sent (8000, 8003, 8006, ...) or a protocol violation by the CPE (code 0).
struct RecordFaultEffect {
  std::uint32_t code = 0;
  std::string message;
  std::string detail_json;
};

// The session is over after this reply (release the lease, set ended_at and outcome).
// requeue_sent_tasks: tasks still Sent in this session go back to Pending.
struct EndSessionEffect {
  SessionOutcome outcome = SessionOutcome::Ok;
  bool requeue_sent_tasks = false;
};

using Effect =
    std::variant<RecordInformEffect, TaskCompletedEffect, TaskFaultedEffect, UpsertParametersEffect,
                 UpsertParameterNamesEffect, DeleteParameterSubtreeEffect, LinkedCompletionEffect,
                 CpeRequestEffect, RecordFaultEffect, EndSessionEffect>;

}  // namespace acs
