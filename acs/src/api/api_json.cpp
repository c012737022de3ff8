#include "api/api_json.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "core/metrics.h"
#include "cwmp/value.h"

namespace acs::api {

namespace {

void writeTime(JsonWriter& w, const std::optional<store::TimePoint>& time) {
  if (time) {
    w.value(formatTime(*time));
  } else {
    w.null();
  }
}

// An empty string as null: the store keeps "" for "never set".
void writeTextOrNull(JsonWriter& w, const std::string& text) {
  if (text.empty()) {
    w.null();
  } else {
    w.value(text);
  }
}

bool parsesAsJson(std::string_view text) {
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(64);
    parser.parse(std::string(text));
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

// Prometheus label values escape backslash, quote and newline.
std::string escapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string formatTime(store::TimePoint time) {
  using namespace std::chrono;
  const sys_days day = floor<days>(time);
  const year_month_day ymd(day);
  const hh_mm_ss<milliseconds> tod(time - day);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return buffer;
}

void writeDevice(JsonWriter& w, const store::Device& device) {
  w.beginObject();
  w.key("id").value(device.id);
  w.key("oui").value(device.oui);
  w.key("product_class").value(device.product_class);
  w.key("serial_number").value(device.serial_number);
  w.key("manufacturer").value(device.manufacturer);
  w.key("hardware_version").value(device.hardware_version);
  w.key("software_version").value(device.software_version);
  w.key("connection_request_url").value(device.connection_request_url);
  w.key("parameter_key").value(device.parameter_key);
  w.key("ip").value(device.ip);
  w.key("online").value(device.online);
  w.key("last_inform").value(formatTime(device.last_inform));
  w.key("first_seen").value(formatTime(device.first_seen));
  w.key("periodic_inform_interval").value(device.periodic_inform_interval);
  w.key("last_events").beginArray();
  for (const std::string& event : device.last_events) w.value(event);
  w.endArray();
  w.key("tags").beginArray();
  for (const std::string& tag : device.tags) w.value(tag);
  w.endArray();
  w.key("capture_enabled").value(device.capture_enabled);
  w.endObject();
}

void writeParameter(JsonWriter& w, const store::Parameter& parameter) {
  w.beginObject();
  w.key("name").value(parameter.name);
  w.key("value").value(parameter.value);
  w.key("type").value(parameter.type);
  w.key("writable");
  if (parameter.writable) {
    w.value(*parameter.writable);
  } else {
    w.null();
  }
  w.key("last_updated").value(formatTime(parameter.last_updated));
  w.endObject();
}

void writeStoredJson(JsonWriter& w, std::string_view stored) {
  if (stored.empty()) {
    w.null();
  } else if (parsesAsJson(stored)) {
    w.raw(stored);
  } else {
    w.value(stored);
  }
}

void writeTask(JsonWriter& w, const store::Task& task) {
  w.beginObject();
  w.key("id").value(task.id);
  w.key("device_id").value(task.device_id);
  w.key("task_type").value(task.type);
  w.key("status").value(store::taskStateName(task.state));
  w.key("parameters");
  if (task.args_json.empty()) {
    w.beginObject().endObject();
  } else {
    writeStoredJson(w, task.args_json);
  }
  w.key("created_at").value(formatTime(task.created_at));
  w.key("updated_at").value(formatTime(task.updated_at));
  w.key("sent_at");
  writeTime(w, task.sent_at);
  w.key("expires_at");
  writeTime(w, task.expires_at);
  w.key("attempts").value(task.attempts);
  w.key("max_attempts").value(task.max_attempts);
  w.key("session_id");
  writeTextOrNull(w, task.session_id);
  w.key("command_key");
  writeTextOrNull(w, task.command_key);
  w.key("result");
  writeStoredJson(w, task.result_json);
  w.key("fault");
  if (task.fault_code != 0) {
    w.beginObject();
    w.key("code").value(static_cast<std::uint64_t>(task.fault_code));
    w.key("message").value(task.fault_string);
    w.endObject();
  } else {
    w.null();
  }
  // Failed and Expired tasks carry their reason in fault_string with no CWMP fault code.
  w.key("reason");
  if (task.fault_code == 0) {
    writeTextOrNull(w, task.fault_string);
  } else {
    w.null();
  }
  w.key("connection_request_result");
  writeTextOrNull(w, task.connection_request_result);
  w.endObject();
}

void writeSession(JsonWriter& w, const store::SessionRecord& session) {
  w.beginObject();
  w.key("id").value(session.id);
  w.key("device_id").value(session.device_id);
  w.key("owner").value(session.owner);
  w.key("started_at").value(formatTime(session.started_at));
  w.key("last_activity").value(formatTime(session.last_activity));
  w.key("ended_at");
  writeTime(w, session.ended_at);
  w.key("events").beginArray();
  for (const std::string& event : session.events) w.value(event);
  w.endArray();
  w.key("messages_in").value(session.messages_in);
  w.key("messages_out").value(session.messages_out);
  w.key("outcome");
  writeTextOrNull(w, session.outcome);
  w.endObject();
}

void writeFault(JsonWriter& w, const store::FaultRecord& fault) {
  w.beginObject();
  w.key("id").value(fault.id);
  w.key("device_id").value(fault.device_id);
  w.key("task_id");
  if (fault.task_id) {
    w.value(*fault.task_id);
  } else {
    w.null();
  }
  w.key("session_id");
  writeTextOrNull(w, fault.session_id);
  w.key("code").value(static_cast<std::uint64_t>(fault.code));
  w.key("message").value(fault.message);
  w.key("detail");
  writeStoredJson(w, fault.detail_json);
  w.key("at").value(formatTime(fault.at));
  w.endObject();
}

void writeConnectionRequestOutcome(JsonWriter& w, const ConnectionRequestOutcome& outcome) {
  w.beginObject();
  w.key("ok").value(outcome.ok);
  w.key("http_status").value(outcome.http_status);
  w.key("message").value(outcome.message);
  w.endObject();
}

void writeStats(JsonWriter& w, const store::Stats& stats, std::string_view backend) {
  w.beginObject();
  w.key("devices_total").value(stats.devices_total);
  w.key("devices_online").value(stats.devices_online);
  w.key("tasks_by_state").beginObject();
  for (const auto& [state, count] : stats.tasks_by_state) w.key(state).value(count);
  w.endObject();
  w.key("sessions_last_hour").value(stats.sessions_last_hour);
  w.key("faults_last_24h").value(stats.faults_last_24h);
  w.key("store_backend").value(backend);
  w.endObject();
}

void writeCaptures(JsonWriter& w, std::string_view device_id,
                   const std::vector<store::CaptureRecord>& captures) {
  // Group by session, keeping the store's seq order inside each session.
  std::map<std::string, std::vector<const store::CaptureRecord*>> by_session;
  for (const store::CaptureRecord& record : captures) {
    by_session[record.session_id].push_back(&record);
  }
  std::vector<const std::vector<const store::CaptureRecord*>*> sessions;
  sessions.reserve(by_session.size());
  for (const auto& [id, records] : by_session) sessions.push_back(&records);
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const auto* a, const auto* b) { return a->front()->at < b->front()->at; });

