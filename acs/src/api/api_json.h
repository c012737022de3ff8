// acs/api/api_json.h: the JSON shapes of the REST API's replies (documented in
// acs/src/api/openapi.json and, for captures, acs/doc/captures.md).
//
// Each write* function appends one JSON value for one domain object to a JsonWriter, so the
// same shape is used wherever the object appears (a device alone or inside a page). Times are
// RFC 3339 UTC with milliseconds ("2024-05-01T12:00:00.250Z"); unset times are null.
//
//   JsonWriter w;
//   writeDevice(w, device);
//   reply(200, w.take());
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_error.h"
#include "api/json_writer.h"
#include "http/connection_request.h"
#include "store/store.h"

namespace acs::api {

// "2024-05-01T12:00:00.250Z".
std::string formatTime(store::TimePoint time);

void writeDevice(JsonWriter& w, const store::Device& device);
void writeParameter(JsonWriter& w, const store::Parameter& parameter);
// {"id", "device_id", "task_type", "status", "parameters", "created_at", "updated_at",
//  "sent_at", "expires_at", "attempts", "max_attempts", "session_id", "command_key",
//  "result", "fault", "reason", "connection_request_result"}.
void writeTask(JsonWriter& w, const store::Task& task);
void writeSession(JsonWriter& w, const store::SessionRecord& session);
void writeFault(JsonWriter& w, const store::FaultRecord& fault);
void writeConnectionRequestOutcome(JsonWriter& w, const ConnectionRequestOutcome& outcome);
void writeStats(JsonWriter& w, const store::Stats& stats, std::string_view backend);
// The capture download (format "cwmp-lab-capture/1", acs/doc/captures.md): the records
// grouped by session in the store's (session, seq) order, sessions ordered by their first
// exchange.
void writeCaptures(JsonWriter& w, std::string_view device_id,
                   const std::vector<store::CaptureRecord>& captures);

// {"error":{"code":...,"message":...}}.
std::string errorBody(const ApiError& error);

// Stored JSON text (task arguments and results) embedded as a value: the text itself when it
// parses as JSON, null when empty, otherwise the text as a JSON string (never invalid output).
void writeStoredJson(JsonWriter& w, std::string_view stored);

// The store's gauges in Prometheus text format (appended after Metrics::renderPrometheus()):
// acs_store_up, acs_devices, acs_devices_online, acs_tasks{state=...},
// acs_sessions_last_hour, acs_faults_last_24h. With `stats` null only acs_store_up 0.
std::string renderStoreGauges(const store::Stats* stats);

// Identifies the capture download format; bump it when the shape changes incompatibly.
inline constexpr std::string_view kCaptureFormat = "cwmp-lab-capture/1";

}  // namespace acs::api