  w.beginObject();
  w.key("format").value(kCaptureFormat);
  w.key("device_id").value(device_id);
  w.key("sessions").beginArray();
  for (const auto* records : sessions) {
    w.beginObject();
    w.key("session_id").value(records->front()->session_id);
    w.key("started_at").value(formatTime(records->front()->at));
    w.key("exchanges").beginArray();
    for (const store::CaptureRecord* record : *records) {
      w.beginObject();
      w.key("seq").value(record->seq);
      w.key("direction").value(record->direction);
      w.key("at").value(formatTime(record->at));
      w.key("http_status").value(record->http_status);
      // Bodies are SOAP (UTF-8) in practice; anything else is kept byte for byte as base64.
      if (isValidUtf8(record->body)) {
        w.key("encoding").value("utf-8");
        w.key("body").value(record->body);
      } else {
        w.key("encoding").value("base64");
        w.key("body").value(cwmp::encodeBase64(record->body));
      }
      w.key("truncated").value(record->truncated);
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }
  w.endArray();
  w.endObject();
}

std::string errorBody(const ApiError& error) {
  JsonWriter w;
  w.beginObject().key("error").beginObject();
  w.key("code").value(error.code);
  w.key("message").value(error.message);
  w.endObject().endObject();
  return w.take();
}

std::string renderStoreGauges(const store::Stats* stats) {
  std::string out;
  appendPrometheusHeader(out, "acs_store_up",
                         "Whether the last store query for this scrape succeeded.", "gauge");
  out += stats ? "acs_store_up 1\n" : "acs_store_up 0\n";
  if (!stats) return out;
  const auto gauge = [&out](std::string_view name, std::string_view help, std::int64_t value) {
    appendPrometheusHeader(out, name, help, "gauge");
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
  };
  gauge("acs_devices", "Devices known to the store.", stats->devices_total);
  gauge("acs_devices_online", "Devices whose last Inform is recent enough to count as online.",
        stats->devices_online);
  appendPrometheusHeader(out, "acs_tasks", "Tasks in the store by state.", "gauge");
  for (const auto& [state, count] : stats->tasks_by_state) {
    out += "acs_tasks{state=\"" + escapeLabel(state) + "\"} " + std::to_string(count) + "\n";
  }
  gauge("acs_sessions_last_hour", "CWMP sessions started in the last hour.",
        stats->sessions_last_hour);
  gauge("acs_faults_last_24h", "CPE faults recorded in the last 24 hours.", stats->faults_last_24h);
  return out;
}

}  // namespace acs::api
